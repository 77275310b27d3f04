// `landalloc compare`: the example city planned under two scenarios, compared; the differences
// layer and the comparison table are checked against the two plans' own features, read with plain
// OGR (not landalloc's reading code).

#include "ogr_util.hpp"
#include "test_util.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>

using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    TempDir dir;
    std::string city = dir.path("city.gpkg");
    std::string plan_file = dir.path("scenarios.toml");
    std::string a = dir.path("transit.gpkg");
    std::string b = dir.path("jobs.gpkg");
    std::string out = dir.path("cmp.gpkg");
    CliResult result;
    Fixture() {
        EXPECT_EQ(run_cli({"synth", "--out", city, "--seed", "2021", "--quiet"}).code, 0);
        const CliResult def = run_cli({"default-plan"});
        std::ofstream(plan_file) << def.out << R"toml(
[scenarios.transit_first.scoring.weights.commercial]
transit = 0.9
jobs = 0.05
zone_class = 0.05

[scenarios.jobs_first.scoring.weights.commercial]
transit = 0.05
jobs = 0.9
zone_class = 0.05

[scenarios.jobs_first.scoring.weights.affordable_rental]
transit = 0.05
jobs = 0.9
zone_class = 0.05
)toml";
        for (const auto &[scenario, gpkg] :
             {std::pair{"transit_first", a}, std::pair{"jobs_first", b}}) {
            const CliResult r = run_cli({"plan", city, "--plan", plan_file, "--scenario", scenario,
                                         "--out", gpkg, "--quiet"});
            EXPECT_EQ(r.code, 0) << r.err;
        }
        result = run_cli({"compare", a, b, "-o", out});
    }
};

Fixture &fx() {
    static Fixture f;
    return f;
}

using Allocation = std::optional<std::pair<int, std::string>>; // (year, type); none: not allocated

struct PlanFeatures {
    std::map<std::string, Allocation> parcels;                               // every candidate
    std::map<std::pair<int, std::string>, std::pair<double, double>> supply; // ha, units
    std::map<std::string, std::string> meta;
    int binding_met = 0, binding_total = 0;
    std::map<int, std::pair<double, double>> rental; // r -> (area within, area)
    std::size_t allocated = 0;
};

/// One plan's own features, summed here.
PlanFeatures features_of(const std::string &path) {
    auto ds = open_vector(path);
    PlanFeatures p;
    OGRLayer *alloc = ds->GetLayerByName("allocated_parcels");
    for (auto &&f : *alloc) {
        const int year = f->GetFieldAsInteger("year");
        const std::string type = f->GetFieldAsString("housing_type");
        p.parcels[f->GetFieldAsString("parcel_id")] = std::pair{year, type};
        auto &s = p.supply[{year, type}];
        s.first += f->GetFieldAsDouble("area_ha");
        s.second += f->GetFieldAsDouble("units");
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("bundled_type"))) {
            p.supply[{year, f->GetFieldAsString("bundled_type")}].second +=
                f->GetFieldAsDouble("bundled_units");
        }
        ++p.allocated;
        if (type == "affordable_rental") {
            for (int r : {500, 800}) {
                auto &q = p.rental[r];
                q.second += f->GetFieldAsDouble("area_ha");
                const std::string field = "stations_within_" + std::to_string(r) + "m";
                q.first +=
                    f->GetFieldAsInteger(field.c_str()) > 0 ? f->GetFieldAsDouble("area_ha") : 0;
            }
        }
    }
    for (auto &&f : *ds->GetLayerByName("rejected_candidates")) {
        p.parcels[f->GetFieldAsString("parcel_id")] = std::nullopt;
    }
    for (auto &&f : *ds->GetLayerByName("run_metadata")) {
        p.meta[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    }
    for (auto &&f : *ds->GetLayerByName("annual_plan")) {
        if (f->GetFieldAsInteger("binding") == 1) {
            ++p.binding_total;
            p.binding_met += std::string(f->GetFieldAsString("status")) == "met" ? 1 : 0;
        }
    }
    return p;
}

