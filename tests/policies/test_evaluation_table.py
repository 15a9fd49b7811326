"""Table-driven evaluation cases. Each case names the AWS documentation rule
it checks (IAM User Guide unless said otherwise):

  EVAL-DEFAULT   "Policy evaluation logic": requests are implicitly denied by default
  EVAL-DENY      "How AWS enforcement code logic evaluates requests": an explicit deny overrides any allow
  EVAL-UNION     "Policy evaluation for requests within a single account": identity OR resource policy allow
  EVAL-XACCT     "Cross-account policy evaluation logic": both accounts must allow
  EVAL-ROOT      "AWS account root user": full access to its own account's resources unless denied
  BOUNDARY       "Permissions boundaries for IAM entities": boundary limits identity-based allows; resource
                 policies naming the user or the session are not limited, naming the role are
  SESSION        "Session policies": session policies limit identity-based allows and resource policies naming
                 the role, not those naming the session
  ELEM-ACTION    "IAM JSON policy elements: Action/NotAction": wildcards, case-insensitive
  ELEM-RESOURCE  "IAM JSON policy elements: Resource/NotResource": wildcards, case-sensitive, ARN components
  ELEM-PRINCIPAL "IAM JSON policy elements: Principal/NotPrincipal": account, root, user, role, session, *
  COND           "IAM JSON policy elements: Condition" and "Condition operators"
  VARS           "IAM policy elements: Variables and tags"
  KMS-KEYPOLICY  KMS Developer Guide "Key policies": key policy must allow, directly or via the account
  KMS-GRANTS     KMS Developer Guide "Grants in AWS KMS": a grant allows the grantee
  MANAGED        AWS Managed Policy Reference: the managed policy documents
"""
from __future__ import annotations

import datetime as dt

import pytest

from policies import SourcePolicy, evaluate, managed_policies, parse_policy
from policy_builders import (
    ACCOUNT, BUCKET, CANONICAL, FEDERATED, KEY, OBJECT, OTHER, OTHER_ROLE, OTHER_ROOT, OTHER_SESSION,
    OTHER_USER, ROLE, ROOT, SESSION, USER, BOB, allow, anonymous, aws, deny, doc, federated, other_root,
    other_session, other_user, root, service, session, stmt, user,
)

ALLOW, EXPLICIT, IMPLICIT = "allow", "explicit_deny", "implicit_deny"
MANAGED = {name: p.document for name, p in managed_policies().items()}
KEY_POLICY_DEFAULT = doc(stmt("Allow", "kms:*", "*", principal=aws(ROOT), sid="Enable IAM User Permissions"))
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def case(name, rule, request, expect, source=None, *, identity=(), resource=None, boundary=None,
         session_policies=(), kms=False, grants=False):
    return pytest.param(request, expect, source, dict(
        identity_policies=list(identity), resource_policy=resource, permissions_boundary=boundary,
        session_policies=list(session_policies), service_kind="kms" if kms else None, grants_allow=grants),
        id=f"{rule}:{name}")


