// Golden plans: the five example plans, examples/nanjing-real.toml and the demo give the same
// annual_plan, allocated_parcels (id, year, type) and rule_checks as the files under
// tests/golden/plans/. These lock the plans' behaviour across refactors: a change that moves a
// single site shows here. Each also checks that `landalloc report` on the plan's GeoPackage
// renders the report `landalloc plan` wrote from the plan in memory, byte for byte.
//
// To regenerate after a change that is meant to alter plans: LANDALLOC_UPDATE_GOLDEN=1 and run
// this test; then review the diff of tests/golden/plans/ before committing it.

#include "golden.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

using namespace landalloc;
namespace fs = std::filesystem;

namespace {

const fs::path k_golden_dir = test::golden_dir() / "plans";

/// The report `landalloc plan` rendered from the plan in memory (beside `gpkg`) is, byte for
/// byte, the report `landalloc report` renders from the GeoPackage (the two routes of
/// outputs/report.hpp).
void expect_report_command_renders_the_plans_report(const std::string &gpkg) {
    const std::string planned = fs::path(gpkg).replace_extension(".html").string();
    const std::string again = fs::path(gpkg).replace_extension(".again.html").string();
    const auto r = test::run_process(test::landalloc_binary() + " report " + gpkg + " -o " + again);
    ASSERT_EQ(r.code, 0) << r.out;
    const std::string want = test::read_file(planned);
    const std::string got = test::read_file(again);
    EXPECT_FALSE(want.empty()) << planned;
    if (got != want) {
        std::size_t at = 0;
        while (at < got.size() && at < want.size() && got[at] == want[at]) {
            ++at;
        }
        const std::size_t from = at < 80 ? 0 : at - 80;
        ADD_FAILURE() << planned << " (landalloc plan) and " << again
                      << " (landalloc report) differ at byte " << at
                      << "\n  plan:   " << want.substr(from, 160)
                      << "\n  report: " << got.substr(from, 160);
    }
}

std::string example(const std::string &name) {
    return (fs::path(LANDALLOC_SOURCE_DIR) / "examples" / (name + ".toml")).string();
}

class GoldenPlan : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenPlan, SameTablesAsGolden) {
    const std::string name = GetParam();
    if (name == "nanjing-real" &&
        !fs::exists(fs::path(LANDALLOC_SOURCE_DIR) / ".." / "shared" / "data" / "real")) {
        GTEST_SKIP() << "the real Nanjing data (../shared/data/real) is not beside the checkout";
    }
    test::TempDir tmp;
    const std::string out = tmp.path(name + ".gpkg");
    const auto r = test::run_process(test::landalloc_binary() + " plan --plan " + example(name) +
                                     " --out " + out);
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_TRUE(test::match_golden_tables(k_golden_dir / name, out));
    expect_report_command_renders_the_plans_report(out);
}

INSTANTIATE_TEST_SUITE_P(Examples, GoldenPlan,
                         ::testing::Values("lianyungang", "nantong", "jiaxing-port", "wenzhou",
                                           "nanjing", "nanjing-real"),
                         [](const auto &param_info) {
                             std::string n = param_info.param;
                             for (char &c : n) {
                                 if (c == '-') {
                                     c = '_';
                                 }
                             }
                             return n;
                         });

// The demo of scripts/demo: the built-in example city planned with the built-in plan.
TEST(GoldenPlanDemo, SameTablesAsGolden) {
    test::TempDir tmp;
    const std::string city = tmp.path("city.gpkg");
    const std::string out = tmp.path("demo.gpkg");
    const auto s = test::run_process(test::landalloc_binary() + " synth --out " + city);
    ASSERT_EQ(s.code, 0) << s.out;
    const auto r = test::run_process(test::landalloc_binary() + " plan " + city + " --out " + out);
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_TRUE(test::match_golden_tables(k_golden_dir / "demo", out));
    expect_report_command_renders_the_plans_report(out);
}

} // namespace
