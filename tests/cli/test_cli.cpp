// The command line: help for every command, usage errors, and the documented exit codes with no
// output created or overwritten on failure.

#include "core/errors.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {
std::string small_city(const TempDir &dir) {
    const std::string path = dir.path("city.gpkg");
    const auto r = run_cli({"synth", "--out", path, "--parcels", "300", "--quiet"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "") << "--quiet prints nothing";
    return path;
}

/// Runs `args` and expects exit `code` with `says` on the error's first line; returns the result
/// for further checks.
CliResult refused_with(const std::vector<std::string> &args, int code, const std::string &says) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.code, code) << r.err;
    const std::string first = r.err.substr(0, r.err.find('\n'));
    EXPECT_NE(first.find(says), std::string::npos) << r.err;
    return r;
}
} // namespace

TEST(Cli, TopLevelHelpListsCommands) {
    const auto r = run_cli({"--help"});
    EXPECT_EQ(r.code, 0);
    for (const char *c : {"synth", "plan", "default-plan", "compare", "Exit codes"}) {
        EXPECT_NE(r.out.find(c), std::string::npos) << c;
    }
}

TEST(Cli, EveryCommandHelpDescribesEveryOption) {
    const std::map<std::string, std::vector<std::string>> expected = {
        {"synth",
         {"--out", "--parcels", "--seed", "--scale", "--first-year", "--last-year", "--overwrite"}},
        {"plan", {"input", "--plan", "--out", "--seed", "--crs", "--overwrite"}},
        {"default-plan", {"built-in default plan"}}};
    for (const auto &[cmd, options] : expected) {
        const auto r = run_cli({cmd, "--help"});
        EXPECT_EQ(r.code, 0) << cmd;
        for (const auto &o : options) {
            EXPECT_NE(r.out.find(o), std::string::npos) << cmd << " help lacks " << o << "\n"
                                                        << r.out;
        }
    }
}

TEST(Cli, BinaryHelpAndVersionWork) {
    const auto r = run_process(landalloc_binary() + " plan --help");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("--plan"), std::string::npos);
    const auto v = run_process(landalloc_binary() + " --version");
    EXPECT_EQ(v.code, 0);
    EXPECT_NE(v.out.find("landalloc 0."), std::string::npos) << v.out;
}

