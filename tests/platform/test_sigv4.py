"""SigV4 through the real server: each service's own error for each failure."""
import contextlib
import datetime as dt
import hashlib
from unittest import mock

import botocore.auth
import botocore.exceptions
import pytest
import requests
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


@contextlib.contextmanager
def _client_clock(offset: dt.timedelta):
    """Sign as a client whose clock is off by ``offset`` (botocore's own
    signer and, when awscrt is installed, the CRT signer botocore uses)."""
    moment = dt.datetime.now(dt.timezone.utc) + offset

    def now(remove_tzinfo=True):
        return moment.replace(tzinfo=None) if remove_tzinfo else moment

    with contextlib.ExitStack() as patches:
        patches.enter_context(mock.patch.object(botocore.auth, "get_current_datetime", now))
        try:
            import botocore.crt.auth as crt_auth
        except ImportError:
            pass
        else:
            patches.enter_context(mock.patch.object(crt_auth, "get_current_datetime", now))
        yield


def _code(call):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    error = raised.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"], error["Error"].get("Message", "")


CALLS = {
    "sts": lambda c: c.get_caller_identity(),
    "kms": lambda c: c.list_keys(),
    "s3": lambda c: c.list_buckets(),
    "iam": lambda c: c.list_users(),
}


def test_good_signature_for_every_service(server):
    for service, call in CALLS.items():
        call(server.client(service))


@pytest.mark.parametrize(
    "service,code,status",
    [
        ("sts", "SignatureDoesNotMatch", 403),
        ("iam", "SignatureDoesNotMatch", 403),
        ("kms", "InvalidSignatureException", 400),
        ("s3", "SignatureDoesNotMatch", 403),
    ],
)
def test_wrong_secret(server, service, code, status):
    got = _code(lambda: CALLS[service](server.client(service, "test", "not-the-secret")))
    assert got[:2] == (code, status)


@pytest.mark.parametrize(
    "service,code,status",
    [
        ("sts", "InvalidClientTokenId", 403),
        ("iam", "InvalidClientTokenId", 403),
        ("kms", "UnrecognizedClientException", 400),
        ("s3", "InvalidAccessKeyId", 403),
    ],
)
def test_unknown_access_key(server, service, code, status):
    got = _code(lambda: CALLS[service](server.client(service, "AKIANOSUCHKEY0000000", "whatever")))
    assert got[:2] == (code, status)


