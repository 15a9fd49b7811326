"""Objects: put, get, head, delete, copy, ranges, conditions, metadata,
tagging and attributes, through boto3."""
import datetime
import hashlib

import pytest

from tests.stored import blob_ids

from .conftest import error_body, error_of, unique


def test_put_get_head_delete(s3, bucket):
    body = b"hello, world"
    put = s3.put_object(Bucket=bucket, Key="greeting.txt", Body=body, ContentType="text/plain",
                        Metadata={"Colour": "blue"}, CacheControl="no-cache")
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    assert put["ServerSideEncryption"] == "AES256"
    assert "VersionId" not in put
    got = s3.get_object(Bucket=bucket, Key="greeting.txt")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/plain"
    assert got["CacheControl"] == "no-cache"
    assert got["Metadata"] == {"colour": "blue"}
    assert got["ContentLength"] == len(body)
    assert got["ETag"] == put["ETag"]
    assert got["AcceptRanges"] == "bytes"
    head = s3.head_object(Bucket=bucket, Key="greeting.txt")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == put["ETag"]
    assert "StorageClass" not in head  # STANDARD is implied
    s3.delete_object(Bucket=bucket, Key="greeting.txt")
    error = error_body(s3.get_object, Bucket=bucket, Key="greeting.txt")
    assert (error["Code"], error["Key"]) == ("NoSuchKey", "greeting.txt")
    assert error_of(s3.head_object, Bucket=bucket, Key="greeting.txt")[2] == 404


def test_default_content_type_and_empty_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b""
    assert got["ContentType"] == "binary/octet-stream"
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_missing_bucket(s3):
    error = error_body(s3.put_object, Bucket=unique(), Key="k", Body=b"x")
    assert error["Code"] == "NoSuchBucket"


@pytest.mark.parametrize(
    "key",
    ["a b+c%d", "ünïcødé/キー", "a//b", "../../etc/passwd", "dir/./x", "trailing/", "?query=1&x#frag", " lead"],
)
def test_keys_round_trip_exactly(s3, bucket, key):
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]


def test_key_too_long(s3, bucket):
    error = error_body(s3.put_object, Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert error["Code"] == "KeyTooLongError"
    assert error["Message"] == "Your key is too long"
    assert (error["Size"], error["MaxSizeAllowed"]) == ("1025", "1024")
    s3.put_object(Bucket=bucket, Key="é" * 512, Body=b"x")  # 1024 bytes of UTF-8 is fine
    assert error_of(s3.put_object, Bucket=bucket, Key="é" * 513, Body=b"x")[0] == "KeyTooLongError"


def test_metadata_too_large(s3, bucket):
    error = error_body(s3.put_object, Bucket=bucket, Key="k", Body=b"x", Metadata={"big": "v" * 2046})
    assert error["Code"] == "MetadataTooLarge"
    assert error["MaxSizeAllowed"] == "2048"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"big": "v" * 2045})


def test_invalid_storage_class(s3, bucket):
    error = error_body(s3.put_object, Bucket=bucket, Key="k", Body=b"x", StorageClass="FANCY")
    assert error["Code"] == "InvalidStorageClass"
    assert error["StorageClassRequested"] == "FANCY"
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="k")["StorageClass"] == "STANDARD_IA"
    assert s3.list_objects_v2(Bucket=bucket)["Contents"][0]["StorageClass"] == "STANDARD_IA"


DATA = bytes(range(256)) * 1000  # 256,000 bytes: several 64 KiB frames


@pytest.mark.parametrize(
    "header,first,last",
    [
        ("bytes=0-0", 0, 0),
        ("bytes=10-99", 10, 99),
        ("bytes=65530-65545", 65530, 65545),  # across a frame boundary
        ("bytes=200000-", 200000, len(DATA) - 1),
        ("bytes=-100", len(DATA) - 100, len(DATA) - 1),
        ("bytes=255990-999999", 255990, len(DATA) - 1),  # end clamped
    ],
)
def test_range_get(s3, bucket, header, first, last):
    s3.put_object(Bucket=bucket, Key="data", Body=DATA)
    got = s3.get_object(Bucket=bucket, Key="data", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == DATA[first : last + 1]
    assert got["ContentRange"] == f"bytes {first}-{last}/{len(DATA)}"
    assert got["ContentLength"] == last - first + 1


def test_unsatisfiable_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="data", Body=b"0123456789")
    error = error_body(s3.get_object, Bucket=bucket, Key="data", Range="bytes=10-20")
    assert error["Code"] == "InvalidRange"
    assert error["ActualObjectSize"] == "10"
    assert error_of(s3.get_object, Bucket=bucket, Key="data", Range="bytes=10-20")[2] == 416
    # A range S3 cannot use is ignored: the whole object comes back.
    assert s3.get_object(Bucket=bucket, Key="data", Range="bytes=5-2")["Body"].read() == b"0123456789"
    assert s3.get_object(Bucket=bucket, Key="data", Range="lines=1-2")["Body"].read() == b"0123456789"


