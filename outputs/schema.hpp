#pragma once
// The plan GeoPackage's schema in one table: for each output layer its name, geometry kind,
// description and fields (name, type, meaning), in the order written. The writer
// (plan_layers.cpp) declares the layers from it and every reader (the report, read back from a
// plan GeoPackage) looks fields up through it, so the two cannot drift apart. The meanings are
// those of docs/outputs.md.

#include "core/language.hpp"
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
    /// The field's Chinese name, which QGIS shows in a zh plan (gpkg_data_columns and the default
    /// styles); "" for none.
    std::string_view alias = {};
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

/// A layer's fields as written in `l`: the schema's Chinese aliases in zh; in en only on
/// supply_plan, a Chinese table. A plan's own fields (indicators named from the data's values)
/// keep theirs in either.
std::vector<gis::FieldDef> fields_in(const LayerSchema &schema, std::vector<gis::FieldDef> fields,
                                     Language l);

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
    {"parcel_id", FieldType::string, "the candidate parcel's id in the input parcels layer",
     "地块编号"},
    {"zone_id", FieldType::string, "the zone holding the parcel's interior point", "片区代码"},
    {"zone_name", FieldType::string, "that zone's name", "片区"},
    {"district_id", FieldType::string, "the district (区/县) of that zone (NULL when none)",
     "区县代码"},
    {"year", FieldType::integer, "the year the parcel is supplied", "供应年度"},
    {"housing_type", FieldType::string, "housing type id from the plan file", "住房类型"},
    {"status", FieldType::string,
     "planned; in a re-plan a site of a year before it: supplied or sold_unbuilt", "状态"},
    {"area_ha", FieldType::real, "land area, ha", "用地面积（公顷）"},
    {"plot_ratio", FieldType::real, "plot ratio applied", "容积率"},
    {"floor_area_m2", FieldType::real, "area x plot ratio", "建筑面积（平方米）"},
    {"units", FieldType::real, "the type's floor area / its average unit size", "套数"},
    {"bundled_type", FieldType::string, "rule 9: the type bundled on the site (NULL when none)",
     "配建类型"},
    {"bundled_floor_m2", FieldType::real, "the bundled type's share of the floor area",
     "配建建筑面积（平方米）"},
    {"bundled_units", FieldType::real, "the bundled type's share of the units", "配建套数"},
    {"land_source", FieldType::string, "the input parcel's land source", "土地来源"},
    {"first_year", FieldType::integer, "the input parcel's first available year", "最早可供年度"},
    {"far_cap", FieldType::real, "the input parcel's plot-ratio cap", "容积率上限"},
    {"station_dist_m", FieldType::real, "distance from the interior point to the nearest station",
     "距站点（米）"},
    {"park_dist_m", FieldType::real, "distance to the nearest industrial park (0 inside)",
     "距产业园区（米）"},
    {"in_park", FieldType::integer, "1 when the interior point is inside an industrial park",
     "位于园区内"},
    {"score", FieldType::real, "suitability score in [0, 1] = sum of the score parts",
     "适宜性得分"},
    // per plan: score_<part> (real), then the per-parcel indicators (stations_within_<r>m
    // integer, the rest real)
    {"reasons", FieldType::string, "why the site scored as it did and the rules that applied",
     "选址理由"},
};
inline constexpr LayerSchema allocated_parcels{
    k_layer_allocated, GeomKind::polygon,
    "Parcels allocated by the plan: year, housing type, quantities", k_allocated_fields,
    std::size(k_allocated_fields) - 1};

