#pragma once
// From a City, a plan file and an allocator to the one Plan object every output is rendered from.

#include "allocation/plan_config.hpp"
#include "allocation/problem.hpp"
#include "layers/domain.hpp"
#include "layers/plan.hpp"

namespace landalloc {

/// Solves the plan with `allocator` and assembles the Plan: allocations with their score parts
/// and reasons, the annual table of target vs supplied, status and solver metadata.
Plan make_plan(const City &city, const PlanConfig &config, const Allocator &allocator);

/// Assembles a Plan from assignments (exposed for tests and other allocators).
Plan assemble_plan(const AllocationProblem &problem, const std::vector<Assignment> &assignments,
                   const std::string &solver);

} // namespace landalloc
