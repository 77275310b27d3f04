// The optimiser: the exact MILP (CBC) proves optimality, the heuristic comes within 1 % of it and
// both report valid bounds; unmet targets are diagnosed; every rejected candidate has a reason.

#include "allocation//exact.hpp"
#include "allocation/explain.hpp"
#include "allocation/greedy.hpp"
#include "allocation/heuristic.hpp"
#include "allocation/milp.hpp"
#include "allocation/model.hpp"
#include "allocation/planner.hpp"
#include "allocation/random_city.hpp"
#include "core/parallel.hpp"
#include "plan_builder.hpp"
#include "plan_file/plan_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

using namespace landalloc;

namespace {

/// A plan whose yearly targets take about `share` of the reserve over five years.
PlanConfig plan_for(const City &city, double share, double jh_weight = 0.5,
                    double tolerance = 0.05) {
    const double per_year = share * test::reserve_ha(city) / 5;
    // Commercial: 90 % of the land. AR in units: 10 % of the land at plot ratio ~2 and 60 m2 a
    // unit.
    const double c = 0.9 * per_year;
    const double ar = 0.1 * per_year * 1e4 * 2.0 / 60;
    return test::PlanBuilder()
        .plan(2021, 2025)
        .housing_type(test::commercial())
        .housing_type(test::affordable_rental())
        .target({.type = "commercial",
                 .unit = "ha",
                 .values = {c * 0.8, c * 0.9, c, c * 1.05, c * 1.1},
                 .decimals = 3,
                 .tolerance = tolerance})
        .target({.type = "affordable_rental",
                 .unit = "units",
                 .values = {ar, ar * 1.1, ar * 1.2, ar * 1.2, ar * 1.3},
                 .decimals = 1,
                 .tolerance = tolerance})
        .jobs_housing(test::Num(jh_weight, 3), test::Num(0.9, 1), test::Num(1.3, 1))
        .build();
}

/// A random city of `parcels` parcels from `seed`, the other options their defaults.
City city_of(std::size_t parcels, std::uint64_t seed) {
    RandomCityOptions o;
    o.parcels = parcels;
    o.seed = seed;
    return random_city(o);
}

/// A plan whose yearly targets take about `share` of the reserve over five years.
struct Instance {
    City city;
    PlanConfig plan;
    AllocationProblem problem;
    Model model;
    Instance(std::size_t parcels, std::uint64_t seed, double share, double jh = 0.5,
             double tolerance = 0.05) {
        city = city_of(parcels, seed);
        plan = plan_for(city, share, jh, tolerance);
        problem = build_problem(city, plan);
        model = build_model(problem);
    }
    Instance(const Instance &) = delete;
};

ExactOptions exact_options() {
    ExactOptions o;
    o.time_limit_s = 10;
    o.gap = 1e-3;
    return o;
}

} // namespace

TEST(Model, EvaluationMatchesHandComputedObjective) {
    Instance in(50, 3, 0.3);
    const Model &m = in.model;
    ASSERT_FALSE(m.columns.empty());
    // Choose the first column of the first three parcels that have one.
    std::vector<std::uint32_t> chosen;
    std::set<std::uint32_t> parcels;
    for (std::uint32_t c = 0; c < m.columns.size() && chosen.size() < 3; ++c) {
        if (parcels.insert(m.columns[c].parcel).second) {
            chosen.push_back(c);
        }
    }
    double value = 0;
    std::vector<double> supply(m.rows.size(), 0.0);
    std::vector<double> units(m.zones.size(), 0.0);
    for (auto c : chosen) {
        value += m.columns[c].value;
        supply[m.columns[c].row] += m.columns[c].q;
        units[static_cast<std::size_t>(m.columns[c].zone)] += m.columns[c].units;
    }
    double penalties = 0;
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        const auto &row = m.rows[r];
        penalties += row.rho * std::max(0.0, supply[r] - row.T) +
                     row.P * std::max(0.0, row.L - supply[r]) + (supply[r] < row.L ? row.F : 0.0);
    }
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        // The balance term w |u_z - t_z| less its value without new units, w |t_z|.
        const double t = m.zones[z].balanced_units;
        penalties += m.jh_cost * (std::abs(units[z] - t) - std::abs(t));
    }
    EXPECT_NEAR(evaluate(m, chosen).objective, value - penalties, 1e-6 * std::abs(value));
}

TEST(Model, ColumnsRespectEligibilityAndAvailability) {
    Instance in(300, 5, 0.3);
    for (const Column &c : in.model.columns) {
        const Parcel &p = in.city.parcels[c.parcel];
        EXPECT_EQ(p.excluded_by, k_none);
        EXPECT_LE(p.first_year, in.model.rows[c.row].year);
        EXPECT_TRUE(p.allows(in.plan.types[c.type].id));
    }
}

