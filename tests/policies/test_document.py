"""Policy document validation with IAM's MalformedPolicyDocument messages,
compilation and caching."""
from __future__ import annotations

import json

import pytest

from policies import PolicyError, PolicySizeError, managed_policies, parse_policy, policy_size
from policies.document import (
    INVALID_PRINCIPAL, LEGACY_PARSING, MISSING_ACTIONS, MISSING_RESOURCES, NO_VENDOR, ONE_COLON,
    PRINCIPAL_FORBIDDEN, PRINCIPAL_MISSING, RESOURCE_FORBIDDEN, SID_CHARACTERS, SID_UNIQUE, SYNTAX_ERROR,
    TRUST_ACTIONS,
)

GOOD = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
ROOT = {"AWS": "arn:aws:iam::111122223333:root"}


def policy(*statements, version="2012-10-17", **extra):
    return json.dumps({"Version": version, "Statement": list(statements), **extra})


def with_(**changes):
    statement = dict(GOOD)
    for key, value in changes.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    return statement


def error(text, kind="identity"):
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, kind)
    return caught.value.message


@pytest.mark.parametrize("text", [
    "", "not json", "{", "[]", '"text"', "null",
    json.dumps({"Version": "2012-10-17"}),
    json.dumps({"Version": "2012-10-17", "Statement": []}),
    json.dumps({"Version": "2012-10-17", "Statement": "x"}),
    json.dumps({"Version": "2012-10-17", "Statement": [GOOD], "Extra": 1}),
    json.dumps({"Version": "2012-10-17", "Id": 5, "Statement": [GOOD]}),
    policy("not a statement"),
    policy(with_(Effect=None)),
    policy(with_(Effect="allow")),
    policy(with_(Effect="Permit")),
    policy(with_(Unknown="x")),
    policy(with_(NotAction="s3:PutObject")),
    policy(with_(NotResource="arn:aws:s3:::x")),
    policy(with_(Action=5)),
    policy(with_(Action=["s3:GetObject", 5])),
    policy(with_(Resource={"a": "b"})),
    policy(with_(Sid=5)),
    policy(with_(Condition="x")),
    policy(with_(Condition={"StringEquals": "x"})),
    policy(with_(Condition={"StringEquals": {}})),
    policy(with_(Condition={"StringEqualz": {"aws:username": "a"}})),
    policy(with_(Condition={"NullIfExists": {"aws:username": "true"}})),
    policy(with_(Condition={"ForSome:StringEquals": {"aws:username": "a"}})),
    policy(with_(Condition={"StringEquals": {"aws:username": {"nested": 1}}})),
    policy(with_(Condition={"StringEquals": {"aws:username": []}})),
])
def test_syntax_errors(text):
    assert error(text) == SYNTAX_ERROR


@pytest.mark.parametrize("version", ["2012-10-18", "2010-01-01", "", 2012])
def test_unknown_version_fails_legacy_parsing(version):
    assert error(policy(GOOD, version=version)) == LEGACY_PARSING


def test_both_versions_and_no_version_accepted():
    assert parse_policy(policy(GOOD)).version == "2012-10-17"
    assert parse_policy(policy(GOOD, version="2008-10-17")).version == "2008-10-17"
    assert parse_policy(json.dumps({"Statement": [GOOD]})).version == "2008-10-17"


def test_principal_forbidden_in_identity_policies():
    assert error(policy(with_(Principal=ROOT))) == PRINCIPAL_FORBIDDEN
    assert error(policy(with_(NotPrincipal=ROOT))) == PRINCIPAL_FORBIDDEN


@pytest.mark.parametrize("kind", ["resource", "trust"])
def test_principal_required(kind):
    statement = with_(Action="sts:AssumeRole", Resource=None) if kind == "trust" else GOOD
    assert error(policy(statement), kind) == PRINCIPAL_MISSING


@pytest.mark.parametrize("principal", [
    {"AWS": "alice"}, {"AWS": "arn:aws:iam::111122223333:group/admins"}, {"AWS": "arn:aws:iam::*:root"},
    {"AWS": "1111"}, {"AWS": "arn:aws:s3:::bucket"}, {"Users": "x"}, {}, "everyone", {"AWS": 5},
    {"CanonicalUser": "not-hex"}, {"Service": ""},
])
def test_invalid_principal_in_resource_policy(principal):
    assert error(policy(with_(Principal=principal)), "resource") in (INVALID_PRINCIPAL, SYNTAX_ERROR)


def test_invalid_principal_in_trust_policy_names_it():
    statement = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "alice"}}
    assert error(policy(statement), "trust") == 'Invalid principal in policy: "AWS":"alice"'


