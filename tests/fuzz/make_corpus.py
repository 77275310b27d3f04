#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/, docs/fuzzing.md).

Usage: tests/fuzz/make_corpus.py path/to/landalloc

The corpora are committed; run this only to change them (it replaces them whole). Needs ogr2ogr.
  plan_file/      the example plan files, `landalloc default-plan`, and the good and bad plan
                  files of tests/plan_file/test_plan_config.cpp
  layer_geojson/  each layer of `landalloc synth --parcels 30 --scale 0.3` (the city fuzz_layer.cpp
                  makes in memory, so the layers fit together) as GeoJSON, and bad variants
  layer_gpkg/     the same city as one GeoPackage, single layers, and bad variants
"""
import copy
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
LAYERS = ["zones", "stations", "parks", "constraints", "parcels"]


def run(*args, env=None):
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)


def fresh(name):
    path = os.path.join(CORPUS, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# ---- plan_file ------------------------------------------------------------------------------


def plan_file_corpus(landalloc):
    out = fresh("plan_file")
    for name in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        if name.endswith(".toml"):
            shutil.copy(os.path.join(ROOT, "examples", name), os.path.join(out, "example-" + name))
    default = subprocess.run([landalloc, "default-plan"], check=True, capture_output=True,
                             text=True).stdout
    write(os.path.join(out, "default-plan.toml"), default)

    src = open(os.path.join(ROOT, "tests/plan_file/test_plan_config.cpp"), encoding="utf-8").read()

    def raw(pattern):
        return re.search(pattern, src, re.S).group(1)

    k_min = raw(r'const char \*k_minimal = R"toml\((.*?)\)toml";').lstrip("\n")
    k_empty = raw(r'const char \*k_empty_sections = R"toml\((.*?)\)toml";').lstrip("\n")
    scenarios = k_min + raw(
        r'std::string scenario_plan\(\) \{\s*return std::string\(k_minimal\) \+ R"toml\((.*?)\)toml";')
    policies = k_min + raw(r'PoliciesAndZoneGroupsParse\) \{\s*const std::string text = '
                           r'std::string\(k_minimal\) \+ R"toml\((.*?)\)toml";')
    values = "values = [100.0, 200.0, 300.0]"
    files = {
        "minimal.toml": k_min,
        "empty-sections.toml": k_empty,
        "scenarios.toml": scenarios,
        "policies.toml": policies,
        "synth-districts.toml": k_min + "\n[inputs.synth]\n[[inputs.synth.districts]]\n",
        "bad-unknown-key.toml": k_min + "\n[plan2]\nx = 1\n",
        "bad-typo-key.toml": k_min.replace("far_max", "far_mx"),
        "bad-values-count.toml": k_min.replace(values, "values = [1.0, 2.0]"),
        "bad-out-of-range.toml": k_min.replace("unit_m2 = 100.0", "unit_m2 = -5.0"),
        "bad-wrong-type.toml": k_min.replace("first_year = 2021", 'first_year = "2021"'),
        "bad-far-order.toml": k_min.replace("far_max = 2.5", "far_max = 0.5"),
        "bad-unknown-type.toml": k_min.replace('type = "commercial"', 'type = "villas"'),
        "bad-not-toml.toml": "[plan]\nfirst_year = \n",
        "bad-policy.toml": k_min + '\n[[policies]]\nname = "a"\nzones = ["Z1"]\n'
                                   'min_share = 0.2\nmax = 10\n',
        "bad-destocking-measure.toml": k_min + '\n[rules.destocking]\nmeasure = "ha"\n',
        "bad-scenario-value.toml": k_min + "\n[scenarios.s]\n"
                                           "housing_types.commercial.unit_m2 = -3.0\n",
        "bad-scenario-key.toml": k_min + "\n[scenarios.s]\n[scenarios.s.scoring]\n"
                                         'station_decay = 500.0\n[scenarios.s.planz]\nname = "x"\n',
        "bad-scenario-nested.toml": k_min + '\n[scenarios.s.scenarios.t]\nplan.name = "x"\n',
        "bad-scenario-not-table.toml": k_min + "\n[scenarios]\ns = 3\n",
        "bad-scenarios-not-table.toml": "scenarios = 1\n" + k_min,
        "bad-total.toml": k_min.replace(values, "total = 1e300"),
    }
    # Every section with every key (the examples leave some out).
    files["every-section.toml"] = k_min + """
[objective]
over_target_cost = 2.0
short_binding_cost = 1000
short_indicative_cost = 10
early_supply_bonus = 0.01

[jobs_housing]
ratio_min = 0.8
ratio_max = 1.5
weight = 1.0
band = "soft"
band_weight = 5
analyse = false

[solver]
method = "heuristic"
time_limit_s = 30
gap = 0.01
auto_exact_max_parcels = 500
heuristic_iterations = 2000

[replan]
carry = "next_year"
keep_bonus = 0.5

