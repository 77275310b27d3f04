// Accessibility and jobs-housing indicators against values computed by hand on tiny layouts, and
// the R-tree queries against brute force on a seeded random layout.
#include "allocation/indicators.hpp"
#include "core/errors.hpp"
#include "plan_file/plan_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

using namespace landalloc;

namespace {

Station station(const std::string &id, const std::string &mode, double x, double y,
                int opening_year = 0) {
    Station s;
    s.id = id;
    s.mode = mode;
    s.opening_year = opening_year;
    s.x = x;
    s.y = y;
    return s;
}

Parcel parcel_at(const std::string &id, double x, double y, int zone = 0) {
    Parcel p;
    p.id = id;
    p.first_year = 2021;
    p.far_cap = 2.0;
    p.area_m2 = 10000;
    p.x = x;
    p.y = y;
    p.zone = zone;
    return p;
}

Zone zone_at(const std::string &id, double x, double y, double population, double jobs,
             double dwellings, double area_m2 = 1e6) {
    Zone z;
    z.id = id;
    z.population = population;
    z.jobs = jobs;
    z.dwellings = dwellings;
    z.area_m2 = area_m2;
    z.x = x;
    z.y = y;
    return z;
}

/// Mean distance between two uniform points of a disc of area a (the intrazonal cost).
double intrazonal(double a) {
    return 128.0 * std::sqrt(a / std::numbers::pi) / (45.0 * std::numbers::pi);
}

} // namespace

// ---- per parcel ----------------------------------------------------------------------------

TEST(Indicators, StationDistanceByModeAndCountsWithinRadii) {
    City c;
    c.zones.push_back(zone_at("Z", 0, 0, 0, 0, 0));
    c.stations = {station("S1", "metro", 300, 400),   // 500 m (3-4-5)
                  station("S2", "metro", 0, -799),    // 799 m
                  station("S3", "bus_hub", 0, 900),   // 900 m
                  station("S4", "BRT", 10, 0, 2030)}; // 10 m, opens 2030
    c.parcels = {parcel_at("P1", 0, 0), parcel_at("P2", 5000, 5000)};

    IndicatorOptions opt; // radii 500 and 800 m
    ParcelIndicators pi = compute_parcel_indicators(c, opt);
    // The modes as the data spells them (their columns are named by mode_slugs: dist_brt_m).
    ASSERT_EQ(pi.modes, (std::vector<std::string>{"BRT", "bus_hub", "metro"}));
    ASSERT_EQ(pi.n, 2U);
    EXPECT_DOUBLE_EQ(pi.nearest_station_m(0, 0), 10.0);
    EXPECT_DOUBLE_EQ(pi.nearest_station_m(0, 1), 900.0);
    EXPECT_DOUBLE_EQ(pi.nearest_station_m(0, 2), 500.0);
    EXPECT_EQ(pi.within(0, 0), 2); // S4, and S1 exactly on the 500 m circle
    EXPECT_EQ(pi.within(0, 1), 3); // + S2 at 799 m
    EXPECT_DOUBLE_EQ(pi.nearest_station_m(1, 2), std::hypot(5000.0 - 300.0, 5000.0 - 400.0));
    EXPECT_EQ(pi.within(1, 1), 0);

    // Only stations open by 2025: the BRT stop drops out, and with it its mode.
    opt.stations_open_by = 2025;
    pi = compute_parcel_indicators(c, opt);
    ASSERT_EQ(pi.modes, (std::vector<std::string>{"bus_hub", "metro"}));
    EXPECT_EQ(pi.within(0, 0), 1);
    EXPECT_EQ(pi.within(0, 1), 2);

    // Other radii.
    opt.station_radii_m = {1000};
    pi = compute_parcel_indicators(c, opt);
    EXPECT_EQ(pi.within(0, 0), 3);
}

