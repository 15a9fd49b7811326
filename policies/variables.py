"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team}``,
``${s3:prefix, 'home/'}`` and the special characters ``${*}``, ``${?}`` and
``${$}``, in Resource elements and condition values.

A string from a policy is parsed once into a :class:`Template`; at evaluation
time it is resolved against the request context (a dict keyed by lowercased
condition key names). Variables only exist in version 2012-10-17 documents:
in 2008-10-17 ones ``${...}`` is plain text.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Mapping, Optional

# ${key} or ${key, 'default'}; the key is any condition key name.
_VARIABLE = re.compile(r"\$\{\s*([^}',\s]+)\s*(?:,\s*'([^']*)'\s*)?\}")
# ${*}, ${?} and ${$} stand for the literal characters, never for wildcards.
_SPECIAL = {"${*}": "*", "${?}": "?", "${$}": "$"}

_TEXT, _VARIABLE_PART, _LITERAL = 0, 1, 2


def context_value_text(value) -> Optional[str]:
    """The text a single context value contributes when substituted into a
    policy string; None when it has no single text (a multi-valued key)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        if len(value) != 1:
            return None
        (value,) = tuple(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, bytes):
        return None
    return str(value)


class Template:
    """A policy string that may hold variables. ``parts`` is a tuple of
    (kind, text, default) where kind is text (may hold wildcards), a variable
    (text = lowercased key) or a literal character."""

    __slots__ = ("source", "parts", "variables", "_arn", "_regex", "_resolved")

    def __init__(self, source: str, *, with_variables: bool = True, arn: bool = False):
        self.source = source
        self.parts = _parse(source) if with_variables and "${" in source else ((_TEXT, source, None),)
        self.variables = tuple(p[1] for p in self.parts if p[0] == _VARIABLE_PART)
        self._arn = arn
        # A template without variables compiles once, here.
        self._regex = None if self.variables else _glob_regex(self.parts, arn)
        # Patterns compiled for the variable values seen so far: a service
        # sees the same few user names and prefixes again and again.
        self._resolved: dict = {}

    @property
    def is_wildcard(self) -> bool:
        return self.source == "*"

    def resolve(self, context: Mapping[str, object]) -> Optional[str]:
        """The string with variables substituted (special characters become
        themselves); None if a variable has no value and no default."""
        if not self.variables:
            return "".join(p[1] for p in self.parts)
        out = []
        for kind, text, default in self.parts:
            if kind == _VARIABLE_PART:
                value = _lookup(context, text, default)
                if value is None:
                    return None
                out.append(value)
            else:
                out.append(text)
        return "".join(out)

    def pattern(self, context: Mapping[str, object]) -> Optional[re.Pattern]:
        """The compiled wildcard pattern (``*`` and ``?`` in the policy text are
        wildcards; substituted values and ``${*}`` are literal); None if a
        variable has no value."""
        if not self.variables:
            return self._regex
        values = []
        for kind, text, default in self.parts:
            if kind == _VARIABLE_PART:
                value = _lookup(context, text, default)
                if value is None:
                    return None
                values.append(value)
        values = tuple(values)
        regex = self._resolved.get(values)
        if regex is None:
            substituted = iter(values)
            parts = tuple((_LITERAL, next(substituted), None) if kind == _VARIABLE_PART else (kind, text, None)
                          for kind, text, _ in self.parts)
            regex = _glob_regex(parts, self._arn)
            if len(self._resolved) > 1024:
                self._resolved.clear()
            self._resolved[values] = regex
        return regex

    def matches(self, value: str, context: Mapping[str, object]) -> bool:
        regex = self.pattern(context)
        return regex is not None and regex.fullmatch(value) is not None

    def __repr__(self):
        return f"Template({self.source!r})"


def _lookup(context: Mapping[str, object], key: str, default: Optional[str]) -> Optional[str]:
    value = context.get(key)
    text = context_value_text(value) if value is not None else None
    return default if text is None else text


def _parse(source: str) -> tuple:
    parts = []
    pos = 0
    while pos < len(source):
        start = source.find("${", pos)
        if start < 0:
            parts.append((_TEXT, source[pos:], None))
            break
        if start > pos:
            parts.append((_TEXT, source[pos:start], None))
        special = source[start:start + 4]
        if special in _SPECIAL:
            parts.append((_LITERAL, _SPECIAL[special], None))
            pos = start + 4
            continue
        m = _VARIABLE.match(source, start)
        if m is None:
            # Not a variable: AWS keeps the text as written.
            parts.append((_TEXT, "${", None))
            pos = start + 2
            continue
        parts.append((_VARIABLE_PART, m.group(1).lower(), m.group(2)))
        pos = m.end()
    return tuple(parts)


def _glob_regex(parts: tuple, arn: bool) -> re.Pattern:
    """Translate wildcard text to a regex. In ARN mode each of the first five
    colon-separated components is matched on its own (a wildcard there does
    not run over a colon), as AWS matches ARNs component by component."""
    out = []
    colons = 0
    for kind, text, _ in parts:
        if kind != _TEXT:
            colons += text.count(":")
            out.append(re.escape(text))
            continue
        for ch in text:
            if ch == "*":
                out.append("[^:]*" if arn and colons < 5 else ".*")
            elif ch == "?":
                out.append("[^:]" if arn and colons < 5 else ".")
            else:
                if ch == ":":
                    colons += 1
                out.append(re.escape(ch))
    return _compile("".join(out))


@functools.lru_cache(maxsize=8192)
def _compile(source: str) -> re.Pattern:
    return re.compile(source, re.DOTALL)
