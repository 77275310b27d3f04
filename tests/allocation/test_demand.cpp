// The demand model (SPEC.md rule 12; allocation/demand.hpp): the seeds' own arithmetic, zones,
// destocking, talent matching, units and the errors of [demand].

#include "allocation/demand.hpp"
#include "allocation/planner.hpp"
#include "allocation/random_city.hpp"
#include "core/errors.hpp"
#include "plan_file/plan_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace landalloc;

namespace {

const char *k_header = R"toml(
[plan]
first_year = 2021
last_year = 2025

[housing_types.commercial]
unit_m2 = 90.0
far_min = 2.0
far_max = 2.0

[housing_types.affordable_rental]
unit_m2 = 60.0
rental = true

[housing_types.talent]
unit_m2 = 80.0
)toml";

PlanConfig plan(const std::string &body) {
    return parse_plan(std::string(k_header) + body, "test.toml");
}

std::string parse_error(const std::string &body) {
    try {
        (void)plan(body);
    } catch (const PlanFileError &e) {
        return e.what();
    }
    return "(no error)";
}

std::string apply_error(const std::string &body, const City &city) {
    PlanConfig cfg = plan(body);
    try {
        apply_demand(cfg, city);
    } catch (const PlanFileError &e) {
        return e.what();
    }
    return "(no error)";
}

Zone zone(const std::string &id, double population, double dwellings, double destock_months = 0) {
    Zone z;
    z.id = id;
    z.population = population;
    z.dwellings = dwellings;
    z.destock_months = destock_months;
    return z;
}

double total(const Target &t) {
    double s = 0;
    for (double v : t.values) {
        s += v;
    }
    return s;
}

// Jiaxing Port, Table 2 (jiaxing-port.txt L160-L169; digest L149-L150, section 5 L431-L441):
// per-capita floor area 87.4 m^2 in 2025, housing stock 560.87万 m^2 in 2020 and 655.7万 m^2 in
// 2025, so the 2025 population is about 75,020 (655.7万 / 87.4).
const char *k_jiaxing = R"toml(
[[targets]]
type = "commercial"
unit = "m2"
demand = "housing"

[[targets]]
type = "affordable_rental"
unit = "units"
demand = "housing"

[demand]
population = 75020
per_capita_m2 = 87.4
existing_stock_m2 = 5608700
)toml";

} // namespace

TEST(Demand, JiaxingPortArithmetic) {
    PlanConfig cfg = plan(k_jiaxing);
    const City city; // no zones: city-wide
    apply_demand(cfg, city);

    // 75,020 x 87.4 = 6,556,748 m^2 (655.7万), minus 5,608,700 (560.87万) = 948,048 m^2.
    const double horizon = 75020 * 87.4 - 5608700;
    EXPECT_NEAR(horizon, 948048, 1e-6);
    const Target &m2 = cfg.targets[0];
    ASSERT_EQ(m2.values.size(), 5u);
    for (double v : m2.values) {
        EXPECT_NEAR(v, 948048.0 / 5, 1e-6); // split evenly: 189,609.6 m^2 a year
    }
    // 94.8万 m^2 within rounding (to 0.1万) ...
    EXPECT_NEAR(std::round(total(m2) / 1e3) / 10, 94.8, 1e-9);
    // ... and within 0.3 % of the plan's 94.6万 m^2 (L119, L364): +0.22 %.
    EXPECT_LT(std::abs(total(m2) - 946000) / 946000, 0.003);
    // The plan's yearly 18.92万 m^2 (L119) is 189,200; the model's 189,609.6 is 0.22 % above.
    EXPECT_LT(std::abs(m2.values[0] - 189200) / 189200, 0.003);

    // With the population the plan's own 655.7万 implies exactly: 655.7 - 560.87 = 94.83万.
    cfg.demand.population = 6557000 / 87.4;
    apply_demand(cfg, city);
    EXPECT_NEAR(total(cfg.targets[0]), 948300, 1e-6);
    EXPECT_LT(std::abs(total(cfg.targets[0]) - 946000) / 946000, 0.003);

    const auto rows = demand_by_zone(cfg, city);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].zone_id, "");
    EXPECT_EQ(rows[0].population_source, "demand.population");
    EXPECT_NEAR(rows[0].demand_m2, 948300, 1e-6);
    EXPECT_DOUBLE_EQ(rows[0].destock_multiplier, 1.0);
}

