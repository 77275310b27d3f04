#include "cli/command.hpp"

#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "landalloc_version.hpp"

#include <iostream>

namespace landalloc::cli {

int run_cli(int argc, const char *const *argv, std::ostream &out, std::ostream &err) {
    CLI::App app{"landalloc: plans where a city supplies residential land each year.\n"
                 "Reads GIS layers and a housing plan (TOML), allocates each year's land to\n"
                 "housing types, and writes a GeoPackage plan.",
                 "landalloc"};
    app.set_version_flag("--version", std::string("landalloc ") + k_version);
    app.require_subcommand(1);
    app.fallthrough(); // global options (--quiet) may follow the command
    app.footer(
        "Exit codes: 0 ok, 1 internal error, 2 usage, 3 input data, 4 plan file, "
        "5 output, 6 binding targets or rules not met (plan written), 130/143 interrupted by "
        "SIGINT/SIGTERM (nothing changed). See docs/exit-codes.md.");
    bool quiet = false;
    app.add_flag("-q,--quiet", quiet, "Print nothing but errors");

    auto commands = make_commands();
    std::vector<CLI::App *> subs;
    for (auto &c : commands) {
        CLI::App *sub = app.add_subcommand(c->name(), c->description());
        c->setup(*sub);
        subs.push_back(sub);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp &) {
        out << app.help();
        return 0;
    } catch (const CLI::CallForAllHelp &) {
        out << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::CallForVersion &) {
        out << "landalloc " << k_version << "\n";
        return 0;
    } catch (const CLI::ParseError &e) {
        // A subcommand's --help surfaces here too when it was parsed inside the subcommand.
        if (e.get_exit_code() == 0) {
            for (auto *sub : subs) {
                if (sub->parsed()) {
                    out << sub->help();
                    return 0;
                }
            }
            out << app.help();
            return 0;
        }
        err << "landalloc: usage error: " << e.what() << "\n"
            << "Run 'landalloc --help' or 'landalloc <command> --help'.\n";
        return static_cast<int>(ExitCode::usage);
    }

    Io io{out, err, quiet};
    for (std::size_t i = 0; i < subs.size(); ++i) {
        if (!subs[i]->parsed()) {
            continue;
        }
        try {
            return commands[i]->run(io);
        } catch (const Error &e) {
            err << "landalloc " << commands[i]->name() << ": " << e.kind() << ": "
                << gis::redact_passwords(e.what()) << "\n";
            return static_cast<int>(e.exit_code());
        } catch (const std::exception &e) {
            err << "landalloc " << commands[i]->name()
                << ": internal error: " << gis::redact_passwords(e.what())
                << " (please report this)\n";
            return static_cast<int>(ExitCode::internal);
        }
    }
    return static_cast<int>(ExitCode::usage);
}

} // namespace landalloc::cli
