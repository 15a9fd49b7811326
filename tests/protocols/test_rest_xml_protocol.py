"""The REST-XML protocol (S3) against botocore's serializer and parser."""
import datetime as dt
import io

import pytest
from lxml import etree
from werkzeug.test import EnvironBuilder

from simulator.protocols import protocol_for

UTC = dt.timezone.utc
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
KEYS = ["plain.txt", "a b/c d.txt", "a+b", "100%", "%2B", "ünï/ćødé 標籤", "a//b", "../x", "/leading", "dir/",
        "q?x=1&y#z", "tilde~*'()!"]


def test_put_object_with_metadata_and_body(protocol_send):
    params = {"Bucket": "lab", "Key": "docs/a b.txt", "Body": b"hello", "ContentType": "text/plain",
              "Metadata": {"owner": "alice", "Project": "x"}, "ServerSideEncryption": "aws:kms",
              "SSEKMSKeyId": "alias/lab"}
    sent = protocol_send("s3", "PutObject", params)
    assert sent.operation() == "PutObject"
    parsed = sent.parse()
    body = parsed.pop("Body")
    assert body.read() == b"hello"  # the stream itself, handed over unread
    assert parsed.pop("ContentLength") == 5
    expected = {k: v for k, v in params.items() if k != "Body"}
    expected["Metadata"] = {"owner": "alice", "project": "x"}  # AWS stores metadata names lowercased
    assert parsed == expected


@pytest.mark.parametrize("key", KEYS)
def test_keys_decode_exactly(protocol_send, key):
    sent = protocol_send("s3", "GetObject", {"Bucket": "lab", "Key": key, "Range": "bytes=0-9"})
    assert sent.operation() == "GetObject"
    assert sent.parse() == {"Bucket": "lab", "Key": key, "Range": "bytes=0-9"}


def test_x_id_hint_is_accepted(protocol_send):
    sent = protocol_send("s3", "GetObject", {"Bucket": "lab", "Key": "k"}, query="x-id=GetObject")
    assert sent.operation() == "GetObject"
    assert sent.parse() == {"Bucket": "lab", "Key": "k"}


@pytest.mark.parametrize("operation, params", [
    ("ListObjectsV2", {"Bucket": "lab", "Prefix": "a/", "Delimiter": "/", "MaxKeys": 10, "ContinuationToken": "t",
                       "FetchOwner": True}),
    ("ListObjects", {"Bucket": "lab", "Marker": "m", "MaxKeys": 3}),
    ("ListBuckets", {}),
    ("HeadBucket", {"Bucket": "lab"}),
    ("HeadObject", {"Bucket": "lab", "Key": "k", "VersionId": "v1"}),
    ("DeleteObject", {"Bucket": "lab", "Key": "k"}),
    ("AbortMultipartUpload", {"Bucket": "lab", "Key": "k", "UploadId": "u"}),
    ("ListParts", {"Bucket": "lab", "Key": "k", "UploadId": "u"}),
    ("GetObjectTagging", {"Bucket": "lab", "Key": "k"}),
    ("CreateMultipartUpload", {"Bucket": "lab", "Key": "k", "Metadata": {"a": "1"}}),
    ("CopyObject", {"Bucket": "lab", "Key": "k", "CopySource": "src/a b.txt", "MetadataDirective": "REPLACE"}),
    ("UploadPartCopy", {"Bucket": "lab", "Key": "k", "CopySource": "src/x", "PartNumber": 2, "UploadId": "u",
                        "CopySourceRange": "bytes=0-99"}),
    ("GetBucketLifecycleConfiguration", {"Bucket": "lab"}),
    ("GetBucketPolicy", {"Bucket": "lab"}),
    ("PutBucketPolicy", {"Bucket": "lab", "Policy": '{"Version": "2012-10-17", "Statement": []}'}),
    ("GetObjectAttributes", {"Bucket": "lab", "Key": "k", "ObjectAttributes": ["ETag", "ObjectSize"]}),
])
def test_operations_round_trip(protocol_send, operation, params):
    sent = protocol_send("s3", operation, params)
    assert sent.operation() == operation
    parsed = sent.parse()
    assert parsed == params


