#pragma once
// The parsers of the plan file's sections, one per section (parse_plan in plan_file.cpp calls them
// in order). Each reads its table strictly: unknown keys and out-of-range values throw
// PlanFileError naming the file, line and key (toml_ctx.hpp).

#include "allocation/config.hpp"
#include "core/units.hpp"
#include "plan_file/plan_file.hpp"
#include "plan_file/toml_ctx.hpp"

namespace landalloc {

/// `[plan]` (plan_file.cpp); required, so `t` null is an error.
void parse_plan_section(const detail::Ctx &ctx, const toml::table *t, PlanConfig &cfg);
/// `[housing_types.<id>]` (plan_file.cpp); at least one is required, so `t` null is an error.
void parse_housing_types(const detail::Ctx &ctx, const toml::table *t, PlanConfig &cfg);
/// `[[targets]]` (targets_section.cpp), `targets` null when absent; housing types and the
/// horizon must already be parsed.
void parse_targets(const detail::Ctx &ctx, const toml::node *targets, PlanConfig &cfg);
/// `[scoring]` (plan_file.cpp); housing types must already be parsed.
void parse_scoring(const detail::Ctx &ctx, const toml::table &t, PlanConfig &cfg);
/// `[objective]` (plan_file.cpp).
void parse_objective(const detail::Ctx &ctx, const toml::table &t, ObjectiveConfig &o);
/// `[jobs_housing]` (plan_file.cpp).
void parse_jobs_housing(const detail::Ctx &ctx, const toml::table &t, JobsHousingConfig &j);
/// `[solver]` (plan_file.cpp).
void parse_solver(const detail::Ctx &ctx, const toml::table &t, SolverConfig &s);
/// `[inputs]`, with `[inputs.<role>]`, `[inputs.fields]`, `[inputs.zone_values]`,
/// `[inputs.generate]` and `[inputs.synth]` (inputs_section.cpp).
void parse_inputs(const detail::Ctx &ctx, const toml::table &in, InputsConfig &inputs);
/// `[indicators]` (indicators_section.cpp).
void parse_indicators(const detail::Ctx &ctx, const toml::table &t, IndicatorOptions &o);
/// `[rules]` (rules_section.cpp); housing types must already be parsed.
void parse_rules(const detail::Ctx &ctx, const toml::table &t, PlanConfig &cfg);
/// `[zone_groups]` (policies_section.cpp): name = [zone ids].
void parse_zone_groups(const detail::Ctx &ctx, const toml::table &t, PlanConfig &cfg);
/// `[[policies]]` (policies_section.cpp); housing types and zone groups must already be parsed.
void parse_policies(const detail::Ctx &ctx, const toml::node &policies, PlanConfig &cfg);
/// A `measure` key: "land" (ha), "floor" (m2) or "units"; `def` when absent (policies_section.cpp).
Quantity read_measure(const detail::Ctx &ctx, const toml::table &t, const std::string &prefix,
                      Quantity def);
/// A `period` key: "horizon" (false) or "year" (true); `def` when absent (policies_section.cpp).
bool read_per_year(const detail::Ctx &ctx, const toml::table &t, const std::string &prefix,
                   bool def);
/// `[network]` (network_section.cpp): how the street network is used.
void parse_network(const detail::Ctx &ctx, const toml::table &t, NetworkOptions &o);
/// `[output]` (plan_file.cpp); `t` null when absent. Housing types must already be parsed: their
/// names set the default language.
void parse_output(const detail::Ctx &ctx, const toml::table *t, PlanConfig &cfg);
/// `[demand]` (demand_section.cpp).
void parse_demand(const detail::Ctx &ctx, const toml::table &t, PlanConfig &cfg);

} // namespace landalloc
