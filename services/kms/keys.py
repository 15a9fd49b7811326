"""KMS keys: their rows, how a KeyId finds one, the checks every operation
makes on a key's state and usage, and KeyMetadata as DescribeKey returns it.

Also the two entry points other components use:
- ``aws_managed_key(ctx, "s3")``: the ARN of AWS managed key aws/s3,
  created on first use (S3's SSE-KMS default).
- ``key_for_authorization(ctx, key_id)``: key ARN, key policy and grants,
  for the policy engine.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from typing import Optional

from . import errors, key_ids, key_material, key_specs, policies_default, tags

UTC = _dt.timezone.utc

# Operations that take a key of another account (by key ARN or alias ARN).
CROSS_ACCOUNT_OPERATIONS = frozenset(
    {
        "CreateGrant", "Decrypt", "DeriveSharedSecret", "DescribeKey", "Encrypt", "GenerateDataKey",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext",
        "GenerateMac", "GetKeyRotationStatus", "GetPublicKey", "ListGrants", "ReEncrypt", "RetireGrant",
        "RevokeGrant", "Sign", "Verify", "VerifyMac",
    }
)

# AWS managed keys KMS creates when first used, with their descriptions.
AWS_MANAGED_DESCRIPTIONS = {
    "s3": "Default key that protects my S3 objects when no other key is defined",
    "ebs": "Default key that protects my EBS volumes when no other key is defined",
    "rds": "Default key that protects my RDS database volumes when no other key is defined",
    "lambda": "Default key that protects my Lambda functions when no other key is defined",
    "secretsmanager": "Default key that protects my Secrets Manager data when no other key is defined",
    "ssm": "Default key that protects my SSM parameters when no other key is defined",
    "dynamodb": "Default key that protects my DynamoDB data when no other key is defined",
    "sns": "Default key that protects my SNS data when no other key is defined",
    "sqs": "Default key that protects my SQS messages when no other key is defined",
}
AWS_MANAGED_ROTATION_DAYS = 365


@dataclasses.dataclass
class Key:
    account_id: str
    region: str
    key_id: str
    created: float
    description: str
    key_usage: str
    key_spec: str
    origin: str
    key_manager: str
    state: str
    state_before_import: Optional[str]
    deletion_date: Optional[float]
    pending_window_days: Optional[int]
    multi_region: int
    primary_region: Optional[str]
    current_material: Optional[str]
    rotation_period_days: Optional[int]
    next_rotation: Optional[float]
    on_demand_rotation_start: Optional[float]
    expiration_model: Optional[str]
    valid_to: Optional[float]
    next_event: Optional[float]
    # The sealed bytes of the material asked for (the current one by default).
    sealed: Optional[bytes] = None
    material_id: Optional[str] = None

    @property
    def arn(self) -> str:
        return key_ids.key_arn(self.region, self.account_id, self.key_id)

    @property
    def is_primary(self) -> bool:
        return bool(self.multi_region) and self.primary_region == self.region

    def usable(self, root_key):
        """The unsealed material asked for when loading (see key_material.usable)."""
        if self.sealed is None:
            raise errors.InvalidCiphertextException("")
        return key_material.usable(root_key, self.key_spec, self.key_id, self.material_id, self.sealed)


_KEY_COLUMNS = [f.name for f in dataclasses.fields(Key) if f.name not in ("sealed", "material_id")]
_SELECT = (
    "SELECT " + ", ".join("k." + c for c in _KEY_COLUMNS) + ", m.sealed, m.material_id FROM kms_keys k "
    "LEFT JOIN kms_key_materials m ON m.account_id = k.account_id AND m.region = k.region "
    "AND m.key_id = k.key_id AND m.material_id = {material} "
    "WHERE k.account_id = ? AND k.region = ? AND k.key_id = ?"
)
_SELECT_CURRENT = _SELECT.format(material="k.current_material")
_SELECT_VERSION = _SELECT.format(material="?")


def epoch(moment: _dt.datetime) -> float:
    return moment.timestamp()


def moment(seconds: Optional[float]) -> Optional[_dt.datetime]:
    return None if seconds is None else _dt.datetime.fromtimestamp(seconds, UTC)


def load(db, account_id: str, region: str, key_id: str, material_id: str | None = None) -> Key | None:
    if material_id is None:
        row = db.execute(_SELECT_CURRENT, (account_id, region, key_id)).fetchone()
    else:
        row = db.execute(_SELECT_VERSION, (material_id, account_id, region, key_id)).fetchone()
    return Key(*row) if row else None


def committed(ctx, account_id: str, region: str, key_id: str, material_id: str | None = None) -> Key | None:
    """``load`` as of the last change to the keys (``Store.cached``): a
    change to the key by any worker (DisableKey, a rotation) is seen by the
    very next request. For the cryptographic operations' path; the Key is shared,
    so the caller must not modify it."""
    return ctx.store.cached(("kms-key", account_id, region, key_id, material_id),
                            lambda: load(ctx.store.read(), account_id, region, key_id, material_id))


def resolve(ctx, value: str, *, aliases: bool = True, material_id: str | None = None, db=None,
            shared: bool = False) -> Key:
    """The key ``value`` names (key id, key ARN, alias name or alias ARN),
    in the caller's region; another account's only where the operation
    allows it. Raises AWS's NotFoundException forms. ``shared``: the alias
    and the key as last read (``Store.cached``, as ``committed``), so the key
    is not to be modified."""
    db = db or ctx.store.read()
    ref = key_ids.parse(value, ctx.account_id, ctx.region, aliases=aliases)
    foreign = ref.account_id != ctx.account_id
    if foreign and ctx.operation not in CROSS_ACCOUNT_OPERATIONS:
        raise errors.key_not_found(ref.arn) if ref.kind == "key" else errors.alias_not_found(ref.arn)
    key_id = ref.name
    if ref.kind == "alias":
        query = "SELECT key_id FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?"
        alias = (ref.account_id, ref.region, ref.name)
        if shared:
            row = ctx.store.cached(("kms-alias", *alias), lambda: ctx.store.read().execute(query, alias).fetchone())
        else:
            row = db.execute(query, alias).fetchone()
        if row is None:
            service = ref.name[len("alias/aws/") :] if ref.name.startswith("alias/aws/") else None
            if service in AWS_MANAGED_DESCRIPTIONS and not foreign:
                key_id = _create_aws_managed_key(ctx, service)
                db = ctx.store.read()
            else:
                raise errors.alias_not_found(key_ids.alias_arn(ref.region, ref.account_id, ref.name))
        else:
            key_id = row[0]
    if shared:
        key = committed(ctx, ref.account_id, ref.region, key_id, material_id)
    else:
        key = load(db, ref.account_id, ref.region, key_id, material_id)
    if key is None:
        raise errors.key_not_found(ref.arn if ref.kind == "key" else key_ids.key_arn(ref.region, ref.account_id, key_id))
    return key


# -- checks every operation makes ------------------------------------------------
def check_enabled(key: Key) -> None:
    """A cryptographic operation needs an Enabled key."""
    if key.state == "Enabled":
        return
    if key.state == "Disabled":
        raise errors.disabled(key.arn)
    raise errors.invalid_state(key.arn, key.state)


def check_not_pending_deletion(key: Key) -> None:
    """Management operations refuse keys that are on their way out."""
    if key.state in ("PendingDeletion", "PendingReplicaDeletion"):
        raise errors.invalid_state(key.arn, key.state)


def check_usage(key: Key, usage: str, operation: str) -> None:
    if key.key_usage != usage:
        raise errors.wrong_usage(key.arn, key.key_usage, operation)


def check_customer_managed(key: Key) -> None:
    """AWS managed keys are KMS's own to change."""
    if key.key_manager == "AWS":
        raise errors.UnsupportedOperationException(f"{key.arn} is an AWS managed key which is not valid for this operation.")


