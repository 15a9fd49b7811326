"""What a scenario file must get right before any call is made, beyond its
JSON Schema: services and operations botocore knows, parameters the
operation's input shape has, actors that are declared, files that exist,
and variables that are defined before they are used."""
from __future__ import annotations

import functools
from pathlib import Path

import botocore.session
import jsonschema

from ..clock import MAX_OFFSET as MAX_CLOCK_OFFSET
from . import document as documents
from .variables import REFERENCE, references

BUILTINS = ("run", "actors")
RUN_FIELDS = ("Id", "Account", "Region")
_TYPES = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "list": (list,),
    "structure": (dict,),
    "map": (dict,),
    "blob": (str, bytes),
    "timestamp": (str, int, float),
}


@functools.lru_cache(maxsize=None)
def _session():
    return botocore.session.get_session()


@functools.lru_cache(maxsize=None)
def service_model(name: str):
    return _session().get_service_model(name)


@functools.lru_cache(maxsize=None)
def known_services() -> frozenset:
    return frozenset(_session().get_available_services())


def operation_model(doc, where: tuple, service: str, operation: str):
    if service not in known_services():
        raise doc.error(where + ("service",), f"unknown service {service!r} (botocore's names: kms, s3, iam, sts, cloudtrail, ...)")
    model = service_model(service)
    if operation not in model.operation_names:
        close = [name for name in model.operation_names if name.lower() == operation.lower()]
        hint = f"; did you mean {close[0]}?" if close else ""
        raise doc.error(where + ("operation",), f"{service} has no operation {operation!r}{hint}")
    return model.operation_model(operation)


def is_file(value) -> bool:
    return isinstance(value, dict) and set(value) == {"file"} and isinstance(value["file"], str)


def check_params(doc, where: tuple, shape, value, label: str) -> None:
    """``value`` against a botocore input ``shape``: member names, required
    members, types. Variables stand for values of any type."""
    if isinstance(value, str) and REFERENCE.fullmatch(value):
        return
    if is_file(value):
        if shape.type_name != "blob":
            raise doc.error(where, f"{label}: {{file: ...}} only fits a blob member, this one is a {shape.type_name}")
        if not (doc.path.parent / value["file"]).is_file():
            raise doc.error(where, f"{label}: no such file {value['file']!r} (paths are relative to the scenario)")
        return
    expected = _TYPES.get(shape.type_name, (object,))
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        raise doc.error(where, f"{label}: expected a {shape.type_name}, got {type(value).__name__} {value!r}")
    if shape.type_name == "structure":
        for member in value:
            if member not in shape.members:
                members = ", ".join(shape.members)
                raise doc.error(where + (member,), f"{label}: unknown parameter {member!r} (known: {members})")
            check_params(doc, where + (member,), shape.members[member], value[member], f"{label}.{member}")
        for member in shape.required_members:
            if member not in value:
                raise doc.error(where, f"{label}: missing required parameter {member!r}")
    elif shape.type_name == "list":
        for index, item in enumerate(value):
            check_params(doc, where + (index,), shape.member, item, f"{label}[{index}]")
    elif shape.type_name == "map":
        for key, item in value.items():
            check_params(doc, where + (key,), shape.value, item, f"{label}.{key}")


def check_output_path(doc, where: tuple, shape, path: str, label: str) -> None:
    """A field path of ``expect.fields`` or ``capture`` must exist in the
    operation's output shape (as far as the shape says)."""
    from .variables import split_path

    for part in split_path(path):
        if shape is None or part == "ResponseMetadata":
            return
        if shape.type_name == "structure":
            if part not in shape.members:
                raise doc.error(where, f"{label}: the answer has no field {part!r} (fields: {', '.join(shape.members) or 'none'})")
            shape = shape.members[part]
        elif shape.type_name == "list":
            if not isinstance(part, int):
                raise doc.error(where, f"{label}: {part!r} follows a list; use an index (.0 or [0])")
            shape = shape.member
        elif shape.type_name == "map":
            shape = shape.value
        else:
            raise doc.error(where, f"{label}: {part!r} goes past a {shape.type_name} value")


def check_scenario(doc) -> None:
    data = doc.data
    actors = data.get("actors") or {}
    for name, actor in actors.items():
        if name == "root" and actor["type"] != "root":
            raise doc.error(("actors", name), "the actor name 'root' is the account root")
    actor_order(doc, actors)
    defined, forgotten = set(BUILTINS), set()
    for name, value in (data.get("variables") or {}).items():
        _check_references(doc, ("variables", name), value, defined, forgotten)
        defined.add(name)
    if "setup" in data:
        _check_setup(doc)
        # Setup runs after the variables, before any actor but root exists.
        _check_references(doc, ("setup",), data["setup"], defined, forgotten)
        for inner, name, path in references(data["setup"]):
            if name == "actors" and path.split(".")[0] != "root":
                raise doc.error(("setup",) + inner, f"${{actors.{path}}}: setup runs before the actors are made (only actors.root is known)")
    for section in ("steps", "teardown"):
        for index, step in enumerate(data.get(section) or []):
            _check_step(doc, (section, index), step, actors, defined, forgotten)
            if section == "steps":
                defined |= set(step.get("capture") or {})
                forgotten -= set(step.get("capture") or {})
            for name in step.get("forget") or []:
                if name not in defined:
                    raise doc.error((section, index, "forget"), f"forget: {name!r} is not a variable at this point")
                defined.discard(name)
                forgotten.add(name)


