"""Each service's own AWS error for each authentication failure: codes,
statuses and messages as AWS answers them (recorded from real responses)."""
import datetime as dt

import pytest
from botocore.awsrequest import AWSRequest
from signed_requests import ENDPOINT, TOKEN, botocore_credentials, json_request, now, presign, query_request, run, \
    served, sign

from simulator.auth import AuthFailure
from simulator.auth.errors import to_aws_error
from simulator.errors import AwsError

SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
                      "Check your AWS Secret Access Key and signing method. Consult the service documentation "
                      "for details.")


def failure_of(request, raw_path, **kw) -> AuthFailure:
    with pytest.raises(AuthFailure) as raised:
        run(request, raw_path, **kw)
    return raised.value


def error(service, failure) -> AwsError:
    rendered = to_aws_error(service, failure)
    assert isinstance(rendered, AwsError) and type(rendered).__name__ == rendered.code
    return rendered


def s3_get(**kw):
    return served(sign(AWSRequest(method="GET", url=ENDPOINT + "/bucket/key"), "s3", **kw))


# -- S3 ------------------------------------------------------------------------------


def test_s3_signature_does_not_match_shows_what_s3_computed():
    request, raw_path = s3_get(credentials=botocore_credentials(secret="wrong"))
    failure = failure_of(request, raw_path)
    e = error("s3", failure)
    assert (e.code, e.status) == ("SignatureDoesNotMatch", 403)
    assert e.message == ("The request signature we calculated does not match the signature you provided. "
                         "Check your key and signing method.")
    assert list(e.fields) == ["AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes",
                              "CanonicalRequest", "CanonicalRequestBytes"]
    assert e.fields["AWSAccessKeyId"] == "AKIAALICE0000000000A"
    assert e.fields["StringToSign"].startswith(f"AWS4-HMAC-SHA256\n{request.headers['X-Amz-Date']}\n")
    assert e.fields["StringToSignBytes"].startswith("41 57 53 34 2d 48 4d 41 43 2d 53 48 41 32 35 36 0a")
    assert e.fields["CanonicalRequest"].startswith("GET\n/bucket/key\n\nhost:localhost:4566\n")
    assert e.fields["CanonicalRequestBytes"].split()[:4] == ["47", "45", "54", "0a"]
    assert "wrong" not in repr(e.fields) and "alice-secret" not in repr(e.fields)


def test_s3_unknown_and_inactive_access_key():
    for key in ("AKIANOBODY", "AKIAINACTIVE0000000A"):
        e = error("s3", failure_of(*s3_get(credentials=botocore_credentials(key, "old-secret"))))
        assert (e.code, e.status) == ("InvalidAccessKeyId", 403)
        assert e.message == "The AWS Access Key Id you provided does not exist in our records."
        assert e.fields == {"AWSAccessKeyId": key}


def test_s3_request_time_too_skewed():
    request, raw_path = s3_get()
    real_now = dt.datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=dt.timezone.utc)
    e = error("s3", failure_of(request, raw_path, real_now=real_now))
    assert (e.code, e.status) == ("RequestTimeTooSkewed", 403)
    assert e.message == "The difference between the request time and the current time is too large."
    assert e.fields == {"RequestTime": request.headers["X-Amz-Date"], "ServerTime": "2030-01-02T03:04:05Z",
                        "MaxAllowedSkewMilliseconds": "900000"}


