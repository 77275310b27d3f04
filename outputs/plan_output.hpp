#pragma once
// Turns a Plan back into output layers and writes them as one GeoPackage, atomically.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/atomic_file.hpp"
#include "gis/city_geometry.hpp"
#include "outputs/plan_layers.hpp"
#include "outputs/schema.hpp"

#include <string>

namespace landalloc {

/// Writes the plan's layers (plan_layers.hpp), its QGIS styles and project to `path` as one file
/// of `outputs` (moved into place by outputs.commit()); `geometry` gives the project's CRS and
/// extent.
void write_plan_gpkg(const std::string &path, gis::OutputSet &outputs, const PlanLayers &layers,
                     const gis::CityGeometry &geometry, const Plan &plan);

} // namespace landalloc
