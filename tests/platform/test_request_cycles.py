"""A request must be freed when it is answered, by reference counting alone.

An object cycle through the WSGI environ (werkzeug's Request stores itself
there) lives until Python's cyclic collector runs, and the environ holds the
HTTP server's input stream with its buffers, outside Python's heap: under
granian a worker grew by about 3 MiB per 64 MiB uploaded until a collection.
With the collector off, any Request still alive after the calls below is
held by a cycle."""
import gc
import threading

import boto3
import pytest
import requests
from botocore.config import Config as BotoConfig
from werkzeug.serving import make_server
from werkzeug.wrappers import Request

from simulator.app import create_app
from simulator.config import Config


@pytest.fixture
def endpoint():
    app = create_app(Config(in_memory=True))
    server = make_server("127.0.0.1", 0, app.wsgi_app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["awsbox"].close()


def _live_requests() -> int:
    return sum(isinstance(obj, Request) for obj in gc.get_objects())


def test_answered_requests_leave_no_cycles(endpoint):
    config = BotoConfig(retries={"max_attempts": 0}, s3={"addressing_style": "path"})
    clients = {name: boto3.client(name, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                                  aws_secret_access_key="test", config=config) for name in ("s3", "kms")}
    s3, kms = clients["s3"], clients["kms"]
    s3.create_bucket(Bucket="cycles")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    gc.collect()
    gc.disable()
    try:
        before = _live_requests()
        s3.put_object(Bucket="cycles", Key="plain", Body=b"x" * 300_000)
        s3.put_object(Bucket="cycles", Key="kms", Body=b"y" * 1000, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
        assert s3.get_object(Bucket="cycles", Key="kms")["Body"].read() == b"y" * 1000
        with pytest.raises(s3.exceptions.NoSuchKey):
            s3.get_object(Bucket="cycles", Key="missing")
        kms.encrypt(KeyId=key_id, Plaintext=b"secret")
        assert requests.get(f"{endpoint}/_awsbox/health", timeout=10).status_code == 200  # Flask's side
        assert _live_requests() == before
    finally:
        gc.enable()
