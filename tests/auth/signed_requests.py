"""Requests signed by botocore's own signers, turned into the werkzeug
Requests the server sees, and a credential table to authenticate them with."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from simulator.auth import Credential, authenticate
from simulator.context import Principal

ENDPOINT = "http://localhost:4566"
ACCOUNT = "123456789012"
ROOT = Principal(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", "Root", ACCOUNT)
ALICE = Principal(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/alice", "IAMUser", "AIDAALICE", name="alice",
                  access_key_id="AKIAALICE0000000000A")
ROLE = Principal(ACCOUNT, f"arn:aws:sts::{ACCOUNT}:assumed-role/r/s", "AssumedRole", "AROAROLE:s", name="s",
                 access_key_id="ASIATEMP00000000000A")
TOKEN = "FwoGZXIvYXdzEXAMPLE+token/with+base64=="
UTC = dt.timezone.utc


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


class Keys:
    """The lookup: access key id -> Credential. ``expires`` of the temporary
    credential is on the simulator clock the tests pass."""

    def __init__(self):
        self.credentials = {
            "AKIAALICE0000000000A": Credential("AKIAALICE0000000000A", "alice-secret", ALICE),
            "AKIAINACTIVE0000000A": Credential("AKIAINACTIVE0000000A", "old-secret", ALICE, status="Inactive"),
            "ASIATEMP00000000000A": Credential("ASIATEMP00000000000A", "temp-secret", ROLE,
                                               session_token_hash=hashlib.sha256(TOKEN.encode()).hexdigest(),
                                               expires=(now() + dt.timedelta(hours=1)).timestamp()),
        }

    def __call__(self, access_key_id):
        return self.credentials.get(access_key_id)


def botocore_credentials(access_key_id="AKIAALICE0000000000A", secret="alice-secret", token=None):
    return Credentials(access_key_id, secret, token)


def sign(request: AWSRequest, service: str, *, region="us-east-1", credentials=None, signer=None) -> AWSRequest:
    credentials = credentials or botocore_credentials()
    signer_class = signer or (S3SigV4Auth if service == "s3" else SigV4Auth)
    signer_class(credentials, service, region).add_auth(request)
    return request


def presign(request: AWSRequest, service: str, *, expires=3600, region="us-east-1", credentials=None) -> AWSRequest:
    signer_class = S3SigV4QueryAuth if service == "s3" else SigV4QueryAuth
    signer_class(credentials or botocore_credentials(), service, region, expires=expires).add_auth(request)
    return request


def json_request(target="TrentService.ListKeys", body=b"{}") -> AWSRequest:
    return AWSRequest(method="POST", url=ENDPOINT + "/", data=body,
                      headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})


def query_request(body=b"Action=GetCallerIdentity&Version=2011-06-15") -> AWSRequest:
    return AWSRequest(method="POST", url=ENDPOINT + "/", data=body,
                      headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})


def werkzeug_request(method: str, url: str, headers, body: bytes = b"") -> tuple[Request, str]:
    """What the server sees: the HTTP chunked layer (Transfer-Encoding) is
    already undone by the HTTP server, so the body arrives with its length.
    Returns the request and the raw path."""
    parts = urlsplit(url)
    headers = {k: v for k, v in dict(headers).items() if k.lower() not in ("transfer-encoding", "content-length")}
    headers["Content-Length"] = str(len(body))
    builder = EnvironBuilder(method=method, base_url=f"{parts.scheme}://{parts.netloc}", path=parts.path or "/",
                             query_string=parts.query, headers=headers, input_stream=io.BytesIO(body))
    return Request(builder.get_environ()), parts.path or "/"


def served(request: AWSRequest, *, body: bytes | None = None, headers: dict | None = None, url: str | None = None):
    """The signed botocore request as the server receives it, optionally
    tampered: another body, changed headers, another URL."""
    prepared = request.prepare()
    data = prepared.body
    if data is None:
        data = b""
    elif hasattr(data, "read"):
        data = data.read()
    elif isinstance(data, str):
        data = data.encode()
    all_headers = dict(prepared.headers.items())
    all_headers.update(headers or {})
    return werkzeug_request(prepared.method, url or prepared.url, all_headers, data if body is None else body)


def run(request: Request, raw_path: str, *, lookup=None, real_now=None, sim_now=None, permissive=False,
        stream=False):
    """authenticate() as the dispatcher calls it: S3 bodies as a stream."""
    body = request.stream if stream else request.get_data()
    return authenticate(request, raw_path, body, lookup=lookup or Keys(), real_now=real_now or now(),
                        sim_now=sim_now or now(), permissive=permissive, default_principal=ROOT)


def read_all(body) -> bytes:
    return body if isinstance(body, bytes) else b"".join(iter(body))


class _Captured(Exception):
    def __init__(self, request):
        super().__init__("captured")
        self.request = request


def boto3_put_object(endpoint: str, body, *, key="k", credentials=None, **params):
    """The PutObject request boto3 prepares (signed, body encoded), stopped
    just before it goes on the wire: exactly what it would send."""
    import boto3

    credentials = credentials or botocore_credentials()
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=credentials.access_key, aws_secret_access_key=credentials.secret_key,
                          aws_session_token=credentials.token)

    def capture(request, **_):
        raise _Captured(request)

    client.meta.events.register("before-send.s3.PutObject", capture)
    try:
        client.put_object(Bucket="bucket", Key=key, Body=body, **params)
    except _Captured as captured:
        prepared = captured.request
    data = prepared.body.read() if hasattr(prepared.body, "read") else (prepared.body or b"")
    headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()}
    return werkzeug_request(prepared.method, prepared.url, headers, data)
