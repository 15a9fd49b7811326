"""Lifecycle configuration, and carrying it out on the simulator clock.

Rules are applied lazily: before an S3 operation on a bucket with a
lifecycle configuration runs, whatever the rules have made due since the
bucket was last settled is done (transitions change the storage class,
expirations delete or add delete markers, incomplete uploads are aborted), so
advancing the clock by 30 days and listing shows the bucket 30 days on.
Settling is skipped when the bucket was settled less than a simulated
minute ago, so a busy bucket pays for it rarely.
"""
from __future__ import annotations

import datetime as _dt
import json

from . import buckets, multipart, object_lock, objects
from .errors import InvalidArgument, InvalidRequest, MalformedXML

DAY = 86400.0
SETTLE_EVERY = 60.0
MAX_RULES = 1000
TRANSITION_CLASSES = ("GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR")
# Transitions go one way: to a colder class, never back.
COLDNESS = {"STANDARD": 0, "REDUCED_REDUNDANCY": 0, "INTELLIGENT_TIERING": 1, "STANDARD_IA": 2, "ONEZONE_IA": 2,
            "GLACIER_IR": 3, "GLACIER": 4, "DEEP_ARCHIVE": 5}
DEFAULT_MINIMUM_SIZE = "all_storage_classes_128K"
SMALL_OBJECT = 128 * 1024


# -- the configuration -----------------------------------------------------------
def validate(configuration: dict, minimum_size: str | None) -> dict:
    rules = configuration.get("Rules") or []
    if not rules or len(rules) > MAX_RULES:
        raise MalformedXML()
    ids = set()
    for rule in rules:
        if rule.get("Status") not in ("Enabled", "Disabled") or ("Filter" in rule) == ("Prefix" in rule):
            raise MalformedXML()
        rule_id = rule.get("ID")
        if rule_id is not None:
            if len(rule_id) > 255:
                raise InvalidArgument("ID length should not exceed allowed limit of 255", ArgumentName="ID")
            if rule_id in ids:
                raise InvalidArgument("Rule ID must be unique. Found same ID for more than one rule",
                                      ArgumentName="ID", ArgumentValue=rule_id)
            ids.add(rule_id)
        # A filter holds one condition; several are combined under <And>.
        if len(rule.get("Filter") or {}) > 1:
            raise MalformedXML()
        actions = ("Expiration", "Transitions", "NoncurrentVersionExpiration", "NoncurrentVersionTransitions",
                   "AbortIncompleteMultipartUpload")
        if not any(rule.get(a) for a in actions):
            raise InvalidRequest("At least one action needs to be specified in a rule")
        expiration = rule.get("Expiration") or {}
        when = [name for name in ("Days", "Date") if expiration.get(name) is not None]
        if len(when) > 1 or (when and expiration.get("ExpiredObjectDeleteMarker") is not None):
            raise MalformedXML()
        _positive(expiration, "Days", "Expiration")
        _positive(rule.get("NoncurrentVersionExpiration") or {}, "NoncurrentDays", "NoncurrentVersionExpiration")
        _positive(rule.get("AbortIncompleteMultipartUpload") or {}, "DaysAfterInitiation", "AbortIncompleteMultipartUpload")
        _midnight(expiration.get("Date"))
        for transition in rule.get("Transitions") or []:
            storage_class = transition.get("StorageClass")
            if storage_class not in TRANSITION_CLASSES:
                raise MalformedXML()
            _midnight(transition.get("Date"))
            if (transition.get("Days") or 0) < 0:
                raise InvalidArgument("'Days' for Transition action must be a positive integer", ArgumentName="Days")
            if storage_class in ("STANDARD_IA", "ONEZONE_IA") and (transition.get("Days") or 0) < 30 \
                    and transition.get("Date") is None:
                raise InvalidArgument(f"'Days' in Transition action must be greater than or equal to 30 for"
                                      f" storageClass '{storage_class}'", ArgumentName="Days")
    if minimum_size not in (None, "all_storage_classes_128K", "varies_by_storage_class"):
        raise InvalidArgument("Invalid TransitionDefaultMinimumObjectSize", ArgumentName="TransitionDefaultMinimumObjectSize")
    return {"Rules": _dates(rules, _dt.datetime.isoformat),
            "TransitionDefaultMinimumObjectSize": minimum_size or DEFAULT_MINIMUM_SIZE}


