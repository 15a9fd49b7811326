"""Roles: trust policies, policies, boundaries, tags."""
import json

import pytest
from botocore.exceptions import ClientError

from .conftest import ALLOW_ALL, error_of, trust

EC2_TRUST = trust({"Service": "ec2.amazonaws.com"})


def test_role_lifecycle(iam, server, name):
    role = name("role")
    created = iam.create_role(RoleName=role, AssumeRolePolicyDocument=EC2_TRUST, Description="d", Path="/svc/")["Role"]
    assert created["RoleId"].startswith("AROA")
    assert created["Arn"] == f"arn:aws:iam::{server.account_id}:role/svc/{role}"
    assert created["AssumeRolePolicyDocument"] == json.loads(EC2_TRUST)
    got = iam.get_role(RoleName=role)["Role"]
    assert got["MaxSessionDuration"] == 3600 and got["RoleLastUsed"] == {} and got["Description"] == "d"
    iam.update_role(RoleName=role, Description="new", MaxSessionDuration=7200)
    got = iam.get_role(RoleName=role)["Role"]
    assert (got["Description"], got["MaxSessionDuration"]) == ("new", 7200)
    assert iam.update_role_description(RoleName=role, Description="third")["Role"]["Description"] == "third"
    assert role in [r["RoleName"] for r in iam.list_roles(PathPrefix="/svc/")["Roles"]]
    iam.delete_role(RoleName=role)
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName=role)
    assert error_of(e) == ("NoSuchEntity", f"The role with name {role} cannot be found.", 404)


@pytest.mark.parametrize("document, message", [
    ("{not json", "This policy contains invalid Json"),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                         "Action": "s3:GetObject"}]}),
     "AssumeRole policy may only specify STS AssumeRole actions."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                         "Action": "sts:AssumeRole", "Resource": "*"}]}),
     "Has prohibited field Resource"),
])
def test_malformed_trust_policy(iam, name, document, message):
    role = name("badtrust")
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=document)
    assert error_of(e) == ("MalformedPolicyDocument", message, 400)
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName=role)
    assert error_of(e)[0] == "NoSuchEntity"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=EC2_TRUST)
    with pytest.raises(ClientError) as e:
        iam.update_assume_role_policy(RoleName=role, PolicyDocument=document)
    assert error_of(e) == ("MalformedPolicyDocument", message, 400)
    assert iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"] == json.loads(EC2_TRUST)


def test_role_policies_and_conflicts(iam, name):
    role = name("busyrole")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=EC2_TRUST)
    iam.put_role_policy(RoleName=role, PolicyName="inline", PolicyDocument=ALLOW_ALL)
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["inline"]
    iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName=role)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    iam.delete_role_policy(RoleName=role, PolicyName="inline")
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName=role)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    with pytest.raises(ClientError) as e:
        iam.get_role_policy(RoleName=role, PolicyName="inline")
    assert error_of(e) == ("NoSuchEntity", "The role policy with name inline cannot be found.", 404)
    iam.detach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
    iam.delete_role(RoleName=role)


def test_role_tags_and_boundary(iam, name):
    role = name("tagrole")
    boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
    created = iam.create_role(RoleName=role, AssumeRolePolicyDocument=EC2_TRUST, PermissionsBoundary=boundary,
                              Tags=[{"Key": "team", "Value": "x"}])["Role"]
    assert created["Tags"] == [{"Key": "team", "Value": "x"}]
    assert created["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    iam.tag_role(RoleName=role, Tags=[{"Key": "env", "Value": ""}])
    assert iam.list_role_tags(RoleName=role)["Tags"] == [{"Key": "env", "Value": ""}, {"Key": "team", "Value": "x"}]
    iam.untag_role(RoleName=role, TagKeys=["team"])
    assert iam.get_role(RoleName=role)["Role"]["Tags"] == [{"Key": "env", "Value": ""}]
    iam.delete_role_permissions_boundary(RoleName=role)
    assert "PermissionsBoundary" not in iam.get_role(RoleName=role)["Role"]
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName=name("r"), AssumeRolePolicyDocument=EC2_TRUST,
                        Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])
    assert error_of(e) == ("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)


def test_attach_errors(iam, name, server):
    role = name("attach")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=EC2_TRUST)
    missing = f"arn:aws:iam::{server.account_id}:policy/missing-{role}"
    with pytest.raises(ClientError) as e:
        iam.attach_role_policy(RoleName=role, PolicyArn=missing)
    assert error_of(e) == ("NoSuchEntity", f"Policy {missing} does not exist or is not attachable.", 404)
    with pytest.raises(ClientError) as e:
        iam.attach_role_policy(RoleName=role, PolicyArn="longpolicynamebutnoarn")
    # InvalidInput, as localstack's AWS-validated snapshot (test_iam.snapshot.json) records.
    assert error_of(e) == ("InvalidInput", "ARN longpolicynamebutnoarn is not valid.", 400)
    with pytest.raises(ClientError) as e:
        iam.detach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert error_of(e) == ("NoSuchEntity", "Policy arn:aws:iam::aws:policy/ReadOnlyAccess was not found.", 404)
