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

/// Grows `extent` to hold g's bounds (a null or empty g adds nothing).
void grow(std::optional<gis::Bounds> &extent, const gis::Geometry &g) {
    if (g.is_null() || g.is_empty()) {
        return;
    }
    const gis::Bounds b = g.bounds();
    extent = !extent
                 ? b
                 : gis::Bounds{std::min(extent->min_x, b.min_x), std::min(extent->min_y, b.min_y),
                               std::max(extent->max_x, b.max_x), std::max(extent->max_y, b.max_y)};
}

/// The project's title: the plan's name and scenario.
std::string project_title(const Plan &plan) {
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
    return title;
}

/// The project's layers, top of the map first, with titles, groups and abstracts in the plan's
/// language.
std::vector<ProjectLayer> project_layers(Language l) {
    const char *plan_group = tr(l, "plan", "规划");
    const char *diagnostics = tr(l, "diagnostics", "诊断");
    const char *context = tr(l, "context", "背景");
    const char *tables = tr(l, "tables", "表格");
    return {
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
}

} // namespace

PlanWriter::PlanWriter(const std::string &path, gis::OutputSet &outputs)
    : m_sink(std::make_unique<gis::GpkgWriter>(path, outputs)),
      m_data(gpkg_project_source(std::filesystem::path(path).filename().string())) {}

PlanWriter::PlanWriter(const gis::PostgisTarget &target)
    : m_sink(std::make_unique<gis::PostgisWriter>(target)),
      m_data{"postgres", [target](const std::string &table, bool spatial) {
                 return gis::qgis_postgres_source(target, table, spatial);
             }} {}

PlanWriter::~PlanWriter() = default;

/// Writes a layer of the schema, its field aliases in the plan's language (fields_in).
void PlanWriter::add(const LayerSchema &schema, const gis::LayerData &layer, Language language) {
    m_sink->add_layer(layer.name, schema.geometry, layer.crs,
                      fields_in(schema, layer.fields, language), layer.features,
                      std::string(schema.description));
    m_written.insert_or_assign(layer.name, WrittenLayer(layer));
}

void PlanWriter::write_parcel_layers(const gis::LayerData &allocated, const StreamedLayer &rejected,
                                     Language language) {
    // The rejected candidates first, nearly every parcel: GDAL 3.6 builds the R-tree index of the
    // first layer made in a GeoPackage on a thread of its own as the features come, and a later
    // layer's after them on the writing thread. A million rejected candidates took 21.4 s as the
    // first layer and 35.2 s after allocated_parcels (bench/gpkg_layer_order.py).
    constexpr const LayerSchema &R = schema::rejected_candidates;
    WrittenLayer written(rejected.name, rejected.fields);
    m_sink->add_layer(
        rejected.name, R.geometry, rejected.crs, fields_in(R, rejected.fields, language),
        [&]() -> const gis::Feature * {
            const gis::Feature *f = rejected.features();
            if (f != nullptr) {
                written.add(*f);
            }
            return f;
        },
        std::string(R.description));
    m_written.insert_or_assign(rejected.name, std::move(written));
    add(schema::allocated_parcels, allocated, language);
}

void PlanWriter::write_other_layers(const PlanLayers &layers, const gis::CityGeometry &loaded,
                                    const Plan &plan) {
    const Language l = plan.language;
    add(schema::annual_plan, layers.annual_plan, l);
    add(schema::supply_plan, layers.supply_plan, l);
    add(schema::rule_checks, layers.rule_checks, l);
    add(schema::station_catchments, layers.station_catchments, l);
    add(schema::park_catchments, layers.park_catchments, l);
    add(schema::zones, layers.zones, l);
    add(schema::constraints, layers.constraints, l);
    add(schema::jobs_housing_balance, layers.jobs_housing_balance, l);
    add(schema::run_metadata, layers.run_metadata, l);
    if (!layers.rolling_plan.name.empty()) {
        add(schema::rolling_plan, layers.rolling_plan, l);
    }
    // QGIS default styles of the spatial layers and a project showing them (outputs/styles.hpp).
    m_sink->add_layer_styles(plan_layer_styles(plan, m_written));
    std::optional<gis::Bounds> extent;
    for (const gis::Geometry &g : loaded.zone_geoms) {
        grow(extent, g);
    }
    if (!extent) { // no zone: the parcels'
        for (std::size_t i = 0; i < loaded.parcel_count(); ++i) {
            grow(extent, loaded.parcel(i));
        }
    }
    std::vector<ProjectLayer> project = project_layers(l);
    // A layer with nothing in it (no park catchment distance, no constraints) opens unchecked.
    for (ProjectLayer &layer : project) {
        const auto w = m_written.find(layer.table);
        if (w != m_written.end() && w->second.features() == 0 && layer.spatial) {
            layer.visible = false;
        }
    }
    m_sink->add_qgis_project(k_qgis_project_name, k_qgis_project_file,
                             plan_project_qgs(plan, m_written, project, loaded.crs,
                                              extent.value_or(gis::Bounds{0, 0, 1, 1}), m_data,
                                              project_title(plan)));
    m_sink->commit();
}

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

} // namespace landalloc
