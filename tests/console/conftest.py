"""Console tests: Debian's Chromium driven by Playwright against a real
server. Browser tests skip (saying why) when no Chromium is installed,
unless AWSBOX_REQUIRE_BROWSER=1 (CI), where a missing browser fails them.
Screenshots go to test-artifacts/console/ (git-ignored)."""
from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest
from console_pages import ARTIFACTS, ConsoleClient, unique

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "no Chromium found (apt-get install chromium); console browser tests need it"
        if os.environ.get("AWSBOX_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and AWSBOX_REQUIRE_BROWSER=1")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server, request):
    """A fresh browser context (no cookies) whose every request is recorded;
    the test fails if any page asked anything of another origin."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url))
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    finally:
        context.close()
    origin = urlsplit(server.endpoint)
    outside = [u for u in requested
               if not u.startswith(("data:", "blob:")) and urlsplit(u)[:2] != origin[:2]]
    assert not outside, f"pages loaded from outside the server: {outside}"


@pytest.fixture
def account(server):
    """A fresh account of its own (lab mode and aliases are per account):
    {"account_id", "iam": an IAM client as its root, "client": factory}."""
    made = server.create_account(unique("console"))

    def client(service):
        return server.client(service, made["access_key_id"], made["secret_access_key"])

    return {"account_id": made["account_id"], "root_password": made["secret_access_key"], "client": client}


@pytest.fixture
def console_client(server):
    return ConsoleClient(server)
