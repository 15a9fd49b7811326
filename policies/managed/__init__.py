"""AWS managed policies shipped as data: one JSON file per policy, holding
the name, ARN, path, description and the document as AWS publishes it (AWS
Managed Policy Reference). IAM lists them and lets callers attach them; the
evaluator reads their documents like any other identity policy."""
from __future__ import annotations

import dataclasses
import functools
import json
import pathlib
from typing import Optional


@dataclasses.dataclass(frozen=True)
class ManagedPolicy:
    name: str
    arn: str
    path: str
    description: str
    document: str  # the policy JSON text, ready for parse_policy()
    note: Optional[str] = None  # where awsbox's copy differs from AWS's


@functools.cache
def managed_policies() -> dict[str, ManagedPolicy]:
    """The AWS managed policies awsbox knows, by name."""
    policies = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("*.json")):
        data = json.loads(path.read_text())
        policies[data["name"]] = ManagedPolicy(
            name=data["name"], arn=data["arn"], path=data["path"], description=data["description"],
            document=json.dumps(data["document"], indent=4), note=data.get("note"))
    return policies
