// Spatial policies ([[policies]]) and the destocking bounds ([rules.destocking] bound) are rows
// the plan keeps: the same city and plan solved without the row breaks it, with it keeps it, by
// the heuristic and by the exact solver. Every quantity is recomputed from the plan's allocations
// and the city's facts, not read from the rule checks.

#include "allocation/exact.hpp"
#include "allocation/heuristic.hpp"
#include "allocation/model.hpp"
#include "allocation/planner.hpp"
#include "allocation/random_city.hpp"
#include "plan_builder.hpp"
#include "plan_file/plan_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using namespace landalloc;

namespace {

City small_city() {
    RandomCityOptions o;
    o.parcels = 300;
    o.seed = 11;
    o.rental_only_share = 0.1;
    return random_city(o);
}

/// Commercial land (ha) and AR units a year, together about a quarter of the reserve over five
/// years; `extra` appended (policies, rules).
PlanFile plan_with(const City &city, const std::string &extra) {
    const double c = 0.22 * test::reserve_ha(city) / 5;
    const double ar = 0.03 * test::reserve_ha(city) / 5 * 1e4 * 2.0 / 60;
    return test::PlanBuilder()
        .plan(2021, 2025)
        .housing_type(test::commercial())
        .housing_type(test::affordable_rental())
        .target({.type = "commercial",
                 .unit = "ha",
                 .values = {c, c, c, c, c},
                 .decimals = 2,
                 .tolerance = 0.1})
        .target({.type = "affordable_rental",
                 .unit = "units",
                 .values = {ar, ar, ar, ar, ar},
                 .decimals = 0,
                 .tolerance = 0.1})
        .jobs_housing(test::Num(0, 1))
        .raw(extra)
        .build("policy_test.toml");
}

/// The two solvers whose plans must keep the rows.
std::vector<std::unique_ptr<Allocator>> both_solvers() {
    std::vector<std::unique_ptr<Allocator>> out;
    out.push_back(std::make_unique<HeuristicAllocator>(HeuristicOptions{}));
    ExactOptions eo;
    eo.time_limit_s = 5;
    eo.gap = 1e-3;
    out.push_back(std::make_unique<ExactAllocator>(eo));
    return out;
}

/// Commercial land (ha) of the allocations in `year` (0: all years) whose zone passes `in`.
template <class In> double commercial_ha(const City &city, const Plan &p, int year, In in) {
    double s = 0;
    for (const Allocation &a : p.allocations) {
        if (a.type == "commercial" && (year == 0 || a.year == year) &&
            in(city.parcels[a.parcel].zone)) {
            s += a.area_m2 / 1e4;
        }
    }
    return s;
}

double share_of(const City &city, const Plan &p, const std::vector<bool> &zones) {
    const double in = commercial_ha(
        city, p, 0, [&](int z) { return z >= 0 && zones[static_cast<std::size_t>(z)]; });
    const double all = commercial_ha(city, p, 0, [](int) { return true; });
    return all > 0 ? in / all : 0.0;
}

/// Commercial land of each zone in a plan.
std::vector<double> land_by_zone(const City &city, const Plan &p) {
    std::vector<double> out(city.zones.size(), 0.0);
    for (std::size_t z = 0; z < out.size(); ++z) {
        out[z] = commercial_ha(city, p, 0, [&](int zz) { return zz == static_cast<int>(z); });
    }
    return out;
}

std::vector<const RuleCheck *> checks(const Plan &p, const std::string &rule) {
    std::vector<const RuleCheck *> out;
    for (const RuleCheck &rc : p.rule_checks) {
        if (rc.rule == rule) {
            out.push_back(&rc);
        }
    }
    return out;
}

std::string fmt3(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

const std::vector<int> k_years = {2021, 2022, 2023, 2024, 2025};

} // namespace

// A max_share the unconstrained plan breaks holds once added (zone class selector).
TEST(Policy, MaxShareThatThePlanBreaksIsKept) {
    const City city = small_city();
    std::vector<bool> cls(city.zones.size());
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        cls[z] = city.zones[z].zone_class == "priority_expansion";
    }
    for (const auto &solver : both_solvers()) {
        const Plan free = make_plan(city, plan_with(city, ""), *solver);
        const double s0 = share_of(city, free, cls);
        ASSERT_GT(s0, 0.2) << solver->name() << ": the class must take a fair part first";
        const double cap = std::floor(0.75 * s0 * 1000) / 1000;
        const Plan capped = make_plan(city,
                                      plan_with(city, "\n[[policies]]\nname = \"growth cap\"\n"
                                                      "zone_classes = [\"priority_expansion\"]\n"
                                                      "types = [\"commercial\"]\nmax_share = " +
                                                          fmt3(cap) + "\n"),
                                      *solver);
        EXPECT_GT(s0, cap);
        EXPECT_LE(share_of(city, capped, cls), cap + 1e-6) << solver->name();
        EXPECT_TRUE(capped.binding_targets_met()) << solver->name() << ": " << capped.status;
        const auto rc = checks(capped, "policy");
        ASSERT_EQ(rc.size(), 1u); // one row over the horizon
        EXPECT_EQ(rc[0]->year, 0);
        EXPECT_EQ(rc[0]->unit, "share");
        EXPECT_NEAR(rc[0]->actual, share_of(city, capped, cls), 1e-9);
        EXPECT_TRUE(rc[0]->met);
        EXPECT_NE(rc[0]->label.find("growth cap (priority_expansion zones): new commercial land "
                                    "<= "),
                  std::string::npos)
            << rc[0]->label;
    }
}