TEST(Indicators, DecayFunctions) {
    DistanceDecay e;
    e.kind = DecayKind::exponential;
    e.scale_m = 1000;
    EXPECT_DOUBLE_EQ(e(0), 1.0);
    EXPECT_DOUBLE_EQ(e(2000), std::exp(-2.0));
    DistanceDecay p;
    p.kind = DecayKind::power;
    p.beta = 2;
    p.min_distance_m = 500;
    EXPECT_DOUBLE_EQ(p(100), 1.0);   // closer than min_distance: 1
    EXPECT_DOUBLE_EQ(p(1000), 0.25); // (1000 / 500)^-2
    EXPECT_DOUBLE_EQ(p(2000), 1.0 / 16);
    p.cutoff_m = 1500;
    EXPECT_DOUBLE_EQ(p.within_cutoff(1000), 0.25);
    EXPECT_DOUBLE_EQ(p.within_cutoff(2000), 0.0);
}

TEST(Indicators, GravityAccessibilityWithKnownDecay) {
    // Job sites 200 m, 1 km, 2 km and 20 km east of the point.
    const std::vector<SitePoint> jobs = {
        {200, 0, 10}, {1000, 0, 100}, {2000, 0, 50}, {20000, 0, 1000}};
    const std::vector<XY> at = {{0, 0}};
    DistanceDecay d;
    d.kind = DecayKind::exponential;
    d.scale_m = 1000;
    d.cutoff_m = 10000; // the 20 km site is cut off
    auto a = gravity_access(at, jobs, d);
    ASSERT_EQ(a.size(), 1U);
    EXPECT_NEAR(a[0], 10 * std::exp(-0.2) + 100 * std::exp(-1.0) + 50 * std::exp(-2.0), 1e-9);
    EXPECT_NEAR(a[0], 51.742, 1e-3);

    d.kind = DecayKind::power;
    d.beta = 2;
    d.min_distance_m = 500;
    a = gravity_access(at, jobs, d);
    EXPECT_NEAR(a[0], 10 * 1.0 + 100 * 0.25 + 50 * 0.0625, 1e-12); // 38.125

    d.cutoff_m = 1500; // now the 2 km site drops out too
    a = gravity_access(at, jobs, d);
    EXPECT_NEAR(a[0], 35.0, 1e-12);

    d.cutoff_m = k_inf;
    EXPECT_THROW(gravity_access(at, jobs, d), PreconditionError);
}

TEST(Indicators, TwoStepFloatingCatchmentByHand) {
    // 2 supply (job) sites x 3 demand (worker) points on a line, catchment 1 km.
    //   S1 (0) 100 jobs, S2 (2000) 60 jobs; D1 (500) 50, D2 (1000) 100, D3 (2500) 30 workers.
    // S1 reaches D1, D2 (exactly 1 km); S2 reaches D2 (exactly 1 km), D3.
    const std::vector<SitePoint> supply = {{0, 0, 100}, {2000, 0, 60}};
    const std::vector<SitePoint> demand = {{500, 0, 50}, {1000, 0, 100}, {2500, 0, 30}};
    const auto r = fca_supply_ratios(supply, demand, 1000);
    ASSERT_EQ(r.size(), 2U);
    EXPECT_DOUBLE_EQ(r[0], 100.0 / 150.0);
    EXPECT_DOUBLE_EQ(r[1], 60.0 / 130.0);

    const std::vector<XY> at = {{500, 0}, {1000, 0}, {2500, 0}, {9000, 0}};
    const auto a = two_step_fca(at, supply, demand, 1000);
    ASSERT_EQ(a.size(), 4U);
    EXPECT_NEAR(a[0], 0.666667, 1e-6);
    EXPECT_NEAR(a[1], 100.0 / 150.0 + 60.0 / 130.0, 1e-12); // 1.128205
    EXPECT_NEAR(a[2], 0.461538, 1e-6);
    EXPECT_DOUBLE_EQ(a[3], 0.0);

    // A supply site with no demand in reach has ratio 0.
    const auto r2 = fca_supply_ratios({{50000, 0, 10}}, demand, 1000);
    EXPECT_DOUBLE_EQ(r2[0], 0.0);
}

