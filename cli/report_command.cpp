#include "cli/commands.hpp"

#include "cli/output_check.hpp"
#include "core/errors.hpp"
#include "gis/atomic_file.hpp"
#include "outputs/report.hpp"

#include <cstdio>
#include <filesystem>
#include <ostream>

namespace landalloc::cli {

namespace {

struct ReportOptions {
    std::string input;      // the plan GeoPackage
    std::string out;        // DEFAULT: beside the input, same name with .html
    bool overwrite = false; // DEFAULT: an existing report is not replaced
};

class ReportCommand final : public Command {
  public:
    const char *name() const override { return "report"; }
    const char *description() const override {
        return "Write the HTML report (targets vs supplied, shortfalls, jobs-housing by zone, "
               "solver, map) of a plan GeoPackage";
    }
    void setup(CLI::App &app) override {
        app.add_option("plan", m_opt.input, "Plan GeoPackage written by 'landalloc plan'")
            ->required();
        app.add_option("-o,--out", m_opt.out,
                       "Output HTML file; default: beside the GeoPackage, same name with .html");
        app.add_flag("--overwrite", m_opt.overwrite, "Replace the output file if it exists");
    }
    int run(Io &io) override {
        std::error_code ec;
        if (!std::filesystem::exists(m_opt.input, ec)) {
            throw DataError(m_opt.input + ": file not found");
        }
        const std::string out = m_opt.out.empty() ? report_path_for(m_opt.input) : m_opt.out;
        check_output(out, ".html", m_opt.overwrite, {m_opt.input});
        const ReportData data = read_plan_report(m_opt.input);
        gis::write_file_atomically(out, render_report_html(data), m_opt.overwrite);
        if (!io.quiet) {
            print(io.out, data);
            io.out << "wrote " << out << "\n";
        }
        return 0;
    }

  private:
    static void print(std::ostream &out, const ReportData &d) {
        if (!d.meta("scenario").empty()) {
            out << "scenario: " << d.meta("scenario") << "\n";
        }
        char line[256];
        std::snprintf(line, sizeof line, "%-6s %-20s %-6s %12s %12s  %s\n", "year", "housing type",
                      "unit", "target", "supplied", "status");
        out << line;
        for (const auto &r : d.annual) {
            std::snprintf(line, sizeof line, "%-6d %-20s %-6s %12.2f %12.2f  %s\n", r.year,
                          r.type.c_str(), r.unit.c_str(), r.target, r.supplied,
                          status_display(r.status, r.binding).c_str());
            out << line;
        }
        out << "solver: " << d.meta("solver") << "; " << d.parcels.size()
            << " parcels allocated; status: " << d.meta("status") << "\n";
    }

    ReportOptions m_opt;
};

} // namespace

std::unique_ptr<Command> make_report_command() { return std::make_unique<ReportCommand>(); }

} // namespace landalloc::cli