def _positive(action: dict, name: str, action_name: str) -> None:
    if action.get(name) is not None and action[name] < 1:
        raise InvalidArgument(f"'{name}' for {action_name} action must be a positive integer", ArgumentName=name)


def _midnight(date: _dt.datetime | None) -> None:
    """Lifecycle dates are days: S3 takes only midnight UTC."""
    if date is None:
        return
    utc = date.astimezone(_dt.timezone.utc) if date.tzinfo else date
    if (utc.hour, utc.minute, utc.second, utc.microsecond) != (0, 0, 0, 0):
        raise InvalidArgument("'Date' must be at midnight GMT", ArgumentName="Date", ArgumentValue=date.isoformat())


def stored(configuration: dict) -> dict:
    """A stored configuration as GetBucketLifecycleConfiguration answers it."""
    return dict(configuration, Rules=_dates(configuration["Rules"], _dt.datetime.fromisoformat))


def _dates(rules: list[dict], convert) -> list[dict]:
    """Rules with their action dates converted (datetime <-> ISO text for storage)."""
    out = []
    for rule in rules:
        rule = dict(rule)
        if (rule.get("Expiration") or {}).get("Date") is not None:
            rule["Expiration"] = dict(rule["Expiration"], Date=convert(rule["Expiration"]["Date"]))
        if rule.get("Transitions"):
            rule["Transitions"] = [dict(t, Date=convert(t["Date"])) if t.get("Date") is not None else t
                                   for t in rule["Transitions"]]
        out.append(rule)
    return out


def _filter(rule: dict) -> tuple[str, list[dict], int | None, int | None]:
    """(prefix, tags, size greater than, size less than) of a rule."""
    if "Prefix" in rule:
        return rule["Prefix"] or "", [], None, None
    found = rule.get("Filter") or {}
    both = found.get("And") or {}
    tags = both.get("Tags") or ([found["Tag"]] if found.get("Tag") else [])
    return (found.get("Prefix") or both.get("Prefix") or "", tags,
            found.get("ObjectSizeGreaterThan", both.get("ObjectSizeGreaterThan")),
            found.get("ObjectSizeLessThan", both.get("ObjectSizeLessThan")))


def _applies(row, tags: list[dict], larger: int | None, smaller: int | None) -> bool:
    if larger is not None and row["size"] <= larger:
        return False
    if smaller is not None and row["size"] >= smaller:
        return False
    if tags:
        have = {t["Key"]: t["Value"] for t in json.loads(row["tags"])}
        return all(have.get(t["Key"]) == t["Value"] for t in tags)
    return True


def _due(action: dict, since: float, now: float) -> bool:
    if action.get("Date") is not None:
        return now >= _dt.datetime.fromisoformat(action["Date"]).timestamp()
    if action.get("Days") is not None:
        return now >= since + action["Days"] * DAY
    return False


