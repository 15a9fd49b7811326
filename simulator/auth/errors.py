"""Authentication failures as each service's own AWS error.

Three families answer differently: S3 (rest-xml, with diagnostic members in
the error body), the JSON services (KMS, CloudTrail: ...Exception codes, all
400) and the query services (IAM, STS: 403 for identity errors, the canonical
request quoted in SignatureDoesNotMatch). Codes, statuses and messages are
AWS's as observed in real responses; the tests pin them.

Secret keys never appear. A session token appears only where AWS quotes the
caller's own request back (the canonical request); S3's ``Token-0`` member,
which would echo it once more, is left out on purpose.
"""
from __future__ import annotations

import datetime as _dt

from ..errors import AwsError
from ..protocols.models import service_model
from .credentials import AuthFailure

# -- S3 ---------------------------------------------------------------------------


class AccessDenied(AwsError):
    status = 403


class InvalidAccessKeyId(AwsError):
    status = 403


class SignatureDoesNotMatch(AwsError):
    status = 403


class RequestTimeTooSkewed(AwsError):
    status = 403


class XAmzContentSHA256Mismatch(AwsError):
    status = 400


class InvalidToken(AwsError):
    status = 400


class ExpiredToken(AwsError):
    status = 400  # S3; the query services answer 403


class AuthorizationHeaderMalformed(AwsError):
    status = 400


class AuthorizationQueryParametersError(AwsError):
    status = 400


class InvalidArgument(AwsError):
    status = 400


class InvalidRequest(AwsError):
    status = 400


class IncompleteBody(AwsError):
    status = 400


class InvalidChunkSizeError(AwsError):
    status = 400


class MalformedTrailerError(AwsError):
    status = 400


# -- JSON services (KMS, CloudTrail) ----------------------------------------------


class UnrecognizedClientException(AwsError):
    status = 400


class InvalidSignatureException(AwsError):
    status = 400


class ExpiredTokenException(AwsError):
    status = 400


class MissingAuthenticationTokenException(AwsError):
    status = 400


class IncompleteSignatureException(AwsError):
    status = 400


# -- query services (IAM, STS) ----------------------------------------------------


class InvalidClientTokenId(AwsError):
    status = 403


class MissingAuthenticationToken(AwsError):
    status = 403


class IncompleteSignature(AwsError):
    status = 400


# -- messages ---------------------------------------------------------------------

SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
                      "Check your AWS Secret Access Key and signing method. "
                      "Consult the service documentation for details.")
S3_SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
                         "Check your key and signing method.")
