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
                                 const PlanLayers &written, const gis::CityGeometry &loaded,
                                 const Plan &plan) {
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
    std::vector<ProjectLayer> layers{
        {k_layer_allocated, "allocated parcels (by housing type, year)", "plan", true,
         "The parcels the plan supplies: year, housing type, land, floor area "
         "and units, and why each was chosen (reasons)."},
        {k_layer_rejected, "candidates not allocated (by reason)", "diagnostics", false,
         "Every candidate parcel the plan does not supply, with the reason."},
        {k_layer_station_catchments, "station catchments", "context", true,
         "Rings around the transit stations at the plan's radii."},
        {k_layer_park_catchments, "industrial park catchments", "context", true,
         "The area within the plan's distance of each industrial park."},
        {k_layer_constraints, "constraints", "context", true,
         "The constraints as applied: excluded land and plot-ratio caps."},
        {k_layer_zones, "zones (jobs / dwellings after the plan)", "context", true,
         "The zones with their jobs, dwellings and jobs per dwelling before and "
         "after the plan."},
        {k_layer_supply, "年度住宅用地供应计划表 (supply_plan)", "tables", true,
         "Supply by year, district and housing type in 公顷, 万平方米 and 套, "
         "with totals.",
         false},
        {k_layer_annual, "annual targets (annual_plan)", "tables", true,
         "Each year's targets against what the plan supplies.", false}};
    // A layer with nothing in it (no park catchment distance, no constraints) opens unchecked.
    for (ProjectLayer &l : layers) {
        for (const gis::LayerData *d :
             {&written.allocated_parcels, &written.rejected_candidates, &written.station_catchments,
              &written.park_catchments, &written.constraints, &written.zones}) {
            if (d->name == l.table && d->features.empty()) {
                l.visible = false;
            }
        }
    }
    writer.add_qgis_project(
        k_qgis_project_name, k_qgis_project_file,
        plan_project_qgs(plan, layers, loaded.crs, extent.value_or(gis::Bounds{0, 0, 1, 1}),
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
    add_qgis_styles_and_project(writer, path, layers, loaded, plan);
    writer.commit();
}

} // namespace landalloc
