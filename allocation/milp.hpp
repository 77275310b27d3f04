#pragma once
// The Model as a COIN-OR problem: the matrix both the exact solver (CBC) and the LP relaxation
// (Clp) use. Column layout: x_c for every Model column, then over_r and short_r for every target
// row, then under_z and surplus_z for every zone with an active jobs-housing term, then viol_s
// for every side row, then a short flag y_r in [0, 1] for every target row with a fixed
// shortfall cost F_r (short_r <= L_r y_r; integer in the MILP). The objective is negated (COIN
// minimises).

#include "allocation/model.hpp"

#include <coin/OsiClpSolverInterface.hpp>

#include <vector>

namespace landalloc {

struct MilpLayout {
    int n_x = 0;               // x columns
    int n_cols = 0;            // all columns
    int over0 = 0;             // first over_r column; short_r follows each
    std::vector<int> zone_col; // under_z column of each zone (surplus_z follows), -1 if inactive
    int side0 = 0;             // first viol_s column
    std::vector<int> flag_col; // y_r column of each target row, -1 without a fixed cost
};

/// Loads the Model into `lp` (all columns continuous).
MilpLayout load_milp(const Model &model, OsiClpSolverInterface &lp);

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
