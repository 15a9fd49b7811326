"""Bad requests for every operation, built from botocore's input shapes.

For an operation, a *baseline* input is made from its shape (required
members only, named resources taken from ``known`` so handlers get past
"not found" where a resource exists), then each case breaks one member:
drops a required one, gives it the wrong JSON/wire type, an out-of-range
or over-long value, an unknown enum value, garbage in a blob or timestamp,
unicode and NUL characters, a huge string. Each case says whether AWS
must refuse it (``strict``: a 4xx is due) or may accept it (unicode in a
free-text member; S3, which checks few shape constraints): either way
never a 5xx. Deterministic: cases are enumerated; when an operation has
more than ``cap`` of them a sample seeded by the operation's name is kept.
"""
from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import json
import random
from urllib.parse import quote
from xml.sax.saxutils import escape

from raw_requests import PROTOCOLS, QUERY_VERSIONS, Raw, json_request, query_request

from simulator.protocols.models import service_model
from simulator.protocols.shapes import operation_nodes

S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
HUGE = 200_000
# Strings that make a free-text member interesting without making it
# invalid: NUL, a lone UTF-16 surrogate (JSON can carry one, UTF-8 cannot),
# right-to-left override, astral plane, terminal escapes, XML metacharacters.
UNICODE = ["nul\x00byte", "lone\ud800surrogate", "rtl\u202eevil", "astral\U0001d518\U0001f600",
           "esc\x1b[31mred", "<xml attr='&amp;'>\"</xml>", "\ufeffbom", "line\r\nbreak"]
# S3 headers travel as latin-1 text: what a header can carry of the above.
HEADER_UNICODE = ["caf\xe9", "<&'\">", "=?UTF-8?B?/w==?="]
_NAMES = ["robustness", "alias/robustness", "arn:aws:iam::123456789012:user/robustness",
          "1234abcd-12ab-34cd-56ef-1234567890ab", "AKIAROBUSTNESS000000", "a", "/", "1"]
_DROP = object()
# Operations whose bare baseline would undo the resources every case aims at.
_DESTRUCTIVE = ("Delete", "Disable", "Schedule", "Remove", "Detach", "Deactivate", "Retire", "Revoke", "Cancel",
                "Abort", "Untag", "Disconnect", "Reset", "Update", "Put", "Replicate")


@dataclasses.dataclass(frozen=True)
class Wrong:
    """A value put on the wire as it is, whatever the member's type: a JSON
    value (JSON), text or a list of texts (query, XML, headers)."""

    value: object


@dataclasses.dataclass
class Case:
    operation: str
    what: str
    params: dict
    strict: bool


def input_node(service: str, operation: str):
    return operation_nodes(service_model(service), operation)[0]


# -- baselines -----------------------------------------------------------------

def _string(n, name, known):
    if name in known:
        return known[name]
    if n.enum:
        return n.enum[0]
    for candidate in _NAMES:
        if (n.pattern is None or n.pattern(candidate)) and (n.min or 0) <= len(candidate) <= (n.max or 1 << 30):
            return candidate
    return "a" * max(n.min or 1, 1)


def baseline(n, known: dict, name: str = "", depth: int = 0):
    """A plausible value of node ``n`` (required members only)."""
    t = n.type
    if t == "structure":
        if depth > 4:
            return {}
        return {key: baseline(f.node, known, key, depth + 1) for key, f in n.fields.items() if key in n.required}
    if name in known and t != "string":
        return known[name]
    if t == "list":
        return [baseline(n.member.node, known, name, depth + 1) for _ in range(max(n.min or 1, 1))]
    if t == "map":
        return {"robustness": baseline(n.value.node, known, name, depth + 1)}
    if t == "string":
        return _string(n, name, known)
    if t in ("integer", "long"):
        low, high = n.min if n.min is not None else 1, n.max if n.max is not None else 1 << 30
        return min(max(low, 1), high)
    if t in ("float", "double"):
        return float(n.min or 1)
    if t == "boolean":
        return False
    if t == "blob":
        return b"robustness"[: n.max or 10].ljust(n.min or 1, b"r")
    if t == "timestamp":
        return dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    return "robustness"


# -- the ways to break one member ---------------------------------------------

