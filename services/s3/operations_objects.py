"""Object operations: put, get, head, delete (one and many), copy,
attributes and tagging."""
from __future__ import annotations

import json

from simulator.protocols import RESPONSE_STATUS

from . import acl, buckets, checksums, conditions, multipart, object_lock, objects, operation, ranges, restore, tagging
from . import server_side_encryption as sse
from .errors import (
    AccessDenied,
    InvalidArgument,
    InvalidObjectState,
    InvalidPartNumber,
    InvalidRequest,
    MalformedXML,
    NoSuchKey,
)
from .objects import quoted, timestamp
from .server_side_encryption import Protection

MAX_DELETE_OBJECTS = 1000
OBJECT_ATTRIBUTES = ("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize")


# -- writing ------------------------------------------------------------------------
@operation
def put_object(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    key = params["Key"]
    objects.validate_key(key)
    objects.check_upload_size(ctx.http)
    metadata = objects.validate_metadata(params.get("Metadata"))
    storage_class = objects.validate_storage_class(params.get("StorageClass"))
    objects.validate_website_redirect(params.get("WebsiteRedirectLocation"))
    lock = object_lock.for_write(ctx, bucket, params)
    tags = tagging.from_header(params.get("Tagging"))
    expected_md5 = checksums.content_md5(params.get("ContentMD5"))
    expectation = checksums.Expectation(params, ctx.http)
    object_lock.require_checksum(lock, params, expectation)
    if_match, if_none_match = conditions.for_write(params)
    if if_match is not None or if_none_match is not None:
        # Fail a doomed conditional write before reading its body (and again,
        # atomically, at commit).
        objects.check_write_conditions(objects.latest(ctx.store.read(), bucket["name"], key), key, if_match,
                                       if_none_match)
    grants, owner = acl.for_new_object(ctx, bucket, params)
    sealing = sse.for_write(ctx, bucket, key, params)
    running = expectation.running()
    body = params.get("Body")
    stored = objects.store_body(ctx, body, sealing.data_key, running)
    try:
        checksums.verify_md5(expected_md5, stored.md5)
        expectation.verify(running, objects.trailers_of(body))
        etag = objects.single_etag(stored.md5, sealing.protection, stored.body_id)
        fields = objects.row_fields(
            ctx, bucket, size=stored.size, etag=etag, storage_class=storage_class,
            headers=objects.content_headers(params), metadata=metadata, tags=tags, protection=sealing.protection,
            sealed_key=sealing.sealed_key, checksum_algorithm=running.algorithm, checksum_value=running.value(),
            checksum_type="FULL_OBJECT", blob_id=stored.blob_id, body_id=stored.body_id,
        )
        fields.update(acl=grants, owner=owner, **lock.columns())
        committed = objects.commit(ctx, bucket["name"], key, fields, if_match=if_match, if_none_match=if_none_match)
    except BaseException:
        ctx.store.blobs.delete(stored.blob_id)
        raise
    ctx.store.blobs.delete(*committed.doomed_blobs)
    out = {
        "ETag": quoted(etag),
        checksums.member(running.algorithm): running.value(),
        "ChecksumType": "FULL_OBJECT",
        **sealing.protection.response(customer_key_md5=sealing.customer_key_md5, with_context=True),
    }
    if objects.is_versioned(bucket):
        out["VersionId"] = committed.version_id
    return out


# -- reading ------------------------------------------------------------------------
def _read(ctx, params: dict, *, method: str) -> dict:
    """GetObject and HeadObject: the same checks and headers; GET adds the body."""
    if params.get("PartNumber") is not None:
        multipart.validate_part_number(params["PartNumber"])
    bucket = buckets.get(ctx, params["Bucket"])
    key = params["Key"]
    db = ctx.store.read()
    row = objects.find(ctx, bucket["name"], key, params.get("VersionId"), method=method, db=db)
    protection = Protection.from_json(row["sse"])
    if method == "GET" and not restore.readable(row, ctx.now.timestamp()):
        raise InvalidObjectState(StorageClass=row["storage_class"])
    conditions.check_read(params, row["etag"], row["last_modified"], ctx.now.timestamp())
    # SSE-C needs the right key even for HEAD; SSE-KMS asks KMS only when
    # there is a body to decrypt.
    if method == "GET" or protection.algorithm == sse.SSE_C:
        data_key = sse.data_key(ctx, bucket, key, protection, row["sealed_key"], params)
    parts = objects.parts_of(db, row["id"]) if row["parts_count"] else []
    size = row["size"]
    out = _description(ctx, bucket, row, protection, params)
    span = None
    part_number = params.get("PartNumber")
    if part_number is not None:
        if params.get("Range"):
            raise InvalidRequest("Cannot specify both Range header and partNumber query parameter")
        span = _part_span(row, parts, part_number)
        if row["parts_count"]:
            out["PartsCount"] = row["parts_count"]
    else:
        span = ranges.resolve(params.get("Range"), size)
    first, last = span if span is not None else (0, size - 1)
    if span is not None:
        out["ContentRange"] = ranges.content_range(first, last, size)
        out[RESPONSE_STATUS] = 206
    elif params.get("ChecksumMode") == "ENABLED":
        out.update(objects.checksum_output(row))
    out["ContentLength"] = last - first + 1 if size else 0
    if method == "GET":
        out["Body"] = objects.body(ctx, row, parts, data_key, first, last)
    return out


def _part_span(row, parts, part_number: int) -> tuple[int, int] | None:
    if not row["parts_count"]:
        if part_number != 1:
            raise InvalidPartNumber(PartNumberRequested=str(part_number), ActualPartCount="1")
        # Part 1 of a single-PUT object is all of it, answered 206 with its
        # range and no parts count (localstack's AWS-validated test_get_object_part).
        return (0, row["size"] - 1) if row["size"] else None
    if not 1 <= part_number <= len(parts):
        raise InvalidPartNumber(PartNumberRequested=str(part_number), ActualPartCount=str(len(parts)))
    first = sum(p["size"] for p in parts[: part_number - 1])
    return first, first + parts[part_number - 1]["size"] - 1


def _description(ctx, bucket, row, protection: Protection, params: dict) -> dict:
    """The headers GET and HEAD share: representation, metadata, encryption."""
    out = objects.headers_output(json.loads(row["headers"]))
    for name in ("CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "ContentType", "Expires"):
        override = params.get("Response" + name)
        if override is not None:
            out[name] = override
    out.update(
        ETag=quoted(row["etag"]),
        LastModified=timestamp(row["last_modified"]),
        AcceptRanges="bytes",
        Metadata=json.loads(row["metadata"]),
        **protection.response(customer_key_md5=params.get("SSECustomerKeyMD5")),
    )
    if row["storage_class"] != "STANDARD":
        out["StorageClass"] = row["storage_class"]
    if objects.is_versioned(bucket) or row["version_id"] != objects.NULL_VERSION:
        out["VersionId"] = row["version_id"]
    tag_count = len(json.loads(row["tags"]))
    if tag_count:
        out["TagCount"] = tag_count
    restoring = restore.header(row, ctx.now.timestamp(), objects.http_date)
    if restoring:
        out["Restore"] = restoring
    if row["lock_mode"] is not None or row["legal_hold"] is not None:
        out.update(object_lock.description(ctx, row))
    return out


@operation
def get_object(ctx, params):
    return _read(ctx, params, method="GET")


@operation
def head_object(ctx, params):
    return _read(ctx, params, method="HEAD")


# -- deleting ------------------------------------------------------------------------
@operation
def delete_object(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    bypass = object_lock.bypass_requested(bucket, params)
    deleted = objects.delete(ctx, bucket["name"], params["Key"], objects.checked_version_id(params.get("VersionId")),
                             bypass_governance=bypass)
    out = {}
    if deleted.delete_marker:
        out["DeleteMarker"] = True
    if deleted.version_id is not None:
        out["VersionId"] = deleted.version_id
    return out


@operation
def delete_objects(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    request = params.get("Delete") or {}
    targets = request.get("Objects") or []
    if not targets or len(targets) > MAX_DELETE_OBJECTS:
        raise MalformedXML()
    bypass = object_lock.bypass_requested(bucket, params)
    deleted, errors = [], []
    for target in targets:
        key, version_id = target["Key"], target.get("VersionId")
        try:
            objects.validate_key(key)
            result = objects.delete(ctx, bucket["name"], key, version_id, bypass_governance=bypass)
        except (InvalidArgument, AccessDenied) as error:  # a bad key; a version under Object Lock
            errors.append({"Key": key, "VersionId": version_id, "Code": error.code, "Message": error.message})
            continue
        entry = {"Key": key}
        if version_id is not None:
            entry["VersionId"] = version_id
        if result.delete_marker:
            entry["DeleteMarker"] = True
            entry["DeleteMarkerVersionId"] = result.version_id
        deleted.append(entry)
    out = {"Errors": errors} if errors else {}
    if not request.get("Quiet"):
        out["Deleted"] = deleted
    return out


# -- copying ---------------------------------------------------------------------------
@operation
def copy_object(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    key = params["Key"]
    objects.validate_key(key)
    objects.validate_website_redirect(params.get("WebsiteRedirectLocation"))
    # A copy is locked by its request or the target bucket's default, never
    # by the source's lock.
    lock = object_lock.for_write(ctx, bucket, params)
    source_bucket_name, source_key, source_version = objects.copy_source(params["CopySource"])
    source_bucket = buckets.get(ctx, source_bucket_name)
    db = ctx.store.read()
    source = objects.find_copy_source(ctx, source_bucket_name, source_key, source_version, db=db)
    if not restore.readable(source, ctx.now.timestamp()):
        raise InvalidObjectState(StorageClass=source["storage_class"])
    conditions.check_copy_source(params, source["etag"], source["last_modified"], ctx.now.timestamp())
    if source["size"] > objects.MAX_SINGLE_UPLOAD:
        raise InvalidRequest("The specified copy source is larger than the maximum allowable size for a copy source:"
                             f" {objects.MAX_SINGLE_UPLOAD}")
    metadata_directive = params.get("MetadataDirective") or "COPY"
    tagging_directive = params.get("TaggingDirective") or "COPY"
    if metadata_directive not in ("COPY", "REPLACE"):
        raise InvalidArgument("Unknown metadata directive.", ArgumentName="x-amz-metadata-directive",
                              ArgumentValue=metadata_directive)
    if tagging_directive not in ("COPY", "REPLACE"):
        raise InvalidArgument("Unknown tagging directive.", ArgumentName="x-amz-tagging-directive",
                              ArgumentValue=tagging_directive)
    changes = metadata_directive == "REPLACE" or any(
        params.get(name) is not None
        for name in ("StorageClass", "ServerSideEncryption", "SSECustomerAlgorithm", "WebsiteRedirectLocation")
    )
    if (source_bucket_name, source_key) == (bucket["name"], key) and source["is_latest"] and not changes:
        raise InvalidRequest(
            "This copy request is illegal because it is trying to copy an object to itself without changing the"
            " object's metadata, storage class, website redirect location or encryption attributes."
        )
    if metadata_directive == "REPLACE":
        headers, metadata = objects.content_headers(params), objects.validate_metadata(params.get("Metadata"))
    else:
        headers, metadata = json.loads(source["headers"]), json.loads(source["metadata"])
    tags = tagging.from_header(params.get("Tagging")) if tagging_directive == "REPLACE" else json.loads(source["tags"])
    storage_class = objects.validate_storage_class(params.get("StorageClass"))
    if_match, if_none_match = conditions.for_write(params)
    # A copy takes the ACL its request names, never the source's.
    grants, owner = acl.for_new_object(ctx, bucket, params)
    source_protection = Protection.from_json(source["sse"])
    source_key_material = sse.data_key(ctx, source_bucket, source_key, source_protection, source["sealed_key"], params,
                                       prefix="CopySourceSSECustomer")
    sealing = sse.for_write(ctx, bucket, key, params)
    algorithm = params.get("ChecksumAlgorithm") or source["checksum_algorithm"] or checksums.DEFAULT_ALGORITHM
    if algorithm not in checksums.ALGORITHMS:
        raise InvalidRequest("Checksum algorithm provided is unsupported.")
    running = checksums.Checksum(algorithm)
    parts = objects.parts_of(db, source["id"]) if source["parts_count"] else []
    plaintext = objects.body(ctx, source, parts, source_key_material, 0, source["size"] - 1)
    stored = objects.store_chunks(ctx, plaintext, sealing.data_key, running)
    try:
        etag = objects.single_etag(stored.md5, sealing.protection, stored.body_id)
        fields = objects.row_fields(
            ctx, bucket, size=stored.size, etag=etag, storage_class=storage_class, headers=headers, metadata=metadata,
            tags=tags, protection=sealing.protection, sealed_key=sealing.sealed_key, checksum_algorithm=algorithm,
            checksum_value=running.value(), checksum_type="FULL_OBJECT", blob_id=stored.blob_id,
            body_id=stored.body_id,
        )
        fields.update(acl=grants, owner=owner, **lock.columns())
        committed = objects.commit(ctx, bucket["name"], key, fields, if_match=if_match, if_none_match=if_none_match)
    except BaseException:
        ctx.store.blobs.delete(stored.blob_id)
        raise
    ctx.store.blobs.delete(*committed.doomed_blobs)
    result = {"ETag": quoted(etag), "LastModified": timestamp(fields["last_modified"]),
              checksums.member(algorithm): running.value(), "ChecksumType": "FULL_OBJECT"}
    out = {
        "CopyObjectResult": result,
        **sealing.protection.response(customer_key_md5=sealing.customer_key_md5, with_context=True),
    }
    if objects.is_versioned(bucket):
        out["VersionId"] = committed.version_id
    if objects.is_versioned(source_bucket) or source["version_id"] != objects.NULL_VERSION:
        out["CopySourceVersionId"] = source["version_id"]
    return out


# -- attributes --------------------------------------------------------------------------
@operation
def get_object_attributes(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    key = params["Key"]
    requested = params.get("ObjectAttributes") or []
    unknown = [a for a in requested if a not in OBJECT_ATTRIBUTES]
    if unknown or not requested:
        raise InvalidArgument("Invalid attribute name specified.", ArgumentName="x-amz-object-attributes",
                              ArgumentValue=",".join(unknown))
    db = ctx.store.read()
    row = objects.find(ctx, bucket["name"], key, params.get("VersionId"), db=db)
    protection = Protection.from_json(row["sse"])
    if protection.algorithm == sse.SSE_C:
        sse.data_key(ctx, bucket, key, protection, row["sealed_key"], params)
    out = {"LastModified": timestamp(row["last_modified"])}
    if objects.is_versioned(bucket) or row["version_id"] != objects.NULL_VERSION:
        out["VersionId"] = row["version_id"]
    if "ETag" in requested:
        out["ETag"] = row["etag"]
    if "StorageClass" in requested:
        out["StorageClass"] = row["storage_class"]
    if "ObjectSize" in requested:
        out["ObjectSize"] = row["size"]
    if "Checksum" in requested and row["checksum_value"]:
        out["Checksum"] = objects.checksum_output(row)
    if "ObjectParts" in requested and row["parts_count"]:
        out["ObjectParts"] = _object_parts(row, objects.parts_of(db, row["id"]), params)
    return out


def _object_parts(row, parts, params) -> dict:
    marker = params.get("PartNumberMarker") or 0
    limit = params.get("MaxParts") or 1000
    after = [p for p in parts if p["part_number"] > marker]
    page = after[:limit]
    listed = {
        "TotalPartsCount": row["parts_count"],
        "PartNumberMarker": marker,
        "MaxParts": limit,
        "IsTruncated": len(after) > limit,
        "Parts": [],
    }
    for part in page:
        entry = {"PartNumber": part["part_number"], "Size": part["size"]}
        if part["checksum_value"] and row["checksum_algorithm"]:
            entry[checksums.member(row["checksum_algorithm"])] = part["checksum_value"]
        listed["Parts"].append(entry)
    if page:
        listed["NextPartNumberMarker"] = page[-1]["part_number"]
    return listed


# -- tagging ------------------------------------------------------------------------------
def _tagged_version(ctx, params, method: str):
    bucket = buckets.get(ctx, params["Bucket"])
    return bucket, objects.find(ctx, bucket["name"], params["Key"], params.get("VersionId"), method=method,
                                sub_resource=True)


def _version_output(bucket, row) -> dict:
    if objects.is_versioned(bucket) or row["version_id"] != objects.NULL_VERSION:
        return {"VersionId": row["version_id"]}
    return {}


@operation
def put_object_tagging(ctx, params):
    bucket, row = _tagged_version(ctx, params, "PUT")
    tag_set = tagging.validate((params.get("Tagging") or {}).get("TagSet") or [], limit=tagging.MAX_OBJECT_TAGS)
    _set_tags(ctx, row, tag_set)
    return _version_output(bucket, row)


@operation
def get_object_tagging(ctx, params):
    bucket, row = _tagged_version(ctx, params, "GET")
    return {"TagSet": json.loads(row["tags"]), **_version_output(bucket, row)}


@operation
def delete_object_tagging(ctx, params):
    bucket, row = _tagged_version(ctx, params, "DELETE")
    _set_tags(ctx, row, [])
    return _version_output(bucket, row)


def _set_tags(ctx, row, tag_set: list[dict]) -> None:
    with ctx.store.tx() as db:
        changed = db.execute("UPDATE s3_objects SET tags = ? WHERE id = ?", (json.dumps(tag_set), row["id"])).rowcount
    if not changed:  # deleted meanwhile
        raise NoSuchKey(Key=row["key"])