# -- KeyMetadata -------------------------------------------------------------------------------
def metadata(db, key: Key, *, state: str | None = None) -> dict:
    state = state or key.state
    meta = {
        "AWSAccountId": key.account_id,
        "KeyId": key.key_id,
        "Arn": key.arn,
        "CreationDate": moment(key.created),
        "Enabled": state == "Enabled",
        "Description": key.description,
        "KeyUsage": key.key_usage,
        "KeyState": state,
        "Origin": key.origin,
        "KeyManager": key.key_manager,
        "KeySpec": key.key_spec,
        "MultiRegion": bool(key.multi_region),
    }
    if key.key_spec in CUSTOMER_MASTER_KEY_SPECS:
        meta["CustomerMasterKeySpec"] = key.key_spec
    meta.update(key_specs.algorithms(key.key_spec, key.key_usage))
    if key.state == "PendingDeletion":
        meta["DeletionDate"] = moment(key.deletion_date)
    if key.state == "PendingReplicaDeletion":
        meta["PendingDeletionWindowInDays"] = key.pending_window_days
    if key.origin == "EXTERNAL" and key.expiration_model:
        meta["ExpirationModel"] = key.expiration_model
        if key.valid_to is not None:
            meta["ValidTo"] = moment(key.valid_to)
    if key.current_material and key_specs.is_symmetric(key.key_spec):
        meta["CurrentKeyMaterialId"] = key.current_material
    if key.multi_region:
        meta["MultiRegionConfiguration"] = multi_region_configuration(db, key)
    return meta


