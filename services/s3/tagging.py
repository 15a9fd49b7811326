"""Tag sets of objects and buckets, with S3's limits."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl

from .errors import InvalidArgument, InvalidTag

MAX_OBJECT_TAGS = 10
MAX_BUCKET_TAGS = 50
MAX_KEY = 128
MAX_VALUE = 256
# What a bucket tag may hold: letters, digits, spaces and + - = . _ : / @
# (S3 refuses "Key1,Key2" as localstack's AWS-validated test_tagging_validation records).
_BUCKET_TAG_TEXT = re.compile(r"[\w\s+\-=.:/@]*")


def validate(tag_set: list[dict], *, limit: int) -> list[dict]:
    """The tag set as [{"Key", "Value"}], or AWS's error."""
    if len(tag_set) > limit:
        if limit == MAX_OBJECT_TAGS:
            raise InvalidTag("Object tags cannot be greater than 10")
        raise InvalidTag("Bucket tag count cannot be greater than 50")
    bucket = limit == MAX_BUCKET_TAGS
    seen = set()
    clean = []
    for tag in tag_set:
        key, value = tag.get("Key"), tag.get("Value", "")
        if key is None or key == "":
            raise InvalidTag("The TagKey you have provided is invalid")
        if len(key) > MAX_KEY:
            raise InvalidTag("The TagKey you have provided is too long, max 128")
        if len(value) > MAX_VALUE:
            raise InvalidTag("The TagValue you have provided is too long, max 256")
        if key.startswith("aws:"):
            if bucket:
                raise InvalidTag("System tags cannot be added/updated by requester", TagKey=key)
            raise InvalidTag("Your TagKey cannot be prefixed with aws:")
        if bucket and not _BUCKET_TAG_TEXT.fullmatch(key):
            raise InvalidTag("The TagKey you have provided is invalid", TagKey=key)
        if bucket and not _BUCKET_TAG_TEXT.fullmatch(value):
            raise InvalidTag("The TagValue you have provided is invalid", TagKey=key, TagValue=value)
        if key in seen:
            raise InvalidTag("Cannot provide multiple Tags with the same key", TagKey=key)
        seen.add(key)
        clean.append({"Key": key, "Value": value})
    return clean


def from_header(header: str | None) -> list[dict]:
    """The x-amz-tagging header: a URL query string of key=value pairs."""
    if not header:
        return []
    try:
        pairs = parse_qsl(header, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query"
                              " parameters without tag name duplicates.") from None
    return validate([{"Key": k, "Value": v} for k, v in pairs], limit=MAX_OBJECT_TAGS)