def test_upload_part_vs_put_object(protocol_send):
    sent = protocol_send("s3", "UploadPart", {"Bucket": "lab", "Key": "k", "PartNumber": 3, "UploadId": "u",
                                              "Body": b"part"})
    assert sent.operation() == "UploadPart"
    parsed = sent.parse()
    assert parsed["Body"].read() == b"part"
    assert (parsed["PartNumber"], parsed["UploadId"]) == (3, "u")
    assert protocol_send("s3", "PutObject", {"Bucket": "lab", "Key": "k", "Body": b"x"}).operation() == "PutObject"


def test_create_bucket_configuration(protocol_send):
    params = {"Bucket": "lab", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
              "ObjectOwnership": "BucketOwnerEnforced"}
    sent = protocol_send("s3", "CreateBucket", params)
    assert sent.operation() == "CreateBucket"
    assert sent.parse() == params
    bare = protocol_send("s3", "CreateBucket", {"Bucket": "lab"})
    assert bare.parse() == {"Bucket": "lab"}
    assert protocol_send("s3", "CreateBucket", {"Bucket": "lab"}, path="/lab/").operation() == "CreateBucket"


def test_delete_objects_flattened_list(protocol_send):
    params = {"Bucket": "lab", "Delete": {"Objects": [{"Key": "a b"}, {"Key": "c", "VersionId": "v"}],
                                          "Quiet": True}}
    sent = protocol_send("s3", "DeleteObjects", params)
    assert sent.operation() == "DeleteObjects"
    assert sent.parse() == params