def test_conditional_get(server, s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag)["Body"].read() == b"v1"
    error = error_body(s3.get_object, Bucket=bucket, Key="k", IfMatch='"nope"')
    assert (error["Code"], error["Condition"]) == ("PreconditionFailed", "If-Match")
    assert error_of(s3.get_object, Bucket=bucket, Key="k", IfNoneMatch=etag)[2] == 304
    past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    assert error_of(s3.get_object, Bucket=bucket, Key="k", IfModifiedSince=modified)[2] == 304
    # A date later than the server's clock is ignored (RFC 9110; localstack's
    # AWS-validated "obj-ignore-future-modified-since").
    now = datetime.datetime.fromisoformat(server.advance_clock(0).replace("Z", "+00:00"))
    future = now + datetime.timedelta(days=1)
    assert s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=future)["Body"].read() == b"v1"
    assert s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=past)["Body"].read() == b"v1"
    assert error_of(s3.get_object, Bucket=bucket, Key="k", IfUnmodifiedSince=past)[2] == 412
    # A passing If-Match makes If-Unmodified-Since irrelevant (RFC 7232, as S3 does).
    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag, IfUnmodifiedSince=past)["ETag"] == etag
    assert error_of(s3.head_object, Bucket=bucket, Key="k", IfNoneMatch=etag)[2] == 304


def test_conditional_put(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"first", IfNoneMatch="*")
    error = error_body(s3.put_object, Bucket=bucket, Key="k", Body=b"second", IfNoneMatch="*")
    assert (error["Code"], error["Condition"]) == ("PreconditionFailed", "If-None-Match")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"first"
    etag = s3.head_object(Bucket=bucket, Key="k")["ETag"]
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", IfMatch='"other"')[0] == "PreconditionFailed"
    s3.put_object(Bucket=bucket, Key="k", Body=b"third", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"third"
    assert error_of(s3.put_object, Bucket=bucket, Key="absent", Body=b"x", IfMatch=etag)[0] == "NoSuchKey"


def test_overwrite_replaces_body(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"old" * 1000)
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"new"
    assert len(s3.list_objects_v2(Bucket=bucket)["Contents"]) == 1


def test_delete_objects(s3, bucket):
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "zz"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["a", "b", "zz"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["c"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_copy_object_directives(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"payload", ContentType="text/x-src", Metadata={"a": "1"},
                  Tagging="t=1")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"payload").hexdigest()}"'
    head = s3.head_object(Bucket=bucket, Key="dst")
    assert (head["ContentType"], head["Metadata"]) == ("text/x-src", {"a": "1"})
    assert s3.get_object_tagging(Bucket=bucket, Key="dst")["TagSet"] == [{"Key": "t", "Value": "1"}]
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource=f"{bucket}/src", MetadataDirective="REPLACE",
                   ContentType="text/plain", Metadata={"b": "2"}, TaggingDirective="REPLACE", Tagging="u=2",
                   StorageClass="ONEZONE_IA")
    head = s3.head_object(Bucket=bucket, Key="dst2")
    assert (head["ContentType"], head["Metadata"], head["StorageClass"]) == ("text/plain", {"b": "2"}, "ONEZONE_IA")
    assert s3.get_object_tagging(Bucket=bucket, Key="dst2")["TagSet"] == [{"Key": "u", "Value": "2"}]
    assert s3.get_object(Bucket=bucket, Key="dst2")["Body"].read() == b"payload"


