// Golden plans: the five example plans, examples/nanjing-real.toml and the demo give the same
// annual_plan, allocated_parcels (id, year, type) and rule_checks as the files under
// tests/golden/plans/. These lock the plans' behaviour across refactors: a change that moves a
// single site shows here. Each also checks that `landalloc report` on the plan's GeoPackage
// renders the report `landalloc plan` wrote from the plan in memory, byte for byte.
//
// To regenerate after a change that is meant to alter plans: LANDALLOC_UPDATE_GOLDEN=1 and run
// this test; then review the diff of tests/golden/plans/ before committing it.

#include "ogr_util.hpp"
#include "test_util.hpp"

#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using namespace landalloc;
namespace fs = std::filesystem;

namespace {

const fs::path k_golden_dir = fs::path(LANDALLOC_SOURCE_DIR) / "tests" / "golden" / "plans";

/// The tables and columns that are locked, in this order.
struct TableSpec {
    const char *layer;
    std::vector<const char *> columns;
};

const std::vector<TableSpec> &locked_tables() {
    static const std::vector<TableSpec> tables = {
        {"annual_plan",
         {"year", "housing_type", "zones", "unit", "target", "tolerance", "binding", "at_least",
          "supplied", "supplied_ha", "supplied_floor_m2", "supplied_units", "parcels", "met",
          "note", "cause"}},
        {"allocated_parcels", {"parcel_id", "year", "housing_type"}},
        {"rule_checks",
         {"rule", "requirement", "year", "unit", "actual", "required", "violation",
          "violation_unit", "binding", "met"}},
    };
    return tables;
}

std::string cell(OGRFeature &f, const char *column) {
    const int i = f.GetFieldIndex(column);
    if (i < 0) {
        throw std::runtime_error(std::string("no field ") + column);
    }
    if (!f.IsFieldSetAndNotNull(i)) {
        return "";
    }
    const OGRFieldType t = f.GetFieldDefnRef(i)->GetType();
    if (t == OFTReal) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", f.GetFieldAsDouble(i));
        return buf;
    }
    std::string s = f.GetFieldAsString(i);
    for (char &c : s) {
        if (c == '\t' || c == '\n') {
            c = ' ';
        }
    }
    return s;
}

/// A table as tab-separated lines: the header, then one line per feature in FID order.
std::vector<std::string> dump(GDALDataset &ds, const TableSpec &spec) {
    OGRLayer *layer = ds.GetLayerByName(spec.layer);
    if (!layer) {
        throw std::runtime_error(std::string("no layer ") + spec.layer);
    }
    std::vector<std::string> lines;
    std::string header;
    for (const char *c : spec.columns) {
        header += (header.empty() ? "" : "\t") + std::string(c);
    }
    lines.push_back(header);
    for (auto &&f : *layer) {
        std::string line;
        bool first = true;
        for (const char *c : spec.columns) {
            line += (first ? "" : "\t") + cell(*f, c);
            first = false;
        }
        lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    return parts;
}

/// Two cells agree when equal, or when both are numbers within 1e-9 (relative, or absolute near
/// zero): refactors may reorder a floating-point sum, but no site, count or status may change.
bool same_cell(const std::string &a, const std::string &b) {
    if (a == b) {
        return true;
    }
    char *ea = nullptr;
    char *eb = nullptr;
    const double x = std::strtod(a.c_str(), &ea);
    const double y = std::strtod(b.c_str(), &eb);
    if (a.empty() || b.empty() || *ea != '\0' || *eb != '\0') {
        return false;
    }
    return std::fabs(x - y) <= 1e-9 * std::max({1.0, std::fabs(x), std::fabs(y)});
}

std::vector<std::string> read_lines(const fs::path &p) {
    std::vector<std::string> lines;
    std::istringstream in(test::read_file(p.string()));
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

void check_against_golden(const std::string &name, const std::string &plan_gpkg) {
    auto ds = test::open_vector(plan_gpkg);
    const bool update = std::getenv("LANDALLOC_UPDATE_GOLDEN") != nullptr;
    for (const auto &spec : locked_tables()) {
        const auto got = dump(*ds, spec);
        const fs::path file = k_golden_dir / name / (std::string(spec.layer) + ".tsv");
        if (update) {
            fs::create_directories(file.parent_path());
            std::string text;
            for (const auto &l : got) {
                text += l + "\n";
            }
            test::write_file(file.string(), text);
            continue;
        }
        ASSERT_TRUE(fs::exists(file)) << file << " is missing (LANDALLOC_UPDATE_GOLDEN=1 makes it)";
        const auto want = read_lines(file);
        ASSERT_EQ(got.size(), want.size()) << name << " " << spec.layer << ": row count differs";
        for (std::size_t i = 0; i < got.size(); ++i) {
            const auto g = split(got[i], '\t');
            const auto w = split(want[i], '\t');
            bool same = g.size() == w.size();
            for (std::size_t j = 0; same && j < g.size(); ++j) {
                same = same_cell(g[j], w[j]);
            }
            EXPECT_TRUE(same) << name << " " << spec.layer << " row " << i << "\n  got:  " << got[i]
                              << "\n  want: " << want[i];
            if (!same) {
                return; // the first difference is enough to read; the rest follow from it
            }
        }
    }
}

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
    check_against_golden(name, out);
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
    check_against_golden("demo", out);
    expect_report_command_renders_the_plans_report(out);
}

} // namespace
