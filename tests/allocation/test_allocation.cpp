#include "allocation/greedy.hpp"
#include "allocation/heuristic.hpp"
#include "allocation/model.hpp"
#include "allocation/planner.hpp"
#include "core/errors.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "plan_file/input_spec.hpp"
#include "plan_file/plan_file.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

using namespace landalloc;

namespace {

// A city built in a few lines: one zone, parcels of 1 ha each on a line away from a station.
City line_city(int n) {
    City c;
    c.zones.push_back({"Z1", "一区", 1000, 500, 400, "moderate", 8, 1e7});
    c.stations.push_back({"S1", "站", "metro", "1", 0, 0, 0});
    for (int i = 0; i < n; ++i) {
        Parcel p;
        p.id = "P" + std::to_string(100 + i);
        p.first_year = 2021;
        p.far_cap = 2.0;
        p.area_m2 = 10000;
        p.zone = 0;
        p.nearest_station = 0;
        p.station_distance_m = 100.0 * (i + 1);
        c.parcels.push_back(p);
    }
    return c;
}

PlanConfig two_year_plan(double y1, double y2, const std::string &unit = "ha") {
    return parse_plan(R"([plan]
first_year = 2021
last_year = 2022
[housing_types.commercial]
unit_m2 = 100.0
far_min = 1.0
far_max = 3.0
[[targets]]
type = "commercial"
unit = ")" + unit + R"("
values = [)" + std::to_string(y1) +
                          ", " + std::to_string(y2) + R"(]
tolerance = 0.05
)",
                      "");
}

} // namespace

TEST(Greedy, TakesBestScoringParcelsFirstAndMeetsTargets) {
    const City city = line_city(10);
    const PlanConfig cfg = two_year_plan(3, 2);
    const Plan plan = make_plan(city, cfg, GreedyAllocator());
    ASSERT_EQ(plan.allocations.size(), 5u);
    // 2021 takes the three nearest the station (P100-P102), 2022 the next two.
    std::set<std::string> y2021;
    for (const auto &a : plan.allocations) {
        if (a.year == 2021) {
            y2021.insert(city.parcels[a.parcel].id);
        }
    }
    EXPECT_EQ(y2021, (std::set<std::string>{"P100", "P101", "P102"}));
    ASSERT_EQ(plan.annual.size(), 2u);
    EXPECT_TRUE(plan.annual[0].met);
    EXPECT_DOUBLE_EQ(plan.annual[0].supplied, 3.0);
    EXPECT_DOUBLE_EQ(plan.annual[1].supplied, 2.0);
    EXPECT_TRUE(plan.binding_targets_met());
    EXPECT_EQ(plan.status, "all targets met");
}

TEST(Greedy, RespectsAvailabilityExclusionTypeAndPlotRatio) {
    City city = line_city(6);
    city.parcels[0].first_year = 2022; // not yet available in 2021
    city.parcels[1].excluded_by = 0;   // in a red line
    city.constraints.push_back(
        {"ECO", "ecological_redline", "constraints", ConstraintEffect::exclude, k_inf});
    city.parcels[2].allowed_types = {"affordable_rental"}; // commercial not allowed
    city.parcels[3].far_cap = 0.5;                         // below commercial far_min 1.0
    const PlanConfig cfg = two_year_plan(1, 0);
    const Plan plan = make_plan(city, cfg, GreedyAllocator());
    ASSERT_EQ(plan.allocations.size(), 1u);
    EXPECT_EQ(city.parcels[plan.allocations[0].parcel].id, "P104");
    const AllocationProblem pr = build_problem(city, cfg);
    EXPECT_EQ(pr.eligibility[pr.at(1, 0)], Eligibility::excluded);
    EXPECT_EQ(pr.eligibility[pr.at(2, 0)], Eligibility::type_not_allowed);
    EXPECT_EQ(pr.eligibility[pr.at(3, 0)], Eligibility::far_too_low);
}