std::string expected_change(const Allocation &a, const Allocation &x, const std::string &letter) {
    if (!a && !x) {
        return "same";
    }
    if (!x) {
        return "only_in_A";
    }
    if (!a) {
        return "only_in_" + letter;
    }
    const bool year = a->first != x->first;
    const bool type = a->second != x->second;
    return year && type ? "moved_year_changed_type"
           : year       ? "moved_year"
           : type       ? "changed_type"
                        : "same";
}

Allocation allocation_in(OGRFeature &f, const std::string &letter) {
    const int year = f.GetFieldIndex(("year_" + letter).c_str());
    const int type = f.GetFieldIndex(("type_" + letter).c_str());
    EXPECT_GE(year, 0);
    EXPECT_GE(type, 0);
    const bool y = f.IsFieldSetAndNotNull(year);
    const bool t = f.IsFieldSetAndNotNull(type);
    EXPECT_EQ(y, t) << "year and type are NULL together";
    if (!y) {
        return std::nullopt;
    }
    return std::pair{f.GetFieldAsInteger(year), std::string(f.GetFieldAsString(type))};
}

} // namespace

TEST(CompareCli, SucceedsAndPrintsThePlansSideBySide) {
    ASSERT_EQ(fx().result.code, 0) << fx().result.err;
    EXPECT_EQ(fx().result.err, "");
    EXPECT_NE(fx().result.out.find("transit_first"), std::string::npos) << fx().result.out;
    EXPECT_NE(fx().result.out.find("jobs_first"), std::string::npos) << fx().result.out;
    EXPECT_NE(fx().result.out.find("differences: "), std::string::npos) << fx().result.out;
    EXPECT_TRUE(fs::exists(fx().dir.path("cmp.html")));
    const auto r =
        run_process("/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg '" + fx().out + "'");
    EXPECT_EQ(r.code, 0) << r.out;
}

TEST(CompareCli, EveryParcelThatDiffersAppearsOnceWithBothAllocations) {
    ASSERT_EQ(fx().result.code, 0) << fx().result.err;
    const PlanFeatures a = features_of(fx().a);
    const PlanFeatures b = features_of(fx().b);
    ASSERT_EQ(a.parcels.size(), b.parcels.size());
    std::set<std::string> expected;
    for (const auto &[id, alloc] : a.parcels) {
        ASSERT_TRUE(b.parcels.count(id)) << id;
        if (alloc != b.parcels.at(id)) {
            expected.insert(id);
        }
    }
    ASSERT_FALSE(expected.empty()) << "the two scenarios should give different plans";

    auto ds = open_vector(fx().out);
    OGRLayer *layer = ds->GetLayerByName("differences");
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(wkbFlatten(layer->GetGeomType()), wkbMultiPolygon);
    std::map<std::string, int> seen;
    for (auto &&f : *layer) {
        const std::string id = f->GetFieldAsString("parcel_id");
        ++seen[id];
        ASSERT_TRUE(a.parcels.count(id)) << id;
        const Allocation in_a = allocation_in(*f, "a");
        const Allocation in_b = allocation_in(*f, "b");
        EXPECT_EQ(in_a, a.parcels.at(id)) << id;
        EXPECT_EQ(in_b, b.parcels.at(id)) << id;
        EXPECT_EQ(f->GetFieldAsString("change"), expected_change(in_a, in_b, "B")) << id;
        // The parcel's own outline: its area is the parcel's area_ha.
        const OGRGeometry *g = f->GetGeometryRef();
        ASSERT_NE(g, nullptr) << id;
        EXPECT_NEAR(g->toMultiPolygon()->get_Area() / 10000.0, f->GetFieldAsDouble("area_ha"),
                    1e-3 + 1e-4 * f->GetFieldAsDouble("area_ha"))
            << id;
    }
    std::set<std::string> listed;
    for (const auto &[id, n] : seen) {
        EXPECT_EQ(n, 1) << id << " appears " << n << " times";
        listed.insert(id);
    }
    EXPECT_EQ(listed, expected);
}

