#pragma once
// `landalloc validate`: checks every input the plan file names and prints a data-quality report.

#include "cli/commands.hpp"
#include "inputs/city.hpp"

#include <iosfwd>
#include <memory>

namespace landalloc::cli {

/// One or two lines for `plan`: how the working CRS was found and how many warnings the inputs
/// gave (nothing when there is nothing to say).
void print_input_notes(std::ostream &out, const LoadedCity &city);

} // namespace landalloc::cli
