#pragma once
// The heuristic allocator: two starts, a jobs-housing-aware greedy construction and the rounded
// LP relaxation, each improved by local search (add, drop, swap within a target row, move a
// parcel to another year or type) on the full objective. Up to lp_max_columns Clp solves the LP
// whole and its optimum certifies the gap; beyond, the LP is solved by column generation and the
// bound is the Lagrangian function (target, jobs-housing and side rows relaxed) at its duals;
// the projected subgradient method is the fallback. Deterministic: fixed orders, no randomness,
// no threads of its own (the balance analysis runs several solves side by side, each alone).

#include "allocation/column_generation.hpp"
#include "allocation/model.hpp"

namespace landalloc {

struct HeuristicOptions {
    int max_passes = 30;         // DEFAULT: 30 local-search passes at most
    int swap_pool = 176;         // DEFAULT: 176 best free columns tried per swap, split over
                                 // the zones (16 each with 10 zones, at least 2 each)
    double min_pass_gain = 1e-5; // DEFAULT: stop once a pass gains under 0.001 % of the objective
    double pass_column_budget = 2e7; // DEFAULT: passes x columns at most 2e7 (at least 2 passes)
    int bound_iterations = 300;      // DEFAULT: 300 subgradient iterations (0: no bound)
    std::size_t lp_max_columns = 400000; // DEFAULT: solve the LP relaxation up to 400k columns
    /// Beyond lp_max_columns: the LP by column generation (its duals give the bound, its
    /// solution the second start); max_passes = 0 leaves the subgradient bound alone.
    ColumnGenerationOptions column_generation{};
    /// Whether the local search prices a row's fixed shortfall cost F (TargetRow::F). The
    /// heuristic searches first without it, so moves may pass through slivers of shortfall,
    /// then polishes with it. DEFAULT: true.
    bool fixed_short_cost = true;
    /// Whether the local search tries make-room chains for rows short of their figure once its
    /// passes stop gaining (local_search.cpp). DEFAULT: true.
    bool make_room = true;
};

class HeuristicAllocator final : public Allocator {
  public:
    explicit HeuristicAllocator(HeuristicOptions options) : m_options(options) {}
    std::string name() const override { return "heuristic"; }
    Solution solve(const Model &model) const override;

  private:
    HeuristicOptions m_options;
};

/// Local search from `chosen` (improved in place); returns the number of improving moves.
int improve(const Model &model, std::vector<std::uint32_t> &chosen, const HeuristicOptions &opt);

/// Rounds an LP solution (values of the x columns) to a feasible set of columns.
std::vector<std::uint32_t> round_lp(const Model &model, const std::vector<double> &x);

/// A valid upper bound on the optimum of `model` by Lagrangian relaxation; `lower` (a known
/// objective value) steers the step size.
double lagrangian_bound(const Model &model, double lower, int iterations);

} // namespace landalloc
