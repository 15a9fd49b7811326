"""SigV4 authentication, server side: who is calling.

``authenticate`` verifies the ``Authorization: AWS4-HMAC-SHA256 ...`` header
form and the presigned query form, the session token of temporary
credentials, the clock, and the payload (x-amz-content-sha256, aws-chunked
streams with chained chunk signatures and trailers). It returns the body the
protocol parser should read: the same bytes, or a reader that verifies and
decodes while the body streams.

Clocks: the clock-skew check compares the client's timestamp with REAL time
(a client signs with its own clock, which the simulator clock does not move);
presigned URL expiry and temporary-credential expiry use the SIMULATOR clock,
so advancing it expires them as the passing of time would.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import re

from ..protocols.models import service_model
from ..protocols.protocol import lowercase_headers
from . import sigv2, sigv4
from .credentials import AuthFailure, Credential, Scope
from .payload import AwsChunkedPayload, ChunkSigner, VerifiedPayload

__all__ = ["AuthFailure", "Credential", "Scope", "scope_of", "authenticate"]

# How far a request's timestamp may be from real time. S3, IAM and STS allow
# 15 minutes; KMS and CloudTrail answer "Signature expired: ... (... - 5 min.)".
_SKEW_WINDOW = {"kms": 5 * 60, "cloudtrail": 5 * 60}
_DEFAULT_SKEW_WINDOW = 15 * 60
MAX_PRESIGN_EXPIRES = 7 * 24 * 3600  # 604800 s: a signing key is valid for 7 days

_SHA256_HEX = re.compile(r"^[0-9a-fA-F]{64}$")
_STREAMING = {
    # x-amz-content-sha256 value: (chunks signed, trailer signed)
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD": (True, False),
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER": (True, True),
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER": (False, False),
}
_PRESIGN_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders")


def skew_window(service: str) -> int:
    return _SKEW_WINDOW.get(service, _DEFAULT_SKEW_WINDOW)


def _is_presigned(params: dict) -> bool:
    return "X-Amz-Algorithm" in params or "X-Amz-Credential" in params or "X-Amz-Signature" in params


def scope_of(request) -> Scope | None:
    """The scope a request claims, without verifying anything (for routing)."""
    header = request.headers.get("Authorization", "")
    if header.startswith(sigv4.ALGORITHM + " "):
        credential = sigv4.parse_authorization(header).get("Credential", "")
    else:
        credential = sigv4.query_params(request.query_string).get("X-Amz-Credential", "")
    parts = sigv4.split_credential(credential)
    return Scope(*parts[:4]) if parts else None


class _Signed:
    """What a request says about its own signature, header or query form."""

    def __init__(self, *, presigned: bool, credential: str, signed_headers: str, signature: str,
                 timestamp_text: str, timestamp: _dt.datetime, token: str | None, expires: int | None):
        self.presigned = presigned
        self.credential = credential
        self.signed_headers = signed_headers.lower().split(";")
        self.signature = signature
        self.timestamp_text = timestamp_text  # as sent, for S3's RequestTime
        self.timestamp = timestamp
        # YYYYMMDDTHHMMSSZ, the form the string to sign and the scope use.
        self.amz_timestamp = timestamp.strftime(sigv4.TIMESTAMP_FORMAT)
        self.token = token
        self.expires = expires


def _read_header_form(request, header: str) -> _Signed:
    parts = sigv4.parse_authorization(header)
    missing = [name for name in ("Credential", "Signature", "SignedHeaders") if not parts.get(name)]
    amz_date = request.headers.get("X-Amz-Date")
    http_date = request.headers.get("Date")
    if missing or not (amz_date or http_date):
        raise sigv4.failure("malformed", "incomplete Authorization header", problem="incomplete",
                            missing=missing, missing_date=not (amz_date or http_date), authorization=header)
    moment = sigv4.parse_timestamp(amz_date) if amz_date else sigv4.parse_http_date(http_date)
    if moment is None:
        raise sigv4.failure("malformed", "invalid request date", problem="date", authorization=header)
    return _Signed(presigned=False, credential=parts["Credential"], signed_headers=parts["SignedHeaders"],
                   signature=parts["Signature"], timestamp_text=amz_date or http_date, timestamp=moment,
                   token=request.headers.get("X-Amz-Security-Token"), expires=None)


def _read_query_form(params: dict) -> _Signed:
    missing = [name for name in _PRESIGN_PARAMS if not params.get(name)]
    if missing:
        raise sigv4.failure("malformed", "incomplete presigned query", problem="incomplete_query", missing=missing)
    if params["X-Amz-Algorithm"] != sigv4.ALGORITHM:
        raise sigv4.failure("malformed", "unsupported algorithm", problem="algorithm_query",
                            algorithm=params["X-Amz-Algorithm"])
    moment = sigv4.parse_timestamp(params["X-Amz-Date"])
    if moment is None:
        raise sigv4.failure("malformed", "invalid X-Amz-Date", problem="date_query")
    expires_text = params.get("X-Amz-Expires")
    expires = None
    if expires_text is not None:
        try:
            expires = int(expires_text)
        except ValueError:
            raise sigv4.failure("malformed", "X-Amz-Expires is not a number", problem="expires_number") from None
        if expires < 1:
            raise sigv4.failure("malformed", "X-Amz-Expires below 1", problem="expires_negative")
        if expires > MAX_PRESIGN_EXPIRES:
            raise sigv4.failure("malformed", "X-Amz-Expires over a week", problem="expires_week")
    return _Signed(presigned=True, credential=params["X-Amz-Credential"],
                   signed_headers=params["X-Amz-SignedHeaders"], signature=params["X-Amz-Signature"],
                   timestamp_text=params["X-Amz-Date"], timestamp=moment,
                   token=params.get("X-Amz-Security-Token"), expires=expires)


def _read_signed(request, params: dict) -> _Signed:
    header = request.headers.get("Authorization")
    if header is not None:
        if not header.startswith(sigv4.ALGORITHM + " "):
            raise sigv4.failure("malformed", "unsupported authorization type", problem="algorithm",
                                authorization=header)
        return _read_header_form(request, header)
    if _is_presigned(params):
        return _read_query_form(params)
    raise sigv4.failure("missing", "no Authorization header and no presigned query")


def _read_scope(signed: _Signed, signing_name: str | None) -> Scope:
    parts = sigv4.split_credential(signed.credential)
    if parts is None:
        raise sigv4.failure("malformed", "credential is not AKID/date/region/service/aws4_request",
                            problem="credential", credential=signed.credential,
                            presigned=signed.presigned)
    access_key_id, date, region, service, terminator = parts
    if signing_name is not None and service != signing_name:
        # Routing falls back to X-Amz-Target / Action / S3 for a signing name
        # it does not know; AWS refuses a scope naming another service even
        # when the signature over it is good.
        raise sigv4.failure("malformed", "credential scoped to another service", problem="scope_service",
                            service=service, expected=signing_name, presigned=signed.presigned)
    if terminator != sigv4.TERMINATOR:
        raise sigv4.failure("malformed", "credential terminator", problem="terminator", terminator=terminator,
                            presigned=signed.presigned)
    timestamp = signed.amz_timestamp
    if date != timestamp[:8]:
        raise sigv4.failure("malformed", "credential date differs from the request date", problem="scope_date",
                            date=date, timestamp=timestamp, presigned=signed.presigned)
    return Scope(access_key_id, date, region, service)


def _check_clock(signed: _Signed, scope: Scope, real_now: _dt.datetime, sim_now: _dt.datetime, on_sim_time) -> None:
    fields = {"request_time": signed.timestamp_text, "timestamp": signed.amz_timestamp, "server_time": real_now}
    if signed.presigned and scope.service == "s3":
        # A presigned S3 URL lives X-Amz-Expires seconds after X-Amz-Date on
        # the simulator clock; it may not claim a time ahead of real time.
        if signed.expires is None:
            raise sigv4.failure("malformed", "X-Amz-Expires missing", problem="incomplete_query",
                                missing=["X-Amz-Expires"])
        expires = signed.expires
        if signed.timestamp - real_now > _dt.timedelta(seconds=_DEFAULT_SKEW_WINDOW):
            raise sigv4.failure("skew", "X-Amz-Date is in the future", window=_DEFAULT_SKEW_WINDOW, **fields)
        # Signed at X-Amz-Date by the client's (real) clock: expiry counts on
        # the simulator's timeline from where that moment falls on it.
        expires_at = on_sim_time(signed.timestamp) + _dt.timedelta(seconds=expires)
        if sim_now > expires_at:
            raise sigv4.failure("expired_presign", "presigned URL expired", expires=expires,
                                expires_at=expires_at, server_time=sim_now)
        return
    # Header signatures, and presigned URLs of the other services (which
    # honour the same window whatever X-Amz-Expires says).
    window = skew_window(scope.service)
    if abs((real_now - signed.timestamp).total_seconds()) > window:
        raise sigv4.failure("skew", "request time too far from server time", window=window, **fields)


def _check_token(token: str | None, credential: Credential, sim_now: _dt.datetime) -> None:
    if credential.session_token_hash is None:
        if token:
            # A session token with long-term keys is a token AWS did not issue.
            raise sigv4.failure("invalid_token", "session token sent with long-term credentials")
        return
    provided = hashlib.sha256(token.encode("utf-8")).hexdigest() if token else ""
    if not sigv4.same_signature(credential.session_token_hash, provided):
        raise sigv4.failure("invalid_token", "session token does not match the access key")
    if credential.expires is not None and sim_now.timestamp() >= credential.expires:
        raise sigv4.failure("expired_token", "temporary credentials expired")


def _payload_hash(request, signed: _Signed, service: str, body) -> str:
    """The payload line of the canonical request, as the client's signer
    chose it: x-amz-content-sha256 when sent, else UNSIGNED-PAYLOAD for a
    presigned S3 URL, else the body's SHA-256 (S3 requires the header)."""
    declared = request.headers.get("X-Amz-Content-SHA256")
    if declared is not None:
        if service == "s3" and declared not in _STREAMING and declared != sigv4.UNSIGNED_PAYLOAD \
                and not _SHA256_HEX.match(declared):
            raise sigv4.failure("malformed", "invalid x-amz-content-sha256", problem="content_sha256_invalid",
                                value=declared)
        return declared
    if service == "s3":
        if signed.presigned:
            return sigv4.UNSIGNED_PAYLOAD
        raise sigv4.failure("malformed", "x-amz-content-sha256 missing", problem="content_sha256_missing")
    return sigv4.sha256_hex(body if isinstance(body, bytes) else b"")


