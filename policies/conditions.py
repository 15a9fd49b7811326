"""Condition operators: the ``Condition`` element of a statement.

AWS's rules (IAM User Guide, "Condition operators" and "Conditions with
multiple context keys or values"):

- condition key names are case-insensitive; values are not (except the
  ``IgnoreCase`` operators);
- several operators in a block, and several keys under one operator, are
  AND'd; several values for one key are OR'd, and for a negated operator
  (``StringNotEquals``...) NOR'd;
- a key missing from the request context makes a positive operator false and
  a negated one true; ``...IfExists`` makes a missing key true; ``Null`` tests
  presence; ``ForAllValues:`` is true for a missing key and ``ForAnyValue:``
  false.

The request context handed to :meth:`Condition.test` is a dict keyed by
lowercased key names; values are str, bool, int/float, datetime, bytes or a
list of those (multi-valued keys such as ``aws:TagKeys``).
"""
from __future__ import annotations

import base64
import datetime as _dt
import functools
import ipaddress
from typing import Callable, Mapping, Optional

from policies.variables import Template

_NEGATED = {
    "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike",
    "NumericNotEquals", "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike",
}

# operator -> the family of values and tests it uses
_OPERATORS = {
    "StringEquals": "string", "StringNotEquals": "string",
    "StringEqualsIgnoreCase": "string_ignore_case", "StringNotEqualsIgnoreCase": "string_ignore_case",
    "StringLike": "like", "StringNotLike": "like",
    "NumericEquals": "numeric_eq", "NumericNotEquals": "numeric_eq",
    "NumericLessThan": "numeric_lt", "NumericLessThanEquals": "numeric_le",
    "NumericGreaterThan": "numeric_gt", "NumericGreaterThanEquals": "numeric_ge",
    "DateEquals": "date_eq", "DateNotEquals": "date_eq",
    "DateLessThan": "date_lt", "DateLessThanEquals": "date_le",
    "DateGreaterThan": "date_gt", "DateGreaterThanEquals": "date_ge",
    "Bool": "bool",
    "BinaryEquals": "binary",
    "IpAddress": "ip", "NotIpAddress": "ip",
    "ArnEquals": "arn", "ArnLike": "arn", "ArnNotEquals": "arn", "ArnNotLike": "arn",
    "Null": "null",
}
_BY_LOWER = {name.lower(): name for name in _OPERATORS}
_SET_PREFIXES = {"forallvalues": "all", "foranyvalue": "any"}


class UnknownOperator(ValueError):
    """The operator is not one of IAM's condition operators."""


class Condition:
    """One (operator, key, values) triple of a Condition block."""

    __slots__ = ("operator", "key", "key_lower", "family", "negated", "if_exists", "set_operator",
                 "values", "_match")

    def __init__(self, operator: str, key: str, values: tuple, *, with_variables: bool = True):
        self.operator = operator
        base, self.set_operator, self.if_exists = parse_operator(operator)
        self.key = key
        self.key_lower = key.lower()
        self.family = _OPERATORS[base]
        self.negated = base in _NEGATED
        self.values, self._match = _compile_values(self.family, values, with_variables)

    def test(self, context: Mapping[str, object], missing: Optional[list] = None) -> bool:
        """Whether the condition holds for the request context. Keys absent
        from the context are appended to ``missing`` when given."""
        raw = context.get(self.key_lower)
        if isinstance(raw, (list, tuple, set, frozenset)):
            present = list(raw)
        elif raw is None:
            present = []
        else:
            present = [raw]
        if self.family == "null":
            # "true": the key must be absent; "false": present.
            return any((not present) == v for v in self.values)
        if not present:
            if missing is not None:
                missing.append(self.key)
            if self.if_exists:
                return True
            if self.set_operator is not None:
                return self.set_operator == "all"
            return self.negated
        match, values, negated = self._match, self.values, self.negated
        # Each context value "holds" if it matches one of the policy values
        # (none of them, for a negated operator). ForAllValues and plain
        # negated operators need every context value to hold; ForAnyValue and
        # plain positive operators need one.
        need_all = self.set_operator == "all" or (self.set_operator is None and negated)
        for item in present:
            hit = False
            for value in values:
                if match(item, value, context):
                    hit = True
                    break
            if hit == negated:
                if need_all:
                    return False
            elif not need_all:
                return True
        return need_all

    def __repr__(self):
        return f"Condition({self.operator!r}, {self.key!r}, {self.values!r})"


