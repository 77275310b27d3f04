#pragma once
// The plain-text summary `plan` prints: targets vs supplied by year and housing type.

#include "allocation/plan_config.hpp"
#include "layers/plan.hpp"

#include <iosfwd>

namespace landalloc::cli {

void print_summary(std::ostream &out, const Plan &plan);

/// One line per target whose values came from the demand model ([demand]).
void print_demand_targets(std::ostream &out, const PlanConfig &cfg);

} // namespace landalloc::cli
