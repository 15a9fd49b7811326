"""Bad requests get 4xx errors in the right protocol, never tracebacks or HTML."""
import json

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def _signed_post(server, service, body, headers):
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body, headers=headers)
    SigV4Auth(Credentials("test", "test"), service, "us-east-1").add_auth(request)
    return requests.post(request.url, data=request.body, headers=dict(request.headers.items()), timeout=10)


def test_json_body_that_does_not_parse(server):
    response = _signed_post(
        server, "kms", b"{not json", {"X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1"}
    )
    assert response.status_code == 400
    body = json.loads(response.text)
    assert body["__type"]
    assert "Traceback" not in response.text


def test_non_utf8_json_body(server):
    response = _signed_post(
        server, "kms", b'{"KeyId": "\xff\xfe"}', {"X-Amz-Target": "TrentService.DescribeKey", "Content-Type": "application/x-amz-json-1.1"}
    )
    assert response.status_code == 400
    assert json.loads(response.text)["__type"]


def test_query_validation_error(server):
    response = _signed_post(
        server,
        "sts",
        b"Action=GetAccessKeyInfo&Version=2011-06-15",
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert response.status_code == 400
    assert "<Code>ValidationError</Code>" in response.text
    assert "<Type>Sender</Type>" in response.text


@pytest.mark.parametrize("size", [20_000, 200_000])
def test_absurd_headers_get_a_protocol_error(server, size):
    response = requests.get(server.endpoint + "/", headers={"X-Big": "a" * size}, timeout=10)
    assert 400 <= response.status_code < 500
    assert response.text.lstrip().startswith("<?xml") or response.text.lstrip().startswith("<Error")
    assert "<Code>" in response.text


def test_unknown_content_type_for_query_is_rejected(server):
    response = _signed_post(server, "sts", b"\x00\x01\x02", {"Content-Type": "application/octet-stream"})
    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.text


def test_control_api_is_not_an_aws_operation(server):
    response = requests.get(server.endpoint + "/_awsbox/nothing-here", timeout=10)
    assert response.status_code == 404
    assert "<Code>" not in response.text
