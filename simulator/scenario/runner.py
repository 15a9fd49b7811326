"""Running a checked scenario against a target: actors, setup, steps with
their expectations and captures, teardown; results a reporter prints."""
from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as _dt
import secrets
import time
from pathlib import Path

from botocore import xform_name
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from botocore.exceptions import BotoCoreError, ClientError

from .. import trail
from . import check, matchers
from .actors import Actors
from .target import ControlRefused, ControlUnavailable
from .variables import MISSING, UnresolvedVariable, lookup, substitute

CLOCK_UNITS = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}


@dataclasses.dataclass
class StepResult:
    section: str  # "steps" | "teardown"
    index: int
    name: str
    status: str = "passed"  # passed | failed | skipped
    problems: list = dataclasses.field(default_factory=list)
    label: str = ""  # "kms.CreateKey as alice"
    explain: str = ""
    answer: dict | None = None  # the answer, or the error response
    error_code: str | None = None
    http_status: int | None = None
    request_id: str | None = None
    behind_the_scenes: list = dataclasses.field(default_factory=list)  # trail events
    shown: dict = dataclasses.field(default_factory=dict)
    seconds: float = 0.0
    line: int | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def failure_text(self) -> str:
        head = f"step {self.index + 1} ({self.section}) {self.name!r}" + (f" [{self.label}]" if self.label else "")
        return head + (f", line {self.line}" if self.line else "") + ":\n" + "\n".join(f"  - {p}" for p in self.problems)


@dataclasses.dataclass
class ScenarioResult:
    path: str
    title: str
    steps: list = dataclasses.field(default_factory=list)
    problems: list = dataclasses.field(default_factory=list)  # outside any step: actors, setup, cleanup
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems and all(s.passed for s in self.steps if s.section == "steps") and any(
            s.section == "steps" for s in self.steps)

    def failure_text(self) -> str:
        lines = [f"scenario {self.title!r} ({self.path}) failed"]
        lines += [f"  - {p}" for p in self.problems]
        lines += [s.failure_text() for s in self.steps if s.status == "failed"]
        return "\n".join(lines)


class Report:
    """What a run tells as it goes; the default tells nothing."""

    wants_trail = False  # fetch behind-the-scenes events for every step

    def scenario_started(self, run) -> None: ...
    def step_started(self, run, section: str, index: int, step: dict) -> None: ...
    def step_finished(self, run, result: StepResult) -> None: ...
    def scenario_finished(self, run, result: ScenarioResult) -> None: ...