// A min_share floor over a zone group moves supply into its zones.
TEST(Policy, MinShareFloorMovesSupplyIntoTheZones) {
    const City city = small_city();
    const HeuristicAllocator heuristic{HeuristicOptions{}};
    const Plan free = make_plan(city, plan_with(city, ""), heuristic);
    // The two zones with the least commercial land, as a group.
    const std::vector<double> land = land_by_zone(city, free);
    std::vector<std::size_t> order(land.size());
    for (std::size_t z = 0; z < order.size(); ++z) {
        order[z] = z;
    }
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return land[a] < land[b]; });
    std::vector<bool> group(city.zones.size(), false);
    group[order[0]] = group[order[1]] = true;
    const std::string toml = "\n[zone_groups]\nlagging = [\"" + city.zones[order[0]].id + "\", \"" +
                             city.zones[order[1]].id + "\"]\n";
    const double s0 = share_of(city, free, group);
    const double floor = std::ceil((s0 + 0.08) * 1000) / 1000;
    for (const auto &solver : both_solvers()) {
        const Plan floored =
            make_plan(city,
                      plan_with(city, toml +
                                          "\n[[policies]]\nname = \"lagging floor\"\n"
                                          "zone_group = \"lagging\"\ntypes = [\"commercial\"]\n"
                                          "min_share = " +
                                          fmt3(floor) + "\n"),
                      *solver);
        EXPECT_LT(s0, floor);
        EXPECT_GE(share_of(city, floored, group), floor - 1e-6) << solver->name();
        EXPECT_TRUE(floored.binding_targets_met()) << solver->name() << ": " << floored.status;
    }
}

// An absolute cap with period = "year" holds in every year (one row a year).
TEST(Policy, AbsoluteCapHoldsEachYear) {
    const City city = small_city();
    const HeuristicAllocator heuristic{HeuristicOptions{}};
    const Plan free = make_plan(city, plan_with(city, ""), heuristic);
    const std::vector<double> land = land_by_zone(city, free);
    const auto top = static_cast<int>(std::max_element(land.begin(), land.end()) - land.begin());
    double least = 1e300;
    for (int y : k_years) {
        least = std::min(least, commercial_ha(city, free, y, [&](int z) { return z == top; }));
    }
    ASSERT_GT(least, 0.0);
    const double cap = std::floor(0.6 * least * 100) / 100;
    const std::string policy = "\n[[policies]]\nname = \"top cap\"\nzones = [\"" +
                               city.zones[static_cast<std::size_t>(top)].id +
                               "\"]\ntypes = [\"commercial\"]\nmax = " + fmt3(cap) +
                               "\nperiod = \"year\"\n";
    for (const auto &solver : both_solvers()) {
        const Plan capped = make_plan(city, plan_with(city, policy), *solver);
        for (int y : k_years) {
            EXPECT_LE(commercial_ha(city, capped, y, [&](int z) { return z == top; }), cap + 1e-6)
                << solver->name() << " " << y;
        }
        const auto rc = checks(capped, "policy");
        ASSERT_EQ(rc.size(), k_years.size());
        for (std::size_t i = 0; i < rc.size(); ++i) {
            EXPECT_EQ(rc[i]->year, k_years[i]);
            EXPECT_EQ(rc[i]->unit, "ha");
            EXPECT_DOUBLE_EQ(rc[i]->limit, std::stod(fmt3(cap)));
        }
        EXPECT_TRUE(capped.binding_targets_met()) << solver->name() << ": " << capped.status;
    }
}

// A floor no column can reach (the zone's parcels all excluded) is reported broken.
TEST(Policy, UnreachableFloorIsReportedBroken) {
    City city = small_city();
    for (Parcel &p : city.parcels) {
        if (p.zone == 0) {
            p.excluded_by = 0;
        }
    }
    const HeuristicAllocator heuristic{HeuristicOptions{}};
    const Plan p = make_plan(city,
                             plan_with(city, "\n[[policies]]\nname = \"Z1 floor\"\nzones = [\"" +
                                                 city.zones[0].id + "\"]\nmin = 5\n"),
                             heuristic);
    const auto rc = checks(p, "policy");
    ASSERT_EQ(rc.size(), 1u);
    EXPECT_FALSE(rc[0]->met);
    EXPECT_DOUBLE_EQ(rc[0]->actual, 0.0);
    EXPECT_DOUBLE_EQ(rc[0]->limit, 5.0);
    EXPECT_DOUBLE_EQ(rc[0]->violation, 5.0);
    EXPECT_FALSE(p.binding_targets_met());
    EXPECT_NE(p.status.find("Z1 floor"), std::string::npos) << p.status;
}