@pytest.mark.parametrize("principal", [
    "*", {"AWS": "*"}, {"AWS": "111122223333"}, ROOT, {"AWS": ["arn:aws:iam::111122223333:user/path/alice",
                                                              "arn:aws:iam::111122223333:role/app"]},
    {"AWS": "arn:aws:sts::111122223333:assumed-role/app/session"},
    {"AWS": "arn:aws:sts::111122223333:federated-user/fed"}, {"AWS": "AIDAJQABLZS4A3QDU576Q"},
    {"Service": ["s3.amazonaws.com", "kms.amazonaws.com"]}, {"Federated": "cognito-identity.amazonaws.com"},
    {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
    {"AWS": "arn:aws-cn:iam::111122223333:root"},
])
def test_valid_principals(principal):
    parse_policy(policy(with_(Principal=principal)), "resource")


def test_actions_required():
    assert error(policy(with_(Action=None))) == MISSING_ACTIONS
    assert error(policy(with_(Action=[]))) == MISSING_ACTIONS


def test_resources_required():
    assert error(policy(with_(Resource=None))) == MISSING_RESOURCES
    assert error(policy(with_(Resource=[]))) == MISSING_RESOURCES


@pytest.mark.parametrize("action, message", [
    ("GetObject", NO_VENDOR),
    (":GetObject", NO_VENDOR),
    ("s3:Get:Object", ONE_COLON),
    ("s 3:GetObject", "Vendor s 3 is not valid"),
])
def test_action_format(action, message):
    assert error(policy(with_(Action=action))) == message


def test_condition_key_needs_vendor():
    assert error(policy(with_(Condition={"StringEquals": {"username": "a"}}))) == NO_VENDOR


@pytest.mark.parametrize("resource, message", [
    ("bucket", 'Resource bucket must be in ARN format or "*".'),
    ("arn:aws:s3", 'Resource arn:aws:s3 must be in ARN format or "*".'),
    ("", 'Resource  must be in ARN format or "*".'),
    ("arn:aws:kms:*:key/*", 'Resource arn:aws:kms:*:key/* must be in ARN format or "*".'),
    ("arn:awz:s3:::bucket", 'Partition "awz" is not valid for resource "arn:awz:s3:::bucket".'),
])
def test_resource_format(resource, message):
    assert error(policy(with_(Resource=resource))) == message


def test_resource_forms_accepted():
    parse_policy(policy(with_(Resource=["arn:aws:s3:::b/*", "arn:*:s3:::b", "arn:aws-us-gov:s3:::b",
                                        "arn:aws:s3:::b/${aws:username}/*", "*"])))


def test_trust_policy_rules():
    statement = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}
    parse_policy(policy(statement), "trust")
    parse_policy(policy({**statement, "Action": ["sts:AssumeRole", "sts:TagSession"]}), "trust")
    assert error(policy({**statement, "Action": "s3:GetObject"}), "trust") == TRUST_ACTIONS
    assert error(policy({**statement, "Resource": "*"}), "trust") == RESOURCE_FORBIDDEN


def test_sid_rules():
    assert error(policy(with_(Sid="has space"))) == SID_CHARACTERS
    assert error(policy(with_(Sid="A"), with_(Sid="A"))) == SID_UNIQUE
    parse_policy(policy(with_(Sid="A1"), with_(Sid="B2"), with_(Sid="")))
    # KMS key policies and bucket policies take free text Sids.
    parse_policy(policy(with_(Sid="Enable IAM User Permissions", Principal=ROOT)), "resource")


def test_size_limit():
    text = policy(GOOD)
    assert policy_size(text) == len(text.replace(" ", ""))
    parse_policy(text, max_size=policy_size(text))
    with pytest.raises(PolicySizeError) as caught:
        parse_policy(text, max_size=policy_size(text) - 1)
    assert caught.value.message == f"Cannot exceed quota for PolicySize: {policy_size(text) - 1}"
    assert isinstance(caught.value, PolicyError)


def test_compiled_once_per_text():
    text = policy(GOOD)
    assert parse_policy(text) is parse_policy(text)
    assert parse_policy(json.loads(text)).statements[0].effect == "Allow"


def test_compiled_statement_shape():
    compiled = parse_policy(policy(with_(Sid="One"), with_(Effect="Deny", Action=["s3:Put*", "kms:*"])))
    first, second = compiled.statements
    assert (first.sid, first.index, first.effect) == ("One", 0, "Allow")
    assert (second.sid, second.index, second.effect) == (None, 1, "Deny")
    assert compiled.statements_for("s3:putobject") == (second,)
    assert compiled.statements_for("s3:getobject") == (first,)
    assert compiled.statements_for("kms:decrypt") == (second,)


def test_unknown_kind_is_a_bug():
    with pytest.raises(ValueError):
        parse_policy(policy(GOOD), "session")


@pytest.mark.parametrize("name", [
    "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess", "AWSKeyManagementServicePowerUser",
])
def test_managed_policies(name):
    managed = managed_policies()[name]
    assert managed.arn == f"arn:aws:iam::aws:policy/{name}"
    assert managed.path == "/"
    assert managed.description
    assert parse_policy(managed.document).version == "2012-10-17"


def test_read_only_access_says_it_is_a_subset():
    assert "subset" in managed_policies()["ReadOnlyAccess"].note
