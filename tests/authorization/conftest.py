"""Helpers for enforcement tests: IAM users, groups and roles made as an
account's root, with boto3 clients that sign as them."""
import json
import uuid

import botocore.exceptions
import pytest


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def error_of(call, *args, **kwargs) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a call that must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as failure:
        call(*args, **kwargs)
    response = failure.value.response
    return response["Error"]["Code"], response["Error"].get("Message", ""), response["ResponseMetadata"]["HTTPStatusCode"]


class Identity:
    """An IAM user (or assumed-role session) and clients signing as it."""

    def __init__(self, server, arn, access_key, secret_key, session_token=None):
        self.server, self.arn = server, arn
        self.access_key, self.secret_key, self.session_token = access_key, secret_key, session_token

    def client(self, service: str):
        return self.server.client(service, self.access_key, self.secret_key, session_token=self.session_token)


class Account:
    """One account's root clients and a factory of its IAM identities."""

    def __init__(self, server, access_key="test", secret_key="test"):
        self.server = server
        self.root = Identity(server, None, access_key, secret_key)
        self.iam = self.root.client("iam")
        self.id = self.root.client("sts").get_caller_identity()["Account"]

    def user(self, *inline_policies, managed=(), groups=(), boundary=None) -> Identity:
        name = unique("user")
        arn = self.iam.create_user(UserName=name)["User"]["Arn"]
        for number, document in enumerate(inline_policies):
            self.iam.put_user_policy(UserName=name, PolicyName=f"p{number}", PolicyDocument=document)
        for policy_arn in managed:
            self.iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
        for group in groups:
            self.iam.add_user_to_group(GroupName=group, UserName=name)
        if boundary:
            self.iam.put_user_permissions_boundary(UserName=name, PermissionsBoundary=boundary)
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return Identity(self.server, arn, key["AccessKeyId"], key["SecretAccessKey"])

    def group(self, *inline_policies) -> str:
        name = unique("group")
        self.iam.create_group(GroupName=name)
        for number, document in enumerate(inline_policies):
            self.iam.put_group_policy(GroupName=name, PolicyName=f"p{number}", PolicyDocument=document)
        return name

    def managed_policy(self, document: str) -> str:
        return self.iam.create_policy(PolicyName=unique("policy"), PolicyDocument=document)["Policy"]["Arn"]

    def role(self, trusted_principal, *inline_policies) -> str:
        name = unique("role")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": trusted_principal, "Action": "sts:AssumeRole"}]})
        arn = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        for number, document in enumerate(inline_policies):
            self.iam.put_role_policy(RoleName=name, PolicyName=f"p{number}", PolicyDocument=document)
        return arn


def assume(identity: Identity, role_arn: str, **params) -> Identity:
    answer = identity.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=unique("s"), **params)
    credentials = answer["Credentials"]
    return Identity(identity.server, answer["AssumedRoleUser"]["Arn"], credentials["AccessKeyId"],
                    credentials["SecretAccessKey"], credentials["SessionToken"])


@pytest.fixture
def account(server):
    return Account(server)


@pytest.fixture
def other_account(server):
    created = server.create_account(unique("other"))
    return Account(server, created["access_key_id"], created["secret_access_key"])
