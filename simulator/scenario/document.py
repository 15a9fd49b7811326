"""Scenario and seed files: YAML read with the line of every node, checked
against their published JSON Schema (``scenarios/schema/``), so that every
error names the file, the line and what is wrong."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import yaml

# The shipped scenarios and their schemas live at the top of the repository.
SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SCHEMA_DIR = SCENARIOS_DIR / "schema"
# kind -> the `schema:` value a file declares -> the JSON Schema file.
SCHEMAS = {
    "scenario": {"awsbox/scenario/v1": "scenario.v1.json"},
    "seed": {"awsbox/seed/v1": "seed.v1.json"},
}


class ScenarioError(Exception):
    """A file that cannot be run: names the file, the line and the problem."""

    def __init__(self, file, line: int | None, message: str):
        self.file, self.line, self.problem = str(file), line, message
        super().__init__(f"{self.file}:{line}: {message}" if line else f"{self.file}: {message}")


@dataclasses.dataclass
class Document:
    """A parsed file: plain data plus where each node was written."""

    path: Path
    data: dict
    lines: dict  # path tuple (keys and list indexes) -> 1-based line

    def line_of(self, where: tuple) -> int | None:
        """The line of ``where``, or of its nearest written ancestor."""
        where = tuple(where)
        while where not in self.lines and where:
            where = where[:-1]
        return self.lines.get(where)

    def error(self, where: tuple, message: str) -> ScenarioError:
        return ScenarioError(self.path, self.line_of(where), message)


def _plain(node, where: tuple, lines: dict, path):
    """A composed YAML node as plain data, noting each node's line."""
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(path, key_node.start_mark.line + 1, "a key must be plain text")
            key = key_node.value
            if key in out:
                raise ScenarioError(path, key_node.start_mark.line + 1, f"{key!r} is given twice")
            out[key] = _plain(value_node, where + (key,), lines, path)
            # An error about a member points at its key's line.
            lines[where + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, where + (i,), lines, path) for i, item in enumerate(node.value)]
    # Scalars get YAML's own typing (ints, booleans, null) from the safe loader.
    return yaml.safe_load(yaml.serialize(node))


def parse(path, kind: str, text: str | None = None) -> Document:
    """Read and validate a file of ``kind`` ("scenario" or "seed")."""
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ScenarioError(path, None, f"cannot read the file: {error.strerror}") from None
        except UnicodeDecodeError:
            raise ScenarioError(path, None, "the file is not UTF-8 text") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError(path, mark.line + 1 if mark else None, f"not valid YAML: {problem}") from None
    if node is None:
        raise ScenarioError(path, None, "the file is empty")
    lines: dict = {}
    data = _plain(node, (), lines, path)
    document = Document(path, data, lines)
    if not isinstance(data, dict):
        raise document.error((), f"a {kind} file is a mapping (schema:, title:, ...), not a {type(data).__name__}")
    declared = data.get("schema")
    if declared not in SCHEMAS[kind]:
        known = ", ".join(SCHEMAS[kind])
        raise document.error(("schema",), f"'schema:' must name a {kind} schema version ({known}), got {declared!r}")
    error = jsonschema.exceptions.best_match(validator(declared).iter_errors(data))
    if error is not None:
        raise document.error(where(error), describe(error))
    return document


_VALIDATORS: dict = {}


def validator(declared: str):
    """The validator of a schema version ("awsbox/seed/v1", ...)."""
    if declared not in _VALIDATORS:
        name = next(files[declared] for files in SCHEMAS.values() if declared in files)
        _VALIDATORS[declared] = jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / name).read_text()))
    return _VALIDATORS[declared]


def _unknown(error: jsonschema.ValidationError) -> list:
    if error.validator not in ("additionalProperties", "unevaluatedProperties") or not isinstance(error.instance, dict):
        return []
    allowed = set(error.schema.get("properties", {}))
    return sorted(k for k in error.instance if k not in allowed) if allowed else []


def where(error: jsonschema.ValidationError) -> tuple:
    """Where an error is: an unknown field's own line, else the node's."""
    unknown = _unknown(error)
    return tuple(error.absolute_path) + tuple(unknown[:1])


def describe(error: jsonschema.ValidationError, within: tuple = (), whole: str = "the file") -> str:
    """jsonschema's message, said the way a file's author reads it. The
    document checked may be part of a file (``within``: a scenario's setup)
    or no file at all (``whole``: what to call it)."""
    place = ".".join(str(p) for p in within + tuple(error.absolute_path)) or whole
    unknown = _unknown(error)
    if unknown:
        allowed = sorted(error.schema.get("properties", {}))
        return f"unknown field {', '.join(map(repr, unknown))} in {place} (allowed: {', '.join(allowed)})"
    choices = _choices(error)
    if choices:
        given = [c for c in choices if c in error.instance]
        how = "exactly one" if error.validator == "oneOf" else "at least one"
        return f"{place}: needs {how} of {', '.join(choices)}" + (f" (has {', '.join(given)})" if given else "")
    return f"{place}: {error.message}"


def _choices(error: jsonschema.ValidationError) -> list:
    """The members of a "one of these" rule (a step's call, advance_clock or
    local; an object's body, file or body_base64), else []."""
    alternatives = error.schema.get(error.validator) if error.validator in ("oneOf", "anyOf") else None
    if not isinstance(error.instance, dict) or not alternatives:
        return []
    if not all(set(a) == {"required"} and len(a["required"]) == 1 for a in alternatives):
        return []
    return [a["required"][0] for a in alternatives]
