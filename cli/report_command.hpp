#pragma once
// `landalloc report`: renders the HTML report of a plan GeoPackage (layers/report.hpp).

#include "cli/command.hpp"

#include <memory>

namespace landalloc::cli {

std::unique_ptr<Command> make_report_command();

} // namespace landalloc::cli
