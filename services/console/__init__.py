"""The web console at /console: the lab's console steps in a browser.

Server-rendered pages (templates/console) with a little JavaScript of our
own (static/console.js); nothing is loaded from anywhere but this server.
Every action is an AWS operation called as the signed-in principal through
the API's own path (``calls.call``): validated by the botocore model,
authorized by the policy engine, run by the service's handler, recorded in
the event trail.

Pages: sign-in (``sign_in``), KMS (``keys``), S3 (``buckets``), IAM
(``identities``), the event trail and lab mode (``trail``, ``lab``).
"""
from __future__ import annotations

from flask import Blueprint, g, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from simulator.errors import AwsError

from . import schema  # noqa: F401  (declares the tables)
from . import sessions
from .pages import render

# Uploads through the form are read by the server before S3 sees them; AWS's
# console caps a single upload at 160 GB, a classroom server far lower.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
# Nothing but this server: scripts, styles, images, fetches and form targets.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
PUBLIC_ENDPOINTS = {"console.sign_in", "console.static"}

console = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
                    static_folder="static", static_url_path="/static")


@console.before_request
def _signed_in():
    request.max_content_length = MAX_UPLOAD_BYTES
    g.session = sessions.current()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if g.session is None:
        if request.method != "GET":
            return _forbidden("Your console session has ended. Sign in again.")
        return redirect(url_for("console.sign_in", next=request.full_path.rstrip("?")), 303)
    if request.method == "POST" and not sessions.csrf_valid(g.session, request.form.get("csrf_token")):
        return _forbidden("This form is stale or did not come from the console (its CSRF token is missing or wrong). "
                          "Nothing was changed. Go back, reload the page and try again.")
    return None


def _forbidden(text: str):
    return render("refused.html", status=403, text=text)


@console.after_request
def _headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "console.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@console.errorhandler(AwsError)
def _aws_refused(error: AwsError):
    return render("refused.html", status=error.status, error=error, text=None)


@console.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    limit = MAX_UPLOAD_BYTES // (1024 * 1024)
    return render("refused.html", status=413,
                  text=f"The upload is larger than this console accepts ({limit} MiB). Nothing was uploaded; "
                       "use the AWS CLI or an SDK for large objects.")


from . import buckets, identities, keys, sign_in_pages, trail  # noqa: E402,F401  (register the pages)
