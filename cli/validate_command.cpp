#include "cli/validate_command.hpp"

#include "allocation/network.hpp"
#include "cli/output_check.hpp"
#include "cli/partition_option.hpp"
#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "inputs/findings.hpp"
#include "inputs/synth.hpp"
#include "plan_file/input_spec.hpp"
#include "plan_file/plan_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>

namespace landalloc::cli {

namespace {

struct ValidateOptions {
    std::string input;     // DEFAULT: "" = the plan file's inputs.source
    std::string plan_path; // DEFAULT: "" = the built-in plan
    std::string scenario;  // DEFAULT: "" = none ([scenarios] ignored)
    std::string out;       // DEFAULT: "" = print only
    std::string crs;       // DEFAULT: "" = inputs.crs, else chosen from the data
    int examples = 3;      // DEFAULT: 3 examples of each finding
    int max_errors = 1;    // DEFAULT: 1 error line on stderr; 0 = every error
    std::string partition; // DEFAULT: "" = every feature; FIELD=VALUE: one partition
    bool overwrite = false;
};

class ValidateCommand final : public Command {
  public:
    const char *name() const override { return "validate"; }
    const char *description() const override {
        return "Check every input layer the plan file names and print a data-quality report "
               "(exit 0 when usable, 3 when not)";
    }
    void setup(CLI::App &app) override {
        app.add_option("input", m_opt.input,
                       "Input vector source for the layers without their own; overrides the "
                       "plan file's inputs.source and [inputs.synth]");
        app.add_option("-p,--plan", m_opt.plan_path,
                       "Plan file (TOML) naming the inputs; the built-in plan when omitted");
        app.add_option("--scenario", m_opt.scenario,
                       "Check the inputs of the plan file's scenario NAME ([scenarios.NAME] "
                       "overrides the plan file's keys); default: none")
            ->type_name("NAME");
        app.add_option("-o,--out", m_opt.out,
                       "Also write the findings as a GeoPackage layer 'findings'");
        app.add_option("--crs", m_opt.crs,
                       "Working projected CRS (e.g. EPSG:4549); default: inputs.crs, a layer's "
                       "projected CRS, or one chosen from the data");
        app.add_option("--examples", m_opt.examples, "Examples printed for each finding code")
            ->capture_default_str()
            ->check(CLI::Range(0, 1000));
        app.add_option("--max-errors", m_opt.max_errors,
                       "Error lines printed on stderr, one per error (0: every error)")
            ->capture_default_str()
            ->check(CLI::NonNegativeNumber);
        app.add_option("--partition", m_opt.partition, k_partition_help)->type_name("FIELD=VALUE");
        app.add_flag("--overwrite", m_opt.overwrite, "Replace the --out file if it exists");
    }
    int run(Io &io) override {
        const PlanFile cfg = m_opt.plan_path.empty() ? default_plan(m_opt.scenario)
                                                     : load_plan(m_opt.plan_path, m_opt.scenario);
        const bool synthesised = inputs_synthesised(cfg, m_opt.input);
        InputSpec spec = make_input_spec(cfg, m_opt.input, m_opt.crs);
        spec.partition = parse_partition(m_opt.partition, synthesised);
        if (!m_opt.out.empty()) {
            std::vector<std::string> inputs =
                synthesised ? std::vector<std::string>{} : input_sources(spec);
            inputs.push_back(m_opt.plan_path);
            check_output(m_opt.out, ".gpkg", m_opt.overwrite, inputs);
        }
        // [inputs.synth] without INPUT: the synthetic city, made in memory.
        SynthCity synth_city;
        if (synthesised) {
            synth_city = make_synth_city(make_synth_options(cfg));
        }
        FindingsReport report;
        const LoadedCity city = load_city(spec, synth_city.layers, report);
        synth_city = {};
        if (!report.has_errors()) {
            add_plan_value_findings(cfg, spec, city, report);
        }
        // The streets: how far each parcel lies from the nearest one (a finding past the
        // tolerance) and how many nodes each zone holds.
        std::size_t far = 0;
        std::vector<int> nodes_per_zone;
        const bool streets = spec.streets && !city.city.streets.empty() && !report.has_errors();
        if (streets) {
            const StreetGraph graph(city.city.streets, cfg.network);
            const double tol = cfg.network.snap_tolerance_m;
            for (std::size_t i = 0; i < city.city.parcels.size(); ++i) {
                const Parcel &p = city.city.parcels[i];
                const Snap s = graph.snap(TravelMode::walk, p.x, p.y);
                if (!(s.offset_m <= tol)) {
                    ++far;
                    report.add({"far_from_streets", Severity::warning, spec.parcels.source,
                                spec.parcels.layer, p.fid, "",
                                "the parcel lies " +
                                    (std::isfinite(s.offset_m)
                                         ? std::to_string(static_cast<long>(s.offset_m)) + " m"
                                         : std::string("infinitely far")) +
                                    " from the nearest walkable street, beyond "
                                    "[network] snap_tolerance_m = " +
                                    std::to_string(static_cast<long>(tol)) +
                                    " m; its street distances start with that walk",
                                p.id, spec.fields.parcel_id, city.parcel_geoms[i]});
                }
            }
            nodes_per_zone = street_nodes_per_zone(city);
        }

        if (!io.quiet) {
            io.out << "landalloc validate: " << cfg.name
                   << (cfg.scenario.empty() ? "" : ", scenario '" + cfg.scenario + "'") << "\n";
            auto layer_line = [&](const char *role, const LayerRef &r) {
                if (r.source.empty()) {
                    io.out << "  " << role << ": generated inside the zones ([inputs.generate])\n";
                    return;
                }
                io.out << "  " << role << ": "
                       << (synthesised ? "synthetic ([inputs.synth])"
                                       : gis::redact_passwords(r.source))
                       << ", layer '" << r.layer << "'";
                if (!r.encoding.empty()) {
                    io.out << ", encoding " << r.encoding;
                }
                if (!r.crs.empty()) {
                    io.out << ", stated CRS " << r.crs;
                }
                io.out << "\n";
            };
            io.out << "inputs:\n";
            if (synthesised) {
                io.out << "  synthesised from [inputs.synth]: "
                       << describe_synth(make_synth_options(cfg)) << "\n";
            }
            layer_line("zones", spec.zones);
            if (spec.districts) {
                layer_line("districts", *spec.districts);
            }
            layer_line("stations", spec.stations);
            layer_line("parks", spec.parks);
            layer_line("parcels", spec.parcels);
            for (const auto &c : spec.constraints) {
                layer_line("constraints", c);
            }
            if (spec.streets) {
                layer_line("streets", *spec.streets);
            }
            if (!city.crs_note.empty()) {
                io.out << city.crs_note << "\n";
            }
            std::set<std::string> districts;
            for (const Zone &z : city.city.zones) {
                if (!z.district.empty()) {
                    districts.insert(z.district);
                }
            }
            io.out << "read: " << city.city.zones.size() << " zones"
                   << (districts.empty() ? ""
                                         : " in " + std::to_string(districts.size()) + " districts")
                   << ", " << city.city.stations.size() << " stations, " << city.city.parks.size()
                   << " industrial parks, " << city.city.constraints.size() << " constraints, "
                   << city.city.parcels.size() << " candidate parcels\n";
            if (streets) {
                const StreetNetwork &n = city.city.streets;
                std::size_t walk = 0, drive = 0;
                for (const StreetEdge &e : n.edges) {
                    walk += e.walkable ? 1 : 0;
                    drive += e.drivable ? 1 : 0;
                }
                const double share = city.city.parcels.empty()
                                         ? 0.0
                                         : 100.0 * static_cast<double>(far) /
                                               static_cast<double>(city.city.parcels.size());
                char pct[32];
                std::snprintf(pct, sizeof pct, "%.1f", share);
                io.out << "streets: " << n.nodes.size() << " nodes, " << n.edges.size()
                       << " segments (" << walk << " walkable, " << drive << " drivable); " << far
                       << " of " << city.city.parcels.size() << " parcels (" << pct
                       << " %) lie farther than " << cfg.network.snap_tolerance_m
                       << " m from every street\n";
                io.out << "street nodes per zone:";
                for (std::size_t z = 0; z < city.city.zones.size(); ++z) {
                    io.out << (z ? ", " : " ") << city.city.zones[z].id << " " << nodes_per_zone[z];
                }
                io.out << "\n";
            }
            report.print(io.out, m_opt.examples);
        }
        if (!m_opt.out.empty()) {
            write_findings_gpkg(m_opt.out, m_opt.overwrite, report, city.crs);
            if (!io.quiet) {
                io.out << "wrote " << m_opt.out << " (" << report.findings().size()
                       << " findings)\n";
            }
        }
        if (report.has_errors()) {
            // The same one-line form as every other error (docs/exit-codes.md).
            // The first error in the one-line form of every error; --max-errors N adds the
            // next N-1 errors each on a line of that form.
            const int errors = report.count(Severity::error);
            const int listed = m_opt.max_errors == 0 ? errors : std::min(errors, m_opt.max_errors);
            int n = 0;
            for (const Finding &f : report.findings()) {
                if (f.severity != Severity::error || n == listed) {
                    continue;
                }
                if (++n == 1) {
                    io.err << "landalloc validate: input error: " << errors << " errors"
                           << (listed < errors ? " (--max-errors 0 lists every one)" : "")
                           << "; the inputs cannot be used; first: " << f.describe() << "\n";
                } else {
                    io.err << "landalloc validate: input error (" << n << " of " << errors
                           << "): " << f.describe() << "\n";
                }
            }
            return static_cast<int>(ExitCode::input_data);
        }
        if (!io.quiet) {
            io.out << "result: usable"
                   << (report.count(Severity::warning) > 0 ? " (with warnings)" : "") << "\n";
        }
        return 0;
    }

