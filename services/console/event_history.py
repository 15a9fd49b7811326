"""CloudTrail's Event history, read as the signed-in principal through
LookupEvents (so reading it needs cloudtrail:LookupEvents, as in AWS).

LookupEvents filters by one attribute at a time; the console asks by the one
that narrows most (event name, else each event source in turn) and applies
the other filters itself. Asking source by source leaves out CloudTrail's
own events unless they are asked for, so the console's polling of the trail
never crowds out what the learner did.
"""
from __future__ import annotations

import datetime as _dt
import json

from simulator.trail import who

from .calls import call

SOURCES = ("kms", "s3", "iam", "sts", "cloudtrail")
# Sources shown when no service is chosen: every one but CloudTrail reading itself.
DEFAULT_SOURCES = ("kms", "s3", "iam", "sts")
PAGE = 50


def lookup(*, service: str | None = None, event_name: str | None = None, user: str | None = None,
           start: _dt.datetime | None = None, pages: int = 2, limit: int = 100) -> list[dict]:
    """CloudTrail events (parsed), newest first, at most ``limit``."""
    if event_name:
        queries = [("EventName", event_name)]
    elif service:
        queries = [("EventSource", f"{service}.amazonaws.com")]
    else:
        queries = [("EventSource", f"{s}.amazonaws.com") for s in DEFAULT_SOURCES]
    found: dict[str, dict] = {}
    for attribute in queries:
        for event in _pages(attribute, start, pages):
            if service and event["eventSource"] != f"{service}.amazonaws.com":
                continue
            if user and who(event) != user:
                continue
            found[event["eventID"]] = event
    return sorted(found.values(), key=lambda e: e["eventTime"], reverse=True)[:limit]


def _pages(attribute: tuple[str, str], start, pages: int):
    params = {"LookupAttributes": [{"AttributeKey": attribute[0], "AttributeValue": attribute[1]}],
              "MaxResults": PAGE, "StartTime": start}
    for _ in range(pages):
        page = call("cloudtrail", "LookupEvents", params)
        for summary in page.get("Events", []):
            yield json.loads(summary["CloudTrailEvent"])
        if not page.get("NextToken"):
            return
        params = {**params, "NextToken": page["NextToken"]}
