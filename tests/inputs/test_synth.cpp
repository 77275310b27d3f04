// The synthetic city generator (inputs/synth.cpp) and plan files that bring their own synthetic
// city ([inputs.synth]).

#include "core/errors.hpp"
#include "gis/checksum.hpp"
#include "gis/vector_io.hpp"
#include "inputs/synth.hpp"
#include "plan_file/input_spec.hpp"
#include "plan_file/plan_file.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

using namespace landalloc;
using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {

/// The values of a text field of every feature of a layer.
std::vector<std::string> texts(const gis::LayerData &l, const std::string &field) {
    const int i = l.field_index(field);
    EXPECT_GE(i, 0) << field;
    std::vector<std::string> out;
    for (const auto &f : l.features) {
        out.push_back(std::get<std::string>(f.values.at(static_cast<std::size_t>(i))));
    }
    return out;
}

double number(const gis::Feature &f, const gis::LayerData &l, const std::string &field) {
    const auto &v = f.values.at(static_cast<std::size_t>(l.field_index(field)));
    if (const auto *d = std::get_if<double>(&v)) {
        return *d;
    }
    return static_cast<double>(std::get<std::int64_t>(v));
}

/// Points TMPDIR (where the temporary synthetic city goes) at a directory of its own while alive.
class TmpdirOverride {
  public:
    explicit TmpdirOverride(const std::string &dir) {
        if (const char *old = std::getenv("TMPDIR")) {
            m_old = old;
        }
        fs::create_directories(dir);
        ::setenv("TMPDIR", dir.c_str(), 1);
    }
    ~TmpdirOverride() {
        if (m_old) {
            ::setenv("TMPDIR", m_old->c_str(), 1);
        } else {
            ::unsetenv("TMPDIR");
        }
    }
    TmpdirOverride(const TmpdirOverride &) = delete;
    TmpdirOverride &operator=(const TmpdirOverride &) = delete;

  private:
    std::optional<std::string> m_old;
};

std::vector<std::string> files_in(const std::string &dir) {
    std::vector<std::string> out;
    for (const auto &e : fs::directory_iterator(dir)) {
        out.push_back(e.path().filename().string());
    }
    return out;
}

/// A plan that brings its own four-district city (a small Lianyungang).
const char *k_synth_plan = R"toml([plan]
name = "Lianyungang (synthetic)"
first_year = 2023
last_year = 2025
seed = 3

[inputs.synth]
parcels = 500
scale = 0.6
seed = 11
metro_lines = 3
parks = 5

[[inputs.synth.districts]]
id = "HZ"
name = "海州区"
zone_class = "stock_upgrading"
population = 900000

[[inputs.synth.districts]]
id = "LY"
name = "连云区"
zone_class = "priority_expansion"
jobs = 150000

[[inputs.synth.districts]]
id = "GY"
name = "赣榆区"

[[inputs.synth.districts]]
id = "DH"
name = "东海县"
destock_months = 18

[housing_types.commercial]
unit_m2 = 100.0

[housing_types.talent]
unit_m2 = 90.0

[[targets]]
type = "commercial"
unit = "ha"
values = [14.0, 15.0, 16.0]

[[targets]]
type = "talent"
unit = "ha"
zones = ["HZ"]
values = [2.0, 2.0, 2.0]

[solver]
method = "heuristic"
)toml";

using AllocationKey = std::tuple<std::string, std::int64_t, std::string>; // parcel, year, type

std::vector<AllocationKey> allocations_of(const std::string &path) {
    const gis::LayerData l = gis::read_layer(path, "allocated_parcels");
    std::vector<AllocationKey> out;
    const auto ids = texts(l, "parcel_id");
    const auto types = texts(l, "housing_type");
    for (std::size_t i = 0; i < l.features.size(); ++i) {
        out.emplace_back(ids[i], static_cast<std::int64_t>(number(l.features[i], l, "year")),
                         types[i]);
    }
    return out;
}

std::map<std::string, std::string> metadata_of(const std::string &path) {
    const gis::LayerData l = gis::read_layer(path, "run_metadata");
    std::map<std::string, std::string> out;
    const auto keys = texts(l, "key");
    const auto values = texts(l, "value");
    for (std::size_t i = 0; i < keys.size(); ++i) {
        out[keys[i]] = values[i];
    }
    return out;
}

