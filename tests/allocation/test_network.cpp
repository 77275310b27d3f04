// Distances along the street network (allocation/network.hpp): a city built in a few lines
// where a river with one bridge makes a parcel that is near by straight line far by street, so
// TOD, AR siting near stations and parks, and the commute limit all see the street distance.

#include "allocation/network.hpp"
#include "allocation/planner.hpp"
#include "allocation/problem.hpp"
#include "allocation/solvers.hpp"
#include "core/errors.hpp"
#include "plan_file/plan_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace landalloc;

namespace {

/// A river runs north-south between x = 400 and x = 600; the only bridge is 3 km north. West
/// bank: the street x = 300 (y 0..3000) and a side street y = 0 (x 0..300); east bank: the
/// street x = 700 (y 0..3000) and y = 0 (x 700..1000); the bridge y = 3000 (x 300..700). A metro
/// station stands on the west bank at (300, 0), an industrial park (jobs) at (100, 1500).
/// Parcel "east" at (720, 100) is 432 m from the station as the crow flies but 6.3 km by
/// street; parcel "west" at (250, 20) is near both ways.
City river_city() {
    City c;
    c.crs = "EPSG:4549";
    Zone z;
    z.id = "Z1";
    z.population = 10000;
    z.jobs = 0; // the park holds the jobs: the one job centre
    z.dwellings = 4000;
    z.area_m2 = 4e6;
    z.x = 500;
    z.y = 1500;
    c.zones.push_back(z);
    Station s;
    s.id = "S1";
    s.mode = "metro";
    s.x = 300;
    s.y = 0;
    c.stations.push_back(s);
    Park pk;
    pk.id = "P1";
    pk.jobs = 20000;
    pk.area_m2 = 1e4;
    pk.x = 100;
    pk.y = 1500;
    c.parks.push_back(pk);
    auto parcel = [&](const char *id, double x, double y) {
        Parcel p;
        p.id = id;
        p.first_year = 2021;
        p.far_cap = 2.5;
        p.area_m2 = 20000;
        p.x = x;
        p.y = y;
        p.zone = 0;
        p.nearest_station = 0;
        p.station_distance_m = std::hypot(x - s.x, y - s.y);
        p.stations_within_800m = p.station_distance_m <= 800 ? 1 : 0;
        p.nearest_park = 0;
        p.park_distance_m = std::hypot(x - pk.x, y - pk.y);
        c.parcels.push_back(p);
    };
    parcel("east", 720, 100);
    parcel("west", 250, 20);

    StreetNetwork &n = c.streets;
    n.nodes = {{300, 0}, {300, 1500}, {300, 3000}, {700, 3000}, {700, 0}, {0, 0}, {1000, 0}};
    auto edge = [&](int u, int v) {
        StreetEdge e;
        e.u = u;
        e.v = v;
        e.length_m = std::hypot(n.nodes[u].x - n.nodes[v].x, n.nodes[u].y - n.nodes[v].y);
        e.highway = "primary";
        n.edges.push_back(e);
    };
    edge(0, 1);
    edge(1, 2);
    edge(2, 3); // the bridge
    edge(3, 4);
    edge(5, 0);
    edge(4, 6);
    return c;
}

PlanConfig rules_config() {
    PlanConfig cfg;
    HousingType com;
    com.id = "commercial";
    HousingType ar;
    ar.id = "affordable_rental";
    ar.rental = true;
    cfg.types = {com, ar};
    return cfg;
}

std::size_t parcel_index(const City &c, const std::string &id) {
    for (std::size_t i = 0; i < c.parcels.size(); ++i) {
        if (c.parcels[i].id == id) {
            return i;
        }
    }
    throw std::runtime_error("no parcel " + id);
}

} // namespace

