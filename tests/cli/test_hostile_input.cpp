// Hostile and damaged input (issue 17): each case a reliability probe found silent, crashing,
// hanging or reported as an internal error is now a one-line error naming the file, layer,
// feature and field, with its documented exit code, and nothing written.

#include "ogr_util.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <sys/stat.h>

#include <ogrsf_frmts.h>

using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {

std::string synth_city(const TempDir &dir, const std::string &parcels) {
    const std::string path = dir.path("city.gpkg");
    const auto r = run_cli({"synth", "--out", path, "--parcels", parcels, "--quiet"});
    EXPECT_EQ(r.code, 0) << r.err;
    return path;
}

std::uint32_t be32(const std::string &b, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

std::uint32_t be16(const std::string &b, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1]));
}

/// Overwrites one leaf page of `table`'s b-tree in the SQLite file `path` (the middle child at
/// each level), as a damaged disk or a broken copy would: GDAL reads the rows before it, then
/// fails.
void corrupt_a_data_page(const std::string &path, const std::string &table) {
    std::uint32_t page = 0;
    {
        auto ds = open_vector(path);
        OGRLayer *rs = ds->ExecuteSQL(
            ("SELECT rootpage FROM sqlite_master WHERE name = '" + table + "'").c_str(), nullptr,
            "SQLITE");
        ASSERT_NE(rs, nullptr);
        OGRFeatureUniquePtr f(rs->GetNextFeature());
        ASSERT_NE(f, nullptr);
        page = static_cast<std::uint32_t>(f->GetFieldAsInteger(0));
        ds->ReleaseResultSet(rs);
    }
    std::string bytes = read_file(path);
    std::size_t page_size = be16(bytes, 16);
    page_size = page_size == 1 ? 65536 : page_size;
    for (;;) {
        const std::size_t offset = (page - 1) * page_size;
        const std::size_t header = offset + (page == 1 ? 100 : 0);
        const auto type = static_cast<unsigned char>(bytes[header]);
        if (type == 0x0d) { // a table leaf
            break;
        }
        ASSERT_EQ(type, 0x05) << "not a table b-tree page";
        const std::uint32_t cells = be16(bytes, header + 3);
        const std::uint32_t cell = be16(bytes, header + 12 + 2 * (cells / 2));
        page = be32(bytes, offset + cell);
    }
    std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>((page - 1) * page_size), page_size,
                '\x55');
    write_file(path, bytes);
}

/// A GeoPackage holding a parcels layer (no spatial index) of three good parcels and the
/// polygons of `bad` (WKT is not enough: OGR's objects can hold NaN and unclosed rings).
void write_parcels(const std::string &path, const std::vector<OGRPolygon> &bad) {
    GDALAllRegister();
    GDALDriver *drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_NE(ds, nullptr);
    OGRSpatialReference srs;
    srs.importFromEPSG(4549);
    const char *options[] = {"SPATIAL_INDEX=NO", nullptr};
    OGRLayer *layer = ds->CreateLayer("parcels", &srs, wkbPolygon, const_cast<char **>(options));
    ASSERT_NE(layer, nullptr);
    for (const char *name : {"id", "land_source", "allowed_types"}) {
        OGRFieldDefn fd(name, OFTString);
        layer->CreateField(&fd);
    }
    for (const char *name : {"first_year"}) {
        OGRFieldDefn fd(name, OFTInteger);
        layer->CreateField(&fd);
    }
    OGRFieldDefn far("far_cap", OFTReal);
    layer->CreateField(&far);
    const auto add = [&](const std::string &id, OGRGeometry *g) {
        OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        f->SetField("id", id.c_str());
        f->SetField("land_source", "new_state");
        f->SetField("allowed_types", "all");
        f->SetField("first_year", 2021);
        f->SetField("far_cap", 2.5);
        f->SetGeometry(g);
        ASSERT_EQ(layer->CreateFeature(f.get()), OGRERR_NONE);
    };
    for (int i = 0; i < 3; ++i) {
        OGRLinearRing ring;
        const double x = 500000 + 200.0 * i;
        const double y = 3500000;
        ring.addPoint(x, y);
        ring.addPoint(x + 100, y);
        ring.addPoint(x + 100, y + 100);
        ring.addPoint(x, y + 100);
        ring.addPoint(x, y);
        OGRPolygon p;
        p.addRing(&ring);
        add("GOOD-" + std::to_string(i), &p);
    }
    for (std::size_t i = 0; i < bad.size(); ++i) {
        add("BAD-" + std::to_string(i), const_cast<OGRPolygon *>(&bad[i]));
    }
}

