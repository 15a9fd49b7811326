"""IAM users' access keys.

They live in the platform's ``credentials`` table, the one authentication
reads, so a key works the moment CreateAccessKey returns, and stops working
the moment it is made Inactive or deleted. The secret is returned once, by
CreateAccessKey, and stored only sealed by the server's root key.
"""
from __future__ import annotations

from simulator.accounts import new_secret_access_key
from simulator.context import Principal

from . import entities
from .errors import NoSuchEntity, quota
from .identifiers import access_key_id

MAX_KEYS = 2
_OWNED = "account_id = ? AND user_id = ? AND principal_type = 'IAMUser' AND session_token_hash IS NULL"


def create(db, accounts, user) -> dict:
    account_id, user_id = user["account_id"], user["entity_id"]
    count = db.execute(f"SELECT COUNT(*) FROM credentials WHERE {_OWNED}", (account_id, user_id)).fetchone()[0]
    if count >= MAX_KEYS:
        raise quota("AccessKeysPerUser", MAX_KEYS)
    key_id, secret = access_key_id(account_id), new_secret_access_key()
    principal = Principal(account_id=account_id, arn=entities.arn(user), type="IAMUser", user_id=user_id, name=user["name"])
    accounts.add_credential(db, key_id, secret, principal)
    row = _find(db, user, key_id)
    return {"UserName": user["name"], "AccessKeyId": key_id, "Status": "Active", "SecretAccessKey": secret,
            "CreateDate": entities.when(row["created"])}


def _find(db, user, key_id: str):
    row = db.execute(f"SELECT * FROM credentials WHERE access_key_id = ? AND {_OWNED}",
                     (key_id, user["account_id"], user["entity_id"])).fetchone()
    if row is None:
        raise NoSuchEntity(f"The Access Key with id {key_id} cannot be found.")
    return row


def update_status(db, user, key_id: str, status: str) -> None:
    _find(db, user, key_id)
    db.execute("UPDATE credentials SET status = ? WHERE access_key_id = ?", (status, key_id))


def delete(db, user, key_id: str) -> None:
    _find(db, user, key_id)
    db.execute("DELETE FROM credentials WHERE access_key_id = ?", (key_id,))


def listed(db, user) -> list[dict]:
    rows = db.execute(f"SELECT * FROM credentials WHERE {_OWNED} ORDER BY created, access_key_id",
                      (user["account_id"], user["entity_id"])).fetchall()
    return [{"UserName": user["name"], "AccessKeyId": r["access_key_id"], "Status": r["status"],
             "CreateDate": entities.when(r["created"])} for r in rows]


def last_used(db, account_id: str, key_id: str) -> dict | None:
    """GetAccessKeyLastUsed's answer for a key of this account's users, or
    None when the account has no such key."""
    row = db.execute("SELECT * FROM credentials WHERE access_key_id = ? AND account_id = ? AND principal_type = 'IAMUser'"
                     " AND session_token_hash IS NULL", (key_id, account_id)).fetchone()
    if row is None:
        return None
    if row["last_used"] is None:
        used = {"ServiceName": "N/A", "Region": "N/A"}
    else:
        used = {"LastUsedDate": entities.when(row["last_used"]), "ServiceName": row["last_used_service"] or "N/A",
                "Region": row["last_used_region"] or "N/A"}
    return {"UserName": row["principal_name"], "AccessKeyLastUsed": used}