/// SHA-256 of every layer's content: fids, geometries (WKB, so every bit of every coordinate) and
/// attribute values (doubles to 17 digits). The GeoPackage's bytes hold timestamps, its content
/// does not.
std::string content_fingerprint(const std::string &path, const TempDir &dir) {
    std::ostringstream os;
    for (const char *name : {"zones", "stations", "parks", "constraints", "parcels", "river"}) {
        const gis::LayerData l = gis::read_layer(path, name);
        os << "layer " << name << " " << l.crs.label() << "\n";
        for (const auto &f : l.fields) {
            os << f.name << ":" << static_cast<int>(f.type) << " ";
        }
        os << "\n";
        for (const auto &f : l.features) {
            os << f.fid << " ";
            for (unsigned char b : f.geometry.to_wkb()) {
                char hex[3];
                std::snprintf(hex, sizeof hex, "%02x", b);
                os << hex;
            }
            for (const auto &v : f.values) {
                os << " | ";
                if (const auto *i = std::get_if<std::int64_t>(&v)) {
                    os << *i;
                } else if (const auto *d = std::get_if<double>(&v)) {
                    char buf[40];
                    std::snprintf(buf, sizeof buf, "%.17g", *d);
                    os << buf;
                } else if (const auto *s = std::get_if<std::string>(&v)) {
                    os << *s;
                } else {
                    os << "null";
                }
            }
            os << "\n";
        }
    }
    const std::string dump = dir.path("fingerprint.txt");
    write_file(dump, os.str());
    return gis::file_sha256(dump);
}

} // namespace

// The city `landalloc synth` writes without a district list is the one it always wrote: plans
// made from it before stay reproducible. The fingerprints were taken before the generator learnt
// district lists, metro line and park counts.
TEST(Synth, DefaultCityIsUnchanged) {
    TempDir dir;
    const std::string a = dir.path("default.gpkg");
    write_synth_city(SynthOptions{}, a, false);
    EXPECT_EQ(content_fingerprint(a, dir),
              "7cbd6eebf230dd1a517df7bc4b436b9df7d06c4aacd02650f0c0939b67727790")
        << "default";
    SynthOptions small;
    small.parcels = 300;
    small.seed = 7;
    small.scale = 0.7;
    small.first_year = 2024;
    small.last_year = 2030;
    const std::string b = dir.path("small.gpkg");
    write_synth_city(small, b, false);
    EXPECT_EQ(content_fingerprint(b, dir),
              "fc2b7ae938368da48b9c69b91039c059413686a09ce69d83d5ce4d743192ffe0")
        << "small";
}

TEST(Synth, RingSizes) {
    EXPECT_EQ(synth_ring_sizes(10).inner, 4); // the default city: 1 + 4 + 5
    EXPECT_EQ(synth_ring_sizes(10).outer, 5);
    EXPECT_EQ(synth_ring_sizes(1).inner + synth_ring_sizes(1).outer, 0);
    EXPECT_EQ(synth_ring_sizes(2).inner, 1);
    EXPECT_EQ(synth_ring_sizes(2).outer, 0);
    for (int n = 1; n <= k_synth_max_districts; ++n) {
        const SynthRings r = synth_ring_sizes(n);
        EXPECT_EQ(1 + r.inner + r.outer, n);
        EXPECT_GE(r.outer, 0);
    }
}

