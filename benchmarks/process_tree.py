"""CPU time and memory of a server's whole process tree, read from /proc (the
server's master and its workers count as one server).

A tree's memory is the sum of its processes' PSS (proportional set size,
/proc/PID/smaps_rollup): each resident page counts once, split between the
processes that map it. Summing RSS instead counts every copy-on-write page a
forked worker still shares with its master once per process (an idle awsbox:
about 199 MiB of summed RSS, 90 MiB of PSS). A single-process server (moto)
gets the same measure, where PSS is close to its private memory. Pages of
shared libraries are also split with unrelated processes that map them (the
benchmark's own clients), a few MiB at most. The summed RSS is kept alongside
so both can be read."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Memory:
    """Bytes resident for a set of processes, two ways."""
    pss: int = 0
    rss: int = 0

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.pss + other.pss, self.rss + other.rss)


def _rollup(pid: int) -> Memory:
    """Pss and Rss of one process, from one read of its smaps_rollup."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
        for line in rollup:
            if line.startswith((b"Pss:", b"Rss:")):
                fields[line[:3]] = int(line.split()[1]) * 1024
    return Memory(pss=fields.get(b"Pss", 0), rss=fields.get(b"Rss", 0))


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

    def memory(self, pids: list[int] | None = None) -> Memory:
        """Summed PSS and RSS of the tree (a process that has exited counts nothing)."""
        total = Memory()
        for pid in pids or self.pids():
            try:
                total += _rollup(pid)
            except OSError:
                pass
        return total

    def rss_bytes(self, pids: list[int] | None = None) -> int:
        """Summed RSS alone: the kernel's counters, a hundredth of a PSS read's cost."""
        total = 0
        for pid in pids or self.pids():
            try:
                total += _status_kib(pid, "VmRSS:") * 1024
            except OSError:
                pass
        return total

    def largest_hwm_bytes(self) -> int:
        """The highest peak RSS any single process of the tree reached in its
        life: the kernel's own record, which sees spikes between two samples."""
        peak = 0
        for pid in self.pids():
            try:
                peak = max(peak, _status_kib(pid, "VmHWM:") * 1024)
            except OSError:
                pass
        return peak


class MemorySampler:
    """Samples the tree's memory in a thread while a workload runs: ``idle`` is
    what it held before, ``peak`` the highest PSS and RSS sums seen (each its
    own maximum).

    Reading smaps_rollup walks a process's page tables: about 1 ms for an
    awsbox process, some 15 ms per GiB resident. So the summed RSS (the
    kernel's counters, a cheap read) is sampled every ``interval``, and PSS
    as often as keeps its reads within ``pss_share`` of a core: after a read
    that cost c seconds of CPU, the next waits c / pss_share (at least
    ``interval``). Between two PSS reads the PSS follows the RSS's change:
    what a process gains meanwhile is its own memory, counted whole by both
    measures (a page two workers both newly map counts twice, too much; the
    next read sets the base right), so a peak shorter than the gap is not
    missed. Both
    reads together stay under 2% of a core; ``sampling_cpu_s`` says what
    they cost, ``pss_samples`` how many PSS reads there were."""

    def __init__(self, tree: ProcessTree, interval: float = 0.05, pss_share: float = 0.01):
        self.tree = tree
        self.interval, self.pss_share = interval, pss_share
        self.pss_samples, self.sampling_cpu_s = 0, 0.0
        self.idle = self._read_pss()
        self.peak = self.idle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _read_pss(self, pids: list[int] | None = None) -> Memory:
        """A PSS read, which becomes the base of the estimates until the next."""
        pids = pids or self.tree.pids()
        self._base, self._base_rss = self.tree.memory(pids), self.tree.rss_bytes(pids)
        self.pss_samples += 1
        return self._base

    def _take(self, now: Memory) -> None:
        self.peak = Memory(max(self.peak.pss, now.pss), max(self.peak.rss, now.rss))

    def _run(self) -> None:
        pids, listed, pss_due = self.tree.pids(), time.monotonic(), 0.0
        while not self._stop.wait(self.interval):
            now, cpu = time.monotonic(), time.thread_time()
            if now - listed > 1.0:  # a worker that was restarted
                pids, listed = self.tree.pids(), now
            if now >= pss_due:
                self._take(self._read_pss(pids))
                pss_due = now + max(self.interval, (time.thread_time() - cpu) / self.pss_share)
            else:
                rss = self.tree.rss_bytes(pids)
                self._take(Memory(pss=self._base.pss + rss - self._base_rss, rss=rss))
            self.sampling_cpu_s += time.thread_time() - cpu

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._take(self._read_pss())  # what the workload left behind