def actor_order(doc, actors: dict) -> list[str]:
    """Actors in an order where each role's assumer comes first."""
    order: list[str] = []

    def visit(name, trail):
        if name in order:
            return
        if name in trail:
            raise doc.error(("actors", name, "assumed_by"), f"actors assume each other in a circle: {' -> '.join(trail + [name])}")
        actor = actors[name]
        assumer = actor.get("assumed_by")
        if assumer is not None:
            if assumer != "root" and assumer not in actors:
                raise doc.error(("actors", name, "assumed_by"), f"no actor named {assumer!r}")
            if assumer == "root" or actors.get(assumer, {}).get("type") == "root":
                raise doc.error(("actors", name, "assumed_by"), "the root user cannot assume a role (AWS refuses it); assume it as a user")
            visit(assumer, trail + [name])
        order.append(name)

    for name in actors:
        visit(name, [])
    return order


def _check_references(doc, where: tuple, value, defined: set, forgotten: set) -> None:
    for inner, name, path in references(value):
        if name in forgotten:
            raise doc.error(where + inner, f"${{{name}}} is used after a step forgot it")
        if name not in defined:
            raise doc.error(where + inner, f"${{{name}}} is used before anything defines it (no variable, and no earlier step captures it)")
        if name == "run" and path.split(".")[0] not in RUN_FIELDS:
            raise doc.error(where + inner, f"${{run.{path}}}: run has {', '.join(RUN_FIELDS)}")


# What a local step answers, for its captures and expectations.
LOCAL_OUTPUTS = {"Encrypt": ("Ciphertext",), "Decrypt": ("Plaintext",)}


def _check_step(doc, where: tuple, step: dict, actors: dict, defined: set, forgotten: set) -> None:
    if "advance_clock" in step:
        from .runner import CLOCK_UNITS

        seconds = sum(CLOCK_UNITS[unit] * amount for unit, amount in step["advance_clock"].items())
        if not 0 <= seconds <= MAX_CLOCK_OFFSET:  # NaN fails too
            raise doc.error(where + ("advance_clock",), f"advance_clock: {seconds:g} seconds is not a time the clock "
                            f"can move by (at most {MAX_CLOCK_OFFSET} seconds, 1000 years)")
    actor = step.get("as", "root")
    if actor != "root" and actor not in actors:
        raise doc.error(where + ("as",), f"no actor named {actor!r} (declared: root{''.join(', ' + a for a in actors)})")
    _check_references(doc, where, {k: v for k, v in step.items() if k != "capture"}, defined, forgotten)
    if "local" in step:
        fields = LOCAL_OUTPUTS[step["local"]["operation"]]
        for path in list((step.get("capture") or {}).values()) + list((step.get("expect") or {}).get("fields") or {}):
            if path and path.split(".")[0] not in fields:
                raise doc.error(where, f"local {step['local']['operation']} answers {', '.join(fields)}, not {path!r}")
    for index, seen in enumerate(step.get("behind_the_scenes") or []):
        operation_model(doc, where + ("behind_the_scenes", index), seen["service"], seen["operation"])
    call = step.get("call")
    if call is None:
        return
    model = operation_model(doc, where + ("call",), call["service"], call["operation"])
    label = f"{call['service']}.{call['operation']}"
    params = call.get("params") or {}
    if model.input_shape is None:
        if params:
            raise doc.error(where + ("call", "params"), f"{label} takes no parameters")
    else:
        check_params(doc, where + ("call", "params"), model.input_shape, params, label)
    expect = step.get("expect") or {}
    for path, spec in (expect.get("fields") or {}).items():
        if "error" not in expect:
            check_output_path(doc, where + ("expect", "fields", path), model.output_shape, path, f"{label} {path}")
        if isinstance(spec, dict) and "equals_file" in spec and not (doc.path.parent / spec["equals_file"]).is_file():
            raise doc.error(where + ("expect", "fields", path), f"no such file {spec['equals_file']!r} (paths are relative to the scenario)")
    for name, path in (step.get("capture") or {}).items():
        if name in BUILTINS:
            raise doc.error(where + ("capture", name), f"{name!r} is a built-in variable; capture into another name")
        check_output_path(doc, where + ("capture", name), model.output_shape, path, f"{label} capture {name}")
    for path in step.get("show") or []:
        check_output_path(doc, where + ("show",), model.output_shape, path, f"{label} show {path}")


def _check_setup(doc) -> None:
    """``setup:`` is a seed document (its schema: line left out)."""
    from ..seed import worlds  # seed imports this package: imported when used, not at load

    seed = {"schema": "awsbox/seed/v1", **doc.data["setup"]}
    error = jsonschema.exceptions.best_match(documents.validator("awsbox/seed/v1").iter_errors(seed))
    if error is not None:
        raise doc.error(("setup",) + documents.where(error), documents.describe(error, ("setup",)))
    for w, world in worlds(seed):
        for b, bucket in enumerate(world.get("buckets") or []):
            for o, obj in enumerate(bucket.get("objects") or []):
                if "file" in obj and not (doc.path.parent / obj["file"]).is_file():
                    raise doc.error(("setup",) + w + ("buckets", b, "objects", o, "file"),
                                    f"no such file {obj['file']!r} (paths are relative to the scenario)")


def load(path, text: str | None = None):
    """A scenario file, parsed and checked: a Document, or ScenarioError."""
    doc = documents.parse(Path(path), "scenario", text)
    check_scenario(doc)
    return doc
