"""Inline policies: documents embedded in one user, group or role.

Their size counts against a quota per entity, summed over all its inline
policies (UserPolicySize 2048, GroupPolicySize 5120, RolePolicySize 10240).
"""
from __future__ import annotations

from . import documents
from .errors import NoSuchEntity, quota

_LABEL = {"user": "user", "group": "group", "role": "role"}


def put(db, entity, name: str, text: str) -> None:
    documents.validated(text)
    account_id, entity_id = entity["account_id"], entity["entity_id"]
    others = db.execute(
        "SELECT document FROM iam_inline_policies WHERE account_id = ? AND entity_id = ? AND name != ?",
        (account_id, entity_id, name),
    ).fetchall()
    quota_name, limit = documents.INLINE_QUOTA[entity["kind"]]
    if documents.size(text) + sum(documents.size(r[0]) for r in others) > limit:
        raise quota(quota_name, limit)
    db.execute(
        "INSERT INTO iam_inline_policies VALUES (?, ?, ?, ?)"
        " ON CONFLICT(account_id, entity_id, name) DO UPDATE SET document = excluded.document",
        (account_id, entity_id, name, text),
    )


def get(db, entity, name: str) -> str:
    row = db.execute(
        "SELECT document FROM iam_inline_policies WHERE account_id = ? AND entity_id = ? AND name = ?",
        (entity["account_id"], entity["entity_id"], name),
    ).fetchone()
    if row is None:
        raise NoSuchEntity(f"The {_LABEL[entity['kind']]} policy with name {name} cannot be found.")
    return row[0]


def delete(db, entity, name: str) -> None:
    get(db, entity, name)
    db.execute(
        "DELETE FROM iam_inline_policies WHERE account_id = ? AND entity_id = ? AND name = ?",
        (entity["account_id"], entity["entity_id"], name),
    )


def listed(db, account_id: str, entity_id: str) -> list[tuple[str, str]]:
    """(name, document) pairs in name order."""
    rows = db.execute(
        "SELECT name, document FROM iam_inline_policies WHERE account_id = ? AND entity_id = ? ORDER BY name",
        (account_id, entity_id),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]
