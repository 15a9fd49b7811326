"""One port, every service: routing by scope, target, action; S3 both styles;
unknown operations answered in each protocol's own error."""
import json

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def _signed(server, service, body, headers):
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body, headers=headers)
    SigV4Auth(Credentials("test", "test"), service, "us-east-1").add_auth(request)
    return requests.post(request.url, data=request.body, headers=dict(request.headers.items()), timeout=10)


def test_each_protocol_answers_with_its_request_id_header(server):
    sts = server.client("sts").get_caller_identity()
    assert sts["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    kms = server.client("kms").list_keys()
    assert kms["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    s3 = server.client("s3").list_buckets()
    assert s3["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"]
    assert s3["ResponseMetadata"]["HTTPHeaders"]["x-amz-id-2"]


def test_unknown_json_target_is_unknown_operation(server):
    response = _signed(
        server, "kms", b"{}", {"X-Amz-Target": "TrentService.FlyToTheMoon", "Content-Type": "application/x-amz-json-1.1"}
    )
    assert response.status_code == 400
    assert json.loads(response.text)["__type"].endswith("UnknownOperationException")


def test_unknown_query_action_is_invalid_action(server):
    response = _signed(
        server,
        "sts",
        b"Action=FlyToTheMoon&Version=2011-06-15",
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert response.status_code == 400
    assert "<Code>InvalidAction</Code>" in response.text


def test_unimplemented_s3_operation_is_not_implemented(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="routing-notimpl")
    # SelectObjectContent is in the model; awsbox does not simulate S3 Select.
    url = server.endpoint + "/routing-notimpl/k?select&select-type=2"
    request = AWSRequest(method="POST", url=url, data=b"<x/>")
    request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
    from botocore.auth import S3SigV4Auth

    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    response = requests.post(url, data=b"<x/>", headers=dict(request.headers.items()), timeout=10)
    assert response.status_code == 501
    assert "<Code>NotImplemented</Code>" in response.text


@pytest.mark.parametrize("style", ["path", "virtual"])
def test_s3_addressing_styles(server, style):
    s3 = server.client("s3", s3={"addressing_style": style})
    bucket = f"routing-style-{style}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="dir/hello world.txt", Body=b"hi")
    assert s3.get_object(Bucket=bucket, Key="dir/hello world.txt")["Body"].read() == b"hi"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["dir/hello world.txt"]


def test_virtual_host_forms(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="routing-vhost")
    s3.put_object(Bucket="routing-vhost", Key="k", Body=b"v")
    for host in ("routing-vhost.localhost", "routing-vhost.s3.localhost", "routing-vhost.s3.us-east-1.localhost"):
        url = f"http://{host}:{server.port}/k"
        presigned = server.client("s3", s3={"addressing_style": "virtual"}).generate_presigned_url(
            "get_object", Params={"Bucket": "routing-vhost", "Key": "k"}
        )
        # Send the presigned path to 127.0.0.1 with the virtual Host header.
        path_and_query = presigned.split(f":{server.port}", 1)[1]
        signed_host = presigned.split("//", 1)[1].split("/", 1)[0]
        response = requests.get(server.endpoint + path_and_query, headers={"Host": signed_host}, timeout=10)
        assert response.status_code == 200, (host, response.text)
        assert response.content == b"v"
        del url
