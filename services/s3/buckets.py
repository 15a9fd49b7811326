"""Buckets: names, where they live, who owns them, and their sub-resources.

Bucket names are one namespace for every account of the server, as in AWS:
creating a name another account holds is ``BucketAlreadyExists``. The
region rules follow S3's: us-east-1 takes no LocationConstraint (and naming it
explicitly is invalid), every other region must name itself.
"""
from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
import re

from simulator import regions

from .errors import (
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraintException,
    InvalidBucketName,
    InvalidLocationConstraint,
    NoSuchBucket,
    TooManyBuckets,
)

US_EAST_1 = "us-east-1"
# Legacy constraint names S3 still accepts, and the region each means.
LEGACY_CONSTRAINTS = {"EU": "eu-west-1"}
OWNERSHIPS = ("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced")
PUBLIC_ACCESS_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
MAX_BUCKETS = 10_000  # AWS's default general purpose bucket quota per account
_NAME = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


@functools.lru_cache(maxsize=4096)
def canonical_user_id(account_id: str) -> str:
    """The account's S3 canonical user id (64 hex digits), stable per account
    (and asked for by every write: kept)."""
    return hashlib.sha256(f"awsbox-canonical-user:{account_id}".encode()).hexdigest()


def owner(account_id: str) -> dict:
    return {"ID": canonical_user_id(account_id)}


def validate_name(name: str) -> None:
    """All of S3's general purpose bucket naming rules."""
    if (
        not _NAME.match(name)
        or ".." in name
        or name.startswith(_RESERVED_PREFIXES)
        or name.endswith(_RESERVED_SUFFIXES)
        or _is_ip_address(name)
    ):
        raise InvalidBucketName(BucketName=name)


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def region_for(request_region: str, constraint: str | None) -> str:
    """The region a new bucket lands in, by S3's LocationConstraint rules."""
    if constraint is not None and constraint != "":
        region = LEGACY_CONSTRAINTS.get(constraint, constraint)
        if constraint == US_EAST_1 or region not in regions.of("s3"):
            raise InvalidLocationConstraint(LocationConstraint=constraint)
        # The us-east-1 endpoint is S3's global one: it creates buckets anywhere.
        if request_region not in (US_EAST_1, region):
            raise IllegalLocationConstraintException(
                f"The {constraint} location constraint is incompatible for the region specific endpoint this request"
                " was sent to."
            )
        return region
    if request_region != US_EAST_1:
        raise IllegalLocationConstraintException(
            "The unspecified location constraint is incompatible for the region specific endpoint this request was"
            " sent to."
        )
    return US_EAST_1


def create(ctx, name: str, region: str, *, configs: dict, object_lock: bool) -> bool:
    """Create the bucket with its initial sub-resources; False when the
    caller already owns it in us-east-1, where S3 answers a repeated create
    with success. Object Lock turns versioning on for good."""
    with ctx.store.tx() as db:
        existing = db.execute("SELECT account_id, region FROM s3_buckets WHERE name = ?", (name,)).fetchone()
        if existing is not None:
            if existing["account_id"] != ctx.account_id:
                raise BucketAlreadyExists(BucketName=name)
            if existing["region"] == US_EAST_1 and region == US_EAST_1:
                return False
            raise BucketAlreadyOwnedByYou(BucketName=name)
        (count,) = db.execute("SELECT count(*) FROM s3_buckets WHERE account_id = ?", (ctx.account_id,)).fetchone()
        if count >= MAX_BUCKETS:
            raise TooManyBuckets()
        db.execute(
            "INSERT INTO s3_buckets (name, account_id, region, created, versioning, object_lock) VALUES (?, ?, ?, ?, ?, ?)",
            (name, ctx.account_id, region, ctx.now.timestamp(), "Enabled" if object_lock else None, int(object_lock)),
        )
        for config_name, document in configs.items():
            db.execute(
                "INSERT INTO s3_bucket_configs (bucket, account_id, region, name, document) VALUES (?, ?, ?, ?, ?)",
                (name, ctx.account_id, region, config_name, json.dumps(document)),
            )
    return True


def get(ctx, name: str, db=None):
    """The bucket's row (inside a write transaction, ``db``, as it reads
    there). Who may use it (its owner, or another account a bucket policy lets
    in) was decided before the handler ran, by the one authorization point
    (policies/authorizers/s3.py)."""
    row = db.execute(_ROW, (name,)).fetchone() if db is not None else _kept_row(ctx.store, name)
    if row is None:
        raise NoSuchBucket(BucketName=name)
    return row


_ROW = "SELECT * FROM s3_buckets WHERE name = ?"


