#pragma once
// `landalloc validate`: checks every input the plan file names and prints a data-quality report.

#include "cli/command.hpp"
#include "layers/city.hpp"

#include <iosfwd>
#include <memory>

namespace landalloc::cli {

std::unique_ptr<Command> make_validate_command();

/// One or two lines for `plan`: how the working CRS was found and how many warnings the inputs
/// gave (nothing when there is nothing to say).
void print_input_notes(std::ostream &out, const LoadedCity &city);

} // namespace landalloc::cli
