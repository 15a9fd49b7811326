"""The ``awsbox`` command."""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
from pathlib import Path

from . import __version__, control_client
from .config import Config

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"


def _env(name: str, default=None):
    return os.environ.get(f"AWSBOX_{name}", default)


def _env_bool(name: str) -> bool:
    return _env(name, "").lower() in ("1", "true", "yes", "on")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="awsbox", description="KMS, S3, IAM and STS on one local endpoint.")
    parser.add_argument("--version", action="version", version=f"awsbox {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the simulator")
    serve.add_argument("--host", default=_env("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(_env("PORT", "4566")))
    where = serve.add_mutually_exclusive_group()
    where.add_argument("--data-dir", default=_env("DATA_DIR", "./.awsbox"), help="where state lives (default ./.awsbox)")
    where.add_argument("--in-memory", action="store_true", default=_env_bool("IN_MEMORY"), help="a throwaway store")
    serve.add_argument("--durability", choices=["process", "machine"], default=_env("DURABILITY", "process"),
                       help="what an acknowledged write survives: a crash of awsbox (process) or power loss (machine)")
    serve.add_argument("--auth", choices=["enforce", "permissive"], default=_env("AUTH", "enforce"))
    serve.add_argument("--iam", choices=["enforce", "audit", "off"], default=_env("IAM", "enforce"))
    serve.add_argument("--region", default=_env("REGION", "us-east-1"))
    serve.add_argument("--admin-token", default=_env("ADMIN_TOKEN"))
    serve.add_argument("--root-access-key-id", default=_env("ROOT_ACCESS_KEY_ID", "test"))
    serve.add_argument("--root-secret-access-key", default=_env("ROOT_SECRET_ACCESS_KEY", "test"))
    serve.add_argument("--workers", type=int, default=int(_env("WORKERS", "2")))
    serve.add_argument("--threads", type=int, default=int(_env("THREADS", "8")))
    serve.add_argument("--restore-speedup", type=float, default=float(_env("RESTORE_SPEEDUP", "1")),
                       help="divide Glacier restore delays by this (labs)")
    serve.add_argument("--seed", default=_env("SEED"), help="a seed file declaring the starting world")
    serve.add_argument("--event-retention", type=int, default=int(_env("EVENT_RETENTION", "100000")),
                       help="how many of the most recent trail events to keep")
    serve.add_argument("--log-level", default=_env("LOG_LEVEL", "info"))

    for name, help_text in (("reset", "forget everything on a running server (or one --account)"),):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--endpoint", default=_env("ENDPOINT", DEFAULT_ENDPOINT))
        sub.add_argument("--admin-token", default=_env("ADMIN_TOKEN"))
        sub.add_argument("--account")

    coverage = commands.add_parser("coverage", help="print (or --write) the operation coverage table")
    coverage.add_argument("--write", action="store_true", help="write docs/coverage.md")

    accounts = commands.add_parser("accounts", help="create or list accounts on a running server")
    accounts_commands = accounts.add_subparsers(dest="accounts_command", required=True)
    create = accounts_commands.add_parser("create")
    create.add_argument("name")
    listing = accounts_commands.add_parser("list")
    for sub in (create, listing):
        sub.add_argument("--endpoint", default=_env("ENDPOINT", DEFAULT_ENDPOINT))
        sub.add_argument("--admin-token", default=_env("ADMIN_TOKEN"))
    _scenario_commands(commands)
    return parser


def _scenario_commands(commands) -> None:
    """awsbox lab, awsbox scenario run|list|check, awsbox trail."""
    lab = commands.add_parser("lab", help="the KMS + S3 hands-on lab, guided, in the terminal")
    lab.add_argument("--endpoint", help="run against this endpoint (default: an embedded awsbox started for the lab)")

    scenario = commands.add_parser("scenario", help="run, list or check scenario files")
    scenario_commands = scenario.add_subparsers(dest="scenario_command", required=True)
    run = scenario_commands.add_parser("run", help="run scenario files against an endpoint or AWS")
    run.add_argument("files", nargs="+", metavar="FILE", help="scenario files, or folders of them")
    run.add_argument("--endpoint", default=_env("ENDPOINT"), help="default: AWS itself (with --profile)")
    run.add_argument("--profile", help="an AWS CLI profile for the credentials")
    run.add_argument("--region")
    run.add_argument("--junit-xml", metavar="PATH", help="write a JUnit XML report")
    scenario_commands.add_parser("list", help="the shipped scenarios")
    checking = scenario_commands.add_parser("check", help="validate scenario files (no calls are made)")
    checking.add_argument("files", nargs="+", metavar="FILE")

    trail = commands.add_parser("trail", help="print the event trail of a running server (CloudTrail LookupEvents)")
    trail.add_argument("--endpoint", default=_env("ENDPOINT", DEFAULT_ENDPOINT))
    trail.add_argument("--follow", "-f", action="store_true", help="keep printing new events")
    trail.add_argument("--user", help="only this user name (root for the root user)")
    trail.add_argument("--service", help="only this service: kms, s3, iam, sts")
    trail.add_argument("--limit", type=int, default=50, help="how many recent events first (default 50)")
    trail.add_argument("--region", default=_env("REGION", "us-east-1"))
    trail.add_argument("--access-key", default=os.environ.get("AWS_ACCESS_KEY_ID", "test"))
    trail.add_argument("--secret-key", default=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "reset":
        body = {"account": args.account} if args.account else {}
        print(json.dumps(_control(args, "POST", "/_awsbox/reset", body)))
        return 0
    if args.command == "coverage":
        from . import coverage

        if args.write:
            coverage.write()
        else:
            print(coverage.render(), end="")
        return 0
    if args.command == "accounts":
        if args.accounts_command == "create":
            print(json.dumps(_control(args, "POST", "/_awsbox/accounts", {"name": args.name}), indent=2))
        else:
            print(json.dumps(_control(args, "GET", "/_awsbox/accounts"), indent=2))
        return 0
    if args.command in ("lab", "scenario", "trail"):
        from .scenario import commands

        return commands.main(args)
    return 2


def _serve(args) -> int:
    from .server import serve

    config = Config(
        host=args.host,
        port=args.port,
        data_dir=None if args.in_memory else args.data_dir,
        in_memory=args.in_memory,
        durability=args.durability,
        auth=args.auth,
        iam=args.iam,
        region=args.region,
        admin_token=args.admin_token,
        root_access_key_id=args.root_access_key_id,
        root_secret_access_key=args.root_secret_access_key,
        workers=args.workers,
        threads=args.threads,
        restore_speedup=args.restore_speedup,
        seed=args.seed,
        event_retention=args.event_retention,
        log_level=args.log_level,
    )

    store = "in memory (throwaway)" if config.in_memory else f"{Path(config.data_dir).resolve()} (durability: {config.durability})"

    def banner():
        print(
            f"awsbox {__version__} ready\n"
            f"  endpoint:   http://{args.host}:{args.port}\n"
            f"  region:     {config.region}\n"
            f"  account id: {config.default_account}\n"
            f"  root keys:  AWS_ACCESS_KEY_ID={config.root_access_key_id} AWS_SECRET_ACCESS_KEY={config.root_secret_access_key}\n"
            f"  console:    http://{args.host}:{args.port}/console\n"
            f"  store:      {store}\n"
            f"  auth:       {config.auth}   iam: {config.iam}",
            flush=True,
        )

    serve(config, banner)
    return 0


def _control(args, method: str, path: str, body: dict | None = None) -> dict:
    try:
        return control_client.call(args.endpoint, method, path, body, token=args.admin_token)
    except urllib.error.HTTPError as error:
        sys.stderr.write(error.read().decode("utf-8", "replace") + "\n")
        raise SystemExit(1)
    except urllib.error.URLError as error:
        sys.stderr.write(f"awsbox: cannot reach {args.endpoint}: {error.reason}\n")
        raise SystemExit(1)


if __name__ == "__main__":
    sys.exit(main())
