// A bureau's real data (issue 16): deliveries made the way a land bureau sends them (parcels as a
// GBK Shapefile in EPSG:4490 written by GDAL with its ENCODING/.cpg handling, layers in other
// CRSs and formats), each case one that landalloc used to get silently wrong.

#include "gis/checksum.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "ogr_util.hpp"

#include "plan_file/input_spec.hpp"
#include "plan_file/plan_file.hpp"
#include "test_util.hpp"
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

using namespace landalloc;
namespace fs = std::filesystem;

namespace {

/// A small synthetic city (seed 7), generated once: the bureau's layers are made from it.
const std::string &base_city() {
    static test::TempDir dir;
    static const std::string path = [] {
        const std::string p = dir.path("base.gpkg");
        SynthOptions opt;
        opt.parcels = 150;
        opt.seed = 7;
        opt.scale = 0.5;
        write_synth_city(opt, p, false);
        return p;
    }();
    return path;
}

bool have_ogr2ogr() { return test::run_process("ogr2ogr --version").code == 0; }

void sh(const std::string &command) {
    const auto r = test::run_process(command);
    ASSERT_EQ(r.code, 0) << command << "\n" << r.out;
}

/// The parcels as a bureau delivers them: a Shapefile in EPSG:4490 with GBK attributes (GDAL
/// writes the .cpg), in `dir`/parcels.shp; `where` selects the parcels (OGR SQL).
std::string bureau_parcels(const test::TempDir &dir, const std::string &where = "",
                           const std::string &name = "parcels") {
    const std::string shp = dir.path(name + ".shp");
    sh("ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=GBK -t_srs EPSG:4490 -nln " + name + " '" + shp +
       "' '" + base_city() + "' parcels" + (where.empty() ? "" : " -where \"" + where + "\""));
    return shp;
}

/// A plan file whose other layers come from the base city and whose parcels are `parcels`.
std::string bureau_plan(const test::TempDir &dir, const std::string &parcels,
                        const std::string &extra = "") {
    const std::string plan = dir.path("plan.toml");
    test::write_file(plan, default_plan_text() + "\n[inputs]\nsource = \"" + base_city() + "\"\n" +
                               extra + "\n[inputs.parcels]\nsource = \"" + parcels +
                               "\"\n[inputs.fields]\nland_source = \"land_sourc\"\n"
                               "allowed_types = \"allowed_ty\"\n");
    return plan;
}

bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

/// The run_metadata table of a plan GeoPackage, read with plain OGR.
std::map<std::string, std::string> run_metadata(const std::string &gpkg) {
    auto ds = test::open_vector(gpkg);
    OGRLayer *l = ds->GetLayerByName("run_metadata");
    std::map<std::string, std::string> out;
    if (!l) {
        return out;
    }
    for (auto &f : *l) {
        out[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    }
    return out;
}

/// GDAL's GeoPackage validator accepts `path` (field aliases need the schema extension's two
/// tables registered).
void expect_valid_gpkg(const std::string &path) {
    const auto r =
        test::run_process("/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg '" + path + "'");
    EXPECT_EQ(r.code, 0) << path << ":\n" << r.out;
}

} // namespace

// ---- case 11: an empty parcels or zones layer ---------------------------------------------------

TEST(Bureau, EmptyParcelsLayerIsAnInputErrorAndPlanWritesNothing) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    const std::string plan = bureau_plan(dir, bureau_parcels(dir, "1 = 0"));
    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 3) << v.out << v.err;
    EXPECT_TRUE(contains(v.out, "empty_layer")) << v.out;
    EXPECT_FALSE(contains(v.out, "result: usable")) << v.out;
    const std::string out = dir.path("plan.gpkg");
    const auto p = test::run_cli({"plan", "--plan", plan, "--out", out, "--quiet"});
    EXPECT_EQ(p.code, 3) << p.err;
    EXPECT_TRUE(contains(p.err, "has no usable parcels")) << p.err;
    EXPECT_FALSE(fs::exists(out));
}

TEST(Bureau, EmptyZonesLayerIsAnInputError) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    const std::string zones = dir.path("zones.shp");
    sh("ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=GBK -t_srs EPSG:4490 -where '1 = 0' '" + zones +
       "' '" + base_city() + "' zones");
    const std::string plan =
        bureau_plan(dir, bureau_parcels(dir), "[inputs.zones]\nsource = \"" + zones + "\"\n");
    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 3) << v.out << v.err;
    EXPECT_TRUE(contains(v.out, "empty_layer")) << v.out;
}

// ---- case 5: checksums cover every file of a Shapefile ----------------------------------------

