"""Authentication's answers to bad input on the wire, per service, pinned to
AWS's own: the error code, the HTTP status, the message, and that a refused
request changed nothing. What the unit tests in tests/auth/ pin one function
at a time is checked here end to end, on the session server, as the root of
an account of its own.

Sources for what AWS answers: a request scoped to another service is refused
by name ("Credential should be scoped to correct service: 'batch'. ",
aws-signing-proxy#25; DynamoDB's InvalidSignatureException with the same
text; S3's 'incorrect service "sts". This endpoint belongs to "s3".').
"""
from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.request

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from lxml import etree
from raw_requests import Raw, Wire, error_code, problems

KMS_HEADERS = {"X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1"}
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
STS_BODY = b"Action=GetCallerIdentity&Version=2011-06-15"
IAM_BODY = b"Action=CreateUser&Version=2010-05-08&UserName=auth-sweep-user"


class Sweep:
    def __init__(self, server):
        account = server.create_account("auth-sweep")
        self.keys = (account["access_key_id"], account["secret_access_key"])
        self.server = server
        self.wire = Wire(server.endpoint, *self.keys)
        self.s3 = server.client("s3", *self.keys)
        self.iam = server.client("iam", *self.keys)
        self.bucket = f"auth-sweep-{account['account_id']}"
        self.s3.create_bucket(Bucket=self.bucket)

    def signed(self, service: str, method: str, path: str, *, signing_name: str | None = None, body=b"",
               headers=None, query="") -> Raw:
        """``service``'s request, signed as botocore signs it but with the
        scope naming ``signing_name``."""
        url = f"{self.server.endpoint}{path}" + (f"?{query}" if query else "")
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
        signer = S3SigV4Auth if service == "s3" else SigV4Auth
        signer(Credentials(*self.keys), signing_name or service, "us-east-1").add_auth(request)
        return Raw(service, method, path, query=query, headers=dict(request.headers.items()), body=body,
                   label=f"{service} as {signing_name}", sign=False)

    def presigned(self, key: str, *, signing_name: str) -> Raw:
        url = f"{self.server.endpoint}/{self.bucket}/{key}"
        request = AWSRequest(method="GET", url=url)
        S3SigV4QueryAuth(Credentials(*self.keys), signing_name, "us-east-1", expires=300).add_auth(request)
        return Raw("s3", "GET", f"/{self.bucket}/{key}", query=request.url.split("?", 1)[1], sign=False,
                   label=f"presigned as {signing_name}")

    def keys_in_bucket(self) -> list[str]:
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket).get("Contents", [])]


@pytest.fixture(scope="module")
def sweep(server):
    return Sweep(server)


def _answer(answer) -> tuple:
    """(code, status, message) in the protocol's own error shape."""
    if answer.request.service in ("kms", "cloudtrail"):
        message = json.loads(answer.body).get("message")
    else:
        message = etree.fromstring(answer.body).findtext(".//{*}Message")
    return error_code(answer), answer.status, message


# -- a scope naming another service --------------------------------------------------


def test_json_service_refuses_a_scope_for_another_service(sweep):
    answer = sweep.wire.send(sweep.signed("kms", "POST", "/", signing_name="ec2", body=b"{}", headers=KMS_HEADERS))
    assert _answer(answer) == ("InvalidSignatureException", 400,
                               "Credential should be scoped to correct service: 'kms'. ")


def test_query_services_refuse_a_scope_for_another_service(sweep):
    sts = sweep.wire.send(sweep.signed("sts", "POST", "/", signing_name="ec2", body=STS_BODY, headers=FORM))
    assert _answer(sts) == ("SignatureDoesNotMatch", 403, "Credential should be scoped to correct service: 'sts'. ")
    iam = sweep.wire.send(sweep.signed("iam", "POST", "/", signing_name="ec2", body=IAM_BODY, headers=FORM))
    assert _answer(iam) == ("SignatureDoesNotMatch", 403, "Credential should be scoped to correct service: 'iam'. ")
    assert "auth-sweep-user" not in [u["UserName"] for u in sweep.iam.list_users()["Users"]]


