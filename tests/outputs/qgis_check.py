#!/usr/bin/python3
"""Checks a plan GeoPackage with real QGIS (PyQGIS, headless): every layer opens as valid, each
spatial layer has a default style in layer_styles that QGIS applies, the stored project reads and
its layers are in the intended order, and the project's map renders to a PNG that is not blank.
The project follows QGIS's conventions (issue 15): its CRS set, layer groups with the diagnostics
off, no empty layer left visible, legends of what occurs only, the parcels on the temporal
controller, and a print layout whose atlas exports one PDF page per year. Then the findings
GeoPackage of `landalloc validate --out`: its spatial layer opens styled.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_check.py LANDALLOC_BINARY WORK_DIR
(run by ctest as qgis.plan_opens_styled_and_renders). With a third argument, EXAMPLES_DIR, it
plans every example plan file there instead and checks each one's project and layout (ctest's
qgis.examples_projects_open_and_print). Prints one line per check; exits 1 on the first failure.
"""

import os
import re
import shutil
import subprocess
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsLayoutExporter,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsProviderRegistry,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize, QUrl, QUrlQuery  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

PROJECT_NAME = "landalloc plan"
SPATIAL = {
    "allocated_parcels": "categorizedSymbol",
    "zones": "graduatedSymbol",
    "constraints": "categorizedSymbol",
    "rejected_candidates": "categorizedSymbol",
    "station_catchments": "singleSymbol",
    "park_catchments": "singleSymbol",
}
TABLES = ["allocated_parcels", "rejected_candidates", "station_catchments", "park_catchments",
          "annual_plan", "zones", "constraints", "run_metadata"]
TREE_ORDER = ["allocated_parcels", "rejected_candidates", "station_catchments", "park_catchments",
              "constraints", "zones", "supply_plan", "annual_plan"]
# The layer panel's groups by the plan's [output] language (run_metadata's `language`).
GROUPS = {"en": ["plan", "diagnostics", "context", "tables"],
          "zh": ["规划", "诊断", "背景", "表格"]}
LAYOUT_NAME = "年度住宅用地供应图"


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg, flush=True)


