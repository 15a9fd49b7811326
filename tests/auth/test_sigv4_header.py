"""The Authorization header form, signed by botocore's SigV4Auth / S3SigV4Auth."""
import datetime as dt
import hashlib

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from signed_requests import (ALICE, ENDPOINT, ROLE, ROOT, TOKEN, Keys, botocore_credentials, json_request, now,
                             query_request, run, served, sign)

from simulator.auth import AuthFailure, Scope, authenticate, scope_of
from simulator.auth import sigv4

TEMP = botocore_credentials("ASIATEMP00000000000A", "temp-secret", TOKEN)


def failure_of(request, raw_path, **kw) -> AuthFailure:
    with pytest.raises(AuthFailure) as raised:
        run(request, raw_path, **kw)
    return raised.value


@pytest.mark.parametrize("service,make", [("kms", json_request), ("cloudtrail", json_request),
                                          ("sts", query_request), ("iam", query_request)])
def test_good_signature(service, make):
    request, raw_path = served(sign(make(), service))
    credential, scope, body = run(request, raw_path)
    assert credential.principal == ALICE
    assert scope == Scope("AKIAALICE0000000000A", now().strftime("%Y%m%d"), "us-east-1", service)
    assert body == request.get_data()


def test_scope_of_reads_the_credential_without_verifying():
    request, _ = served(sign(json_request(), "kms", region="eu-west-3",
                             credentials=botocore_credentials("AKIANOBODY", "x")))
    assert scope_of(request) == Scope("AKIANOBODY", now().strftime("%Y%m%d"), "eu-west-3", "kms")
    bare, _ = served(json_request())
    assert scope_of(bare) is None


def test_s3_signs_the_raw_path_and_the_query_as_sent():
    url = (ENDPOINT + "/bucket/dir/a%20b%2Bc%25d%C3%A9~.txt"
           "?list-type=2&prefix=a%20b%2Bc%2F%C3%A9&acl&delimiter=%2F")
    request, raw_path = served(sign(AWSRequest(method="GET", url=url), "s3"))
    assert raw_path == "/bucket/dir/a%20b%2Bc%25d%C3%A9~.txt"
    credential, scope, _ = run(request, raw_path)
    assert scope.service == "s3" and credential.principal == ALICE


def test_date_header_instead_of_x_amz_date():
    request = json_request()
    request.headers["Date"] = "placeholder"  # botocore then signs with Date
    request, raw_path = served(sign(request, "kms"))
    assert "X-Amz-Date" not in request.headers
    assert run(request, raw_path)[0].principal == ALICE


def test_repeated_and_spaced_header_values_are_canonicalized_like_botocore():
    request = json_request()
    request.headers["X-Amz-Meta-Spaced"] = "  a   b  c "
    request, raw_path = served(sign(request, "kms"))
    assert run(request, raw_path)[0].principal == ALICE


def test_non_s3_paths_are_normalized_and_encoded_again():
    signer = SigV4Auth(botocore_credentials(), "kms", "us-east-1")
    for path in ["/", "", "/a/./b/../c", "//a//b/", "/a%20b/c%2Fd", "/~user/x y"]:
        assert sigv4.canonical_uri(path, "kms") == signer._normalize_url_path(path), path
    assert sigv4.canonical_uri("/a/../b%20c", "s3") == "/a/../b%20c"


def test_wrong_secret():
    request, raw_path = served(sign(json_request(), "kms", credentials=botocore_credentials(secret="wrong")))
    failure = failure_of(request, raw_path)
    assert failure.kind == "bad_signature"
    assert failure.fields["access_key_id"] == "AKIAALICE0000000000A"
    assert failure.fields["string_to_sign"].startswith("AWS4-HMAC-SHA256\n")
    assert failure.fields["canonical_request"].startswith("POST\n/\n\n")
    assert failure.fields["signature_provided"] == request.headers["Authorization"].rsplit("=", 1)[1]
    assert "alice-secret" not in repr(failure.fields) and "wrong" not in repr(failure.fields)