def test_copy_onto_itself_needs_a_change(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    code, message, _ = error_of(s3.copy_object, Bucket=bucket, Key="k", CopySource=f"{bucket}/k")
    assert code == "InvalidRequest"
    assert message.startswith("This copy request is illegal")
    s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k", StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="k")["StorageClass"] == "STANDARD_IA"


def test_copy_source_missing_and_conditions(s3, bucket):
    assert error_of(s3.copy_object, Bucket=bucket, Key="d", CopySource=f"{bucket}/missing")[0] == "NoSuchKey"
    etag = s3.put_object(Bucket=bucket, Key="s", Body=b"x")["ETag"]
    error = error_body(s3.copy_object, Bucket=bucket, Key="d", CopySource=f"{bucket}/s", CopySourceIfMatch='"no"')
    assert (error["Code"], error["Condition"]) == ("PreconditionFailed", "x-amz-copy-source-If-Match")
    s3.copy_object(Bucket=bucket, Key="d", CopySource=f"{bucket}/s", CopySourceIfMatch=etag)


def test_object_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1&b=two%20words")
    assert s3.head_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPHeaders"]["x-amz-tagging-count"] == "2"
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [
        {"Key": "a", "Value": "1"}, {"Key": "b", "Value": "two words"}]
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "c", "Value": "3"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "c", "Value": "3"}]
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    assert error_of(s3.put_object_tagging, Bucket=bucket, Key="k", Tagging={"TagSet": too_many})[0] == "InvalidTag"
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


def test_get_object_attributes(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"attributes", ChecksumAlgorithm="SHA256")
    attributes = s3.get_object_attributes(Bucket=bucket, Key="k",
                                          ObjectAttributes=["ETag", "Checksum", "ObjectSize", "StorageClass"])
    assert attributes["ETag"] == hashlib.md5(b"attributes").hexdigest()
    assert attributes["ObjectSize"] == 10
    assert attributes["StorageClass"] == "STANDARD"
    assert attributes["Checksum"]["ChecksumSHA256"]
    assert error_of(s3.get_object_attributes, Bucket=bucket, Key="k", ObjectAttributes=["Colour"])[0] == \
        "InvalidArgument"


def test_malformed_xml(server, bucket):
    import base64

    import requests
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = b"<Delete><Object><Key>a</Key></Object"
    request = AWSRequest(method="POST", url=f"{server.endpoint}/{bucket}?delete", data=body,
                         headers={"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()})
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    response = requests.post(request.url, data=body, headers=dict(request.headers))
    assert response.status_code == 400
    assert b"<Code>MalformedXML</Code>" in response.content


def test_objects_survive_restart_and_reset_removes_blobs(private_server):
    s3 = private_server.client("s3")
    kms = private_server.client("kms")
    key = kms.create_key()["KeyMetadata"]
    s3.create_bucket(Bucket="durable")
    s3.put_object(Bucket="durable", Key="s3", Body=b"sse-s3 body")
    s3.put_object(Bucket="durable", Key="kms", Body=b"sse-kms body", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=key["KeyId"])
    private_server.kill()
    private_server.start()
    s3 = private_server.client("s3")
    assert s3.get_object(Bucket="durable", Key="s3")["Body"].read() == b"sse-s3 body"
    assert s3.get_object(Bucket="durable", Key="kms")["Body"].read() == b"sse-kms body"
    assert len(blob_ids(private_server.data_dir)) == 2
    private_server.reset()
    assert blob_ids(private_server.data_dir) == set()


@pytest.mark.parametrize("upload", ["put", "part"])
def test_body_over_five_gib_is_refused_before_it_is_read(s3, bucket, upload):
    # Declared one byte over the quota; boto3 waits for 100-continue, so the
    # answer comes before any of the body is sent.
    declared = 5 * 1024**3 + 1
    if upload == "put":
        error = error_body(s3.put_object, Bucket=bucket, Key="huge", Body=b"x", ContentLength=declared)
    else:
        upload_id = s3.create_multipart_upload(Bucket=bucket, Key="huge")["UploadId"]
        error = error_body(s3.upload_part, Bucket=bucket, Key="huge", UploadId=upload_id, PartNumber=1, Body=b"x",
                           ContentLength=declared)
        assert "Parts" not in s3.list_parts(Bucket=bucket, Key="huge", UploadId=upload_id)
    assert error["Code"] == "EntityTooLarge"
    assert error["Message"] == "Your proposed upload exceeds the maximum allowed size"
    assert (error["ProposedSize"], error["MaxSizeAllowed"]) == (str(declared), str(5 * 1024**3))
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
