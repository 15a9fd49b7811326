"""Object Lock headers on a write (PutObject, CopyObject,
CreateMultipartUpload): refused on a bucket created without Object Lock,
their mode checked on one created with it."""
from __future__ import annotations

from .errors import InvalidArgument, InvalidRequest

MODES = ("GOVERNANCE", "COMPLIANCE")
_HEADERS = ("ObjectLockMode", "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus")


def check_headers(bucket, params: dict) -> None:
    if not any(params.get(name) is not None for name in _HEADERS):
        return
    if not bucket["object_lock"]:
        # S3's wording for these three writes (other operations say "Object
        # Lock Configuration", with spaces).
        raise InvalidRequest("Bucket is missing ObjectLockConfiguration")
    mode = params.get("ObjectLockMode")
    if mode is not None and mode not in MODES:
        raise InvalidArgument("Unknown wormMode directive.")