OGRPolygon polygon(const std::vector<std::pair<double, double>> &points) {
    OGRLinearRing ring;
    for (const auto &[x, y] : points) {
        ring.addPoint(x, y);
    }
    OGRPolygon p;
    p.addRing(&ring);
    return p;
}

} // namespace

// Item 1 and deliverable 4: a damaged page of the parcels table made GDAL stop after 1,492 of
// 3,000 parcels; landalloc dropped GDAL's error, `validate` said "usable" and `plan` exited 0.
TEST(HostileInput, ACorruptGeoPackagePageIsAnInputErrorNamingTheLayer) {
    TempDir dir;
    const std::string city = synth_city(dir, "3000");
    corrupt_a_data_page(city, "parcels");
    auto r = run_cli({"validate", city});
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("error read_failed: 1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(city + ", layer 'parcels': GDAL failed while reading it"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("database disk image is malformed"), std::string::npos) << r.out;
    const std::string out = dir.path("plan.gpkg");
    r = run_cli({"plan", city, "--out", out, "--solver", "greedy"});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("layer 'parcels'"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
}

// Item 7: an unclosed ring, NaN coordinates and a vertex at 1e308 gave exit 1 ("GEOS WKB read
// failed") with no layer or feature and stopped `validate` before its report. Each is now a
// bad_geometry error naming the layer and the feature, and validate reports every one.
TEST(HostileInput, MalformedGeometriesAreFindingsNamingTheFeature) {
    TempDir dir;
    const std::string city = synth_city(dir, "300");
    const std::string parcels = dir.path("parcels.gpkg");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    write_parcels(
        parcels,
        {polygon({{500000, 3501000},
                  {500100, 3501000},
                  {500100, 3501100},
                  {500000, 3501100}}), // not closed
         polygon({{500000, 3502000}, {nan, 3502000}, {500100, 3502100}, {500000, 3502000}}),
         polygon({{500000, 3503000}, {1e308, 3503000}, {500100, 3503100}, {500000, 3503000}})});
    const std::string plan = dir.path("plan.toml");
    write_file(plan, run_cli({"default-plan"}).out + "\n[inputs]\nsource = \"" + city +
                         "\"\nparcels = { source = \"" + parcels + "\", layer = \"parcels\" }\n");
    const auto r = run_cli({"validate", "--plan", plan});
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("error bad_geometry: 3"), std::string::npos) << r.out;
    EXPECT_NE(
        r.out.find(parcels + ", layer 'parcels', feature 4 (id BAD-0): the geometry is malformed"),
        std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("feature 5 (id BAD-1): a vertex has the coordinate nan (not a number)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(
        r.out.find("feature 6 (id BAD-2): a vertex has the coordinate 1e+308 (beyond any map)"),
        std::string::npos)
        << r.out;
}

// Items 5 and 7, deliverable 5: an input must be a regular file (or a database); a FIFO blocked
// forever, a symbolic link loop and an over-long name gave exit 1.
TEST(HostileInput, AFifoALinkLoopAndAnOverlongNameAreInputErrors) {
    TempDir dir;
    const std::string fifo = dir.path("fifo.gpkg");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    auto r = run_cli({"plan", fifo, "--out", dir.path("a.gpkg")});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find(fifo + ": is not a regular file"), std::string::npos) << r.err;
    const std::string loop = dir.path("loop.gpkg");
    fs::create_symlink(loop, loop);
    r = run_cli({"validate", loop});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.out.find(loop + ": cannot be opened (Too many levels of symbolic links)"),
              std::string::npos)
        << r.out;
    const std::string long_name = dir.path(std::string(300, 'a') + ".gpkg");
    r = run_cli({"plan", long_name, "--out", dir.path("b.gpkg")});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("(File name too long)"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.path("a.gpkg")));
    EXPECT_FALSE(fs::exists(dir.path("b.gpkg")));
}

