"""The REST-XML protocol (S3): the operation is found from the method, the
path, the query keys and a few headers; input members come from URI labels,
headers, the query string and an XML (or raw, streamed) payload; outputs go
to the status code, headers and an XML document or a streamed body."""
from __future__ import annotations

import base64
import functools
import hashlib
import re
from urllib.parse import parse_qsl, unquote

from werkzeug.wrappers import Response
from werkzeug.wsgi import FileWrapper

from . import shapes, xml_shapes
from .protocol import RESPONSE_STATUS, Protocol, lowercase_headers, nodes
from .shapes import BadValue

S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
MALFORMED_XML = "The XML you provided was not well-formed or did not validate against our published schema"
# Request documents (policies, lifecycle rules, delete lists...) are small;
# S3's own limits are far below this.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
_STREAM_CHUNK = 64 * 1024

# The root element of output documents that have no payload member. AWS's
# Smithy models name these roots (@xmlName) but botocore's JSON drops them;
# Get* outputs share the root of their Put* input payload and are derived
# from the model (see _root_name), the rest are listed here.
_OUTPUT_ROOTS = {
    "CompleteMultipartUploadOutput": "CompleteMultipartUploadResult",
    "CreateMultipartUploadOutput": "InitiateMultipartUploadResult",
    "CreateSessionOutput": "CreateSessionResult",
    "DeleteObjectsOutput": "DeleteResult",
    "GetBucketLocationOutput": "LocationConstraint",
    "GetObjectAttributesOutput": "GetObjectAttributesResponse",
    "ListBucketAnalyticsConfigurationsOutput": "ListBucketAnalyticsConfigurationResult",
    "ListBucketIntelligentTieringConfigurationsOutput": "ListBucketIntelligentTieringConfigurationsOutput",
    "ListBucketInventoryConfigurationsOutput": "ListInventoryConfigurationsResult",
    "ListBucketMetricsConfigurationsOutput": "ListMetricsConfigurationsResult",
    "ListBucketsOutput": "ListAllMyBucketsResult",
    "ListDirectoryBucketsOutput": "ListAllMyDirectoryBucketsResult",
    "ListMultipartUploadsOutput": "ListMultipartUploadsResult",
    "ListObjectVersionsOutput": "ListVersionsResult",
    "ListObjectsOutput": "ListBucketResult",
    "ListObjectsV2Output": "ListBucketResult",
    "ListPartsOutput": "ListPartsResult",
}


class _Route:
    """How to recognise one operation's requests."""

    __slots__ = ("operation", "path", "labels", "query", "discriminators", "preference")

    def __init__(self, model, operation: str):
        op = model.operation_model(operation)
        uri_path, _, uri_query = op.http["requestUri"].partition("?")
        self.operation = operation
        self.labels: dict[str, str] = {}  # regex group -> member name
        pattern, pos = [], 0
        for m in re.finditer(r"\{(\w+)(\+?)\}", uri_path):
            pattern.append(re.escape(uri_path[pos:m.start()]))
            group = f"g{len(self.labels)}"
            self.labels[group] = m.group(1)
            pattern.append(f"(?P<{group}>.+)" if m.group(2) else f"(?P<{group}>[^/]+)")
            pos = m.end()
        pattern.append(re.escape(uri_path[pos:]))
        if uri_path.endswith("}") and not uri_path.endswith("+}"):
            pattern.append("/?")  # "/bucket/" addresses the bucket too
        self.path = re.compile("".join(pattern))
        # Literal query keys ("?tagging", "?list-type=2"); "x-id" is only
        # an SDK hint, never a discriminator.
        self.query = {k: v for k, v in parse_qsl(uri_query, keep_blank_values=True) if k != "x-id"}
        n, _ = shapes.operation_nodes(model, operation)
        fields = n.fields if n is not None else {}
        # Required headers and query members tell apart operations sharing a
        # path: CopyObject (x-amz-copy-source) from PutObject, UploadPart
        # (partNumber, uploadId) from PutObject, ListParts from GetObject.
        self.discriminators = tuple((f.location, f.wire.lower() if f.location == "header" else f.wire)
                                    for key, f in fields.items()
                                    if key in n.required and f.location in ("header", "querystring"))
        # Among equals, prefer current operations to deprecated ones
        # (GetBucketLifecycle) and general-purpose to directory-bucket ones
        # (ListBuckets over ListDirectoryBuckets).
        express = any(p.name == "UseS3ExpressControlEndpoint" for p in op.static_context_parameters)
        self.preference = (not op.deprecated, not express)

    def score(self, headers: dict, args: dict):
        for k, v in self.query.items():
            if k not in args or (v and args[k] != v):
                return None
        present = sum(1 for location, name in self.discriminators
                      if name in (headers if location == "header" else args))
        missing = len(self.discriminators) - present
        return (len(self.query), -missing, present) + self.preference


