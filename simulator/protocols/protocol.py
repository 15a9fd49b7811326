"""What every protocol offers the dispatcher, and what they share."""
from __future__ import annotations

import abc
import functools

from . import shapes


# An output member a handler may set when AWS's HTTP status depends on the
# outcome and the model has no statusCode member for it (S3: 206 for a
# range, 202 for a restore started). Not a member of any shape, so no
# serializer writes it anywhere else.
RESPONSE_STATUS = "ResponseStatus"


class Protocol(abc.ABC):
    """Parses requests and serializes responses of one AWS protocol, driven
    by the service's botocore model. Stateless: one instance serves every
    service of the protocol; per-operation work is cached on the model."""

    @abc.abstractmethod
    def operation_name(self, service, request, path: str) -> str:
        """The operation a request asks for; service.unknown_operation if none."""

    @abc.abstractmethod
    def parse(self, service, operation: str, request, path: str, body) -> dict:
        """The validated input of the operation, in Python types."""

    @abc.abstractmethod
    def serialize(self, service, operation: str, output: dict, request_id: str):
        """The werkzeug Response for an operation's output."""

    @abc.abstractmethod
    def serialize_error(self, service, error, request_id: str):
        """The werkzeug Response for an AwsError."""


# Where lowercase_headers keeps its answer: the WSGI environ is the
# request's own scratch space (PEP 3333 leaves "<name>." keys to servers and
# middleware).
_HEADERS_KEY = "awsbox.headers"


def lowercase_headers(request) -> dict:
    """The request's headers by lowercase name (HTTP names are
    case-insensitive; S3 stores metadata names lowercased, as AWS does),
    gathered once per request for every reader of them all."""
    environ = request.environ
    found = environ.get(_HEADERS_KEY)
    if found is None:
        found = environ[_HEADERS_KEY] = {name.lower(): value for name, value in request.headers.items()}
    return found


@functools.lru_cache(maxsize=None)
def operation_names(model) -> frozenset:
    return frozenset(model.operation_names)


def nodes(service, operation: str):
    """(input node, output node) of a service's operation."""
    return shapes.operation_nodes(service.model, operation)


def check(service, n, params: dict) -> dict:
    """Raise the service's validation error if params break the model."""
    if n is not None:
        errors = shapes.validate(n, params)
        if errors:
            raise service.validation_error(shapes.validation_message(errors))
    return params
