"""The blob store: large bodies as files under the data dir.

A blob is written to a temporary file, fsynced and renamed into place before
the caller commits the metadata that points at it, so an acknowledged write
survives ``kill -9`` and an unacknowledged one leaves nothing visible (at most
an orphan temp file, which :meth:`BlobStore.sweep` removes at start). Blob names
are random ids, never object keys, so nothing a client sends names a path.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO, Iterable


class BlobStore:
    def __init__(self, root: Path, *, durable: bool = True):
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.durable = durable

    def path(self, blob_id: str) -> Path:
        if len(blob_id) != 32 or not all(c in "0123456789abcdef" for c in blob_id):
            raise ValueError("not a blob id")
        return self.root / blob_id[:2] / blob_id

    def write(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Write ``chunks`` durably; return (blob_id, size). On any exception
        the temporary file is removed and nothing is visible."""
        blob_id = secrets.token_hex(16)
        tmp_path = self.tmp / blob_id
        size = 0
        try:
            with open(tmp_path, "wb", buffering=0) as out:
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
                if self.durable:
                    os.fsync(out.fileno())
            final = self.path(blob_id)
            final.parent.mkdir(exist_ok=True)
            os.replace(tmp_path, final)
            if self.durable:
                _fsync_dir(final.parent)
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
        return blob_id, size

    def open(self, blob_id: str) -> BinaryIO:
        return open(self.path(blob_id), "rb")

    def delete(self, blob_id: str) -> None:
        try:
            self.path(blob_id).unlink()
        except (FileNotFoundError, ValueError):
            pass

    def sweep(self) -> None:
        """Remove temp files left by writes that never completed."""
        for leftover in self.tmp.iterdir():
            leftover.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