def make_plan(binary, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    city = os.path.join(work, "city.gpkg")
    plan = os.path.join(work, "plan.gpkg")
    r = subprocess.run([binary, "synth", "--out", city, "--parcels", "1500"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("synth: " + r.stderr)
    r = subprocess.run([binary, "plan", city, "--out", plan, "--solver", "greedy"],
                       capture_output=True, text=True)
    if r.returncode not in (0, 6):
        fail("plan exited %d: %s" % (r.returncode, r.stderr))
    return plan


def make_en_plan(binary, work):
    """The same city planned with the built-in plan and `[output] language = "en"`."""
    toml = os.path.join(work, "plan-en.toml")
    r = subprocess.run([binary, "default-plan"], capture_output=True, text=True)
    with open(toml, "w", encoding="utf-8") as f:
        f.write(r.stdout + '\n[output]\nlanguage = "en"\n')
    plan = os.path.join(work, "plan-en.gpkg")
    r = subprocess.run([binary, "plan", os.path.join(work, "city.gpkg"), "--plan", toml,
                        "--out", plan, "--solver", "greedy"], capture_output=True, text=True)
    if r.returncode not in (0, 6):
        fail("plan (en) exited %d: %s" % (r.returncode, r.stderr))
    return plan


def check_layers(plan):
    ogr = QgsProviderRegistry.instance().providerMetadata("ogr")
    for table in TABLES:
        layer = QgsVectorLayer(plan + "|layername=" + table, table, "ogr")
        if not layer.isValid():
            fail("layer %s does not open as valid" % table)
        if layer.featureCount() <= 0:
            fail("layer %s is empty" % table)
        if table not in SPATIAL:
            ok("%s opens (%d rows)" % (table, layer.featureCount()))
            continue
        count, ids, names, _descs, err = layer.listStylesInDatabase()
        if count < 1:
            fail("no style of %s in layer_styles (%s)" % (table, err))
        qml = ogr.loadStyle(plan + "|layername=" + table, "")
        if not qml or "<renderer-v2" not in qml:
            fail("QGIS finds no default style for %s" % table)
        # A freshly opened layer gets its default style from layer_styles.
        renderer = layer.renderer()
        if renderer.type() != SPATIAL[table]:
            fail("%s is drawn with %s, not its default style %s"
                 % (table, renderer.type(), SPATIAL[table]))
        if table == "allocated_parcels":
            values = {c.value() for c in renderer.categories()}
            if "commercial" not in values:
                fail("allocated_parcels style has no 'commercial' category: %s" % values)
            if not layer.labelsEnabled() or layer.labeling() is None:
                fail("allocated_parcels is not labelled")
            if layer.labeling().settings().fieldName != "year":
                fail("allocated_parcels labels by %s, not year"
                     % layer.labeling().settings().fieldName)
            if layer.labeling().settings().minimumScale != 25000:
                fail("allocated_parcels' year labels show at every scale, hiding the zones' names")
            present = {f["housing_type"] for f in layer.getFeatures()}
            if values != present:
                fail("allocated_parcels legend lists %s; the layer holds %s" % (values, present))
            colours = [c.symbol().color().name() for c in renderer.categories()]
            if len(set(colours)) != len(colours):
                fail("two housing types share a colour: %s" % colours)
        if table == "rejected_candidates":
            present = {f["reason"] for f in layer.getFeatures()}
            values = {c.value() for c in renderer.categories()}
            if renderer.classAttribute() != "reason" or values != present:
                fail("rejected_candidates categories %s by %s; the reasons present are %s"
                     % (values, renderer.classAttribute(), present))
        if table == "zones":
            if renderer.classAttribute() != "jobs_dwellings_after" or len(renderer.ranges()) < 5:
                fail("zones style is not a 5-class choropleth of jobs_dwellings_after")
        if table == "constraints":
            values = {c.value() for c in renderer.categories()}
            if values != {"exclude", "cap"}:
                fail("constraints style categories are %s" % values)
        ok("%s opens (%d features), default style '%s' (%s)"
           % (table, layer.featureCount(), names[0], renderer.type()))


def read_project(plan):
    storage = QgsApplication.projectStorageRegistry().projectStorageFromType("geopackage")
    if storage is None:
        fail("QGIS has no GeoPackage project storage")
    names = storage.listProjects(plan)
    if PROJECT_NAME not in names:
        fail("stored projects are %s, not '%s'" % (names, PROJECT_NAME))
    project = open_project(plan)
    tree = [node.layer().name() if node.layer() else None
            for node in project.layerTreeRoot().findLayers()]
    sources = [node.layer().source() for node in project.layerTreeRoot().findLayers()]
    tables = [s.split("layername=")[-1] for s in sources]
    if tables != TREE_ORDER:
        fail("project layers are %s, expected %s" % (tables, TREE_ORDER))
    for node in project.layerTreeRoot().findLayers():
        layer = node.layer()
        if layer is None or not layer.isValid():
            fail("project layer %s is not valid (source %s)" % (node.name(), node.layerId()))
        if os.path.realpath(layer.source().split("|")[0]) != os.path.realpath(plan):
            fail("project layer %s reads %s, not the GeoPackage" % (node.name(), layer.source()))
    ok("stored project '%s' opens with layers %s (top first)" % (PROJECT_NAME, tree))
    return project


def project_layer(project, table):
    """The project's layer reading `table` of the GeoPackage, whatever its title."""
    for layer in project.mapLayers().values():
        if layer.source().split("layername=")[-1] == table:
            return layer
    fail("the project has no layer reading %s" % table)


def plan_language(plan):
    meta = QgsVectorLayer(plan + "|layername=run_metadata", "run_metadata", "ogr")
    values = {f["key"]: f["value"] for f in meta.getFeatures()}
    return values.get("language") or "en"


def has_cjk(text):
    return any("\u3000" <= ch <= "\u9fff" for ch in text or "")


def check_conventions(project, language):
    """The project's CRS, groups, visibility and temporal setting."""
    crs = project.crs()
    parcels = [project_layer(project, "allocated_parcels")]
    if not crs.isValid() or crs.authid() != parcels[0].crs().authid():
        fail("project CRS is '%s', not the layers' %s"
             % (crs.authid(), parcels[0].crs().authid()))
    root = project.layerTreeRoot()
    groups = [g.name() for g in root.children()]
    if groups != GROUPS[language]:
        fail("project groups are %s, expected %s" % (groups, GROUPS[language]))
    diagnostics = root.findGroup(GROUPS[language][1])
    if diagnostics.isVisible() or any(n.isVisible() for n in diagnostics.findLayers()):
        fail("the diagnostics group is visible when the project opens")
    for node in root.findLayers():
        layer = node.layer()
        if node.isVisible() and layer.isSpatial() and layer.featureCount() == 0:
            fail("layer %s is visible and empty" % layer.name())
    if not parcels[0].temporalProperties().isActive():
        fail("the parcels are not on the temporal controller")
    ok("project CRS %s, groups %s, diagnostics off, no empty layer visible, parcels temporal"
       % (crs.authid(), groups))


def represent(layer, field, value):
    """What QGIS shows for `value` of `field`: its editor widget's representation."""
    i = layer.fields().indexOf(field)
    setup = layer.editorWidgetSetup(i)
    formatter = QgsApplication.fieldFormatterRegistry().fieldFormatter(setup.type())
    return formatter.representValue(layer, i, setup.config(), None, value)


def check_language(plan, project):
    """A zh plan names everything in Chinese in QGIS: the layer panel, the field aliases, the
    coded values (by value maps), the legend of rejected candidates and the reasons; an en plan
    keeps the field names and codes."""
    language = plan_language(plan)
    parcels = QgsVectorLayer(plan + "|layername=allocated_parcels", "p", "ogr")
    rejected = QgsVectorLayer(plan + "|layername=rejected_candidates", "r", "ogr")
    zones = QgsVectorLayer(plan + "|layername=zones", "z", "ogr")
    reasons = [f["reasons"] for f in parcels.getFeatures()]
    titles = [node.name() for node in project.layerTreeRoot().findLayers()]
    if language == "en":
        if parcels.attributeAlias(parcels.fields().indexOf("reasons")):
            fail("an en plan gives allocated_parcels.reasons an alias")
        if not all(r.startswith("score ") for r in reasons):
            fail("an en plan's reasons are not English: %s" % reasons[0])
        ok("en plan: no Chinese aliases, reasons in English")
        return
    for layer, field, alias in ((parcels, "reasons", "选址理由"), (rejected, "reason", "未选原因"),
                                (zones, "band_after", "规划后职住区间")):
        got = layer.attributeAlias(layer.fields().indexOf(field))
        if got != alias:
            fail("%s.%s has the alias '%s', not '%s'" % (layer.name(), field, got, alias))
    if not all(has_cjk(t) for t in titles):
        fail("a zh project's layer titles are not all Chinese: %s" % titles)
    if not all(r.startswith("得分 ") for r in reasons):
        fail("a zh plan's reasons are not Chinese: %s" % reasons[0])
    # Every code shows in Chinese, and the legend of the rejected candidates says the same.
    labels = {c.value(): c.label() for c in rejected.renderer().categories()}
    for f in rejected.getFeatures():
        shown = represent(rejected, "reason", f["reason"])
        if not has_cjk(shown) or labels.get(f["reason"]) != shown:
            fail("rejected reason %s shows as '%s', its legend says '%s'"
                 % (f["reason"], shown, labels.get(f["reason"])))
        if not has_cjk(represent(rejected, "land_source", f["land_source"])):
            fail("land source %s shows as itself" % f["land_source"])
    for f in zones.getFeatures():
        if f["band_after"] and not has_cjk(represent(zones, "band_after", f["band_after"])):
            fail("band %s shows as itself" % f["band_after"])
    ok("zh plan: layer titles %s, aliases, coded values and reasons in Chinese" % titles)


BAND_COLOURS = ["#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b"]


def band_class(ratio, ratio_min, ratio_max):
    """The class of a jobs/dwellings ratio: the band [ratio_min, ratio_max] closed, as the plan
    counts a zone in it; below it a class holds its lower end, above it its upper end."""
    low, high = 0.75 * ratio_min, 1.25 * ratio_max
    if ratio < low:
        return 0
    if ratio < ratio_min:
        return 1
    if ratio <= ratio_max:
        return 2
    return 3 if ratio <= high else 4


def check_band_colours(plan):
    """QGIS's zones style and the report colour a ratio alike, at the band's edges too."""
    meta = QgsVectorLayer(plan + "|layername=run_metadata", "run_metadata", "ogr")
    values = {f["key"]: f["value"] for f in meta.getFeatures()}
    ratio_min, ratio_max = float(values["ratio_min"]), float(values["ratio_max"])
    zones = QgsVectorLayer(plan + "|layername=zones", "zones", "ogr")
    renderer = zones.renderer()
    low, high = 0.75 * ratio_min, 1.25 * ratio_max
    for v in (0.0, low - 1e-4, low, ratio_min - 1e-4, ratio_min, 1.0, ratio_max,
              ratio_max + 1e-4, high, high + 1e-4):
        got = renderer.symbolForValue(v).color().name()
        want = BAND_COLOURS[band_class(v, ratio_min, ratio_max)]
        if got != want:
            fail("QGIS colours jobs/dwellings %.4f %s, not %s (band %.2f-%.2f)"
                 % (v, got, want, ratio_min, ratio_max))
    html = open(os.path.splitext(plan)[0] + ".html", encoding="utf-8").read()
    table = html[html.index('<table id="zones">'):]
    table = table[:table.index("</table>")]
    cells = re.findall(r'<td class="n"(?: style="background:(#[0-9a-f]{6})")?>([-0-9.]+)</td>'
                       r'<td>[^<]*</td></tr>', table)
    if len(cells) != zones.featureCount():
        fail("the report's zones table has %d rows for %d zones"
             % (len(cells), zones.featureCount()))
    for colour, ratio in cells:
        want = BAND_COLOURS[band_class(float(ratio), ratio_min, ratio_max)]
        if colour != want:
            fail("the report colours jobs/dwellings %s %s, QGIS %s" % (ratio, colour, want))
    ok("QGIS and the report colour jobs/dwellings alike (band %.2f-%.2f closed, edges checked)"
       % (ratio_min, ratio_max))


def check_layout(project, plan, work):
    """The print layout: its items, and its atlas exported to PDF (a page per year) and PNG."""
    layout = project.layoutManager().layoutByName(LAYOUT_NAME)
    if layout is None:
        fail("no print layout '%s' in the project (layouts: %s)"
             % (LAYOUT_NAME, [l.name() for l in project.layoutManager().layouts()]))
    items = layout.items()
    for kind, what in ((QgsLayoutItemMap, "map"), (QgsLayoutItemLegend, "legend"),
                       (QgsLayoutItemScaleBar, "scale bar"), (QgsLayoutItemPicture, "north arrow")):
        if not any(isinstance(i, kind) for i in items):
            fail("the layout has no %s" % what)
    annual = QgsVectorLayer(plan + "|layername=annual_plan", "annual_plan", "ogr")
    years = sorted({f["year"] for f in annual.getFeatures()})
    atlas = layout.atlas()
    if not atlas.enabled() or atlas.updateFeatures() != len(years):
        fail("the layout's atlas has %d pages for %d years" % (atlas.count(), len(years)))
    pdf = os.path.join(work, "layout.pdf")
    result, error = QgsLayoutExporter.exportToPdf(atlas, pdf,
                                                  QgsLayoutExporter.PdfExportSettings())
    if result != QgsLayoutExporter.Success:
        fail("the atlas does not export to PDF: %s" % error)
    with open(pdf, "rb") as f:
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", f.read()))
    if pages != len(years):
        fail("the layout's PDF has %d pages for %d years" % (pages, len(years)))
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 80
    result, error = QgsLayoutExporter.exportToImage(atlas, os.path.join(work, "layout"), "png",
                                                    settings)
    if result != QgsLayoutExporter.Success:
        fail("the atlas does not export to PNG: %s" % error)
    ok("layout '%s' exports %s: %d pages, one per year %s (PNGs in %s)"
       % (LAYOUT_NAME, pdf, pages, years, work))


def render_image(layers, crs, extent, size, png):
    """The map of `layers` in `crs` over `extent`, `size` pixels on white, saved to `png`."""
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setExtent(extent)
    settings.setOutputSize(size)
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    if not image.save(png, "PNG"):
        fail("cannot save " + png)
    return image


def render(project, png):
    layers = project.layerTreeRoot().layerOrder()
    extent = project.viewSettings().defaultViewExtent()
    if extent.isEmpty():
        extent = QgsRectangle()
        for layer in layers:
            extent.combineExtentWith(layer.extent())
    image = render_image(layers, project.crs(), extent, QSize(900, 700), png)
    greys = []
    colours = set()
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = image.pixelColor(x, y)
            colours.add((c.red(), c.green(), c.blue()))
            greys.append(0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue())
    mean = sum(greys) / len(greys)
    variance = sum((g - mean) ** 2 for g in greys) / len(greys)
    if variance < 50 or len(colours) < 8:
        fail("rendered map looks blank: grey variance %.1f, %d colours" % (variance, len(colours)))
    commercial = (228, 26, 28)
    if commercial not in colours:
        fail("no pixel in the commercial housing colour: the parcels' style was not applied")
    ok("project map renders to %s (grey variance %.0f, %d colours)"
       % (png, variance, len(colours)))


def check_findings(binary, work):
    """validate --out on the synthetic city (its parcels that straddle two zones are warnings):
    finding_areas opens with its default style by severity, labelled by the parcel's own id, and
    draws in the warning colour where those parcels are."""
    city = os.path.join(work, "city.gpkg")
    findings = os.path.join(work, "findings.gpkg")
    r = subprocess.run([binary, "validate", city, "--out", findings],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("validate exited %d: %s" % (r.returncode, r.stderr))
    layer = QgsVectorLayer(findings + "|layername=finding_areas", "finding_areas", "ogr")
    if not layer.isValid() or layer.featureCount() <= 0:
        fail("finding_areas does not open, or is empty")
    renderer = layer.renderer()
    if renderer.type() != "categorizedSymbol" or renderer.classAttribute() != "severity":
        fail("finding_areas is drawn with %s, not its default style by severity"
             % renderer.type())
    values = {c.value() for c in renderer.categories()}
    if values != {"warning"}:
        fail("finding_areas categories are %s; only the severities present belong" % values)
    if not layer.labelsEnabled() or layer.labeling().settings().fieldName != "feature_key":
        fail("finding_areas is not labelled by feature_key")
    label = layer.labeling().settings()
    if not label.scaleVisibility or label.minimumScale != 25000:
        fail("finding_areas labels show at every scale (minimum scale %s), not only from 1:25000"
             % label.minimumScale)
    keys = {f["feature_key"] for f in layer.getFeatures()}
    if not all(k.startswith("P") for k in keys):
        fail("finding_areas feature_key values are not the parcels' ids: %s" % sorted(keys))
    png = os.path.join(work, "findings-map.png")
    image = render_image([layer], layer.crs(), layer.extent(), QSize(600, 600), png)
    outline = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            outline += (c.red(), c.green(), c.blue()) == (253, 174, 97)
    if outline < 50:
        fail("finding_areas renders %d pixels in the warning colour: style not applied" % outline)
    ok("finding_areas opens (%d parcels), styled by severity, labelled by id, renders to %s"
       % (layer.featureCount(), png))


def open_project(plan):
    """The project stored in `plan`, read into QgsProject.instance()."""
    url = QUrl()
    url.setScheme("geopackage")
    url.setPath(plan)
    query = QUrlQuery()
    query.addQueryItem("projectName", PROJECT_NAME)
    url.setQuery(query)
    project = QgsProject.instance()
    project.clear()
    if not project.read(url.toString()):
        fail("QGIS cannot read the stored project of %s: %s" % (plan, project.error()))
    return project


def check_examples(binary, work, examples):
    """Each example plan file, planned greedily: its project opens to QGIS's conventions and its
    layout exports a PDF page per year."""
    for name in sorted(os.listdir(examples)):
        if not name.endswith(".toml"):
            continue
        out = os.path.join(work, os.path.splitext(name)[0])
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        plan = os.path.join(out, "plan.gpkg")
        r = subprocess.run([binary, "plan", "--plan", os.path.join(examples, name), "--out", plan,
                            "--solver", "greedy"], capture_output=True, text=True)
        if r.returncode not in (0, 6):
            fail("%s: plan exited %d: %s" % (name, r.returncode, r.stderr))
        project = open_project(plan)
        print("%s:" % name, flush=True)
        check_conventions(project, plan_language(plan))
        check_language(plan, project)
        check_layout(project, plan, out)
    QgsProject.instance().clear()


def main():
    if len(sys.argv) not in (3, 4):
        fail("usage: qgis_check.py LANDALLOC_BINARY WORK_DIR [EXAMPLES_DIR]")
    binary, work = sys.argv[1], sys.argv[2]
    if len(sys.argv) == 4:
        os.makedirs(work, exist_ok=True)
        app = QgsApplication([], False)
        app.initQgis()
        check_examples(binary, work, sys.argv[3])
        print("qgis_check: every example's project passed", flush=True)
        return
    plan = make_plan(binary, work)
    app = QgsApplication([], False)
    app.initQgis()
    check_layers(plan)
    check_band_colours(plan)
    project = read_project(plan)
    check_conventions(project, plan_language(plan))
    check_language(plan, project)
    render(project, os.path.join(work, "plan-map.png"))
    check_layout(project, plan, work)
    en = make_en_plan(binary, work)
    project = open_project(en)
    check_conventions(project, plan_language(en))
    check_language(en, project)
    QgsProject.instance().clear()
    check_findings(binary, work)
    print("qgis_check: all checks passed", flush=True)


if __name__ == "__main__":
    main()
