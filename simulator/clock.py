"""The simulator clock every rule about time reads.

It runs with real time plus an offset. The offset lives in the state store so
that every worker process of one server sees the same "now"; advancing it
expires what should expire (presigned URLs, key deletion windows, restores,
session credentials) without touching the signature clock-skew check, which
alone compares a client's timestamp with real time.
"""
from __future__ import annotations

import datetime as _dt
import time

UTC = _dt.timezone.utc


def real_now() -> _dt.datetime:
    return _dt.datetime.now(UTC)


class Clock:
    def __init__(self, store):
        self._store = store

    def offset(self) -> float:
        row = self._store.read().execute("SELECT offset_seconds FROM clock WHERE id = 1").fetchone()
        return row[0] if row else 0.0

    def now(self) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(time.time() + self.offset(), UTC)

    def advance(self, seconds: float) -> _dt.datetime:
        with self._store.tx() as db:
            db.execute("UPDATE clock SET offset_seconds = offset_seconds + ? WHERE id = 1", (float(seconds),))
        return self.now()

    def reset(self) -> None:
        with self._store.tx() as db:
            db.execute("UPDATE clock SET offset_seconds = 0 WHERE id = 1")


def iso8601(moment: _dt.datetime) -> str:
    """AWS's timestamp text: 2024-01-02T03:04:05.678Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