def test_s3_signature_mismatch_body_carries_aws_fields(server):
    s3 = server.client("s3", "test", "wrong")
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        s3.list_buckets()
    error = raised.value.response["Error"]
    assert error["Code"] == "SignatureDoesNotMatch"
    assert error["AWSAccessKeyId"] == "test"
    assert error["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
    assert "CanonicalRequest" in error and "SignatureProvided" in error


def _signed_sts(server, body=b"Action=GetCallerIdentity&Version=2011-06-15", secret="test"):
    request = AWSRequest(
        method="POST",
        url=server.endpoint + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials("test", secret), "sts", "us-east-1").add_auth(request)
    return request


def _send(request, **changes):
    headers = dict(request.headers.items())
    headers.update(changes.get("headers", {}))
    return requests.post(request.url, data=changes.get("data", request.body), headers=headers, timeout=10)


def test_signed_request_sent_as_is_works(server):
    response = _send(_signed_sts(server))
    assert response.status_code == 200, response.text
    assert "<Arn>arn:aws:iam::123456789012:root</Arn>" in response.text
    assert response.headers["x-amzn-RequestId"]


def test_tampered_header_is_rejected(server):
    request = _signed_sts(server)
    response = _send(request, headers={"Content-Type": "application/x-www-form-urlencoded; charset=latin-1"})
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text


def test_tampered_body_is_rejected(server):
    request = _signed_sts(server)
    response = _send(request, data=b"Action=GetCallerIdentity&Version=2011-06-15&X=1")
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text


def test_s3_body_not_matching_its_declared_sha256_is_rejected(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="sigv4-body-bucket")
    url = server.endpoint + "/sigv4-body-bucket/object"
    request = AWSRequest(method="PUT", url=url, data=b"original body")
    request.headers["x-amz-content-sha256"] = hashlib.sha256(b"original body").hexdigest()
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    response = requests.put(url, data=b"tampered body", headers=dict(request.headers.items()), timeout=10)
    assert response.status_code == 400, response.text
    assert "<Code>XAmzContentSHA256Mismatch</Code>" in response.text
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        s3.head_object(Bucket="sigv4-body-bucket", Key="object")
    assert raised.value.response["Error"]["Code"] == "404"


@pytest.mark.parametrize(
    "service,code",
    [("sts", "SignatureDoesNotMatch"), ("kms", "InvalidSignatureException"), ("s3", "RequestTimeTooSkewed")],
)
def test_clock_skew_over_15_minutes_is_rejected(server, service, code):
    with _client_clock(-dt.timedelta(minutes=20)):
        got = _code(lambda: CALLS[service](server.client(service)))
    assert got[0] == code
    if service != "s3":
        assert "Signature expired" in got[2]


def test_skew_within_15_minutes_is_accepted(server):
    with _client_clock(-dt.timedelta(minutes=4)):
        for service in ("sts", "kms", "s3"):
            CALLS[service](server.client(service))


# None: boto3's default, SigV2 in us-east-1. A SigV2 URL carries only its
# expiry; awsbox places it on the simulator clock as if made with boto3's
# default lifetime (an hour), so that is the lifetime tested.
@pytest.mark.parametrize("signature_version,lifetime", [(None, 3600), ("s3v4", 300)])
def test_presigned_url_works_then_expires_on_the_simulator_clock(server, signature_version, lifetime):
    s3 = server.client("s3", signature_version=signature_version) if signature_version else server.client("s3")
    url = s3.generate_presigned_url("list_buckets", ExpiresIn=lifetime)
    assert requests.get(url, timeout=10).status_code == 200
    server.advance_clock(lifetime + 1)
    response = requests.get(url, timeout=10)
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text
    assert "Request has expired" in response.text
    # A SigV2 URL has no X-Amz-Expires, and S3's answer names none (aws/aws-sdk-js#3493).
    assert ("<X-Amz-Expires>" in response.text) == (signature_version == "s3v4")
    # Advancing the simulator clock never breaks signing of fresh requests.
    s3.list_buckets()


@pytest.mark.parametrize("signature_version,field", [("s3", "Signature="), ("s3v4", "X-Amz-Signature=")])
def test_presigned_url_with_wrong_signature_is_rejected(server, signature_version, field):
    url = server.client("s3", signature_version=signature_version).generate_presigned_url("list_buckets")
    tampered = url.replace(field, field + "A")
    response = requests.get(tampered, timeout=10)
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text


def test_unsigned_request_is_refused(server):
    response = requests.post(server.endpoint + "/", data={"Action": "GetCallerIdentity", "Version": "2011-06-15"}, timeout=10)
    assert response.status_code in (400, 403)
    assert "<Code>MissingAuthenticationToken</Code>" in response.text or "<Code>AccessDenied</Code>" in response.text


@pytest.mark.parametrize(
    "header",
    [
        "AWS4-HMAC-SHA256 garbage",
        "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sts/aws4_request",
        "Bearer abc",
    ],
)
def test_malformed_authorization_header_gets_a_query_error(server, header):
    response = requests.post(
        server.endpoint + "/",
        data={"Action": "GetCallerIdentity", "Version": "2011-06-15"},
        headers={"Authorization": header, "X-Amz-Date": dt.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")},
        timeout=10,
    )
    assert 400 <= response.status_code < 500
    assert response.text.lstrip().startswith("<") and "<Code>" in response.text


def test_permissive_mode_accepts_any_key_as_root(awsbox_server_factory):
    with awsbox_server_factory("--auth", "permissive") as server:
        identity = server.client("sts", "AKIAANYTHING", "anything").get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::123456789012:root"
        assert server.client("kms", "whoever", "whatever").list_keys()["Keys"] == []