TEST(StreetNetwork, RiverMakesTheStraightLineNearParcelFarByStreet) {
    City c = river_city();
    const PlanConfig cfg = rules_config();
    const std::size_t east = parcel_index(c, "east");
    const std::size_t west = parcel_index(c, "west");
    EXPECT_NEAR(c.parcels[east].station_distance_m, 431.74, 0.01);
    const NetworkReport rep = apply_street_network(c, cfg);
    EXPECT_TRUE(rep.used);
    EXPECT_TRUE(c.network_facts);
    EXPECT_EQ(rep.nodes, 7u);
    EXPECT_EQ(rep.walk_edges, 6u);
    // east: 20 m onto x = 700 at y = 100, 2900 m north to the bridge, 400 m across, 3000 m south
    // on the west bank: 6320 m.
    EXPECT_NEAR(c.parcels[east].station_distance_m, 6320, 0.01);
    EXPECT_NEAR(c.parcels[east].station_line_m, 431.74, 0.01);
    EXPECT_EQ(c.parcels[east].stations_within_800m, 0);
    EXPECT_NEAR(c.parcels[east].snap_m, 20, 0.01);
    // west: 20 m onto y = 0 at x = 250, 50 m along it to the station.
    EXPECT_NEAR(c.parcels[west].station_distance_m, 70, 0.01);
    EXPECT_EQ(c.parcels[west].stations_within_800m, 1);
    EXPECT_EQ(c.parcels[west].nearest_station, 0);
    // Parks: the park's point snaps 200 m onto x = 300 at y = 1500.
    EXPECT_NEAR(c.parcels[west].park_distance_m, 200 + 1500 + 50 + 20, 0.01);
    EXPECT_NEAR(c.parcels[east].park_distance_m, 200 + 1500 + 400 + 2900 + 20, 0.01);
    EXPECT_LT(c.parcels[east].park_line_m, 1700);
    // The zone matrix of one zone is its mean trip within (the straight-line diagonal).
    ASSERT_EQ(c.zone_travel_m.size(), 1u);
    EXPECT_NEAR(c.zone_travel_m[0], zone_costs(zone_figures(c, IndicatorOptions{}))[0], 0.01);
    // Job access (gravity) and 2SFCA along the streets: the park's 20000 jobs reach east only
    // by the bridge, 5.02 km away (by straight line 1.53 km, inside the 5 km catchment).
    ASSERT_EQ(c.street_job_access.size(), 2u);
    const IndicatorOptions io;
    EXPECT_NEAR(c.street_job_access[east], 20000 * std::exp(-5020.0 / io.decay.scale_m), 1e-6);
    EXPECT_NEAR(c.street_job_access[west], 20000 * std::exp(-1770.0 / io.decay.scale_m), 1e-6);
    const double ratio = 20000 / (10000 * io.labour_force_rate);
    EXPECT_DOUBLE_EQ(c.street_jobs_per_worker[west], ratio);
    EXPECT_DOUBLE_EQ(c.street_jobs_per_worker[east], 0);
    const ParcelIndicators line = compute_parcel_indicators(river_city(), io);
    EXPECT_DOUBLE_EQ(line.jobs_per_worker[east], ratio);
    EXPECT_GT(line.job_access[east], 2 * c.street_job_access[east]);
    const ParcelIndicators street = compute_parcel_indicators(c, io);
    EXPECT_EQ(street.job_access[east], c.street_job_access[east]);
    // The indicators' station figures (dist_metro_m, stations_within_500m / 800m) too.
    ASSERT_EQ(street.modes, std::vector<std::string>{"metro"});
    EXPECT_NEAR(street.nearest_station_m(east, 0), 6320, 0.01);
    EXPECT_NEAR(line.nearest_station_m(east, 0), 431.74, 0.01);
    EXPECT_EQ(street.within(east, 0), 0);
    EXPECT_EQ(line.within(east, 0), 1);
    EXPECT_EQ(street.within(west, 0), 1);
    EXPECT_EQ(street.within(west, 1), 1);
    // Applying twice changes nothing.
    const double before = c.parcels[east].station_distance_m;
    apply_street_network(c, cfg);
    EXPECT_EQ(c.parcels[east].station_distance_m, before);
}

