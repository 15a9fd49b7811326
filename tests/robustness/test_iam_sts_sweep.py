"""IAM's and STS's answers to bad input, each pinned to AWS's own: the error
code, the HTTP status, the message where AWS's wording is on record, and
that a refused request changed nothing.

Values boto3 would refuse go through clients with parameter validation off,
or on the wire raw and signed (raw_requests.py). What AWS answers comes
from botocore's iam/sts models (constraints, error shapes), the IAM/STS API
reference and quota pages, and answers recorded against AWS (see the
comments). What tests/iam and tests/sts already pin is not repeated here.
Everything runs as the root of an account of its own on the session server.
"""
from __future__ import annotations

import json

import botocore.exceptions
import pytest
from raw_requests import Wire, error_code, query_request

IDENTITY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
EC2_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _statement(**members) -> str:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", **members}
    return json.dumps({"Version": "2012-10-17", "Statement": [{k: v for k, v in statement.items() if v is not None}]})


def _actions(count: int) -> str:
    """A valid identity policy of about 19 characters per action."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": [f"s3:GetObject{i:04d}" for i in range(count)], "Resource": "*"}]})


class Sweep:
    def __init__(self, server):
        account = server.create_account("iam-sts-sweep")
        self.server, self.account_id = server, account["account_id"]
        self.keys = keys = (account["access_key_id"], account["secret_access_key"])
        self.wire = Wire(server.endpoint, *keys)
        self.iam = server.client("iam", *keys, parameter_validation=False)
        iam = self.iam
        self.user_arn = iam.create_user(UserName="caller")["User"]["Arn"]
        key = iam.create_access_key(UserName="caller")["AccessKey"]
        self.caller_sts = server.client("sts", key["AccessKeyId"], key["SecretAccessKey"], parameter_validation=False)
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": self.user_arn}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]})
        self.role_arn = iam.create_role(RoleName="target", AssumeRolePolicyDocument=trust,
                                        MaxSessionDuration=7200)["Role"]["Arn"]
        external = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": self.user_arn}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "expected-id"}}}]})
        self.external_arn = iam.create_role(RoleName="external", AssumeRolePolicyDocument=external)["Role"]["Arn"]
        self.closed_arn = iam.create_role(RoleName="closed", AssumeRolePolicyDocument=EC2_TRUST)["Role"]["Arn"]
        iam.create_group(GroupName="team")
        self.policy_arn = iam.create_policy(PolicyName="versioned", PolicyDocument=IDENTITY)["Policy"]["Arn"]

    def state(self):
        iam = self.iam
        users = {u["UserName"]: (u["Path"],
                                 sorted(iam.list_user_policies(UserName=u["UserName"])["PolicyNames"]),
                                 [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=u["UserName"])["AttachedPolicies"]],
                                 sorted((k["AccessKeyId"], k["Status"]) for k in iam.list_access_keys(UserName=u["UserName"])["AccessKeyMetadata"]),
                                 [g["GroupName"] for g in iam.list_groups_for_user(UserName=u["UserName"])["Groups"]],
                                 iam.list_user_tags(UserName=u["UserName"])["Tags"])
                 for u in iam.list_users()["Users"]}
        roles = {r["RoleName"]: (r["Path"], r["MaxSessionDuration"], r.get("Description"),
                                 iam.get_role(RoleName=r["RoleName"])["Role"]["RoleLastUsed"],
                                 sorted(iam.list_role_policies(RoleName=r["RoleName"])["PolicyNames"]),
                                 iam.list_role_tags(RoleName=r["RoleName"])["Tags"])
                 for r in iam.list_roles()["Roles"]}
        groups = {g["GroupName"]: (sorted(iam.list_group_policies(GroupName=g["GroupName"])["PolicyNames"]),
                                   [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName=g["GroupName"])["AttachedPolicies"]],
                                   [u["UserName"] for u in iam.get_group(GroupName=g["GroupName"])["Users"]])
                  for g in iam.list_groups()["Groups"]}
        policies = {p["Arn"]: (p["DefaultVersionId"], p["AttachmentCount"],
                               [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=p["Arn"])["Versions"]])
                    for p in iam.list_policies(Scope="Local")["Policies"]}
        return users, roles, groups, policies

    def refused(self, call, **kwargs) -> tuple:
        """(code, status, message) of a refused call."""
        with pytest.raises(botocore.exceptions.ClientError) as failure:
            call(**kwargs)
        response = failure.value.response
        return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


@pytest.fixture(scope="module")
def sweep(server):
    return Sweep(server)


@pytest.fixture(autouse=True)
def no_traceback(server):
    """Whatever a test sends, the server logs no traceback for it."""
    with open(server.log_path, "rb") as log:
        start = log.seek(0, 2)
    yield
    with open(server.log_path, "rb") as log:
        log.seek(start)
        text = log.read().decode("utf-8", "replace")
    assert "Traceback" not in text, text[-3000:]


def _validation(message_part: str):
    return lambda code, status, message: (code, status) == ("ValidationError", 400) and message_part in message


# -- names and paths --------------------------------------------------------------

def test_names_and_paths_that_break_iams_rules(sweep):
    """Names and paths outside the model's constraints (length, pattern,
    ranges: botocore's iam model, as AWS's API reference prints them) are a
    ValidationError naming the member; nothing is created."""
    iam, before = sweep.iam, sweep.state()
    cases = [
        (iam.create_user, {"UserName": "u" * 65}, "at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"),
        (iam.create_user, {"UserName": "has space"}, "at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
        (iam.create_user, {"UserName": "new-user", "Path": "/team"}, "Value '/team' at 'path'"),
        (iam.create_user, {"UserName": "new-user", "Path": "team/"}, "Value 'team/' at 'path'"),
        (iam.create_user, {"UserName": "new-user", "Path": "//"}, "Value '//' at 'path'"),
        (iam.create_user, {"UserName": "new-user", "Path": "/" + "p" * 511 + "/"}, "Member must have length less than or equal to 512"),
        (iam.create_group, {"GroupName": "g" * 129}, "at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128"),
        (iam.create_role, {"RoleName": "r" * 65, "AssumeRolePolicyDocument": EC2_TRUST}, "at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"),
        (iam.create_role, {"RoleName": "new-role", "AssumeRolePolicyDocument": EC2_TRUST, "MaxSessionDuration": 3599},
         "Value '3599' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"),
        (iam.create_role, {"RoleName": "new-role", "AssumeRolePolicyDocument": EC2_TRUST, "MaxSessionDuration": 43201},
         "Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"),
        (iam.create_policy, {"PolicyName": "p" * 129, "PolicyDocument": IDENTITY}, "at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 128"),
        (iam.create_policy, {"PolicyName": "p/q", "PolicyDocument": IDENTITY}, "Value 'p/q' at 'policyName'"),
        (iam.create_policy, {"PolicyName": "new-policy", "Path": "/x", "PolicyDocument": IDENTITY}, "Value '/x' at 'path'"),
        (iam.put_user_policy, {"UserName": "caller", "PolicyName": "p q", "PolicyDocument": IDENTITY}, "Value 'p q' at 'policyName'"),
        (iam.update_user, {"UserName": "caller", "NewPath": "nope"}, "Value 'nope' at 'newPath'"),
        (iam.update_user, {"UserName": "caller", "NewUserName": "bad name"}, "Value 'bad name' at 'newUserName'"),
        (iam.update_role, {"RoleName": "target", "MaxSessionDuration": 900}, "Value '900' at 'maxSessionDuration'"),
    ]
    for call, kwargs, message in cases:
        found = sweep.refused(call, **kwargs)
        assert _validation(message)(*found), (kwargs, found)
    assert sweep.state() == before


def test_names_are_unique_regardless_of_case(sweep):
    """Users, groups, roles and managed policies: a name differing only in
    case is EntityAlreadyExists, 409 (the error shape in botocore's model;
    IAM user guide: names are not distinguished by case), for creation and
    for renaming; nothing changes."""
    iam, before = sweep.iam, sweep.state()
    assert sweep.refused(iam.create_user, UserName="CALLER") == (
        "EntityAlreadyExists", 409, "User with name CALLER already exists.")
    assert sweep.refused(iam.create_group, GroupName="Team") == (
        "EntityAlreadyExists", 409, "Group with name Team already exists.")
    assert sweep.refused(iam.create_role, RoleName="TARGET", AssumeRolePolicyDocument=EC2_TRUST) == (
        "EntityAlreadyExists", 409, "Role with name TARGET already exists.")
    assert sweep.refused(iam.create_policy, PolicyName="VERSIONED", PolicyDocument=IDENTITY, Path="/other/") == (
        "EntityAlreadyExists", 409, "A policy called VERSIONED already exists. Duplicate names are not allowed.")
    iam.create_user(UserName="second")
    iam.create_group(GroupName="second-team")
    before = sweep.state()
    assert sweep.refused(iam.update_user, UserName="second", NewUserName="Caller")[:2] == ("EntityAlreadyExists", 409)
    assert sweep.refused(iam.update_group, GroupName="second-team", NewGroupName="TEAM")[:2] == ("EntityAlreadyExists", 409)
    assert sweep.state() == before
    iam.delete_user(UserName="second")
    iam.delete_group(GroupName="second-team")


# -- policy documents ---------------------------------------------------------------

BAD_DOCUMENTS = [
    # (document, AWS's message or None where only the code is on record)
    (_statement().replace("2012-10-17", "2020-01-01"), "The policy failed legacy parsing"),
    (json.dumps({"Version": 1, "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
     "The policy failed legacy parsing"),
    (_statement(Principal={"AWS": "*"}), "Policy document should not specify a principal."),
    (_statement(NotPrincipal={"AWS": "*"}), "Policy document should not specify a principal."),
    (_statement(Action=None), "Policy statement must contain actions."),
    (json.dumps({"Version": "2012-10-17", "Statement": []}), "Syntax errors in policy."),
    ("[]", "Syntax errors in policy."),
    (_statement(Effect="Maybe"), None),
    (_statement(Effect="allow"), None),
    (_statement(NotAction="s3:PutObject"), None),
    (_statement(Condition={"StringEqualz": {"aws:username": "x"}}), None),
    (_statement(Resource="arn:aws"), 'Resource arn:aws must be in ARN format or "*".'),
    (_statement(Sid="has space"), None),
]


def test_malformed_identity_policies_change_nothing(sweep):
    """Every way in: inline (user, group, role), managed, a new version.
    MalformedPolicyDocument, 400 (botocore's iam model); messages as AWS
    words them (answers recorded against IAM: 'The policy failed legacy
    parsing' for an unknown Version, 'Syntax errors in policy.')."""
    iam, before = sweep.iam, sweep.state()
    for document, message in BAD_DOCUMENTS:
        for call, kwargs in [
            (iam.put_user_policy, {"UserName": "caller", "PolicyName": "bad"}),
            (iam.put_group_policy, {"GroupName": "team", "PolicyName": "bad"}),
            (iam.put_role_policy, {"RoleName": "target", "PolicyName": "bad"}),
            (iam.create_policy, {"PolicyName": "bad"}),
            (iam.create_policy_version, {"PolicyArn": sweep.policy_arn, "SetAsDefault": True}),
        ]:
            code, status, said = sweep.refused(call, PolicyDocument=document, **kwargs)
            assert (code, status) == ("MalformedPolicyDocument", 400), (document, call, said)
            assert message is None or said == message, (document, said)
    assert sweep.state() == before


def test_trust_policies(sweep):
    """A trust policy needs a Principal and valid principals; over 2048
    characters it is LimitExceeded 409 'Cannot exceed quota for
    ACLSizePerRole: 2048' (IAM quotas page: role trust policy length 2048).
    A refused UpdateAssumeRolePolicy leaves the old one in force."""
    iam, before = sweep.iam, sweep.state()
    no_principal = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]})
    bad_arn = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123:user/x"}, "Action": "sts:AssumeRole"}]})
    big = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{i:012d}:root" for i in range(100)]},
         "Action": "sts:AssumeRole"}]})
    for document, expected in [
        (no_principal, ("MalformedPolicyDocument", 400, "Missing required field Principal")),
        (bad_arn, ("MalformedPolicyDocument", 400, 'Invalid principal in policy: "AWS":"arn:aws:iam::123:user/x"')),
        (big, ("LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048")),
    ]:
        assert sweep.refused(iam.create_role, RoleName="new-role", AssumeRolePolicyDocument=document) == expected
        assert sweep.refused(iam.update_assume_role_policy, RoleName="closed", PolicyDocument=document) == expected
    assert iam.get_role(RoleName="closed")["Role"]["AssumeRolePolicyDocument"] == json.loads(EC2_TRUST)
    assert sweep.state() == before


