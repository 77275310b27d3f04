#pragma once
// The Model as a COIN-OR problem: the matrix both the exact solver (CBC) and the LP relaxation
// (Clp) use. Column layout: x_c for every Model column, then over_r and short_r for every target
// row, then under_h and surplus_h for every jobs-housing hinge of every zone, then viol_s
// for every side row, then a short flag y_r in [0, 1] for every target row with a fixed
// shortfall cost F_r (short_r <= L_r y_r; integer in the MILP), then a flag y_s for every side
// row with a fixed cost (viol_s <= -rhs_s y_s: a group target's lower row). The objective is
// negated (COIN minimises).

#include "allocation/model.hpp"

#include <coin/OsiClpSolverInterface.hpp>

#include <vector>

namespace landalloc {

struct MilpLayout {
    int n_x = 0;    // x columns
    int n_cols = 0; // all columns
    int over0 = 0;  // first over_r column; short_r follows each
    /// The first under_h column of each zone's hinges (surplus_h follows each), -1 if none.
    std::vector<int> zone_col;
    int side0 = 0;                  // first viol_s column
    std::vector<int> flag_col;      // y_r column of each target row, -1 without a fixed cost
    std::vector<int> side_flag_col; // y_s column of each side row, -1 without a fixed cost
    /// The rows, for reading their duals and adding columns; -1 where a row is not in the
    /// program. Per parcel its "at most once" row; per target row its upper (supply <= U),
    /// over (supply - over <= T) and short (supply + short >= L) rows; per hinge (all zones'
    /// hinges in order) its under (u + under >= at) and surplus (u - surplus <= at) rows; per
    /// side row its own.
    std::vector<int> parcel_row;
    std::vector<int> upper_row, over_row, short_row;
    std::vector<int> under_row, surplus_row;
    std::vector<int> side_row;
};

/// Loads the Model into `lp` (all columns continuous). With `subset` (model columns in
/// ascending order) only those are x columns, x_k being column (*subset)[k]. A parcel has its
/// "at most once" row when it has two or more x columns (one is bounded by x <= 1 alone).
MilpLayout load_milp(const Model &model, OsiClpSolverInterface &lp,
                     const std::vector<std::uint32_t> *subset = nullptr);

/// Appends model columns `columns` (ascending, none in the program yet) to a program loaded by
/// load_milp as x columns after every column there is. `lp_col` holds the program's column of
/// each model column (-1: none) and is updated. A parcel that comes to have two x columns gets
/// its "at most once" row.
void add_x_columns(const Model &model, OsiClpSolverInterface &lp, MilpLayout &layout,
                   const std::vector<std::uint32_t> &columns, std::vector<std::int64_t> &lp_col);

/// A full column vector for `chosen` (slack columns at their least values).
std::vector<double> full_solution(const Model &model, const MilpLayout &layout,
                                  const std::vector<std::uint32_t> &chosen);

struct LpRelaxation {
    bool ok = false;
    double bound = 0;      // the LP optimum: an upper bound on the MILP optimum
    std::vector<double> x; // values of the x columns
};

/// Solves the LP relaxation with Clp.
LpRelaxation solve_lp_relaxation(const Model &model);

} // namespace landalloc
