"""Console sessions: who is signed in, until when, and the CSRF token of
their forms.

The cookie holds only a random session id, signed (itsdangerous, as Flask's
own session is) with a secret kept sealed in the store, so every worker
process signs alike and a reset rotates it. The session itself is a row
(``schema.py``): signing out deletes it, so a copied cookie dies with it.

Sessions expire on the simulator clock, so advancing the clock signs
learners out as time passing would: 12 hours for an IAM user and 1 hour for
the root user, the limits STS puts on their session credentials.
"""
from __future__ import annotations

import dataclasses
import hmac
import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from services.iam import entities
from simulator.context import Principal

COOKIE = "awsbox_console"
# The sign-in form's CSRF token is bound to this cookie (no session yet).
SIGN_IN_COOKIE = "awsbox_console_signin"
USER_SESSION_SECONDS = 12 * 3600
ROOT_SESSION_SECONDS = 3600


@dataclasses.dataclass(frozen=True)
class Session:
    session_id: str
    principal: Principal
    region: str
    csrf_token: str
    expires: float
    lab_started: float | None


def simulator():
    return current_app.extensions["awsbox"]


def _secret() -> bytes:
    sim = simulator()
    aad = b"awsbox-console-cookie-secret"
    row = sim.store.read().execute("SELECT sealed FROM console_secret WHERE id = 1").fetchone()
    if row is None:
        with sim.store.tx() as db:
            db.execute("INSERT INTO console_secret VALUES (1, ?) ON CONFLICT DO NOTHING",
                       (sim.root_key.seal(secrets.token_bytes(32), aad),))
            row = db.execute("SELECT sealed FROM console_secret WHERE id = 1").fetchone()
    return sim.root_key.unseal(row["sealed"], aad)


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(_secret(), salt=salt)


def start(principal: Principal, region: str) -> tuple[str, Session]:
    """A new session for ``principal``: (cookie value, session)."""
    sim = simulator()
    now = sim.clock.now().timestamp()
    lifetime = ROOT_SESSION_SECONDS if principal.is_root else USER_SESSION_SECONDS
    session = Session(secrets.token_urlsafe(32), principal, region, secrets.token_urlsafe(32), now + lifetime,
                      _lab_started(principal.account_id))
    with sim.store.tx() as db:
        db.execute(
            "INSERT INTO console_sessions (session_id, account_id, principal_type, principal_arn, user_id,"
            " principal_name, region, csrf_token, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session.session_id, principal.account_id, principal.type, principal.arn, principal.user_id,
             principal.name, region, session.csrf_token, now, session.expires),
        )
    return _serializer("session").dumps(session.session_id), session


def current() -> Session | None:
    """The request's session: None when the cookie is missing, forged,
    signed out, expired, or its IAM user no longer exists."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        session_id = _serializer("session").loads(cookie)
    except BadSignature:
        return None
    if not isinstance(session_id, str):
        return None
    sim = simulator()
    db = sim.store.read()
    row = db.execute("SELECT * FROM console_sessions WHERE session_id = ?", (session_id,)).fetchone()
    if row is None:
        return None
    if row["expires"] <= sim.clock.now().timestamp():
        end(session_id)
        return None
    if row["principal_type"] == "IAMUser" and entities.find_by_id(db, row["account_id"], row["user_id"]) is None:
        end(session_id)
        return None
    principal = Principal(account_id=row["account_id"], arn=row["principal_arn"], type=row["principal_type"],
                          user_id=row["user_id"], name=row["principal_name"])
    return Session(session_id, principal, row["region"], row["csrf_token"], row["expires"],
                   _lab_started(row["account_id"]))


def _lab_started(account_id: str) -> float | None:
    row = simulator().store.read().execute("SELECT started FROM console_labs WHERE account_id = ?",
                                           (account_id,)).fetchone()
    return row[0] if row else None


def set_lab(session: Session, started: float | None) -> None:
    """Turn the account's lab mode on (from ``started``) or off."""
    with simulator().store.tx() as db:
        if started is None:
            db.execute("DELETE FROM console_labs WHERE account_id = ?", (session.principal.account_id,))
        else:
            db.execute("INSERT INTO console_labs VALUES (?, ?) ON CONFLICT(account_id) DO UPDATE SET started = excluded.started",
                       (session.principal.account_id, started))


def update(session: Session, **columns) -> None:
    """Change the session's region or pending notice."""
    allowed = {"region", "notice"}
    if not set(columns) <= allowed:
        raise ValueError(f"console sessions change only {sorted(allowed)}")
    assignments = ", ".join(f"{name} = ?" for name in columns)
    with simulator().store.tx() as db:
        db.execute(f"UPDATE console_sessions SET {assignments} WHERE session_id = ?",
                   (*columns.values(), session.session_id))


def take_notice(session: Session) -> str | None:
    """The notice left for this page by the previous action, once."""
    store = simulator().store
    query = "SELECT notice FROM console_sessions WHERE session_id = ?"
    row = store.read().execute(query, (session.session_id,)).fetchone()
    if row is None or row["notice"] is None:
        return None
    with store.tx() as db:
        db.execute("UPDATE console_sessions SET notice = NULL WHERE session_id = ?", (session.session_id,))
    return row["notice"]


def end(session_id: str) -> None:
    with simulator().store.tx() as db:
        db.execute("DELETE FROM console_sessions WHERE session_id = ?", (session_id,))


# -- CSRF -----------------------------------------------------------------------
def sign_in_token(nonce: str) -> str:
    """The sign-in form's CSRF token, bound to the browser's sign-in nonce cookie."""
    return _serializer("sign-in").dumps(nonce)


def sign_in_token_valid(token: str | None, nonce: str | None) -> bool:
    if not token or not nonce:
        return False
    try:
        bound = _serializer("sign-in").loads(token)
    except BadSignature:
        return False
    return isinstance(bound, str) and hmac.compare_digest(bound, nonce)


def csrf_valid(session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(token.encode(), session.csrf_token.encode())


def set_cookie(response, name: str, value: str, *, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/console", httponly=True, samesite="Lax",
                        secure=request.scheme == "https")
