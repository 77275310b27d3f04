#include "outputs/plan_output.hpp"

#include "gis/postgis_writer.hpp"
#include "gis/vector_io.hpp"
#include "outputs/plan_layers.hpp"
#include "outputs/schema.hpp"
#include "outputs/styles.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

namespace landalloc {

namespace {

/// Writes one layer as built by plan_layers.hpp, declared as its schema says.
/// Writes a layer of the schema, its field aliases in the plan's language (fields_in).
void add(gis::LayerSink &writer, const LayerSchema &schema, const gis::LayerData &layer,
         Language language) {
    writer.add_layer(layer.name, schema.geometry, layer.crs,
                     fields_in(schema, layer.fields, language), layer.features,
                     std::string(schema.description));
}

/// QGIS default styles of the spatial layers and a project showing them (outputs/styles.hpp).
void add_qgis_styles_and_project(gis::LayerSink &writer, const ProjectSource &data,
                                 const PlanLayers &written, const gis::CityGeometry &loaded,
                                 const Plan &plan) {
    WrittenLayers by_table;
    for (const gis::LayerData *l :
         {&written.allocated_parcels, &written.annual_plan, &written.supply_plan,
          &written.rule_checks, &written.rejected_candidates, &written.station_catchments,
          &written.park_catchments, &written.zones, &written.constraints, &written.rolling_plan}) {
        if (!l->name.empty()) {
            by_table[l->name] = l;
        }
    }
    writer.add_layer_styles(plan_layer_styles(plan, by_table));
    std::optional<gis::Bounds> extent;
    const auto grow = [&](const std::vector<gis::Geometry> &geoms) {
        for (const auto &g : geoms) {
            if (g.is_null() || g.is_empty()) {
                continue;
            }
            const gis::Bounds b = g.bounds();
            if (!extent) {
                extent = b;
            } else {
                extent =
                    gis::Bounds{std::min(extent->min_x, b.min_x), std::min(extent->min_y, b.min_y),
                                std::max(extent->max_x, b.max_x), std::max(extent->max_y, b.max_y)};
            }
        }
    };
    grow(loaded.zone_geoms);
    if (!extent) {
        grow(loaded.parcel_geoms);
    }
    std::string title = tr(plan.language, "landalloc plan", "landalloc 住宅用地供应计划");
    for (const auto &[key, value] : plan.metadata) {
        if (key == "plan_name" && !value.empty()) {
            title += tr(plan.language, ": ", "：") + value;
        }
    }
    for (const auto &[key, value] : plan.metadata) {
        if (key == "scenario" && !value.empty()) {
            title +=
                tr(plan.language, " (scenario ", "（情景 ") + value + tr(plan.language, ")", "）");
        }
    }
    // Titles, groups and abstracts in the plan's language.
    const Language l = plan.language;
    const char *plan_group = tr(l, "plan", "规划");
    const char *diagnostics = tr(l, "diagnostics", "诊断");
    const char *context = tr(l, "context", "背景");
    const char *tables = tr(l, "tables", "表格");
    std::vector<ProjectLayer> layers{
        {k_layer_allocated,
         tr(l, "allocated parcels (by housing type, year)", "供应地块（按住房类型）"), plan_group,
         true,
         tr(l,
            "The parcels the plan supplies: year, housing type, land, floor area and units, and "
            "why each was chosen (reasons).",
            "计划供应的地块：年度、住房类型、用地、建筑面积、套数及选址理由。")},
        {k_layer_rejected, tr(l, "candidates not allocated (by reason)", "未选候选地块（按原因）"),
         diagnostics, false,
         tr(l, "Every candidate parcel the plan does not supply, with the reason.",
            "计划未供应的全部候选地块及其原因。")},
        {k_layer_station_catchments, tr(l, "station catchments", "站点服务范围"), context, true,
         tr(l, "Rings around the transit stations at the plan's radii.",
            "按规划半径绘制的轨道交通站点服务圈。")},
        {k_layer_park_catchments, tr(l, "industrial park catchments", "产业园区服务范围"), context,
         true,
         tr(l, "The area within the plan's distance of each industrial park.",
            "各产业园区规划距离以内的范围。")},
        {k_layer_constraints, tr(l, "constraints", "限制要素"), context, true,
         tr(l, "The constraints as applied: excluded land and plot-ratio caps.",
            "所用的限制要素：禁止建设用地与容积率上限。")},
        {k_layer_zones, tr(l, "zones (jobs / dwellings after the plan)", "片区（规划后职住比）"),
         context, true,
         tr(l,
            "The zones with their jobs, dwellings and jobs per dwelling before and after the "
            "plan.",
            "各片区规划前后的就业岗位、住房和职住比。")},
        {k_layer_supply, tr(l, "年度住宅用地供应计划表 (supply_plan)", "年度住宅用地供应计划表"),
         tables, true,
         tr(l, "Supply by year, district and housing type in 公顷, 万平方米 and 套, with totals.",
            "按年度、区县和住房类型的供应量（公顷、万平方米、套），含合计。"),
         false},
        {k_layer_annual, tr(l, "annual targets (annual_plan)", "年度计划指标"), tables, true,
         tr(l, "Each year's targets against what the plan supplies.",
            "各年度指标与计划供应量对照。"),
         false}};
    // A layer with nothing in it (no park catchment distance, no constraints) opens unchecked.
    for (ProjectLayer &layer : layers) {
        for (const gis::LayerData *d :
             {&written.allocated_parcels, &written.rejected_candidates, &written.station_catchments,
              &written.park_catchments, &written.constraints, &written.zones}) {
            if (d->name == layer.table && d->features.empty()) {
                layer.visible = false;
            }
        }
    }
    writer.add_qgis_project(k_qgis_project_name, k_qgis_project_file,
                            plan_project_qgs(plan, by_table, layers, loaded.crs,
                                             extent.value_or(gis::Bounds{0, 0, 1, 1}), data,
                                             title));
}

/// Every layer, the styles and the project, then commit.
void write_plan(gis::LayerSink &writer, const ProjectSource &data, const PlanLayers &layers,
                const gis::CityGeometry &loaded, const Plan &plan) {
    add(writer, schema::allocated_parcels, layers.allocated_parcels, plan.language);
    add(writer, schema::annual_plan, layers.annual_plan, plan.language);
    add(writer, schema::supply_plan, layers.supply_plan, plan.language);
    add(writer, schema::rule_checks, layers.rule_checks, plan.language);
    add(writer, schema::rejected_candidates, layers.rejected_candidates, plan.language);
    add(writer, schema::station_catchments, layers.station_catchments, plan.language);
    add(writer, schema::park_catchments, layers.park_catchments, plan.language);
    add(writer, schema::zones, layers.zones, plan.language);
    add(writer, schema::constraints, layers.constraints, plan.language);
    add(writer, schema::jobs_housing_balance, layers.jobs_housing_balance, plan.language);
    add(writer, schema::run_metadata, layers.run_metadata, plan.language);
    if (!layers.rolling_plan.name.empty()) {
        add(writer, schema::rolling_plan, layers.rolling_plan, plan.language);
    }
    add_qgis_styles_and_project(writer, data, layers, loaded, plan);
    writer.commit();
}

} // namespace

std::vector<std::string> plan_output_tables() {
    std::vector<std::string> out;
    for (const LayerSchema *s :
         {&schema::allocated_parcels, &schema::annual_plan, &schema::supply_plan,
          &schema::rule_checks, &schema::rejected_candidates, &schema::station_catchments,
          &schema::park_catchments, &schema::zones, &schema::constraints,
          &schema::jobs_housing_balance, &schema::run_metadata, &schema::rolling_plan}) {
        out.emplace_back(s->name);
    }
    return out;
}

gis::PostgisTarget postgis_target(const std::string &connection, const std::string &schema,
                                  bool overwrite) {
    return {connection, schema, plan_output_tables(), k_qgis_project_name, overwrite};
}

void write_plan_gpkg(const std::string &path, gis::OutputSet &outputs, const PlanLayers &layers,
                     const gis::CityGeometry &loaded, const Plan &plan) {
    gis::GpkgWriter writer(path, outputs);
    write_plan(writer, gpkg_project_source(std::filesystem::path(path).filename().string()), layers,
               loaded, plan);
}

void write_plan_postgis(const gis::PostgisTarget &target, const PlanLayers &layers,
                        const gis::CityGeometry &loaded, const Plan &plan) {
    gis::PostgisWriter writer(target);
    const ProjectSource data{"postgres", [&target](const std::string &table, bool spatial) {
                                 return gis::qgis_postgres_source(target, table, spatial);
                             }};
    write_plan(writer, data, layers, loaded, plan);
}

} // namespace landalloc
