"""Work on a large body beside the request thread.

An upload's costly steps are hashing (SHA-256 for the signed payload, MD5 for
the ETag, the flexible checksum) and writing the sealed frames to disk.
hashlib, awscrt and file writes release the GIL on large buffers, so each of
them runs as a :class:`Stage` on a pool thread while the request thread
reads, verifies and encrypts the next chunk: the body costs about as long as
its slowest step instead of the sum of them. Small chunks are not worth the
handoff and run inline.
"""
from __future__ import annotations

import concurrent.futures
import os
from typing import Callable

PARALLEL_MIN = 256 * 1024
# Enough for the stages of two or three concurrent large uploads; more
# uploads queue their steps, which still run in order for each stage.
THREADS = 8
_pool: tuple[int, concurrent.futures.ThreadPoolExecutor] | None = None


def _threads() -> concurrent.futures.ThreadPoolExecutor:
    """This process's pool (a forked worker starts its own)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), concurrent.futures.ThreadPoolExecutor(THREADS, "awsbox-pipeline"))
    return _pool[1]


class Stage:
    """Calls of one function on successive chunks, in order: each large call
    runs on a pool thread once the previous one has finished, and the caller
    goes on meanwhile. A failure is raised by the next call or by
    :meth:`wait`. The chunks must not change after they are handed over."""

    __slots__ = ("_function", "_pending")

    def __init__(self, function: Callable[[bytes], object]):
        self._function = function
        self._pending: concurrent.futures.Future | None = None

    def __call__(self, chunk) -> None:
        self.wait()
        if len(chunk) >= PARALLEL_MIN:
            self._pending = _threads().submit(self._function, chunk)
        else:
            self._function(chunk)

    def wait(self) -> None:
        """Returns once every call handed over so far has run."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()
