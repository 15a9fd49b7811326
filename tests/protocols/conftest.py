"""The protocol contract, tested against botocore's own code: botocore's
serializers build the requests an SDK sends, botocore's parsers read our
responses back."""
import io
from urllib.parse import urlsplit

import pytest
from botocore.awsrequest import HeadersDict, create_request_object, prepare_request_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from simulator.errors import AwsError
from simulator.protocols import protocol_for
from simulator.registry import Service


class ValidationException(AwsError):
    pass


class UnknownOperationException(AwsError):
    pass


class SerializationException(AwsError):
    pass


class InvalidAction(AwsError):
    pass


class ValidationError(AwsError):
    pass


class MalformedInput(AwsError):
    pass


class InvalidArgument(AwsError):
    pass


class MalformedXML(AwsError):
    pass


class MethodNotAllowed(AwsError):
    status = 405


def _service(name, validation, unknown, malformed):
    # Not registered: the real services (and the coverage table) stay untouched.
    return Service(f"protocol-test-{name}", model_name=name, register=False, validation_error=validation,
                   unknown_operation=unknown, malformed_body=malformed)


SERVICES = {
    "kms": _service("kms", ValidationException, UnknownOperationException, SerializationException),
    "cloudtrail": _service("cloudtrail", ValidationException, UnknownOperationException, SerializationException),
    "iam": _service("iam", ValidationError, InvalidAction, MalformedInput),
    "sts": _service("sts", ValidationError, InvalidAction, MalformedInput),
    "s3": _service("s3", InvalidArgument, MethodNotAllowed, MalformedXML),
}


class Sent:
    """A request as an SDK sends it: the werkzeug request, the raw path and
    the body in the form the dispatcher hands to the protocol."""

    def __init__(self, service, request, path, body):
        self.service, self.request, self.path, self.body = service, request, path, body
        self.protocol = protocol_for(service)

    def operation(self):
        return self.protocol.operation_name(self.service, self.request, self.path)

    def parse(self, operation=None):
        return self.protocol.parse(self.service, operation or self.operation(), self.request, self.path, self.body)


def send(name, operation, params, *, method=None, path=None, query=None, headers=None, body=None):
    """Serialize ``params`` with botocore exactly as an SDK would; any keyword
    replaces that part of the request (to send what an SDK would not)."""
    service = SERVICES[name]
    model = service.model.operation_model(operation)
    request_dict = create_serializer(service.protocol, include_validation=False).serialize_to_request(params, model)
    prepare_request_dict(request_dict, endpoint_url="https://example.amazonaws.com")
    prepared = create_request_object(request_dict).prepare()
    url = urlsplit(prepared.url)
    data = prepared.body if body is None else body
    if hasattr(data, "read"):
        data = data.read()
    data = data.encode() if isinstance(data, str) else (data or b"")
    sent_headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()}
    sent_headers.update(headers or {})
    raw_path = url.path if path is None else path
    builder = EnvironBuilder(method=method or prepared.method, path="/", query_string=url.query if query is None
                             else query, headers=sent_headers, data=data)
    request = Request(builder.get_environ())
    if service.protocol == "rest-xml":
        return Sent(service, request, raw_path, io.BytesIO(data))
    return Sent(service, request, raw_path, data)


def read_back(name, operation, response):
    """Our response as botocore's parser reads it."""
    service = SERVICES[name]
    model = service.model.operation_model(operation)
    body = b"".join(response.iter_encoded()) if response.is_streamed else response.get_data()
    parsed = create_parser(service.protocol).parse(
        {"status_code": response.status_code, "headers": HeadersDict(response.headers.items()), "body": body},
        model.output_shape)
    parsed.pop("ResponseMetadata", None)
    return parsed, body


@pytest.fixture
def protocol_send():
    return send


@pytest.fixture
def protocol_read_back():
    return read_back


@pytest.fixture
def services():
    return SERVICES
