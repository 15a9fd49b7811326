"""Reading the event trail back through CloudTrail's LookupEvents, as any
AWS client would: for ``awsbox trail`` and for the "behind the scenes" part
of scenarios and ``awsbox lab``."""
from __future__ import annotations

import datetime as _dt
import json
import time


def lookup(cloudtrail, *, start=None, end=None, attribute: tuple[str, str] | None = None, limit: int | None = None) -> list[dict]:
    """CloudTrail events (the parsed CloudTrailEvent documents), newest first."""
    params: dict = {}
    if start is not None:
        params["StartTime"] = start
    if end is not None:
        params["EndTime"] = end
    if attribute is not None:
        params["LookupAttributes"] = [{"AttributeKey": attribute[0], "AttributeValue": attribute[1]}]
    events: list[dict] = []
    for page in cloudtrail.get_paginator("lookup_events").paginate(**params):
        events += [json.loads(e["CloudTrailEvent"]) for e in page["Events"]]
        if limit is not None and len(events) >= limit:
            return events[:limit]
    return events


def events_of_request(cloudtrail, request_id: str, since: _dt.datetime, wait: float = 3.0) -> tuple[dict | None, list[dict]]:
    """The event of the call ``request_id`` and the calls other services made
    on its caller's behalf meanwhile (``invokedBy``), oldest first. Events are
    written a fraction of a second after the call: wait up to ``wait`` s."""
    deadline = time.monotonic() + wait
    while True:
        # StartTime goes over the wire in whole seconds: the rest is cut here.
        events = [e for e in lookup(cloudtrail, start=since) if _time(e) >= since]
        own = next((e for e in events if e.get("requestID") == request_id), None)
        if own is not None or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    caller = (own or {}).get("userIdentity", {}).get("arn")
    behind = [
        e for e in events
        if e.get("userIdentity", {}).get("invokedBy") and (caller is None or e["userIdentity"].get("arn") == caller)
    ]
    return own, sorted(behind, key=lambda e: e["eventTime"])


def _time(event: dict) -> _dt.datetime:
    return _dt.datetime.fromisoformat(event["eventTime"].replace("Z", "+00:00"))


def who(event: dict) -> str:
    identity = event.get("userIdentity", {})
    if identity.get("type") == "Root":
        return "root"
    return identity.get("userName") or identity.get("arn", "?").rpartition("/")[2]


def one_line(event: dict) -> str:
    """time  user  service:Operation  [via ...]  outcome  resources"""
    service = event["eventSource"].split(".")[0]
    via = event.get("userIdentity", {}).get("invokedBy")
    outcome = f"{event['errorCode']}: {event.get('errorMessage', '')}" if event.get("errorCode") else "ok"
    resources = " ".join(r["ARN"] for r in event.get("resources") or [])
    parts = [event["eventTime"], who(event), f"{service}:{event['eventName']}"]
    if via:
        parts.append(f"(via {via})")
    parts += [outcome, resources]
    return "  ".join(p for p in parts if p)
