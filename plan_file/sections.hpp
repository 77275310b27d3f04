#pragma once
// The parsers of the plan file's sections, one per section (plan_file.cpp calls them in order).
// Each reads its table strictly: unknown keys and out-of-range values throw PlanFileError naming
// the file, line and key (toml_ctx.hpp).

#include "allocation/config.hpp"
#include "plan_file/plan_file.hpp"
#include "plan_file/toml_ctx.hpp"

namespace landalloc {

/// `[inputs]`, with `[inputs.<role>]`, `[inputs.fields]`, `[inputs.zone_values]`,
/// `[inputs.generate]` and `[inputs.synth]` (inputs_section.cpp).
void parse_inputs(const detail::Ctx &ctx, const toml::table &in, InputsConfig &inputs);
/// `[indicators]` (indicators_section.cpp).
void parse_indicators(const detail::Ctx &ctx, const toml::table &t, IndicatorOptions &o);
/// `[rules]` (rules_section.cpp); housing types must already be parsed.
void parse_rules(const detail::Ctx &ctx, const toml::table &t, PlanConfig &cfg);
/// `[demand]` (demand_section.cpp).
void parse_demand(const detail::Ctx &ctx, const toml::table &t, PlanConfig &cfg);

} // namespace landalloc