// build_model counts the columns before it stores them, and stores the side-row coefficients
// column by column from one list: no vector is left with room it does not use, and each
// parcel's columns and each column's coefficients are where the starts say.
TEST(Model, ColumnsAndCoefficientsAreStoredExactlyWhereTheStartsSay) {
    Instance in(400, 7, 0.3);
    in.plan.rules.rental_share = RentalShareRule{};
    const AllocationProblem pr = build_problem(in.city, in.plan);
    const Model m = build_model(pr);
    ASSERT_FALSE(m.columns.empty());
    EXPECT_EQ(m.columns.capacity(), m.columns.size());
    ASSERT_EQ(m.parcel_start.size(), in.city.parcels.size() + 1);
    EXPECT_EQ(m.parcel_start.back(), m.columns.size());
    for (std::size_t i = 0; i + 1 < m.parcel_start.size(); ++i) {
        ASSERT_LE(m.parcel_start[i], m.parcel_start[i + 1]);
        for (std::uint32_t c = m.parcel_start[i]; c < m.parcel_start[i + 1]; ++c) {
            EXPECT_EQ(m.columns[c].parcel, i);
        }
    }
    ASSERT_FALSE(m.side_rows.empty());
    ASSERT_EQ(m.side_start.size(), m.columns.size() + 1);
    EXPECT_EQ(m.side_start.back(), m.side_entries.size());
    EXPECT_EQ(m.side_entries.capacity(), m.side_entries.size());
    std::size_t rental_entries = 0;
    for (std::uint32_t c = 0; c < m.columns.size(); ++c) {
        ASSERT_LE(m.side_start[c], m.side_start[c + 1]);
        for (auto [e, end] = m.side(c); e != end; ++e) {
            ASSERT_LT(e->row, m.side_rows.size());
            EXPECT_NE(e->a, 0.0);
            rental_entries += m.side_rows[e->row].rule == "rental_share" ? 1 : 0;
        }
    }
    EXPECT_GT(rental_entries, 0u);
}

TEST(Solvers, HeuristicWithinOneAndAHalfPercentOfOptimumWithValidBounds) {
    // CBC's best bound is at least the optimum, so a heuristic plan within 1.5 % of that bound is
    // within 1.5 % of the optimum, whether or not CBC closes its gap in the time allowed. (1 %
    // before the balance term: its hinges loosen the LP bound. On seed 2, 1000 parcels, CBC
    // warm-started for 90 s reaches 354.65 with bound 356.97 and the heuristic 352.89: 0.5 %
    // below CBC's plan and 1.14 % below the bound.)
    for (std::uint64_t seed : {1, 2, 3}) {
        for (std::size_t n : {1000, 2000}) {
            SCOPED_TRACE("seed " + std::to_string(seed) + ", " + std::to_string(n) + " parcels");
            Instance in(n, seed, 0.3);
            ExactOptions eo;
            eo.time_limit_s = 10;
            eo.gap = 1e-4;
            eo.warm_start = false; // CBC on its own, independent of the heuristic
            const Solution exact = ExactAllocator(eo).solve(in.model);
            const Solution heur = HeuristicAllocator(HeuristicOptions{}).solve(in.model);
            // (CBC alone may return a weak plan on a loaded machine; its bound stays valid.)
            const double best_bound = std::min(exact.report.bound, heur.report.bound);
            const Evaluation he = evaluate(in.model, heur.chosen);
            std::string shorts;
            for (std::size_t r = 0; r < in.model.rows.size(); ++r) {
                if (row_short(in.model.rows[r], he.row_supply[r])) {
                    shorts += " row " + std::to_string(r) + " " + std::to_string(he.row_supply[r]) +
                              "/" + std::to_string(in.model.rows[r].L) + " F " +
                              std::to_string(in.model.rows[r].F);
                }
            }
            EXPECT_GE(heur.report.objective, 0.985 * best_bound)
                << shorts << " heuristic " << heur.report.objective << ", CBC "
                << exact.report.objective << " (bound " << exact.report.bound << ")";
            // Reported objectives are the evaluation of the plans returned.
            EXPECT_NEAR(evaluate(in.model, exact.chosen).objective, exact.report.objective,
                        1e-9 * std::abs(exact.report.objective));
            EXPECT_NEAR(evaluate(in.model, heur.chosen).objective, heur.report.objective,
                        1e-9 * std::abs(heur.report.objective));
            // Every bound is at least every feasible plan's objective (maximisation).
            for (double bound : {exact.report.bound, heur.report.bound}) {
                for (double obj : {exact.report.objective, heur.report.objective}) {
                    EXPECT_GE(bound, obj - 1e-7 * std::abs(obj));
                }
            }
            EXPECT_NEAR(heur.report.gap,
                        (heur.report.bound - heur.report.objective) /
                            (heur.report.objective + heur.report.unavoidable_cost),
                        1e-12);
            // The heuristic improves on the greedy construction or matches it.
            const Solution greedy = GreedyAllocator().solve(in.model);
            EXPECT_GE(heur.report.objective, greedy.report.objective - 1e-9);
        }
    }
}

