"""The awsbox pytest plugin (entry point ``pytest11: awsbox``).

Fixtures:
- ``awsbox_server``: one real server for the test session (temporary data dir).
- ``aws``: a factory of boto3 clients on it, as the default account's root:
  ``aws("s3")``, ``aws("kms", access_key=..., secret_key=...)``.
"""
from __future__ import annotations

import pytest

from .embedded import EmbeddedServer


@pytest.fixture(scope="session")
def awsbox_server(tmp_path_factory):
    server = EmbeddedServer(str(tmp_path_factory.mktemp("awsbox")))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def aws(awsbox_server):
    return awsbox_server.client
