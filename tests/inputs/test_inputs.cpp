// Real-world inputs (issue 3): a corpus of malformed inputs, each refused with the exact error
// class, a one-line message naming what is wrong and where, the documented exit code and no
// output created or overwritten; the same city as GPKG, Shapefile (GBK), GeoJSON (EPSG:4326) and
// FlatGeobuf giving the same plan; `landalloc validate`; the [inputs] plan-file section.

#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "plan_file/input_spec.hpp"
#include "plan_file/plan_file.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <typeinfo>

using namespace landalloc;
using landalloc::gis::Geometry;
namespace fs = std::filesystem;

namespace {

const char *const k_layers[] = {"zones", "stations", "parks", "constraints", "parcels"};

/// A small synthetic city, generated once (seed printed by the generator's options).
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

using Mutator = std::function<void(const std::string &layer, gis::LayerData &data,
                                   gis::GeomKind &kind, gis::Crs &crs, bool &keep)>;

/// Copies the base city to `path`, letting `mutate` change any layer.
void write_city(const std::string &path, const Mutator &mutate) {
    gis::GpkgWriter w(path, false);
    for (const char *name : k_layers) {
        gis::LayerData l = gis::read_layer(base_city(), name);
        auto kind = std::string(name) == "stations" ? gis::GeomKind::point : gis::GeomKind::polygon;
        gis::Crs crs = l.crs;
        bool keep = true;
        if (mutate) {
            mutate(name, l, kind, crs, keep);
        }
        if (keep) {
            w.add_layer(name, kind, crs, l.fields, l.features);
        }
    }
    w.commit();
}

void set_value(gis::LayerData &l, std::size_t feature, const std::string &field, gis::Value v) {
    const int i = l.field_index(field);
    ASSERT_GE(i, 0) << field;
    l.features.at(feature).values[static_cast<std::size_t>(i)] = std::move(v);
}

void drop_field(gis::LayerData &l, const std::string &field) {
    const auto i = static_cast<std::size_t>(l.field_index(field));
    l.fields.erase(l.fields.begin() + static_cast<std::ptrdiff_t>(i));
    for (auto &f : l.features) {
        f.values.erase(f.values.begin() + static_cast<std::ptrdiff_t>(i));
    }
}

/// Turns a text field (or any) into a string field, keeping values as text.
void make_text_field(gis::LayerData &l, const std::string &field) {
    const auto i = static_cast<std::size_t>(l.field_index(field));
    l.fields[i].type = gis::FieldType::string;
    for (auto &f : l.features) {
        auto &v = f.values[i];
        if (const auto *n = std::get_if<double>(&v)) {
            std::ostringstream os;
            os << *n;
            v = os.str();
        } else if (const auto *k = std::get_if<std::int64_t>(&v)) {
            v = std::to_string(*k);
        }
    }
}

enum class Cls { data, plan_file, usage };

/// "plan.toml:<line>": the line where plan_with's appended [inputs] text starts.
std::string at_inputs(int offset) {
    const auto lines = std::count(default_plan_text().begin(), default_plan_text().end(), '\n');
    return "plan.toml:" + std::to_string(lines + 2 + offset);
}

struct Case {
    std::string name;
    /// Writes the inputs into `dir` and returns the extra command-line arguments (INPUT, --plan,
    /// --crs ...).
    std::function<std::vector<std::string>(const test::TempDir &dir)> make;
    Cls cls;
    std::string message; // a part of the message that names what and where
    int exit_code;
};

std::vector<std::string> city_with(const test::TempDir &dir, const Mutator &m) {
    const std::string p = dir.path("city.gpkg");
    write_city(p, m);
    return {p};
}

std::vector<std::string> plan_with(const test::TempDir &dir, const std::string &inputs_toml,
                                   std::vector<std::string> extra = {}) {
    const std::string plan = dir.path("plan.toml");
    test::write_file(plan, default_plan_text() + "\n" + inputs_toml);
    extra.push_back("--plan");
    extra.push_back(plan);
    return extra;
}

std::vector<Case> corpus() {
    std::vector<Case> c;
    c.push_back(
        {"MissingFile",
         [](const test::TempDir &d) { return std::vector<std::string>{d.path("nowhere.gpkg")}; },
         Cls::data, "nowhere.gpkg: file not found", 3});
    c.push_back({"NotAVectorFile",
                 [](const test::TempDir &d) {
                     test::write_file(d.path("junk.gpkg"), "this is not a GeoPackage\n");
                     return std::vector<std::string>{d.path("junk.gpkg")};
                 },
                 Cls::data, "junk.gpkg: GDAL cannot open it as a vector source", 3});
    c.push_back({"MissingLayer",
                 [](const test::TempDir &d) {
                     return city_with(d, [](const std::string &n, auto &, auto &, auto &,
                                            bool &keep) { keep = n != "parks"; });
                 },
                 Cls::data,
                 "no layer 'parks' (layers present: zones, stations, constraints, parcels)", 3});
    c.push_back({"MissingRequiredField",
                 [](const test::TempDir &d) {
                     return city_with(
                         d, [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                             if (n == "parcels") {
                                 drop_field(l, "far_cap");
                             }
                         });
                 },
                 Cls::data,
                 "layer 'parcels': required field 'far_cap' is missing (fields present: id, "
                 "land_source, first_year, allowed_types)",
                 3});
    c.push_back(
        {"NegativeJobs",
         [](const test::TempDir &d) {
             return city_with(d,
                              [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                                  if (n == "zones") {
                                      set_value(l, 3, "jobs", -5.0);
                                  }
                              });
         },
         Cls::data, "layer 'zones', feature 4 (id D04), field 'jobs': -5 is out of range", 3});
    c.push_back(
        {"NegativeParkJobs",
         [](const test::TempDir &d) {
             return city_with(d,
                              [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                                  if (n == "parks") {
                                      set_value(l, 1, "jobs", -1.0);
                                  }
                              });
         },
         Cls::data, "layer 'parks', feature 2 (id IP2), field 'jobs': -1 is out of range", 3});
    c.push_back(
        {"TextInNumericField",
         [](const test::TempDir &d) {
             return city_with(d,
                              [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                                  if (n == "parcels") {
                                      make_text_field(l, "far_cap");
                                      set_value(l, 9, "far_cap", std::string("high"));
                                  }
                              });
         },
         Cls::data,
         "layer 'parcels', feature 10 (id P000010), field 'far_cap': 'high' is not a number", 3});
    c.push_back({"EmptyRequiredValue",
                 [](const test::TempDir &d) {
                     return city_with(
                         d, [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                             if (n == "parcels") {
                                 set_value(l, 4, "id", std::monostate{});
                             }
                         });
                 },
                 Cls::data, "layer 'parcels', feature 5, field 'id': value is empty", 3});
    c.push_back({"DuplicateParcelId",
                 [](const test::TempDir &d) {
                     return city_with(
                         d, [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                             if (n == "parcels") {
                                 const auto i = static_cast<std::size_t>(l.field_index("id"));
                                 l.features[7].values[i] = l.features[2].values[i];
                             }
                         });
                 },
                 Cls::data, "layer 'parcels', feature 8 (id P000003), field 'id': id '", 3});
    c.push_back(
        {"BadConstraintEffect",
         [](const test::TempDir &d) {
             return city_with(d,
                              [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                                  if (n == "constraints") {
                                      set_value(l, 0, "effect", std::string("forbid"));
                                  }
                              });
         },
         Cls::data,
         "layer 'constraints', feature 1 (id ECO-1), field 'effect': 'forbid' is not an effect",
         3});
    c.push_back({"StationsArePolygons",
                 [](const test::TempDir &d) {
                     return city_with(d, [](const std::string &n, gis::LayerData &l,
                                            gis::GeomKind &kind, auto &, bool &) {
                         if (n == "stations") {
                             kind = gis::GeomKind::polygon;
                             for (auto &f : l.features) {
                                 f.geometry = f.geometry.buffer(50);
                             }
                         }
                     });
                 },
                 Cls::data,
                 "layer 'stations': the layer holds Multi Polygon but the stations layer needs "
                 "points",
                 3});
    c.push_back(
        {"ParcelsAreLines",
         [](const test::TempDir &d) {
             return city_with(d, [](const std::string &n, gis::LayerData &l, gis::GeomKind &kind,
                                    auto &, bool &) {
                 if (n == "parcels") {
                     kind = gis::GeomKind::line;
                     for (auto &f : l.features) {
                         const auto b = f.geometry.bounds();
                         f.geometry = Geometry::line({{b.min_x, b.min_y}, {b.max_x, b.max_y}});
                     }
                 }
             });
         },
         Cls::data,
         "layer 'parcels': the layer holds Multi Line String but the parcels layer needs "
         "polygons",
         3});
    c.push_back(
        {"OneParcelIsALineInAMixedLayer",
         [](const test::TempDir &d) {
             // GeoJSON layers declare no single type; the feature is checked.
             const std::string gj = d.path("parcels.geojson");
             test::write_file(gj, R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"P1","first_year":2021,"far_cap":2.5},
 "geometry":{"type":"Polygon","coordinates":[[[119.0,34.5],[119.01,34.5],[119.01,34.51],[119.0,34.51],[119.0,34.5]]]}},
{"type":"Feature","properties":{"id":"P2","first_year":2021,"far_cap":2.5},
 "geometry":{"type":"LineString","coordinates":[[119.02,34.5],[119.03,34.51]]}}]})");
             return plan_with(d, "[inputs]\nsource = \"" + base_city() +
                                     "\"\ncrs = \"EPSG:4549\"\n[inputs.parcels]\nsource = \"" + gj +
                                     "\"\nlayer = \"parcels\"\n");
         },
         Cls::data,
         "parcels.geojson, layer 'parcels', feature 1 (id P2): geometry is a LineString but this "
         "layer needs polygons",
         3});
    c.push_back(
        {"LayerWithoutCrs",
         [](const test::TempDir &d) {
             return city_with(d, [](const std::string &n, auto &, auto &, gis::Crs &crs, bool &) {
                 if (n == "parks") {
                     crs = gis::Crs{};
                 }
             });
         },
         Cls::data,
         "layer 'parks': the layer has no CRS; state it in the plan file (inputs.parks.crs)", 3});
    c.push_back(
        {"ImplausiblePlotRatio",
         [](const test::TempDir &d) {
             return city_with(d,
                              [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                                  if (n == "parcels") {
                                      set_value(l, 0, "far_cap", 35.0);
                                  }
                              });
         },
         Cls::data,
         "layer 'parcels', feature 1 (id P000001), field 'far_cap': 35 is out of range (must be at "
         "least 0 and at most 20)",
         3});
    c.push_back(
        {"ImpossibleFirstYear",
         [](const test::TempDir &d) {
             return city_with(d,
                              [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                                  if (n == "parcels") {
                                      set_value(l, 2, "first_year", std::int64_t{1850});
                                  }
                              });
         },
         Cls::data,
         "layer 'parcels', feature 3 (id P000003), field 'first_year': 1850 is out of range", 3});
    c.push_back({"GeographicCrsOfAnotherDatum",
                 [](const test::TempDir &d) {
                     // Beijing 1954 geographic: no automatic choice.
                     const gis::Crs bj54 = gis::Crs::from_epsg(4214);
                     const std::string p = d.path("city.gpkg");
                     gis::GpkgWriter w(p, false);
                     for (const char *name : k_layers) {
                         gis::LayerData l =
                             gis::read_layer(base_city(), name, gis::ReadOptions{"", {}, &bj54});
                         w.add_layer(name,
                                     std::string(name) == "stations" ? gis::GeomKind::point
                                                                     : gis::GeomKind::polygon,
                                     bj54, l.fields, l.features);
                     }
                     w.commit();
                     return std::vector<std::string>{p};
                 },
                 Cls::data, "geographic CRS EPSG:4214 is neither CGCS2000 nor WGS 84", 3});
    c.push_back({"StatedCrsIsGeographic",
                 [](const test::TempDir &) {
                     return std::vector<std::string>{base_city(), "--crs", "EPSG:4490"};
                 },
                 Cls::usage, "crs 'EPSG:4490' is EPSG:4490, not a projected CRS", 2});
    c.push_back({"UnknownKeyInLayerTable",
                 [](const test::TempDir &d) {
                     return plan_with(d, "[inputs.parcels]\nsource = \"x.gpkg\"\nlayr = \"p\"\n",
                                      {base_city()});
                 },
                 Cls::plan_file, at_inputs(2) + ": key 'inputs.parcels.layr': unknown key", 4});
    c.push_back({"UnknownEncoding",
                 [](const test::TempDir &d) {
                     return plan_with(d, "[inputs]\nencoding = \"NOPE-42\"\n", {base_city()});
                 },
                 Cls::plan_file,
                 at_inputs(1) + ": key 'inputs.encoding': 'NOPE-42' is not an encoding iconv knows",
                 4});
    c.push_back({"UnknownFieldMapKey",
                 [](const test::TempDir &d) {
                     return plan_with(d, "[inputs.fields]\nparcel_idd = \"DKBH\"\n", {base_city()});
                 },
                 Cls::plan_file, at_inputs(1) + ": key 'inputs.fields.parcel_idd': unknown key",
                 4});
    c.push_back(
        {"StatedLayerCrsUnknown",
         [](const test::TempDir &d) {
             return plan_with(d, "[inputs.parks]\ncrs = \"EPSG:999999\"\n", {base_city()});
         },
         Cls::plan_file,
         at_inputs(1) + ": key 'inputs.parks.crs': 'EPSG:999999' is not a CRS that PROJ knows", 4});
    c.push_back({"MappedFieldMissing",
                 [](const test::TempDir &d) {
                     return plan_with(d, "[inputs.fields]\nfar_cap = \"RJL\"\n", {base_city()});
                 },
                 Cls::data, "layer 'parcels': required field 'RJL' is missing (fields present: id",
                 3});
    c.push_back({"NoZones",
                 [](const test::TempDir &d) {
                     return city_with(
                         d, [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                             if (n == "zones") {
                                 l.features.clear();
                             }
                         });
                 },
                 Cls::data, "layer 'zones': has no usable zones", 3});
    c.push_back(
        {"PopulationIsText",
         [](const test::TempDir &d) {
             return city_with(d,
                              [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
                                  if (n == "zones") {
                                      make_text_field(l, "population");
                                      set_value(l, 0, "population", std::string("many"));
                                  }
                              });
         },
         Cls::data, "layer 'zones', feature 1 (id D01), field 'population': 'many' is not a number",
         3});
    c.push_back(
        {"NoInputAnywhere",
         [](const test::TempDir &d) { return plan_with(d, "[inputs]\ncrs = \"EPSG:4549\"\n"); },
         Cls::usage, "no input for the zones layer", 2});
    c.push_back({"CgcsDataOutsideChina",
                 [](const test::TempDir &d) {
                     const std::string gj = d.path("far.geojson");
                     test::write_file(gj, R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"P1","first_year":2021,"far_cap":2.5},
 "geometry":{"type":"Polygon","coordinates":[[[10.0,50.0],[10.01,50.0],[10.01,50.01],[10.0,50.01],[10.0,50.0]]]}}]})");
                     // Every layer from this file; GeoJSON says WGS 84 but the plan states
                     // nothing, so the parcels' CRS decides: make it CGCS2000 via ogr2ogr.
                     const std::string cg = d.path("far_cgcs.gpkg");
                     const auto r = test::run_process("ogr2ogr -f GPKG -a_srs EPSG:4490 '" + cg +
                                                      "' '" + gj + "' -nln parcels");
                     EXPECT_EQ(r.code, 0) << r.out;
                     return plan_with(d, "[inputs]\nconstraints = []\nsource = \"" + base_city() +
                                             "\"\n[inputs.parcels]\nsource = \"" + cg +
                                             "\"\n[inputs.zones]\nsource = \"" + cg +
                                             "\"\nlayer = \"parcels\"\n"
                                             "[inputs.stations]\nsource = \"" +
                                             cg +
                                             "\"\nlayer = \"parcels\"\n"
                                             "[inputs.parks]\nsource = \"" +
                                             cg + "\"\nlayer = \"parcels\"\n");
                 },
                 Cls::data, "is outside the CGCS2000 Gauss-Kruger zones of China", 3});
    return c;
}

