"""Signature Version 4, computed the way the server side of AWS computes it.

The canonical request is rebuilt from what the client sent (raw path, raw
query string, the headers it named in SignedHeaders, the payload hash) and
must come out byte for byte as the client's signer built it; botocore's
``SigV4Auth`` / ``S3SigV4Auth`` / ``SigV4QueryAuth`` are the reference.
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import hmac
import re
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote_to_bytes

from .credentials import AuthFailure

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

_TIMESTAMP = re.compile(r"^\d{8}T\d{6}Z$")
_UNRESERVED = "-_.~"  # RFC 3986 unreserved characters besides ALPHA / DIGIT
UTC = _dt.timezone.utc


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


@functools.lru_cache(maxsize=256)
def signing_key(secret_access_key: str, date: str, region: str, service: str) -> bytes:
    """kSigning = HMAC chain over date, region, service and the terminator.
    Cached: every request of a client on a given day derives the same key, and
    four HMACs per request are the hot path of authentication."""
    k_date = hmac_sha256(f"AWS4{secret_access_key}".encode("utf-8"), date)
    k_region = hmac_sha256(k_date, region)
    k_service = hmac_sha256(k_region, service)
    return hmac_sha256(k_service, TERMINATOR)


def signature(key: bytes, string_to_sign: str) -> str:
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def same_signature(expected: str, provided: str) -> bool:
    # Constant time: a timing difference would leak the expected signature.
    return hmac.compare_digest(expected.encode("ascii"), provided.encode("utf-8", "replace"))


# -- parsing what the client sent -------------------------------------------------

def parse_authorization(value: str) -> dict:
    """``AWS4-HMAC-SHA256 Credential=.., SignedHeaders=.., Signature=..`` ->
    {"Credential": .., "SignedHeaders": .., "Signature": ..} (absent ones left
    out). The caller has checked the algorithm prefix."""
    parts = {}
    for item in value[len(ALGORITHM):].split(","):
        name, sep, val = item.strip().partition("=")
        if sep:
            parts[name.strip()] = val.strip()
    return parts


def split_credential(credential: str) -> tuple[str, str, str, str, str] | None:
    """``AKID/20130524/us-east-1/s3/aws4_request`` -> its five parts, or None
    when it does not have five."""
    parts = credential.rsplit("/", 4)
    if len(parts) != 5 or not all(parts[:4]):
        return None
    return tuple(parts)  # type: ignore[return-value]


def parse_timestamp(value: str) -> _dt.datetime | None:
    """X-Amz-Date in the basic ISO 8601 form SigV4 uses (YYYYMMDDTHHMMSSZ).
    Read by position once the pattern matched: strptime costs more than the
    rest of the header's parsing."""
    if not _TIMESTAMP.match(value):
        return None
    try:
        return _dt.datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]),
                            int(value[9:11]), int(value[11:13]), int(value[13:15]), tzinfo=UTC)
    except ValueError:  # no such day or time (20240230, hour 24)
        return None


def parse_http_date(value: str) -> _dt.datetime | None:
    """The Date header (RFC 7231), which SigV4 accepts in place of X-Amz-Date."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def query_pairs(raw_query: bytes) -> list[tuple[bytes, bytes]]:
    """The raw query string as (name, value) pairs, percent-decoded to bytes.
    A ``+`` stays a ``+``: SigV4 encodes a space as %20, never as +."""
    pairs = []
    for item in raw_query.split(b"&"):
        if not item:
            continue
        name, _, value = item.partition(b"=")
        pairs.append((unquote_to_bytes(name), unquote_to_bytes(value)))
    return pairs


def query_params(raw_query: bytes) -> dict[str, str]:
    """Decoded query parameters (first value of each name) as text."""
    params: dict[str, str] = {}
    for name, value in query_pairs(raw_query):
        params.setdefault(name.decode("utf-8", "replace"), value.decode("utf-8", "replace"))
    return params


# -- the canonical request ---------------------------------------------------------

def canonical_uri(raw_path: str, service: str) -> str:
    """S3 signs the path exactly as sent. Every other service signs the path
    with dot segments and empty segments removed, URI-encoded once more: the
    client encodes the already-encoded path again (botocore's
    ``_normalize_url_path``)."""
    if service == "s3":
        return raw_path or "/"
    segments: list[str] = []
    for segment in raw_path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    normalized = "/" + "/".join(segments)
    if raw_path.endswith("/") and segments:
        normalized += "/"
    return quote(normalized, safe="/~")


def canonical_query(raw_query: bytes, *, exclude: str | None = None) -> str:
    """Each name and value decoded then encoded with RFC 3986 rules, sorted by
    name then value; ``exclude`` (X-Amz-Signature) left out."""
    encoded = []
    for name, value in query_pairs(raw_query):
        if exclude is not None and name == exclude.encode():
            continue
        encoded.append((quote(name, safe=_UNRESERVED), quote(value, safe=_UNRESERVED)))
    encoded.sort()
    return "&".join(f"{name}={value}" for name, value in encoded)


def header_values(headers) -> dict[str, list[str]]:
    """The request's headers by lowercased name, each with its values in the
    order sent: one pass over them for everything the signature reads. (Under
    WSGI the server has joined a repeated header's values already, so the
    app's lowercased header dict serves, read once per request.)"""
    found: dict[str, list[str]] = {}
    for name, value in headers.items():
        found.setdefault(name.lower(), []).append(value)
    return found


def canonical_headers(headers: dict[str, list[str]], signed_headers: list[str]) -> str:
    """``name:value`` lines for the signed headers (``headers`` as
    :func:`header_values` gives them); repeated headers joined by commas, runs
    of whitespace folded to one space (SigV4's Trimall)."""
    lines = []
    for name in signed_headers:
        values = headers.get(name, ())
        lines.append(name + ":" + ",".join(" ".join(v.split()) for v in values))
    return "\n".join(lines) + "\n"


def canonical_request(method: str, uri: str, query: str, headers_block: str,
                      signed_headers: list[str], payload_hash: str) -> str:
    return "\n".join([method.upper(), uri, query, headers_block, ";".join(signed_headers), payload_hash])


def string_to_sign(timestamp: str, scope: str, canonical: str) -> str:
    return "\n".join([ALGORITHM, timestamp, scope, sha256_hex(canonical.encode("utf-8"))])


def credential_scope(date: str, region: str, service: str) -> str:
    return f"{date}/{region}/{service}/{TERMINATOR}"


def failure(kind: str, message: str = "", **fields) -> AuthFailure:
    return AuthFailure(kind, message, fields)
