"""Bad input to the console: missing or wrong CSRF tokens, forged, copied
and expired sessions, hostile ``next`` redirects, oversized uploads, a user
without IAM permissions. Each is refused and changes nothing."""
from __future__ import annotations

import pytest
from console_pages import PASSWORD, ConsoleClient, make_user, unique

from services.console import MAX_UPLOAD_BYTES


@pytest.fixture
def root(console_client, account):
    response = console_client.sign_in(None, account["account_id"], password=account["root_password"])
    assert response.status_code == 303
    return console_client


def _keys(account) -> int:
    return len(account["client"]("kms").list_keys()["Keys"])


def test_wrong_root_password_and_unknown_user_get_the_same_words(console_client, account):
    wrong = console_client.sign_in(None, account["account_id"], password="not-the-secret")
    nobody = console_client.sign_in("nobody", account["account_id"])
    assert wrong.status_code == nobody.status_code == 401
    assert "Your authentication information is incorrect" in wrong.text
    assert "Your authentication information is incorrect" in nobody.text


def test_post_without_or_with_a_wrong_csrf_token_changes_nothing(root, account):
    before = _keys(account)
    form = {"create": "1", "key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT",
            "policy": '{"Version":"2012-10-17","Statement":[]}'}
    missing = root.post("/console/kms/create", form)
    wrong = root.post("/console/kms/create", {**form, "csrf_token": "not-the-token"})
    assert missing.status_code == wrong.status_code == 403
    assert "CSRF token" in missing.text
    assert _keys(account) == before
    # The same form with the session's token works, so the refusal was the token's.
    ok = root.post("/console/kms/create", {"goto": "2", "csrf_token": root.csrf()})
    assert ok.status_code == 200 and "Step 2: Labels" in ok.text


def test_sign_in_form_needs_its_csrf_token(console_client, account):
    response = console_client.post("/console/signin", {"kind": "root", "account": account["account_id"],
                                                       "password": account["root_password"]})
    assert response.status_code == 403
    assert "awsbox_console" not in response.cookies


def test_forged_and_tampered_session_cookies_are_refused(root, server):
    real = root.http.cookies.get("awsbox_console", path="/console")
    for forged in ("forged", real[:-2] + ("AA" if not real.endswith("AA") else "BB"), real + "x"):
        other = ConsoleClient(server)
        other.http.cookies.set("awsbox_console", forged, path="/console")
        response = other.get("/console/kms")
        assert response.status_code == 303 and "/console/signin" in response.headers["Location"]
        assert other.post("/console/region", {"region": "eu-west-1"}).status_code == 403


def test_a_copied_cookie_dies_with_sign_out(root, server):
    copy = ConsoleClient(server)
    copy.http.cookies.set("awsbox_console", root.http.cookies.get("awsbox_console", path="/console"), path="/console")
    assert copy.get("/console/kms").status_code == 200
    assert root.post("/console/signout", {"csrf_token": root.csrf()}).status_code == 303
    assert copy.get("/console/kms").status_code == 303


def test_sessions_expire_on_the_simulator_clock(awsbox_server_factory):
    private = awsbox_server_factory().start()
    client = ConsoleClient(private)
    assert client.sign_in(None, private.account_id, password="test").status_code == 303
    assert client.get("/console/").status_code == 200
    private.advance_clock(3601)  # the root user's console session lasts an hour
    response = client.get("/console/")
    assert response.status_code == 303 and "/console/signin" in response.headers["Location"]


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/console/", "/\\evil.example",
                                    "javascript:alert(1)", "/elsewhere", "/console\r\nLocation: //evil"])
def test_hostile_next_targets_go_home(console_client, account, target):
    response = console_client.sign_in(None, account["account_id"], password=account["root_password"], next_=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/"


def test_a_console_next_target_is_kept(console_client, account):
    response = console_client.sign_in(None, account["account_id"], password=account["root_password"],
                                      next_="/console/kms")
    assert response.headers["Location"] == "/console/kms"


def test_an_oversized_upload_is_refused_before_s3_sees_it(root, account):
    bucket = unique("big")
    s3 = account["client"]("s3")
    s3.create_bucket(Bucket=bucket)
    body = b"\0" * (MAX_UPLOAD_BYTES + 1024)
    response = root.post(f"/console/s3/buckets/{bucket}/upload",
                         data={"csrf_token": root.csrf(), "encryption": "default", "storage_class": "STANDARD"},
                         files={"file": ("big.bin", body)})
    assert response.status_code == 413
    assert "larger than this console accepts" in response.text
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_a_user_without_iam_permissions_cannot_use_iam_pages(console_client, account):
    name = unique("s3-only")
    make_user(account, name, policies=["AmazonS3ReadOnlyAccess"])
    assert console_client.sign_in(name, account["account_id"], PASSWORD).status_code == 303
    listing = console_client.get("/console/iam/users")
    assert listing.status_code == 403
    assert "AccessDenied" in listing.text and "iam:ListUsers" in listing.text
    victim = unique("not-made")
    created = console_client.post("/console/iam/users", {"csrf_token": console_client.csrf(), "name": victim,
                                                         "password": PASSWORD})
    assert created.status_code == 303
    shown = console_client.get(created.headers["Location"])
    assert "AccessDenied" in shown.text
    users = [u["UserName"] for u in account["client"]("iam").list_users()["Users"]]
    assert victim not in users


def test_pages_forbid_outside_content_and_framing(root):
    response = root.get("/console/kms")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    cookie = root.http.cookies.get("awsbox_console", path="/console")
    assert cookie


def test_the_session_cookie_is_httponly_and_samesite(console_client, account):
    response = console_client.sign_in(None, account["account_id"], password=account["root_password"])
    header = response.headers["Set-Cookie"]
    assert "awsbox_console=" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert "Path=/console" in header
