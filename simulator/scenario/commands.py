"""The scenario commands of ``awsbox``: lab, scenario run|list|check, trail."""
from __future__ import annotations

import datetime as _dt
import sys
import time

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from .. import trail
from . import check, lab
from .document import SCENARIOS_DIR, ScenarioError
from .report import Colours, PlainReport, junit_xml
from .runner import run_scenario, scenario_files
from .target import Target


def main(args) -> int:
    if args.command == "lab":
        try:
            return lab.run_lab(args.endpoint)
        except KeyboardInterrupt:
            return 130
    if args.command == "trail":
        return _trail(args)
    return {"run": _run, "list": _list, "check": _check}[args.scenario_command](args)


def _load_all(paths) -> list:
    """Every file checked before anything runs: a bad file stops the lot."""
    docs, bad = [], 0
    for path in scenario_files(paths):
        try:
            docs.append(check.load(path))
        except ScenarioError as error:
            sys.stderr.write(f"{error}\n")
            bad += 1
    return docs if not bad else None


def _run(args) -> int:
    docs = _load_all(args.files)
    if docs is None:
        return 2
    target = Target(args.endpoint, args.profile, args.region)
    results = [run_scenario(doc, target, PlainReport()) for doc in docs]
    if args.junit_xml:
        junit_xml(results, args.junit_xml)
    failed = [r for r in results if not r.passed]
    print(f"{len(results) - len(failed)} of {len(results)} scenarios passed")
    return 1 if failed else 0


def _check(args) -> int:
    docs = _load_all(args.files)
    if docs is None:
        return 2
    for doc in docs:
        print(f"{doc.path}: ok ({doc.data['title']}, {len(doc.data['steps'])} steps)")
    return 0


def _list(args) -> int:
    for path in sorted(SCENARIOS_DIR.glob("*.yaml")):
        try:
            doc = check.load(path)
        except ScenarioError as error:
            print(f"{path.name:40s} INVALID: {error.problem}")
            continue
        print(f"{path.name:40s} {doc.data['title']}")
    return 0


def _trail(args) -> int:
    c = Colours(sys.stdout)
    cloudtrail = boto3.client(
        "cloudtrail", endpoint_url=args.endpoint, region_name=args.region, aws_access_key_id=args.access_key,
        aws_secret_access_key=args.secret_key, config=BotoConfig(retries={"max_attempts": 1}))
    # LookupEvents takes one lookup attribute: the user there, the service here.
    attribute = ("Username", args.user) if args.user else None
    source = None
    if args.service:
        source = args.service if "." in args.service else f"{args.service}.amazonaws.com"
        attribute = attribute or ("EventSource", source)
    seen: set = set()
    start = None
    try:
        while True:
            try:
                events = trail.lookup(cloudtrail, start=start, attribute=attribute, limit=None if start else args.limit)
            except (ClientError, BotoCoreError) as error:
                sys.stderr.write(f"awsbox trail: {error}\n")
                return 1
            for event in reversed(events):
                if event["eventID"] in seen or (source and event["eventSource"] != source):
                    continue
                # The trail's own lookups would fill a followed screen.
                if args.follow and event["eventName"] == "LookupEvents":
                    continue
                seen.add(event["eventID"])
                line = trail.one_line(event)
                print(c.red(line) if event.get("errorCode") else (c.magenta(line) if event["userIdentity"].get("invokedBy") else line))
                start = _dt.datetime.fromisoformat(event["eventTime"].replace("Z", "+00:00"))
            sys.stdout.flush()
            if not args.follow:
                return 0
            start = start or _dt.datetime.now(_dt.timezone.utc)
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
