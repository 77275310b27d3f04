#pragma once
// Writes a plan's output layers, their QGIS styles and project, atomically: as one GeoPackage,
// or into a PostGIS schema in one transaction.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/atomic_file.hpp"
#include "gis/city_geometry.hpp"
#include "gis/postgis_writer.hpp"
#include "outputs/plan_layers.hpp"
#include "outputs/schema.hpp"

#include <string>
#include <vector>

namespace landalloc {

/// Writes the plan's layers (plan_layers.hpp), its QGIS styles and project to `path` as one file
/// of `outputs` (moved into place by outputs.commit()); `geometry` gives the project's CRS and
/// extent.
void write_plan_gpkg(const std::string &path, gis::OutputSet &outputs, const PlanLayers &layers,
                     const gis::CityGeometry &geometry, const Plan &plan);

/// Every table a plan can write (rolling_plan only in a re-plan): what --overwrite replaces.
std::vector<std::string> plan_output_tables();

/// The plan's place in a PostGIS schema: its tables and its QGIS project.
gis::PostgisTarget postgis_target(const std::string &connection, const std::string &schema,
                                  bool overwrite);

/// Writes the same layers, styles and project as write_plan_gpkg into `target`'s schema, in one
/// transaction (gis/postgis_writer.hpp); the project reads the layers from the database.
void write_plan_postgis(const gis::PostgisTarget &target, const PlanLayers &layers,
                        const gis::CityGeometry &geometry, const Plan &plan);

} // namespace landalloc
