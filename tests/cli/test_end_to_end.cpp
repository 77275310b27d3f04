// End to end: generate the example city, plan it with the built-in default plan, and check the
// output GeoPackage independently of landalloc's own reading code (plain OGR here).

#include "ogr_util.hpp"
#include "test_util.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <tuple>

using namespace landalloc::test;

namespace {

GDALDatasetUniquePtr open(const std::string &path) { return open_vector(path); }

struct Fixture {
    TempDir dir;
    std::string city = dir.path("city.gpkg");
    std::string plan = dir.path("plan.gpkg");
    CliResult synth_result;
    CliResult plan_result;
    Fixture() {
        synth_result = run_cli({"synth", "--out", city, "--seed", "2021"});
        plan_result = run_cli({"plan", city, "--out", plan});
    }
};

Fixture &fx() {
    static Fixture f;
    return f;
}

using AllocationKey = std::tuple<std::string, int, std::string>; // parcel, year, type

std::vector<AllocationKey> allocations_of(const std::string &path) {
    auto ds = open(path);
    std::vector<AllocationKey> out;
    for (auto &&f : *ds->GetLayerByName("allocated_parcels")) {
        out.emplace_back(f->GetFieldAsString("parcel_id"), f->GetFieldAsInteger("year"),
                         f->GetFieldAsString("housing_type"));
    }
    return out;
}

} // namespace

TEST(EndToEnd, CommandsSucceedAndPrintTheSummary) {
    ASSERT_EQ(fx().synth_result.code, 0) << fx().synth_result.err;
    ASSERT_EQ(fx().plan_result.code, 0) << fx().plan_result.err;
    EXPECT_NE(fx().plan_result.out.find("status: all targets met"), std::string::npos)
        << fx().plan_result.out;
    EXPECT_NE(fx().plan_result.out.find("2025   commercial"), std::string::npos);
}

TEST(EndToEnd, OutputsPassGdalValidateGpkg) {
    for (const auto &path : {fx().city, fx().plan}) {
        const auto r =
            run_process("/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg '" + path + "'");
        EXPECT_EQ(r.code, 0) << path << ":\n" << r.out;
    }
}

TEST(EndToEnd, AllocatedParcelsAreReserveParcelsOutsideExclusions) {
    auto city = open(fx().city);
    auto plan = open(fx().plan);
    std::map<std::string, std::unique_ptr<OGRGeometry>> reserve;
    std::map<std::string, int> first_year;
    for (auto &&f : *city->GetLayerByName("parcels")) {
        reserve[f->GetFieldAsString("id")].reset(f->GetGeometryRef()->clone());
        first_year[f->GetFieldAsString("id")] = f->GetFieldAsInteger("first_year");
    }
    std::vector<std::unique_ptr<OGRGeometry>> exclusions;
    for (auto &&f : *city->GetLayerByName("constraints")) {
        if (std::string(f->GetFieldAsString("effect")) == "exclude") {
            exclusions.emplace_back(f->GetGeometryRef()->clone());
        }
    }
    ASSERT_FALSE(exclusions.empty());

    std::set<std::string> seen;
    int n = 0;
    for (auto &&f : *plan->GetLayerByName("allocated_parcels")) {
        ++n;
        const std::string id = f->GetFieldAsString("parcel_id");
        SCOPED_TRACE(id);
        EXPECT_TRUE(seen.insert(id).second) << "parcel allocated twice";
        auto it = reserve.find(id);
        ASSERT_NE(it, reserve.end()) << "not a reserve parcel";
        const OGRGeometry *g = f->GetGeometryRef();
        // Same land as the reserve parcel: its overlap with it is its whole area.
        std::unique_ptr<OGRGeometry> inter(g->Intersection(it->second.get()));
        const double parcel_area = dynamic_cast<const OGRMultiPolygon *>(g)->get_Area();
        ASSERT_TRUE(inter);
        const double common = inter->IsEmpty() ? 0.0
                              : wkbFlatten(inter->getGeometryType()) == wkbPolygon
                                  ? inter->toPolygon()->get_Area()
                                  : inter->toMultiPolygon()->get_Area();
        EXPECT_NEAR(common, parcel_area, 1e-3 * parcel_area);
        for (const auto &ex : exclusions) {
            if (!g->Intersects(ex.get())) {
                continue;
            }
            std::unique_ptr<OGRGeometry> o(g->Intersection(ex.get()));
            double a = 0;
            if (o && !o->IsEmpty()) {
                const auto t = wkbFlatten(o->getGeometryType());
                if (t == wkbPolygon) {
                    a = o->toPolygon()->get_Area();
                } else if (t == wkbMultiPolygon) {
                    a = o->toMultiPolygon()->get_Area();
                } else if (t == wkbGeometryCollection) {
                    a = o->toGeometryCollection()->get_Area();
                }
            }
            EXPECT_LT(a, 1.0) << "overlaps an exclusion constraint by " << a << " m2";
        }
        EXPECT_GE(f->GetFieldAsInteger("year"), first_year[id]) << "allocated before available";
    }
    EXPECT_GT(n, 100);
}

