// The outputs an analyst opens in QGIS and a planner reads (issue 7): the GeoPackage's
// layer_styles and qgis_projects tables, checked with plain OGR and SQLite (through GDAL)
// independently of landalloc's own code, and the HTML report written beside it, compared
// figure by figure with the GeoPackage. (tests/qgis_check.py checks the same file with real QGIS.)

#include "core/language.hpp"
#include "ogr_util.hpp"
#include "outputs/schema.hpp"
#include "test_util.hpp"

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <regex>

using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {

GDALDatasetUniquePtr open(const std::string &path) { return open_vector(path); }

struct Fixture {
    TempDir dir;
    std::string city = dir.path("city.gpkg");
    std::string plan = dir.path("plan.gpkg");
    std::string html = dir.path("plan.html");
    CliResult plan_result;
    Fixture() {
        run_cli({"synth", "--out", city, "--parcels", "1500", "--seed", "7"});
        plan_result = run_cli({"plan", city, "--out", plan, "--solver", "greedy"});
    }
};

Fixture &fx() {
    static Fixture f;
    return f;
}

/// Rows of an SQL query's first column, as text.
std::vector<std::string> query(GDALDataset &ds, const std::string &sql) {
    std::vector<std::string> out;
    OGRLayer *rs = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!rs) {
        return out;
    }
    for (auto &&f : *rs) {
        out.emplace_back(f->GetFieldAsString(0));
    }
    ds.ReleaseResultSet(rs);
    return out;
}

std::string from_hex(const std::string &hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return out;
}

/// The .qgs XML inside the stored project's .qgz, unzipped with GDAL's /vsizip/.
std::string stored_project_xml(const std::string &plan) {
    auto ds = open(plan);
    const auto content =
        // QGIS stores the .qgz as hexadecimal text in a column declared BLOB.
        query(*ds, "SELECT CAST(content AS TEXT) FROM qgis_projects WHERE name = 'landalloc plan'");
    if (content.size() != 1) {
        return {};
    }
    const std::string zip = from_hex(content[0]);
    const std::string mem = "/vsimem/test-project.zip"; // /vsizip/ knows .zip
    VSILFILE *f = VSIFileFromMemBuffer(
        mem.c_str(), reinterpret_cast<GByte *>(const_cast<char *>(zip.data())), zip.size(),
        /*bTakeOwnership=*/FALSE);
    VSIFCloseL(f);
    std::string xml;
    if (VSILFILE *in = VSIFOpenL(("/vsizip/" + mem + "/landalloc-plan.qgs").c_str(), "rb")) {
        char buf[65536];
        std::size_t n = 0;
        while ((n = VSIFReadL(buf, 1, sizeof buf, in)) > 0) {
            xml.append(buf, n);
        }
        VSIFCloseL(in);
    }
    VSIUnlink(mem.c_str());
    return xml;
}

} // namespace

TEST(QgisOutputs, PlanSucceedsAndWritesBothFiles) {
    ASSERT_TRUE(fx().plan_result.code == 0 || fx().plan_result.code == 6) << fx().plan_result.err;
    EXPECT_TRUE(fs::exists(fx().plan));
    EXPECT_TRUE(fs::exists(fx().html));
    EXPECT_NE(fx().plan_result.out.find("plan.html"), std::string::npos) << fx().plan_result.out;
}

TEST(QgisOutputs, GeoPackageWithStylesAndProjectPassesValidateGpkg) {
    const auto r =
        run_process("/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg '" + fx().plan + "'");
    EXPECT_EQ(r.code, 0) << r.out;
}

