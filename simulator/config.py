"""Server configuration: explicit, per server, visible at start. Every
``awsbox serve`` flag has an ``AWSBOX_*`` environment variable."""
from __future__ import annotations

import dataclasses
from typing import Optional

DEFAULT_ACCOUNT = "123456789012"


@dataclasses.dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 4566
    data_dir: Optional[str] = None  # None with in_memory=True: a throwaway dir
    in_memory: bool = False
    # What an acknowledged write survives: "process" (kill -9, a crash of
    # awsbox) or "machine" (power loss too: fsync on every write). See store/db.py.
    durability: str = "process"
    auth: str = "enforce"  # enforce | permissive
    iam: str = "enforce"  # enforce | audit | off
    region: str = "us-east-1"
    admin_token: Optional[str] = None
    workers: int = 2
    threads: int = 8
    default_account: str = DEFAULT_ACCOUNT
    root_access_key_id: str = "test"
    root_secret_access_key: str = "test"
    # Labs shorten Glacier restores: restore delays are divided by this.
    restore_speedup: float = 1.0
    event_retention: int = 100_000  # most recent events kept
    seed: Optional[str] = None
    log_level: str = "info"