TEST(Demand, UnitsUseTheTypesUnitSize) {
    PlanConfig cfg = plan(k_jiaxing);
    apply_demand(cfg, City{});
    // affordable_rental: 60 m^2 a unit; 948,048 / 5 / 60 = 3,160.16 units a year.
    for (double v : cfg.targets[1].values) {
        EXPECT_NEAR(v, 948048.0 / 5 / 60, 1e-9);
    }
    // At Jiaxing Port's 90 m^2 a unit the horizon's 948,048 m^2 is 10,533.9 units (plan: about
    // 10,500, L119).
    PlanConfig c2 = plan(R"toml(
[[targets]]
type = "commercial"
unit = "units"
demand = "housing"

[demand]
population = 75020
per_capita_m2 = 87.4
existing_stock_m2 = 5608700
)toml");
    apply_demand(c2, City{});
    EXPECT_NEAR(total(c2.targets[0]), 948048.0 / 90, 1e-6);
    EXPECT_LT(std::abs(total(c2.targets[0]) - 10500) / 10500, 0.005);
}

TEST(Demand, SharesCityFiguresOverZonesAndSumsThem) {
    // Jiaxing Port's city-wide figures shared over two zones: population by the zone layer's
    // population (4:3), stock by dwellings (3:2). Both zones' demand is positive, so the total is
    // the city-wide 948,048 m^2.
    City city;
    city.zones = {zone("east", 40000, 15000), zone("west", 30000, 10000)};
    PlanConfig cfg = plan(std::string(k_jiaxing) + R"toml(
[[targets]]
type = "talent"
unit = "m2"
demand = "housing"
zones = ["west"]
)toml");
    apply_demand(cfg, city);
    EXPECT_NEAR(total(cfg.targets[0]), 948048, 1e-6);
    const auto rows = demand_by_zone(cfg, city);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].zone_id, "east");
    EXPECT_EQ(rows[0].population_source, "demand.population (shared)");
    EXPECT_NEAR(rows[0].population, 75020.0 * 4 / 7, 1e-6);
    EXPECT_NEAR(rows[0].existing_stock_m2, 5608700.0 * 0.6, 1e-6);
    EXPECT_NEAR(rows[1].population, 75020.0 * 3 / 7, 1e-6);
    EXPECT_NEAR(rows[1].existing_stock_m2, 5608700.0 * 0.4, 1e-6);
    const double west = 75020.0 * 3 / 7 * 87.4 - 5608700.0 * 0.4;
    EXPECT_NEAR(rows[1].demand_m2, west, 1e-6);
    EXPECT_NEAR(total(cfg.targets[2]), west, 1e-6); // a target with zones sums those zones
}

TEST(Demand, ZoneFiguresNegativeDemandAndInflowTilt) {
    City city;
    city.zones = {zone("a", 50000, 20000), zone("b", 20000, 9000), zone("c", 0, 0)};
    PlanConfig cfg = plan(R"toml(
[[targets]]
type = "commercial"
unit = "m2"
demand = "housing"

[demand]
per_capita_m2 = 40
inflow_tilt = 2

[demand.zones.a]
existing_stock_m2 = 1800000
net_inflow = 1000
replacement_m2 = 50000

[demand.zones.b]
population = 21000
per_capita_m2 = 45
existing_stock_m2 = 1000000

[demand.zones.c]
existing_stock_m2 = 0
)toml");
    const auto rows = demand_by_zone(cfg, city);
    ASSERT_EQ(rows.size(), 3u);
    // a: the zone layer's population; 50,000 x 40 - 1,800,000 + 50,000 = 250,000, tilted by
    // 1 + 2 x 1,000 / 50,000 = 1.04.
    EXPECT_EQ(rows[0].population_source, "zone layer");
    EXPECT_NEAR(rows[0].need_m2, 250000, 1e-6);
    EXPECT_NEAR(rows[0].inflow_factor, 1.04, 1e-12);
    EXPECT_NEAR(rows[0].demand_m2, 260000, 1e-6);
    // b: 21,000 x 45 - 1,000,000 = -55,000 counts as 0.
    EXPECT_EQ(rows[1].population_source, "demand.zones");
    EXPECT_NEAR(rows[1].need_m2, -55000, 1e-6);
    EXPECT_DOUBLE_EQ(rows[1].demand_m2, 0.0);
    EXPECT_DOUBLE_EQ(rows[2].demand_m2, 0.0);
    apply_demand(cfg, city);
    EXPECT_NEAR(total(cfg.targets[0]), 260000, 1e-6); // not 260,000 - 55,000
}

