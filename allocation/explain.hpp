#pragma once
// What the plan says about its choices (explain.cpp), for assemble_plan (planner.cpp).

#include "allocation/model.hpp"
#include "allocation/problem.hpp"
#include "core/plan.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace landalloc::explain {

/// printf-style formatting of one number.
std::string fmt(const char *f, double v);

/// The sentence of an allocated column: its score parts and the distances behind them, how its
/// plot ratio was set, and the rules that shaped its value, plot ratio or use.
std::string reasons_for(const AllocationProblem &pr, const Model &m, std::uint32_t ci);

/// Why target row r is short ({cause, detail}): what land of its type was on offer by its year,
/// and what kept the rest out, in `l`. `used`: the parcels the plan allocates; `unit`: the
/// row's unit (ha, m2, units).
std::pair<std::string, std::string> diagnose_short(const Model &m, std::size_t r,
                                                   const std::vector<bool> &used,
                                                   const std::string &unit, Language l);

/// A reason code and detail for every candidate parcel not in `used`, into plan.rejected
/// (sorted by parcel id); plan.allocations must be filled.
void explain_rejections(const Model &m, const std::vector<bool> &used, Plan &plan);

} // namespace landalloc::explain