// The plan GeoPackage holds the layers and fields of outputs/schema.hpp, in order and with their
// types (allocated_parcels adds the plan's score parts and indicators before `reasons`).
TEST(QgisOutputs, GeoPackageHoldsTheLayersAndFieldsOfTheSchema) {
    using landalloc::gis::FieldType;
    auto ds = open(fx().plan);
    for (const landalloc::LayerSchema *l : landalloc::schema::k_layers) {
        const std::string name(l->name);
        OGRLayer *layer = ds->GetLayerByName(name.c_str());
        ASSERT_NE(layer, nullptr) << name;
        EXPECT_EQ(layer->GetGeomType() == wkbNone, l->geometry == landalloc::gis::GeomKind::none)
            << name;
        const OGRFeatureDefn *defn = layer->GetLayerDefn();
        const auto count = static_cast<std::size_t>(defn->GetFieldCount());
        ASSERT_GE(count, l->fields.size()) << name;
        const std::size_t per_plan = count - l->fields.size();
        EXPECT_TRUE(per_plan == 0 || l->per_plan_at < l->fields.size()) << name;
        for (std::size_t i = 0, j = 0; i < l->fields.size(); ++i, ++j) {
            if (i == l->per_plan_at) {
                j += per_plan;
            }
            const OGRFieldDefn *fd = defn->GetFieldDefn(static_cast<int>(j));
            EXPECT_EQ(std::string(fd->GetNameRef()), std::string(l->fields[i].name)) << name;
            const OGRFieldType want = l->fields[i].type == FieldType::integer ? OFTInteger64
                                      : l->fields[i].type == FieldType::real  ? OFTReal
                                                                              : OFTString;
            EXPECT_EQ(fd->GetType(), want) << name << "." << fd->GetNameRef();
        }
    }
}

TEST(QgisOutputs, LayerStylesIsARegisteredAttributeTableWithOneDefaultPerSpatialLayer) {
    auto ds = open(fx().plan);
    EXPECT_EQ(query(*ds, "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"),
              std::vector<std::string>{"attributes"});
    OGRLayer *styles = ds->GetLayerByName("layer_styles");
    ASSERT_NE(styles, nullptr);
    std::map<std::string, std::string> qml;
    for (auto &&f : *styles) {
        EXPECT_EQ(f->GetFieldAsInteger("useAsDefault"), 1);
        EXPECT_STREQ(f->GetFieldAsString("f_geometry_column"), "geom");
        qml[f->GetFieldAsString("f_table_name")] = f->GetFieldAsString("styleQML");
    }
    // One default style for every spatial layer of the plan.
    EXPECT_EQ(qml.size(), query(*ds, "SELECT table_name FROM gpkg_contents WHERE data_type = "
                                     "'features'")
                              .size());
    for (const char *t : {"rejected_candidates", "station_catchments", "park_catchments"}) {
        EXPECT_TRUE(qml.count(t)) << t;
    }
    // Each style names the field it classifies by, and that field exists in its layer.
    const std::map<std::string, std::string> attr = {{"allocated_parcels", "housing_type"},
                                                     {"zones", "jobs_dwellings_after"},
                                                     {"constraints", "effect"}};
    for (const auto &[table, field] : attr) {
        ASSERT_TRUE(qml.count(table)) << table;
        EXPECT_NE(qml[table].find("attr=\"" + field + "\""), std::string::npos) << table;
        OGRLayer *layer = ds->GetLayerByName(table.c_str());
        ASSERT_NE(layer, nullptr) << table;
        EXPECT_GE(layer->GetLayerDefn()->GetFieldIndex(field.c_str()), 0) << table << "." << field;
    }
    EXPECT_NE(qml["allocated_parcels"].find("fieldName=\"year\""), std::string::npos);
    EXPECT_NE(qml["zones"].find("graduatedSymbol"), std::string::npos);
    EXPECT_NE(qml["constraints"].find("b_diagonal"), std::string::npos);
    // Every housing type of the annual plan has a category.
    for (const auto &type : query(*ds, "SELECT DISTINCT housing_type FROM annual_plan")) {
        EXPECT_NE(qml["allocated_parcels"].find("value=\"" + type + "\""), std::string::npos)
            << type;
    }
}

