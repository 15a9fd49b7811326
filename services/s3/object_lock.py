"""Object Lock: write-once-read-many protection of object versions.

A bucket has Object Lock when it was created with it, or when
PutObjectLockConfiguration turned it on for a versioned bucket; either way
versioning stays Enabled for good. Its configuration may carry a default
retention (a mode and a number of days or years), which every new version
written without retention headers takes, counted from its write.

Each version may carry a retention (GOVERNANCE or COMPLIANCE until a date)
and a legal hold (ON or OFF), set by the write's headers or later by
PutObjectRetention and PutObjectLegalHold. While a retention has not expired
or a legal hold is ON, the version cannot be deleted (a delete without a
version id still adds a delete marker, which touches no version). A
GOVERNANCE retention gives way to a caller that sends
``x-amz-bypass-governance-retention: true`` and is allowed
``s3:BypassGovernanceRetention``; a COMPLIANCE retention to no one, and it
can only be lengthened.

Retention dates are compared with the simulator clock, so a lab can move time
past them.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as _dt

from policies.actions.s3 import object_arn
from simulator import authorization

from . import buckets
from .errors import AccessDenied, InvalidArgument, InvalidRequest, MalformedXML

MODES = ("GOVERNANCE", "COMPLIANCE")
HOLD_STATUSES = ("ON", "OFF")
CONFIG = "object-lock"  # the bucket sub-resource holding the configuration

PROTECTED = "Access Denied because object protected by object lock."


@dataclasses.dataclass(frozen=True)
class Lock:
    """A version's lock columns: what a write stores, what HEAD and GET show."""
    mode: str | None = None
    until: float | None = None
    legal_hold: str | None = None

    def columns(self) -> dict:
        return {"lock_mode": self.mode, "lock_until": self.until, "legal_hold": self.legal_hold}

    @classmethod
    def of(cls, row) -> "Lock":
        return cls(row["lock_mode"], row["lock_until"], row["legal_hold"])


# -- writes ------------------------------------------------------------------------
def for_write(ctx, bucket, params: dict, *, default: bool = True) -> Lock:
    """The lock of a version written by PutObject, CopyObject or
    CreateMultipartUpload: the request's headers, checked, and without a
    retention among them the bucket's default one, unless ``default`` is
    False (a multipart upload takes it when completed)."""
    mode, until = params.get("ObjectLockMode"), params.get("ObjectLockRetainUntilDate")
    hold = params.get("ObjectLockLegalHoldStatus")
    # S3's order, as recorded: the pairing (versitygw#2028, on a bucket
    # without Object Lock), then the bucket (#1751, before a bad mode), then
    # each value.
    if (mode is None) != (until is None):
        raise InvalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
    if (mode is not None or hold is not None) and not bucket["object_lock"]:
        # S3's wording for these three writes (the lock operations say
        # "Object Lock Configuration", with spaces).
        raise InvalidRequest("Bucket is missing ObjectLockConfiguration")
    if mode is not None and mode not in MODES:
        raise InvalidArgument("Unknown wormMode directive.", ArgumentName="x-amz-object-lock-mode", ArgumentValue=mode)
    if until is not None and until <= ctx.now:
        raise InvalidArgument("The retain until date must be in the future!",
                              ArgumentName="x-amz-object-lock-retain-until-date",
                              ArgumentValue=_raw_header(ctx, "x-amz-object-lock-retain-until-date", until))
    if hold is not None and hold not in HOLD_STATUSES:
        raise InvalidArgument("Legal Hold must be either of 'ON' or 'OFF'", ArgumentName="x-amz-object-lock-legal-hold",
                              ArgumentValue=hold)
    explicit = Lock(mode, until.timestamp() if until is not None else None, hold)
    return with_default(ctx, bucket, explicit) if default else explicit


def with_default(ctx, bucket, lock: Lock) -> Lock:
    """``lock``, given the bucket's default retention if it has none of its own."""
    if lock.mode is not None:
        return lock
    fallback = default_retention(ctx, bucket)
    return Lock(fallback.mode, fallback.until, lock.legal_hold)


def require_checksum(lock: Lock, params: dict, expectation, what: str = "Put Object") -> None:
    """A body written with Object Lock parameters (its own or the bucket's
    default retention) must bring Content-MD5 or a flexible checksum, header
    or trailer (x-amz-content-sha256 does not count)."""
    if lock == Lock() or params.get("ContentMD5") is not None or expectation.algorithm is not None:
        return
    raise InvalidRequest(f"Content-MD5 OR x-amz-checksum- HTTP header is required for {what} requests with Object Lock"
                         " parameters")


def _raw_header(ctx, name: str, parsed) -> str:
    """A header as the client sent it (S3 quotes it back in ArgumentValue)."""
    if ctx.http is not None:
        value = ctx.http.headers.get(name)
        if value is not None:
            return value
    return str(parsed)


