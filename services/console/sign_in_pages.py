"""Signing in and out, the console's home, the Region picker and lab mode's
switch."""
from __future__ import annotations

import secrets

from flask import current_app, g, make_response, redirect, request, url_for

from . import console, sessions, sign_in
from .pages import REGIONS, done, form, refused, render, safe_next


@console.route("/signin", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_form():
    if request.method == "GET" and g.session is not None:
        return redirect(safe_next(request.args.get("next")), 303)
    nonce = request.cookies.get(sessions.SIGN_IN_COOKIE)
    error, status = None, 200
    values = {"kind": "iam", "account": "", "user": ""}
    if request.method == "POST":
        values = {"kind": form("kind", "iam"), "account": form("account"), "user": form("user")}
        if not sessions.sign_in_token_valid(request.form.get("csrf_token"), nonce):
            error, status = ("This sign-in form is stale (its CSRF token is missing or wrong). Nothing was done; "
                             "try again."), 403
        else:
            try:
                principal = _verify(values["kind"], values["account"], values["user"], request.form.get("password", ""))
            except sign_in.SignInFailed as failure:
                error, status = failure.message, 401
            else:
                cookie, _ = sessions.start(principal, current_app.extensions["awsbox"].config.region)
                response = redirect(safe_next(request.form.get("next")), 303)
                sessions.set_cookie(response, sessions.COOKIE, cookie)
                response.delete_cookie(sessions.SIGN_IN_COOKIE, path="/console")
                return response
    if not nonce:
        nonce = secrets.token_urlsafe(24)
    page, status = render("sign_in.html", status=status, sign_in_error=error, values=values,
                          sign_in_csrf=sessions.sign_in_token(nonce), next=safe_next(request.values.get("next")))
    response = make_response(page, status)
    sessions.set_cookie(response, sessions.SIGN_IN_COOKIE, nonce, max_age=3600)
    return response


def _verify(kind: str, account: str, user: str, password: str):
    sim = current_app.extensions["awsbox"]
    if not account or not password:
        raise sign_in.SignInFailed()
    if kind == "root":
        return sign_in.root(sim, account, password)
    if not user:
        raise sign_in.SignInFailed()
    return sign_in.iam_user(sim, account, user, password)


@console.post("/signout")
def sign_out():
    sessions.end(g.session.session_id)
    response = redirect(url_for("console.sign_in"), 303)
    response.delete_cookie(sessions.COOKIE, path="/console")
    return response


@console.get("/")
def home():
    return render("home.html")


@console.post("/region")
def region():
    chosen = form("region")
    if chosen not in REGIONS:
        return refused("Choose a Region from the list.", "console.home")
    sessions.update(g.session, region=chosen)
    return redirect(safe_next(form("next")), 303)


@console.post("/lab")
def lab_mode():
    now = current_app.extensions["awsbox"].clock.now().timestamp()
    if form("lab") == "on":
        sessions.set_lab(g.session, now)
        return done("Lab mode is on for this account: the panel ticks each step as the event trail shows you did it.", "console.home")
    sessions.set_lab(g.session, None)
    return done("Lab mode is off.", "console.home")
