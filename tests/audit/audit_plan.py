#!/usr/bin/python3
"""Independent audit of a landalloc plan: audit_plan.py PLAN.toml OUT.gpkg

Recomputes every target row and every rule row of the plan from two sources only:

* the plan file (TOML, parsed here: [plan], [housing_types], [[targets]], [demand], [rules.*]),
* the output GeoPackage's own features: allocated_parcels (area_ha, floor_area_m2, units,
  bundled_type, bundled_floor_m2, bundled_units, year, housing_type, zone_id, in_park, reasons)
  and zones (zone_id, zone_class, district_id when present, geometry); park_catchments for the
  parks' outlines.

The tool's annual_plan and rule_checks tables are read only to compare their figures (target,
supplied, difference, actual, required, violation) and their status words (`status`, or the
older `met` flag) against the recomputation. One line per disagreement; exit 1 when there is
any, or when a row of the tool's tables cannot be recomputed ("not covered"), 0 when every row
is recomputed and agrees, 2 when the audit itself cannot run. See tests/audit/README.md.

Figures the audit does not re-derive (each named in the output):
* housing demand (`demand = "housing"`): the by-zone demand model (allocation/demand.cpp) is
  not a few lines; the row's supply is checked against the annual_plan's own target figure.
* a park's area: the park polygons are not in the output (park_catchments holds them buffered):
  the cap is taken from rule_checks' `required` and checked to be consistent across the park's
  caps and no larger than the catchment shrunk back by its buffer distance allows.
"""

from __future__ import annotations

import math
import re
import sys
import tomllib
from dataclasses import dataclass, field

from osgeo import ogr

ogr.UseExceptions()

REL = 1e-6  # relative slack of every comparison (the tool rounds its tables to 4-6 decimals)
STATUS_WORDS = ("met", "over", "within tolerance", "short")
# Half the last digit the tool writes, per allocated part: area_ha 4 decimals, floor areas and
# units 1 decimal (outputs/plan_layers.cpp); a part's land also carries s's rounding.
HALF_ULP = {"ha": 5e-5, "m2": 0.1, "units": 0.1}
TALENT_AREA_DEFAULT = 52.91


class AuditError(Exception):
    pass


# ----------------------------------------------------------------------------------------------
# The plan file


@dataclass
class Target:
    index: int
    line_label: str  # annual_plan's housing_type: the type, or the group's types joined by '+'
    types: list[str]
    group: bool
    unit: str
    values: list[float] | None  # None: not re-derived (housing demand)
    tolerance: float
    lower_tolerance: float
    binding: bool
    at_least: bool
    zones: list[str]
    displaced_from: str
    demand: str

    def zones_text(self) -> str:
        z = ",".join(self.zones)
        if self.displaced_from:
            z += (" " if z else "") + "near " + self.displaced_from
        return z


@dataclass
class Plan:
    first_year: int
    last_year: int
    types: dict[str, dict]
    targets: list[Target]
    rules: dict
    notes: list[str] = field(default_factory=list)
    policies: list[dict] = field(default_factory=list)  # [[policies]]
    zone_groups: dict = field(default_factory=dict)  # [zone_groups]
    indicators: dict = field(default_factory=dict)  # [indicators]

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


def talent_matches(entry_zones: list[str], target_zones: list[str]) -> bool:
    if not target_zones:
        return True
    if not entry_zones:
        return False
    inside = sum(1 for z in entry_zones if z in target_zones)
    if inside not in (0, len(entry_zones)):
        raise AuditError(f"[[demand.talent]] zones {entry_zones} straddle a target's zones")
    return inside > 0


def load_plan(path: str) -> Plan:
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    p = doc.get("plan", {})
    first = int(p.get("first_year", 2021))
    last = int(p.get("last_year", first + 4))
    n_years = last - first + 1
    types = {}
    for tid, t in doc.get("housing_types", {}).items():
        types[tid] = {"unit_m2": float(t.get("unit_m2", 90.0)), "rental": bool(t.get("rental", False))}
    demand = doc.get("demand", {})
    targets = []
    notes = []
    for i, t in enumerate(doc.get("targets", [])):
        group = "types" in t
        ttypes = list(t["types"]) if group else [t["type"]]
        unit = t.get("unit", "ha")
        dem = t.get("demand", "")
        zones = list(t.get("zones", []))
        values: list[float] | None
        if dem == "talent":
            per_year = sum(
                float(e["talents_per_year"]) * float(e.get("area_per_talent_m2", TALENT_AREA_DEFAULT))
                for e in demand.get("talent", [])
                if talent_matches(list(e.get("zones", [])), zones))
            if unit == "units":
                per_year /= types[ttypes[0]]["unit_m2"]
            values = [per_year] * n_years
        elif dem == "housing":
            values = None
            notes.append(f"targets[{i}] ({ttypes[0]}, demand = \"housing\"): the figure itself is "
                         "not re-derived (the demand model is not a few lines); its supply is "
                         "checked against annual_plan's target")
        elif "values" in t:
            values = [float(v) for v in t["values"]]
        else:
            # docs/plan-file.md: `total` is the horizon's total, split evenly over the years.
            values = [float(t["total"]) / n_years] * n_years
        targets.append(Target(
            index=i, line_label="+".join(ttypes), types=ttypes, group=group, unit=unit,
            values=values, tolerance=float(t.get("tolerance", 0.05)),
            lower_tolerance=float(t.get("lower_tolerance", 0.0)),
            binding=bool(t.get("binding", True)), at_least=bool(t.get("at_least", False)),
            zones=zones, displaced_from=t.get("displaced_from", ""), demand=dem))
    plan = Plan(first, last, types, targets, doc.get("rules", {}), notes)
    plan.indicators = dict(doc.get("indicators", {}))
    plan.policies = list(doc.get("policies", []))
    plan.zone_groups = dict(doc.get("zone_groups", {}))
    return plan


