"""How scenario runs are told: one line per step in the terminal (colour on
a tty), and JUnit XML for CI."""
from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET

from .runner import Report


class Colours:
    """ANSI colour when writing to a terminal (and NO_COLOR is not set)."""

    CODES = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36", "dim": "2", "bold": "1"}

    def __init__(self, stream):
        self.enabled = hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ

    def __getattr__(self, name):
        code = self.CODES.get(name)
        if code is None:
            raise AttributeError(name)
        return lambda text: f"\033[{code}m{text}\033[0m" if self.enabled else str(text)


MARKS = {"passed": ("green", "PASS"), "failed": ("red", "FAIL"), "skipped": ("yellow", "SKIP")}


class PlainReport(Report):
    def __init__(self, stream=None):
        self.out = stream or sys.stdout
        self.c = Colours(self.out)

    def scenario_started(self, run) -> None:
        self.out.write(self.c.bold(f"{run.data['title']}") + self.c.dim(f"  ({run.doc.path}, {run.target.describe()})") + "\n")

    def step_finished(self, run, result) -> None:
        colour, mark = MARKS[result.status]
        where = "" if result.section == "steps" else "teardown: "
        self.out.write(f"  {getattr(self.c, colour)(mark)} {where}{result.name}  {self.c.dim(result.label)}\n")
        if result.status == "failed" or (result.status == "skipped" and result.section == "teardown"):
            for problem in result.problems:
                self.out.write(f"       {getattr(self.c, colour)(problem)}\n")

    def scenario_finished(self, run, result) -> None:
        for problem in result.problems:
            self.out.write(f"  {self.c.red('ERROR')} {problem}\n")
        passed = sum(s.passed for s in result.steps if s.section == "steps")
        total = sum(s.section == "steps" for s in result.steps)
        verdict = self.c.green("passed") if result.passed else self.c.red("failed")
        self.out.write(f"  {verdict}: {passed}/{total} steps in {result.seconds:.1f}s\n\n")
        self.out.flush()


def junit_xml(results, path) -> None:
    """One <testsuite> per scenario, one <testcase> per step."""
    suites = ET.Element("testsuites")
    for result in results:
        steps = [s for s in result.steps if s.section == "steps"]
        suite = ET.SubElement(suites, "testsuite", name=result.title, file=result.path, tests=str(len(steps) or 1),
                              failures=str(sum(s.status == "failed" for s in steps)),
                              errors=str(int(bool(result.problems))),
                              skipped=str(sum(s.status == "skipped" for s in steps)), time=f"{result.seconds:.3f}")
        if result.problems:
            case = ET.SubElement(suite, "testcase", classname=result.path, name="scenario")
            ET.SubElement(case, "error", message=result.problems[0]).text = "\n".join(result.problems)
        for step in steps:
            case = ET.SubElement(suite, "testcase", classname=result.path, name=f"{step.index + 1:02d} {step.name}",
                                 time=f"{step.seconds:.3f}")
            if step.status == "failed":
                ET.SubElement(case, "failure", message=step.problems[0] if step.problems else "failed").text = step.failure_text()
            elif step.status == "skipped":
                ET.SubElement(case, "skipped", message="; ".join(step.problems))
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