TEST(CompareCli, ComparisonTableIsEachPlansOwnFeaturesSummed) {
    ASSERT_EQ(fx().result.code, 0) << fx().result.err;
    const std::vector<PlanFeatures> plans = {features_of(fx().a), features_of(fx().b)};
    std::size_t differing = 0;
    for (const auto &[id, alloc] : plans[0].parcels) {
        differing += alloc != plans[1].parcels.at(id) ? 1 : 0;
    }
    auto ds = open_vector(fx().out);
    OGRLayer *layer = ds->GetLayerByName("comparison");
    ASSERT_NE(layer, nullptr);
    ASSERT_EQ(layer->GetFeatureCount(), 2);
    std::size_t row = 0;
    for (auto &&f : *layer) {
        ASSERT_LT(row, plans.size());
        const PlanFeatures &p = plans[row];
        SCOPED_TRACE("plan " + std::to_string(row));
        EXPECT_EQ(std::string(f->GetFieldAsString("plan")), row == 0 ? "A" : "B");
        EXPECT_EQ(std::string(f->GetFieldAsString("label")),
                  row == 0 ? "transit_first" : "jobs_first");
        EXPECT_EQ(std::string(f->GetFieldAsString("scenario")), p.meta.at("scenario"));
        EXPECT_EQ(f->GetFieldAsInteger("allocated_parcels"), static_cast<int>(p.allocated));
        EXPECT_EQ(f->GetFieldAsInteger("differing_parcels"),
                  row == 0 ? 0 : static_cast<int>(differing));
        double ha = 0, units = 0;
        int cells = 0;
        for (int y = 2021; y <= 2025; ++y) {
            for (const char *t : {"affordable_rental", "commercial"}) {
                const auto it = p.supply.find({y, t});
                const auto s = it == p.supply.end() ? std::pair{0.0, 0.0} : it->second;
                const std::string key = std::to_string(y) + "_" + t;
                ASSERT_GE(f->GetFieldIndex(("ha_" + key).c_str()), 0) << key;
                EXPECT_NEAR(f->GetFieldAsDouble(("ha_" + key).c_str()), s.first, 1e-3) << key;
                EXPECT_NEAR(f->GetFieldAsDouble(("units_" + key).c_str()), s.second, 0.1) << key;
                ha += s.first;
                units += s.second;
                ++cells;
            }
        }
        EXPECT_EQ(cells, 10);
        EXPECT_NEAR(f->GetFieldAsDouble("ha_total"), ha, 1e-3);
        EXPECT_NEAR(f->GetFieldAsDouble("units_total"), units, 0.1);
        EXPECT_EQ(f->GetFieldAsInteger("binding_met"), p.binding_met);
        EXPECT_EQ(f->GetFieldAsInteger("binding_total"), p.binding_total);
        EXPECT_GT(p.binding_total, 0);
        for (const char *key :
             {"dissimilarity_after", "excess_commuting_after", "objective", "gap"}) {
            EXPECT_NEAR(f->GetFieldAsDouble(key), std::stod(p.meta.at(key)),
                        1e-6 + 1e-6 * std::abs(std::stod(p.meta.at(key))))
                << key;
        }
        for (int r : {500, 800}) {
            const std::string field = "ar_share_within_" + std::to_string(r) + "m";
            const auto &[within, area] = p.rental.at(r);
            ASSERT_GT(area, 0);
            EXPECT_NEAR(f->GetFieldAsDouble(field.c_str()), within / area, 1e-5) << field;
        }
        ++row;
    }
    // The report beside it holds both plans' labels and nothing fetched.
    const std::string html = read_file(fx().dir.path("cmp.html"));
    EXPECT_NE(html.find("transit_first"), std::string::npos);
    EXPECT_NE(html.find("jobs_first"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("src=\"http"), std::string::npos);
}

TEST(CompareCli, MorePlansAreEachComparedWithTheFirst) {
    ASSERT_EQ(fx().result.code, 0) << fx().result.err;
    // C is B again under another name: it differs from A exactly where B does.
    const std::string c = fx().dir.path("jobs_again.gpkg");
    fs::copy_file(fx().b, c, fs::copy_options::overwrite_existing);
    const std::string out = fx().dir.path("cmp3.gpkg");
    const CliResult r = run_cli({"compare", fx().a, fx().b, c, "-o", out, "--quiet"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto two = open_vector(fx().out);
    auto three = open_vector(out);
    EXPECT_EQ(three->GetLayerByName("differences")->GetFeatureCount(),
              two->GetLayerByName("differences")->GetFeatureCount());
    for (auto &&f : *three->GetLayerByName("differences")) {
        EXPECT_EQ(allocation_in(*f, "b"), allocation_in(*f, "c"));
        // C's words are B's, but for the plan's letter in only_in_<letter>; `change` lists the
        // distinct words.
        const std::string change_b = f->GetFieldAsString("change_b");
        const bool only_in_b = change_b == "only_in_B";
        EXPECT_EQ(std::string(f->GetFieldAsString("change_c")),
                  only_in_b ? std::string("only_in_C") : change_b);
        EXPECT_EQ(std::string(f->GetFieldAsString("change")),
                  only_in_b ? std::string("only_in_B,only_in_C") : change_b);
    }
    // Two plans of the same scenario: their labels get their letters.
    std::vector<std::string> labels;
    for (auto &&f : *three->GetLayerByName("comparison")) {
        labels.emplace_back(f->GetFieldAsString("label"));
    }
    EXPECT_EQ(labels,
              (std::vector<std::string>{"transit_first", "jobs_first (B)", "jobs_first (C)"}));
}

TEST(CompareCli, BadInputsAreOneLineErrorsNamingFileAndLayer) {
    ASSERT_EQ(fx().result.code, 0) << fx().result.err;
    const std::string out = fx().dir.path("never.gpkg");
    // Not a plan GeoPackage: the city itself.
    CliResult r = run_cli({"compare", fx().a, fx().city, "-o", out});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("landalloc compare: input error: " + fx().city +
                         ", layer 'allocated_parcels': missing"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    // A plan of another city (a smaller one: other candidate parcels).
    const std::string small = fx().dir.path("small.gpkg");
    const std::string small_plan = fx().dir.path("small_plan.gpkg");
    ASSERT_EQ(run_cli({"synth", "--out", small, "--parcels", "300", "--quiet"}).code, 0);
    (void)run_cli({"plan", small, "--out", small_plan, "--solver", "greedy", "--quiet"});
    ASSERT_TRUE(fs::exists(small_plan));
    r = run_cli({"compare", fx().a, small_plan, "-o", out});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find(small_plan +
                         ", layers 'allocated_parcels' and 'rejected_candidates': "
                         "not the city of " +
                         fx().a),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    // Another city with the same parcel ids (another seed, as many parcels): other areas.
    const std::string other = fx().dir.path("other.gpkg");
    const std::string other_plan = fx().dir.path("other_plan.gpkg");
    ASSERT_EQ(run_cli({"synth", "--out", other, "--seed", "5", "--quiet"}).code, 0);
    (void)run_cli({"plan", other, "--out", other_plan, "--solver", "greedy", "--quiet"});
    ASSERT_TRUE(fs::exists(other_plan));
    r = run_cli({"compare", fx().a, other_plan, "-o", out});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find(other_plan + ", layer '"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("has area_ha"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not the same city"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    // A missing file.
    r = run_cli({"compare", fx().a, fx().dir.path("none.gpkg"), "-o", out});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("none.gpkg: file not found"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    // One plan only is a usage error.
    EXPECT_EQ(run_cli({"compare", fx().a, "-o", out}).code, 2);
    EXPECT_FALSE(fs::exists(out));
}

TEST(CompareCli, ExistingOutputIsKeptWithoutOverwrite) {
    ASSERT_EQ(fx().result.code, 0) << fx().result.err;
    const std::string out = fx().dir.path("kept.gpkg");
    write_file(out, "an earlier comparison");
    CliResult r = run_cli({"compare", fx().a, fx().b, "-o", out});
    EXPECT_EQ(r.code, 5) << r.err;
    EXPECT_NE(r.err.find("already exists; pass --overwrite"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(out), "an earlier comparison");
    r = run_cli({"compare", fx().a, fx().b, "-o", out, "--overwrite", "--quiet"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(read_file(out), "an earlier comparison");
    // The output cannot be one of the plans.
    r = run_cli({"compare", fx().a, fx().b, "-o", fx().b, "--overwrite"});
    EXPECT_EQ(r.code, 2) << r.err;
}
