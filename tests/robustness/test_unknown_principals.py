"""A resource or trust policy that names an IAM user or role that does not
exist is refused, as AWS refuses it: AWS turns every principal into the
entity's unique id when it saves the policy, and cannot for one it does not
find. S3: MalformedPolicy "Invalid principal in policy"; IAM:
MalformedPolicyDocument naming the principal; KMS: "Policy contains a
statement with one or more invalid principals." (its API reference: "The
principals in the key policy must exist and be visible to KMS"). Nothing
is stored when one is refused."""
import json
import uuid

import pytest
from botocore.exceptions import ClientError


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _refused(call, **kwargs) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as failure:
        call(**kwargs)
    response = failure.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def bucket(s3):
    name = _unique("principals")
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def people(server):
    """An existing user (with a path) and role, and ARNs that name nobody."""
    iam = server.client("iam")
    account = server.account_id
    user = iam.create_user(UserName=_unique("present"), Path="/team/")["User"]
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=_unique("present"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    name = user["UserName"]
    absent = {
        "no such user": f"arn:aws:iam::{account}:user/{_unique('absent')}",
        "no such role": f"arn:aws:iam::{account}:role/{_unique('absent')}",
        "the user under another path": f"arn:aws:iam::{account}:user/{name}",
        "the user in another partition": f"arn:aws-cn:iam::{account}:user/team/{name}",
        "the user's ARN with a trailing slash": f"arn:aws:iam::{account}:user/team/{name}/",
    }
    return {"user": user["Arn"], "role": role["Arn"], "absent": absent}


def _bucket_policy(bucket: str, principal: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})


def _trust(principal: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})


def _key_policy(account: str, principal: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "kms:Decrypt", "Resource": "*"}]})


CASES = ["no such user", "no such role", "the user under another path", "the user in another partition",
         "the user's ARN with a trailing slash"]


@pytest.mark.parametrize("case", CASES)
def test_a_bucket_policy_naming_nobody(s3, bucket, people, case):
    assert _refused(s3.put_bucket_policy, Bucket=bucket, Policy=_bucket_policy(bucket, people["absent"][case])) == \
        ("MalformedPolicy", "Invalid principal in policy", 400)
    assert _refused(s3.get_bucket_policy, Bucket=bucket)[0] == "NoSuchBucketPolicy"


@pytest.mark.parametrize("case", CASES)
def test_a_trust_policy_naming_nobody(iam, people, case):
    absent = people["absent"][case]
    name = _unique("role")
    assert _refused(iam.create_role, RoleName=name, AssumeRolePolicyDocument=_trust(absent)) == \
        ("MalformedPolicyDocument", f'Invalid principal in policy: "AWS":"{absent}"', 400)
    assert _refused(iam.get_role, RoleName=name)[0] == "NoSuchEntity"
    existing = people["role"].rsplit("/", 1)[1]
    before = iam.get_role(RoleName=existing)["Role"]["AssumeRolePolicyDocument"]
    assert _refused(iam.update_assume_role_policy, RoleName=existing, PolicyDocument=_trust(absent))[0] == \
        "MalformedPolicyDocument"
    assert iam.get_role(RoleName=existing)["Role"]["AssumeRolePolicyDocument"] == before


@pytest.mark.parametrize("case", CASES)
def test_a_key_policy_naming_nobody(server, kms, people, case):
    policy = _key_policy(server.account_id, people["absent"][case])
    invalid = ("MalformedPolicyDocumentException", "Policy contains a statement with one or more invalid principals.", 400)
    keys_before = [k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]]
    assert _refused(kms.create_key, Policy=policy) == invalid
    assert [k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]] == keys_before
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    before = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    assert _refused(kms.put_key_policy, KeyId=key_id, PolicyName="default", Policy=policy) == invalid
    assert kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"] == before


def test_a_key_policy_statement_without_effect_is_checked_too(server, kms, people):
    """A statement without Resource has no effect (KMS API reference), but
    the principals it names must exist all the same."""
    policy = json.loads(_key_policy(server.account_id, people["absent"]["no such user"]))
    del policy["Statement"][1]["Resource"]
    assert _refused(kms.create_key, Policy=json.dumps(policy))[0] == "MalformedPolicyDocumentException"
    policy["Statement"][1]["Principal"]["AWS"] = people["user"]
    kms.create_key(Policy=json.dumps(policy))


def test_existing_principals_and_accounts_are_accepted(server, s3, iam, kms, bucket, people):
    """Users (by their full path) and roles that exist, in this account or
    another of the server's, and any account's root: nothing to refuse."""
    other = server.create_account(_unique("principals"))
    other_iam = server.client("iam", other["access_key_id"], other["secret_access_key"])
    elsewhere = other_iam.create_user(UserName=_unique("elsewhere"))["User"]["Arn"]
    for principal in (people["user"], people["role"], elsewhere, "arn:aws:iam::111122223333:root"):
        s3.put_bucket_policy(Bucket=bucket, Policy=_bucket_policy(bucket, principal))
        iam.create_role(RoleName=_unique("role"), AssumeRolePolicyDocument=_trust(principal))
        kms.create_key(Policy=_key_policy(server.account_id, principal))
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"][0]["Principal"]["AWS"] == \
        "arn:aws:iam::111122223333:root"
