"""Restoring archived objects (GLACIER, DEEP_ARCHIVE) on the simulator clock.

A restore takes its tier's time (AWS's published upper bounds, divided by
the server's ``restore_speedup`` for labs); the temporary copy is readable
from then until ``Days`` later. Times are kept on the object's row:
``restore_ready`` (copy available from) and ``restore_expiry`` (until).
"""
from __future__ import annotations

from .errors import InvalidArgument, InvalidObjectState, MalformedXML, RestoreAlreadyInProgress

HOUR = 3600.0
# Seconds until a restore completes, by storage class and tier.
DELAYS = {
    "GLACIER": {"Expedited": 5 * 60.0, "Standard": 5 * HOUR, "Bulk": 12 * HOUR},
    "DEEP_ARCHIVE": {"Standard": 12 * HOUR, "Bulk": 48 * HOUR},
}
DAY = 86400.0


def state(row, now: float) -> str | None:
    """None (never restored, or the copy expired), "ongoing" or "restored"."""
    if row["restore_ready"] is None or now >= row["restore_expiry"]:
        return None
    return "ongoing" if now < row["restore_ready"] else "restored"


def readable(row, now: float) -> bool:
    """May the object's body be read now?"""
    return row["storage_class"] not in DELAYS or state(row, now) == "restored"


def request(ctx, row, restore_request: dict) -> bool:
    """Start (or extend) a restore; True when a new restore was started
    (202), False when an available copy's expiry was moved (200)."""
    if restore_request.get("Type") not in (None, "SELECT"):
        raise MalformedXML()  # the one type the schema knows
    if row["storage_class"] not in DELAYS:
        # No StorageClass element here, unlike GetObject's refusal (S3's XML as recorded by restore tools).
        raise InvalidObjectState("Restore is not allowed for the object's current storage class")
    days = restore_request.get("Days")
    if days is None or days < 1:
        raise MalformedXML()
    tier = (restore_request.get("GlacierJobParameters") or {}).get("Tier") or restore_request.get("Tier") or "Standard"
    delays = DELAYS[row["storage_class"]]
    if tier not in delays:
        raise InvalidArgument(f"{tier} retrieval is not supported for the {row['storage_class']} storage class",
                              ArgumentName="Tier", ArgumentValue=tier)
    now = ctx.now.timestamp()
    current = state(row, now)
    if current == "ongoing":
        raise RestoreAlreadyInProgress()
    with ctx.store.tx() as db:
        if current == "restored":
            db.execute("UPDATE s3_objects SET restore_expiry = ? WHERE id = ?", (now + days * DAY, row["id"]))
            return False
        ready = now + delays[tier] / max(ctx.app.config.restore_speedup, 1e-9)
        db.execute("UPDATE s3_objects SET restore_ready = ?, restore_expiry = ? WHERE id = ?",
                   (ready, ready + days * DAY, row["id"]))
    return True


def header(row, now: float, http_date) -> str | None:
    """The x-amz-restore header."""
    current = state(row, now)
    if current is None:
        return None
    if current == "ongoing":
        return 'ongoing-request="true"'
    return f'ongoing-request="false", expiry-date="{http_date(row["restore_expiry"])}"'
