// The registry of subcommands: the order here is the order `landalloc --help` lists them.

#include "cli/commands.hpp"

namespace landalloc::cli {

std::vector<std::unique_ptr<Command>> make_commands() {
    std::vector<std::unique_ptr<Command>> out;
    out.push_back(make_synth_command());
    out.push_back(make_plan_command());
    out.push_back(make_default_plan_command());
    out.push_back(make_validate_command());
    out.push_back(make_report_command());
    out.push_back(make_compare_command());
    out.push_back(make_batch_command());
    return out;
}

} // namespace landalloc::cli