TEST(EndToEnd, EachYearMeetsItsTargetAndMatchesTheParcels) {
    auto plan = open(fx().plan);
    std::map<std::pair<int, std::string>, double> from_parcels;
    for (auto &&f : *plan->GetLayerByName("allocated_parcels")) {
        from_parcels[{f->GetFieldAsInteger("year"), f->GetFieldAsString("housing_type")}] +=
            f->GetFieldAsDouble("area_ha");
    }
    int rows = 0;
    for (auto &&f : *plan->GetLayerByName("annual_plan")) {
        ++rows;
        const int year = f->GetFieldAsInteger("year");
        const std::string type = f->GetFieldAsString("housing_type");
        SCOPED_TRACE(std::to_string(year) + " " + type);
        ASSERT_STREQ(f->GetFieldAsString("unit"), "ha");
        const double target = f->GetFieldAsDouble("target");
        const double tol = f->GetFieldAsDouble("tolerance");
        const double supplied = f->GetFieldAsDouble("supplied");
        EXPECT_GE(supplied, target * (1 - tol) - 1e-6);
        EXPECT_LE(supplied, target * (1 + tol) + 1e-6);
        EXPECT_EQ(f->GetFieldAsInteger("met"), 1);
        const double summed = from_parcels[{year, type}];
        EXPECT_NEAR(summed, supplied, 1e-3);
    }
    EXPECT_EQ(rows, 10); // 5 years x 2 housing types
}

TEST(EndToEnd, MetadataRecordsTheRun) {
    auto plan = open(fx().plan);
    std::map<std::string, std::string> meta;
    for (auto &&f : *plan->GetLayerByName("run_metadata")) {
        meta[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    }
    EXPECT_EQ(meta["input"], fx().city);
    EXPECT_EQ(meta["seed"], "1");
    EXPECT_EQ(meta["solver"], "heuristic"); // auto: 3000 parcels is past the exact limit
    EXPECT_FALSE(meta["bound"].empty());
    EXPECT_GE(std::stod(meta["bound"]), std::stod(meta["objective"]));
    EXPECT_LT(std::stod(meta["gap"]), 0.01);
    EXPECT_EQ(meta["crs"], "EPSG:4549");
    EXPECT_NE(meta["plan_text"].find("[[targets]]"), std::string::npos);
    EXPECT_FALSE(meta["landalloc_version"].empty());
    // The input's checksum is the file's SHA-256 (checked with coreutils' sha256sum).
    const auto sum = run_process("sha256sum '" + fx().city + "'");
    ASSERT_EQ(sum.code, 0);
    EXPECT_EQ(meta["input_sha256 " + fx().city], sum.out.substr(0, 64));
}

// Where the time went (docs/performance.md): the stages' times in run_metadata and the printed
// line `timings: ...` agree, and the stages before the other layers fit in the run's duration_s.
TEST(EndToEnd, TheStagesTimesAddUpToTheRun) {
    auto plan = open(fx().plan);
    std::map<std::string, double> meta;
    for (auto &&f : *plan->GetLayerByName("run_metadata")) {
        const std::string key = f->GetFieldAsString("key");
        if (key.size() > 8 && (key.ends_with("_seconds") || key == "duration_s")) {
            meta[key] = f->GetFieldAsDouble("value");
        }
    }
    const std::regex line(R"(timings: read and facts ([0-9.]+) s, model ([0-9.]+) s, solve )"
                          R"(([0-9.]+) s, explain ([0-9.]+) s, balance runs ([0-9.]+) s, write )"
                          R"(([0-9.]+) s \(the balance runs within it\), total ([0-9.]+) s; )"
                          R"(peak memory ([0-9]+) MiB)");
    std::smatch m;
    const std::string out = fx().plan_result.out;
    ASSERT_TRUE(std::regex_search(out, m, line)) << out;
    const char *keys[] = {"read_seconds", "model_seconds", "solve_seconds", "explain_seconds",
                          "balance_seconds"};
    double before_write = 0;
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(meta.count(keys[i])) << keys[i];
        EXPECT_NEAR(std::stod(m[i + 1]), meta[keys[i]], 0.0011) << keys[i];
        EXPECT_GE(meta[keys[i]], 0.0) << keys[i];
        before_write += meta[keys[i]];
    }
    // duration_s is taken after the balance runs, before the other layers are written.
    EXPECT_LE(before_write, meta["duration_s"] + 0.005);
    // The write starts before the balance runs (the parcel layers are written beside them) and
    // ends after them.
    const double write = std::stod(m[6]);
    const double total = std::stod(m[7]);
    EXPECT_LE(meta["balance_seconds"], write + 0.005);
    EXPECT_LE(before_write - meta["balance_seconds"] + write, total + 0.005);
    EXPECT_GE(total, meta["duration_s"]);
    EXPECT_GT(std::stol(m[8]), 10) << "peak memory in MiB";
}

