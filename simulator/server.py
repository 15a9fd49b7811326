"""Serving with gunicorn: a production WSGI server with real concurrency.

Worker processes (``--workers``) each run threads (``--threads``); they share
one state store (SQLite WAL and the blob files), so any worker answers any
request. The app is built once in the master (migrations, root key,
default account) and forked, which keeps start-up well under a second.
SIGTERM and SIGINT shut down gracefully (gunicorn's own handling).
"""
from __future__ import annotations

import os
import sys

from gunicorn.app.base import BaseApplication

from .app import create_app
from .config import Config

_SHM = "/dev/shm"


class AwsboxServer(BaseApplication):
    def __init__(self, config: Config, banner=None):
        self.config = config
        self.banner = banner
        self.app = create_app(config)
        self.simulator = self.app.extensions["awsbox"]
        # The master never serves: let each forked worker open its own
        # SQLite connections.
        self.simulator.store.close()
        super().__init__()

    def load_config(self):
        simulator = self.simulator
        banner = self.banner
        settings = {
            "bind": [f"[{self.config.host}]:{self.config.port}" if ":" in self.config.host else f"{self.config.host}:{self.config.port}"],
            "workers": self.config.workers,
            "worker_class": "gthread",
            "threads": self.config.threads,
            "preload_app": True,
            "graceful_timeout": 5,
            # Uploads stream for as long as they need: the worker's main loop
            # keeps heartbeating while request threads work.
            "timeout": 120,
            "keepalive": 75,
            # Presigned URLs with session tokens are long; headers too. Our
            # own checks answer oversize requests in each protocol's words.
            "limit_request_line": 8190,
            "limit_request_field_size": 1024 * 1024,
            "limit_request_fields": 1000,
            "loglevel": self.config.log_level,
            "errorlog": "-",
            "accesslog": None,
            "proc_name": "awsbox",
            # Workers heartbeat by touching a file in this directory on every
            # turn of their loop: in RAM that costs no disk metadata write.
            "worker_tmp_dir": _SHM if os.path.isdir(_SHM) else None,
            # Several servers run side by side (a class, a test suite): no
            # shared control socket in the home directory.
            "control_socket_disable": True,
            "when_ready": lambda arbiter: banner and banner(),
            "on_exit": lambda arbiter: simulator.close(),
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self):
        return self.app


def serve(config: Config, banner=None) -> None:
    AwsboxServer(config, banner).run()
    sys.exit(0)
