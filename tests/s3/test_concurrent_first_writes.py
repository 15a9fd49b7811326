"""Many first writes at once on a new server: every PUT is answered 200 and
every object reads back.

Everything made on first use races here: each worker process's compiled
request shapes and routes, the account's S3 service key (SSE-S3), the AWS
managed key aws/s3 (SSE-KMS), the clock and credential rows. The server
runs with a tiny GIL switch interval (a sitecustomize on its PYTHONPATH)
so that threads interleave inside those first uses as often as they do on a
busy machine, and it is restarted between bursts so every burst meets cold
worker processes.
"""
import http.client
import os
import pathlib
import threading
import urllib.parse

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
BUCKETS = {"first-sse-s3": None, "first-sse-kms": "aws:kms"}
CONNECTIONS = 16  # 2 workers x 8 threads
PUTS_PER_CONNECTION = 3
BURSTS = 3


def _signed_puts(server, bucket: str, prefix: str) -> list[tuple[str, dict]]:
    """Zero-byte PUTs signed ahead of time, so a burst reaches the server at once."""
    signer = S3SigV4Auth(Credentials("test", "test"), "s3", server.region)
    requests = []
    for i in range(PUTS_PER_CONNECTION):
        path = f"/{bucket}/" + urllib.parse.quote(f"{prefix}/{i}.dat")
        request = AWSRequest(method="PUT", url=server.endpoint + path, data=b"",
                             headers={"x-amz-content-sha256": EMPTY_SHA256})
        signer.add_auth(request)
        requests.append((path, dict(request.prepare().headers)))
    return requests


def _burst(server, burst: int) -> tuple[list[str], list[tuple]]:
    """PUT from CONNECTIONS connections at once; (keys written, failures)."""
    names = list(BUCKETS)
    plans = [(names[c % len(names)], _signed_puts(server, names[c % len(names)], f"b{burst}/c{c}"))
             for c in range(CONNECTIONS)]
    start = threading.Barrier(len(plans))
    written, failures = [], []

    def send(bucket, requests):
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(server.endpoint).netloc, timeout=60)
        connection.connect()
        start.wait()
        for path, headers in requests:
            connection.request("PUT", path, body=b"", headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status == 200:
                written.append((bucket, urllib.parse.unquote(path.split("/", 2)[2])))
            else:
                failures.append((path, response.status, answer[:200]))
        connection.close()

    threads = [threading.Thread(target=send, args=plan) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return written, failures


def test_concurrent_first_puts_on_a_new_server(awsbox_server_factory, tmp_path, monkeypatch):
    interleave = tmp_path / "interleave"
    interleave.mkdir()
    (interleave / "sitecustomize.py").write_text("import sys\nsys.setswitchinterval(1e-6)\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(interleave), os.environ.get("PYTHONPATH")])))
    server = awsbox_server_factory()
    server.start()
    # Only bucket set-up runs before the first burst: no PutObject, no
    # service key, no aws/s3 key exists yet.
    s3 = server.client("s3")
    for bucket, algorithm in BUCKETS.items():
        s3.create_bucket(Bucket=bucket)
        if algorithm:
            s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm}}]})
    written, failures = [], []
    for burst in range(BURSTS):
        if burst:
            server.restart()  # cold worker processes again
        done, failed = _burst(server, burst)
        written += done
        failures += failed
    log = pathlib.Path(server.log_path).read_text(errors="replace")
    assert failures == [], f"{len(failures)} failed PUTs, first: {failures[:3]}\n{log[-3000:]}"
    assert "Traceback" not in log, log[-3000:]
    assert len(written) == BURSTS * CONNECTIONS * PUTS_PER_CONNECTION
    s3 = server.client("s3")
    for bucket, key in written:
        got = s3.get_object(Bucket=bucket, Key=key)
        assert got["Body"].read() == b""
        assert got["ServerSideEncryption"] == (BUCKETS[bucket] or "AES256")
