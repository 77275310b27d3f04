#!/usr/bin/python3
"""A plan written into PostGIS (`plan --out PG:... --schema NAME`, issue 18), checked against a
throw-away PostgreSQL cluster on a Unix socket (initdb in a temporary directory, stopped on exit):

1. planned from PostGIS into PostGIS, every table holds what the GeoPackage run of the same city
   holds (every field of every feature, and the geometries);
2. without --overwrite an existing plan is refused (exit 5) and left as it was; a schema that
   holds the input's tables is refused even with --overwrite (exit 2);
3. a run killed (SIGKILL) while its transaction is open, seen by the locks it holds in the schema,
   leaves the previous plan whole: the same rows, the same project, no table of the new run;
4. hostile schema names (a quote, a semicolon, '; DROP TABLE x; --, a double quote) are names:
   each schema exists with exactly that name and the sentinel table public.x survives;
5. a password in the connection string reaches no table, no file and no message;
6. `landalloc batch` with `out = "PG:..."` plans two cities into a schema each of the shared
   database, each equal to the city's single GeoPackage plan, and the Slurm and Kubernetes
   recipes' command line (docs/batch.md) with the index variable set by hand gives the same;
7. QGIS (PyQGIS 3.22, headless) opens the project stored in the schema's qgis_projects: its
   layers read from PostGIS, each styled, and a layer opened on its own takes its default style
   from layer_styles, aliases included.

Usage: /usr/bin/python3 postgis_out_check.py LANDALLOC_BINARY WORK_DIR
Exit 0: every check passed; 1: a failure; 77: PostgreSQL with PostGIS is not installed (skip).
"""

import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from osgeo import ogr  # noqa: E402

ogr.UseExceptions()

PORT = 55433
SERVICE = "landalloc_test"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg)


