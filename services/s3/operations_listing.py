"""Listing operations: ListObjects, ListObjectsV2, ListObjectVersions."""
from __future__ import annotations

from . import buckets, listing, operation, restore
from .objects import quoted, timestamp


def _entry(row, encode, *, owner: bool, now: float) -> dict:
    entry = {
        "Key": encode(row["key"]),
        "LastModified": timestamp(row["last_modified"]),
        "ETag": quoted(row["etag"]),
        "Size": row["size"],
        "StorageClass": row["storage_class"],
    }
    if row["checksum_algorithm"]:
        entry["ChecksumAlgorithm"] = [row["checksum_algorithm"]]
        entry["ChecksumType"] = row["checksum_type"]
    if owner:
        entry["Owner"] = buckets.owner(row["owner"])
    restoring = restore.state(row, now)
    if restoring == "ongoing":
        entry["RestoreStatus"] = {"IsRestoreInProgress": True}
    elif restoring == "restored":
        entry["RestoreStatus"] = {"IsRestoreInProgress": False, "RestoreExpiryDate": timestamp(row["restore_expiry"])}
    return entry


def _common(params, page, encode) -> dict:
    out = {
        "Name": params["Bucket"],
        "Prefix": encode(params.get("Prefix") or ""),
        "MaxKeys": params.get("MaxKeys", listing.MAX_KEYS),
        "IsTruncated": page.truncated,
    }
    if params.get("Delimiter"):
        out["Delimiter"] = encode(params["Delimiter"])
    if params.get("EncodingType"):
        out["EncodingType"] = params["EncodingType"]
    if page.common_prefixes:
        out["CommonPrefixes"] = [{"Prefix": encode(p)} for p in page.common_prefixes]
    return out


@operation
def list_objects_v2(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    encode = listing.encoder(params.get("EncodingType"))
    limit = listing.max_keys(params.get("MaxKeys"))
    token = params.get("ContinuationToken")
    # An empty token is a bad one (localstack's AWS-validated list snapshots), not none.
    after = listing.from_continuation_token(token) if token is not None else params.get("StartAfter")
    page = listing.current(ctx.store.read(), bucket["name"], prefix=params.get("Prefix") or "",
                           delimiter=params.get("Delimiter"), after=after, limit=limit)
    out = _common(params, page, encode)
    out["KeyCount"] = len(page.entries) + len(page.common_prefixes)
    if page.entries:
        out["Contents"] = [_entry(r, encode, owner=bool(params.get("FetchOwner")), now=ctx.now.timestamp()) for r in page.entries]
    if token:
        out["ContinuationToken"] = token
    if params.get("StartAfter"):
        out["StartAfter"] = encode(params["StartAfter"])
    if page.truncated:
        out["NextContinuationToken"] = listing.continuation_token(page.last)
    return out


@operation
def list_objects(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    encode = listing.encoder(params.get("EncodingType"))
    limit = listing.max_keys(params.get("MaxKeys"))
    page = listing.current(ctx.store.read(), bucket["name"], prefix=params.get("Prefix") or "",
                           delimiter=params.get("Delimiter"), after=params.get("Marker") or None, limit=limit)
    out = _common(params, page, encode)
    out["Marker"] = encode(params.get("Marker") or "")
    if page.entries:
        out["Contents"] = [_entry(r, encode, owner=True, now=ctx.now.timestamp()) for r in page.entries]
    # S3 names the next marker only when a delimiter is used; without one
    # clients continue from the last key.
    if page.truncated and params.get("Delimiter"):
        out["NextMarker"] = encode(page.last)
    return out


@operation
def list_object_versions(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    encode = listing.encoder(params.get("EncodingType"))
    limit = listing.max_keys(params.get("MaxKeys"))
    page = listing.versions(ctx.store.read(), bucket["name"], prefix=params.get("Prefix") or "",
                            delimiter=params.get("Delimiter"), key_marker=params.get("KeyMarker") or None,
                            version_marker=listing.version_marker(params.get("KeyMarker"), params.get("VersionIdMarker")),
                            limit=limit)
    out = _common(params, page, encode)
    out["KeyMarker"] = encode(params.get("KeyMarker") or "")
    out["VersionIdMarker"] = params.get("VersionIdMarker") or ""
    versions, markers = [], []
    for row in page.entries:
        if row["delete_marker"]:
            markers.append({
                "Owner": buckets.owner(row["owner"]),
                "Key": encode(row["key"]),
                "VersionId": row["version_id"],
                "IsLatest": bool(row["is_latest"]),
                "LastModified": timestamp(row["last_modified"]),
            })
        else:
            entry = _entry(row, encode, owner=True, now=ctx.now.timestamp())
            entry.update(VersionId=row["version_id"], IsLatest=bool(row["is_latest"]))
            versions.append(entry)
    if versions:
        out["Versions"] = versions
    if markers:
        out["DeleteMarkers"] = markers
    if page.truncated:
        out["NextKeyMarker"] = encode(page.last)
        if page.last_row is not None:
            out["NextVersionIdMarker"] = page.last_row["version_id"]
    return out
