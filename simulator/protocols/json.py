"""The JSON protocol (KMS, CloudTrail): X-Amz-Target names the operation,
the body is a JSON object of the input members."""
from __future__ import annotations

import base64
import json

from werkzeug.wrappers import Response

from . import shapes
from .protocol import Protocol, check, nodes, operation_names
from .shapes import BadValue


class JsonProtocol(Protocol):
    def operation_name(self, service, request, path):
        prefix, _, name = request.headers.get("X-Amz-Target", "").rpartition(".")
        if prefix != service.model.metadata.get("targetPrefix") or name not in operation_names(service.model):
            # AWS's JSON services answer an unknown target with the bare code.
            raise service.unknown_operation("")
        return name

    def parse(self, service, operation, request, path, body):
        n, _ = nodes(service, operation)
        try:
            raw = json.loads(body.decode("utf-8")) if body and body.strip() else {}
        except (UnicodeDecodeError, ValueError) as e:
            raise service.malformed_body(f"Malformed JSON: {e}") from None
        except RecursionError:  # [[[[...]]]] deeper than Python's stack
            raise service.malformed_body("Malformed JSON: nested too deeply.") from None
        if n is None:
            return {}
        try:
            params = _decode(n, raw)
        except BadValue as e:
            raise service.malformed_body(str(e)) from None
        return check(service, n, params)

    def serialize(self, service, operation, output, request_id):
        _, n = nodes(service, operation)
        body = _encode(n, output or {}) if n is not None else {}
        return Response(json.dumps(body, separators=(",", ":")), 200, {
            "Content-Type": _content_type(service),
            "x-amzn-RequestId": request_id,
        })

    def serialize_error(self, service, error, request_id):
        body = {"__type": error.code, "message": error.message,
                **{k: v for k, v in error.fields.items() if v is not None}}
        response = Response(json.dumps(body, separators=(",", ":"), default=str), error.status, {
            "Content-Type": _content_type(service),
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": error.code,
        })
        response.headers.update(error.headers)
        return response


def _content_type(service) -> str:
    return f"application/x-amz-json-{service.model.metadata.get('jsonVersion', '1.0')}"


# How AWS's JSON deserializer names what it found where something else was due.
def _found(raw) -> str:
    if isinstance(raw, dict):
        return "Start of structure or map"
    if isinstance(raw, list):
        return "Start of list"
    if isinstance(raw, bool):
        return "BOOLEAN_VALUE"
    if isinstance(raw, (int, float)):
        return "NUMBER_VALUE"
    return "STRING_VALUE"


def _mismatch(raw, wanted: str) -> BadValue:
    if isinstance(raw, (dict, list)):
        return BadValue(f"{_found(raw)} found where not expected.")
    return BadValue(f"{_found(raw)} can not be converted to {wanted}")


def _decode(n, raw):
    t = n.type
    if t == "structure":
        if not isinstance(raw, dict):
            raise _mismatch(raw, "a structure")
        out = {}
        for key, f in n.fields.items():
            v = raw.get(f.wire)
            if v is not None:
                out[key] = _decode(f.node, v)
        return out
    if t == "list":
        if not isinstance(raw, list):
            raise _mismatch(raw, "a list")
        return [_decode(n.member.node, v) if v is not None else None for v in raw]
    if t == "map":
        if not isinstance(raw, dict):
            raise _mismatch(raw, "a map")
        return {_unicode(k): _decode(n.value.node, v) if v is not None else None for k, v in raw.items()}
    if t == "string":
        if not isinstance(raw, str):
            raise _mismatch(raw, "a String")
        return _unicode(raw)
    if t == "boolean":
        if not isinstance(raw, bool):
            raise _mismatch(raw, "a Boolean")
        return raw
    if t in ("integer", "long"):
        wanted = "an Integer" if t == "integer" else "a Long"
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _mismatch(raw, wanted)
        try:
            return shapes.in_range(raw, t)
        except BadValue:
            raise BadValue(f"Numeric value ({raw}) out of range of {wanted}") from None
    if t in ("float", "double"):
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise _mismatch(raw, "a Double")
        return float(raw)
    if t == "blob":
        if not isinstance(raw, str):
            raise _mismatch(raw, "a Blob")
        try:
            return shapes.to_bytes(raw)
        except BadValue:
            raise BadValue("Base64 encoded value is not valid.") from None
    if t == "timestamp":
        try:
            return shapes.to_datetime(raw)
        except BadValue:
            raise _mismatch(raw, "a Timestamp") from None
    return raw  # document types travel as plain JSON


def _unicode(text: str) -> str:
    try:
        return shapes.unicode_text(text)
    except BadValue:
        raise BadValue("Invalid UTF-8: a string holds a lone surrogate.") from None


def _encode(n, value, timestamp_format=None):
    t = n.type
    if t == "structure":
        return {f.wire: _encode(f.node, value[key], f.timestamp_format)
                for key, f in n.fields.items() if value.get(key) is not None}
    if t == "list":
        return [_encode(n.member.node, v, n.member.timestamp_format) for v in value]
    if t == "map":
        return {k: _encode(n.value.node, v, n.value.timestamp_format) for k, v in value.items()}
    if t == "blob":
        return base64.b64encode(value).decode("ascii")
    if t == "timestamp":
        return shapes.timestamp_text(value, timestamp_format, "unixTimestamp")
    return value
