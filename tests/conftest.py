"""Shared fixtures: one real awsbox server for the session (from the awsbox
pytest plugin) and boto3 clients on it as the default account's root."""
import pytest


@pytest.fixture(scope="session")
def server(awsbox_server):
    return awsbox_server


@pytest.fixture
def kms(server):
    return server.client("kms")


@pytest.fixture
def s3(server):
    return server.client("s3")


@pytest.fixture
def iam(server):
    return server.client("iam")


@pytest.fixture
def sts(server):
    return server.client("sts")


@pytest.fixture
def awsbox_server_factory(tmp_path):
    """A private server for tests that restart, kill or reconfigure it."""
    from simulator.embedded import EmbeddedServer

    made = []

    def make(*args, data_dir=None):
        server = EmbeddedServer(str(data_dir or tmp_path / f"server{len(made)}"), args=args)
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()
