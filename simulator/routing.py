"""Which service a request is for, and its path in S3 path style.

One port serves every service. The service is read, in order, from the SigV4
credential scope, the ``X-Amz-Target`` header (JSON protocol), the
``Action``/``Version`` parameters (Query protocol), else it is S3, where
virtual-host addressing (``bucket.localhost``, ``bucket.s3.localhost``,
``bucket.s3.<region>.localhost``) is rewritten to path style so the S3
protocol sees one form.
"""
from __future__ import annotations

import dataclasses
import re
from urllib.parse import parse_qs, quote

from .auth import scope_of

# The signing name in a credential scope -> our service.
_SIGNING_NAMES = {"kms": "kms", "s3": "s3", "iam": "iam", "sts": "sts", "cloudtrail": "cloudtrail"}
_TARGET_PREFIXES = {
    "TrentService": "kms",
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101": "cloudtrail",
}
# A JSON request for a target prefix we do not serve.
UNKNOWN_JSON = "unknown-json"
_QUERY_VERSIONS = {"2010-05-08": "iam", "2011-06-15": "sts"}
# Hosts we answer for virtual-host style: <bucket>.localhost,
# <bucket>.s3.localhost, <bucket>.s3.<region>.localhost (any port).
_VHOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.\-]*?)(?:\.s3(?:[.-][a-z0-9-]+)?)?\.localhost$")
_S3_ONLY_HOST = re.compile(r"^s3(?:[.-][a-z0-9-]+)?\.localhost$")


@dataclasses.dataclass(frozen=True)
class Route:
    service: str
    path: str  # raw (percent-encoded) path, path-style for S3
    raw_path: str  # the raw path as the client sent it (what SigV4 signed)


def raw_path_of(environ) -> str:
    """The path in SigV4's canonical encoding: every byte but the unreserved
    characters and "/" percent-encoded, which is how every AWS SDK encodes
    a path before it signs it. The server hands over the decoded path
    (PEP 3333: bytes as latin-1); encoding it again gives S3 keys back byte
    for byte ("%2F" and "/" are the same key, as on AWS)."""
    return quote(environ.get("PATH_INFO", "/").encode("latin-1"), safe="/~") or "/"


def route(request) -> Route:
    raw_path = raw_path_of(request.environ)
    service = _service_of(request)
    path = raw_path
    if service == "s3":
        bucket = _virtual_host_bucket(request.host)
        if bucket:
            path = "/" + bucket + (raw_path if raw_path != "/" else "")
            if path.endswith("/") and raw_path == "/":
                path = path.rstrip("/")
    return Route(service, path, raw_path)


def _service_of(request) -> str:
    scope = scope_of(request)
    if scope is not None and scope.service in _SIGNING_NAMES:
        return _SIGNING_NAMES[scope.service]
    target = request.headers.get("X-Amz-Target")
    if target:
        return _TARGET_PREFIXES.get(target.rpartition(".")[0], UNKNOWN_JSON)
    version = request.args.get("Version")
    if version is None and request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        version = _form_value(request, "Version")
    if version in _QUERY_VERSIONS:
        return _QUERY_VERSIONS[version]
    return "s3"


def _form_value(request, name: str):
    """Peek at a form field without consuming the stream the auth layer hashes."""
    body = request.get_data(cache=True)
    values = parse_qs(body.decode("utf-8", "replace")).get(name)
    return values[0] if values else None


def _virtual_host_bucket(host: str) -> str | None:
    host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    host = host.lower()
    if host == "localhost" or _S3_ONLY_HOST.match(host):
        return None
    match = _VHOST.match(host)
    return match.group("bucket") if match else None