// Issue 17, item 9: the exact solver's time limit is the whole solve's, its warm start included
// (`--solver exact --time-limit 30` took 63 s: CBC got the full 30 s after the warm start). With
// a limit of four warm starts, the solve ends near the limit (CBC overruns it by its root node,
// 0.74 s here under a parallel ctest), not at five or later (the warm start once more, then the
// whole limit and the same overrun); gap 0 keeps CBC from finishing early.
TEST(Solvers, ExactTimeLimitCountsTheWarmStart) {
    const Instance inst(6000, 17, 0.5);
    const auto t0 = std::chrono::steady_clock::now();
    HeuristicOptions warm;
    warm.bound_iterations = 0;
    (void)HeuristicAllocator(warm).solve(inst.model);
    const double warm_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ExactOptions o;
    o.gap = 0;
    o.time_limit_s = std::max(1.0, 4 * warm_s);
    const Solution s = ExactAllocator(o).solve(inst.model);
    EXPECT_LT(s.report.seconds, o.time_limit_s + warm_s)
        << "warm start " << warm_s << " s, limit " << o.time_limit_s << " s";
    EXPECT_FALSE(s.chosen.empty());
}

TEST(Solvers, ExactMatchesBruteForceOnATinyInstance) {
    // 12 parcels, one housing type, two years: every plan (each parcel unused or supplied in
    // one of its years) can be enumerated, so the proven optimum is checked against all of them.
    RandomCityOptions o;
    o.parcels = 12;
    o.zones = 3;
    o.seed = 21;
    o.excluded_share = 0;
    o.rental_only_share = 0;
    o.last_year = 2022;
    const City city = random_city(o);
    double total_ha = 0;
    for (const auto &p : city.parcels) {
        total_ha += p.area_m2 / 1e4;
    }
    char buf[512];
    std::snprintf(buf, sizeof buf, R"([plan]
first_year = 2021
last_year = 2022
[housing_types.commercial]
unit_m2 = 100.0
[[targets]]
type = "commercial"
unit = "ha"
values = [%.3f, %.3f]
tolerance = 0.1
[jobs_housing]
ratio_min = 0.9
ratio_max = 1.3
weight = 0.5
)",
                  0.3 * total_ha, 0.25 * total_ha);
    const PlanFile cfg = parse_plan(buf, "");
    const AllocationProblem pr = build_problem(city, cfg);
    const Model m = build_model(pr);
    ASSERT_EQ(m.n_parcels(), 12u);

    // Enumerate: option 0 = unused, k = the parcel's k-th column.
    double best = -std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> digit(m.n_parcels(), 0);
    long plans = 0;
    while (true) {
        std::vector<std::uint32_t> chosen;
        for (std::size_t i = 0; i < m.n_parcels(); ++i) {
            if (digit[i] > 0) {
                chosen.push_back(m.parcel_start[i] + digit[i] - 1);
            }
        }
        const Evaluation e = evaluate(m, chosen);
        bool feasible = true;
        for (std::size_t r = 0; r < m.rows.size(); ++r) {
            feasible = feasible && e.row_supply[r] <= m.rows[r].U * (1 + 1e-12);
        }
        if (feasible) {
            best = std::max(best, e.objective);
            ++plans;
        }
        std::size_t i = 0;
        while (i < m.n_parcels() && ++digit[i] > m.parcel_start[i + 1] - m.parcel_start[i]) {
            digit[i++] = 0;
        }
        if (i == m.n_parcels()) {
            break;
        }
    }
    ASSERT_GT(plans, 1000);

    ExactOptions eo;
    eo.time_limit_s = 120;
    eo.gap = 0;
    const Solution exact = ExactAllocator(eo).solve(m);
    EXPECT_TRUE(exact.report.proven_optimal) << exact.report.status;
    EXPECT_NEAR(exact.report.objective, best, 1e-7 * std::abs(best));
    EXPECT_GE(exact.report.bound, best - 1e-7 * std::abs(best));
    const Solution heur = HeuristicAllocator(HeuristicOptions{}).solve(m);
    EXPECT_LE(heur.report.objective, best + 1e-7 * std::abs(best));
    EXPECT_GE(heur.report.bound, best - 1e-7 * std::abs(best));
}