TEST(Indicators, ParcelIndicatorsUseZoneAndParkJobSites) {
    City c;
    c.zones.push_back(zone_at("Z1", 0, 0, 1000, 400, 300));
    c.zones.push_back(zone_at("Z2", 3000, 0, 0, 200, 0));
    Park park;
    park.id = "K";
    park.jobs = 600;
    park.x = 0;
    park.y = 4000;
    c.parks.push_back(park);
    c.parcels = {parcel_at("P", 0, 0)};

    IndicatorOptions opt;
    opt.decay.kind = DecayKind::exponential;
    opt.decay.scale_m = 1000;
    opt.decay.cutoff_m = 3500; // the park at 4 km is out of reach
    opt.catchment_m = 3000;
    opt.labour_force_rate = 0.5;
    ParcelIndicators pi = compute_parcel_indicators(c, opt);
    EXPECT_NEAR(pi.job_access[0], 400 + 200 * std::exp(-3.0), 1e-9);
    // 2SFCA: Z1's 400 jobs and Z2's 200 (3 km) are shared by Z1's 500 workers; the park's jobs
    // have no workers within 3 km.
    EXPECT_NEAR(pi.jobs_per_worker[0], 400.0 / 500 + 200.0 / 500, 1e-12);

    opt.decay.cutoff_m = 5000;
    pi = compute_parcel_indicators(c, opt);
    EXPECT_NEAR(pi.job_access[0], 400 + 200 * std::exp(-3.0) + 600 * std::exp(-4.0), 1e-9);
    opt.park_jobs = false;
    pi = compute_parcel_indicators(c, opt);
    EXPECT_NEAR(pi.job_access[0], 400 + 200 * std::exp(-3.0), 1e-9);
}

TEST(Indicators, RTreeQueriesMatchBruteForceOnRandomLayout) {
    const std::uint64_t seed = 20210601;
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    auto u = [&](double lo, double hi) {
        return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1.0p-53;
    };
    const char *modes[] = {"metro", "bus_hub", "hsr"};
    City c;
    for (int z = 0; z < 40; ++z) {
        c.zones.push_back(zone_at("Z" + std::to_string(z), u(0, 20000), u(0, 20000), u(0, 5e4),
                                  u(0, 3e4), u(0, 2e4)));
    }
    for (int s = 0; s < 300; ++s) {
        c.stations.push_back(
            station("S" + std::to_string(s), modes[s % 3], u(0, 20000), u(0, 20000)));
    }
    for (int i = 0; i < 1500; ++i) {
        c.parcels.push_back(parcel_at("P" + std::to_string(i), u(0, 20000), u(0, 20000)));
    }
    IndicatorOptions opt;
    opt.decay.cutoff_m = 6000;
    const ParcelIndicators pi = compute_parcel_indicators(c, opt);
    ASSERT_EQ(pi.modes, (std::vector<std::string>{"bus_hub", "hsr", "metro"}));
    const auto jobs = job_sites(c, opt);
    const auto workers = worker_sites(c, opt);
    for (std::size_t i = 0; i < c.parcels.size(); ++i) {
        const Parcel &p = c.parcels[i];
        double best[3] = {k_inf, k_inf, k_inf};
        int n500 = 0;
        int n800 = 0;
        for (const Station &s : c.stations) {
            const double d = std::sqrt((s.x - p.x) * (s.x - p.x) + (s.y - p.y) * (s.y - p.y));
            const std::size_t m = s.mode == "bus_hub" ? 0 : (s.mode == "hsr" ? 1 : 2);
            best[m] = std::min(best[m], d);
            n500 += d <= 500 ? 1 : 0;
            n800 += d <= 800 ? 1 : 0;
        }
        for (std::size_t m = 0; m < 3; ++m) {
            ASSERT_DOUBLE_EQ(pi.nearest_station_m(i, m), best[m]) << "parcel " << i;
        }
        ASSERT_EQ(pi.within(i, 0), n500) << "parcel " << i;
        ASSERT_EQ(pi.within(i, 1), n800) << "parcel " << i;
        double a = 0;
        for (const SitePoint &j : jobs) {
            const double d = std::sqrt((j.x - p.x) * (j.x - p.x) + (j.y - p.y) * (j.y - p.y));
            a += d <= opt.decay.cutoff_m ? j.weight * opt.decay(d) : 0.0;
        }
        ASSERT_NEAR(pi.job_access[i], a, 1e-9 * std::max(1.0, a)) << "parcel " << i;
        double f = 0;
        for (const SitePoint &j : jobs) {
            if (std::hypot(j.x - p.x, j.y - p.y) > opt.catchment_m) {
                continue;
            }
            double demand = 0;
            for (const SitePoint &w : workers) {
                demand += std::hypot(w.x - j.x, w.y - j.y) <= opt.catchment_m ? w.weight : 0.0;
            }
            f += demand > 0 ? j.weight / demand : 0.0;
        }
        ASSERT_NEAR(pi.jobs_per_worker[i], f, 1e-9 * std::max(1.0, f)) << "parcel " << i;
    }
}

