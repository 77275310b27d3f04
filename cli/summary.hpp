#pragma once
// The plain-text summary `plan` prints: targets vs supplied by year and housing type.

#include "core/plan.hpp"
#include "plan_file/plan_file.hpp"

#include <iosfwd>

namespace landalloc::cli {

void print_summary(std::ostream &out, const Plan &plan);

/// One line per target whose values came from the demand model ([demand]).
void print_demand_targets(std::ostream &out, const PlanConfig &cfg);

} // namespace landalloc::cli
