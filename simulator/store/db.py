"""The state store: one SQLite database in WAL mode.

Every service keeps all of its state here (and large bodies in the blob
store), scoped by account and region, so a restart loses nothing and several
worker processes share one truth. Each component declares its own schema as an
ordered list of migrations; the store records the version each component is at
and applies what is missing, in one transaction, at open.

Durability: what an acknowledged write survives.

- ``process`` (default): a crash or ``kill -9`` of awsbox. No fsync is
  needed for that: what was written before the answer is in the operating
  system's page cache, which outlives the process. SQLite runs with
  ``synchronous=NORMAL`` (in WAL mode a commit is a write to the WAL file).
- ``machine``: power loss or an operating system crash too: every commit and
  every blob is fsynced before the answer (``synchronous=FULL``).

Reads that every request repeats (who a key is, the clock, the policies
authorization weighs) are kept by :meth:`Store.cached` while none of the
tables they read has changed since, by any connection of any process. Every
table has a version in ``table_versions``, moved by triggers on each row
written, so no writer can forget to move it: writing objects or events leaves
the kept credentials, buckets, keys and policies in place.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Callable, TypeVar

from . import blobs
from .blobs import BlobStore

# component name -> ordered list of SQL scripts. Appending a script is a
# migration; editing one that has shipped is not.
_SCHEMAS: dict[str, list[str]] = {}

CORE_SCHEMA = [
    """
    CREATE TABLE clock (id INTEGER PRIMARY KEY CHECK (id = 1), offset_seconds REAL NOT NULL);
    INSERT INTO clock VALUES (1, 0);
    CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created REAL NOT NULL
    );
    -- Every credential the endpoint accepts: account roots, IAM users' access
    -- keys and STS session credentials. One table, so authentication has one
    -- place to ask "who is this key". Secrets are sealed by the root key.
    CREATE TABLE credentials (
        access_key_id TEXT PRIMARY KEY,
        sealed_secret BLOB NOT NULL,
        account_id TEXT NOT NULL,
        principal_type TEXT NOT NULL,      -- Root | IAMUser | AssumedRole | FederatedUser
        principal_arn TEXT NOT NULL,
        user_id TEXT NOT NULL,
        principal_name TEXT,
        session_token_hash TEXT,           -- sha256 of the session token, temporary credentials only
        session_json TEXT,                 -- session policies, tags, source identity (JSON)
        status TEXT NOT NULL DEFAULT 'Active',
        created REAL NOT NULL,
        expires REAL,                      -- simulator-clock epoch seconds, temporary credentials only
        last_used REAL,
        last_used_service TEXT,
        last_used_region TEXT
    );
    CREATE INDEX credentials_by_account ON credentials(account_id);
    """,
    """
    -- Every advance of the simulator clock: from real time real_ts on, the
    -- offset was offset_seconds. Lets time-limited signatures made at a
    -- known real time be placed on the simulator's timeline.
    CREATE TABLE clock_history (real_ts REAL PRIMARY KEY, offset_seconds REAL NOT NULL);
    """,
    blobs.SCHEMA,
]


# Tables written by most requests (objects, events): a version would cost
# every such write and keep nothing, so they have none, and a read of them is
# never kept by Store.cached.
_VOLATILE: set[str] = set()


def register_schema(component: str, migrations: list[str], *, volatile: tuple[str, ...] = ()) -> None:
    """Declare a component's tables (and which of them are volatile, see
    above). Called at import time by each service."""
    _SCHEMAS[component] = migrations
    _VOLATILE.update(volatile)


register_schema("core", CORE_SCHEMA, volatile=("blobs",))

PROCESS, MACHINE = "process", "machine"
DURABILITIES = (PROCESS, MACHINE)
# Entries Store.cached keeps; past this it starts afresh (a server's working
# set of keys, credentials and policies is far smaller).
MAX_CACHED = 8192
# The store's own bookkeeping, not state: never versioned (see
# _version_tables), never reset.
MACHINERY_TABLES = ("schema_versions", "table_versions")
# The VDBE opcodes that open a table or index b-tree of a statement
# (EXPLAIN); a virtual table's (VOpen: pragma functions...) no version covers.
_OPEN_OPCODES = frozenset({"OpenRead", "OpenWrite", "ReopenIdx"})
_VIRTUAL_OPEN = "VOpen"

T = TypeVar("T")


class _Kept:
    """What Store.cached keeps under a key: the value, the tables it was read
    from and their versions then, and the versions mapping it was last found
    current against. A thread's mapping is replaced whenever a version
    moves, so while it is the same one nothing need be compared."""

    __slots__ = ("tables", "stamp", "value", "checked")

    def __init__(self, tables: tuple, stamp: tuple, value, checked: dict):
        self.tables = tables
        self.stamp = stamp
        self.value = value
        self.checked = checked


class Store:
    """SQLite state store plus blob store under ``data_dir``.

    ``durable=False``: a throwaway store (``--in-memory``) that need survive
    nothing. Otherwise ``durability`` (``process`` or ``machine``, see above).

    Connections are per thread (SQLite connections must not be shared across
    threads) and per process (a forked worker opens its own).
    """

    def __init__(self, data_dir: str | os.PathLike, *, durable: bool = True, durability: str = PROCESS):
        if durability not in DURABILITIES:
            raise ValueError(f"durability must be one of {', '.join(DURABILITIES)}")
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / "state.sqlite3"
        self.durable = durable
        self.durability = durability
        fsync = durable and durability == MACHINE
        self._synchronous = "OFF" if not durable else ("FULL" if fsync else "NORMAL")
        self.blobs = BlobStore(self.data_dir / "blobs", self, fsync=fsync)
        self._local = threading.local()
        # Store.cached: key -> _Kept, shared by this process's threads.
        self._cache: dict[tuple, _Kept] = {}
        _forget_connections_at_fork(self)
        self.migrate()

    # -- connections -------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.row_factory = sqlite3.Row
        return conn

    def read(self) -> sqlite3.Connection:
        """This thread's connection, for reads outside a transaction."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            self._local.seen = self._local.total = None
        return conn

    # -- reads kept while nothing changes ------------------------------------
    @contextlib.contextmanager
    def request(self):
        """The span of one request: :meth:`cached` looks for other
        connections' commits once, at its start, rather than at every read
        (this thread's own writes it still sees at once). A request's cached
        reads are thus as of its start, and the next request sees every commit
        made before it began."""
        local = self._local
        if getattr(local, "request_version", None) is not None:  # an in-process call: the caller's span
            yield
            return
        local.request_version = self._data_version()
        try:
            yield
        finally:
            local.request_version = None

    def _data_version(self) -> int:
        return self.read().execute("PRAGMA data_version").fetchone()[0]

    def generation(self) -> dict[str, int]:
        """Each table's version as this thread last saw it, looked up again
        whenever anything may have been committed since: by another
        connection, of this process or any other (SQLite's ``data_version``
        moves), or by this thread's own (``total_changes`` moves)."""
        local = self._local
        conn = self.read()
        data_version = getattr(local, "request_version", None)
        if data_version is None:
            data_version = self._data_version()
        seen = (data_version, conn.total_changes)
        if local.seen != seen:
            local.seen = seen
            # Versions only ever grow (and rows come and go only as the
            # schema does): while their count and sum stand still, none has
            # moved (most commits write only volatile tables), and that costs
            # a fraction of reading them all.
            total = tuple(conn.execute("SELECT count(*), sum(version) FROM table_versions").fetchone())
            if total != local.total:
                local.total = total
                cursor = conn.cursor()
                cursor.row_factory = None
                local.versions = dict(cursor.execute("SELECT name, version FROM table_versions"))
        return local.versions

    def cached(self, key: tuple, read: Callable[[], T]) -> T:
        """What ``read()`` answers, kept under ``key`` until a table it read
        changes: a change made by any worker takes effect on the very next
        request. ``read`` must depend on the store and ``key`` alone, read
        through this thread's connection (:meth:`read`), and its answer must
        not be modified by the caller. Inside a write transaction the store
        is read afresh: what it reads there may yet be rolled back."""
        local = self._local
        if self.read().in_transaction or getattr(local, "statements", None) is not None:
            # A cached read within another's: the outer one records its tables.
            return read()
        # Taken before reading: a commit racing the read moves a version past
        # the one recorded, so what was read cannot outlive it.
        versions = self.generation()
        kept = self._cache.get(key)
        if kept is not None:
            if kept.checked is versions:
                return kept.value
            if tuple(map(versions.get, kept.tables)) == kept.stamp:
                kept.checked = versions
                return kept.value
        tables, value = self._read_recording_tables(read)
        if tables is not None:
            stamp = tuple(map(versions.get, tables))
            if None not in stamp:  # else a table no version tells about
                if len(self._cache) >= MAX_CACHED:
                    self._cache.clear()
                self._cache[key] = _Kept(tables, stamp, value, versions)
        return value

    def _read_recording_tables(self, read: Callable[[], T]) -> tuple[tuple | None, T]:
        """``read()`` and the tables its statements opened (None when that
        cannot be told). Statements are traced as they run and their plans
        (EXPLAIN) looked at afterwards: the b-trees a plan opens are exactly
        what it reads, whatever the SQL (joins, subqueries, views)."""
        local = self._local
        conn = self.read()
        statements = local.statements = []
        conn.set_trace_callback(statements.append)
        try:
            value = read()
        finally:
            conn.set_trace_callback(None)
            local.statements = None
        return _tables_opened(conn, statements), value

    @contextlib.contextmanager
    def tx(self):
        """A write transaction (BEGIN IMMEDIATE): commits on success, rolls
        back on any exception, so a failed operation changes nothing.
        Nested use joins the outer transaction."""
        conn = self.read()
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    # -- schema ------------------------------------------------------------
    def migrate(self) -> None:
        with self.tx() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
            for component, migrations in _SCHEMAS.items():
                row = db.execute("SELECT version FROM schema_versions WHERE component = ?", (component,)).fetchone()
                current = row[0] if row else 0
                for script in migrations[current:]:
                    for statement in _statements(script):
                        db.execute(statement)
                if len(migrations) != current:
                    db.execute(
                        "INSERT INTO schema_versions VALUES (?, ?) ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                        (component, len(migrations)),
                    )
            _version_tables(db)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _forget_connections_at_fork(store: Store) -> None:
    """A forked worker never reuses its parent's SQLite handles: it opens its
    own on first use (checked once at fork, not on every read)."""
    ref = weakref.ref(store)

    def forget():
        forked = ref()
        if forked is not None:
            forked._local = threading.local()

    os.register_at_fork(after_in_child=forget)


