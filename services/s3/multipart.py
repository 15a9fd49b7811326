"""Multipart uploads: the upload, its parts, and completing it into an object.

The data key is chosen when the upload is created (SSE-KMS asks KMS then)
and every part is sealed under it as a body of its own, so completing an
upload moves the parts' blobs to the object without rewriting a byte; a GET
of the object walks the parts' blobs in order.
"""
from __future__ import annotations

import hashlib
import secrets

from . import checksums
from .errors import EntityTooSmall, InvalidArgument, InvalidPart, InvalidPartOrder, InvalidRequest, NoSuchUpload

MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_NUMBER = 10_000
# Which checksum types each algorithm supports, the default first.
CHECKSUM_TYPES = {
    "CRC32": ("COMPOSITE", "FULL_OBJECT"),
    "CRC32C": ("COMPOSITE", "FULL_OBJECT"),
    "CRC64NVME": ("FULL_OBJECT",),
    "SHA1": ("COMPOSITE",),
    "SHA256": ("COMPOSITE",),
}


def new_upload_id() -> str:
    return secrets.token_urlsafe(48)


def checksum_type(algorithm: str | None, requested: str | None) -> str | None:
    """The upload's checksum type, by S3's rules for each algorithm."""
    if algorithm is None:
        if requested is not None:
            raise InvalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm"
                                 " header.")
        return None
    allowed = CHECKSUM_TYPES[algorithm]
    if requested is None:
        return allowed[0]
    if requested not in allowed:
        raise InvalidRequest(f"The {requested} checksum type cannot be used with the {algorithm.lower()} checksum"
                             " algorithm.")
    return requested


def get(ctx, bucket: str, key: str, upload_id: str, db=None):
    row = (db or ctx.store.read()).execute(
        "SELECT * FROM s3_uploads WHERE upload_id = ? AND bucket = ? AND key = ?", (upload_id, bucket, key)
    ).fetchone()
    if row is None:
        raise NoSuchUpload(UploadId=upload_id)
    return row


def validate_part_number(number: int) -> None:
    if not 1 <= number <= MAX_PART_NUMBER:
        raise InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                              ArgumentName="partNumber", ArgumentValue=str(number))


def parts(db, upload_id: str) -> list:
    return db.execute("SELECT * FROM s3_upload_parts WHERE upload_id = ? ORDER BY part_number", (upload_id,)).fetchall()


def save_part(ctx, upload, number: int, stored, etag: str, checksum_value: str | None) -> None:
    """Record an uploaded part (replacing an earlier one of that number,
    whose blob is deleted once the new one is committed)."""
    with ctx.store.tx() as db:
        if db.execute("SELECT 1 FROM s3_uploads WHERE upload_id = ?", (upload["upload_id"],)).fetchone() is None:
            raise NoSuchUpload(UploadId=upload["upload_id"])  # aborted or completed meanwhile
        ctx.store.blobs.attach(db, stored.blob_id)
        old = db.execute("SELECT blob_id FROM s3_upload_parts WHERE upload_id = ? AND part_number = ?",
                         (upload["upload_id"], number)).fetchone()
        db.execute(
            "INSERT OR REPLACE INTO s3_upload_parts (upload_id, part_number, account_id, region, blob_id, body_id, size,"
            " etag, last_modified, checksum_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (upload["upload_id"], number, upload["account_id"], upload["region"], stored.blob_id, stored.body_id,
             stored.size, etag, ctx.now.timestamp(), checksum_value),
        )
    if old is not None:
        ctx.store.blobs.delete(old["blob_id"])


def remove(ctx, upload_id: str) -> list[str]:
    """Forget an upload; returns its parts' blobs to delete after the commit."""
    with ctx.store.tx() as db:
        blobs = [r[0] for r in db.execute("SELECT blob_id FROM s3_upload_parts WHERE upload_id = ?", (upload_id,))]
        db.execute("DELETE FROM s3_upload_parts WHERE upload_id = ?", (upload_id,))
        db.execute("DELETE FROM s3_uploads WHERE upload_id = ?", (upload_id,))
    return blobs


def _unquote(etag: str | None) -> str:
    return (etag or "").strip().strip('"')


def chosen_parts(upload, uploaded: list, requested: list[dict]) -> list:
    """The parts a CompleteMultipartUpload names, checked as S3 checks them:
    ascending order, each uploaded with that ETag (and checksum), and every
    part but the last at least 5 MiB."""
    by_number = {p["part_number"]: p for p in uploaded}
    algorithm = upload["checksum_algorithm"]
    chosen = []
    previous = 0
    for entry in requested:
        number = entry.get("PartNumber")
        if number is None or number <= previous:
            raise InvalidPartOrder(UploadId=upload["upload_id"])
        previous = number
        part = by_number.get(number)
        etag = _unquote(entry.get("ETag"))
        if part is None or part["etag"] != etag:
            raise InvalidPart(UploadId=upload["upload_id"], PartNumber=str(number), ETag=etag)
        claimed = entry.get(checksums.member(algorithm)) if algorithm else None
        if algorithm and claimed is None:
            raise InvalidRequest(f"The upload was created using a {algorithm.lower()} checksum. The complete request"
                                 f" must include the checksum for each part. It was missing for part {number} in the"
                                 " request.")
        if claimed is not None and claimed != part["checksum_value"]:
            raise InvalidPart(UploadId=upload["upload_id"], PartNumber=str(number), ETag=etag)
        chosen.append(part)
    for part in chosen[:-1]:
        if part["size"] < MIN_PART_SIZE:
            raise EntityTooSmall(ProposedSize=str(part["size"]), MinSizeAllowed=str(MIN_PART_SIZE),
                                 PartNumber=str(part["part_number"]), ETag=part["etag"])
    return chosen


def multipart_etag(chosen: list) -> str:
    digests = b"".join(bytes.fromhex(p["etag"]) for p in chosen)
    return f"{hashlib.md5(digests).hexdigest()}-{len(chosen)}"


def object_checksum(algorithm: str, kind: str, chosen: list) -> str | None:
    """The completed object's checksum: of the parts' checksums (COMPOSITE,
    ending -N), or the CRC of the whole object combined from its parts'."""
    values = [p["checksum_value"] for p in chosen]
    if any(v is None for v in values):
        return None
    if kind == "COMPOSITE":
        return checksums.composite(algorithm, values)
    return checksums.combine(algorithm, [(v, p["size"]) for v, p in zip(values, chosen)])
