"""KMS test helpers: keys made per test, and AWS's error answer of a call."""
import botocore.exceptions
import pytest


def error_of(call, *args, **kwargs) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a call that must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as failure:
        call(*args, **kwargs)
    response = failure.value.response
    return response["Error"]["Code"], response["Error"].get("Message", ""), response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def key(kms):
    """A fresh symmetric encryption key's metadata."""
    return kms.create_key(Description="test key")["KeyMetadata"]


@pytest.fixture
def private_server(awsbox_server_factory):
    """A server of this test's own, for tests that move the simulator clock."""
    return awsbox_server_factory().start()


@pytest.fixture
def unchecked_kms(server):
    """A client that sends what it is given, so the server's own validation answers."""
    return server.client("kms", parameter_validation=False)
