#pragma once
// From a plan file's [inputs] to the InputSpec the loader reads: each layer's source (its own,
// inputs.source, or the command line's INPUT), layer name, encoding and stated CRS; the field map;
// the working CRS; the plan's horizon for checking parcels' years.

#include "inputs/city.hpp"
#include "plan_file/plan_file.hpp"

#include <string>

namespace landalloc {

/// `input` (the command line's INPUT, may be "") replaces inputs.source; `crs` (--crs, may be "")
/// replaces inputs.crs. A relative path in the plan file is taken relative to the plan file's
/// directory when something exists there, else as given (relative to the current directory).
/// Throws UsageError when a layer has no source at all. With [inputs.synth] and no `input`, the
/// layers' source is k_synth_source: load_city takes them from make_synth_city's layers (the
/// user's INPUT replaces the synthetic city).
InputSpec make_input_spec(const PlanFile &cfg, const std::string &input, const std::string &crs);

/// True when the plan's inputs are synthesised: it has [inputs.synth] and no INPUT was given.
bool inputs_synthesised(const PlanFile &cfg, const std::string &input);

/// The options of the plan's [inputs.synth] city, its parcels' years the plan's horizon.
/// Requires cfg.inputs.synth.
SynthOptions make_synth_options(const PlanFile &cfg);

} // namespace landalloc
