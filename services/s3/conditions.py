"""Conditional requests: If-Match, If-None-Match, If-Modified-Since,
If-Unmodified-Since (and their x-amz-copy-source-* forms on copies).

The precedence is RFC 7232's, which S3 follows: a passing If-Match makes
If-Unmodified-Since irrelevant, a failing If-None-Match makes
If-Modified-Since irrelevant. Reads answer 412 or 304; HTTP dates have
whole seconds, so Last-Modified is compared at that precision.
"""
from __future__ import annotations

import datetime as _dt

from .errors import NotImplemented, NotModified, PreconditionFailed


def etag_matches(condition: str, etag: str) -> bool:
    """Does an If-Match / If-None-Match list name this (unquoted) ETag?"""
    for candidate in condition.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/").strip('"') == etag:
            return True
    return False


def _seconds(moment: _dt.datetime | float) -> int:
    return int(moment.timestamp() if isinstance(moment, _dt.datetime) else moment)


def check(etag: str, last_modified: float, now: float, *, if_match=None, if_none_match=None, if_modified_since=None,
          if_unmodified_since=None, prefix: str = "") -> None:
    """Raise PreconditionFailed (412) or NotModified (304) as S3 does for a
    read of an object with this ETag and Last-Modified time. An
    If-Modified-Since later than ``now`` is ignored (RFC 9110 13.1.3), as S3
    ignores it on GET and on copies (localstack's AWS-validated
    precondition snapshots)."""
    modified = int(last_modified)
    if if_modified_since is not None and _seconds(if_modified_since) > now:
        if_modified_since = None
    if if_match is not None:
        if not etag_matches(if_match, etag):
            raise PreconditionFailed(Condition=f"{prefix}If-Match")
    elif if_unmodified_since is not None and modified > _seconds(if_unmodified_since):
        raise PreconditionFailed(Condition=f"{prefix}If-Unmodified-Since")
    if if_none_match is not None:
        if etag_matches(if_none_match, etag):
            if prefix:  # a copy whose source matches answers 412, not 304
                raise PreconditionFailed(Condition=f"{prefix}If-None-Match")
            raise NotModified(headers={"ETag": f'"{etag}"'})
    elif if_modified_since is not None and modified <= _seconds(if_modified_since):
        if prefix:
            raise PreconditionFailed(Condition=f"{prefix}If-Modified-Since")
        raise NotModified(headers={"ETag": f'"{etag}"'})


def check_read(params: dict, etag: str, last_modified: float, now: float) -> None:
    check(
        etag,
        last_modified,
        now,
        if_match=params.get("IfMatch"),
        if_none_match=params.get("IfNoneMatch"),
        if_modified_since=params.get("IfModifiedSince"),
        if_unmodified_since=params.get("IfUnmodifiedSince"),
    )


def check_copy_source(params: dict, etag: str, last_modified: float, now: float) -> None:
    check(
        etag,
        last_modified,
        now,
        if_match=params.get("CopySourceIfMatch"),
        if_none_match=params.get("CopySourceIfNoneMatch"),
        if_modified_since=params.get("CopySourceIfModifiedSince"),
        if_unmodified_since=params.get("CopySourceIfUnmodifiedSince"),
        prefix="x-amz-copy-source-",
    )


def for_write(params: dict) -> tuple[str | None, str | None]:
    """(If-Match, If-None-Match) of a write. S3 takes one of them, an ETag in
    If-Match and only "*" in If-None-Match; anything else is 501 (localstack's
    AWS-validated snapshots of conditional writes)."""
    if_match, if_none_match = params.get("IfMatch"), params.get("IfNoneMatch")
    if if_match is not None and if_none_match is not None:
        raise _refused("If-Match,If-None-Match", "Multiple conditional request headers present in the request")
    if if_none_match is not None and if_none_match.strip() != "*":
        raise _refused("If-None-Match", "We don't accept the provided value of If-None-Match header for this API")
    if if_match is not None and if_match.strip() == "*":
        raise _refused("If-Match", "We don't accept the provided value of If-Match header for this API")
    return if_match, if_none_match


def _refused(header: str, detail: str):
    return NotImplemented(Header=header, additionalMessage=detail)  # noqa: F901 - S3's error class, not the constant