TEST(Synth, GivenDistrictsKeepTheirValuesAndTheRestIsGenerated) {
    TempDir dir;
    SynthOptions opt;
    opt.parcels = 200;
    opt.seed = 5;
    opt.districts.resize(4);
    opt.districts[0] = {"HZ", "海州区", "moderate", 1.0e6, std::nullopt, std::nullopt, 7.5};
    opt.districts[1].name = "连云区";
    opt.districts[2].id = "GY";
    opt.districts[2].jobs = 12345;
    opt.districts[3].dwellings = 5000;
    const std::string path = dir.path("city.gpkg");
    const SynthSummary sum = write_synth_city(opt, path, false);
    EXPECT_EQ(sum.zones, 4);
    const gis::LayerData z = gis::read_layer(path, "zones");
    ASSERT_EQ(z.features.size(), 4u);
    EXPECT_EQ(texts(z, "id"), (std::vector<std::string>{"HZ", "D02", "GY", "D04"}));
    EXPECT_EQ(texts(z, "name"), (std::vector<std::string>{"海州区", "连云区", "高新区", "经开区"}));
    // Classes by ring where not given: 1 centre, 1 inner, 2 outer.
    EXPECT_EQ(texts(z, "zone_class"),
              (std::vector<std::string>{"moderate", "moderate", "priority_expansion",
                                        "priority_expansion"}));
    EXPECT_EQ(number(z.features[0], z, "population"), 1.0e6);
    EXPECT_EQ(number(z.features[0], z, "jobs"), 750000); // generated from the given population
    EXPECT_EQ(number(z.features[0], z, "destock_months"), 7.5);
    EXPECT_EQ(number(z.features[2], z, "jobs"), 12345);
    EXPECT_EQ(number(z.features[3], z, "dwellings"), 5000);
    for (const auto &f : z.features) {
        EXPECT_GT(number(f, z, "population"), 0);
        EXPECT_GT(f.geometry.area(), 1e6);
    }
}

TEST(Synth, MetroLinesAndParksCanBeChosen) {
    TempDir dir;
    std::map<std::pair<int, int>, std::pair<std::size_t, std::size_t>> seen;
    for (auto [lines, parks] : {std::pair{0, 0}, std::pair{1, 2}, std::pair{6, 8}}) {
        SynthOptions opt;
        opt.parcels = 150;
        opt.metro_lines = lines;
        opt.parks = parks;
        const std::string path =
            dir.path("c" + std::to_string(lines) + "-" + std::to_string(parks) + ".gpkg");
        const SynthSummary sum = write_synth_city(opt, path, false);
        EXPECT_EQ(sum.parks, parks);
        const gis::LayerData st = gis::read_layer(path, "stations");
        std::set<std::string> line_names;
        for (const auto &l : texts(st, "line")) {
            line_names.insert(l);
        }
        EXPECT_EQ(static_cast<int>(line_names.size()), lines) << lines;
        const gis::LayerData pk = gis::read_layer(path, "parks");
        EXPECT_EQ(static_cast<int>(pk.features.size()), parks);
        // Parks do not overlap one another.
        for (std::size_t i = 0; i < pk.features.size(); ++i) {
            for (std::size_t j = i + 1; j < pk.features.size(); ++j) {
                EXPECT_LT(pk.features[i].geometry.intersection_area(pk.features[j].geometry), 1.0);
            }
        }
    }
}

TEST(Synth, OptionsOutOfRangeAreUsageErrors) {
    TempDir dir;
    auto fails = [&](SynthOptions o, const std::string &what) {
        try {
            write_synth_city(o, dir.path("x.gpkg"), true);
            ADD_FAILURE() << "no error: " << what;
        } catch (const UsageError &e) {
            EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
        }
    };
    SynthOptions o;
    o.metro_lines = 7;
    fails(o, "metro lines");
    o = {};
    o.parks = 9;
    fails(o, "industrial parks");
    o = {};
    o.districts.resize(2);
    o.districts[1].id = "D01";
    fails(o, "'D01' is given twice");
    EXPECT_FALSE(fs::exists(dir.path("x.gpkg")));
}

