"""What the policy engine needs to know about a caller, read from IAM.

For the authorization point: the identity-based policies that apply to a
principal (its own inline and attached managed policies, and for users
those of their groups; for role sessions the role's), its permissions
boundary, its session policies, its tags, and a role's trust policy. Each
function takes the request context, the Store or an open connection.
Policies come back as :class:`policies.SourcePolicy` (document text, the id
IAM reports it under, SimulatePrincipalPolicy's source type).
"""
from __future__ import annotations

import re

from policies.document import parse_policy
from policies.evaluation import SourcePolicy

from . import entities, inline_policies, managed_policies
from .identifiers import ROLE, USER


def _db(source):
    store = getattr(source, "store", source)
    return store.read() if hasattr(store, "read") else store


def role_arn(principal) -> str | None:
    """The role (with its path) behind an assumed-role session."""
    return (principal.session or {}).get("role_arn") if principal.type == "AssumedRole" else None


def _entity(db, principal):
    """The IAM user or role whose policies apply, or None (root, unknown)."""
    if principal.type == "IAMUser":
        return entities.find_by_id(db, principal.account_id, principal.user_id)
    if principal.type == "AssumedRole":
        return entities.find_by_id(db, principal.account_id, principal.user_id.split(":", 1)[0])
    return None


def _managed(db, account_id: str, entity_id: str) -> list[SourcePolicy]:
    out = []
    for arn in managed_policies.attached_arns(db, account_id, entity_id):
        policy = managed_policies.lookup(db, account_id, arn)
        if policy is not None:
            out.append(SourcePolicy(managed_policies.document(db, account_id, policy), arn, policy.source_type))
    return out


def _own(db, row) -> list[SourcePolicy]:
    inline = [SourcePolicy(text, name, row["kind"])
              for name, text in inline_policies.listed(db, row["account_id"], row["entity_id"])]
    return inline + _managed(db, row["account_id"], row["entity_id"])


def identity_policies(source, principal) -> list[SourcePolicy]:
    """Every identity-based policy in force for the principal; [] for root."""
    db = _db(source)
    row = _entity(db, principal)
    if row is None:
        return []
    found = _own(db, row)
    if row["kind"] == USER:
        groups = db.execute(
            "SELECT e.* FROM iam_group_members m JOIN iam_entities e ON e.account_id = m.account_id"
            " AND e.entity_id = m.group_id WHERE m.account_id = ? AND m.user_id = ? ORDER BY e.name",
            (row["account_id"], row["entity_id"]),
        ).fetchall()
        for group in groups:
            found += _own(db, group)
    return found


def permissions_boundary(source, principal) -> SourcePolicy | None:
    db = _db(source)
    row = _entity(db, principal)
    if row is None or not row["permissions_boundary"]:
        return None
    policy = managed_policies.lookup(db, row["account_id"], row["permissions_boundary"])
    if policy is None:
        return None
    return SourcePolicy(managed_policies.document(db, row["account_id"], policy), policy.arn, policy.source_type)


def session_policies(source, principal) -> list[SourcePolicy]:
    """The session policies of temporary credentials (AssumeRole's Policy and
    PolicyArns): they limit what the role's policies grant."""
    session = principal.session or {}
    db = _db(source)
    out = []
    if session.get("policy"):
        out.append(SourcePolicy(session["policy"], "SessionPolicy", "none"))
    for arn in session.get("policy_arns", ()):
        policy = managed_policies.lookup(db, principal.account_id, arn)
        if policy is not None:
            out.append(SourcePolicy(managed_policies.document(db, principal.account_id, policy), arn, policy.source_type))
    return out


def principal_tags(source, principal) -> dict[str, str]:
    """aws:PrincipalTag values: the user's or role's tags, overridden by the
    session tags of an assumed-role session."""
    db = _db(source)
    row = _entity(db, principal)
    found = {}
    if row is not None:
        found = {r["key"]: r["value"] for r in db.execute(
            "SELECT key, value FROM iam_tags WHERE account_id = ? AND resource_id = ?",
            (row["account_id"], row["entity_id"]))}
    for key, value in ((principal.session or {}).get("tags") or {}).items():
        for existing in [k for k in found if k.lower() == key.lower()]:
            del found[existing]
        found[key] = value
    return found


def trust_policy(source, account_id: str, role_name: str) -> str | None:
    """A role's trust policy (AssumeRolePolicyDocument) by role name."""
    db = _db(source)
    row = db.execute("SELECT trust_policy FROM iam_entities WHERE account_id = ? AND kind = ? AND name = ? COLLATE NOCASE",
                     (account_id, ROLE, role_name)).fetchone()
    return row[0] if row else None


__all__ = ["identity_policies", "permissions_boundary", "session_policies", "principal_tags", "trust_policy", "role_arn"]


_ENTITY_ARN = re.compile(r"arn:([a-z-]+):iam::(\d{12}):(user|role)/(.*)")


def unknown(db, document: str, kind: str) -> list[str]:
    """The IAM users and roles a resource or trust policy names as
    principals (Principal, NotPrincipal) that do not exist. AWS turns each
    into the entity's unique id when it saves the policy, so it refuses one it
    cannot find: S3 with "Invalid principal in policy", IAM naming the
    principal, KMS with "one or more invalid principals". ``document`` must
    already be valid for the policy engine."""
    named = set().union(*(element.arns for element in parse_policy(document, kind).principals))
    missing = []
    for arn in sorted(named):
        m = _ENTITY_ARN.fullmatch(arn)
        if m is None:  # an account's root, a session, a federated user: nothing to look up
            continue
        partition, account_id, entity_kind, rest = m.groups()
        folders, _, name = rest.rpartition("/")
        path = f"/{folders}/" if folders else "/"
        row = db.execute("SELECT path FROM iam_entities WHERE account_id = ? AND kind = ? AND name = ? COLLATE NOCASE",
                         (account_id, entity_kind, name)).fetchone() if name else None
        if partition != "aws" or row is None or row[0] != path:
            missing.append(arn)
    return missing
