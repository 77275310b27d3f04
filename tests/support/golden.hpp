#pragma once
// Golden files (tests/golden/): expected outputs kept in the tree, compared line by line, and
// rewritten with LANDALLOC_UPDATE_GOLDEN=1 (then review the diff before committing it).
//
// Text: match_golden() compares a command's stdout, stderr or exit code with one file. Tables:
// match_golden_tables() dumps the locked tables of a plan GeoPackage (annual_plan,
// allocated_parcels' id, year and type, supply_plan, rule_checks) as tab-separated files and
// compares them cell by cell, numbers to 1e-9. A failure names the file and shows the first
// differing line.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace landalloc::test {

/// tests/golden/ in the source tree.
std::filesystem::path golden_dir();

/// True when LANDALLOC_UPDATE_GOLDEN is set: the golden files are written, not compared.
bool update_golden();

/// `text` equals the file's text (or, when updating, is written to it).
::testing::AssertionResult match_golden(const std::filesystem::path &file, const std::string &text);

/// The locked tables of `plan_gpkg` match `dir`/<table>.tsv (or, when updating, are written).
::testing::AssertionResult match_golden_tables(const std::filesystem::path &dir,
                                               const std::string &plan_gpkg);

/// `text` with what varies between runs replaced by fixed tokens: each (from, to) of
/// `literals` in order (e.g. a temporary directory -> "<TMP>"), then durations ("0.156729 s",
/// "12 ms" -> "<T> s", "<T> ms") and dates and times ("2026-12-01", "22:09:18" -> "<DATE>",
/// "<TIME>") and memory ("2310 MiB" -> "<N> MiB").
std::string mask_varying(std::string text,
                         const std::vector<std::pair<std::string, std::string>> &literals);

} // namespace landalloc::test