def test_s3_refuses_a_scope_for_another_service_and_stores_nothing(sweep):
    body = b"forged"
    raw = sweep.signed("s3", "PUT", f"/{sweep.bucket}/wrong-service", signing_name="ec2", body=body,
                       headers={"X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()})
    assert _answer(sweep.wire.send(raw)) == (
        "AuthorizationHeaderMalformed", 400,
        'The authorization header is malformed; incorrect service "ec2". This endpoint belongs to "s3".')
    assert "wrong-service" not in sweep.keys_in_bucket()


def test_s3_presigned_url_scoped_to_another_service(sweep):
    sweep.s3.put_object(Bucket=sweep.bucket, Key="obj", Body=b"0123456789")
    answer = sweep.wire.send(sweep.presigned("obj", signing_name="ec2"))
    assert _answer(answer) == (
        "AuthorizationQueryParametersError", 400,
        'Error parsing the X-Amz-Credential parameter; incorrect service "ec2". This endpoint belongs to "s3".')
    assert sweep.wire.send(sweep.presigned("obj", signing_name="s3")).status == 200


# -- the Authorization header taken apart --------------------------------------------


def _variants(authorization: str) -> dict[str, str]:
    algorithm, rest = authorization.split(" ", 1)
    credential, signed_headers, signature = (part.strip() for part in rest.split(","))
    return {
        "lowercase algorithm": "aws4-hmac-sha256 " + rest,
        "unknown algorithm": "AWS4-HMAC-SHA512 " + rest,
        "algorithm only": algorithm,
        "empty Signature": f"{algorithm} {credential}, {signed_headers}, Signature=",
        "no Credential": f"{algorithm} {signed_headers}, {signature}",
        "four-part Credential": authorization.replace("/aws4_request", ""),
        "empty region": authorization.replace("/us-east-1/", "//"),
        "terminator aws5_request": authorization.replace("/aws4_request", "/aws5_request"),
        "scope date 20000101": re.sub(r"/\d{8}/", "/20000101/", authorization),
        "SignedHeaders naming a header not sent": authorization.replace("SignedHeaders=", "SignedHeaders=a-missing;"),
        "SignedHeaders without host": authorization.replace("host;", ""),
        "short signature": authorization[:-10],
    }


# KMS's and STS's answers: a header they cannot read, and a signature that does not match.
_INCOMPLETE = (("IncompleteSignatureException", 400), ("IncompleteSignature", 400))
_MISMATCH = (("InvalidSignatureException", 400), ("SignatureDoesNotMatch", 403))
_EXPECTED = {
    # label: (S3, KMS, STS) as (code, status)
    **{label: (("InvalidArgument", 400), *_INCOMPLETE)
       for label in ("lowercase algorithm", "unknown algorithm", "algorithm only")},
    **{label: (("AuthorizationHeaderMalformed", 400), *_INCOMPLETE)
       for label in ("empty Signature", "no Credential", "four-part Credential", "empty region",
                     "terminator aws5_request", "scope date 20000101")},
    **{label: (("SignatureDoesNotMatch", 403), *_MISMATCH)
       for label in ("SignedHeaders naming a header not sent", "SignedHeaders without host", "short signature")},
}


def test_broken_authorization_headers_get_each_services_error_and_change_nothing(sweep):
    body = b"must not be stored"
    s3 = sweep.signed("s3", "PUT", f"/{sweep.bucket}/broken-auth", body=body,
                      headers={"X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()})
    kms = sweep.signed("kms", "POST", "/", body=b"{}", headers=KMS_HEADERS)
    sts = sweep.signed("sts", "POST", "/", body=STS_BODY, headers=FORM)
    raws, expected = [], []
    for column, good in enumerate((s3, kms, sts)):
        for label, authorization in _variants(good.headers["Authorization"]).items():
            raws.append(Raw(good.service, good.method, good.path, headers={**good.headers,
                                                                             "Authorization": authorization},
                            body=good.body, label=f"{good.service} {label}", sign=False))
            expected.append((f"{good.service} {label}", _EXPECTED[label][column]))
    answers = sweep.wire.send_all(raws)
    assert problems(answers) == []
    assert [(a.request.label, (error_code(a), a.status)) for a in answers] == expected
    assert "broken-auth" not in sweep.keys_in_bucket()


@pytest.mark.parametrize("service,raw_args,expected", [
    ("s3", ("GET", "/{bucket}"), ("InvalidToken", 400, "The provided token is malformed or otherwise invalid.")),
    ("kms", ("POST", "/"), ("UnrecognizedClientException", 400,
                            "The security token included in the request is invalid.")),
    ("sts", ("POST", "/"), ("InvalidClientTokenId", 403, "The security token included in the request is invalid.")),
])
def test_a_session_token_with_long_term_keys(sweep, service, raw_args, expected):
    method, path = raw_args
    headers = {"s3": {}, "kms": KMS_HEADERS, "sts": FORM}[service]
    body = {"s3": b"", "kms": b"{}", "sts": STS_BODY}[service]
    raw = sweep.signed(service, method, path.format(bucket=sweep.bucket), body=body,
                       headers={**headers, "X-Amz-Security-Token": "garbage"})
    assert _answer(sweep.wire.send(raw)) == expected


@pytest.mark.parametrize("payload", ["STREAMING-UNSIGNED-PAYLOAD-TRAILER", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"])
def test_an_aws_chunked_body_sent_to_a_json_service(server, payload):
    """Only S3 takes aws-chunked bodies: KMS reads one as the JSON it is not
    (it answered 500 when the body was decoded as for S3)."""
    body = b'14\r\n{"KeySpec": "AES_256"}\r\n0\r\n\r\n'
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body, headers={
        "X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Content-SHA256": payload})
    SigV4Auth(Credentials("test", "test"), "kms", "us-east-1").add_auth(request)
    prepared = request.prepare()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(prepared.url, data=body, headers=dict(prepared.headers),
                                                      method="POST"))
    assert (refused.value.code, json.loads(refused.value.read())["__type"]) == (400, "SerializationException")
