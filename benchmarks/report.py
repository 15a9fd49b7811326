"""The side-by-side table and the awsbox/moto ratios."""
from __future__ import annotations

import statistics

BASELINE = "moto"


def _key(row: dict) -> tuple:
    return row["group"], row["workload"], row["concurrency"]


def _index(rows: list[dict]) -> tuple[list[tuple], dict]:
    order, cells = [], {}
    for row in rows:
        if _key(row) not in cells and not any(_key(row) == k for k in order):
            order.append(_key(row))
        cells[_key(row) + (row["server"],)] = row
    return order, cells


def _usable(row: dict | None) -> bool:
    return bool(row) and not row.get("errors") and row.get("units_per_s", 0) > 0


def ratios(rows: list[dict]) -> list[dict]:
    order, cells = _index(rows)
    servers = sorted({row["server"] for row in rows} - {BASELINE})
    found = []
    for key in order:
        base = cells.get(key + (BASELINE,))
        for server in servers:
            row = cells.get(key + (server,))
            if _usable(row) and _usable(base):
                entry = {"group": key[0], "workload": key[1], "concurrency": key[2], "server": server,
                         "throughput_ratio": round(row["units_per_s"] / base["units_per_s"], 2)}
                if row.get("pss_peak_mib") and base.get("pss_peak_mib"):
                    entry["pss_peak_ratio"] = round(row["pss_peak_mib"] / base["pss_peak_mib"], 2)
                elif row.get("server_cpu_ms_per_op") and base.get("server_cpu_ms_per_op"):
                    # > 1: awsbox spends less server CPU per call than moto
                    entry["server_cpu_efficiency"] = round(base["server_cpu_ms_per_op"] / row["server_cpu_ms_per_op"], 2)
                found.append(entry)
    return found


def spread(found: list[dict]) -> list[dict]:
    """Each cell's throughput ratio over the rounds of a run (``found``:
    ratios() of every round, each entry with its ``round``): the lowest, the
    median and the highest."""
    cells: dict[tuple, list[float]] = {}
    for entry in found:
        key = (entry["group"], entry["workload"], entry["concurrency"], entry["server"])
        cells.setdefault(key, []).append(entry["throughput_ratio"])
    return [{"group": key[0], "workload": key[1], "concurrency": key[2], "server": key[3], "rounds": len(values),
             "min": min(values), "median": round(statistics.median(values), 2), "max": max(values)}
            for key, values in cells.items()]


def format_spread(summary: list[dict]) -> str:
    lines = ["throughput ratio against moto over the rounds: lowest, median, highest"]
    lines += [f"{(s['group'] + ' ' + s['workload'])[:44]:44} {s['concurrency']:>2} {s['server']:>10} "
              f"{s['min']:6.2f}x {s['median']:6.2f}x {s['max']:6.2f}x  ({s['rounds']} rounds)" for s in summary]
    return "\n".join(lines)


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _cell(row: dict | None, large: bool) -> str:
    if row is None:
        return "-"
    if row.get("errors") and not row.get("ops"):
        return "ERROR"
    flag = "!" if row.get("errors") else ""
    if large:
        growth = row.get("pss_peak_mib", 0) - row.get("pss_idle_mib", 0)
        return f"{_rate(row['units_per_s'])} MB/s {row.get('pss_peak_mib', 0):,.0f} MiB (+{growth:,.0f}){flag}"
    return (f"{_rate(row['units_per_s'])} {row.get('server_cpu_ms_per_op', 0):.2f}"
            f"/{row.get('client_cpu_ms_per_op', 0):.2f}{flag}")


def _ratio(row: dict | None, base: dict | None, large: bool) -> str:
    if not (_usable(row) and _usable(base)):
        return "-"
    text = f"{row['units_per_s'] / base['units_per_s']:.2f}x"
    if large and row.get("pss_peak_mib") and base.get("pss_peak_mib"):
        text += f" mem {row['pss_peak_mib'] / base['pss_peak_mib']:.2f}"
    elif not large and row.get("server_cpu_ms_per_op") and base.get("server_cpu_ms_per_op"):
        text += f" cpu {base['server_cpu_ms_per_op'] / row['server_cpu_ms_per_op']:.2f}"
    return text


def format_table(rows: list[dict], servers: list[str]) -> str:
    order, cells = _index(rows)
    others = [s for s in servers if s != BASELINE]
    width = 30
    header = f"{'workload':44} {'c':>2} " + " ".join(f"{s:>{width}}" for s in servers)
    header += "".join(f" {s + '/moto':>18}" for s in others if BASELINE in servers)
    lines = [("cells: rate per second, then server/client CPU ms per call (large objects: MB/s, the server's "
              "peak memory, the PSS summed over its process tree, and (+growth) over idle before the call; "
              "the JSON also has the summed RSS); ! = some calls failed"),
             ("ratios: throughput, then server CPU efficiency (moto's server CPU per call / ours; large objects: "
              "mem = our peak PSS / moto's)"), header, "-" * len(header)]
    group = None
    for key in order:
        if key[0] != group and group is not None:
            lines.append("")
        group = key[0]
        large = key[0] == "s3-large"
        unit = next((cells[key + (s,)].get("unit") for s in servers if key + (s,) in cells), "ops")
        label = f"{key[0]} {key[1]} ({unit})"[:44]
        line = f"{label:44} {key[2]:>2} " + " ".join(f"{_cell(cells.get(key + (s,)), large):>{width}}" for s in servers)
        if BASELINE in servers:
            base = cells.get(key + (BASELINE,))
            for server in others:
                line += f" {_ratio(cells.get(key + (server,)), base, large):>18}"
        lines.append(line)
    failures = [row for row in rows if row.get("errors")]
    if failures:
        lines.append("\nfailures:")
        lines += [f"  {r['server']} {r['group']} {r['workload']} c={r['concurrency']}: {r['errors']} errors, "
                  f"first: {r.get('first_error')}" for r in failures]
    return "\n".join(lines)
