#pragma once
// The LP relaxation by column generation, for models too large to give Clp whole (issue 19): a
// restricted master LP over a few columns, warm-started between pricing passes; each pass prices
// every column in one linear walk at the master's row duals and adds those that price out. The
// duals, boxed by the costs of the slacks they price, go into the Lagrangian function of the
// heuristic's bound (bound.cpp relaxes the same rows), so every pass gives a valid upper bound
// on the optimum, whether or not the master has reached the LP optimum.

#include "allocation/model.hpp"

#include <cstdint>
#include <vector>

namespace landalloc {

struct ColumnGenerationOptions {
    int max_passes = 30; // DEFAULT: 30 pricing passes at most
    /// Columns added per pass at most. (Adding half the master's columns when that was more,
    /// as this did before, made a 1M city's first pass add 337k columns and Clp's solve of the
    /// next master run for minutes: each parcel whose second column joins gets a row.)
    /// DEFAULT: 20000.
    std::size_t columns_per_pass = 20000;
    /// The master starts with, for each target row, its best columns by value density until
    /// they supply this multiple of the row's figure (U, else T). DEFAULT: 1.2.
    double start_cover = 1.2;
    /// No pass adds columns past this many in the master: Clp's time grows fast with the
    /// master's rows (a parcel with two columns in it has one), and the bound is valid at every
    /// pass. At 1M parcels the first master holds 675k columns and the fifth 755k.
    /// DEFAULT: 2000000.
    std::size_t max_master_columns = 2000000;
    /// Stops when the bound is within this fraction of the master's optimum: the master's
    /// optimum is then within it of the LP's, and the bound within it of the LP bound. The
    /// passes that close the last 0.01 % take longest: at 1M parcels a pass's Clp solve takes a
    /// minute. DEFAULT: 1e-4.
    double stop_gap = 1e-4;
};

struct ColumnGenerationResult {
    bool ok = false;         // Clp solved every master
    double bound = 0;        // the least Lagrangian value over the passes: >= the MILP optimum
    double master = 0;       // the last master's optimum: an LP-feasible value, <= the LP optimum
    std::vector<double> x;   // the last master's x values, indexed by model column (0 outside)
    int passes = 0;          // masters solved
    std::size_t columns = 0; // columns in the last master
    bool converged = false;  // no column priced out: the last master's optimum is the LP's
    /// Stopped with the bound within ColumnGenerationOptions::stop_gap of the master's optimum
    /// (also when converged).
    bool close = false;
};

/// Solves the LP relaxation of `model` by column generation from a master holding `start` (a
/// plan's columns: the master is then feasible at that plan) and each row's best columns.
/// Deterministic.
ColumnGenerationResult lp_by_column_generation(const Model &model,
                                               const std::vector<std::uint32_t> &start,
                                               const ColumnGenerationOptions &options);

} // namespace landalloc