TEST(StreetNetwork, TodUsesTheStreetDistance) {
    PlanConfig cfg = rules_config();
    cfg.rules.tod = TodRule{};
    const City straight = river_city();
    City net = river_city();
    apply_street_network(net, cfg);
    const std::size_t east = parcel_index(net, "east");
    const std::size_t west = parcel_index(net, "west");
    // By straight line east would be in the 500 m band (plot ratio and value bonus) ...
    EXPECT_EQ(tod_band(*cfg.rules.tod, straight, straight.parcels[east]), 0);
    EXPECT_GT(build_problem(straight, cfg).tod_factor[east], 1.0);
    // ... by street it is 6.4 km away: no band, no bonus. West keeps its band.
    EXPECT_EQ(tod_band(*cfg.rules.tod, net, net.parcels[east]), -1);
    const AllocationProblem pr = build_problem(net, cfg);
    EXPECT_EQ(pr.tod_factor[east], 1.0);
    EXPECT_DOUBLE_EQ(pr.tod_factor[west], 1.2);
}

TEST(StreetNetwork, ArSitingNearStationsAndParksUsesTheStreetDistance) {
    PlanConfig cfg = rules_config();
    cfg.rules.ar_siting = ArSitingRule{}; // 1 km of a station or 2 km of a park
    const City straight = river_city();
    City net = river_city();
    apply_street_network(net, cfg);
    const std::size_t east = parcel_index(net, "east");
    const std::size_t west = parcel_index(net, "west");
    const int ar = cfg.type_index("affordable_rental");
    ASSERT_GE(ar, 0);
    const auto t = static_cast<std::size_t>(ar);
    const AllocationProblem ps = build_problem(straight, cfg);
    EXPECT_EQ(ps.eligibility[ps.at(east, t)], Eligibility::ok); // 432 m of the station
    const AllocationProblem pn = build_problem(net, cfg);
    EXPECT_EQ(pn.eligibility[pn.at(east, t)], Eligibility::ar_siting);
    EXPECT_EQ(pn.eligibility[pn.at(west, t)], Eligibility::ok);
    EXPECT_EQ(pn.eligibility[pn.at(east, 0)], Eligibility::ok); // commercial is not sited

    // Near a park only (east: 1.53 km from the park by straight line, 5.02 km by street):
    ArSitingRule parks_only;
    parks_only.max_station_m = 0;
    cfg.rules.ar_siting = parks_only;
    EXPECT_EQ(build_problem(straight, cfg).eligibility[ps.at(east, t)], Eligibility::ok);
    EXPECT_EQ(build_problem(net, cfg).eligibility[pn.at(east, t)], Eligibility::ar_siting);
    EXPECT_EQ(build_problem(net, cfg).eligibility[pn.at(west, t)], Eligibility::ok);
}

TEST(StreetNetwork, CommuteLimitUsesTheDrivingTime) {
    PlanConfig cfg = rules_config();
    CommuteLimitRule rule;
    rule.minutes = 6;
    rule.types = {"affordable_rental"};
    cfg.rules.commute_limit = rule;
    const std::size_t east = 0;
    const std::size_t west = 1;
    // Without streets: straight line at 25 km/h; east is 1.53 km from the park, 3.7 min.
    City straight = river_city();
    straight.streets = {};
    apply_street_network(straight, cfg);
    EXPECT_NEAR(straight.parcels[east].commute_min, std::hypot(620, 1400) / 1000 / 25 * 60, 0.01);
    EXPECT_LE(straight.parcels[east].commute_min, 6);
    // By street: the park's 200 m and the parcel's 20 m walked at 4.8 km/h (2.75 min), 4800 m
    // driven at 60 km/h (4.8 min).
    City net = river_city();
    apply_street_network(net, cfg);
    EXPECT_NEAR(net.parcels[east].commute_min, 220.0 / 4800 * 60 + 4800.0 / 60000 * 60, 0.01);
    EXPECT_GT(net.parcels[east].commute_min, 6);
    EXPECT_LE(net.parcels[west].commute_min, 6);
    const int ar = cfg.type_index("affordable_rental");
    const auto t = static_cast<std::size_t>(ar);
    const AllocationProblem ps = build_problem(straight, cfg);
    EXPECT_EQ(ps.eligibility[ps.at(east, t)], Eligibility::ok);
    const AllocationProblem pn = build_problem(net, cfg);
    EXPECT_EQ(pn.eligibility[pn.at(east, t)], Eligibility::commute_limit);
    EXPECT_EQ(pn.eligibility[pn.at(west, t)], Eligibility::ok);
    EXPECT_EQ(pn.eligibility[pn.at(east, 0)], Eligibility::ok); // commercial is not limited
    EXPECT_STREQ(eligibility_code(Eligibility::commute_limit), "commute_limit");
}

