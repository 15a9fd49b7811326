"""Managed policies: customer and AWS managed, versions, attachments,
document validation, tags."""
import json

import pytest
from botocore.exceptions import ClientError

from .conftest import ALLOW_ALL, LIST_BUCKETS, error_of


def test_policy_lifecycle(iam, server, name):
    policy_name = name("pol")
    created = iam.create_policy(PolicyName=policy_name, PolicyDocument=LIST_BUCKETS, Path="/app/", Description="d")["Policy"]
    arn = f"arn:aws:iam::{server.account_id}:policy/app/{policy_name}"
    assert created["Arn"] == arn and created["PolicyId"].startswith("ANPA")
    assert (created["DefaultVersionId"], created["AttachmentCount"], created["IsAttachable"]) == ("v1", 0, True)
    got = iam.get_policy(PolicyArn=arn)["Policy"]
    assert got["Description"] == "d" and got["Tags"] == []
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(LIST_BUCKETS) and version["IsDefaultVersion"] is True
    assert arn in [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]]
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as e:
        iam.get_policy(PolicyArn=arn)
    assert error_of(e) == ("NoSuchEntity", f"Policy {arn} was not found.", 404)


def test_duplicate_policy(iam, name):
    policy_name = name("dup")
    iam.create_policy(PolicyName=policy_name, PolicyDocument=LIST_BUCKETS)
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName=policy_name, PolicyDocument=LIST_BUCKETS)
    assert error_of(e) == ("EntityAlreadyExists",
                           f"A policy called {policy_name} already exists. Duplicate names are not allowed.", 409)


@pytest.mark.parametrize("document, message", [
    ("not json", "Syntax errors in policy."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3", "Resource": "*"}]}),
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get"}]}),
     "Policy statement must contain resources."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get", "Resource": "bucket"}]}),
     'Resource bucket must be in ARN format or "*".'),
])
def test_malformed_documents_store_nothing(iam, name, document, message):
    policy_name = name("bad")
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName=policy_name, PolicyDocument=document)
    assert error_of(e) == ("MalformedPolicyDocument", message, 400)
    assert policy_name not in [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
    user = name("u")
    iam.create_user(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=document)
    assert error_of(e) == ("MalformedPolicyDocument", message, 400)
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == []


@pytest.mark.parametrize("version", [None, "2008-10-17"])
def test_a_managed_policy_must_be_of_the_2012_language(iam, name, version):
    # Recorded against IAM by localstack's AWS-validated test_create_policy_invalid_document.
    document = {"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
    if version:
        document["Version"] = version
    policy_name = name("old")
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName=policy_name, PolicyDocument=json.dumps(document))
    assert error_of(e) == ("MalformedPolicyDocument", "Policy document must be version 2012-10-17 or greater.", 400)
    assert policy_name not in [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
    arn = iam.create_policy(PolicyName=policy_name, PolicyDocument=LIST_BUCKETS)["Policy"]["Arn"]
    with pytest.raises(ClientError) as e:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document))
    assert error_of(e)[0] == "MalformedPolicyDocument"
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v1"]


def test_oversize_documents(iam, name):
    big = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": [f"s3:GetObject{i}" for i in range(400)], "Resource": "*"}]})
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName=name("big"), PolicyDocument=big)
    assert error_of(e) == ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409)
    user = name("u")
    iam.create_user(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.put_user_policy(UserName=user, PolicyName="big", PolicyDocument=big)
    assert error_of(e) == ("LimitExceeded", "Cannot exceed quota for UserPolicySize: 2048", 409)


def test_versions(iam, server, name):
    arn = iam.create_policy(PolicyName=name("ver"), PolicyDocument=LIST_BUCKETS)["Policy"]["Arn"]
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=ALLOW_ALL, SetAsDefault=True)["PolicyVersion"]
    assert (v2["VersionId"], v2["IsDefaultVersion"]) == ("v2", True)
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=LIST_BUCKETS)
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v5", "v4", "v3", "v2", "v1"]
    with pytest.raises(ClientError) as e:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=LIST_BUCKETS)
    assert error_of(e) == ("LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new "
                           "version, you must delete an existing version.", 409)
    with pytest.raises(ClientError) as e:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert error_of(e) == ("DeleteConflict", "Cannot delete the default version of a policy.", 409)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    assert iam.create_policy_version(PolicyArn=arn, PolicyDocument=LIST_BUCKETS)["PolicyVersion"]["VersionId"] == "v6"
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v6")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v6"
    with pytest.raises(ClientError) as e:
        iam.get_policy_version(PolicyArn=arn, VersionId="v9")
    assert error_of(e) == ("NoSuchEntity", f"Policy {arn} version v9 does not exist or is not attachable.", 404)
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=arn)
    assert error_of(e)[0] == "DeleteConflict"