TEST(Solvers, LagrangianBoundIsValidAndNotFarFromTheLpBound) {
    Instance in(2000, 5, 0.3);
    HeuristicOptions lp_opts;
    const Solution with_lp = HeuristicAllocator(lp_opts).solve(in.model);
    const double lagrangian = lagrangian_bound(in.model, with_lp.report.objective, 1000);
    // The LP optimum is the best bound this relaxation can give; the Lagrangian dual converges
    // to it from above.
    EXPECT_GE(lagrangian, with_lp.report.bound - 1e-6 * with_lp.report.bound);
    EXPECT_LE(lagrangian, with_lp.report.bound * 1.05) << "subgradient far from converged";
}

// Issue 19: beyond lp_max_columns the LP is solved by column generation. Its bound is the
// Lagrangian function at the masters' duals: valid at every pass (at least the LP optimum, which
// Clp gives whole here), and at convergence the LP optimum itself, far tighter than the
// subgradient's; its rounded master is the second start.
TEST(Solvers, ColumnGenerationBoundIsValidAndReachesTheLpBound) {
    for (const bool jh : {false, true}) {
        SCOPED_TRACE(jh ? "with the balance term" : "without the balance term");
        Instance in(3000, 5, 0.3, jh ? 0.5 : 0.0);
        const Solution whole = HeuristicAllocator(HeuristicOptions{}).solve(in.model);
        ASSERT_NE(whole.report.status.find("LP relaxation bound"), std::string::npos);
        const double lp = whole.report.bound;

        HeuristicOptions cg_opts;
        cg_opts.lp_max_columns = 0;
        const Solution cg = HeuristicAllocator(cg_opts).solve(in.model);
        EXPECT_NE(cg.report.status.find("column generation"), std::string::npos)
            << cg.report.status;
        EXPECT_GE(cg.report.bound, lp - 1e-7 * std::abs(lp));
        EXPECT_LE(cg.report.bound, lp + 1e-4 * std::abs(lp)) << cg.report.status;
        EXPECT_GE(cg.report.bound, cg.report.objective);
        // The direct result, run to the end: converged, the master's optimum is the LP's.
        const ColumnGenerationResult r = lp_by_column_generation(
            in.model, GreedyAllocator().solve(in.model).chosen, {.stop_gap = 0});
        ASSERT_TRUE(r.ok);
        EXPECT_TRUE(r.converged) << r.passes << " passes";
        EXPECT_NEAR(r.master, lp, 1e-6 * std::abs(lp));
        EXPECT_LT(r.columns, in.model.columns.size());
        // A bound at every pass: one pass alone is still at least the LP optimum.
        const ColumnGenerationResult one = lp_by_column_generation(in.model, {}, {.max_passes = 1});
        ASSERT_TRUE(one.ok);
        EXPECT_GE(one.bound, lp - 1e-7 * std::abs(lp));
        // Tighter than the subgradient's bound, and the plan no worse than without the LP start.
        HeuristicOptions sub_opts = cg_opts;
        sub_opts.column_generation.max_passes = 0;
        const Solution sub = HeuristicAllocator(sub_opts).solve(in.model);
        EXPECT_EQ(sub.report.status, "feasible, gap certified by the Lagrangian bound");
        EXPECT_LT(cg.report.bound, sub.report.bound);
        EXPECT_GE(cg.report.objective,
                  sub.report.objective - 1e-9 * std::abs(sub.report.objective));
        // Stopped by the master's size limit after one pass: the lower of its bound and the
        // subgradient's certifies (the status says which), still at least the LP optimum.
        HeuristicOptions capped = cg_opts;
        capped.column_generation.max_master_columns = 1;
        const Solution c = HeuristicAllocator(capped).solve(in.model);
        EXPECT_GE(c.report.bound, lp - 1e-7 * std::abs(lp));
        EXPECT_NE(c.report.status.find("column generation"), std::string::npos);
        EXPECT_EQ(c.report.status.find("converged"), std::string::npos) << c.report.status;
    }
}

