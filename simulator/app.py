"""The simulator: one WSGI application for every service.

AWS requests take the request's path below; ``/_awsbox/`` (control API),
``/moto-api/`` and ``/console`` are Flask blueprints. AWS services all live
at "/" so they cannot be told apart by URL rule: a service registers its
operations with the registry and the dispatcher below finds them.

    HTTP -> routing -> auth -> protocol parse -> RequestContext
         -> authorize -> handler -> serialize -> event trail
"""
from __future__ import annotations

import contextlib
import importlib
import logging
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.wrappers import Request, Response

from . import authorization, events, registry, routing, throwaway
from .accounts import Accounts, root_principal
from .auth import AuthFailure, authenticate, check_region
from .auth.errors import to_aws_error
from .clock import Clock, real_now
from .config import Config
from .context import RequestContext
from .crypto import RootKey
from .errors import AwsError, InternalError, RequestHeaderSectionTooLarge
from .protocols import protocol_for
from .protocols.protocol import lowercase_headers
from .store import Store
from .store.db import MACHINERY_TABLES

log = logging.getLogger("awsbox")

# Imported before the store opens, so every package's schema is migrated.
SERVICE_PACKAGES = ("services.sts", "services.kms", "services.s3", "services.iam", "services.cloudtrail", "services.console")
# Bodies of the JSON and Query protocols are read whole; AWS caps them well below this.
MAX_SMALL_BODY = 16 * 1024 * 1024
# AWS refuses header sections past 8 KiB (S3); presigned URLs put their
# signature in the query string, so only headers count here.
MAX_HEADER_BYTES = 16 * 1024
FLASK_PREFIXES = ("/_awsbox", "/moto-api", "/console")


