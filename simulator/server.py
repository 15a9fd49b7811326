"""Serving with granian: a production HTTP server (Rust, hyper) for WSGI apps.

Worker processes (``--workers``) each run a pool of Python threads
(``--threads``) for the app; they share one state store (SQLite WAL and the
blob files), so any worker answers any request. The app is built once in the
master (migrations, root key, default account) and the workers are forked
from it, which keeps start-up well under a second. SIGTERM and SIGINT shut
down gracefully (granian's own handling).

Why granian rather than gunicorn: HTTP parsing, keep-alive and the socket
work happen in Rust without the GIL. A gunicorn gthread worker spent about
0.25 ms of Python per request on them, a third of a KMS Encrypt's whole cost;
granian spends about 0.06 ms. Request bodies still stream (``wsgi.input``
reads on demand), so uploads of any size keep the server's memory flat.
"""
from __future__ import annotations

import gc
import logging
import socket
import sys

from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian import log as granian_log
from granian.log import LogLevels
from granian.server import Server

from .app import create_app
from .config import Config

# hyper's read buffer per connection: the request head must fit (long
# presigned URLs and headers; our own checks answer oversize ones in each
# protocol's words well below this), and a body streams through it. It
# grows to this size while a fast upload streams in, and its memory is
# kept for a while after: at 2 MiB, four concurrent part uploads left the
# workers 100 MiB larger, at 256 KiB 40 MiB.
_READ_BUFFER_BYTES = 256 * 1024


def _not_the_thread_count_advice(record: logging.LogRecord) -> bool:
    # granian advises against more Python threads than cores; ours mostly
    # wait on SQLite, the disk and KMS calls, and 8 measured no slower.
    return "Python threads" not in record.getMessage()


def check_port_free(host: str, port: int) -> None:
    """Refuse to start on an address another server is listening on. granian
    binds with SO_REUSEPORT (its workers share the socket), which also lets a
    second awsbox join the first on its port: the kernel would then split
    requests at random between two servers with different stores. A plain
    bind is refused while anyone listens there."""
    if port == 0:  # any free port
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed server's TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as error:
            raise SystemExit(f"awsbox: cannot listen on {host}:{port}: {error.strerror}"
                             " (is another server already running there?)") from None


def serve(config: Config, banner=None) -> None:
    check_port_free(config.host, config.port)
    app = create_app(config)
    simulator = app.extensions["awsbox"]
    # The master never serves: each forked worker opens its own SQLite
    # connections.
    simulator.store.close()
    server = Server(
        "awsbox",  # a name for the logs: the app is handed over below
        address=config.host,
        port=config.port,
        interface=Interfaces.WSGI,
        workers=config.workers,
        blocking_threads=config.threads,
        http="1",
        websockets=False,
        http1_settings=HTTP1Settings(max_buffer_size=_READ_BUFFER_BYTES, keep_alive=True),
        log_level=LogLevels(config.log_level if config.log_level in LogLevels.__members__ else "info"),
        log_access=False,
        workers_kill_timeout=5,
        # A worker that dies (the OOM killer, a crash in native code) is
        # replaced, as gunicorn's arbiter did.
        respawn_failed_workers=True,
    )
    if banner is not None:
        server.on_startup(banner)  # the socket is bound by then
    server.on_shutdown(simulator.close)
    granian_log.logger.addFilter(_not_the_thread_count_advice)
    # No Python threads were started in the master: forking it is safe.
    # Everything built so far (the app, botocore's models, the modules)
    # lives as long as the process: frozen, the workers' collections never
    # walk it, so they do not write to (and copy) the pages they share with
    # the master. Measured: the tree's PSS after a minute of small requests
    # fell from 157 to 127 MiB.
    gc.freeze()
    server.serve(target_loader=lambda _target: app.wsgi_app)
    sys.exit(0)
