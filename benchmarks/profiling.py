"""Where awsbox spends its CPU: py-spy records the server's process tree
(the server's master and workers) while a workload group runs, sampling only the
thread that holds the GIL (so waits -- idle threads, fsync, sockets -- do not
count); the collapsed stacks are summed into self time per function and
inclusive time per awsbox function."""
from __future__ import annotations

import collections
import re
import shutil
import signal
import subprocess
from pathlib import Path

_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
OWN_CODE = ("simulator/", "services/", "policies/")
# The server's start-up frames, under every request: not worth listing.
BOOTSTRAP = ("simulator/cli.py", "simulator/server.py")


def available() -> bool:
    return shutil.which("py-spy") is not None


class Recording:
    def __init__(self, pid: int, output: Path, rate: int = 100):
        self.output = output
        command = ["py-spy", "record", "--pid", str(pid), "--subprocesses", "--nonblocking", "--gil", "--format", "raw",
                   "--rate", str(rate), "--output", str(output)]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> str | None:
        """Ends the recording (py-spy writes its file on SIGINT); an error text if it failed."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
        try:
            _, err = self._process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            _, err = self._process.communicate()
        if not self.output.exists():
            return err.decode("utf-8", "replace")[-500:] or "py-spy wrote nothing"
        return None


def _frame(text: str) -> tuple[str, str]:
    match = _FRAME.match(text)
    if not match:
        return text, ""
    file = match["file"]
    for marker in ("site-packages/", "lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
    if "/work/main/" in file:
        file = file.split("/work/main/", 1)[1]
    return match["function"], file


def summarize(raw_file: Path, top: int = 15) -> dict:
    """{"samples", "self": [(percent, function, file)], "own_inclusive": [...]}"""
    self_time: collections.Counter = collections.Counter()
    inclusive: collections.Counter = collections.Counter()
    total = 0
    for line in raw_file.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        count = int(count)
        frames = [_frame(text) for text in stack.split(";")]
        frames = [frame for frame in frames if frame[1]]  # drop "process ..."/"thread ..." pseudo frames
        if not frames:
            continue
        total += count
        self_time[frames[-1]] += count
        for frame in set(frames):
            if frame[1].startswith(OWN_CODE) and not frame[1].startswith(BOOTSTRAP):
                inclusive[frame] += count

    def listing(counter):
        return [(round(100 * n / total, 1), function, file) for (function, file), n in counter.most_common(top)]

    return {"samples": total, "self": listing(self_time) if total else [],
            "own_inclusive": listing(inclusive) if total else []}


def format_summary(group: str, summary: dict) -> str:
    lines = [f"  [{group}] {summary['samples']:,} samples",
             "    self time (leaf frames):"]
    lines += [f"      {pct:5.1f}%  {function}  ({file})" for pct, function, file in summary["self"]]
    lines.append("    inclusive time, awsbox code:")
    lines += [f"      {pct:5.1f}%  {function}  ({file})" for pct, function, file in summary["own_inclusive"]]
    return "\n".join(lines)