CUSTOMER_MASTER_KEY_SPECS = frozenset(
    key_specs.RSA_SPECS + key_specs.ECC_SPECS + key_specs.HMAC_SPECS + (key_specs.SYMMETRIC, "SM2")
)


def multi_region_configuration(db, key: Key) -> dict:
    rows = db.execute(
        "SELECT region FROM kms_keys WHERE key_id = ? AND account_id = ? ORDER BY region", (key.key_id, key.account_id)
    ).fetchall()
    primary = key.primary_region
    return {
        "MultiRegionKeyType": "PRIMARY" if key.is_primary else "REPLICA",
        "PrimaryKey": {"Arn": key_ids.key_arn(primary, key.account_id, key.key_id), "Region": primary},
        "ReplicaKeys": [
            {"Arn": key_ids.key_arn(r, key.account_id, key.key_id), "Region": r} for (r,) in rows if r != primary
        ],
    }


# -- creating keys -------------------------------------------------------------------------------------
def insert(
    ctx,
    db,
    *,
    region: str,
    key_id: str,
    key_spec: str,
    key_usage: str,
    origin: str,
    description: str,
    policy: str,
    key_manager: str = "CUSTOMER",
    multi_region: bool = False,
    primary_region: str | None = None,
    state: str = "Enabled",
    tag_list: list[dict] | None = None,
) -> Key:
    """Write a new key row with its policy and tags (and, unless its material
    is imported, new key material)."""
    account_id = ctx.account_id
    now = epoch(ctx.now)
    material_id = None
    if origin == "AWS_KMS":
        material_id = key_material.new_material_id()
        sealed = key_material.seal(ctx.app.root_key, key_id, material_id, key_material.generate(key_spec))
        db.execute(
            "INSERT INTO kms_key_materials (account_id, region, key_id, material_id, sealed, created, state) VALUES (?, ?, ?, ?, ?, ?, 'CURRENT')",
            (account_id, region, key_id, material_id, sealed, now),
        )
    db.execute(
        "INSERT INTO kms_keys (account_id, region, key_id, created, description, key_usage, key_spec, origin, key_manager, state, multi_region, primary_region, current_material) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (account_id, region, key_id, now, description, key_usage, key_spec, origin, key_manager, state,
         int(multi_region), primary_region if multi_region else None, material_id),
    )
    db.execute(
        "INSERT INTO kms_key_policies VALUES (?, ?, ?, ?, ?)",
        (account_id, region, key_id, policies_default.POLICY_NAME, policy),
    )
    if tag_list:
        tags.put(db, account_id, region, key_id, tag_list)
    return load(db, account_id, region, key_id)