def parse_operator(operator: str) -> tuple[str, Optional[str], bool]:
    """Split ``ForAnyValue:StringLikeIfExists`` into (base operator, set
    operator, IfExists). Raises :class:`UnknownOperator`."""
    set_operator = None
    name = operator
    if ":" in name:
        prefix, name = name.split(":", 1)
        set_operator = _SET_PREFIXES.get(prefix.lower())
        if set_operator is None:
            raise UnknownOperator(operator)
    if_exists = False
    if name.lower().endswith("ifexists") and name.lower() != "ifexists":
        name, if_exists = name[: -len("IfExists")], True
    base = _BY_LOWER.get(name.lower())
    # Null tests existence itself: it takes neither IfExists nor a set operator.
    if base is None or (base == "Null" and (if_exists or set_operator)):
        raise UnknownOperator(operator)
    return base, set_operator, if_exists


# --- value compilation and matching, one pair per family --------------------

def _compile_values(family: str, values: tuple, with_variables: bool) -> tuple[tuple, Callable]:
    texts = tuple(_policy_text(v) for v in values)
    if family in ("string", "string_ignore_case", "like", "arn"):
        arn = family == "arn"
        compiled = tuple(Template(t, with_variables=with_variables, arn=arn) for t in texts)
        return compiled, _STRING_MATCHERS[family]
    if family.startswith("numeric"):
        return tuple(_number(t) for t in texts), _ordered(_number, family[len("numeric_"):])
    if family.startswith("date"):
        return tuple(_date(t) for t in texts), _ordered(_date, family[len("date_"):])
    if family == "bool":
        return tuple(t.lower() for t in texts), _match_bool
    if family == "binary":
        return texts, _match_binary
    if family == "ip":
        return tuple(_network(t) for t in texts), _match_ip
    # null
    return tuple(t.lower() == "true" for t in texts), None


def _policy_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _context_text(item) -> Optional[str]:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (str, int, float)):
        return str(item)
    if isinstance(item, _dt.datetime):
        return _date_text(item)
    return None


def _match_equals(item, template: Template, context) -> bool:
    text = _context_text(item)
    return text is not None and template.resolve(context) == text


def _match_equals_ignore_case(item, template: Template, context) -> bool:
    text = _context_text(item)
    resolved = template.resolve(context) if text is not None else None
    return resolved is not None and resolved.casefold() == text.casefold()


def _match_like(item, template: Template, context) -> bool:
    text = _context_text(item)
    return text is not None and template.matches(text, context)


def _match_arn(item, template: Template, context) -> bool:
    # ArnEquals and ArnLike are the same test: each of the six ARN components
    # matched on its own, wildcards allowed.
    text = _context_text(item)
    if text is None or (text.count(":") < 5 and not template.is_wildcard):
        return False
    return template.matches(text, context)


_STRING_MATCHERS = {
    "string": _match_equals,
    "string_ignore_case": _match_equals_ignore_case,
    "like": _match_like,
    "arn": _match_arn,
}


def _number(value) -> Optional[float]:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _date(value) -> Optional[float]:
    """A date from a policy or the context, as epoch seconds: ISO 8601 text,
    epoch seconds, or a datetime."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return value.timestamp()
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = _dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return _date(parsed)


def _date_text(value: _dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


_COMPARISONS = {
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def _ordered(convert: Callable, comparison: str) -> Callable:
    compare = _COMPARISONS[comparison]

    def match(item, value, context) -> bool:
        actual = convert(item)
        return actual is not None and value is not None and compare(actual, value)

    return match


def _match_bool(item, value: str, context) -> bool:
    text = _context_text(item)
    return text is not None and text.lower() == value


def _match_binary(item, value: str, context) -> bool:
    # Policies hold base64; the context may hold the raw bytes.
    if isinstance(item, (bytes, bytearray)):
        item = base64.b64encode(bytes(item)).decode("ascii")
    return isinstance(item, str) and item == value


def _network(value: str):
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def _match_ip(item, network, context) -> bool:
    address = _address(str(item))
    return (network is not None and address is not None
            and address.version == network.version and address in network)


@functools.lru_cache(maxsize=4096)
def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None
