"""botocore shapes compiled once into plain nodes, the validation AWS runs on
them, and the scalar wire formats the three protocols share.

A botocore ``Shape`` recomputes little but is heavy to walk; every request of
an operation walks the same tree, so it is compiled once per shape into
:class:`Node` (what the shape is) and :class:`Field` (how a member of a
structure, or the element of a list or map, appears on the wire).
"""
from __future__ import annotations

import base64
import binascii
import datetime as _dt
import email.utils
import functools
import re
import sys
import threading
import unicodedata

UTC = _dt.timezone.utc


class Field:
    """A member as it appears on the wire: its name there, where it goes
    (uri, header, headers, querystring, statusCode or the body) and the
    member-level traits botocore merges into the member's serialization."""

    __slots__ = ("key", "wire", "location", "node", "flattened", "xml_attribute", "xml_namespace",
                 "timestamp_format", "streaming", "path_name")

    def __init__(self, key: str, shape, node: "Node"):
        ser = shape.serialization
        self.key = key
        self.wire = ser.get("name", key)
        self.location = ser.get("location")
        self.node = node
        self.flattened = bool(ser.get("flattened"))
        self.xml_attribute = bool(ser.get("xmlAttribute"))
        self.xml_namespace = ser.get("xmlNamespace")
        self.timestamp_format = ser.get("timestampFormat")
        self.streaming = bool(ser.get("streaming"))
        # AWS's validation messages name members in lowerCamelCase
        # ('keySpec', 'sAMLOptions'): only the first letter is lowered.
        self.path_name = key[:1].lower() + key[1:]


def flattened_name(f: Field) -> str:
    """The name a flattened list's elements repeat under: the list member's
    own name when it has one, else the name of the member holding the list."""
    member = f.node.member
    return member.wire if member.wire != "member" else f.wire


class Node:
    """What a shape is: its type, constraints and children."""

    __slots__ = ("name", "type", "fields", "required", "payload", "member", "key", "value", "enum",
                 "min", "max", "pattern", "pattern_text", "sensitive")

    def __init__(self, shape):
        meta = shape.metadata
        self.name = shape.name
        self.type = shape.type_name
        self.fields: dict[str, Field] = {}
        self.required: tuple = tuple(meta.get("required", ()))
        self.payload = shape.serialization.get("payload")
        self.member = self.key = self.value = None
        self.enum = tuple(shape.enum) if getattr(shape, "enum", None) else ()
        self.min = meta.get("min")
        self.max = meta.get("max")
        self.pattern_text = meta.get("pattern")
        self.pattern = _java_pattern(self.pattern_text) if self.pattern_text else None
        self.sensitive = bool(meta.get("sensitive"))


_NODES: dict = {}
# Request threads compile shapes on first use; one compiles at a time, and a
# tree is published only once complete, so no thread sees a half-built node.
_COMPILING = threading.Lock()


def node(model, shape) -> Node | None:
    """The compiled node of a botocore shape (None for no shape), built once
    per (service model, shape name). Recursive shapes are supported: while a
    tree compiles, a node is registered (privately) before its children."""
    if shape is None:
        return None
    found = _NODES.get((id(model), shape.name))
    if found is not None:
        return found
    with _COMPILING:
        building: dict = {}
        n = _compile(model, shape, building)
        _NODES.update(building)
    return n


def _compile(model, shape, building: dict) -> Node | None:
    if shape is None:
        return None
    cache_key = (id(model), shape.name)
    found = _NODES.get(cache_key) or building.get(cache_key)
    if found is not None:
        return found
    n = building[cache_key] = Node(shape)
    if n.type == "structure":
        n.fields = {key: Field(key, ref, _compile(model, ref, building)) for key, ref in shape.members.items()}
    elif n.type == "list":
        n.member = Field("member", shape.member, _compile(model, shape.member, building))
    elif n.type == "map":
        n.key = Field("key", shape.key, _compile(model, shape.key, building))
        n.value = Field("value", shape.value, _compile(model, shape.value, building))
    return n


@functools.lru_cache(maxsize=None)
def operation_nodes(model, operation: str) -> tuple:
    """(input node, output node) of an operation."""
    op = model.operation_model(operation)
    return node(model, op.input_shape), node(model, op.output_shape)


# -- patterns ---------------------------------------------------------------

