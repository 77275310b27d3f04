#pragma once
// The tables a bureau files and exchanges, in Chinese: the 年度住宅用地供应计划表 (supply by year,
// district and housing type in 公顷, 万平方米 and 套, with subtotals and the horizon's totals,
// the types under a binding target marked), the 保障性住房 table by district (the plan file's
// affordable types), and the year's targets (年度计划指标) against what the plan supplies.
//
// supply_rows() builds the first from the plan's allocations: the full cube of year x district x
// type with its totals, each total the sum of its rounded rows so that every printed table adds
// up. plan_layers.hpp writes it as the `supply_plan` layer; the CSV files, the workbook and the
// report are rendered from that layer's rows (read_supply_rows), so all of them say the same.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/vector_io.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace landalloc {

/// One row of the 年度住宅用地供应计划表 (the `supply_plan` layer).
struct SupplyRow {
    int year = 0;            // 0: the whole horizon (合计)
    std::string district_id; // "": all districts (合计)
    std::string district;    // its name; "合计"
    std::string type;        // housing type id; "": all types (合计)
    std::string type_name;   // name_zh, else the id; "合计"
    bool affordable = false; // a 保障性住房 type
    double area_ha = 0;
    double floor_10k_m2 = 0; // 万平方米
    std::int64_t units = 0;  // 套
    std::int64_t parcels = 0;
    bool binding = false; // a binding target covers the type (any type on a 合计 row) that year
};

/// The label of the totals ("合计").
inline constexpr const char *k_total_label = "合计";

/// Every year (then the horizon) x district (in the zones' order; then all) x type (in the plan
/// file's order; then all). Details are rounded (area 4 decimals, floor area 4, units to 1);
/// every total is the sum of its rounded details. A site with a bundled share (rule 9) counts
/// the share's land, floor area and units in the bundled type, and the site once, in its host.
std::vector<SupplyRow> supply_rows(const City &city, const Plan &plan);

/// The rows of a `supply_plan` layer (built in memory, or read back from a plan GeoPackage).
std::vector<SupplyRow> read_supply_rows(const gis::LayerData &layer);

/// The supply table as CSV in long form with Chinese headers: UTF-8 with a byte-order mark and
/// CRLF line ends (RFC 4180), so that Excel and WPS open the Chinese text as it is.
std::string supply_plan_csv(const std::vector<SupplyRow> &rows);

/// The annual targets against what the plan supplies (年度计划指标), as CSV like the above.
std::string targets_csv(const std::vector<AnnualRow> &annual, const std::vector<SupplyRow> &rows);

/// Writes the workbook (.xlsx, libxlsxwriter) to `path`: sheets 年度住宅用地供应计划表,
/// 保障性住房 and 年度计划指标, and for a re-plan 三年滚动计划 (`rolling`, the rolling_plan
/// layer's rows), laid out for A4 landscape. `title` heads each sheet (the plan's name). Throws
/// OutputError when the file cannot be written.
void write_tables_workbook(const std::string &path, const std::string &title,
                           const std::vector<SupplyRow> &rows, const std::vector<AnnualRow> &annual,
                           const std::vector<RollingRow> &rolling = {});

/// The names of the workbook's sheets, in order (with the rolling plan's for a re-plan).
std::vector<std::string> tables_workbook_sheets(bool rolling = false);

/// The files beside a plan GeoPackage "plan.gpkg": "plan.supply_plan.csv", "plan.targets.csv"
/// and "plan.tables.xlsx" (ASCII names, safe on any file system and in any archive).
std::string supply_csv_path_for(const std::string &gpkg_path);
std::string targets_csv_path_for(const std::string &gpkg_path);
std::string workbook_path_for(const std::string &gpkg_path);

} // namespace landalloc
