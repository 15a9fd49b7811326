"""The blob store: bodies as files under the data dir, small ones as rows.

A body of at most ``INLINE_MAX`` bytes is a row of the state database's
``blobs`` table instead of a file. Creating a file costs the file system far
more than its bytes: on ext4 an inode is allocated (a search that grows with
the files deleted lately, as a test suite's throwaway stores are), the
temporary file is renamed under two directory locks, and a read opens and
closes it again. Measured under a 4 KiB PUT load, the kernel's share of the
workers' CPU was 43%, most of it that. SQLite keeps such rows as cheaply as
it keeps the object's own (its "internal versus external BLOBs" study puts the
break-even near 100 KB). An inline blob written with ``deferred=True`` (every
upload) is held in memory until :meth:`BlobStore.attach` inserts it in the
very transaction that commits the rows pointing at it: one transaction for a
small PUT instead of two, and no orphan row if the process dies between
them. Written without it, an inline blob is committed by its own short
transaction (or within the caller's when one is open), before the rows that
point at it, as a file is.

A file blob is written to a temporary file and renamed into place before the
caller commits the metadata that points at it, so an acknowledged write
survives ``kill -9`` (the written pages belong to the operating system once
``write`` returns) and an unacknowledged one leaves nothing visible (at most an
orphan temp file, which :meth:`BlobStore.sweep` removes at start). With
``fsync`` (durability ``machine``) the file and its directory are fsynced
before the rename is relied on, so the blob survives power loss too. Blob
names are random ids, never object keys, so nothing a client sends names a
path.
"""
from __future__ import annotations

import io
import itertools
import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO, Iterable

from ..pipeline import Stage

_BLOB_ID = re.compile(r"[0-9a-f]{32}")
# An inline blob's id: "db" and its row's id in hex.
_INLINE_ID = re.compile(r"db([0-9a-f]{16})")
INLINE_MAX = 96 * 1024
# The state database's table of inline blobs (a migration of the store's core schema).
SCHEMA = """
    CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""


class BlobStore:
    def __init__(self, root: Path, db, *, fsync: bool = False):
        """``db``: the state store, whose ``read()`` and ``tx()`` reach
        this thread's connection."""
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.db = db
        self.fsync = fsync
        # Inline bodies written deferred, by id, until attached or deleted.
        self._pending: dict[str, bytes] = {}

    def path(self, blob_id: str) -> str:
        if not _BLOB_ID.fullmatch(blob_id):
            raise ValueError("not a blob id")
        # Text, not pathlib: every GET opens one.
        return os.path.join(self.root, blob_id[:2], blob_id)

    def write(self, chunks: Iterable[bytes], *, deferred: bool = False) -> tuple[str, int]:
        """Write ``chunks`` durably; return (blob_id, size). On any exception
        nothing is visible (a temporary file is removed). ``deferred``: an
        inline body waits for :meth:`attach` (or :meth:`delete`)."""
        chunks = iter(chunks)
        head, size = [], 0
        for chunk in chunks:
            head.append(chunk)
            size += len(chunk)
            if size > INLINE_MAX:
                return self._write_file(itertools.chain(head, chunks))
        data = b"".join(head)
        if deferred:
            blob_id = f"db{secrets.randbits(63):016x}"
            self._pending[blob_id] = data
            return blob_id, size
        return self._write_row(data), size

    def attach(self, conn, *blob_ids: str | None) -> None:
        """Insert the deferred bodies among ``blob_ids`` within the caller's
        transaction ``conn``, the one that commits the rows pointing at them
        (the others are written already). A random 63-bit id that is taken
        fails the transaction: a chance of about one in 10^18 per body."""
        for blob_id in blob_ids:
            data = self._pending.pop(blob_id, None) if blob_id else None
            if data is not None:
                conn.execute("INSERT INTO blobs VALUES (?, ?)", (_row_id(blob_id), data))

    def _write_row(self, data: bytes) -> str:
        with self.db.tx() as conn:
            while True:
                row_id = secrets.randbits(63)
                if conn.execute("INSERT OR IGNORE INTO blobs VALUES (?, ?)", (row_id, data)).rowcount:
                    return f"db{row_id:016x}"

    def _write_file(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        blob_id = secrets.token_hex(16)
        # Paths as text: this is every upload's path, and pathlib's objects cost more than the rename.
        tmp_path = os.path.join(self.tmp, blob_id)
        final = os.path.join(self.root, blob_id[:2], blob_id)
        size = 0
        try:
            with open(tmp_path, "wb", buffering=0) as out:
                # The disk write of a large chunk runs while the next one is
                # produced; the file is closed only after the last write.
                writing = Stage(out.write)
                try:
                    for chunk in chunks:
                        writing(chunk)
                        size += len(chunk)
                finally:
                    writing.wait()
                if self.fsync:
                    os.fsync(out.fileno())
            try:
                os.replace(tmp_path, final)
            except FileNotFoundError:  # the shard's first blob: no mkdir on every write
                os.makedirs(os.path.dirname(final), exist_ok=True)
                if self.fsync:
                    _fsync_dir(self.root)
                os.replace(tmp_path, final)
            if self.fsync:
                _fsync_dir(os.path.dirname(final))
        except BaseException:
            try:
                os.unlink(tmp_path)
            except FileNotFoundError:
                pass
            raise
        return blob_id, size

    def open(self, blob_id: str) -> BinaryIO:
        row_id = _row_id(blob_id)
        if row_id is not None:
            row = self.db.read().execute("SELECT data FROM blobs WHERE id = ?", (row_id,)).fetchone()
            if row is None:
                raise FileNotFoundError(f"no blob {blob_id}")
            return io.BytesIO(row[0])
        # Unbuffered: reads are whole batches of frames anyway, and a raw
        # file saves 3 of the 7 system calls a buffered one makes to open and
        # read a small blob (the isatty ioctl, a seek, a read past the end).
        return open(self.path(blob_id), "rb", buffering=0)

    def delete(self, *blob_ids: str) -> None:
        """Delete these blobs (those already gone are no error); the rows in
        one transaction."""
        rows = []
        for blob_id in blob_ids:
            if self._pending.pop(blob_id, None) is not None:
                continue  # never attached: nothing was stored
            row_id = _row_id(blob_id)
            if row_id is not None:
                rows.append((row_id,))
                continue
            try:
                os.unlink(self.path(blob_id))
            except (FileNotFoundError, ValueError):
                pass
        if rows:
            with self.db.tx() as conn:
                conn.executemany("DELETE FROM blobs WHERE id = ?", rows)

    def sweep(self) -> None:
        """Remove temp files left by writes that never completed."""
        for leftover in self.tmp.iterdir():
            leftover.unlink(missing_ok=True)


def _row_id(blob_id: str) -> int | None:
    """The row of an inline blob's id; None for a file's."""
    match = _INLINE_ID.fullmatch(blob_id)
    return int(match[1], 16) if match else None


def _fsync_dir(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
