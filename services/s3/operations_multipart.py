"""Multipart upload operations."""
from __future__ import annotations

import json

from . import (acl, buckets, checksums, conditions, listing, multipart, object_lock, objects, operation, ranges,
               restore, tagging)
from . import server_side_encryption as sse
from .errors import AccessDenied, InvalidArgument, InvalidObjectState, InvalidRequest, MalformedXML
from .objects import quoted, timestamp
from .server_side_encryption import Protection

MAX_PARTS_LISTED = 1000


@operation
def create_multipart_upload(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    key = params["Key"]
    objects.validate_key(key)
    metadata = objects.validate_metadata(params.get("Metadata"))
    storage_class = objects.validate_storage_class(params.get("StorageClass"))
    objects.validate_website_redirect(params.get("WebsiteRedirectLocation"))
    # The headers' lock; the bucket's default retention is taken at completion.
    lock = object_lock.for_write(ctx, bucket, params, default=False)
    tags = tagging.from_header(params.get("Tagging"))
    algorithm = params.get("ChecksumAlgorithm")
    if algorithm is not None and algorithm not in checksums.ALGORITHMS:
        raise InvalidRequest("Checksum algorithm provided is unsupported.")
    kind = multipart.checksum_type(algorithm, params.get("ChecksumType"))
    grants, object_owner = acl.for_new_object(ctx, bucket, params)
    sealing = sse.for_write(ctx, bucket, key, params)
    upload_id = multipart.new_upload_id()
    with ctx.store.tx() as db:
        db.execute(
            "INSERT INTO s3_uploads (upload_id, bucket, key, account_id, region, initiated, initiator_arn, initiator_id,"
            " owner, storage_class, headers, metadata, tags, checksum_algorithm, checksum_type, sse, sealed_key,"
            " acl, object_owner, lock_mode, lock_until, legal_hold)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (upload_id, bucket["name"], key, bucket["account_id"], bucket["region"], ctx.now.timestamp(),
             ctx.principal.arn, ctx.principal.user_id, ctx.account_id, storage_class,
             json.dumps(objects.content_headers(params)), json.dumps(metadata), json.dumps(tags), algorithm, kind,
             sealing.protection.to_json(), sealing.sealed_key, grants, object_owner, lock.mode, lock.until,
             lock.legal_hold),
        )
    out = {"Bucket": bucket["name"], "Key": key, "UploadId": upload_id,
           **sealing.protection.response(customer_key_md5=sealing.customer_key_md5, with_context=True)}
    if algorithm:
        out.update(ChecksumAlgorithm=algorithm, ChecksumType=kind)
    return out


def _upload_key(ctx, bucket, upload, params: dict) -> tuple[Protection, bytes]:
    """The upload's data key for a part: S3 decrypts it (KMS Decrypt, as the
    caller, for SSE-KMS) and SSE-C parts must bring the upload's own key."""
    protection = Protection.from_json(upload["sse"])
    customer = sse.customer_key(params, "SSECustomer")
    if (protection.algorithm == sse.SSE_C) != (customer is not None):
        raise InvalidRequest("The multipart upload initiate requested encryption. Subsequent part requests must"
                             " include the appropriate encryption parameters.")
    try:
        key = sse.data_key(ctx, bucket, upload["key"], protection, upload["sealed_key"], params)
    except AccessDenied:
        if protection.algorithm != sse.SSE_C:
            raise
        raise InvalidRequest("The provided encryption parameters did not match the ones used originally.") from None
    return protection, key


def _part_output(upload, protection: Protection, etag: str, checksum_value: str | None, params: dict) -> dict:
    out = {"ETag": quoted(etag), **protection.response(customer_key_md5=params.get("SSECustomerKeyMD5"))}
    if upload["checksum_algorithm"] and checksum_value:
        out[checksums.member(upload["checksum_algorithm"])] = checksum_value
    return out