class MalformedInput : public ::testing::TestWithParam<Case> {};

/// What `landalloc plan` does before planning: the plan file, the inputs, the city.
void load_like_plan(const std::vector<std::string> &args) {
    std::string input;
    std::string plan;
    std::string crs;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--plan") {
            plan = args[++i];
        } else if (args[i] == "--crs") {
            crs = args[++i];
        } else {
            input = args[i];
        }
    }
    const PlanFile cfg = plan.empty() ? default_plan() : load_plan(plan);
    (void)load_city(make_input_spec(cfg, input, crs));
}

TEST_P(MalformedInput, IsRefusedWithClassMessageExitCodeAndNoOutput) {
    const Case &c = GetParam();
    test::TempDir dir;
    const std::vector<std::string> args = c.make(dir);

    // 1. The exact error class and the message.
    try {
        load_like_plan(args);
        FAIL() << "no error";
    } catch (const Error &e) {
        const std::type_info &want = c.cls == Cls::data        ? typeid(DataError)
                                     : c.cls == Cls::plan_file ? typeid(PlanFileError)
                                                               : typeid(UsageError);
        EXPECT_EQ(typeid(e), want) << e.what();
        EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
        EXPECT_EQ(static_cast<int>(e.exit_code()), c.exit_code);
    }

    // 2. The command line: exit code, one line on stderr, no output created.
    const std::string out = dir.path("plan.gpkg");
    std::vector<std::string> cli = {"plan"};
    cli.insert(cli.end(), args.begin(), args.end());
    cli.insert(cli.end(), {"--out", out, "--quiet"});
    const auto r = test::run_cli(cli);
    EXPECT_EQ(r.code, c.exit_code) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.err.starts_with("landalloc plan: ")) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));

    // 3. An existing output is not overwritten, even with --overwrite.
    test::write_file(out, "precious");
    cli.push_back("--overwrite");
    const auto r2 = test::run_cli(cli);
    EXPECT_EQ(r2.code, c.exit_code) << r2.err;
    EXPECT_EQ(test::read_file(out), "precious");
    for (const auto &entry : fs::directory_iterator(dir.dir())) {
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
            << "temporary file left: " << entry.path();
    }
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedInput, ::testing::ValuesIn(corpus()),
                         [](const auto &param_info) { return param_info.param.name; });

