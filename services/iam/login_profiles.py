"""Login profiles: an IAM user's console password.

Stored only as an scrypt hash with a random salt per password (never the
password, never a fast hash), as ``scrypt$n$r$p$salt$hash`` in base64.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from . import entities, password_policy
from .errors import AccessDenied, EntityAlreadyExists, NoSuchEntity

_N, _R, _P = 2**14, 8, 1
# PasswordReusePrevention's upper bound: older hashes are never needed.
_HISTORY = 24


def password_hash(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def password_matches(password: str, stored: str) -> bool:
    scheme, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(base64.b64decode(digest)))
    return scheme == "scrypt" and hmac.compare_digest(candidate, base64.b64decode(digest))


def _set_password(db, user, password: str, now: float) -> str:
    """Check the password against the account policy (and the user's recent
    passwords when the policy forbids reuse), record it in the history, and
    return its hash."""
    reuse = password_policy.check(db, user["account_id"], password)
    if reuse:
        recent = db.execute("SELECT password_hash FROM iam_password_history WHERE account_id = ? AND user_id = ?"
                            " ORDER BY rowid DESC LIMIT ?", (user["account_id"], user["entity_id"], reuse)).fetchall()
        if any(password_matches(password, r[0]) for r in recent):
            raise password_policy.violation()
    hashed = password_hash(password)
    db.execute("INSERT INTO iam_password_history VALUES (?, ?, ?, ?)",
               (user["account_id"], user["entity_id"], hashed, now))
    db.execute("DELETE FROM iam_password_history WHERE account_id = ? AND user_id = ? AND rowid NOT IN"
               " (SELECT rowid FROM iam_password_history WHERE account_id = ? AND user_id = ? ORDER BY rowid DESC LIMIT ?)",
               (user["account_id"], user["entity_id"], user["account_id"], user["entity_id"], _HISTORY))
    return hashed


def find(db, user):
    row = db.execute("SELECT * FROM iam_login_profiles WHERE account_id = ? AND user_id = ?",
                     (user["account_id"], user["entity_id"])).fetchone()
    if row is None:
        raise NoSuchEntity(f"Login Profile for User {user['name']} cannot be found.")
    return row


def create(db, user, password: str, reset_required: bool, now: float) -> None:
    if db.execute("SELECT 1 FROM iam_login_profiles WHERE account_id = ? AND user_id = ?",
                  (user["account_id"], user["entity_id"])).fetchone():
        raise EntityAlreadyExists(f"Login Profile for user {user['name']} already exists.")
    db.execute("INSERT INTO iam_login_profiles VALUES (?, ?, ?, ?, ?)",
               (user["account_id"], user["entity_id"], _set_password(db, user, password, now), now,
                int(reset_required)))


def update(db, user, password: str | None, reset_required: bool | None, now: float) -> None:
    find(db, user)
    if password is not None:
        db.execute("UPDATE iam_login_profiles SET password_hash = ? WHERE account_id = ? AND user_id = ?",
                   (_set_password(db, user, password, now), user["account_id"], user["entity_id"]))
    if reset_required is not None:
        db.execute("UPDATE iam_login_profiles SET reset_required = ? WHERE account_id = ? AND user_id = ?",
                   (int(reset_required), user["account_id"], user["entity_id"]))


def change(db, user, old_password: str, new_password: str, now: float) -> None:
    """ChangePassword: the user proves the current password, sets a new one
    that meets the policy, and no longer has to reset it."""
    profile = find(db, user)
    if not password_matches(old_password, profile["password_hash"]):
        # IAM refuses a wrong current password as it refuses an unauthorized caller.
        user_arn = entities.arn(user)
        raise AccessDenied(f"User: {user_arn} is not authorized to perform: iam:ChangePassword on resource: {user_arn}")
    db.execute("UPDATE iam_login_profiles SET password_hash = ?, reset_required = 0 WHERE account_id = ? AND user_id = ?",
               (_set_password(db, user, new_password, now), user["account_id"], user["entity_id"]))


def delete(db, user) -> None:
    find(db, user)
    db.execute("DELETE FROM iam_login_profiles WHERE account_id = ? AND user_id = ?",
               (user["account_id"], user["entity_id"]))