TEST(Bureau, InputChecksumsCoverEveryFileOfAShapefile) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    // Two deliveries whose .shp (and .shx, .prj, .cpg) are the same and whose .dbf differ.
    test::TempDir a, b;
    const std::string shp_a = bureau_parcels(a);
    const std::string shp_b = bureau_parcels(b);
    {
        GDALAllRegister();
        GDALDatasetUniquePtr ds(GDALDataset::Open(shp_b.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                                  nullptr, nullptr, nullptr));
        ASSERT_TRUE(ds);
        OGRLayer *l = ds->GetLayer(0);
        OGRFeatureUniquePtr f(l->GetFeature(0));
        ASSERT_TRUE(f);
        f->SetField("far_cap", f->GetFieldAsDouble("far_cap") + 0.5);
        ASSERT_EQ(l->SetFeature(f.get()), OGRERR_NONE);
    }
    EXPECT_EQ(gis::file_sha256(shp_a), gis::file_sha256(shp_b)); // the .shp alone: the same

    const std::vector<std::string> files = gis::dataset_files(shp_a, "parcels");
    std::vector<std::string> exts;
    for (const auto &f : files) {
        exts.push_back(fs::path(f).extension().string());
    }
    EXPECT_EQ(exts, (std::vector<std::string>{".cpg", ".dbf", ".prj", ".shp", ".shx"}));

    auto sums = [](const test::TempDir &dir, const std::string &shp) {
        const std::string out = dir.path("plan.gpkg");
        const auto r = test::run_cli({"plan", "--plan", bureau_plan(dir, shp), "--out", out,
                                      "--solver", "greedy", "--quiet"});
        EXPECT_TRUE(r.code == 0 || r.code == 6) << r.err;
        std::map<std::string, std::string> rows; // by the file's extension
        for (const auto &[k, v] : run_metadata(out)) {
            if (k.starts_with("input_sha256 ") && contains(k, dir.dir().string())) {
                rows[fs::path(k).extension().string()] = v;
            }
        }
        return rows;
    };
    const auto ra = sums(a, shp_a);
    const auto rb = sums(b, shp_b);
    ASSERT_EQ(ra.size(), 5u);
    EXPECT_EQ(ra.at(".shp"), rb.at(".shp"));
    EXPECT_NE(ra.at(".dbf"), rb.at(".dbf"));
    EXPECT_EQ(ra.at(".dbf"), gis::file_sha256(fs::path(shp_a).replace_extension(".dbf").string()));
}

// ---- case 10: a parcels layer in Web Mercator -------------------------------------------------

TEST(Bureau, WebMercatorParcelsAreNotTheWorkingCrsAndAreasStayTrue) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    const std::string shp = dir.path("parcels.shp");
    sh("ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=GBK -t_srs EPSG:3857 '" + shp + "' '" +
       base_city() + "' parcels");
    // The other layers geographic, as a bureau's GeoJSON and CGCS2000 layers often are.
    const std::string geo = dir.path("city4490.gpkg");
    sh("ogr2ogr -f GPKG -t_srs EPSG:4490 '" + geo + "' '" + base_city() + "'");
    const std::string plan = dir.path("plan.toml");
    test::write_file(plan, default_plan_text() + "\n[inputs]\nsource = \"" + geo +
                               "\"\n[inputs.parcels]\nsource = \"" + shp +
                               "\"\n[inputs.fields]\nland_source = \"land_sourc\"\n"
                               "allowed_types = \"allowed_ty\"\n");
    const LoadedCity c = load_city(make_input_spec(load_plan(plan), "", ""));
    EXPECT_EQ(c.city.crs, "EPSG:4549") << c.crs_note;
    EXPECT_TRUE(contains(c.crs_note, "EPSG:3857")) << c.crs_note;
    const LoadedCity ref = load_city(InputSpec::from_source(base_city()));
    ASSERT_EQ(c.city.parcels.size(), ref.city.parcels.size());
    for (std::size_t i = 0; i < c.city.parcels.size(); ++i) {
        EXPECT_NEAR(c.city.parcels[i].area_m2, ref.city.parcels[i].area_m2,
                    1e-3 * ref.city.parcels[i].area_m2)
            << c.city.parcels[i].id;
    }
    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 0) << v.out << v.err;
    EXPECT_TRUE(contains(v.out, "crs_unsuitable")) << v.out;
    EXPECT_TRUE(contains(v.out, "Mercator")) << v.out;
}

TEST(Bureau, StatedMercatorOrFarZoneWorkingCrsIsRefusedWithTheDataZone) {
    test::TempDir dir;
    for (const std::string crs : {"EPSG:3857", "EPSG:4538"}) { // Web Mercator; GK CM 87E
        SCOPED_TRACE(crs);
        const std::string plan = dir.path("plan.toml");
        test::write_file(plan, default_plan_text() + "\n[inputs]\nsource = \"" + base_city() +
                                   "\"\ncrs = \"" + crs + "\"\n");
        const auto v = test::run_cli({"validate", "--plan", plan});
        EXPECT_EQ(v.code, 3) << v.out << v.err;
        EXPECT_TRUE(contains(v.out, "crs_unsuitable")) << v.out;
        EXPECT_TRUE(contains(v.out, "crs = \"EPSG:4549\"")) << v.out; // the data's own zone
        const auto p =
            test::run_cli({"plan", "--plan", plan, "--out", dir.path("p.gpkg"), "--quiet"});
        EXPECT_EQ(p.code, 3) << p.err;
    }
}

// ---- case 3: distance columns of Chinese station modes -----------------------------------------

