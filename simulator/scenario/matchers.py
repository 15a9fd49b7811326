"""Field matchers of ``expect.fields``: equals (a plain value), not_equals,
regex, exists, length, contains, equals_file. Each returns None when the
value matches, else a message saying what was expected and what came."""
from __future__ import annotations

import re
from pathlib import Path

from .variables import MISSING

MATCHERS = ("equals", "not_equals", "regex", "exists", "length", "contains", "equals_file")


def show(value, limit: int = 300) -> str:
    if value is MISSING:
        return "(absent)"
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(value)} bytes>"
        return repr(text if len(text) <= limit else text[:limit] + "...")
    text = repr(value.isoformat() if hasattr(value, "isoformat") else value)
    return text if len(text) <= limit else text[:limit] + "..."


def normal(value):
    """Answers compared as a YAML author writes them: bytes as text,
    timestamps as ISO 8601."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normal(v) for v in value]
    return value


def check(actual, spec, base_dir: Path) -> list[str]:
    """Mismatches of ``actual`` against a matcher ``spec`` (plain value = equals)."""
    if not isinstance(spec, dict):
        spec = {"equals": spec}
    problems = []
    for name, expected in spec.items():
        problem = globals()[f"_{name}"](actual, expected, base_dir)
        if problem:
            problems.append(problem)
    return problems


def _equals(actual, expected, base_dir):
    if actual is MISSING or normal(actual) != expected:
        return f"expected {show(expected)}, got {show(actual)}"


def _not_equals(actual, expected, base_dir):
    if actual is not MISSING and normal(actual) == expected:
        return f"expected anything but {show(expected)}, got it"


def _regex(actual, expected, base_dir):
    text = normal(actual)
    if actual is MISSING or not isinstance(text, (str, int, float)) or not re.search(expected, str(text)):
        return f"expected a match for /{expected}/, got {show(actual)}"


def _exists(actual, expected, base_dir):
    present = actual is not MISSING and actual is not None
    if present != expected:
        return f"expected the field {'present' if expected else 'absent'}, got {show(actual)}"


def _length(actual, expected, base_dir):
    if actual is MISSING or not hasattr(actual, "__len__"):
        return f"expected something with a length, got {show(actual)}"
    size = len(actual)
    low, high = (expected, expected) if isinstance(expected, int) else (expected.get("min", 0), expected.get("max"))
    if size < low or (high is not None and size > high):
        want = f"{low}" if low == high else f"between {low} and {high if high is not None else 'any'}"
        return f"expected length {want}, got {size}: {show(actual)}"


def _contains(actual, expected, base_dir):
    value = normal(actual)
    if isinstance(value, str) and isinstance(expected, str) and expected in value:
        return None
    if isinstance(value, list) and any(_subset(expected, item) for item in value):
        return None
    if isinstance(value, dict) and isinstance(expected, dict) and _subset(expected, value):
        return None
    return f"expected it to contain {show(expected)}, got {show(actual)}"


def _subset(expected, actual) -> bool:
    """An expected structure matches when each of its members does."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _subset(v, actual[k]) for k, v in expected.items())
    return expected == actual


def _equals_file(actual, expected, base_dir):
    path = Path(base_dir) / expected
    wanted = path.read_bytes()
    got = actual.encode() if isinstance(actual, str) else actual
    if got is MISSING or got != wanted:
        return f"expected the bytes of {expected} ({len(wanted)} bytes), got {show(actual, 80)}" + (
            f" ({len(got)} bytes)" if isinstance(got, bytes) else "")