// Issue 19's check of the bound: on a 10,000-parcel city, with and without the balance term,
// column generation's bound is Clp's LP optimum over every column to 1e-6 relative.
TEST(Solvers, ColumnGenerationBoundEqualsClpsWholeLpAtTenThousandParcels) {
    for (const bool jh : {false, true}) {
        SCOPED_TRACE(jh ? "with the balance term" : "without the balance term");
        Instance in(10000, 11, 0.3, jh ? 0.5 : 0.0);
        const LpRelaxation whole = solve_lp_relaxation(in.model);
        ASSERT_TRUE(whole.ok);
        const std::vector<std::uint32_t> start = GreedyAllocator().solve(in.model).chosen;
        // Run to the end (no stop short of the LP optimum), the passes give the LP bound.
        ColumnGenerationOptions to_the_end;
        to_the_end.stop_gap = 0;
        const ColumnGenerationResult cg = lp_by_column_generation(in.model, start, to_the_end);
        ASSERT_TRUE(cg.ok);
        ASSERT_TRUE(cg.converged) << cg.passes << " passes";
        EXPECT_LT(cg.columns, in.model.columns.size() / 2) << "priced, not given whole";
        EXPECT_NEAR(cg.bound, whole.bound, 1e-6 * std::abs(whole.bound))
            << "passes " << cg.passes << ", master " << cg.master;
        EXPECT_NEAR(cg.master, whole.bound, 1e-6 * std::abs(whole.bound));
        // As the solver runs it: it may stop once its bound is within stop_gap of the master's
        // optimum, and then both are within stop_gap of the LP's.
        const ColumnGenerationOptions plain;
        const ColumnGenerationResult early = lp_by_column_generation(in.model, start, plain);
        ASSERT_TRUE(early.ok && early.close) << early.passes << " passes";
        EXPECT_LE(early.passes, cg.passes);
        const double within = plain.stop_gap * std::abs(whole.bound);
        EXPECT_GE(early.bound, whole.bound - 1e-9 * std::abs(whole.bound)) << "a valid bound";
        EXPECT_LE(early.bound, whole.bound + within);
        EXPECT_LE(early.master, whole.bound + 1e-9 * std::abs(whole.bound));
        EXPECT_GE(early.master, whole.bound - within);
    }
}

namespace {

/// The row and hinge penalties of a plan: what unavoidable_cost() is a floor of.
double penalties(const Model &m, const std::vector<std::uint32_t> &chosen) {
    const Evaluation ev = evaluate(m, chosen);
    double p = 0;
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        p += row_cost(m.rows[r], ev.row_supply[r]);
    }
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        for (const ZoneHinge &h : m.zones[z].hinges) {
            p += hinge_cost(h, ev.zone_units[z]);
        }
    }
    return p;
}

/// Whether each target row alone could reach its L: its columns, a parcel's best once, within U.
bool every_row_reachable(const Model &m) {
    std::vector<double> most(m.rows.size(), 0.0);
    for (std::size_t i = 0; i < m.n_parcels(); ++i) {
        std::map<std::uint32_t, double> best;
        for (std::uint32_t c = m.parcel_start[i]; c < m.parcel_start[i + 1]; ++c) {
            best[m.columns[c].row] = std::max(best[m.columns[c].row], m.columns[c].q);
        }
        for (const auto &[r, q] : best) {
            most[r] += q;
        }
    }
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        if (row_short(m.rows[r], std::min(m.rows[r].U, most[r]))) {
            return false;
        }
    }
    return true;
}

} // namespace

// Issue 19: a penalty no plan can remove (targets three times the reserve: each row's columns
// together fall short of its figure) is part of every objective; the gap is relative to the
// objective less it. Every plan pays at least the unavoidable cost in row and hinge penalties.
TEST(Solvers, TheGapIsRelativeToThePartOfTheObjectiveAPlanControls) {
    Instance in(1500, 4, 3.0);
    const double unavoidable = unavoidable_cost(in.model);
    EXPECT_GT(unavoidable, 0);
    const Solution heur = HeuristicAllocator(HeuristicOptions{}).solve(in.model);
    const Solution greedy = GreedyAllocator().solve(in.model);
    for (const auto *chosen : {&heur.chosen, &greedy.chosen}) {
        EXPECT_GE(penalties(in.model, *chosen), unavoidable - 1e-9 * unavoidable);
    }
    EXPECT_GE(penalties(in.model, {}), unavoidable);
    // Most of the objective is that penalty: the gap is relative to the rest.
    EXPECT_LT(heur.report.objective, 0);
    EXPECT_DOUBLE_EQ(heur.report.unavoidable_cost, unavoidable);
    EXPECT_NEAR(heur.report.gap,
                (heur.report.bound - heur.report.objective) /
                    std::abs(heur.report.objective + unavoidable),
                1e-12);
    EXPECT_GE(heur.report.gap, 0);

    // Each year's row alone can be met, the five together cannot (one and a half times the
    // reserve): the floor is the horizon's, and still one that every plan pays.
    Instance horizon(1500, 4, 1.5);
    EXPECT_TRUE(every_row_reachable(horizon.model));
    const double floor = unavoidable_cost(horizon.model);
    EXPECT_GT(floor, 0);
    for (const auto &chosen :
         {GreedyAllocator().solve(horizon.model).chosen, std::vector<std::uint32_t>{}}) {
        EXPECT_GE(penalties(horizon.model, chosen), floor - 1e-9 * floor);
    }
}

