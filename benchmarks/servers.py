"""The servers under test, each on a free loopback port: awsbox (durable data
dir, or ``--in-memory``) and moto's server."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from simulator.embedded import EmbeddedServer, free_port

from .process_tree import ProcessTree


class BenchServer:
    """What a workload needs of a server: endpoint, credentials, process tree."""

    name: str
    label: str
    endpoint: str
    access_key = "test"
    secret_key = "test"
    region = "us-east-1"
    pid: int

    @property
    def tree(self) -> ProcessTree:
        return ProcessTree(self.pid)

    def __enter__(self):  # a started server
        return self

    def __exit__(self, *exc):
        self.stop()


class AwsboxServer(BenchServer):
    def __init__(self, *, in_memory: bool):
        self.name = "awsbox-mem" if in_memory else "awsbox"
        self.label = "awsbox --in-memory" if in_memory else "awsbox (data dir)"
        self._dir = tempfile.mkdtemp(prefix="awsbox-bench-")
        self._server = EmbeddedServer(self._dir, args=("--in-memory",) if in_memory else ())
        self.endpoint = self._server.endpoint

    def start(self) -> "AwsboxServer":
        self._server.start()
        self.pid = self._server.process.pid
        return self

    def stop(self) -> None:
        self._server.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def log(self) -> str:
        return self._server.log()


class MotoServer(BenchServer):
    name = "moto"
    label = "moto server"

    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.NamedTemporaryFile(prefix="moto-bench-", suffix=".log", delete=False)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> "MotoServer":
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.process.pid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto server exited with {self.process.returncode}:\n{self.log()}")
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=2).close()
                return self
            except urllib.error.HTTPError:
                return self  # it answers: ready
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"moto server did not become ready in {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        self._log.close()
        os.unlink(self._log.name)

    def log(self) -> str:
        with open(self._log.name, "rb") as log:
            return log.read().decode("utf-8", "replace")[-4000:]


def make_server(name: str) -> BenchServer:
    if name == "moto":
        return MotoServer()
    if name in ("awsbox", "awsbox-mem"):
        return AwsboxServer(in_memory=name == "awsbox-mem")
    raise ValueError(f"unknown server {name!r} (awsbox, awsbox-mem, moto)")