TEST(Bureau, ChineseStationModesGiveUniqueAsciiDistanceColumnsWithTheModeAsAlias) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    // The stations as WGS 84 GeoJSON with the bureau's modes: two words of equal length.
    const std::string gpkg = dir.path("stations.gpkg");
    sh("ogr2ogr -f GPKG '" + gpkg + "' '" + base_city() + "' stations");
    sh("ogrinfo -q '" + gpkg +
       "' -sql \"UPDATE stations SET mode = CASE WHEN fid % 2 = 0 THEN '地铁' ELSE '城际' END\"");
    const std::string gj = dir.path("stations.geojson");
    sh("ogr2ogr -f GeoJSON -t_srs EPSG:4326 '" + gj + "' '" + gpkg + "'");
    const std::string plan =
        bureau_plan(dir, bureau_parcels(dir), "[inputs.stations]\nsource = \"" + gj + "\"\n");
    const std::string out = dir.path("plan.gpkg");
    const auto r =
        test::run_cli({"plan", "--plan", plan, "--out", out, "--solver", "greedy", "--quiet"});
    ASSERT_TRUE(r.code == 0 || r.code == 6) << r.err;

    auto ds = test::open_vector(out);
    OGRLayer *l = ds->GetLayerByName("allocated_parcels");
    ASSERT_TRUE(l);
    OGRFeatureDefn *defn = l->GetLayerDefn();
    std::vector<int> dist;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const std::string name = defn->GetFieldDefn(i)->GetNameRef();
        for (const unsigned char c : name) {
            EXPECT_LT(c, 0x80) << "column name not ASCII: " << name;
        }
        if (name.starts_with("dist_") && name.ends_with("_m")) {
            dist.push_back(i);
        }
    }
    ASSERT_EQ(dist.size(), 2u); // one per mode: neither lost
    // The aliases, as the GeoPackage schema extension holds them (GDAL 3.6 does not read them).
    std::set<std::string> aliases;
    {
        OGRLayer *dc = ds->ExecuteSQL("SELECT column_name, name FROM gpkg_data_columns WHERE "
                                      "table_name = 'allocated_parcels'",
                                      nullptr, nullptr);
        ASSERT_TRUE(dc);
        for (auto &f : *dc) {
            const std::string column = f->GetFieldAsString(0);
            EXPECT_GE(defn->GetFieldIndex(column.c_str()), 0);
            if (column.starts_with("dist_")) {
                aliases.insert(f->GetFieldAsString(1));
            }
        }
        ds->ReleaseResultSet(dc);
    }
    EXPECT_EQ(aliases, (std::set<std::string>{"dist_地铁_m", "dist_城际_m"}));
    // Each parcel's nearest station of any mode is the nearer of the two columns.
    int differ = 0, rows = 0;
    for (auto &f : *l) {
        const double a = f->GetFieldAsDouble(dist[0]);
        const double b = f->GetFieldAsDouble(dist[1]);
        EXPECT_NEAR(std::min(a, b), f->GetFieldAsDouble("station_dist_m"), 0.5);
        differ += std::abs(a - b) > 1 ? 1 : 0;
        ++rows;
    }
    EXPECT_GT(rows, 0);
    EXPECT_GT(differ, 0);
    ds.reset();
    expect_valid_gpkg(out); // the aliases' schema extension is complete
}

// ---- case 7: typos in field and value names ---------------------------------------------------

TEST(Bureau, AMistypedMappedFieldIsAnErrorNamingTheFieldsPresent) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    const std::string plan = dir.path("plan.toml");
    test::write_file(plan, default_plan_text() + "\n[inputs]\nsource = \"" + base_city() +
                               "\"\n[inputs.parcels]\nsource = \"" + bureau_parcels(dir) +
                               "\"\n[inputs.fields]\nland_source = \"land_sourc\"\n"
                               "allowed_types = \"allowed_tp\"\n"); // the .dbf has allowed_ty
    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 3) << v.out << v.err;
    EXPECT_TRUE(contains(v.out, "mapped_field_missing")) << v.out;
    EXPECT_TRUE(contains(v.out, "'allowed_tp'")) << v.out;
    EXPECT_TRUE(contains(v.out, "allowed_ty")) << v.out; // among the fields present
}

TEST(Bureau, UnknownAllowedTypeCodesAndZoneClassKeysAreWarningsWithCounts) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    const std::string shp = bureau_parcels(dir);
    {
        GDALAllRegister();
        GDALDatasetUniquePtr ds(GDALDataset::Open(shp.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                                  nullptr, nullptr, nullptr));
        ASSERT_TRUE(ds);
        OGRLayer *l = ds->GetLayer(0);
        for (GIntBig fid : {0, 1, 2}) {
            OGRFeatureUniquePtr f(l->GetFeature(fid));
            ASSERT_TRUE(f);
            f->SetField("allowed_ty", "comercial");
            ASSERT_EQ(l->SetFeature(f.get()), OGRERR_NONE);
        }
    }
    const std::string plan = bureau_plan(dir, shp);
    test::write_file(plan, test::read_file(plan) + "\n[scoring.zone_class]\npriority_expanson = "
                                                   "1.0\n");
    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 0) << v.out << v.err;
    EXPECT_TRUE(contains(v.out, "unmatched_value")) << v.out;
    EXPECT_TRUE(contains(v.out, "'comercial' 3")) << v.out;
    EXPECT_TRUE(contains(v.out, "[scoring.zone_class] key 'priority_expanson' matches no zone"))
        << v.out;
}

TEST(Bureau, RealNanjingStationsIntercityModeAgainstTodIntercityRailIsAWarning) {
    const fs::path shared = fs::path(LANDALLOC_SOURCE_DIR) / ".." / "shared" / "data" / "real";
    if (!fs::exists(shared / "nanjing_stations.geojson")) {
        GTEST_SKIP() << "real Nanjing data not found at " << shared.string();
    }
    std::string text =
        test::read_file(std::string(LANDALLOC_SOURCE_DIR) + "/examples/nanjing-real.toml");
    for (std::size_t at; (at = text.find("../../shared/data/real")) != std::string::npos;) {
        text.replace(at, std::string("../../shared/data/real").size(), shared.string());
    }
    test::TempDir dir;
    const std::string plan = dir.path("nanjing-tod.toml");
    test::write_file(plan, text + "\n[rules.tod]\n"); // the default TOD modes
    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 0) << v.out << v.err;
    EXPECT_TRUE(contains(v.out, "[rules.tod] mode 'intercity_rail' matches no station")) << v.out;
    EXPECT_TRUE(contains(v.out, "'intercity' ")) << v.out;
}

// ---- cases 4 and 6: real Wenzhou districts ------------------------------------------------------