# Java's regex dialect in the models: \p{L}-style Unicode classes and
# supplementary ranges written as UTF-16 surrogate pairs, which Python's re
# spells differently.
_SURROGATE_PAIR = re.compile(r"\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})", re.I)
_UNICODE_CLASS = re.compile(r"\\p\{(\w)\w?\}")


def _java_pattern(text: str):
    def pair(m):
        hi, lo = int(m.group(1), 16), int(m.group(2), 16)
        return "\\U%08X" % (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))

    text = _SURROGATE_PAIR.sub(pair, text)
    text = _UNICODE_CLASS.sub(lambda m: _category_ranges(m.group(1)), text)
    # Java's \w, \d and \s are ASCII unless asked otherwise; Python's match any script.
    return re.compile(text, re.ASCII).fullmatch


@functools.lru_cache(maxsize=None)
def _category_ranges(major: str) -> str:
    """Character-class ranges of every code point in a Unicode major
    category (L, N, Z, ...), for use inside [...]."""
    ranges, start, prev = [], None, None
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp))[0] == major:
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            ranges.append((start, prev))
            start = None
    if start is not None:
        ranges.append((start, prev))
    return "".join("\\U%08X-\\U%08X" % r if r[0] != r[1] else "\\U%08X" % r[0] for r in ranges)


# -- validation -------------------------------------------------------------

def validate(n: Node, value, path: str = "", *, constraints: bool = True) -> list[str]:
    """AWS's server-side validation of input against the model: each
    violation as AWS words it ("Value 'X' at 'keySpec' failed to satisfy
    constraint: ..."). With ``constraints=False`` only required members are
    checked (S3 validates its documents against the schema, not limits)."""
    errors: list[str] = []
    _check(n, value, path, errors, constraints)
    return errors


def validation_message(errors: list[str]) -> str:
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(errors)


def _check(n: Node, value, path: str, errors: list, constraints: bool) -> None:
    t = n.type
    if t == "structure":
        for key, f in n.fields.items():
            sub = f"{path}.{f.path_name}" if path else f.path_name
            v = value.get(key)
            if v is None:
                if key in n.required:
                    errors.append(f"Value null at '{sub}' failed to satisfy constraint: Member must not be null")
            else:
                _check(f.node, v, sub, errors, constraints)
        return
    if constraints:
        for problem in _violations(n, value):
            shown = "" if n.sensitive or n.name in _VALUE_LEFT_OUT else f" '{_shown(n, value)}'"
            errors.append(f"Value{shown} at '{path}' failed to satisfy constraint: {problem}")
    # A null element of a list or map (JSON's [null], {"k": null}) breaks
    # every handler that walks it: AWS's models have no sparse collections
    # among the services we serve, so it is refused like a missing member.
    if t == "list":
        for i, item in enumerate(value, 1):
            sub = f"{path}.{i}.member"
            if item is None:
                errors.append(f"Value null at '{sub}' failed to satisfy constraint: Member must not be null")
            else:
                _check(n.member.node, item, sub, errors, constraints)
    elif t == "map":
        for k, item in value.items():
            _check(n.key.node, k, f"{path}.{k}", errors, constraints)
            if item is None:
                errors.append(f"Value null at '{path}.{k}' failed to satisfy constraint: Member must not be null")
            else:
                _check(n.value.node, item, f"{path}.{k}", errors, constraints)


# Shapes whose rejected value AWS leaves out of the message although the
# model does not mark them sensitive: IAM's policy version ids ("Value at
# 'versionId' failed to satisfy constraint", two AWS-validated snapshots in
# localstack's IAM tests), where the same service echoes a bad userName.
_VALUE_LEFT_OUT = frozenset({"policyVersionIdType"})


def _violations(n: Node, value):
    if n.enum and isinstance(value, str) and value not in n.enum:
        yield f"Member must satisfy enum value set: [{', '.join(n.enum)}]"
    if n.type in ("string", "blob", "list", "map"):
        size = len(value)
        if n.min is not None and size < n.min:
            yield f"Member must have length greater than or equal to {n.min}"
        if n.max is not None and size > n.max:
            yield f"Member must have length less than or equal to {n.max}"
    elif n.type in ("integer", "long", "float", "double"):
        if n.min is not None and value < n.min:
            yield f"Member must have value greater than or equal to {n.min}"
        if n.max is not None and value > n.max:
            yield f"Member must have value less than or equal to {n.max}"
    if n.pattern is not None and isinstance(value, str) and not n.pattern(value):
        yield f"Member must satisfy regular expression pattern: {n.pattern_text}"