def _unsigned_headers(headers: dict, signed: _Signed) -> list[str]:
    """S3 refuses x-amz-* headers the signature does not cover."""
    signed_set = set(signed.signed_headers)
    return sorted(name for name in headers if name.startswith("x-amz-") and name not in signed_set)


def _int_header(request, name: str) -> int | None:
    value = request.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _body_for(request, payload_hash: str, body, signer: ChunkSigner | None, service: str | None):
    """The body to hand on: decoded and verified as it streams. ``signer``
    None: chunk signatures are not checked (permissive mode). Only S3 takes
    aws-chunked bodies: any other service reads such a body as it arrives,
    and answers that it does not parse."""
    if payload_hash in _STREAMING and service == "s3":
        chunks_signed, trailer_signed = _STREAMING[payload_hash]
        declared = [name.strip().lower() for name in request.headers.get("X-Amz-Trailer", "").split(",")
                    if name.strip()]
        return AwsChunkedPayload(io.BytesIO(body) if isinstance(body, bytes) else body,
                                 signer=signer if chunks_signed else None, signed_chunks=chunks_signed,
                                 signed_trailer=trailer_signed, declared_trailers=declared,
                                 decoded_length=_int_header(request, "X-Amz-Decoded-Content-Length"))
    if _SHA256_HEX.match(payload_hash):
        if isinstance(body, bytes):
            computed = sigv4.sha256_hex(body)
            if computed != payload_hash.lower():
                raise sigv4.failure("payload_mismatch", "x-amz-content-sha256 does not match the body",
                                    client=payload_hash.lower(), computed=computed)
            return body
        return VerifiedPayload(body, payload_hash, _int_header(request, "Content-Length"))
    return body


