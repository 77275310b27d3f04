// `landalloc default-plan`: prints the built-in plan file, a starting point for a city's own.

#include "cli/commands.hpp"
#include "plan_file/plan_file.hpp"

namespace landalloc::cli {

namespace {

class DefaultPlanCommand final : public Command {
  public:
    const char *name() const override { return "default-plan"; }
    const char *description() const override {
        return "Print the built-in default plan file (TOML), a starting point for your own";
    }
    void setup(CLI::App & /*app*/) override {}
    int run(Io &io) override {
        io.out << default_plan_text();
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> make_default_plan_command() {
    return std::make_unique<DefaultPlanCommand>();
}

} // namespace landalloc::cli