TEST(Demand, DestockingScalesZoneDemand) {
    // Default bands 6/12/18/36 months and multipliers 1.3/1.0/0.7/0.4/0 (rules.hpp): a zone over
    // 36 months gets nothing, one under 6 months 1.3 times its demand.
    City city;
    city.zones = {zone("hot", 10000, 1, 3), zone("balanced", 10000, 1, 12),
                  zone("glut", 10000, 1, 40)};
    const std::string body = R"toml(
[[targets]]
type = "commercial"
unit = "m2"
demand = "housing"
zones = ["glut"]

[[targets]]
type = "commercial"
unit = "m2"
demand = "housing"

[[targets]]
type = "affordable_rental"
unit = "m2"
demand = "housing"

[demand]
per_capita_m2 = 50

[demand.zones.hot]
existing_stock_m2 = 400000
[demand.zones.balanced]
existing_stock_m2 = 400000
[demand.zones.glut]
existing_stock_m2 = 400000
)toml";
    PlanConfig cfg = plan(body + "\n[rules.destocking]\n");
    ASSERT_TRUE(cfg.rules.destocking.has_value());
    apply_demand(cfg, city);
    // Each zone needs 10,000 x 50 - 400,000 = 100,000 m^2 over the horizon.
    EXPECT_DOUBLE_EQ(total(cfg.targets[0]), 0.0);
    EXPECT_NEAR(total(cfg.targets[1]), 130000 + 100000 + 0, 1e-6);
    // The rule lists commercial only: affordable rental demand is not scaled.
    EXPECT_NEAR(total(cfg.targets[2]), 300000, 1e-6);
    const auto rows = demand_by_zone(cfg, city);
    EXPECT_DOUBLE_EQ(rows[0].destock_multiplier, 1.3);
    EXPECT_DOUBLE_EQ(rows[1].destock_multiplier, 1.0);
    EXPECT_DOUBLE_EQ(rows[2].destock_multiplier, 0.0);
    EXPECT_DOUBLE_EQ(rows[2].demand_m2, 0.0);
    EXPECT_NEAR(rows[2].demand_unscaled_m2, 100000, 1e-6);

    // Without [rules.destocking] no zone is scaled.
    PlanConfig off = plan(body);
    apply_demand(off, city);
    EXPECT_NEAR(total(off.targets[0]), 100000, 1e-6);
    EXPECT_NEAR(total(off.targets[1]), 300000, 1e-6);
}