namespace {

fs::path real_data() { return fs::path(LANDALLOC_SOURCE_DIR) / ".." / "shared" / "data" / "real"; }

OGRSpatialReference srs_of(int epsg) {
    OGRSpatialReference s;
    s.importFromEPSG(epsg);
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

/// A real Wenzhou district (by adcode) in EPSG:4549, read with plain OGR.
OGRGeometryUniquePtr wenzhou_district(int adcode) {
    auto ds = test::open_vector((real_data() / "wenzhou_districts.geojson").string());
    OGRLayer *l = ds->GetLayer(0);
    OGRSpatialReference gk = srs_of(4549);
    for (auto &f : *l) {
        if (f->GetFieldAsInteger("adcode") == adcode) {
            OGRGeometryUniquePtr g(f->GetGeometryRef()->clone());
            g->transformTo(&gk);
            return g;
        }
    }
    return nullptr;
}

std::unique_ptr<OGRPolygon> square(double x, double y, double half) {
    auto ring = std::make_unique<OGRLinearRing>();
    ring->addPoint(x - half, y - half);
    ring->addPoint(x + half, y - half);
    ring->addPoint(x + half, y + half);
    ring->addPoint(x - half, y + half);
    ring->addPoint(x - half, y - half);
    auto poly = std::make_unique<OGRPolygon>();
    poly->addRingDirectly(ring.release());
    return poly;
}

OGRPoint point_on_surface(const OGRGeometry &g) {
    OGRGeometryH h = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry *>(&g)));
    OGRPoint p = *OGRGeometry::FromHandle(h)->toPoint();
    OGR_G_DestroyGeometry(h);
    return p;
}

double area_of(const OGRGeometry &g) {
    return OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry *>(&g)));
}

/// The bureau's Wenzhou delivery in `dir`: zones = the real districts as a GeoPackage in
/// EPSG:4549 with Chinese field names (layer 区县); stations and parks empty; the parcels
/// `parcels` (id, polygon in EPSG:4549) as a GBK Shapefile 地块.shp in EPSG:4490 with the
/// bureau's field names (DKBH, GYNF, RJL). Returns the [inputs] text of a plan file.
std::string wenzhou_delivery(const test::TempDir &dir,
                             const std::vector<std::pair<std::string, const OGRPolygon *>> &parcels,
                             int first_year) {
    const std::string zones = dir.path("zones.gpkg");
    sh("ogr2ogr -f GPKG -t_srs EPSG:4549 -nln 区县 '" + zones + "' '" +
       (real_data() / "wenzhou_districts.geojson").string() +
       "' -dialect SQLite -sql \"SELECT CAST(adcode AS TEXT) AS '区划代码', name AS '名称', 100000 "
       "AS '人口', 50000 AS '就业', 40000 AS '住宅', geometry FROM wenzhou_districts\"");
    const std::string empty = dir.path("empty.gpkg");
    sh("ogr2ogr -f GPKG -where '1 = 0' '" + empty + "' '" + base_city() + "' stations parks");
    const std::string shp = dir.path("地块.shp");
    GDALAllRegister();
    GDALDriver *drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GDALDatasetUniquePtr ds(drv->Create(shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    EXPECT_TRUE(ds);
    OGRSpatialReference cgcs = srs_of(4490);
    OGRSpatialReference gk = srs_of(4549);
    const char *opts[] = {"ENCODING=GBK", nullptr};
    OGRLayer *l = ds->CreateLayer("地块", &cgcs, wkbPolygon, const_cast<char **>(opts));
    EXPECT_TRUE(l);
    for (const char *name : {"DKBH", "GYNF", "RJL"}) {
        OGRFieldDefn fd(name, std::string(name) == "DKBH" ? OFTString : OFTReal);
        EXPECT_EQ(l->CreateField(&fd), OGRERR_NONE);
    }
    for (const auto &[id, poly] : parcels) {
        OGRFeatureUniquePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        f->SetField("DKBH", id.c_str());
        f->SetField("GYNF", static_cast<double>(first_year));
        f->SetField("RJL", 2.5);
        OGRGeometryUniquePtr g(poly->clone());
        g->assignSpatialReference(&gk);
        EXPECT_EQ(g->transformTo(&cgcs), OGRERR_NONE);
        f->SetGeometry(g.get());
        EXPECT_EQ(l->CreateFeature(f.get()), OGRERR_NONE);
    }
    ds.reset();
    EXPECT_TRUE(fs::exists(dir.path("地块.cpg")));
    return "[inputs.zones]\nsource = \"" + zones +
           "\"\nlayer = \"区县\"\n[inputs.stations]\n"
           "source = \"" +
           empty + "\"\n[inputs.parks]\nsource = \"" + empty + "\"\n[inputs.parcels]\nsource = \"" +
           shp +
           "\"\nlayer = \"地块\"\n[inputs.fields]\nzone_id = \"区划代码\"\nzone_name = "
           "\"名称\"\npopulation = "
           "\"人口\"\njobs = \"就业\"\ndwellings = \"住宅\"\nparcel_id = \"DKBH\"\n"
           "first_year = \"GYNF\"\nfar_cap = \"RJL\"\n";
}

} // namespace

TEST(Bureau, AParcelStraddlingTwoRealDistrictsGoesToTheMajorityWithAFinding) {
    if (!fs::exists(real_data() / "wenzhou_districts.geojson") || !have_ogr2ogr()) {
        GTEST_SKIP() << "real Wenzhou data not found at " << real_data().string()
                     << " or no ogr2ogr";
    }
    test::TempDir dir;
    // A 400 m square on the boundary of 鹿城区 (330302) and 瓯海区 (330304), and one inside 鹿城区.
    const auto a = wenzhou_district(330302);
    const auto b = wenzhou_district(330304);
    ASSERT_TRUE(a && b);
    OGRGeometryUniquePtr edge(a->Boundary());
    OGRGeometryUniquePtr near_b(b->Buffer(5));
    OGRGeometryUniquePtr shared_edge(edge->Intersection(near_b.get()));
    ASSERT_TRUE(shared_edge && !shared_edge->IsEmpty());
    const OGRLineString *longest = nullptr;
    auto consider = [&](const OGRGeometry *g) {
        if (wkbFlatten(g->getGeometryType()) == wkbLineString) {
            const auto *ls = g->toLineString();
            if (!longest || ls->get_Length() > longest->get_Length()) {
                longest = ls;
            }
        }
    };
    if (OGR_GT_IsSubClassOf(wkbFlatten(shared_edge->getGeometryType()), wkbGeometryCollection)) {
        for (const auto *g : *shared_edge->toGeometryCollection()) {
            consider(g);
        }
    } else {
        consider(shared_edge.get());
    }
    ASSERT_TRUE(longest);
    OGRPoint mid;
    longest->Value(longest->get_Length() / 2, &mid);
    const auto straddling = square(mid.getX(), mid.getY(), 200);
    const OGRPoint inside = point_on_surface(*a);
    const auto wholly = square(inside.getX(), inside.getY(), 50);
    // The share each district holds, recomputed here.
    OGRGeometryUniquePtr in_a(straddling->Intersection(a.get()));
    OGRGeometryUniquePtr in_b(straddling->Intersection(b.get()));
    const double area = straddling->get_Area();
    const double aa = area_of(*in_a), ab = area_of(*in_b);
    ASSERT_GT(aa + ab, 0.95 * area);
    const std::string majority = aa >= ab ? "330302" : "330304";
    const int outside_pct = static_cast<int>(std::lround(100 * (1 - std::max(aa, ab) / area)));
    ASSERT_GT(outside_pct, 20);

    const std::string inputs = wenzhou_delivery(
        dir, {{"温鹿瓯-跨界01", straddling.get()}, {"温鹿-02", wholly.get()}}, 2022);
    const std::string plan = dir.path("plan.toml");
    test::write_file(plan, default_plan_text() + "\n[inputs]\nconstraints = []\n" + inputs);
    const LoadedCity c = load_city(make_input_spec(load_plan(plan), "", ""));
    ASSERT_EQ(c.city.parcels.size(), 2u);
    for (const Parcel &p : c.city.parcels) {
        ASSERT_NE(p.zone, k_none) << p.id;
        EXPECT_EQ(c.city.zones[static_cast<std::size_t>(p.zone)].id,
                  p.id == "温鹿瓯-跨界01" ? majority : std::string("330302"))
            << p.id;
    }
    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 0) << v.out << v.err;
    EXPECT_TRUE(
        contains(v.out, "parcel 温鹿瓯-跨界01 straddles zones: " + std::to_string(outside_pct) +
                            " % of its area lies outside zone " + majority))
        << v.out;
    EXPECT_FALSE(contains(v.out, "温鹿-02 straddles")) << v.out;
}

