#pragma once
// One factory per subcommand, each in its own file (<name>_command.cpp); commands.cpp lists them.

#include "cli/command.hpp"

#include <memory>

namespace landalloc::cli {

std::unique_ptr<Command> make_synth_command();        // synth_command.cpp
std::unique_ptr<Command> make_plan_command();         // plan_command.cpp
std::unique_ptr<Command> make_default_plan_command(); // default_plan_command.cpp
std::unique_ptr<Command> make_validate_command();     // validate_command.cpp
std::unique_ptr<Command> make_report_command();       // report_command.cpp
std::unique_ptr<Command> make_compare_command();      // compare_command.cpp
std::unique_ptr<Command> make_batch_command();        // batch_command.cpp

} // namespace landalloc::cli
