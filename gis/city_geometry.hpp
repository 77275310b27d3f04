#pragma once
// The geometries that go with a core City: one vector per feature kind, indexed as the City's own
// vectors are (zone_geoms[i] is the polygon of City::zones[i]), all in the working CRS `crs`.
// inputs/ fills it when it loads a City; outputs/ draws the plan's layers from it.

#include "gis/geometry.hpp"
#include "gis/vector_io.hpp"

#include <vector>

namespace landalloc::gis {

struct CityGeometry {
    Crs crs;
    std::vector<Geometry> zone_geoms;
    std::vector<Geometry> park_geoms;
    std::vector<Geometry> parcel_geoms;
    std::vector<Geometry> constraint_geoms;
};

} // namespace landalloc::gis
