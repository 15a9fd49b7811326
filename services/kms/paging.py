"""Limit / Marker / NextMarker / Truncated, the way every KMS List pages.

A marker is opaque to clients: here the offset of the next item, signed by
what is listed so that a marker of one listing does not page another.
"""
from __future__ import annotations

import base64
import hashlib

from . import errors

# Page sizes without a Limit, as AWS documents them per operation: 100
# (ListKeys, ListKeyPolicies, ListKeyRotations) or 50 (ListAliases,
# ListGrants, ListRetirableGrants, ListResourceTags).
DEFAULT_LIMIT = 100
SHORT_DEFAULT_LIMIT = 50


def _tag(listing: str, offset: int) -> str:
    return hashlib.sha256(f"{listing}:{offset}".encode()).hexdigest()[:16]


def _marker(listing: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{_tag(listing, offset)}".encode()).decode()


def offset_of(params: dict, listing: str) -> int:
    marker = params.get("Marker")
    if marker is None:
        return 0
    try:
        offset_text, tag = base64.urlsafe_b64decode(marker.encode()).decode().split(":")
        offset = int(offset_text)
    except (ValueError, UnicodeDecodeError):
        raise errors.InvalidMarkerException("Invalid marker") from None
    if offset < 0 or tag != _tag(listing, offset):
        raise errors.InvalidMarkerException("Invalid marker")
    return offset


def page(params: dict, listing: str, fetch, *, default: int = DEFAULT_LIMIT) -> tuple[list, dict]:
    """``fetch(limit, offset)`` returns up to ``limit`` rows from ``offset``
    (``default`` of them when the request gives no Limit).
    Returns the page and the paging members of the output."""
    limit = params.get("Limit") or default
    offset = offset_of(params, listing)
    rows = fetch(limit + 1, offset)
    if len(rows) > limit:
        return rows[:limit], {"NextMarker": _marker(listing, offset + limit), "Truncated": True}
    return rows, {"Truncated": False}