// ---- per zone and city-wide ----------------------------------------------------------------

TEST(Indicators, DissimilarityIndexByHand) {
    // Two zones: jobs 300 / 100, workers 100 / 300: D = 1/2 (|0.75 - 0.25| + |0.25 - 0.75|).
    EXPECT_DOUBLE_EQ(dissimilarity_index({300, 100}, {100, 300}), 0.5);
    // Unequal totals: jobs 600 / 200 (0.75, 0.25), workers 100 / 100 (0.5, 0.5): D = 0.25.
    EXPECT_DOUBLE_EQ(dissimilarity_index({600, 200}, {100, 100}), 0.25);
    EXPECT_DOUBLE_EQ(dissimilarity_index({5, 5}, {1, 1}), 0.0);
    EXPECT_DOUBLE_EQ(dissimilarity_index({0, 0}, {1, 1}), 0.0);
    EXPECT_THROW(dissimilarity_index({1}, {1, 2}), PreconditionError);
}

TEST(Indicators, RatioBand) {
    EXPECT_EQ(ratio_band(120, 100, 1.3, 1.7), "below");
    EXPECT_EQ(ratio_band(150, 100, 1.3, 1.7), "within");
    EXPECT_EQ(ratio_band(130, 100, 1.3, 1.7), "within");
    EXPECT_EQ(ratio_band(180, 100, 1.3, 1.7), "above");
    EXPECT_EQ(ratio_band(180, 0, 1.3, 1.7), "");
}

TEST(Indicators, TransportationProblemKnownMinimum) {
    // O = (10, 20), D = (15, 15), cost (km) [[1, 4], [2, 3]]. With x11 = a the cost is 85 - 2a,
    // so the minimum is a = 10: x = [[10, 0], [5, 15]], cost 65 km.
    const std::vector<double> cost = {1000, 4000, 2000, 3000};
    TransportSolution s = solve_transportation({10, 20}, {15, 15}, cost);
    ASSERT_TRUE(s.optimal);
    EXPECT_NEAR(s.total_cost, 65000, 1e-6);
    EXPECT_DOUBLE_EQ(s.total_flow, 30);
    EXPECT_NEAR(s.flows[0], 10, 1e-9);
    EXPECT_NEAR(s.flows[1], 0, 1e-9);
    EXPECT_NEAR(s.flows[2], 5, 1e-9);
    EXPECT_NEAR(s.flows[3], 15, 1e-9);

    // Destinations are rescaled to the origins' total: (30, 30) -> (15, 15), the same answer.
    s = solve_transportation({10, 20}, {30, 30}, cost);
    ASSERT_TRUE(s.optimal);
    EXPECT_NEAR(s.total_cost, 65000, 1e-6);

    // The classic 3 x 3 assignment [[4, 1, 3], [2, 0, 5], [3, 2, 2]]: minimum 1 + 2 + 2 = 5.
    s = solve_transportation({1, 1, 1}, {1, 1, 1}, {4, 1, 3, 2, 0, 5, 3, 2, 2});
    ASSERT_TRUE(s.optimal);
    EXPECT_NEAR(s.total_cost, 5, 1e-9);

    // A zero origin takes no part.
    s = solve_transportation({0, 10}, {4, 6}, {1, 1, 7, 3});
    EXPECT_NEAR(s.total_cost, 4 * 7 + 6 * 3, 1e-9);
    EXPECT_THROW(solve_transportation({1}, {1}, {1, 2}), PreconditionError);
}

