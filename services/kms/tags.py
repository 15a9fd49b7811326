"""Tags on KMS keys, with AWS's limits: at most 50 per key, unique keys in a
request, and the ``aws:`` prefix reserved for AWS."""
from __future__ import annotations

from . import errors

MAX_TAGS_PER_KEY = 50


# KMS's words as localstack's AWS-validated KMS snapshot (recorded to 2025) has them.
RESERVED = "Tags beginning with aws: are reserved"


def check(tags: list[dict]) -> None:
    if len(tags) > MAX_TAGS_PER_KEY:  # in one request: CreateKey's recorded answer
        raise errors.TagException("Too many tags")
    seen = set()
    for tag in tags:
        key = tag["TagKey"]
        if key.lower().startswith("aws:"):
            raise errors.TagException(RESERVED)
        if key in seen:
            raise errors.TagException("Duplicate tag keys")
        seen.add(key)


def put(db, account_id: str, region: str, key_id: str, tags: list[dict]) -> None:
    check(tags)
    db.executemany(
        "INSERT INTO kms_tags VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id, region, key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
        [(account_id, region, key_id, t["TagKey"], t["TagValue"]) for t in tags],
    )
    (count,) = db.execute(
        "SELECT COUNT(*) FROM kms_tags WHERE account_id = ? AND region = ? AND key_id = ?", (account_id, region, key_id)
    ).fetchone()
    if count > MAX_TAGS_PER_KEY:
        # Raised inside the caller's transaction: nothing above is kept.
        raise errors.LimitExceededException(f"A KMS key can have at most {MAX_TAGS_PER_KEY} tags.")


def remove(db, account_id: str, region: str, key_id: str, tag_keys: list[str]) -> None:
    db.executemany(
        "DELETE FROM kms_tags WHERE account_id = ? AND region = ? AND key_id = ? AND tag_key = ?",
        [(account_id, region, key_id, k) for k in tag_keys],
    )


def listed(db, account_id: str, region: str, key_id: str) -> list[dict]:
    rows = db.execute(
        "SELECT tag_key, tag_value FROM kms_tags WHERE account_id = ? AND region = ? AND key_id = ? ORDER BY tag_key",
        (account_id, region, key_id),
    )
    return [{"TagKey": k, "TagValue": v} for k, v in rows]
