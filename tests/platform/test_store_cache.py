"""Durability levels and the reads the store keeps while nothing changes."""
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from simulator.cli import build_parser
from simulator.store import Store


def _synchronous(store):
    return store.read().execute("PRAGMA synchronous").fetchone()[0]


def test_durability_levels_set_sqlite_and_blob_syncing(tmp_path):
    process = Store(tmp_path / "p")
    assert process.durability == "process" and _synchronous(process) == 1  # NORMAL
    assert not process.blobs.fsync
    machine = Store(tmp_path / "m", durability="machine")
    assert _synchronous(machine) == 2 and machine.blobs.fsync  # FULL
    blob_id, size = machine.blobs.write([b"abc", b"def"])
    assert size == 6 and machine.blobs.open(blob_id).read() == b"abcdef"
    throwaway = Store(tmp_path / "t", durable=False)
    assert _synchronous(throwaway) == 0  # OFF
    with pytest.raises(ValueError):
        Store(tmp_path / "x", durability="disk")


def test_serve_durability_flag_and_environment(monkeypatch):
    assert build_parser().parse_args(["serve"]).durability == "process"
    assert build_parser().parse_args(["serve", "--durability", "machine"]).durability == "machine"
    monkeypatch.setenv("AWSBOX_DURABILITY", "machine")
    assert build_parser().parse_args(["serve"]).durability == "machine"


@pytest.fixture
def probe(tmp_path):
    """A store holding one account named 'first', and a read of that name
    that counts how often it really ran: (store, reads, read)."""
    store = Store(tmp_path)
    with store.tx() as db:
        db.execute("INSERT INTO accounts VALUES ('111111111111', 'first', 0)")
    reads = []

    def read():
        reads.append(1)
        return store.read().execute("SELECT name FROM accounts WHERE account_id = '111111111111'").fetchone()
    return store, reads, read


def test_cached_read_is_kept_until_any_commit(probe, tmp_path):
    store, reads, read = probe
    assert store.cached(("probe",), read)["name"] == "first"
    assert store.cached(("probe",), read)["name"] == "first"
    assert len(reads) == 1
    with store.tx() as db:  # this connection's own commit
        db.execute("UPDATE accounts SET name = 'second' WHERE account_id = '111111111111'")
    assert store.cached(("probe",), read)["name"] == "second"
    other = Store(tmp_path)  # another connection (as another worker process would have)
    with other.tx() as db:
        db.execute("UPDATE accounts SET name = 'third' WHERE account_id = '111111111111'")
    assert store.cached(("probe",), read)["name"] == "third"


def test_commit_by_another_process_is_seen_at_once(probe, tmp_path):
    store, reads, read = probe
    assert store.cached(("probe",), read)["name"] == "first"
    script = ("import sys; from simulator.store import Store; s = Store(sys.argv[1]);\n"
              "with s.tx() as db: db.execute(\"UPDATE accounts SET name = 'other' WHERE account_id = '111111111111'\")")
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True)
    assert store.cached(("probe",), read)["name"] == "other"


def test_reads_inside_a_write_transaction_are_never_kept(probe):
    store, reads, read = probe
    with pytest.raises(RuntimeError):
        with store.tx() as db:
            db.execute("UPDATE accounts SET name = 'rolled back' WHERE account_id = '111111111111'")
            assert store.cached(("probe",), read)["name"] == "rolled back"
            raise RuntimeError("boom")
    assert store.cached(("probe",), read)["name"] == "first"


def test_a_request_span_checks_once_and_sees_its_own_writes(probe, tmp_path):
    store, reads, read = probe
    other = Store(tmp_path)
    with store.request():
        assert store.cached(("probe",), read)["name"] == "first"
        with store.tx() as db:
            db.execute("UPDATE accounts SET name = 'own' WHERE account_id = '111111111111'")
        assert store.cached(("probe",), read)["name"] == "own"
    with other.tx() as db:
        db.execute("UPDATE accounts SET name = 'next' WHERE account_id = '111111111111'")
    with store.request():  # the next request sees every commit made before it began
        assert store.cached(("probe",), read)["name"] == "next"


def test_threads_share_what_one_read(probe):
    store, reads, read = probe
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(store.generation).result()  # the worker thread's first look at the store
        assert store.cached(("probe",), read)["name"] == "first"
        assert worker.submit(store.cached, ("probe",), read).result()["name"] == "first"
    assert len(reads) == 1
