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
authorization weighs) are kept by :meth:`Store.cached` while nothing has been
committed since, by any connection of any process.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Callable, TypeVar

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
]


def register_schema(component: str, migrations: list[str]) -> None:
    """Declare a component's tables. Called at import time by each service."""
    _SCHEMAS[component] = migrations


register_schema("core", CORE_SCHEMA)

PROCESS, MACHINE = "process", "machine"
DURABILITIES = (PROCESS, MACHINE)
# Entries Store.cached keeps; past this it starts afresh (a server's working
# set of keys, credentials and policies is far smaller).
MAX_CACHED = 8192

T = TypeVar("T")


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
        self.blobs = BlobStore(self.data_dir / "blobs", fsync=fsync)
        self._local = threading.local()
        # Store.cached: key -> (generation, value), shared by this process's threads.
        self._cache: dict = {}
        self._generation = 0
        self._generation_lock = threading.Lock()
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
            self._local.seen = None
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

    def generation(self) -> int:
        """A number that moves whenever anything may have been committed since
        this thread last asked: by another connection, of this process or any
        other (SQLite's ``data_version`` moves), or by this thread's own
        (``total_changes`` moves). Shared by the process's threads, so what one
        thread read serves them all."""
        conn = self.read()
        data_version = getattr(self._local, "request_version", None)
        if data_version is None:
            data_version = self._data_version()
        seen = (data_version, conn.total_changes)
        if self._local.seen != seen:
            self._local.seen = seen
            with self._generation_lock:
                self._generation += 1
        return self._generation

    def cached(self, key: tuple, read: Callable[[], T]) -> T:
        """What ``read()`` answers, kept under ``key`` until anything is
        committed anywhere: a change made by any worker takes effect on the
        very next request. ``read`` must depend on the store and ``key``
        alone, and its answer must not be modified by the caller. Inside a
        write transaction the store is read afresh: what it reads there may
        yet be rolled back."""
        if self.read().in_transaction:
            return read()
        # Taken before reading: a commit racing the read moves the generation
        # past this one, so what was read cannot outlive it.
        generation = self.generation()
        found = self._cache.get(key)
        if found is not None and found[0] == generation:
            return found[1]
        value = read()
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()
        self._cache[key] = (generation, value)
        return value

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
            forked._generation_lock = threading.Lock()

    os.register_at_fork(after_in_child=forget)


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