TEST(Demand, LianyungangTalentHousing) {
    // Lianyungang L247 (digest L130-L134): 52.91 m^2 weighted area a talent; Haizhou 8,000 and
    // Lianyun 10,000 talents a year; the plan rounds to 42万 and 52万 m^2 a year.
    City city;
    city.zones = {zone("haizhou", 0, 0), zone("lianyun", 0, 0), zone("ganyu", 0, 0)};
    PlanConfig cfg = plan(R"toml(
[[targets]]
type = "talent"
unit = "m2"
demand = "talent"
zones = ["haizhou"]

[[targets]]
type = "talent"
unit = "m2"
demand = "talent"
zones = ["lianyun"]

[[targets]]
type = "talent"
unit = "m2"
demand = "talent"

[[targets]]
type = "talent"
unit = "units"
demand = "talent"
zones = ["haizhou", "lianyun"]

[demand]

[[demand.talent]]
zones = ["haizhou"]
talents_per_year = 8000
area_per_talent_m2 = 52.91

[[demand.talent]]
zones = ["lianyun"]
talents_per_year = 10000
)toml");
    apply_demand(cfg, city);
    for (double v : cfg.targets[0].values) {
        EXPECT_NEAR(v, 423280, 1e-6); // 8,000 x 52.91, every year
    }
    EXPECT_LT(std::abs(cfg.targets[0].values[0] - 420000) / 420000, 0.01);
    EXPECT_NEAR(cfg.targets[1].values[0], 529100, 1e-6); // the default area is 52.91 m^2
    EXPECT_LT(std::abs(cfg.targets[1].values[0] - 520000) / 520000, 0.02);
    EXPECT_NEAR(cfg.targets[2].values[0], 952380, 1e-6);        // no zones: every entry
    EXPECT_NEAR(cfg.targets[3].values[0], 952380.0 / 80, 1e-9); // units of 80 m^2
}

TEST(Demand, TalentMatching) {
    TalentDemand e;
    e.zones = {"a", "b"};
    EXPECT_TRUE(talent_matches(e, {}));
    EXPECT_TRUE(talent_matches(e, {"a", "b", "c"}));
    EXPECT_FALSE(talent_matches(e, {"c"}));
    EXPECT_THROW((void)talent_matches(e, {"a"}), DemandError);
    TalentDemand city_wide;
    EXPECT_TRUE(talent_matches(city_wide, {}));
    EXPECT_FALSE(talent_matches(city_wide, {"a"}));
}

TEST(Demand, ParseErrors) {
    const std::string unknown = parse_error("\n[demand]\npopulaton = 75000\n");
    EXPECT_NE(unknown.find("test.toml:"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("key 'demand.populaton': unknown key"), std::string::npos) << unknown;

    const std::string negative = parse_error("\n[demand]\nexisting_stock_m2 = -5\n");
    EXPECT_NE(negative.find("key 'demand.existing_stock_m2'"), std::string::npos) << negative;
    EXPECT_NE(negative.find("out of range"), std::string::npos) << negative;

    EXPECT_NE(parse_error("\n[demand]\npopulation = -1\n").find("demand.population"),
              std::string::npos);
    EXPECT_NE(parse_error("\n[demand]\nper_capita_m2 = 0\n").find("out of range"),
              std::string::npos);
    EXPECT_NE(parse_error("\n[demand.zones.a]\nstock = 1\n").find("demand.zones.a.stock"),
              std::string::npos);
    EXPECT_NE(parse_error("\n[demand.zones.a]\nreplacement_m2 = -1\n")
                  .find("demand.zones.a.replacement_m2"),
              std::string::npos);
    EXPECT_NE(parse_error("\n[[demand.talent]]\ntalents = 8000\n").find("demand.talent[0].talents"),
              std::string::npos);
    EXPECT_NE(parse_error("\n[[demand.talent]]\nzones = [\"a\"]\n").find("talents_per_year"),
              std::string::npos);
    EXPECT_NE(parse_error("\n[demand]\nby_zone = false\n[demand.zones.a]\npopulation = 1\n")
                  .find("by_zone"),
              std::string::npos);
    // A negative net inflow (net outflow) is allowed.
    EXPECT_EQ(parse_error("\n[demand.zones.a]\nnet_inflow = -300\n"), "(no error)");
}

TEST(Demand, TargetErrorsNameTheTargetAndItsLine) {
    const std::string target = R"toml(
[[targets]]
type = "commercial"
unit = "m2"
demand = "housing"
)toml";
    // The [[targets]] table is on line 18 of the combined text (the header is 16 lines, then a
    // blank line).
    const std::string no_demand = apply_error(target, City{});
    EXPECT_NE(no_demand.find("test.toml:18: key 'targets[0].demand'"), std::string::npos)
        << no_demand;
    EXPECT_NE(no_demand.find("no [demand]"), std::string::npos) << no_demand;

    const std::string no_population =
        apply_error(target + "\n[demand]\nper_capita_m2 = 40\nexisting_stock_m2 = 1\n", City{});
    EXPECT_NE(no_population.find("targets[0]"), std::string::npos) << no_population;
    EXPECT_NE(no_population.find("no population anywhere"), std::string::npos) << no_population;

    City city;
    city.zones = {zone("a", 1000, 300)};
    const std::string unknown_zone = apply_error(
        target + "zones = [\"nowhere\"]\n[demand]\npopulation = 1000\nper_capita_m2 = 40\n"
                 "existing_stock_m2 = 1\n",
        city);
    EXPECT_NE(unknown_zone.find("targets[0]"), std::string::npos) << unknown_zone;
    EXPECT_NE(unknown_zone.find("'nowhere'"), std::string::npos) << unknown_zone;

    const std::string unknown_demand_zone = apply_error(
        target + "\n[demand]\nper_capita_m2 = 40\n[demand.zones.nowhere]\npopulation = 5\n", city);
    EXPECT_NE(unknown_demand_zone.find("[demand.zones.nowhere]"), std::string::npos)
        << unknown_demand_zone;

    const std::string no_stock = apply_error(target + "\n[demand]\nper_capita_m2 = 40\n", city);
    EXPECT_NE(no_stock.find("no existing stock for zone 'a'"), std::string::npos) << no_stock;

    const std::string too_many = apply_error(
        target + "\n[demand]\npopulation = 100\nper_capita_m2 = 40\nexisting_stock_m2 = 0\n"
                 "[demand.zones.a]\npopulation = 500\n",
        city);
    EXPECT_NE(too_many.find("more than [demand] population = 100"), std::string::npos) << too_many;

    const std::string no_talent = apply_error(R"toml(
[[targets]]
type = "talent"
unit = "m2"
demand = "talent"
zones = ["a"]

[demand]
[[demand.talent]]
talents_per_year = 100
)toml",
                                              city);
    EXPECT_NE(no_talent.find("no [[demand.talent]] entry lies in zones a"), std::string::npos)
        << no_talent;

    // City-wide demand cannot be given for zones.
    City zoneless_pop;
    zoneless_pop.zones = {zone("a", 0, 0)};
    const std::string city_wide =
        apply_error(target + "zones = [\"a\"]\n[demand]\npopulation = 1000\nper_capita_m2 = 40\n"
                             "existing_stock_m2 = 1\n",
                    zoneless_pop);
    EXPECT_NE(city_wide.find("city-wide"), std::string::npos) << city_wide;
}

