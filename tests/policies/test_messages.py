"""AWS's access denied texts (IAM User Guide, "Troubleshoot access denied
error messages"): "User: <arn> is not authorized to perform: <action> on
resource: <arn> because no <type> policy allows the <action> action" and
"... with an explicit deny in a <type> policy"."""
from __future__ import annotations

from policies import AccessRequest, SourcePolicy, evaluate
from policy_builders import (
    ACCOUNT, KEY, OBJECT, ROOT, SESSION, USER, allow, anonymous, aws, deny, doc, other_user, session, stmt, user,
)

BOB = "arn:aws:iam::123456789012:user/bob"
BOB_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234"


def test_brief_example_implicit_identity():
    request = AccessRequest(BOB, "123456789012", "IAMUser", "kms:Decrypt", BOB_KEY)
    assert evaluate(request).message() == (
        "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: kms:Decrypt on resource: "
        "arn:aws:kms:us-east-1:123456789012:key/1234 because no identity-based policy allows the kms:Decrypt action")


def test_explicit_deny_identity_inline():
    message = evaluate(user(), identity_policies=[allow("s3:*"), deny()]).message()
    assert message == (f"User: {USER} is not authorized to perform: s3:GetObject on resource: {OBJECT} "
                       "with an explicit deny in an identity-based policy")


def test_explicit_deny_identity_names_managed_policy_arn():
    policy_arn = f"arn:aws:iam::{ACCOUNT}:policy/DenyReads"
    message = evaluate(user(), identity_policies=[SourcePolicy(deny(), policy_arn, "user-managed")]).message()
    assert message.endswith(f"with an explicit deny in an identity-based policy: {policy_arn}")


def test_resource_based_messages():
    explicit = evaluate(user(), identity_policies=[allow()], resource_policy=deny(principal="*")).message()
    assert explicit.endswith("with an explicit deny in a resource-based policy")
    implicit = evaluate(other_user(), identity_policies=[allow()]).message()
    assert implicit.endswith("because no resource-based policy allows the s3:GetObject action")


def test_kms_key_policy_message():
    decision = evaluate(user("kms:Decrypt", KEY), identity_policies=[allow("kms:*")],
                        resource_policy=allow("kms:*", principal=aws(ROOT.replace(ACCOUNT, "999988887777"))),
                        service_kind="kms")
    assert decision.message() == (f"User: {USER} is not authorized to perform: kms:Decrypt on resource: {KEY} "
                                  "because no resource-based policy allows the kms:Decrypt action")


def test_boundary_messages():
    implicit = evaluate(user(), identity_policies=[allow()], permissions_boundary=allow("kms:*")).message()
    assert implicit.endswith("because no permissions boundary allows the s3:GetObject action")
    explicit = evaluate(user(), identity_policies=[allow()],
                        permissions_boundary=doc(stmt("Allow", "*"), stmt("Deny", "s3:*"))).message()
    assert explicit.endswith("with an explicit deny in a permissions boundary")


def test_session_policy_messages():
    implicit = evaluate(session(), identity_policies=[allow()], session_policies=[allow("kms:*")]).message()
    assert implicit == (f"User: {SESSION} is not authorized to perform: s3:GetObject on resource: {OBJECT} "
                        "because no session policy allows the s3:GetObject action")
    explicit = evaluate(session(), identity_policies=[allow()],
                        session_policies=[doc(stmt("Allow", "*"), stmt("Deny", "*"))]).message()
    assert explicit.endswith("with an explicit deny in a session policy")


def test_resource_star_is_left_out():
    message = evaluate(user("iam:ListUsers", "*")).message()
    assert message == (f"User: {USER} is not authorized to perform: iam:ListUsers "
                       "because no identity-based policy allows the iam:ListUsers action")


def test_anonymous_caller():
    assert evaluate(anonymous()).message().startswith("User: anonymous is not authorized to perform: s3:GetObject")


def test_allowed_has_no_message():
    assert evaluate(user(), identity_policies=[allow()]).message() == ""