def _optional_module(name: str):
    """Import a service package that may not be part of this build yet."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise
        return None


def _load_services() -> None:
    for package in SERVICE_PACKAGES:
        _optional_module(package)


class Simulator:
    """Everything one server holds: config, store, root key, clock, accounts."""

    def __init__(self, config: Config):
        self.config = config
        if config.in_memory:
            # A throwaway store in RAM (/dev/shm where there is one), shared by
            # the worker processes, removed at shutdown (or by the next
            # in-memory server, if this one never shuts down: throwaway.py).
            self.data_dir, self._throwaway_lock = throwaway.create()
        else:
            self.data_dir = Path(config.data_dir or "./.awsbox")
            self._throwaway_lock = None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _load_services()
        self.store = Store(self.data_dir, durable=not config.in_memory, durability=config.durability)
        self.store.blobs.sweep()
        self.root_key = RootKey(self.data_dir)
        self.clock = Clock(self.store)
        self.accounts = Accounts(self.store, self.root_key, config)
        self.accounts.bootstrap()
        self.admin_token = config.admin_token or self._admin_token_file()
        self.events = events.EventTrail(self)
        if config.seed:  # the declared starting world (seed.py)
            from .seed import load_file
            load_file(self, config.seed)

    def _admin_token_file(self) -> str:
        path = self.data_dir / "admin-token"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()

    def close(self) -> None:
        self.events.flush()
        self.store.close()
        if self._throwaway_lock is not None:
            throwaway.remove(self.data_dir, self._throwaway_lock)
            self._throwaway_lock = None

    def reset(self, account: str | None = None) -> None:
        """Forget everything (or one account's everything). Generic over the
        schema: a table with an ``account_id`` column is account data, a
        ``blob_id`` column points into the blob store."""
        self.events.flush()
        doomed_blobs = []
        with self.store.tx() as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            for table in tables:
                if table in MACHINERY_TABLES:
                    continue
                columns = {r[1] for r in db.execute(f'PRAGMA table_info("{table}")')}
                if account is None:
                    if "blob_id" in columns:
                        doomed_blobs += [r[0] for r in db.execute(f'SELECT blob_id FROM "{table}" WHERE blob_id IS NOT NULL')]
                    if table != "clock":
                        db.execute(f'DELETE FROM "{table}"')
                elif "account_id" in columns and table != "accounts":
                    # The account itself stays, and so do its root keys.
                    keep = " AND principal_type != 'Root'" if table == "credentials" else ""
                    if "blob_id" in columns:
                        doomed_blobs += [
                            r[0] for r in db.execute(f'SELECT blob_id FROM "{table}" WHERE account_id = ? AND blob_id IS NOT NULL', (account,))
                        ]
                    db.execute(f'DELETE FROM "{table}" WHERE account_id = ?{keep}', (account,))
            if account is None:
                db.execute("UPDATE clock SET offset_seconds = 0")
        self.store.blobs.delete(*doomed_blobs)
        self.accounts.bootstrap()

    # -- the AWS request path ------------------------------------------------
    def handle(self, request: Request) -> Response:
        # Reads kept in memory (credentials, the clock, policies) are checked
        # against the store once, here, for the whole request.
        with self.store.request():
            return self._handle(request)

    def _handle(self, request: Request) -> Response:
        request_id = events.new_uuid()
        service = None
        try:
            route = routing.route(request)
            if route.service == routing.UNKNOWN_JSON:
                service = registry.service("kms")  # any JSON service renders the error alike
                raise service.unknown_operation(f"Unknown target: {request.headers.get('X-Amz-Target')}")
            service = registry.service(route.service)
            protocol = protocol_for(service)
            if sum(len(k) + len(v) + 4 for k, v in lowercase_headers(request).items()) > MAX_HEADER_BYTES:
                raise RequestHeaderSectionTooLarge()
            if request.method == "OPTIONS" and service.cors is not None:
                # Browsers send CORS preflights unsigned.
                headers = service.cors.preflight_request(self.store, route.path, request.headers)
                answer = Response(status=200, headers={**headers, "x-amz-request-id": request_id})
                del answer.headers["Content-Type"]  # S3's preflight answer has no body and no type
                return answer
            body = request.stream if service.protocol == "rest-xml" else self._small_body(request, service)
            # The simulator clock, read once: authentication and everything
            # downstream (ctx.now) see the same moment.
            now = self.clock.now()
            credential, scope, body = authenticate(
                request,
                route.raw_path,
                body,
                lookup=self.accounts.lookup,
                real_now=real_now(),
                sim_now=now,
                permissive=self.config.auth == "permissive",
                default_principal=root_principal(self.config.default_account),
                service=service.name,
                path_style_path=route.path,
                on_sim_time=self.clock.on_simulator_time,
            )
            operation = protocol.operation_name(service, request, route.path)
            if operation not in service.handlers:
                raise service.not_implemented(f"The operation {operation} is not implemented by awsbox.")
            params = protocol.parse(service, operation, request, route.path, body)
            if service.expected_region is not None and self.config.auth != "permissive":
                check_region(request, scope, service.expected_region(self.store, operation, params))
            ctx = RequestContext(
                request_id=request_id,
                service=service.name,
                operation=operation,
                account_id=credential.principal.account_id,
                region="us-east-1" if service.global_service else (scope.region if scope else self.config.region),
                principal=credential.principal,
                params=params,
                now=now,
                app=self,
                source_ip=request.remote_addr or "127.0.0.1",
                user_agent=request.headers.get("User-Agent", ""),
                secure_transport=request.scheme == "https",
                http=request,
            )
            output = self.execute(ctx)
            response = protocol.serialize(service, operation, output, request_id)
            if service.cors is not None and "Origin" in request.headers:
                response.headers.update(service.cors.actual_request_headers(self.store, route.path, request.headers, request.method))
            return response
        except AuthFailure as failure:
            return self._error(service, to_aws_error(service.name, failure), request_id)
        except AwsError as error:
            return self._error(service, error, request_id)
        except Exception:
            log.exception("internal error handling request %s", request_id)
            return self._error(service, InternalError(), request_id)

    def _small_body(self, request: Request, service) -> bytes:
        if (request.content_length or 0) > MAX_SMALL_BODY:
            raise service.malformed_body("Request body too large.")
        return request.get_data(cache=True)

    def _error(self, service, error: AwsError, request_id: str) -> Response:
        if service is None:
            service = registry.service("s3")
        return protocol_for(service).serialize_error(service, error, request_id)

    def execute(self, ctx: RequestContext) -> dict:
        """Authorize, run the handler, record the event. Shared by HTTP and
        in-process calls so both are authorized and recorded alike."""
        service = registry.service(ctx.service)
        handler = service.handlers.get(ctx.operation)
        try:
            if handler is None:
                raise service.unknown_operation(f"The operation {ctx.operation} is not supported by awsbox.")
            authorization.authorize(ctx)
            output = handler(ctx, ctx.params)
        except AwsError as error:
            self._record(ctx, error=error)
            raise
        self._record(ctx, output=output)
        return output

    def _record(self, ctx: RequestContext, **outcome) -> None:
        # The trail observes calls; a fault in it must never change an answer.
        try:
            self.events.record(ctx, **outcome)
        except Exception:
            log.exception("could not record event for request %s", ctx.request_id)

    def invoke_in_process(self, caller: RequestContext, service: str, operation: str, params: dict, *, via: str) -> dict:
        """Another service's operation as the same caller (S3 -> KMS)."""
        ctx = RequestContext(
            request_id=events.new_uuid(),
            service=service,
            operation=operation,
            account_id=caller.account_id,
            region=caller.region,
            principal=caller.principal,
            params=params,
            now=caller.now,
            app=self,
            source_ip=caller.source_ip,
            user_agent=caller.user_agent,
            secure_transport=caller.secure_transport,
            via_service=via,
        )
        return self.execute(ctx)


class Dispatcher:
    """WSGI entry: AWS requests straight to the simulator (no Flask routing
    on the hot path), everything under FLASK_PREFIXES to Flask."""

    def __init__(self, simulator: Simulator, flask_app: Flask):
        self.simulator = simulator
        self.flask_wsgi = flask_app.wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(FLASK_PREFIXES):
            try:
                return self.flask_wsgi(environ, start_response)
            finally:
                # Flask's request keeps itself in the environ: see below.
                environ.pop("werkzeug.request", None)
        # Not populated into the environ: a request and its environ that
        # refer to each other are freed only by the cyclic garbage collector,
        # and until then the server's input stream with its buffers lives on
        # (granian's, outside Python's heap): a worker grew by some 3 MiB per
        # 64 MiB uploaded until a collection (+70 MiB over 16 uploads).
        request = Request(environ, populate_request=False)
        response = self.simulator.handle(request)
        if _body_left_unread(request, response):
            # An early error answers before the body is read: the client may
            # then not send the body at all (Expect: 100-continue, as boto3
            # sends it for uploads), and the server, draining the declared
            # length, would take it out of the next request on the connection
            # (seen under load: "ET /bucket" signed as "GET /bucket").
            response.headers["Connection"] = "close"
        app_iter, status, headers = response.get_wsgi_response(environ)
        start_response(status, headers)
        if not response.is_sequence:  # a streamed object body
            return app_iter
        # A body already in memory goes back as a list: granian sends a list
        # in one write instead of iterating it from its own thread (measured
        # on a bare granian app: 59 against 49 µs of CPU per request).
        with contextlib.closing(app_iter):
            return [b"".join(app_iter)]


def _body_left_unread(request: Request, response: Response) -> bool:
    """Whether an answer may have left the request's body unread: an error
    to a request that came with one (the server's input stream does not say
    how much of it was read; successful operations read their bodies whole)."""
    if response.status_code < 300:
        return False
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def create_app(config: Config | None = None) -> Flask:
    """One Flask app serving every service, the control API and the console."""
    from .control import control

    config = config or Config()
    simulator = Simulator(config)
    app = Flask("awsbox")
    app.extensions["awsbox"] = simulator
    app.register_blueprint(control)
    console = getattr(_optional_module("services.console"), "console", None)
    if console is not None:
        app.register_blueprint(console)
    app.wsgi_app = Dispatcher(simulator, app)
    return app