def test_unknown_and_inactive_keys():
    request, raw_path = served(sign(json_request(), "kms", credentials=botocore_credentials("AKIANOBODY", "x")))
    failure = failure_of(request, raw_path)
    assert (failure.kind, failure.fields["access_key_id"]) == ("unknown_key", "AKIANOBODY")
    request, raw_path = served(sign(json_request(), "kms",
                                    credentials=botocore_credentials("AKIAINACTIVE0000000A", "old-secret")))
    assert failure_of(request, raw_path).kind == "inactive_key"


def test_tampered_header_body_and_query():
    signed = sign(json_request(), "kms")
    tampered, raw_path = served(signed, headers={"X-Amz-Target": "TrentService.ScheduleKeyDeletion"})
    assert failure_of(tampered, raw_path).kind == "bad_signature"
    tampered, raw_path = served(sign(json_request(body=b'{"Limit": 1}'), "kms"), body=b'{"Limit": 2}')
    assert failure_of(tampered, raw_path).kind == "bad_signature"
    signed = sign(AWSRequest(method="GET", url=ENDPOINT + "/bucket?prefix=a"), "s3")
    tampered, raw_path = served(signed, url=ENDPOINT + "/bucket?prefix=b")
    assert failure_of(tampered, raw_path).kind == "bad_signature"
    tampered, raw_path = served(signed, url=ENDPOINT + "/other?prefix=a")
    assert failure_of(tampered, raw_path).kind == "bad_signature"


def test_unsigned_x_amz_header_is_refused_by_s3():
    request, raw_path = served(sign(AWSRequest(method="GET", url=ENDPOINT + "/bucket/key"), "s3"),
                               headers={"x-amz-meta-added": "later", "X-Amz-Acl": "public-read"})
    failure = failure_of(request, raw_path)
    assert (failure.kind, failure.fields["problem"]) == ("malformed", "headers_not_signed")
    assert failure.fields["headers"] == ["x-amz-acl", "x-amz-meta-added"]


def test_s3_requires_x_amz_content_sha256():
    request, raw_path = served(sign(AWSRequest(method="GET", url=ENDPOINT + "/bucket"), "s3", signer=SigV4Auth))
    failure = failure_of(request, raw_path)
    assert failure.fields["problem"] == "content_sha256_missing"
    request = AWSRequest(method="GET", url=ENDPOINT + "/bucket", headers={"X-Amz-Content-SHA256": "nonsense"})
    request, raw_path = served(sign(request, "s3", signer=SigV4Auth))
    assert failure_of(request, raw_path).fields["problem"] == "content_sha256_invalid"


def test_json_body_not_matching_a_declared_sha256():
    request = json_request(body=b'{"Limit": 1}')
    request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(b'{"Limit": 1}').hexdigest()
    request, raw_path = served(sign(request, "kms"), body=b'{"Limit": 9}')
    assert failure_of(request, raw_path).kind == "payload_mismatch"


@pytest.mark.parametrize("service,make,minutes,accepted", [
    ("kms", json_request, 4, True), ("kms", json_request, 6, False), ("kms", json_request, -6, False),
    ("sts", query_request, 14, True), ("sts", query_request, 16, False), ("sts", query_request, -16, False),
    ("iam", query_request, 16, False),
])
def test_clock_skew_against_real_time(service, make, minutes, accepted):
    request, raw_path = served(sign(make(), service))
    real_now = now() + dt.timedelta(minutes=minutes)
    # The simulator clock has no say in the skew check.
    sim_now = now() + dt.timedelta(days=30)
    if accepted:
        run(request, raw_path, real_now=real_now, sim_now=sim_now)
        return
    failure = failure_of(request, raw_path, real_now=real_now, sim_now=sim_now)
    assert failure.kind == "skew"
    assert failure.fields["server_time"] == real_now
    assert failure.fields["window"] == (300 if service == "kms" else 900)
    assert failure.fields["timestamp"] == request.headers["X-Amz-Date"]


