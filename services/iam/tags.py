"""Tags of users, roles and customer managed policies.

Users' and roles' tag keys are told apart regardless of case (a second
"env" replaces "Env"); policies' keys exactly, as IAM does. Listings are in
key order.
"""
from __future__ import annotations

from .errors import InvalidInput, LimitExceeded


def normal(key: str, case_insensitive: bool) -> str:
    return key.lower() if case_insensitive else key


def check(tags: list[dict], case_insensitive: bool) -> None:
    keys = [normal(t["Key"], case_insensitive) for t in tags]
    if len(keys) != len(set(keys)):
        raise InvalidInput(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive."
            if case_insensitive else "Duplicate tag keys found."
        )


def put(db, account_id: str, resource_id: str, tags: list[dict], *, case_insensitive: bool) -> None:
    check(tags, case_insensitive)
    for tag in tags:
        db.execute(
            "INSERT INTO iam_tags VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id, resource_id, key_norm)"
            " DO UPDATE SET key = excluded.key, value = excluded.value",
            (account_id, resource_id, tag["Key"], normal(tag["Key"], case_insensitive), tag.get("Value", "")),
        )
    count = db.execute(
        "SELECT COUNT(*) FROM iam_tags WHERE account_id = ? AND resource_id = ?", (account_id, resource_id)
    ).fetchone()[0]
    if count > 50:
        raise LimitExceeded("The number of tags has reached the maximum limit.")


def remove(db, account_id: str, resource_id: str, keys: list[str], *, case_insensitive: bool) -> None:
    for key in keys:
        db.execute(
            "DELETE FROM iam_tags WHERE account_id = ? AND resource_id = ? AND key_norm = ?",
            (account_id, resource_id, normal(key, case_insensitive)),
        )


def listed(db, account_id: str, resource_id: str) -> list[dict]:
    rows = db.execute(
        "SELECT key, value FROM iam_tags WHERE account_id = ? AND resource_id = ? ORDER BY key",
        (account_id, resource_id),
    ).fetchall()
    return [{"Key": r["key"], "Value": r["value"]} for r in rows]


def drop_all(db, account_id: str, resource_id: str) -> None:
    db.execute("DELETE FROM iam_tags WHERE account_id = ? AND resource_id = ?", (account_id, resource_id))
