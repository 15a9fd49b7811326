"""The Range header of GET and HEAD: one byte range, as S3 takes it.

S3 serves a single range; a header it cannot use as one (several ranges,
another unit, bad syntax) is ignored and the whole object is returned. A
range that starts past the end is 416 InvalidRange.
"""
from __future__ import annotations

import re

from .errors import InvalidRange

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def resolve(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for ``header`` on an object of ``size``
    bytes, or None for the whole object."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None or (not match.group(1) and not match.group(2)):
        return None
    start, end = match.group(1), match.group(2)
    if not start:  # suffix range: the last N bytes
        length = int(end)
        if length == 0 or size == 0:
            raise InvalidRange(RangeRequested=header, ActualObjectSize=str(size))
        return max(0, size - length), size - 1
    first = int(start)
    last = int(end) if end else size - 1
    if end and last < first:
        return None
    if first >= size:
        raise InvalidRange(RangeRequested=header, ActualObjectSize=str(size))
    return first, min(last, size - 1)


def content_range(first: int, last: int, size: int) -> str:
    return f"bytes {first}-{last}/{size}"