# Kinds of request a _Router keeps the operation of; past this it starts
# afresh (clients use a few dozen; only made-up query keys make more).
MAX_KINDS = 4096


class _Router:
    """One HTTP method's routes, and the route each kind of request goes to.
    Which route wins depends on nothing but which path patterns match, which
    of the query keys and headers the routes name are present, and the value
    of the query keys whose value they name (``list-type=2``): requests alike
    in these go the same way, so the routes are weighed once per kind."""

    __slots__ = ("routes", "patterns", "query_keys", "valued", "header_names", "decided")

    def __init__(self, routes: list[_Route]):
        self.routes = routes
        self.patterns = tuple({r.path.pattern: r.path for r in routes}.values())
        self.query_keys = frozenset(k for r in routes for k in r.query) | frozenset(
            name for r in routes for location, name in r.discriminators if location != "header")
        valued: dict[str, set] = {}
        for r in routes:
            for k, v in r.query.items():
                if v:
                    valued.setdefault(k, set()).add(v)
        self.valued = tuple((k, frozenset(v)) for k, v in valued.items())
        self.header_names = tuple(sorted({name for r in routes for location, name in r.discriminators
                                          if location == "header"}))
        self.decided: dict = {}

    def find(self, request, path: str) -> _Route | None:
        args, headers = request.args, lowercase_headers(request)
        kind = (
            tuple(p.fullmatch(path) is not None for p in self.patterns),
            frozenset(k for k in args if k in self.query_keys),
            tuple(args[k] if args.get(k) in values else None for k, values in self.valued),
            tuple(name in headers for name in self.header_names),
        )
        try:
            return self.decided[kind]
        except KeyError:
            pass
        best = self._weigh(path, headers, args.to_dict())
        if len(self.decided) >= MAX_KINDS:
            self.decided.clear()
        self.decided[kind] = best
        return best

    def _weigh(self, path: str, headers: dict, args: dict) -> _Route | None:
        best, best_score = None, None
        for route in self.routes:
            if route.path.fullmatch(path):
                score = route.score(headers, args)
                if score is not None and (best_score is None or score > best_score):
                    best, best_score = route, score
        return best


@functools.lru_cache(maxsize=None)
def _routers(model) -> dict[str, _Router]:
    by_method: dict[str, list] = {}
    for operation in model.operation_names:
        route = _Route(model, operation)
        by_method.setdefault(model.operation_model(operation).http["method"], []).append(route)
    return {method: _Router(routes) for method, routes in by_method.items()}


@functools.lru_cache(maxsize=None)
def _route(model, operation: str) -> _Route:
    return next(r for r in _routers(model)[model.operation_model(operation).http["method"]].routes
                if r.operation == operation)


class _Plan:
    """Where each input member of one operation comes from, by wire name."""

    __slots__ = ("route", "headers", "prefixes", "query", "query_names", "checksum_required")

    def __init__(self, model, operation: str):
        n, _ = shapes.operation_nodes(model, operation)
        # The model's httpChecksum trait: the body must come with a digest.
        self.checksum_required = bool(model.operation_model(operation).http_checksum.get("requestChecksumRequired"))
        self.route = _route(model, operation)
        self.headers = {f.wire.lower(): (key, f) for key, f in n.fields.items() if f.location == "header"}
        self.prefixes = tuple((f.wire.lower(), key) for key, f in n.fields.items() if f.location == "headers")
        self.query = tuple((key, f) for key, f in n.fields.items() if f.location == "querystring")
        self.query_names = frozenset(f.wire for _, f in self.query)


@functools.lru_cache(maxsize=None)
def _plan(model, operation: str) -> _Plan:
    return _Plan(model, operation)


@functools.lru_cache(maxsize=None)
def _root_name(model, operation: str) -> str:
    output = model.operation_model(operation).output_shape
    if output.name in _OUTPUT_ROOTS:
        return _OUTPUT_ROOTS[output.name]
    put = "Put" + operation[3:]
    if operation.startswith("Get") and put in model.operation_names:
        request = model.operation_model(put).input_shape
        payload = request.serialization.get("payload")
        if payload:
            return request.members[payload].serialization.get("name", payload)
    return output.name


def _host_id(request_id: str) -> str:
    return base64.b64encode(hashlib.sha256(request_id.encode()).digest() * 2).decode()


def _decode_label(text: str) -> str:
    # Exact percent-decoding: '+' is a plus sign in a path, never a space.
    return unquote(text, errors="strict")


