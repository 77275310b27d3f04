#pragma once
// Turns a Plan back into output layers and writes them as one GeoPackage, atomically.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/city_geometry.hpp"
#include "outputs/schema.hpp"

#include <string>

namespace landalloc {

void write_plan_gpkg(const std::string &path, bool overwrite, const City &city,
                     const gis::CityGeometry &geometry, const Plan &plan);

} // namespace landalloc