TEST(Indicators, GravityFlowsByHand) {
    DistanceDecay d;
    d.kind = DecayKind::exponential;
    d.scale_m = 1000;
    d.cutoff_m = k_inf;
    const std::vector<double> cost = {100, 1000, 1000, 100};
    const double f_near = std::exp(-0.1);
    const double f_far = std::exp(-1.0);

    // Symmetric 2 x 2: both models give T_ii = O_i f_near / (f_near + f_far).
    auto t = gravity_flows({1, 1}, {1, 1}, cost, d, CommuteModel::doubly_constrained);
    EXPECT_NEAR(t[0], f_near / (f_near + f_far), 1e-9);
    EXPECT_NEAR(t[1], f_far / (f_near + f_far), 1e-9);
    EXPECT_NEAR(t[2], f_far / (f_near + f_far), 1e-9);

    // Production constrained, D = (3, 1): T_1j = O_1 D_j f_1j / sum_k D_k f_1k.
    t = gravity_flows({2, 2}, {3, 1}, cost, d, CommuteModel::production_constrained);
    EXPECT_NEAR(t[0], 2 * 3 * f_near / (3 * f_near + f_far), 1e-12);
    EXPECT_NEAR(t[1], 2 * 1 * f_far / (3 * f_near + f_far), 1e-12);
    EXPECT_NEAR(t[2], 2 * 3 * f_far / (3 * f_far + f_near), 1e-12);

    // Doubly constrained, asymmetric: rows give the origins and columns the rescaled
    // destinations.
    const std::vector<double> c3 = {500, 4000, 9000, 3000, 700, 2500, 8000, 2000, 300};
    const std::vector<double> o = {100, 300, 200};
    const std::vector<double> dest = {600, 300, 300}; // total 1200 -> rescaled to 600
    t = gravity_flows(o, dest, c3, d, CommuteModel::doubly_constrained);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_NEAR(t[i * 3] + t[i * 3 + 1] + t[i * 3 + 2], o[i], 1e-7);
        EXPECT_NEAR(t[i] + t[3 + i] + t[6 + i], dest[i] / 2, 1e-7);
    }
}

TEST(Indicators, ExcessCommutingByHand) {
    // Workers 1 / 1, jobs 1 / 1, cost [[100, 1000], [1000, 100]]: T_min = 100 (everyone works at
    // home); the gravity model sends the share f_far / (f_near + f_far) across.
    IndicatorOptions opt;
    opt.commute_decay = {DecayKind::exponential, 1000, 1.5, 500, k_inf};
    const double f_near = std::exp(-0.1);
    const double f_far = std::exp(-1.0);
    const double t_obs = (100 * f_near + 1000 * f_far) / (f_near + f_far);
    const ExcessCommuting e = excess_commuting({1, 1}, {1, 1}, {100, 1000, 1000, 100}, opt);
    EXPECT_NEAR(e.t_min_m, 100, 1e-9);
    EXPECT_NEAR(e.t_obs_m, t_obs, 1e-7);
    EXPECT_NEAR(e.excess, (t_obs - 100) / t_obs, 1e-9);
    EXPECT_NEAR(e.t_obs_m, 360.15, 1e-2);
}

