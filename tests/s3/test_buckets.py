"""Buckets: naming rules, regions, ownership across accounts, listing."""
import hashlib
import urllib.error
import urllib.request

import botocore.exceptions
import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from lxml import etree

from .conftest import error_body, error_of, unique


@pytest.mark.parametrize(
    "name",
    [
        "ab",  # too short
        "a" * 64,  # too long
        "My-Bucket",  # upper case
        "my_bucket",  # underscore
        "-bucket",  # must start with a letter or digit
        "bucket-",  # must end with one
        "my..bucket",  # adjacent periods
        "192.168.5.4",  # an IP address
        "xn--bucket",
        "sthree-bucket",
        "amzn-s3-demo-bucket",
        "bucket-s3alias",
        "bucket--ol-s3",
        "bucket.mrap",
    ],
)
def test_invalid_bucket_names(s3, name):
    error = error_body(s3.create_bucket, Bucket=name)
    assert error["Code"] == "InvalidBucketName"
    assert error["Message"] == "The specified bucket is not valid."
    assert error["BucketName"] == name


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket.name", "1-2-3", "a-.b"])
def test_valid_bucket_names(s3, name):
    name = name if len(name) == 63 or name == "abc" else f"{name}-{unique('x')[-8:]}"
    try:
        s3.create_bucket(Bucket=name)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    s3.head_bucket(Bucket=name)
    s3.delete_bucket(Bucket=name)


def test_create_head_list_delete(s3):
    name = unique()
    assert s3.create_bucket(Bucket=name)["Location"] == f"/{name}"
    head = s3.head_bucket(Bucket=name)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    listed = s3.list_buckets()
    assert name in [b["Name"] for b in listed["Buckets"]]
    assert len(listed["Owner"]["ID"]) == 64
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    s3.delete_bucket(Bucket=name)
    assert error_of(s3.head_bucket, Bucket=name)[2] == 404
    assert error_of(s3.delete_bucket, Bucket=name)[:1] == ("NoSuchBucket",)