def test_put_bucket_tagging(protocol_send):
    params = {"Bucket": "lab", "Tagging": {"TagSet": [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": ""}]}}
    sent = protocol_send("s3", "PutBucketTagging", params)
    assert sent.operation() == "PutBucketTagging"
    assert sent.parse() == params


def test_complete_multipart_upload(protocol_send):
    params = {"Bucket": "lab", "Key": "big", "UploadId": "u1",
              "MultipartUpload": {"Parts": [{"ETag": '"e1"', "PartNumber": 1}, {"ETag": '"e2"', "PartNumber": 2}]}}
    sent = protocol_send("s3", "CompleteMultipartUpload", params)
    assert sent.operation() == "CompleteMultipartUpload"
    assert sent.parse() == params


def test_put_bucket_acl_xsi_type(protocol_send):
    params = {"Bucket": "lab", "AccessControlPolicy": {
        "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "READ"}],
        "Owner": {"ID": "abc"}}}
    sent = protocol_send("s3", "PutBucketAcl", params)
    assert sent.operation() == "PutBucketAcl"
    assert sent.parse() == params


def test_unknown_method(protocol_send, services):
    sent = protocol_send("s3", "GetObject", {"Bucket": "lab", "Key": "k"}, method="PATCH")
    with pytest.raises(services["s3"].unknown_operation) as caught:
        sent.operation()
    assert caught.value.fields == {"Method": "PATCH", "ResourceType": "OBJECT"}


@pytest.mark.parametrize("body", [b"<Delete><Object><Key>a</Key></Object>", b"not xml at all", b"\xff\xfe<x/>",
                                  b"<Delete><Quiet>maybe</Quiet><Object><Key>a</Key></Object></Delete>",
                                  b"<Delete><Quiet>true</Quiet></Delete>", b""])
def test_malformed_xml(protocol_send, services, body):
    sent = protocol_send("s3", "DeleteObjects", {"Bucket": "lab", "Delete": {"Objects": [{"Key": "a"}]}}, body=body)
    with pytest.raises(services["s3"].malformed_body) as caught:
        sent.parse()
    assert caught.value.message == ("The XML you provided was not well-formed or did not validate against our "
                                    "published schema")


def test_documents_with_a_doctype_are_refused(protocol_send, services):
    # Entities are never expanded: a DOCTYPE (XXE, billion laughs) is refused.
    body = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Tagging><TagSet><Tag><Key>&x;</Key><Value>v</Value></Tag></TagSet></Tagging>")
    sent = protocol_send("s3", "PutBucketTagging", {"Bucket": "lab", "Tagging": {"TagSet": []}}, body=body)
    with pytest.raises(services["s3"].malformed_body):
        sent.parse()


def test_bad_header_and_query_values(protocol_send, services):
    sent = protocol_send("s3", "UploadPart", {"Bucket": "lab", "Key": "k", "UploadId": "u", "PartNumber": 1},
                         query="partNumber=one&uploadId=u")
    assert sent.operation() == "UploadPart"
    with pytest.raises(services["s3"].validation_error) as caught:
        sent.parse()
    assert caught.value.fields == {"ArgumentName": "partNumber", "ArgumentValue": "one"}
    sent = protocol_send("s3", "PutObject", {"Bucket": "lab", "Key": "k"},
                         headers={"x-amz-bucket-object-lock-enabled": "x", "x-amz-object-lock-retain-until-date": "soon"})
    with pytest.raises(services["s3"].validation_error) as caught:
        sent.parse()
    assert caught.value.fields["ArgumentName"] == "x-amz-object-lock-retain-until-date"


def test_unparseable_conditional_date_is_ignored(protocol_send):
    sent = protocol_send("s3", "GetObject", {"Bucket": "lab", "Key": "k"}, headers={"If-Modified-Since": "yesterday"})
    assert sent.parse() == {"Bucket": "lab", "Key": "k"}


# -- responses --------------------------------------------------------------

def _serialize(services, operation, output, request_id="req-1"):
    return protocol_for(services["s3"]).serialize(services["s3"], operation, output, request_id)


def test_get_object_response(services, protocol_read_back):
    modified = dt.datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    output = {"Body": b"0123456789", "ContentLength": 10, "ContentType": "text/plain", "ETag": '"abc"',
              "LastModified": modified, "Metadata": {"owner": "alice"}, "ContentRange": "bytes 0-9/100",
              "ServerSideEncryption": "aws:kms", "BucketKeyEnabled": False, "TagCount": 2}
    response = _serialize(services, "GetObject", output)
    assert response.headers["x-amz-request-id"] == "req-1" and response.headers["x-amz-id-2"]
    assert response.headers["Last-Modified"] == "Sat, 03 Feb 2024 04:05:06 GMT"
    parsed, raw = protocol_read_back("s3", "GetObject", response)
    assert raw == output.pop("Body")
    parsed.pop("Body")
    assert parsed == output


@pytest.mark.parametrize("body", [lambda: iter([b"01234", b"56789"]), lambda: io.BytesIO(b"0123456789")])
def test_streamed_bodies_are_not_buffered(services, protocol_read_back, body):
    response = _serialize(services, "GetObject", {"Body": body(), "ContentLength": 10})
    assert response.is_streamed
    assert response.headers["Content-Length"] == "10"
    parsed, raw = protocol_read_back("s3", "GetObject", response)
    assert raw == b"0123456789"


def test_head_object_keeps_content_length(services):
    response = _serialize(services, "HeadObject", {"ContentLength": 12345, "ETag": '"e"',
                                                   "Metadata": {"a": "b"}, "PartsCount": 3})
    assert response.headers["Content-Length"] == "12345"
    assert response.headers["x-amz-meta-a"] == "b"
    assert response.headers["x-amz-mp-parts-count"] == "3"
    assert response.get_data() == b""


def test_list_objects_v2_response(services, protocol_read_back):
    modified = dt.datetime(2024, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
    output = {"IsTruncated": False, "Name": "lab", "Prefix": "", "MaxKeys": 1000, "KeyCount": 2,
              "Contents": [{"Key": "a b", "LastModified": modified, "ETag": '"e"', "Size": 3,
                            "StorageClass": "STANDARD"},
                           {"Key": "ünï", "LastModified": modified, "ETag": '"f"', "Size": 0,
                            "StorageClass": "STANDARD"}],
              "CommonPrefixes": [{"Prefix": "dir/"}]}
    response = _serialize(services, "ListObjectsV2", output)
    parsed, body = protocol_read_back("s3", "ListObjectsV2", response)
    assert parsed == output
    root = etree.fromstring(body)
    assert root.tag == NS + "ListBucketResult"
    assert root.findtext(NS + "Contents/" + NS + "LastModified") == "2024-02-03T04:05:06.789Z"
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_payload_and_derived_roots(services, protocol_read_back):
    output = {"CopyObjectResult": {"ETag": '"e"', "LastModified": dt.datetime(2024, 1, 1, tzinfo=UTC)},
              "VersionId": "v2"}
    response = _serialize(services, "CopyObject", output)
    assert etree.fromstring(response.get_data()).tag == NS + "CopyObjectResult"
    assert protocol_read_back("s3", "CopyObject", response)[0] == output
    tagging = {"TagSet": [{"Key": "k", "Value": "v"}]}
    response = _serialize(services, "GetBucketTagging", tagging)
    assert etree.fromstring(response.get_data()).tag == NS + "Tagging"
    assert protocol_read_back("s3", "GetBucketTagging", response)[0] == tagging


def test_bucket_location_document(services):
    root = etree.fromstring(_serialize(services, "GetBucketLocation", {"LocationConstraint": "eu-west-1"}).get_data())
    assert (root.tag, root.text) == (NS + "LocationConstraint", "eu-west-1")
    root = etree.fromstring(_serialize(services, "GetBucketLocation", {}).get_data())
    assert (root.tag, root.text) == (NS + "LocationConstraint", None)


def test_acl_response_with_xsi_type(services, protocol_read_back):
    output = {"Owner": {"ID": "abc"}, "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "abc"},
                                                   "Permission": "FULL_CONTROL"}]}
    response = _serialize(services, "GetBucketAcl", output)
    assert protocol_read_back("s3", "GetBucketAcl", response)[0] == output
    assert b'xsi:type="CanonicalUser"' in response.get_data()


def test_delete_objects_response(services, protocol_read_back):
    output = {"Deleted": [{"Key": "a"}, {"Key": "b", "VersionId": "v", "DeleteMarker": True}],
              "Errors": [{"Key": "c", "Code": "AccessDenied", "Message": "Access Denied"}]}
    response = _serialize(services, "DeleteObjects", output)
    assert etree.fromstring(response.get_data()).tag == NS + "DeleteResult"
    assert protocol_read_back("s3", "DeleteObjects", response)[0] == output


def test_status_codes(services):
    assert _serialize(services, "DeleteObject", {}).status_code == 204
    assert _serialize(services, "PutObject", {"ETag": '"e"'}).status_code == 200


def test_error_response(services, protocol_read_back):
    error = services["s3"].validation_error("Invalid argument.", ArgumentName="x-amz-acl", ArgumentValue="public",
                                            headers={"x-amz-delete-marker": "true"})
    response = protocol_for(services["s3"]).serialize_error(services["s3"], error, "req-5")
    assert response.status_code == 400
    assert response.headers["x-amz-request-id"] == "req-5"
    assert response.headers["x-amz-delete-marker"] == "true"
    root = etree.fromstring(response.get_data())
    assert [child.tag for child in root] == ["Code", "Message", "ArgumentName", "ArgumentValue", "RequestId", "HostId"]
    parsed, _ = protocol_read_back("s3", "PutObject", response)
    assert parsed["Error"]["Code"] == "InvalidArgument"
    assert parsed["Error"]["ArgumentName"] == "x-amz-acl"


def test_head_error_has_no_body(services):
    error = services["s3"].malformed_body("x")
    response = protocol_for(services["s3"]).serialize_error(services["s3"], error, "r")
    environ = EnvironBuilder(method="HEAD", path="/lab/k").get_environ()
    app_iter, status, headers = response.get_wsgi_response(environ)
    assert status.startswith("400") and b"".join(app_iter) == b""


@pytest.mark.parametrize("raw, key", [("/lab/a%2Bb", "a+b"), ("/lab/a+b", "a+b"), ("/lab/a%20b", "a b"),
                                      ("/lab//x", "/x"), ("/lab/a/../b", "a/../b"), ("/lab/%E2%82%AC", "€")])
def test_raw_paths(protocol_send, raw, key):
    sent = protocol_send("s3", "GetObject", {"Bucket": "lab", "Key": "k"}, path=raw)
    assert sent.operation() == "GetObject"
    assert sent.parse()["Key"] == key


def test_path_that_is_not_utf8(protocol_send, services):
    sent = protocol_send("s3", "GetObject", {"Bucket": "lab", "Key": "k"}, path="/lab/%FF")
    with pytest.raises(services["s3"].validation_error):
        sent.parse()