class Run:
    def __init__(self, doc, target, report: Report | None = None):
        self.doc = doc
        self.data = doc.data
        self.target = target
        self.report = report or Report()
        self.base_dir = doc.path.parent
        self.region = self.data.get("region") or target.region
        self.run_id = secrets.token_hex(4)
        self.scope: dict = {}
        self.actors: Actors | None = None
        self.result = ScenarioResult(str(doc.path), self.data["title"])

    # -- the whole run -------------------------------------------------------
    def run(self) -> ScenarioResult:
        started = time.monotonic()
        self.report.scenario_started(self)
        try:
            if self._prepare():
                self._steps("steps")
        finally:
            self._steps("teardown")
            if self.actors is not None:
                self.result.problems += self.actors.delete()
            self.result.seconds = time.monotonic() - started
            self.report.scenario_finished(self, self.result)
        return self.result

    def _prepare(self) -> bool:
        """Who we are, variables, setup, actors. False when the run cannot go on."""
        try:
            sts = self.target.client("sts", self.region)
            identity = sts.get_caller_identity()
        except (ClientError, BotoCoreError) as error:
            self.result.problems.append(f"cannot reach {self.target.describe()}: {error}")
            return False
        self.scope = {"run": {"Id": self.run_id, "Account": identity["Account"], "Region": self.region}, "actors": {}}
        self.actors = Actors(self.target, self.region, self.run_id, identity)
        self.scope["actors"]["root"] = self.actors.identities["root"]
        for name, value in (self.data.get("variables") or {}).items():
            self.scope[name] = substitute(value, self.scope)
        if "setup" in self.data and not self._setup():
            return False
        actors = self.data.get("actors") or {}
        for name in check.actor_order(self.doc, actors):
            try:
                self.actors.create(name, actors[name], self.scope)
            except (ClientError, BotoCoreError) as error:
                self.result.problems.append(f"cannot create actor {name!r}: {error}")
                return False
            self.scope["actors"][name] = self.actors.identities[name]
        return True

    def _setup(self) -> bool:
        """The setup: section is a seed document, loaded by the awsbox
        server itself (fixed key ids and key material need the server)."""
        seed = {"schema": "awsbox/seed/v1", **copy.deepcopy(self.data["setup"])}
        try:
            for world in [seed] + seed.get("accounts", []):
                for bucket in world.get("buckets", []):
                    for obj in bucket.get("objects", []):
                        if "file" in obj:  # the server cannot read the scenario's files
                            obj["body_base64"] = base64.b64encode((self.base_dir / obj.pop("file")).read_bytes()).decode()
            self.target.control("POST", "/_awsbox/seed", substitute(seed, self.scope))
        except (OSError, UnresolvedVariable, ControlUnavailable) as error:
            self.result.problems.append("setup: " + _setup_problem(error))
            return False
        return True

    def _steps(self, section: str) -> None:
        failed = False
        for index, step in enumerate(self.data.get(section) or []):
            result = StepResult(section, index, step["name"], explain=step.get("explain", ""),
                                line=self.doc.line_of((section, index)))
            self.report.step_started(self, section, index, step)
            started = time.monotonic()
            if section == "steps" and (failed or self.result.problems):
                result.status = "skipped"
                result.problems.append("an earlier step failed")
            else:
                try:
                    self._step(step, result)
                except UnresolvedVariable as error:
                    result.status = "skipped" if section == "teardown" else "failed"
                    result.problems.append(str(error))
                except ControlRefused as error:
                    result.status = "failed"
                    result.problems.append(f"the awsbox control API refused it: {error}")
                except ControlUnavailable as error:
                    result.status = "failed"
                    result.problems.append(f"needs the awsbox control API: {error}")
            result.seconds = time.monotonic() - started
            failed = failed or result.status == "failed"
            self.result.steps.append(result)
            self.report.step_finished(self, result)

    # -- one step --------------------------------------------------------------
    def _step(self, step: dict, result: StepResult) -> None:
        if "advance_clock" in step:
            seconds = sum(CLOCK_UNITS[unit] * amount for unit, amount in step["advance_clock"].items())
            result.label = f"clock +{_duration(seconds)}"
            now = self.target.control("POST", "/_awsbox/clock/advance", {"seconds": seconds})["now"]
            result.answer = {"now": now}
            return
        if "local" in step:
            self._local(substitute(step["local"], self.scope), result)
            result.problems = self._expectations(substitute(step.get("expect") or {}, self.scope), result)
            self._finish(step, result)
            return
        call = step["call"]
        actor = step.get("as", "root")
        region = step.get("region") or self.region
        result.label = f"{call['service']}.{call['operation']} as {actor}"
        params = self._params(substitute(call.get("params") or {}, self.scope))
        expect = substitute(step.get("expect") or {}, self.scope)
        client = self.actors.client(actor, call["service"], region)
        deadline = time.monotonic() + step.get("eventually", 0)
        watch = (self.report.wants_trail or step.get("behind_the_scenes")) and self.target.awsbox
        while True:
            since = _parse_time(self.target.control("GET", "/_awsbox/clock")["now"]) if watch else None
            self._call(client, call["operation"], params, result)
            result.problems = self._expectations(expect, result)
            if not result.problems or time.monotonic() >= deadline:
                break
            time.sleep(1)
        # Off awsbox, behind_the_scenes is not checked: CloudTrail delivers in minutes.
        if watch and result.request_id:
            cloudtrail = self.actors.client("root", "cloudtrail", region)
            _, result.behind_the_scenes = trail.events_of_request(cloudtrail, result.request_id, since)
            result.problems += _behind_the_scenes(step.get("behind_the_scenes") or [], result.behind_the_scenes)
        self._finish(step, result)

    def _finish(self, step: dict, result: StepResult) -> None:
        for path in step.get("show") or []:
            result.shown[path] = lookup(result.answer, path)
        if result.problems:
            result.status = "failed"
            return
        for name, path in (step.get("capture") or {}).items():
            self.scope[name] = result.answer if path == "" else lookup(result.answer, path)
        for name in step.get("forget") or []:
            self.scope.pop(name, None)

    def _local(self, spec: dict, result: StepResult) -> None:
        """AES-256-GCM with a data key, on this machine: Ciphertext is the
        12-byte nonce followed by the sealed data."""
        result.label = f"local AES-256-GCM {spec['operation']}"
        key, data = spec["key"], spec["data"]
        key = key if isinstance(key, bytes) else str(key).encode()
        data = data if isinstance(data, bytes) else str(data).encode()
        result.error_code, result.http_status = None, None
        try:
            if spec["operation"] == "Encrypt":
                nonce = secrets.token_bytes(12)
                result.answer = {"Ciphertext": nonce + AESGCM(key).encrypt(nonce, data, None)}
            else:
                result.answer = {"Plaintext": AESGCM(key).decrypt(data[:12], data[12:], None)}
        except (ValueError, InvalidTag) as error:
            result.error_code = type(error).__name__
            result.answer = {"Error": {"Code": result.error_code, "Message": str(error) or "the data does not open with this key"}}

    def _params(self, value):
        """{file: path} becomes the file's bytes."""
        if check.is_file(value):
            return (self.base_dir / value["file"]).read_bytes()
        if isinstance(value, dict):
            return {k: self._params(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._params(v) for v in value]
        return value

    def _call(self, client, operation: str, params: dict, result: StepResult) -> None:
        result.error_code = None
        try:
            answer = getattr(client, xform_name(operation))(**params)
            # Streamed bodies are read whole: scenarios compare bytes.
            for key, value in list(answer.items()):
                if hasattr(value, "read"):
                    answer[key] = value.read()
        except ClientError as error:
            answer = error.response
            result.error_code = answer.get("Error", {}).get("Code")
        except BotoCoreError as error:  # bad parameters after substitution, no connection...
            answer = {"Error": {"Code": type(error).__name__, "Message": str(error)}, "ResponseMetadata": {}}
            result.error_code = type(error).__name__
        result.answer = answer
        meta = answer.get("ResponseMetadata", {})
        result.http_status = meta.get("HTTPStatusCode")
        result.request_id = meta.get("RequestId")

    def _expectations(self, expect: dict, result: StepResult) -> list[str]:
        problems = []
        wanted = expect.get("error")
        error = result.answer.get("Error", {}) if result.error_code else {}
        if wanted is None and result.error_code:
            problems.append(f"expected success, got {result.error_code} (HTTP {result.http_status}): {error.get('Message', '')}")
            return problems
        if wanted is not None:
            if not result.error_code:
                return [f"expected error {wanted['code']}, got success (HTTP {result.http_status})"]
            if result.error_code != wanted["code"]:
                problems.append(f"expected error {wanted['code']}, got {result.error_code}: {error.get('Message', '')}")
            if "status" in wanted and result.http_status != wanted["status"]:
                problems.append(f"expected HTTP status {wanted['status']}, got {result.http_status}")
            if "message" in wanted:
                problems += [f"error message: {p}" for p in matchers.check(error.get("Message", MISSING), wanted["message"], self.base_dir)]
        for path, spec in (expect.get("fields") or {}).items():
            problems += [f"{path}: {p}" for p in matchers.check(lookup(result.answer, path), spec, self.base_dir)]
        return problems


def _behind_the_scenes(expected: list[dict], events: list[dict]) -> list[str]:
    problems = []
    for want in expected:
        source = f"{want['service']}.amazonaws.com"
        found = [e for e in events if e["eventSource"] == source and e["eventName"] == want["operation"]
                 and ("invoked_by" not in want or e["userIdentity"].get("invokedBy") == want["invoked_by"])
                 and ("error" not in want or e.get("errorCode") == want["error"])]
        if not found:
            seen = ", ".join(f"{e['eventSource'].split('.')[0]}.{e['eventName']}" + (f" ({e['errorCode']})" if e.get("errorCode") else "")
                             for e in events) or "none"
            outcome = "" if "error" not in want else (" succeeding" if want["error"] is None else f" failing with {want['error']}")
            problems.append(f"behind the scenes: expected a {want['service']}.{want['operation']} call{outcome}"
                            f"{' invoked by ' + want['invoked_by'] if 'invoked_by' in want else ''}; the trail shows: {seen}")
    return problems


def _parse_time(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def run_scenario(doc, target, report: Report | None = None) -> ScenarioResult:
    return Run(doc, target, report).run()


def scenario_files(paths) -> list[Path]:
    """Files named on a command line: scenario files, or folders of them."""
    found = []
    for path in map(Path, paths):
        found += sorted(p for p in path.glob("*.yaml")) if path.is_dir() else [path]
    return found


def _setup_problem(error: Exception) -> str:
    """Why a setup could not be loaded, in words."""
    if isinstance(error, OSError):
        return f"cannot read {error.filename}: {error.strerror}"
    if isinstance(error, ControlRefused):  # before ControlUnavailable, which it is a kind of
        return f"the server refused it: {error}"
    if isinstance(error, ControlUnavailable):
        return f"needs an awsbox endpoint with the seed API: {error}"
    return str(error)