def _create_aws_managed_key(ctx, service: str) -> str:
    """Create AWS managed key aws/<service> (once: a racing creator wins)."""
    alias = f"alias/aws/{service}"
    with ctx.store.tx() as db:
        row = db.execute(
            "SELECT key_id FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?",
            (ctx.account_id, ctx.region, alias),
        ).fetchone()
        if row:
            return row[0]
        key_id = key_ids.new_key_id()
        insert(
            ctx, db, region=ctx.region, key_id=key_id, key_spec=key_specs.SYMMETRIC, key_usage="ENCRYPT_DECRYPT",
            origin="AWS_KMS", description=AWS_MANAGED_DESCRIPTIONS[service],
            policy=policies_default.aws_managed_key_policy(ctx.account_id, ctx.region, service), key_manager="AWS",
        )
        now = epoch(ctx.now)
        next_rotation = now + AWS_MANAGED_ROTATION_DAYS * 86400
        db.execute(
            "UPDATE kms_keys SET rotation_period_days = ?, next_rotation = ?, next_event = ? WHERE account_id = ? AND region = ? AND key_id = ?",
            (AWS_MANAGED_ROTATION_DAYS, next_rotation, next_rotation, ctx.account_id, ctx.region, key_id),
        )
        db.execute("INSERT INTO kms_aliases VALUES (?, ?, ?, ?, ?, ?)", (ctx.account_id, ctx.region, alias, key_id, now, now))
        return key_id


def aws_managed_key(ctx, service: str) -> str:
    """The ARN of AWS managed key ``aws/<service>`` in the caller's account
    and region, created on first use."""
    row = ctx.store.read().execute(
        "SELECT key_id FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?",
        (ctx.account_id, ctx.region, f"alias/aws/{service}"),
    ).fetchone()
    key_id = row[0] if row else _create_aws_managed_key(ctx, service)
    return key_ids.key_arn(ctx.region, ctx.account_id, key_id)


# -- for the policy engine ----------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class KeyAuthorizationView:
    arn: str
    account_id: str
    region: str
    key_id: str
    key_manager: str
    key_state: str
    policy: str  # the key policy document (JSON text)
    grants: list  # dicts: GrantId, GranteePrincipal, RetiringPrincipal, Operations, Constraints, GrantToken


def key_for_authorization(ctx, value: str) -> KeyAuthorizationView | None:
    """What the policy engine needs about the key ``value`` names (any form:
    key id, key ARN, alias name, alias ARN; another account's by ARN): one
    indexed read each for key, policy and grants. None when the identifier
    names no key (the operation then answers NotFoundException itself)."""
    db = ctx.store.read()
    try:
        ref = key_ids.parse(value, ctx.account_id, ctx.region)
    except errors.KmsError:
        return None
    key_id = ref.name
    if ref.kind == "alias":
        row = db.execute(
            "SELECT key_id FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?",
            (ref.account_id, ref.region, ref.name),
        ).fetchone()
        if row is None:
            return None
        key_id = row[0]
    row = db.execute(
        "SELECT k.key_manager, k.state, p.policy FROM kms_keys k JOIN kms_key_policies p ON p.account_id = k.account_id "
        "AND p.region = k.region AND p.key_id = k.key_id AND p.policy_name = 'default' "
        "WHERE k.account_id = ? AND k.region = ? AND k.key_id = ?",
        (ref.account_id, ref.region, key_id),
    ).fetchone()
    if row is None:
        return None
    grant_rows = db.execute(
        "SELECT grant_id, grantee_principal, retiring_principal, operations, constraints, grant_token FROM kms_grants "
        "WHERE account_id = ? AND region = ? AND key_id = ?",
        (ref.account_id, ref.region, key_id),
    ).fetchall()
    return KeyAuthorizationView(
        arn=key_ids.key_arn(ref.region, ref.account_id, key_id),
        account_id=ref.account_id,
        region=ref.region,
        key_id=key_id,
        key_manager=row[0],
        key_state=row[1],
        policy=row[2],
        grants=[
            {
                "GrantId": g[0],
                "GranteePrincipal": g[1],
                "RetiringPrincipal": g[2],
                "Operations": json.loads(g[3]),
                "Constraints": json.loads(g[4]) if g[4] else None,
                "GrantToken": g[5],
            }
            for g in grant_rows
        ],
    )