TEST(SynthPlan, ParsesTheSynthTable) {
    const PlanFile cfg = parse_plan(k_synth_plan, "p.toml");
    ASSERT_TRUE(cfg.inputs.synth);
    const SynthOptions &o = *cfg.inputs.synth;
    EXPECT_EQ(o.parcels, 500);
    EXPECT_EQ(o.scale, 0.6);
    EXPECT_EQ(o.seed, 11u);
    EXPECT_EQ(o.metro_lines, 3);
    EXPECT_EQ(o.parks, 5);
    ASSERT_EQ(o.districts.size(), 4u);
    EXPECT_EQ(o.districts[0].id, "HZ");
    EXPECT_EQ(o.districts[0].name, "海州区");
    EXPECT_EQ(o.districts[0].population, 900000.0);
    EXPECT_FALSE(o.districts[0].jobs);
    EXPECT_EQ(o.districts[1].jobs, 150000.0);
    EXPECT_EQ(o.districts[3].destock_months, 18.0);
    // The parcels' years are the plan's.
    const SynthOptions made = make_synth_options(cfg);
    EXPECT_EQ(made.first_year, 2023);
    EXPECT_EQ(made.last_year, 2025);
    EXPECT_TRUE(inputs_synthesised(cfg, ""));
    EXPECT_FALSE(inputs_synthesised(cfg, "city.gpkg"));
    // Without INPUT the layers are the synthetic city's, made in memory (make_synth_city).
    EXPECT_EQ(make_input_spec(cfg, "", "").parcels.source, k_synth_source);
    EXPECT_EQ(make_input_spec(cfg, "city.gpkg", "").parcels.source, "city.gpkg");
    // Defaults: the default city's options.
    const PlanFile d =
        parse_plan("[plan]\nfirst_year = 2021\n[housing_types.c]\n[inputs.synth]\n", "d.toml");
    ASSERT_TRUE(d.inputs.synth);
    EXPECT_EQ(d.inputs.synth->parcels, 3000);
    EXPECT_EQ(d.inputs.synth->scale, 1.0);
    EXPECT_EQ(d.inputs.synth->seed, 2021u);
    EXPECT_EQ(d.inputs.synth->metro_lines, 2);
    EXPECT_EQ(d.inputs.synth->parks, 4);
    EXPECT_TRUE(d.inputs.synth->districts.empty());
    EXPECT_FALSE(default_plan().inputs.synth);
}

TEST(SynthPlan, RunsEndToEndDeterministicallyAndLeavesNoTemporaryFile) {
    TempDir dir;
    const TmpdirOverride tmp(dir.path("tmp"));
    const std::string plan = dir.path("plan.toml");
    write_file(plan, k_synth_plan);
    const std::string out1 = dir.path("a.gpkg");
    const std::string out2 = dir.path("b.gpkg");
    const auto r1 = run_cli({"plan", "--plan", plan, "--out", out1});
    ASSERT_EQ(r1.code, 0) << r1.err << r1.out;
    EXPECT_TRUE(files_in(dir.path("tmp")).empty()) << files_in(dir.path("tmp")).front();
    const auto r2 = run_cli({"plan", "--plan", plan, "--out", out2, "--quiet"});
    ASSERT_EQ(r2.code, 0) << r2.err;
    EXPECT_TRUE(files_in(dir.path("tmp")).empty());

    // The zones are the plan's districts, ids and names.
    const gis::LayerData z = gis::read_layer(out1, "zones");
    std::map<std::string, std::string> zones;
    const auto ids = texts(z, "zone_id");
    const auto names = texts(z, "zone_name");
    for (std::size_t i = 0; i < ids.size(); ++i) {
        zones[ids[i]] = names[i];
    }
    EXPECT_EQ(zones, (std::map<std::string, std::string>{
                         {"HZ", "海州区"}, {"LY", "连云区"}, {"GY", "赣榆区"}, {"DH", "东海县"}}));
    // The same plan gives the same allocation.
    const auto alloc = allocations_of(out1);
    EXPECT_FALSE(alloc.empty());
    EXPECT_EQ(alloc, allocations_of(out2));

    // The metadata says the inputs were synthesised, and how.
    const auto meta = metadata_of(out1);
    EXPECT_EQ(meta.at("input"), "synthetic (from [inputs.synth])");
    EXPECT_NE(meta.at("input_synth")
                  .find("parcels 500, scale 0.6, seed 11, metro_lines 3, parks "
                        "5, years 2023-2025"),
              std::string::npos)
        << meta.at("input_synth");
    EXPECT_NE(meta.at("input_synth").find("HZ 海州区"), std::string::npos);
    for (const auto &[k, v] : meta) {
        EXPECT_FALSE(k.starts_with("input_sha256")) << k << " = " << v;
    }
    EXPECT_FALSE(meta.at("plan_file_sha256").empty());
}

