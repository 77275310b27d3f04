// Golden command lines, the way osmium-tool's cmake/run_test_compare_output.cmake does them: each
// case runs the built landalloc as a process and compares its stdout, stderr and exit code with
// tests/golden/cli/<case>/{stdout,stderr,exit_code}.txt (command.txt records the command line).
// What varies between runs is masked first: the temporary directory becomes <TMP>, durations
// <T> s, dates and times <DATE> and <TIME>. The plan case also locks its output tables the way
// the golden plans do (tests/golden/cli/plan/*.tsv), and every command's --help is kept as
// tests/golden/cli/help-<command>/stdout.txt, so a changed help text is a reviewed change.
//
// Nothing that depends on time is locked: the plan case uses the heuristic, deterministic and
// stopped by counts (passes, subgradient iterations), so Release and Debug + sanitizer builds
// give the same plan; the solver's seconds are masked.
//
// LANDALLOC_UPDATE_GOLDEN=1 rewrites the files; review their diff before committing it.

#include "cli/command.hpp"
#include "golden.hpp"
#include "plan_builder.hpp"
#include "test_util.hpp"

#include <CLI/CLI.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace landalloc;
namespace fs = std::filesystem;

namespace {

const fs::path k_golden_dir = test::golden_dir() / "cli";

/// The files the cases share, made once per test process (ctest runs each case in its own).
const test::TempDir &work() {
    static const test::TempDir dir;
    return dir;
}

std::string tmp(const std::string &name) { return work().path(name); }

std::string masked(const std::string &text) {
    return test::mask_varying(
        text, {{work().dir().string(), "<TMP>"}, {test::landalloc_binary(), "landalloc"}});
}

/// Runs `landalloc <args>` and compares stdout, stderr and the exit code with the case's files.
test::CliResult run_case(const std::string &name, const std::string &args) {
    const fs::path dir = k_golden_dir / name;
    const auto r = test::run_process_split(test::landalloc_binary() + " " + args);
    EXPECT_TRUE(test::match_golden(dir / "command.txt", masked("landalloc " + args) + "\n"));
    EXPECT_TRUE(test::match_golden(dir / "stdout.txt", masked(r.out)));
    EXPECT_TRUE(test::match_golden(dir / "stderr.txt", masked(r.err)));
    EXPECT_TRUE(test::match_golden(dir / "exit_code.txt", std::to_string(r.code) + "\n"));
    return r;
}

/// Runs `landalloc <args>`, which must succeed: the setup of a case, not locked.
void setup_step(const std::string &args) {
    const auto r = test::run_process_split(test::landalloc_binary() + " " + args);
    ASSERT_EQ(r.code, 0) << args << "\n" << r.out << r.err;
}

/// The small fixed city: 300 parcels, seed 7.
const std::string &city() {
    static const std::string path = [] {
        const std::string p = tmp("city.gpkg");
        setup_step("synth --parcels 300 --seed 7 --out " + p + " --quiet");
        return p;
    }();
    return path;
}

/// A plan the small city meets: 20 ha of commercial and 5 ha of affordable rental land a year,
/// at least 10 % of it rental (rule_checks has rows to lock).
/// The heuristic, not the exact solver: it stops after a fixed number of passes, never on time, so
/// every build gives the same plan (CBC stops on its time limit on this plan).
const std::string &plan_file() {
    static const std::string path = [] {
        const std::string p = tmp("plan.toml");
        const auto b =
            test::PlanBuilder()
                .spaced()
                .plan(2021, 2025, "golden cli")
                .housing_type(test::commercial())
                .housing_type(test::affordable_rental())
                .target({.type = "commercial", .unit = "ha", .values = {20, 20, 20, 20, 20}})
                .target({.type = "affordable_rental", .unit = "ha", .values = {5, 5, 5, 5, 5}})
                .solver("heuristic")
                .raw("\n[rules.rental_share]\nshare = 0.10\n");
        test::write_file(p, b.text());
        return p;
    }();
    return path;
}

std::string plan_args(const std::string &out) {
    return "plan " + city() + " --plan " + plan_file() + " --out " + out;
}

/// The plan of the small city (and its report beside it, plan.html).
const std::string &plan_gpkg() {
    static const std::string path = [] {
        const std::string p = tmp("plan.gpkg");
        setup_step(plan_args(p) + " --quiet");
        return p;
    }();
    return path;
}

} // namespace

TEST(GoldenCli, Synth) {
    run_case("synth", "synth --parcels 300 --seed 7 --out " + tmp("synth.gpkg"));
}

TEST(GoldenCli, SynthOutputExists) {
    run_case("synth-output-exists", "synth --parcels 300 --seed 7 --out " + city());
}

TEST(GoldenCli, Validate) { run_case("validate", "validate " + city()); }

TEST(GoldenCli, ValidateMissingInput) {
    run_case("validate-missing-input", "validate " + tmp("missing.gpkg"));
}

