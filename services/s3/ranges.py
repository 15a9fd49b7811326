"""The Range header of GET and HEAD: one byte range, as S3 takes it.

S3 serves a single range; a header it cannot use as one (several ranges,
another unit, bad syntax) is ignored and the whole object is returned. A
range that starts past the end is 416 InvalidRange.

UploadPartCopy's x-amz-copy-source-range is stricter: exactly
``bytes=first-last``, within the source, or 400 InvalidArgument.
"""
from __future__ import annotations

import re

from .errors import InvalidArgument, InvalidRange

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_COPY_RANGE = re.compile(r"bytes=(\d+)-(\d+)")


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


def copy_span(header: str, size: int) -> tuple[int, int]:
    """(first, last) inclusive of an x-amz-copy-source-range on a source of ``size`` bytes."""
    match = _COPY_RANGE.fullmatch(header.strip())
    if match is None or int(match.group(1)) > int(match.group(2)):
        raise InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first"
                              " and last are the zero-based offsets of the first and last bytes to copy",
                              ArgumentName="x-amz-copy-source-range", ArgumentValue=header)
    first, last = int(match.group(1)), int(match.group(2))
    if last >= size:
        raise InvalidArgument(f"Range specified is not valid for source object of size: {size}",
                              ArgumentName="x-amz-copy-source-range", ArgumentValue=header)
    return first, last