TEST(SynthPlan, ValidateWorksTheSameWay) {
    TempDir dir;
    const TmpdirOverride tmp(dir.path("tmp"));
    const std::string plan = dir.path("plan.toml");
    write_file(plan, k_synth_plan);
    const auto r = run_cli({"validate", "--plan", plan});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("synthesised from [inputs.synth]: parcels 500"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("read: 4 zones"), std::string::npos) << r.out;
    EXPECT_TRUE(files_in(dir.path("tmp")).empty());
}

TEST(SynthPlan, AnErrorAfterTheCityIsWrittenLeavesNoTemporaryFile) {
    TempDir dir;
    const TmpdirOverride tmp(dir.path("tmp"));
    const std::string plan = dir.path("plan.toml");
    // A geographic working CRS is a plan-file error (exit 4; it was a usage error, exit 2, once
    // the city was being read: issue 17, item 9), refused before the city is made.
    write_file(plan, std::string(k_synth_plan) + "\n[inputs]\ncrs = \"EPSG:4326\"\n");
    const std::string out = dir.path("x.gpkg");
    const auto r = run_cli({"plan", "--plan", plan, "--out", out});
    EXPECT_EQ(r.code, 4) << r.err;
    EXPECT_NE(r.err.find("not a projected CRS"), std::string::npos) << r.err;
    EXPECT_TRUE(files_in(dir.path("tmp")).empty());
    EXPECT_FALSE(fs::exists(out));
    // A city the scale cannot hold fails while it is written.
    write_file(plan, "[plan]\nfirst_year = 2021\n[housing_types.c]\n[inputs.synth]\nparcels = "
                     "400\nscale = 0.05\n");
    const auto s = run_cli({"plan", "--plan", plan, "--out", out});
    EXPECT_EQ(s.code, 2) << s.err;
    EXPECT_NE(s.err.find("inputs.synth.scale"), std::string::npos) << s.err;
    EXPECT_TRUE(files_in(dir.path("tmp")).empty());
}

TEST(SynthPlan, MalformedSynthSectionsFailWithExitFourNamingTheKey) {
    TempDir dir;
    const std::string head = "[plan]\nfirst_year = 2021\n[housing_types.c]\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[inputs.synth]\nparcel = 3\n", ":5: key 'inputs.synth.parcel': unknown key"},
        {"[inputs.synth]\nmetro_lines = 7\n",
         ":5: key 'inputs.synth.metro_lines': 7 is out of range [0, 6]"},
        {"[inputs.synth]\nparks = 9\n", ":5: key 'inputs.synth.parks': 9 is out of range [0, 8]"},
        {"[inputs.synth]\nparcels = 0\n", ":5: key 'inputs.synth.parcels': 0 is out of range"},
        {"[inputs.synth]\nscale = 0.01\n", ":5: key 'inputs.synth.scale': 0.01 is out of range"},
        {"[inputs.synth]\nseed = \"x\"\n", ":5: key 'inputs.synth.seed': must be an integer"},
        {"[inputs.synth]\ndistricts = 3\n",
         ":5: key 'inputs.synth.districts': must be a non-empty"},
        {"[inputs.synth]\n[[inputs.synth.districts]]\nid = \"A\"\npop = 1\n",
         ":7: key 'inputs.synth.districts[0].pop': unknown key"},
        {"[inputs.synth]\n[[inputs.synth.districts]]\njobs = -1\n",
         ":6: key 'inputs.synth.districts[0].jobs': -1 is out of range"},
        {"[inputs.synth]\n[[inputs.synth.districts]]\nid = \"A\"\n[[inputs.synth.districts]]\nid "
         "= \"A\"\n",
         ":8: key 'inputs.synth.districts[1].id': 'A' is the id of an earlier district"},
        {"[inputs.synth]\n[[inputs.synth.districts]]\nname = \"\"\n",
         ":6: key 'inputs.synth.districts[0].name': is empty"},
        {"[inputs]\nsource = \"city.gpkg\"\n[inputs.synth]\n",
         ":5: key 'inputs.source': cannot be given with [inputs.synth]"},
        {"[inputs.parcels]\nsource = \"p.shp\"\n[inputs.synth]\n",
         ":4: key 'inputs.parcels': cannot be given with [inputs.synth]"},
        {"[inputs]\nsynth = 1\n", ":5: key 'inputs.synth': must be a table"},
    };
    for (const auto &[body, expected] : cases) {
        SCOPED_TRACE(body);
        const std::string plan = dir.path("bad.toml");
        write_file(plan, head + body);
        const std::string out = dir.path("x.gpkg");
        const auto r = run_cli({"plan", "--plan", plan, "--out", out});
        EXPECT_EQ(r.code, 4) << r.err;
        EXPECT_NE(r.err.find(plan + expected), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(out));
        const auto v = run_cli({"validate", "--plan", plan});
        EXPECT_EQ(v.code, 4) << v.err;
    }
}