TEST(Bureau, AZoneRestrictedTargetsDiagnosisCitesOnlyItsZonesAndTheHorizonTotal) {
    if (!fs::exists(real_data() / "wenzhou_districts.geojson") || !have_ogr2ogr()) {
        GTEST_SKIP() << "real Wenzhou data not found at " << real_data().string()
                     << " or no ogr2ogr";
    }
    test::TempDir dir;
    // Four 1-ha parcels in 鹿城区 (330302), two of them under a red line; none in 洞头区 (330305).
    const auto a = wenzhou_district(330302);
    ASSERT_TRUE(a);
    const OGRPoint p0 = point_on_surface(*a);
    std::vector<std::unique_ptr<OGRPolygon>> squares;
    std::vector<std::pair<std::string, const OGRPolygon *>> parcels;
    for (int k = 0; k < 4; ++k) {
        squares.push_back(square(p0.getX() + 150.0 * k, p0.getY(), 50));
        parcels.emplace_back("鹿-" + std::to_string(k + 1), squares.back().get());
    }
    for (const auto &sq : squares) {
        OGRGeometryUniquePtr in(sq->Intersection(a.get()));
        ASSERT_NEAR(area_of(*in), 10000, 1) << "a parcel outside 鹿城区";
    }
    const std::string inputs = wenzhou_delivery(dir, parcels, 2021);
    // The red line as FlatGeobuf: a box over the first two parcels.
    const std::string fgb = dir.path("红线.fgb");
    {
        GDALAllRegister();
        GDALDriver *drv = GetGDALDriverManager()->GetDriverByName("FlatGeobuf");
        GDALDatasetUniquePtr ds(drv->Create(fgb.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        ASSERT_TRUE(ds);
        OGRSpatialReference gk = srs_of(4549);
        OGRLayer *l = ds->CreateLayer("红线", &gk, wkbPolygon, nullptr);
        ASSERT_TRUE(l);
        for (const char *name : {"kind", "effect"}) {
            OGRFieldDefn fd(name, OFTString);
            ASSERT_EQ(l->CreateField(&fd), OGRERR_NONE);
        }
        OGRFeatureUniquePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        f->SetField("kind", "ecological_red_line");
        f->SetField("effect", "exclude");
        const auto box = square(p0.getX() + 75, p0.getY(), 130);
        f->SetGeometry(box.get());
        ASSERT_EQ(l->CreateFeature(f.get()), OGRERR_NONE);
    }
    const std::string plan = dir.path("plan.toml");
    test::write_file(plan, R"([plan]
name = "Wenzhou bureau"
first_year = 2021
last_year = 2022

[housing_types.commercial]
unit_m2 = 100.0

[[targets]]
type = "commercial"
unit = "ha"
values = [5.0, 5.0]
zones = ["330305"]

[inputs]
constraints = [{source = ")" + fgb +
                               R"(", layer = "红线"}]
)" + inputs);
    const std::string out = dir.path("plan.gpkg");
    const auto r = test::run_cli({"plan", "--plan", plan, "--out", out, "--quiet"});
    ASSERT_EQ(r.code, 6) << r.err << r.out;
    // The notes, read from the plan's annual_plan table.
    auto ds = test::open_vector(out);
    OGRLayer *annual = ds->GetLayerByName("annual_plan");
    ASSERT_TRUE(annual);
    int rows = 0;
    for (auto &f : *annual) {
        const std::string note = f->GetFieldAsString("note");
        EXPECT_TRUE(contains(note, "the target's zones (330305) hold no candidate parcel")) << note;
        EXPECT_FALSE(contains(note, "excluded by")) << note;
        ++rows;
    }
    EXPECT_EQ(rows, 2);
    // 10 ha asked, and no land in 洞头区 is eligible for it: the horizon line.
    const auto meta = run_metadata(out);
    ASSERT_TRUE(meta.contains("horizon_shortfall"));
    EXPECT_EQ(meta.at("horizon_shortfall"),
              "horizon: 10 ha asked, 0 ha eligible over 2021-2022: the eligible land cannot meet "
              "the targets");
    EXPECT_TRUE(contains(meta.at("status"), "horizon: 10 ha asked, 0 ha eligible"))
        << meta.at("status");
}

// ---- cases 1 and 2: encodings ---------------------------------------------------------------

namespace {

/// Sets a .dbf's language driver id (LDID, byte 29) to 0: "no encoding declared".
void clear_ldid(const std::string &dbf) {
    std::FILE *f = std::fopen(dbf.c_str(), "r+b");
    ASSERT_TRUE(f) << dbf;
    std::fseek(f, 29, SEEK_SET);
    std::fputc(0, f);
    std::fclose(f);
}

bool valid_utf8(const std::string &s) { return CPLIsUTF8(s.c_str(), static_cast<int>(s.size())); }

} // namespace

TEST(Bureau, AGbkShapefileDeclaringNoEncodingIsDetectedAndWrittenAsUtf8) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    // The zones (Chinese names) as a GBK Shapefile with no .cpg and LDID 0, no encoding key.
    const std::string zones = dir.path("zones.shp");
    sh("ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=GBK '" + zones + "' '" + base_city() + "' zones");
    fs::remove(dir.path("zones.cpg"));
    clear_ldid(dir.path("zones.dbf"));
    // (Its destock_months, cut to destock_mo, is left unmapped: an optional field.)
    const std::string plan =
        bureau_plan(dir, bureau_parcels(dir), "[inputs.zones]\nsource = \"" + zones + "\"\n");

    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 0) << v.out << v.err;
    EXPECT_TRUE(contains(v.out, "encoding_detected")) << v.out;
    EXPECT_TRUE(contains(v.out, "read as GB18030")) << v.out;
    EXPECT_TRUE(contains(v.out, "zones.shp")) << v.out;

    const LoadedCity ref = load_city(InputSpec::from_source(base_city()));
    const LoadedCity c = load_city(make_input_spec(load_plan(plan), "", ""));
    ASSERT_EQ(c.city.zones.size(), ref.city.zones.size());
    for (std::size_t i = 0; i < c.city.zones.size(); ++i) {
        EXPECT_EQ(c.city.zones[i].name, ref.city.zones[i].name);
    }
    const std::string out = dir.path("plan.gpkg");
    const auto r =
        test::run_cli({"plan", "--plan", plan, "--out", out, "--solver", "greedy", "--quiet"});
    ASSERT_TRUE(r.code == 0 || r.code == 6) << r.err;
    auto ds = test::open_vector(out);
    OGRLayer *zl = ds->GetLayerByName("zones");
    ASSERT_TRUE(zl);
    std::set<std::string> names;
    for (auto &f : *zl) {
        const std::string name = f->GetFieldAsString("zone_name");
        EXPECT_TRUE(valid_utf8(name)) << name;
        names.insert(name);
    }
    EXPECT_TRUE(names.contains("老城区"));
}

