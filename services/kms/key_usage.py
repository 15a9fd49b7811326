"""The last successful cryptographic operation per key, for GetKeyLastUsage.

Recording must not put a write transaction on every Encrypt: a process
writes a key's usage only when the operation differs from what it last wrote
for that key or that write is older than ``_REFRESH_SECONDS``; AWS itself
documents last-usage data as eventually consistent.
"""
from __future__ import annotations

import time

from .keys import moment

_REFRESH_SECONDS = 60.0
_written: dict[tuple, tuple[str, float]] = {}


def record(ctx, key, operation: str | None = None) -> None:
    operation = operation or ctx.operation
    ident = (key.account_id, key.region, key.key_id)
    now = time.monotonic()
    last = _written.get(ident)
    if last is not None and last[0] == operation and now - last[1] < _REFRESH_SECONDS:
        return
    with ctx.store.tx() as db:
        db.execute(
            "INSERT INTO kms_key_usage VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(account_id, region, key_id) "
            "DO UPDATE SET operation = excluded.operation, used = excluded.used, request_id = excluded.request_id",
            (*ident, operation, ctx.now.timestamp(), ctx.request_id),
        )
    _written[ident] = (operation, now)


def last(db, key) -> dict | None:
    row = db.execute(
        "SELECT operation, used, request_id FROM kms_key_usage WHERE account_id = ? AND region = ? AND key_id = ?",
        (key.account_id, key.region, key.key_id),
    ).fetchone()
    if row is None:
        return None
    return {"Operation": row[0], "Timestamp": moment(row[1]), "KmsRequestId": row[2]}