def _version_tables(db) -> None:
    """Give every table but the volatile ones a version and the triggers
    that move it on each row inserted, updated or deleted. Run at every open,
    after the migrations, so a table a migration made (or remade) has them
    too."""
    db.execute("CREATE TABLE IF NOT EXISTS table_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    tables = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        f" AND name NOT IN {MACHINERY_TABLES}")]
    for table in tables:
        triggers = [(f"{table}_{change.lower()}_moves_version", change) for change in ("INSERT", "UPDATE", "DELETE")]
        if table in _VOLATILE:
            db.execute("DELETE FROM table_versions WHERE name = ?", (table,))
            for trigger, _ in triggers:
                db.execute(f'DROP TRIGGER IF EXISTS "{trigger}"')
            continue
        db.execute("INSERT OR IGNORE INTO table_versions VALUES (?, 0)", (table,))
        for trigger, change in triggers:
            db.execute(
                f'CREATE TRIGGER IF NOT EXISTS "{trigger}" AFTER {change} ON "{table}"'
                f" BEGIN UPDATE table_versions SET version = version + 1 WHERE name = '{table}'; END"
            )


def _tables_opened(conn: sqlite3.Connection, statements: list[str]) -> tuple | None:
    """The tables (of an index: its table) the plans of ``statements``
    open; None if a statement cannot be explained again or reads what is no
    table's (the schema itself, a virtual table)."""
    roots = {rootpage: table for rootpage, table in conn.execute(
        "SELECT rootpage, tbl_name FROM sqlite_master WHERE rootpage > 0")}
    tables = set()
    for sql in set(statements):
        try:
            plan = conn.execute("EXPLAIN " + sql).fetchall()
        except sqlite3.Error:  # e.g. traced unexpanded, with its parameters unbound
            return None
        for op in plan:
            if op[1] == _VIRTUAL_OPEN:
                return None
            if op[1] in _OPEN_OPCODES:
                table = roots.get(op[3]) if op[4] == 0 else None  # p2: root page, p3: 0 is the main database
                if table is None:
                    return None
                tables.add(table)
    return tuple(sorted(tables))


def _statements(script: str):
    """Split a migration into statements (executescript would commit our
    transaction, so migrations run statement by statement inside it)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            stmt = buf.strip()
            if stmt:
                yield stmt
            buf = ""
    if buf.strip():
        yield buf.strip()
