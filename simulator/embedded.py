"""A real awsbox server in a child process, started the way ``awsbox serve``
starts it: for the pytest plugin, ``awsbox lab`` and benchmarks."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config as BotoConfig

from . import control_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedServer:
    def __init__(self, data_dir: str | None = None, *, args: tuple = (), port: int | None = None, log_path: str | None = None):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="awsbox-test-")
        os.makedirs(self.data_dir, exist_ok=True)
        self.args = tuple(args)
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.region = "us-east-1"
        self.account_id = "123456789012"
        self.log_path = log_path or os.path.join(self.data_dir, "server.log")
        self.process: subprocess.Popen | None = None

    # -- life ----------------------------------------------------------------
    def start(self, timeout: float = 15.0) -> "EmbeddedServer":
        command = [sys.executable, "-m", "simulator.cli", "serve", "--port", str(self.port)]
        if "--in-memory" not in self.args:
            command += ["--data-dir", self.data_dir]
        command += list(self.args)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"awsbox exited with {self.process.returncode}; see {self.log_path}:\n{self.log()}")
            try:
                self.control("GET", "/_awsbox/health")
                return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"awsbox did not become ready in {timeout}s; see {self.log_path}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        code, self.process = self.process.returncode, None
        return code

    def kill(self) -> None:
        """kill -9 of the whole server (master and workers)."""
        self.stop(signal.SIGKILL)

    def restart(self) -> "EmbeddedServer":
        self.stop()
        return self.start()

    def log(self) -> str:
        try:
            with open(self.log_path, "rb") as log:
                return log.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- clients -------------------------------------------------------------
    def client(self, service: str, access_key: str = "test", secret_key: str = "test", *, region: str | None = None,
               session_token: str | None = None, **config):
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region or self.region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            aws_session_token=session_token,
            config=BotoConfig(retries={"max_attempts": 1}, **config),
        )

    def control(self, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
        return control_client.call(self.endpoint, method, path, body, token=token, timeout=10)

    def advance_clock(self, seconds: float) -> str:
        return self.control("POST", "/_awsbox/clock/advance", {"seconds": seconds})["now"]

    def reset(self, account: str | None = None) -> None:
        self.control("POST", "/_awsbox/reset", {"account": account} if account else {})

    def create_account(self, name: str) -> dict:
        return self.control("POST", "/_awsbox/accounts", {"name": name})