def default_retention(ctx, bucket) -> Lock:
    """The bucket's default retention for a version written now, if any."""
    if not bucket["object_lock"]:
        return Lock()
    rule = ((buckets.config(ctx, bucket["name"], CONFIG) or {}).get("Rule") or {}).get("DefaultRetention")
    if not rule:
        return Lock()
    now = ctx.now
    if rule.get("Days") is not None:
        until = now + _dt.timedelta(days=rule["Days"])
    else:  # calendar years; 29 February becomes 28 February in a common year
        year = now.year + rule["Years"]
        until = now.replace(year=year, day=min(now.day, 28 if now.month == 2 and not calendar.isleap(year) else 31))
    return Lock(rule["Mode"], until.timestamp())


def check_future(ctx, until: _dt.datetime) -> None:
    if until <= ctx.now:
        raise InvalidArgument("The retain until date must be in the future!")


def date(seconds: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc)


# -- the bucket's configuration ---------------------------------------------------------
def validated_configuration(configuration: dict) -> dict:
    """PutObjectLockConfiguration's document, as S3 checks it."""
    if configuration.get("ObjectLockEnabled") != "Enabled":
        raise MalformedXML()
    rule = configuration.get("Rule")
    if rule is None:
        return {"ObjectLockEnabled": "Enabled"}
    retention = rule.get("DefaultRetention")
    if not retention:
        raise MalformedXML()
    mode, days, years = retention.get("Mode"), retention.get("Days"), retention.get("Years")
    if mode not in MODES or (days is None) == (years is None):
        raise MalformedXML()
    period = days if days is not None else years
    if period <= 0:
        raise InvalidArgument("Default retention period must be a positive integer value.",
                              ArgumentName="Days" if days is not None else "Years", ArgumentValue=str(period))
    kept = {"Mode": mode, **({"Days": days} if days is not None else {"Years": years})}
    return {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": kept}}


# -- protection ---------------------------------------------------------------------
def retained(lock: Lock, now: float) -> bool:
    return lock.mode is not None and lock.until is not None and lock.until > now


def bypass_requested(bucket, params: dict) -> bool:
    """Whether a delete asks to bypass GOVERNANCE retention; S3 refuses the
    header, whatever its value, on a bucket without Object Lock."""
    value = params.get("BypassGovernanceRetention")
    if value is not None and not bucket["object_lock"]:
        raise InvalidArgument("x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.")
    return bool(value)


def protected(lock: Lock, now: float) -> bool:
    """Whether a version with ``lock`` is protected at ``now``: a legal hold
    ON, or a retention in force."""
    return lock.legal_hold == "ON" or retained(lock, now)


def check_deletable(ctx, row, *, bypass: bool) -> None:
    """AccessDenied unless the version ``row`` may be deleted now: unprotected,
    or under a GOVERNANCE retention alone that the caller bypasses (and is
    allowed to)."""
    lock = Lock.of(row)
    if not protected(lock, ctx.now.timestamp()):
        return
    if lock.legal_hold == "ON" or lock.mode == "COMPLIANCE" or not (bypass and may_bypass(ctx, row)):
        raise AccessDenied(PROTECTED)


def may_bypass(ctx, row) -> bool:
    """Whether the caller is allowed s3:BypassGovernanceRetention on the
    version: asked only when a request would bypass a GOVERNANCE retention,
    as S3 asks it."""
    return authorization.permits(ctx, "s3:BypassGovernanceRetention", object_arn(row["bucket"], row["key"]),
                                 {"s3:versionid": row["version_id"]})


def check_retention_change(ctx, row, mode: str | None, until: float | None, *, bypass: bool) -> None:
    """PutObjectRetention's rule: a retention in force may be lengthened in
    its own mode; anything else (shortening, removing, changing the mode) is
    refused, but for a GOVERNANCE retention whose caller bypasses it."""
    current = Lock.of(row)
    if not retained(current, ctx.now.timestamp()):
        return
    if mode == current.mode and until is not None and until >= current.until:
        return
    if current.mode == "COMPLIANCE" or not (bypass and may_bypass(ctx, row)):
        raise AccessDenied(PROTECTED)


def description(ctx, row) -> dict:
    """HeadObject's and GetObject's lock headers, each only for a caller
    allowed to read it (s3:GetObjectRetention, s3:GetObjectLegalHold), as
    the S3 API Reference says of them."""
    lock = Lock.of(row)
    out = {}
    arn = object_arn(row["bucket"], row["key"])
    if lock.mode is not None and authorization.permits(ctx, "s3:GetObjectRetention", arn, record=False):
        out["ObjectLockMode"] = lock.mode
        out["ObjectLockRetainUntilDate"] = date(lock.until)
    if lock.legal_hold is not None and authorization.permits(ctx, "s3:GetObjectLegalHold", arn, record=False):
        out["ObjectLockLegalHoldStatus"] = lock.legal_hold
    return out
