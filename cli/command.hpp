#pragma once
// One class per subcommand, in two phases: setup() declares the options into a value-type Options
// struct (no I/O), run() does the work. Only run_cli() catches exceptions and maps them to exit
// codes (docs/exit-codes.md).

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace landalloc::cli {

struct Io {
    std::ostream &out;
    std::ostream &err;
    bool quiet = false;
};

class Command {
  public:
    virtual ~Command() = default;
    virtual const char *name() const = 0;
    virtual const char *description() const = 0;
    /// Declares the options on `app` (this command's subcommand).
    virtual void setup(CLI::App &app) = 0;
    /// Runs the command; returns the exit code (0 or a documented non-zero code).
    virtual int run(Io &io) = 0;
};

/// Every command, in the order `--help` lists them.
std::vector<std::unique_ptr<Command>> make_commands();

/// The whole command line: parse, run, map exceptions to exit codes.
int run_cli(int argc, const char *const *argv, std::ostream &out, std::ostream &err);

} // namespace landalloc::cli