TEST(StreetNetwork, IndicativeCommuteLimitReportsTheUnitsBeyondIt) {
    const std::string plan = R"(
[plan]
name = "commute"
first_year = 2021
last_year = 2021
[housing_types.affordable_rental]
unit_m2 = 70
far_min = 1.0
far_max = 2.5
rental = true
[[targets]]
type = "affordable_rental"
unit = "ha"
values = [4.0]
[jobs_housing]
weight = 0
[solver]
method = "greedy"
[rules.commute_limit]
minutes = 6
types = ["affordable_rental"]
binding = false
[network]
walk_kmh = 4.8
commute = "drive"
)";
    const PlanFile cfg = parse_plan(plan, "commute.toml");
    ASSERT_TRUE(cfg.rules.commute_limit);
    EXPECT_FALSE(cfg.rules.commute_limit->binding);
    EXPECT_EQ(cfg.rules.commute_limit->line, 19);
    const City c = river_city();
    const auto allocator = make_allocator(cfg.solver, c.parcels.size());
    const Plan p = make_plan(c, cfg, *allocator);
    // Both parcels (2 ha each) are needed for the 4 ha; east lies beyond the limit by street.
    ASSERT_EQ(p.allocations.size(), 2u);
    const RuleCheck *rc = nullptr;
    for (const RuleCheck &r : p.rule_checks) {
        if (r.rule == "commute_limit") {
            rc = &r;
        }
    }
    ASSERT_NE(rc, nullptr);
    EXPECT_FALSE(rc->binding);
    EXPECT_FALSE(rc->met);
    double east_units = 0;
    for (const Allocation &a : p.allocations) {
        if (c.parcels[a.parcel].id == "east") {
            east_units = a.units;
        }
    }
    EXPECT_GT(east_units, 0);
    EXPECT_DOUBLE_EQ(rc->actual, east_units);
    EXPECT_NE(rc->label.find("along the streets"), std::string::npos);

    // Binding: the east parcel is not offered, so only west is allocated and the row is met.
    PlanFile binding = cfg;
    binding.rules.commute_limit->binding = true;
    const Plan b = make_plan(c, binding, *allocator);
    for (const Allocation &a : b.allocations) {
        EXPECT_EQ(c.parcels[a.parcel].id, "west");
    }
    bool reported = false;
    for (const Rejection &r : b.rejected) {
        if (c.parcels[r.parcel].id == "east") {
            reported = r.code == "commute_limit";
        }
    }
    EXPECT_TRUE(reported);
}

TEST(StreetNetwork, PlanFileKeysAreCheckedWithFileLineAndKey) {
    const std::string head = R"(
[plan]
name = "x"
[housing_types.affordable_rental]
rental = true
)";
    try {
        parse_plan(head + "[network]\nstations = \"bike\"\n", "p.toml");
        FAIL() << "no error";
    } catch (const PlanFileError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("p.toml:7"), std::string::npos) << m;
        EXPECT_NE(m.find("network.stations"), std::string::npos) << m;
    }
    try {
        parse_plan(head + "[rules.commute_limit]\nminutes = -3\n", "p.toml");
        FAIL() << "no error";
    } catch (const PlanFileError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("rules.commute_limit.minutes"), std::string::npos) << m;
    }
    const PlanFile ok = parse_plan(head + "[network]\nsnap_tolerance_m = 150\n"
                                          "[network.speeds_kmh]\nresidential = 25\n",
                                   "p.toml");
    EXPECT_EQ(ok.network.snap_tolerance_m, 150);
    EXPECT_EQ(ok.network.speeds_kmh.at("residential"), 25);
    EXPECT_EQ(ok.network.speeds_kmh.at("primary"), 60);
}

