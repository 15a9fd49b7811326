"""The end-to-end cost of IAM enforcement on small S3 GETs (issue: at most 15%
slower than with ``--auth permissive``).

Three embedded servers from the same code: as shipped (SigV4 verified, IAM
enforced) answering an IAM user whose S3 access comes from an inline policy;
``--iam off`` (SigV4 verified, nothing authorized); and ``--iam off --auth
permissive``. One client makes the same small GETs against each, in
alternating rounds so all see the same machine load. The figures are calls per
second and the server's CPU time per call (its whole process tree, from
/proc); the ratios say what enforcement costs against each baseline.

Run: ``python -m benchmarks.enforcement_overhead [--calls 2000] [--rounds 5]``.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time

from simulator.embedded import EmbeddedServer

from .process_tree import ProcessTree

BUCKET = "overhead-bench"
BODY = b"x" * 1024


def _reader(server: EmbeddedServer):
    """An IAM user allowed s3:GetObject on the bucket, with a client signing as it."""
    iam = server.client("iam")
    iam.create_user(UserName="reader")
    iam.put_user_policy(UserName="reader", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}))
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    return server.client("s3", key["AccessKeyId"], key["SecretAccessKey"])


def _round(client, server_tree: ProcessTree, calls: int) -> tuple[float, float]:
    cpu = server_tree.cpu_seconds()
    start = time.perf_counter()
    for _ in range(calls):
        client.get_object(Bucket=BUCKET, Key="small")["Body"].read()
    elapsed = time.perf_counter() - start
    return elapsed, server_tree.cpu_seconds() - cpu


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="GETs per round per server")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    setups = {"enforce": (), "iam_off": ("--iam", "off"), "permissive": ("--iam", "off", "--auth", "permissive")}
    servers, clients, trees = {}, {}, {}
    try:
        for name, flags in setups.items():
            server = servers[name] = EmbeddedServer(tempfile.mkdtemp(prefix=f"awsbox-bench-{name}-"), args=flags).start()
            root = server.client("s3")
            root.create_bucket(Bucket=BUCKET)
            root.put_object(Bucket=BUCKET, Key="small", Body=BODY)
            clients[name] = _reader(server) if name == "enforce" else root
            trees[name] = ProcessTree(server.process.pid)
            _round(clients[name], trees[name], 200)  # warm up
        totals = {name: [0.0, 0.0] for name in setups}
        for _ in range(args.rounds):
            for name in setups:
                elapsed, cpu = _round(clients[name], trees[name], args.calls)
                totals[name][0] += elapsed
                totals[name][1] += cpu
    finally:
        for server in servers.values():
            server.stop()
    calls = args.calls * args.rounds
    report = {name: {"calls_per_s": round(calls / wall, 1), "server_cpu_ms_per_call": round(1000 * cpu / calls, 3)}
              for name, (wall, cpu) in totals.items()}
    for baseline in ("permissive", "iam_off"):
        report[f"slowdown_vs_{baseline}"] = {
            "throughput": round(report[baseline]["calls_per_s"] / report["enforce"]["calls_per_s"], 3),
            "server_cpu": round(report["enforce"]["server_cpu_ms_per_call"] / report[baseline]["server_cpu_ms_per_call"], 3),
        }
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
