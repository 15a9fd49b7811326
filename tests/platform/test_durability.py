"""State survives a restart; kill -9 loses no acknowledged write."""
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from simulator.store import Store


def test_restart_keeps_state(awsbox_server_factory):
    server = awsbox_server_factory().start()
    created = server.create_account("survivor")
    s3 = server.client("s3")
    s3.create_bucket(Bucket="durable-bucket")
    s3.put_object(Bucket="durable-bucket", Key="k", Body=b"still here")
    server.advance_clock(7200)
    clock_before = server.control("GET", "/_awsbox/clock")["now"]
    server.restart()
    assert server.client("s3").get_object(Bucket="durable-bucket", Key="k")["Body"].read() == b"still here"
    identity = server.client("sts", created["access_key_id"], created["secret_access_key"]).get_caller_identity()
    assert identity["Account"] == created["account_id"]
    assert server.control("GET", "/_awsbox/clock")["now"] >= clock_before


def test_sigterm_shuts_down_cleanly(awsbox_server_factory):
    server = awsbox_server_factory().start()
    assert server.stop(signal.SIGTERM) == 0
    assert "Shutting down" in server.log() or "Handling signal" in server.log()


def test_kill_9_during_writes_loses_no_acknowledged_write(awsbox_server_factory):
    server = awsbox_server_factory().start()
    server.client("s3").create_bucket(Bucket="kill-bucket")
    acknowledged, stop = [], threading.Event()

    def writer(worker):
        s3 = server.client("s3")
        i = 0
        while not stop.is_set():
            key = f"w{worker}/{i:05d}"
            try:
                s3.put_object(Bucket="kill-bucket", Key=key, Body=key.encode() * 200)
            except Exception:
                return  # the server died under this request: not acknowledged
            acknowledged.append(key)
            i += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 60:
        time.sleep(0.01)
    server.kill()  # writes are in flight
    stop.set()
    for thread in threads:
        thread.join()
    server.start()
    s3 = server.client("s3")
    for key in acknowledged:
        assert s3.get_object(Bucket="kill-bucket", Key=key)["Body"].read() == key.encode() * 200
    listed = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket="kill-bucket") for o in page.get("Contents", [])]
    for key in listed:  # whatever is visible is whole
        assert s3.get_object(Bucket="kill-bucket", Key=key)["Body"].read() == key.encode() * 200


STORE_WRITER = textwrap.dedent(
    """
    import sys
    from simulator.store import Store
    from simulator.store.db import register_schema
    register_schema("durability_probe", ["CREATE TABLE probe (n INTEGER PRIMARY KEY, blob_id TEXT NOT NULL, account_id TEXT)"])
    store = Store(sys.argv[1])
    n = 0
    while True:
        # Every third body is a file, the others rows of the database.
        blob_id, _ = store.blobs.write([b"x" * (200_000 if n % 3 == 0 else 4096), str(n).encode()])
        with store.tx() as db:
            db.execute("INSERT INTO probe VALUES (?, ?, NULL)", (n, blob_id))
        print(n, blob_id, flush=True)   # acknowledged only after commit
        n += 1
    """
)


def test_store_level_kill_9_keeps_every_acknowledged_commit(tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", STORE_WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    acknowledged = []
    for line in writer.stdout:
        acknowledged.append(line.split())
        if len(acknowledged) >= 200:
            break
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    db = sqlite3.connect(tmp_path / "state.sqlite3")
    rows = dict(db.execute("SELECT n, blob_id FROM probe").fetchall())
    blobs = Store(tmp_path).blobs
    assert {blob_id.startswith("db") for _, blob_id in acknowledged} == {True, False}  # rows and files
    for n, blob_id in acknowledged:
        assert rows[int(n)] == blob_id
        assert blobs.open(blob_id).read() == b"x" * (200_000 if int(n) % 3 == 0 else 4096) + n.encode()
    # Nothing half-visible: every committed row points at a complete blob.
    for n, blob_id in rows.items():
        assert blobs.open(blob_id).read().endswith(str(n).encode())


def test_failed_transaction_changes_nothing(tmp_path):
    store = Store(tmp_path)
    with store.tx() as db:
        db.execute("INSERT INTO accounts VALUES ('111111111111', 'a', 0)")
    with pytest.raises(RuntimeError):
        with store.tx() as db:
            db.execute("INSERT INTO accounts VALUES ('222222222222', 'b', 0)")
            raise RuntimeError("boom")
    ids = [r[0] for r in store.read().execute("SELECT account_id FROM accounts")]
    assert ids == ["111111111111"]


def test_schema_versions_are_recorded_and_reopen_is_idempotent(tmp_path):
    Store(tmp_path).close()
    store = Store(tmp_path)
    versions = dict(store.read().execute("SELECT component, version FROM schema_versions").fetchall())
    assert versions["core"] >= 1