TEST(QgisOutputs, StoredProjectShowsParcelsOverConstraintsOverZones) {
    const std::string xml = stored_project_xml(fx().plan);
    ASSERT_FALSE(xml.empty()) << "no project 'landalloc plan' in qgis_projects, or not a .qgz";
    const auto pos = [&](const std::string &table) {
        return xml.find("source=\"./plan.gpkg|layername=" + table + "\"");
    };
    ASSERT_NE(pos("allocated_parcels"), std::string::npos) << xml.substr(0, 2000);
    ASSERT_NE(pos("constraints"), std::string::npos);
    ASSERT_NE(pos("zones"), std::string::npos);
    EXPECT_LT(pos("allocated_parcels"), pos("constraints"));
    EXPECT_LT(pos("constraints"), pos("zones"));
    EXPECT_NE(xml.find("<Absolute type=\"bool\">false</Absolute>"), std::string::npos);
    EXPECT_NE(xml.find("EPSG:4549"), std::string::npos);
}

TEST(QgisOutputs, ReportHoldsTheAnnualFiguresOfTheGeoPackage) {
    const std::string html = read_file(fx().html);
    ASSERT_FALSE(html.empty());
    auto ds = open(fx().plan);
    int rows = 0;
    for (auto &&f : *ds->GetLayerByName("annual_plan")) {
        ++rows;
        const std::string year = f->GetFieldAsString("year");
        const std::string type = f->GetFieldAsString("housing_type");
        // <tr class="annual..." data-year="Y" data-type="T"><td>Y</td><td>T</td><td>unit</td>
        // <td class="n">target</td><td class="n">tol</td><td>binding</td><td class="n">supplied
        // </td><td class="n">difference</td><td class="n">land ha
        const std::regex row(
            "<tr class=\"annual[^\"]*\" data-year=\"" + year + "\" data-type=\"" + type +
            "\"><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td><td "
            "class=\"n\">([-0-9.]+)</td><td class=\"n\">[^<]*</td><td[^>]*>[^<]*"
            "</td><td class=\"n\">([-0-9.]+)</td><td class=\"n\">[-+0-9.]+</td><td "
            "class=\"n\">([-0-9.]+)</td>");
        std::smatch m;
        ASSERT_TRUE(std::regex_search(html, m, row)) << "no row for " << year << " " << type;
        // The unit in the report's language (the built-in plan's: zh).
        EXPECT_EQ(m[1].str(),
                  landalloc::code_label(landalloc::CodeList::unit, f->GetFieldAsString("unit"),
                                        landalloc::Language::zh));
        EXPECT_NEAR(std::stod(m[2].str()), f->GetFieldAsDouble("target"), 0.0051) << year << type;
        EXPECT_NEAR(std::stod(m[3].str()), f->GetFieldAsDouble("supplied"), 0.0051) << year << type;
        EXPECT_NEAR(std::stod(m[4].str()), f->GetFieldAsDouble("supplied_ha"), 0.0051)
            << year << type;
    }
    EXPECT_GT(rows, 0);
    // One map path per allocated parcel, one per zone; a chart per housing type.
    const auto count = [&](const std::string &needle, std::size_t from, std::size_t to) {
        int n = 0;
        for (auto p = html.find(needle, from); p != std::string::npos && p < to;
             p = html.find(needle, p + 1)) {
            ++n;
        }
        return n;
    };
    const auto parcels_at = html.find("<g id=\"parcels\"");
    const auto zones_at = html.find("<g id=\"zones\"");
    ASSERT_NE(parcels_at, std::string::npos);
    ASSERT_NE(zones_at, std::string::npos);
    EXPECT_EQ(count("<path ", parcels_at, zones_at),
              ds->GetLayerByName("allocated_parcels")->GetFeatureCount());
    EXPECT_EQ(count("<path ", zones_at, html.size()),
              ds->GetLayerByName("zones")->GetFeatureCount());
    EXPECT_GE(count("<svg class=\"chart\"", 0, html.size()), 1);
    // Zone names are kept (UTF-8) and the zones table is there.
    for (auto &&z : *ds->GetLayerByName("zones")) {
        EXPECT_NE(html.find(std::string(">") + z->GetFieldAsString("zone_name") + "<"),
                  std::string::npos);
    }
}