CASES = [
    # --- default deny, actions, resources -----------------------------------------------------------
    case("no-policies", "EVAL-DEFAULT", user(), IMPLICIT, "identity"),
    case("exact-allow", "EVAL-UNION", user(), ALLOW, "identity", identity=[allow("s3:GetObject", OBJECT)]),
    case("service-wildcard", "ELEM-ACTION", user(), ALLOW, identity=[allow("s3:*")]),
    case("prefix-wildcard", "ELEM-ACTION", user(), ALLOW, identity=[allow("s3:Get*")]),
    case("prefix-wildcard-miss", "ELEM-ACTION", user("s3:PutObject"), IMPLICIT, identity=[allow("s3:Get*")]),
    case("action-case-insensitive", "ELEM-ACTION", user(), ALLOW, identity=[allow("S3:getobject")]),
    case("request-action-case", "ELEM-ACTION", user("S3:GETOBJECT"), ALLOW, identity=[allow("s3:GetObject")]),
    case("action-star", "ELEM-ACTION", user(), ALLOW, identity=[allow("*")]),
    case("action-question-mark", "ELEM-ACTION", user(), ALLOW, identity=[allow("s3:?etObject")]),
    case("question-mark-one-char", "ELEM-ACTION", user(), IMPLICIT, identity=[allow("s3:?Object")]),
    case("other-service", "ELEM-ACTION", user(), IMPLICIT, identity=[allow("kms:*")]),
    case("action-list", "ELEM-ACTION", user(), ALLOW, identity=[allow(["s3:PutObject", "s3:GetObject"])]),
    case("action-middle-wildcard", "ELEM-ACTION", user("s3:GetObjectTagging"), ALLOW,
         identity=[allow("s3:Get*Tagging")]),
    case("not-action-allows-others", "ELEM-ACTION", user(), ALLOW,
         identity=[doc(stmt(not_action="iam:*"))]),
    case("not-action-excludes", "ELEM-ACTION", user("iam:CreateUser", "*"), IMPLICIT,
         identity=[doc(stmt(not_action=["iam:*"]))]),
    case("not-action-wildcard-case", "ELEM-ACTION", user("IAM:CreateUser", "*"), IMPLICIT,
         identity=[doc(stmt(not_action="iam:Create*"))]),
    case("resource-exact", "ELEM-RESOURCE", user(), ALLOW, identity=[allow("s3:GetObject", OBJECT)]),
    case("resource-mismatch", "ELEM-RESOURCE", user(), IMPLICIT,
         identity=[allow("s3:GetObject", "arn:aws:s3:::other/k.txt")]),
    case("resource-case-sensitive", "ELEM-RESOURCE", user(), IMPLICIT,
         identity=[allow("s3:GetObject", "arn:aws:s3:::BKT/k.txt")]),
    case("resource-object-wildcard", "ELEM-RESOURCE", user(), ALLOW, identity=[allow("s3:GetObject", f"{BUCKET}/*")]),
    case("resource-question-mark", "ELEM-RESOURCE", user(), ALLOW,
         identity=[allow("s3:GetObject", "arn:aws:s3:::bk?/k.txt")]),
    case("bucket-arn-not-object", "ELEM-RESOURCE", user(), IMPLICIT, identity=[allow("s3:GetObject", BUCKET)]),
    case("resource-list", "ELEM-RESOURCE", user(), ALLOW,
         identity=[allow("s3:GetObject", [BUCKET, f"{BUCKET}/*"])]),
    case("not-resource-allows-others", "ELEM-RESOURCE", user(), ALLOW,
         identity=[doc(stmt(not_resource="arn:aws:s3:::secret/*"))]),
    case("not-resource-excludes", "ELEM-RESOURCE", user(), IMPLICIT,
         identity=[doc(stmt(not_resource=f"{BUCKET}/*"))]),
    case("arn-region-wildcard", "ELEM-RESOURCE", user("kms:Decrypt", KEY), ALLOW,
         identity=[allow("kms:Decrypt", f"arn:aws:kms:*:{ACCOUNT}:key/*")]),
    case("arn-account-wildcard", "ELEM-RESOURCE", user("kms:Decrypt", KEY), ALLOW,
         identity=[allow("kms:Decrypt", "arn:aws:kms:us-east-1:*:key/*")]),
    case("arn-other-account", "ELEM-RESOURCE", user("kms:Decrypt", KEY), IMPLICIT,
         identity=[allow("kms:Decrypt", f"arn:aws:kms:*:{OTHER}:key/*")]),
    case("arn-component-wildcard-no-colon", "ELEM-RESOURCE", user("kms:Decrypt", KEY), IMPLICIT,
         identity=[allow("kms:Decrypt", "arn:aws:kms:us-*:key/*:*:*")]),
    case("arn-whole-wildcard-service", "ELEM-RESOURCE", user("kms:Decrypt", KEY), ALLOW,
         identity=[allow("kms:Decrypt", "arn:aws:kms:*:*:*")]),
    case("second-statement", "EVAL-UNION", user(), ALLOW,
         identity=[doc(stmt(action="s3:PutObject"), stmt(action="s3:GetObject"))]),
    case("second-policy", "EVAL-UNION", user(), ALLOW, identity=[allow("kms:*"), allow("s3:GetObject")]),
    case("statement-object-not-list", "ELEM-ACTION", user(), ALLOW,
         identity=['{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}']),
    case("legacy-version", "ELEM-ACTION", user(), ALLOW, identity=[doc(stmt(), version="2008-10-17")]),

    # --- explicit deny ----------------------------------------------------------------------------
    case("deny-same-policy", "EVAL-DENY", user(), EXPLICIT, "identity",
         identity=[doc(stmt("Allow", "s3:*"), stmt("Deny", "s3:GetObject"))]),
    case("deny-other-policy", "EVAL-DENY", user(), EXPLICIT, "identity", identity=[allow("s3:*"), deny("s3:*")]),
    case("deny-star", "EVAL-DENY", user(), EXPLICIT, identity=[allow("*"), deny("*")]),
    case("deny-other-action", "EVAL-DENY", user(), ALLOW, identity=[allow("s3:*"), deny("s3:PutObject")]),
    case("deny-other-resource", "EVAL-DENY", user(), ALLOW,
         identity=[allow("s3:*"), deny("s3:*", "arn:aws:s3:::secret/*")]),
    case("deny-not-action", "EVAL-DENY", user("s3:PutObject"), EXPLICIT,
         identity=[allow("s3:*"), doc(stmt("Deny", not_action="s3:GetObject"))]),
    case("deny-not-action-spares", "EVAL-DENY", user(), ALLOW,
         identity=[allow("s3:*"), doc(stmt("Deny", not_action="s3:GetObject"))]),
    case("deny-not-resource", "EVAL-DENY", user(), EXPLICIT,
         identity=[allow("s3:*"), doc(stmt("Deny", "s3:*", not_resource="arn:aws:s3:::public/*"))]),
    case("deny-in-resource-policy", "EVAL-DENY", user(), EXPLICIT, "resource",
         identity=[allow("s3:*")], resource=deny("s3:*", f"{BUCKET}/*", principal=aws(USER))),
    case("deny-resource-everyone", "EVAL-DENY", user(), EXPLICIT, "resource",
         resource=doc(stmt("Allow", principal=aws(USER)), stmt("Deny", principal="*"))),
    case("deny-resource-account-principal", "EVAL-DENY", user(), EXPLICIT, "resource",
         identity=[allow("s3:*")], resource=deny(principal=aws(ACCOUNT))),
    case("deny-resource-other-principal", "EVAL-DENY", user(), ALLOW,
         identity=[allow("s3:*")], resource=deny(principal=aws(BOB))),
    case("deny-in-boundary", "EVAL-DENY", user(), EXPLICIT, "permissions_boundary",
         identity=[allow("s3:*")], boundary=doc(stmt("Allow", "*"), stmt("Deny", "s3:GetObject"))),
    case("deny-in-session-policy", "EVAL-DENY", session(), EXPLICIT, "session",
         identity=[allow("s3:*")], session_policies=[doc(stmt("Allow", "*"), stmt("Deny", "s3:*"))]),
    case("deny-condition-not-met", "EVAL-DENY", user(context={"aws:SourceIp": "10.1.2.3"}), ALLOW,
         identity=[allow("s3:*"), deny("s3:*", condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})]),
    case("deny-condition-met", "EVAL-DENY", user(context={"aws:SourceIp": "192.0.2.1"}), EXPLICIT,
         identity=[allow("s3:*"), deny("s3:*", condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})]),
    case("deny-wins-over-resource-allow", "EVAL-DENY", user(), EXPLICIT, "identity",
         identity=[deny("s3:*")], resource=allow(principal=aws(USER))),
    case("deny-root-by-bucket-policy", "EVAL-DENY", root(), EXPLICIT, "resource", resource=deny(principal="*")),
    case("not-principal-deny-others", "ELEM-PRINCIPAL", user(arn=BOB), EXPLICIT,
         identity=[allow("s3:*")], resource=deny(not_principal=aws(USER))),
    case("not-principal-spares-named", "ELEM-PRINCIPAL", user(), ALLOW,
         identity=[allow("s3:*")], resource=deny(not_principal=aws(USER))),
    case("not-principal-account-only-root", "ELEM-PRINCIPAL", user(), EXPLICIT,
         identity=[allow("s3:*")], resource=deny(not_principal=aws(ROOT))),
    case("not-principal-session-spared", "ELEM-PRINCIPAL", session(), ALLOW,
         identity=[allow("s3:*")], resource=deny(not_principal=aws(SESSION))),
    case("deny-across-accounts", "EVAL-DENY", other_user(), EXPLICIT, "resource",
         identity=[allow("s3:*")], resource=doc(stmt(principal=aws(OTHER)), stmt("Deny", principal=aws(OTHER_USER)))),

    # --- same-account resource policies ----------------------------------------------------------
    case("bucket-policy-names-user", "EVAL-UNION", user(), ALLOW, "resource",
         resource=allow(resource=f"{BUCKET}/*", principal=aws(USER))),
    case("bucket-policy-names-role", "EVAL-UNION", session(), ALLOW, "resource",
         resource=allow(principal=aws(ROLE))),
    case("bucket-policy-names-session", "EVAL-UNION", session(), ALLOW, "resource",
         resource=allow(principal=aws(SESSION))),
    case("bucket-policy-everyone", "EVAL-UNION", user(), ALLOW, "resource", resource=allow(principal="*")),
    case("bucket-policy-aws-star", "EVAL-UNION", user(), ALLOW, "resource", resource=allow(principal=aws("*"))),
    case("bucket-policy-account-root-delegates", "ELEM-PRINCIPAL", user(), IMPLICIT, "identity",
         resource=allow(principal=aws(ROOT))),
    case("bucket-policy-account-id-delegates", "ELEM-PRINCIPAL", user(), IMPLICIT, "identity",
         resource=allow(principal=aws(ACCOUNT))),
    case("bucket-policy-account-plus-identity", "EVAL-UNION", user(), ALLOW,
         identity=[allow("s3:GetObject")], resource=allow(principal=aws(ACCOUNT))),
    case("bucket-policy-other-user", "ELEM-PRINCIPAL", user(), IMPLICIT, resource=allow(principal=aws(BOB))),
    case("bucket-policy-principal-list", "ELEM-PRINCIPAL", user(), ALLOW, resource=allow(principal=aws(BOB, USER))),
    case("bucket-policy-wrong-action", "EVAL-UNION", user("s3:PutObject"), IMPLICIT,
         resource=allow(principal=aws(USER))),
    case("bucket-policy-wrong-resource", "EVAL-UNION", user(), IMPLICIT,
         resource=allow(resource="arn:aws:s3:::other/*", principal=aws(USER))),
    case("bucket-policy-unique-id", "ELEM-PRINCIPAL", user(), ALLOW,
         resource=allow(principal=aws("AIDAALICEEXAMPLE12345"))),
    case("bucket-policy-canonical-user", "ELEM-PRINCIPAL", user(canonical_user_id=CANONICAL), ALLOW,
         resource=allow(principal={"CanonicalUser": CANONICAL})),
    case("bucket-policy-role-other-session", "ELEM-PRINCIPAL", session(), IMPLICIT,
         resource=allow(principal=aws(f"arn:aws:sts::{ACCOUNT}:assumed-role/app/other"))),
    case("federated-user-named", "ELEM-PRINCIPAL", federated(), ALLOW, resource=allow(principal=aws(FEDERATED))),
    case("identity-or-resource", "EVAL-UNION", user("s3:PutObject"), ALLOW,
         identity=[allow("s3:PutObject")], resource=allow(principal=aws(USER))),

    # --- permissions boundaries --------------------------------------------------------------------
    case("boundary-allows", "BOUNDARY", user(), ALLOW, identity=[allow("s3:*")], boundary=allow("s3:GetObject")),
    case("boundary-lacks", "BOUNDARY", user(), IMPLICIT, "permissions_boundary",
         identity=[allow("s3:*")], boundary=allow("kms:*")),
    case("boundary-alone-grants-nothing", "BOUNDARY", user(), IMPLICIT, "identity", boundary=allow("*")),
    case("boundary-star", "BOUNDARY", user(), ALLOW, identity=[allow("s3:GetObject")], boundary=allow("*")),
    case("boundary-not-action", "BOUNDARY", user("iam:CreateUser", "*"), IMPLICIT, "permissions_boundary",
         identity=[allow("*")], boundary=doc(stmt(not_action="iam:*"))),
    case("boundary-resource-scope", "BOUNDARY", user(), IMPLICIT, "permissions_boundary",
         identity=[allow("s3:*")], boundary=allow("s3:*", "arn:aws:s3:::other/*")),
    case("boundary-ignores-user-named-in-bucket-policy", "BOUNDARY", user(), ALLOW, "resource",
         boundary=allow("kms:*"), resource=allow(principal=aws(USER))),
    case("boundary-limits-role-named-in-bucket-policy", "BOUNDARY", session(), IMPLICIT, "permissions_boundary",
         boundary=allow("kms:*"), resource=allow(principal=aws(ROLE))),
    case("boundary-ignores-session-named", "BOUNDARY", session(), ALLOW, "resource",
         boundary=allow("kms:*"), resource=allow(principal=aws(SESSION))),
    case("boundary-role-session-identity", "BOUNDARY", session(), ALLOW,
         identity=[allow("s3:*")], boundary=allow("s3:Get*")),
    case("boundary-with-condition", "BOUNDARY", user(context={"aws:RequestedRegion": "eu-west-1"}), IMPLICIT,
         "permissions_boundary", identity=[allow("s3:*")],
         boundary=allow("*", condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}})),

    # --- session policies ----------------------------------------------------------------------------
    case("session-allows", "SESSION", session(), ALLOW, identity=[allow("s3:*")], session_policies=[allow("s3:*")]),
    case("session-lacks", "SESSION", session(), IMPLICIT, "session",
         identity=[allow("s3:*")], session_policies=[allow("kms:*")]),
    case("session-alone-grants-nothing", "SESSION", session(), IMPLICIT, "identity", session_policies=[allow("*")]),
    case("session-any-of-several", "SESSION", session(), ALLOW,
         identity=[allow("*")], session_policies=[allow("kms:*"), allow("s3:GetObject")]),
    case("session-ignores-session-named", "SESSION", session(), ALLOW, "resource",
         session_policies=[allow("kms:*")], resource=allow(principal=aws(SESSION))),
    case("session-limits-role-named", "SESSION", session(), IMPLICIT, "session",
         session_policies=[allow("kms:*")], resource=allow(principal=aws(ROLE))),
    case("session-and-boundary", "SESSION", session(), IMPLICIT, "permissions_boundary",
         identity=[allow("*")], boundary=allow("kms:*"), session_policies=[allow("*")]),
    case("federated-session-policy", "SESSION", federated(), IMPLICIT, "session",
         identity=[allow("*")], session_policies=[allow("kms:*")]),
    case("federated-session-allows", "SESSION", federated(), ALLOW,
         identity=[allow("*")], session_policies=[allow("s3:GetObject")]),

    # --- cross-account ---------------------------------------------------------------------------------
    case("xacct-both-allow", "EVAL-XACCT", other_user(), ALLOW,
         identity=[allow("s3:GetObject")], resource=allow(principal=aws(OTHER_USER))),
    case("xacct-no-resource-policy", "EVAL-XACCT", other_user(), IMPLICIT, "resource", identity=[allow("s3:*")]),
    case("xacct-no-identity", "EVAL-XACCT", other_user(), IMPLICIT, "identity",
         resource=allow(principal=aws(OTHER_USER))),
    case("xacct-account-root-principal", "EVAL-XACCT", other_user(), ALLOW,
         identity=[allow("s3:*")], resource=allow(principal=aws(OTHER_ROOT))),
    case("xacct-account-id-principal", "EVAL-XACCT", other_user(), ALLOW,
         identity=[allow("s3:*")], resource=allow(principal=aws(OTHER))),
    case("xacct-account-no-identity", "EVAL-XACCT", other_user(), IMPLICIT, "identity",
         resource=allow(principal=aws(OTHER))),
    case("xacct-everyone-with-identity", "EVAL-XACCT", other_user(), ALLOW,
         identity=[allow("s3:*")], resource=allow(principal="*")),
    case("xacct-everyone-no-identity", "EVAL-XACCT", other_user(), IMPLICIT, "identity",
         resource=allow(principal="*")),
    case("xacct-root-with-bucket-policy", "EVAL-XACCT", other_root(), ALLOW, resource=allow(principal=aws(OTHER))),
    case("xacct-root-no-bucket-policy", "EVAL-XACCT", other_root(), IMPLICIT, "resource"),
    case("xacct-role-named", "EVAL-XACCT", other_session(), ALLOW,
         identity=[allow("s3:*")], resource=allow(principal=aws(OTHER_ROLE))),
    case("xacct-session-named", "EVAL-XACCT", other_session(), ALLOW,
         identity=[allow("s3:*")], resource=allow(principal=aws(OTHER_SESSION))),
    case("xacct-boundary", "EVAL-XACCT", other_user(), IMPLICIT, "permissions_boundary",
         identity=[allow("s3:*")], boundary=allow("kms:*"), resource=allow(principal=aws(OTHER_USER))),
    case("xacct-wrong-account", "EVAL-XACCT", other_user(), IMPLICIT, "resource",
         identity=[allow("s3:*")], resource=allow(principal=aws("999988887777"))),
    case("xacct-identity-resource-scope", "EVAL-XACCT", other_user(), IMPLICIT, "identity",
         identity=[allow("s3:*", "arn:aws:s3:::mine/*")], resource=allow(principal=aws(OTHER))),
    case("xacct-own-account-bucket", "EVAL-XACCT", other_user(resource_account=OTHER), ALLOW,
         identity=[allow("s3:*")]),

    # --- root user -----------------------------------------------------------------------------------
    case("root-own-account", "EVAL-ROOT", root(), ALLOW, "root"),
    case("root-iam-action", "EVAL-ROOT", root("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/x"), ALLOW),
    case("root-deny-wins", "EVAL-ROOT", root(), EXPLICIT, resource=deny(principal=aws(ACCOUNT))),
    case("root-other-principal-bucket-policy", "EVAL-ROOT", root(), ALLOW, resource=allow(principal=aws(BOB))),

    # --- KMS key policies ------------------------------------------------------------------------------
    case("default-key-policy-plus-iam", "KMS-KEYPOLICY", user("kms:Decrypt", KEY), ALLOW,
         identity=[allow("kms:Decrypt", KEY)], resource=KEY_POLICY_DEFAULT, kms=True),
    case("default-key-policy-no-iam", "KMS-KEYPOLICY", user("kms:Decrypt", KEY), IMPLICIT, "identity",
         resource=KEY_POLICY_DEFAULT, kms=True),
    case("key-policy-names-user", "KMS-KEYPOLICY", user("kms:Decrypt", KEY), ALLOW, "resource",
         resource=allow("kms:Decrypt", principal=aws(USER)), kms=True),
    case("key-policy-other-user-iam-admin", "KMS-KEYPOLICY", user("kms:Decrypt", KEY), IMPLICIT, "resource",
         identity=[MANAGED["AdministratorAccess"]], resource=allow("kms:*", principal=aws(BOB)), kms=True),
    case("no-key-policy", "KMS-KEYPOLICY", user("kms:Decrypt", KEY), IMPLICIT, "resource",
         identity=[allow("kms:*")], kms=True),
    case("root-default-key-policy", "KMS-KEYPOLICY", root("kms:ScheduleKeyDeletion", KEY), ALLOW,
         resource=KEY_POLICY_DEFAULT, kms=True),
    case("root-no-implicit-access", "KMS-KEYPOLICY", root("kms:Decrypt", KEY), IMPLICIT, "resource",
         resource=allow("kms:*", principal=aws(USER)), kms=True),
    case("key-policy-account-id", "KMS-KEYPOLICY", user("kms:Encrypt", KEY), ALLOW,
         identity=[allow("kms:Encrypt")], resource=allow("kms:*", principal=aws(ACCOUNT)), kms=True),
    case("key-policy-action-scope", "KMS-KEYPOLICY", user("kms:Decrypt", KEY), IMPLICIT, "resource",
         identity=[allow("kms:*")], resource=allow("kms:Encrypt", principal=aws(USER)), kms=True),
    case("key-policy-deny", "KMS-KEYPOLICY", user("kms:Decrypt", KEY), EXPLICIT, "resource",
         identity=[allow("kms:*")],
         resource=doc(stmt("Allow", "kms:*", principal=aws(ROOT)), stmt("Deny", "kms:Decrypt", principal=aws(USER))),
         kms=True),
    case("key-policy-role", "KMS-KEYPOLICY", session("kms:Decrypt", KEY), ALLOW,
         resource=allow("kms:Decrypt", principal=aws(ROLE)), kms=True),
    case("key-policy-role-boundary", "KMS-KEYPOLICY", session("kms:Decrypt", KEY), IMPLICIT,
         "permissions_boundary", boundary=allow("s3:*"), resource=allow("kms:Decrypt", principal=aws(ROLE)),
         kms=True),
    case("key-policy-via-service", "KMS-KEYPOLICY",
         user("kms:GenerateDataKey", KEY, context={"kms:ViaService": "s3.us-east-1.amazonaws.com"}), ALLOW,
         resource=allow("kms:GenerateDataKey", principal=aws(USER),
                        condition={"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}), kms=True),
    case("key-policy-via-service-direct-call", "KMS-KEYPOLICY", user("kms:GenerateDataKey", KEY), IMPLICIT,
         "resource", resource=allow("kms:GenerateDataKey", principal=aws(USER),
                                    condition={"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}),
         kms=True),
    case("key-policy-encryption-context", "KMS-KEYPOLICY",
         user("kms:Decrypt", KEY, context={"kms:EncryptionContext:Department": "IT"}), ALLOW,
         resource=allow("kms:Decrypt", principal=aws(USER),
                        condition={"StringEquals": {"kms:EncryptionContext:Department": "IT"}}), kms=True),
    case("key-policy-caller-account", "KMS-KEYPOLICY",
         user("kms:Decrypt", KEY, context={"kms:CallerAccount": ACCOUNT}), ALLOW,
         resource=allow("kms:Decrypt", principal=aws("*"),
                        condition={"StringEquals": {"kms:CallerAccount": ACCOUNT}}), kms=True),
    case("key-policy-service-principal", "KMS-KEYPOLICY", service("cloudtrail.amazonaws.com", "kms:GenerateDataKey*", KEY),
         ALLOW, resource=allow("kms:GenerateDataKey*", principal={"Service": "cloudtrail.amazonaws.com"}), kms=True),
    case("key-policy-other-service", "KMS-KEYPOLICY", service("config.amazonaws.com", "kms:Decrypt", KEY),
         IMPLICIT, "resource", resource=allow("kms:*", principal={"Service": "cloudtrail.amazonaws.com"}), kms=True),
    case("kms-xacct-account", "KMS-KEYPOLICY", other_user("kms:Decrypt", KEY), ALLOW,
         identity=[allow("kms:Decrypt", KEY)], resource=allow("kms:Decrypt", principal=aws(OTHER_ROOT)), kms=True),
    case("kms-xacct-no-iam", "KMS-KEYPOLICY", other_user("kms:Decrypt", KEY), IMPLICIT, "identity",
         resource=allow("kms:Decrypt", principal=aws(OTHER_ROOT)), kms=True),
    case("kms-xacct-user-named-no-iam", "KMS-KEYPOLICY", other_user("kms:Decrypt", KEY), IMPLICIT, "identity",
         resource=allow("kms:Decrypt", principal=aws(OTHER_USER)), kms=True),
    case("kms-xacct-not-named", "KMS-KEYPOLICY", other_user("kms:Decrypt", KEY), IMPLICIT, "resource",
         identity=[allow("kms:*")], resource=KEY_POLICY_DEFAULT, kms=True),
    case("kms-xacct-root", "KMS-KEYPOLICY", other_root("kms:Decrypt", KEY), ALLOW,
         resource=allow("kms:Decrypt", principal=aws(OTHER)), kms=True),
    case("grant-allows", "KMS-GRANTS", user("kms:Decrypt", KEY), ALLOW, "grant",
         resource=allow("kms:*", principal=aws(BOB)), kms=True, grants=True),
    case("grant-no-key-policy-match", "KMS-GRANTS", other_user("kms:Decrypt", KEY), ALLOW, "grant",
         resource=KEY_POLICY_DEFAULT, kms=True, grants=True),
    case("grant-explicit-deny-wins", "KMS-GRANTS", user("kms:Decrypt", KEY), EXPLICIT, "identity",
         identity=[deny("kms:Decrypt")], resource=KEY_POLICY_DEFAULT, kms=True, grants=True),
    case("lab-second-user-denied", "KMS-KEYPOLICY", user("kms:Decrypt", KEY, arn=BOB), IMPLICIT, "identity",
         identity=[MANAGED["AmazonS3FullAccess"]], resource=KEY_POLICY_DEFAULT, kms=True),

    # --- conditions ----------------------------------------------------------------------------------
    case("username-condition", "COND", user(), ALLOW,
         identity=[allow(condition={"StringEquals": {"aws:username": "alice"}})]),
    case("username-condition-miss", "COND", user(arn=BOB), IMPLICIT,
         identity=[allow(condition={"StringEquals": {"aws:username": "alice"}})]),
    case("condition-key-case-insensitive", "COND", user(), ALLOW,
         identity=[allow(condition={"StringEquals": {"AWS:UserName": "alice"}})]),
    case("principal-tag", "COND", user(principal_tags={"team": "blue"}), ALLOW,
         identity=[allow(condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})]),
    case("principal-tag-miss", "COND", user(principal_tags={"team": "red"}), IMPLICIT,
         identity=[allow(condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})]),
    case("source-ip-allow", "COND", user(context={"aws:SourceIp": "203.0.113.9"}), ALLOW,
         identity=[allow(condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})]),
    case("source-ip-outside", "COND", user(context={"aws:SourceIp": "198.51.100.9"}), IMPLICIT,
         identity=[allow(condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})]),
    case("secure-transport-deny", "COND", user(context={"aws:SecureTransport": False}), EXPLICIT, "resource",
         identity=[allow("s3:*")],
         resource=deny("s3:*", principal="*", condition={"Bool": {"aws:SecureTransport": "false"}})),
    case("secure-transport-ok", "COND", user(context={"aws:SecureTransport": True}), ALLOW,
         identity=[allow("s3:*")],
         resource=deny("s3:*", principal="*", condition={"Bool": {"aws:SecureTransport": "false"}})),
    case("current-time-before", "COND", user(context={"aws:CurrentTime": NOW}), ALLOW,
         identity=[allow(condition={"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}})]),
    case("current-time-after", "COND", user(context={"aws:CurrentTime": NOW}), IMPLICIT,
         identity=[allow(condition={"DateGreaterThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}})]),
    case("null-key-absent", "COND", user(), ALLOW, identity=[allow(condition={"Null": {"aws:TokenIssueTime": "true"}})]),
    case("null-key-present", "COND", session(context={"aws:TokenIssueTime": NOW}), IMPLICIT,
         identity=[allow(condition={"Null": {"aws:TokenIssueTime": "true"}})]),
    case("mfa-if-exists-true-spares", "COND", user(context={"aws:MultiFactorAuthPresent": True}), ALLOW,
         identity=[allow("s3:*"), deny("s3:*", condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})]),
    case("mfa-if-exists-false-denies", "COND", user(context={"aws:MultiFactorAuthPresent": False}), EXPLICIT,
         identity=[allow("s3:*"), deny("s3:*", condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})]),
    case("mfa-if-exists-missing-denies", "COND", user(), EXPLICIT,
         identity=[allow("s3:*"), deny("s3:*", condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})]),
    case("principal-arn-of-session-is-role", "COND", session(), ALLOW,
         identity=[allow(condition={"ArnEquals": {"aws:PrincipalArn": ROLE}})]),
    case("principal-account", "COND", user(), ALLOW,
         resource=allow(principal="*", condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}})),
    case("principal-account-other", "COND", other_user(), IMPLICIT,
         identity=[allow("s3:*")],
         resource=allow(principal="*", condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}})),
    case("resource-account", "COND", user(), ALLOW,
         identity=[allow(condition={"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}})]),
    case("principal-type", "COND", root(), EXPLICIT,
         resource=deny(principal="*", condition={"StringEquals": {"aws:PrincipalType": "Account"}})),
    case("prefix-like-variable", "COND", user("s3:ListBucket", BUCKET, context={"s3:prefix": "home/alice/docs"}),
         ALLOW, identity=[allow("s3:ListBucket", BUCKET, condition={"StringLike": {"s3:prefix": "home/${aws:username}/*"}})]),
    case("prefix-like-variable-other", "COND", user("s3:ListBucket", BUCKET, context={"s3:prefix": "home/bob/"}),
         IMPLICIT, identity=[allow("s3:ListBucket", BUCKET, condition={"StringLike": {"s3:prefix": "home/${aws:username}/*"}})]),
    case("tag-keys-any", "COND", user(context={"aws:TagKeys": ["env", "owner"]}), ALLOW,
         identity=[allow(condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}})]),
    case("tag-keys-all-fails", "COND", user(context={"aws:TagKeys": ["env", "secret"]}), IMPLICIT,
         identity=[allow(condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "owner"]}})]),
    case("two-keys-and", "COND", user(context={"aws:SourceIp": "10.0.0.1"}, principal_tags={"team": "red"}), IMPLICIT,
         identity=[allow(condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                                    "StringEquals": {"aws:PrincipalTag/team": "blue"}})]),
    case("values-or", "COND", user(principal_tags={"team": "red"}), ALLOW,
         identity=[allow(condition={"StringEquals": {"aws:PrincipalTag/team": ["blue", "red"]}})]),
    case("negated-values-nor", "COND", user(principal_tags={"team": "red"}), IMPLICIT,
         identity=[allow(condition={"StringNotEquals": {"aws:PrincipalTag/team": ["blue", "red"]}})]),
    case("negated-missing-key-true", "COND", user(), ALLOW,
         identity=[allow(condition={"StringNotEquals": {"aws:PrincipalTag/team": "blue"}})]),

    # --- variables ------------------------------------------------------------------------------------
    case("username-in-resource", "VARS", user(resource=f"{BUCKET}/home/alice/a.txt"), ALLOW,
         identity=[allow("s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*")]),
    case("username-in-resource-other", "VARS", user(resource=f"{BUCKET}/home/bob/a.txt"), IMPLICIT,
         identity=[allow("s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*")]),
    case("userid-in-resource", "VARS", user(resource=f"{BUCKET}/AIDAALICEEXAMPLE12345/a"), ALLOW,
         identity=[allow("s3:GetObject", f"{BUCKET}/${{aws:userid}}/*")]),
    case("principal-tag-in-resource", "VARS", user(resource=f"{BUCKET}/blue/a", principal_tags={"team": "blue"}),
         ALLOW, identity=[allow("s3:GetObject", f"{BUCKET}/${{aws:PrincipalTag/team}}/*")]),
    case("missing-variable", "VARS", session(resource=f"{BUCKET}/home/x/a"), IMPLICIT,
         identity=[allow("s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*")]),
    case("variable-default", "VARS", session(resource=f"{BUCKET}/home/shared/a"), ALLOW,
         identity=[allow("s3:GetObject", f"{BUCKET}/home/${{aws:username, 'shared'}}/*")]),
    case("variable-literal-in-2008", "VARS", user(resource=f"{BUCKET}/home/alice/a"), IMPLICIT,
         identity=[doc(stmt("Allow", "s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"), version="2008-10-17")]),
    case("special-star-literal", "VARS", user(resource=f"{BUCKET}/a*b"), ALLOW,
         identity=[allow("s3:GetObject", f"{BUCKET}/a${{*}}b")]),
    case("special-star-not-wildcard", "VARS", user(resource=f"{BUCKET}/axyb"), IMPLICIT,
         identity=[allow("s3:GetObject", f"{BUCKET}/a${{*}}b")]),
    case("variable-value-not-wildcard", "VARS", user(arn=f"arn:aws:iam::{ACCOUNT}:user/a*", resource=f"{BUCKET}/home/abc/x"),
         IMPLICIT, identity=[allow("s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*")]),

    # --- services and anonymous callers -----------------------------------------------------------------
    case("anonymous-public-read", "ELEM-PRINCIPAL", anonymous(), ALLOW, "resource", resource=allow(principal="*")),
    case("anonymous-aws-star", "ELEM-PRINCIPAL", anonymous(), ALLOW, resource=allow(principal=aws("*"))),
    case("anonymous-no-policy", "EVAL-DEFAULT", anonymous(), IMPLICIT, "resource"),
    case("anonymous-named-account", "ELEM-PRINCIPAL", anonymous(), IMPLICIT, resource=allow(principal=aws(ACCOUNT))),
    case("anonymous-ignores-identity", "EVAL-DEFAULT", anonymous(), IMPLICIT, identity=[allow("*")]),
    case("service-principal", "ELEM-PRINCIPAL", service(), ALLOW,
         resource=allow("s3:PutObject", principal={"Service": "cloudtrail.amazonaws.com"})),
    case("service-principal-other", "ELEM-PRINCIPAL", service("config.amazonaws.com"), IMPLICIT,
         resource=allow("s3:PutObject", principal={"Service": "cloudtrail.amazonaws.com"})),
    case("service-not-aws-principal", "ELEM-PRINCIPAL", service(), IMPLICIT, resource=allow("s3:PutObject", principal=aws(ACCOUNT))),
    case("trust-policy-user", "ELEM-PRINCIPAL", user("sts:AssumeRole", ROLE), ALLOW, "resource",
         resource=parse_policy(doc(stmt("Allow", "sts:AssumeRole", None, principal=aws(USER))), "trust")),
    case("trust-policy-xacct", "EVAL-XACCT", other_user("sts:AssumeRole", ROLE), ALLOW,
         identity=[allow("sts:AssumeRole", ROLE)],
         resource=parse_policy(doc(stmt("Allow", "sts:AssumeRole", None, principal=aws(OTHER))), "trust")),
    case("trust-policy-xacct-no-identity", "EVAL-XACCT", other_user("sts:AssumeRole", ROLE), IMPLICIT, "identity",
         resource=parse_policy(doc(stmt("Allow", "sts:AssumeRole", None, principal=aws(OTHER))), "trust")),

    # --- AWS managed policies ----------------------------------------------------------------------------
    case("administrator-access", "MANAGED", user("iam:DeleteRole", ROLE), ALLOW, identity=[MANAGED["AdministratorAccess"]]),
    case("power-user-s3", "MANAGED", user(), ALLOW, identity=[MANAGED["PowerUserAccess"]]),
    case("power-user-no-iam", "MANAGED", user("iam:CreateUser", "*"), IMPLICIT, identity=[MANAGED["PowerUserAccess"]]),
    case("power-user-list-roles", "MANAGED", user("iam:ListRoles", "*"), ALLOW, identity=[MANAGED["PowerUserAccess"]]),
    case("read-only-describe-key", "MANAGED", user("kms:DescribeKey", KEY), ALLOW, identity=[MANAGED["ReadOnlyAccess"]]),
    case("read-only-no-decrypt", "MANAGED", user("kms:Decrypt", KEY), IMPLICIT, identity=[MANAGED["ReadOnlyAccess"]]),
    case("read-only-no-put", "MANAGED", user("s3:PutObject"), IMPLICIT, identity=[MANAGED["ReadOnlyAccess"]]),
    case("s3-read-only-get", "MANAGED", user(), ALLOW, identity=[MANAGED["AmazonS3ReadOnlyAccess"]]),
    case("s3-read-only-no-delete", "MANAGED", user("s3:DeleteObject"), IMPLICIT, identity=[MANAGED["AmazonS3ReadOnlyAccess"]]),
    case("s3-full", "MANAGED", user("s3:DeleteBucket", BUCKET), ALLOW, identity=[MANAGED["AmazonS3FullAccess"]]),
    case("s3-full-no-kms", "MANAGED", user("kms:Decrypt", KEY), IMPLICIT, identity=[MANAGED["AmazonS3FullAccess"]]),
    case("kms-power-user-create", "MANAGED", user("kms:CreateKey", "*"), ALLOW,
         identity=[MANAGED["AWSKeyManagementServicePowerUser"]]),
    case("kms-power-user-no-decrypt", "MANAGED", user("kms:Decrypt", KEY), IMPLICIT,
         identity=[MANAGED["AWSKeyManagementServicePowerUser"]]),
    case("kms-power-user-no-delete", "MANAGED", user("kms:ScheduleKeyDeletion", KEY), IMPLICIT,
         identity=[MANAGED["AWSKeyManagementServicePowerUser"]]),
    case("iam-full", "MANAGED", user("iam:CreateUser", "*"), ALLOW, identity=[MANAGED["IAMFullAccess"]]),
    case("iam-full-no-s3", "MANAGED", user(), IMPLICIT, identity=[MANAGED["IAMFullAccess"]]),
]


