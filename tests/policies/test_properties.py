"""Invariants of the evaluation logic, checked on generated policies:

- an explicit deny always wins;
- adding an Allow statement (to an identity policy, a new identity policy or
  the resource policy) never turns an allow into a deny;
- removing a policy that holds only Allow statements (an identity policy or
  the resource policy) never widens access. (Removing a Deny, a permissions
  boundary or a session policy can widen access, by design.)
"""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from policies import evaluate
from policy_builders import (
    ACCOUNT, BUCKET, KEY, OBJECT, OTHER, OTHER_USER, ROLE, SESSION, USER, anonymous, aws, other_session,
    other_user, root, session, user,
)

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:*", "s3:Get*", "kms:Decrypt", "kms:*", "*"]
RESOURCES = ["*", OBJECT, f"{BUCKET}/*", "arn:aws:s3:::other/*", KEY, "arn:aws:kms:*:*:key/*"]
PRINCIPALS = ["*", aws(USER), aws(ACCOUNT), aws(ROLE), aws(SESSION), aws(OTHER_USER), aws(OTHER)]
CONDITIONS = [
    None,
    {"StringEquals": {"aws:username": "alice"}},
    {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringNotEqualsIfExists": {"aws:PrincipalTag/team": "red"}},
]
CONTEXTS = [{}, {"aws:SourceIp": "10.1.1.1", "aws:SecureTransport": True}, {"aws:SourceIp": "192.0.2.1"}]
REQUESTERS = [user, session, root, other_user, other_session, anonymous]


@st.composite
def statements(draw, effect=None, with_principal=False):
    statement = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    actions = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2))
    statement["NotAction" if draw(st.booleans()) and "*" not in actions else "Action"] = actions
    resources = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2))
    statement["NotResource" if draw(st.integers(0, 4)) == 0 and "*" not in resources else "Resource"] = resources
    condition = draw(st.sampled_from(CONDITIONS))
    if condition:
        statement["Condition"] = condition
    if with_principal:
        statement["Principal"] = draw(st.sampled_from(PRINCIPALS))
    return statement


def document(statement_list) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statement_list})


@st.composite
def scenarios(draw, allow_only=False):
    effect = "Allow" if allow_only else None
    identity = draw(st.lists(st.lists(statements(effect), min_size=1, max_size=3), max_size=3))
    resource = draw(st.one_of(st.none(), st.lists(statements(effect, with_principal=True), min_size=1, max_size=3)))
    boundary = draw(st.one_of(st.none(), st.lists(statements(effect), min_size=1, max_size=2)))
    session_policy = draw(st.one_of(st.none(), st.lists(statements(effect), min_size=1, max_size=2)))
    requester = draw(st.sampled_from(REQUESTERS))
    request = requester(draw(st.sampled_from(["s3:GetObject", "s3:PutObject", "kms:Decrypt"])),
                        draw(st.sampled_from([OBJECT, KEY])), context=draw(st.sampled_from(CONTEXTS)))
    return {
        "request": request,
        "identity": identity,
        "resource": resource,
        "boundary": boundary,
        "session": session_policy,
        "kms": draw(st.booleans()),
        "grants": draw(st.booleans()),
    }


def decide(s):
    return evaluate(
        s["request"],
        identity_policies=[document(p) for p in s["identity"]],
        resource_policy=None if s["resource"] is None else document(s["resource"]),
        permissions_boundary=None if s["boundary"] is None else document(s["boundary"]),
        session_policies=[] if s["session"] is None else [document(s["session"])],
        service_kind="kms" if s["kms"] else None,
        grants_allow=s["grants"],
    )


DENY_ALL = {"Effect": "Deny", "Action": "*", "Resource": "*"}


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.sampled_from(["identity", "resource", "boundary", "session"]))
def test_explicit_deny_always_wins(s, where):
    if where == "identity":
        s["identity"] = s["identity"] + [[DENY_ALL]]
    elif where == "resource":
        s["resource"] = (s["resource"] or []) + [{**DENY_ALL, "Principal": "*"}]
    else:
        if s[where] is None:
            s[where] = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        s[where] = s[where] + [DENY_ALL]
    if s["request"].principal_type == "Anonymous" and where != "resource":
        return  # anonymous callers have no identity, boundary or session policies
    decision = decide(s)
    assert decision.kind == "explicit_deny"
    assert not decision.allowed


@settings(max_examples=300, deadline=None)
@given(scenarios(), statements("Allow"), statements("Allow", with_principal=True),
       st.sampled_from(["identity-statement", "identity-policy", "resource"]))
def test_adding_an_allow_never_denies(s, extra, extra_resource, where):
    before = decide(s)
    if where == "identity-statement" and s["identity"]:
        s["identity"] = [s["identity"][0] + [extra]] + s["identity"][1:]
    elif where == "resource":
        s["resource"] = (s["resource"] or []) + [extra_resource]
    else:
        s["identity"] = s["identity"] + [[extra]]
    after = decide(s)
    if before.allowed:
        assert after.allowed, (before, after)


@settings(max_examples=300, deadline=None)
@given(scenarios(allow_only=True), st.integers(min_value=0, max_value=3))
def test_removing_an_allow_only_policy_never_widens(s, which):
    before = decide(s)
    if which < len(s["identity"]):
        s["identity"] = s["identity"][:which] + s["identity"][which + 1:]
    else:
        s["resource"] = None
    after = decide(s)
    if not before.allowed:
        assert not after.allowed, (before, after)


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_decision_is_consistent(s):
    decision = decide(s)
    assert decision.allowed == (decision.kind == "allow")
    if decision.kind == "explicit_deny":
        assert decision.statement is not None and decision.statement.effect == "Deny"
        assert decision.statement in decision.matched_statements
    if not decision.allowed:
        assert "is not authorized to perform" in decision.message()
