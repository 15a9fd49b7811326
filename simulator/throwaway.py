"""The data dirs of ``--in-memory`` servers, in /dev/shm where there is one.

/dev/shm is RAM: a dir left behind by a server that never shut down (kill -9,
a crash, a CI job's timeout) would hold its objects in memory until the
machine reboots. So each server holds an exclusive flock on its dir for as
long as it lives (its forked workers share the lock), and every in-memory
server starting up removes the dirs whose lock nobody holds any more.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

# Only dirs named so are ever swept: where there is no /dev/shm they sit in
# the temp dir beside other programs' files (and the test servers' awsbox-test-*).
PREFIX = "awsbox-memory-"
# A dir is made under this name, locked, then renamed to PREFIX...: a sweep
# never sees one that is not locked yet.
_NEW_PREFIX = ".awsbox-memory-new-"


def parent_dir() -> Path:
    shm = Path("/dev/shm")
    return shm if shm.is_dir() else Path(tempfile.gettempdir())


def create(parent: Path | None = None) -> tuple[Path, int]:
    """A new locked data dir, after sweeping the abandoned ones; returns it
    with the descriptor holding the lock (close it to let go)."""
    parent = parent or parent_dir()
    sweep(parent)
    new = tempfile.mkdtemp(prefix=_NEW_PREFIX, dir=parent)
    lock = os.open(new, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    path = Path(parent) / (PREFIX + Path(new).name[len(_NEW_PREFIX):])
    os.rename(new, path)
    return path, lock


def sweep(parent: Path) -> list[Path]:
    """Remove the dirs under ``parent`` that no living server holds."""
    removed = []
    for path in Path(parent).glob(PREFIX + "*"):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # gone meanwhile, or not a dir
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # its server is alive
            os.close(fd)
            continue
        try:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def remove(path: Path, lock: int) -> None:
    shutil.rmtree(path, ignore_errors=True)
    os.close(lock)
