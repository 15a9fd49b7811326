"""S3 answers pinned to records of what S3 itself answered: localstack's
AWS-validated snapshots (tests/aws/services/s3/test_s3*.snapshot.json; the
test each comes from is named in its comment). Each of these differed here
before."""
import base64
import datetime as dt
import hashlib
import json

import pytest

from tests.robustness.raw_requests import Raw, Wire

from .conftest import error_body, error_of



def _versioned(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


# -- conditional requests --------------------------------------------------------------
def test_conditional_write_headers_s3_does_not_take(s3, bucket):
    # test_put_object_if_match_validation, test_put_object_if_match_and_if_none_match_validation
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"first")["ETag"]
    assert error_body(s3.put_object, Bucket=bucket, Key="k", Body=b"x", IfMatch="*") == {
        "Code": "NotImplemented", "Message": "A header you provided implies functionality that is not implemented",
        "Header": "If-Match", "additionalMessage": "We don't accept the provided value of If-Match header for this API"}
    assert error_body(s3.put_object, Bucket=bucket, Key="k", Body=b"x", IfMatch=etag, IfNoneMatch="*") == {
        "Code": "NotImplemented", "Message": "A header you provided implies functionality that is not implemented",
        "Header": "If-Match,If-None-Match", "additionalMessage": "Multiple conditional request headers present in the"
                                                                " request"}
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"first"


def test_a_copy_ignores_a_source_modified_since_in_the_future(server, s3, bucket):
    # test_s3_copy_object_preconditions, "copy-ignore-future-modified-since"
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    now = dt.datetime.fromisoformat(server.advance_clock(0).replace("Z", "+00:00"))
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
                   CopySourceIfModifiedSince=now + dt.timedelta(days=1))
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"x"
    assert error_of(s3.copy_object, Bucket=bucket, Key="dst2", CopySource={"Bucket": bucket, "Key": "src"},
                    CopySourceIfModifiedSince=now)[::2] == ("PreconditionFailed", 412)


# -- wordings ------------------------------------------------------------------------------
def test_an_invalid_content_md5(server, bucket):
    # test_s3_invalid_content_md5
    answer = Wire(server.endpoint, "test", "test").send(Raw("s3", "PUT", f"/{bucket}/k", body=b"x", headers={
        "Content-MD5": "not-base64!", "x-amz-content-sha256": hashlib.sha256(b"x").hexdigest()}))
    assert answer.status == 400
    assert b"<Code>InvalidDigest</Code><Message>The Content-MD5 you specified was invalid.</Message>" in answer.body


def test_multipart_completion_errors(s3, bucket):
    # test_multipart_complete_multipart_too_small, test_complete_multipart_parts_order
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=n, Body=b"p")["ETag"] for n in (1, 2)]
    complete = dict(Bucket=bucket, Key="mp", UploadId=upload)
    assert error_of(s3.complete_multipart_upload, **complete) == ("InvalidRequest", "You must specify at least one"
                                                                 " part", 400)
    small = error_body(s3.complete_multipart_upload, **complete, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": etags[0]}, {"PartNumber": 2, "ETag": etags[1]}]})
    assert (small["Code"], small["Message"]) == ("EntityTooSmall", "Your proposed upload is smaller than the minimum"
                                                                   " allowed size")
    assert error_of(s3.complete_multipart_upload, **complete, MultipartUpload={"Parts": [
        {"PartNumber": 2, "ETag": etags[1]}, {"PartNumber": 1, "ETag": etags[0]}]})[:2] == (
        "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.")
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])] == [upload]


