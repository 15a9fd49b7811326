"""GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial."""
from __future__ import annotations

from . import errors, imports, key_material, key_specs, keys, lifecycle, operation

MAX_VALID_TO_DAYS = 365


def _external_key(ctx, db, params) -> keys.Key:
    key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
    if key.origin != "EXTERNAL":
        raise errors.wrong_origin(key.arn, key.origin)
    keys.check_not_pending_deletion(key)
    return key


@operation
def get_parameters_for_import(ctx, params):
    with ctx.store.tx() as db:
        key = _external_key(ctx, db, params)
        imports.check_wrapping(key.key_spec, params["WrappingAlgorithm"], params["WrappingKeySpec"])
        valid_to = keys.epoch(ctx.now) + imports.VALID_SECONDS
        token_id, sealed, public_der, token = imports.new_parameters(
            ctx.app.root_key, key.account_id, key.region, key.key_id, params["WrappingKeySpec"], valid_to
        )
        db.execute(
            "INSERT INTO kms_import_parameters VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token_id, key.account_id, key.region, key.key_id, params["WrappingAlgorithm"], sealed, valid_to),
        )
    return {"KeyId": key.arn, "ImportToken": token, "PublicKey": public_der, "ParametersValidTo": keys.moment(valid_to)}


def _expiry(ctx, params) -> tuple[str, float | None]:
    valid_to = params.get("ValidTo")
    # The model's default, so neither member given is refused for want of a
    # ValidTo (localstack's AWS-validated import snapshot, recorded 2025).
    model = params.get("ExpirationModel") or "KEY_MATERIAL_EXPIRES"
    if model == "KEY_MATERIAL_EXPIRES":
        if valid_to is None:
            raise errors.ValidationException("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
        seconds = valid_to.timestamp()
        now = keys.epoch(ctx.now)
        if seconds <= now or seconds > now + MAX_VALID_TO_DAYS * 86400:
            raise errors.ValidationException("ValidTo must be in the future and no more than 365 days from now.")
        return model, seconds
    if valid_to is not None:
        raise errors.ValidationException("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
    return model, None


@operation
def import_key_material(ctx, params):
    model, valid_to = _expiry(ctx, params)
    with ctx.store.tx() as db:
        key = _external_key(ctx, db, params)
        token_id, token_valid_to = imports.read_token(ctx.app.root_key, params["ImportToken"], key.account_id, key.region, key.key_id)
        if token_valid_to <= keys.epoch(ctx.now):
            raise errors.ExpiredImportTokenException("")
        row = db.execute("SELECT wrapping_algorithm, sealed_private_key FROM kms_import_parameters WHERE token_id = ?", (token_id,)).fetchone()
        if row is None:
            raise errors.InvalidImportTokenException("")
        material = imports.unwrap(ctx.app.root_key, token_id, row[1], row[0], params["EncryptedKeyMaterial"])
        imports.check_material(key.key_spec, material)
        material_id = key_material.imported_material_id(key.key_id, material)
        if params.get("KeyMaterialId") is not None and params["KeyMaterialId"] != material_id:
            raise errors.IncorrectKeyMaterialException("The key material does not match the KeyMaterialId in the request.")
        known = {
            r[0]: r[1]
            for r in db.execute(
                "SELECT material_id, state FROM kms_key_materials WHERE account_id = ? AND region = ? AND key_id = ?",
                (key.account_id, key.region, key.key_id),
            )
        }
        import_type = params.get("ImportType") or ("EXISTING_KEY_MATERIAL" if known else "NEW_KEY_MATERIAL")
        sealed = key_material.seal(ctx.app.root_key, key.key_id, material_id, material)
        now = keys.epoch(ctx.now)
        if import_type == "EXISTING_KEY_MATERIAL":
            if material_id not in known:
                raise errors.IncorrectKeyMaterialException("The key material doesn't match key material previously imported into this KMS key.")
            state = known[material_id]
            db.execute(
                "UPDATE kms_key_materials SET sealed = ?, import_state = 'IMPORTED', expiration_model = ?, valid_to = ?, description = ? "
                "WHERE account_id = ? AND region = ? AND key_id = ? AND material_id = ?",
                (sealed, model, valid_to, params.get("KeyMaterialDescription"), key.account_id, key.region, key.key_id, material_id),
            )
        else:
            if material_id in known:
                raise errors.IncorrectKeyMaterialException("This key material was already imported into this KMS key.")
            if known and not key_specs.is_symmetric(key.key_spec):
                raise errors.UnsupportedOperationException(f"{key.arn} key spec is {key.key_spec} which cannot have more than one key material.")
            # Material beyond the first waits for RotateKeyOnDemand.
            state = "PENDING_ROTATION" if known else "CURRENT"
            db.execute(
                "INSERT INTO kms_key_materials (account_id, region, key_id, material_id, sealed, created, state, import_state, expiration_model, valid_to, description) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'IMPORTED', ?, ?, ?)",
                (key.account_id, key.region, key.key_id, material_id, sealed, now, state, model, valid_to, params.get("KeyMaterialDescription")),
            )
        if state == "CURRENT":
            db.execute(
                "UPDATE kms_keys SET current_material = ?, expiration_model = ?, valid_to = ?, "
                "state = CASE WHEN state = 'PendingImport' THEN COALESCE(state_before_import, 'Enabled') ELSE state END, state_before_import = NULL "
                "WHERE account_id = ? AND region = ? AND key_id = ?",
                (material_id, model, valid_to, key.account_id, key.region, key.key_id),
            )
        lifecycle.refresh(db, key.account_id, key.region, key.key_id)
    return {"KeyId": key.arn, "KeyMaterialId": material_id}


@operation
def delete_imported_key_material(ctx, params):
    with ctx.store.tx() as db:
        key = _external_key(ctx, db, params)
        target = params.get("KeyMaterialId") or key.current_material
        row = target and db.execute(
            "SELECT state FROM kms_key_materials WHERE account_id = ? AND region = ? AND key_id = ? AND material_id = ?",
            (key.account_id, key.region, key.key_id, target),
        ).fetchone()
        if not row:
            if params.get("KeyMaterialId") is not None:
                raise errors.NotFoundException(f"Key material {params['KeyMaterialId']} does not exist in {key.arn}.")
            return {"KeyId": key.arn, "KeyMaterialId": ""}
        if row[0] == "CURRENT":
            lifecycle.expire_imported_material(db, key)
        else:
            db.execute(
                "UPDATE kms_key_materials SET sealed = NULL, import_state = 'PENDING_IMPORT' WHERE account_id = ? AND region = ? AND key_id = ? AND material_id = ?",
                (key.account_id, key.region, key.key_id, target),
            )
        lifecycle.refresh(db, key.account_id, key.region, key.key_id)
    return {"KeyId": key.arn, "KeyMaterialId": target}
