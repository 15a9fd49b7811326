"""EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
RotateKeyOnDemand, ListKeyRotations."""
from __future__ import annotations

from . import errors, key_specs, keys, lifecycle, operation, paging, rotation


def _rotatable(key: keys.Key) -> None:
    """Only symmetric encryption keys rotate."""
    if not key_specs.is_symmetric(key.key_spec):
        raise errors.unsupported_key_spec(key.arn, key.key_spec)


def _automatic_rotation_key(ctx, db, params) -> keys.Key:
    key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
    keys.check_customer_managed(key)
    _rotatable(key)
    if key.origin != "AWS_KMS":
        raise errors.wrong_origin(key.arn, key.origin)
    if key.multi_region and not key.is_primary:
        raise errors.UnsupportedOperationException(f"{key.arn} is a multi-Region replica key; rotation is set on its primary key.")
    keys.check_enabled(key)
    return key


@operation
def enable_key_rotation(ctx, params):
    period = params.get("RotationPeriodInDays", rotation.DEFAULT_PERIOD_DAYS)
    with ctx.store.tx() as db:
        key = _automatic_rotation_key(ctx, db, params)
        rotation.set_schedule(db, key, period, keys.epoch(ctx.now) + period * rotation.DAY)
        for region in rotation.key_set_regions(db, key):
            lifecycle.refresh(db, key.account_id, region, key.key_id)
    return {}


@operation
def disable_key_rotation(ctx, params):
    with ctx.store.tx() as db:
        key = _automatic_rotation_key(ctx, db, params)
        rotation.set_schedule(db, key, None, None)
        for region in rotation.key_set_regions(db, key):
            lifecycle.refresh(db, key.account_id, region, key.key_id)
    return {}


@operation
def get_key_rotation_status(ctx, params):
    key = keys.resolve(ctx, params["KeyId"], aliases=False)
    # Keys that cannot rotate answer false rather than an error: AWS changed
    # this in 2026 (floci-io/floci#586 and #618), and the Terraform provider
    # reads every key's status, asymmetric and HMAC keys included.
    out = {"KeyRotationEnabled": bool(key.rotation_period_days), "KeyId": key.arn}
    if key.rotation_period_days:
        out["RotationPeriodInDays"] = key.rotation_period_days
        out["NextRotationDate"] = keys.moment(key.next_rotation)
    return out


@operation
def rotate_key_on_demand(ctx, params):
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        keys.check_customer_managed(key)
        # The key's state first, then its spec (an asymmetric key refused
        # with no message), then the limit: localstack's AWS-validated
        # rotate-on-demand snapshots.
        keys.check_enabled(key)
        if not key_specs.is_symmetric(key.key_spec):
            raise errors.UnsupportedOperationException("")
        if key.multi_region and not key.is_primary:
            raise errors.UnsupportedOperationException(f"{key.arn} is a multi-Region replica key; rotate its primary key.")
        if rotation.on_demand_count(db, key) >= rotation.MAX_ON_DEMAND_ROTATIONS:
            raise errors.LimitExceededException(
                "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can"
                f" be performed for this key: {key.arn}"
            )
        now = keys.epoch(ctx.now)
        if key.origin == "EXTERNAL":
            pending = db.execute(
                "SELECT 1 FROM kms_key_materials WHERE account_id = ? AND region = ? AND key_id = ? AND state = 'PENDING_ROTATION'",
                (key.account_id, key.region, key.key_id),
            ).fetchone()
            if not pending:
                raise errors.UnsupportedOperationException(
                    f"{key.arn} has no key material imported with ImportType NEW_KEY_MATERIAL to rotate to."
                )
            rotation.promote_pending(db, key, now)
        else:
            rotation.rotate(ctx, db, key, "ON_DEMAND", now)
    return {"KeyId": key.key_id}


def _rotation_entry(key: keys.Key, row) -> dict:
    entry = {"KeyId": key.key_id, "KeyMaterialId": row["material_id"], "KeyMaterialState": row["state"]}
    if row["rotation_type"]:
        entry["RotationType"] = row["rotation_type"]
        entry["RotationDate"] = keys.moment(row["rotation_date"])
    if key.origin == "EXTERNAL":
        entry["ImportState"] = row["import_state"]
        if row["import_state"] == "IMPORTED":
            entry["ExpirationModel"] = row["expiration_model"]
            if row["valid_to"] is not None:
                entry["ValidTo"] = keys.moment(row["valid_to"])
        if row["description"]:
            entry["KeyMaterialDescription"] = row["description"]
    return entry


@operation
def list_key_rotations(ctx, params):
    db = ctx.store.read()
    key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
    _rotatable(key)
    include = params.get("IncludeKeyMaterial") or "ROTATIONS_ONLY"
    only_rotations = " AND rotation_type IS NOT NULL" if include == "ROTATIONS_ONLY" else ""

    def fetch(limit, offset):
        return db.execute(
            f"SELECT * FROM kms_key_materials WHERE account_id = ? AND region = ? AND key_id = ?{only_rotations} "
            "ORDER BY created, material_id LIMIT ? OFFSET ?",
            (key.account_id, key.region, key.key_id, limit, offset),
        ).fetchall()

    rows, more = paging.page(params, f"rotations:{key.arn}:{include}", fetch)
    return {"Rotations": [_rotation_entry(key, r) for r in rows], **more}