TEST(Solvers, SolutionsAreFeasible) {
    Instance in(1000, 9, 0.3);
    for (const Solution &s : {ExactAllocator(exact_options()).solve(in.model),
                              HeuristicAllocator(HeuristicOptions{}).solve(in.model),
                              GreedyAllocator().solve(in.model)}) {
        SCOPED_TRACE(s.report.solver);
        std::set<std::uint32_t> parcels;
        for (auto c : s.chosen) {
            EXPECT_TRUE(parcels.insert(in.model.columns[c].parcel).second) << "parcel twice";
        }
        const Evaluation e = evaluate(in.model, s.chosen);
        for (std::size_t r = 0; r < in.model.rows.size(); ++r) {
            EXPECT_LE(e.row_supply[r], in.model.rows[r].U * (1 + 1e-9));
            EXPECT_GE(e.row_supply[r], in.model.rows[r].L * (1 - 1e-9)) << "row " << r;
        }
    }
}

TEST(Solvers, HeuristicIsDeterministic) {
    Instance in(1500, 4, 0.3);
    const Solution a = HeuristicAllocator(HeuristicOptions{}).solve(in.model);
    const Solution b = HeuristicAllocator(HeuristicOptions{}).solve(in.model);
    EXPECT_EQ(a.chosen, b.chosen);
    EXPECT_EQ(a.report.bound, b.report.bound);
}

TEST(Solvers, JobsHousingTermMovesHousingTowardsJobs) {
    // With the term on, zones short of dwellings for their jobs receive more units than without.
    Instance with(1500, 6, 0.3, 2.0);
    Instance without(1500, 6, 0.3, 0.0);
    const Solution a = HeuristicAllocator(HeuristicOptions{}).solve(with.model);
    const Solution b = HeuristicAllocator(HeuristicOptions{}).solve(without.model);
    // Deviation from the band, measured the same way for both plans.
    const double dev_with = evaluate(with.model, a.chosen).jh_cost;
    EXPECT_EQ(with.model.columns.size(), without.model.columns.size());
    const double dev_without = evaluate(with.model, b.chosen).jh_cost;
    EXPECT_LT(dev_with, dev_without);
}

TEST(Diagnosis, InfeasibleTargetNamesYearTypeShortfallAndCause) {
    City city = city_of(400, 12);
    // Nothing is available before 2023 except 10 parcels of 1 ha.
    for (std::size_t i = 0; i < city.parcels.size(); ++i) {
        city.parcels[i].first_year = i < 10 ? 2021 : 2023;
        city.parcels[i].area_m2 = 10000;
        city.parcels[i].allowed_types.clear();
        city.parcels[i].excluded_by = k_none;
        city.parcels[i].far_cap = 2.0;
    }
    const PlanFile cfg = parse_plan(R"([plan]
first_year = 2021
last_year = 2023
[housing_types.commercial]
unit_m2 = 100.0
[[targets]]
type = "commercial"
unit = "ha"
values = [30.0, 5.0, 30.0]
tolerance = 0.0
)",
                                    "");
    for (const char *method : {"exact", "heuristic"}) {
        SCOPED_TRACE(method);
        SolverConfig sc;
        sc.method = method;
        const Plan plan = make_plan(city, cfg, *make_allocator(sc, city.parcels.size()));
        ASSERT_EQ(plan.annual.size(), 3u);
        // 2021 cannot reach its 30 ha with the 10 ha on offer. Any shortfall costs a fixed
        // charge, so the optimum (exact) meets 2022's 5 ha in full from the same parcels and
        // leaves 2021 at 5 ha; the heuristic's one-parcel moves may stop at 10 ha in 2021 and
        // 2022 short. Either way the diagnosis must say why.
        const AnnualRow &r2021 = plan.annual[0];
        const AnnualRow &r2022 = plan.annual[1];
        EXPECT_FALSE(r2021.met);
        EXPECT_EQ(r2021.status, "short");
        EXPECT_DOUBLE_EQ(r2021.supplied + r2022.supplied, 10.0); // all 10 ha on offer
        if (std::string(method) == "exact") {
            EXPECT_DOUBLE_EQ(r2021.supplied, 5.0);
        }
        EXPECT_EQ(r2021.cause, "no_eligible_land");
        EXPECT_NE(
            r2021.note.find("short by " + explain::fmt("%.2f", 30.0 - r2021.supplied) + " ha"),
            std::string::npos)
            << r2021.note;
        EXPECT_NE(r2021.note.find("not available until 2023"), std::string::npos) << r2021.note;
        if (r2022.status != "met") {
            // The 2021 parcels are used up.
            EXPECT_EQ(r2022.cause, "competition");
        }
        EXPECT_TRUE(plan.annual[2].met);
        EXPECT_FALSE(plan.binding_targets_met());
        EXPECT_NE(plan.status.find("2021 commercial"), std::string::npos);
    }
}

