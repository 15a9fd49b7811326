"""Services and their operations.

A service is declared once with its botocore model; its operations are plain
functions ``handler(ctx, params) -> dict`` registered with ``@service.operation``.
The function's name is the operation's name in snake_case and is matched against
botocore's model, so the list of implemented operations is derived, never kept
by hand, and a misspelt handler fails at import.
"""
from __future__ import annotations

import re
from typing import Callable

from .errors import AwsError
from .protocols.models import service_model

_SERVICES: dict[str, "Service"] = {}


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class Service:
    def __init__(
        self,
        name: str,
        *,
        validation_error: Callable[..., AwsError],
        unknown_operation: type[AwsError],
        malformed_body: type[AwsError] | None = None,
        not_implemented: type[AwsError] | None = None,
        model_name: str | None = None,
        signing_name: str | None = None,
        global_service: bool = False,
        register: bool = True,
    ):
        self.name = name
        self.model = service_model(model_name or name)
        self.protocol = self.model.protocol
        self.signing_name = signing_name or self.model.signing_name or name
        # The error raised when input breaks the model's shape (KMS
        # ValidationException, IAM ValidationError, S3 InvalidArgument...):
        # its class, or a function building it (S3 words some cases as AWS does).
        self.validation_error = validation_error
        # A body that does not parse (bad JSON, bad XML); defaults to the
        # validation error.
        self.malformed_body = malformed_body or validation_error
        # An operation of the model that awsbox does not simulate (S3:
        # NotImplemented 501); defaults to the unknown-operation error.
        self.not_implemented = not_implemented or unknown_operation
        self.unknown_operation = unknown_operation
        self.global_service = global_service  # IAM: one region for all
        # Browser CORS for services that have it (S3): an object with
        # preflight_request(store, path, headers) -> headers (raising the
        # service's error) and actual_request_headers(store, path, headers, method).
        self.cors = None
        # Services that check a body read whole against the digests the
        # client sent with it (S3: Content-MD5, x-amz-checksum-*): a callable
        # (lowercased headers, document bytes) raising the service's error.
        self.check_document = None
        # Services whose resources live in one region each (S3's buckets):
        # a callable (store, operation, params) -> the region a request for
        # them must be signed for, or None when any region will do. A request
        # signed for another is refused before it is authorized.
        self.expected_region = None
        self.handlers: dict[str, Callable] = {}
        self._by_normal = {_normal(op): op for op in self.model.operation_names}
        if register:  # False: a stand-alone service (protocol tests), never served
            _SERVICES[name] = self

    def operation(self, fn: Callable) -> Callable:
        op = self._by_normal.get(_normal(fn.__name__))
        if op is None:
            raise LookupError(f"{self.name} has no operation named like {fn.__name__!r}")
        if op in self.handlers:
            raise LookupError(f"{self.name}.{op} registered twice")
        self.handlers[op] = fn
        return fn

    def implemented(self) -> list[str]:
        return sorted(self.handlers)

    def operation_model(self, name: str):
        return self.model.operation_model(name)


def services() -> dict[str, Service]:
    return dict(_SERVICES)


def service(name: str) -> Service:
    return _SERVICES[name]
