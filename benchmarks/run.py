"""awsbox against moto's server, side by side in one run.

    python -m benchmarks.run            # full: 5 s per cell, 1 GiB object, 100,000 keys
    python -m benchmarks.run --quick    # about 2 minutes: 1.5 s per cell, 64 MiB, 5,000 keys
    python -m benchmarks.run --big      # also list at 300,000 and 1,000,000 keys (awsbox only)
    python -m benchmarks.run --profile  # then a py-spy pass on a fresh awsbox: hot spots per group
    python -m benchmarks.run --rounds 3 --servers awsbox,moto --groups s3-small --concurrency 4
                                        # each cell's ratio over 3 rounds: lowest, median, highest

Every server runs on a free loopback port and is stopped at the end; every
workload is bounded by --duration (or a call count). Results: a table on
stdout and JSON in benchmarks/results/.

The 5 GiB memory check (issue 4: a 5 GiB PUT, GET or multipart upload keeps
the server under 150 MiB), the s3-large group alone at S3's largest single PUT:

    python -m benchmarks.run --servers awsbox,moto --groups s3-large --large-mib 5120

Its rows: PutObject, GetObject, MultipartUpload (boto3's upload_fileobj, 64 MiB
parts over 4 threads) and MultipartDownload (download_fileobj: ranged GETs),
each with MB/s and the server's peak memory (PSS summed over its process tree;
the summed RSS is in the JSON). moto reads each request body whole: it peaks
at about twice the object (some 11 GiB of the machine's 24) and takes several
minutes for the four rows; --servers awsbox alone is the quick check. Above
5120 MiB only the multipart rows run.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from . import profiling
from .load import ClientPool
from .report import format_spread, format_table, ratios, spread
from .servers import make_server
from .workloads import MIB, Bench, Settings

GROUPS = ("kms", "s3-small", "s3-large", "s3-list")
# The in-memory store changes writes, not the protocol: it runs the small workloads only.
MEMORY_GROUPS = ("kms", "s3-small")
RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short cells, 64 MiB object, 5,000 keys")
    parser.add_argument("--smoke", action="store_true", help="a few calls per cell, 1 MiB object, 30 keys (tests)")
    parser.add_argument("--duration", type=float, help="seconds per measured cell (default 5; quick 1.5)")
    parser.add_argument("--servers", default=None,
                        help="comma list of awsbox, awsbox-mem, moto (default all three; quick/smoke: awsbox,moto)")
    parser.add_argument("--groups", default=",".join(GROUPS), help=f"comma list of {', '.join(GROUPS)}")
    parser.add_argument("--concurrency", default="1,4", help="client processes per cell, comma list (default 1,4)")
    parser.add_argument("--large-mib", type=int, help="large object size in MiB (default 1024; quick 64)")
    parser.add_argument("--list-keys", type=int, help="keys in the listed bucket (default 100,000; quick 5,000)")
    parser.add_argument("--big", action="store_true", help="listing growth check to 300,000 and 1,000,000 keys (awsbox)")
    parser.add_argument("--profile", action="store_true",
                        help="then run the groups again on a fresh awsbox under py-spy (at most 256 MiB, 20,000 keys)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every server N times, alternating which goes first, and report each cell's"
                             " ratio over the rounds (this machine's speed drifts from minute to minute)")
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/run-<time>.json)")
    return parser.parse_args(argv)


def settings_from(args) -> Settings:
    concurrency = tuple(int(c) for c in args.concurrency.split(","))
    if args.smoke:
        base = Settings(duration=5.0, concurrency=concurrency, max_ops=5, large_size=1 * MIB, list_keys=30,
                        populate_timeout=60)
    elif args.quick:
        base = Settings(duration=1.5, concurrency=concurrency, large_size=64 * MIB, list_keys=5_000,
                        populate_timeout=120)
    else:
        base = Settings(concurrency=concurrency)
    changes = {}
    if args.duration:
        changes["duration"] = args.duration
    if args.large_mib:
        changes["large_size"] = args.large_mib * MIB
    if args.list_keys:
        changes["list_keys"] = args.list_keys
    if args.big:
        changes["big_sizes"] = tuple(n for n in (300_000, 1_000_000) if n > changes.get("list_keys", base.list_keys))
        changes["populate_timeout"] = 3600.0  # 900,000 more keys at a few hundred PUTs a second
    return dataclasses.replace(base, **changes)


def run_server(name: str, groups, settings: Settings, pool: ClientPool, log, profile_dir: Path | None = None):
    server = make_server(name)
    rows, profiles = [], {}
    log(f"{server.label}: starting")
    started = time.monotonic()
    try:
        server.start()
    except Exception as error:  # the other servers still run
        server.stop()
        log(f"{server.label}: did not start: {str(error)[-1500:]}")
        return [failure_row(name, "(start)", "(server start)", str(error)[-500:])], profiles
    with server:
        log(f"{server.label}: {server.endpoint} (pid {server.pid}, ready in {time.monotonic() - started:.1f}s)")
        bench = Bench(server, pool, settings, log)
        for group in groups:
            recording = (profiling.Recording(server.pid, profile_dir / f"{group}.raw.txt")
                         if profile_dir else None)
            try:
                run_group(bench, group, settings)
            except Exception as error:  # one broken group does not end the run
                log(f"  {name} {group}: FAILED {type(error).__name__}: {error}")
                bench.rows.append(failure_row(name, group, "(group)", f"{type(error).__name__}: {error}"[:500]))
            finally:
                if recording:
                    failure = recording.stop()
                    if failure:
                        log(f"  py-spy failed for {group}: {failure}")
                    else:
                        profiles[group] = profiling.summarize(recording.output)
                        log(profiling.format_summary(group, profiles[group]))
        rows = bench.rows
        failed = [row for row in rows if row.get("errors")]
        if failed:
            tail = server.log()[-3000:]  # why calls failed, kept while the server's log still exists
            for row in failed:
                row["server_log_tail"] = tail
    return rows, profiles


def failure_row(server: str, group: str, workload: str, error: str) -> dict:
    return {"server": server, "group": group, "workload": workload, "concurrency": 0, "unit": "ops", "ops": 0,
            "units_per_s": 0, "errors": 1, "first_error": error}


def run_group(bench: Bench, group: str, settings: Settings) -> None:
    if group == "kms":
        bench.kms_group()
    elif group == "s3-small":
        bench.s3_small_group()
    elif group == "s3-large":
        bench.s3_large_group()
    elif group == "s3-list":
        bench.s3_list_group(settings.big_sizes if bench.server.name == "awsbox" else ())
    else:
        raise ValueError(f"unknown group {group!r}")


def versions() -> dict:
    from importlib import metadata

    found = {"python": platform.python_version()}
    for package in ("boto3", "botocore", "moto", "awsbox", "granian", "flask"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return found


def main(argv=None, log=None) -> dict:
    args = parse_args(argv)
    log = log or (lambda text: print(text, flush=True))
    settings = settings_from(args)
    servers = (args.servers or ("awsbox,moto" if args.quick or args.smoke else "awsbox,awsbox-mem,moto")).split(",")
    groups = [g for g in args.groups.split(",") if g]
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise SystemExit(f"unknown groups: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    report = {"started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "argv": list(argv if argv is not None else sys.argv[1:]), "settings": dataclasses.asdict(settings),
              "machine": {"cpus": os.cpu_count(), "loadavg_at_start": os.getloadavg(), "platform": platform.platform()},
              "versions": versions(), "rows": [], "profiles": {}}
    pool_size = max(max(settings.concurrency), settings.populate_workers)
    log(f"client pool: {pool_size} processes; cells of {settings.duration:g}s; servers {', '.join(servers)}")
    rounds = []
    with ClientPool(pool_size) as pool:
        for number in range(1, args.rounds + 1):
            # Alternating the order cancels a steady drift of the machine's speed.
            rows = []
            for name in servers if number % 2 else servers[::-1]:
                server_groups = [g for g in groups if name != "awsbox-mem" or g in MEMORY_GROUPS]
                rows += run_server(name, server_groups, settings, pool, log)[0]
            for row in rows:
                row["round"] = number
            rounds.append(rows)
            report["rows"] += rows
            if args.rounds > 1:
                log(f"\nround {number}:\n{format_table(rows, servers)}\n")
        if args.profile:
            if not profiling.available():
                log("--profile: py-spy is not installed (pip install py-spy); skipped")
            else:
                profile_dir = Path(tempfile.mkdtemp(prefix="awsbox-profile-"))
                log(f"profiling a fresh awsbox with py-spy (raw stacks in {profile_dir})")
                # Hot spots do not need the full sizes: a smaller object and bucket keep the pass short.
                profiled = dataclasses.replace(settings, large_size=min(settings.large_size, 256 * MIB),
                                               list_keys=min(settings.list_keys, 20_000), big_sizes=())
                _, report["profiles"] = run_server("awsbox", groups, profiled, pool, log, profile_dir)
    report["seconds"] = round(time.monotonic() - started, 1)
    report["ratios"] = [{**entry, "round": number} for number, rows in enumerate(rounds, 1) for entry in ratios(rows)]
    log("")
    if args.rounds > 1:
        report["spread"] = spread(report["ratios"])
        log(format_spread(report["spread"]))
    else:
        log(format_table(report["rows"], servers))
    output = args.output or RESULTS / f"run-{time.strftime('%Y%m%d-%H%M%S')}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1, default=str))
    log(f"\nJSON: {output}  ({report['seconds']:.0f}s in all)")
    report["output"] = str(output)
    return report


if __name__ == "__main__":
    main()
