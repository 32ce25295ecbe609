"""Benchmark: all directed dyad-years 1816-2022 with add_nmc for both sides.

Targets: at most 1.0 s in-process after import and peak memory at most 1 GB (issue 3); the
whole CLI process writing Parquet under 1 s, at least 10x peacesciencer (issue 19). The
CLI takes the pandas-free fast path (powergap.panels.fast) for this command.
peacesciencer's figure, recorded (R is not needed here): ``create_dyadyears(directed =
TRUE, mry = TRUE, subset_years = 1816:2022) |> add_nmc()`` saved uncompressed took 8.1-10.0 s
(peak about 1.1 GB) as a whole Rscript process on this 2-core machine, R 4.2.2 with
peacesciencer 1.2.9, measured by the session that filed issue 19 in the same run as
powergap's then 1.75 s; the rows and values were identical (powergap now also has
peacesciencer's ATOP rows as ``atop_alliance``). benchmarks/run.py reports the ratio.

Run: ``python benchmarks/bench_panels.py [--repeat N] [--verbs]``. Prints figures; it is not
a test. Each in-process measurement runs in a fresh interpreter, so the first call pays
every cold cost (reading the snapshot, building the membership year sets); the warm
figure is a second call in the same process. ``--verbs`` also times every add_* verb whose
series the snapshot holds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IN_PROCESS = r"""
import json, resource, time
t0, c0 = time.perf_counter(), time.process_time()
import powergap
from powergap.panels import add_nmc, dyad_years
t1, c1 = time.perf_counter(), time.process_time()
d = add_nmc(dyad_years(directed=True, start=1816, end=2022))
t2, c2 = time.perf_counter(), time.process_time()
del d
d = add_nmc(dyad_years(directed=True, start=1816, end=2022))
t3, c3 = time.perf_counter(), time.process_time()
row = d[(d.ccode1 == 710) & (d.ccode2 == 365) & (d.year == 2022)]
print(json.dumps({"import": t1 - t0, "cold": t2 - t1, "warm": t3 - t2, "cold_cpu": c2 - c1, "warm_cpu": c3 - c2,
                  "rows": len(d), "columns": d.shape[1],
                  "chn_rus_2022_complete": bool(row.iloc[:, 3:].notna().all(axis=None)),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

VERBS = r"""
import json, sys, time
from powergap.panels import VERBS, dyad_years
from powergap.snapshot.store import default_store
store = default_store()
d = dyad_years(directed=True, start=1816, end=2022)
out = {}
for name, verb in VERBS.items():
    t = time.perf_counter()
    try:
        verb(d, store=store)
        out[name] = time.perf_counter() - t
    except Exception as exc:
        out[name] = f"{type(exc).__name__}: {str(exc)[:80]}"
print(json.dumps(out))
"""


def _child(code: str) -> dict:
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def _cli_run(out: Path) -> tuple[float, float, float]:
    """Wall time, CPU time (user + system) and peak RSS (MB) of one CLI process (its own
    rusage, through os.wait4)."""
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "powergap", "panel", "dyad-years", "--directed", "--start", "1816",
                          "--end", "2022", "--add", "nmc", "-o", str(out)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the panel command failed")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs of each measurement (default 5)")
    ap.add_argument("--verbs", action="store_true", help="also time every add_* verb on the same panel")
    args = ap.parse_args()

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    runs = [_child(IN_PROCESS) for _ in range(args.repeat)]
    r0 = runs[0]
    print(f"panel: {r0['rows']:,} directed dyad-years 1816-2022 x {r0['columns']} columns; "
          f"China-Russia 2022 NMC complete: {r0['chn_rus_2022_complete']}")
    for key, label in (("import", "import powergap.panels"), ("cold", "dyad_years + add_nmc, first call"),
                       ("cold_cpu", "  (CPU time of the first call)"), ("warm", "dyad_years + add_nmc, second call"),
                       ("warm_cpu", "  (CPU time of the second call)"), ("peak_rss_mb", "peak memory (MB, RSS)")):
        vals = [r[key] for r in runs]
        unit = "" if key == "peak_rss_mb" else " s"
        print(f"  {label:40s} min {min(vals):8.3f}{unit}  median {statistics.median(vals):8.3f}{unit}")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "d.parquet"
        cli = [_cli_run(out) for _ in range(args.repeat)]
        size = out.stat().st_size / 1e6
    walls, cpus = [c[0] for c in cli], [c[1] for c in cli]
    print(f"CLI 'powergap panel dyad-years --directed --start 1816 --end 2022 --add nmc -o d.parquet' ({size:.1f} MB file)")
    print(f"  {'whole process, wall time':40s} min {min(walls):8.3f} s  median {statistics.median(walls):8.3f} s")
    print(f"  {'whole process, CPU time (user+sys)':40s} min {min(cpus):8.3f} s  median {statistics.median(cpus):8.3f} s")
    print(f"  {'peak memory of the CLI processes (MB)':40s} max {max(c[2] for c in cli):8.1f}")
    print("(wall times include waiting for the CPU: compare them with the load average above)")

    if args.verbs:
        times = _child(VERBS)
        print("add_* verbs on the same panel (one call each, cold):")
        for name, v in times.items():
            print(f"  add_{name:18s} {v:8.3f} s" if isinstance(v, float) else f"  add_{name:18s} {v}")


if __name__ == "__main__":
    main()
