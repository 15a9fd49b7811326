"""Login profiles: an IAM user's console password.

Stored only as an scrypt hash with a random salt per password (never the
password, never a fast hash), as ``scrypt$n$r$p$salt$hash`` in base64.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from .errors import EntityAlreadyExists, NoSuchEntity, PasswordPolicyViolation

_N, _R, _P = 2**14, 8, 1
# IAM's default password policy, in force until the account sets its own.
MIN_LENGTH = 8


def password_hash(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def password_matches(password: str, stored: str) -> bool:
    scheme, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(base64.b64decode(digest)))
    return scheme == "scrypt" and hmac.compare_digest(candidate, base64.b64decode(digest))


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyViolation(f"Password should have at least {MIN_LENGTH} characters")


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
    check_policy(password)
    db.execute("INSERT INTO iam_login_profiles VALUES (?, ?, ?, ?, ?)",
               (user["account_id"], user["entity_id"], password_hash(password), now, int(reset_required)))


def update(db, user, password: str | None, reset_required: bool | None) -> None:
    find(db, user)
    if password is not None:
        check_policy(password)
        db.execute("UPDATE iam_login_profiles SET password_hash = ? WHERE account_id = ? AND user_id = ?",
                   (password_hash(password), user["account_id"], user["entity_id"]))
    if reset_required is not None:
        db.execute("UPDATE iam_login_profiles SET reset_required = ? WHERE account_id = ? AND user_id = ?",
                   (int(reset_required), user["account_id"], user["entity_id"]))


def delete(db, user) -> None:
    find(db, user)
    db.execute("DELETE FROM iam_login_profiles WHERE account_id = ? AND user_id = ?",
               (user["account_id"], user["entity_id"]))