TEST(EndToEnd, SameInputsGiveTheSamePlanAndCity) {
    TempDir dir;
    const std::string city2 = dir.path("city2.gpkg");
    const std::string plan2 = dir.path("plan2.gpkg");
    ASSERT_EQ(run_cli({"synth", "--out", city2, "--seed", "2021"}).code, 0);
    ASSERT_EQ(run_cli({"plan", city2, "--out", plan2}).code, 0);
    EXPECT_EQ(allocations_of(plan2), allocations_of(fx().plan));
    // The generated parcels are identical too.
    auto a = open(fx().city);
    auto b = open(city2);
    std::vector<std::string> wa;
    std::vector<std::string> wb;
    for (auto &&f : *a->GetLayerByName("parcels")) {
        wa.push_back(f->GetGeometryRef()->exportToWkt());
    }
    for (auto &&f : *b->GetLayerByName("parcels")) {
        wb.push_back(f->GetGeometryRef()->exportToWkt());
    }
    EXPECT_EQ(wa, wb);
}

/// Every layer of a GeoPackage, each feature as one line of its fields and geometry, but what
/// says when and how fast the run went (run_metadata's times, layer_styles' update_time).
std::map<std::string, std::vector<std::string>> every_feature(const std::string &path) {
    auto ds = open(path);
    std::map<std::string, std::vector<std::string>> out;
    for (OGRLayer *layer : ds->GetLayers()) {
        const std::string name = layer->GetName();
        for (auto &&f : *layer) {
            std::string line;
            for (int i = 0; i < f->GetFieldCount(); ++i) {
                const std::string field = f->GetFieldDefnRef(i)->GetNameRef();
                line += field + "=" + (field == "update_time" ? "" : f->GetFieldAsString(i)) + "\t";
            }
            if (const OGRGeometry *g = f->GetGeometryRef()) {
                line += g->exportToWkt();
            }
            if (name == "run_metadata") {
                const std::string key = f->GetFieldAsString("key");
                if (key.ends_with("_seconds") || key == "duration_s" || key == "started_utc") {
                    continue;
                }
            }
            out[name].push_back(line);
        }
    }
    return out;
}

TEST(EndToEnd, OneAndTwoThreadsGiveTheIdenticalPlan) {
    // The parcel facts and the balance runs spread over the threads (core/parallel.hpp): every
    // layer, field and geometry of the plan is the same on one thread as on two.
    TempDir dir;
    const std::string one = dir.path("one.gpkg");
    const std::string two = dir.path("two.gpkg");
    ASSERT_EQ(run_cli({"plan", fx().city, "--out", one, "--threads", "1"}).code, 0);
    ASSERT_EQ(run_cli({"plan", fx().city, "--out", two, "--threads", "2"}).code, 0);
    const auto a = every_feature(one);
    const auto b = every_feature(two);
    ASSERT_GT(a.at("allocated_parcels").size(), 100u);
    ASSERT_GT(a.at("rejected_candidates").size(), 1000u) << "more parcels than a worker's block";
    ASSERT_GE(a.at("jobs_housing_balance").size(), 4u) << "the no-term and balance-only runs";
    EXPECT_EQ(a.size(), b.size());
    for (const auto &[layer, rows] : a) {
        ASSERT_TRUE(b.count(layer)) << layer;
        ASSERT_EQ(rows.size(), b.at(layer).size()) << layer;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            ASSERT_EQ(rows[i], b.at(layer)[i]) << layer << " feature " << i;
        }
    }
}