inline constexpr FieldSchema k_annual_fields[] = {
    {"year", FieldType::integer, "the target's year", "年度"},
    {"housing_type", FieldType::string, "the target's housing type", "住房类型"},
    {"zones", FieldType::string, "the target's zones (NULL for the whole city)", "片区"},
    {"unit", FieldType::string, "ha, m2 or units: the unit of target and supplied", "单位"},
    {"target", FieldType::real, "the figure", "指标"},
    {"tolerance", FieldType::real, "upper allowance: supply may reach target x (1 + tolerance)",
     "上限容差"},
    {"lower_tolerance", FieldType::real,
     "lower allowance of an indicative \"about\" figure (0: met only at the figure)", "下限容差"},
    {"binding", FieldType::integer, "1 for a binding target, 0 for an indicative one", "约束性"},
    {"at_least", FieldType::integer, "1 for an \"at least\" target", "不少于"},
    {"supplied", FieldType::real, "what the plan supplies, in unit", "供应量"},
    {"supplied_ha", FieldType::real, "the supply as land, ha", "供应用地（公顷）"},
    {"supplied_floor_m2", FieldType::real, "the supply as floor area, m2",
     "供应建筑面积（平方米）"},
    {"supplied_units", FieldType::real, "the supply as units", "供应套数"},
    {"parcels", FieldType::integer, "number of parcels supplied", "地块数"},
    {"difference", FieldType::real, "supplied - target, in unit (negative: under the figure)",
     "差额"},
    {"status", FieldType::string,
     "met (target <= supplied <= target x (1 + tolerance); no upper end when at_least), within "
     "tolerance (indicative, within the lower allowance), short or over",
     "完成情况"},
    {"met", FieldType::integer, "1 when status is met", "达标"},
    {"note", FieldType::string, "when not met: the shortfall or excess and its diagnosis", "说明"},
    {"cause", FieldType::string, "when short or over: no_eligible_land, competition or over",
     "原因"},
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
     "rental_share, park_cap, zone_class_share, key_areas, policy or destocking", "规则"},
    {"requirement", FieldType::string, "what the rule asks", "要求"},
    {"year", FieldType::integer, "the year (NULL for a cap over the whole horizon)", "年度"},
    {"unit", FieldType::string, "share for share rules, else ha or m2", "单位"},
    {"sense", FieldType::string, ">= for a minimum, <= for a cap", "方向"},
    {"actual", FieldType::real, "the achieved share or capped quantity", "实际"},
    {"required", FieldType::real, "the minimum share (maximum, cap)", "要求值"},
    {"violation", FieldType::real, "how far the rule is broken; 0 when kept", "偏差"},
    {"violation_unit", FieldType::string, "the unit of violation", "偏差单位"},
    {"binding", FieldType::integer, "1 for a binding rule", "约束性"},
    {"status", FieldType::string, "met, short (a minimum not reached) or over (a cap passed)",
     "完成情况"},
    {"met", FieldType::integer, "1 when the rule is kept", "达标"},
};
inline constexpr LayerSchema rule_checks{
    k_layer_rule_checks, GeomKind::none,
    "Rules of the housing plan: what each requires and what the plan achieves",
    k_rule_check_fields};

inline constexpr FieldSchema k_rejected_fields[] = {
    {"parcel_id", FieldType::string, "the candidate parcel's id", "地块编号"},
    {"zone_id", FieldType::string, "the zone holding its interior point", "片区代码"},
    {"zone_name", FieldType::string, "that zone's name", "片区"},
    {"area_ha", FieldType::real, "land area, ha", "用地面积（公顷）"},
    {"land_source", FieldType::string, "the input parcel's land source", "土地来源"},
    {"first_year", FieldType::integer, "the input parcel's first available year", "最早可供年度"},
    {"reason", FieldType::string, "why it was not allocated (docs/model.md)", "未选原因"},
    {"detail", FieldType::string, "the specifics of the reason", "说明"},
    {"best_type", FieldType::string, "the housing type the parcel scores best for", "最适住房类型"},
    {"best_score", FieldType::real, "that score", "最高得分"},
};
inline constexpr LayerSchema rejected_candidates{k_layer_rejected, GeomKind::polygon,
                                                 "Candidate parcels not allocated, with the reason",
                                                 k_rejected_fields};

inline constexpr FieldSchema k_station_catchment_fields[] = {
    {"station_id", FieldType::string, "the station's id", "站点编号"},
    {"station_name", FieldType::string, "its name", "站点"},
    {"mode", FieldType::string, "its mode", "方式"},
    {"line", FieldType::string, "its line", "线路"},
    {"opening_year", FieldType::integer, "its opening year", "开通年份"},
    {"radius_m", FieldType::real, "the ring's straight-line radius", "半径（米）"},
};
inline constexpr LayerSchema station_catchments{k_layer_station_catchments, GeomKind::polygon,
                                                "Station catchments (straight-line radii)",
                                                k_station_catchment_fields};

inline constexpr FieldSchema k_park_catchment_fields[] = {
    {"park_id", FieldType::string, "the industrial park's id", "园区编号"},
    {"park_name", FieldType::string, "its name", "产业园区"},
    {"level", FieldType::string, "its level", "级别"},
    {"jobs", FieldType::real, "its jobs", "就业岗位"},
    {"distance_m", FieldType::real, "the buffer distance", "距离（米）"},
};
inline constexpr LayerSchema park_catchments{
    k_layer_park_catchments, GeomKind::polygon,
    "Industrial park catchments (park buffered by distance_m)", k_park_catchment_fields};

