#!/usr/bin/python3
"""test_detects_wrong_status.py PLAN.toml PLAN.gpkg WORKDIR [LANDALLOC]: the audit catches a
tampered plan.

PLAN.gpkg is the output audit.<example> leaves in the build tree; when it is missing or older
than LANDALLOC (the test run alone), the plan is made here first.

Each case copies the plan's output (or the plan file), tampers with one row the audit agrees
with, and asserts that the audit then fails with a new disagreement line naming that row:

1. an allocated parcel of a met target row deleted: the tool's `supplied` no longer adds up;
2. one year's target figure raised in a copy of the plan file to 1.01 x what the plan supplies:
   the row is 1 % short while the tool's output says met (status and target figure differ);
3. a kept rule_checks row flipped to not met (`met` = 0, `status` = 'short' when present);
4. an annual_plan row's `supplied` raised by 5 %;
5. the status words' fields (`status`, `difference`) as the tool is to write them, added to an
   output that lacks them: a met row claimed 'short' and its difference off by 10;
6. a spatial policy (`[[policies]]`, max_share on the first zone) the tool keeps, tightened in a
   copy of the plan file to 99 % of the share achieved: the audit must say 'over' where the
   tool's rule_checks says met (needs LANDALLOC to plan the copy with the policy);
7. the plan's D and a zone's workers after the plan overstated;
8. run_metadata's gap understated tenfold: the audit recomputes it from the bound, the objective
   and the unavoidable cost.
"""

import os
import re
import shutil
import subprocess
import sys
import tomllib

from osgeo import ogr

ogr.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))
AUDIT = os.path.join(HERE, "audit_plan.py")


def audit(plan, gpkg):
    r = subprocess.run([sys.executable, AUDIT, plan, gpkg], capture_output=True, text=True)
    lines = [l for l in r.stdout.splitlines() if l.startswith("DISAGREE")]
    return r.returncode, lines, r.stdout + r.stderr


def rows(gpkg, layer):
    ds = ogr.Open(gpkg)
    return [dict({k: f.GetField(k) for k in f.keys()}, _fid=f.GetFID())
            for f in ds.GetLayerByName(layer)]


def is_met(r):
    """The tool says met: its status word, or (older outputs) the met flag."""
    if r.get("status"):
        return r["status"] == "met"
    return r.get("met") is not None and int(r["met"]) == 1


def name_of(r):
    """The audit's name of an annual_plan row."""
    z = f" [{r['zones']}]" if r["zones"] else ""
    return f"annual_plan {r['year']} {r['housing_type']}{z} ({r['unit']})"


failures = []


def expect(case, plan, gpkg, baseline, row_name, what):
    code, lines, out = audit(plan, gpkg)
    new = [l for l in lines if l not in baseline]
    hit = [l for l in new if row_name in l and what in l]
    if code != 1 or not hit:
        failures.append(f"{case}: expected the audit to fail naming '{row_name}' ({what}); exit "
                        f"{code}, new lines:\n  " + "\n  ".join(new or ["(none)"]) + "\n" + out)
    else:
        print(f"ok {case}: {hit[0]}")


