"""The control API under /_awsbox/ (and moto's reset, for suites written
against moto's server). JSON in, JSON out; never mistaken for AWS.

Health is open. Everything else needs the server's admin token
(``Authorization: Bearer <token>``), except from loopback while the server
listens on loopback only (a learner's own machine).
"""
from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, current_app, jsonify, request

from . import __version__, registry
from .clock import iso8601

control = Blueprint("awsbox_control", __name__)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


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


def _json_body() -> dict:
    if not request.get_data():
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValueError("The body must be a JSON object.")
    return body


@control.errorhandler(ValueError)
def bad_request(error):
    return _error(400, "BadRequest", str(error))


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
    account = _json_body().get("account")
    sim = simulator()
    if account is not None and not sim.accounts.exists(str(account)):
        return _error(404, "NoSuchAccount", f"Account {account} does not exist.")
    sim.reset(account)
    return jsonify({"reset": account or "all"})


@control.get("/_awsbox/clock")
def clock():
    return jsonify({"now": iso8601(simulator().clock.now())})


@control.post("/_awsbox/clock/advance")
def advance_clock():
    seconds = _json_body().get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ValueError("'seconds' must be a non-negative number.")
    return jsonify({"now": iso8601(simulator().clock.advance(seconds))})


@control.post("/_awsbox/accounts")
def create_account():
    name = _json_body().get("name")
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
