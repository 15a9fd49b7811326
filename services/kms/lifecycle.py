"""What happens to keys with the passing of (simulator) time: a key pending
deletion is deleted when its window ends, automatic rotation rotates, imported
material expires.

Nothing runs in the background. Each key carries ``next_event``, the earliest
time at which something is due; every KMS call first ``settle``s whatever is
due (one indexed read that is almost always empty), so advancing the
simulator clock takes effect on the next call, in every worker alike.
"""
from __future__ import annotations

from . import keys, rotation

# A clock advanced by decades must not rotate a key thousands of times in
# one call: past this many rotations the schedule jumps ahead.
_MAX_CATCH_UP = 64


def next_event(key: keys.Key) -> float | None:
    due = []
    if key.state == "PendingDeletion" and key.deletion_date is not None:
        due.append(key.deletion_date)
    if key.state == "Enabled" and key.rotation_period_days and key.next_rotation is not None and (
        not key.multi_region or key.is_primary
    ):
        due.append(key.next_rotation)
    if key.origin == "EXTERNAL" and key.valid_to is not None and key.state not in ("PendingImport", "PendingDeletion"):
        due.append(key.valid_to)
    return min(due) if due else None


def refresh(db, account_id: str, region: str, key_id: str) -> keys.Key | None:
    """Recompute a key's next_event after any change to it."""
    key = keys.load(db, account_id, region, key_id)
    if key is None:
        return None
    due = next_event(key)
    if due != key.next_event:
        db.execute(
            "UPDATE kms_keys SET next_event = ? WHERE account_id = ? AND region = ? AND key_id = ?",
            (due, account_id, region, key_id),
        )
        key.next_event = due
    return key


def settle(ctx) -> None:
    now = keys.epoch(ctx.now)
    # The earliest event of all keys, kept until a key changes: most
    # calls learn from it alone that nothing is due.
    earliest = ctx.store.cached(("kms-next-event",), lambda: ctx.store.read().execute(
        "SELECT MIN(next_event) FROM kms_keys WHERE next_event IS NOT NULL").fetchone()[0])
    if earliest is None or earliest > now:
        return
    due = ctx.store.read().execute(
        "SELECT account_id, region, key_id FROM kms_keys WHERE next_event IS NOT NULL AND next_event <= ?", (now,)
    ).fetchall()
    if not due:
        return
    with ctx.store.tx() as db:
        for account_id, region, key_id in due:
            _advance(ctx, db, account_id, region, key_id, now)


def _advance(ctx, db, account_id: str, region: str, key_id: str, now: float) -> None:
    key = keys.load(db, account_id, region, key_id)
    if key is None or key.next_event is None or key.next_event > now:
        return  # another worker got here first
    if key.state == "PendingDeletion" and key.deletion_date <= now:
        delete(db, key, now)
        return
    if key.origin == "EXTERNAL" and key.valid_to is not None and key.valid_to <= now and key.state not in ("PendingImport", "PendingDeletion"):
        expire_imported_material(db, key)
    elif key.state == "Enabled" and key.rotation_period_days and key.next_rotation is not None and key.next_rotation <= now:
        period = key.rotation_period_days * rotation.DAY
        when = key.next_rotation
        for _ in range(_MAX_CATCH_UP):
            rotation.rotate(ctx, db, key, "AUTOMATIC", when)
            when += period
            if when > now:
                break
        else:
            when = now + period
        rotation.set_schedule(db, key, key.rotation_period_days, when)
    for r in rotation.key_set_regions(db, key):
        refresh(db, account_id, r, key_id)


def expire_imported_material(db, key: keys.Key) -> None:
    """Imported material is deleted (expired or DeleteImportedKeyMaterial):
    the key waits for the same material to be imported again."""
    db.execute(
        "UPDATE kms_key_materials SET sealed = NULL, import_state = 'PENDING_IMPORT' WHERE account_id = ? AND region = ? AND key_id = ?",
        (key.account_id, key.region, key.key_id),
    )
    db.execute(
        "UPDATE kms_keys SET state = 'PendingImport', state_before_import = ?, valid_to = NULL, expiration_model = NULL "
        "WHERE account_id = ? AND region = ? AND key_id = ?",
        (key.state if key.state != "PendingImport" else key.state_before_import, key.account_id, key.region, key.key_id),
    )


def delete(db, key: keys.Key, now: float) -> None:
    """The end of a key: its material (so its ciphertexts never decrypt
    again), aliases, tags, grants and policy go with it."""
    where = (key.account_id, key.region, key.key_id)
    for table in ("kms_key_materials", "kms_aliases", "kms_tags", "kms_grants", "kms_key_policies", "kms_import_parameters", "kms_key_usage", "kms_keys"):
        db.execute(f"DELETE FROM {table} WHERE account_id = ? AND region = ? AND key_id = ?", where)
    if key.multi_region and not key.is_primary:
        _replica_gone(db, key, now)


def _replica_gone(db, replica: keys.Key, now: float) -> None:
    """A primary waiting for its replicas starts its own window once the last
    one is gone."""
    primary = keys.load(db, replica.account_id, replica.primary_region, replica.key_id)
    if primary is None or primary.state != "PendingReplicaDeletion":
        return
    (left,) = db.execute(
        "SELECT COUNT(*) FROM kms_keys WHERE account_id = ? AND key_id = ? AND region != ?",
        (primary.account_id, primary.key_id, primary.region),
    ).fetchone()
    if left:
        return
    deletion = now + primary.pending_window_days * 86400.0
    db.execute(
        "UPDATE kms_keys SET state = 'PendingDeletion', deletion_date = ? WHERE account_id = ? AND region = ? AND key_id = ?",
        (deletion, primary.account_id, primary.region, primary.key_id),
    )
    refresh(db, primary.account_id, primary.region, primary.key_id)