TEST(Explanations, EveryCandidateIsAllocatedOrHasAReason) {
    Instance in(800, 7, 0.3);
    in.city.parcels[0].excluded_by = 0;
    in.city.parcels[0].excluded_overlap_m2 = 500;
    in.city.parcels[1].first_year = 2030;
    in.city.parcels[2].far_cap = 0.5;
    const AllocationProblem pr = build_problem(in.city, in.plan);
    const Model m = build_model(pr);
    const Plan plan = assemble_plan(m, HeuristicAllocator(HeuristicOptions{}).solve(m));
    EXPECT_EQ(plan.allocations.size() + plan.rejected.size(), in.city.parcels.size());
    std::map<std::string, std::string> code;
    for (const auto &r : plan.rejected) {
        EXPECT_FALSE(r.code.empty());
        EXPECT_FALSE(r.detail.empty());
        code[in.city.parcels[r.parcel].id] = r.code;
    }
    EXPECT_EQ(code["R0000001"], "excluded");
    EXPECT_EQ(code["R0000002"], "not_available");
    EXPECT_EQ(code["R0000003"], "far_too_low");
    int outscored = 0;
    for (const auto &r : plan.rejected) {
        if (r.code == "outscored") {
            ++outscored;
            EXPECT_NE(r.detail.find("against the last chosen site R"), std::string::npos);
        }
    }
    EXPECT_GT(outscored, 0);
}

TEST(Balance, TheTargetsImplyTheUnitsAPlanMeetingThemSupplies) {
    // W^ counts the units the targets imply; a plan that meets every target within its 5 %
    // tolerance supplies about as many, so the balance term measures D itself.
    Instance in(1500, 6, 0.3, 1.0);
    const Solution s = HeuristicAllocator(HeuristicOptions{}).solve(in.model);
    const Evaluation e = evaluate(in.model, s.chosen);
    for (std::size_t r = 0; r < in.model.rows.size(); ++r) {
        ASSERT_FALSE(row_short(in.model.rows[r], e.row_supply[r])) << "row " << r;
    }
    double units = 0;
    for (double u : e.zone_units) {
        units += u;
    }
    const BalanceTerm &b = in.model.balance;
    EXPECT_GT(b.implied_units, 0);
    EXPECT_NEAR(units, b.implied_units, 0.06 * b.implied_units);
    // And the balanced units of the zones add up to the implied units: sum_z (J_z/J) W^ - W0_z
    // = W^ - W0 = k x implied.
    double balanced = 0;
    for (const ZoneRow &z : in.model.zones) {
        balanced += z.balanced_units;
    }
    EXPECT_NEAR(balanced, b.implied_units, 1e-6 * b.implied_units);
}

