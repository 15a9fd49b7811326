"""S3 test helpers: a fresh bucket per test, and AWS's error answer of a call."""
import uuid

import botocore.exceptions
import pytest


def error_of(call, *args, **kwargs) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a call that must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as failure:
        call(*args, **kwargs)
    response = failure.value.response
    return response["Error"]["Code"], response["Error"].get("Message", ""), response["ResponseMetadata"]["HTTPStatusCode"]


def error_body(call, *args, **kwargs) -> dict:
    """The whole parsed error of a call that must fail (code, message and S3's extra fields)."""
    with pytest.raises(botocore.exceptions.ClientError) as failure:
        call(*args, **kwargs)
    return failure.value.response["Error"]


def unique(prefix: str = "bucket") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def bucket(s3):
    """A new empty bucket's name."""
    name = unique()
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def private_server(awsbox_server_factory):
    """A server of this test's own, for tests that move the clock or restart."""
    return awsbox_server_factory().start()
