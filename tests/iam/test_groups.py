"""Groups, membership and group policies."""
import pytest
from botocore.exceptions import ClientError

from .conftest import ALLOW_ALL, error_of


def test_group_lifecycle(iam, server, name):
    group, user = name("grp"), name("member")
    created = iam.create_group(GroupName=group, Path="/ops/")["Group"]
    assert created["GroupId"].startswith("AGPA")
    assert created["Arn"] == f"arn:aws:iam::{server.account_id}:group/ops/{group}"
    iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)  # idempotent
    got = iam.get_group(GroupName=group)
    assert [u["UserName"] for u in got["Users"]] == [user]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [group]
    with pytest.raises(ClientError) as e:
        iam.delete_group(GroupName=group)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must remove users from group first.", 409)
    iam.remove_user_from_group(GroupName=group, UserName=user)
    iam.remove_user_from_group(GroupName=group, UserName=user)  # not a member: fine, as in AWS
    iam.put_group_policy(GroupName=group, PolicyName="p", PolicyDocument=ALLOW_ALL)
    assert iam.get_group_policy(GroupName=group, PolicyName="p")["PolicyDocument"]["Statement"][0]["Action"] == "*"
    with pytest.raises(ClientError) as e:
        iam.delete_group(GroupName=group)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    iam.delete_group_policy(GroupName=group, PolicyName="p")
    iam.attach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
    with pytest.raises(ClientError) as e:
        iam.delete_group(GroupName=group)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    iam.detach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.delete_group(GroupName=group)
    with pytest.raises(ClientError) as e:
        iam.get_group(GroupName=group)
    assert error_of(e) == ("NoSuchEntity", f"The group with name {group} cannot be found.", 404)


def test_group_errors(iam, name):
    group = name("g")
    iam.create_group(GroupName=group)
    with pytest.raises(ClientError) as e:
        iam.create_group(GroupName=group)
    assert error_of(e) == ("EntityAlreadyExists", f"Group with name {group} already exists.", 409)
    with pytest.raises(ClientError) as e:
        iam.add_user_to_group(GroupName=group, UserName="nobody-" + group)
    assert error_of(e) == ("NoSuchEntity", f"The user with name nobody-{group} cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        iam.get_group_policy(GroupName=group, PolicyName="none")
    assert error_of(e) == ("NoSuchEntity", "The group policy with name none cannot be found.", 404)


def test_rename_group_keeps_members(iam, name):
    group, new, user = name("g"), name("g2"), name("u")
    iam.create_group(GroupName=group)
    iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.update_group(GroupName=group, NewGroupName=new)
    assert [u["UserName"] for u in iam.get_group(GroupName=new)["Users"]] == [user]