  private:
    ValidateOptions m_opt;
};

} // namespace

std::unique_ptr<Command> make_validate_command() { return std::make_unique<ValidateCommand>(); }

namespace {

/// "a 3, b 1": the keys of `counts` with their counts.
std::string with_counts(const std::map<std::string, int> &counts) {
    std::string out;
    for (const auto &[k, n] : counts) {
        out += (out.empty() ? "" : ", ") + (k.empty() ? std::string("(empty)") : "'" + k + "'") +
               " " + std::to_string(n);
    }
    return out.empty() ? "none" : out;
}

} // namespace

void add_plan_value_findings(const PlanFile &cfg, const InputSpec &spec, const LoadedCity &city,
                             FindingsReport &report) {
    static const PlanFile defaults = default_plan();
    // TOD modes against the stations' modes.
    if (cfg.rules.tod && !city.city.stations.empty()) {
        const auto &modes = cfg.rules.tod->modes;
        std::map<std::string, int> present;
        for (const Station &s : city.city.stations) {
            ++present[s.mode];
        }
        std::map<std::string, int> outside; // station modes that are no TOD mode
        for (const auto &[m, n] : present) {
            if (std::find(modes.begin(), modes.end(), m) == modes.end()) {
                outside[m] = n;
            }
        }
        std::vector<std::string> unmatched;
        for (const auto &m : modes) {
            if (!present.contains(m)) {
                unmatched.push_back(m);
            }
        }
        if (!outside.empty() && !unmatched.empty()) {
            for (const auto &m : unmatched) {
                report.add({"unmatched_value", Severity::warning, spec.stations.source,
                            spec.stations.layer, -1, spec.fields.mode,
                            "[rules.tod] mode '" + m +
                                "' matches no station, and these stations' modes are no TOD "
                                "mode: " +
                                with_counts(outside) +
                                "; name the data's mode in [rules.tod] modes (or fix the data)"});
            }
        }
    }
    // Zone-class keys against the zones' classes.
    std::map<std::string, int> classes;
    for (const Zone &z : city.city.zones) {
        ++classes[z.zone_class];
    }
    if (!city.city.zones.empty()) {
        auto check_keys = [&](const std::string &section, const auto &keys, const auto &builtin) {
            bool data_class_unknown = false;
            for (const auto &[c, n] : classes) {
                data_class_unknown |= !c.empty() && !keys.contains(c);
            }
            for (const auto &[k, v] : keys) {
                if (classes.contains(k)) {
                    continue;
                }
                if (builtin.contains(k) && !data_class_unknown) {
                    continue; // a class of the built-in plan this city does not have
                }
                report.add({"unmatched_value", Severity::warning, spec.zones.source,
                            spec.zones.layer, -1, spec.fields.zone_class,
                            section + " key '" + k + "' matches no zone's class (the zones' " +
                                "classes: " + with_counts(classes) + "); fix the key or the data"});
            }
        };
        check_keys("[scoring.zone_class]", cfg.scoring.zone_class, defaults.scoring.zone_class);
        check_keys("[rules.zone_classes]", cfg.rules.zone_classes, defaults.rules.zone_classes);
    }
    // Parcels' allowed_types codes against the plan's housing types.
    std::map<std::string, int> unknown;
    for (const Parcel &p : city.city.parcels) {
        for (const auto &t : p.allowed_types) {
            if (std::none_of(cfg.types.begin(), cfg.types.end(),
                             [&](const HousingType &h) { return h.id == t; })) {
                ++unknown[t];
            }
        }
    }
    if (!unknown.empty()) {
        std::string types;
        for (const auto &h : cfg.types) {
            types += (types.empty() ? "" : ", ") + h.id;
        }
        report.add({"unmatched_value", Severity::warning, spec.parcels.source, spec.parcels.layer,
                    -1, spec.fields.allowed_types,
                    "allowed_types codes that are no housing type of the plan (" + types +
                        "), with their count of parcels: " + with_counts(unknown) +
                        "; those parcels allow only the types they name that the plan has"});
    }
}

void print_input_notes(std::ostream &out, const LoadedCity &city) {
    const bool chosen = city.crs_note.find("chosen automatically") != std::string::npos;
    if (chosen) {
        out << "inputs: " << city.crs_note << "\n";
    }
    const int warnings = city.findings.count(Severity::warning);
    if (warnings > 0) {
        // By code with the first few of each, so a warning that matters is seen without a second
        // run ('landalloc validate' lists them all, --examples N).
        out << "inputs: " << warnings
            << " data-quality warnings (repaired or skipped features, values to check):\n";
        city.findings.print_codes(out, Severity::warning, 3);
    }
}

} // namespace landalloc::cli
