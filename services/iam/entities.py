"""Users, groups and roles: the IAM identities, kept in one table.

Each has a unique id, a name unique in its account regardless of case, a
path and an ARN built from both. What differs (a role's trust policy, a
user's login profile and access keys) is handled by the caller; this module
finds, creates, renames and deletes them and says what stands in the way of
a deletion, in IAM's words.
"""
from __future__ import annotations

import datetime as _dt

from .errors import DeleteConflict, EntityAlreadyExists, no_such_group, no_such_role, no_such_user
from .identifiers import GROUP, ID_PREFIX, ROLE, USER, entity_arn, unique_id

LABEL = {USER: "User", GROUP: "Group", ROLE: "Role"}
_NOT_FOUND = {USER: no_such_user, GROUP: no_such_group, ROLE: no_such_role}


def when(epoch: float | None) -> _dt.datetime | None:
    return None if epoch is None else _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc)


def arn(row) -> str:
    return entity_arn(row["account_id"], row["kind"], row["path"], row["name"])


def find(db, account_id: str, kind: str, name: str):
    row = db.execute(
        "SELECT * FROM iam_entities WHERE account_id = ? AND kind = ? AND name = ? COLLATE NOCASE",
        (account_id, kind, name),
    ).fetchone()
    if row is None:
        raise _NOT_FOUND[kind](name)
    return row


def find_by_id(db, account_id: str, entity_id: str):
    return db.execute(
        "SELECT * FROM iam_entities WHERE account_id = ? AND entity_id = ?", (account_id, entity_id)
    ).fetchone()


def create(db, account_id: str, kind: str, name: str, path: str, now: float, **columns):
    if db.execute(
        "SELECT 1 FROM iam_entities WHERE account_id = ? AND kind = ? AND name = ? COLLATE NOCASE",
        (account_id, kind, name),
    ).fetchone():
        raise EntityAlreadyExists(f"{LABEL[kind]} with name {name} already exists.")
    entity_id = unique_id(ID_PREFIX[kind])
    names = ["account_id", "kind", "entity_id", "name", "path", "created", *columns]
    db.execute(
        f"INSERT INTO iam_entities ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        (account_id, kind, entity_id, name, path, now, *columns.values()),
    )
    return find_by_id(db, account_id, entity_id)


def listing(db, account_id: str, kind: str, path_prefix: str | None = None) -> list:
    rows = db.execute(
        "SELECT * FROM iam_entities WHERE account_id = ? AND kind = ? ORDER BY name COLLATE NOCASE, name",
        (account_id, kind),
    ).fetchall()
    return [r for r in rows if r["path"].startswith(path_prefix or "/")]


def update(db, row, *, new_name: str | None = None, new_path: str | None = None):
    """Rename and/or move an entity. Its id stays, so attachments, inline
    policies, memberships and tags follow; a user's access keys and session
    credentials show the new ARN at once."""
    name = new_name or row["name"]
    path = new_path or row["path"]
    if new_name and new_name.lower() != row["name"].lower() and db.execute(
        "SELECT 1 FROM iam_entities WHERE account_id = ? AND kind = ? AND name = ? COLLATE NOCASE",
        (row["account_id"], row["kind"], new_name),
    ).fetchone():
        raise EntityAlreadyExists(f"{LABEL[row['kind']]} with name {new_name} already exists.")
    db.execute(
        "UPDATE iam_entities SET name = ?, path = ? WHERE account_id = ? AND entity_id = ?",
        (name, path, row["account_id"], row["entity_id"]),
    )
    if row["kind"] == USER:
        db.execute(
            "UPDATE credentials SET principal_arn = ?, principal_name = ? WHERE account_id = ? AND user_id = ?",
            (entity_arn(row["account_id"], USER, path, name), name, row["account_id"], row["entity_id"]),
        )
    return find_by_id(db, row["account_id"], row["entity_id"])


def _exists(db, sql: str, *args) -> bool:
    return db.execute(sql, args).fetchone() is not None


def delete(db, row) -> None:
    """Delete an entity that nothing depends on any more; DeleteConflict
    naming the first thing still in the way otherwise."""
    account_id, entity_id = row["account_id"], row["entity_id"]
    if row["kind"] == USER:
        if _exists(db, "SELECT 1 FROM iam_login_profiles WHERE account_id = ? AND user_id = ?", account_id, entity_id):
            raise DeleteConflict("Cannot delete entity, must delete login profile first.")
        if _exists(
            db,
            "SELECT 1 FROM credentials WHERE account_id = ? AND user_id = ? AND session_token_hash IS NULL",
            account_id,
            entity_id,
        ):
            raise DeleteConflict("Cannot delete entity, must delete access keys first.")
    if row["kind"] in (USER, GROUP) and _exists(
        db,
        f"SELECT 1 FROM iam_group_members WHERE account_id = ? AND {'user_id' if row['kind'] == USER else 'group_id'} = ?",
        account_id,
        entity_id,
    ):
        raise DeleteConflict("Cannot delete entity, must remove users from group first.")
    if _exists(db, "SELECT 1 FROM iam_inline_policies WHERE account_id = ? AND entity_id = ?", account_id, entity_id):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if _exists(db, "SELECT 1 FROM iam_attachments WHERE account_id = ? AND entity_id = ?", account_id, entity_id):
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    db.execute("DELETE FROM iam_tags WHERE account_id = ? AND resource_id = ?", (account_id, entity_id))
    db.execute("DELETE FROM iam_entities WHERE account_id = ? AND entity_id = ?", (account_id, entity_id))
    if row["kind"] == USER:
        db.execute("DELETE FROM iam_password_history WHERE account_id = ? AND user_id = ?", (account_id, entity_id))
        # Session credentials the user obtained (GetSessionToken) die with it.
        db.execute("DELETE FROM credentials WHERE account_id = ? AND user_id = ?", (account_id, entity_id))


def boundary(row) -> dict | None:
    if not row["permissions_boundary"]:
        return None
    return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": row["permissions_boundary"]}
