"""CPU time and resident memory of a server's whole process tree, read from
/proc (the server's master and its workers count as one server)."""
from __future__ import annotations

import os
import threading
import time

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat", "rb") as stat:
        text = stat.read().decode()
    # The command name is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2:].split()


def _status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


class ProcessTree:
    def __init__(self, pid: int):
        self.pid = pid

    def pids(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    ppid = int(_stat_fields(int(name))[1])
                except (OSError, ValueError, IndexError):
                    continue
                parents.setdefault(ppid, []).append(int(name))
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(parents.get(pid, ()))
        return found

    def cpu_seconds(self) -> float:
        """User + system time of every live process in the tree, plus what each
        has collected from children it reaped (a worker that exited)."""
        ticks = 0
        for pid in self.pids():
            try:
                fields = _stat_fields(pid)
            except OSError:
                continue
            ticks += sum(int(value) for value in fields[11:15])
        return ticks / _TICKS

    def rss_bytes(self, pids: list[int] | None = None) -> int:
        total = 0
        for pid in pids or self.pids():
            try:
                total += _status_kib(pid, "VmRSS:") * 1024
            except OSError:
                pass
        return total

    def largest_hwm_bytes(self) -> int:
        """The highest peak RSS any single process of the tree reached in its life."""
        peak = 0
        for pid in self.pids():
            try:
                peak = max(peak, _status_kib(pid, "VmHWM:") * 1024)
            except OSError:
                pass
        return peak


class MemorySampler:
    """Samples the tree's summed RSS in a thread; ``peak`` is the highest seen."""

    def __init__(self, tree: ProcessTree, interval: float = 0.05):
        self.tree = tree
        self.interval = interval
        self.baseline = tree.rss_bytes()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pids, listed = self.tree.pids(), time.monotonic()
        while not self._stop.wait(self.interval):
            if time.monotonic() - listed > 1.0:
                pids, listed = self.tree.pids(), time.monotonic()
            self.peak = max(self.peak, self.tree.rss_bytes(pids))

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.tree.rss_bytes())