class RestXmlProtocol(Protocol):
    def operation_name(self, service, request, path):
        router = _routers(service.model).get(request.method)
        best = router.find(request, path) if router is not None else None
        if best is None:
            segments = path.strip("/").split("/", 1)
            kind = "SERVICE" if not segments[0] else "OBJECT" if len(segments) > 1 else "BUCKET"
            raise service.unknown_operation("The specified method is not allowed against this resource.",
                                            Method=request.method, ResourceType=kind)
        return best.operation

    def parse(self, service, operation, request, path, body):
        n, _ = nodes(service, operation)
        if n is None:
            return {}
        plan = _plan(service.model, operation)
        params = {}
        match = plan.route.path.fullmatch(path)
        if match:
            try:
                for group, key in plan.route.labels.items():
                    params[key] = _decode_label(match.group(group))
            except UnicodeDecodeError:
                raise service.validation_error("The path is not valid UTF-8 once percent-decoded.") from None
        for name, raw in lowercase_headers(request).items():
            bound = plan.headers.get(name)
            if bound is not None:
                value = _header_value(service, bound[1], raw)
                if value is not None:
                    params[bound[0]] = value
            for prefix, key in plan.prefixes:
                if name.startswith(prefix):
                    params.setdefault(key, {})[name[len(prefix):]] = raw
        if plan.query:
            args = request.args
            for key, f in plan.query:
                if f.node.type == "map":
                    # A querystring map takes every parameter no other member binds.
                    found = {k: v for k, v in args.items() if k not in plan.query_names}
                    if found:
                        params[key] = found
                elif f.wire in args:
                    if f.node.type == "list":
                        params[key] = [_argument(service, f.node.member, v, f.wire) for v in args.getlist(f.wire)]
                    elif args[f.wire] == "" and f.node.type in ("integer", "long"):
                        # An empty number is no number given: S3 lists parts
                        # from the start for part-number-marker= (localstack's
                        # AWS-validated test_list_parts_empty_part_number_marker).
                        continue
                    else:
                        params[key] = _argument(service, f, args[f.wire], f.wire)
        self._parse_body(service, n, body, params, lowercase_headers(request), plan.checksum_required)
        missing = [n.fields[key].wire for key in n.required if params.get(key) is None
                   and n.fields[key].location in ("uri", "header", "querystring")]
        if missing:
            raise service.validation_error(f"Missing required parameter: {missing[0]}", ArgumentName=missing[0])
        return params

    def _parse_body(self, service, n, body, params, headers: dict, checksum_required: bool) -> None:
        payload = n.payload
        if payload is not None:
            f = n.fields[payload]
            if f.streaming:
                params[payload] = body
                return
            data = _read_document(service, body, headers, checksum_required)
            if not data:
                if f.node.type == "string" and payload in n.required:
                    # An empty text payload (a bucket policy) is the
                    # handler's to judge, in its service's words.
                    params[payload] = ""
                elif payload in n.required:
                    raise service.malformed_body(MALFORMED_XML)
                return
            if f.node.type == "structure":
                params[payload] = self._document(service, f.node, data, root=f.wire)
            elif f.node.type == "string":
                try:
                    params[payload] = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise service.malformed_body("The request body is not valid UTF-8.") from None
            else:
                params[payload] = data
        elif any(f.location is None for f in n.fields.values()):
            data = _read_document(service, body, headers, checksum_required)
            if data:
                params.update(self._document(service, n, data))

    def _document(self, service, n, data: bytes, root: str | None = None) -> dict:
        try:
            value = xml_shapes.read_members(xml_shapes.parse(data, root), n)
        except (ValueError, BadValue):
            raise service.malformed_body(MALFORMED_XML) from None
        if shapes.validate(n, value, constraints=False):
            raise service.malformed_body(MALFORMED_XML)
        return value

    def serialize(self, service, operation, output, request_id):
        _, n = nodes(service, operation)
        op = service.model.operation_model(operation)
        output = output or {}
        status = int(output.get(RESPONSE_STATUS) or op.http.get("responseCode", 200))
        headers = {"x-amz-request-id": request_id, "x-amz-id-2": _host_id(request_id)}
        body, content_type = b"", None
        if n is not None:
            fields = n.fields
            # The members the handler set, a few of the dozens an output may have.
            for key, value in output.items():
                f = fields.get(key)
                if f is None or value is None:
                    continue
                if f.location == "header":
                    headers[f.wire] = mail_safe(_header_text(f, value))
                elif f.location == "headers":
                    headers.update((f.wire + k, mail_safe(v)) for k, v in value.items())
                elif f.location == "statusCode":
                    status = int(value)
            body, content_type = _body(service, operation, n, output)
        if content_type and "Content-Type" not in headers:
            headers["Content-Type"] = content_type
        length = headers.pop("Content-Length", None)
        response = _Response(body, status, list(headers.items()), direct_passthrough=not isinstance(body, bytes))
        if length is not None:
            # Set after construction: werkzeug sets the length of the body it
            # is given, which would overwrite HeadObject's object size.
            response.headers["Content-Length"] = length
        return response

    def serialize_error(self, service, error, request_id):
        element, text = xml_shapes.element, xml_shapes.text
        inner = (element("Code", text(error.code)) + element("Message", text(error.message))
                 + "".join(element(name, text(str(value))) for name, value in error.fields.items() if value is not None)
                 + element("RequestId", request_id) + element("HostId", _host_id(request_id)))
        response = Response(xml_shapes.document("Error", inner), error.status, content_type="application/xml")
        response.headers["x-amz-request-id"] = request_id
        response.headers["x-amz-id-2"] = _host_id(request_id)
        response.headers.update({name: mail_safe(str(value)) for name, value in error.headers.items()})
        return response


