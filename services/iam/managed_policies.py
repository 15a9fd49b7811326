"""Managed policies: the account's own (customer managed, stored with their
versions) and AWS's (shipped as data in ``policies.managed``, the same in
every account), attached to users, groups and roles.

A customer managed policy keeps up to five versions; version ids count up
and are never reused; exactly one is the default, the one in effect.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import hashlib

from policies.managed import managed_policies

from . import documents
from .errors import DeleteConflict, EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity, ValidationError
from .errors import no_such_policy, no_such_version, not_attachable, quota
from .identifiers import POLICY_ID_PREFIX, parse_policy_arn, policy_arn, unique_id

MAX_VERSIONS = 5
ATTACHMENT_QUOTA = {"user": "PoliciesPerUser", "group": "PoliciesPerGroup", "role": "PoliciesPerRole"}
MAX_ATTACHED = 10
# AWS managed policies show the date AWS first published them; ours are all
# from IAM's managed-policy launch.
_AWS_POLICY_DATE = _dt.datetime(2015, 2, 6, 18, 39, 46, tzinfo=_dt.timezone.utc)
_UTC = _dt.timezone.utc


@dataclasses.dataclass(frozen=True)
class ManagedPolicy:
    """One managed policy as IAM describes it, whoever owns it."""

    arn: str
    name: str
    path: str
    policy_id: str
    description: str | None
    default_version: str
    created: _dt.datetime
    updated: _dt.datetime
    aws_managed: bool

    @property
    def source_type(self) -> str:
        """SimulatePrincipalPolicy's SourcePolicyType."""
        return "aws-managed" if self.aws_managed else "user-managed"


def _aws_policy_id(arn: str) -> str:
    # Stable across servers: derived from the ARN.
    return POLICY_ID_PREFIX + base64.b32encode(hashlib.sha256(arn.encode()).digest()).decode()[:17]


def _aws_policies() -> dict[str, object]:
    return {p.arn: p for p in managed_policies().values()}


def _from_aws(data) -> ManagedPolicy:
    return ManagedPolicy(data.arn, data.name, data.path, _aws_policy_id(data.arn), data.description, "v1",
                         _AWS_POLICY_DATE, _AWS_POLICY_DATE, True)


def _from_row(row) -> ManagedPolicy:
    return ManagedPolicy(row["arn"], row["name"], row["path"], row["policy_id"], row["description"],
                         row["default_version"], _when(row["created"]), _when(row["updated"]), False)