def _kept_row(store, name: str):
    # Kept while the buckets table is unchanged (Store.cached): every object
    # request asks.
    return store.cached(("s3-bucket", name), lambda: store.read().execute(_ROW, (name,)).fetchone())


# Operations any region may address: GetBucketLocation is how a client finds
# a bucket's region (S3 answers it in every region), and CreateBucket has
# region rules of its own (region_for).
_ANY_REGION = frozenset({"CreateBucket", "GetBucketLocation"})


def expected_region(store, operation: str, params: dict) -> str | None:
    """The region a request must be signed for: its bucket's, if it names one
    that exists (see Service.expected_region)."""
    name = params.get("Bucket")
    if not name or operation in _ANY_REGION:
        return None
    row = _kept_row(store, name)
    return row["region"] if row is not None else None


def delete(ctx, name: str) -> list[str]:
    """Delete an empty bucket; returns the blob ids of abandoned multipart
    parts, for the caller to remove once the deletion is committed."""
    with ctx.store.tx() as db:
        bucket = get(ctx, name, db)
        if db.execute("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1", (name,)).fetchone():
            # S3 points a versioned bucket's owner at the versions a plain
            # listing does not show (recorded in ministack#1496).
            versions = ". You must delete all versions in the bucket." if bucket["versioning"] else ""
            raise BucketNotEmpty(BucketNotEmpty.default_message + versions, BucketName=name)
        uploads = [r[0] for r in db.execute("SELECT upload_id FROM s3_uploads WHERE bucket = ?", (name,))]
        blobs = []
        for upload_id in uploads:
            blobs += [r[0] for r in db.execute("SELECT blob_id FROM s3_upload_parts WHERE upload_id = ?", (upload_id,))]
            db.execute("DELETE FROM s3_upload_parts WHERE upload_id = ?", (upload_id,))
        db.execute("DELETE FROM s3_uploads WHERE bucket = ?", (name,))
        db.execute("DELETE FROM s3_bucket_configs WHERE bucket = ?", (name,))
        db.execute("DELETE FROM s3_buckets WHERE name = ?", (name,))
    return blobs


def list_for(ctx, *, prefix: str | None, region: str | None, after: str | None, limit: int):
    sql = "SELECT name, region, created FROM s3_buckets WHERE account_id = ?"
    args: list = [ctx.account_id]
    if after:
        sql += " AND name > ?"
        args.append(after)
    if prefix:
        sql += " AND substr(name, 1, ?) = ?"
        args += [len(prefix), prefix]
    if region:
        sql += " AND region = ?"
        args.append(region)
    sql += " ORDER BY name LIMIT ?"
    args.append(limit)
    return ctx.store.read().execute(sql, args).fetchall()


# -- sub-resources (encryption, policy, tagging, cors, ...) --------------------
def config(ctx, bucket: str, name: str):
    """A configured sub-resource document (parsed JSON, the caller's own), or
    None. The stored text is kept while the configurations are unchanged
    (Store.cached): writes ask for the encryption and ownership ones."""
    document = ctx.store.cached(("s3-bucket-config", bucket, name), lambda: _stored_config(ctx, bucket, name))
    return json.loads(document) if document is not None else None


def _stored_config(ctx, bucket: str, name: str) -> str | None:
    row = ctx.store.read().execute(
        "SELECT document FROM s3_bucket_configs WHERE bucket = ? AND name = ?", (bucket, name)
    ).fetchone()
    return row[0] if row else None


def put_config(ctx, bucket, name: str, document) -> None:
    with ctx.store.tx() as db:
        db.execute(
            "INSERT INTO s3_bucket_configs (bucket, account_id, region, name, document) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (bucket, name) DO UPDATE SET document = excluded.document",
            (bucket["name"], bucket["account_id"], bucket["region"], name, json.dumps(document)),
        )


def delete_config(ctx, bucket: str, name: str) -> None:
    with ctx.store.tx() as db:
        db.execute("DELETE FROM s3_bucket_configs WHERE bucket = ? AND name = ?", (bucket, name))


def configured(ctx, params, name: str, missing: type) -> dict:
    """The bucket's stored `name` sub-resource, or `missing` (S3's NoSuch...
    error for it) when none is set. The bucket is looked up first, so an
    absent bucket is still NoSuchBucket."""
    bucket = get(ctx, params["Bucket"])
    stored = config(ctx, bucket["name"], name)
    if stored is None:
        raise missing(BucketName=bucket["name"])
    return stored


def unconfigure(ctx, params, *names: str) -> dict:
    """Drop the bucket's `names` sub-resources; S3 answers a delete of one
    never set with success all the same, but a missing bucket with NoSuchBucket."""
    bucket = get(ctx, params["Bucket"])
    for name in names:
        delete_config(ctx, bucket["name"], name)
    return {}
