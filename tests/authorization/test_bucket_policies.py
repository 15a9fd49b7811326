"""Bucket policies (S3 User Guide, "Bucket policy examples"; IAM User Guide,
"Cross-account policy evaluation logic"). They need PutBucketPolicy, which
the S3 service provides."""
import json

import pytest

import simulator.app
from simulator.registry import services

from .conftest import allow, error_of, policy, unique

simulator.app._load_services()
pytestmark = pytest.mark.skipif("PutBucketPolicy" not in services()["s3"].handlers,
                                reason="S3 does not implement PutBucketPolicy yet")


def bucket_policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_a_bucket_policy_requiring_sse_kms_denies_an_unencrypted_put(account, s3, kms):
    # S3 User Guide, "Requiring server-side encryption with AWS KMS keys".
    bucket = unique("authz")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=bucket_policy({
        "Sid": "RequireSSEKMS", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}}))
    code, message, status = error_of(s3.put_object, Bucket=bucket, Key="plain", Body=b"x")
    assert (code, status) == ("AccessDenied", 403)
    assert message.endswith("with an explicit deny in a resource-based policy")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    s3.put_object(Bucket=bucket, Key="sealed", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)


def test_a_bucket_policy_alone_allows_within_the_account(account, s3):
    bucket = unique("authz")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    user = account.user()
    assert error_of(user.client("s3").get_object, Bucket=bucket, Key="k")[0] == "AccessDenied"
    s3.put_bucket_policy(Bucket=bucket, Policy=bucket_policy({
        "Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))
    assert user.client("s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


def test_another_account_needs_the_bucket_policy_and_its_own_policies(account, other_account, s3):
    bucket = unique("authz")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    reader = other_account.user(policy(allow("s3:GetObject", f"arn:aws:s3:::{bucket}/*")))
    # Their own policy alone is not enough: the bucket's account must allow too.
    code, message, status = error_of(reader.client("s3").get_object, Bucket=bucket, Key="k")
    assert (code, message, status) == ("AccessDenied", "Access Denied", 403)
    s3.put_bucket_policy(Bucket=bucket, Policy=bucket_policy({
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other_account.id}:root"},
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))
    assert reader.client("s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    # The bucket policy delegates to the other account: its IAM policies still decide.
    stranger = other_account.user()
    assert error_of(stranger.client("s3").get_object, Bucket=bucket, Key="k")[0] == "AccessDenied"