TEST(SynthPlan, InputOnTheCommandLineReplacesTheSynthCity) {
    TempDir dir;
    const std::string city = dir.path("city.gpkg");
    ASSERT_EQ(run_cli({"synth", "--out", city, "--parcels", "300", "--quiet"}).code, 0);
    const std::string plan = dir.path("plan.toml");
    write_file(plan, "[plan]\nfirst_year = 2021\nlast_year = 2021\n[housing_types.c]\n"
                     "[[targets]]\ntype = \"c\"\nvalues = [5.0]\n[inputs.synth]\nparcels = 50\n"
                     "[[inputs.synth.districts]]\nid = \"ONLY\"\n");
    const std::string out = dir.path("x.gpkg");
    const auto r = run_cli({"plan", city, "--plan", plan, "--out", out});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("replaces the plan file's [inputs.synth]"), std::string::npos) << r.out;
    EXPECT_EQ(metadata_of(out).at("input"), city);
    EXPECT_EQ(gis::read_layer(out, "zones").features.size(), 10u);
}

// [inputs.synth] makes the city in memory (make_synth_city); it must be the city load_city reads
// from the GeoPackage write_synth_city writes: same values, geometries (polygons stored as
// MultiPolygons), CRS, order and facts, so plans do not change.
TEST(Synth, InMemoryCityIsTheWrittenOne) {
    SynthOptions opt;
    opt.parcels = 400;
    opt.metro_lines = 4;
    opt.parks = 6;
    TempDir dir;
    const std::string path = dir.path("city.gpkg");
    write_synth_city(opt, path, false);
    const LoadedCity read = load_city(InputSpec::from_source(path));
    const SynthCity made = make_synth_city(opt);
    const LoadedCity memory = load_city(InputSpec::from_source(k_synth_source), made.layers);

    EXPECT_EQ(memory.crs.wkt(), read.crs.wkt());
    EXPECT_EQ(memory.city.crs, read.city.crs);
    auto same_geoms = [](const std::vector<gis::Geometry> &a, const std::vector<gis::Geometry> &b) {
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].type_name(), b[i].type_name()) << i;
            EXPECT_TRUE(a[i].equals_exact(b[i], 0)) << i;
        }
    };
    same_geoms(memory.zone_geoms, read.zone_geoms);
    same_geoms(memory.park_geoms, read.park_geoms);
    same_geoms(memory.constraint_geoms, read.constraint_geoms);
    same_geoms(memory.parcel_geoms, read.parcel_geoms);
    ASSERT_EQ(memory.city.zones.size(), read.city.zones.size());
    for (std::size_t i = 0; i < read.city.zones.size(); ++i) {
        const Zone &a = memory.city.zones[i];
        const Zone &b = read.city.zones[i];
        EXPECT_EQ(std::tie(a.id, a.name, a.zone_class, a.population, a.jobs, a.dwellings,
                           a.destock_months, a.area_m2, a.x, a.y),
                  std::tie(b.id, b.name, b.zone_class, b.population, b.jobs, b.dwellings,
                           b.destock_months, b.area_m2, b.x, b.y));
    }
    EXPECT_EQ(memory.city.zone_neighbours, read.city.zone_neighbours);
    ASSERT_EQ(memory.city.stations.size(), read.city.stations.size());
    for (std::size_t i = 0; i < read.city.stations.size(); ++i) {
        const Station &a = memory.city.stations[i];
        const Station &b = read.city.stations[i];
        EXPECT_EQ(std::tie(a.id, a.name, a.mode, a.line, a.opening_year, a.x, a.y),
                  std::tie(b.id, b.name, b.mode, b.line, b.opening_year, b.x, b.y));
    }
    ASSERT_EQ(memory.city.parks.size(), read.city.parks.size());
    for (std::size_t i = 0; i < read.city.parks.size(); ++i) {
        const Park &a = memory.city.parks[i];
        const Park &b = read.city.parks[i];
        EXPECT_EQ(std::tie(a.id, a.name, a.level, a.jobs, a.area_m2, a.x, a.y),
                  std::tie(b.id, b.name, b.level, b.jobs, b.area_m2, b.x, b.y));
    }
    ASSERT_EQ(memory.city.constraints.size(), read.city.constraints.size());
    for (std::size_t i = 0; i < read.city.constraints.size(); ++i) {
        const Constraint &a = memory.city.constraints[i];
        const Constraint &b = read.city.constraints[i];
        EXPECT_EQ(std::tie(a.id, a.kind, a.layer, a.effect, a.max_far),
                  std::tie(b.id, b.kind, b.layer, b.effect, b.max_far));
    }
    ASSERT_EQ(memory.city.parcels.size(), read.city.parcels.size());
    for (std::size_t i = 0; i < read.city.parcels.size(); ++i) {
        const Parcel &a = memory.city.parcels[i];
        const Parcel &b = read.city.parcels[i];
        EXPECT_EQ(std::tie(a.id, a.fid, a.land_source, a.first_year, a.far_cap, a.allowed_types,
                           a.area_m2, a.x, a.y, a.zone),
                  std::tie(b.id, b.fid, b.land_source, b.first_year, b.far_cap, b.allowed_types,
                           b.area_m2, b.x, b.y, b.zone))
            << a.id;
        EXPECT_EQ(std::tie(a.nearest_station, a.station_distance_m, a.stations_within_800m,
                           a.nearest_park, a.park_distance_m, a.in_park),
                  std::tie(b.nearest_station, b.station_distance_m, b.stations_within_800m,
                           b.nearest_park, b.park_distance_m, b.in_park))
            << a.id;
        EXPECT_EQ(
            std::tie(a.excluded_overlap_m2, a.excluded_by, a.capped_share, a.cap_far, a.capped_by),
            std::tie(b.excluded_overlap_m2, b.excluded_by, b.capped_share, b.cap_far, b.capped_by))
            << a.id;
    }
    EXPECT_EQ(made.summary.parcels, static_cast<int>(read.city.parcels.size()));
}