def test_table_has_enough_cases():
    assert len(CASES) >= 150


@pytest.mark.parametrize("request_, expect, source, policies", CASES)
def test_evaluation(request_, expect, source, policies):
    decision = evaluate(request_, **policies)
    assert decision.kind == expect, decision
    assert decision.allowed == (expect == ALLOW)
    if source is not None:
        assert decision.source == source, decision
    assert (decision.message() == "") == decision.allowed


def test_decision_names_the_denying_statement():
    policy = SourcePolicy(doc(stmt("Allow", "s3:*", sid="All"), stmt("Deny", "s3:GetObject", sid="NoGet")),
                          f"arn:aws:iam::{ACCOUNT}:policy/Guard", "user-managed")
    decision = evaluate(user(), identity_policies=[policy])
    assert decision.statement.sid == "NoGet"
    assert decision.statement.index == 1
    assert decision.statement.policy_id == f"arn:aws:iam::{ACCOUNT}:policy/Guard"
    assert decision.statement.policy_type == "user-managed"
    assert [m.sid for m in decision.matched_statements] == ["All", "NoGet"]


def test_decision_reports_failed_condition_and_missing_keys():
    decision = evaluate(user(), identity_policies=[allow(sid="Tagged", condition={
        "StringEquals": {"aws:PrincipalTag/team": "blue"}, "Bool": {"aws:SecureTransport": "true"}})])
    assert decision.kind == IMPLICIT
    (failed,) = decision.failed_conditions
    assert failed.statement.sid == "Tagged"
    assert {failed.key for failed in decision.failed_conditions} <= {"aws:PrincipalTag/team", "aws:SecureTransport"}
    assert set(decision.missing_context_values) == {"aws:PrincipalTag/team", "aws:SecureTransport"}
