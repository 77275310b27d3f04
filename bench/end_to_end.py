#!/usr/bin/python3
"""End-to-end benchmark of `landalloc plan` against the I/O reference (issue 19, deliverable 2).

For each size it generates a city with `landalloc synth` at a fixed density (the scale grows with
the square root of the parcels: --scale sqrt(parcels / 10,000)), then, in one run:
- copies the city's parcels layer with `ogr2ogr -f GPKG` (the I/O reference: reading and writing
  the same features, nothing else);
- plans the city with the built-in default plan (`landalloc plan CITY --out PLAN`), and reads
  the stages' times and the peak memory from the line `timings: ...` it prints, and the solver's
  objective, bound, certified gap and the bound that certified it from the plan's run_metadata.
Prints a Markdown table (docs/performance.md holds the one measured on the 2-core machine) and,
per size, the ratio of landalloc's wall time to the ogr2ogr copy's.

Usage:  /usr/bin/python3 bench/end_to_end.py LANDALLOC_BINARY WORK_DIR [PARCELS ...]
        (default sizes 10000 100000 1000000; /usr/bin/python3 has GDAL's bindings)
A benchmark, not a test: it asserts nothing and times what it runs; keep the machine idle.
"""

import math
import os
import re
import resource
import shutil
import subprocess
import sys
import time

from osgeo import ogr

TIMINGS = re.compile(
    r"timings: read and facts (?P<read>[0-9.]+) s, model (?P<model>[0-9.]+) s, solve "
    r"(?P<solve>[0-9.]+) s, explain (?P<explain>[0-9.]+) s, balance runs (?P<balance>[0-9.]+) "
    r"s, write (?P<write>[0-9.]+) s \(the balance runs within it\), total (?P<total>[0-9.]+) s; peak memory (?P<peak>[0-9]+) MiB")


def timed(cmd):
    """Runs `cmd`; returns (wall seconds, CPU seconds of the child, its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in (0, 6):  # 6: binding targets unmet, the plan is written
        sys.exit(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, r.stdout


def metadata(gpkg):
    ds = ogr.Open(gpkg)
    return {f.GetField("key"): f.GetField("value") for f in ds.GetLayerByName("run_metadata")}


def bench(binary, work, parcels):
    scale = math.sqrt(parcels / 10000)
    city = os.path.join(work, f"city-{parcels}.gpkg")
    copy = os.path.join(work, f"copy-{parcels}.gpkg")
    plan = os.path.join(work, f"plan-{parcels}.gpkg")
    for f in (copy, plan):
        if os.path.exists(f):
            os.remove(f)
    synth_s, _, _ = timed([binary, "synth", "--out", city, "--parcels", str(parcels), "--scale",
                           f"{scale:.4f}", "--seed", "2021", "--overwrite", "--quiet"])
    copy_s, _, _ = timed(["ogr2ogr", "-f", "GPKG", copy, city, "parcels"])
    wall, cpu, out = timed([binary, "plan", city, "--out", plan, "--overwrite"])
    m = TIMINGS.search(out)
    if not m:
        sys.exit(f"landalloc plan printed no timings line:\n{out[-2000:]}")
    meta = metadata(plan)
    status = meta.get("solver_status", "")
    bound_by = ("subgradient" if "subgradient" in status
                else "column generation" if "column generation" in status
                else "LP" if "LP relaxation" in status
                else "CBC" if meta.get("solver") == "exact" else status[:40])
    return {
        "parcels": parcels, "scale": scale, "synth": synth_s, "copy": copy_s, "wall": wall,
        "cpu": cpu, "ratio": wall / copy_s, **{k: float(v) for k, v in m.groupdict().items()},
        "gap": float(meta["gap"]) if meta.get("gap") else float("nan"),
        "objective": float(meta["objective"]), "bound": float(meta["bound"] or "nan"),
        "unavoidable": float(meta.get("unavoidable_cost") or 0), "bound_by": bound_by,
    }


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    sizes = [int(a) for a in sys.argv[3:]] or [10000, 100000, 1000000]
    if not shutil.which("ogr2ogr"):
        sys.exit("ogr2ogr not found (package gdal-bin)")
    os.makedirs(work, exist_ok=True)
    rows = []
    for n in sizes:
        print(f"{n} parcels ...", file=sys.stderr, flush=True)
        rows.append(bench(binary, work, n))
    print("| parcels (scale) | synth s | ogr2ogr copy s | landalloc wall s (CPU s) | ratio | "
          "read and facts s | model s | solve s | explain s | balance runs s | write s | "
          "peak MiB | certified gap (bound) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['parcels']:,} ({r['scale']:.2f}) | {r['synth']:.1f} | {r['copy']:.1f} | "
              f"{r['wall']:.1f} ({r['cpu']:.1f}) | {r['ratio']:.1f} | {r['read']:.1f} | "
              f"{r['model']:.1f} | {r['solve']:.1f} | {r['explain']:.1f} | {r['balance']:.1f} | "
              f"{r['write']:.1f} | {r['peak']:.0f} | {100 * r['gap']:.3g} % ({r['bound_by']}) |")
    for a, b in zip(rows, rows[1:]):
        growth = (b["wall"] / b["parcels"]) / (a["wall"] / a["parcels"])
        print(f"time per parcel, {a['parcels']:,} -> {b['parcels']:,}: x{growth:.2f}")


if __name__ == "__main__":
    main()
