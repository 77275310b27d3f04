#include "outputs/plan_output.hpp"

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
void add(gis::GpkgWriter &writer, const LayerSchema &schema, const gis::LayerData &layer) {
    writer.add_layer(layer.name, schema.geometry, layer.crs, layer.fields, layer.features,
                     std::string(schema.description));
}

/// QGIS default styles of the spatial layers and a project showing them (outputs/styles.hpp).
void add_qgis_styles_and_project(gis::GpkgWriter &writer, const std::string &path,
                                 const gis::CityGeometry &loaded, const Plan &plan) {
    writer.add_layer_styles(plan_layer_styles(plan));
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
    std::string title = "landalloc plan";
    for (const auto &[key, value] : plan.metadata) {
        if (key == "plan_name" && !value.empty()) {
            title += ": " + value;
        }
    }
    for (const auto &[key, value] : plan.metadata) {
        if (key == "scenario" && !value.empty()) {
            title += " (scenario " + value + ")";
        }
    }
    writer.add_qgis_project(
        k_qgis_project_name, k_qgis_project_file,
        plan_project_qgs(plan,
                         {{k_layer_allocated, "allocated parcels (by housing type, year)"},
                          {k_layer_station_catchments, "station catchments"},
                          {k_layer_park_catchments, "industrial park catchments"},
                          {k_layer_constraints, "constraints"},
                          {k_layer_rejected, "candidates not allocated"},
                          {k_layer_zones, "zones (jobs / dwellings after the plan)"}},
                         loaded.crs, extent.value_or(gis::Bounds{0, 0, 1, 1}),
                         std::filesystem::path(path).filename().string(), title));
}

} // namespace

void write_plan_gpkg(const std::string &path, gis::OutputSet &outputs, const PlanLayers &layers,
                     const gis::CityGeometry &loaded, const Plan &plan) {
    gis::GpkgWriter writer(path, outputs);
    add(writer, schema::allocated_parcels, layers.allocated_parcels);
    add(writer, schema::annual_plan, layers.annual_plan);
    add(writer, schema::supply_plan, layers.supply_plan);
    add(writer, schema::rule_checks, layers.rule_checks);
    add(writer, schema::rejected_candidates, layers.rejected_candidates);
    add(writer, schema::station_catchments, layers.station_catchments);
    add(writer, schema::park_catchments, layers.park_catchments);
    add(writer, schema::zones, layers.zones);
    add(writer, schema::constraints, layers.constraints);
    add(writer, schema::jobs_housing_balance, layers.jobs_housing_balance);
    add(writer, schema::run_metadata, layers.run_metadata);
    if (!layers.rolling_plan.name.empty()) {
        add(writer, schema::rolling_plan, layers.rolling_plan);
    }
    add_qgis_styles_and_project(writer, path, loaded, plan);
    writer.commit();
}

} // namespace landalloc