TEST(MalformedInputCorpus, HasAtLeastTwentyCases) { EXPECT_GE(corpus().size(), 20u); }

} // namespace

// ---- the same city in four formats ----------------------------------------------------------

namespace {

bool have_ogr2ogr() { return test::run_process("ogr2ogr --version").code == 0; }

void sh(const std::string &command) {
    const auto r = test::run_process(command);
    ASSERT_EQ(r.code, 0) << command << "\n" << r.out;
}

/// The plan written for `args` (plan + inputs), as sorted "parcel_id year type area" lines.
std::vector<std::string> planned(const std::vector<std::string> &args, const std::string &out) {
    std::vector<std::string> cli = {"plan"};
    cli.insert(cli.end(), args.begin(), args.end());
    cli.insert(cli.end(), {"--out", out, "--quiet"});
    const auto r = test::run_cli(cli);
    EXPECT_TRUE(r.code == 0 || r.code == 6) << r.err;
    std::vector<std::string> rows;
    if (!fs::exists(out)) {
        return rows;
    }
    const auto l = gis::read_layer(out, "allocated_parcels");
    const int id = l.field_index("parcel_id");
    const int year = l.field_index("year");
    const int type = l.field_index("housing_type");
    const int area = l.field_index("area_ha");
    for (const auto &f : l.features) {
        char a[32];
        std::snprintf(a, sizeof a, "%.4f",
                      std::get<double>(f.values[static_cast<std::size_t>(area)]));
        rows.push_back(
            std::get<std::string>(f.values[static_cast<std::size_t>(id)]) + " " +
            std::to_string(std::get<std::int64_t>(f.values[static_cast<std::size_t>(year)])) + " " +
            std::get<std::string>(f.values[static_cast<std::size_t>(type)]) + " " + a);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

} // namespace

TEST(Formats, SameCityAsGpkgShapefileGbkGeoJson4326AndFlatGeobufGivesTheSamePlan) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    const std::string gpkg = base_city();
    // Shapefile with GBK attributes and no .cpg: the plan file states the encoding.
    const std::string shp = dir.path("shp");
    sh("ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=GBK '" + shp + "' '" + gpkg + "'");
    for (const auto &e : fs::directory_iterator(shp)) {
        if (e.path().extension() == ".cpg") {
            fs::remove(e.path());
        }
    }
    // GeoJSON in EPSG:4326 and FlatGeobuf, one file per layer.
    const std::string fgb = dir.path("fgb");
    sh("ogr2ogr -f FlatGeobuf -lco SPATIAL_INDEX=NO '" + fgb + "' '" + gpkg + "'");
    for (const char *l : k_layers) {
        sh("ogr2ogr -f GeoJSON -t_srs EPSG:4326 '" + dir.path(std::string(l) + ".geojson") + "' '" +
           gpkg + "' " + l);
    }

    const std::string common = "[inputs]\ncrs = \"EPSG:4549\"\n";
    auto write_plan = [&](const std::string &name, const std::string &inputs) {
        const std::string p = dir.path(name);
        test::write_file(p, default_plan_text() + "\n" + common + inputs);
        return p;
    };
    // Shapefile field names are cut to 10 characters: the field map says so.
    const std::string shp_plan =
        write_plan("shp.toml", "source = \"shp\"\nencoding = \"GBK\"\n[inputs.fields]\n"
                               "destock_months = \"destock_mo\"\nopening_year = \"opening_ye\"\n"
                               "land_source = \"land_sourc\"\nallowed_types = \"allowed_ty\"\n");
    std::string gj_inputs = "constraints = [{source = \"constraints.geojson\"}]\n";
    for (const char *l : {"zones", "stations", "parks", "parcels"}) {
        gj_inputs += std::string("[inputs.") + l + "]\nsource = \"" + l + ".geojson\"\n";
    }
    const std::string gj_plan = write_plan("geojson.toml", gj_inputs);
    const std::string fgb_plan = write_plan("fgb.toml", "source = \"fgb\"\n");
    const std::string gpkg_plan = write_plan("gpkg.toml", "source = \"" + gpkg + "\"\n");

    // The cities read are the same: names (GBK decoded), numbers, areas.
    const auto load = [](const std::string &plan) {
        return load_city(make_input_spec(load_plan(plan), "", ""));
    };
    const LoadedCity ref = load(gpkg_plan);
    for (const auto &plan : {shp_plan, gj_plan, fgb_plan}) {
        SCOPED_TRACE(plan);
        const LoadedCity c = load(plan);
        ASSERT_EQ(c.city.zones.size(), ref.city.zones.size());
        for (std::size_t i = 0; i < c.city.zones.size(); ++i) {
            EXPECT_EQ(c.city.zones[i].name, ref.city.zones[i].name);
            EXPECT_EQ(c.city.zones[i].population, ref.city.zones[i].population);
            EXPECT_EQ(c.city.zones[i].destock_months, ref.city.zones[i].destock_months);
        }
        ASSERT_EQ(c.city.parcels.size(), ref.city.parcels.size());
        for (std::size_t i = 0; i < c.city.parcels.size(); ++i) {
            EXPECT_EQ(c.city.parcels[i].id, ref.city.parcels[i].id);
            EXPECT_EQ(c.city.parcels[i].allowed_types, ref.city.parcels[i].allowed_types);
            EXPECT_NEAR(c.city.parcels[i].area_m2, ref.city.parcels[i].area_m2, 1e-3);
            EXPECT_NEAR(c.city.parcels[i].station_distance_m,
                        ref.city.parcels[i].station_distance_m, 1e-3);
        }
        EXPECT_EQ(c.city.stations.size(), ref.city.stations.size());
        EXPECT_EQ(c.city.constraints.size(), ref.city.constraints.size());
    }
    EXPECT_EQ(ref.city.zones[0].name, "老城区");

    // Without the encoding the GBK names do not decode to the same text: the option matters.
    {
        InputSpec spec = make_input_spec(load_plan(shp_plan), "", "");
        spec.zones.encoding = "ISO-8859-1";
        EXPECT_NE(load_city(spec).city.zones[0].name, "老城区");
    }

    // And the plans are the same.
    const auto p_gpkg = planned({"--plan", gpkg_plan}, dir.path("p_gpkg.gpkg"));
    ASSERT_FALSE(p_gpkg.empty());
    EXPECT_EQ(planned({"--plan", shp_plan}, dir.path("p_shp.gpkg")), p_gpkg);
    EXPECT_EQ(planned({"--plan", gj_plan}, dir.path("p_gj.gpkg")), p_gpkg);
    EXPECT_EQ(planned({"--plan", fgb_plan}, dir.path("p_fgb.gpkg")), p_gpkg);
}

// ---- CRS choice ---------------------------------------------------------------------------

TEST(Crs, ChoosesTheCgcs2000GaussKrugerZoneOrUtm) {
    const gis::Bounds nanjing{118.4, 31.2, 119.2, 32.6};
    const auto cg = gis::choose_projected_crs(gis::Crs::from_epsg(4490), nanjing);
    EXPECT_EQ(cg.crs.label(), "EPSG:4549");
    EXPECT_NE(cg.explanation.find("central meridian 120E"), std::string::npos) << cg.explanation;
    const auto utm = gis::choose_projected_crs(gis::Crs::from_epsg(4326), nanjing);
    EXPECT_EQ(utm.crs.label(), "EPSG:32650");
    EXPECT_NE(utm.explanation.find("UTM zone 50N"), std::string::npos) << utm.explanation;
    // Wenzhou (120.7E) and Urumqi (87.6E).
    EXPECT_EQ(gis::choose_projected_crs(gis::Crs::from_epsg(4490), {120.5, 27.9, 120.9, 28.1})
                  .crs.label(),
              "EPSG:4549");
    EXPECT_EQ(
        gis::choose_projected_crs(gis::Crs::from_epsg(4490), {87.4, 43.7, 87.8, 43.9}).crs.label(),
        "EPSG:4538"); // CM 87E
}

TEST(Crs, GeographicInputsGetAnAutomaticCrsAndTheRunSaysWhich) {
    if (!have_ogr2ogr()) {
        GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    }
    test::TempDir dir;
    const std::string cg = dir.path("city4490.gpkg");
    sh("ogr2ogr -f GPKG -t_srs EPSG:4490 '" + cg + "' '" + base_city() + "'");
    const LoadedCity c = load_city(InputSpec::from_source(cg));
    EXPECT_EQ(c.city.crs, "EPSG:4549");
    EXPECT_NE(c.crs_note.find("chosen automatically"), std::string::npos) << c.crs_note;
    const auto r = test::run_cli({"validate", cg});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("working CRS EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E), "
                         "chosen automatically"),
              std::string::npos)
        << r.out;
}

