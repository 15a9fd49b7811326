"""The event trail: every API call as a CloudTrail-shaped event.

Events are buffered per process and written in batches by a background
thread, so recording costs a request no write transaction of its own (AWS
CloudTrail itself delivers within minutes). Secrets are redacted before an
event is buffered: nothing secret is ever stored.
"""
from __future__ import annotations

import json
import logging
import threading
import uuid

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
        """
    ],
)

# Members whose values are secret, in any service's requests or responses.
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
READ_ONLY_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Decrypt", "Encrypt", "Generate", "Sign", "Verify", "Simulate")


def redact(value):
    if isinstance(value, dict):
        return {k: ("HIDDEN_DUE_TO_SECURITY_REASONS" if k in SECRET_MEMBERS else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, bytes):
        return "HIDDEN_DUE_TO_SECURITY_REASONS"
    if hasattr(value, "read"):
        return None
    if hasattr(value, "isoformat"):
        return iso8601(value)
    return value


class EventTrail:
    def __init__(self, simulator, flush_interval: float = 0.2):
        self.simulator = simulator
        self._buffer: list[tuple] = []
        self._lock = threading.Lock()
        self._flush_interval = flush_interval
        self._thread = None
        self._pid = None

    def record(self, ctx, *, output=None, error=None) -> None:
        principal = ctx.principal
        identity = {
            "type": principal.type,
            "principalId": principal.user_id,
            "arn": principal.arn,
            "accountId": principal.account_id,
            "accessKeyId": principal.access_key_id,
        }
        if principal.name and principal.type == "IAMUser":
            identity["userName"] = principal.name
        if ctx.via_service:
            identity["invokedBy"] = ctx.via_service
        event = {
            "eventVersion": "1.09",
            "userIdentity": identity,
            "eventTime": iso8601(ctx.now),
            "eventSource": f"{ctx.service}.amazonaws.com",
            "eventName": ctx.operation,
            "awsRegion": ctx.region,
            "sourceIPAddress": ctx.via_service or ctx.source_ip,
            "userAgent": ctx.via_service or ctx.user_agent,
            "requestParameters": redact(ctx.params) or None,
            "responseElements": redact(output) if output is not None else None,
            "requestID": ctx.request_id,
            "eventID": str(uuid.uuid4()),
            "readOnly": ctx.operation.startswith(READ_ONLY_PREFIXES),
            "eventType": "AwsApiCall",
            "recipientAccountId": ctx.account_id,
        }
        if error is not None:
            event["errorCode"] = error.code
            event["errorMessage"] = error.message
        if ctx.decisions:
            event["awsboxAuthorization"] = ctx.decisions
        row = (
            event["eventID"],
            ctx.account_id,
            ctx.region,
            ctx.now.timestamp(),
            event["eventSource"],
            ctx.operation,
            principal.name or ("root" if principal.is_root else None),
            int(event["readOnly"]),
            event.get("errorCode"),
            json.dumps(event, default=str),
        )
        with self._lock:
            self._buffer.append(row)
            self._ensure_thread()

    def _ensure_thread(self) -> None:
        import os

        if self._thread is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="awsbox-events", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        import time

        while True:
            time.sleep(self._flush_interval)
            try:
                self.flush()
            except Exception:
                log.exception("could not write events")

    def flush(self) -> None:
        with self._lock:
            rows, self._buffer = self._buffer, []
        if not rows:
            return
        retention = self.simulator.config.event_retention
        with self.simulator.store.tx() as db:
            db.executemany(
                "INSERT INTO events (event_id, account_id, region, event_time, event_source, event_name,"
                " username, read_only, error_code, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.execute("DELETE FROM events WHERE seq <= (SELECT MAX(seq) FROM events) - ?", (retention,))
