#include "core/errors.hpp"
#include "core/units.hpp"
#include "plan_file/plan_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace landalloc;

namespace {

const char *k_minimal = R"toml(
[plan]
first_year = 2021
last_year = 2023

[housing_types.commercial]
unit_m2 = 100.0
far_min = 1.0
far_max = 2.5

[[targets]]
type = "commercial"
unit = "units"
values = [100.0, 200.0, 300.0]
)toml";

std::string error_of(const std::string &text) {
    try {
        (void)parse_plan(text, "test.toml");
    } catch (const PlanFileError &e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(Housing, ConversionsAreConsistent) {
    HousingType t;
    t.unit_m2 = 90;
    // Jiaxing Port: plot ratio 2.0, about 90 m2 a unit.
    const double area = 10000; // 1 ha
    EXPECT_DOUBLE_EQ(quantity_of(Quantity::land_ha, area, 2.0, t), 1.0);
    EXPECT_DOUBLE_EQ(quantity_of(Quantity::floor_m2, area, 2.0, t), 20000.0);
    EXPECT_NEAR(quantity_of(Quantity::units, area, 2.0, t), 20000.0 / 90.0, 1e-9);
    EXPECT_EQ(parse_quantity("m2"), Quantity::floor_m2);
    EXPECT_STREQ(quantity_unit(Quantity::units), "units");
    EXPECT_FALSE(parse_quantity("acres"));
}

TEST(PlanConfig, DefaultPlanParsesWithLianyungangTotals) {
    const PlanFile cfg = default_plan();
    EXPECT_EQ(cfg.first_year, 2021);
    EXPECT_EQ(cfg.last_year, 2025);
    ASSERT_EQ(cfg.targets.size(), 2u);
    // Residential land per year = commercial + affordable rental = 169, 179, 190, 202, 215 ha.
    const double expected[] = {169, 179, 190, 202, 215};
    for (int y = 0; y < 5; ++y) {
        double sum = 0;
        double rental = 0;
        for (const auto &t : cfg.targets) {
            sum += t.values[static_cast<std::size_t>(y)];
            if (cfg.types[static_cast<std::size_t>(cfg.type_index(t.type))].rental) {
                rental += t.values[static_cast<std::size_t>(y)];
            }
        }
        EXPECT_DOUBLE_EQ(sum, expected[y]) << "year " << 2021 + y;
        EXPECT_GE(rental / sum, 0.10) << "rental share, year " << 2021 + y;
    }
}

TEST(PlanConfig, MinimalPlanParses) {
    const PlanFile cfg = parse_plan(k_minimal, "test.toml");
    EXPECT_EQ(cfg.years(), 3);
    ASSERT_EQ(cfg.targets.size(), 1u);
    EXPECT_EQ(cfg.targets[0].unit, Quantity::units);
    EXPECT_DOUBLE_EQ(cfg.targets[0].tolerance, 0.05);
    EXPECT_TRUE(cfg.targets[0].binding);
    EXPECT_EQ(cfg.inputs.parcels, "parcels");
}

// [output] language: zh by default when the plan's names are Chinese, else en; a key overrides
// either way, and any other value names the key and its line.
TEST(PlanConfig, LanguageDefaultsToTheNamesAndTheKeyOverrides) {
    EXPECT_EQ(parse_plan(k_minimal, "test.toml").language, Language::en);
    std::string named = k_minimal;
    named.replace(named.find("unit_m2"), 0, "name_zh = \"商品住房\"\n");
    EXPECT_EQ(parse_plan(named, "test.toml").language, Language::zh);
    std::string plan_name = k_minimal;
    plan_name.replace(plan_name.find("first_year"), 0, "name = \"温州市住房发展规划\"\n");
    EXPECT_EQ(parse_plan(plan_name, "test.toml").language, Language::zh);
    EXPECT_EQ(parse_plan(named + "\n[output]\nlanguage = \"en\"\n", "test.toml").language,
              Language::en);
    EXPECT_EQ(parse_plan(std::string(k_minimal) + "\n[output]\nlanguage = \"zh\"\n", "test.toml")
                  .language,
              Language::zh);
    const std::string msg = error_of(std::string(k_minimal) + "\n[output]\nlanguage = \"fr\"\n");
    EXPECT_NE(msg.find("test.toml:17: key 'output.language': 'fr' is not zh or en"),
              std::string::npos)
        << msg;
    EXPECT_NE(error_of(std::string(k_minimal) + "\n[output]\nlang = \"zh\"\n")
                  .find("'output.lang': unknown key"),
              std::string::npos);
}

TEST(PlanConfig, TotalIsSplitEvenlyOverTheHorizon) {
    std::string text = k_minimal;
    text.replace(text.find("values = [100.0, 200.0, 300.0]"), 30, "total = 900.0");
    const PlanFile cfg = parse_plan(text, "test.toml");
    EXPECT_EQ(cfg.targets[0].values, (std::vector<double>{300, 300, 300}));
}

TEST(PlanConfig, UnknownKeyNamesKeyAndLine) {
    const std::string msg = error_of(std::string(k_minimal) + "\n[plan2]\nx = 1\n");
    EXPECT_NE(msg.find("test.toml:16"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'plan2'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unknown key"), std::string::npos) << msg;

    std::string typo = k_minimal;
    typo.replace(typo.find("far_max"), 7, "far_mx");
    const std::string msg2 = error_of(typo);
    EXPECT_NE(msg2.find("test.toml:9: key 'housing_types.commercial.far_mx': unknown key"),
              std::string::npos)
        << msg2;
}

TEST(PlanConfig, WrongNumberOfYearlyValues) {
    std::string text = k_minimal;
    text.replace(text.find("values = [100.0, 200.0, 300.0]"), 30, "values = [1.0, 2.0]");
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find("targets[0].values"), std::string::npos) << msg;
    EXPECT_NE(msg.find("has 2 values but the horizon 2021-2023 has 3 years"), std::string::npos)
        << msg;
}

TEST(PlanConfig, OutOfRangeAndWrongTypes) {
    std::string text = k_minimal;
    text.replace(text.find("unit_m2 = 100.0"), 15, "unit_m2 = -5.0");
    EXPECT_NE(error_of(text).find("housing_types.commercial.unit_m2': -5 is out of range"),
              std::string::npos)
        << error_of(text);

    text = k_minimal;
    text.replace(text.find("first_year = 2021"), 17, "first_year = \"2021\"");
    EXPECT_NE(error_of(text).find("'plan.first_year': must be an integer"), std::string::npos)
        << error_of(text);

    text = k_minimal;
    text.replace(text.find("far_max = 2.5"), 13, "far_max = 0.5");
    EXPECT_NE(error_of(text).find("must not be below far_min"), std::string::npos);
}

TEST(PlanConfig, TargetForUnknownTypeIsAnError) {
    std::string text = k_minimal;
    text.replace(text.find("type = \"commercial\""), 19, "type = \"villas\"");
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find("'villas' is not a housing type"), std::string::npos) << msg;
}

TEST(PlanConfig, InvalidTomlReportsLine) {
    const std::string msg = error_of("[plan]\nfirst_year = \n");
    EXPECT_NE(msg.find("test.toml:2: not valid TOML"), std::string::npos) << msg;
}

TEST(PlanConfig, MissingPlanFileIsAPlanFileError) {
    EXPECT_THROW(load_plan("/nonexistent/plan.toml"), PlanFileError);
}

// ---- defaults: a key left out takes the struct's default -------------------------------------
// The parsers take each default from the member they fill, so a plan that says nothing, or gives
// a section as an empty table, parses to the structs' initialisers (// DEFAULT: comments).

namespace {

#define EXPECT_SAME(got, want, member) EXPECT_EQ((got).member, (want).member) << #member

void expect_default_scoring(const ScoringConfig &s) {
    const ScoringConfig d;
    EXPECT_SAME(s, d, station_decay_m);
    EXPECT_SAME(s, d, park_decay_m);
    EXPECT_SAME(s, d, zone_class);
    EXPECT_SAME(s, d, unknown_zone_class);
}

void expect_default_objective(const ObjectiveConfig &o) {
    const ObjectiveConfig d;
    EXPECT_SAME(o, d, over_target_cost);
    EXPECT_SAME(o, d, short_binding_cost);
    EXPECT_SAME(o, d, short_indicative_cost);
    EXPECT_SAME(o, d, early_supply_bonus);
}

void expect_default_jobs_housing(const JobsHousingConfig &j) {
    const JobsHousingConfig d;
    EXPECT_SAME(j, d, ratio_min);
    EXPECT_SAME(j, d, ratio_max);
    EXPECT_SAME(j, d, weight);
}

void expect_default_solver(const SolverConfig &s) {
    const SolverConfig d;
    EXPECT_SAME(s, d, method);
    EXPECT_SAME(s, d, time_limit_s);
    EXPECT_SAME(s, d, gap);
    EXPECT_SAME(s, d, auto_exact_max_parcels);
    EXPECT_SAME(s, d, heuristic_iterations);
}

void expect_same_decay(const DistanceDecay &got, const DistanceDecay &want) {
    EXPECT_SAME(got, want, kind);
    EXPECT_SAME(got, want, scale_m);
    EXPECT_SAME(got, want, beta);
    EXPECT_SAME(got, want, min_distance_m);
    EXPECT_SAME(got, want, cutoff_m);
}

void expect_default_indicators(const IndicatorOptions &o) {
    const IndicatorOptions d;
    EXPECT_SAME(o, d, station_radii_m);
    EXPECT_SAME(o, d, stations_open_by);
    expect_same_decay(o.decay, d.decay);
    EXPECT_SAME(o, d, park_jobs);
    EXPECT_SAME(o, d, catchment_m);
    EXPECT_SAME(o, d, park_catchment_m);
    EXPECT_SAME(o, d, labour_force_rate);
    EXPECT_SAME(o, d, persons_per_unit);
    EXPECT_SAME(o, d, ratio_min);
    EXPECT_SAME(o, d, ratio_max);
    EXPECT_SAME(o, d, commute_model);
    expect_same_decay(o.commute_decay, d.commute_decay);
}

void expect_default_inputs(const InputsConfig &i) {
    const InputsConfig d;
    EXPECT_SAME(i, d, source);
    EXPECT_SAME(i, d, zones);
    EXPECT_SAME(i, d, stations);
    EXPECT_SAME(i, d, parks);
    EXPECT_SAME(i, d, parcels);
    EXPECT_SAME(i, d, constraints);
    EXPECT_SAME(i, d, crs);
    EXPECT_SAME(i, d, encoding);
    EXPECT_SAME(i, d, min_parcel_area_m2);
    for (const auto &e : FieldMap::entries()) {
        EXPECT_EQ(i.fields.*(e.member), d.fields.*(e.member)) << e.key;
    }
}

// Every section a plan may leave out, each given as an empty table (or with only what it
// requires), so that every key in it takes its default.
const char *k_empty_sections = R"toml(
[plan]

[housing_types.commercial]
[housing_types.affordable_rental]
rental = true
[housing_types.talent]
[housing_types.resettlement]

[[targets]]
type = "commercial"
total = 10

[scoring]
[scoring.weights.commercial]
[objective]
[jobs_housing]
[solver]
[indicators]

[inputs]
constraints = [{}]
[inputs.zones]
[inputs.zone_values.z1]
[inputs.generate]

[rules.destocking]
[rules.rental_share]
[rules.ar_siting]
[rules.park_caps]
[rules.tod]
[rules.zone_classes.old_city]
[rules.key_areas]
zones = ["z1"]
[[rules.bundling]]
[rules.resettlement]

[demand]
[demand.zones.z1]
[[demand.talent]]
talents_per_year = 1
)toml";

} // namespace

TEST(PlanConfig, SectionsLeftOutTakeTheStructDefaults) {
    for (const PlanFile &cfg : {default_plan(), parse_plan(k_minimal, "test.toml")}) {
        SCOPED_TRACE(cfg.name);
        // The default plan gives [scoring] (zone classes and weights of its own), the minimal
        // plan none of them.
        if (cfg.source_path == "test.toml") {
            expect_default_scoring(cfg.scoring);
            EXPECT_TRUE(cfg.scoring.weights.empty());
            EXPECT_EQ(cfg.seed, PlanConfig{}.seed);
            EXPECT_EQ(cfg.name, PlanConfig{}.name);
        }
        expect_default_objective(cfg.objective);
        expect_default_jobs_housing(cfg.jobs_housing);
        expect_default_solver(cfg.solver);
        expect_default_indicators(cfg.indicators);
        expect_default_inputs(cfg.inputs);
        EXPECT_TRUE(cfg.inputs.layers.empty());
        EXPECT_TRUE(cfg.inputs.constraint_layers.empty());
        EXPECT_EQ(cfg.inputs.generate.parcels, GenerateSpec{}.parcels);
        EXPECT_FALSE(cfg.inputs.synth.has_value());
        EXPECT_FALSE(cfg.rules.destocking || cfg.rules.rental_share || cfg.rules.ar_siting ||
                     cfg.rules.park_caps || cfg.rules.tod || cfg.rules.key_areas ||
                     cfg.rules.resettlement);
        EXPECT_TRUE(cfg.rules.zone_classes.empty());
        EXPECT_TRUE(cfg.rules.bundling.empty());
        EXPECT_FALSE(cfg.demand.present);
    }
}

TEST(PlanConfig, EmptySectionsTakeTheStructDefaults) {
    const PlanFile cfg = parse_plan(k_empty_sections, "test.toml");
    const PlanConfig plan;
    EXPECT_EQ(cfg.name, plan.name);
    EXPECT_EQ(cfg.first_year, plan.first_year);
    EXPECT_EQ(cfg.last_year, plan.last_year);
    EXPECT_EQ(cfg.seed, plan.seed);

    const HousingType h;
    const HousingType &c = cfg.types.at(static_cast<std::size_t>(cfg.type_index("commercial")));
    EXPECT_SAME(c, h, name_zh);
    EXPECT_SAME(c, h, unit_m2);
    EXPECT_SAME(c, h, far_min);
    EXPECT_SAME(c, h, far_max);
    EXPECT_SAME(c, h, rental);

    const Target t;
    const Target &g = cfg.targets.at(0);
    EXPECT_SAME(g, t, unit);
    EXPECT_SAME(g, t, tolerance);
    EXPECT_SAME(g, t, binding);
    EXPECT_SAME(g, t, at_least);
    EXPECT_SAME(g, t, zones);
    EXPECT_SAME(g, t, displaced_from);
    EXPECT_SAME(g, t, demand);

    expect_default_scoring(cfg.scoring);
    const TypeWeights w;
    const TypeWeights &cw = cfg.scoring.weights.at("commercial");
    EXPECT_SAME(cw, w, transit);
    EXPECT_SAME(cw, w, jobs);
    EXPECT_SAME(cw, w, zone_class);
    expect_default_objective(cfg.objective);
    expect_default_jobs_housing(cfg.jobs_housing);
    expect_default_solver(cfg.solver);
    expect_default_indicators(cfg.indicators);

    // [inputs] with a layer and a constraint in the full form, each an empty table.
    InputsConfig::Layer zones;
    zones.layer = "zones";
    for (const InputsConfig::Layer &l :
         {cfg.inputs.layers.at("zones"), cfg.inputs.constraint_layers.at(0)}) {
        EXPECT_SAME(l, zones, source);
        EXPECT_SAME(l, zones, encoding);
        EXPECT_SAME(l, zones, crs);
    }
    EXPECT_EQ(cfg.inputs.layers.at("zones").layer, "zones");
    EXPECT_EQ(cfg.inputs.constraint_layers.at(0).layer, "constraints");
    expect_default_inputs(cfg.inputs);
    const ZoneValues &zv = cfg.inputs.zone_values.at("z1");
    EXPECT_FALSE(zv.population || zv.jobs || zv.dwellings || zv.destock_months || zv.zone_class);
    const GenerateSpec gen;
    EXPECT_EQ(cfg.inputs.generate.parcels, GenerateSpec::k_parcels_when_given);
    EXPECT_SAME(cfg.inputs.generate, gen, parks);
    EXPECT_SAME(cfg.inputs.generate, gen, seed);

    const RulesConfig &r = cfg.rules;
    ASSERT_TRUE(r.destocking && r.rental_share && r.ar_siting && r.park_caps && r.tod &&
                r.key_areas && r.resettlement);
    const DestockingRule ds;
    EXPECT_SAME(*r.destocking, ds, types);
    EXPECT_SAME(*r.destocking, ds, thresholds_months);
    EXPECT_SAME(*r.destocking, ds, multipliers);
    EXPECT_SAME(*r.destocking, ds, unknown_multiplier);
    const RentalShareRule rs;
    EXPECT_SAME(*r.rental_share, rs, share);
    EXPECT_SAME(*r.rental_share, rs, binding);
    const ArSitingRule ar;
    EXPECT_SAME(*r.ar_siting, ar, types);
    EXPECT_SAME(*r.ar_siting, ar, max_station_m);
    EXPECT_SAME(*r.ar_siting, ar, max_park_m);
    EXPECT_SAME(*r.ar_siting, ar, land_source_priority);
    EXPECT_SAME(*r.ar_siting, ar, priority_step);
    const ParkCapsRule pc;
    EXPECT_SAME(*r.park_caps, pc, park_far);
    ASSERT_EQ(r.park_caps->caps.size(), 1u);
    const ParkCap cap;
    EXPECT_EQ(r.park_caps->caps[0].name, "living_service");
    EXPECT_SAME(r.park_caps->caps[0], cap, types);
    EXPECT_SAME(r.park_caps->caps[0], cap, land_share);
    EXPECT_SAME(r.park_caps->caps[0], cap, floor_share);
    const TodRule tod;
    EXPECT_SAME(*r.tod, tod, modes);
    EXPECT_SAME(*r.tod, tod, radii_m);
    EXPECT_SAME(*r.tod, tod, far_bonus);
    EXPECT_SAME(*r.tod, tod, value_bonus);
    const ZoneClassRule zc;
    EXPECT_SAME(r.zone_classes.at("old_city"), zc, permits);
    EXPECT_SAME(r.zone_classes.at("old_city"), zc, max_share);
    const KeyAreasRule ka;
    EXPECT_SAME(*r.key_areas, ka, share);
    EXPECT_SAME(*r.key_areas, ka, binding);
    const BundlingRule bu;
    ASSERT_EQ(r.bundling.size(), 1u);
    EXPECT_SAME(r.bundling[0], bu, type);
    EXPECT_SAME(r.bundling[0], bu, hosts);
    EXPECT_SAME(r.bundling[0], bu, share);
    EXPECT_SAME(r.bundling[0], bu, all_sites);
    EXPECT_SAME(r.bundling[0], bu, min_site_ha);
    EXPECT_SAME(r.bundling[0], bu, zone_classes);
    EXPECT_SAME(r.bundling[0], bu, near_station_m);
    EXPECT_SAME(r.bundling[0], bu, in_park);
    const ResettlementRule re;
    EXPECT_SAME(*r.resettlement, re, types);
    EXPECT_SAME(*r.resettlement, re, max_distance_m);

    const DemandConfig dm;
    EXPECT_TRUE(cfg.demand.present);
    EXPECT_SAME(cfg.demand, dm, population);
    EXPECT_SAME(cfg.demand, dm, per_capita_m2);
    EXPECT_SAME(cfg.demand, dm, existing_stock_m2);
    EXPECT_SAME(cfg.demand, dm, replacement_m2);
    EXPECT_SAME(cfg.demand, dm, inflow_tilt);
    EXPECT_SAME(cfg.demand, dm, by_zone);
    const ZoneDemand zd;
    const ZoneDemand &z1 = cfg.demand.zones.at("z1");
    EXPECT_SAME(z1, zd, population);
    EXPECT_SAME(z1, zd, per_capita_m2);
    EXPECT_SAME(z1, zd, existing_stock_m2);
    EXPECT_SAME(z1, zd, replacement_m2);
    EXPECT_SAME(z1, zd, net_inflow);
    const TalentDemand td;
    ASSERT_EQ(cfg.demand.talent.size(), 1u);
    EXPECT_SAME(cfg.demand.talent[0], td, zones);
    EXPECT_SAME(cfg.demand.talent[0], td, area_per_talent_m2);
}

TEST(PlanConfig, EmptySynthSectionTakesTheStructDefaults) {
    const PlanFile cfg = parse_plan(
        std::string(k_minimal) + "\n[inputs.synth]\n[[inputs.synth.districts]]\n", "test.toml");
    ASSERT_TRUE(cfg.inputs.synth.has_value());
    const SynthOptions d;
    const SynthOptions &s = *cfg.inputs.synth;
    EXPECT_SAME(s, d, parcels);
    EXPECT_SAME(s, d, scale);
    EXPECT_SAME(s, d, seed);
    EXPECT_SAME(s, d, metro_lines);
    EXPECT_SAME(s, d, parks);
    ASSERT_EQ(s.districts.size(), 1u);
    const SynthDistrict dd;
    EXPECT_SAME(s.districts[0], dd, id);
    EXPECT_SAME(s.districts[0], dd, name);
    EXPECT_SAME(s.districts[0], dd, zone_class);
    EXPECT_SAME(s.districts[0], dd, population);
    EXPECT_SAME(s.districts[0], dd, jobs);
    EXPECT_SAME(s.districts[0], dd, dwellings);
    EXPECT_SAME(s.districts[0], dd, destock_months);
}

// [[policies]] and [zone_groups]: every key read, the defaults the struct's; each mistake one
// line naming the file, the line of the key and the key.
TEST(PlanConfig, PoliciesAndZoneGroupsParse) {
    const std::string text = std::string(k_minimal) + R"toml(
[zone_groups]
core = ["Z1", "Z2"]

[[policies]]
name = "old city cap"
zone_classes = ["old_city"]
measure = "units"
max_share = 0.1

[[policies]]
name = "core floor"
zone_group = "core"
zones = ["Z3"]
types = ["commercial"]
min = 12.5
period = "year"
binding = false
)toml";
    const PlanFile cfg = parse_plan(text, "test.toml");
    ASSERT_EQ(cfg.policies.size(), 2u);
    ASSERT_EQ(cfg.zone_groups.count("core"), 1u);
    EXPECT_EQ(cfg.zone_groups.at("core").zones, (std::vector<std::string>{"Z1", "Z2"}));
    const Policy &a = cfg.policies[0];
    EXPECT_EQ(a.name, "old city cap");
    EXPECT_EQ(a.zone_classes, std::vector<std::string>{"old_city"});
    EXPECT_TRUE(a.types.empty());
    EXPECT_EQ(a.measure, Quantity::units);
    EXPECT_EQ(a.kind, Policy::Kind::max_share);
    EXPECT_DOUBLE_EQ(a.value, 0.1);
    EXPECT_FALSE(a.per_year); // DEFAULT: horizon
    EXPECT_TRUE(a.binding);   // DEFAULT: binding
    const Policy &b = cfg.policies[1];
    EXPECT_EQ(b.zone_group, "core");
    EXPECT_EQ(b.zones, std::vector<std::string>{"Z3"});
    EXPECT_EQ(b.measure, Quantity::land_ha); // DEFAULT: land
    EXPECT_EQ(b.kind, Policy::Kind::min);
    EXPECT_DOUBLE_EQ(b.value, 12.5);
    EXPECT_TRUE(b.per_year);
    EXPECT_FALSE(b.binding);
    EXPECT_GT(b.line, a.line);
}