// ---- landalloc validate ---------------------------------------------------------------------

TEST(Validate, RepairsSkipsAndReportsWithExitZero) {
    test::TempDir dir;
    const std::string city = dir.path("messy.gpkg");
    write_city(city, [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
        if (n != "parcels") {
            return;
        }
        // A self-intersecting bow tie, an empty geometry, a tiny parcel, a parcel after the
        // horizon.
        const auto b = l.features[0].geometry.bounds();
        l.features[0].geometry = Geometry::from_wkt(
            "POLYGON((" + std::to_string(b.min_x) + " " + std::to_string(b.min_y) + "," +
            std::to_string(b.max_x) + " " + std::to_string(b.max_y) + "," +
            std::to_string(b.max_x) + " " + std::to_string(b.min_y) + "," +
            std::to_string(b.min_x) + " " + std::to_string(b.max_y) + "," +
            std::to_string(b.min_x) + " " + std::to_string(b.min_y) + "))");
        l.features[1].geometry = Geometry();
        const auto c = l.features[2].geometry.interior_point();
        l.features[2].geometry = Geometry::rectangle(c, 20, 20, 0);
        set_value(l, 3, "first_year", std::int64_t{2031});
    });
    const std::string findings = dir.path("findings.gpkg");
    const auto r = test::run_cli({"validate", city, "--out", findings});
    EXPECT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_EQ(r.err, "");
    for (const char *s :
         {"warning invalid_geometry_repaired: 1", "feature 1 (id P000001): invalid polygon (",
          "warning empty_geometry_skipped: 1", "warning small_parcel: 1",
          "feature 3 (id P000003): area 400 m2 is below 1000 m2", "warning year_outside_horizon: 1",
          "feature 4 (id P000004), field 'first_year'", "result: usable (with warnings)"}) {
        EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
    }
    const auto l = gis::read_layer(findings, "findings");
    std::multiset<std::string> codes;
    for (const auto &f : l.features) {
        codes.insert(std::get<std::string>(f.values[0]));
    }
    EXPECT_EQ(codes.count("invalid_geometry_repaired"), 1u);
    EXPECT_EQ(codes.count("empty_geometry_skipped"), 1u);
    EXPECT_EQ(codes.count("small_parcel"), 1u);
    // On the map: each parcel with a finding and a geometry (the empty one has none), as read.
    // The small parcel is kept, its polygon moved from the feature to the parcel: the finding
    // has it from there.
    std::set<std::string> mapped;
    const gis::LayerData source = gis::read_layer(city, "parcels");
    for (const auto &f : gis::read_layer(findings, "finding_areas").features) {
        EXPECT_FALSE(f.geometry.is_empty());
        const std::string id = std::get<std::string>(f.values[6]);
        mapped.insert(id);
        if (id == "P000003") {
            const auto fid = std::get<std::int64_t>(f.values[4]);
            const gis::Geometry &read =
                source.features.at(static_cast<std::size_t>(fid - 1)).geometry;
            EXPECT_TRUE(f.geometry.equals_exact(read, 1e-6)) << f.geometry.to_wkt();
        }
    }
    EXPECT_TRUE(mapped.contains("P000001"));
    EXPECT_TRUE(mapped.contains("P000003"));
    EXPECT_FALSE(mapped.contains("P000002"));
    // plan still runs, skipping the empty parcel and using the repaired one.
    const LoadedCity c = load_city(InputSpec::from_source(city));
    EXPECT_EQ(c.city.parcels.size(), 149u);
    EXPECT_TRUE(c.parcel_geoms[0].is_valid());
    // Repaired, skipped, small; the year is checked only against a plan horizon. (The synthetic
    // city's parcels that straddle two zones are warnings of their own, straddles_zones.)
    int warnings = 0;
    for (const Finding &f : c.findings.findings()) {
        warnings += f.severity == Severity::warning && f.code != "straddles_zones" ? 1 : 0;
    }
    EXPECT_EQ(warnings, 3);
}

