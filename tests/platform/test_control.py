"""The control API: health, reset, clock, accounts."""
import datetime as dt
import json
import urllib.error
import urllib.request

import botocore.exceptions
import pytest


def test_health_is_open_and_lists_services(server):
    health = server.control("GET", "/_awsbox/health")
    assert health["status"] == "ok"
    assert "sts" in health["services"]


def test_clock_advances_and_reads_back(server):
    before = dt.datetime.fromisoformat(server.control("GET", "/_awsbox/clock")["now"].replace("Z", "+00:00"))
    after = dt.datetime.fromisoformat(server.advance_clock(3600).replace("Z", "+00:00"))
    assert dt.timedelta(minutes=59) < after - before < dt.timedelta(minutes=61)


@pytest.mark.parametrize("body", [{"seconds": -1}, {"seconds": "ten"}, {}, {"seconds": True}])
def test_clock_advance_rejects_bad_input(server, body):
    now = server.control("GET", "/_awsbox/clock")["now"]
    with pytest.raises(urllib.error.HTTPError) as raised:
        server.control("POST", "/_awsbox/clock/advance", body)
    assert raised.value.code == 400
    assert json.loads(raised.value.read())["error"]["code"] == "BadRequest"
    later = server.control("GET", "/_awsbox/clock")["now"]
    assert later[:16] == now[:16]  # unchanged (same minute)


def test_new_account_has_working_root_keys_and_sees_nothing_of_others(server):
    created = server.create_account("learner-1")
    assert len(created["account_id"]) == 12 and created["account_id"].isdigit()
    assert created["account_id"] != server.account_id
    sts = server.client("sts", created["access_key_id"], created["secret_access_key"])
    identity = sts.get_caller_identity()
    assert identity["Account"] == created["account_id"]
    assert identity["Arn"] == f"arn:aws:iam::{created['account_id']}:root"
    listed = server.control("GET", "/_awsbox/accounts")["accounts"]
    assert {"account_id": created["account_id"], "name": "learner-1"} in listed


def test_account_isolation_for_s3(server):
    created = server.create_account("learner-iso")
    theirs = server.client("s3", created["access_key_id"], created["secret_access_key"])
    ours = server.client("s3")
    ours.create_bucket(Bucket="iso-ours-bucket")
    names = [b["Name"] for b in theirs.list_buckets()["Buckets"]]
    assert "iso-ours-bucket" not in names


def test_account_creation_rejects_bad_names(server):
    for body in ({}, {"name": ""}, {"name": 7}, {"name": "x" * 65}):
        with pytest.raises(urllib.error.HTTPError) as raised:
            server.control("POST", "/_awsbox/accounts", body)
        assert raised.value.code == 400


def test_reset_of_one_account_keeps_its_root_keys(server):
    created = server.create_account("learner-reset")
    s3 = server.client("s3", created["access_key_id"], created["secret_access_key"])
    s3.create_bucket(Bucket="reset-me-bucket-1")
    server.reset(created["account_id"])
    assert s3.list_buckets()["Buckets"] == []
    assert server.client("sts", created["access_key_id"], created["secret_access_key"]).get_caller_identity()


def test_reset_of_unknown_account_is_404(server):
    with pytest.raises(urllib.error.HTTPError) as raised:
        server.control("POST", "/_awsbox/reset", {"account": "999999999999"})
    assert raised.value.code == 404


def test_moto_reset_alias(awsbox_server_factory):
    with awsbox_server_factory() as server:
        s3 = server.client("s3")
        s3.create_bucket(Bucket="moto-reset-bucket")
        server.control("POST", "/moto-api/reset", {})
        assert s3.list_buckets()["Buckets"] == []


def test_control_needs_token_when_not_on_loopback_only(awsbox_server_factory):
    with awsbox_server_factory("--host", "0.0.0.0", "--admin-token", "s3cr3t") as server:
        with pytest.raises(urllib.error.HTTPError) as raised:
            server.control("POST", "/_awsbox/clock/advance", {"seconds": 1})
        assert raised.value.code == 401
        with pytest.raises(urllib.error.HTTPError):
            server.control("GET", "/_awsbox/accounts", token="wrong")
        assert server.control("GET", "/_awsbox/accounts", token="s3cr3t")["accounts"]
        assert server.control("GET", "/_awsbox/health")["status"] == "ok"


def test_full_reset_forgets_accounts_and_rewinds_clock(awsbox_server_factory):
    with awsbox_server_factory() as server:
        created = server.create_account("gone")
        server.advance_clock(86400)
        server.reset()
        now = dt.datetime.fromisoformat(server.control("GET", "/_awsbox/clock")["now"].replace("Z", "+00:00"))
        assert abs(now - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            server.client("sts", created["access_key_id"], created["secret_access_key"]).get_caller_identity()
        assert raised.value.response["Error"]["Code"] == "InvalidClientTokenId"
