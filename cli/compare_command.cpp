// `landalloc compare A.gpkg B.gpkg [C.gpkg ...] -o OUT.gpkg`: plans of the same city side by
// side (outputs/compare.hpp): OUT.gpkg with the `differences` layer and the `comparison` table,
// and OUT.html beside it.

#include "cli/commands.hpp"
#include "cli/output_check.hpp"
#include "core/errors.hpp"
#include "gis/atomic_file.hpp"
#include "outputs/compare.hpp"
#include "outputs/report.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <ostream>

namespace landalloc::cli {

namespace {

struct CompareOptions {
    std::vector<std::string> plans; // two or more plan GeoPackages; the first is the reference
    std::string out;                // the comparison GeoPackage (required)
    bool overwrite = false;         // DEFAULT: existing outputs are not replaced
};

class CompareCommand final : public Command {
  public:
    const char *name() const override { return "compare"; }
    const char *description() const override {
        return "Compare two or more plan GeoPackages of the same city: the parcels whose year "
               "or housing type differ, and supply, targets met, D and objective side by side";
    }
    void setup(CLI::App &app) override {
        app.add_option("plans", m_opt.plans,
                       "Plan GeoPackages written by 'landalloc plan' (2 to 26); each is compared "
                       "with the first")
            ->required()
            ->expected(2, CLI::detail::expected_max_vector_size);
        app.add_option("-o,--out", m_opt.out,
                       "Output GeoPackage (layers differences and comparison); the HTML "
                       "comparison is written beside it, same name with .html")
            ->required();
        app.add_flag("--overwrite", m_opt.overwrite, "Replace the output files if they exist");
    }
    int run(Io &io) override {
        const std::string html = report_path_for(m_opt.out);
        for (const auto &p : m_opt.plans) {
            std::error_code ec;
            if (!std::filesystem::exists(p, ec)) {
                throw DataError(p + ": file not found");
            }
        }
        // Refuse, before any work, an output that exists, cannot be written or is a plan read.
        check_output(m_opt.out, ".gpkg", m_opt.overwrite, m_opt.plans);
        check_output(html, ".html", m_opt.overwrite, m_opt.plans);
        const PlanComparison cmp = compare_plans(m_opt.plans);
        // The GeoPackage and its HTML as one transaction (gis/atomic_file.hpp).
        gis::OutputSet outputs(m_opt.overwrite);
        write_comparison_gpkg(m_opt.out, outputs, cmp);
        outputs.write(html, render_comparison_html(cmp));
        outputs.commit();
        if (!io.quiet) {
            print(io.out, cmp);
            io.out << "wrote " << m_opt.out << " and " << html << "\n";
        }
        return 0;
    }

  private:
    static std::string opt(const std::optional<double> &v, const char *format) {
        if (!v) {
            return "-";
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, format, *v);
        return buf;
    }

    static void print(std::ostream &out, const PlanComparison &cmp) {
        char line[512];
        std::snprintf(line, sizeof line, "%-4s %-24s %9s %10s %10s %8s %8s %8s %14s %9s %9s\n",
                      "plan", "label", "parcels", "land ha", "units", "binding", "D after",
                      "E after", "objective", "gap %", "differ");
        out << line;
        for (const auto &p : cmp.plans) {
            const std::string binding =
                std::to_string(p.binding_met) + "/" + std::to_string(p.binding_total);
            std::snprintf(
                line, sizeof line, "%-4s %-24s %9zu %10.2f %10.0f %8s %8s %8s %14s %9s %9zu\n",
                p.letter.c_str(), p.label.c_str(), p.allocated, p.ha_total, p.units_total,
                binding.c_str(), opt(p.dissimilarity_after, "%.4f").c_str(),
                opt(p.excess_commuting_after, "%.4f").c_str(), opt(p.objective, "%.2f").c_str(),
                opt(p.gap ? std::optional<double>(100 * *p.gap) : std::nullopt, "%.4f").c_str(),
                p.differences);
            out << line;
        }
        std::map<std::string, std::size_t> kinds;
        for (const auto &d : cmp.differences) {
            for (std::size_t i = 1; i < d.changes.size(); ++i) {
                if (d.changes[i] != "same") {
                    ++kinds[d.changes[i]];
                }
            }
        }
        out << "differences: " << cmp.differences.size() << " of " << cmp.candidate_parcels
            << " candidate parcels";
        std::string sep = " (";
        for (const auto &[kind, n] : kinds) {
            out << sep << kind << " " << n;
            sep = ", ";
        }
        out << (kinds.empty() ? "" : ")") << "\n";
    }

    CompareOptions m_opt;
};

} // namespace

std::unique_ptr<Command> make_compare_command() { return std::make_unique<CompareCommand>(); }

} // namespace landalloc::cli