TEST(EndToEnd, ADifferentSeedGivesADifferentCity) {
    TempDir dir;
    const std::string city2 = dir.path("city2.gpkg");
    ASSERT_EQ(run_cli({"synth", "--out", city2, "--seed", "7", "--parcels", "50"}).code, 0);
    auto a = open(city2);
    auto b = open(fx().city);
    OGRFeatureUniquePtr fa(a->GetLayerByName("parcels")->GetFeature(1));
    OGRFeatureUniquePtr fb(b->GetLayerByName("parcels")->GetFeature(1));
    ASSERT_TRUE(fa && fb);
    EXPECT_NE(fa->GetGeometryRef()->exportToWkt(), fb->GetGeometryRef()->exportToWkt());
}

TEST(EndToEnd, BalanceTermLowersDissimilarityAndThePlanSaysWhatItCosts) {
    auto plan = open(fx().plan);
    std::map<std::string, std::string> meta;
    for (auto &&f : *plan->GetLayerByName("run_metadata")) {
        meta[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    }
    // D before and after, recomputed from the zones layer's own features.
    double jobs = 0, w0 = 0, w1 = 0;
    std::vector<std::array<double, 3>> zones;
    for (auto &&f : *plan->GetLayerByName("zones")) {
        zones.push_back({f->GetFieldAsDouble("balance_jobs"), f->GetFieldAsDouble("workers_before"),
                         f->GetFieldAsDouble("workers_after")});
        jobs += zones.back()[0];
        w0 += zones.back()[1];
        w1 += zones.back()[2];
    }
    double d0 = 0, d1 = 0;
    for (const auto &z : zones) {
        d0 += std::abs(z[0] / jobs - z[1] / w0) / 2;
        d1 += std::abs(z[0] / jobs - z[2] / w1) / 2;
    }
    std::map<std::string, std::pair<double, double>> runs; // run -> (D, suitability)
    double given_up = 0;
    for (auto &&f : *plan->GetLayerByName("jobs_housing_balance")) {
        runs[f->GetFieldAsString("run")] = {f->GetFieldAsDouble("dissimilarity"),
                                            f->GetFieldAsDouble("suitability")};
        if (std::string(f->GetFieldAsString("run")) == "plan") {
            given_up = f->GetFieldAsDouble("suitability_given_up");
        }
    }
    ASSERT_EQ(runs.count("before") + runs.count("plan") + runs.count("no balance term") +
                  runs.count("balance only"),
              4U);
    EXPECT_NEAR(runs["before"].first, d0, 1e-5);
    EXPECT_NEAR(runs["plan"].first, d1, 1e-5);
    EXPECT_NEAR(std::stod(meta["dissimilarity_after"]), d1, 1e-5);
    // The demo's balance-only run gets D below D before, so the plan must too, and it beats the
    // plan without the term; balance only is the best of the three (within the heuristic's reach).
    ASSERT_LT(runs["balance only"].first, d0);
    EXPECT_LT(d1, d0);
    EXPECT_LT(d1, runs["no balance term"].first);
    EXPECT_LE(runs["balance only"].first, d1 + 0.005);
    // What balance costs: the no-term plan's suitability less the plan's, as the table says.
    EXPECT_NEAR(given_up, runs["no balance term"].second - runs["plan"].second, 1e-3);
    EXPECT_GE(given_up, 0);
    EXPECT_NEAR(std::stod(meta["suitability"]), runs["plan"].second, 1e-3);
    EXPECT_EQ(meta["balance_finding"].rfind("D falls", 0), 0U) << meta["balance_finding"];
    EXPECT_NE(fx().plan_result.out.find("(falls)"), std::string::npos);
    EXPECT_NE(fx().plan_result.out.find("weighing balance only D"), std::string::npos);
}

// The synthetic city's streets through the command line: plan with [inputs] streets and an
// indicative 20-minute commute limit, then validate the same inputs.
TEST(EndToEnd, StreetsAndTheCommuteLimitThroughTheCommandLine) {
    const CliResult def = run_cli({"default-plan"});
    ASSERT_EQ(def.code, 0);
    const std::string plan_file = fx().dir.path("streets.toml");
    {
        std::ofstream f(plan_file);
        f << def.out << "\n[inputs]\nstreets = \"streets\"\n\n[rules.commute_limit]\n"
          << "minutes = 12\ntypes = [\"affordable_rental\"]\nbinding = false\n";
    }
    const std::string out = fx().dir.path("streets.gpkg");
    const CliResult r = run_cli({"plan", fx().city, "--plan", plan_file, "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("streets: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rule commute_limit"), std::string::npos) << r.out;
    auto ds = open(out);
    int rows = 0;
    for (auto &&f : *ds->GetLayerByName("rule_checks")) {
        if (std::string(f->GetFieldAsString("rule")) == "commute_limit") {
            ++rows;
            EXPECT_EQ(f->GetFieldAsInteger("binding"), 0);
            EXPECT_NE(std::string(f->GetFieldAsString("requirement")).find("along the streets"),
                      std::string::npos);
            EXPECT_GE(f->GetFieldAsDouble("actual"), 0);
        }
    }
    EXPECT_EQ(rows, 1);
    const CliResult v = run_cli({"validate", fx().city, "--plan", plan_file});
    ASSERT_EQ(v.code, 0) << v.err;
    EXPECT_NE(v.out.find("street nodes per zone: D01 "), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("lie farther than 300 m from every street"), std::string::npos);
}

// A scenario through the command line: the built-in plan with [scenarios.transit_first], which
// weighs transit almost alone for commercial housing and jobs almost alone for affordable rental
// housing. Planned with --scenario it gives another plan than the built-in plan (fx().plan) and
// says which scenario it ran.
TEST(PlanScenario, AScenarioOfOtherWeightsGivesAnotherPlanAndIsRecorded) {
    const CliResult def = run_cli({"default-plan"});
    ASSERT_EQ(def.code, 0);
    const std::string plan_file = fx().dir.path("scenarios.toml");
    {
        std::ofstream f(plan_file);
        f << def.out << "\n[scenarios.transit_first.scoring.weights.commercial]\n"
          << "transit = 0.9\njobs = 0.05\nzone_class = 0.05\n"
          << "\n[scenarios.transit_first.scoring.weights.affordable_rental]\n"
          << "transit = 0.05\njobs = 0.9\nzone_class = 0.05\n";
    }
    const std::string out = fx().dir.path("transit_first.gpkg");
    const CliResult r = run_cli(
        {"plan", fx().city, "--plan", plan_file, "--scenario", "transit_first", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("landalloc plan: Example city (built-in default plan), scenario "
                         "'transit_first', 3000 candidate parcels"),
              std::string::npos)
        << r.out;

    // Another plan: the (parcel, year, type) triples differ.
    const auto scenario = allocations_of(out);
    const auto base = allocations_of(fx().plan);
    ASSERT_FALSE(scenario.empty());
    EXPECT_NE(std::set<AllocationKey>(scenario.begin(), scenario.end()),
              std::set<AllocationKey>(base.begin(), base.end()));
    // The scenario moved commercial housing towards the stations: its mean distance to the
    // nearest station is lower than the built-in plan's.
    const auto mean_station_dist = [](const std::string &path, const std::string &type) {
        auto ds = open(path);
        double sum = 0;
        double area = 0;
        for (auto &&f : *ds->GetLayerByName("allocated_parcels")) {
            if (f->GetFieldAsString("housing_type") == type) {
                sum += f->GetFieldAsDouble("station_dist_m") * f->GetFieldAsDouble("area_ha");
                area += f->GetFieldAsDouble("area_ha");
            }
        }
        return sum / area;
    };
    EXPECT_LT(mean_station_dist(out, "commercial"), mean_station_dist(fx().plan, "commercial"));

    // run_metadata records the scenario (and the built-in plan's run an empty one).
    const auto meta_of = [](const std::string &path) {
        auto ds = open(path);
        std::map<std::string, std::string> meta;
        for (auto &&f : *ds->GetLayerByName("run_metadata")) {
            meta[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
        }
        return meta;
    };
    const auto meta = meta_of(out);
    ASSERT_TRUE(meta.count("scenario"));
    EXPECT_EQ(meta.at("scenario"), "transit_first");
    EXPECT_EQ(meta.at("plan_file"), plan_file);
    const auto base_meta = meta_of(fx().plan);
    ASSERT_TRUE(base_meta.count("scenario"));
    EXPECT_EQ(base_meta.at("scenario"), "");
    // The report's introduction names it.
    const std::string html = read_file(fx().dir.path("transit_first.html"));
    EXPECT_NE(html.find("情景 <strong>transit_first</strong>"), std::string::npos);
}