inline constexpr FieldSchema k_zone_fields[] = {
    {"zone_id", FieldType::string, "the zone's id", "片区代码"},
    {"zone_name", FieldType::string, "its name", "片区"},
    {"district_id", FieldType::string, "the district (区/县) it lies in (NULL when none)",
     "区县代码"},
    {"district_name", FieldType::string, "that district's name", "区县"},
    {"zone_class", FieldType::string, "its class", "片区类型"},
    {"population", FieldType::real, "population before the plan", "人口"},
    {"jobs", FieldType::real, "jobs", "就业岗位"},
    {"dwellings_before", FieldType::real, "dwellings before the plan", "规划前住房（套）"},
    {"new_land_ha", FieldType::real, "land the plan allocates in the zone, ha", "新增用地（公顷）"},
    {"new_units", FieldType::real, "units the plan adds", "新增住房（套）"},
    {"dwellings_after", FieldType::real, "dwellings after the plan", "规划后住房（套）"},
    {"jobs_dwellings_before", FieldType::real, "jobs / dwellings before", "规划前职住比"},
    {"jobs_dwellings_after", FieldType::real, "jobs / dwellings after", "规划后职住比"},
    {"population_after", FieldType::real, "population after the plan", "规划后人口"},
    {"workers_before", FieldType::real, "resident workers before", "规划前就业居民"},
    {"workers_after", FieldType::real, "resident workers after", "规划后就业居民"},
    {"band_before", FieldType::string, "below, within or above the band, before", "规划前职住区间"},
    {"band_after", FieldType::string, "below, within or above the band, after", "规划后职住区间"},
    {"band_min", FieldType::real, "the [jobs_housing] band's lower end", "职住比下限"},
    {"band_max", FieldType::real, "the [jobs_housing] band's upper end", "职住比上限"},
    {"destock_months", FieldType::real, "months of housing inventory (null: unknown)",
     "去化周期（月）"},
    {"destock_band", FieldType::string, "its [rules.destocking] band (null without the rule)",
     "去库存分档"},
    {"sales", FieldType::real, "annual housing sales of the input (null: not given)", "年销售量"},
    {"balance_jobs", FieldType::real,
     "J_z, the jobs D counts: the zone's own and its industrial parks' ([indicators] park_jobs)",
     "计入D的就业岗位"},
};
inline constexpr LayerSchema zones{k_layer_zones, GeomKind::polygon,
                                   "Zones before and after the plan", k_zone_fields};

inline constexpr FieldSchema k_constraint_fields[] = {
    {"constraint_id", FieldType::string, "the constraint's id", "编号"},
    {"kind", FieldType::string, "its kind", "类型"},
    {"source_layer", FieldType::string, "the input layer it came from", "来源图层"},
    {"effect", FieldType::string, "exclude or cap", "作用"},
    {"max_far", FieldType::real, "the plot-ratio ceiling of a cap", "容积率上限"},
};
inline constexpr LayerSchema constraints{k_layer_constraints, GeomKind::polygon,
                                         "Constraints as applied", k_constraint_fields};

inline constexpr FieldSchema k_metadata_fields[] = {
    {"key", FieldType::string, "the metadata key (docs/outputs.md lists them)", "键"},
    {"value", FieldType::string, "its value", "值"},
};
inline constexpr LayerSchema run_metadata{k_layer_metadata, GeomKind::none,
                                          "Run metadata: inputs, plan file, seed, solver, version",
                                          k_metadata_fields};

inline constexpr FieldSchema k_balance_fields[] = {
    {"run", FieldType::string,
     "before, plan, no balance term, balance only, or without rule (docs/indicators.md)", "方案"},
    {"rule", FieldType::string,
     "the rule, policy or zone restriction a without-rule run leaves out", "去掉的规则"},
    {"dissimilarity", FieldType::real, "D = 1/2 sum |J_z/J - W_z/W| after the run's plan",
     "相异指数D"},
    {"excess_commuting", FieldType::real, "(T_obs - T_min) / T_obs", "过剩通勤"},
    {"commute_min_m", FieldType::real, "T_min: mean commute of the optimal assignment, m",
     "最小平均通勤（米）"},
    {"commute_model_m", FieldType::real, "T_obs: mean commute of the gravity assignment, m",
     "模型平均通勤（米）"},
    {"suitability", FieldType::real, "sum of the chosen sites' values under the plan's scoring",
     "适宜性"},
    {"suitability_given_up", FieldType::real,
     "plan row: suitability of the no-balance-term run less the plan's", "放弃的适宜性"},
    {"d_cost", FieldType::real,
     "without-rule runs: D of balance only less D of this run (what the rule costs in D)",
     "D的代价"},
};
inline constexpr LayerSchema jobs_housing_balance{
    k_layer_balance, GeomKind::none,
    "Jobs-housing balance: D and excess commuting of the plan and of the runs that price it",
    k_balance_fields};

inline constexpr FieldSchema k_rolling_fields[] = {
    {"year", FieldType::integer, "a year of the three re-planned years from --from-year", "年度"},
    {"district_id", FieldType::string, "the district (the zone when it has none)", "区县代码"},
    {"district_name", FieldType::string, "its name", "区县"},
    {"housing_type", FieldType::string, "housing type (a bundled share in its own type)",
     "住房类型"},
    {"area_ha", FieldType::real, "land this plan supplies, ha", "用地面积（公顷）"},
    {"units", FieldType::real, "units this plan supplies", "套数"},
    {"parcels", FieldType::integer, "parcels this plan supplies (host type only)", "地块数"},
    {"previous_area_ha", FieldType::real, "land the previous plan supplied, ha",
     "上轮用地（公顷）"},
    {"previous_units", FieldType::real, "units the previous plan supplied (NULL: not given)",
     "上轮套数"},
    {"previous_parcels", FieldType::integer, "parcels the previous plan supplied", "上轮地块数"},
    {"change_ha", FieldType::real, "area_ha - previous_area_ha", "变化（公顷）"},
    {"why", FieldType::string, "what changed and why: actuals, carried figures, inventory",
     "调整原因"},
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