def test_session_token():
    request, raw_path = served(sign(json_request(), "kms", credentials=TEMP))
    assert run(request, raw_path)[0].principal == ROLE

    wrong = botocore_credentials("ASIATEMP00000000000A", "temp-secret", TOKEN + "x")
    request, raw_path = served(sign(json_request(), "kms", credentials=wrong))
    assert failure_of(request, raw_path).kind == "invalid_token"

    without = botocore_credentials("ASIATEMP00000000000A", "temp-secret")
    request, raw_path = served(sign(json_request(), "kms", credentials=without))
    assert failure_of(request, raw_path).kind == "invalid_token"

    # A token sent with long-term keys is not one AWS issued for them.
    stray = botocore_credentials(token=TOKEN)
    request, raw_path = served(sign(json_request(), "kms", credentials=stray))
    assert failure_of(request, raw_path).kind == "invalid_token"


def test_temporary_credentials_expire_on_the_simulator_clock():
    request, raw_path = served(sign(query_request(), "sts", credentials=TEMP))
    run(request, raw_path, sim_now=now() + dt.timedelta(minutes=59))
    failure = failure_of(request, raw_path, sim_now=now() + dt.timedelta(minutes=61))
    assert failure.kind == "expired_token"


def test_no_signature_at_all():
    request, raw_path = served(json_request())
    assert failure_of(request, raw_path).kind == "missing"


@pytest.mark.parametrize("authorization,problem", [
    ("AWS4-HMAC-SHA256 garbage", "incomplete"),
    ("AWS4-HMAC-SHA256 Credential=AKIAALICE0000000000A/20240101/us-east-1/kms/aws4_request", "incomplete"),
    ("Bearer abc", "algorithm"),
    ("AWS AKIAALICE0000000000A:c2lnbmF0dXJl", "algorithm"),
    ("AWS4-HMAC-SHA256 Credential=AKIAALICE0000000000A/us-east-1/kms/aws4_request, SignedHeaders=host, "
     "Signature=abc", "credential"),
    ("AWS4-HMAC-SHA256 Credential=AKIAALICE0000000000A/{date}/us-east-1/kms/aws5_request, SignedHeaders=host, "
     "Signature=abc", "terminator"),
    ("AWS4-HMAC-SHA256 Credential=AKIAALICE0000000000A/20000101/us-east-1/kms/aws4_request, SignedHeaders=host, "
     "Signature=abc", "scope_date"),
])
def test_malformed_authorization(authorization, problem):
    request, raw_path = served(json_request(), headers={
        "Authorization": authorization.format(date=now().strftime("%Y%m%d")),
        "X-Amz-Date": now().strftime("%Y%m%dT%H%M%SZ")})
    failure = failure_of(request, raw_path)
    assert (failure.kind, failure.fields["problem"]) == ("malformed", problem)


def test_missing_date():
    request, raw_path = served(sign(json_request(), "kms"))
    environ = dict(request.environ)
    del environ["HTTP_X_AMZ_DATE"]
    from werkzeug.wrappers import Request
    failure = failure_of(Request(environ), raw_path)
    assert failure.fields["problem"] == "incomplete" and failure.fields["missing_date"]


def test_permissive_mode():
    unknown = botocore_credentials("AKIAWHOEVER", "whatever")
    request, raw_path = served(sign(json_request(), "kms", credentials=unknown))
    credential, scope, _ = run(request, raw_path, permissive=True)
    assert credential.principal == ROOT and scope.access_key_id == "AKIAWHOEVER"

    request, raw_path = served(sign(json_request(), "kms", credentials=botocore_credentials(secret="wrong")))
    credential, scope, _ = run(request, raw_path, permissive=True, real_now=now() + dt.timedelta(hours=2))
    assert credential.principal == ALICE

    request, raw_path = served(json_request())
    credential, scope, body = run(request, raw_path, permissive=True)
    assert credential.principal == ROOT and scope is None and body == b"{}"


def test_signing_key_is_cached_per_secret_day_region_service():
    sigv4.signing_key.cache_clear()
    for _ in range(3):
        request, raw_path = served(sign(json_request(), "kms"))
        run(request, raw_path)
    info = sigv4.signing_key.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_file_like_body_for_a_json_service_is_read_and_returned_as_bytes():
    request, raw_path = served(sign(json_request(body=b'{"Limit": 3}'), "kms"))
    credential, _, body = authenticate(request, raw_path, request.stream, lookup=Keys(), real_now=now(),
                                       sim_now=now(), permissive=False, default_principal=ROOT)
    assert body == b'{"Limit": 3}'
