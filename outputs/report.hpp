#pragma once
// The planner's report: one self-contained HTML file (inline CSS and SVG, no network) rendered
// from a plan as its GeoPackage holds it: targets vs supplied by year and housing type (bar charts
// and the table), shortfalls with their notes, the zones' jobs/dwellings before and after, the
// solver and status, and a map of the plan. Its ReportData comes either from a plan GeoPackage
// (read_plan_report, `landalloc report`) or from the in-memory plan (report_data_from_layers,
// `landalloc plan`), both through the same layer rows (plan_layers.hpp) and field names
// (schema.hpp), so the two give the same report. report_data.cpp builds ReportData,
// report_html.cpp renders it.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/city_geometry.hpp"
#include "gis/geometry.hpp"
#include "outputs/official_tables.hpp"
#include "outputs/plan_layers.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace landalloc {

struct ReportZone {
    std::string id;
    std::string name;
    std::string zone_class;
    double jobs = 0;
    double dwellings_before = 0;
    double new_units = 0;
    double dwellings_after = 0;
    double ratio_before = 0; // NaN when the GeoPackage holds NULL
    double ratio_after = 0;
    std::string band_before; // "" when the GeoPackage has no band fields
    std::string band_after;
    std::vector<std::vector<gis::Point>> rings;
};

struct ReportParcel {
    std::string type;
    int year = 0;
    std::vector<std::vector<gis::Point>> rings;
};

/// Everything the report shows, as a plan GeoPackage holds it.
struct ReportData {
    std::string source; // the GeoPackage read
    std::vector<AnnualRow> annual;
    std::vector<std::string> annual_causes; // the `cause` field of each row when present
    std::vector<RuleCheck> rules;           // the rule_checks layer (empty when absent)
    std::vector<BalanceRun> balance;        // the jobs_housing_balance layer (empty when absent)
    std::vector<ReportZone> zones;
    std::vector<ReportParcel> parcels;
    std::vector<RollingRow> rolling; // a re-plan's rolling_plan layer (empty otherwise)
    std::vector<SupplyRow> supply;   // the supply_plan layer (empty in a GeoPackage without it)
    std::vector<std::pair<std::string, std::string>> metadata;
    double ratio_min = 0; // the jobs/dwellings band from run_metadata (0 when absent)
    double ratio_max = 0;

    /// The value of a run_metadata key ("" when absent).
    std::string meta(const std::string &key) const;
    /// The language of the report: run_metadata's `language`, en when absent (a GeoPackage from
    /// before the setting).
    Language language() const;
    /// The plan file's names of the housing types, from supply_plan (empty without it).
    std::map<std::string, std::string> type_names() const;
};

/// Reads a plan GeoPackage written by `landalloc plan`. Throws DataError naming the file, layer
/// and field when it is not one.
ReportData read_plan_report(const std::string &gpkg_path);

/// The same data from the plan's layers in memory (plan_layers.hpp), as write_plan_gpkg writes
/// them to `gpkg_path` (values rounded as written): read_plan_report(gpkg_path) gives what this
/// gives.
ReportData report_data_from_layers(const PlanLayers &layers, const std::string &gpkg_path);

/// The report as one HTML document.
std::string render_report_html(const ReportData &data);

/// The report's path beside a GeoPackage: "plan.gpkg" -> "plan.html".
std::string report_path_for(const std::string &gpkg_path);

} // namespace landalloc