TEST(Balance, AnalysisNamesTheZoneRestrictionThatForcesDUp) {
    // All commercial land in the three zones with the most resident workers per job: D must rise,
    // and the analysis must say that this restriction forces it and what it costs in D.
    const City city = city_of(800, 5);
    PlanConfig plan = plan_for(city, 0.3, 1.0);
    std::vector<std::size_t> order(city.zones.size());
    for (std::size_t z = 0; z < order.size(); ++z) {
        order[z] = z;
    }
    auto workers_per_job = [&](std::size_t z) {
        return city.zones[z].population / std::max(city.zones[z].jobs, 1.0);
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return workers_per_job(a) > workers_per_job(b);
    });
    std::vector<std::string> zones;
    for (std::size_t i = 0; i < 3; ++i) {
        zones.push_back(city.zones[order[i]].id);
    }
    plan.targets[0].zones = zones;
    const HeuristicAllocator allocator(HeuristicOptions{});
    Plan p = make_plan(city, plan, allocator);
    analyse_balance(city, plan, allocator, p);
    const BalanceAnalysis &a = p.balance_analysis;
    EXPECT_GT(p.balance_after.dissimilarity, p.balance_before.dissimilarity);
    const BalanceRun *best = a.find("balance only");
    ASSERT_NE(best, nullptr);
    EXPECT_GE(best->balance.dissimilarity, p.balance_before.dissimilarity);
    const BalanceRun *freed = nullptr;
    for (const BalanceRun &r : a.runs) {
        if (r.run == "without rule" && r.rule.find("the zones of target commercial") == 0) {
            freed = &r;
        }
    }
    ASSERT_NE(freed, nullptr) << a.finding;
    EXPECT_GT(freed->d_cost, 5e-4);
    EXPECT_NEAR(freed->d_cost, best->balance.dissimilarity - freed->balance.dissimilarity, 1e-12);
    EXPECT_NE(a.finding.find("Forced by the zones of target commercial"), std::string::npos)
        << a.finding;
}

TEST(Balance, TheAnalysisIsTheSameOnOneThreadAsOnTwo) {
    // The runs without each rule solve side by side on two threads (core/parallel.hpp): the same
    // runs, figures and finding as one after the other.
    const City city = city_of(800, 5);
    PlanConfig plan = plan_for(city, 0.3, 1.0);
    plan.targets[0].zones = {city.zones[0].id, city.zones[1].id};
    plan.targets[1].zones = {city.zones[2].id};
    const HeuristicAllocator allocator(HeuristicOptions{});
    std::vector<BalanceAnalysis> analyses;
    for (const unsigned n : {1u, 2u}) {
        set_threads(n);
        Plan p = make_plan(city, plan, allocator);
        analyse_balance(city, plan, allocator, p);
        analyses.push_back(p.balance_analysis);
    }
    set_threads(0);
    const BalanceAnalysis &one = analyses[0];
    const BalanceAnalysis &two = analyses[1];
    ASSERT_EQ(one.runs.size(), two.runs.size());
    std::size_t removals = 0;
    for (std::size_t i = 0; i < one.runs.size(); ++i) {
        const BalanceRun &a = one.runs[i];
        const BalanceRun &b = two.runs[i];
        removals += a.run == "without rule";
        EXPECT_EQ(a.run, b.run);
        EXPECT_EQ(a.rule, b.rule);
        // Identical, or both not applicable (NaN: the suitability of "before", say).
        const auto same = [](double x, double y) {
            return x == y || (std::isnan(x) && std::isnan(y));
        };
        EXPECT_TRUE(same(a.balance.dissimilarity, b.balance.dissimilarity)) << a.run << a.rule;
        EXPECT_TRUE(same(a.balance.excess_commuting, b.balance.excess_commuting)) << a.run;
        EXPECT_TRUE(same(a.suitability, b.suitability)) << a.run << " " << a.rule;
        EXPECT_TRUE(same(a.d_cost, b.d_cost)) << a.run << " " << a.rule;
    }
    EXPECT_GE(removals, 2u) << one.finding << " (the test needs runs without a rule)";
    EXPECT_EQ(one.finding, two.finding);
    EXPECT_TRUE(one.suitability_given_up == two.suitability_given_up ||
                (std::isnan(one.suitability_given_up) && std::isnan(two.suitability_given_up)));
}

TEST(Balance, ASoftBandAddsAHingeAtEachEndOfTheBand) {
    // band = "soft": a zone with jobs gets the balance hinge's kink and one at each band end;
    // a dwelling past the band's top costs band_cost more than one inside it.
    const City city = city_of(300, 4);
    PlanConfig plan = plan_for(city, 0.3, 1.0);
    plan.jobs_housing.band = BandMode::soft;
    const AllocationProblem pr = build_problem(city, plan);
    const Model m = build_model(pr);
    ASSERT_GT(m.band_cost, 0);
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        const ZoneRow &zr = m.zones[z];
        if (!(zr.jobs > 0)) {
            continue;
        }
        EXPECT_EQ(zr.hinges.size(), zr.balanced_units > 0 ? 3U : 2U) << "zone " << z;
        const double top = zr.max_dwellings - zr.dwellings; // new units at the band's top
        const double past = std::max(top, zr.balanced_units) + 10;
        // Beyond every kink the slope is the balance slope (+w) plus the band's.
        EXPECT_NEAR(zone_cost(m, z, past + 1) - zone_cost(m, z, past), m.jh_cost + m.band_cost,
                    1e-9 * (m.jh_cost + m.band_cost))
            << "zone " << z;
    }
}