TEST(Bureau, APlanWideEncodingDoesNotOverrideAUtf8LayersOwnCpg) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    // The parcels GBK without .cpg (the plan-wide encoding is for them); the stations UTF-8
    // with their .cpg, as GDAL writes them.
    const std::string parcels = bureau_parcels(dir);
    fs::remove(dir.path("parcels.cpg"));
    clear_ldid(dir.path("parcels.dbf"));
    const std::string stations = dir.path("stations.shp");
    sh("ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=UTF-8 '" + stations + "' '" + base_city() +
       "' stations");
    ASSERT_TRUE(fs::exists(dir.path("stations.cpg")));
    const std::string plan = bureau_plan(
        dir, parcels, "encoding = \"GBK\"\n[inputs.stations]\nsource = \"" + stations + "\"\n");
    const LoadedCity ref = load_city(InputSpec::from_source(base_city()));
    const LoadedCity c = load_city(make_input_spec(load_plan(plan), "", ""));
    ASSERT_EQ(c.city.stations.size(), ref.city.stations.size());
    for (std::size_t i = 0; i < c.city.stations.size(); ++i) {
        EXPECT_EQ(c.city.stations[i].name, ref.city.stations[i].name);
        EXPECT_EQ(c.city.stations[i].mode, ref.city.stations[i].mode);
    }
    // A layer's own encoding still overrides its .cpg.
    InputSpec spec = make_input_spec(load_plan(plan), "", "");
    spec.stations.encoding = "GBK";
    spec.stations.encoding_plan_wide = false;
    const LoadedCity forced = load_city(spec);
    bool any_differs = false;
    for (std::size_t i = 0; i < forced.city.stations.size(); ++i) {
        any_differs |= forced.city.stations[i].name != ref.city.stations[i].name;
    }
    EXPECT_TRUE(any_differs);
}

