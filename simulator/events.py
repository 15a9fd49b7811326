"""The event trail: every API call as a CloudTrail-shaped event.

Every operation (HTTP or in process, e.g. the KMS calls S3 makes on a
caller's behalf, ``invokedBy: s3.amazonaws.com``) is recorded by
``Simulator.execute`` with the fields of a CloudTrail management event:
eventTime, eventSource, eventName, awsRegion, userIdentity, sourceIPAddress,
userAgent, requestParameters, responseElements, errorCode, errorMessage,
requestID, eventID, resources, readOnly. Member names are lower camel case
as CloudTrail writes them (``keyId``, ``encryptionContext``).

Secrets are redacted before an event is buffered, so nothing secret is ever
stored: every blob (plaintexts, data keys, ciphertexts, bodies) and every
member named in ``SECRET_MEMBERS`` (secret access keys, session tokens,
SSE-C keys, passwords, key material). What redaction needs of an operation's
shapes (secret members, CloudTrail's member names) is worked out on its first
call and kept.

Events are buffered per process and encoded and written in batches by a
background thread, so recording costs a request no JSON encoding and no write
transaction of its own (AWS
CloudTrail itself delivers within minutes; awsbox within a fraction of a
second). The table keeps the most recent ``Config.event_retention`` events.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import multiprocessing.util
import os
import random
import re
import threading
import time

from .clock import iso8601
from .store.db import register_schema

log = logging.getLogger("awsbox.events")

register_schema(
    "events",
    [
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL UNIQUE,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            event_time REAL NOT NULL,
            event_source TEXT NOT NULL,
            event_name TEXT NOT NULL,
            username TEXT,
            read_only INTEGER NOT NULL,
            error_code TEXT,
            body TEXT NOT NULL
        );
        CREATE INDEX events_by_account_time ON events(account_id, event_time);
        """,
        # LookupEvents filters by access key and by resource (type or name).
        """
        ALTER TABLE events ADD COLUMN access_key_id TEXT;
        CREATE TABLE event_resources (
            seq INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
            resource_type TEXT NOT NULL,
            resource_name TEXT NOT NULL
        );
        CREATE INDEX event_resources_by_seq ON event_resources(seq);
        CREATE INDEX event_resources_by_name ON event_resources(resource_name);
        """,
    ],
    volatile=("events", "event_resources"),
)

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
# Members whose values are secret, in any service's requests or responses.
# Blob members (Plaintext, CiphertextBlob, Body...) are hidden by type as well.
SECRET_MEMBERS = frozenset(
    {
        "Plaintext",
        "PrivateKeyPlaintext",
        "SecretAccessKey",
        "SessionToken",
        "Password",
        "OldPassword",
        "NewPassword",
        "KeyMaterial",
        "EncryptedKeyMaterial",
        "ImportToken",
        "SharedSecret",
        "SSECustomerKey",
        "CopySourceSSECustomerKey",
        "Body",
        "Mac",
        "CiphertextBlob",
        "CiphertextForRecipient",
        "Signature",
    }
)
# CloudTrail marks these reads (KMS cryptographic operations and STS role
# assumption are readOnly: true in CloudTrail too).
READ_ONLY_PREFIXES = (
    "Get", "List", "Describe", "Head", "Lookup", "Decrypt", "Encrypt", "ReEncrypt", "Generate", "Sign", "Verify",
    "Simulate", "AssumeRole", "Select",
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$")


class _Plan:
    """What redaction needs to know of one botocore shape, worked out once:
    its type, its members' CloudTrail names (lower camel case), which of them
    are secret, and the plans of its members, list items or map values."""

    __slots__ = ("type_name", "members", "item")

    def __init__(self, type_name: str):
        self.type_name = type_name
        self.members: dict[str, tuple[str, bool, _Plan | None]] = {}  # name -> (camel, secret, plan)
        self.item: _Plan | None = None  # a list's member, a map's value


def _plan(shape, planned: dict) -> _Plan | None:
    """The plan for ``shape``; ``planned`` (by shape name) ends the recursion
    of shapes that contain themselves."""
    if shape is None:
        return None
    plan = planned.get(shape.name)
    if plan is not None:
        return plan
    plan = planned[shape.name] = _Plan(shape.type_name)
    if shape.type_name == "structure":
        plan.members = {name: (_camel(name), name in SECRET_MEMBERS, _plan(member, planned))
                        for name, member in shape.members.items()}
    elif shape.type_name == "list":
        plan.item = _plan(shape.member, planned)
    elif shape.type_name == "map":
        plan.item = _plan(shape.value, planned)
    return plan


def redact(value, shape=None, member: str | None = None):
    """A JSON-ready copy of ``value`` with every secret replaced. With the
    botocore ``shape`` of the value, structure members are named in lower
    camel case as CloudTrail names them, while map keys (an encryption
    context, object metadata) stay exactly as the caller wrote them."""
    return _redact(value, _plan(shape, {}), member)


# Values that are copied as they are (unless their member is secret): tested
# first and inline, as most of what is recorded (ids, names, the
# authorization decisions) is made of them alone.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _redact(value, plan: _Plan | None, member: str | None = None):
    if member in SECRET_MEMBERS:
        return HIDDEN
    if type(value) in _SCALARS:
        return value
    if isinstance(value, dict):
        if plan is not None and plan.type_name == "map":
            return {k: _redact(v, plan.item) for k, v in value.items()}
        members = plan.members if plan is not None and plan.type_name == "structure" else None
        if not members:
            return {k: HIDDEN if k in SECRET_MEMBERS else v if type(v) in _SCALARS else _redact(v, None, k)
                    for k, v in value.items()}
        redacted = {}
        for k, v in value.items():
            known = members.get(k)
            if known is None:
                redacted[_camel(k)] = _redact(v, None, k)
            else:
                camel, secret, member_plan = known
                redacted[camel] = HIDDEN if secret else v if type(v) in _SCALARS else _redact(v, member_plan)
        return redacted
    if isinstance(value, list):
        item = plan.item if plan is not None and plan.type_name == "list" else None
        return [_redact(v, item) for v in value]
    if isinstance(value, _dt.datetime):  # timestamps are common: spare them the probing below
        return iso8601(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return HIDDEN
    if hasattr(value, "read"):
        return None  # a streamed body
    if hasattr(value, "isoformat"):
        return iso8601(value)
    return value


def _camel(name: str) -> str:
    """CloudTrail's member names: KeyId -> keyId."""
    return name[:1].lower() + name[1:]


# (service, operation) -> the plans of its input and output shapes.
_OPERATION_PLANS: dict[tuple[str, str], tuple[_Plan | None, _Plan | None]] = {}


def _plans(ctx) -> tuple[_Plan | None, _Plan | None]:
    """The operation's input and output plans, worked out on its first call;
    (None, None) for what botocore does not know (recorded unshaped)."""
    found = _OPERATION_PLANS.get((ctx.service, ctx.operation))
    if found is None:
        from botocore.model import OperationNotFoundError

        from .registry import service

        try:
            model = service(ctx.service).operation_model(ctx.operation)
        except (KeyError, OperationNotFoundError):
            found = (None, None)
        else:
            planned: dict = {}  # one service model: shape names are unique in it
            found = (_plan(model.input_shape, planned), _plan(model.output_shape, planned))
        _OPERATION_PLANS[(ctx.service, ctx.operation)] = found
    return found


def resources_of(ctx, output) -> list[dict]:
    """The resources a call touched, in CloudTrail's ``resources`` shape."""
    params, output = ctx.params or {}, output or {}
    account, region = ctx.account_id, ctx.region
    found: list[tuple[str, str]] = []
    if ctx.service == "kms":
        arn = (output.get("KeyMetadata") or {}).get("Arn") or output.get("KeyId")
        key = params.get("KeyId") or params.get("TargetKeyId") or params.get("DestinationKeyId")
        if not (isinstance(arn, str) and arn.startswith("arn:")) and isinstance(key, str):
            arn = key if key.startswith("arn:") else (f"arn:aws:kms:{region}:{account}:key/{key}" if _UUID.match(key) else None)
        if isinstance(arn, str) and ":key/" in arn:
            found.append(("AWS::KMS::Key", arn))
    elif ctx.service == "s3":
        bucket = params.get("Bucket")
        if isinstance(bucket, str):
            found.append(("AWS::S3::Bucket", f"arn:aws:s3:::{bucket}"))
            if isinstance(params.get("Key"), str):
                found.append(("AWS::S3::Object", f"arn:aws:s3:::{bucket}/{params['Key']}"))
    elif ctx.service == "iam":
        for member, kind in (("UserName", "User"), ("RoleName", "Role"), ("GroupName", "Group")):
            if isinstance(params.get(member), str):
                found.append((f"AWS::IAM::{kind}", f"arn:aws:iam::{account}:{kind.lower()}/{params[member]}"))
        if isinstance(params.get("PolicyArn"), str):
            found.append(("AWS::IAM::Policy", params["PolicyArn"]))
    elif ctx.service == "sts" and isinstance(params.get("RoleArn"), str):
        found.append(("AWS::IAM::Role", params["RoleArn"]))
    return [{"accountId": account, "type": kind, "ARN": arn} for kind, arn in found]


def user_identity(ctx) -> dict:
    principal = ctx.principal
    identity = {
        "type": principal.type,
        "principalId": principal.user_id,
        "arn": principal.arn,
        "accountId": principal.account_id,
    }
    if principal.access_key_id:
        identity["accessKeyId"] = principal.access_key_id
    if principal.type == "IAMUser" and principal.name:
        identity["userName"] = principal.name
    if principal.type == "AssumedRole":
        session = principal.session or {}
        role_arn = session.get("role_arn") or ""
        issuer = {"type": "Role", "principalId": principal.user_id.split(":")[0], "arn": role_arn,
                  "accountId": principal.account_id, "userName": role_arn.rpartition("/")[2]}
        identity["sessionContext"] = {"sessionIssuer": issuer, "attributes": {"mfaAuthenticated": "false"}}
    if ctx.via_service:
        identity["invokedBy"] = ctx.via_service
    return identity


def username_of(principal) -> str | None:
    """LookupEvents' Username: the user name, the role session name, or root."""
    if principal.is_root:
        return "root"
    return principal.name


# The version (4) and variant (RFC 4122) bits of a random UUID.
_UUID4_CLEAR = 0xF << 76 | 0x3 << 62
_UUID4_SET = 0x4 << 76 | 0x2 << 62


def new_uuid() -> str:
    """A random (version 4) UUID as text, for event and request ids. Ids must
    be unique, not secret: the process's generator (reseeded in each forked
    worker) spares the system call ``uuid.uuid4`` makes for every id."""
    digits = "%032x" % (random.getrandbits(128) & ~_UUID4_CLEAR | _UUID4_SET)
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


# One encoder for every event (json.dumps would build one per call). Events
# are trees of fresh dicts and lists, never circular: the check is skipped.
_ENCODER = json.JSONEncoder(default=str, check_circular=False)


class EventTrail:
    def __init__(self, simulator, flush_interval: float = 0.2):
        self.simulator = simulator
        # (row without its body, the event, its resources): redacted already,
        # encoded as JSON by the writer, off the request's path.
        self._buffer: list[tuple[tuple, dict, list]] = []
        self._lock = threading.Lock()
        self._flush_interval = flush_interval
        self._thread = None
        self._pid = None
        # Events a thread records inside held(): trailed only if the block succeeds.
        self._held = threading.local()

    def record(self, ctx, *, output=None, error=None) -> None:
        input_plan, output_plan = _plans(ctx)
        read_only = ctx.operation.startswith(READ_ONLY_PREFIXES)
        event = {
            "eventVersion": "1.09",
            "userIdentity": user_identity(ctx),
            "eventTime": iso8601(ctx.now),
            "eventSource": f"{ctx.service}.amazonaws.com",
            "eventName": ctx.operation,
            "awsRegion": ctx.region,
            "sourceIPAddress": ctx.via_service or ctx.source_ip,
            "userAgent": ctx.via_service or ctx.user_agent,
            "requestParameters": _redact(ctx.params, input_plan) or None,
            # CloudTrail records responses of the actions that change
            # something; a read's (an object listing, a Decrypt) is left out.
            # STS's are kept: the credentials issued, as CloudTrail shows.
            "responseElements": None if read_only and ctx.service != "sts" else _redact(output, output_plan) or None,
            "requestID": ctx.request_id,
            "eventID": new_uuid(),
            "readOnly": read_only,
            "resources": resources_of(ctx, output),
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": ctx.account_id,
        }
        if error is not None:
            event["errorCode"] = error.code
            event["errorMessage"] = error.message
        if ctx.decisions:
            event["awsboxAuthorization"] = redact(ctx.decisions)
        row = (
            event["eventID"],
            ctx.account_id,
            ctx.region,
            ctx.now.timestamp(),
            event["eventSource"],
            ctx.operation,
            username_of(ctx.principal),
            int(event["readOnly"]),
            event.get("errorCode"),
            ctx.principal.access_key_id,
        )
        resources = [(r["type"], r["ARN"]) for r in event["resources"]]
        held = getattr(self._held, "events", None)
        if held is not None:
            held.append((row, event, resources))
            return
        with self._lock:
            self._buffer.append((row, event, resources))
            self._ensure_thread()

    @contextlib.contextmanager
    def held(self):
        """The calls this thread makes inside are trailed only if the block
        succeeds: a seed that is rolled back as a whole leaves no events of
        calls whose effects never happened."""
        if getattr(self._held, "events", None) is not None:  # within another: that one decides
            yield
            return
        self._held.events = []
        try:
            yield
        except BaseException:
            self._held.events = None
            raise
        events, self._held.events = self._held.events, None
        with self._lock:
            self._buffer.extend(events)
            self._ensure_thread()

    def _ensure_thread(self) -> None:
        if self._thread is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="awsbox-events", daemon=True)
            self._thread.start()
            # A worker process ends through multiprocessing, which runs its
            # finalizers but not atexit: the last events are written then.
            multiprocessing.util.Finalize(self, self.flush, exitpriority=10)

    def _run(self) -> None:
        while True:
            time.sleep(self._flush_interval)
            try:
                self.flush()
            except Exception:
                log.exception("could not write events")

    def flush(self) -> None:
        with self._lock:
            pending, self._buffer = self._buffer, []
        if not pending:
            return
        retention = self.simulator.config.event_retention
        bodies = [_ENCODER.encode(event) for _, event, _ in pending]
        with self.simulator.store.tx() as db:
            # The batch's seqs are numbered here, as AUTOINCREMENT would number
            # them (past the largest ever used), so that each table takes the
            # whole batch in one statement: the write transaction is ours alone.
            found = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
            first = (found[0] if found else 0) + 1
            db.executemany(
                "INSERT INTO events (seq, event_id, account_id, region, event_time, event_source, event_name,"
                " username, read_only, error_code, access_key_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(first + i, *row, body) for i, ((row, _, _), body) in enumerate(zip(pending, bodies))],
            )
            db.executemany(
                "INSERT INTO event_resources (seq, resource_type, resource_name) VALUES (?, ?, ?)",
                [(first + i, kind, name) for i, (_, _, resources) in enumerate(pending) for kind, name in resources],
            )
            horizon = db.execute("SELECT MAX(seq) - ? FROM events", (retention,)).fetchone()[0]
            if horizon is not None and horizon > 0:
                db.execute("DELETE FROM event_resources WHERE seq <= ?", (horizon,))
                db.execute("DELETE FROM events WHERE seq <= ?", (horizon,))
