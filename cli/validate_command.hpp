#pragma once
// `landalloc validate`: checks every input the plan file names and prints a data-quality report.

#include "cli/commands.hpp"
#include "inputs/city.hpp"
#include "plan_file/plan_file.hpp"

#include <iosfwd>
#include <memory>

namespace landalloc::cli {

/// One or two lines for `plan`: how the working CRS was found and how many warnings the inputs
/// gave (nothing when there is nothing to say).
void print_input_notes(std::ostream &out, const LoadedCity &city);

/// Warnings (`unmatched_value`) where the plan file and the data name things differently, so a
/// typo does not silently do nothing: a station mode that is no TOD mode while a TOD mode matches
/// no station (the real Nanjing stations' `intercity` against the default `intercity_rail`); a
/// `[scoring.zone_class]` or `[rules.zone_classes]` key that matches no zone's class (a key of
/// the built-in plan only when some zone's class is no key); an `allowed_types` code that is no
/// housing type of the plan, with its count of parcels. Added to `report`.
void add_plan_value_findings(const PlanFile &cfg, const InputSpec &spec, const LoadedCity &city,
                             FindingsReport &report);

} // namespace landalloc::cli
