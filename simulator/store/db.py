"""The state store: one SQLite database in WAL mode.

Every service keeps all of its state here (and large bodies in the blob
store), scoped by account and region, so a restart loses nothing and several
worker processes share one truth. Each component declares its own schema as an
ordered list of migrations; the store records the version each component is at
and applies what is missing, in one transaction, at open.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path

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


class Store:
    """SQLite state store plus blob store under ``data_dir``.

    Connections are per thread (SQLite connections must not be shared across
    threads) and per process (a forked worker opens its own).
    """

    def __init__(self, data_dir: str | os.PathLike, *, durable: bool = True):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / "state.sqlite3"
        self.durable = durable
        self.blobs = BlobStore(self.data_dir / "blobs", durable=durable)
        self._local = threading.local()
        self._pid = os.getpid()
        self.migrate()

    # -- connections -------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed transaction survives power loss / kill -9.
        conn.execute(f"PRAGMA synchronous={'FULL' if self.durable else 'OFF'}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.row_factory = sqlite3.Row
        return conn

    def read(self) -> sqlite3.Connection:
        """This thread's connection, for reads outside a transaction."""
        if self._pid != os.getpid():  # forked: never reuse the parent's handles
            self._local = threading.local()
            self._pid = os.getpid()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

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