// [[inputs.synth.districts]] district, district_name: the zones grouped into districts, written
// to the zones layer's district fields; the [inputs] districts layer of a plan that reads layers.
TEST(SynthPlan, ZonesGroupedIntoDistrictsAreWrittenToTheZonesLayer) {
    const std::string head = "[plan]\nfirst_year = 2021\nlast_year = 2022\n[housing_types.c]\n"
                             "[inputs.synth]\nparcels = 60\nscale = 0.3\n";
    const PlanFile cfg = parse_plan(head + "[[inputs.synth.districts]]\nid = \"Z1\"\n"
                                           "district = \"QA\"\ndistrict_name = \"甲区\"\n"
                                           "[[inputs.synth.districts]]\nid = \"Z2\"\n"
                                           "[[inputs.synth.districts]]\nid = \"Z3\"\n"
                                           "district = \"QA\"\n",
                                    "p.toml");
    ASSERT_TRUE(cfg.inputs.synth);
    EXPECT_EQ(cfg.inputs.synth->districts[0].district, "QA");
    EXPECT_EQ(cfg.inputs.synth->districts[0].district_name, "甲区");
    EXPECT_EQ(cfg.inputs.synth->districts[1].district, "");
    TempDir dir;
    const std::string path = dir.path("c.gpkg");
    write_synth_city(make_synth_options(cfg), path, false);
    const gis::LayerData zones = gis::read_layer(path, "zones");
    auto values = [&](const std::string &field) { // NULL as ""
        std::vector<std::string> out;
        const int i = zones.field_index(field);
        EXPECT_GE(i, 0) << field;
        for (const auto &f : zones.features) {
            const auto *s = std::get_if<std::string>(&f.values.at(static_cast<std::size_t>(i)));
            out.push_back(s ? *s : "");
        }
        return out;
    };
    EXPECT_EQ(values("district"), (std::vector<std::string>{"QA", "", "QA"}));
    EXPECT_EQ(values("district_name"), (std::vector<std::string>{"甲区", "", ""}));
    // Read back: every zone of QA is named by the name given once; Z2 is in no district.
    const LoadedCity city = load_city(InputSpec::from_source(path));
    for (const Zone &z : city.city.zones) {
        EXPECT_EQ(z.district, z.id == "Z2" ? "" : "QA") << z.id;
        EXPECT_EQ(z.district_name, z.id == "Z2" ? "" : "甲区") << z.id;
    }
    // Without a parent the default layer keeps its fields.
    const std::string plain = dir.path("plain.gpkg");
    SynthOptions no_parents;
    no_parents.parcels = 60;
    no_parents.scale = 0.3;
    write_synth_city(no_parents, plain, false);
    EXPECT_LT(gis::read_layer(plain, "zones").field_index("district"), 0);

    auto error = [&](const std::string &entries) {
        try {
            (void)parse_plan(head + entries, "p.toml");
        } catch (const PlanFileError &e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    std::string m = error("[[inputs.synth.districts]]\nid = \"Z1\"\n[[inputs.synth.districts]]\n"
                          "id = \"Z2\"\ndistrict = \"Z1\"\n");
    EXPECT_NE(m.find("p.toml:12: key 'inputs.synth.districts[1].district': 'Z1' is the id of a "
                     "zone"),
              std::string::npos)
        << m;
    m = error("[[inputs.synth.districts]]\nid = \"Z1\"\ndistrict_name = \"甲区\"\n");
    EXPECT_NE(m.find("key 'inputs.synth.districts[0].district_name': needs a district"),
              std::string::npos)
        << m;
    m = error("[[inputs.synth.districts]]\ndistrict = \"\"\n");
    EXPECT_NE(m.find("key 'inputs.synth.districts[0].district': is empty"), std::string::npos) << m;
}

TEST(InputsDistricts, TheDistrictsLayerFollowsTheLayerConventions) {
    const std::string head = "[plan]\nfirst_year = 2021\n[housing_types.c]\n";
    PlanFile cfg =
        parse_plan(head + "[inputs]\nsource = \"city.gpkg\"\ndistricts = \"qx\"\n", "p.toml");
    InputSpec spec = make_input_spec(cfg, "", "");
    ASSERT_TRUE(spec.districts);
    EXPECT_EQ(spec.districts->layer, "qx");
    EXPECT_EQ(spec.districts->source, "city.gpkg");
    cfg = parse_plan(head + "[inputs]\nsource = \"city.gpkg\"\n[inputs.districts]\n"
                            "source = \"admin.shp\"\nlayer = \"xzq\"\nencoding = \"GBK\"\n"
                            "[inputs.fields]\ndistricts_id = \"XZQDM\"\ndistrict = \"QXDM\"\n",
                     "p.toml");
    spec = make_input_spec(cfg, "", "");
    ASSERT_TRUE(spec.districts);
    EXPECT_EQ(spec.districts->source, "admin.shp");
    EXPECT_EQ(spec.districts->layer, "xzq");
    EXPECT_EQ(spec.districts->encoding, "GBK");
    EXPECT_EQ(spec.fields.districts_id, "XZQDM");
    EXPECT_EQ(spec.fields.district, "QXDM");
    // Without the key there is no districts layer.
    EXPECT_FALSE(
        make_input_spec(parse_plan(head + "[inputs]\nsource = \"c.gpkg\"\n", "p.toml"), "", "")
            .districts);
    // A synthetic city brings its own zones.
    try {
        (void)parse_plan(head + "[inputs]\ndistricts = \"qx\"\n[inputs.synth]\n", "p.toml");
        FAIL() << "no error";
    } catch (const PlanFileError &e) {
        EXPECT_NE(std::string(e.what()).find("key 'inputs.districts': cannot be given with "
                                             "[inputs.synth]"),
                  std::string::npos)
            << e.what();
    }
}