# ----------------------------------------------------------------------------------------------
# The output GeoPackage


def read_rows(ds, name: str, geometry: bool = False) -> list[dict] | None:
    layer = ds.GetLayerByName(name)
    if layer is None:
        return None
    defn = layer.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    out = []
    for f in layer:
        row = {k: f.GetField(i) for i, k in enumerate(names)}
        row["_fid"] = f.GetFID()
        if geometry:
            g = f.GetGeometryRef()
            row["_geom"] = g.Clone() if g is not None else None
        out.append(row)
    return out


@dataclass
class Part:
    """One part of an allocated site: the host's (1 - s) or the bundled type's s."""
    parcel: str
    year: int
    zone: str
    type: str
    bundle: bool
    q: dict  # unit -> quantity
    err: dict  # unit -> rounding bound of q


def parts_of(a: dict) -> list[Part]:
    area = float(a["area_ha"] or 0)
    floor = float(a["floor_area_m2"] or 0)
    bfloor = float(a["bundled_floor_m2"] or 0)
    s = bfloor / floor if floor > 0 else 0.0
    s_err = (0.05 + 0.05 * s) / floor if floor > 0 else 0.0
    common = dict(parcel=a["parcel_id"], year=int(a["year"]), zone=a["zone_id"] or "")
    host = Part(type=a["housing_type"], bundle=False,
                q={"ha": area * (1 - s), "m2": floor - bfloor, "units": float(a["units"] or 0)},
                err={"ha": HALF_ULP["ha"] + area * s_err, "m2": HALF_ULP["m2"], "units": 0.05},
                **common)
    out = [host]
    if a.get("bundled_type"):
        out.append(Part(type=a["bundled_type"], bundle=True,
                        q={"ha": area * s, "m2": bfloor, "units": float(a["bundled_units"] or 0)},
                        err={"ha": HALF_ULP["ha"] + area * s_err, "m2": 0.05, "units": 0.05},
                        **common))
    return out


class Zones:
    def __init__(self, rows: list[dict]):
        self.by_id = {r["zone_id"]: r for r in rows}
        self.has_district = bool(rows) and "district_id" in rows[0]

    def matches(self, zone_id: str, ids: list[str]) -> bool:
        """Whether a zone is among `ids`, which may hold zone ids or district ids."""
        if not ids:
            return True
        if zone_id in ids:
            return True
        if self.has_district:
            z = self.by_id.get(zone_id)
            return z is not None and z.get("district_id") in ids
        return False

    def zone_class(self, zone_id: str) -> str | None:
        z = self.by_id.get(zone_id)
        return z.get("zone_class") if z else None

    def centre(self, zone_id: str):
        g = self.by_id[zone_id]["_geom"]
        c = g.Centroid()
        return c if g.Intersects(c) else g.PointOnSurface()

    def neighbours(self, a: str, b: str) -> bool:
        ga, gb = self.by_id[a]["_geom"], self.by_id[b]["_geom"]
        return ga.Distance(gb) <= 1.0  # the tool's 1 m (inputs/parcel_facts.cpp)


# ----------------------------------------------------------------------------------------------
# Status words


def classify(x: float, T: float, U: float, L: float) -> str:
    if x > U:
        return "over"
    if x >= T:
        return "met"
    if x >= L:
        return "within tolerance"
    return "short"


def target_status(s: float, err: float, tg: Target, T: float) -> set[str]:
    """The status words s may have, given its uncertainty err (rounding) and REL."""
    if T <= 0:
        if tg.at_least or s <= err:
            return {"met"}
        return {"over"}
    U = math.inf if tg.at_least else T * (1 + tg.tolerance)
    L = T if (tg.binding or tg.at_least) else T * (1 - tg.lower_tolerance)
    eps = max(REL * T, err)
    return {classify(s - eps, T, U, L), classify(s + eps, T, U, L), classify(s, T, U, L)}


def claimed(row: dict) -> tuple[set[str], str]:
    """The tool's claim: its status word, or (older outputs) the met flag."""
    st = row.get("status")
    if st is not None and st != "":
        return {st}, f"status '{st}'"
    met = row.get("met")
    if met is None:
        return set(), "no status"
    return ({"met"}, "met = 1") if int(met) == 1 else ({"short", "over", "within tolerance"},
                                                        "met = 0")


