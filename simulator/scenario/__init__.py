"""Scenarios: runnable AWS walk-throughs written as YAML files.

- :mod:`.document`: read a file with the line of every node, validate it
  against its published JSON Schema (``scenarios/schema/``)
- :mod:`.check`: what the schema cannot say (botocore services, operations
  and parameters, actors, files, variables defined before use)
- :mod:`.variables`, :mod:`.matchers`: ``${name.Path}`` and ``expect.fields``
- :mod:`.target`, :mod:`.actors`, :mod:`.runner`: running one
- :mod:`.report`: terminal and JUnit XML output; :mod:`.lab`: ``awsbox lab``
"""
from .check import load
from .document import SCENARIOS_DIR, ScenarioError
from .runner import Report, ScenarioResult, StepResult, run_scenario, scenario_files
from .target import Target

__all__ = [
    "SCENARIOS_DIR", "Report", "ScenarioError", "ScenarioResult", "StepResult", "Target", "load", "run_scenario",
    "scenario_files",
]