# -- delete markers ----------------------------------------------------------------------
def test_a_delete_marker_as_a_copy_source_or_an_acl_target(s3, bucket):
    # test_s3_copy_object_src_not_exists; test_put_object_acl_on_delete_marker
    _versioned(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    assert error_of(s3.copy_object, Bucket=bucket, Key="copy",
                    CopySource={"Bucket": bucket, "Key": "k", "VersionId": marker}) == (
        "InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.",
        400)
    assert error_of(s3.copy_object, Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k"})[0] == \
        "NoSuchKey"
    refused = error_body(s3.put_object_acl, Bucket=bucket, Key="k", ACL="private")
    assert (refused["Code"], refused["Method"], refused["ResourceType"]) == ("MethodNotAllowed", "PUT", "DeleteMarker")
    assert error_of(s3.get_object_acl, Bucket=bucket, Key="k")[::2] == ("NoSuchKey", 404)


# -- buckets --------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["RandomValue", ""])
def test_an_invalid_object_ownership_header(s3, value):
    # test_bucket_ownership_controls_exc
    name = f"own-{hashlib.md5(value.encode()).hexdigest()[:12]}-{dt.datetime.now().microsecond}"
    assert error_body(s3.create_bucket, Bucket=name, ObjectOwnership=value) == {
        "Code": "InvalidArgument", "Message": f"Invalid x-amz-object-ownership header: {value}",
        "ArgumentName": "x-amz-object-ownership"}
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.parametrize("policy, message", [
    ("", "Policies must be valid JSON and the first byte must be '{'"),
    ("{}", "Missing required field Statement"),
])
def test_bucket_policies_s3_refuses(s3, bucket, policy, message):
    # test_bucket_policy_exc
    assert error_of(s3.put_bucket_policy, Bucket=bucket, Policy=policy) == ("MalformedPolicy", message, 400)
    assert error_of(s3.get_bucket_policy, Bucket=bucket)[0] == "NoSuchBucketPolicy"


@pytest.mark.parametrize("tag, expected", [
    ([{"Key": "Key1,Key2", "Value": "v"}], {"Message": "The TagKey you have provided is invalid", "TagKey": "Key1,Key2"}),
    ([{"Key": "k", "Value": "Val1,Val2"}],
     {"Message": "The TagValue you have provided is invalid", "TagKey": "k", "TagValue": "Val1,Val2"}),
    ([{"Key": "aws:team", "Value": "v"}], {"Message": "System tags cannot be added/updated by requester",
                                           "TagKey": "aws:team"}),
    ([{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}],
     {"Message": "Cannot provide multiple Tags with the same key", "TagKey": "k"}),
], ids=["comma-in-key", "comma-in-value", "system-tag", "duplicate"])
def test_bucket_tags_s3_refuses(s3, bucket, tag, expected):
    # test_tagging_validation, test_bucket_tagging_crud
    assert error_body(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": tag}) == {"Code": "InvalidTag",
                                                                                         **expected}
    assert error_of(s3.get_bucket_tagging, Bucket=bucket)[0] == "NoSuchTagSet"
    # Letters of any script, digits, spaces and + - = . _ : / @ are fine.
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "équipe 1+_", "Value": "a=b.c:d/e@f"}]})


def test_an_empty_versioning_configuration(s3, bucket):
    # test_bucket_versioning_crud
    assert error_of(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={}) == (
        "IllegalVersioningConfigurationException", "The Versioning element must be specified", 400)
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_a_document_digest_is_checked_when_sent(server, bucket):
    body = json.dumps({"Version": "2012-10-17", "Statement": []}).encode()
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    answer = Wire(server.endpoint, "test", "test").send(Raw("s3", "PUT", f"/{bucket}", query="policy", body=body,
                                                            headers={"Content-MD5": wrong}))
    assert (answer.status, b"<Code>BadDigest</Code>" in answer.body) == (400, True)


def test_multipart_listing_shapes(s3, bucket):
    # test_multipart_and_list_parts: "list-part-after-created", "list-all-uploads"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    parts = s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload)
    assert (parts["PartNumberMarker"], parts["NextPartNumberMarker"], "Parts" in parts) == (0, 0, False)
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert (listed["NextKeyMarker"], listed["NextUploadIdMarker"], "Prefix" in listed) == ("mp", upload, False)
    assert s3.list_multipart_uploads(Bucket=bucket, Prefix="m")["Prefix"] == "m"
    s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload)
    empty = s3.list_multipart_uploads(Bucket=bucket)
    assert (empty["NextKeyMarker"], empty["NextUploadIdMarker"], "Uploads" in empty) == ("", "", False)


def test_part_one_of_a_single_put_object(s3, bucket):
    # test_get_object_part, "get-obj-no-multipart"
    s3.put_object(Bucket=bucket, Key="k", Body=b"abcdefgh")
    got = s3.get_object(Bucket=bucket, Key="k", PartNumber=1)
    assert (got["ResponseMetadata"]["HTTPStatusCode"], got["ContentRange"], "PartsCount" in got) == (206, "bytes 0-7/8",
                                                                                                   False)
    assert got["Body"].read() == b"abcdefgh"
    assert error_of(s3.get_object, Bucket=bucket, Key="k", PartNumber=2)[::2] == ("InvalidPartNumber", 416)


