// `landalloc plan`: reads the plan file and the inputs, allocates, and writes the plan GeoPackage
// and its report; prints the annual plan and the jobs-housing indicators.

#include "allocation/demand.hpp"
#include "allocation/network.hpp"
#include "allocation/planner.hpp"
#include "allocation/replan.hpp"
#include "allocation/solvers.hpp"
#include "cli/commands.hpp"
#include "cli/output_check.hpp"
#include "cli/partition_option.hpp"
#include "cli/progress.hpp"
#include "cli/summary.hpp"
#include "cli/validate_command.hpp"
#include "core/errors.hpp"
#include "core/parallel.hpp"
#include "gis/atomic_file.hpp"
#include "gis/checksum.hpp"
#include "gis/postgis_writer.hpp"
#include "gis/vector_io.hpp"
#include "inputs/actuals.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "landalloc_version.hpp"
#include "outputs/official_tables.hpp"
#include "outputs/plan_output.hpp"
#include "outputs/report.hpp"
#include "plan_file/input_spec.hpp"
#include "plan_file/plan_file.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <future>
#include <iostream>
#include <malloc.h>
#include <optional>
#include <sys/resource.h>

namespace landalloc::cli {

namespace {

/// What the run's metadata and report say the input was when [inputs.synth] made it.
const char *const k_synthetic_input = "synthetic (from [inputs.synth])";

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string fixed3(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", x);
    return buf;
}

/// The process's peak resident memory so far, in MiB (getrusage's ru_maxrss, KiB on Linux).
long peak_memory_mib() {
    struct rusage u {};
    ::getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

/// Gives the heap's free pages back to the system (glibc's malloc_trim). Reading frees the input
/// layers' features, small blocks among those of the parcels it keeps, which glibc leaves
/// resident under everything allocated after. On the 1M bench city the resident memory after
/// the read falls from about 1,320 to 1,000 MiB here.
void return_free_memory() { ::malloc_trim(0); }

class PlanCommand final : public Command {
  public:
    const char *name() const override { return "plan"; }
    const char *description() const override {
        return "Allocate each year's residential land to parcels and housing types and write "
               "the plan as a GeoPackage";
    }
    void setup(CLI::App &app) override {
        app.add_option("input", m_input,
                       "Input vector source holding the layers (zones, stations, parks, "
                       "parcels, constraints); overrides the plan file's inputs.source and "
                       "[inputs.synth]");
        app.add_option("-p,--plan", m_plan_path,
                       "Plan file (TOML); the built-in default plan when omitted "
                       "(see 'landalloc default-plan')");
        app.add_option("--scenario", m_scenario,
                       "Run the plan file's scenario NAME: its [scenarios.NAME] table overrides "
                       "the plan file's keys; default: none ([scenarios] ignored)")
            ->type_name("NAME");
        app.add_option("-o,--out", m_out,
                       "Output GeoPackage, or a PostGIS database (PG:service=NAME or "
                       "PG:\"dbname=... host=...\", with --schema)")
            ->required();
        app.add_option("--schema", m_schema,
                       "With --out PG:...: the schema the plan's tables, styles and QGIS project "
                       "are written into (created when missing)")
            ->type_name("NAME");
        app.add_option("--report", m_report,
                       "With --out PG:...: also write the HTML report here, and the tables "
                       "(CSV, workbook) beside it (default: the database only)")
            ->type_name("FILE.html");
        app.add_option("-s,--seed", m_seed, "Seed; overrides the plan file's plan.seed")
            ->check(seed_check());
        app.add_option("--crs", m_crs,
                       "Working projected CRS (e.g. EPSG:4549); default: the parcels layer's");
        app.add_option("--solver", m_solver,
                       solver_descriptions_text() + "; overrides solver.method")
            ->check(CLI::IsMember(solver_names()));
        app.add_option("--time-limit", m_time_limit,
                       "Time limit of the exact solver in seconds; overrides solver.time_limit_s")
            ->check(CLI::Range(0.1, 1e6));
        app.add_option("--gap", m_gap,
                       "Relative gap at which the exact solver stops; overrides solver.gap")
            ->check(CLI::Range(0.0, 1.0));
        app.add_option("--from-year", m_from_year,
                       "Re-plan this year and later from --actuals: earlier years' supplied "
                       "sites are kept, their shortfalls carried ([replan] carry)");
        app.add_option("--actuals", m_actuals,
                       "What happened before --from-year: a plan GeoPackage edited in QGIS (its "
                       "allocated_parcels with a status field) or a table of parcel_id, year, "
                       "housing_type, status");
        app.add_option("--previous", m_previous,
                       "The previous plan's GeoPackage, unedited, for the rolling plan's "
                       "comparison (default: the --actuals rows)");
        app.add_option("--partition", m_partition, k_partition_help)->type_name("FIELD=VALUE");
        app.add_flag("--overwrite", m_overwrite,
                     "Replace the output file, or the plan in the --schema, if it exists");
        app.add_option("--threads", m_threads,
                       "Threads for the parcel facts and the balance runs (default: the "
                       "machine's cores); the plan is the same on any number")
            ->check(CLI::Range(1u, 1024u))
            ->type_name("N");
    }
    int run(Io &io) override {
        const auto t0 = std::chrono::steady_clock::now();
        const std::string started = utc_now();
        set_threads(m_threads);
        PlanFile cfg =
            m_plan_path.empty() ? default_plan(m_scenario) : load_plan(m_plan_path, m_scenario);
        if (m_seed) {
            cfg.seed = *m_seed;
        }
        if (!m_solver.empty()) {
            cfg.solver.method = m_solver;
        }
        // CLI11's ranges let NaN through (every comparison with it is false).
        if (m_time_limit) {
            if (!std::isfinite(*m_time_limit)) {
                throw UsageError("--time-limit: must be a number of seconds, not nan");
            }
            cfg.solver.time_limit_s = *m_time_limit;
        }
        if (m_gap) {
            if (!std::isfinite(*m_gap)) {
                throw UsageError("--gap: must be a number in [0, 1], not nan");
            }
            cfg.solver.gap = *m_gap;
        }
        if (m_from_year.has_value() != !m_actuals.empty()) {
            throw UsageError("--from-year and --actuals go together: a re-plan needs both");
        }
        if (!m_previous.empty() && m_actuals.empty()) {
            throw UsageError("--previous is for a re-plan: give --from-year and --actuals too");
        }
        // Each layer's source, encoding and CRS from [inputs] (issue 3; docs/inputs.md); with
        // [inputs.synth] and no INPUT: a synthetic city, made in memory below.
        const bool synthesised = inputs_synthesised(cfg, m_input);
        InputSpec spec = make_input_spec(cfg, m_input, m_crs);
        spec.partition = parse_partition(m_partition, synthesised);
        // Refuse, before any work, an output that exists, cannot be written or is an input.
        std::vector<std::string> inputs =
            synthesised ? std::vector<std::string>{} : input_sources(spec);
        for (const std::string &in : {m_plan_path, m_actuals, m_previous}) {
            inputs.push_back(in);
        }
        // A PostGIS output: the database checked now (it connects, has PostGIS, and holds no
        // plan in the schema unless --overwrite); the files only with --report, beside it.
        const bool to_database = gis::is_postgis(m_out);
        if (to_database && m_schema.empty()) {
            throw UsageError("--out " + gis::redact_passwords(m_out) +
                             ": a PostGIS output needs --schema NAME, the schema to write into");
        }
        if (!to_database && !m_schema.empty()) {
            throw UsageError("--schema is for a PostGIS output: give --out PG:...");
        }
        if (!to_database && !m_report.empty()) {
            throw UsageError("--report is for a PostGIS output: a GeoPackage's report is "
                             "written beside it");
        }
        const std::optional<gis::PostgisTarget> database =
            to_database ? std::optional(postgis_target(m_out, m_schema, m_overwrite))
                        : std::nullopt;
        if (database) {
            if (!synthesised) {
                check_postgis_inputs(spec, m_schema, database->tables);
            }
            gis::check_postgis_output(*database);
        } else {
            check_output(m_out, ".gpkg", m_overwrite, inputs);
        }
        // The files' names follow the GeoPackage's, or the report's for a database.
        const std::string files_base =
            !database ? m_out
            : m_report.empty()
                ? std::string()
                : std::filesystem::path(m_report).replace_extension(".gpkg").string();
        const std::string report_out = database             ? m_report
                                       : files_base.empty() ? ""
                                                            : report_path_for(files_base);
        const std::string supply_csv = files_base.empty() ? "" : supply_csv_path_for(files_base);
        const std::string targets_csv_out =
            files_base.empty() ? "" : targets_csv_path_for(files_base);
        const std::string workbook = files_base.empty() ? "" : workbook_path_for(files_base);
        if (!files_base.empty()) {
            check_output(report_out, ".html", m_overwrite, inputs);
            check_output(supply_csv, ".csv", m_overwrite, inputs);
            check_output(targets_csv_out, ".csv", m_overwrite, inputs);
            check_output(workbook, ".xlsx", m_overwrite, inputs);
        }

        if (!m_input.empty() && cfg.inputs.synth && !io.quiet) {
            io.out << "inputs: " << m_input << " replaces the plan file's [inputs.synth]\n";
        }
        Progress progress(io.err, !io.quiet);
        SynthCity synth_city; // the [inputs.synth] city's layers, made in memory
        if (synthesised) {
            progress.step("synthesising the city ([inputs.synth])");
            synth_city = make_synth_city(make_synth_options(cfg));
        }
        std::string source = synthesised ? k_synthetic_input : spec.parcels.source;
        if (source.empty()) { // some layers from files, the rest generated by [inputs.synth]
            for (const std::string &s : input_sources(spec)) {
                source += (source.empty() ? "" : ", ") + s;
            }
            source += source.empty() ? "(generated by [inputs.synth])"
                                     : " (the other layers generated by [inputs.synth])";
        }
        progress.step("reading inputs and computing parcel facts");
        const auto t_read = std::chrono::steady_clock::now();
        LoadedCity city = load_city(spec, synth_city.layers);
        synth_city = {}; // everything is read: the layers can go now
        add_plan_value_findings(cfg, spec, city, city.findings);
        // Distances along the streets (allocation/network.hpp), once, so the plan, the baseline
        // and the outputs all see them.
        const NetworkReport network = apply_street_network(city.city, cfg);
        // The parcels' polygons are written at the end, and nothing before reads them.
        city.compact_parcels();
        return_free_memory();
        const double read_seconds = seconds_since(t_read);
        progress.done();
        if (!io.quiet) {
            print_input_notes(io.out, city);
            if (network.used) {
                io.out << "streets: " << network.nodes << " nodes, " << network.walk_edges
                       << " walkable and " << network.drive_edges << " drivable segments; "
                       << network.note << "\n";
                if (network.parcels_far > 0) {
                    io.out << "streets: warning: " << network.parcels_far
                           << " parcels lie farther than " << cfg.network.snap_tolerance_m
                           << " m from every street ([network] snap_tolerance_m)\n";
                }
            }
        }
        // Targets from the demand model ([demand]) take their values now the zones are known.
        // Applied once here: the plan and the baseline below reuse the values.
        if (demand_pending(cfg)) {
            apply_demand(cfg, city.city);
            if (!io.quiet) {
                print_demand_targets(io.out, cfg);
            }
        }
        const auto allocator = make_allocator(cfg.solver, city.city.parcels.size());
        ReplanRequest replan;
        if (m_from_year) {
            progress.step("reading the actuals");
            replan.from_year = *m_from_year;
            replan.actuals = read_actuals(m_actuals);
            if (!m_previous.empty()) {
                replan.previous = read_actuals(m_previous);
            }
        }
        progress.step("allocating " + std::to_string(city.city.parcels.size()) + " candidates (" +
                      allocator->name() + ")" +
                      (m_from_year ? ", years from " + std::to_string(*m_from_year) : ""));
        Plan plan = m_from_year ? make_replan(city.city, cfg, *allocator, replan)
                                : make_plan(city.city, cfg, *allocator);
        return_free_memory(); // the plan's model, before the balance runs build theirs

        // The outputs are one transaction: the files are written to temporaries, then moved
        // into place together, the GeoPackage first (gis/atomic_file.hpp; docs/exit-codes.md).
        // A database output is committed first, then the files are moved into place.
        // The candidate parcels' layers need only the plan's allocation, which the balance
        // analysis does not change: on two threads or more they are written beside the balance
        // runs, the rejected candidates feature by feature (outputs/plan_output.hpp). The
        // writer does the same things in the same order on one thread, so the output is the
        // same.
        const auto t_write = std::chrono::steady_clock::now();
        gis::OutputSet outputs(m_overwrite);
        PlanWriter writer = database ? PlanWriter(*database) : PlanWriter(m_out, outputs);
        std::optional<gis::LayerData> allocated;
        const auto write_parcels = [&] {
            allocated = allocated_parcels_layer(city.city, city, plan);
            writer.write_parcel_layers(*allocated, rejected_candidates_layer(city.city, city, plan),
                                       plan.language);
        };
        std::future<void> parcels_written;
        if (threads() > 1) {
            parcels_written = std::async(std::launch::async, write_parcels);
        } else {
            progress.step("writing the candidate parcels");
            write_parcels();
        }
        // What balance costs: the same targets without the balance term, weighing balance
        // only, and (when D rises) without each rule in turn. Not for a re-plan: its runs would
        // re-plan the fixed years too.
        const auto t_balance = std::chrono::steady_clock::now();
        if (cfg.jobs_housing.analyse && !plan.zone_balance.empty() && !m_from_year) {
            progress.step("analysing jobs-housing balance (no-term and balance-only runs)");
            analyse_balance(city.city, cfg, *allocator, plan);
        }
        const double balance_seconds = seconds_since(t_balance);
        if (parcels_written.valid()) {
            progress.step("writing the candidate parcels");
            parcels_written.get();
        }
        return_free_memory(); // the models' small blocks, before the other layers are built

        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::vector<std::pair<std::string, std::string>> meta = {
            {"landalloc_version", k_version},
            {"command", "plan"},
            {"input", gis::redact_passwords(source)},
            {"plan_file", m_plan_path.empty() ? "(built-in default plan)" : m_plan_path},
            {"plan_name", cfg.name},
            {"language", language_code(cfg.language)},
            {"scenario", cfg.scenario},
            {"plan_text", gis::redact_passwords(cfg.source_text)},
            {"seed", std::to_string(cfg.seed)},
            {"crs", city.city.crs},
            {"horizon", std::to_string(cfg.first_year) + "-" + std::to_string(cfg.last_year)},
            {"candidate_parcels", std::to_string(city.city.parcels.size())},
            {"allocated_parcels", std::to_string(plan.allocations.size())},
            {"started_utc", started},
            {"duration_s", std::to_string(seconds)},
            {"read_seconds", fixed3(read_seconds)},
            {"balance_seconds", fixed3(balance_seconds)}};
        if (spec.partition) {
            meta.emplace_back("partition", describe_partition(*spec.partition));
        }
        if (synthesised) {
            // The synthetic city is made again from the plan text (plan_text) by the same
            // landalloc version; its temporary file's checksum would say nothing more.
            meta.emplace_back("input_synth", describe_synth(make_synth_options(cfg)));
        } else {
            // Checksums of every input file, so the plan can be traced to the exact data.
            progress.step("checksumming inputs");
            // Every file of each dataset: a Shapefile's .dbf, .prj and .cpg change its data as
            // much as its .shp does.
            std::vector<std::string> files;
            for (const LayerRef *r : input_layer_refs(spec)) {
                if (spec.generate.parcels > 0 && (r == &spec.parcels || r == &spec.parks)) {
                    continue; // generated, not read
                }
                for (auto &f : gis::dataset_files(r->source, r->layer)) {
                    files.push_back(std::move(f));
                }
            }
            std::sort(files.begin(), files.end());
            files.erase(std::unique(files.begin(), files.end()), files.end());
            for (const auto &file : files) {
                const std::string sum = gis::file_sha256(file);
                if (!sum.empty()) {
                    meta.emplace_back("input_sha256 " + gis::redact_passwords(file), sum);
                }
            }
        }
        if (!m_plan_path.empty()) {
            meta.emplace_back("plan_file_sha256", gis::file_sha256(m_plan_path));
        }
        if (m_from_year) {
            // The plan history: which actuals and which earlier plan this re-plan came from.
            meta.emplace_back("replan_actuals", m_actuals);
            meta.emplace_back("actuals_sha256", gis::file_sha256(m_actuals));
            const std::string previous = !m_previous.empty() ? m_previous : m_actuals;
            meta.emplace_back("previous_plan", previous);
            meta.emplace_back("previous_plan_sha256", gis::file_sha256(previous));
        }
        meta.insert(meta.end(), plan.metadata.begin(), plan.metadata.end());
        plan.metadata = std::move(meta);
        progress.step("writing the GeoPackage, the report and the tables");

        // The layers are built once: the GeoPackage is written from them and the report is
        // rendered from the same rows, so it is the report `landalloc report` renders from the
        // GeoPackage.
        // The official tables (CSV, workbook) come from the same supply_plan rows.
        const PlanLayers layers = plan_layers(city.city, city, plan, std::move(allocated));
        writer.write_other_layers(layers, city, plan);
        if (!report_out.empty()) {
            const ReportData report =
                report_data_from_layers(layers, database ? gis::describe(*database) : m_out);
            outputs.write(report_out, render_report_html(report));
            outputs.write(supply_csv, supply_plan_csv(report.supply));
            outputs.write(targets_csv_out, targets_csv(plan.annual, report.supply));
            // The rolling plan's rows as written (rounded), like the supply rows.
            write_tables_workbook(outputs.add(workbook, ".xlsx"), cfg.name, report.supply,
                                  plan.annual, report.rolling);
        }
        outputs.commit();
        const double write_seconds = seconds_since(t_write);
        progress.done();
        if (!io.quiet) {
            io.out << "landalloc plan: " << cfg.name
                   << (cfg.scenario.empty() ? "" : ", scenario '" + cfg.scenario + "'") << ", "
                   << city.city.parcels.size() << " candidate parcels in " << city.city.crs << "\n";
            print_summary(io.out, plan);
            if (database) {
                io.out << "wrote " << gis::describe(*database) << ", its QGIS project "
                       << gis::qgis_project_uri(*database) << "\n";
            }
            if (!report_out.empty()) {
                io.out << "wrote " << (database ? std::string() : m_out + ", ") << report_out
                       << " and the tables " << supply_csv << ", " << targets_csv_out << ", "
                       << workbook << "\n";
            }
            // Where the time went (docs/performance.md; bench/end_to_end.py reads this line).
            const auto meta_of = [&](const char *key) {
                for (const auto &[k, v] : plan.metadata) {
                    if (k == key) {
                        return v;
                    }
                }
                return std::string("-");
            };
            io.out << "timings: read and facts " << fixed3(read_seconds) << " s, model "
                   << meta_of("model_seconds") << " s, solve " << meta_of("solve_seconds")
                   << " s, explain " << meta_of("explain_seconds") << " s, balance runs "
                   << fixed3(balance_seconds) << " s, write " << fixed3(write_seconds)
                   << " s (the balance runs within it), total " << fixed3(seconds_since(t0))
                   << " s; peak memory " << peak_memory_mib() << " MiB\n";
        }
        if (!plan.binding_targets_met()) {
            io.err << "landalloc plan: binding targets or rules not met: " << plan.status << "\n";
            return static_cast<int>(ExitCode::targets_unmet);
        }
        return 0;
    }

  private:
    std::string m_input;
    std::string m_plan_path;
    std::string m_scenario;
    std::string m_out;
    std::string m_schema;
    std::string m_report;
    std::optional<std::uint64_t> m_seed;
    std::string m_crs;
    std::string m_solver;
    std::optional<double> m_time_limit;
    std::optional<double> m_gap;
    std::optional<int> m_from_year;
    std::string m_actuals;
    std::string m_previous;
    std::string m_partition;
    bool m_overwrite = false;
    unsigned m_threads = 0; // 0: the machine's cores
};

} // namespace

std::unique_ptr<Command> make_plan_command() { return std::make_unique<PlanCommand>(); }

} // namespace landalloc::cli