TEST(Cli, UnknownOptionIsUsageError) {
    const auto r = run_cli({"plan", "--bogus"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("usage error"), std::string::npos) << r.err;
    EXPECT_EQ(run_cli({}).code, 2);
    EXPECT_EQ(run_cli({"synth", "--out", "x.gpkg", "--parcels", "0"}).code, 2);
}

TEST(Cli, MissingInputIsInputErrorAndWritesNothing) {
    TempDir dir;
    const std::string out = dir.path("plan.gpkg");
    const auto r = run_cli({"plan", dir.path("nope.gpkg"), "--out", out});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("nope.gpkg: file not found"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, BadPlanFileIsPlanFileErrorNamingKeyAndLine) {
    TempDir dir;
    const std::string city = small_city(dir);
    const std::string plan = dir.path("plan.toml");
    write_file(plan, "[plan]\nfirst_year = 2021\nlast_year = 2025\nsead = 3\n");
    const std::string out = dir.path("plan.gpkg");
    const auto r = run_cli({"plan", city, "--plan", plan, "--out", out});
    EXPECT_EQ(r.code, 4);
    EXPECT_NE(r.err.find(plan + ":4: key 'plan.sead': unknown key"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, ExistingOutputIsKeptWithoutOverwrite) {
    TempDir dir;
    const std::string city = small_city(dir);
    const std::string out = dir.path("plan.gpkg");
    write_file(out, "an earlier plan");
    const auto r = run_cli({"plan", city, "--out", out});
    EXPECT_EQ(r.code, 5);
    EXPECT_NE(r.err.find("already exists; pass --overwrite"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(out), "an earlier plan");
    const auto s = run_cli({"synth", "--out", out});
    EXPECT_EQ(s.code, 5);
    EXPECT_EQ(read_file(out), "an earlier plan");
}

TEST(Cli, UnmetBindingTargetExitsSixButWritesThePlan) {
    TempDir dir;
    const std::string city = small_city(dir);
    const std::string plan = dir.path("big.toml");
    write_file(plan, R"([plan]
first_year = 2021
last_year = 2021
[housing_types.commercial]
unit_m2 = 100.0
[[targets]]
type = "commercial"
unit = "ha"
values = [100000.0]
)");
    const std::string out = dir.path("plan.gpkg");
    const auto r = run_cli({"plan", city, "--plan", plan, "--out", out});
    EXPECT_EQ(r.code, 6) << r.err;
    EXPECT_NE(r.err.find("2021 commercial: short by"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(out));
}

TEST(Cli, DefaultPlanPrintsParseableToml) {
    TempDir dir;
    const auto r = run_cli({"default-plan"});
    EXPECT_EQ(r.code, 0);
    const std::string plan = dir.path("default.toml");
    write_file(plan, r.out);
    const std::string city = small_city(dir);
    // The greedy solver: the test is that the printed plan file is taken, not how it solves (the
    // exact solver ran to its 60 s limit on this city, which falls short of the figures).
    const auto p =
        run_cli({"plan", city, "--plan", plan, "--out", dir.path("p.gpkg"), "--solver", "greedy"});
    EXPECT_TRUE(p.code == 0 || p.code == 6) << p.err; // a 300-parcel city may fall short
    EXPECT_EQ(p.err.find("plan file error"), std::string::npos) << p.err;
}

TEST(Cli, UnknownZoneIdsInThePlanAreErrorsNamingThem) {
    TempDir dir;
    const std::string city = small_city(dir);
    const std::string out = dir.path("plan.gpkg");
    const std::string base = run_cli({"default-plan"}).out;
    // [inputs.zone_values] for a zone the layer lacks: an input error naming the id (exit 3).
    const std::string values = dir.path("values.toml");
    write_file(values, base + "\n[inputs.zone_values.NOPE]\npopulation = 5\n");
    auto r = run_cli({"plan", city, "--plan", values, "--out", out});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("[inputs.zone_values.NOPE] names no zone"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    // A target's zones and the key areas: plan-file errors naming the key (exit 4).
    const std::string keys = dir.path("keys.toml");
    write_file(keys, base + "\n[rules.key_areas]\nzones = [\"D01\", \"X9\"]\n");
    r = run_cli({"plan", city, "--plan", keys, "--out", out});
    EXPECT_EQ(r.code, 4) << r.err;
    EXPECT_NE(r.err.find("rules.key_areas.zones': 'X9' is neither a zone id nor a district id"),
              std::string::npos)
        << r.err;
    const std::string target = dir.path("target.toml");
    write_file(target, base + "\n[[targets]]\ntype = \"commercial\"\nzones = [\"Q1\"]\n"
                              "values = [1.0, 1.0, 1.0, 1.0, 1.0]\n");
    r = run_cli({"plan", city, "--plan", target, "--out", out});
    EXPECT_EQ(r.code, 4) << r.err;
    EXPECT_NE(r.err.find("zones': 'Q1' is neither a zone id nor a district id"), std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(out));
}

TEST(PlanScenario, UnknownScenarioIsAPlanFileErrorListingTheNames) {
    TempDir dir;
    const std::string plan = dir.path("plan.toml");
    write_file(plan, "[plan]\nfirst_year = 2021\n[housing_types.c]\n"
                     "[scenarios.low]\nplan.seed = 2\n[scenarios.high]\nplan.seed = 3\n");
    for (const char *command : {"plan", "validate"}) {
        SCOPED_TRACE(command);
        const std::string out = dir.path("plan.gpkg");
        std::vector<std::string> args = {command, dir.path("city.gpkg"), "--plan",
                                         plan,    "--scenario",          "medium"};
        if (std::string(command) == "plan") {
            args.insert(args.end(), {"--out", out});
        }
        const auto r = run_cli(args);
        EXPECT_EQ(r.code, 4) << r.err;
        EXPECT_NE(r.err.find("landalloc " + std::string(command) + ": plan file error: " + plan),
                  std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("no scenario 'medium' (--scenario); defined: high, low"),
                  std::string::npos)
            << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
        EXPECT_FALSE(fs::exists(out));
    }
}

TEST(PlanScenario, ValidateRunsTheScenario) {
    TempDir dir;
    const std::string city = small_city(dir);
    const std::string plan = dir.path("plan.toml");
    // The scenario reads a parcels layer that is not there: validate must see its [inputs].
    write_file(plan, "[plan]\nfirst_year = 2021\n[housing_types.c]\n"
                     "[scenarios.other_parcels]\ninputs.parcels = \"reserve_2\"\n");
    const auto base = run_cli({"validate", city, "--plan", plan});
    EXPECT_EQ(base.code, 0) << base.err;
    const auto r = run_cli({"validate", city, "--plan", plan, "--scenario", "other_parcels"});
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find(", scenario 'other_parcels'"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("reserve_2"), std::string::npos) << r.out;
}

// Issue 17, item 4: an input is never overwritten, however the output names it (the same file by
// device and inode: here a symbolic link), by plan, validate or report.
TEST(Cli, AnOutputThatIsAnInputIsRefusedAndTheInputKept) {
    TempDir dir;
    const std::string city = small_city(dir);
    const std::string alias = dir.path("alias.gpkg");
    fs::create_symlink(city, alias);
    const std::string before = read_file(city);
    auto r = run_cli({"plan", city, "--out", alias, "--overwrite"});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find(alias + ": is the input " + city), std::string::npos) << r.err;
    r = run_cli({"validate", city, "--out", alias, "--overwrite"});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(read_file(city), before);
    // report -o onto the plan it reads.
    const std::string plan = dir.path("plan.gpkg");
    const int planned = run_cli({"plan", city, "--out", plan, "--solver", "greedy"}).code;
    ASSERT_TRUE(planned == 0 || planned == 6) << planned; // a 300-parcel city may fall short
    const std::string plan_bytes = read_file(plan);
    const std::string html_alias = dir.path("plan-alias.html");
    fs::create_symlink(plan, html_alias);
    r = run_cli({"report", plan, "-o", html_alias, "--overwrite"});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(read_file(plan), plan_bytes);
}

// Issue 17, item 9: outputs that cannot be written and values out of their range are refused
// before any work, each with a one-line message.
TEST(Cli, UnwritableOutputsAndNanOrNegativeValuesAreRefusedBeforeAnyWork) {
    TempDir dir;
    const std::string city = small_city(dir);
    const auto refused = [&](const std::vector<std::string> &args, int code,
                             const std::string &says) {
        const auto r = refused_with(args, code, says);
        // One line saying what is wrong (a command-line error adds the line pointing at --help).
        EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
    };
    refused({"plan", city, "--out", ""}, 2, "the output path is empty");
    refused({"plan", city, "--out", dir.path("plan.html")}, 2, "give a file name ending in .gpkg");
    refused({"plan", city, "--out", dir.path("no/such/dir/plan.gpkg")}, 5, "does not exist");
    refused({"synth", "--out", dir.path("no/such/dir/city.gpkg")}, 5, "does not exist");
    refused({"report", dir.path("none.gpkg")}, 3, "file not found");
    refused({"plan", city, "--out", dir.path("p.gpkg"), "--gap", "nan"}, 2, "--gap");
    refused({"plan", city, "--out", dir.path("p.gpkg"), "--time-limit", "nan"}, 2, "--time-limit");
    refused({"plan", city, "--out", dir.path("p.gpkg"), "--seed", "-1"}, 2,
            "--seed: a seed is a whole number from 0, not -1");
    refused({"synth", "--out", dir.path("c.gpkg"), "--seed", "-1"}, 2, "--seed");
    refused({"synth", "--out", dir.path("c.gpkg"), "--first-year", "2147483647", "--last-year",
             "2147483647"},
            2, "--first-year");
    for (const char *f : {"p.gpkg", "p.html", "c.gpkg", "plan.html"}) {
        EXPECT_FALSE(fs::exists(dir.path(f))) << f;
    }
}

// Issue 18: a PostGIS output is checked before any work, and its messages never show the
// password. (The database itself: tests/outputs/postgis_out_check.py.)
TEST(Cli, APostgisOutputIsCheckedBeforeAnyWorkWithoutShowingThePassword) {
    TempDir dir;
    const std::string city = small_city(dir);
    const std::string secret = "S3cretPw";
    const auto refused = [&](const std::vector<std::string> &args, int code,
                             const std::string &says) {
        const auto r = refused_with(args, code, says);
        EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
        EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    };
    refused({"plan", city, "--out", "PG:dbname=plans password=" + secret}, 2,
            "a PostGIS output needs --schema NAME");
    refused({"plan", city, "--out", dir.path("p.gpkg"), "--schema", "s"}, 2,
            "--schema is for a PostGIS output");
    refused({"plan", city, "--out", dir.path("p.gpkg"), "--report", dir.path("r.html")}, 2,
            "--report is for a PostGIS output");
    refused(
        {"plan", city, "--out", "PG:dbname=plans nosuchkey=1 password=" + secret, "--schema", "s"},
        2, "not a PostgreSQL connection string");
    refused({"plan", city, "--out", "PG:dbname=plans", "--schema", std::string(64, 'a')}, 2,
            "PostgreSQL names hold at most 63");
    // No server on that socket: an output error at once, not after the solve.
    refused({"plan", city, "--out",
             "PG:host=" + dir.path("no-server") + " port=1 dbname=plans password=" + secret,
             "--schema", "s"},
            5, "cannot connect");
    for (const char *f : {"p.gpkg", "p.html", "r.html"}) {
        EXPECT_FALSE(fs::exists(dir.path(f))) << f;
    }
}