def test_aws_managed_policies(iam, name):
    arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert policy["PolicyName"] == "AdministratorAccess" and policy["PolicyId"].startswith("ANPA")
    document = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
    assert document["Statement"][0]["Action"] == "*"
    names = {p["PolicyName"] for p in iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]}
    assert {"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "AmazonS3FullAccess",
            "AmazonS3ReadOnlyAccess", "AWSKeyManagementServicePowerUser"} <= names
    assert not any(p["Arn"].startswith("arn:aws:iam::aws:") for p in iam.list_policies(Scope="Local")["Policies"])


def test_the_lambda_basic_execution_role_policy(iam, name):
    # Terraform configurations attach it to nearly every function's role; its
    # v1 document is as localstack's AWS-validated snapshot records it.
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert (policy["Path"], policy["DefaultVersionId"], policy["IsAttachable"]) == ("/service-role/", "v1", True)
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"]["Statement"] == [
        {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "*"}]
    role = name("fn")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == [
        {"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": arn}]
    assert arn in [p["Arn"] for p in iam.list_policies(Scope="AWS", PathPrefix="/service-role/")["Policies"]]


def test_attachments_and_entities(iam, name):
    arn = iam.create_policy(PolicyName=name("shared"), PolicyDocument=LIST_BUCKETS)["Policy"]["Arn"]
    user, group, role = name("u"), name("g"), name("r")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == [user]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == [group]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == [role]
    assert iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")["PolicyUsers"] == []
    assert arn in [p["Arn"] for p in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]]
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=arn)
    assert error_of(e) == ("DeleteConflict", "Cannot delete a policy attached to entities.", 409)


def test_policy_tags(iam, name):
    arn = iam.create_policy(PolicyName=name("tags"), PolicyDocument=LIST_BUCKETS,
                            Tags=[{"Key": "a", "Value": "lower"}, {"Key": "A", "Value": "upper"}])["Policy"]["Arn"]
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "A", "Value": "upper"}, {"Key": "a", "Value": "lower"}]
    iam.untag_policy(PolicyArn=arn, TagKeys=["a"])
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Tags"] == [{"Key": "A", "Value": "upper"}]
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName=name("t"), PolicyDocument=LIST_BUCKETS,
                          Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}])
    assert error_of(e) == ("InvalidInput", "Duplicate tag keys found.", 400)


def test_inline_policy_document_is_returned(iam, name):
    user = name("inl")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=LIST_BUCKETS)
    got = iam.get_user_policy(UserName=user, PolicyName="p")
    assert got["PolicyDocument"] == json.loads(LIST_BUCKETS)
    with pytest.raises(ClientError) as e:
        iam.get_user_policy(UserName=user, PolicyName="other")
    assert error_of(e) == ("NoSuchEntity", "The user policy with name other cannot be found.", 404)


def test_a_malformed_version_id_is_not_echoed(iam):
    # As localstack's AWS-validated test_get_aws_managed_policy_version records it.
    with pytest.raises(ClientError) as e:
        iam.get_policy_version(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess", VersionId="v2-does-not-exist")
    assert error_of(e) == ("ValidationError", "1 validation error detected: Value at 'versionId' failed to satisfy"
                           " constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?",
                           400)
