"""The awsbox pytest plugin (entry point ``pytest11: awsbox``).

Fixtures:
- ``awsbox_server``: one real server for the test session (temporary data dir).
- ``aws``: a factory of boto3 clients on it, as the default account's root:
  ``aws("s3")``, ``aws("kms", access_key=..., secret_key=...)``.

Scenario files are collected as tests: ``*.scenario.yaml`` anywhere, and
``*.yaml`` in a folder named ``scenarios``. Each runs against the session's
server; a file that breaks the schema is a collection error naming the file
and line; a failed expectation reports the step, expected and actual.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .embedded import EmbeddedServer


@pytest.fixture(scope="session")
def awsbox_server(tmp_path_factory):
    server = EmbeddedServer(str(tmp_path_factory.mktemp("awsbox")))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def aws(awsbox_server):
    return awsbox_server.client


def is_scenario_file(path: Path) -> bool:
    return path.name.endswith(".scenario.yaml") or (path.suffix == ".yaml" and path.parent.name == "scenarios")


def pytest_collect_file(file_path: Path, parent):
    if is_scenario_file(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFailed(Exception):
    """A scenario whose expectations did not hold (the report says which)."""


class ScenarioFile(pytest.File):
    def collect(self):
        from .scenario import ScenarioError, load

        try:
            doc = load(self.path)
        except ScenarioError as error:
            raise self.CollectError(str(error)) from None
        yield ScenarioItem.from_parent(self, name=doc.data["title"], callobj=_runner(doc))


def _runner(doc):
    def run_scenario_file(awsbox_server):
        from .scenario import Target, run_scenario

        result = run_scenario(doc, Target(awsbox_server.endpoint))
        if not result.passed:
            raise ScenarioFailed(result.failure_text())

    return run_scenario_file


class ScenarioItem(pytest.Function):
    """A scenario as a test; a Function so that it gets fixtures
    (``awsbox_server``) the way any test does."""

    def repr_failure(self, excinfo, style=None):
        if excinfo.errisinstance(ScenarioFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, 0, f"scenario: {self.name}"