def test_s3_presigned_url_expired():
    request, raw_path = served(presign(AWSRequest(method="GET", url=ENDPOINT + "/bucket/key"), "s3", expires=60))
    signed_at = dt.datetime.strptime(request.args["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    sim_now = signed_at + dt.timedelta(seconds=61)
    e = error("s3", failure_of(request, raw_path, sim_now=sim_now))
    assert (e.code, e.status, e.message) == ("AccessDenied", 403, "Request has expired")
    assert e.fields == {"X-Amz-Expires": "60",
                        "Expires": (signed_at + dt.timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "ServerTime": sim_now.strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_s3_sigv2_presigned_url_expired_names_no_x_amz_expires():
    failure = AuthFailure("expired_presign", "", {"expires": None, "expires_at": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc),
                                                  "server_time": dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc)})
    e = error("s3", failure)
    assert (e.code, e.message) == ("AccessDenied", "Request has expired")
    assert e.fields == {"Expires": "2030-01-01T00:00:00Z", "ServerTime": "2030-01-02T00:00:00Z"}


def test_s3_content_sha256_mismatch():
    failure = AuthFailure("payload_mismatch", "", {"client": "a" * 64, "computed": "b" * 64})
    e = error("s3", failure)
    assert (e.code, e.status) == ("XAmzContentSHA256Mismatch", 400)
    assert e.message == "The provided 'x-amz-content-sha256' header does not match what was computed."
    assert e.fields == {"ClientComputedContentSHA256": "a" * 64, "S3ComputedContentSHA256": "b" * 64}


def test_s3_tokens():
    wrong = botocore_credentials("ASIATEMP00000000000A", "temp-secret", "not-it")
    e = error("s3", failure_of(*s3_get(credentials=wrong)))
    assert (e.code, e.status, e.message) == ("InvalidToken", 400, "The provided token is malformed or otherwise "
                                                                   "invalid.")
    temp = botocore_credentials("ASIATEMP00000000000A", "temp-secret", TOKEN)
    request, raw_path = s3_get(credentials=temp)
    e = error("s3", failure_of(request, raw_path, sim_now=now() + dt.timedelta(days=1)))
    assert (e.code, e.status, e.message) == ("ExpiredToken", 400, "The provided token has expired.")
    assert TOKEN not in repr(e.fields) and TOKEN not in e.message


def test_s3_anonymous_request():
    request, raw_path = served(AWSRequest(method="GET", url=ENDPOINT + "/bucket/key"))
    e = error("s3", failure_of(request, raw_path))
    assert (e.code, e.status, e.message) == ("AccessDenied", 403, "Access Denied")


@pytest.mark.parametrize("fields,code,status,message", [
    ({"problem": "content_sha256_missing"}, "InvalidRequest", 400,
     "Missing required header for this request: x-amz-content-sha256"),
    ({"problem": "headers_not_signed", "headers": ["x-amz-acl", "x-amz-meta-a"]}, "AccessDenied", 403,
     "There were headers present in the request which were not signed"),
    ({"problem": "expires_week"}, "AuthorizationQueryParametersError", 400,
     "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than "
     "604800 seconds"),
    ({"problem": "incomplete_query", "missing": ["X-Amz-Date"]}, "AuthorizationQueryParametersError", 400,
     "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
     "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."),
    ({"problem": "credential", "presigned": False}, "AuthorizationHeaderMalformed", 400,
     'The authorization header is malformed; the Credential is mal-formed; expecting '
     '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'),
    ({"problem": "incomplete", "missing": [], "missing_date": True}, "AccessDenied", 403,
     "AWS authentication requires a valid Date or x-amz-date header"),
    ({"problem": "algorithm", "authorization": "AWS key:sig"}, "InvalidArgument", 400,
     "Unsupported Authorization Type"),
])
def test_s3_malformed(fields, code, status, message):
    e = error("s3", AuthFailure("malformed", "", fields))
    assert (e.code, e.status, e.message) == (code, status, message)


def test_s3_headers_not_signed_lists_them():
    e = error("s3", AuthFailure("malformed", "", {"problem": "headers_not_signed", "headers": ["x-amz-acl",
                                                                                               "x-amz-meta-a"]}))
    assert e.fields == {"HeadersNotSigned": "x-amz-acl, x-amz-meta-a"}


@pytest.mark.parametrize("problem,code,status", [("signature", "SignatureDoesNotMatch", 403),
                                                 ("truncated", "IncompleteBody", 400),
                                                 ("decoded_length", "IncompleteBody", 400),
                                                 ("trailer", "MalformedTrailerError", 400)])
def test_s3_bad_chunk(problem, code, status):
    e = error("s3", AuthFailure("bad_chunk", "", {"problem": problem}))
    assert (e.code, e.status) == (code, status)


# -- JSON services (KMS, CloudTrail) -------------------------------------------------


@pytest.mark.parametrize("service", ["kms", "cloudtrail"])
def test_json_family(service):
    e = error(service, failure_of(*served(sign(json_request(), service,
                                                credentials=botocore_credentials("AKIANOBODY", "x")))))
    assert (e.code, e.status, e.message) == ("UnrecognizedClientException", 400,
                                             "The security token included in the request is invalid.")
    e = error(service, failure_of(*served(sign(json_request(), service,
                                                credentials=botocore_credentials(secret="wrong")))))
    assert (e.code, e.status, e.message) == ("InvalidSignatureException", 400, SIGNATURE_MISMATCH)
    temp = botocore_credentials("ASIATEMP00000000000A", "temp-secret", TOKEN)
    e = error(service, failure_of(*served(sign(json_request(), service, credentials=temp)),
                                  sim_now=now() + dt.timedelta(days=1)))
    assert (e.code, e.status, e.message) == ("ExpiredTokenException", 400,
                                             "The security token included in the request is expired")
    e = error(service, failure_of(*served(json_request())))
    assert (e.code, e.status, e.message) == ("MissingAuthenticationTokenException", 400,
                                             "Missing Authentication Token")


def test_kms_signature_expired_message():
    request, raw_path = served(sign(json_request(), "kms"))
    stamp = request.headers["X-Amz-Date"]
    signed_at = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    real_now = signed_at + dt.timedelta(minutes=6)
    e = error("kms", failure_of(request, raw_path, real_now=real_now))
    assert (e.code, e.status) == ("InvalidSignatureException", 400)
    fmt = "%Y%m%dT%H%M%SZ"
    assert e.message == (f"Signature expired: {stamp} is now earlier than "
                         f"{(real_now - dt.timedelta(minutes=5)).strftime(fmt)} ({real_now.strftime(fmt)} - 5 min.)")
    real_now = signed_at - dt.timedelta(minutes=6)
    e = error("kms", failure_of(request, raw_path, real_now=real_now))
    assert e.message == (f"Signature not yet current: {stamp} is still later than "
                         f"{(real_now + dt.timedelta(minutes=5)).strftime(fmt)} ({real_now.strftime(fmt)} + 5 min.)")


def test_json_incomplete_signature():
    request, raw_path = served(json_request(), headers={
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAALICE0000000000A/20240101/us-east-1/kms/aws4_request",
        "X-Amz-Date": now().strftime("%Y%m%dT%H%M%SZ")})
    e = error("kms", failure_of(request, raw_path))
    assert (e.code, e.status) == ("IncompleteSignatureException", 400)
    assert e.message == ("Authorization header requires 'Signature' parameter. Authorization header requires "
                         "'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 "
                         "Credential=AKIAALICE0000000000A/20240101/us-east-1/kms/aws4_request")


# -- query services (IAM, STS) -------------------------------------------------------


@pytest.mark.parametrize("service", ["sts", "iam"])
def test_query_family(service):
    e = error(service, failure_of(*served(sign(query_request(), service,
                                                credentials=botocore_credentials("AKIANOBODY", "x")))))
    assert (e.code, e.status, e.message) == ("InvalidClientTokenId", 403,
                                             "The security token included in the request is invalid.")
    temp = botocore_credentials("ASIATEMP00000000000A", "temp-secret", TOKEN)
    e = error(service, failure_of(*served(sign(query_request(), service, credentials=temp)),
                                  sim_now=now() + dt.timedelta(days=1)))
    assert (e.code, e.status, e.message) == ("ExpiredToken", 403,
                                             "The security token included in the request is expired")
    e = error(service, failure_of(*served(query_request())))
    assert (e.code, e.status, e.message) == ("MissingAuthenticationToken", 403,
                                             "Request is missing Authentication Token")
    e = error(service, failure_of(*served(query_request(), headers={"Authorization": "Bearer abc"})))
    assert (e.code, e.status) == ("IncompleteSignature", 400)


def test_sts_signature_does_not_match_quotes_the_canonical_request():
    request, raw_path = served(sign(query_request(), "sts", credentials=botocore_credentials(secret="wrong")))
    failure = failure_of(request, raw_path)
    e = error("sts", failure)
    assert (e.code, e.status) == ("SignatureDoesNotMatch", 403)
    assert e.message == (f"{SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n"
                         f"'{failure.fields['canonical_request']}'\n\nThe String-to-Sign should have been\n"
                         f"'{failure.fields['string_to_sign']}'\n")
    assert "'POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:localhost:4566\n" \
        in e.message


def test_sts_signature_expired_message():
    request, raw_path = served(sign(query_request(), "sts"))
    stamp = request.headers["X-Amz-Date"]
    signed_at = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    real_now = signed_at + dt.timedelta(minutes=16)
    e = error("sts", failure_of(request, raw_path, real_now=real_now))
    fmt = "%Y%m%dT%H%M%SZ"
    assert (e.code, e.status) == ("SignatureDoesNotMatch", 403)
    assert e.message == (f"Signature expired: {stamp} is now earlier than "
                         f"{(real_now - dt.timedelta(minutes=15)).strftime(fmt)} ({real_now.strftime(fmt)} - 15 min.)")


def test_query_incomplete_presigned_parameters():
    e = error("sts", AuthFailure("malformed", "", {"problem": "incomplete_query",
                                                   "missing": ["X-Amz-Credential", "X-Amz-Date"]}))
    assert e.message == ("AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string "
                         "parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.")


def test_scope_date_mismatch_message():
    e = error("sts", AuthFailure("malformed", "", {"problem": "scope_date", "date": "20240101",
                                                   "timestamp": "20240102T030405Z"}))
    assert e.message == ("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
                         "HTTP: '20240101' != '20240102', from '20240102T030405Z'.")