def breakages(f, protocol: str, required: bool, index: int) -> list[tuple[str, object, bool]]:
    """(what, value, strict) for one member. ``validated``: the protocol
    checks the model's constraints (JSON and query do; S3 checks its own
    rules, not the model's lengths and enums)."""
    n, t = f.node, f.node.type
    if f.wire.lower() == "content-length":
        return []  # HTTP framing, not a member: the HTTP server answers for it
    j, q, x = protocol == "json", protocol == "query", protocol == "rest-xml"
    validated = not x
    header = f.location in ("header", "headers")
    out = []
    if required and f.location != "uri":
        # S3 tells operations sharing a path apart by their required headers
        # and query keys: without one, the request is another operation
        # (UploadPart without uploadId is PutObject), which may well succeed.
        out.append(("missing required", _DROP, not (x and f.location in ("header", "querystring"))))
    if t == "string":
        if j:
            out += [("list for string", Wrong(["a"]), True), ("number for string", Wrong(5), True),
                    ("object for string", Wrong({"a": 1}), True)]
        if q:
            out.append(("list for string", Wrong(["a", "b"]), True))
        if n.enum:
            out.append(("unknown enum", "NOT_A_REAL_ENUM_VALUE", validated))
        if n.max is not None and n.max < HUGE:
            out.append(("over-long", "a" * (n.max + 1), validated))
        if n.min:
            out.append(("empty", "", validated))
        if n.pattern is not None and not header:
            breaker = "\x00 not/valid"
            out.append(("pattern breaker", breaker, validated and not n.pattern(breaker)))
        pool = HEADER_UNICODE if header else UNICODE
        out.append((f"unicode {index % len(pool)}", pool[index % len(pool)], False))
    elif t in ("integer", "long"):
        out.append(("text for integer", Wrong("abc"), True))
        if j:
            out += [("float for integer", Wrong(1.5), True), ("boolean for integer", Wrong(True), True)]
        out.append(("integer overflow", Wrong(2 ** 64), validated))
        if n.min is not None:
            out.append(("below minimum", n.min - 1, validated))
        if n.max is not None:
            out.append(("above maximum", n.max + 1, validated))
    elif t in ("float", "double"):
        out.append(("text for double", Wrong("abc"), True))
    elif t == "boolean":
        out.append(("text for boolean", Wrong("maybe"), True))
        if j:
            out += [("string for boolean", Wrong("true"), True), ("number for boolean", Wrong(1), True)]
    elif t == "blob" and not f.streaming:
        if j or q:
            out.append(("not base64", Wrong("%%%not-base64%%%"), True))
        if j:
            out.append(("number for blob", Wrong(12345), True))
        if n.max is not None and n.max < HUGE:
            out.append(("over-long blob", b"\x00" * (n.max + 1), validated))
    elif t == "timestamp":
        out += [("garbage timestamp", Wrong("not-a-date"), not x), ("impossible date", Wrong("2024-13-45T99:99:99Z"), not x)]
        if j:
            out += [("timestamp overflow", Wrong(1e20), True), ("list for timestamp", Wrong([1]), True)]
    elif t == "list":
        if j:
            out += [("string for list", Wrong("notalist"), True), ("object for list", Wrong({"a": 1}), True),
                    ("null in list", Wrong([None]), False)]
        if q:
            out.append(("string for list", Wrong("notalist"), False))
        if n.min:
            out.append(("empty list", [], validated))
    elif t == "map":
        if j:
            out += [("list for map", Wrong(["x"]), True), ("null map value", Wrong({"k": None}), False)]
            if n.value.node.type == "string":
                out.append(("number map value", Wrong({"k": 5}), True))
    elif t == "structure":
        if j:
            out += [("string for structure", Wrong("x"), True), ("list for structure", Wrong([1]), True)]
        if q:
            out.append(("string for structure", Wrong("x"), False))
    return out


def _walk(n, path=(), depth=0):
    """(path, field, required) of every member worth breaking: top-level
    members and those of nested structures (in a list: its first element)."""
    for key, f in n.fields.items():
        here = path + (key,)
        yield here, f, key in n.required
        if depth >= 2:
            continue
        child = f.node
        if child.type == "list" and child.member.node.type == "structure":
            yield from _walk(child.member.node, here + (0,), depth + 1)
        elif child.type == "structure":
            yield from _walk(child, here, depth + 1)


