"""Behaviours earlier sweeps left open until AWS's answer was on record:
NotPrincipal in role trust policies (IAM User Guide, NotPrincipal page),
AssumeRole's TransitiveTagKeys and session tag keys (AWS's answers as
recorded in localstack's AWS-validated STS snapshots), key policy statements
without Resource or Action (KMS API reference, CreateKey/PutKeyPolicy)."""
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.stored import database


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _refused(call, **kwargs):
    with pytest.raises(ClientError) as failure:
        call(**kwargs)
    response = failure.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def _trust(**statement):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", **statement}]})


def _user(server, iam):
    name = _name("leftover")
    user = iam.create_user(UserName=name)["User"]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return user, lambda service, **session: server.client(
        service, access_key=session.get("AccessKeyId", key["AccessKeyId"]),
        secret_key=session.get("SecretAccessKey", key["SecretAccessKey"]), session_token=session.get("SessionToken"))


# -- IAM: NotPrincipal in a role trust policy ---------------------------------------------------------

def test_trust_policy_with_not_principal_is_refused(iam, server):
    root = f"arn:aws:iam::{server.account_id}:root"
    not_principal = _trust(Effect="Deny", NotPrincipal={"AWS": root})
    name = _name("notprincipal")
    assert _refused(iam.create_role, RoleName=name, AssumeRolePolicyDocument=not_principal) == (
        "MalformedPolicyDocument", "Has prohibited field NotPrincipal", 400)
    assert _refused(iam.get_role, RoleName=name)[0] == "NoSuchEntity"
    good = _trust(Principal={"AWS": root})
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=good)
    assert _refused(iam.update_assume_role_policy, RoleName=name, PolicyDocument=not_principal) == (
        "MalformedPolicyDocument", "Has prohibited field NotPrincipal", 400)
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == json.loads(good)


def test_a_stored_trust_policy_the_rules_now_refuse_trusts_no_one(iam, server):
    """A trust policy with NotPrincipal stored before it was refused (a data
    dir from an older awsbox) cannot be weighed: AssumeRole is denied, never
    a 500, and UpdateAssumeRolePolicy mends the role."""
    user, client = _user(server, iam)
    name = _name("stored")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(Principal={"AWS": user["Arn"]}))
    with database(server.data_dir) as db, db:
        db.execute("UPDATE iam_entities SET trust_policy = ? WHERE kind = 'role' AND name = ?",
                   (_trust(Effect="Deny", NotPrincipal={"AWS": user["Arn"]}), name))
    role_arn = f"arn:aws:iam::{server.account_id}:role/{name}"
    assert _refused(client("sts").assume_role, RoleArn=role_arn, RoleSessionName="stored")[0] == "AccessDenied"
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=_trust(Principal={"AWS": user["Arn"]}))
    iam.put_user_policy(UserName=user["UserName"], PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}))
    assert client("sts").assume_role(RoleArn=role_arn, RoleSessionName="mended")["AssumedRoleUser"]["Arn"].endswith("/mended")


# -- STS: session tags and TransitiveTagKeys ----------------------------------------------------------

@pytest.fixture
def tagging_role(iam, server):
    user, client = _user(server, iam)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]})
    role = iam.create_role(RoleName=_name("tagging"), AssumeRolePolicyDocument=trust)["Role"]
    return role, client


def test_transitive_tag_keys_must_be_session_tags(tagging_role):
    role, client = tagging_role
    sts = client("sts")
    assume = dict(RoleArn=role["Arn"], RoleSessionName="leftover", Tags=[{"Key": "Project", "Value": "blue"}])
    assert _refused(sts.assume_role, **assume, TransitiveTagKeys=["Other"]) == (
        "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.", 400)
    assert _refused(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="leftover", TransitiveTagKeys=["Project"]) == (
        "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.", 400)
    # Tag keys compare without case.
    assert sts.assume_role(**assume, TransitiveTagKeys=["project"])["Credentials"]["SessionToken"]


def test_tag_keys_differing_only_in_case(tagging_role):
    role, client = tagging_role
    for tags in ([{"Key": "Project", "Value": "blue"}, {"Key": "project", "Value": "green"}],
                 [{"Key": "Project", "Value": "blue"}, {"Key": "Project", "Value": "blue"}]):
        assert _refused(client("sts").assume_role, RoleArn=role["Arn"], RoleSessionName="leftover", Tags=tags) == (
            "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)


def test_chained_session_cannot_reset_a_transitive_tag(iam, tagging_role):
    role, client = tagging_role
    first = client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="first", Tags=[{"Key": "Project", "Value": "blue"}],
                                      TransitiveTagKeys=["Project"])["Credentials"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": role["Arn"]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]})
    second = iam.create_role(RoleName=_name("second"), AssumeRolePolicyDocument=trust)["Role"]
    chained = client("sts", **first)
    for key in ("Project", "PROJECT"):
        assert _refused(chained.assume_role, RoleArn=second["Arn"], RoleSessionName="second",
                        Tags=[{"Key": key, "Value": "green"}]) == (
            "InvalidParameterValue", "One of the specified transitive tag keys can't be set because it conflicts "
            "with a transitive tag key from the calling session.", 400)
    out = chained.assume_role(RoleArn=second["Arn"], RoleSessionName="second", Tags=[{"Key": "Team", "Value": "x"}])
    assert out["AssumedRoleUser"]["Arn"].endswith(f"assumed-role/{second['RoleName']}/second")


# -- KMS: key policy statements without Resource or Action ----------------------------------------------

def test_key_policy_statement_without_resource_or_action_has_no_effect(kms, iam, server):
    user, client = _user(server, iam)
    root = {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"},
            "Action": "kms:*", "Resource": "*"}
    describe = {"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "kms:DescribeKey"}
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    for ineffective in ({**describe, "Sid": "noresource"},
                        {"Sid": "noaction", "Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Resource": "*"}):
        policy = json.dumps({"Version": "2012-10-17", "Statement": [root, ineffective]})
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=policy)
        assert kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"] == policy
        assert _refused(client("kms").describe_key, KeyId=key_id)[::2] == ("AccessDeniedException", 400)
    created = kms.create_key(Policy=json.dumps({"Statement": [root, {**describe, "Sid": "noresource"}]}))["KeyMetadata"]
    assert _refused(client("kms").describe_key, KeyId=created["KeyId"])[::2] == ("AccessDeniedException", 400)
    # The same statement with its Resource allows.
    kms.put_key_policy(KeyId=key_id, PolicyName="default",
                       Policy=json.dumps({"Statement": [root, {**describe, "Resource": "*"}]}))
    assert client("kms").describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id


def test_ineffective_key_policy_statement_is_still_checked(kms, server):
    root = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"}, "Action": "kms:*",
            "Resource": "*"}
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    before = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    for bad in ({"Effect": "Allow", "Principal": {"AWS": "not-an-arn"}, "Action": "kms:Decrypt"},
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"}, "Action": "Decrypt"}):
        policy = json.dumps({"Statement": [root, bad]})
        assert _refused(kms.put_key_policy, KeyId=key_id, PolicyName="default", Policy=policy)[::2] == (
            "MalformedPolicyDocumentException", 400), bad
    assert kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"] == before
