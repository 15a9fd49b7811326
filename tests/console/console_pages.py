"""Helpers for the console tests: signing in through the page, users made
as an account's root, screenshots, and the console over plain HTTP."""
from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import requests

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
PASSWORD = "Lab-passw0rd!"


def shot(tab, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_user(account, name: str, *, policies=(), inline: dict | None = None, password: str = PASSWORD) -> str:
    """An IAM user with a console password, made as the account root. Its ARN."""
    iam = account["client"]("iam")
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    iam.create_login_profile(UserName=name, Password=password)
    for policy in policies:
        iam.attach_user_policy(UserName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    for policy_name, document in (inline or {}).items():
        iam.put_user_policy(UserName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document))
    return arn


def sign_in(tab, server, user: str | None, account: str, password: str = PASSWORD) -> None:
    tab.goto(f"{server.endpoint}/console/signin")
    if user is None:
        tab.get_by_role("radio", name="Root user").check()
    else:
        tab.get_by_role("radio", name="IAM user").check()
        tab.get_by_label("IAM user name").fill(user)
    tab.get_by_label("Account ID (12 digits) or account alias").fill(account)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(re.compile(r".*/console/(?!signin).*"))


def sign_out(tab) -> None:
    tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_url(re.compile(r".*/console/signin.*"))


class ConsoleClient:
    """The console over plain HTTP (requests), for the refusals a browser
    would never send: missing tokens, forged cookies, hostile redirects."""

    def __init__(self, server):
        self.base = server.endpoint
        self.http = requests.Session()

    def get(self, path: str, **kw):
        return self.http.get(self.base + path, allow_redirects=False, timeout=30, **kw)

    def post(self, path: str, data=None, **kw):
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=30, **kw)

    def csrf(self, path: str = "/console/") -> str:
        page = self.http.get(self.base + path, timeout=30).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def sign_in(self, user: str | None, account: str, password: str = PASSWORD, next_=None):
        token = self.csrf("/console/signin")
        data = {"kind": "root" if user is None else "iam", "account": account, "user": user or "",
                "password": password, "csrf_token": token}
        if next_ is not None:
            data["next"] = next_
        return self.post("/console/signin", data)


