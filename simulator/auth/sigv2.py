"""S3's legacy Signature Version 2 (HMAC-SHA1), server side.

boto3 still presigns S3 URLs this way by default in us-east-1
(``?AWSAccessKeyId=...&Signature=...&Expires=...``), and older tools send
``Authorization: AWS <key>:<signature>``. Both sign the same string:

    VERB \\n Content-MD5 \\n Content-Type \\n Expires-or-Date \\n
    CanonicalizedAmzHeaders CanonicalizedResource

where the resource is the path-style path plus the S3 sub-resources in the
query. The list of sub-resources is botocore's (the client's own list), so
both sides agree on what is signed.
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
from urllib.parse import unquote

from botocore.auth import HmacV1Auth

from . import sigv4

_SUBRESOURCES = frozenset(HmacV1Auth.QSAOfInterest)


def is_sigv2(request, params: dict) -> bool:
    header = request.headers.get("Authorization", "")
    return header.startswith("AWS ") or ("AWSAccessKeyId" in params and "Signature" in params)


def string_to_sign(request, resource_path: str, params_pairs: list[tuple[str, str]], date_line: str) -> str:
    merged: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        if name.lower().startswith("x-amz-"):
            merged.setdefault(name.lower(), []).append(value.strip())
    amz_block = "".join(f"{name}:{','.join(values)}\n" for name, values in sorted(merged.items()))
    subresources = sorted((k, v) for k, v in params_pairs if k in _SUBRESOURCES)
    resource = resource_path
    if subresources:
        resource += "?" + "&".join(k if v == "" else f"{k}={v}" for k, v in subresources)
    return "\n".join(
        [
            request.method,
            request.headers.get("Content-MD5", ""),
            request.headers.get("Content-Type", ""),
            date_line,
        ]
    ) + "\n" + amz_block + resource


def signature(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest()).decode()


def authenticate(request, resource_path: str, body, *, lookup, real_now, sim_now, check_token, on_sim_time):
    """``resource_path``: the path-style raw path (/bucket/key), which SigV2
    signs whatever the addressing style. ``check_token(token, credential)``:
    the session-token rule shared with SigV4."""
    params = sigv4.query_params(request.query_string)
    pairs = [(unquote(k.decode("latin-1")), unquote(v.decode("latin-1"))) for k, v in sigv4.query_pairs(request.query_string)]
    header = request.headers.get("Authorization", "")
    if header.startswith("AWS "):
        access_key_id, _, provided = header[4:].partition(":")
        token = request.headers.get("X-Amz-Security-Token")
        date_text = request.headers.get("X-Amz-Date") or request.headers.get("Date")
        moment = date_text and (sigv4.parse_http_date(date_text) or sigv4.parse_timestamp(date_text))
        if not access_key_id or not provided or not moment:
            raise sigv4.failure("malformed", "malformed AWS authorization", problem="incomplete", missing=[],
                                missing_date=not moment, authorization=header)
        if abs((real_now - moment).total_seconds()) > 15 * 60:
            raise sigv4.failure("skew", "request time too far from server time", window=15 * 60,
                                request_time=date_text, timestamp=moment.strftime(sigv4.TIMESTAMP_FORMAT),
                                server_time=real_now)
        # With x-amz-date the Date line is empty: the header carries the time.
        date_line = "" if request.headers.get("X-Amz-Date") else request.headers.get("Date", "")
    else:
        access_key_id, provided = params["AWSAccessKeyId"], params["Signature"]
        token = params.get("x-amz-security-token")
        expires_text = params.get("Expires", "")
        if not expires_text.isdigit():
            raise sigv4.failure("malformed", "Expires is not a number", problem="expires_number")
        # A SigV2 URL carries only its expiry, not when it was signed. It is
        # placed on the simulator's timeline as if signed with botocore's
        # default lifetime (an hour) before that expiry.
        real_expiry = _dt.datetime.fromtimestamp(int(expires_text), _dt.timezone.utc)
        signed_at = min(real_expiry - _dt.timedelta(hours=1), real_now)
        expires_at = real_expiry + (on_sim_time(signed_at) - signed_at)
        if sim_now > expires_at:
            # No X-Amz-Expires in S3's answer to a SigV2 URL, which has none
            # (recorded in aws/aws-sdk-js#3493).
            raise sigv4.failure("expired_presign", "presigned URL expired", expires=None, expires_at=expires_at,
                                server_time=sim_now)
        date_line = expires_text
        pairs = [(k, v) for k, v in pairs if k not in ("AWSAccessKeyId", "Signature", "Expires")]
    credential = lookup(access_key_id)
    if credential is None:
        raise sigv4.failure("unknown_key", "unknown access key", access_key_id=access_key_id)
    if credential.status != "Active":
        raise sigv4.failure("inactive_key", "inactive access key", access_key_id=access_key_id)
    check_token(token, credential)
    text = string_to_sign(request, resource_path, pairs, date_line)
    if not sigv4.same_signature(signature(credential.secret_access_key, text), provided):
        raise sigv4.failure("bad_signature", "signature does not match", access_key_id=access_key_id,
                            string_to_sign=text, signature_provided=provided, canonical_request=None)
    # SigV2 carries no scope: the region is the server's.
    return credential, None, body