// A class no zone has would make a cap hold trivially and a floor break whatever the plan: the
// plan file is at fault, and the message says where.
TEST(Policy, ClassNoZoneHasIsAPlanFileError) {
    const City city = small_city();
    const HeuristicAllocator heuristic{HeuristicOptions{}};
    try {
        make_plan(city,
                  plan_with(city, "\n[[policies]]\nname = \"typo\"\nzone_classes = "
                                  "[\"old_ctiy\"]\nmax_share = 0.1\n"),
                  heuristic);
        FAIL() << "no error";
    } catch (const PlanFileError &e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("policies[0].zone_classes"), std::string::npos) << msg;
        EXPECT_NE(msg.find("'old_ctiy'"), std::string::npos) << msg;
    }
}

// A zone over 12 months (reduce, x0.7) gets no more than 0.7 x its share of the city's
// commercial land: by dwellings, and by sales when the zones have them.
TEST(DestockingBound, ZoneOver12MonthsStaysWithinItsBound) {
    City city = small_city();
    const HeuristicAllocator heuristic{HeuristicOptions{}};
    const Plan free = make_plan(city, plan_with(city, ""), heuristic);
    const std::vector<double> land = land_by_zone(city, free);
    const auto top =
        static_cast<std::size_t>(std::max_element(land.begin(), land.end()) - land.begin());
    for (Zone &z : city.zones) {
        z.destock_months = 0; // unknown: no row
    }
    city.zones[top].destock_months = 14;
    // A small share of the city's dwellings (then sales), so that the bound is below what the
    // value factor x0.7 alone leaves the zone.
    city.zones[top].dwellings *= 0.15;
    for (const bool by_sales : {false, true}) {
        if (by_sales) {
            for (std::size_t z = 0; z < city.zones.size(); ++z) {
                city.zones[z].sales = z == top ? 100.0 : 1000.0 + 100.0 * static_cast<double>(z);
            }
        }
        double total = 0;
        for (const Zone &z : city.zones) {
            total += by_sales ? z.sales : z.dwellings;
        }
        const double p = (by_sales ? city.zones[top].sales : city.zones[top].dwellings) / total;
        const double bound = 0.7 * p;
        std::vector<bool> zone(city.zones.size(), false);
        zone[top] = true;
        for (const auto &solver : both_solvers()) {
            const Plan factor_only =
                make_plan(city, plan_with(city, "\n[rules.destocking]\nbound = false\n"), *solver);
            const Plan bounded =
                make_plan(city, plan_with(city, "\n[rules.destocking]\n"), *solver);
            EXPECT_GT(share_of(city, factor_only, zone), bound)
                << solver->name() << ": the value factor alone leaves the zone over its bound";
            EXPECT_LE(share_of(city, bounded, zone), bound + 1e-6) << solver->name();
            EXPECT_TRUE(bounded.binding_targets_met()) << solver->name() << ": " << bounded.status;
            const auto rc = checks(bounded, "destocking");
            ASSERT_EQ(rc.size(), 1u); // the one zone with known months
            EXPECT_NEAR(rc[0]->limit, bound, 1e-12);
            EXPECT_NEAR(rc[0]->actual, share_of(city, bounded, zone), 1e-9);
            EXPECT_NE(rc[0]->label.find(city.zones[top].id + " " + city.zones[top].name +
                                        " (14 months, reduce x0.7): commercial land <= 0.7 x"),
                      std::string::npos)
                << rc[0]->label;
            ASSERT_EQ(bounded.destock_bands.size(), city.zones.size());
            EXPECT_EQ(bounded.destock_bands[top], "reduce");
            EXPECT_EQ(bounded.destock_bands[(top + 1) % city.zones.size()], "unknown");
        }
    }
}

TEST(DestockingBound, BandNamesFollowTheMultipliers) {
    const DestockingRule rule;
    EXPECT_EQ(destock_band(rule, 4), "increase");
    EXPECT_EQ(destock_band(rule, 6), "keep");
    EXPECT_EQ(destock_band(rule, 12), "keep");
    EXPECT_EQ(destock_band(rule, 14), "reduce");
    EXPECT_EQ(destock_band(rule, 20), "cut");
    EXPECT_EQ(destock_band(rule, 40), "stop");
    EXPECT_EQ(destock_band(rule, 0), "unknown");
    for (double m : {4.0, 6.0, 12.0, 14.0, 20.0, 40.0}) {
        const int b = destock_band_index(rule, m);
        EXPECT_DOUBLE_EQ(destock_multiplier(rule, m),
                         rule.multipliers[static_cast<std::size_t>(b)]);
    }
}