TEST(StreetNetwork, MultiSourceAndBoundedSearchesAgreeWithOneSearchPerSource) {
    // A 20 x 20 grid (100 m blocks) with every fifth street missing on one axis, 6 sources and
    // 300 targets at pseudo-random points.
    StreetNetwork n;
    const int k = 20;
    for (int j = 0; j < k; ++j) {
        for (int i = 0; i < k; ++i) {
            n.nodes.push_back({i * 100.0, j * 100.0});
        }
    }
    auto id = [&](int i, int j) { return j * k + i; };
    auto edge = [&](int u, int v) {
        StreetEdge e;
        e.u = u;
        e.v = v;
        e.length_m = std::hypot(n.nodes[u].x - n.nodes[v].x, n.nodes[u].y - n.nodes[v].y);
        e.highway = (u + v) % 3 == 0 ? "residential" : "secondary";
        n.edges.push_back(e);
    };
    for (int j = 0; j < k; ++j) {
        for (int i = 0; i < k; ++i) {
            if (i + 1 < k && j % 5 != 2) {
                edge(id(i, j), id(i + 1, j));
            }
            if (j + 1 < k) {
                edge(id(i, j), id(i, j + 1));
            }
        }
    }
    const NetworkOptions opt;
    const StreetGraph g(n, opt);
    std::uint64_t s = 12345;
    auto next = [&] {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(s >> 11) / static_cast<double>(1ULL << 53) * 1900.0;
    };
    std::vector<XY> src, dst;
    for (int i = 0; i < 6; ++i) {
        src.push_back({next(), next()});
    }
    for (int i = 0; i < 300; ++i) {
        dst.push_back({next(), next()});
    }
    for (TravelMode mode : {TravelMode::walk, TravelMode::drive}) {
        for (bool minutes : {false, true}) {
            const auto ss = g.snap_all(mode, src);
            const auto ts = g.snap_all(mode, dst);
            std::vector<int> which;
            const std::vector<double> near = g.nearest(mode, minutes, ss, {}, ts, &which);
            const std::vector<double> m = g.matrix(mode, minutes, ss, ts);
            const std::vector<int> within = g.count_within(mode, ss, ts, 600);
            const std::vector<double> metres = g.matrix(mode, false, ss, ts);
            for (std::size_t t = 0; t < dst.size(); ++t) {
                double best = k_inf;
                int count = 0;
                for (std::size_t q = 0; q < src.size(); ++q) {
                    best = std::min(best, m[q * dst.size() + t]);
                    count += metres[q * dst.size() + t] <= 600 ? 1 : 0;
                }
                ASSERT_NEAR(near[t], best, 1e-9) << t;
                ASSERT_GE(which[t], 0);
                ASSERT_NEAR(m[static_cast<std::size_t>(which[t]) * dst.size() + t], best, 1e-9);
                ASSERT_EQ(within[t], count) << t;
                // Never shorter than the straight line (metres).
                if (!minutes) {
                    for (std::size_t q = 0; q < src.size(); ++q) {
                        ASSERT_GE(m[q * dst.size() + t] + 1e-9,
                                  std::hypot(src[q].x - dst[t].x, src[q].y - dst[t].y));
                    }
                }
            }
        }
    }
}

TEST(StreetNetwork, CommuteLimitRowCountsBundledSharesOnlyWhenIndicative) {
    PlanConfig cfg = rules_config();
    CommuteLimitRule rule;
    rule.minutes = 6;
    rule.types = {"talent"};
    rule.binding = false;
    cfg.rules.commute_limit = rule;
    City c = river_city();
    apply_street_network(c, cfg);
    Plan plan;
    Allocation host; // commercial on east (beyond 6 min by street) with a bundled talent share
    host.parcel = 0;
    host.type = "commercial";
    host.units = 400;
    host.bundled_type = "talent";
    host.bundled_units = 21;
    Allocation near = host; // the same on west, within the limit
    near.parcel = 1;
    plan.allocations = {host, near};
    const RuleCheck indicative = commute_limit_check(plan, c, cfg);
    EXPECT_EQ(indicative.actual, 21);
    EXPECT_FALSE(indicative.met);
    EXPECT_EQ(indicative.status, "over");
    cfg.rules.commute_limit->binding = true;
    const RuleCheck binding = commute_limit_check(plan, c, cfg);
    EXPECT_EQ(binding.actual, 0);
    EXPECT_TRUE(binding.met);
    // Without streets the row says what it measured.
    City plain = river_city();
    plain.streets = {};
    apply_street_network(plain, cfg);
    EXPECT_NE(commute_limit_check(plan, plain, cfg).label.find("straight line at 25 km/h"),
              std::string::npos);
}