// ---- case 8: the bureau's values mapped to the tool's codes -----------------------------------

namespace {

/// The allocated parcels of a plan GeoPackage, "id year type" in id order (plain OGR).
std::vector<std::string> allocations(const std::string &gpkg) {
    auto ds = test::open_vector(gpkg);
    OGRLayer *l = ds->ExecuteSQL("SELECT parcel_id, year, housing_type FROM allocated_parcels "
                                 "ORDER BY parcel_id",
                                 nullptr, nullptr);
    std::vector<std::string> out;
    for (auto &f : *l) {
        out.push_back(std::string(f->GetFieldAsString(0)) + " " +
                      std::to_string(f->GetFieldAsInteger(1)) + " " + f->GetFieldAsString(2));
    }
    ds->ReleaseResultSet(l);
    return out;
}

} // namespace

// The red lines come as a FlatGeobuf with no effect field at all (the whole layer excludes:
// `set = { effect = "exclude" }`), the height caps as another whose 管制类型 says 限制建设
// ([inputs.values.effect]), and the station modes in Chinese (城际, 地铁 mapped to the tool's
// codes). The plan is the one of the same city with English codes; a value the map lacks is an
// unmapped_value warning with its count, then the effect check's error.
TEST(Bureau, ValueMapsAndLayerConstantsTurnTheBureausValuesIntoTheToolsCodes) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    const std::string redlines = dir.path("redlines.fgb");
    const std::string caps = dir.path("caps.fgb");
    sh("ogr2ogr -f FlatGeobuf -lco SPATIAL_INDEX=NO '" + redlines + "' '" + base_city() +
       "' -sql \"SELECT id, kind, geom FROM constraints WHERE effect = 'exclude'\" -nln redlines");
    sh("ogr2ogr -f FlatGeobuf -lco SPATIAL_INDEX=NO '" + caps + "' '" + base_city() +
       "' -sql \"SELECT id, kind, '限制建设' AS 管制类型, max_far, geom FROM constraints WHERE "
       "effect = 'cap'\" -nln caps");
    const std::string stations = dir.path("stations.gpkg");
    sh("ogr2ogr -f GPKG '" + stations + "' '" + base_city() +
       "' -sql \"SELECT id, name, CASE mode WHEN 'metro' THEN '地铁' ELSE '城际' END AS mode, "
       "line, opening_year, geom FROM stations\" -nln stations");
    const auto modes = test::run_process("ogrinfo -ro -q '" + base_city() +
                                         "' -sql \"SELECT DISTINCT mode FROM stations\"");
    ASSERT_TRUE(contains(modes.out, "metro")) << modes.out;

    const std::string parcels = bureau_parcels(dir);
    const std::string reference = dir.path("reference.gpkg");
    auto r = test::run_cli({"plan", "--plan", bureau_plan(dir, parcels), "--out", reference,
                            "--solver", "greedy", "--quiet"});
    ASSERT_TRUE(r.code == 0 || r.code == 6) << r.err;

    const auto bureau = [&](const std::string &effect_map) {
        return bureau_plan(
            dir, parcels,
            "[[inputs.constraints]]\nsource = \"" + redlines +
                "\"\nlayer = \"redlines\"\nset = { effect = \"exclude\" }\n"
                "[[inputs.constraints]]\nsource = \"" +
                caps +
                "\"\nlayer = \"caps\"\n"
                "[inputs.stations]\nsource = \"" +
                stations +
                "\"\n"
                "[inputs.values.effect]\n" +
                effect_map +
                "\n"
                "[inputs.values.mode]\n\"地铁\" = \"metro\"\n\"城际\" = \"intercity_rail\"\n");
    };
    // [inputs.fields] comes last in bureau_plan's file: the caps' effect field is 管制类型.
    const auto with_effect_field = [&](const std::string &plan) {
        test::write_file(plan, test::read_file(plan) + "effect = \"管制类型\"\n");
        return plan;
    };
    const std::string plan =
        with_effect_field(bureau("\"禁止建设\" = \"exclude\"\n\"限制建设\" = \"cap\""));
    r = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_FALSE(contains(r.out, "bad_value")) << r.out;
    EXPECT_TRUE(contains(r.out, "constant_value")) << r.out;
    const std::string out = dir.path("bureau.gpkg");
    r = test::run_cli({"plan", "--plan", plan, "--out", out, "--solver", "greedy", "--quiet"});
    ASSERT_TRUE(r.code == 0 || r.code == 6) << r.err;
    EXPECT_FALSE(allocations(out).empty());
    EXPECT_EQ(allocations(out), allocations(reference))
        << "the mapped values must give the plan of the English codes";

    // 限制建设 left out of the map: a warning naming it and its count, then the effect's error.
    const std::string bad = with_effect_field(bureau("\"禁止建设\" = \"exclude\""));
    r = test::run_cli({"validate", "--plan", bad});
    EXPECT_EQ(r.code, 3) << r.out;
    EXPECT_TRUE(contains(r.out, "warning unmapped_value: 1")) << r.out;
    EXPECT_TRUE(contains(r.out, "'限制建设' (")) << r.out;
    EXPECT_TRUE(contains(r.out, "is not in [inputs.values.effect]")) << r.out;
    EXPECT_TRUE(contains(r.out, "error bad_value")) << r.out;
}

