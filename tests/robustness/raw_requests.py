"""Requests put on the wire exactly as built: signed by botocore's own SigV4
signers, sent with http.client (no client-side validation, no URL
normalisation, no re-quoting, so `../` and `%2e%2e%2f` reach the server as
written), answers checked against each protocol's error shape."""
from __future__ import annotations

import dataclasses
import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from lxml import etree

JSON_TARGETS = {"kms": ("TrentService", "1.1"),
                "cloudtrail": ("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "1.1")}
QUERY_VERSIONS = {"iam": "2010-05-08", "sts": "2011-06-15"}
PROTOCOLS = {"kms": "json", "cloudtrail": "json", "iam": "query", "sts": "query", "s3": "rest-xml"}
_TIMEOUT = 30


@dataclasses.dataclass
class Raw:
    """One request as it goes on the wire. ``sign=False`` sends it unsigned
    (for requests whose bytes botocore cannot sign, e.g. an undecodable body
    is still signable, but a header botocore would reject is not)."""

    service: str
    method: str
    path: str  # already percent-encoded, sent verbatim
    query: str = ""
    headers: dict = dataclasses.field(default_factory=dict)
    body: bytes = b""
    label: str = ""
    sign: bool = True


@dataclasses.dataclass
class Answer:
    request: Raw
    status: int
    headers: dict
    body: bytes

    def __str__(self):
        text = self.body[:300].decode("utf-8", "replace")
        return f"{self.request.label}: HTTP {self.status} {text!r}"


def json_request(service: str, operation: str, body, *, label="", content_type=None) -> Raw:
    prefix, version = JSON_TARGETS[service]
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Raw(service, "POST", "/", headers={"X-Amz-Target": f"{prefix}.{operation}",
                                              "Content-Type": content_type or f"application/x-amz-json-{version}"},
               body=data, label=label or operation)


def query_request(service: str, body: bytes, *, label="", content_type="application/x-www-form-urlencoded; charset=utf-8",
                  query="") -> Raw:
    return Raw(service, "POST", "/", query=query, headers={"Content-Type": content_type}, body=body, label=label)


class Wire:
    """Signs and sends Raw requests to one server as one account's root,
    a few at a time (the server has 2 cores; 6 connections keep both busy)."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, region: str = "us-east-1"):
        parts = urlsplit(endpoint)
        self.endpoint = endpoint
        self.host, self.port = parts.hostname, parts.port
        self.credentials = Credentials(access_key, secret_key)
        self.region = region
        self._local = threading.local()

    def _signed_headers(self, raw: Raw) -> dict:
        headers = dict(raw.headers)
        if not raw.sign:
            return headers
        url = f"{self.endpoint}{raw.path}" + (f"?{raw.query}" if raw.query else "")
        request = AWSRequest(method=raw.method, url=url, data=raw.body, headers=headers)
        signer = S3SigV4Auth if raw.service == "s3" else SigV4Auth
        signer(self.credentials, raw.service, self.region).add_auth(request)
        return dict(request.headers.items())

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(self.host, self.port, timeout=_TIMEOUT)
        return conn

    def send(self, raw: Raw) -> Answer:
        headers = self._signed_headers(raw)
        target = raw.path + (f"?{raw.query}" if raw.query else "")
        for attempt in (1, 2):  # a kept-alive connection the server closed: once more on a new one
            conn = self._connection()
            try:
                conn.putrequest(raw.method, target, skip_host=True, skip_accept_encoding=True)
                conn.putheader("Host", f"{self.host}:{self.port}")
                for name, value in headers.items():
                    conn.putheader(name, value.encode("latin-1") if isinstance(value, str) else value)
                conn.putheader("Content-Length", str(len(raw.body)))
                try:
                    conn.endheaders(raw.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server answered before reading a body it refuses: read that answer
                response = conn.getresponse()
                body = response.read()
                answer = Answer(raw, response.status, {k.lower(): v for k, v in response.getheaders()}, body)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self._local.conn = None
                return answer
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise

    def send_all(self, raws: list[Raw]) -> list[Answer]:
        with ThreadPoolExecutor(6) as pool:
            return list(pool.map(self.send, raws))


def error_code(answer: Answer) -> str | None:
    """The AWS error code in the protocol's own error shape, None if the
    body is not that shape. A HEAD answer has no body: its status is all."""
    protocol = PROTOCOLS[answer.request.service]
    if answer.request.method == "HEAD":
        return str(answer.status)
    try:
        if protocol == "json":
            document = json.loads(answer.body)
            return document.get("__type") if isinstance(document, dict) else None
        root = etree.fromstring(answer.body)
    except (ValueError, etree.XMLSyntaxError):
        return None
    if protocol == "query":
        if etree.QName(root).localname != "ErrorResponse":
            return None
        code = root.find("{*}Error/{*}Code")
    else:
        if root.tag != "Error":
            return None
        code = root.find("Code")
    return code.text if code is not None else None


def problems(answers: list[Answer], *, strict: bool = True) -> list[str]:
    """What is wrong with answers to bad input: any 5xx; with ``strict``
    anything but a 4xx; any 4xx not in the protocol's error shape."""
    found = []
    for answer in answers:
        if answer.status >= 500:
            found.append(f"5xx {answer}")
        elif answer.status >= 400:
            if not error_code(answer):
                found.append(f"not AWS-shaped {answer}")
        elif strict:
            found.append(f"accepted {answer}")
    return found
