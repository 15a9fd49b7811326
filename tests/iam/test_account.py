"""Account aliases and GetAccountAuthorizationDetails."""
import pytest
from botocore.exceptions import ClientError

from .conftest import LIST_BUCKETS, error_of, trust


def test_account_alias(iam, server, name):
    alias = name("alias")
    iam.create_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == [alias]
    other = server.create_account(name("acct"))
    other_iam = server.client("iam", access_key=other["access_key_id"], secret_key=other["secret_access_key"])
    with pytest.raises(ClientError) as e:
        other_iam.create_account_alias(AccountAlias=alias)
    assert error_of(e) == ("EntityAlreadyExists", f"The account alias {alias} already exists.", 409)
    iam.delete_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == []
    with pytest.raises(ClientError) as e:
        iam.delete_account_alias(AccountAlias=alias)
    assert error_of(e) == ("NoSuchEntity", f"The account alias {alias} cannot be found.", 404)


def test_authorization_details(iam, server, name):
    user, group, role = name("u"), name("g"), name("r")
    arn = iam.create_policy(PolicyName=name("p"), PolicyDocument=LIST_BUCKETS)["Policy"]["Arn"]
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=LIST_BUCKETS)
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust({"AWS": server.account_id}))
    iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    details = iam.get_account_authorization_details(MaxItems=1000)
    users = {u["UserName"]: u for u in details["UserDetailList"]}
    assert users[user]["GroupList"] == [group]
    assert users[user]["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == "s3:ListAllMyBuckets"
    assert users[user]["AttachedManagedPolicies"][0]["PolicyArn"] == arn
    roles = {r["RoleName"]: r for r in details["RoleDetailList"]}
    assert roles[role]["AssumeRolePolicyDocument"]["Statement"][0]["Action"] == "sts:AssumeRole"
    policies = {p["Arn"]: p for p in details["Policies"]}
    assert policies[arn]["PolicyVersionList"][0]["IsDefaultVersion"] is True
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" in policies
    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and only_roles["RoleDetailList"]