class Cluster:
    """A PostgreSQL cluster of its own in a temporary directory, reached by a service file."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins or not glob.glob("/usr/share/postgresql/*/extension/postgis.control"):
            print("SKIP: PostgreSQL with PostGIS is not installed "
                  "(scripts/setup installs postgresql-15-postgis-3)")
            sys.exit(77)
        self.bin = bins[-1]
        self.dir = tempfile.mkdtemp(prefix="landalloc-pgout-")
        os.chmod(self.dir, 0o777)
        # PostgreSQL refuses to run as root: the server runs as 'postgres' then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        self.started = False
        data = os.path.join(self.dir, "data")
        self._run([os.path.join(self.bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres"])
        self._run([os.path.join(self.bin, "pg_ctl"), "-D", data, "-l",
                   os.path.join(self.dir, "server.log"), "-w", "-o",
                   f"-k {self.dir} -p {PORT} -c listen_addresses=''", "start"])
        self.started = True
        service = os.path.join(self.dir, "pg_service.conf")
        with open(service, "w") as f:
            f.write(f"[{SERVICE}]\nhost={self.dir}\nport={PORT}\nuser=postgres\ndbname=postgres\n")
        os.environ["PGSERVICEFILE"] = service
        self.sql("CREATE EXTENSION postgis")

    def _run(self, cmd):
        r = subprocess.run(self.as_user + cmd, capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"{' '.join(cmd)}: {r.stdout}{r.stderr}")

    def sql(self, statement):
        """Rows of `statement` as lists of strings (psql, unaligned)."""
        r = subprocess.run(["psql", f"service={SERVICE}", "-X", "-A", "-t", "-F", "\x1f", "-v",
                            "ON_ERROR_STOP=1", "-c", statement], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"psql {statement!r}: {r.stderr}")
        return [line.split("\x1f") for line in r.stdout.splitlines() if line != ""]

    def stop(self):
        if self.started:
            subprocess.run(self.as_user + [os.path.join(self.bin, "pg_ctl"), "-D",
                                           os.path.join(self.dir, "data"), "-m", "immediate",
                                           "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def run(binary, *args, expect=0):
    r = subprocess.run([binary, *args], capture_output=True, text=True)
    if r.returncode != expect:
        fail(f"landalloc {' '.join(args)}: exit {r.returncode}, expected {expect}:\n"
             f"{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return r


def rows(source, layer):
    """Every feature of a layer as (sorted field items, geometry WKT rounded), by fid order."""
    ds = ogr.Open(source)
    lyr = ds.GetLayerByName(layer)
    if lyr is None:
        fail(f"{layer} missing from {source}")
    out = []
    for f in lyr:
        items = tuple(sorted((k, round(v, 6) if isinstance(v, float) else v)
                             for k, v in f.items().items()))
        g = f.GetGeometryRef()
        wkt = None
        if g is not None and not g.IsEmpty():
            wkt = (round(g.GetArea(), 3), g.GetGeometryCount())
        out.append((items, wkt))
    return sorted(out, key=repr)


def schema_source(schema):
    return f"PG:service={SERVICE} active_schema={schema}"


def plan_fingerprint(cluster, schema):
    """What a plan in `schema` is: its tables, its allocations, annual rows and project."""
    q = schema.replace("'", "''")
    qi = '"' + schema.replace('"', '""') + '"'
    tables = cluster.sql("SELECT tablename FROM pg_tables WHERE schemaname = '" + q +
                         "' ORDER BY tablename")
    alloc = cluster.sql(f"SELECT parcel_id, year, housing_type, area_ha FROM {qi}.allocated_parcels "
                        "ORDER BY parcel_id")
    annual = cluster.sql(f"SELECT * FROM {qi}.annual_plan ORDER BY fid")
    project = cluster.sql(f"SELECT name, md5(content) FROM {qi}.qgis_projects ORDER BY name")
    return tables, alloc, annual, project


def check_qgis(cluster, schema):
    from qgis.core import QgsApplication, QgsProject, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    uri = f"postgresql://?service={SERVICE}&schema={schema}&project=landalloc%20plan"
    project = QgsProject.instance()
    if not project.read(uri):
        fail(f"QGIS cannot read the project {uri}: {project.error()}")
    layers = {lyr.source().split('table=')[-1]: lyr for lyr in project.mapLayers().values()}
    if len(layers) < 6:
        fail(f"the project holds {len(layers)} layers: {sorted(layers)}")
    for source, lyr in layers.items():
        if not lyr.isValid():
            fail(f"project layer {lyr.name()} ({source}) is not valid")
        if lyr.providerType() != "postgres":
            fail(f"project layer {lyr.name()} reads from {lyr.providerType()}, not postgres")
    alloc = [lyr for s, lyr in layers.items() if s.startswith(f'"{schema}"."allocated_parcels"')]
    if not alloc:
        fail(f"no allocated_parcels in the project: {sorted(layers)}")
    n_db = int(cluster.sql(f'SELECT count(*) FROM "{schema}".allocated_parcels')[0][0])
    if alloc[0].featureCount() != n_db:
        fail(f"QGIS counts {alloc[0].featureCount()} allocated parcels, the table {n_db}")
    if alloc[0].renderer().type() != "categorizedSymbol":
        fail(f"allocated_parcels renders as {alloc[0].renderer().type()} in the project")
    if project.layoutManager().layoutByName("年度住宅用地供应图") is None:
        fail("the project has no print layout")
    ok(f"QGIS opens {uri}: {len(layers)} layers from PostGIS, {n_db} allocated parcels, "
       "styled, with its layout")
    # A layer added on its own takes its default style from layer_styles.
    source = alloc[0].source()
    project.clear()
    lyr = QgsVectorLayer(source, "alone", "postgres")
    if not lyr.isValid():
        fail(f"cannot open {source}")
    if lyr.renderer().type() != "categorizedSymbol":
        fail(f"allocated_parcels opened alone renders as {lyr.renderer().type()}: its default "
             "style in layer_styles was not applied")
    alias = lyr.attributeAlias(lyr.fields().indexOf("reasons"))
    if alias != "选址理由":
        fail(f"the default style gives reasons the alias {alias!r}")
    ok("allocated_parcels opened alone takes its default style from layer_styles "
       f"(categorized, reasons aliased {alias})")
    app.exitQgis()


def main():
    binary, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cluster = Cluster()
    try:
        checks(binary, work, cluster)
    finally:
        cluster.stop()


def checks(binary, work, cluster):
    city = os.path.join(work, "city.gpkg")
    run(binary, "synth", "--out", city, "--parcels", "2500", "--seed", "5", "--quiet")
    r = subprocess.run(["ogr2ogr", "-f", "PostgreSQL", f"PG:service={SERVICE}", city,
                        "-preserve_fid", "-lco", "GEOMETRY_NAME=geom", "-lco", "SCHEMA=public"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("ogr2ogr into PostGIS: " + r.stderr)
    common = ["--solver", "heuristic", "--quiet"]
    gpkg = os.path.join(work, "plan.gpkg")
    run(binary, "plan", city, "--out", gpkg, *common)

    # 1. From PostGIS into PostGIS, as the GeoPackage run.
    db = f"PG:service={SERVICE}"
    run(binary, "plan", db, "--out", db, "--schema", "plan", *common)
    tables = [t[0] for t in cluster.sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'plan' ORDER BY tablename")]
    for layer in ["allocated_parcels", "annual_plan", "supply_plan", "rule_checks",
                  "rejected_candidates", "station_catchments", "park_catchments", "zones",
                  "constraints", "jobs_housing_balance"]:
        if layer not in tables:
            fail(f"schema plan lacks {layer}: {tables}")
        a, b = rows(gpkg, layer), rows(schema_source("plan"), layer)
        if a != b:
            diff = [x for x in a if x not in b][:2]
            fail(f"{layer}: PostGIS holds {len(b)} rows, the GeoPackage {len(a)}; first "
                 f"differences {diff}")
    n = len(rows(gpkg, "allocated_parcels"))
    if n < 50:
        fail(f"only {n} parcels allocated")
    meta_input = cluster.sql("SELECT value FROM plan.run_metadata WHERE key = 'input'")
    if meta_input != [[db]]:
        fail(f"run_metadata.input is {meta_input!r}, not {db}")
    ok(f"planned from PostGIS into schema plan: {len(tables)} tables; allocated_parcels "
       f"({n} parcels) and every other layer equal the GeoPackage run's, field by field")

    # 2. No --overwrite: refused, and nothing changed.
    before = plan_fingerprint(cluster, "plan")
    r = run(binary, "plan", db, "--out", db, "--schema", "plan", *common, "--seed", "9",
            expect=5)
    if "--overwrite" not in r.stderr or len(r.stderr.strip().splitlines()) != 1:
        fail(f"the refusal is not one line naming --overwrite: {r.stderr!r}")
    if plan_fingerprint(cluster, "plan") != before:
        fail("a refused run changed the schema")
    ok("a second run without --overwrite is refused (exit 5) and changes nothing: "
       + r.stderr.strip())

    # 3. Killed while its transaction is open: the previous plan survives whole.
    landed = 0
    rng = random.Random(18)
    for attempt in range(6):
        proc = subprocess.Popen([binary, "plan", db, "--out", db, "--schema", "plan",
                                 "--overwrite", "--seed", str(100 + attempt), *common],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen = False
        deadline = time.time() + 120
        while proc.poll() is None and time.time() < deadline:
            # The writer drops the old tables first: it holds their AccessExclusiveLock (and so
            # its transaction is open) until it commits.
            held = cluster.sql(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN "
                "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'plan' AND "
                "l.mode = 'AccessExclusiveLock' AND l.granted AND l.pid <> pg_backend_pid()")
            if int(held[0][0]) > 0:
                seen = True
                time.sleep(rng.uniform(0, 0.05))
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
        proc.wait()
        after = plan_fingerprint(cluster, "plan")
        if seen and proc.returncode == -signal.SIGKILL:
            landed += 1
            if after != before:
                fail(f"attempt {attempt}: killed mid-write, the schema changed: tables "
                     f"{after[0]} (before {before[0]}), {len(after[1])} allocations "
                     f"(before {len(before[1])})")
        elif proc.returncode == 0:
            before = after  # it committed before the kill: its plan is the one now
    if landed < 3:
        fail(f"only {landed} of 6 kills landed while the transaction was open")
    # Nothing of a killed run lingers: no second schema, no lock, no idle transaction.
    idle = cluster.sql("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in%'")
    if int(idle[0][0]) != 0:
        fail("a killed run left an open transaction")
    ok(f"{landed} runs killed (SIGKILL) inside their transaction: each time the previous plan "
       "stayed whole (tables, allocations, annual rows, project)")

    # 3b. An output schema that holds the inputs' tables is refused, even with --overwrite: the
    # plan's zones and constraints would replace the input's.
    zones_before = cluster.sql("SELECT count(*), md5(string_agg(id::text, ',' ORDER BY id)) "
                               "FROM public.zones")
    r = run(binary, "plan", db, "--out", db, "--schema", "public", "--overwrite", *common,
            expect=2)
    if "would replace the input layer 'zones'" not in r.stderr:
        fail(f"planning into the inputs' schema: {r.stderr!r}")
    if cluster.sql("SELECT count(*), md5(string_agg(id::text, ',' ORDER BY id)) "
                   "FROM public.zones") != zones_before:
        fail("the input table public.zones changed")
    ok("an output schema holding the input's tables is refused (exit 2), with --overwrite too: "
       + r.stderr.strip())

    # 4. Hostile names are names.
    cluster.sql("CREATE TABLE public.x (id int)")
    names = ["it's", "semi;colon", "'; DROP TABLE x; --", 'say "plan"']
    for name in names:
        run(binary, "plan", city, "--out", db, "--schema", name, *common)
        q = name.replace("'", "''")
        got = cluster.sql(f"SELECT count(*) FROM pg_tables WHERE schemaname = '{q}'")
        if int(got[0][0]) < 10:
            fail(f"schema {name!r} holds {got[0][0]} tables")
        styles = cluster.sql(f"SELECT count(*) FROM layer_styles WHERE f_table_schema = '{q}'")
        if int(styles[0][0]) < 5:
            fail(f"schema {name!r} has {styles[0][0]} styles in layer_styles")
        qi = '"' + name.replace('"', '""') + '"'
        got = cluster.sql(f"SELECT count(*) FROM {qi}.allocated_parcels")
        if int(got[0][0]) != n:
            fail(f"schema {name!r} holds {got[0][0]} allocated parcels, the GeoPackage {n}")
    if cluster.sql("SELECT to_regclass('public.x') IS NOT NULL")[0][0] != "t":
        fail("public.x was dropped: a schema name was run as SQL")
    schemas = sorted(r[0] for r in cluster.sql(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname NOT IN "
        "('public', 'information_schema', 'plan', 'tiger', 'topology')"))
    if schemas != sorted(names):
        fail(f"schemas made: {schemas}, expected {sorted(names)}")
    ok(f"schemas named {names} hold their plans, public.x survives")

    # 5. A password reaches no table, file or message.
    secret = "Hunter2secret"
    report = os.path.join(work, "pw.html")
    r = run(binary, "plan", city, "--out", f"PG:service={SERVICE} password={secret}", "--schema",
            "pw", "--report", report, "--solver", "heuristic")
    dump = subprocess.run(["pg_dump", f"service={SERVICE}", "--schema=pw", "--data-only"],
                          capture_output=True, text=True)
    if dump.returncode != 0:
        fail("pg_dump: " + dump.stderr)
    styles = cluster.sql("SELECT string_agg(styleqml::text, '') FROM layer_styles "
                         "WHERE f_table_schema = 'pw'")[0][0]
    for where, text in [("the stdout", r.stdout), ("the stderr", r.stderr),
                        ("the schema's data", dump.stdout), ("its styles", styles)]:
        if secret in text:
            fail(f"the password reached {where}")
    for f in glob.glob(os.path.join(work, "pw.*")):
        with open(f, "rb") as fh:
            if secret.encode() in fh.read():
                fail(f"the password reached {f}")
    files = sorted(os.path.basename(f) for f in glob.glob(os.path.join(work, "pw.*")))
    if files != ["pw.html", "pw.supply_plan.csv", "pw.tables.xlsx", "pw.targets.csv"]:
        fail(f"--report wrote {files}")
    with open(report, encoding="utf-8") as fh:
        html = fh.read()
    if "password=***" not in html or "&quot;pw&quot;" not in html:
        fail("the report does not name the database (password ***) and the schema it read")
    if "password=***" not in r.stdout:
        fail(f"the output message does not show the password as ***: {r.stdout[-300:]}")
    ok(f"a password in the connection reached no table, style, file ({', '.join(files)}) "
       "or message")

    # 6. A batch into the shared database, and the schedulers' recipes.
    check_batch(binary, work, cluster, gpkg, city)

    # 7. QGIS opens the project stored in PostGIS.
    check_qgis(cluster, "plan")


def check_batch(binary, work, cluster, gpkg_a, city_a):
    city_b = os.path.join(work, "city-b.gpkg")
    run(binary, "synth", "--out", city_b, "--parcels", "1200", "--seed", "8", "--quiet")
    gpkg_b = os.path.join(work, "plan-b.gpkg")
    run(binary, "plan", city_b, "--out", gpkg_b, "--solver", "heuristic", "--quiet")
    toml = os.path.join(work, "cities.toml")
    with open(toml, "w") as f:
        f.write(f'[batch]\nout_dir = "batch"\njobs = 2\nout = "PG:service={SERVICE}"\n'
                'schema_prefix = "city_"\nargs = ["--solver", "heuristic"]\n\n'
                f'[[city]]\nname = "a"\ninput = "{city_a}"\n\n'
                f'[[city]]\nname = "b"\ninput = "{city_b}"\n')
    run(binary, "batch", toml)
    for name, gpkg in [("a", gpkg_a), ("b", gpkg_b)]:
        if rows(gpkg, "allocated_parcels") != rows(schema_source("city_" + name),
                                                   "allocated_parcels"):
            fail(f"the batch's schema city_{name} differs from the city's single plan")
    summary = os.path.join(work, "batch", "batch_summary.csv")
    with open(summary, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    if len(lines) != 3 or not lines[1].split(",")[1] == "a" or not lines[2].split(",")[1] == "b":
        fail(f"batch_summary.csv: {lines}")
    for line in lines[1:]:
        cells = line.split(",")
        met, total = cluster.sql("SELECT count(*) FILTER (WHERE status = 'met'), count(*) FROM "
                                 f"city_{cells[1]}.annual_plan")[0]
        if cells[4:6] != [met, total] or int(total) == 0:
            fail(f"the summary says {cells[4]} of {cells[5]} targets met for {cells[1]}; its "
                 f"annual_plan in the database, {met} of {total}")
    # The recipes' landalloc line, as docs/batch.md gives it, run with the index set by hand.
    docs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                        "batch.md")
    with open(docs, encoding="utf-8") as fh:
        lines = [line.strip() for line in fh]
    recipes = [line for line in lines if line.startswith("landalloc batch") and (
        "$SLURM_ARRAY_TASK_ID" in line or "$JOB_COMPLETION_INDEX" in line)]
    if len(recipes) < 2:
        fail(f"docs/batch.md: the recipes' command lines not found: {recipes}")
    for line in recipes:
        # The schema goes first, so only the recipe's run can make it again.
        cluster.sql("DROP SCHEMA city_b CASCADE")
        env = dict(os.environ, SLURM_ARRAY_TASK_ID="1", JOB_COMPLETION_INDEX="1",
                   PATH=os.path.dirname(os.path.abspath(binary)) + ":" + os.environ["PATH"])
        rr = subprocess.run(["bash", "-c", line], cwd=work, env=env, capture_output=True,
                            text=True)
        if rr.returncode != 0:
            fail(f"{line!r} with the index 1: exit {rr.returncode}: {rr.stdout}{rr.stderr}")
        if rows(gpkg_b, "allocated_parcels") != rows(schema_source("city_b"),
                                                     "allocated_parcels"):
            fail(f"{line!r} with the index 1 did not write city b's plan into city_b")
    ok(f"landalloc batch into PostGIS: schemas city_a and city_b equal the single plans; "
       f"{len(recipes)} scheduler recipes (index 1 set by hand) re-plan city_b identically")


if __name__ == "__main__":
    main()