def _put(params: dict, root, path: tuple, value, known: dict) -> dict:
    params = copy.deepcopy(params)
    holder, n = params, root
    for step in path[:-1]:
        if isinstance(step, int):
            n = n.member.node
            if not holder:
                holder.append(baseline(n, known))
            holder = holder[step]
        else:
            n = n.fields[step].node
            if holder.get(step) is None or isinstance(holder[step], Wrong):
                holder[step] = baseline(n, known)
            holder = holder[step]
    if value is _DROP:
        holder.pop(path[-1], None)
    else:
        holder[path[-1]] = value
    return params


def cases(service: str, operation: str, known: dict, cap: int) -> list[Case]:
    n = input_node(service, operation)
    protocol = PROTOCOLS[service]
    if n is None:
        return []
    base = baseline(n, known)
    found = []
    for index, (path, f, required) in enumerate(_walk(n)):
        for what, value, strict in breakages(f, protocol, required, index):
            if value is _DROP and len(path) > 1 and not _present(base, path[:-1]):
                continue  # a missing member of an optional parent: nothing to drop
            found.append(Case(operation, f"{'.'.join(map(str, path))}: {what}", _put(base, n, path, value, known), strict))
    strings = [(path, f) for path, f, _ in _walk(n) if f.node.type == "string" and f.location not in ("header", "uri", "querystring")]
    if strings:
        path, f = strings[0]
        too_long = f.node.max is not None and f.node.max < HUGE
        found.append(Case(operation, f"{'.'.join(map(str, path))}: huge string", _put(base, n, path, "H" * HUGE, known),
                          too_long and protocol != "rest-xml"))
    if len(found) > cap:
        found = random.Random(f"{service}.{operation}").sample(found, cap)
    if not operation.startswith(_DESTRUCTIVE):
        # The model's required members only: some operations need members
        # the model leaves optional (Decrypt's CiphertextBlob, CreateGrant's
        # GranteePrincipal), and without them the answer must still be an error.
        found.append(Case(operation, "required members only", base, False))
    return found


def _present(params, path) -> bool:
    holder = params
    for step in path:
        try:
            holder = holder[step]
        except (KeyError, IndexError, TypeError):
            return False
    return True


# -- on the wire -----------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def to_json(n, value):
    if isinstance(value, Wrong):
        return value.value
    t = n.type
    if t == "structure":
        return {f.wire: to_json(f.node, value[key]) for key, f in n.fields.items() if key in value}
    if t == "list":
        return [to_json(n.member.node, v) for v in value]
    if t == "map":
        return {k: to_json(n.value.node, v) for k, v in value.items()}
    if t == "blob":
        return _b64(value)
    if t == "timestamp":
        return value.timestamp()
    return value