def fmt(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1e6 else f"{v:.2f}"
    return str(v)


# ----------------------------------------------------------------------------------------------
# The audit


class Audit:
    def __init__(self, plan: Plan, ds):
        self.plan = plan
        alloc = read_rows(ds, "allocated_parcels")
        zones = read_rows(ds, "zones", geometry=True)
        self.annual = read_rows(ds, "annual_plan")
        self.rule_rows = read_rows(ds, "rule_checks") or []
        if alloc is None or zones is None or self.annual is None:
            raise AuditError("the GeoPackage lacks allocated_parcels, zones or annual_plan")
        self.alloc = alloc
        self.zones = Zones(zones)
        self.parks = read_rows(ds, "park_catchments", geometry=True) or []
        self.parts = [p for a in alloc for p in parts_of(a)]
        self.disagreements: list[str] = []
        self.uncovered: list[str] = []
        self.notes: list[str] = list(plan.notes)
        self.checked_annual = 0
        self.checked_rules = 0

    def disagree(self, where: str, what: str, tool, audit, extra: str = ""):
        self.disagreements.append(f"DISAGREE {where}: {what}: tool says {fmt(tool)}, audit "
                                  f"computes {fmt(audit)}{'; ' + extra if extra else ''}")

    # -- targets -------------------------------------------------------------------------------

    def attribute(self) -> dict:
        """Each part that supplies a single-type target row: {(target, year): [parts]}."""
        plan = self.plan
        rr = plan.rules.get("resettlement", {})
        max_d = float(rr.get("max_distance_m", 3000.0))
        rows: dict = {}
        self.ambiguous: set = set()
        by_type: dict[str, list[Target]] = {}
        for tg in plan.targets:
            if not tg.group:
                by_type.setdefault(tg.types[0], []).append(tg)
        alloc_by_id = {a["parcel_id"]: a for a in self.alloc}

        def T_of(tg, year):
            if tg.values is None:
                return 1.0  # not re-derived: take it as positive (the tool's row decides)
            return tg.values[year - plan.first_year]

        def near(tg, part, a) -> bool:
            if part.zone == tg.displaced_from:
                return True
            if part.zone not in self.zones.by_id or tg.displaced_from not in self.zones.by_id:
                return False
            if not self.zones.neighbours(tg.displaced_from, part.zone):
                return False
            if max_d <= 0:
                return True
            return True if a is None else (
                self._point(a).Distance(self.zones.centre(tg.displaced_from)) <= max_d + 1.0)

        for part in self.parts:
            own = by_type.get(part.type, [])
            if not own:
                continue  # a type planned only through group targets (or not at all)
            if part.bundle:
                # The bundled share goes to the first target of its type whose zones hold the
                # site, in that year (docs/plan-file.md, rule 9); none: it supplies no row.
                for tg in own:
                    if not tg.displaced_from and self.zones.matches(part.zone, tg.zones) and \
                            T_of(tg, part.year) > 0:
                        rows.setdefault((tg.index, part.year), []).append(part)
                        break
                continue
            cands = []
            for tg in own:
                if T_of(tg, part.year) <= 0 or not self.zones.matches(part.zone, tg.zones):
                    continue
                if tg.displaced_from:
                    a = alloc_by_id.get(part.parcel)
                    # "resettlement for Z (in the zone)" in English, "征收安置：Z（片区内）" in
                    # Chinese (the plan's [output] language).
                    m = re.search(r"(?:resettlement for |征收安置：)([^\s（]+)",
                                  (a or {}).get("reasons") or "")
                    if m and m.group(1) != tg.displaced_from:
                        continue
                    if not near(tg, part, a):
                        if m:
                            self.disagree(f"allocated_parcels {part.parcel}",
                                          f"resettlement for {tg.displaced_from}",
                                          "counts for it", "neither in the zone nor next to it "
                                          f"within {max_d:g} m")
                        continue
                cands.append(tg)
            if not cands:
                self.disagree(f"allocated_parcels {part.parcel} ({part.type}, {part.zone}, "
                              f"{part.year})", "target it supplies", "allocated",
                              "no target of its type holds it")
            elif len(cands) > 1:
                for tg in cands:
                    self.ambiguous.add((tg.index, part.year))
                rows.setdefault((cands[0].index, part.year), []).append(part)
            else:
                rows.setdefault((cands[0].index, part.year), []).append(part)
        return rows

    def _point(self, a: dict):
        # The interior point of the parcel: read lazily from the layer's geometry.
        if not hasattr(self, "_geoms"):
            self._geoms = {}
            layer = self.ds.GetLayerByName("allocated_parcels")
            for f in layer:
                g = f.GetGeometryRef()
                self._geoms[f.GetField("parcel_id")] = g.PointOnSurface() if g else None
        return self._geoms[a["parcel_id"]]

    def group_parts(self, tg: Target, year: int) -> list[Part]:
        return [p for p in self.parts if p.year == year and p.type in tg.types and
                self.zones.matches(p.zone, tg.zones)]

    def audit_targets(self):
        plan = self.plan
        single = self.attribute()
        tool_rows = {}
        for r in self.annual:
            # The unit tells apart groups of the same types (land beside floor area).
            key = (int(r["year"]), r["housing_type"], r["zones"] or "", r["unit"])
            tool_rows.setdefault(key, []).append(r)
        seen = set()
        for tg in plan.targets:
            for y in plan.years:
                key = (y, tg.line_label, tg.zones_text(), tg.unit)
                where = f"annual_plan {y} {tg.line_label}" + \
                        (f" [{tg.zones_text()}]" if tg.zones_text() else "") + f" ({tg.unit})"
                found = tool_rows.get(key, [])
                if not found:
                    self.disagree(where, "row", "nothing", "a row of the plan's targets")
                    continue
                row = found[0]
                seen.add(id(row))
                self.checked_annual += 1
                parts = self.group_parts(tg, y) if tg.group else single.get((tg.index, y), [])
                if tg.values is None:
                    T = float(row["target"])
                else:
                    T = tg.values[y - plan.first_year]
                    if abs(float(row["target"]) - T) > 5e-5 + REL * T:
                        self.disagree(where, "target", row["target"], T)
                for k, want in (("tolerance", tg.tolerance), ("binding", int(tg.binding)),
                                ("at_least", int(tg.at_least)),
                                ("lower_tolerance", tg.lower_tolerance)):
                    if k in row and row[k] is not None and abs(float(row[k]) - want) > 1e-9:
                        self.disagree(where, k, row[k], want)
                if T <= 0 and not tg.group:
                    parts = []  # a year without a target has no row to supply (docs/model.md)
                if (tg.index, y) in self.ambiguous:
                    self.uncovered.append(f"{where}: supply not attributable (the site could "
                                          "count for more than one target of its type)")
                    continue
                s = {u: sum(p.q[u] for p in parts) for u in ("ha", "m2", "units")}
                err = {u: sum(p.err[u] for p in parts) for u in ("ha", "m2", "units")}
                n = len({p.parcel for p in parts if tg.group or not p.bundle})
                for u, col in (("ha", "supplied_ha"), ("m2", "supplied_floor_m2"),
                               ("units", "supplied_units")):
                    tol = err[u] + REL * abs(s[u]) + (0.05 if u != "ha" else 5e-5)
                    if row.get(col) is not None and abs(float(row[col]) - s[u]) > tol:
                        self.disagree(where, col, row[col], s[u])
                sup = s[tg.unit]
                tol = err[tg.unit] + REL * abs(sup) + 5e-5
                if abs(float(row["supplied"] or 0) - sup) > tol:
                    self.disagree(where, "supplied", row["supplied"], sup)
                if row.get("parcels") is not None and int(row["parcels"]) != n:
                    self.disagree(where, "parcels", row["parcels"], n)
                if row.get("difference") is not None and \
                        abs(float(row["difference"]) - (sup - T)) > tol + 5e-5 + REL * T:
                    self.disagree(where, "difference (supplied - target)", row["difference"],
                                  sup - T)
                want = target_status(sup, err[tg.unit], tg, T)
                claim, how = claimed(row)
                if not (claim & want):
                    self.disagree(where, "status", how, " or ".join(sorted(want)),
                                  f"recomputed supply {sup:.4f} against target {T:.4f}")
        for r in self.annual:
            if id(r) not in seen:
                self.disagree(f"annual_plan fid {r['_fid']} {r['year']} {r['housing_type']}",
                              "row", "a row", "no target of the plan")

    # -- rules ---------------------------------------------------------------------------------
    # Each kind of rule row is one function: it returns AuditRows, each with the key its tool
    # row has (rule_key below). A rule row of a kind without a function is listed as not covered.

    # -- jobs-housing balance ------------------------------------------------------------------

    def audit_balance(self):
        """Each zone's workers after the plan from the allocated units, the jobs D counts, and D
        before and after (docs/indicators.md) against jobs_housing_balance and run_metadata."""
        rows = read_rows(self.ds, "jobs_housing_balance")
        meta = {r["key"]: r["value"] for r in (read_rows(self.ds, "run_metadata") or [])}
        ind = self.plan.indicators
        ppu = float(ind.get("persons_per_unit", 2.62))
        lfr = float(ind.get("labour_force_rate", 0.55))
        zones = list(self.zones.by_id.values())
        units: dict[str, float] = {}
        count: dict[str, int] = {}
        for a in self.alloc:
            units[a["zone_id"]] = units.get(a["zone_id"], 0.0) + float(a["units"] or 0) + float(
                a.get("bundled_units") or 0)
            count[a["zone_id"]] = count.get(a["zone_id"], 0) + 1
        for z in zones:
            want = (float(z["population"]) + units.get(z["zone_id"], 0.0) * ppu) * lfr
            # units and bundled_units are written to 0.1: up to 0.1 a site, times ppu x lfr.
            err = 0.06 + 0.1 * count.get(z["zone_id"], 0) * ppu * lfr + 1e-9 * want
            if abs(float(z["workers_after"]) - want) > err:
                self.disagree(f"zones {z['zone_id']}", "workers_after", z["workers_after"], want)
        # The parks' jobs count in their zones: the totals must agree.
        park_jobs = sum(float(p["jobs"] or 0) for p in self.parks)
        if bool(ind.get("park_jobs", True)):
            total = sum(float(z["jobs"]) for z in zones) + park_jobs
            counted = sum(float(z["balance_jobs"]) for z in zones)
            if abs(total - counted) > 1e-6 * max(total, 1.0):
                self.disagree("zones", "sum of balance_jobs (zone jobs + park jobs)", counted, total)

        def dis(col):
            J = sum(float(z["balance_jobs"]) for z in zones)
            W = sum(float(z[col]) for z in zones)
            return sum(abs(float(z["balance_jobs"]) / J - float(z[col]) / W) for z in zones) / 2

        # The gap: relative to the part of the objective a plan controls (objective plus the
        # penalties no plan can avoid), from the bound and objective the tool states.
        if meta.get("bound") and meta.get("gap"):
            obj, bound = float(meta["objective"]), float(meta["bound"])
            want = (bound - obj) / max(abs(obj + float(meta.get("unavoidable_cost") or 0)), 1e-9)
            if abs(float(meta["gap"]) - want) > 1e-5 * max(abs(want), 1e-3):
                self.disagree("run_metadata", "gap", meta["gap"], want)
        d0, d1 = dis("workers_before"), dis("workers_after")
        for key, want in (("dissimilarity_before", d0), ("dissimilarity_after", d1)):
            if abs(float(meta[key]) - want) > 1e-5:
                self.disagree("run_metadata", key, meta[key], want)
        if not rows:
            return
        by_run = {r["run"]: r for r in rows if r["run"] != "without rule"}
        for run, want in (("before", d0), ("plan", d1)):
            if abs(float(by_run[run]["dissimilarity"]) - want) > 1e-5:
                self.disagree(f"jobs_housing_balance {run}", "dissimilarity",
                              by_run[run]["dissimilarity"], want)
        plan_row, base = by_run["plan"], by_run["no balance term"]
        given_up = float(base["suitability"]) - float(plan_row["suitability"])
        if abs(float(plan_row["suitability_given_up"]) - given_up) > 1e-3:
            self.disagree("jobs_housing_balance plan", "suitability_given_up",
                          plan_row["suitability_given_up"], given_up)
        best = float(by_run["balance only"]["dissimilarity"])
        for r in rows:
            if r["run"] == "without rule":
                want = best - float(r["dissimilarity"])
                if abs(float(r["d_cost"]) - want) > 2e-6:
                    self.disagree(f"jobs_housing_balance without {r['rule']}", "d_cost",
                                  r["d_cost"], want)
        finding = meta.get("balance_finding", "")
        says_falls = finding.startswith("D falls")
        if says_falls != (d1 < d0):
            self.disagree("run_metadata balance_finding", "whether D falls", finding[:40],
                          "falls" if d1 < d0 else "rises or stays")

    def audit_rules(self):
        plan = self.plan
        tool_by_key = {}
        for r in self.rule_rows:
            k = rule_key(r, plan)
            if k is not None:
                tool_by_key.setdefault(k, []).append(r)
        matched = set()
        for kind, fn in RULES.items():
            for ar in fn(self):
                found = tool_by_key.get(ar.key, [])
                where = f"rule_checks {ar.label}"
                if not found:
                    if ar.status != "met":
                        self.disagree(where, "row", "nothing", f"a {ar.status} row")
                    else:
                        self.notes.append(f"{where}: not reported by the tool (kept: "
                                          f"{fmt(ar.actual)} against {fmt(ar.required)})")
                    continue
                row = found[0]
                matched.add(id(row))
                self.checked_rules += 1
                self.compare_rule(where, row, ar)
        for r in self.rule_rows:
            if id(r) not in matched:
                self.uncovered.append(f"rule_checks fid {r['_fid']} {r['rule']}: "
                                      f"{r['requirement']} (no audit for this row)")

    def compare_rule(self, where, row, ar):
        for col, want, err in (("actual", ar.actual, ar.actual_err),
                               ("required", ar.required, ar.required_err),
                               ("violation", ar.violation, ar.violation_err)):
            if want is None or row.get(col) is None:
                continue
            tol = err + REL * max(abs(want), 1.0) + 1e-6 + (5e-5 if col == "violation" else 0)
            if abs(float(row[col]) - want) > tol:
                self.disagree(where, col, row[col], want)
        claim, how = claimed(row)
        if not (claim & ar.statuses):
            self.disagree(where, "status", how, " or ".join(sorted(ar.statuses)),
                          f"actual {fmt(ar.actual)} against {fmt(ar.required)}")


@dataclass
class AuditRow:
    key: tuple
    label: str
    actual: float
    required: float | None
    violation: float | None
    statuses: set
    actual_err: float = 0.0
    required_err: float = 0.0
    violation_err: float = 0.0

    @property
    def status(self) -> str:
        return "met" if "met" in self.statuses else sorted(self.statuses)[0]


def floor_status(actual, required, err, broken="short"):
    eps = max(REL * max(abs(required), 1e-12), err)
    out = set()
    for x in (actual - eps, actual, actual + eps):
        out.add("met" if x >= required else broken)
    return out


def cap_status(actual, cap, err):
    eps = max(REL * max(abs(cap), 1e-12), err)
    return {("met" if x <= cap else "over") for x in (actual - eps, actual, actual + eps)}


def share_row(key, label, part_num, part_den, share, floor: bool, unit_err: str):
    """A yearly share rule: num / den >= share (floor) or <= share (cap)."""
    num = sum(p.q[unit_err] for p in part_num)
    den = sum(p.q[unit_err] for p in part_den)
    num_err = sum(p.err[unit_err] for p in part_num)
    den_err = sum(p.err[unit_err] for p in part_den)
    if den <= 0:
        return AuditRow(key, label, share, share, 0.0, {"met"}, 1e-6, 0, num_err)
    actual = num / den
    err = (num_err + actual * den_err) / den
    if floor:
        statuses = floor_status(actual, share, err)
        violation = max(0.0, share * den - num)
    else:
        statuses = cap_status(actual, share, err)
        violation = max(0.0, num - share * den)
    return AuditRow(key, label, actual, share, violation, statuses, err, 0.0,
                    num_err + share * den_err)


def rule_rental_share(a: Audit) -> list[AuditRow]:
    """Rule 3: rental types' land >= share x all residential land, each year."""
    r = a.plan.rules.get("rental_share")
    if r is None:
        return []
    share = float(r.get("share", 0.10))
    rental = {t for t, v in a.plan.types.items() if v["rental"]}
    out = []
    for y in a.plan.years:
        parts = [p for p in a.parts if p.year == y]
        out.append(share_row(("rental_share", y), f"rental_share {y} (rental land >= "
                             f"{share:g} of residential land)",
                             [p for p in parts if p.type in rental], parts, share, True, "ha"))
    return out


def rule_key_areas(a: Audit) -> list[AuditRow]:
    """Rule 8: units in the key zones >= share x all new units, each year."""
    r = a.plan.rules.get("key_areas")
    if r is None:
        return []
    share = float(r.get("share", 0.80))
    zones = list(r.get("zones", []))
    out = []
    for y in a.plan.years:
        parts = [p for p in a.parts if p.year == y]
        out.append(share_row(("key_areas", y), f"key_areas {y} (units in key areas >= "
                             f"{share:g} of all)",
                             [p for p in parts if a.zones.matches(p.zone, zones)], parts, share,
                             True, "units"))
    return out


def rule_zone_class_share(a: Audit) -> list[AuditRow]:
    """Rule 7: a zone class's zones take at most max_share of a type's land, each year."""
    out = []
    for cls, zr in (a.plan.rules.get("zone_classes") or {}).items():
        for typ, share in (zr.get("max_share") or {}).items():
            for y in a.plan.years:
                parts = [p for p in a.parts if p.year == y and p.type == typ]
                out.append(share_row(("zone_class_share", y, cls, typ),
                                     f"zone_class_share {y} ({typ} land in {cls} zones <= "
                                     f"{float(share):g})",
                                     [p for p in parts if a.zones.zone_class(p.zone) == cls],
                                     parts, float(share), False, "ha"))
    return out


def rule_park_caps(a: Audit) -> list[AuditRow]:
    """Rule 5: housing land (floor) in each park <= a share of the park's land (floor), over the
    horizon. The park's area is not in the output: see park_area()."""
    r = a.plan.rules.get("park_caps")
    if r is None:
        return []
    caps = r.get("caps") or [{}]
    park_far = float(r.get("park_far", 1.2))
    in_park = [x for x in a.alloc if int(x.get("in_park") or 0) == 1]
    # Which park: the one whose catchment, shrunk back by its distance, holds the site.
    shrunk = {}
    for pk in a.parks:
        g = pk["_geom"]
        shrunk[pk["park_id"]] = (g.Buffer(-float(pk["distance_m"] or 0), 60) if g else None, pk)
    park_of = {}
    for x in in_park:
        pt = a._point(x)
        best, best_d = None, math.inf
        for pid, (g, _) in shrunk.items():
            if g is None:
                continue
            d = 0.0 if g.Contains(pt) else g.Distance(pt)
            if d < best_d:
                best, best_d = pid, d
        park_of[x["parcel_id"]] = best
    parts_in = {}
    for p in a.parts:
        pid = park_of.get(p.parcel)
        if pid is not None:
            parts_in.setdefault(pid, []).append(p)
    tool_caps = {}
    for row in a.rule_rows:
        k = rule_key(row, a.plan)
        if k and k[0] == "park_cap":
            tool_caps[k] = row
    out = []
    for pid, (g, pk) in shrunk.items():
        area_ha = park_area(a, pid, caps, tool_caps, g)
        for i, cap in enumerate(caps):
            name = cap.get("name", f"cap {i + 1}")
            types = set(cap.get("types", []))
            parts = [p for p in parts_in.get(pid, []) if not types or p.type in types]
            land = sum(p.q["ha"] for p in parts)
            land_err = sum(p.err["ha"] for p in parts)
            floor = sum(p.q["m2"] for p in parts)
            floor_err = sum(p.err["m2"] for p in parts)
            share = float(cap.get("land_share", 0.15))
            if area_ha is None:
                a.uncovered.append(f"park_cap {name} in {pid}: the park's area is unknown")
                continue
            limit = share * area_ha
            out.append(AuditRow(("park_cap", name, pid, "land"), f"park_cap {name} {pid} land",
                                land, limit, max(0.0, land - limit),
                                cap_status(land, limit, land_err), land_err,
                                1e-6 * limit, land_err))
            if "floor_share" in cap:
                flimit = float(cap["floor_share"]) * area_ha * 1e4 * park_far
                out.append(AuditRow(("park_cap", name, pid, "floor"),
                                    f"park_cap {name} {pid} floor area", floor, flimit,
                                    max(0.0, floor - flimit), cap_status(floor, flimit, floor_err),
                                    floor_err, 1e-6 * flimit, floor_err))
    return out


def park_area(a: Audit, pid, caps, tool_caps, shrunk_geom):
    """The park's land (ha): from the tool's land caps (required / land_share), which must agree
    with one another and not exceed what the catchment shrunk back by its buffer holds (the park
    lies inside that shape)."""
    est = []
    for i, cap in enumerate(caps):
        name = cap.get("name", f"cap {i + 1}")
        row = tool_caps.get(("park_cap", name, pid, "land"))
        share = float(cap.get("land_share", 0.15))
        if row is not None and share > 0 and row.get("required") is not None:
            est.append((float(row["required"]) / share, name))
    if not est:
        return None
    area = est[0][0]
    for v, name in est[1:]:
        if abs(v - area) > 1e-5 * area + 1e-5:
            a.disagree(f"rule_checks park_cap {name} {pid}", "park area implied by required",
                       v, area, f"the cap {est[0][1]} implies {area:.4f} ha")
    if shrunk_geom is not None:
        upper = shrunk_geom.GetArea() / 1e4
        if area > upper * (1 + 1e-3):
            a.disagree(f"rule_checks park_cap {pid}", "park area (ha)", area,
                       f"at most {upper:.4f}", "the park must lie inside its catchment shrunk "
                       "by the catchment's distance")
    a.notes.append(f"park {pid}: area {area:.4f} ha taken from rule_checks required / land_share "
                   "(the park polygons are not in the output)")
    return area


MEASURE_UNIT = {"land": "ha", "floor": "m2", "units": "units"}


def amount_row(key, label, parts, limit, floor: bool, unit: str):
    """An amount rule: the parts' sum >= limit (floor) or <= limit (cap)."""
    amount = sum(p.q[unit] for p in parts)
    err = sum(p.err[unit] for p in parts)
    if floor:
        return AuditRow(key, label, amount, limit, max(0.0, limit - amount),
                        floor_status(amount, limit, err), err, 0.0, err)
    return AuditRow(key, label, amount, limit, max(0.0, amount - limit),
                    cap_status(amount, limit, err), err, 0.0, err)


def periods(a: Audit, per_year: bool):
    """(key year, the years it sums): each year, or the horizon (key 0)."""
    if per_year:
        return [(y, {y}) for y in a.plan.years]
    return [(0, set(a.plan.years))]


def rule_policies(a: Audit) -> list[AuditRow]:
    """[[policies]]: the supply of some types in a set of zones (zone or district ids, zone
    classes, a [zone_groups] group), as a share of the city's supply of those types or as an
    amount, over the horizon or each year."""
    out = []
    for pol in a.plan.policies:
        name = pol["name"]
        ids = list(pol.get("zones", []))
        if pol.get("zone_group"):
            ids += list(a.plan.zone_groups[pol["zone_group"]])
        classes = set(pol.get("zone_classes", []))
        types = set(pol.get("types", [])) or set(a.plan.types)
        unit = MEASURE_UNIT[pol.get("measure", "land")]

        def inside(zone: str) -> bool:
            return (bool(ids) and a.zones.matches(zone, ids)) or a.zones.zone_class(zone) in classes

        for key_year, years in periods(a, pol.get("period", "horizon") == "year"):
            parts = [p for p in a.parts if p.year in years and p.type in types]
            num = [p for p in parts if inside(p.zone)]
            label = f"policy {name}" + (f" {key_year}" if key_year else "")
            key = ("policy", name, key_year)
            if "min_share" in pol or "max_share" in pol:
                floor = "min_share" in pol
                share = float(pol["min_share" if floor else "max_share"])
                out.append(share_row(key, label, num, parts, share, floor, unit))
            else:
                floor = "min" in pol
                out.append(amount_row(key, label, num, float(pol["min" if floor else "max"]),
                                      floor, unit))
    return out


def destock_multiplier(months: float, thresholds: list[float], mult: list[float]) -> float:
    """The band's multiplier as docs/plan-file.md words it: under the first threshold the first
    band; from it up to the second (both edges) the second; above each further one the next."""
    if months < thresholds[0]:
        return mult[0]
    band = 1
    for t in thresholds[1:]:
        if months > t:
            band += 1
    return mult[band]


def rule_destocking(a: Audit) -> list[AuditRow]:
    """Rule 2's bounds: a zone in a band under x1 supplies at most m x its share (of sales when
    the zones give any, else of dwellings; over the zones whose class permits a type and whose
    band is not stop) of the city's supply of the types."""
    r = a.plan.rules.get("destocking")
    if r is None or not r.get("bound", True):
        return []
    types = set(r.get("types", ["commercial"]))
    thresholds = [float(t) for t in r.get("thresholds_months", [6, 12, 18, 36])]
    mult = [float(m) for m in r.get("multipliers", [1.3, 1.0, 0.7, 0.4, 0.0])]
    unit = MEASURE_UNIT[r.get("measure", "land")]
    zone_rules = a.plan.rules.get("zone_classes") or {}
    rows = list(a.zones.by_id.values())
    by_sales = any(float(z.get("sales") or 0) > 0 for z in rows)

    def takes(z) -> bool:
        permits = (zone_rules.get(z.get("zone_class") or "") or {}).get("permits")
        if permits is not None and not types & set(permits):
            return False
        months = float(z.get("destock_months") or 0)
        return not (months > 0 and destock_multiplier(months, thresholds, mult) <= 0)

    def weight(z) -> float:
        return float((z.get("sales") if by_sales else z.get("dwellings_before")) or 0)

    total = sum(weight(z) for z in rows if takes(z))
    out = []
    if total <= 0:
        return out
    for z in rows:
        months = float(z.get("destock_months") or 0)
        if months <= 0 or not takes(z):
            continue
        m = destock_multiplier(months, thresholds, mult)
        share = m * weight(z) / total
        if m <= 0 or m >= 1 or share >= 1:
            continue
        for key_year, years in periods(a, r.get("period", "horizon") == "year"):
            parts = [p for p in a.parts if p.year in years and p.type in types]
            num = [p for p in parts if p.zone == z["zone_id"]]
            out.append(share_row(("destocking", z["zone_id"], key_year),
                                 f"destocking {z['zone_id']}" + (f" {key_year}" if key_year else ""),
                                 num, parts, share, False, unit))
    return out


def rule_key(row: dict, plan: Plan):
    """The key of a tool rule row, for the kinds the audit covers (else None)."""
    rule, req, year = row.get("rule"), row.get("requirement") or "", row.get("year")
    if rule in ("rental_share", "key_areas"):
        return (rule, int(year)) if year is not None else None
    if rule == "zone_class_share":
        m = re.match(r"(\S+) land in (\S+) zones <=", req)
        return (rule, int(year), m.group(2), m.group(1)) if m and year is not None else None
    if rule == "policy":
        # "<name> (<where>): new ...": the longest policy name the requirement starts with.
        names = [p["name"] for p in plan.policies if req.startswith(p["name"] + " (")]
        if not names:
            return None
        return (rule, max(names, key=len), int(year) if year is not None else 0)
    if rule == "destocking":
        return (rule, req.split(" ")[0], int(year) if year is not None else 0)
    if rule == "park_cap":
        m = re.match(r"(.*?): housing (land|floor area) in .*\(([^()]*)\) <=", req)
        if m:
            return (rule, m.group(1), m.group(3), "land" if m.group(2) == "land" else "floor")
    return None


RULES = {
    "rental_share": rule_rental_share,
    "key_areas": rule_key_areas,
    "zone_class_share": rule_zone_class_share,
    "park_cap": rule_park_caps,
    "policy": rule_policies,
    "destocking": rule_destocking,
}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: audit_plan.py PLAN.toml OUT.gpkg", file=sys.stderr)
        return 2
    try:
        plan = load_plan(argv[1])
        ds = ogr.Open(argv[2])
        if ds is None:
            raise AuditError(f"cannot open {argv[2]}")
        audit = Audit(plan, ds)
        audit.ds = ds
        audit.audit_targets()
        audit.audit_rules()
        audit.audit_balance()
    except (AuditError, KeyError, ValueError, tomllib.TOMLDecodeError, RuntimeError) as e:
        print(f"audit_plan: cannot audit: {e}", file=sys.stderr)
        return 2
    for n in audit.notes:
        print(f"note: {n}")
    for u in audit.uncovered:
        print(f"not covered: {u}")
    for d in audit.disagreements:
        print(d)
    print(f"audit {argv[1]}: {audit.checked_annual} annual_plan rows and {audit.checked_rules} "
          f"rule_checks rows recomputed, {len(audit.disagreements)} disagreement(s), "
          f"{len(audit.uncovered)} row(s) not covered")
    # A row the audit cannot recompute is a failure too: every status the tool prints is checked.
    return 1 if audit.disagreements or audit.uncovered else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