def _running(upload, params: dict, http) -> tuple[checksums.Expectation, checksums.Checksum, checksums.Checksum]:
    """(what the client sent, the checksum kept with the part, the one to
    verify). An upload created without an algorithm still keeps S3's default
    CRC64NVME per part, so the object gets a full-object checksum; the
    client's own checksum of another algorithm is then verified on the side."""
    expectation = checksums.Expectation(params, http)
    algorithm = upload["checksum_algorithm"]
    if algorithm and expectation.algorithm and expectation.algorithm != algorithm:
        raise InvalidRequest(f"Checksum Type mismatch occurred, expected checksum Type: {algorithm.lower()}, actual"
                             f" checksum Type: {expectation.algorithm.lower()}")
    kept = checksums.Checksum(algorithm or checksums.DEFAULT_ALGORITHM)
    if expectation.algorithm and expectation.algorithm != kept.algorithm:
        return expectation, kept, expectation.running()
    return expectation, kept, kept


@operation
def upload_part(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    multipart.validate_part_number(params["PartNumber"])
    objects.check_upload_size(ctx.http)
    upload = multipart.get(ctx, bucket["name"], params["Key"], params["UploadId"])
    expected_md5 = checksums.content_md5(params.get("ContentMD5"))
    expectation, running, verified = _running(upload, params, ctx.http)
    object_lock.require_checksum(object_lock.with_default(ctx, bucket, object_lock.Lock.of(upload)), params,
                                 expectation, "Put Part")
    protection, data_key = _upload_key(ctx, bucket, upload, params)
    body = params.get("Body")
    stored = objects.store_body(ctx, body, data_key, running, *([verified] if verified is not running else []))
    try:
        checksums.verify_md5(expected_md5, stored.md5)
        expectation.verify(verified, objects.trailers_of(body))
        etag = objects.single_etag(stored.md5, protection, stored.body_id)
        multipart.save_part(ctx, upload, params["PartNumber"], stored, etag, running.value())
    except BaseException:
        ctx.store.blobs.delete(stored.blob_id)
        raise
    return _part_output(upload, protection, etag, running.value(), params)


@operation
def upload_part_copy(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    multipart.validate_part_number(params["PartNumber"])
    upload = multipart.get(ctx, bucket["name"], params["Key"], params["UploadId"])
    source_bucket_name, source_key, source_version = objects.copy_source(params["CopySource"])
    source_bucket = buckets.get(ctx, source_bucket_name)
    db = ctx.store.read()
    source = objects.find_copy_source(ctx, source_bucket_name, source_key, source_version, db=db)
    if not restore.readable(source, ctx.now.timestamp()):
        raise InvalidObjectState(StorageClass=source["storage_class"])
    conditions.check_copy_source(params, source["etag"], source["last_modified"], ctx.now.timestamp())
    span = (0, source["size"] - 1)
    if params.get("CopySourceRange"):
        span = ranges.copy_span(params["CopySourceRange"], source["size"])
    source_key_material = sse.data_key(ctx, source_bucket, source_key, Protection.from_json(source["sse"]),
                                       source["sealed_key"], params, prefix="CopySourceSSECustomer")
    protection, data_key = _upload_key(ctx, bucket, upload, params)
    running = checksums.Checksum(upload["checksum_algorithm"] or checksums.DEFAULT_ALGORITHM)
    parts = objects.parts_of(db, source["id"]) if source["parts_count"] else []
    plaintext = objects.body(ctx, source, parts, source_key_material, *span)
    stored = objects.store_chunks(ctx, plaintext, data_key, running)
    try:
        etag = objects.single_etag(stored.md5, protection, stored.body_id)
        multipart.save_part(ctx, upload, params["PartNumber"], stored, etag, running.value())
    except BaseException:
        ctx.store.blobs.delete(stored.blob_id)
        raise
    result = {"ETag": quoted(etag), "LastModified": timestamp(ctx.now.timestamp())}
    if upload["checksum_algorithm"]:
        result[checksums.member(upload["checksum_algorithm"])] = running.value()
    out = {"CopyPartResult": result, **protection.response(customer_key_md5=params.get("SSECustomerKeyMD5"))}
    if objects.is_versioned(source_bucket) or source["version_id"] != objects.NULL_VERSION:
        out["CopySourceVersionId"] = source["version_id"]
    return out


@operation
def complete_multipart_upload(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    key = params["Key"]
    upload = multipart.get(ctx, bucket["name"], key, params["UploadId"])
    if params.get("MultipartUpload") is None:  # no body at all (localstack's AWS-validated snapshot)
        raise InvalidRequest("You must specify at least one part")
    requested = params["MultipartUpload"].get("Parts") or []
    if not requested:
        raise MalformedXML()
    if_match, if_none_match = conditions.for_write(params)
    db = ctx.store.read()
    uploaded = multipart.parts(db, upload["upload_id"])
    chosen = multipart.chosen_parts(upload, uploaded, requested)
    protection = Protection.from_json(upload["sse"])
    algorithm = upload["checksum_algorithm"] or checksums.DEFAULT_ALGORITHM
    kind = upload["checksum_type"] or "FULL_OBJECT"
    checksum_value = multipart.object_checksum(algorithm, kind, chosen)
    etag = multipart.multipart_etag(chosen)
    fields = objects.row_fields(
        ctx, bucket, size=sum(p["size"] for p in chosen), etag=etag, storage_class=upload["storage_class"],
        headers=json.loads(upload["headers"]), metadata=json.loads(upload["metadata"]), tags=json.loads(upload["tags"]),
        protection=protection, sealed_key=upload["sealed_key"], checksum_algorithm=algorithm if checksum_value else None,
        checksum_value=checksum_value, checksum_type=kind if checksum_value else None, parts_count=len(chosen),
    )
    fields.update(acl=upload["acl"], owner=upload["object_owner"] or upload["owner"],
                  **object_lock.with_default(ctx, bucket, object_lock.Lock.of(upload)).columns())
    object_parts = [
        {"part_number": i, "account_id": bucket["account_id"], "region": bucket["region"], "blob_id": p["blob_id"],
         "body_id": p["body_id"], "size": p["size"], "etag": p["etag"], "checksum_value": p["checksum_value"]}
        for i, p in enumerate(chosen, start=1)
    ]
    kept = {p["blob_id"] for p in chosen}
    with ctx.store.tx() as tx:
        multipart.get(ctx, bucket["name"], key, upload["upload_id"], db=tx)  # not completed or aborted meanwhile
        committed = objects.commit(ctx, bucket["name"], key, fields, parts=object_parts, if_match=if_match,
                                   if_none_match=if_none_match, started=upload["initiated"])
        leftovers = [b for b in multipart.remove(ctx, upload["upload_id"]) if b not in kept]
    ctx.store.blobs.delete(*committed.doomed_blobs, *leftovers)
    out = {"Location": f"/{bucket['name']}/{key}", "Bucket": bucket["name"], "Key": key, "ETag": quoted(etag),
           **protection.response(customer_key_md5=params.get("SSECustomerKeyMD5"))}
    out.pop("SSECustomerAlgorithm", None)
    out.pop("SSECustomerKeyMD5", None)
    if checksum_value:
        out.update({checksums.member(algorithm): checksum_value, "ChecksumType": kind})
    if objects.is_versioned(bucket):
        out["VersionId"] = committed.version_id
    return out


@operation
def abort_multipart_upload(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    upload = multipart.get(ctx, bucket["name"], params["Key"], params["UploadId"])
    ctx.store.blobs.delete(*multipart.remove(ctx, upload["upload_id"]))
    return {}


@operation
def list_parts(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    upload = multipart.get(ctx, bucket["name"], params["Key"], params["UploadId"])
    marker = listing.non_negative(params.get("PartNumberMarker"), "part-number-marker") or 0
    limit = min(listing.non_negative(params.get("MaxParts"), "max-parts") or MAX_PARTS_LISTED, MAX_PARTS_LISTED)
    after = [p for p in multipart.parts(ctx.store.read(), upload["upload_id"]) if p["part_number"] > marker]
    page = after[:limit]
    algorithm = upload["checksum_algorithm"]
    listed = []
    for part in page:
        entry = {"PartNumber": part["part_number"], "LastModified": timestamp(part["last_modified"]),
                 "ETag": quoted(part["etag"]), "Size": part["size"]}
        if algorithm and part["checksum_value"]:
            entry[checksums.member(algorithm)] = part["checksum_value"]
        listed.append(entry)
    out = {
        "Bucket": bucket["name"], "Key": upload["key"], "UploadId": upload["upload_id"],
        "PartNumberMarker": marker, "MaxParts": limit, "IsTruncated": len(after) > limit, "Parts": listed,
        "Initiator": {"ID": upload["initiator_arn"], "DisplayName": upload["initiator_arn"].rsplit("/", 1)[-1]},
        "Owner": buckets.owner(upload["owner"]), "StorageClass": upload["storage_class"],
    }
    # Always, 0 before any part (localstack's AWS-validated test_multipart_and_list_parts).
    out["NextPartNumberMarker"] = page[-1]["part_number"] if page else 0
    if algorithm:
        out.update(ChecksumAlgorithm=algorithm, ChecksumType=upload["checksum_type"])
    return out


@operation
def list_multipart_uploads(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    encode = listing.encoder(params.get("EncodingType"))
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter")
    limit = min(listing.non_negative(params.get("MaxUploads"), "max-uploads") or MAX_PARTS_LISTED, MAX_PARTS_LISTED)
    key_marker = params.get("KeyMarker") or ""
    # Without a key marker S3 ignores the upload id marker (and echoes "").
    id_marker = (params.get("UploadIdMarker") or "") if key_marker else ""
    db = ctx.store.read()
    # Resume after the marker upload in the listing's own order (key, then
    # initiation), or after all of the key marker's uploads, or, for a key
    # marker inside a common prefix, after all of that prefix: as recorded in
    # localstack's AWS-validated test_list_multiparts_next_marker and
    # test_list_multipart_uploads_marker_common_prefixes.
    resume = None
    if id_marker:
        resume = db.execute("SELECT initiated, upload_id FROM s3_uploads WHERE bucket = ? AND key = ? AND upload_id = ?",
                            (bucket["name"], key_marker, id_marker)).fetchone()
        if resume is None:
            raise InvalidArgument("Invalid uploadId marker", ArgumentName="upload-id-marker", ArgumentValue=id_marker)
    skipping = listing.rolled_up(key_marker, prefix, delimiter) if key_marker else None
    rows = db.execute(
        "SELECT * FROM s3_uploads WHERE bucket = ? AND key >= ? ORDER BY key, initiated, upload_id",
        (bucket["name"], max(prefix, key_marker)),
    )
    uploads, prefixes, truncated, last = [], [], False, None
    for row in rows:
        if not row["key"].startswith(prefix):
            break
        if skipping and row["key"].startswith(skipping):
            continue
        if row["key"] == key_marker and (resume is None or (row["initiated"], row["upload_id"]) <= tuple(resume)):
            continue
        common = listing.rolled_up(row["key"], prefix, delimiter)
        if common is not None and prefixes and prefixes[-1] == common:
            continue
        if len(uploads) + len(prefixes) == limit:
            truncated = True
            break
        if common is not None:
            prefixes.append(common)
            continue
        uploads.append(row)
        last = row
    out = {
        "Bucket": bucket["name"], "KeyMarker": encode(key_marker), "UploadIdMarker": id_marker,
        "MaxUploads": limit, "IsTruncated": truncated,
        "Uploads": [
            {"UploadId": r["upload_id"], "Key": encode(r["key"]), "Initiated": timestamp(r["initiated"]),
             "StorageClass": r["storage_class"], "Owner": buckets.owner(r["owner"]),
             "Initiator": {"ID": r["initiator_arn"], "DisplayName": r["initiator_arn"].rsplit("/", 1)[-1]},
             **({"ChecksumAlgorithm": r["checksum_algorithm"], "ChecksumType": r["checksum_type"]}
                if r["checksum_algorithm"] else {})}
            for r in uploads
        ],
    }
    if params.get("Prefix") is not None:
        out["Prefix"] = encode(prefix)
    if delimiter:
        out["Delimiter"] = encode(delimiter)
    if prefixes:
        out["CommonPrefixes"] = [{"Prefix": encode(p)} for p in prefixes]
    if params.get("EncodingType"):
        out["EncodingType"] = params["EncodingType"]
    # Always sent, empty when nothing was listed (localstack's AWS-validated
    # test_multipart_and_list_parts); a Prefix only when one was asked for.
    out.update(NextKeyMarker=encode(last["key"]) if last is not None else "",
               NextUploadIdMarker=last["upload_id"] if last is not None else "")
    return out
