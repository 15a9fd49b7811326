"""Key lifecycle operations: CreateKey, DescribeKey, ListKeys, EnableKey,
DisableKey, ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription,
GetKeyLastUsage, ReplicateKey, UpdatePrimaryRegion."""
from __future__ import annotations

from . import errors, key_ids, key_specs, key_usage, keys, lifecycle, operation, paging, policies_default, tags

MIN_WINDOW_DAYS, MAX_WINDOW_DAYS, DEFAULT_WINDOW_DAYS = 7, 30, 30
_CUSTOM_KEY_STORE_ORIGINS = ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE")


@operation
def create_key(ctx, params):
    if params.get("KeySpec") and params.get("CustomerMasterKeySpec"):
        raise errors.ValidationException(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated."
        )
    origin = params.get("Origin") or "AWS_KMS"
    if params.get("CustomKeyStoreId") is not None:
        raise errors.CustomKeyStoreNotFoundException("")
    if origin in _CUSTOM_KEY_STORE_ORIGINS:
        raise errors.ValidationException(f"CustomKeyStoreId is required when Origin is {origin}.")
    if params.get("XksKeyId") is not None:
        raise errors.ValidationException("XksKeyId is valid only when Origin is EXTERNAL_KEY_STORE.")
    spec = params.get("KeySpec") or params.get("CustomerMasterKeySpec") or key_specs.SYMMETRIC
    usage = key_specs.check_creatable(spec, params.get("KeyUsage"), ctx.region)
    policy = params.get("Policy")
    if policy is not None:
        policies_default.check(policy, ctx.store.read())
    else:
        policy = policies_default.default_key_policy(ctx.account_id)
    tags.check(params.get("Tags") or [])
    multi_region = bool(params.get("MultiRegion"))
    with ctx.store.tx() as db:
        key = keys.insert(
            ctx, db, region=ctx.region, key_id=key_ids.new_key_id(multi_region), key_spec=spec, key_usage=usage,
            origin=origin, description=params.get("Description", ""), policy=policy, multi_region=multi_region,
            primary_region=ctx.region, state="PendingImport" if origin == "EXTERNAL" else "Enabled",
            tag_list=params.get("Tags"),
        )
        return {"KeyMetadata": keys.metadata(db, key)}


@operation
def describe_key(ctx, params):
    db = ctx.store.read()
    key = keys.resolve(ctx, params["KeyId"], db=db)
    return {"KeyMetadata": keys.metadata(db, key)}


@operation
def list_keys(ctx, params):
    db = ctx.store.read()

    def fetch(limit, offset):
        return db.execute(
            "SELECT key_id FROM kms_keys WHERE account_id = ? AND region = ? ORDER BY created, key_id LIMIT ? OFFSET ?",
            (ctx.account_id, ctx.region, limit, offset),
        ).fetchall()

    rows, more = paging.page(params, f"keys:{ctx.account_id}:{ctx.region}", fetch)
    return {
        "Keys": [{"KeyId": key_id, "KeyArn": key_ids.key_arn(ctx.region, ctx.account_id, key_id)} for (key_id,) in rows],
        **more,
    }


def _set_state(db, key: keys.Key, state: str) -> None:
    db.execute(
        "UPDATE kms_keys SET state = ? WHERE account_id = ? AND region = ? AND key_id = ?",
        (state, key.account_id, key.region, key.key_id),
    )
    lifecycle.refresh(db, key.account_id, key.region, key.key_id)


def _switch(ctx, params, state: str) -> dict:
    """EnableKey and DisableKey: a customer managed key moves between the two
    states only; any other state is KMSInvalidStateException."""
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        keys.check_customer_managed(key)
        if key.state not in ("Enabled", "Disabled"):
            raise errors.invalid_state(key.arn, key.state)
        _set_state(db, key, state)
    return {}


@operation
def enable_key(ctx, params):
    return _switch(ctx, params, "Enabled")


@operation
def disable_key(ctx, params):
    return _switch(ctx, params, "Disabled")


@operation
def schedule_key_deletion(ctx, params):
    days = params.get("PendingWindowInDays", DEFAULT_WINDOW_DAYS)
    if days < MIN_WINDOW_DAYS:
        raise errors.ValidationException(
            f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: "
            f"Member must have value greater than or equal to {MIN_WINDOW_DAYS}"
        )
    if days > MAX_WINDOW_DAYS:
        raise errors.ValidationException(
            f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: "
            f"Member must have value less than or equal to {MAX_WINDOW_DAYS}"
        )
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        keys.check_customer_managed(key)
        keys.check_not_pending_deletion(key)
        replicas = 0
        if key.is_primary:
            (replicas,) = db.execute(
                "SELECT COUNT(*) FROM kms_keys WHERE account_id = ? AND key_id = ? AND region != ?",
                (key.account_id, key.key_id, key.region),
            ).fetchone()
        if replicas:
            # A primary outlives its replicas: its window starts when the last one is deleted.
            db.execute(
                "UPDATE kms_keys SET state = 'PendingReplicaDeletion', pending_window_days = ?, deletion_date = NULL "
                "WHERE account_id = ? AND region = ? AND key_id = ?",
                (days, key.account_id, key.region, key.key_id),
            )
            lifecycle.refresh(db, key.account_id, key.region, key.key_id)
            return {"KeyId": key.arn, "KeyState": "PendingReplicaDeletion", "PendingWindowInDays": days}
        deletion = keys.epoch(ctx.now) + days * 86400.0
        db.execute(
            "UPDATE kms_keys SET state = 'PendingDeletion', pending_window_days = ?, deletion_date = ? "
            "WHERE account_id = ? AND region = ? AND key_id = ?",
            (days, deletion, key.account_id, key.region, key.key_id),
        )
        lifecycle.refresh(db, key.account_id, key.region, key.key_id)
    return {"KeyId": key.arn, "DeletionDate": keys.moment(deletion), "KeyState": "PendingDeletion", "PendingWindowInDays": days}