# -- quotas -----------------------------------------------------------------------------

def test_quotas_refuse_and_change_nothing(sweep):
    """IAM quotas page: 2 access keys per user (an inactive one counts), 10
    managed policies per group, 5 versions per managed policy, inline policy
    sizes summed per entity (user 2048, group 5120). LimitExceeded, 409."""
    iam = sweep.iam
    iam.create_user(UserName="quota")
    first = iam.create_access_key(UserName="quota")["AccessKey"]["AccessKeyId"]
    iam.create_access_key(UserName="quota")
    iam.update_access_key(UserName="quota", AccessKeyId=first, Status="Inactive")
    attached = []
    for i in range(11):
        attached.append(iam.create_policy(PolicyName=f"quota-{i}", PolicyDocument=IDENTITY)["Policy"]["Arn"])
    for arn in attached[:10]:
        iam.attach_group_policy(GroupName="team", PolicyArn=arn)
    for _ in range(4):
        iam.create_policy_version(PolicyArn=attached[0], PolicyDocument=IDENTITY)
    iam.put_user_policy(UserName="quota", PolicyName="half", PolicyDocument=_actions(60))
    before = sweep.state()

    assert sweep.refused(iam.create_access_key, UserName="quota") == (
        "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
    assert sweep.refused(iam.attach_group_policy, GroupName="team", PolicyArn=attached[10]) == (
        "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerGroup: 10")
    assert sweep.refused(iam.create_policy_version, PolicyArn=attached[0], PolicyDocument=IDENTITY, SetAsDefault=True) == (
        "LimitExceeded", 409, ("A managed policy can have up to 5 versions. Before you create a new version, "
                               "you must delete an existing version."))
    assert sweep.refused(iam.put_user_policy, UserName="quota", PolicyName="other-half", PolicyDocument=_actions(60)) == (
        "LimitExceeded", 409, "Cannot exceed quota for UserPolicySize: 2048")
    assert sweep.refused(iam.put_group_policy, GroupName="team", PolicyName="big", PolicyDocument=_actions(300)) == (
        "LimitExceeded", 409, "Cannot exceed quota for GroupPolicySize: 5120")
    # Past the model's 131072-character bound the document never reaches the policy engine.
    assert _validation("at 'policyDocument' failed to satisfy constraint: Member must have length less than or equal to 131072")(
        *sweep.refused(iam.put_user_policy, UserName="quota", PolicyName="huge", PolicyDocument="x" * 131073))
    assert sweep.state() == before


# -- managed policies: attaching and versions -----------------------------------------

def test_attach_what_does_not_exist(sweep):
    """An AWS managed policy ARN with a typo, at the wrong path, a customer
    policy that is not there or in another account: NoSuchEntity 404
    'Policy ARN does not exist or is not attachable.'; an ARN that is not a
    policy's: InvalidInput 400 'ARN ... is not valid.' (as localstack's
    AWS-validated snapshot records for a policy name given as the ARN)."""
    iam, before = sweep.iam, sweep.state()
    for arn in ["arn:aws:iam::aws:policy/AdministratorAcess", "arn:aws:iam::aws:policy/ViewOnlyAccess",
                f"arn:aws:iam::{sweep.account_id}:policy/absent", "arn:aws:iam::111122223333:policy/elsewhere"]:
        for call, kwargs in [(iam.attach_user_policy, {"UserName": "caller"}), (iam.attach_group_policy, {"GroupName": "team"}),
                             (iam.attach_role_policy, {"RoleName": "target"})]:
            assert sweep.refused(call, PolicyArn=arn, **kwargs) == (
                "NoSuchEntity", 404, f"Policy {arn} does not exist or is not attachable.")
    assert sweep.refused(iam.attach_user_policy, UserName="caller", PolicyArn="arn:aws:iam::aws:role/Admin") == (
        "InvalidInput", 400, "ARN arn:aws:iam::aws:role/Admin is not valid.")
    assert sweep.refused(iam.attach_user_policy, UserName="absent", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess") == (
        "NoSuchEntity", 404, "The user with name absent cannot be found.")
    assert sweep.state() == before


def test_policy_version_errors(sweep):
    """SetDefaultPolicyVersion / DeletePolicyVersion of a version that is
    not there: NoSuchEntity 404; of a version id outside the model's
    pattern: ValidationError; the default one cannot be deleted
    (DeleteConflict 409); AWS managed policies cannot be changed
    (InvalidInput 400). The default version stays."""
    iam, arn, before = sweep.iam, sweep.policy_arn, sweep.state()
    message = f"Policy {arn} version v7 does not exist or is not attachable."
    assert sweep.refused(iam.set_default_policy_version, PolicyArn=arn, VersionId="v7") == ("NoSuchEntity", 404, message)
    assert sweep.refused(iam.delete_policy_version, PolicyArn=arn, VersionId="v7") == ("NoSuchEntity", 404, message)
    # The value is left out, as IAM leaves it (localstack's AWS-validated
    # test_get_aws_managed_policy_version records "Value at 'versionId'").
    assert _validation("Value at 'versionId'")(
        *sweep.refused(iam.set_default_policy_version, PolicyArn=arn, VersionId="latest"))
    assert sweep.refused(iam.delete_policy_version, PolicyArn=arn, VersionId="v1") == (
        "DeleteConflict", 409, "Cannot delete the default version of a policy.")
    missing = f"arn:aws:iam::{sweep.account_id}:policy/absent"
    assert sweep.refused(iam.set_default_policy_version, PolicyArn=missing, VersionId="v1") == (
        "NoSuchEntity", 404, f"Policy {missing} version v1 does not exist or is not attachable.")
    managed = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    for call, kwargs in [(iam.create_policy_version, {"PolicyDocument": IDENTITY}),
                         (iam.set_default_policy_version, {"VersionId": "v1"}), (iam.delete_policy, {})]:
        assert sweep.refused(call, PolicyArn=managed, **kwargs)[:2] == ("InvalidInput", 400)
    assert sweep.state() == before


# -- deletions that something stands in the way of ------------------------------------

def test_group_delete_conflicts(sweep):
    """A group with members, then with an inline policy, then with an
    attached one: DeleteConflict 409, the group stays. RemoveUserFromGroup
    for a user who is not a member succeeds quietly (recorded against AWS:
    cloud-custodian#4730, 'there's no error returned')."""
    iam = sweep.iam
    iam.create_group(GroupName="busy")
    iam.add_user_to_group(GroupName="busy", UserName="caller")
    iam.put_group_policy(GroupName="busy", PolicyName="inline", PolicyDocument=IDENTITY)
    iam.attach_group_policy(GroupName="busy", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    steps = [
        ("Cannot delete entity, must remove users from group first.",
         lambda: iam.remove_user_from_group(GroupName="busy", UserName="caller")),
        ("Cannot delete entity, must delete policies first.", lambda: iam.delete_group_policy(GroupName="busy", PolicyName="inline")),
        ("Cannot delete entity, must detach all policies first.",
         lambda: iam.detach_group_policy(GroupName="busy", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")),
    ]
    for message, clear in steps:
        before = sweep.state()
        assert sweep.refused(iam.delete_group, GroupName="busy") == ("DeleteConflict", 409, message)
        assert sweep.state() == before
        clear()
    iam.remove_user_from_group(GroupName="busy", UserName="caller")
    iam.delete_group(GroupName="busy")


# -- paging -----------------------------------------------------------------------------

LISTINGS = [("list_users", {}), ("list_groups", {}), ("list_roles", {}), ("list_policies", {}),
            ("list_access_keys", {"UserName": "caller"}), ("list_user_policies", {"UserName": "caller"}),
            ("list_attached_user_policies", {"UserName": "caller"}), ("list_groups_for_user", {"UserName": "caller"}),
            ("list_user_tags", {"UserName": "caller"}), ("get_group", {"GroupName": "team"}),
            ("list_policy_versions", {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
            ("list_entities_for_policy", {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})]


def test_paging_bounds(sweep):
    """MaxItems is 1..1000 (botocore's maxItemsType): 0 and 1001 are a
    ValidationError naming 'maxItems'; a Marker the server never issued is a
    ValidationError too."""
    for operation, kwargs in LISTINGS:
        call = getattr(sweep.iam, operation)
        assert _validation("Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")(
            *sweep.refused(call, MaxItems=0, **kwargs)), operation
        assert _validation("Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000")(
            *sweep.refused(call, MaxItems=1001, **kwargs)), operation
        assert sweep.refused(call, Marker="never-issued", **kwargs)[:2] == ("ValidationError", 400), operation


def test_numbers_and_booleans_that_are_not(sweep):
    """Query-protocol parameters that do not parse as their type: a
    ValidationError 400 in the protocol's error shape, never a 5xx."""
    bodies = {
        "iam": ["Action=ListUsers&Version=2010-05-08&MaxItems=abc",
                "Action=ListUsers&Version=2010-05-08&MaxItems=99999999999999999999",
                "Action=UpdateRole&Version=2010-05-08&RoleName=target&MaxSessionDuration=1e4",
                f"Action=CreatePolicyVersion&Version=2010-05-08&PolicyArn={sweep.policy_arn}&PolicyDocument=x&SetAsDefault=maybe",
                "Action=CreateUser&Version=2010-05-08&UserName=%ff%fe"],
        "sts": [f"Action=AssumeRole&Version=2011-06-15&RoleArn={sweep.role_arn}&RoleSessionName=ss&DurationSeconds=1.5",
                "Action=GetSessionToken&Version=2011-06-15&DurationSeconds="],
    }
    raws = [query_request(service, body.encode(), label=body) for service, listed in bodies.items() for body in listed]
    for answer in sweep.wire.send_all(raws):
        assert (answer.status, error_code(answer)) == (400, "ValidationError"), answer


# -- STS ------------------------------------------------------------------------------------

def test_assume_role_input_out_of_range(sweep):
    """DurationSeconds 900..43200 and RoleSessionName 2..64 of [\\w+=,.@-]
    (botocore's sts model), at most 50 tags and 10 policy ARNs: a
    ValidationError; over the role's MaxSessionDuration, AWS's own wording
    (AssumeRole API reference). No session is issued: the role's
    RoleLastUsed stays empty."""
    sts, role, before = sweep.caller_sts, sweep.role_arn, sweep.state()
    cases = [
        ({"DurationSeconds": 899}, "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"),
        ({"DurationSeconds": 43201}, "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"),
        ({"DurationSeconds": 7201}, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
        ({"RoleSessionName": "s"}, "Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"),
        ({"RoleSessionName": "s" * 65}, "at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"),
        ({"RoleSessionName": "a/b"}, "Value 'a/b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
        ({"ExternalId": "x"}, "Value 'x' at 'externalId'"),
        ({"Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]}, "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"),
        ({"Tags": [{"Key": "k" * 129, "Value": "v"}]}, "at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"),
        ({"Tags": [{"Key": "k", "Value": "v" * 257}]}, "at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"),
        ({"PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}] * 11},
         "Member must have length less than or equal to 10"),
        ({"PolicyArns": [{"arn": f"arn:aws:iam::{sweep.account_id}:policy/absent"}]},
         f"Policy arn:aws:iam::{sweep.account_id}:policy/absent does not exist or is not attachable."),
    ]
    for kwargs, message in cases:
        request = {"RoleArn": role, "RoleSessionName": "sweep", **kwargs}
        assert _validation(message)(*sweep.refused(sts.assume_role, **request)), kwargs
    # Tag keys that differ only in case: InvalidParameterValue, as recorded
    # against AWS (tests/robustness/test_iam_kms_leftovers.py).
    code, status, message = sweep.refused(sts.assume_role, RoleArn=role, RoleSessionName="sweep",
                                          Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}])
    assert (code, status, message) == ("InvalidParameterValue", 400,
                                       "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    assert sweep.state() == before


def test_assume_role_refused_by_trust(sweep):
    """A role whose trust policy does not name the caller, an ExternalId
    missing or wrong, a role that is not there: AccessDenied 403 in AWS's
    words, the same for all (STS does not say which)."""
    sts, before = sweep.caller_sts, sweep.state()
    for role, kwargs in [(sweep.closed_arn, {}), (sweep.external_arn, {}), (sweep.external_arn, {"ExternalId": "other-id"}),
                         (f"arn:aws:iam::{sweep.account_id}:role/absent", {}),
                         (f"arn:aws:iam::{sweep.account_id}:role/wrong-path/target", {})]:
        assert sweep.refused(sts.assume_role, RoleArn=role, RoleSessionName="sweep", **kwargs) == (
            "AccessDenied", 403, f"User: {sweep.user_arn} is not authorized to perform: sts:AssumeRole on resource: {role}")
    assert sweep.state() == before


def test_session_policy_and_tags_over_the_packed_limit(sweep):
    """Session policies and tags pack into one space; past it,
    PackedPolicyTooLarge 400, worded by what overflowed (AWS knowledge
    center, 'iam-role-aws-sts-error': 'Packed policy consumes n% of allotted
    space, please use smaller policy.' / 'Packed size of session tags
    consumes n% of allotted space.'). A session policy that is not a policy:
    MalformedPolicyDocument 400."""
    sts, role, before = sweep.caller_sts, sweep.role_arn, sweep.state()
    code, status, message = sweep.refused(sts.assume_role, RoleArn=role, RoleSessionName="sweep", Policy=_actions(130))
    assert (code, status) == ("PackedPolicyTooLarge", 400)
    assert message.startswith("Packed policy consumes ") and message.endswith("% of allotted space, please use smaller policy.")
    tags = [{"Key": f"key-{i:02d}" + "k" * 100, "Value": "v" * 200} for i in range(20)]
    code, status, message = sweep.refused(sts.assume_role, RoleArn=role, RoleSessionName="sweep", Tags=tags)
    assert (code, status) == ("PackedPolicyTooLarge", 400)
    assert message.startswith("Packed size of session tags consumes ") and message.endswith("% of allotted space."), message
    for policy, wording in [("not json", "Syntax errors in policy."),
                            (_statement(Principal="*"), "Policy document should not specify a principal.")]:
        assert sweep.refused(sts.assume_role, RoleArn=role, RoleSessionName="sweep", Policy=policy) == (
            "MalformedPolicyDocument", 400, wording)
    assert sweep.state() == before


def test_get_session_token_durations(sweep):
    """GetSessionToken: DurationSeconds 900..129600 (botocore's sts model),
    for users and the root user alike."""
    for sts in (sweep.caller_sts, sweep.server.client("sts", *sweep.keys, parameter_validation=False)):
        assert _validation("Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")(
            *sweep.refused(sts.get_session_token, DurationSeconds=899))
        assert _validation("Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600")(
            *sweep.refused(sts.get_session_token, DurationSeconds=129601))
