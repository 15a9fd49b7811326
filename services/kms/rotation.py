"""Key rotation: a new version of a key's material becomes current; the old
versions stay, so ciphertext made before still decrypts.

A multi-Region key set rotates as one: the primary rotates, every replica
receives the same new material (sealed once: the seal's associated data
names the key id and material id, which replicas share).
"""
from __future__ import annotations

from . import key_material

DEFAULT_PERIOD_DAYS = 365
MIN_PERIOD_DAYS, MAX_PERIOD_DAYS = 90, 2560
# AWS's quota of on-demand rotations per key.
MAX_ON_DEMAND_ROTATIONS = 25
DAY = 86400.0


def key_set_regions(db, key) -> list[str]:
    """The regions holding this key: all of a multi-Region set, else its own."""
    if not key.multi_region:
        return [key.region]
    return [r for (r,) in db.execute("SELECT region FROM kms_keys WHERE account_id = ? AND key_id = ?", (key.account_id, key.key_id))]


def rotate(ctx, db, key, rotation_type: str, when: float) -> str:
    """Give ``key`` (and its replicas) new current material; returns its id."""
    material_id = key_material.new_material_id()
    sealed = key_material.seal(ctx.app.root_key, key.key_id, material_id, key_material.generate(key.key_spec))
    for region in key_set_regions(db, key):
        db.execute(
            "UPDATE kms_key_materials SET state = 'NON_CURRENT' WHERE account_id = ? AND region = ? AND key_id = ? AND state = 'CURRENT'",
            (key.account_id, region, key.key_id),
        )
        db.execute(
            "INSERT INTO kms_key_materials (account_id, region, key_id, material_id, sealed, created, rotation_type, rotation_date, state) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'CURRENT')",
            (key.account_id, region, key.key_id, material_id, sealed, when, rotation_type, when),
        )
        db.execute(
            "UPDATE kms_keys SET current_material = ? WHERE account_id = ? AND region = ? AND key_id = ?",
            (material_id, key.account_id, region, key.key_id),
        )
    return material_id


def promote_pending(db, key, when: float) -> str:
    """On-demand rotation of a key with imported material: the material
    imported as NEW_KEY_MATERIAL (PENDING_ROTATION) becomes current."""
    row = db.execute(
        "SELECT material_id FROM kms_key_materials WHERE account_id = ? AND region = ? AND key_id = ? AND state = 'PENDING_ROTATION'",
        (key.account_id, key.region, key.key_id),
    ).fetchone()
    material_id = row[0]
    db.execute(
        "UPDATE kms_key_materials SET state = 'NON_CURRENT' WHERE account_id = ? AND region = ? AND key_id = ? AND state = 'CURRENT'",
        (key.account_id, key.region, key.key_id),
    )
    db.execute(
        "UPDATE kms_key_materials SET state = 'CURRENT', rotation_type = 'ON_DEMAND', rotation_date = ? "
        "WHERE account_id = ? AND region = ? AND key_id = ? AND material_id = ?",
        (when, key.account_id, key.region, key.key_id, material_id),
    )
    db.execute(
        "UPDATE kms_keys SET current_material = ? WHERE account_id = ? AND region = ? AND key_id = ?",
        (material_id, key.account_id, key.region, key.key_id),
    )
    return material_id


def set_schedule(db, key, period_days: int | None, next_rotation: float | None) -> None:
    """Automatic rotation on (a period) or off (None), for the whole key set."""
    for region in key_set_regions(db, key):
        db.execute(
            "UPDATE kms_keys SET rotation_period_days = ?, next_rotation = ? WHERE account_id = ? AND region = ? AND key_id = ?",
            (period_days, next_rotation, key.account_id, region, key.key_id),
        )


def on_demand_count(db, key) -> int:
    (count,) = db.execute(
        "SELECT COUNT(*) FROM kms_key_materials WHERE account_id = ? AND region = ? AND key_id = ? AND rotation_type = 'ON_DEMAND'",
        (key.account_id, key.region, key.key_id),
    ).fetchone()
    return count