TEST(PlanConfig, PolicyMistakesNameFileLineAndKey) {
    const std::string head = std::string(k_minimal) + "\n[zone_groups]\ncore = [\"Z1\"]\n";
    // The policy table starts on the line after `head`; `body` is its keys, one a line.
    const auto line_of = [&](const std::string &body, const std::string &key) {
        const std::string text = head + "\n[[policies]]\n" + body;
        const std::size_t at = text.find("\n" + key + " =");
        return 2 + static_cast<int>(
                       std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    };
    struct Case {
        std::string body, key, what;
    };
    const std::vector<Case> cases = {
        {"name = \"a\"\nzones = [\"Z1\"]\nmin_share = 0.2\nmax = 10\n", "max", "exactly one of"},
        {"name = \"a\"\nzone_group = \"nope\"\nmax = 10\n", "zone_group",
         "'nope' is not a group of [zone_groups]"},
        {"name = \"a\"\nzones = [\"Z1\"]\nmax_share = 1.5\n", "max_share", "out of range [0, 1]"},
        {"name = \"a\"\nzones = [\"Z1\"]\nmeasure = \"acres\"\nmax = 1\n", "measure",
         "'acres' is not a measure"},
        {"name = \"a\"\nzones = [\"Z1\"]\nperiod = \"month\"\nmax = 1\n", "period",
         "'month' is not a period"},
    };
    for (const Case &c : cases) {
        const std::string msg = error_of(head + "\n[[policies]]\n" + c.body);
        const std::string where =
            "test.toml:" + std::to_string(line_of(c.body, c.key)) + ": key 'policies[0]." + c.key;
        EXPECT_EQ(msg.rfind(where, 0), 0u) << msg << "\n  expected to start with " << where;
        EXPECT_NE(msg.find(c.what), std::string::npos) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
    // No zones at all, no name, no amount: errors naming the policy's key.
    EXPECT_NE(error_of(head + "\n[[policies]]\nname = \"a\"\nmax = 1\n").find("policies[0].zones"),
              std::string::npos);
    EXPECT_NE(
        error_of(head + "\n[[policies]]\nzones = [\"Z1\"]\nmax = 1\n").find("policies[0].name"),
        std::string::npos);
    EXPECT_NE(error_of(head + "\n[[policies]]\nname = \"a\"\nzones = [\"Z1\"]\n")
                  .find("give one of min_share"),
              std::string::npos);
    // Destocking's new keys: bound, period, binding, measure.
    const PlanFile d = parse_plan(std::string(k_minimal) + "\n[rules.destocking]\n", "test.toml");
    ASSERT_TRUE(d.rules.destocking);
    EXPECT_TRUE(d.rules.destocking->bound); // DEFAULT: on
    EXPECT_FALSE(d.rules.destocking->per_year);
    EXPECT_EQ(d.rules.destocking->measure, Quantity::land_ha);
    const PlanFile e =
        parse_plan(std::string(k_minimal) + "\n[rules.destocking]\nbound = false\nperiod = "
                                            "\"year\"\nbinding = false\nmeasure = \"floor\"\n",
                   "test.toml");
    EXPECT_FALSE(e.rules.destocking->bound);
    EXPECT_TRUE(e.rules.destocking->per_year);
    EXPECT_FALSE(e.rules.destocking->binding);
    EXPECT_EQ(e.rules.destocking->measure, Quantity::floor_m2);
    const std::string bad =
        error_of(std::string(k_minimal) + "\n[rules.destocking]\nmeasure = \"ha\"\n");
    EXPECT_NE(bad.find("key 'rules.destocking.measure': 'ha' is not a measure"), std::string::npos)
        << bad;
}

// A group target counts its types' supply without being where their columns come from, so
// groups of the same types may stand side by side in different units (Lianyungang's residential
// land in ha beside its floor area in m2, lianyungang.txt L576-606); the same group twice in one
// unit, and a single-type target twice in different units, are still errors.
TEST(PlanConfig, GroupTargetsOfTheSameTypesDifferByUnit) {
    const std::string head = std::string(k_minimal) + "\n[housing_types.talent]\nunit_m2 = 60.0\n";
    const std::string land = "\n[[targets]]\ntypes = [\"commercial\", \"talent\"]\nunit = "
                             "\"ha\"\nvalues = [10.0, 10.0, 10.0]\n";
    const std::string floor = "\n[[targets]]\ntypes = [\"commercial\", \"talent\"]\nunit = "
                              "\"m2\"\nvalues = [2e5, 2e5, 2e5]\n";
    const PlanFile cfg = parse_plan(head + land + floor, "test.toml");
    ASSERT_EQ(cfg.targets.size(), 3u);
    EXPECT_EQ(cfg.targets[1].unit, Quantity::land_ha);
    EXPECT_EQ(cfg.targets[2].unit, Quantity::floor_m2);
    EXPECT_NE(error_of(head + land + land)
                  .find("a second target for 'commercial+talent' in the "
                        "same zones and unit"),
              std::string::npos);
    EXPECT_NE(error_of(head + "\n[[targets]]\ntype = \"commercial\"\nunit = \"ha\"\nvalues = "
                              "[1.0, 1.0, 1.0]\n")
                  .find("a second target for 'commercial' in the same zones;"),
              std::string::npos);
}

// Scenarios: [scenarios.<name>] deep-merged onto the root before the plan file is parsed.

namespace {

/// k_minimal (lines 1-16) with weights, a second target and two scenarios.
std::string scenario_plan() {
    return std::string(k_minimal) + R"toml(
[housing_types.affordable_rental]
unit_m2 = 60.0
rental = true

[[targets]]
type = "affordable_rental"
values = [10.0, 10.0, 10.0]

[scoring.weights.commercial]
transit = 0.4
jobs = 0.3
zone_class = 0.3

[scenarios.transit_first]
plan.name = "transit first"
scoring.weights.commercial.transit = 0.9

[scenarios.fewer_targets]
[[scenarios.fewer_targets.targets]]
type = "commercial"
unit = "units"
values = [150.0, 250.0, 350.0]
tolerance = 0.1
)toml";
}

std::string scenario_error(const std::string &text, const std::string &scenario) {
    try {
        (void)parse_plan(text, "s.toml", scenario);
    } catch (const PlanFileError &e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(PlanScenario, WithoutScenarioTheScenariosAreIgnored) {
    const PlanFile cfg = parse_plan(scenario_plan(), "s.toml");
    EXPECT_EQ(cfg.scenario, "");
    EXPECT_EQ(cfg.name, PlanConfig{}.name);
    EXPECT_DOUBLE_EQ(cfg.scoring.weights.at("commercial").transit, 0.4);
    ASSERT_EQ(cfg.targets.size(), 2u);
    EXPECT_EQ(cfg.targets[0].values, (std::vector<double>{100, 200, 300}));
}

TEST(PlanScenario, OverridesAWeightKeyByKey) {
    const PlanFile cfg = parse_plan(scenario_plan(), "s.toml", "transit_first");
    EXPECT_EQ(cfg.scenario, "transit_first");
    EXPECT_EQ(cfg.name, "transit first");
    // The key given replaces; its siblings in the same table stay.
    const TypeWeights &w = cfg.scoring.weights.at("commercial");
    EXPECT_DOUBLE_EQ(w.transit, 0.9);
    EXPECT_DOUBLE_EQ(w.jobs, 0.3);
    EXPECT_DOUBLE_EQ(w.zone_class, 0.3);
    // Everything else is the root's.
    EXPECT_EQ(cfg.first_year, 2021);
    ASSERT_EQ(cfg.targets.size(), 2u);
    EXPECT_EQ(cfg.targets[0].values, (std::vector<double>{100, 200, 300}));
    EXPECT_EQ(cfg.source_text, scenario_plan()); // the whole file, as read
}

TEST(PlanScenario, AnArrayOfTablesReplacesTheWholeArray) {
    const PlanFile cfg = parse_plan(scenario_plan(), "s.toml", "fewer_targets");
    // The scenario's [[targets]] replace both of the root's: one target, its values and
    // tolerance the scenario's.
    ASSERT_EQ(cfg.targets.size(), 1u);
    EXPECT_EQ(cfg.targets[0].type, "commercial");
    EXPECT_EQ(cfg.targets[0].values, (std::vector<double>{150, 250, 350}));
    EXPECT_DOUBLE_EQ(cfg.targets[0].tolerance, 0.1);
    EXPECT_DOUBLE_EQ(cfg.scoring.weights.at("commercial").transit, 0.4);
}

TEST(PlanScenario, OverridesATargetValueThroughItsArray) {
    // A target is an element of the [[targets]] array: a scenario gives the whole array, here
    // with one value changed.
    const std::string text = std::string(k_minimal) + R"toml(
[scenarios.more]
[[scenarios.more.targets]]
type = "commercial"
unit = "units"
values = [100.0, 200.0, 450.0]
)toml";
    EXPECT_EQ(parse_plan(text, "s.toml").targets[0].values[2], 300.0);
    EXPECT_EQ(parse_plan(text, "s.toml", "more").targets[0].values[2], 450.0);
}

TEST(PlanScenario, AnArrayReplacesTheArrayItOverrides) {
    const std::string text = std::string(k_minimal) + R"toml(
[indicators]
station_radii_m = [500, 800, 1500]

[scenarios.near]
indicators.station_radii_m = [300]
)toml";
    EXPECT_EQ(parse_plan(text, "s.toml").indicators.station_radii_m,
              (std::vector<double>{500, 800, 1500}));
    // Replaced whole, not merged element by element.
    EXPECT_EQ(parse_plan(text, "s.toml", "near").indicators.station_radii_m,
              (std::vector<double>{300}));
}

TEST(PlanScenario, UnknownNameIsAPlanFileErrorListingTheNames) {
    const std::string msg = scenario_error(scenario_plan(), "trainsit_first");
    EXPECT_NE(msg.find("s.toml"), std::string::npos) << msg;
    EXPECT_NE(msg.find("no scenario 'trainsit_first'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("defined: fewer_targets, transit_first"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg; // one line
    // A plan without scenarios says it defines none.
    const std::string none = scenario_error(k_minimal, "x");
    EXPECT_NE(none.find("no scenario 'x'"), std::string::npos) << none;
    EXPECT_NE(none.find("defines none"), std::string::npos) << none;
    // The built-in plan has none either.
    EXPECT_THROW((void)default_plan("x"), PlanFileError);
}

TEST(PlanScenario, ErrorsInAScenarioNameItsLine) {
    // Line numbers: k_minimal ends on line 14, the text below starts on line 15 (empty).
    const std::string bad_value = std::string(k_minimal) + R"toml(
[scenarios.s]
housing_types.commercial.unit_m2 = -3.0
)toml";
    // Without the scenario the file is fine; with it the error names the scenario's line.
    EXPECT_NO_THROW((void)parse_plan(bad_value, "s.toml"));
    const std::string msg = scenario_error(bad_value, "s");
    EXPECT_NE(msg.find("s.toml:17: key 'housing_types.commercial.unit_m2': -3 is out of range"),
              std::string::npos)
        << msg;

    // A scenario's keys are checked as the root's, at the scenario's lines.
    const std::string bad_key = std::string(k_minimal) + R"toml(
[scenarios.s]
[scenarios.s.scoring]
station_decay = 500.0
[scenarios.s.planz]
name = "x"
)toml";
    EXPECT_NO_THROW((void)parse_plan(bad_key, "s.toml"));
    const std::string msg2 = scenario_error(bad_key, "s");
    EXPECT_NE(msg2.find("s.toml:19: key 'planz': unknown key"), std::string::npos) << msg2;

    const std::string bad_nested = std::string(k_minimal) + R"toml(
[scenarios.s.scoring]
station_decay = 500.0
)toml";
    const std::string msg3 = scenario_error(bad_nested, "s");
    EXPECT_NE(msg3.find("s.toml:17: key 'scoring.station_decay': unknown key"), std::string::npos)
        << msg3;

    // A scenario has no scenarios of its own.
    const std::string nested = std::string(k_minimal) + R"toml(
[scenarios.s.scenarios.t]
plan.name = "x"
)toml";
    const std::string msg4 = scenario_error(nested, "s");
    EXPECT_NE(msg4.find("key 'scenarios': unknown key"), std::string::npos) << msg4;
}

TEST(PlanScenario, EveryScenarioMustBeATable) {
    const std::string text = std::string(k_minimal) + R"toml(
[scenarios]
s = 3
)toml";
    const std::string msg = scenario_error(text, "");
    EXPECT_NE(msg.find("s.toml:17: key 'scenarios.s': a scenario must be a table"),
              std::string::npos)
        << msg;
    const std::string msg2 = scenario_error("scenarios = 1\n" + std::string(k_minimal), "");
    EXPECT_NE(msg2.find("s.toml:1: key 'scenarios': must be a table"), std::string::npos) << msg2;
}
