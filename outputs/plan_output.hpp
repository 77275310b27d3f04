#pragma once
// Turns a Plan back into output layers and writes them as one GeoPackage, atomically.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/city_geometry.hpp"
#include "outputs/plan_layers.hpp"
#include "outputs/schema.hpp"

#include <string>

namespace landalloc {

/// Writes the plan's layers (plan_layers.hpp), its QGIS styles and project to `path`, atomically;
/// `geometry` gives the project's CRS and extent.
void write_plan_gpkg(const std::string &path, bool overwrite, const PlanLayers &layers,
                     const gis::CityGeometry &geometry, const Plan &plan);

} // namespace landalloc