TEST(Greedy, NeverPassesUpperTolerance) {
    City city = line_city(4);
    city.parcels[0].area_m2 = 30000; // 3 ha: would overshoot a 2 ha target
    const PlanConfig cfg = two_year_plan(2, 0);
    const Plan plan = make_plan(city, cfg, GreedyAllocator());
    EXPECT_TRUE(plan.annual[0].met);
    EXPECT_DOUBLE_EQ(plan.annual[0].supplied, 2.0);
    for (const auto &a : plan.allocations) {
        EXPECT_NE(city.parcels[a.parcel].id, "P100");
    }
}

TEST(Greedy, UnitsTargetsUsePlotRatioAndUnitSize) {
    const City city = line_city(10);
    // 1 ha at plot ratio 2.0 = 20,000 m2 = 200 units of 100 m2.
    const PlanConfig cfg = two_year_plan(400, 200, "units");
    const Plan plan = make_plan(city, cfg, GreedyAllocator());
    EXPECT_DOUBLE_EQ(plan.annual[0].supplied, 400.0);
    EXPECT_DOUBLE_EQ(plan.annual[0].supplied_units, 400.0);
    EXPECT_DOUBLE_EQ(plan.annual[0].supplied_floor_m2, 40000.0);
    EXPECT_EQ(plan.annual[0].parcels, 2);
}

TEST(Greedy, ShortfallIsReportedWithCause) {
    const City city = line_city(3);
    const PlanConfig cfg = two_year_plan(2, 5); // 2022 wants 5 ha, only 1 ha remains
    const Plan plan = make_plan(city, cfg, GreedyAllocator());
    EXPECT_FALSE(plan.binding_targets_met());
    ASSERT_EQ(plan.annual.size(), 2u);
    const AnnualRow &r = plan.annual[1];
    EXPECT_FALSE(r.met);
    EXPECT_DOUBLE_EQ(r.supplied, 1.0);
    // A binding figure of 5 ha - 1 ha supplied = 4 ha short; nothing eligible left.
    EXPECT_EQ(r.status, "short");
    EXPECT_DOUBLE_EQ(r.difference, -4.0);
    EXPECT_NE(r.note.find("short by 4.00 ha"), std::string::npos) << r.note;
    // Only 3 ha are eligible by 2022 in all, below the 5 ha figure.
    EXPECT_EQ(r.cause, "no_eligible_land");
    EXPECT_NE(r.note.find("not enough eligible land available by 2022: 3.00 ha on offer in all"),
              std::string::npos)
        << r.note;
    EXPECT_NE(plan.status.find("2022 commercial"), std::string::npos) << plan.status;
}

TEST(Greedy, NoParcelIsUsedTwiceAndResultIsDeterministic) {
    const City city = line_city(50);
    const PlanConfig cfg = two_year_plan(10, 12);
    const Plan a = make_plan(city, cfg, GreedyAllocator());
    const Plan b = make_plan(city, cfg, GreedyAllocator());
    std::set<std::size_t> seen;
    for (const auto &x : a.allocations) {
        EXPECT_TRUE(seen.insert(x.parcel).second) << "parcel used twice: " << x.parcel;
    }
    ASSERT_EQ(a.allocations.size(), b.allocations.size());
    for (std::size_t i = 0; i < a.allocations.size(); ++i) {
        EXPECT_EQ(a.allocations[i].parcel, b.allocations[i].parcel);
        EXPECT_EQ(a.allocations[i].year, b.allocations[i].year);
    }
}

TEST(Scoring, PartsSumToScoreAndExplainTheSite) {
    const City city = line_city(2);
    const PlanConfig cfg = two_year_plan(1, 0);
    const Plan plan = make_plan(city, cfg, GreedyAllocator());
    ASSERT_EQ(plan.allocations.size(), 1u);
    const Allocation &a = plan.allocations[0];
    double sum = 0;
    for (const auto &p : a.score_parts) {
        sum += p.value;
    }
    EXPECT_NEAR(sum, a.score, 1e-12);
    // The nearest station by its name.
    EXPECT_NE(a.reasons.find("(station " + city.stations[0].name + " 100 m)"), std::string::npos)
        << a.reasons;
    EXPECT_NE(a.reasons.find("plot ratio 2.00"), std::string::npos) << a.reasons;
}