[network]
walk_kmh = 4.5
snap_tolerance_m = 150
speeds_kmh = { primary = 40, residential = 20 }
other_speed_kmh = 25
stations = "walk"
parks = "drive"
commute = "straight"

[indicators]
station_radii_m = [500, 800, 1500]
stations_open_by = 2023
decay = "power"
decay_scale_m = 3000
decay_beta = 1.5
decay_min_m = 100
cutoff_m = 20000
park_jobs = true
catchment_m = 5000
park_catchment_m = 3000
labour_force_rate = 0.55
persons_per_unit = 2.6
commute_model = "doubly_constrained"
commute_decay = "exponential"
commute_scale_m = 8000
commute_beta = 1.0
"""
    # The TOML examples of docs/plan-file.md, each after the default plan (unless it has [plan]).
    doc = open(os.path.join(ROOT, "docs/plan-file.md"), encoding="utf-8").read()
    for i, block in enumerate(re.findall(r"```toml\n(.*?)```", doc, re.S), 1):
        base = "" if "[plan]" in block else default + "\n"
        files[f"docs-plan-file-{i}.toml"] = base + block
    for name, text in files.items():
        write(os.path.join(out, name), text)


# ---- layers ---------------------------------------------------------------------------------


def geojson_of(city, layer, tmp, extra=(), precision=2):
    path = os.path.join(tmp, layer + ".geojson")
    if os.path.exists(path):
        os.remove(path)
    run("ogr2ogr", "-f", "GeoJSON", "-lco", f"COORDINATE_PRECISION={precision}", *extra, path,
        city, layer)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump(doc):
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def square(x, y, size):
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def bad_parcels(parcels):
    """Variants of the first parcels, each with one fault the loader must report, not crash on."""
    base = copy.deepcopy(parcels)
    base["features"] = base["features"][:5]
    feats = base["features"]
    ring = feats[0]["geometry"]["coordinates"][0][0]
    x0, y0 = ring[0]

    def variant(change):
        doc = copy.deepcopy(base)
        change(doc["features"])
        return doc

    def set_prop(key, value, i=0):
        return lambda f: f[i]["properties"].__setitem__(key, value)

    def drop_prop(key):
        return lambda fs: [f["properties"].pop(key, None) for f in fs]

    def geometry(g, i=0):
        return lambda f: f[i].__setitem__("geometry", g)

    def duplicate_id(fs):
        fs[3]["properties"]["id"] = fs[1]["properties"]["id"]

    def unclosed(fs):
        fs[0]["geometry"] = {"type": "Polygon", "coordinates": [ring[:-1]]}

    return {
        "parcels-missing-field": variant(drop_prop("far_cap")),
        "parcels-text-number": variant(set_prop("far_cap", "high")),
        "parcels-far-out-of-range": variant(set_prop("far_cap", 35.0)),
        "parcels-year-out-of-range": variant(set_prop("first_year", 1850)),
        "parcels-huge-number": variant(set_prop("far_cap", 1e308)),
        "parcels-null-id": variant(set_prop("id", None, 2)),
        "parcels-duplicate-id": variant(duplicate_id),
        "parcels-bad-types": variant(set_prop("allowed_types", "villas;;,all")),
        "parcels-line": variant(geometry({"type": "LineString", "coordinates": ring[:2]}, 1)),
        "parcels-point": variant(geometry({"type": "Point", "coordinates": ring[0]}, 1)),
        "parcels-null-geometry": variant(geometry(None, 1)),
        "parcels-empty-geometry": variant(geometry({"type": "Polygon", "coordinates": []}, 1)),
        "parcels-unclosed-ring": variant(unclosed),
        "parcels-bowtie": variant(geometry({"type": "Polygon", "coordinates": [[
            [x0, y0], [x0 + 100, y0 + 100], [x0 + 100, y0], [x0, y0 + 100], [x0, y0]]]})),
        "parcels-hole-outside": variant(geometry({"type": "Polygon", "coordinates": [
            square(x0, y0, 100), square(x0 + 500, y0, 10)]})),
        "parcels-tiny": variant(geometry({"type": "Polygon", "coordinates": [square(x0, y0, 1)]})),
        "parcels-outside-zones": variant(geometry({"type": "Polygon", "coordinates": [
            square(x0 + 1e6, y0, 100)]})),
        "parcels-huge-coordinates": variant(geometry({"type": "Polygon", "coordinates": [
            square(1e300, 1e300, 1e299)]})),
        "parcels-collection": variant(geometry({"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "coordinates": [square(x0, y0, 100)]},
            {"type": "Point", "coordinates": [x0, y0]}]})),
    }


def layer_geojson_corpus(city, tmp):
    out = fresh("layer_geojson")
    docs = {layer: geojson_of(city, layer, tmp) for layer in LAYERS}
    docs["streets"] = geojson_of(city, "streets", tmp, ("-limit", "20"))
    # One district holding every zone (the zones' bounding box), and a layer named as no role.
    xs, ys = [], []
    for f in docs["zones"]["features"]:
        for poly in f["geometry"]["coordinates"]:
            for x, y in poly[0]:
                xs.append(x)
                ys.append(y)
    districts = copy.deepcopy(docs["parks"])
    districts["name"] = "districts"
    districts["features"] = [{"type": "Feature", "properties": {"id": "DA", "name": "全市"},
                              "geometry": {"type": "Polygon", "coordinates": [[
                                  [min(xs), min(ys)], [max(xs), min(ys)], [max(xs), max(ys)],
                                  [min(xs), max(ys)], [min(xs), min(ys)]]]}}]
    docs["districts"] = districts
    unnamed = copy.deepcopy(docs["parcels"])
    del unnamed["name"]
    unnamed["features"] = unnamed["features"][:5]
    docs["parcels-unnamed"] = unnamed
    docs["parcels-wgs84"] = geojson_of(city, "parcels", tmp, ("-lco", "RFC7946=YES"), precision=7)
    docs["parcels-wgs84"]["name"] = "parcels"
    docs.update(bad_parcels(docs["parcels"]))

    zones = docs["zones"]
    for name, key, value in [("zones-negative-jobs", "jobs", -5.0),
                             ("zones-text-population", "population", "many"),
                             ("zones-null-id", "id", None)]:
        doc = copy.deepcopy(zones)
        doc["features"][3]["properties"][key] = value
        docs[name] = doc
    doc = copy.deepcopy(zones)
    doc["features"] = []
    docs["zones-empty"] = doc
    doc = copy.deepcopy(docs["constraints"])
    doc["features"][0]["properties"]["effect"] = "forbid"
    docs["constraints-bad-effect"] = doc
    doc = copy.deepcopy(docs["stations"])
    doc["features"] = doc["features"][:3]
    x, y = doc["features"][0]["geometry"]["coordinates"]
    doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [square(x, y, 50)]}
    docs["stations-polygon"] = doc
    docs["far-outside-china"] = {
        "type": "FeatureCollection", "name": "parcels",
        "features": [{"type": "Feature",
                      "properties": {"id": "P1", "first_year": 2021, "far_cap": 2.5},
                      "geometry": {"type": "Polygon",
                                   "coordinates": [square(10.0, 50.0, 0.01)]}}]}
    for name, doc in docs.items():
        write(os.path.join(out, name + ".geojson"), dump(doc))
    return docs


def gpkg(path, sources):
    """A small GeoPackage (512-byte pages, no spatial index) of (file, layer, new name) sources."""
    env = dict(os.environ, OGR_SQLITE_PRAGMA="page_size=512",
               OGR_CURRENT_DATE="2021-01-01T00:00:00Z")  # the same bytes each time
    for i, (src, layer, name) in enumerate(sources):
        mode = ("-update",) if i else ()
        run("ogr2ogr", *mode, "-f", "GPKG", "-lco", "SPATIAL_INDEX=NO", "-nln", name, path, src,
            *([layer] if layer else []), env=env)
    db = sqlite3.connect(path)
    db.execute("VACUUM")
    db.close()


def layer_gpkg_corpus(city, tmp):
    out = fresh("layer_gpkg")
    gpkg(os.path.join(out, "city.gpkg"), [(city, layer, layer) for layer in LAYERS])
    for layer in LAYERS:
        gpkg(os.path.join(out, layer + ".gpkg"), [(city, layer, layer)])
    geojson = os.path.join(CORPUS, "layer_geojson")
    for name in ["streets", "districts", "parcels-wgs84", "parcels-duplicate-id", "parcels-line",
                 "parcels-unclosed-ring", "parcels-bowtie", "zones-negative-jobs"]:
        layer = name.split("-")[0]
        gpkg(os.path.join(out, name + ".gpkg"),
             [(os.path.join(geojson, name + ".geojson"), None, layer)])
    # A layer that declares no CRS (GeoPackage's undefined SRS).
    no_crs = os.path.join(tmp, "no-crs.gpkg")
    gpkg(no_crs, [(city, "parks", "parks")])
    db = sqlite3.connect(no_crs)
    db.execute("UPDATE gpkg_geometry_columns SET srs_id = -1")
    db.execute("UPDATE gpkg_contents SET srs_id = -1")
    db.commit()
    db.execute("VACUUM")
    db.close()
    shutil.copy(no_crs, os.path.join(out, "parks-no-crs.gpkg"))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    landalloc = os.path.abspath(sys.argv[1])
    plan_file_corpus(landalloc)
    with tempfile.TemporaryDirectory() as tmp:
        city = os.path.join(tmp, "city.gpkg")
        run(landalloc, "synth", "--out", city, "--parcels", "30", "--scale", "0.3")
        layer_geojson_corpus(city, tmp)
        layer_gpkg_corpus(city, tmp)
    for name in sorted(os.listdir(CORPUS)):
        d = os.path.join(CORPUS, name)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        print(f"{name}: {len(os.listdir(d))} files, {size // 1024} KB")


if __name__ == "__main__":
    main()