def _when(epoch: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(epoch, _UTC)


def checked_arn(arn: str, error=ValidationError) -> str:
    """The ARN if it is shaped like a managed policy's; ``error`` (IAM uses
    ValidationError or InvalidInput depending on the operation) if not."""
    if parse_policy_arn(arn) is None:
        raise error(f"ARN {arn} is not valid.")
    return arn


def lookup(db, account_id: str, arn: str) -> ManagedPolicy | None:
    parsed = parse_policy_arn(arn)
    if parsed is None:
        return None
    if parsed[0] == "aws":
        data = _aws_policies().get(arn)
        return _from_aws(data) if data else None
    if parsed[0] != account_id:
        return None
    row = db.execute("SELECT * FROM iam_policies WHERE account_id = ? AND arn = ?", (account_id, arn)).fetchone()
    return _from_row(row) if row else None


def get(db, account_id: str, arn: str) -> ManagedPolicy:
    policy = lookup(db, account_id, checked_arn(arn))
    if policy is None:
        raise no_such_policy(arn)
    return policy


def customer_policy(db, account_id: str, arn: str) -> ManagedPolicy:
    """A policy this account may change: AWS's are read-only."""
    policy = get(db, account_id, arn)
    if policy.aws_managed:
        raise InvalidInput(f"Cannot modify AWS managed policy {arn}.")
    return policy


def document(db, account_id: str, policy: ManagedPolicy, version_id: str | None = None) -> str:
    if policy.aws_managed:
        if version_id not in (None, "v1"):
            raise no_such_version(policy.arn, version_id)
        return _aws_policies()[policy.arn].document
    row = db.execute(
        "SELECT document FROM iam_policy_versions WHERE account_id = ? AND arn = ? AND version_id = ?",
        (account_id, policy.arn, version_id or policy.default_version),
    ).fetchone()
    if row is None:
        raise no_such_version(policy.arn, version_id)
    return row["document"]


def versions(db, account_id: str, policy: ManagedPolicy) -> list[dict]:
    """Newest first, as IAM lists them."""
    if policy.aws_managed:
        return [{"VersionId": "v1", "IsDefaultVersion": True, "CreateDate": policy.created,
                 "Document": _aws_policies()[policy.arn].document}]
    rows = db.execute(
        "SELECT * FROM iam_policy_versions WHERE account_id = ? AND arn = ? ORDER BY number DESC",
        (account_id, policy.arn),
    ).fetchall()
    return [{"VersionId": r["version_id"], "IsDefaultVersion": r["version_id"] == policy.default_version,
             "CreateDate": _when(r["created"]), "Document": r["document"]} for r in rows]


def create(db, account_id: str, name: str, path: str, text: str, description: str | None, now: float) -> ManagedPolicy:
    documents.validated(text, max_size=documents.MANAGED_POLICY_SIZE, managed=True)
    if db.execute("SELECT 1 FROM iam_policies WHERE account_id = ? AND name = ? COLLATE NOCASE",
                  (account_id, name)).fetchone():
        raise EntityAlreadyExists(f"A policy called {name} already exists. Duplicate names are not allowed.")
    arn = policy_arn(account_id, path, name)
    db.execute("INSERT INTO iam_policies VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'v1', 2)",
               (account_id, arn, unique_id(POLICY_ID_PREFIX), name, path, description, now, now))
    db.execute("INSERT INTO iam_policy_versions VALUES (?, ?, 'v1', 1, ?, ?)", (account_id, arn, text, now))
    return get(db, account_id, arn)


def create_version(db, account_id: str, policy: ManagedPolicy, text: str, set_default: bool, now: float) -> dict:
    documents.validated(text, max_size=documents.MANAGED_POLICY_SIZE, managed=True)
    count = db.execute("SELECT COUNT(*) FROM iam_policy_versions WHERE account_id = ? AND arn = ?",
                       (account_id, policy.arn)).fetchone()[0]
    if count >= MAX_VERSIONS:
        raise LimitExceeded(f"A managed policy can have up to {MAX_VERSIONS} versions. "
                            "Before you create a new version, you must delete an existing version.")
    number = db.execute("SELECT next_version FROM iam_policies WHERE account_id = ? AND arn = ?",
                        (account_id, policy.arn)).fetchone()[0]
    version_id = f"v{number}"
    db.execute("INSERT INTO iam_policy_versions VALUES (?, ?, ?, ?, ?, ?)",
               (account_id, policy.arn, version_id, number, text, now))
    db.execute("UPDATE iam_policies SET next_version = ?, updated = ? WHERE account_id = ? AND arn = ?",
               (number + 1, now, account_id, policy.arn))
    if set_default:
        set_default_version(db, account_id, policy, version_id, now)
    return {"VersionId": version_id, "IsDefaultVersion": set_default, "CreateDate": _when(now)}


def set_default_version(db, account_id: str, policy: ManagedPolicy, version_id: str, now: float) -> None:
    document(db, account_id, policy, version_id)  # NoSuchEntity if absent
    db.execute("UPDATE iam_policies SET default_version = ?, updated = ? WHERE account_id = ? AND arn = ?",
               (version_id, now, account_id, policy.arn))


def delete_version(db, account_id: str, policy: ManagedPolicy, version_id: str) -> None:
    document(db, account_id, policy, version_id)
    if version_id == policy.default_version:
        raise DeleteConflict("Cannot delete the default version of a policy.")
    db.execute("DELETE FROM iam_policy_versions WHERE account_id = ? AND arn = ? AND version_id = ?",
               (account_id, policy.arn, version_id))


def delete(db, account_id: str, policy: ManagedPolicy) -> None:
    if attachment_count(db, account_id, policy.arn) or boundary_count(db, account_id, policy.arn):
        raise DeleteConflict("Cannot delete a policy attached to entities.")
    if db.execute("SELECT COUNT(*) FROM iam_policy_versions WHERE account_id = ? AND arn = ?",
                  (account_id, policy.arn)).fetchone()[0] > 1:
        raise DeleteConflict("This policy has more than one version. Before you delete a policy, you must delete "
                             "the policy's versions. The default version is deleted with the policy.")
    for table in ("iam_policy_versions", "iam_policies"):
        db.execute(f"DELETE FROM {table} WHERE account_id = ? AND arn = ?", (account_id, policy.arn))
    db.execute("DELETE FROM iam_tags WHERE account_id = ? AND resource_id = ?", (account_id, policy.arn))


def attachment_count(db, account_id: str, arn: str) -> int:
    return db.execute("SELECT COUNT(*) FROM iam_attachments WHERE account_id = ? AND policy_arn = ?",
                      (account_id, arn)).fetchone()[0]


def boundary_count(db, account_id: str, arn: str) -> int:
    return db.execute("SELECT COUNT(*) FROM iam_entities WHERE account_id = ? AND permissions_boundary = ?",
                      (account_id, arn)).fetchone()[0]


def listing(db, account_id: str, scope: str = "All") -> list[ManagedPolicy]:
    found = []
    if scope in ("All", "AWS"):
        found += [_from_aws(p) for p in _aws_policies().values()]
    if scope in ("All", "Local"):
        rows = db.execute("SELECT * FROM iam_policies WHERE account_id = ?", (account_id,)).fetchall()
        found += [_from_row(r) for r in rows]
    return sorted(found, key=lambda p: (p.name.lower(), p.name))


# -- attachments -----------------------------------------------------------------

def attach(db, entity, arn: str, now: float) -> None:
    account_id = entity["account_id"]
    # InvalidInput, as AWS answers a policy name given for the ARN (localstack's AWS-validated IAM snapshots).
    if lookup(db, account_id, checked_arn(arn, InvalidInput)) is None:
        raise not_attachable(arn)
    attached = attached_arns(db, account_id, entity["entity_id"])
    if arn in attached:
        return
    if len(attached) >= MAX_ATTACHED:
        raise quota(ATTACHMENT_QUOTA[entity["kind"]], MAX_ATTACHED)
    db.execute("INSERT INTO iam_attachments VALUES (?, ?, ?, ?)", (account_id, entity["entity_id"], arn, now))


def detach(db, entity, arn: str) -> None:
    checked_arn(arn)
    gone = db.execute("DELETE FROM iam_attachments WHERE account_id = ? AND entity_id = ? AND policy_arn = ?",
                      (entity["account_id"], entity["entity_id"], arn)).rowcount
    if not gone:
        raise no_such_policy(arn)


def attached_arns(db, account_id: str, entity_id: str) -> list[str]:
    rows = db.execute("SELECT policy_arn FROM iam_attachments WHERE account_id = ? AND entity_id = ? ORDER BY attached, rowid",
                      (account_id, entity_id)).fetchall()
    return [r[0] for r in rows]


def attached(db, account_id: str, entity_id: str, path_prefix: str | None = None) -> list[dict]:
    """AttachedPolicies of an entity: [{PolicyName, PolicyArn}]."""
    out = []
    for arn in attached_arns(db, account_id, entity_id):
        _, path, name = parse_policy_arn(arn)
        if path.startswith(path_prefix or "/"):
            out.append({"PolicyName": name, "PolicyArn": arn})
    return out


def boundary_policy(db, account_id: str, arn: str) -> str:
    """Check a permissions boundary ARN: InvalidInput if malformed,
    NoSuchEntity if no such managed policy."""
    checked_arn(arn, InvalidInput)
    if lookup(db, account_id, arn) is None:
        raise NoSuchEntity(f"Scope ARN: {arn} does not exist or is not attachable.")
    return arn
