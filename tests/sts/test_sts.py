"""STS through boto3: caller identity, AssumeRole, GetSessionToken,
GetAccessKeyInfo; temporary credentials that work, then expire."""
import json
import uuid

import pytest
from botocore.exceptions import ClientError


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _error(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def _trust(principal, condition=None, actions=("sts:AssumeRole",)):
    statement = {"Effect": "Allow", "Principal": principal, "Action": list(actions)}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _user(server, iam, *, policy_arn=None):
    name = _name("caller")
    user = iam.create_user(UserName=name)["User"]
    if policy_arn:
        iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return user, key, lambda service: server.client(service, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def _session_client(server, service, credentials):
    return server.client(service, access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                         session_token=credentials["SessionToken"])


def test_caller_identity_of_root(sts, server):
    identity = sts.get_caller_identity()
    assert identity["Account"] == server.account_id
    assert identity["Arn"] == f"arn:aws:iam::{server.account_id}:root"
    assert identity["UserId"] == server.account_id


def test_assume_role_named_in_trust_policy(iam, server):
    user, _, client = _user(server, iam)
    role_name = _name("role")
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=_trust({"AWS": user["Arn"]}))["Role"]
    out = client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="my-session")
    credentials = out["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and credentials["SessionToken"]
    arn = f"arn:aws:sts::{server.account_id}:assumed-role/{role_name}/my-session"
    assert out["AssumedRoleUser"] == {"AssumedRoleId": f"{role['RoleId']}:my-session", "Arn": arn}
    identity = _session_client(server, "sts", credentials).get_caller_identity()
    assert identity == {**identity, "Arn": arn, "UserId": f"{role['RoleId']}:my-session", "Account": server.account_id}
    assert "LastUsedDate" in iam.get_role(RoleName=role_name)["Role"]["RoleLastUsed"]


def test_assumed_role_credentials_expire(iam, server):
    user, _, client = _user(server, iam)
    role = iam.create_role(RoleName=_name("short"), AssumeRolePolicyDocument=_trust({"AWS": user["Arn"]}))["Role"]
    credentials = client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess", DurationSeconds=900)["Credentials"]
    session = _session_client(server, "sts", credentials)
    session.get_caller_identity()
    server.advance_clock(901)
    with pytest.raises(ClientError) as e:
        session.get_caller_identity()
    assert _error(e)[0] == "ExpiredToken"


def test_untrusted_caller_is_denied(iam, server):
    user, _, client = _user(server, iam)
    role = iam.create_role(RoleName=_name("closed"),
                           AssumeRolePolicyDocument=_trust({"Service": "ec2.amazonaws.com"}))["Role"]
    with pytest.raises(ClientError) as e:
        client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess")
    assert _error(e) == ("AccessDenied", f"User: {user['Arn']} is not authorized to perform: sts:AssumeRole on resource: {role['Arn']}")
    missing = f"arn:aws:iam::{server.account_id}:role/does-not-exist"
    with pytest.raises(ClientError) as e:
        client("sts").assume_role(RoleArn=missing, RoleSessionName="sess")
    assert _error(e)[0] == "AccessDenied"


def test_a_trust_policy_that_does_not_name_the_caller_lets_no_one_in(iam, server):
    # Even an administrator of the same account: the trust policy is the gate,
    # as a key policy is (IAM User Guide, "How IAM roles differ from
    # resource-based policies"). awsbox let identity policies alone decide.
    role = iam.create_role(RoleName=_name("ec2"), AssumeRolePolicyDocument=_trust({"Service": "ec2.amazonaws.com"}))["Role"]
    admin, _, client = _user(server, iam, policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")
    with pytest.raises(ClientError) as e:
        client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess")
    assert _error(e) == ("AccessDenied", f"User: {admin['Arn']} is not authorized to perform: sts:AssumeRole on resource:"
                                         f" {role['Arn']}")
    # Nor a trust policy naming another user of the account.
    someone, _, _ = _user(server, iam)
    theirs = iam.create_role(RoleName=_name("theirs"), AssumeRolePolicyDocument=_trust({"AWS": someone["Arn"]}))["Role"]
    with pytest.raises(ClientError) as e:
        client("sts").assume_role(RoleArn=theirs["Arn"], RoleSessionName="sess")
    assert _error(e)[0] == "AccessDenied"


def test_account_trust_needs_identity_permission(iam, server):
    role = iam.create_role(RoleName=_name("acct"), AssumeRolePolicyDocument=_trust({"AWS": server.account_id}))["Role"]
    _, _, without = _user(server, iam)
    with pytest.raises(ClientError) as e:
        without("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess")
    assert _error(e)[0] == "AccessDenied"
    _, _, admin = _user(server, iam, policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")
    assert admin("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess")["Credentials"]


def test_external_id(iam, server):
    user, _, client = _user(server, iam)
    role = iam.create_role(RoleName=_name("ext"), AssumeRolePolicyDocument=_trust(
        {"AWS": user["Arn"]}, {"StringEquals": {"sts:ExternalId": "secret-123"}}))["Role"]
    with pytest.raises(ClientError) as e:
        client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess")
    assert _error(e)[0] == "AccessDenied"
    with pytest.raises(ClientError):
        client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess", ExternalId="wrong-id")
    assert client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess", ExternalId="secret-123")["Credentials"]


def test_root_cannot_assume_roles(iam, sts, server):
    role = iam.create_role(RoleName=_name("noroot"), AssumeRolePolicyDocument=_trust({"AWS": server.account_id}))["Role"]
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="sess")
    assert _error(e) == ("AccessDenied", "Roles may not be assumed by root accounts.")


def test_duration_limits(iam, server):
    user, _, client = _user(server, iam)
    role = iam.create_role(RoleName=_name("dur"), AssumeRolePolicyDocument=_trust({"AWS": user["Arn"]}))["Role"]
    with pytest.raises(ClientError) as e:
        client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess", DurationSeconds=7200)
    assert _error(e) == ("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    with pytest.raises(ClientError) as e:
        client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="bad name")
    assert _error(e)[0] == "ValidationError"


def test_session_policy_and_tags(iam, server):
    user, _, client = _user(server, iam)
    role = iam.create_role(RoleName=_name("tagged"), AssumeRolePolicyDocument=_trust(
        {"AWS": user["Arn"]}, actions=("sts:AssumeRole", "sts:TagSession")))["Role"]
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    out = client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess", Policy=policy,
                                    PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}],
                                    Tags=[{"Key": "project", "Value": "blue"}])
    assert 0 < out["PackedPolicySize"] <= 100
    with pytest.raises(ClientError) as e:
        client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess", Policy="{bad")
    assert _error(e)[0] == "MalformedPolicyDocument"


def test_tags_need_tag_session_permission(iam, server):
    user, _, client = _user(server, iam)
    role = iam.create_role(RoleName=_name("notag"), AssumeRolePolicyDocument=_trust({"AWS": user["Arn"]}))["Role"]
    with pytest.raises(ClientError) as e:
        client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess", Tags=[{"Key": "k", "Value": "v"}])
    assert _error(e) == ("AccessDenied",
                         f"User: {user['Arn']} is not authorized to perform: sts:TagSession on resource: {role['Arn']}")


def test_role_chaining(iam, server):
    user, _, client = _user(server, iam)
    first = iam.create_role(RoleName=_name("first"), AssumeRolePolicyDocument=_trust({"AWS": user["Arn"]}),
                            MaxSessionDuration=43200)["Role"]
    second = iam.create_role(RoleName=_name("second"), AssumeRolePolicyDocument=_trust({"AWS": first["Arn"]}),
                             MaxSessionDuration=43200)["Role"]
    credentials = client("sts").assume_role(RoleArn=first["Arn"], RoleSessionName="one")["Credentials"]
    chained = _session_client(server, "sts", credentials)
    with pytest.raises(ClientError) as e:
        chained.assume_role(RoleArn=second["Arn"], RoleSessionName="two", DurationSeconds=7200)
    assert _error(e) == ("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit "
                         "for roles assumed by role chaining.")
    out = chained.assume_role(RoleArn=second["Arn"], RoleSessionName="two")
    assert out["AssumedRoleUser"]["Arn"].endswith(f"assumed-role/{second['RoleName']}/two")


def test_get_session_token(iam, server):
    user, _, client = _user(server, iam)
    credentials = client("sts").get_session_token(DurationSeconds=900)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    session = _session_client(server, "sts", credentials)
    assert session.get_caller_identity()["Arn"] == user["Arn"]
    with pytest.raises(ClientError) as e:
        session.get_session_token()
    assert _error(e) == ("AccessDenied", "Cannot call GetSessionToken with session credentials")
    server.advance_clock(901)
    with pytest.raises(ClientError) as e:
        session.get_caller_identity()
    assert _error(e)[0] == "ExpiredToken"


def test_root_session_token_lasts_an_hour_at_most(sts):
    credentials = sts.get_session_token(DurationSeconds=129600)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")


def test_get_access_key_info(sts, server):
    assert sts.get_access_key_info(AccessKeyId="ASIAY34FZKBOKMUTVV7A")["Account"] == "609629065308"
