"""IAM users: lifecycle, naming rules, tags, boundaries, login profiles."""
import pytest
from botocore.exceptions import ClientError

from .conftest import ALLOW_ALL, error_of


def test_user_lifecycle(iam, server, name):
    user = name("user")
    created = iam.create_user(UserName=user, Path="/team/")["User"]
    assert created["UserName"] == user
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Arn"] == f"arn:aws:iam::{server.account_id}:user/team/{user}"
    assert iam.get_user(UserName=user)["User"]["UserId"] == created["UserId"]
    assert user in [u["UserName"] for u in iam.list_users(PathPrefix="/team/")["Users"]]
    assert user not in [u["UserName"] for u in iam.list_users(PathPrefix="/other/")["Users"]]
    iam.delete_user(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName=user)
    assert error_of(e) == ("NoSuchEntity", f"The user with name {user} cannot be found.", 404)


def test_duplicate_user_regardless_of_case(iam, name):
    user = name("dup")
    iam.create_user(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName=user.upper())
    assert error_of(e) == ("EntityAlreadyExists", f"User with name {user.upper()} already exists.", 409)


@pytest.mark.parametrize("bad", ["has space", "slash/name", "x" * 65, "star*"])
def test_user_name_rules(iam, bad):
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName=bad)
    code, message, status = error_of(e)
    assert (code, status) == ("ValidationError", 400)
    assert "userName" in message
    assert bad not in [u["UserName"] for u in iam.list_users()["Users"]]


def test_get_user_without_name_is_the_caller(iam, server):
    me = iam.get_user()["User"]
    assert me["Arn"] == f"arn:aws:iam::{server.account_id}:root"
    assert me["UserId"] == server.account_id


def test_rename_moves_keys_and_identity(iam, server, name):
    old, new = name("old"), name("new")
    iam.create_user(UserName=old)
    key = iam.create_access_key(UserName=old)["AccessKey"]
    iam.update_user(UserName=old, NewUserName=new, NewPath="/moved/")
    got = iam.get_user(UserName=new)["User"]
    assert got["Path"] == "/moved/"
    sts = server.client("sts", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{server.account_id}:user/moved/{new}"
    assert iam.list_access_keys(UserName=new)["AccessKeyMetadata"][0]["UserName"] == new
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName=old)
    assert error_of(e)[0] == "NoSuchEntity"


def test_user_tags(iam, name):
    user = name("tagged")
    created = iam.create_user(UserName=user, Tags=[{"Key": "Team", "Value": "a"}, {"Key": "Env", "Value": "b"}])
    assert created["User"]["Tags"] == [{"Key": "Env", "Value": "b"}, {"Key": "Team", "Value": "a"}]
    iam.tag_user(UserName=user, Tags=[{"Key": "team", "Value": "c"}])  # keys are case-insensitive
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "Env", "Value": "b"}, {"Key": "team", "Value": "c"}]
    iam.untag_user(UserName=user, TagKeys=["ENV"])
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "team", "Value": "c"}]
    with pytest.raises(ClientError) as e:
        iam.tag_user(UserName=user, Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}])
    assert error_of(e) == ("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)


def test_create_user_with_duplicate_tags_stores_nothing(iam, name):
    user = name("notags")
    with pytest.raises(ClientError):
        iam.create_user(UserName=user, Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName=user)
    assert error_of(e)[0] == "NoSuchEntity"


def test_delete_conflicts(iam, name):
    user, group = name("busy"), name("grp")
    iam.create_user(UserName=user)
    iam.create_login_profile(UserName=user, Password="Correct-Horse-9")
    key = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=ALLOW_ALL)
    iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")

    steps = [
        ("Cannot delete entity, must delete login profile first.", lambda: iam.delete_login_profile(UserName=user)),
        ("Cannot delete entity, must delete access keys first.", lambda: iam.delete_access_key(UserName=user, AccessKeyId=key)),
        ("Cannot delete entity, must remove users from group first.",
         lambda: iam.remove_user_from_group(GroupName=group, UserName=user)),
        ("Cannot delete entity, must delete policies first.", lambda: iam.delete_user_policy(UserName=user, PolicyName="inline")),
        ("Cannot delete entity, must detach all policies first.",
         lambda: iam.detach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")),
    ]
    for message, fix in steps:
        with pytest.raises(ClientError) as e:
            iam.delete_user(UserName=user)
        assert error_of(e) == ("DeleteConflict", message, 409)
        assert iam.get_user(UserName=user)["User"]["UserName"] == user
        fix()
    iam.delete_user(UserName=user)


def test_permissions_boundary(iam, name):
    user = name("bounded")
    arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    iam.create_user(UserName=user, PermissionsBoundary=arn)
    assert iam.get_user(UserName=user)["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] >= 1
    iam.delete_user_permissions_boundary(UserName=user)
    assert "PermissionsBoundary" not in iam.get_user(UserName=user)["User"]
    with pytest.raises(ClientError) as e:
        iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary="arn:aws:iam::123456789012:policy/none")
    assert error_of(e) == ("NoSuchEntity",
                           "Scope ARN: arn:aws:iam::123456789012:policy/none does not exist or is not attachable.", 404)
    with pytest.raises(ClientError) as e:
        iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary="arn:aws:iam::123456789012:thing/x")
    assert error_of(e) == ("InvalidInput", "ARN arn:aws:iam::123456789012:thing/x is not valid.", 400)


def test_login_profile(iam, name):
    user = name("console")
    iam.create_user(UserName=user)
    profile = iam.create_login_profile(UserName=user, Password="Str0ng-Passw0rd", PasswordResetRequired=True)
    assert profile["LoginProfile"]["UserName"] == user and profile["LoginProfile"]["PasswordResetRequired"] is True
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName=user, Password="Another-Passw0rd")
    assert error_of(e) == ("EntityAlreadyExists", f"Login Profile for user {user} already exists.", 409)
    iam.update_login_profile(UserName=user, PasswordResetRequired=False)
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"] is False
    iam.delete_login_profile(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.get_login_profile(UserName=user)
    assert error_of(e) == ("NoSuchEntity", f"Login Profile for User {user} cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName=user, Password="short")
    assert error_of(e)[0] == "PasswordPolicyViolation"


def test_paging(iam, name):
    prefix = "/" + name("page") + "/"
    users = sorted(name("p") for _ in range(5))
    for user in users:
        iam.create_user(UserName=user, Path=prefix)
    first = iam.list_users(PathPrefix=prefix, MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Users"]) == 2
    rest = iam.list_users(PathPrefix=prefix, Marker=first["Marker"])
    assert rest["IsTruncated"] is False
    assert [u["UserName"] for u in first["Users"] + rest["Users"]] == users
