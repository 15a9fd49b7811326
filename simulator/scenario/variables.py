"""Variables in scenario files: ``${name}`` or ``${name.Path.To.Field}``
(list items by index: ``${keys.Keys.0.KeyId}`` or ``${keys.Keys[0].KeyId}``).

A string that is exactly one reference takes the referenced value with its
type (a number stays a number, a structure a structure); a reference inside
longer text is written into it as text.
"""
from __future__ import annotations

import re

REFERENCE = re.compile(r"\$\{([A-Za-z][A-Za-z0-9_-]*)((?:\.[^.}\[]+|\[\d+\])*)\}")
MISSING = object()


class UnresolvedVariable(LookupError):
    pass


def split_path(path: str) -> list:
    """"KeyMetadata.Arn" -> ["KeyMetadata", "Arn"]; "Keys[0].KeyId" and
    "Keys.0.KeyId" -> ["Keys", 0, "KeyId"]."""
    parts: list = []
    for piece in re.findall(r"[^.\[\]]+|\[\d+\]", path or ""):
        if piece.startswith("["):
            parts.append(int(piece[1:-1]))
        elif piece.isdigit():
            parts.append(int(piece))
        else:
            parts.append(piece)
    return parts


def lookup(value, path) -> object:
    """The value at ``path`` (a string or a list of parts), or MISSING."""
    for part in split_path(path) if isinstance(path, str) else path:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, dict) and isinstance(part, int) and str(part) in value:
            value = value[str(part)]
        elif isinstance(value, (list, tuple)) and isinstance(part, int) and -len(value) <= part < len(value):
            value = value[part]
        else:
            return MISSING
    return value


def references(value):
    """Every (name, path) referenced anywhere in ``value``, with where (a
    path tuple inside ``value``) it is written."""
    if isinstance(value, str):
        for match in REFERENCE.finditer(value):
            yield (), match.group(1), match.group(2).lstrip(".")
    elif isinstance(value, dict):
        for key, item in value.items():
            for where, name, path in references(item):
                yield (key,) + where, name, path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for where, name, path in references(item):
                yield (index,) + where, name, path


def substitute(value, scope: dict):
    """``value`` with every reference replaced from ``scope``."""
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole:
            return _resolve(whole.group(1), whole.group(2), scope)
        return REFERENCE.sub(lambda m: _text(_resolve(m.group(1), m.group(2), scope)), value)
    if isinstance(value, dict):
        return {key: substitute(item, scope) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, scope) for item in value]
    return value


def _resolve(name: str, path: str, scope: dict):
    if name not in scope:
        raise UnresolvedVariable(f"${{{name}}} has no value (the step that captures it did not succeed)")
    found = lookup(scope[name], path.lstrip("."))
    if found is MISSING:
        raise UnresolvedVariable(f"${{{name}{path}}}: {name} has no field {path.lstrip('.')!r}")
    return found


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