# -- listings ----------------------------------------------------------------------------
def test_a_marker_inside_a_common_prefix_skips_all_of_it(s3, bucket):
    # test_list_objects_marker_common_prefixes, test_list_object_versions_pagination_common_prefixes,
    # test_list_multipart_uploads_marker_common_prefixes ("manual-first-file")
    for key in ("folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1", "folder/file2"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
        s3.create_multipart_upload(Bucket=bucket, Key=key)
    inside = dict(Bucket=bucket, Prefix="folder/", Delimiter="/")
    page = s3.list_objects(**inside, MaxKeys=1, Marker="folder/aSubfolder/subFile1")
    assert ([c["Key"] for c in page["Contents"]], page["NextMarker"], page["IsTruncated"]) == (
        ["folder/file1"], "folder/file1", True)
    versions = s3.list_object_versions(**inside, MaxKeys=1, KeyMarker="folder/aSubfolder/subFile1")
    assert ([v["Key"] for v in versions["Versions"]], versions["NextKeyMarker"]) == (["folder/file1"], "folder/file1")
    uploads = s3.list_multipart_uploads(**inside, MaxUploads=1, KeyMarker="folder/aSubfolder/subFile1")
    assert ([u["Key"] for u in uploads["Uploads"]], uploads["NextKeyMarker"]) == (["folder/file1"], "folder/file1")


def test_upload_id_markers(s3, bucket):
    # test_list_multiparts_next_marker: resume after the marker upload in initiation order.
    ids = [s3.create_multipart_upload(Bucket=bucket, Key="a")["UploadId"] for _ in range(3)]
    other = s3.create_multipart_upload(Bucket=bucket, Key="b")["UploadId"]
    listed = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a", UploadIdMarker=ids[0])
    assert [u["UploadId"] for u in listed["Uploads"]] == ids[1:] + [other]
    last = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a", UploadIdMarker=ids[2])
    assert [u["UploadId"] for u in last["Uploads"]] == [other]
    assert error_body(s3.list_multipart_uploads, Bucket=bucket, KeyMarker="b", UploadIdMarker=ids[0]) == {
        "Code": "InvalidArgument", "Message": "Invalid uploadId marker", "ArgumentName": "upload-id-marker",
        "ArgumentValue": ids[0]}
    alone = s3.list_multipart_uploads(Bucket=bucket, UploadIdMarker=ids[0])
    assert (alone["UploadIdMarker"], len(alone["Uploads"])) == ("", 4)


def test_listing_arguments_s3_refuses(s3, bucket):
    # test_list_objects_v2_continuation_start_after ("exc-continuation-token"), test_list_buckets_region_validation
    error = error_body(s3.list_objects_v2, Bucket=bucket, ContinuationToken="")
    assert (error["Code"], error["Message"], error["ArgumentName"]) == (
        "InvalidArgument", "The continuation token provided is incorrect", "continuation-token")
    assert error_body(s3.list_buckets, BucketRegion="eu-east-1") == {
        "Code": "InvalidArgument", "Message": "Argument value eu-east-1 is not a valid AWS Region",
        "ArgumentName": "bucket-region"}


def test_a_conditional_completion_after_the_key_changed_during_the_upload(server, s3, bucket):
    # test_multipart_if_match_with_put ("complete-multipart-if-match-put-during"),
    # test_multipart_if_none_match_with_delete (a versioned bucket keeps the delete marker to see)
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"before")["ETag"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"part")
    server.advance_clock(2)
    s3.put_object(Bucket=bucket, Key="k", Body=b"during")
    done = dict(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    error = error_body(s3.complete_multipart_upload, **done, IfMatch=etag)
    assert (error["Code"], error["Condition"], error["Key"]) == ("ConditionalRequestConflict", "If-Match", "k")
    assert error["Message"] == "The conditional request cannot succeed due to a conflicting operation against this resource."
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"during"
    # Unconditional, it completes.
    s3.complete_multipart_upload(**done)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"part"
    _versioned(s3, bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="v")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="v", UploadId=upload, PartNumber=1, Body=b"part")
    s3.put_object(Bucket=bucket, Key="v", Body=b"x")
    server.advance_clock(2)
    s3.delete_object(Bucket=bucket, Key="v")
    assert error_body(s3.complete_multipart_upload, Bucket=bucket, Key="v", UploadId=upload, IfNoneMatch="*",
                      MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})["Code"] == \
        "ConditionalRequestConflict"
