"""The console's tables: signed-in sessions and the secret that signs their
cookies.

A session lives here, not in the cookie, so signing out (or an account
reset, which deletes every row carrying its ``account_id``) ends it at once
and a copied cookie stops working. The cookie carries only the session id,
signed. Times are simulator-clock epoch seconds.
"""
from simulator.store.db import register_schema

register_schema(
    "console",
    [
        """
        CREATE TABLE console_sessions (
            session_id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            principal_type TEXT NOT NULL,        -- Root | IAMUser
            principal_arn TEXT NOT NULL,
            user_id TEXT NOT NULL,
            principal_name TEXT,
            region TEXT NOT NULL,
            csrf_token TEXT NOT NULL,
            notice TEXT,                         -- JSON: the outcome shown once on the next page
            created REAL NOT NULL,
            expires REAL NOT NULL
        );
        -- Lab mode is the account's, not one session's: the lab's last step
        -- signs in as a second user, whose progress is the same lab's.
        CREATE TABLE console_labs (
            account_id TEXT PRIMARY KEY,
            started REAL NOT NULL                -- simulator clock
        );
        -- One row: the cookie-signing secret, sealed by the server's root key.
        CREATE TABLE console_secret (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            sealed BLOB NOT NULL
        );
        """,
    ],
)
