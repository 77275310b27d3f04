#pragma once
// The plain-text summary `plan` prints: targets vs supplied by year and housing type.

#include "layers/plan.hpp"

#include <iosfwd>

namespace landalloc::cli {

void print_summary(std::ostream &out, const Plan &plan);

} // namespace landalloc::cli
