"""The query protocol (IAM, STS): form parameters in, XML out.

Input members are flattened into dotted names (``Tags.member.1.Key``,
``Attributes.entry.1.value``); outputs are
``<OpResponse><OpResult>...</OpResult><ResponseMetadata>`` documents."""
from __future__ import annotations

from urllib.parse import parse_qsl

from werkzeug.wrappers import Response

from .protocol import Protocol, check, nodes, operation_names
from .shapes import BadValue, flattened_name, text_scalar
from .xml_shapes import document, element, text, write_members

_LEAF = None  # the key under which a dotted name's own value sits in the tree


class QueryProtocol(Protocol):
    def operation_name(self, service, request, path):
        action = request.values.get("Action")
        if not action or action not in operation_names(service.model):
            raise service.unknown_operation(
                f"Could not find operation {action} for version {service.model.api_version}")
        return action

    def parse(self, service, operation, request, path, body):
        n, _ = nodes(service, operation)
        try:
            pairs = parse_qsl(request.query_string.decode("utf-8"), keep_blank_values=True, errors="strict")
            if body:
                pairs += parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise service.malformed_body("Request parameters are not valid UTF-8.") from None
        if n is None:
            return {}
        tree: dict = {}
        for name, value in pairs:
            branch = tree
            for part in name.split("."):
                branch = branch.setdefault(part, {})
            branch[_LEAF] = value
        try:
            params = _structure(n, tree)
        except BadValue as e:
            raise service.malformed_body(str(e)) from None
        return check(service, n, params)

    def serialize(self, service, operation, output, request_id):
        _, n = nodes(service, operation)
        inner = ""
        if n is not None:
            wrapper = service.model.operation_model(operation).output_shape.serialization.get("resultWrapper")
            inner = element(wrapper or f"{operation}Result", write_members(n, output or {}))
        inner += element("ResponseMetadata", element("RequestId", request_id))
        body = document(f"{operation}Response", inner, service.model.metadata["xmlNamespace"])
        return Response(body, 200, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id})

    def serialize_error(self, service, error, request_id):
        detail = (element("Type", "Sender" if error.sender_fault else "Receiver") + element("Code", text(error.code))
                  + element("Message", text(error.message))
                  + "".join(element(name, text(str(value))) for name, value in error.fields.items() if value is not None))
        body = document("ErrorResponse", element("Error", detail) + element("RequestId", request_id),
                        service.model.metadata["xmlNamespace"])
        response = Response(body, error.status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id})
        response.headers.update(error.headers)
        return response


def _indexed(branch: dict) -> list:
    # Elements of a list or map are numbered from 1; order by the number.
    return [branch[i] for i in sorted((k for k in branch if k is not _LEAF and k.isdigit()), key=int)]


def _structure(n, branch: dict) -> dict:
    out = {}
    for key, f in n.fields.items():
        sub = branch.get(flattened_name(f) if f.flattened and f.node.type == "list" else f.wire)
        if sub is not None:
            out[key] = _value(f, sub)
    return out


def _value(f, branch: dict):
    n = f.node
    t = n.type
    if t == "structure":
        return _structure(n, branch)
    if t == "list":
        # An empty list is sent as the bare name with an empty value.
        items = branch if f.flattened else branch.get(n.member.wire, {})
        return [_value(n.member, item) for item in _indexed(items)]
    if t == "map":
        entries = branch if f.flattened else branch.get("entry", {})
        out = {}
        for entry in _indexed(entries):
            k = entry.get(n.key.wire, {}).get(_LEAF)
            if k is not None:
                v = entry.get(n.value.wire)
                out[k] = _value(n.value, v) if v is not None else None
        return out
    text = branch.get(_LEAF)
    if text is None:
        raise BadValue(f"Parameter {f.wire} must be a single value.")
    try:
        return text_scalar(f, text)
    except BadValue:
        raise BadValue(f"Invalid {t} value for parameter {f.wire}.") from None
