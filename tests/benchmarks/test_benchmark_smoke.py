"""The benchmark harness in its smallest mode (a few calls per cell, a 1 MiB
object, 30 listed keys) against awsbox and moto, so it keeps working. It
checks that every workload ran without errors, never how fast: no timings
are asserted. Takes about 20 s."""
import json

import pytest

pytest.importorskip("moto.server")

from benchmarks import run  # noqa: E402


def test_every_workload_runs_against_both_servers(tmp_path):
    output = tmp_path / "smoke.json"
    lines = []
    report = run.main(["--smoke", "--output", str(output)], log=lines.append)

    assert json.loads(output.read_text())["rows"] == report["rows"]
    failures = [row for row in report["rows"] if row.get("errors")]
    assert not failures, "\n".join(lines)
    measured = {(row["server"], row["group"]) for row in report["rows"] if row.get("ops")}
    assert measured == {(server, group) for server in ("awsbox", "moto") for group in run.GROUPS}
    # Every cell that awsbox measured has a ratio against moto's.
    ratios = {(r["group"], r["workload"], r["concurrency"]) for r in report["ratios"]}
    cells = {(r["group"], r["workload"], r["concurrency"]) for r in report["rows"] if r["server"] == "awsbox"}
    assert ratios == cells
    assert any("awsbox/moto" in line for line in lines)  # the side-by-side table was printed


def test_rounds_alternate_the_servers_and_report_each_cells_spread(tmp_path):
    lines = []
    report = run.main(["--smoke", "--rounds", "2", "--groups", "kms", "--concurrency", "1",
                       "--output", str(tmp_path / "rounds.json")], log=lines.append)
    assert not [row for row in report["rows"] if row.get("errors")], "\n".join(lines)
    started = [line.split(":")[0] for line in lines if line.endswith(": starting")]
    assert started == ["awsbox (data dir)", "moto server", "moto server", "awsbox (data dir)"]
    assert {r["round"] for r in report["ratios"]} == {1, 2}
    for cell in report["spread"]:
        per_round = sorted(r["throughput_ratio"] for r in report["ratios"]
                           if (r["group"], r["workload"], r["concurrency"]) == (cell["group"], cell["workload"], cell["concurrency"]))
        assert (cell["rounds"], cell["min"], cell["max"]) == (2, per_round[0], per_round[1])
    assert any(line.startswith("throughput ratio against moto over the rounds") for line in lines)