class _Response(Response):
    # A Content-Type only where the operation has one (werkzeug's default is text/plain).
    default_mimetype = None


def _read_document(service, body, headers: dict, checksum_required: bool = False) -> bytes:
    """A body read whole, checked against the digests in the request's
    (lowercased) headers before it is parsed, and refused without one when
    the operation requires it (a request whose settings all travel in
    headers, as a canned ACL does, has no document to protect)."""
    data = b"" if body is None else body if isinstance(body, bytes) else body.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise service.malformed_body(MALFORMED_XML)
    if data and service.check_document is not None:
        service.check_document(headers, data, required=checksum_required)
    return data


def _invalid(service, name: str, raw: str):
    return service.validation_error(f"Invalid argument: {name}", ArgumentName=name, ArgumentValue=raw)


def _header_value(service, f, raw: str):
    t = f.node.type
    if t == "list":
        # Header lists are comma-separated; an element holding a comma or
        # a quote is sent double-quoted.
        items = [m.group(1).replace('\\"', '"') if m.group(1) is not None else m.group(2).strip()
                 for m in re.finditer(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^,]+))\s*(?:,|$)', raw)]
        return [_argument(service, f.node.member, item, f.wire) for item in items]
    try:
        return shapes.text_scalar(f, raw)
    except BadValue:
        if f.wire.lower().startswith("if-"):
            # HTTP ignores a conditional header whose date does not parse.
            return None
        raise _invalid(service, f.wire, raw) from None


def _argument(service, f, raw: str, name: str):
    try:
        return shapes.text_scalar(f, raw)
    except BadValue:
        raise _invalid(service, name, raw) from None


_HEADER_SAFE = re.compile(r"[\x20-\x7e\t]*")


def mail_safe(text: str) -> str:
    """A response header value HTTP can carry. S3 returns user metadata
    holding non-US-ASCII characters encoded per RFC 2047 ("to make them
    mail-safe", S3 User Guide, "Object metadata"); any other value that is
    not printable ASCII is sent the same way rather than not at all."""
    if _HEADER_SAFE.fullmatch(text):
        return text
    return "=?UTF-8?B?" + base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii") + "?="


def _header_text(f, value) -> str:
    if f.node.type == "list":
        return ",".join(shapes.scalar_text(f.node.member, v, "rfc822") for v in value)
    return shapes.scalar_text(f, value, "rfc822")


@functools.lru_cache(maxsize=None)
def _document_fields(n) -> list:
    """The members of an output without a payload member that go in its XML document."""
    return [f for f in n.fields.values() if f.location is None]


def _body(service, operation, n, output) -> tuple:
    """The response body and its content type."""
    payload = n.payload
    if payload is not None:
        f = n.fields[payload]
        value = output.get(payload)
        if value is None:
            return b"", None
        if f.node.type == "structure":
            ns = (f.xml_namespace or {}).get("uri", S3_NAMESPACE)
            return xml_shapes.structure_document(f.wire, f.node, value, ns), "application/xml"
        if isinstance(value, str):
            return value.encode("utf-8"), None
        if hasattr(value, "read"):
            return FileWrapper(value, _STREAM_CHUNK), None
        return value, None
    fields = _document_fields(n)
    if not fields:
        return b"", None
    name = _root_name(service.model, operation)
    sole = fields[0] if len(fields) == 1 else None
    if sole is not None and sole.wire == name and sole.node.type not in ("structure", "list", "map"):
        # The document is the member itself: <LocationConstraint>eu-west-1</...>.
        value = output.get(sole.key)
        inner = xml_shapes.text(shapes.scalar_text(sole, value)) if value is not None else ""
        return xml_shapes.document(name, inner, S3_NAMESPACE), "application/xml"
    return xml_shapes.structure_document(name, n, output, S3_NAMESPACE), "application/xml"
