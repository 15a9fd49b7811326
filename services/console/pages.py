"""What every console page shares: rendering with the signed-in context and
the lab panel, the one-shot notice an action leaves for the next page, and
where a page may send the browser next."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, url_for

from simulator.errors import AwsError

from . import lab, sessions
from .messages import plain

# Regions offered by the Region picker and bucket creation (awsbox accepts
# any Region name AWS has; these are the commercial ones learners meet).
REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1",
    "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "af-south-1", "me-south-1",
)


def render(template: str, *, status: int = 200, error: AwsError | None = None, **values):
    session = g.get("session")
    notice = None
    if session is not None:
        text = sessions.take_notice(session)
        notice = json.loads(text) if text else None
    if error is not None:
        notice = {"kind": "error", **plain(error)}
    values.update(
        session=session,
        notice=notice,
        regions=REGIONS,
        lab_panel=lab.panel(session) if session is not None and session.lab_started is not None else None,
    )
    return render_template(f"console/{template}", **values), status


def done(text: str, endpoint: str, **arguments):
    """After an action that worked: say so on the page it sends the browser to."""
    sessions.update(g.session, notice=json.dumps({"kind": "ok", "plain": text}))
    return redirect(url_for(endpoint, **arguments), 303)


def failed(error: AwsError, endpoint: str, **arguments):
    """After an action AWS refused: show why on the page it came from."""
    sessions.update(g.session, notice=json.dumps({"kind": "error", **plain(error)}))
    return redirect(url_for(endpoint, **arguments), 303)


def refused(text: str, endpoint: str, **arguments):
    """After input the console itself rejects before asking AWS."""
    sessions.update(g.session, notice=json.dumps({"kind": "error", "plain": text}))
    return redirect(url_for(endpoint, **arguments), 303)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path of this console, never
    another site (``//evil``, ``https://evil``, ``/\\evil``, ``javascript:``)."""
    home = url_for("console.home")
    if not target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/console") or "\\" in target:
        return home
    if any(ord(c) < 0x20 for c in target):
        return home
    return target


def form(name: str, default: str = "") -> str:
    return (request.form.get(name) or default).strip()
