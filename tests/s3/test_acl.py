"""S3 ACLs: reads always answer, writes follow the bucket's Object Ownership
(S3 User Guide, "Controlling ownership of objects and disabling ACLs" and
"Troubleshooting" for Object Ownership; API reference of GetBucketAcl,
PutBucketAcl, GetObjectAcl, PutObjectAcl)."""
import pytest

from .conftest import error_body, error_of, unique

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def owner_id(s3):
    return s3.list_buckets()["Owner"]["ID"]


@pytest.fixture
def acl_bucket(s3):
    """A bucket with ACLs enabled (ObjectWriter) and public ACLs allowed."""
    name = unique()
    s3.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket=name)
    return name


def owner_only(s3):
    me = owner_id(s3)
    return {"Owner": {"ID": me}, "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": me}, "Permission": "FULL_CONTROL"}]}


def acl_of(answer):
    return {"Owner": answer["Owner"], "Grants": answer["Grants"]}


# -- BucketOwnerEnforced (the default): ACLs disabled --------------------------------
def test_reads_answer_the_owner_with_full_control(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert acl_of(s3.get_bucket_acl(Bucket=bucket)) == owner_only(s3)
    assert acl_of(s3.get_object_acl(Bucket=bucket, Key="k")) == owner_only(s3)


@pytest.mark.parametrize("kwargs", [{"ACL": "public-read"}, {"ACL": "authenticated-read"},
                                    {"GrantRead": f'uri="{ALL_USERS}"'}])
def test_enforced_refuses_acls(s3, bucket, kwargs):
    expected = ("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", **kwargs) == expected
    assert error_of(s3.put_bucket_acl, Bucket=bucket, **kwargs) == expected
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert error_of(s3.put_object_acl, Bucket=bucket, Key="k", **kwargs) == expected
    assert error_of(s3.copy_object, Bucket=bucket, Key="c", CopySource=f"{bucket}/k", **kwargs) == expected
    assert acl_of(s3.get_object_acl(Bucket=bucket, Key="k")) == owner_only(s3)


def test_enforced_takes_owner_only_acls(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    s3.put_object(Bucket=bucket, Key="p", Body=b"x", ACL="private")
    s3.put_object_acl(Bucket=bucket, Key="k", ACL="bucket-owner-full-control")
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy=owner_only(s3))
    assert acl_of(s3.get_bucket_acl(Bucket=bucket)) == owner_only(s3)


def test_create_bucket_acl_with_enforced(s3):
    assert error_of(s3.create_bucket, Bucket=unique(), ACL="public-read")[0] == "InvalidBucketAclWithObjectOwnership"
    name = unique()
    s3.create_bucket(Bucket=name, ACL="private")
    assert acl_of(s3.get_bucket_acl(Bucket=name)) == owner_only(s3)


# -- ACLs enabled -------------------------------------------------------------------
def test_object_writer_stores_canned_and_granted_acls(s3, acl_bucket):
    me = owner_id(s3)
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x", ACL="public-read")
    assert s3.get_object_acl(Bucket=acl_bucket, Key="k")["Grants"] == [
        {"Grantee": {"Type": "CanonicalUser", "ID": me}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
    ]
    s3.put_object_acl(Bucket=acl_bucket, Key="k", GrantFullControl=f'id="{me}"', GrantReadACP=f'uri="{ALL_USERS}"')
    assert s3.get_object_acl(Bucket=acl_bucket, Key="k")["Grants"] == [
        {"Grantee": {"Type": "CanonicalUser", "ID": me}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ_ACP"},
    ]
    s3.put_bucket_acl(Bucket=acl_bucket, ACL="public-read")
    assert len(s3.get_bucket_acl(Bucket=acl_bucket)["Grants"]) == 2
    # A copy takes the ACL its request names, not the source's.
    s3.copy_object(Bucket=acl_bucket, Key="c", CopySource=f"{acl_bucket}/k")
    assert acl_of(s3.get_object_acl(Bucket=acl_bucket, Key="c")) == owner_only(s3)


def test_acl_body_round_trips(s3, acl_bucket):
    policy = owner_only(s3)
    policy["Grants"].append({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"})
    s3.put_bucket_acl(Bucket=acl_bucket, AccessControlPolicy=policy)
    assert acl_of(s3.get_bucket_acl(Bucket=acl_bucket)) == policy


def test_object_acl_by_version(s3, acl_bucket):
    s3.put_bucket_versioning(Bucket=acl_bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=acl_bucket, Key="k", Body=b"1", ACL="public-read")["VersionId"]
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"2")
    assert len(s3.get_object_acl(Bucket=acl_bucket, Key="k", VersionId=first)["Grants"]) == 2
    assert len(s3.get_object_acl(Bucket=acl_bucket, Key="k")["Grants"]) == 1


def test_block_public_acls_refuses_public_grants(s3):
    name = unique()
    s3.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter")
    assert error_of(s3.put_bucket_acl, Bucket=name, ACL="public-read") == ("AccessDenied", "Access Denied", 403)
    assert error_of(s3.put_object, Bucket=name, Key="k", Body=b"x", ACL="public-read")[0] == "AccessDenied"
    assert error_of(s3.create_bucket, Bucket=unique(), ObjectOwnership="ObjectWriter",
                    ACL="public-read")[0] == "InvalidBucketAclWithBlockPublicAccessError"


def test_disabling_acls_needs_owner_only_bucket_acl(s3, acl_bucket):
    s3.put_bucket_acl(Bucket=acl_bucket, ACL="public-read")
    enforced = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert error_of(s3.put_bucket_ownership_controls, Bucket=acl_bucket,
                    OwnershipControls=enforced)[0] == "InvalidBucketAclWithObjectOwnership"
    s3.put_bucket_acl(Bucket=acl_bucket, ACL="private")
    s3.put_bucket_ownership_controls(Bucket=acl_bucket, OwnershipControls=enforced)
    assert acl_of(s3.get_bucket_acl(Bucket=acl_bucket)) == owner_only(s3)


# -- bad input ---------------------------------------------------------------------
def test_bad_acls_are_refused_and_change_nothing(s3, acl_bucket):
    me = owner_id(s3)
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x")
    assert error_body(s3.put_object_acl, Bucket=acl_bucket, Key="k", GrantRead='id="not-an-id"')["Code"] == "InvalidArgument"
    assert error_of(s3.put_object_acl, Bucket=acl_bucket, Key="k", GrantRead='uri="http://example.com/g"')[0] \
        == "InvalidArgument"
    assert error_of(s3.put_object_acl, Bucket=acl_bucket, Key="k", GrantRead="nonsense")[0] == "InvalidArgument"
    assert error_of(s3.put_object_acl, Bucket=acl_bucket, Key="k", GrantRead='emailAddress="a@example.com"')[0] \
        == "UnresolvableGrantByEmailAddress"
    assert error_of(s3.put_object_acl, Bucket=acl_bucket, Key="k", ACL="private", GrantRead=f'id="{me}"') == (
        "InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed", 400)
    assert error_of(s3.put_bucket_acl, Bucket=acl_bucket, AccessControlPolicy={"Grants": []})[0] == "MalformedACLError"
    assert error_of(s3.put_bucket_acl, Bucket=acl_bucket)[0] == "MissingSecurityHeader"
    assert acl_of(s3.get_object_acl(Bucket=acl_bucket, Key="k")) == owner_only(s3)
    assert acl_of(s3.get_bucket_acl(Bucket=acl_bucket)) == owner_only(s3)


def test_missing_object_and_bucket(s3, bucket):
    assert error_of(s3.get_object_acl, Bucket=bucket, Key="nope")[0] == "NoSuchKey"
    assert error_of(s3.get_bucket_acl, Bucket=unique())[0] == "NoSuchBucket"


def test_unknown_canned_acl(s3, acl_bucket):
    assert error_of(s3.put_bucket_acl, Bucket=acl_bucket, ACL="bogus")[0] == "InvalidArgument"


def test_multipart_uploads_carry_their_acl(s3, bucket, acl_bucket):
    # ACLs disabled: refused when the upload starts, nothing started.
    assert error_of(s3.create_multipart_upload, Bucket=bucket, Key="m", ACL="public-read")[0] == \
        "AccessControlListNotSupported"
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    # ACLs enabled: the ACL asked for at the start is the completed object's.
    upload = s3.create_multipart_upload(Bucket=acl_bucket, Key="m", ACL="public-read")["UploadId"]
    part = s3.upload_part(Bucket=acl_bucket, Key="m", UploadId=upload, PartNumber=1, Body=b"x" * 10)
    s3.complete_multipart_upload(Bucket=acl_bucket, Key="m", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    grants = s3.get_object_acl(Bucket=acl_bucket, Key="m")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"} in grants
