#include "golden.hpp"

#include "ogr_util.hpp"
#include "test_util.hpp"

#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace landalloc::test {

namespace {

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
        {"supply_plan",
         {"year", "district_id", "district", "housing_type", "type_name", "affordable", "area_ha",
          "floor_10k_m2", "units", "parcels", "binding"}},
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

bool same_row(const std::string &got, const std::string &want) {
    const auto g = split(got, '\t');
    const auto w = split(want, '\t');
    if (g.size() != w.size()) {
        return false;
    }
    for (std::size_t j = 0; j < g.size(); ++j) {
        if (!same_cell(g[j], w[j])) {
            return false;
        }
    }
    return true;
}

std::vector<std::string> lines_of(const std::string &text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::string joined(const std::vector<std::string> &lines) {
    std::string text;
    for (const auto &l : lines) {
        text += l + "\n";
    }
    return text;
}

const char *const k_update_hint = "(LANDALLOC_UPDATE_GOLDEN=1 rewrites the golden files; review "
                                  "their diff before committing it)";

/// Writes `text` to `file`, or compares them line by line with `same`: the first differing
/// line is the failure message.
template <class Same>
::testing::AssertionResult compare(const fs::path &file, const std::string &text, Same same) {
    if (update_golden()) {
        fs::create_directories(file.parent_path());
        write_file(file.string(), text);
        return ::testing::AssertionSuccess();
    }
    if (!fs::exists(file)) {
        return ::testing::AssertionFailure() << file.string() << " is missing " << k_update_hint;
    }
    const std::string want_text = read_file(file.string());
    const auto got = lines_of(text);
    const auto want = lines_of(want_text);
    for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
        const bool has_got = i < got.size();
        const bool has_want = i < want.size();
        if (has_got && has_want && same(got[i], want[i])) {
            continue;
        }
        return ::testing::AssertionFailure()
               << file.string() << ":" << i + 1 << ": first difference (got " << got.size()
               << " lines, want " << want.size()
               << ")\n  got:  " << (has_got ? got[i] : "<end of output>")
               << "\n  want: " << (has_want ? want[i] : "<end of file>") << "\n"
               << k_update_hint;
    }
    return ::testing::AssertionSuccess();
}

} // namespace

fs::path golden_dir() { return fs::path(LANDALLOC_SOURCE_DIR) / "tests" / "golden"; }

bool update_golden() { return std::getenv("LANDALLOC_UPDATE_GOLDEN") != nullptr; }

::testing::AssertionResult match_golden(const fs::path &file, const std::string &text) {
    auto result =
        compare(file, text, [](const std::string &g, const std::string &w) { return g == w; });
    if (result && !update_golden() && text != read_file(file.string())) {
        return ::testing::AssertionFailure()
               << file.string() << ": same lines, but differs in the final newline";
    }
    return result;
}

::testing::AssertionResult match_golden_tables(const fs::path &dir, const std::string &plan_gpkg) {
    auto ds = open_vector(plan_gpkg);
    for (const auto &spec : locked_tables()) {
        const auto result =
            compare(dir / (std::string(spec.layer) + ".tsv"), joined(dump(*ds, spec)), same_row);
        if (!result) {
            return result; // the first difference is enough to read; the rest follow from it
        }
    }
    return ::testing::AssertionSuccess();
}

std::string mask_varying(std::string text,
                         const std::vector<std::pair<std::string, std::string>> &literals) {
    for (const auto &[from, to] : literals) {
        if (from.empty()) {
            continue;
        }
        for (auto at = text.find(from); at != std::string::npos;
             at = text.find(from, at + to.size())) {
            text.replace(at, from.size(), to);
        }
    }
    static const std::regex duration(R"(\b[0-9]+(\.[0-9]+)? ?(s|ms|us)\b)");
    static const std::regex date(R"(\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b)");
    static const std::regex time(R"(\b[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?\b)");
    static const std::regex memory(R"(\b[0-9]+ MiB\b)");
    text = std::regex_replace(text, duration, "<T> $2");
    text = std::regex_replace(text, date, "<DATE>");
    text = std::regex_replace(text, time, "<TIME>");
    text = std::regex_replace(text, memory, "<N> MiB");
    return text;
}

} // namespace landalloc::test