def test_us_east_1_quirks(s3):
    name = unique()
    # us-east-1 takes no LocationConstraint: naming it is invalid.
    error = error_body(s3.create_bucket, Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert error["Code"] == "InvalidLocationConstraint"
    # Re-creating your own us-east-1 bucket succeeds, as in AWS.
    s3.create_bucket(Bucket=name)
    s3.create_bucket(Bucket=name)


def test_location_constraint_rules(server, s3):
    eu = server.client("s3", region="eu-west-1")
    name = unique()
    code, message, status = error_of(eu.create_bucket, Bucket=name)
    assert (code, status) == ("IllegalLocationConstraintException", 400)
    assert message == ("The unspecified location constraint is incompatible for the region specific endpoint this"
                       " request was sent to.")
    code, message, _ = error_of(eu.create_bucket, Bucket=name,
                                CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    assert code == "IllegalLocationConstraintException"
    assert message.startswith("The eu-central-1 location constraint is incompatible")
    assert error_of(eu.create_bucket, Bucket=name, CreateBucketConfiguration={"LocationConstraint": "mars-1"})[0] == \
        "InvalidLocationConstraint"
    eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert eu.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    # Outside us-east-1, creating your own bucket again is an error.
    error = error_body(eu.create_bucket, Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error["Code"] == "BucketAlreadyOwnedByYou"
    assert error["BucketName"] == name
    assert [b["BucketRegion"] for b in s3.list_buckets(BucketRegion="eu-west-1")["Buckets"] if b["Name"] == name] == \
        ["eu-west-1"]


def _signed_for(server, region: str, method: str, path: str, body: bytes = b"", *, presigned: bool = False):
    """(status, headers, error fields) of a raw request signed by botocore
    for ``region``, with no SDK to follow a redirect."""
    request = AWSRequest(method=method, url=server.endpoint + path, data=body,
                         headers={"x-amz-content-sha256": hashlib.sha256(body).hexdigest()})
    signer = S3SigV4QueryAuth if presigned else S3SigV4Auth
    signer(Credentials("test", "test"), "s3", region, **({"expires": 60} if presigned else {})).add_auth(request)
    prepared = request.prepare()
    try:
        with urllib.request.urlopen(urllib.request.Request(prepared.url, data=body or None, method=method,
                                                           headers=dict(prepared.headers))) as answer:
            return answer.status, answer.headers, {}
    except urllib.error.HTTPError as error:
        text = error.read()
        fields = {child.tag: child.text for child in etree.fromstring(text)} if text else {}
        return error.code, error.headers, fields


def test_a_request_signed_for_another_region_names_the_buckets(server, s3):
    eu = server.client("s3", region="eu-west-1")
    name = unique()
    eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_object(Bucket=name, Key="k", Body=b"body")
    wrong = "the region 'us-east-1' is wrong; expecting 'eu-west-1'"

    status, headers, error = _signed_for(server, "us-east-1", "GET", f"/{name}/k")
    assert (status, error["Code"], error["Region"]) == (400, "AuthorizationHeaderMalformed", "eu-west-1")
    assert error["Message"] == f"The authorization header is malformed; {wrong}"
    assert headers["x-amz-bucket-region"] == "eu-west-1"
    status, headers, error = _signed_for(server, "us-east-1", "GET", f"/{name}/k", presigned=True)
    assert (status, error["Code"], error["Region"]) == (400, "AuthorizationQueryParametersError", "eu-west-1")
    assert error["Message"] == f"Error parsing the X-Amz-Credential parameter; {wrong}"
    # HEAD answers carry no body: the header alone names the region.
    status, headers, error = _signed_for(server, "us-east-1", "HEAD", f"/{name}/k")
    assert (status, headers["x-amz-bucket-region"], error) == (400, "eu-west-1", {})
    # A write signed for the wrong region changes nothing.
    assert _signed_for(server, "us-east-1", "PUT", f"/{name}/new", b"new")[0] == 400
    assert _signed_for(server, "us-east-1", "DELETE", f"/{name}/k")[0] == 400
    assert [o["Key"] for o in eu.list_objects_v2(Bucket=name)["Contents"]] == ["k"]
    # Signed for the bucket's own region, the same requests are served;
    # GetBucketLocation is answered whatever the region; a bucket that is not
    # there is NoSuchBucket, not a region error.
    assert _signed_for(server, "eu-west-1", "GET", f"/{name}/k")[0] == 200
    assert _signed_for(server, "us-east-1", "GET", f"/{name}?location")[0] == 200
    assert _signed_for(server, "eu-west-1", "GET", f"/{unique()}/k")[2]["Code"] == "NoSuchBucket"

    # boto3 configured for us-east-1 reads the region from the error, signs
    # again for eu-west-1 and is served: as it is against AWS.
    s3.put_object(Bucket=name, Key="via-redirect", Body=b"redirected")
    assert s3.get_object(Bucket=name, Key="via-redirect")["Body"].read() == b"redirected"
    assert s3.head_object(Bucket=name, Key="k")["ContentLength"] == 4
    assert s3.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"
    assert s3.list_objects_v2(Bucket=name)["KeyCount"] == 2


@pytest.fixture(scope="module")
def rival(server):
    other = server.create_account("bucket-rival")
    return server.client("s3", access_key=other["access_key_id"], secret_key=other["secret_access_key"])


def test_head_bucket_names_the_region_even_when_access_is_denied(server, rival):
    eu = server.client("s3", region="eu-west-1")
    name = unique()
    eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(botocore.exceptions.ClientError) as denied:
        rival.head_bucket(Bucket=name)
    response = denied.value.response
    assert response["Error"]["Code"] == "403"
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"


def test_bucket_names_are_global_across_accounts(s3, rival):
    name = unique()
    s3.create_bucket(Bucket=name)
    code, message, status = error_of(rival.create_bucket, Bucket=name)
    assert (code, status) == ("BucketAlreadyExists", 409)
    assert message.startswith("The requested bucket name is not available.")


def test_other_accounts_cannot_reach_a_bucket_without_a_policy(s3, rival):
    name = unique()
    s3.create_bucket(Bucket=name)
    assert error_of(rival.put_object, Bucket=name, Key="k", Body=b"x")[0] == "AccessDenied"
    assert error_of(rival.list_objects_v2, Bucket=name)[0] == "AccessDenied"
    assert name not in [b["Name"] for b in rival.list_buckets()["Buckets"]]


def test_delete_non_empty_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert error_body(s3.delete_bucket, Bucket=bucket) == {
        "Code": "BucketNotEmpty", "Message": "The bucket you tried to delete is not empty", "BucketName": bucket}
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def test_a_versioned_bucket_that_lists_empty_is_not_empty(s3, bucket):
    # Its delete marker and the version under it are still there; S3's words
    # for a versioned bucket say so (recorded against S3 in ministack#1496).
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="k")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert error_of(s3.delete_bucket, Bucket=bucket) == (
        "BucketNotEmpty", "The bucket you tried to delete is not empty. You must delete all versions in the bucket.",
        409)
    s3.head_bucket(Bucket=bucket)


def test_list_buckets_pages(s3):
    prefix = unique("page")
    names = sorted(f"{prefix}-{i}" for i in range(5))
    for name in names:
        s3.create_bucket(Bucket=name)
    first = s3.list_buckets(Prefix=prefix, MaxBuckets=3)
    assert [b["Name"] for b in first["Buckets"]] == names[:3]
    second = s3.list_buckets(Prefix=prefix, MaxBuckets=3, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in second["Buckets"]] == names[3:]
    assert "ContinuationToken" not in second
    assert second["Prefix"] == prefix


def test_object_ownership_defaults_to_bucket_owner_enforced(s3, bucket):
    assert error_of(s3.create_bucket, Bucket=unique(), ACL="public-read")[0] == "InvalidBucketAclWithObjectOwnership"
