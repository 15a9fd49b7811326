"""``awsbox lab``: the KMS + S3 hands-on lab (``scenarios/kms-s3-lab.yaml``)
as a guided exercise in the terminal. Each step says what it does and why,
what AWS answered, and what happened behind the scenes (the KMS calls S3
made on the learner's behalf, read from the event trail)."""
from __future__ import annotations

import sys
import tempfile
import textwrap

from .. import trail
from . import check
from .document import SCENARIOS_DIR
from .matchers import show
from .report import Colours
from .runner import Report, run_scenario
from .target import Target
from .variables import MISSING

LAB = SCENARIOS_DIR / "kms-s3-lab.yaml"
WIDTH = 88


class GuidedReport(Report):
    wants_trail = True

    def __init__(self, stream=None):
        self.out = stream or sys.stdout
        self.c = Colours(self.out)
        self.total = 0

    def _say(self, text: str = "", indent: int = 0) -> None:
        self.out.write(textwrap.indent(text, " " * indent) + "\n")

    def _wrap(self, text: str, indent: int) -> str:
        paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
        return "\n\n".join(textwrap.fill(" ".join(p.split()), WIDTH - indent) for p in paragraphs)

    def scenario_started(self, run) -> None:
        self.total = len(run.data["steps"])
        self._say(self.c.bold(run.data["title"]))
        self._say(self.c.dim(f"against {run.target.describe()}"))
        if run.data.get("description"):
            self._say()
            self._say(self._wrap(run.data["description"], 2), 2)
        if not run.target.awsbox:
            self._say(self.c.yellow("  (not an awsbox endpoint: behind-the-scenes calls and clock steps are unavailable)"))
        self._say()

    def step_started(self, run, section, index, step) -> None:
        if section != "steps":
            return
        title = f" Step {index + 1}/{self.total}: {step['name']} "
        self._say(self.c.cyan(self.c.bold(f"──{title}" + "─" * max(0, WIDTH - len(title) - 2))))
        if step.get("explain"):
            self._say(self._wrap(step["explain"], 2), 2)
        self.out.flush()

    def step_finished(self, run, result) -> None:
        if result.section != "steps":
            if result.status == "failed":
                self._say(self.c.yellow(f"  cleanup: {result.name}: {'; '.join(result.problems)}"))
            return
        if result.status == "skipped":
            self._say(self.c.yellow("  skipped: an earlier step did not go as expected") + "\n")
            return
        self._say(f"  {self.c.bold('→')} {result.label}")
        self._answer(result)
        if result.behind_the_scenes:
            self._say(f"  {self.c.magenta('Behind the scenes')} (from the event trail):")
            for event in result.behind_the_scenes:
                self._say("    " + self._event(event))
        if result.passed:
            self._say("  " + self.c.green("✓ as expected"))
        else:
            self._say("  " + self.c.red("✗ not as expected:"))
            for problem in result.problems:
                self._say("      " + self.c.red(problem))
        self._say()
        self.out.flush()

    def _answer(self, result) -> None:
        if result.label.startswith("clock"):
            self._say(f"  the simulator clock now reads {result.answer['now']}")
            return
        local = result.label.startswith("local")
        if result.error_code:
            message = result.answer.get("Error", {}).get("Message", "")
            status = "" if local else f" (HTTP {result.http_status})"
            self._say(f"  {'Locally' if local else 'AWS answered'}: {self.c.yellow(result.error_code)}{status} {message}")
            return
        self._say("  Done on this machine, no AWS call:" if local else f"  AWS answered: {self.c.green('HTTP ' + str(result.http_status))}")
        fields = result.shown or _summary(result.answer)
        for path, value in fields.items():
            if value is not MISSING:
                self._say(f"    {path}: {show(value, 100)}")

    def _event(self, event: dict) -> str:
        service = event["eventSource"].split(".")[0]
        outcome = self.c.red(event["errorCode"]) if event.get("errorCode") else self.c.green("ok")
        via = event["userIdentity"].get("invokedBy", "")
        keys = " ".join(r["ARN"].rpartition("/")[2] for r in event.get("resources") or [] if r["type"] == "AWS::KMS::Key")
        context = (event.get("requestParameters") or {}).get("encryptionContext")
        text = f"{service}:{event['eventName']} as {trail.who(event)} invoked by {via} → {outcome}"
        if keys:
            text += self.c.dim(f"  key {keys}")
        if context:
            text += self.c.dim(f"  context {context}")
        return text

    def scenario_finished(self, run, result) -> None:
        steps = [s for s in result.steps if s.section == "steps"]
        passed = sum(s.passed for s in steps)
        self._say(self.c.bold("Summary"))
        for problem in result.problems:
            self._say("  " + self.c.red(problem))
        for step in steps:
            mark = {"passed": self.c.green("✓"), "failed": self.c.red("✗"), "skipped": self.c.yellow("-")}[step.status]
            self._say(f"  {mark} {step.index + 1:2d}. {step.name}")
        verdict = self.c.green("Lab complete") if result.passed else self.c.red("Lab not complete")
        self._say(f"\n{verdict}: {passed} of {len(steps)} steps as expected, in {result.seconds:.1f}s.")
        self.out.flush()


def _summary(answer: dict, limit: int = 6) -> dict:
    """A few scalar fields of an answer, one level deep."""
    fields: dict = {}
    for key, value in answer.items():
        if key == "ResponseMetadata":
            continue
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for sub, item in items:
            if isinstance(item, (str, int, float, bool)) or hasattr(item, "isoformat"):
                fields[f"{key}.{sub}" if sub else key] = item
            if len(fields) >= limit:
                return fields
    return fields


def run_lab(endpoint: str | None = None, stream=None, path=LAB) -> int:
    """Run the lab; the exit status is 1 when any expectation failed."""
    doc = check.load(path)
    if endpoint:
        return 0 if run_scenario(doc, Target(endpoint), GuidedReport(stream)).passed else 1
    from ..embedded import EmbeddedServer

    out = stream or sys.stdout
    with tempfile.TemporaryDirectory(prefix="awsbox-lab-") as data_dir:
        out.write(f"starting an awsbox server for the lab (state in {data_dir})...\n")
        with EmbeddedServer(data_dir, args=("--workers", "1")) as server:
            result = run_scenario(doc, Target(server.endpoint), GuidedReport(stream))
    return 0 if result.passed else 1
