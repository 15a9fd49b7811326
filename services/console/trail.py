"""Behind the scenes: the event trail, filterable by user, service and event
name, refreshing itself (static/console.js asks for the table's rows every
few seconds). After a download the learner sees s3:GetObject and the
kms:Decrypt S3 made on their behalf (invokedBy s3.amazonaws.com)."""
from __future__ import annotations

import json

from flask import render_template, request

from simulator.trail import who

from . import console
from .event_history import SOURCES, lookup
from .pages import render


def _filters() -> dict:
    service = request.args.get("service", "")
    return {
        "user": request.args.get("user", "").strip(),
        "service": service if service in SOURCES else "",
        "event": request.args.get("event", "").strip(),
    }


def _rows(filters: dict) -> list[dict]:
    events = lookup(service=filters["service"] or None, event_name=filters["event"] or None,
                    user=filters["user"] or None)
    return [{
        "time": e["eventTime"],
        "user": who(e),
        "service": e["eventSource"].split(".")[0],
        "name": e["eventName"],
        "via": e.get("userIdentity", {}).get("invokedBy"),
        "error": e.get("errorCode"),
        "message": e.get("errorMessage"),
        "resources": [r["ARN"] for r in e.get("resources") or []],
        "json": json.dumps(e, indent=2, sort_keys=True),
    } for e in events]


@console.get("/trail")
def event_trail():
    filters = _filters()
    return render("trail.html", filters=filters, rows=_rows(filters), sources=SOURCES)


@console.get("/trail/rows")
def event_trail_rows():
    """The table body alone, for the page's self-refresh."""
    return render_template("console/trail_rows.html", rows=_rows(_filters()))
