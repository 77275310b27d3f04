#pragma once
// From a plan file's [inputs] to the InputSpec the loader reads: each layer's source (its own,
// inputs.source, or the command line's INPUT), layer name, encoding and stated CRS; the field map;
// the working CRS; the plan's horizon for checking parcels' years.

#include "allocation/plan_config.hpp"
#include "layers/city.hpp"

#include <string>

namespace landalloc {

/// `input` (the command line's INPUT, may be "") replaces inputs.source; `crs` (--crs, may be "")
/// replaces inputs.crs. A relative path in the plan file is taken relative to the plan file's
/// directory when something exists there, else as given (relative to the current directory).
/// Throws UsageError when a layer has no source at all.
InputSpec make_input_spec(const PlanConfig &cfg, const std::string &input, const std::string &crs);

} // namespace landalloc
