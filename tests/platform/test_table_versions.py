"""Store.cached keeps a read until a table it read changes (per-table versions)."""

from simulator.store import Store
from simulator.store import db as store_db


def _store(tmp_path):
    store = Store(tmp_path)
    with store.tx() as db:
        db.execute("INSERT INTO accounts VALUES ('111111111111', 'first', 0)")
    return store


def _reader(store, sql):
    reads = []

    def read():
        reads.append(1)
        return store.read().execute(sql).fetchone()
    return reads, read


def test_a_write_to_another_table_keeps_the_read(tmp_path):
    store = _store(tmp_path)
    reads, read = _reader(store, "SELECT name FROM accounts WHERE account_id = '111111111111'")
    store.cached(("probe",), read)
    other = Store(tmp_path)
    with other.tx() as db:
        db.execute("UPDATE clock SET offset_seconds = 5")
    with store.tx() as db:
        db.execute("UPDATE clock SET offset_seconds = 6")
    assert store.cached(("probe",), read)["name"] == "first"
    assert len(reads) == 1
    with other.tx() as db:
        db.execute("UPDATE accounts SET name = 'second'")
    assert store.cached(("probe",), read)["name"] == "second"
    assert len(reads) == 2


def test_every_table_a_join_reads_is_watched(tmp_path):
    with Store(tmp_path).tx() as db:
        db.execute("CREATE TABLE probe_left (a)")
        db.execute("CREATE TABLE probe_right (a)")
        db.execute("INSERT INTO probe_left VALUES (1)")
        db.execute("INSERT INTO probe_right VALUES (1)")
    store = Store(tmp_path)  # opening versions the tables made since
    # The USING join reads probe_right without naming any of its columns elsewhere.
    reads, read = _reader(store, "SELECT count(*) FROM probe_left JOIN probe_right USING (a)")
    assert store.cached(("probe",), read)[0] == 1
    with Store(tmp_path).tx() as db:
        db.execute("DELETE FROM probe_right")
    assert store.cached(("probe",), read)[0] == 0


def test_a_read_of_a_volatile_table_is_never_kept(tmp_path):
    import simulator.events  # noqa: F401  (declares the events tables volatile)
    store = _store(tmp_path)
    reads, read = _reader(store, "SELECT count(*) FROM events")
    store.cached(("probe",), read)
    store.cached(("probe",), read)
    assert len(reads) == 2
    assert "events" in store_db._VOLATILE


def test_a_cached_read_inside_another_is_recorded_by_the_outer(tmp_path):
    store = _store(tmp_path)
    inner_reads, inner = _reader(store, "SELECT offset_seconds FROM clock")

    def outer():
        return (store.cached(("inner",), inner)[0],
                store.read().execute("SELECT name FROM accounts WHERE account_id = '111111111111'").fetchone()[0])
    assert store.cached(("outer",), outer) == (0, "first")
    with Store(tmp_path).tx() as db:
        db.execute("UPDATE clock SET offset_seconds = 9")
    assert store.cached(("outer",), outer) == (9, "first")


def test_versions_survive_a_reopen_and_every_table_has_one(tmp_path):
    store = _store(tmp_path)
    names = {r[0] for r in store.read().execute("SELECT name FROM table_versions")}
    tables = {r[0] for r in store.read().execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    assert names == tables - set(store_db.MACHINERY_TABLES) - store_db._VOLATILE
    Store(tmp_path)  # reopening adds nothing twice
    assert {r[0] for r in store.read().execute("SELECT name FROM table_versions")} == names


def test_a_read_of_the_schema_or_a_virtual_table_is_never_kept(tmp_path):
    store = _store(tmp_path)
    for sql in ("SELECT count(*) FROM sqlite_master", "SELECT count(*) FROM pragma_table_info('accounts')"):
        reads, read = _reader(store, sql)
        store.cached(("probe", sql), read)
        store.cached(("probe", sql), read)
        assert len(reads) == 2, sql
