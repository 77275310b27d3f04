#pragma once
// The plan's output layers as rows, one function per layer: the fields of the layer's schema
// (schema.hpp; allocated_parcels adds the plan's score parts and indicators) and one feature per
// row with the values rounded as written. write_plan_gpkg writes them; the report reads the ones
// it shows from them, so the report of `landalloc plan` is the report of the GeoPackage.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/city_geometry.hpp"
#include "gis/vector_io.hpp"

namespace landalloc {

gis::LayerData allocated_parcels_layer(const City &city, const gis::CityGeometry &geometry,
                                       const Plan &plan);
gis::LayerData rejected_candidates_layer(const City &city, const gis::CityGeometry &geometry,
                                         const Plan &plan);
gis::LayerData annual_plan_layer(const Plan &plan);
/// The 年度住宅用地供应计划表 (outputs/official_tables.hpp supply_rows).
gis::LayerData supply_plan_layer(const City &city, const Plan &plan);
gis::LayerData rule_checks_layer(const Plan &plan);
/// One ring per station and radius, largest radius first.
gis::LayerData station_catchments_layer(const City &city, const gis::CityGeometry &geometry,
                                        const Plan &plan);
gis::LayerData park_catchments_layer(const City &city, const gis::CityGeometry &geometry,
                                     const Plan &plan);
gis::LayerData zones_layer(const City &city, const gis::CityGeometry &geometry, const Plan &plan);
gis::LayerData constraints_layer(const City &city, const gis::CityGeometry &geometry);
gis::LayerData run_metadata_layer(const Plan &plan);
/// The three-year rolling plan of a re-plan (empty otherwise).
gis::LayerData rolling_plan_layer(const Plan &plan);

/// Every output layer of a plan, built once: write_plan_gpkg writes them and
/// report_data_from_layers reads the report's from the same rows.
struct PlanLayers {
    gis::LayerData allocated_parcels, annual_plan, supply_plan, rule_checks, rejected_candidates,
        station_catchments, park_catchments, zones, constraints, jobs_housing_balance, run_metadata;
    gis::LayerData rolling_plan; // a re-plan's only (no name otherwise)
};
PlanLayers plan_layers(const City &city, const gis::CityGeometry &geometry, const Plan &plan);

} // namespace landalloc