# -- carrying it out -----------------------------------------------------------------
def settle(ctx, bucket: str) -> None:
    """Apply whatever the bucket's lifecycle rules have made due by now."""
    # Every object request asks; most buckets have no rules, which the cached
    # configuration tells without a query.
    if buckets.config(ctx, bucket, "lifecycle") is None:
        return
    db = ctx.store.read()
    rows = dict(db.execute(
        "SELECT name, document FROM s3_bucket_configs WHERE bucket = ? AND name IN ('lifecycle', 'lifecycle-settled')",
        (bucket,)).fetchall())
    if "lifecycle" not in rows:
        return
    now = ctx.now.timestamp()
    if now - json.loads(rows.get("lifecycle-settled", "0")) < SETTLE_EVERY:
        return
    configuration = json.loads(rows["lifecycle"])
    for rule in configuration["Rules"]:
        if rule["Status"] == "Enabled":
            _apply(ctx, bucket, rule, configuration.get("TransitionDefaultMinimumObjectSize"), now)
    with ctx.store.tx() as tx:
        tx.execute("INSERT INTO s3_bucket_configs (bucket, account_id, region, name, document)"
                   " SELECT name, account_id, region, 'lifecycle-settled', ? FROM s3_buckets WHERE name = ?"
                   " ON CONFLICT (bucket, name) DO UPDATE SET document = excluded.document", (json.dumps(now), bucket))


def _apply(ctx, bucket: str, rule: dict, minimum_size: str | None, now: float) -> None:
    prefix, tags, larger, smaller = _filter(rule)
    db = ctx.store.read()
    expiration = rule.get("Expiration") or {}
    transitions = sorted(rule.get("Transitions") or [], key=lambda t: COLDNESS[t["StorageClass"]])
    noncurrent = rule.get("NoncurrentVersionExpiration") or {}
    candidates = db.execute("SELECT * FROM s3_objects WHERE bucket = ? AND key >= ? ORDER BY key, id DESC",
                            (bucket, prefix)).fetchall()
    newer_at: dict[str, float] = {}
    expire, delete_versions, moves = [], [], []
    for row in candidates:
        if not row["key"].startswith(prefix):
            break
        # A noncurrent version became noncurrent when the next newer one was written.
        became_noncurrent = newer_at.get(row["key"])
        newer_at[row["key"]] = row["last_modified"]
        if row["delete_marker"]:
            if row["is_latest"] and expiration.get("ExpiredObjectDeleteMarker") and _only_version(db, row):
                delete_versions.append(row)
            continue
        if not _applies(row, tags, larger, smaller):
            continue
        if row["is_latest"]:
            if _due(expiration, row["last_modified"], now):
                expire.append(row)
                continue
            small = minimum_size == DEFAULT_MINIMUM_SIZE and row["size"] < SMALL_OBJECT
            for transition in reversed(transitions):
                if not small and _due(transition, row["last_modified"], now) \
                        and COLDNESS[transition["StorageClass"]] > COLDNESS.get(row["storage_class"], 0):
                    moves.append((transition["StorageClass"], row["id"]))
                    break
        elif became_noncurrent is not None and noncurrent.get("NoncurrentDays") is not None \
                and now >= became_noncurrent + noncurrent["NoncurrentDays"] * DAY:
            delete_versions.append(row)
    if moves:
        with ctx.store.tx() as tx:
            tx.executemany("UPDATE s3_objects SET storage_class = ? WHERE id = ?", moves)
    for row in expire:
        objects.delete(ctx, bucket, row["key"])
    for row in delete_versions:
        # Lifecycle never removes a version under Object Lock, nor bypasses GOVERNANCE.
        if not object_lock.protected(object_lock.Lock.of(row), now):
            objects.delete(ctx, bucket, row["key"], row["version_id"])
    abort = rule.get("AbortIncompleteMultipartUpload") or {}
    if abort.get("DaysAfterInitiation") is not None:
        stale = db.execute("SELECT upload_id, key FROM s3_uploads WHERE bucket = ? AND initiated <= ?",
                           (bucket, now - abort["DaysAfterInitiation"] * DAY)).fetchall()
        for upload in stale:
            if upload["key"].startswith(prefix):
                ctx.store.blobs.delete(*multipart.remove(ctx, upload["upload_id"]))


def _only_version(db, marker) -> bool:
    (count,) = db.execute("SELECT count(*) FROM s3_objects WHERE bucket = ? AND key = ?",
                          (marker["bucket"], marker["key"])).fetchone()
    return count == 1
