"""Listing: ListObjects, ListObjectsV2 and ListObjectVersions pages.

Each page is an indexed range scan of ``s3_objects`` in key order (SQLite
compares TEXT bytewise, which is S3's UTF-8 binary order), starting after
the marker and within the prefix. A common prefix is reported once and the
scan seeks past all its keys, so a page costs the same at a thousand keys or
a million, delimiter or not.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
from urllib.parse import quote

from .errors import InvalidArgument

# Above every character: seeking to ``prefix + PAST`` skips a common prefix.
PAST = "\U0010ffff"
MAX_KEYS = 1000


@dataclasses.dataclass
class Page:
    entries: list  # object rows (versions and delete markers for ListObjectVersions)
    common_prefixes: list[str]
    truncated: bool
    last: str | None  # the last key or common prefix on the page
    last_row: object = None  # the last row, for version markers


def non_negative(value: int | None, name: str) -> int | None:
    """A page size or marker argument: S3 refuses a negative one, naming it."""
    if value is not None and value < 0:
        raise InvalidArgument(f"Argument {name} must be an integer between 0 and 2147483647",
                              ArgumentName=name, ArgumentValue=str(value))
    return value


def max_keys(value: int | None) -> int:
    if non_negative(value, "maxKeys") is None:
        return MAX_KEYS
    return min(value, MAX_KEYS)


def version_marker(key_marker: str | None, version_id_marker: str | None) -> str | None:
    """ListObjectVersions' version-id-marker: it resumes within the key-marker's versions, so it needs one."""
    if version_id_marker is None:
        return None
    if not key_marker:
        raise InvalidArgument("A version-id marker cannot be specified without a key marker.",
                              ArgumentName="version-id-marker", ArgumentValue=version_id_marker)
    if version_id_marker == "":
        raise InvalidArgument("A version-id marker cannot be empty.", ArgumentName="version-id-marker",
                              ArgumentValue=version_id_marker)
    return version_id_marker


def rolled_up(key: str, prefix: str, delimiter: str | None) -> str | None:
    """The common prefix ``key`` rolls up into under ``prefix`` and
    ``delimiter``, or None."""
    if not delimiter:
        return None
    at = key.find(delimiter, len(prefix))
    return key[: at + len(delimiter)] if at >= 0 else None


def current(db, bucket: str, *, prefix: str, delimiter: str | None, after: str | None, limit: int) -> Page:
    """The latest, non-deleted versions after ``after`` (exclusive)."""
    entries: list = []
    prefixes: list[str] = []
    last = None
    # Resuming after a common prefix, or after a key inside one: skip all of
    # it, as S3 does (localstack's AWS-validated test_list_objects_marker_common_prefixes).
    skipping = rolled_up(after, prefix, delimiter) if after and delimiter else None
    cursor = skipping + PAST if skipping else after
    if limit == 0:
        return Page(entries, prefixes, False, None)
    while True:
        # One lower bound only, so SQLite seeks the index to it.
        if cursor is not None and cursor >= prefix:
            bound, start = "key > ?", cursor
        else:
            bound, start = "key >= ?", prefix
        # Rows are stepped lazily: a seek past a common prefix reads no further.
        rows = db.execute(
            f"SELECT * FROM s3_objects INDEXED BY s3_objects_latest WHERE bucket = ? AND is_latest = 1 AND {bound}"
            " ORDER BY key",
            (bucket, start),
        )
        sought = False
        for row in rows:
            key = row["key"]
            if not key.startswith(prefix):
                return Page(entries, prefixes, False, last)
            cursor = key
            if row["delete_marker"] or (skipping and key.startswith(skipping)):
                continue
            common = rolled_up(key, prefix, delimiter)
            if len(entries) + len(prefixes) == limit:
                return Page(entries, prefixes, True, last)
            if common is not None:
                prefixes.append(common)
                last = skipping = common
                cursor = common + PAST
                sought = True
                break
            entries.append(row)
            last = key
        if not sought:
            return Page(entries, prefixes, False, last)


def versions(db, bucket: str, *, prefix: str, delimiter: str | None, key_marker: str | None,
             version_marker: str | None, limit: int) -> Page:
    """Every version and delete marker, key ascending then newest first."""
    entries: list = []
    prefixes: list[str] = []
    last = None
    last_row = None
    skipping = None
    if key_marker and delimiter:
        skipping = rolled_up(key_marker, prefix, delimiter)
    # (key, id): resume strictly after this position in (key asc, id desc) order.
    position = None
    if key_marker is not None:
        marker_id = None
        if version_marker:
            found = db.execute(
                "SELECT id FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?",
                (bucket, key_marker, version_marker),
            ).fetchone()
            if found is None:
                raise InvalidArgument("Invalid version id specified", ArgumentName="version-id-marker",
                                      ArgumentValue=version_marker)
            marker_id = found[0]
        # A marker inside (or at) a common prefix resumes after all of it.
        position = (skipping + PAST, None) if skipping else (key_marker, marker_id)
    if limit == 0:
        return Page(entries, prefixes, False, None)
    while True:
        # Each query has one index range: the rest of one key's versions,
        # or the keys after a bound.
        within_key = position is not None and position[1] is not None
        if within_key:
            sql, args = "key = ? AND id < ?", list(position)
        elif position is None or position[0] < prefix:
            sql, args = "key >= ?", [prefix]
        else:
            sql, args = "key > ?", [position[0]]
        rows = db.execute(f"SELECT * FROM s3_objects WHERE bucket = ? AND {sql} ORDER BY key, id DESC", (bucket, *args))
        sought = False
        for row in rows:
            key = row["key"]
            if not key.startswith(prefix):
                return Page(entries, prefixes, False, last, last_row)
            position = (key, row["id"])
            if skipping and key.startswith(skipping):
                continue
            if len(entries) + len(prefixes) == limit:
                return Page(entries, prefixes, True, last, last_row)
            common = rolled_up(key, prefix, delimiter)
            if common is not None:
                prefixes.append(common)
                last = skipping = common
                last_row = None
                position = (common + PAST, None)
                sought = True
                break
            entries.append(row)
            last, last_row = key, row
        if sought:
            continue
        if within_key:
            position = (position[0], None)  # this key is done: on to the next keys
        else:
            return Page(entries, prefixes, False, last, last_row)


# -- continuation tokens and encoding ----------------------------------------------
def continuation_token(last: str) -> str:
    """An opaque token naming where the next page starts (after ``last``)."""
    return base64.urlsafe_b64encode(last.encode()).decode()


def from_continuation_token(token: str) -> str:
    try:
        last = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
        if not last:
            raise ValueError(token)
        return last
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidArgument("The continuation token provided is incorrect", ArgumentName="continuation-token") from None


def encoder(encoding_type: str | None):
    """How keys and prefixes go out: as they are, or URL-encoded."""
    if encoding_type is None:
        return lambda text: text
    if encoding_type != "url":
        raise InvalidArgument("Invalid Encoding Method specified in Request", ArgumentName="encoding-type",
                              ArgumentValue=encoding_type)
    return lambda text: None if text is None else quote(text, safe="/")
