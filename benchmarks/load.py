"""Load from several client processes (boto3 costs about 1 ms of client CPU
per call, more than one core can give a fast server). Each process makes one
call at a time, so concurrency N is N processes. The processes live for the
whole run and keep their boto3 clients between workloads."""
from __future__ import annotations

import multiprocessing
import statistics
import time
from dataclasses import asdict, dataclass, field

from .operations import OPERATIONS
from .process_tree import ProcessTree

WARMUP_BASE = 10_000_000  # warm-up calls use their own indexes (own keys)
MAX_ERRORS = 50  # a workload that keeps failing stops early; the error is reported


@dataclass
class Measurement:
    workers: int
    ops: int = 0
    units: int = 0
    errors: int = 0
    first_error: str | None = None
    seconds: float = 0.0
    client_cpu_s: float = 0.0
    server_cpu_s: float | None = None
    latencies_ms: list = field(default_factory=list, repr=False)

    @property
    def ops_per_s(self) -> float:
        return self.ops / self.seconds if self.seconds else 0.0

    @property
    def units_per_s(self) -> float:
        return self.units / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        data = asdict(self)
        lat = sorted(data.pop("latencies_ms"))
        data["ops_per_s"] = round(self.ops_per_s, 1)
        data["units_per_s"] = round(self.units_per_s, 1)
        if lat:
            data["latency_ms"] = {"p50": round(statistics.median(lat), 2),
                                  "p99": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2),
                                  "mean": round(statistics.fmean(lat), 2)}
        if self.server_cpu_s is not None and self.ops:
            data["server_cpu_ms_per_op"] = round(1000 * self.server_cpu_s / self.ops, 3)
        if self.ops:
            data["client_cpu_ms_per_op"] = round(1000 * self.client_cpu_s / self.ops, 3)
        return data


def _client_factory():
    import boto3
    from botocore.config import Config

    cache = {}
    config = Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=900,
                    max_pool_connections=4, s3={"addressing_style": "path"})

    def client(spec):
        def get(service):
            key = (spec["endpoint"], service)
            if key not in cache:
                cache[key] = boto3.session.Session().client(
                    service, endpoint_url=spec["endpoint"], region_name=spec["region"],
                    aws_access_key_id=spec["access_key"], aws_secret_access_key=spec["secret_key"], config=config)
            return cache[key]
        return get
    return client


def _worker_main(conn) -> None:
    clients = _client_factory()
    call, limit = None, None
    while True:
        message = conn.recv()
        if message[0] == "stop":
            return
        if message[0] == "prepare":
            spec = message[1]
            limit = spec.get("max_ops")  # this process's own call count, when the spec sets one
            try:
                call = OPERATIONS[spec["op"]](clients(spec), spec)
                for j in range(spec.get("warmup", 2)):
                    call(WARMUP_BASE + j)
                conn.send(("ready", None))
            except Exception as error:  # reported to the parent, which skips the workload
                call = None
                conn.send(("ready", f"{type(error).__name__}: {error}"[:500]))
        elif message[0] == "go":
            _, deadline, max_ops = message
            conn.send(("done", _measure(call, deadline, max_ops if limit is None else limit)))


def _measure(call, deadline: float, max_ops: int | None) -> dict:
    ops = units = errors = 0
    first_error = None
    latencies = []
    cpu0, i = time.process_time(), 0
    while time.monotonic() < deadline and (max_ops is None or i < max_ops) and errors < MAX_ERRORS:
        start = time.perf_counter()
        try:
            units += call(i)
            ops += 1
            latencies.append((time.perf_counter() - start) * 1000)
        except Exception as error:
            errors += 1
            first_error = first_error or f"{type(error).__name__}: {error}"[:500]
        i += 1
    return {"ops": ops, "units": units, "errors": errors, "first_error": first_error,
            "client_cpu_s": time.process_time() - cpu0, "latencies_ms": latencies}


class ClientPool:
    def __init__(self, size: int):
        self.size = size
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conns, self._procs = [], []
        for _ in range(self.size):
            parent, child = context.Pipe()
            process = context.Process(target=_worker_main, args=(child,), daemon=True)
            process.start()
            self._conns.append(parent)
            self._procs.append(process)

    def run(self, specs: list[dict], **bounds) -> Measurement:
        try:
            return self._run(specs, **bounds)
        except (TimeoutError, EOFError, OSError):
            # A process that hung or died would answer the next workload with
            # this one's leftovers: start every process afresh.
            self.close()
            self._start()
            raise

    def _run(self, specs: list[dict], *, duration: float, max_ops: int | None = None,
            tree: ProcessTree | None = None, grace: float = 60.0) -> Measurement:
        """Run ``specs[w]`` in worker w, all at once, for ``duration`` seconds
        or ``max_ops`` calls per worker, whichever ends first."""
        conns = self._conns[:len(specs)]
        result = Measurement(workers=len(specs))
        for conn, spec in zip(conns, specs):
            conn.send(("prepare", spec))
        failures = [error for _, error in (self._receive(conn, grace) for conn in conns) if error]
        if failures:
            result.errors, result.first_error = len(failures), f"setup: {failures[0]}"
            return result
        cpu0 = tree.cpu_seconds() if tree else None
        start = time.monotonic()
        for conn in conns:
            conn.send(("go", start + duration, max_ops))
        for conn in conns:
            _, done = self._receive(conn, duration + grace)
            result.ops += done["ops"]
            result.units += done["units"]
            result.errors += done["errors"]
            result.first_error = result.first_error or done["first_error"]
            result.client_cpu_s += done["client_cpu_s"]
            result.latencies_ms.extend(done["latencies_ms"])
        result.seconds = time.monotonic() - start
        if tree:
            result.server_cpu_s = tree.cpu_seconds() - cpu0
        return result

    @staticmethod
    def _receive(conn, timeout: float):
        if not conn.poll(timeout):
            raise TimeoutError(f"a client process did not answer in {timeout:.0f}s")
        return conn.recv()

    def close(self) -> None:
        for conn in self._conns:
            try:
                conn.send(("stop",))
            except OSError:
                pass
        for process in self._procs:
            process.join(5)
            if process.is_alive():
                process.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
