"""What a server keeps in its data dir, read from outside as a test sees
it: the blobs that hold object bodies are files under ``blobs/`` and, for
small bodies, rows of the state database's ``blobs`` table."""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path


def database(data_dir) -> sqlite3.Connection:
    return contextlib.closing(sqlite3.connect(Path(data_dir) / "state.sqlite3", timeout=30))


def blob_ids(data_dir) -> set[str]:
    """Every blob the store holds: the files' names (not temporary ones)
    and the rows' ids, as the store names them."""
    root = Path(data_dir) / "blobs"
    files = {p.name for p in root.rglob("*") if p.is_file() and p.parent != root / "tmp"}
    with database(data_dir) as db:
        rows = {f"db{row_id:016x}" for (row_id,) in db.execute("SELECT id FROM blobs")}
    return files | rows