TEST(GoldenCli, Plan) {
    const std::string out = tmp("golden-plan.gpkg");
    const auto r = run_case("plan", plan_args(out));
    ASSERT_EQ(r.code, 0);
    EXPECT_TRUE(test::match_golden_tables(k_golden_dir / "plan", out));
}

TEST(GoldenCli, PlanMissingInput) {
    run_case("plan-missing-input", "plan " + tmp("missing.gpkg") + " --plan " + plan_file() +
                                       " --out " + tmp("never.gpkg"));
}

TEST(GoldenCli, Report) {
    run_case("report", "report " + plan_gpkg() + " --out " + tmp("report.html"));
}

// `plan` wrote plan.html beside the GeoPackage: the default output exists.
TEST(GoldenCli, ReportOutputExists) { run_case("report-output-exists", "report " + plan_gpkg()); }

// The small city's plan against the plan of a scenario that weighs transit alone.
TEST(GoldenCli, Compare) {
    const std::string scenarios = tmp("scenarios.toml");
    test::write_file(scenarios, test::read_file(plan_file()) +
                                    "\n[scenarios.transit_only.scoring.weights.commercial]\n"
                                    "transit = 1.0\njobs = 0.0\nzone_class = 0.0\n");
    const std::string other = tmp("transit_only.gpkg");
    setup_step("plan " + city() + " --plan " + scenarios +
               " --scenario transit_only --quiet --out " + other);
    const auto r =
        run_case("compare", "compare " + plan_gpkg() + " " + other + " -o " + tmp("cmp.gpkg"));
    ASSERT_EQ(r.code, 0);
}

TEST(GoldenCli, DefaultPlan) { run_case("default-plan", "default-plan"); }

TEST(GoldenCli, DefaultPlanUnknownOption) {
    run_case("default-plan-unknown-option", "default-plan --bogus");
}

// --help: every command of cli::make_commands() (so a new one cannot be missed) and the top level.

namespace {

/// The long names ("--plan") of the options `command` declares.
std::vector<std::string> declared_options(cli::Command &command) {
    CLI::App app{command.description(), command.name()};
    command.setup(app);
    std::vector<std::string> names;
    for (const CLI::Option *o : app.get_options()) {
        for (const auto &l : o->get_lnames()) {
            names.push_back("--" + l);
        }
    }
    return names;
}

/// The "--name" words of a help text.
std::set<std::string> listed_options(const std::string &help) {
    static const std::regex option(R"(--[a-z][a-z0-9-]*)");
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(help.begin(), help.end(), option);
         it != std::sregex_iterator(); ++it) {
        out.insert(it->str());
    }
    return out;
}

bool contains(const std::string &s, const std::string &what) {
    return s.find(what) != std::string::npos;
}

} // namespace

TEST(Help, TopLevelListsEveryCommand) {
    const auto r = run_case("help", "--help");
    ASSERT_EQ(r.code, 0);
    EXPECT_TRUE(contains(r.out, "Usage: landalloc")) << r.out;
    for (const auto &c : cli::make_commands()) {
        EXPECT_TRUE(contains(r.out, std::string("\n  ") + c->name() + " ")) << c->name();
    }
}

TEST(Help, EveryCommandNamesItselfAndEveryOption) {
    const auto commands = cli::make_commands();
    ASSERT_FALSE(commands.empty());
    for (const auto &c : commands) {
        const std::string name = c->name();
        SCOPED_TRACE(name);
        const auto r = run_case("help-" + name, name + " --help");
        ASSERT_EQ(r.code, 0);
        EXPECT_EQ(r.err, "");
        EXPECT_TRUE(contains(r.out, "Usage: landalloc " + name)) << r.out;
        const auto declared = declared_options(*c);
        for (const auto &o : declared) {
            EXPECT_TRUE(contains(r.out, o)) << name << " --help lacks " << o << "\n" << r.out;
        }
        // Nothing the help names with -- but the command's own options and --help.
        const std::set<std::string> known(declared.begin(), declared.end());
        for (const auto &o : listed_options(r.out)) {
            EXPECT_TRUE(known.count(o) || o == "--help") << name << " --help names " << o;
        }
    }
}

TEST(Help, NamesTheOptionsUsersLookFor) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
        {"synth", {"--parcels", "--seed", "--out", "--overwrite"}},
        {"plan", {"--solver", "--plan", "--out", "--overwrite"}},
        {"validate", {"--plan", "--out"}},
        {"report", {"--out", "--overwrite"}},
        {"compare", {"--out", "--overwrite"}},
    };
    for (const auto &[cmd, options] : expected) {
        const auto r = test::run_process_split(test::landalloc_binary() + " " + cmd + " --help");
        EXPECT_EQ(r.code, 0) << cmd;
        for (const auto &o : options) {
            EXPECT_TRUE(contains(r.out, o)) << cmd << " --help lacks " << o << "\n" << r.out;
        }
    }
}