TEST(Indicators, JobsHousingBeforeAndAfter) {
    // Z1 (0, 0): 200 people, 300 jobs, 100 dwellings; Z2 (10 km east): 600 people, 100 jobs,
    // 200 dwellings. Labour-force rate 0.5, 2 persons a unit; the plan adds 100 units in Z1.
    const std::vector<ZoneFigures> zones = {{0, 0, 1e6, 300, 100, 200},
                                            {10000, 0, 1e6, 100, 200, 600}};
    IndicatorOptions opt;
    opt.labour_force_rate = 0.5;
    opt.persons_per_unit = 2;
    const JobsHousingResult r = jobs_housing(zones, {0, k_none}, {100, 50}, {20000, 5000}, opt);
    ASSERT_EQ(r.zones.size(), 2U);
    const ZoneBalance &z1 = r.zones[0];
    EXPECT_DOUBLE_EQ(z1.new_units, 100);
    EXPECT_DOUBLE_EQ(z1.new_land_ha, 2);
    EXPECT_DOUBLE_EQ(z1.before.workers, 100);
    EXPECT_DOUBLE_EQ(z1.after.workers, 200); // (200 + 100 x 2) x 0.5
    EXPECT_DOUBLE_EQ(z1.after.dwellings, 200);
    EXPECT_DOUBLE_EQ(z1.before.jobs_dwellings, 3.0);
    EXPECT_EQ(z1.before.band, "above");
    EXPECT_DOUBLE_EQ(z1.after.jobs_dwellings, 1.5);
    EXPECT_EQ(z1.after.band, "within");
    EXPECT_DOUBLE_EQ(r.zones[1].new_units, 0); // the unit outside every zone is ignored
    EXPECT_EQ(r.zones[1].after.band, "below");

    // D: before jobs (0.75, 0.25) vs workers (0.25, 0.75) = 0.5; after workers (0.4, 0.6) = 0.35.
    EXPECT_DOUBLE_EQ(r.before.dissimilarity, 0.5);
    EXPECT_NEAR(r.after.dissimilarity, 0.35, 1e-12);

    // T_min before: Z1's 100 workers take Z1 jobs, Z2's 300 take Z2's 100 and Z1's 200 others
    // (jobs rescaled 300/100 -> 300/100 of 400 workers: unchanged).
    const double ci = intrazonal(1e6); // 510.83 m
    EXPECT_NEAR(ci, 510.83, 1e-2);
    EXPECT_NEAR(r.before.commute_min_m, (100 * ci + 100 * ci + 200 * 10000.0) / 400, 1e-6);
    // After: 500 workers, jobs rescaled to 375 / 125; Z1's 200 stay, Z2's 300 take 125 + 175.
    EXPECT_NEAR(r.after.commute_min_m, (200 * ci + 125 * ci + 175 * 10000.0) / 500, 1e-6);
    EXPECT_GT(r.before.excess_commuting, 0);
    EXPECT_LT(r.before.excess_commuting, 1);
    EXPECT_GE(r.before.commute_model_m, r.before.commute_min_m);
}

TEST(Indicators, AddIndicatorsFillsThePlan) {
    City c;
    c.zones.push_back(zone_at("Z1", 0, 0, 2000, 1500, 700));
    c.zones.push_back(zone_at("Z2", 6000, 0, 3000, 500, 1200));
    c.stations = {station("S1", "metro", 300, 400)};
    c.parcels = {parcel_at("P0", 0, 0, 0), parcel_at("P1", 6000, 0, 1)};
    Plan plan;
    Allocation a;
    a.parcel = 1;
    a.units = 100;
    a.area_m2 = 10000;
    plan.allocations.push_back(a);
    IndicatorOptions opt;
    add_indicators(plan, c, opt);

    const auto &ind = plan.allocations[0].indicators;
    ASSERT_EQ(ind.size(), 5U);
    EXPECT_EQ(ind[0].name, "dist_metro_m");
    EXPECT_DOUBLE_EQ(ind[0].value, std::hypot(5700.0, 400.0));
    EXPECT_EQ(ind[1].name, "stations_within_500m");
    EXPECT_EQ(ind[2].name, "stations_within_800m");
    EXPECT_DOUBLE_EQ(ind[2].value, 0);
    EXPECT_EQ(ind[3].name, "job_access");
    EXPECT_NEAR(ind[3].value, 500 + 1500 * std::exp(-3.0), 1e-9);
    EXPECT_EQ(ind[4].name, "jobs_per_worker");

    ASSERT_EQ(plan.zone_balance.size(), 2U);
    EXPECT_DOUBLE_EQ(plan.zone_balance[1].new_units, 100);
    EXPECT_DOUBLE_EQ(plan.zone_balance[1].after.dwellings, 1300);
    EXPECT_DOUBLE_EQ(plan.zone_balance[1].after.population, 3000 + 100 * 2.62);
    EXPECT_DOUBLE_EQ(plan.ratio_min, 0.8);
    // Housing in the job-poor zone moves workers further from jobs: D rises.
    EXPECT_NEAR(plan.balance_before.dissimilarity, 0.5 * (std::abs(0.75 - 0.4) * 2), 1e-12);
    EXPECT_GT(plan.balance_after.dissimilarity, plan.balance_before.dissimilarity);
}

