#pragma once
// Turns a Plan back into output layers and writes them as one GeoPackage, atomically.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/city_geometry.hpp"

#include <string>

namespace landalloc {

/// Layer names of the output GeoPackage (documented in docs/outputs.md).
inline constexpr const char *k_layer_allocated = "allocated_parcels";
inline constexpr const char *k_layer_annual = "annual_plan";
inline constexpr const char *k_layer_rule_checks = "rule_checks";
inline constexpr const char *k_layer_metadata = "run_metadata";
inline constexpr const char *k_layer_zones = "zones";
inline constexpr const char *k_layer_constraints = "constraints";
inline constexpr const char *k_layer_rejected = "rejected_candidates";
inline constexpr const char *k_layer_station_catchments = "station_catchments";
inline constexpr const char *k_layer_park_catchments = "park_catchments";

void write_plan_gpkg(const std::string &path, bool overwrite, const City &city,
                     const gis::CityGeometry &geometry, const Plan &plan);

} // namespace landalloc
