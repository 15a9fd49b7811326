"""Object Lock operations: the bucket's configuration, and each version's
retention and legal hold (see ``object_lock``)."""
from __future__ import annotations

from . import buckets, object_lock, objects, operation
from .errors import (
    InvalidBucketState,
    InvalidRequest,
    MalformedXML,
    NoSuchKey,
    NoSuchObjectLockConfiguration,
    ObjectLockConfigurationNotFoundError,
)
from .object_lock import Lock


# -- the bucket's configuration -----------------------------------------------------
@operation
def put_object_lock_configuration(ctx, params):
    buckets.get(ctx, params["Bucket"])
    configuration = object_lock.validated_configuration(params.get("ObjectLockConfiguration") or {})
    with ctx.store.tx() as db:
        bucket = buckets.get(ctx, params["Bucket"], db)  # its versioning as of this transaction
        if not bucket["object_lock"] and bucket["versioning"] != "Enabled":
            raise InvalidBucketState("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
        # Turning Object Lock on is for good, and keeps versioning Enabled.
        db.execute("UPDATE s3_buckets SET object_lock = 1 WHERE name = ?", (bucket["name"],))
        buckets.put_config(ctx, bucket, object_lock.CONFIG, configuration)
    return {}


@operation
def get_object_lock_configuration(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    if not bucket["object_lock"]:
        raise ObjectLockConfigurationNotFoundError(BucketName=bucket["name"])
    stored = buckets.config(ctx, bucket["name"], object_lock.CONFIG) or {"ObjectLockEnabled": "Enabled"}
    return {"ObjectLockConfiguration": stored}


# -- a version's retention and legal hold ---------------------------------------------
def _locked_version(ctx, params, method: str):
    """The version the request names, in a bucket with Object Lock."""
    bucket = buckets.get(ctx, params["Bucket"])
    if not bucket["object_lock"]:
        raise InvalidRequest("Bucket is missing Object Lock Configuration")
    return objects.find(ctx, bucket["name"], params["Key"], params.get("VersionId"), method=method, sub_resource=True)


@operation
def put_object_retention(ctx, params):
    row = _locked_version(ctx, params, "PUT")
    retention = params.get("Retention") or {}
    mode, until = retention.get("Mode"), retention.get("RetainUntilDate")
    if (mode is None) != (until is None) or (mode is not None and mode not in object_lock.MODES):
        raise MalformedXML()
    if until is not None:
        object_lock.check_future(ctx, until)
    new_until = until.timestamp() if until is not None else None
    bypass = bool(params.get("BypassGovernanceRetention"))
    _change(ctx, row, lambda current: object_lock.check_retention_change(ctx, current, mode, new_until, bypass=bypass),
            lock_mode=mode, lock_until=new_until)
    return {}


@operation
def get_object_retention(ctx, params):
    lock = Lock.of(_locked_version(ctx, params, "GET"))
    if lock.mode is None:
        raise NoSuchObjectLockConfiguration()
    return {"Retention": {"Mode": lock.mode, "RetainUntilDate": object_lock.date(lock.until)}}


@operation
def put_object_legal_hold(ctx, params):
    row = _locked_version(ctx, params, "PUT")
    status = (params.get("LegalHold") or {}).get("Status")
    if status not in object_lock.HOLD_STATUSES:
        raise MalformedXML()
    _change(ctx, row, lambda current: None, legal_hold=status)
    return {}


@operation
def get_object_legal_hold(ctx, params):
    row = _locked_version(ctx, params, "GET")
    if row["legal_hold"] is None:
        raise NoSuchObjectLockConfiguration()
    return {"LegalHold": {"Status": row["legal_hold"]}}


def _change(ctx, row, judge, **columns) -> None:
    """Set lock columns of the version ``row`` once ``judge`` accepts the
    version as it is in the same transaction (a concurrent change to its
    lock is judged, not overwritten)."""
    assignments = ", ".join(f"{name} = ?" for name in columns)
    with ctx.store.tx() as db:
        current = db.execute("SELECT * FROM s3_objects WHERE id = ?", (row["id"],)).fetchone()
        if current is None:  # deleted meanwhile
            raise NoSuchKey(Key=row["key"])
        judge(current)
        db.execute(f"UPDATE s3_objects SET {assignments} WHERE id = ?", (*columns.values(), row["id"]))