// ---- plan file ------------------------------------------------------------------------------

TEST(Indicators, PlanFileSectionIsParsedStrictly) {
    const std::string head = R"([plan]
first_year = 2021
last_year = 2021
[housing_types.commercial]
unit_m2 = 100.0
[jobs_housing]
ratio_min = 1.1
ratio_max = 1.6
)";
    PlanFile cfg = parse_plan(head, "p.toml");
    EXPECT_EQ(cfg.indicators.station_radii_m, (std::vector<double>{500, 800}));
    EXPECT_EQ(cfg.indicators.decay.kind, DecayKind::exponential);
    EXPECT_DOUBLE_EQ(cfg.indicators.ratio_min, 1.1); // the band is [jobs_housing]'s
    EXPECT_DOUBLE_EQ(cfg.indicators.ratio_max, 1.6);

    cfg = parse_plan(head + R"([indicators]
station_radii_m = [300, 600, 1000]
stations_open_by = 2025
decay = "power"
decay_beta = 2.0
decay_min_m = 250
cutoff_m = 8000
park_jobs = false
catchment_m = 4000
labour_force_rate = 0.6
persons_per_unit = 3
commute_model = "production_constrained"
commute_decay = "power"
commute_scale_m = 5000
commute_beta = 1.2
)",
                     "p.toml");
    const IndicatorOptions &o = cfg.indicators;
    EXPECT_EQ(o.station_radii_m, (std::vector<double>{300, 600, 1000}));
    EXPECT_EQ(o.stations_open_by, 2025);
    EXPECT_EQ(o.decay.kind, DecayKind::power);
    EXPECT_DOUBLE_EQ(o.decay.beta, 2.0);
    EXPECT_DOUBLE_EQ(o.decay.min_distance_m, 250);
    EXPECT_DOUBLE_EQ(o.decay.cutoff_m, 8000);
    EXPECT_FALSE(o.park_jobs);
    EXPECT_DOUBLE_EQ(o.catchment_m, 4000);
    EXPECT_DOUBLE_EQ(o.labour_force_rate, 0.6);
    EXPECT_DOUBLE_EQ(o.persons_per_unit, 3);
    EXPECT_EQ(o.commute_model, CommuteModel::production_constrained);
    EXPECT_EQ(o.commute_decay.kind, DecayKind::power);
    EXPECT_DOUBLE_EQ(o.commute_decay.scale_m, 5000);
    EXPECT_DOUBLE_EQ(o.commute_decay.beta, 1.2);

    auto error_of = [&](const std::string &section) {
        try {
            parse_plan(head + "[indicators]\n" + section, "p.toml");
        } catch (const PlanFileError &e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(error_of("radius = 5\n").find("key 'indicators.radius': unknown key"),
              std::string::npos);
    EXPECT_NE(error_of("decay = \"gaussian\"\n").find("indicators.decay"), std::string::npos);
    EXPECT_NE(error_of("station_radii_m = [500, 500]\n").find("distinct"), std::string::npos);
    EXPECT_NE(error_of("labour_force_rate = 1.5\n").find("out of range"), std::string::npos);
    EXPECT_NE(error_of("commute_model = \"observed\"\n").find("indicators.commute_model"),
              std::string::npos);
}