// A run applies the demand once (landalloc plan does, to print it) and then plans twice (the plan
// and its baseline): make_plan must use the applied values, not compute them again.
TEST(Demand, MakePlanUsesDemandAlreadyApplied) {
    PlanConfig cfg = plan(k_jiaxing);
    EXPECT_TRUE(demand_pending(cfg));
    apply_demand(cfg, City{});
    EXPECT_FALSE(demand_pending(cfg));
    EXPECT_TRUE(cfg.targets[0].demand_applied);
    // Values set after the demand was applied are what the plan is made from: make_plan does not
    // recompute them from [demand].
    cfg.targets[0].values.assign(5, 20000.0); // m2
    cfg.targets[1].values.assign(5, 150.0);   // units
    RandomCityOptions options;
    options.parcels = 300;
    options.seed = 11;
    const City city = random_city(options);
    const Plan p = make_plan(city, cfg, *make_allocator(cfg.solver, city.parcels.size()));
    ASSERT_EQ(p.annual.size(), 10u);
    for (const auto &row : p.annual) {
        EXPECT_DOUBLE_EQ(row.target, row.type == "commercial" ? 20000.0 : 150.0)
            << row.year << " " << row.type;
    }
}

TEST(Demand, TargetsWithoutDemandAreUntouched) {
    PlanConfig cfg = plan(R"toml(
[[targets]]
type = "commercial"
unit = "ha"
values = [1, 2, 3, 4, 5]
)toml");
    apply_demand(cfg, City{}); // no demand targets: no [demand] needed
    EXPECT_EQ(cfg.targets[0].values, (std::vector<double>{1, 2, 3, 4, 5}));
}
