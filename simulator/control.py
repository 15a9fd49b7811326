"""The control API under /_awsbox/ (and moto's reset, for suites written
against moto's server). JSON in, JSON out; never mistaken for AWS.

Health is open. Everything else needs the server's admin token
(``Authorization: Bearer <token>``), except from loopback while the server
listens on loopback only (a learner's own machine).
"""
from __future__ import annotations

import hmac
import ipaddress
import logging

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from . import __version__, registry
from .clock import MAX_OFFSET as MAX_CLOCK_OFFSET, iso8601

log = logging.getLogger("awsbox.control")
control = Blueprint("awsbox_control", __name__)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
CONTROL_PREFIXES = ("/_awsbox/", "/moto-api/")


def simulator():
    return current_app.extensions["awsbox"]


def _error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


@control.before_request
def require_admin():
    if request.path == "/_awsbox/health":
        return None
    sim = simulator()
    if sim.config.host in LOOPBACK_HOSTS and _is_loopback(request.remote_addr):
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), sim.admin_token.encode()):
        return None
    return _error(401, "Unauthorized", "The control API needs the server's admin token: Authorization: Bearer <token>.")


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def _json_body(*members: str) -> dict:
    """The request's JSON object; with ``members``, only those may be in it
    (a misspelt member must not pass for an absent one: ``{"acount": ...}``
    would otherwise reset every account)."""
    if not request.get_data():
        return {}
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise ValueError("The body must be a JSON object.")
    unknown = sorted(set(body) - set(members)) if members else []
    if unknown:
        raise ValueError(f"Unknown member {unknown[0]!r}; this request takes {', '.join(map(repr, members))}.")
    return body


@control.errorhandler(ValueError)
def bad_request(error):
    return _error(400, "BadRequest", str(error))


@control.app_errorhandler(HTTPException)
def http_error(error):
    """Flask's own answers (no such path, wrong method) in the control API's
    JSON; the rest of the app keeps Flask's."""
    if not request.path.startswith(CONTROL_PREFIXES):
        return error
    return _error(error.code or 500, error.name.replace(" ", ""), error.description or error.name)


@control.errorhandler(Exception)
def internal_error(error):
    if isinstance(error, HTTPException):  # the blueprint's handler is found before the app's
        return http_error(error)
    log.exception("control API request %s %s failed", request.method, request.path)
    return _error(500, "InternalError", "The control API failed on this request; the server log has the details.")


@control.get("/_awsbox/health")
def health():
    sim = simulator()
    return jsonify(
        {
            "status": "ok",
            "version": __version__,
            "region": sim.config.region,
            "services": {name: {"operations": len(svc.handlers)} for name, svc in sorted(registry.services().items())},
        }
    )


@control.post("/_awsbox/reset")
@control.post("/moto-api/reset")
def reset():
    account = _json_body("account").get("account")
    sim = simulator()
    if account is not None and (not isinstance(account, str) or not account):
        raise ValueError("'account' must be an account id (a non-empty string), or absent for every account.")
    if account is not None and not sim.accounts.exists(account):
        return _error(404, "NoSuchAccount", f"Account {account} does not exist.")
    sim.reset(account)
    return jsonify({"reset": account or "all"})


@control.get("/_awsbox/clock")
def clock():
    return jsonify({"now": iso8601(simulator().clock.now())})


@control.post("/_awsbox/clock/advance")
def advance_clock():
    seconds = _json_body("seconds").get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= MAX_CLOCK_OFFSET:
        # NaN fails both comparisons; infinities and huge integers the second.
        raise ValueError(f"'seconds' must be a number from 0 to {MAX_CLOCK_OFFSET}.")
    sim_clock = simulator().clock
    if sim_clock.offset() + seconds > MAX_CLOCK_OFFSET:
        raise ValueError(f"The simulator clock may run at most {MAX_CLOCK_OFFSET} seconds (1000 years) past real time; "
                         f"it is {sim_clock.offset():.0f} seconds past it now.")
    return jsonify({"now": iso8601(sim_clock.advance(seconds))})


@control.post("/_awsbox/accounts")
def create_account():
    name = _json_body("name").get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 64:
        raise ValueError("'name' must be a non-empty string of at most 64 characters.")
    return jsonify(simulator().accounts.create(name.strip())), 201


@control.post("/_awsbox/seed")
def seed():
    """Load a seed document (the scenario `setup:` section): idempotent."""
    from .seed import load_document

    load_document(simulator(), _json_body())
    return jsonify({"seeded": True})


@control.get("/_awsbox/accounts")
def list_accounts():
    return jsonify({"accounts": simulator().accounts.list()})
