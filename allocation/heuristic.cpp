// The heuristic allocator: the greedy and rounded-LP starts, each improved by local search
// (local_search.cpp), and the bound: the LP optimum, or else the Lagrangian bound (bound.cpp).

#include "allocation/heuristic.hpp"

#include "allocation/explain.hpp"
#include "allocation/greedy.hpp"
#include "allocation/milp.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace landalloc {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Local search without the rows' fixed shortfall costs, so moves may pass through slivers of
/// shortfall, then with them, so no row ends a sliver short of its figure.
void polish(const Model &m, std::vector<std::uint32_t> &chosen, const HeuristicOptions &opt) {
    HeuristicOptions free = opt;
    free.fixed_short_cost = false;
    improve(m, chosen, free);
    improve(m, chosen, opt);
}

} // namespace

Solution HeuristicAllocator::solve(const Model &m) const {
    const auto t0 = std::chrono::steady_clock::now();
    Solution s;
    s.report.solver = "heuristic";
    // Start 1: greedy construction, improved.
    s.chosen = greedy_construct(m);
    polish(m, s.chosen, m_options);
    s.report.objective = evaluate(m, s.chosen).objective;
    // Start 2 (instances small enough for Clp): round the LP relaxation, improve; its optimum
    // is also the bound.
    double bound = std::numeric_limits<double>::quiet_NaN();
    std::string how;
    // The second start: the LP relaxation rounded and improved.
    const auto second_start = [&](const std::vector<double> &x) {
        std::vector<std::uint32_t> rounded = round_lp(m, x);
        polish(m, rounded, m_options);
        const double obj = evaluate(m, rounded).objective;
        if (obj > s.report.objective) {
            s.chosen = std::move(rounded);
            s.report.objective = obj;
        }
    };
    if (m.columns.size() <= m_options.lp_max_columns) {
        const LpRelaxation lp = solve_lp_relaxation(m);
        if (lp.ok) {
            bound = lp.bound;
            how = "LP relaxation bound";
            second_start(lp.x);
        }
    } else if (m_options.column_generation.max_passes > 0) {
        // Too large for Clp whole: the LP by column generation, from the first start's plan.
        const ColumnGenerationResult cg =
            lp_by_column_generation(m, s.chosen, m_options.column_generation);
        if (cg.ok) {
            bound = cg.bound;
            how = "Lagrangian bound at the LP duals of column generation (" +
                  std::to_string(cg.passes) + " passes, " + std::to_string(cg.columns) + " of " +
                  std::to_string(m.columns.size()) + " columns" +
                  (cg.converged ? ", converged"
                   : cg.close
                       ? ", the master within " +
                             explain::fmt("%g %%", 100 * m_options.column_generation.stop_gap) +
                             " of the LP optimum"
                       : "") +
                  ")";
            second_start(cg.x);
            // Stopped short of the LP optimum (the master's size limit or the passes): the
            // subgradient may find a lower bound; the lower of the two certifies.
            if (!cg.close && m_options.bound_iterations > 0) {
                const double sub =
                    lagrangian_bound(m, s.report.objective, m_options.bound_iterations);
                if (sub < bound) {
                    bound = sub;
                    how = "Lagrangian bound (subgradient; column generation stopped at " +
                          std::to_string(cg.columns) + " columns with a bound of " +
                          std::to_string(cg.bound) + ")";
                }
            }
        }
    }
    if (std::isnan(bound) && m_options.bound_iterations > 0) {
        // The fallback: the subgradient method on the same Lagrangian function.
        bound = lagrangian_bound(m, s.report.objective, m_options.bound_iterations);
        how = "Lagrangian bound";
    }
    s.report.bound = bound;
    if (std::isnan(bound)) {
        s.report.gap = std::numeric_limits<double>::quiet_NaN();
        s.report.status = "feasible (no bound)";
    } else {
        s.report.unavoidable_cost = unavoidable_cost(m);
        s.report.gap = relative_gap(bound, s.report.objective, s.report.unavoidable_cost);
        s.report.status = "feasible, gap certified by the " + how;
    }
    s.report.seconds = seconds_since(t0);
    return s;
}

std::vector<std::uint32_t> round_lp(const Model &m, const std::vector<double> &x) {
    // Columns by LP value, then value density; each taken if its parcel is free and its row
    // stays within the upper tolerance.
    std::vector<std::uint32_t> order;
    for (std::uint32_t c = 0; c < x.size(); ++c) {
        if (x[c] > 1e-6) {
            order.push_back(c);
        }
    }
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (x[a] != x[b]) {
            return x[a] > x[b];
        }
        const double da = m.columns[a].value / m.columns[a].q;
        const double db = m.columns[b].value / m.columns[b].q;
        return da != db ? da > db : a < b;
    });
    std::vector<bool> used(m.n_parcels(), false);
    std::vector<double> supply(m.rows.size(), 0.0);
    std::vector<std::uint32_t> chosen;
    for (std::uint32_t c : order) {
        const Column &col = m.columns[c];
        if (used[col.parcel] || !fits_upper(m, c, supply)) {
            continue;
        }
        if (x[c] < 0.5 && supply[col.row] >= m.rows[col.row].T) {
            continue;
        }
        used[col.parcel] = true;
        for_each_coefficient(m, c, [&](RowKind kind, std::uint32_t r, double q) {
            if (kind == RowKind::target || kind == RowKind::bundle) {
                supply[r] += q;
            }
        });
        chosen.push_back(c);
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

} // namespace landalloc
