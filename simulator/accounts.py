"""Accounts and the credentials that authenticate as someone in them.

Each account has a root with its own access keys; the default account
123456789012 has root keys ``test``/``test`` (configurable) so code written
for other local AWS tools works unchanged. IAM users' access keys and STS
session credentials live in the same ``credentials`` table, so the
authentication layer has one place to ask who a key belongs to. Secrets are
sealed with the server's root key, bound to their access key id.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import string
import time

from .context import Principal

_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def new_access_key_id(prefix: str = "AKIA") -> str:
    return prefix + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def new_secret_access_key() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def root_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:root"


def root_principal(account_id: str, access_key_id: str | None = None) -> Principal:
    return Principal(account_id=account_id, arn=root_arn(account_id), type="Root", user_id=account_id, access_key_id=access_key_id)


class Accounts:
    def __init__(self, store, root_key, config):
        self.store = store
        self.root_key = root_key
        self.config = config

    def bootstrap(self) -> None:
        """Make sure the default account and its root keys exist (idempotent)."""
        with self.store.tx() as db:
            if db.execute("SELECT 1 FROM accounts WHERE account_id = ?", (self.config.default_account,)).fetchone():
                return
            db.execute("INSERT INTO accounts VALUES (?, ?, ?)", (self.config.default_account, "default", time.time()))
            self.add_credential(
                db,
                self.config.root_access_key_id,
                self.config.root_secret_access_key,
                root_principal(self.config.default_account),
            )

    def create(self, name: str) -> dict:
        with self.store.tx() as db:
            while True:
                account_id = "".join(secrets.choice(string.digits) for _ in range(12))
                if account_id[0] != "0" and not db.execute(
                    "SELECT 1 FROM accounts WHERE account_id = ?", (account_id,)
                ).fetchone():
                    break
            db.execute("INSERT INTO accounts VALUES (?, ?, ?)", (account_id, name, time.time()))
            access_key_id, secret = new_access_key_id(), new_secret_access_key()
            self.add_credential(db, access_key_id, secret, root_principal(account_id))
        return {"account_id": account_id, "name": name, "access_key_id": access_key_id, "secret_access_key": secret}

    def list(self) -> list[dict]:
        rows = self.store.read().execute("SELECT account_id, name, created FROM accounts ORDER BY created").fetchall()
        return [{"account_id": r["account_id"], "name": r["name"]} for r in rows]

    def exists(self, account_id: str) -> bool:
        return self.store.read().execute("SELECT 1 FROM accounts WHERE account_id = ?", (account_id,)).fetchone() is not None

    # -- credentials ---------------------------------------------------------
    def add_credential(
        self,
        db,
        access_key_id: str,
        secret: str,
        principal: Principal,
        *,
        session_token: str | None = None,
        session: dict | None = None,
        expires: float | None = None,
        status: str = "Active",
    ) -> None:
        db.execute(
            "INSERT INTO credentials (access_key_id, sealed_secret, account_id, principal_type, principal_arn,"
            " user_id, principal_name, session_token_hash, session_json, status, created, expires)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                access_key_id,
                self.root_key.seal(secret.encode(), access_key_id.encode()),
                principal.account_id,
                principal.type,
                principal.arn,
                principal.user_id,
                principal.name,
                hashlib.sha256(session_token.encode()).hexdigest() if session_token else None,
                json.dumps(session) if session else None,
                status,
                time.time(),
                expires,
            ),
        )

    def lookup(self, access_key_id: str):
        """The Credential for an access key id, or None (auth layer's lookup).
        Kept in this process's memory until the credentials change
        (Store.cached), so a key made Inactive or deleted through any worker
        is refused on the very next request. The unsealed secret lives only
        there: never logged, never written."""
        return self.store.cached(("credential", access_key_id), lambda: self._read_credential(access_key_id))

    def _read_credential(self, access_key_id: str):
        from .auth import Credential

        row = self.store.read().execute("SELECT * FROM credentials WHERE access_key_id = ?", (access_key_id,)).fetchone()
        if row is None:
            return None
        principal = Principal(
            account_id=row["account_id"],
            arn=row["principal_arn"],
            type=row["principal_type"],
            user_id=row["user_id"],
            name=row["principal_name"],
            access_key_id=access_key_id,
            session=json.loads(row["session_json"]) if row["session_json"] else None,
        )
        return Credential(
            access_key_id=access_key_id,
            secret_access_key=self.root_key.unseal(row["sealed_secret"], access_key_id.encode()).decode(),
            principal=principal,
            session_token_hash=row["session_token_hash"],
            expires=row["expires"],
            status=row["status"],
        )