def _text(n, value) -> str:
    if isinstance(value, Wrong):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return _b64(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def to_query(prefix: str, f, value, pairs: list) -> None:
    n = f.node
    if isinstance(value, Wrong) and isinstance(value.value, list):
        pairs += [(f"{prefix}.member.{i}", _text(n, v)) for i, v in enumerate(value.value, 1)]
    elif isinstance(value, Wrong) or n.type not in ("structure", "list", "map"):
        pairs.append((prefix, _text(n, value)))
    elif n.type == "structure":
        for key, sub in n.fields.items():
            if key in value:
                to_query(f"{prefix}.{sub.wire}" if prefix else sub.wire, sub, value[key], pairs)
    elif n.type == "list":
        if not value:
            pairs.append((prefix, ""))
        name = prefix if f.flattened else f"{prefix}.member"
        for i, item in enumerate(value, 1):
            to_query(f"{name}.{i}", n.member, item, pairs)
    else:
        for i, (k, v) in enumerate(value.items(), 1):
            pairs.append((f"{prefix}.entry.{i}.{n.key.wire}", k))
            to_query(f"{prefix}.entry.{i}.{n.value.wire}", n.value, v, pairs)


def form(pairs) -> bytes:
    """Form encoding that lets a lone surrogate through as its (invalid)
    UTF-8 bytes, as a broken client would send it."""
    return "&".join(f"{quote(k, safe='', errors='surrogatepass')}={quote(v, safe='', errors='surrogatepass')}"
                    for k, v in pairs).encode()


def to_xml(f, value, name: str | None = None) -> str:
    """XML text built by hand, so that characters XML cannot hold (NUL)
    go out raw, as a broken client would send them."""
    name = name or f.wire
    n = f.node
    if isinstance(value, Wrong) and isinstance(value.value, list):
        inner = "".join(f"<member>{escape(_text(n, v))}</member>" for v in value.value)
    elif isinstance(value, Wrong) or n.type not in ("structure", "list", "map"):
        inner = escape(_text(n, value))
    elif n.type == "structure":
        inner = "".join(to_xml(sub, value[key]) for key, sub in n.fields.items() if key in value and not sub.location)
    elif n.type == "list":
        member = n.member.wire if n.member.wire != "member" else f.wire
        items = "".join(to_xml(n.member, item, member if f.flattened else None) for item in value)
        return items if f.flattened else f"<{name}>{items}</{name}>"
    else:
        inner = "".join(f"<entry>{to_xml(n.key, k)}{to_xml(n.value, v)}</entry>" for k, v in value.items())
    return f"<{name}>{inner}</{name}>"


def _label(value, greedy: bool) -> str:
    return quote(_text(None, value), safe="/" if greedy else "", errors="surrogatepass")


def rest_xml_request(service: str, operation: str, n, params: dict, label: str) -> Raw:
    op = service_model(service).operation_model(operation)
    uri = op.http["requestUri"]
    path, _, static_query = uri.partition("?")
    headers, query = {}, [part for part in static_query.split("&") if part and not part.startswith("x-id=")]
    body = b""
    for key, f in n.fields.items():
        if key not in params:
            continue
        value = params[key]
        if f.location == "uri":
            for pattern, greedy in ((f"{{{f.wire}+}}", True), (f"{{{f.wire}}}", False)):
                path = path.replace(pattern, _label(value, greedy))
        elif f.location == "header":
            if isinstance(value, list):
                headers[f.wire] = ",".join(_text(f.node, v) for v in value)
            elif isinstance(value, dt.datetime):
                headers[f.wire] = value.strftime("%a, %d %b %Y %H:%M:%S GMT")
            else:
                headers[f.wire] = _text(f.node, value)
        elif f.location == "headers" and isinstance(value, dict):
            headers.update({f.wire + k: _text(None, v) for k, v in value.items()})
        elif f.location == "querystring":
            items = value.items() if isinstance(value, dict) else [(f.wire, v) for v in value] \
                if isinstance(value, list) else [(f.wire, value)]
            query += [f"{quote(k, safe='')}={_label(v, False)}" for k, v in items]
        elif key == n.payload:
            if f.streaming or f.node.type == "blob":
                body = value if isinstance(value, bytes) else _text(f.node, value).encode("utf-8", "surrogatepass")
            elif f.node.type == "structure" and not isinstance(value, Wrong):
                inner = to_xml(f, value).encode("utf-8", "surrogatepass")
                body = inner.replace(f"<{f.wire}>".encode(), f'<{f.wire} xmlns="{S3_NAMESPACE}">'.encode(), 1)
            else:
                body = _text(f.node, value).encode("utf-8", "surrogatepass")
    # Header values are latin-1 on the wire; what is not latin-1 goes as UTF-8 bytes read as latin-1.
    headers = {k: v.encode("utf-8", "surrogatepass").decode("latin-1") for k, v in headers.items()}
    return Raw(service, op.http["method"], path, query="&".join(query), headers=headers, body=body, label=label)


def request(service: str, case: Case) -> Raw:
    n = input_node(service, case.operation)
    label = f"{service}.{case.operation} [{case.what}]"
    protocol = PROTOCOLS[service]
    if protocol == "json":
        body = json.dumps(to_json(n, case.params)).encode() if n is not None else b"{}"
        return json_request(service, case.operation, body, label=label)
    if protocol == "query":
        pairs = [("Action", case.operation), ("Version", QUERY_VERSIONS[service])]
        if n is not None:
            for key, f in n.fields.items():
                if key in case.params:
                    to_query(f.wire, f, case.params[key], pairs)
        return query_request(service, form(pairs), label=label)
    return rest_xml_request(service, case.operation, n, case.params, label)

