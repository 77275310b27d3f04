#pragma once
// The plan GeoPackage's schema in one table: for each output layer its name, geometry kind,
// description and fields (name, type, meaning), in the order written. The writer
// (plan_layers.cpp) declares the layers from it and every reader (the report, read back from a
// plan GeoPackage) looks fields up through it, so the two cannot drift apart. The meanings are
// those of docs/outputs.md.

#include "gis/vector_io.hpp"

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace landalloc {

/// Layer names of the output GeoPackage (documented in docs/outputs.md).
inline constexpr const char *k_layer_allocated = "allocated_parcels";
inline constexpr const char *k_layer_annual = "annual_plan";
inline constexpr const char *k_layer_rule_checks = "rule_checks";
inline constexpr const char *k_layer_metadata = "run_metadata";
inline constexpr const char *k_layer_balance = "jobs_housing_balance";
inline constexpr const char *k_layer_zones = "zones";
inline constexpr const char *k_layer_constraints = "constraints";
inline constexpr const char *k_layer_rejected = "rejected_candidates";
inline constexpr const char *k_layer_station_catchments = "station_catchments";
inline constexpr const char *k_layer_park_catchments = "park_catchments";
inline constexpr const char *k_layer_rolling = "rolling_plan";
inline constexpr const char *k_layer_supply = "supply_plan";

struct FieldSchema {
    std::string_view name;
    gis::FieldType type = gis::FieldType::string;
    std::string_view meaning;
    std::string_view alias = {}; // the name QGIS shows (gpkg_data_columns); "" for none
};

struct LayerSchema {
    std::string_view name;
    gis::GeomKind geometry = gis::GeomKind::none;
    std::string_view description; // the layer's description in gpkg_contents
    std::span<const FieldSchema> fields;
    /// Where the plan's own fields go (allocated_parcels: one per score part and per-parcel
    /// indicator, which depend on the plan file): before fields[per_plan_at].
    std::size_t per_plan_at = static_cast<std::size_t>(-1);

    /// The field `name`; used in a constant expression, a name the layer lacks does not compile.
    constexpr const FieldSchema &field(std::string_view field_name) const {
        for (const auto &f : fields) {
            if (f.name == field_name) {
                return f;
            }
        }
        throw std::logic_error("no such field in the plan GeoPackage's schema");
    }

    /// The fields to declare, with the plan's own `per_plan` fields at per_plan_at.
    std::vector<gis::FieldDef> field_defs(const std::vector<gis::FieldDef> &per_plan = {}) const;
};

/// A field of a layer of the schema, checked at compile time: `FieldName{schema::zones, "jobs"}`
/// does not compile when the schema has no such field. Readers look fields up with it.
struct FieldName {
    std::string_view layer;
    std::string_view name;
    consteval FieldName(const LayerSchema &l, std::string_view field_name)
        : layer(l.name), name(l.field(field_name).name) {}
};

namespace schema {

using gis::FieldType;
using gis::GeomKind;

inline constexpr FieldSchema k_allocated_fields[] = {
    {"parcel_id", FieldType::string, "the candidate parcel's id in the input parcels layer"},
    {"zone_id", FieldType::string, "the zone holding the parcel's interior point"},
    {"zone_name", FieldType::string, "that zone's name"},
    {"district_id", FieldType::string, "the district (区/县) of that zone (NULL when none)"},
    {"year", FieldType::integer, "the year the parcel is supplied"},
    {"housing_type", FieldType::string, "housing type id from the plan file"},
    {"status", FieldType::string,
     "planned; in a re-plan a site of a year before it: supplied or sold_unbuilt"},
    {"area_ha", FieldType::real, "land area, ha"},
    {"plot_ratio", FieldType::real, "plot ratio applied"},
    {"floor_area_m2", FieldType::real, "area x plot ratio"},
    {"units", FieldType::real, "the type's floor area / its average unit size"},
    {"bundled_type", FieldType::string, "rule 9: the type bundled on the site (NULL when none)"},
    {"bundled_floor_m2", FieldType::real, "the bundled type's share of the floor area"},
    {"bundled_units", FieldType::real, "the bundled type's share of the units"},
    {"land_source", FieldType::string, "the input parcel's land source"},
    {"first_year", FieldType::integer, "the input parcel's first available year"},
    {"far_cap", FieldType::real, "the input parcel's plot-ratio cap"},
    {"station_dist_m", FieldType::real, "distance from the interior point to the nearest station"},
    {"park_dist_m", FieldType::real, "distance to the nearest industrial park (0 inside)"},
    {"in_park", FieldType::integer, "1 when the interior point is inside an industrial park"},
    {"score", FieldType::real, "suitability score in [0, 1] = sum of the score parts"},
    // per plan: score_<part> (real), then the per-parcel indicators (stations_within_<r>m
    // integer, the rest real)
    {"reasons", FieldType::string, "why the site scored as it did and the rules that applied"},
};
inline constexpr LayerSchema allocated_parcels{
    k_layer_allocated, GeomKind::polygon,
    "Parcels allocated by the plan: year, housing type, quantities", k_allocated_fields,
    std::size(k_allocated_fields) - 1};

inline constexpr FieldSchema k_annual_fields[] = {
    {"year", FieldType::integer, "the target's year"},
    {"housing_type", FieldType::string, "the target's housing type"},
    {"zones", FieldType::string, "the target's zones (NULL for the whole city)"},
    {"unit", FieldType::string, "ha, m2 or units: the unit of target and supplied"},
    {"target", FieldType::real, "the figure"},
    {"tolerance", FieldType::real, "upper allowance: supply may reach target x (1 + tolerance)"},
    {"lower_tolerance", FieldType::real,
     "lower allowance of an indicative \"about\" figure (0: met only at the figure)"},
    {"binding", FieldType::integer, "1 for a binding target, 0 for an indicative one"},
    {"at_least", FieldType::integer, "1 for an \"at least\" target"},
    {"supplied", FieldType::real, "what the plan supplies, in unit"},
    {"supplied_ha", FieldType::real, "the supply as land, ha"},
    {"supplied_floor_m2", FieldType::real, "the supply as floor area, m2"},
    {"supplied_units", FieldType::real, "the supply as units"},
    {"parcels", FieldType::integer, "number of parcels supplied"},
    {"difference", FieldType::real, "supplied - target, in unit (negative: under the figure)"},
    {"status", FieldType::string,
     "met (target <= supplied <= target x (1 + tolerance); no upper end when at_least), within "
     "tolerance (indicative, within the lower allowance), short or over"},
    {"met", FieldType::integer, "1 when status is met"},
    {"note", FieldType::string, "when not met: the shortfall or excess and its diagnosis"},
    {"cause", FieldType::string, "when short or over: no_eligible_land, competition or over"},
};
inline constexpr LayerSchema annual_plan{k_layer_annual, GeomKind::none,
                                         "Annual plan: target vs supplied by year and housing type",
                                         k_annual_fields};

inline constexpr FieldSchema k_supply_fields[] = {
    {"year", FieldType::integer, "the year (NULL: the whole horizon, 合计)", "年度"},
    {"district_id", FieldType::string,
     "the district (区/县) the parcels' zones lie in, else the zone itself (NULL: all, 合计)",
     "区县代码"},
    {"district", FieldType::string, "its name (合计 for all)", "区县"},
    {"housing_type", FieldType::string, "housing type id from the plan file (NULL: all types)",
     "住房类型代码"},
    {"type_name", FieldType::string, "the type's name_zh from the plan file, else its id (合计)",
     "住房类型"},
    {"affordable", FieldType::integer,
     "1 for a 保障性住房 type (affordable = true in the plan file)", "保障性住房"},
    {"area_ha", FieldType::real, "land supplied, ha (公顷); a bundled share counts in its own type",
     "用地面积（公顷）"},
    {"floor_10k_m2", FieldType::real, "floor area supplied, 10,000 m2 (万平方米)",
     "建筑面积（万平方米）"},
    {"units", FieldType::integer,
     "units supplied (套), rounded per year, district and type; a total is the sum of its rows",
     "套数（套）"},
    {"parcels", FieldType::integer, "parcels supplied (a site counts once, in its host type)",
     "地块数"},
    {"binding", FieldType::integer,
     "1 when a binding target of the plan covers this type (or any type, on a 合计 row) in this "
     "year (any year, on a horizon row)",
     "约束性指标"},
};
/// The 年度住宅用地供应计划表 in long form: every year x district x type, with their totals.
inline constexpr LayerSchema supply_plan{
    k_layer_supply, GeomKind::none,
    "年度住宅用地供应计划表: supply by year, district and housing type in ha, 10,000 m2 and units, "
    "with totals (NULL year, district or type)",
    k_supply_fields};

inline constexpr FieldSchema k_rule_check_fields[] = {
    {"rule", FieldType::string,
     "rental_share, park_cap, zone_class_share, key_areas, policy or destocking"},
    {"requirement", FieldType::string, "what the rule asks"},
    {"year", FieldType::integer, "the year (NULL for a cap over the whole horizon)"},
    {"unit", FieldType::string, "share for share rules, else ha or m2"},
    {"sense", FieldType::string, ">= for a minimum, <= for a cap"},
    {"actual", FieldType::real, "the achieved share or capped quantity"},
    {"required", FieldType::real, "the minimum share (maximum, cap)"},
    {"violation", FieldType::real, "how far the rule is broken; 0 when kept"},
    {"violation_unit", FieldType::string, "the unit of violation"},
    {"binding", FieldType::integer, "1 for a binding rule"},
    {"status", FieldType::string, "met, short (a minimum not reached) or over (a cap passed)"},
    {"met", FieldType::integer, "1 when the rule is kept"},
};
inline constexpr LayerSchema rule_checks{
    k_layer_rule_checks, GeomKind::none,
    "Rules of the housing plan: what each requires and what the plan achieves",
    k_rule_check_fields};

inline constexpr FieldSchema k_rejected_fields[] = {
    {"parcel_id", FieldType::string, "the candidate parcel's id"},
    {"zone_id", FieldType::string, "the zone holding its interior point"},
    {"zone_name", FieldType::string, "that zone's name"},
    {"area_ha", FieldType::real, "land area, ha"},
    {"land_source", FieldType::string, "the input parcel's land source"},
    {"first_year", FieldType::integer, "the input parcel's first available year"},
    {"reason", FieldType::string, "why it was not allocated (docs/model.md)"},
    {"detail", FieldType::string, "the specifics of the reason"},
    {"best_type", FieldType::string, "the housing type the parcel scores best for"},
    {"best_score", FieldType::real, "that score"},
};
inline constexpr LayerSchema rejected_candidates{k_layer_rejected, GeomKind::polygon,
                                                 "Candidate parcels not allocated, with the reason",
                                                 k_rejected_fields};

inline constexpr FieldSchema k_station_catchment_fields[] = {
    {"station_id", FieldType::string, "the station's id"},
    {"station_name", FieldType::string, "its name"},
    {"mode", FieldType::string, "its mode"},
    {"line", FieldType::string, "its line"},
    {"opening_year", FieldType::integer, "its opening year"},
    {"radius_m", FieldType::real, "the ring's straight-line radius"},
};
inline constexpr LayerSchema station_catchments{k_layer_station_catchments, GeomKind::polygon,
                                                "Station catchments (straight-line radii)",
                                                k_station_catchment_fields};

inline constexpr FieldSchema k_park_catchment_fields[] = {
    {"park_id", FieldType::string, "the industrial park's id"},
    {"park_name", FieldType::string, "its name"},
    {"level", FieldType::string, "its level"},
    {"jobs", FieldType::real, "its jobs"},
    {"distance_m", FieldType::real, "the buffer distance"},
};
inline constexpr LayerSchema park_catchments{
    k_layer_park_catchments, GeomKind::polygon,
    "Industrial park catchments (park buffered by distance_m)", k_park_catchment_fields};

inline constexpr FieldSchema k_zone_fields[] = {
    {"zone_id", FieldType::string, "the zone's id"},
    {"zone_name", FieldType::string, "its name"},
    {"district_id", FieldType::string, "the district (区/县) it lies in (NULL when none)"},
    {"district_name", FieldType::string, "that district's name"},
    {"zone_class", FieldType::string, "its class"},
    {"population", FieldType::real, "population before the plan"},
    {"jobs", FieldType::real, "jobs"},
    {"dwellings_before", FieldType::real, "dwellings before the plan"},
    {"new_land_ha", FieldType::real, "land the plan allocates in the zone, ha"},
    {"new_units", FieldType::real, "units the plan adds"},
    {"dwellings_after", FieldType::real, "dwellings after the plan"},
    {"jobs_dwellings_before", FieldType::real, "jobs / dwellings before"},
    {"jobs_dwellings_after", FieldType::real, "jobs / dwellings after"},
    {"population_after", FieldType::real, "population after the plan"},
    {"workers_before", FieldType::real, "resident workers before"},
    {"workers_after", FieldType::real, "resident workers after"},
    {"band_before", FieldType::string, "below, within or above the band, before"},
    {"band_after", FieldType::string, "below, within or above the band, after"},
    {"band_min", FieldType::real, "the [jobs_housing] band's lower end"},
    {"band_max", FieldType::real, "the [jobs_housing] band's upper end"},
    {"destock_months", FieldType::real, "months of housing inventory (null: unknown)"},
    {"destock_band", FieldType::string, "its [rules.destocking] band (null without the rule)"},
    {"sales", FieldType::real, "annual housing sales of the input (null: not given)"},
    {"balance_jobs", FieldType::real,
     "J_z, the jobs D counts: the zone's own and its industrial parks' ([indicators] park_jobs)"},
};
inline constexpr LayerSchema zones{k_layer_zones, GeomKind::polygon,
                                   "Zones before and after the plan", k_zone_fields};

inline constexpr FieldSchema k_constraint_fields[] = {
    {"constraint_id", FieldType::string, "the constraint's id"},
    {"kind", FieldType::string, "its kind"},
    {"source_layer", FieldType::string, "the input layer it came from"},
    {"effect", FieldType::string, "exclude or cap"},
    {"max_far", FieldType::real, "the plot-ratio ceiling of a cap"},
};
inline constexpr LayerSchema constraints{k_layer_constraints, GeomKind::polygon,
                                         "Constraints as applied", k_constraint_fields};

inline constexpr FieldSchema k_metadata_fields[] = {
    {"key", FieldType::string, "the metadata key (docs/outputs.md lists them)"},
    {"value", FieldType::string, "its value"},
};
inline constexpr LayerSchema run_metadata{k_layer_metadata, GeomKind::none,
                                          "Run metadata: inputs, plan file, seed, solver, version",
                                          k_metadata_fields};

inline constexpr FieldSchema k_balance_fields[] = {
    {"run", FieldType::string,
     "before, plan, no balance term, balance only, or without rule (docs/indicators.md)"},
    {"rule", FieldType::string,
     "the rule, policy or zone restriction a without-rule run leaves out"},
    {"dissimilarity", FieldType::real, "D = 1/2 sum |J_z/J - W_z/W| after the run's plan"},
    {"excess_commuting", FieldType::real, "(T_obs - T_min) / T_obs"},
    {"commute_min_m", FieldType::real, "T_min: mean commute of the optimal assignment, m"},
    {"commute_model_m", FieldType::real, "T_obs: mean commute of the gravity assignment, m"},
    {"suitability", FieldType::real, "sum of the chosen sites' values under the plan's scoring"},
    {"suitability_given_up", FieldType::real,
     "plan row: suitability of the no-balance-term run less the plan's"},
    {"d_cost", FieldType::real,
     "without-rule runs: D of balance only less D of this run (what the rule costs in D)"},
};
inline constexpr LayerSchema jobs_housing_balance{
    k_layer_balance, GeomKind::none,
    "Jobs-housing balance: D and excess commuting of the plan and of the runs that price it",
    k_balance_fields};

inline constexpr FieldSchema k_rolling_fields[] = {
    {"year", FieldType::integer, "a year of the three re-planned years from --from-year"},
    {"district_id", FieldType::string, "the district (the zone when it has none)"},
    {"district_name", FieldType::string, "its name"},
    {"housing_type", FieldType::string, "housing type (a bundled share in its own type)"},
    {"area_ha", FieldType::real, "land this plan supplies, ha"},
    {"units", FieldType::real, "units this plan supplies"},
    {"parcels", FieldType::integer, "parcels this plan supplies (host type only)"},
    {"previous_area_ha", FieldType::real, "land the previous plan supplied, ha"},
    {"previous_units", FieldType::real, "units the previous plan supplied (NULL: not given)"},
    {"previous_parcels", FieldType::integer, "parcels the previous plan supplied"},
    {"change_ha", FieldType::real, "area_ha - previous_area_ha"},
    {"why", FieldType::string, "what changed and why: actuals, carried figures, inventory"},
};
/// Written by a re-plan only (landalloc plan --from-year).
inline constexpr LayerSchema rolling_plan{
    k_layer_rolling, GeomKind::none,
    "Three-year rolling plan: the re-planned years by district and type against the previous plan",
    k_rolling_fields};

/// Every layer, in the order the plan GeoPackage is written (a re-plan adds rolling_plan).
inline constexpr const LayerSchema *k_layers[] = {
    &allocated_parcels,   &annual_plan,          &supply_plan,     &rule_checks,
    &rejected_candidates, &station_catchments,   &park_catchments, &zones,
    &constraints,         &jobs_housing_balance, &run_metadata};

} // namespace schema

} // namespace landalloc