TOKEN_INVALID = "The security token included in the request is invalid."
TOKEN_EXPIRED = "The security token included in the request is expired"
S3_UNKNOWN_KEY = "The AWS Access Key Id you provided does not exist in our records."
S3_CREDENTIAL_FORMAT = 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
S3_QUERY_REQUIRED = ("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                     "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
S3_CONTENT_SHA256_VALUES = (
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER "
    "or a valid sha256 value.")
EXPIRES_MESSAGES = {
    "expires_number": "X-Amz-Expires should be a number",
    "expires_negative": "X-Amz-Expires must be non-negative",
    "expires_week": ("X-Amz-Expires must be less than a week (in seconds); that is, "
                     "the given X-Amz-Expires must be less than 604800 seconds"),
}
DATE_QUERY = "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
ALGORITHM_QUERY = 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'


def _seconds(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _basic(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _hex_bytes(text: str) -> str:
    return " ".join(f"{byte:02x}" for byte in text.encode("utf-8"))


def skew_message(fields: dict) -> str:
    """``Signature expired: <request> is now earlier than <now - window> (<now> - 15 min.)``"""
    now = fields["server_time"]
    window = _dt.timedelta(seconds=fields["window"])
    minutes = fields["window"] // 60
    request_time = _dt.datetime.strptime(fields["timestamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=_dt.timezone.utc)
    if request_time < now:
        return (f"Signature expired: {fields['timestamp']} is now earlier than {_basic(now - window)} "
                f"({_basic(now)} - {minutes} min.)")
    return (f"Signature not yet current: {fields['timestamp']} is still later than {_basic(now + window)} "
            f"({_basic(now)} + {minutes} min.)")


def incomplete_signature_message(fields: dict) -> str:
    """IncompleteSignature(Exception) message of the JSON and query services."""
    problem = fields.get("problem")
    authorization = fields.get("authorization", "")
    if problem in ("incomplete", "algorithm", "date"):
        missing = fields.get("missing", ["Credential", "Signature", "SignedHeaders"] if problem == "algorithm" else [])
        parts = [f"Authorization header requires '{name}' parameter." for name in missing]
        if problem == "date" or fields.get("missing_date"):
            parts.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        return " ".join(parts + [f"Authorization={authorization}"])
    if problem == "credential":
        return "Credential should be scoped to a valid region. "
    if problem == "scope_service":
        return f"Credential should be scoped to correct service: '{fields['expected']}'. "
    if problem == "terminator":
        return f"Credential should be scoped with a valid terminator: 'aws4_request', not '{fields['terminator']}'. "
    if problem == "scope_date":
        return ("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                f"'{fields['date']}' != '{fields['timestamp'][:8]}', from '{fields['timestamp']}'.")
    if problem == "incomplete_query":
        return " ".join([f"AWS query-string parameters must include '{name}'." for name in fields["missing"]]
                        + ["Re-examine the query-string parameters."])
    if problem == "algorithm_query":
        return ALGORITHM_QUERY
    if problem == "date_query":
        return DATE_QUERY
    return EXPIRES_MESSAGES.get(problem, "The request signature is incomplete.")


# -- per family -------------------------------------------------------------------


def _s3_malformed(f: dict) -> AwsError:
    problem = f.get("problem")
    query = problem in ("incomplete_query", "algorithm_query", "date_query") or problem in EXPIRES_MESSAGES
    if problem == "incomplete":
        if f["missing"]:
            return AuthorizationHeaderMalformed(
                "The authorization header is malformed; the authorization header requires three components: "
                "Credential, SignedHeaders, and Signature.")
        return AccessDenied("AWS authentication requires a valid Date or x-amz-date header")
    if problem == "date":
        return AccessDenied("AWS authentication requires a valid Date or x-amz-date header")
    if problem == "algorithm":
        return InvalidArgument("Unsupported Authorization Type", ArgumentName="Authorization",
                               ArgumentValue=f["authorization"])
    if problem == "content_sha256_missing":
        return InvalidRequest("Missing required header for this request: x-amz-content-sha256")
    if problem == "content_sha256_invalid":
        return InvalidArgument(S3_CONTENT_SHA256_VALUES, ArgumentName="x-amz-content-sha256",
                               ArgumentValue=f["value"])
    if problem == "headers_not_signed":
        return AccessDenied("There were headers present in the request which were not signed",
                            HeadersNotSigned=", ".join(f["headers"]))
    if query:
        if problem == "incomplete_query":
            return AuthorizationQueryParametersError(S3_QUERY_REQUIRED)
        return AuthorizationQueryParametersError(incomplete_signature_message(f))
    detail = {
        "credential": S3_CREDENTIAL_FORMAT,
        "scope_service": f'incorrect service "{f.get("service")}". This endpoint belongs to "{f.get("expected")}".',
        "terminator": f'incorrect terminal "{f.get("terminator")}". This endpoint uses "aws4_request".',
        "scope_date": "Invalid credential date. Date is not the same as X-Amz-Date.",
        "region": f"the region '{f.get('region')}' is wrong; expecting '{f.get('expected')}'",
    }.get(problem, "")
    # A wrong region is named in the body and, for HEAD's bodiless answers,
    # in a header: what SDKs read to sign again for the bucket's region.
    where = {"Region": f["expected"], "headers": {"x-amz-bucket-region": f["expected"]}} if problem == "region" else {}
    if f.get("presigned"):
        return AuthorizationQueryParametersError(f"Error parsing the X-Amz-Credential parameter; {detail}", **where)
    return AuthorizationHeaderMalformed(f"The authorization header is malformed; {detail}", **where)


def _s3(failure: AuthFailure) -> AwsError:
    kind, f = failure.kind, failure.fields
    if kind == "missing":
        return AccessDenied("Access Denied")
    if kind == "malformed":
        return _s3_malformed(f)
    if kind in ("unknown_key", "inactive_key"):
        return InvalidAccessKeyId(S3_UNKNOWN_KEY, AWSAccessKeyId=f["access_key_id"])
    if kind == "bad_signature":
        fields = dict(AWSAccessKeyId=f["access_key_id"], StringToSign=f["string_to_sign"],
                      SignatureProvided=f["signature_provided"], StringToSignBytes=_hex_bytes(f["string_to_sign"]))
        if f["canonical_request"] is not None:  # SigV2 has no canonical request
            fields.update(CanonicalRequest=f["canonical_request"],
                          CanonicalRequestBytes=_hex_bytes(f["canonical_request"]))
        return SignatureDoesNotMatch(S3_SIGNATURE_MISMATCH, **fields)
    if kind == "skew":
        return RequestTimeTooSkewed("The difference between the request time and the current time is too large.",
                                    RequestTime=f["request_time"], ServerTime=_seconds(f["server_time"]),
                                    MaxAllowedSkewMilliseconds=str(f["window"] * 1000))
    if kind == "expired_presign":
        window = {"X-Amz-Expires": str(f["expires"])} if f["expires"] is not None else {}
        return AccessDenied("Request has expired", **window, Expires=_seconds(f["expires_at"]),
                            ServerTime=_seconds(f["server_time"]))
    if kind == "invalid_token":
        return InvalidToken("The provided token is malformed or otherwise invalid.")
    if kind == "expired_token":
        return ExpiredToken("The provided token has expired.")
    if kind == "payload_mismatch":
        return XAmzContentSHA256Mismatch(
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            ClientComputedContentSHA256=f["client"], S3ComputedContentSHA256=f["computed"])
    if kind == "bad_chunk":
        problem = f.get("problem")
        if problem == "signature":
            return SignatureDoesNotMatch(S3_SIGNATURE_MISMATCH)
        if problem == "trailer":
            return MalformedTrailerError("The request contained trailing data that was not well-formed "
                                         "or did not conform to our published schema.")
        if problem == "decoded_length":
            return IncompleteBody("You did not provide the number of bytes specified by the Content-Length "
                                  "HTTP header", NumberBytesExpected=f.get("expected"),
                                  NumberBytesProvided=f.get("provided"))
        if problem == "chunk_size":
            return InvalidChunkSizeError("Only the last chunk is allowed to have a size less than 8192 bytes",
                                         Chunk=f["chunk"], BadChunkSize=f["size"])
        return IncompleteBody("The request body terminated unexpectedly")
    return AccessDenied("Access Denied")


def _json(failure: AuthFailure) -> AwsError:
    kind, f = failure.kind, failure.fields
    if kind == "missing":
        return MissingAuthenticationTokenException("Missing Authentication Token")
    if kind == "malformed":
        if f.get("problem") == "scope_service":  # a scope problem, not an incomplete one
            return InvalidSignatureException(incomplete_signature_message(f))
        return IncompleteSignatureException(incomplete_signature_message(f))
    if kind in ("unknown_key", "inactive_key", "invalid_token"):
        return UnrecognizedClientException(TOKEN_INVALID)
    if kind == "expired_token":
        return ExpiredTokenException(TOKEN_EXPIRED)
    if kind == "skew":
        return InvalidSignatureException(skew_message(f))
    return InvalidSignatureException(SIGNATURE_MISMATCH)


def _query(failure: AuthFailure) -> AwsError:
    kind, f = failure.kind, failure.fields
    if kind == "missing":
        return MissingAuthenticationToken("Request is missing Authentication Token")
    if kind == "malformed":
        if f.get("problem") == "scope_service":
            return SignatureDoesNotMatch(incomplete_signature_message(f))
        return IncompleteSignature(incomplete_signature_message(f))
    if kind in ("unknown_key", "inactive_key", "invalid_token"):
        return InvalidClientTokenId(TOKEN_INVALID)
    if kind == "expired_token":
        return ExpiredToken(TOKEN_EXPIRED, status=403)
    if kind == "skew":
        return SignatureDoesNotMatch(skew_message(f))
    if kind == "bad_signature":
        # The query services quote what they computed, for the client to diff.
        return SignatureDoesNotMatch(
            f"{SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n"
            f"'{f['canonical_request']}'\n\nThe String-to-Sign should have been\n'{f['string_to_sign']}'\n")
    return SignatureDoesNotMatch(SIGNATURE_MISMATCH)


_FAMILIES = {"rest-xml": _s3, "json": _json, "query": _query}


def to_aws_error(service_name: str, failure: AuthFailure) -> AwsError:
    """The AWS error ``service_name`` answers for ``failure``."""
    protocol = "rest-xml" if service_name == "s3" else service_model(service_name).protocol
    return _FAMILIES.get(protocol, _query)(failure)
