"""The simulator clock every rule about time reads.

It runs with real time plus an offset. The offset lives in the state store so
that every worker process of one server sees the same "now"; advancing it
expires what should expire (presigned URLs, key deletion windows, restores,
session credentials) without touching the signature clock-skew check, which
alone compares a client's timestamp with real time.
"""
from __future__ import annotations

import datetime as _dt
import math
import time

UTC = _dt.timezone.utc
# How far past real time the simulator clock may run. Far enough for any
# expiry a test waits out; near enough that every date the services work out
# from "now" (deletion windows, expirations, restores) is still a date.
MAX_OFFSET = 1000 * 31_557_600  # 1000 Julian years, in seconds


def real_now() -> _dt.datetime:
    return _dt.datetime.now(UTC)


class Clock:
    def __init__(self, store):
        self._store = store

    def offset(self) -> float:
        # Kept until the clock changes (Store.cached): an advance made
        # through any worker is seen by the very next request.
        return self._store.cached(("clock",), self._read_offset)

    def _read_offset(self) -> float:
        row = self._store.read().execute("SELECT offset_seconds FROM clock WHERE id = 1").fetchone()
        return row[0] if row else 0.0

    def now(self) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(time.time() + self.offset(), UTC)

    def advance(self, seconds: float) -> _dt.datetime:
        # Signatures carry whole seconds (X-Amz-Date). Taking effect on a
        # whole-second boundary makes every signature unambiguous: one dated
        # before the boundary was made before the advance, one dated at or
        # after it was made after. It costs the caller under a second.
        boundary = math.floor(time.time()) + 1
        time.sleep(max(0.0, boundary - time.time()))
        with self._store.tx() as db:
            db.execute("UPDATE clock SET offset_seconds = offset_seconds + ? WHERE id = 1", (float(seconds),))
            db.execute(
                "INSERT OR REPLACE INTO clock_history SELECT ?, offset_seconds FROM clock WHERE id = 1", (boundary,)
            )
        return self.now()

    def offset_at(self, real_moment: _dt.datetime) -> float:
        """The offset that was in force at a real moment in the past."""
        row = self._store.read().execute(
            "SELECT offset_seconds FROM clock_history WHERE real_ts <= ? ORDER BY real_ts DESC LIMIT 1",
            (real_moment.timestamp(),),
        ).fetchone()
        return row[0] if row else 0.0

    def on_simulator_time(self, real_moment: _dt.datetime) -> _dt.datetime:
        """Where a real moment (a client's signing time) falls on the
        simulator's timeline."""
        return real_moment + _dt.timedelta(seconds=self.offset_at(real_moment))


def iso8601(moment: _dt.datetime) -> str:
    """AWS's timestamp text: 2024-01-02T03:04:05.678Z."""
    # isoformat ends "+00:00" in UTC and truncates to the millisecond, as AWS does.
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
