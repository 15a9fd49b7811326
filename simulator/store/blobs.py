"""The blob store: large bodies as files under the data dir.

A blob is written to a temporary file and renamed into place before the
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

import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO, Iterable

from ..pipeline import Stage

_BLOB_ID = re.compile(r"[0-9a-f]{32}")


class BlobStore:
    def __init__(self, root: Path, *, fsync: bool = False):
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.fsync = fsync

    def path(self, blob_id: str) -> str:
        if not _BLOB_ID.fullmatch(blob_id):
            raise ValueError("not a blob id")
        # Text, not pathlib: every GET opens one.
        return os.path.join(self.root, blob_id[:2], blob_id)

    def write(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Write ``chunks`` durably; return (blob_id, size). On any exception
        the temporary file is removed and nothing is visible."""
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
        # Unbuffered: reads are whole batches of frames anyway, and a raw
        # file saves 3 of the 7 system calls a buffered one makes to open and
        # read a small blob (the isatty ioctl, a seek, a read past the end).
        return open(self.path(blob_id), "rb", buffering=0)

    def delete(self, blob_id: str) -> None:
        try:
            os.unlink(self.path(blob_id))
        except (FileNotFoundError, ValueError):
            pass

    def sweep(self) -> None:
        """Remove temp files left by writes that never completed."""
        for leftover in self.tmp.iterdir():
            leftover.unlink(missing_ok=True)


def _fsync_dir(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