def _permissive(request, body, lookup, default_principal, service: str | None):
    """Who the request says it is, unchecked; an aws-chunked body is still
    decoded."""
    scope = scope_of(request)
    credential = lookup(scope.access_key_id) if scope else None
    if credential is None:
        credential = Credential(access_key_id=scope.access_key_id if scope else "", secret_access_key="",
                                principal=default_principal)
    payload_hash = request.headers.get("X-Amz-Content-SHA256", "")
    if payload_hash in _STREAMING:
        body = _body_for(request, payload_hash, body, None, scope.service if scope else service)
    return credential, scope, body


def check_region(request, scope: Scope | None, expected: str | None) -> None:
    """A request signed for one region that addresses a resource living in
    another (``expected``) is refused, naming the right one: S3's SDKs then
    sign again for it and retry. Unsigned and SigV2 requests claim no region."""
    if scope is None or expected is None or scope.region == expected:
        return
    presigned = "Authorization" not in request.headers and _is_presigned(sigv4.query_params(request.query_string))
    raise sigv4.failure("malformed", "signed for another region", problem="region", region=scope.region,
                        expected=expected, presigned=presigned)


def authenticate(request, raw_path: str, body, *, lookup, real_now: _dt.datetime, sim_now: _dt.datetime,
                 permissive: bool, default_principal, service: str | None = None, path_style_path: str | None = None,
                 on_sim_time=lambda moment: moment):
    """Verify a request's SigV4 signature -> (credential, scope, body).

    ``raw_path``: the percent-encoded path as the client sent it. ``body``:
    bytes, or a file-like with ``read(n)`` (S3). ``lookup(access_key_id)``:
    the Credential or None. Raises AuthFailure. ``service`` and
    ``path_style_path``: for S3's legacy SigV2, which signs the path-style path.
    ``on_sim_time(real_moment)``: where a client's signing time falls on the
    simulator clock (presigned expiry). ``permissive``: nothing is
    checked; a known key resolves to its principal, an unknown key (or no
    signature at all) to ``default_principal``; the scope is None when the
    request claims none (use the configured region)."""
    if permissive:
        return _permissive(request, body, lookup, default_principal, service)
    params = sigv4.query_params(request.query_string)
    if service == "s3" and sigv2.is_sigv2(request, params):
        return sigv2.authenticate(request, path_style_path or raw_path, body, lookup=lookup, real_now=real_now,
                                  sim_now=sim_now, check_token=lambda token, cred: _check_token(token, cred, sim_now),
                                  on_sim_time=on_sim_time)
    signed = _read_signed(request, params)
    scope = _read_scope(signed, service_model(service).signing_name if service else None)
    _check_clock(signed, scope, real_now, sim_now, on_sim_time)
    credential = lookup(scope.access_key_id)
    if credential is None:
        raise sigv4.failure("unknown_key", "unknown access key", access_key_id=scope.access_key_id)
    if credential.status != "Active":
        raise sigv4.failure("inactive_key", "inactive access key", access_key_id=scope.access_key_id)
    _check_token(signed.token, credential, sim_now)

    headers = sigv4.header_values(lowercase_headers(request))
    if scope.service == "s3":
        unsigned = _unsigned_headers(headers, signed)
        if unsigned:
            raise sigv4.failure("malformed", "x-amz-* headers not signed", problem="headers_not_signed",
                                headers=unsigned)
    if not isinstance(body, bytes) and scope.service != "s3":
        body = body.read()  # json / query bodies are small; hash them whole
    payload_hash = _payload_hash(request, signed, scope.service, body)
    canonical = sigv4.canonical_request(
        request.method, sigv4.canonical_uri(raw_path, scope.service),
        sigv4.canonical_query(request.query_string, exclude="X-Amz-Signature" if signed.presigned else None),
        sigv4.canonical_headers(headers, signed.signed_headers), signed.signed_headers, payload_hash)
    credential_scope = sigv4.credential_scope(scope.date, scope.region, scope.service)
    timestamp = signed.amz_timestamp
    string_to_sign = sigv4.string_to_sign(timestamp, credential_scope, canonical)
    key = sigv4.signing_key(credential.secret_access_key, scope.date, scope.region, scope.service)
    expected = sigv4.signature(key, string_to_sign)
    if not sigv4.same_signature(expected, signed.signature):
        raise sigv4.failure("bad_signature", "signature does not match", access_key_id=scope.access_key_id,
                            string_to_sign=string_to_sign, signature_provided=signed.signature,
                            canonical_request=canonical)
    signer = ChunkSigner(key, timestamp, credential_scope, expected)
    return credential, scope, _body_for(request, payload_hash, body, signer, scope.service)