// ---- case 9 (deliverable 5): findings an analyst can act on ---------------------------------

TEST(Bureau, FindingsNameTheBureausIdAndLieOnTheMapWithEveryErrorListedOnRequest) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    // The parcels keyed by the bureau's 地块编号 DKBH, two of them with a negative plot-ratio cap.
    const std::string shp = dir.path("parcels.shp");
    sh("ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=GBK -t_srs EPSG:4490 -nln parcels -dialect "
       "sqlite -sql \"SELECT geom, 'DK-' || id AS DKBH, land_source, first_year, CASE WHEN id IN "
       "('P000003', 'P000007') THEN -1 ELSE far_cap END AS far_cap, allowed_types FROM parcels\" "
       "'" +
       shp + "' '" + base_city() + "'");
    const std::string plan = dir.path("plan.toml");
    test::write_file(plan, default_plan_text() + "\n[inputs]\nsource = \"" + base_city() +
                               "\"\n[inputs.parcels]\nsource = \"" + shp +
                               "\"\n[inputs.fields]\nparcel_id = \"DKBH\"\n"
                               "land_source = \"land_sourc\"\nallowed_types = \"allowed_ty\"\n");

    // By default one line: the count, where to see them all, and the first by the bureau's id.
    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 3) << v.out << v.err;
    EXPECT_EQ(std::count(v.err.begin(), v.err.end(), '\n'), 1) << v.err;
    EXPECT_TRUE(contains(v.err, "input error: 2 errors (--max-errors 0 lists every one)")) << v.err;
    EXPECT_TRUE(contains(v.err, "(DKBH DK-P000003), field 'far_cap'")) << v.err;
    EXPECT_TRUE(contains(v.out, "(DKBH DK-P000007), field 'far_cap'")) << v.out;
    // --max-errors 0: every error, each on a line of its own.
    const auto all = test::run_cli({"validate", "--plan", plan, "--max-errors", "0"});
    EXPECT_EQ(all.code, 3);
    EXPECT_EQ(std::count(all.err.begin(), all.err.end(), '\n'), 2) << all.err;
    EXPECT_FALSE(contains(all.err, "--max-errors 0 lists")) << all.err;
    EXPECT_TRUE(contains(all.err, "input error (2 of 2): ")) << all.err;
    EXPECT_TRUE(contains(all.err, "(DKBH DK-P000007)")) << all.err;
    // plan stops at the first error and says how many more there are.
    const auto p = test::run_cli({"plan", "--plan", plan, "--out", dir.path("plan.gpkg")});
    EXPECT_EQ(p.code, 3);
    EXPECT_TRUE(contains(p.err, "(DKBH DK-P000003)")) << p.err;
    EXPECT_TRUE(
        contains(p.err, "(1 more error: landalloc validate --max-errors 0 lists every one)"))
        << p.err;

    // The findings GeoPackage: the two errors in finding_areas with the bureau's id and the
    // parcel's own shape (the base city's parcel, reprojected from EPSG:4490 and back).
    const std::string findings = dir.path("findings.gpkg");
    ASSERT_EQ(test::run_cli({"validate", "--plan", plan, "--out", findings}).code, 3);
    const gis::LayerData base = gis::read_layer(base_city(), "parcels");
    std::map<std::string, double> base_area;
    for (const auto &f : base.features) {
        base_area["DK-" + std::get<std::string>(f.values[0])] = f.geometry.area();
    }
    auto ds = test::open_vector(findings);
    OGRLayer *areas = ds->GetLayerByName("finding_areas");
    ASSERT_TRUE(areas);
    EXPECT_TRUE(areas->GetSpatialRef()->IsProjected());
    std::set<std::string> errors;
    for (auto &f : *areas) {
        if (std::string(f->GetFieldAsString("severity")) != "error") {
            continue;
        }
        const std::string key = f->GetFieldAsString("feature_key");
        errors.insert(key);
        EXPECT_STREQ(f->GetFieldAsString("code"), "out_of_range");
        EXPECT_STREQ(f->GetFieldAsString("key_field"), "DKBH");
        EXPECT_STREQ(f->GetFieldAsString("field"), "far_cap");
        EXPECT_STREQ(f->GetFieldAsString("layer"), "parcels");
        ASSERT_TRUE(base_area.contains(key)) << key;
        EXPECT_NEAR(area_of(*f->GetGeometryRef()), base_area.at(key), 1e-3 * base_area.at(key))
            << key;
    }
    EXPECT_EQ(errors, (std::set<std::string>{"DK-P000003", "DK-P000007"}));
    // Styled for QGIS: by severity, labelled with the bureau's id.
    OGRLayer *styles = ds->GetLayerByName("layer_styles");
    ASSERT_TRUE(styles);
    int styled = 0;
    for (auto &f : *styles) {
        if (std::string(f->GetFieldAsString("f_table_name")) == "finding_areas") {
            ++styled;
            const std::string qml = f->GetFieldAsString("styleQML");
            EXPECT_TRUE(contains(qml, "attr=\"severity\"")) << qml;
            EXPECT_TRUE(contains(qml, "value=\"error\"")) << qml;
            EXPECT_TRUE(contains(qml, "fieldName=\"feature_key\"")) << qml;
            EXPECT_EQ(f->GetFieldAsInteger("useAsDefault"), 1);
        }
    }
    EXPECT_EQ(styled, 1);
    expect_valid_gpkg(findings);
}