TEST(QgisOutputs, ReportIsSelfContained) {
    const std::string html = read_file(fx().html);
    for (const char *external :
         {"src=\"http", "href=\"http", "src=\"//", "href=\"//", "@import", "<script", "<link"}) {
        EXPECT_EQ(html.find(external), std::string::npos) << external;
    }
}

// `landalloc plan` renders its report from the plan in memory (report_data_from_layers),
// `landalloc report` from the GeoPackage (read_plan_report): the same bytes.
TEST(QgisOutputs, ReportCommandRendersTheSameReportFromTheGeoPackage) {
    TempDir dir;
    const std::string out = dir.path("again.html");
    const auto r = run_cli({"report", fx().plan, "-o", out});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(read_file(out), read_file(fx().html));
    EXPECT_NE(r.out.find("wrote " + out), std::string::npos) << r.out;
}

TEST(QgisOutputs, ReportCommandRefusesToReplaceWithoutOverwrite) {
    TempDir dir;
    const std::string out = dir.path("r.html");
    write_file(out, "precious");
    auto r = run_cli({"report", fx().plan, "-o", out});
    EXPECT_EQ(r.code, 5);
    EXPECT_EQ(read_file(out), "precious");
    r = run_cli({"report", fx().plan, "-o", out, "--overwrite"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(read_file(out), "precious");
}

TEST(QgisOutputs, ReportOfAMissingOrForeignFileIsAnInputError) {
    TempDir dir;
    auto r = run_cli({"report", dir.path("none.gpkg"), "-o", dir.path("x.html")});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("none.gpkg"), std::string::npos) << r.err;
    r = run_cli({"report", fx().city, "-o", dir.path("x.html")});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("city.gpkg"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.path("x.html")));
}

TEST(QgisOutputs, PlanRefusesAnExistingReportBeforeAnyWork) {
    TempDir dir;
    const std::string out = dir.path("p.gpkg");
    write_file(dir.path("p.html"), "precious");
    const auto r = run_cli({"plan", fx().city, "--out", out, "--solver", "greedy"});
    EXPECT_EQ(r.code, 5) << r.err;
    EXPECT_NE(r.err.find("p.html"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(read_file(dir.path("p.html")), "precious");
}

// The report prints the certified gap as a percentage: the one recomputed from run_metadata's
// bound, objective and unavoidable cost (the gap over the part of the objective a plan
// controls), to three decimals.
TEST(QgisOutputs, ReportPrintsTheGapRecomputedFromTheBoundAsAPercentage) {
    TempDir dir;
    run_cli({"synth", "--out", dir.path("city.gpkg"), "--parcels", "400", "--seed", "5"});
    const CliResult r = run_cli(
        {"plan", dir.path("city.gpkg"), "--out", dir.path("plan.gpkg"), "--solver", "heuristic"});
    ASSERT_TRUE(r.code == 0 || r.code == 6) << r.err;
    auto ds = open(dir.path("plan.gpkg"));
    std::map<std::string, std::string> meta;
    for (auto &&f : *ds->GetLayerByName("run_metadata")) {
        meta[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    }
    ASSERT_FALSE(meta["bound"].empty()) << "the default solver certifies a bound";
    const double objective = std::stod(meta["objective"]);
    const double gap = (std::stod(meta["bound"]) - objective) /
                       std::max(std::abs(objective + std::stod(meta["unavoidable_cost"])), 1e-9);
    char want[64];
    std::snprintf(want, sizeof want,
                  "<tr data-key=\"gap\"><th>最优性间隙</th><td>%.3f %%</td></tr>", 100.0 * gap);
    const std::string html = read_file(dir.path("plan.html"));
    EXPECT_NE(html.find(want), std::string::npos) << want << " not in the report's solver table";
}