def _shown(n: Node, value) -> str:
    # How AWS's (Java) services print a rejected value.
    if n.type == "blob":
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}"
    return str(value)


# -- scalars ----------------------------------------------------------------

class BadValue(ValueError):
    """A scalar that does not convert to its shape's type."""


# What AWS's (Java) deserializers can hold: an integer is 32 bits, a long 64.
INTEGER_RANGE = {"integer": (-(1 << 31), (1 << 31) - 1), "long": (-(1 << 63), (1 << 63) - 1)}


def in_range(value: int, t: str) -> int:
    """``value`` if an ``integer``/``long`` shape can hold it, else BadValue."""
    low, high = INTEGER_RANGE[t]
    if not low <= value <= high:
        raise BadValue(str(value))
    return value


# An integer as AWS's (Java) parsers read one: an optional sign and digits.
# Python's int() also takes surrounding blanks and underscores ("1_0").
_INTEGER = re.compile(r"[+-]?\d+")


def to_int(text: str, t: str = "long") -> int:
    if not isinstance(text, str) or not _INTEGER.fullmatch(text):
        raise BadValue(str(text))
    return in_range(int(text), t)


def unicode_text(text: str) -> str:
    """``text`` if it is Unicode that UTF-8 can carry, else BadValue: a lone
    UTF-16 surrogate (JSON's "\\ud800") is valid JSON but no character, and
    nothing downstream (store, logs, responses) can encode it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadValue(text) from None
    return text


def to_float(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        raise BadValue(text) from None


def to_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise BadValue(text)


def to_bytes(text) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise BadValue(text) from None


def to_datetime(raw) -> _dt.datetime:
    """A timestamp in any of the model's formats: epoch seconds, ISO-8601
    or RFC 822 (HTTP date)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise BadValue(raw)
    if isinstance(raw, str):
        try:
            raw = float(raw)
        except ValueError:
            return _datetime_text(raw)
    try:
        return _dt.datetime.fromtimestamp(raw, UTC)
    except (ValueError, OverflowError, OSError):
        raise BadValue(raw) from None


def _datetime_text(text: str) -> _dt.datetime:
    try:
        parsed = _dt.datetime.fromisoformat(text)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).astimezone(UTC)
    except (TypeError, ValueError, IndexError):
        raise BadValue(text) from None


def _aware(value: _dt.datetime) -> _dt.datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso8601(value: _dt.datetime) -> str:
    value = _aware(value)
    return value.strftime("%Y-%m-%dT%H:%M:%S") + f".{value.microsecond // 1000:03d}Z"


def rfc822(value: _dt.datetime) -> str:
    return email.utils.format_datetime(_aware(value), usegmt=True)


def epoch_seconds(value: _dt.datetime):
    seconds = round(_aware(value).timestamp(), 3)
    return int(seconds) if seconds == int(seconds) else seconds


def timestamp_text(value: _dt.datetime, fmt: str | None, default: str):
    """A timestamp in the member's timestampFormat, else the location's
    default ('iso8601', 'rfc822' or 'unixTimestamp')."""
    fmt = (fmt or default).lower()
    if fmt == "rfc822":
        return rfc822(value)
    if fmt == "unixtimestamp":
        return epoch_seconds(value)
    return iso8601(value)


def scalar_text(f: Field, value, timestamp_default: str = "iso8601") -> str:
    """A scalar as text on the wire (XML text, header value)."""
    t = f.node.type
    if t == "boolean":
        return "true" if value else "false"
    if t == "timestamp":
        return str(timestamp_text(value, f.timestamp_format, timestamp_default))
    if t == "blob":
        return base64.b64encode(value).decode("ascii")
    if t in ("float", "double"):
        return repr(float(value))
    return str(value)


def text_scalar(f: Field, text: str):
    """Text from the wire as the member's Python type; BadValue if it is not one."""
    t = f.node.type
    if t in ("integer", "long"):
        return to_int(text, t)
    if t == "boolean":
        return to_bool(text)
    if t == "timestamp":
        return to_datetime(text)
    if t == "blob":
        return to_bytes(text)
    if t in ("float", "double"):
        return to_float(text)
    return text
