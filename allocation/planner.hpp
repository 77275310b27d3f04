#pragma once
// From a City, a plan file and an allocator to the one Plan object every output is rendered from:
// allocations with score parts and reasons, the annual table with a diagnosis of every unmet
// target, a reason for every rejected candidate, and the solver's objective, bound and gap.

#include "allocation/config.hpp"
#include "allocation/model.hpp"
#include "allocation/problem.hpp"
#include "allocation/solvers.hpp" // make_allocator
#include "core/domain.hpp"
#include "core/plan.hpp"

#include <memory>

namespace landalloc {

/// Solves the plan with `allocator` and assembles the Plan.
Plan make_plan(const City &city, const PlanConfig &config, const Allocator &allocator);

/// Assembles a Plan from a solution of `model`.
Plan assemble_plan(const Model &model, const Solution &solution);

/// Each target's supply (PlanConfig::targets order, in the target's unit) summed over the years
/// before `before_year`: what the annual table's rows of those years would show as supplied.
std::vector<double> supply_before(const Model &model, const std::vector<std::uint32_t> &chosen,
                                  int before_year);

/// What jobs-housing balance costs (docs/indicators.md, "What balance costs"): D and excess
/// commuting before, after, and for the same targets without the balance term; the best D a run
/// weighing balance only reaches; the suitability `plan` gives up for its D; and when D rises,
/// the best D without each rule, policy and target zone restriction, one at a time. `config` has
/// its demand applied (apply_demand); every run uses `allocator`. Fills plan.balance_analysis
/// and its run_metadata keys.
void analyse_balance(const City &city, const PlanConfig &config, const Allocator &allocator,
                     Plan &plan);

} // namespace landalloc