def main(argv):
    plan, gpkg, work = argv[1:4]
    os.makedirs(work, exist_ok=True)
    if len(argv) > 4 and (not os.path.exists(gpkg) or
                          os.path.getmtime(gpkg) < os.path.getmtime(argv[4])):
        sys.path.insert(0, HERE)
        from run_audit import make_plan
        if make_plan(argv[4], plan, gpkg) != 0:
            return 1
    code, baseline, out = audit(plan, gpkg)
    if code not in (0, 1):
        print(out)
        return 1
    baseline = set(baseline)
    named = lambda n: any(n + ":" in l for l in baseline)
    annual = rows(gpkg, "annual_plan")
    # Rows the audit agrees with, met in the tool's output, of a single type (not a group).
    good = [r for r in annual if is_met(r) and "+" not in r["housing_type"] and
            (r["supplied"] or 0) > 0 and not named(name_of(r))]
    if not good:
        print("no met row the audit agrees with to tamper with\n" + out)
        return 1
    row = good[0]

    # 1. Delete one parcel of the row.
    g1 = os.path.join(work, "deleted_parcel.gpkg")
    shutil.copyfile(gpkg, g1)
    ds = ogr.Open(g1, update=1)
    layer = ds.GetLayerByName("allocated_parcels")
    layer.SetAttributeFilter(f"year = {row['year']} AND housing_type = '{row['housing_type']}'")
    victim = next(iter(layer))
    layer.SetAttributeFilter(None)
    layer.DeleteFeature(victim.GetFID())
    ds = None
    expect(f"delete parcel {victim.GetField('parcel_id')}", plan, g1, baseline, name_of(row),
           "supplied")

    # 2. Raise that row's target to 1.01 x its supply in a copy of the plan file.
    with open(plan, "rb") as f:
        doc = tomllib.load(f)
    first = int(doc["plan"].get("first_year", 2021))
    text = open(plan, encoding="utf-8").read()
    k = next(i for i, t in enumerate(doc["targets"])
             if t.get("type") == row["housing_type"] and "values" in t and
             ",".join(t.get("zones", [])) == (row["zones"] or ""))
    values = list(doc["targets"][k]["values"])
    values[int(row["year"]) - first] = float(row["supplied"]) * 1.01
    starts = [m.start() for m in re.finditer(r"^\[\[targets\]\]", text, flags=re.M)]
    m = re.compile(r"^values\s*=\s*\[[^\]]*\]", re.M).search(text, starts[k])
    text = text[:m.start()] + "values = [" + ", ".join(repr(v) for v in values) + "]" + \
        text[m.end():]
    p2 = os.path.join(work, "raised_target.toml")
    # The copy lies in WORKDIR: a plan with relative input paths would not find them (the
    # example used here brings its own synthetic city).
    open(p2, "w", encoding="utf-8").write(text)
    expect("target raised to 1.01 x supply", p2, gpkg, baseline, name_of(row), "status")

    # 3. Flip a kept rule row.
    rules = [r for r in rows(gpkg, "rule_checks") if is_met(r)]
    if rules:
        rr = rules[0]
        g3 = os.path.join(work, "flipped_rule.gpkg")
        shutil.copyfile(gpkg, g3)
        ds = ogr.Open(g3, update=1)
        layer = ds.GetLayerByName("rule_checks")
        f = layer.GetFeature(rr["_fid"])
        if f.GetFieldIndex("met") >= 0:
            f.SetField("met", 0)
        if f.GetFieldIndex("status") >= 0:
            f.SetField("status", "short")
        layer.SetFeature(f)
        ds = None
        year = f" {rr['year']}" if rr["year"] is not None else ""
        expect(f"rule_checks fid {rr['_fid']} flipped", plan, g3, baseline,
               f"rule_checks {rr['rule']}{year}", "status")
    else:
        failures.append("the plan has no kept rule_checks row to flip: use a plan with rules")

    # 4. Overstate a row's supply.
    g4 = os.path.join(work, "overstated.gpkg")
    shutil.copyfile(gpkg, g4)
    ds = ogr.Open(g4, update=1)
    layer = ds.GetLayerByName("annual_plan")
    f = layer.GetFeature(row["_fid"])
    f.SetField("supplied", float(row["supplied"]) * 1.05)
    layer.SetFeature(f)
    ds = None
    expect("supplied overstated by 5 %", plan, g4, baseline, name_of(row), "supplied")

    # 5. The status words' fields: a met row claimed short, its difference off.
    g5 = os.path.join(work, "status_words.gpkg")
    shutil.copyfile(gpkg, g5)
    ds = ogr.Open(g5, update=1)
    layer = ds.GetLayerByName("annual_plan")
    for name, kind in (("status", ogr.OFTString), ("difference", ogr.OFTReal)):
        if layer.GetLayerDefn().GetFieldIndex(name) < 0:
            layer.CreateField(ogr.FieldDefn(name, kind))
    f = layer.GetFeature(row["_fid"])
    f.SetField("status", "short")
    f.SetField("difference", float(row["supplied"]) - float(row["target"]) + 10.0)
    layer.SetFeature(f)
    ds = None
    expect("status word 'short' on a met row", plan, g5, baseline, name_of(row), "status 'short'")
    expect("difference off by 10", plan, g5, baseline, name_of(row), "difference")

    # 6. A policy the tool keeps, tightened under the achieved share in a copy of the plan.
    if len(argv) > 4:
        sys.path.insert(0, HERE)
        from run_audit import make_plan
        zone = rows(gpkg, "zones")[0]["zone_id"]
        base = open(plan, encoding="utf-8").read()
        policy = ("\n[[policies]]\nname = \"audit probe\"\nzones = [\"{z}\"]\nmeasure = \"land\"\n"
                  "max_share = {s}\nbinding = false\n")
        p6 = os.path.join(work, "policy.toml")
        open(p6, "w", encoding="utf-8").write(base + policy.format(z=zone, s=0.5))
        g6 = os.path.join(work, "policy.gpkg")
        if make_plan(argv[4], p6, g6) not in (0, 6):
            failures.append("policy case: the plan with the probe policy did not run")
        else:
            probe = [r for r in rows(g6, "rule_checks")
                     if r["rule"] == "policy" and r["requirement"].startswith("audit probe (")]
            code, base6, out6 = audit(p6, g6)
            if len(probe) != 1 or not is_met(probe[0]) or probe[0]["actual"] <= 0:
                failures.append(f"policy case: expected one kept probe row with supply, got "
                                f"{probe}")
            elif any("audit probe" in l for l in base6):
                failures.append("policy case: the audit disagrees with the untampered probe:\n"
                                + out6)
            else:
                tight = os.path.join(work, "policy_tight.toml")
                open(tight, "w", encoding="utf-8").write(
                    base + policy.format(z=zone, s=0.99 * float(probe[0]["actual"])))
                expect("policy max_share tightened to 99 % of the share achieved", tight, g6,
                       set(base6), "rule_checks policy audit probe", "status")

    # 7. The plan's D in jobs_housing_balance overstated, and one zone's workers after the plan.
    g7 = os.path.join(work, "balance.gpkg")
    shutil.copyfile(gpkg, g7)
    ds = ogr.Open(g7, update=1)
    layer = ds.GetLayerByName("jobs_housing_balance")
    for f in layer:
        if f.GetField("run") == "plan":
            f.SetField("dissimilarity", f.GetField("dissimilarity") + 0.01)
            layer.SetFeature(f)
    layer = ds.GetLayerByName("zones")
    f = next(iter(layer))
    zone_id = f.GetField("zone_id")
    f.SetField("workers_after", f.GetField("workers_after") + 500.0)
    layer.SetFeature(f)
    ds = None
    expect("plan D overstated by 0.01", plan, g7, baseline, "jobs_housing_balance plan",
           "dissimilarity")
    expect("a zone's workers after the plan off by 500", plan, g7, baseline, f"zones {zone_id}",
           "workers_after")

    # 8. The gap stated as a tenth of itself (the relative gap taken over another objective).
    meta = {r["key"]: r for r in rows(gpkg, "run_metadata")}
    if meta.get("gap") and meta["gap"]["value"]:
        g8 = os.path.join(work, "gap_understated.gpkg")
        shutil.copyfile(gpkg, g8)
        ds = ogr.Open(g8, update=1)
        layer = ds.GetLayerByName("run_metadata")
        f = layer.GetFeature(meta["gap"]["_fid"])
        f.SetField("value", repr(float(f.GetField("value")) / 10))
        layer.SetFeature(f)
        ds = None
        expect("gap understated tenfold", plan, g8, baseline, "run_metadata", "gap")

    for msg in failures:
        print("FAIL " + msg)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