TEST(Validate, ReportsEveryErrorAndExitsThree) {
    test::TempDir dir;
    const std::string city = dir.path("bad.gpkg");
    write_city(city, [](const std::string &n, gis::LayerData &l, auto &, auto &, bool &) {
        if (n == "zones") {
            set_value(l, 0, "jobs", -1.0);
            set_value(l, 1, "population", -2.0);
        }
        if (n == "parcels") {
            drop_field(l, "first_year");
        }
    });
    const std::string findings = dir.path("findings.gpkg");
    const auto r = test::run_cli({"validate", city, "--out", findings});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("landalloc validate: input error: 3 errors"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("error out_of_range: 2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("error field_missing: 1"), std::string::npos) << r.out;
    // The feature by its fid and its own id (the zones layer's id field).
    EXPECT_NE(r.out.find("layer 'zones', feature 2 (id D02), field 'population': -2 is out of "
                         "range"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(gis::read_layer(findings, "findings").features.size(), 3u);
    // The two zones' findings also on the map, with the zones' own polygons.
    const gis::LayerData zones = gis::read_layer(city, "zones");
    const gis::LayerData areas = gis::read_layer(findings, "finding_areas");
    ASSERT_EQ(areas.features.size(), 2u);
    for (const auto &f : areas.features) {
        const auto fid = std::get<std::int64_t>(f.values[4]);
        const auto &zone = zones.features[static_cast<std::size_t>(fid - 1)];
        EXPECT_EQ(f.values[6], zone.values[0]) << fid; // feature_key: the zone's id
        EXPECT_NEAR(f.geometry.area(), zone.geometry.area(), 1e-6 * zone.geometry.area());
    }
}

// A finding about a feature of a database layer names the source without its password, and
// still finds the feature it is about (its own id and geometry).
TEST(Validate, AFindingOnADatabaseLayerFindsItsFeatureWithThePasswordRedacted) {
    SynthOptions opt;
    opt.parcels = 150;
    SynthCity synth = make_synth_city(opt);
    const std::string source = "PG:dbname=bureau user=gis password=s3cret";
    std::string id;
    for (auto &l : synth.layers) {
        l.source = source;
        if (l.name == "parcels") {
            set_value(l, 4, "far_cap", -2.0);
            id = std::get<std::string>(
                l.features[4].values[static_cast<std::size_t>(l.field_index("id"))]);
        }
    }
    FindingsReport report;
    (void)load_city(InputSpec::from_source(source), synth.layers, report);
    const Finding *e = report.first_error();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->source.find("s3cret"), std::string::npos) << e->source;
    EXPECT_EQ(e->field, "far_cap");
    EXPECT_EQ(e->feature_key, id);
    EXPECT_FALSE(e->geometry.is_null());
}

TEST(Validate, HelpDescribesEveryOption) {
    const auto r = test::run_cli({"validate", "--help"});
    EXPECT_EQ(r.code, 0);
    for (const char *o :
         {"input", "--plan", "--out", "--crs", "--examples", "--max-errors", "--overwrite"}) {
        EXPECT_NE(r.out.find(o), std::string::npos) << o;
    }
}

// ---- [inputs] in the plan file --------------------------------------------------------------

TEST(InputsSection, SimpleAndFullFormsAndRelativePaths) {
    test::TempDir dir;
    fs::create_directories(dir.dir() / "data");
    test::write_file(dir.path("data/zones.geojson"), "{}");
    const std::string plan = dir.path("plan.toml");
    test::write_file(plan, default_plan_text() + R"(
[inputs]
source = "city.gpkg"
encoding = "GBK"
crs = "EPSG:4549"
stations = "metro"
constraints = ["redline", {source = "PG:dbname=gis", layer = "farmland"}]
min_parcel_area_m2 = 500
[inputs.zones]
source = "data/zones.geojson"
layer = "districts"
encoding = "UTF-8"
crs = "EPSG:4490"
[inputs.fields]
zone_id = "adcode"
population = "人口"
)");
    const PlanFile cfg = load_plan(plan);
    const InputSpec s = make_input_spec(cfg, "", "");
    EXPECT_EQ(s.zones.source, (dir.dir() / "data/zones.geojson").string());
    EXPECT_EQ(s.zones.layer, "districts");
    EXPECT_EQ(s.zones.encoding, "UTF-8");
    EXPECT_EQ(s.zones.crs, "EPSG:4490");
    EXPECT_EQ(s.stations.source, "city.gpkg"); // not beside the plan: as given
    EXPECT_EQ(s.stations.layer, "metro");
    EXPECT_EQ(s.stations.encoding, "GBK");
    ASSERT_EQ(s.constraints.size(), 2u);
    EXPECT_EQ(s.constraints[0].layer, "redline");
    EXPECT_EQ(s.constraints[1].source, "PG:dbname=gis");
    EXPECT_EQ(s.constraints[1].layer, "farmland");
    EXPECT_EQ(s.fields.zone_id, "adcode");
    EXPECT_EQ(s.fields.population, "人口");
    EXPECT_EQ(s.fields.jobs, "jobs");
    EXPECT_EQ(s.min_parcel_area_m2, 500);
    EXPECT_EQ(s.crs, "EPSG:4549");
    EXPECT_EQ(make_input_spec(cfg, "other.gpkg", "EPSG:4550").parcels.source, "other.gpkg");
    EXPECT_EQ(make_input_spec(cfg, "other.gpkg", "EPSG:4550").crs, "EPSG:4550");
}

// ---- real geography: Nanjing ----------------------------------------------------------------

TEST(NanjingReal, ValidateReportsTheCrsChoiceAndPlanRuns) {
    const fs::path shared = fs::path(LANDALLOC_SOURCE_DIR) / ".." / "shared" / "data" / "real";
    if (!fs::exists(shared / "nanjing_districts.geojson")) {
        GTEST_SKIP() << "real Nanjing data not found at " << shared.string()
                     << " (../shared/data/real beside the repository); skipping";
    }
    const std::string plan = std::string(LANDALLOC_SOURCE_DIR) + "/examples/nanjing-real.toml";
    const auto v = test::run_cli({"validate", "--plan", plan});
    EXPECT_EQ(v.code, 0) << v.err << v.out;
    EXPECT_NE(v.out.find("working CRS EPSG:32650 (WGS 84 / UTM zone 50N), chosen automatically"),
              std::string::npos)
        << v.out;
    EXPECT_NE(v.out.find("read: 11 zones, 54 stations, 8 industrial parks"), std::string::npos)
        << v.out;

    const LoadedCity c = load_city(make_input_spec(load_plan(plan), "", ""));
    ASSERT_EQ(c.city.zones.size(), 11u);
    double people = 0;
    for (const auto &z : c.city.zones) {
        people += z.population;
    }
    EXPECT_NEAR(people, 9.31e6, 0.02e6);
    EXPECT_EQ(c.city.zones[0].name, "玄武区");
    for (std::size_t i = 0; i < c.city.parcels.size(); ++i) {
        ASSERT_NE(c.city.parcels[i].zone, k_none) << c.city.parcels[i].id;
    }
    EXPECT_GT(c.city.parcels.size(), 1000u);

    test::TempDir dir;
    const std::string out = dir.path("nanjing.gpkg");
    const auto p = test::run_cli({"plan", "--plan", plan, "--out", out, "--quiet"});
    EXPECT_TRUE(p.code == 0 || p.code == 6) << p.err;
    EXPECT_TRUE(fs::exists(out));
}