// Item 5, deliverable 5: the plan file is a regular file of at most 10 MB (/dev/zero had no
// end).
TEST(HostileInput, APlanFileIsARegularFileOfAtMostTenMegabytes) {
    TempDir dir;
    auto r = run_cli({"validate", "--plan", "/dev/zero"});
    EXPECT_EQ(r.code, 4) << r.err;
    EXPECT_NE(r.err.find("/dev/zero: the plan file is not a regular file"), std::string::npos)
        << r.err;
    const std::string big = dir.path("big.toml");
    write_file(big, run_cli({"default-plan"}).out + "\n#" + std::string(10u << 20, 'x') + "\n");
    r = run_cli({"validate", "--plan", big});
    EXPECT_EQ(r.code, 4) << r.err;
    EXPECT_NE(r.err.find(big + ": the plan file is larger than 10 MB"), std::string::npos) << r.err;
}

// Item 3: a target of 1e100 aborted in Clp (SIGABRT); item 9: a working CRS in degrees gave
// exit 2. Both are plan-file errors (exit 4) naming the line and key.
TEST(HostileInput, AnAbsurdTargetAndAGeographicWorkingCrsArePlanFileErrors) {
    TempDir dir;
    const std::string city = synth_city(dir, "300");
    const std::string plan = dir.path("plan.toml");
    std::string text = run_cli({"default-plan"}).out;
    const std::string values = "values = [17.0, 18.0, 19.0, 20.5, 21.5]";
    const std::size_t at = text.find(values);
    ASSERT_NE(at, std::string::npos) << "the default plan's first target changed: update this";
    text.replace(at, values.size(), "values = [1e100, 18.0, 19.0, 20.5, 21.5]");
    write_file(plan, text);
    auto r = run_cli({"plan", city, "--plan", plan, "--out", dir.path("a.gpkg")});
    EXPECT_EQ(r.code, 4) << r.err;
    EXPECT_NE(r.err.find("values': each value must be a number from 0 to 1e12"), std::string::npos)
        << r.err;
    write_file(plan, run_cli({"default-plan"}).out + "\n[inputs]\ncrs = \"EPSG:4326\"\n");
    r = run_cli({"plan", city, "--plan", plan, "--out", dir.path("a.gpkg")});
    EXPECT_EQ(r.code, 4) << r.err;
    EXPECT_NE(r.err.find("key 'inputs.crs': 'EPSG:4326' is not a projected CRS"), std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(dir.path("a.gpkg")));
}

// Item 9: a population of 1e300 was taken and written as Inf.
TEST(HostileInput, APopulationBeyondAnyCityIsOutOfRange) {
    TempDir dir;
    const std::string city = synth_city(dir, "300");
    {
        GDALAllRegister();
        GDALDatasetUniquePtr ds(GDALDataset::Open(city.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                                  nullptr, nullptr, nullptr));
        ASSERT_NE(ds, nullptr);
        OGRLayer *zones = ds->GetLayerByName("zones");
        OGRFeatureUniquePtr f(zones->GetNextFeature());
        f->SetField("population", 1e300);
        ASSERT_EQ(zones->SetFeature(f.get()), OGRERR_NONE);
    }
    const auto r = run_cli({"validate", city});
    EXPECT_EQ(r.code, 3) << r.out;
    EXPECT_NE(r.out.find("error out_of_range"), std::string::npos) << r.out;
    EXPECT_NE(
        r.out.find("layer 'zones', feature 1 (id D01), field 'population': 1e+300 is out of range"),
        std::string::npos)
        << r.out;
}

// Item 5: a city too small for its parcels ran for minutes where the docs promise exit 2.
TEST(HostileInput, ASynthCityTooSmallForItsParcelsIsRefusedAtOnce) {
    TempDir dir;
    const auto r =
        run_cli({"synth", "--out", dir.path("c.gpkg"), "--parcels", "2000000", "--scale", "0.05"});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("cannot place 2000000 non-overlapping parcels"), std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(dir.path("c.gpkg")));
}