@operation
def cancel_key_deletion(ctx, params):
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        if key.state not in ("PendingDeletion", "PendingReplicaDeletion"):
            raise errors.KMSInvalidStateException(f"{key.arn} is not pending deletion.")
        # A cancelled deletion leaves the key Disabled, as in AWS.
        db.execute(
            "UPDATE kms_keys SET state = 'Disabled', deletion_date = NULL, pending_window_days = NULL "
            "WHERE account_id = ? AND region = ? AND key_id = ?",
            (key.account_id, key.region, key.key_id),
        )
        lifecycle.refresh(db, key.account_id, key.region, key.key_id)
    return {"KeyId": key.arn}


@operation
def update_key_description(ctx, params):
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        keys.check_customer_managed(key)
        keys.check_not_pending_deletion(key)
        db.execute(
            "UPDATE kms_keys SET description = ? WHERE account_id = ? AND region = ? AND key_id = ?",
            (params["Description"], key.account_id, key.region, key.key_id),
        )
    return {}


@operation
def get_key_last_usage(ctx, params):
    db = ctx.store.read()
    key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
    created = keys.moment(key.created)
    out = {"KeyId": key.arn, "TrackingStartDate": created, "KeyCreationDate": created}
    last = key_usage.last(db, key)
    if last:
        out["KeyLastUsage"] = last
    return out


def _check_multi_region_primary(key: keys.Key) -> None:
    """ReplicateKey and UpdatePrimaryRegion act only through a multi-Region primary key."""
    if not key.multi_region:
        raise errors.UnsupportedOperationException(f"{key.arn} is not a multi-Region key.")
    if not key.is_primary:
        raise errors.UnsupportedOperationException(f"{key.arn} is not a multi-region primary key.")


@operation
def replicate_key(ctx, params):
    region = params["ReplicaRegion"]
    policy = params.get("Policy")
    if policy is not None:
        policies_default.check(policy, ctx.store.read())
    tags.check(params.get("Tags") or [])
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        _check_multi_region_primary(key)
        keys.check_not_pending_deletion(key)
        if region == key.region or keys.load(db, key.account_id, region, key.key_id) is not None:
            raise errors.AlreadyExistsException(
                f"Replica key {key_ids.key_arn(region, key.account_id, key.key_id)} already exists."
            )
        now = keys.epoch(ctx.now)
        imported = key.origin == "EXTERNAL"
        # Imported material is imported into each replica on its own.
        state = "PendingImport" if imported else "Enabled"
        db.execute(
            "INSERT INTO kms_keys (account_id, region, key_id, created, description, key_usage, key_spec, origin, key_manager, state, "
            "multi_region, primary_region, current_material, rotation_period_days, next_rotation) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
            (key.account_id, region, key.key_id, now, params.get("Description", ""), key.key_usage, key.key_spec, key.origin,
             key.key_manager, state, key.region, None if imported else key.current_material, key.rotation_period_days, key.next_rotation),
        )
        if not imported:
            db.execute(
                "INSERT INTO kms_key_materials SELECT account_id, ?, key_id, material_id, sealed, created, rotation_type, rotation_date, "
                "state, import_state, expiration_model, valid_to, description FROM kms_key_materials "
                "WHERE account_id = ? AND region = ? AND key_id = ?",
                (region, key.account_id, key.region, key.key_id),
            )
        policy = policy or policies_default.default_key_policy(ctx.account_id)
        db.execute(
            "INSERT INTO kms_key_policies VALUES (?, ?, ?, ?, ?)",
            (key.account_id, region, key.key_id, policies_default.POLICY_NAME, policy),
        )
        tags.put(db, key.account_id, region, key.key_id, params.get("Tags") or [])
        replica = keys.load(db, key.account_id, region, key.key_id)
        # AWS answers while the replica is still being made.
        meta = keys.metadata(db, replica, state="Creating")
        out = {"ReplicaKeyMetadata": meta, "ReplicaPolicy": policy}
        replica_tags = tags.listed(db, key.account_id, region, key.key_id)
        if replica_tags:  # absent when there are none, as AWS answers
            out["ReplicaTags"] = replica_tags
        return out


@operation
def update_primary_region(ctx, params):
    new_primary = params["PrimaryRegion"]
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        _check_multi_region_primary(key)
        if key.state == "Disabled":
            raise errors.disabled(key.arn)
        keys.check_not_pending_deletion(key)
        target = keys.load(db, key.account_id, new_primary, key.key_id)
        if target is None:
            raise errors.key_not_found(key_ids.key_arn(new_primary, key.account_id, key.key_id))
        db.execute("UPDATE kms_keys SET primary_region = ? WHERE account_id = ? AND key_id = ?", (new_primary, key.account_id, key.key_id))
        for region in (key.region, new_primary):
            lifecycle.refresh(db, key.account_id, region, key.key_id)
    return {}