// Zones grouped into districts (区/县): a plan file's zone list may name a district for all its
// zones. The city is a plan's own synthetic one, its six zones in two districts.
namespace {

const char *const k_district_plan = R"toml(
[plan]
first_year = 2021
last_year = 2023

[housing_types.commercial]
unit_m2 = 100

[housing_types.talent]
unit_m2 = 80

[jobs_housing]
weight = 0

[solver]
method = "heuristic"

[inputs.synth]
parcels = 400
scale = 0.6
seed = 11

[[inputs.synth.districts]]
id = "A1"
district = "DA"
district_name = "甲区"

[[inputs.synth.districts]]
id = "B1"
district = "DB"

[[inputs.synth.districts]]
id = "A2"
district = "DA"

[[inputs.synth.districts]]
id = "B2"
district = "DB"

[[inputs.synth.districts]]
id = "A3"
district = "DA"

[[inputs.synth.districts]]
id = "B3"
district = "DB"
)toml";

struct DistrictCity {
    PlanFile cfg = parse_plan(k_district_plan, "districts.toml");
    City city;
    DistrictCity() {
        const SynthCity made = make_synth_city(make_synth_options(cfg));
        city = load_city(make_input_spec(cfg, "", ""), made.layers).city;
    }
};

const DistrictCity &district_city() {
    static const DistrictCity c;
    return c;
}

} // namespace

TEST(ZoneMask, ADistrictIdNamesAllItsZones) {
    const auto &[cfg, city] = district_city();
    ASSERT_EQ(city.zones.size(), 6u);
    for (const Zone &z : city.zones) {
        EXPECT_EQ(z.district, z.id[0] == 'A' ? "DA" : "DB") << z.id;
        EXPECT_EQ(z.district_name, z.id[0] == 'A' ? "甲区" : "DB") << z.id;
    }
    const std::vector<bool> da = zone_mask(cfg, city, {"DA"}, 3, "targets[0].zones");
    const std::vector<bool> mixed = zone_mask(cfg, city, {"DB", "A2"}, 3, "targets[0].zones");
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        const std::string &id = city.zones[z].id;
        EXPECT_EQ(da[z], id[0] == 'A') << id;
        EXPECT_EQ(mixed[z], id[0] == 'B' || id == "A2") << id;
    }
    try {
        (void)zone_mask(cfg, city, {"A1", "DC"}, 3, "rules.key_areas.zones");
        FAIL() << "no error";
    } catch (const PlanFileError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("districts.toml:3: key 'rules.key_areas.zones': 'DC' is neither a zone "
                         "id nor a district id"),
                  std::string::npos)
            << m;
    }
}

TEST(ZoneMask, ATargetForADistrictIsSuppliedOnlyInItsZones) {
    const auto &[base, city] = district_city();
    const PlanFile cfg = parse_plan(std::string(k_district_plan) + R"toml(
[[targets]]
type = "talent"
zones = ["DA"]
values = [6, 6, 6]

[[targets]]
type = "commercial"
values = [25, 25, 25]
)toml",
                                    "districts.toml");
    const HeuristicAllocator allocator{HeuristicOptions{}};
    const Plan plan = make_plan(city, cfg, allocator);
    std::map<int, double> talent_ha;
    int commercial_outside = 0;
    for (const Allocation &a : plan.allocations) {
        const int z = city.parcels[a.parcel].zone;
        const bool in_da =
            z >= 0 && city.zones[static_cast<std::size_t>(z)].district == std::string("DA");
        if (a.type == "talent") {
            EXPECT_TRUE(in_da) << city.parcels[a.parcel].id;
            talent_ha[a.year] += a.area_m2 / 1e4;
        } else if (!in_da) {
            ++commercial_outside;
        }
    }
    // Land outside DA was there to take: the city-wide target used it.
    EXPECT_GT(commercial_outside, 0);
    for (int y = 2021; y <= 2023; ++y) {
        EXPECT_NEAR(talent_ha[y], 6.0, 6.0 * 0.05 + 1e-6) << y;
    }
}
