#pragma once
// The plan's output layers as rows, one function per layer: the fields of the layer's schema
// (schema.hpp; allocated_parcels adds the plan's score parts and indicators) and one feature per
// row with the values rounded as written. PlanWriter (plan_output.hpp) writes them; the report
// reads the ones it shows from them, so the report of `landalloc plan` is the report of the
// GeoPackage. rejected_candidates, a feature for nearly every candidate parcel, is made feature
// by feature as it is written, and never held whole.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/city_geometry.hpp"
#include "gis/vector_io.hpp"

#include <optional>
#include <string>
#include <vector>

namespace landalloc {

gis::LayerData allocated_parcels_layer(const City &city, const gis::CityGeometry &geometry,
                                       const Plan &plan);

/// A layer made feature by feature as it is written: its name, CRS, fields, and the source of
/// its features (each made when asked).
struct StreamedLayer {
    std::string name;
    gis::Crs crs;
    std::vector<gis::FieldDef> fields;
    gis::FeatureSource features;
};
/// Every candidate parcel the plan does not allocate, with its reason. The source reads `city`,
/// `geometry` and `plan.rejected`, which must outlive it.
StreamedLayer rejected_candidates_layer(const City &city, const gis::CityGeometry &geometry,
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

/// Every output layer of a plan held whole (all but rejected_candidates), built once:
/// PlanWriter writes them and report_data_from_layers reads the report's from the same rows.
struct PlanLayers {
    gis::LayerData allocated_parcels, annual_plan, supply_plan, rule_checks, station_catchments,
        park_catchments, zones, constraints, jobs_housing_balance, run_metadata;
    gis::LayerData rolling_plan; // a re-plan's only (no name otherwise)
};
/// The layers of `plan`; allocated_parcels is `allocated` when given (allocated_parcels_layer's,
/// made earlier), else made here.
PlanLayers plan_layers(const City &city, const gis::CityGeometry &geometry, const Plan &plan,
                       std::optional<gis::LayerData> allocated = std::nullopt);

} // namespace landalloc
