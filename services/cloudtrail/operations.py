"""CloudTrail operations: LookupEvents, over the events the simulator recorded
in its state store (``simulator/events.py``), newest first, for the caller's
account and Region, within the last 90 days of the simulator clock."""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json

from . import cloudtrail
from .errors import (
    InvalidEventCategoryException,
    InvalidLookupAttributesException,
    InvalidNextTokenException,
    InvalidTimeRangeException,
)

LOOKUP_WINDOW = _dt.timedelta(days=90)
DEFAULT_MAX_RESULTS = 50
# Each lookup attribute and the SQL that selects events by it.
_ATTRIBUTE_FILTERS = {
    "EventId": "e.event_id = ?",
    "EventName": "e.event_name = ?",
    "EventSource": "e.event_source = ?",
    "Username": "e.username = ?",
    "AccessKeyId": "e.access_key_id = ?",
    "ReadOnly": "e.read_only = ?",
    "ResourceType": "e.seq IN (SELECT seq FROM event_resources WHERE resource_type = ?)",
    "ResourceName": "e.seq IN (SELECT seq FROM event_resources WHERE resource_name = ?)",
}


@cloudtrail.operation
def lookup_events(ctx, params):
    # Include what this process has recorded but not yet written.
    ctx.app.events.flush()
    if params.get("EventCategory") not in (None, "insight"):
        raise InvalidEventCategoryException("Event category is not valid.")
    end = params.get("EndTime") or ctx.now
    start = params.get("StartTime") or (end - LOOKUP_WINDOW)
    if start > end:
        raise InvalidTimeRangeException("Start time cannot be after end time.")
    where = ["e.account_id = ?", "e.region = ?", "e.event_time >= ?", "e.event_time <= ?"]
    args: list = [ctx.account_id, ctx.region, start.timestamp(), end.timestamp()]
    attributes = params.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise InvalidLookupAttributesException("You can only specify one lookup attribute.")
    for attribute in attributes:
        value = attribute["AttributeValue"]
        if attribute["AttributeKey"] == "ReadOnly":
            if value.lower() not in ("true", "false"):
                raise InvalidLookupAttributesException("The ReadOnly lookup attribute value must be true or false.")
            value = int(value.lower() == "true")
        where.append(_ATTRIBUTE_FILTERS[attribute["AttributeKey"]])
        args.append(value)
    if params.get("EventCategory") == "insight":
        return {"Events": []}  # awsbox raises no Insights events
    fingerprint = _fingerprint(params)
    if params.get("NextToken"):
        time_after, seq_after = _read_token(params["NextToken"], fingerprint)
        where.append("(e.event_time < ? OR (e.event_time = ? AND e.seq < ?))")
        args += [time_after, time_after, seq_after]
    limit = params.get("MaxResults") or DEFAULT_MAX_RESULTS
    rows = ctx.store.read().execute(
        f"SELECT e.seq, e.event_time, e.body FROM events e WHERE {' AND '.join(where)}"
        " ORDER BY e.event_time DESC, e.seq DESC LIMIT ?",
        (*args, limit + 1),
    ).fetchall()
    output = {"Events": [_event(row["body"]) for row in rows[:limit]]}
    if len(rows) > limit:
        last = rows[limit - 1]
        output["NextToken"] = _token(last["event_time"], last["seq"], fingerprint)
    return output


def _event(body: str) -> dict:
    event = json.loads(body)
    identity = event["userIdentity"]
    summary = {
        "EventId": event["eventID"],
        "EventName": event["eventName"],
        "ReadOnly": "true" if event["readOnly"] else "false",
        "EventTime": _dt.datetime.fromisoformat(event["eventTime"].replace("Z", "+00:00")),
        "EventSource": event["eventSource"],
        "Resources": [{"ResourceType": r["type"], "ResourceName": r["ARN"]} for r in event.get("resources", [])],
        "CloudTrailEvent": body,
    }
    if identity.get("accessKeyId"):
        summary["AccessKeyId"] = identity["accessKeyId"]
    username = "root" if identity["type"] == "Root" else identity.get("userName") or identity["arn"].rpartition("/")[2]
    summary["Username"] = username
    return summary


# NextToken: where the previous page stopped, bound to the query it pages
# (AWS requires the same parameters with a token).
def _fingerprint(params: dict) -> str:
    query = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults")}
    return hashlib.sha256(json.dumps(query, default=str, sort_keys=True).encode()).hexdigest()[:16]


def _token(event_time: float, seq: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([event_time, seq, fingerprint]).encode()).decode()


def _read_token(token: str, fingerprint: str) -> tuple[float, int]:
    try:
        event_time, seq, bound_to = json.loads(base64.urlsafe_b64decode(token.encode()))
        if bound_to == fingerprint and isinstance(seq, int) and isinstance(event_time, (int, float)):
            return float(event_time), seq
    except (ValueError, TypeError):
        pass
    raise InvalidNextTokenException("Invalid NextToken.")
