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
    /// The parcels' polygons; empty once compact_parcels() has moved them into parcel_wkb.
    std::vector<Geometry> parcel_geoms;
    WkbStore parcel_wkb;
    std::vector<Geometry> constraint_geoms;

    /// Moves the parcels' polygons into parcel_wkb, for a caller that needs them again only to
    /// write them: at a million parcels they take about 100 MB there instead of 420 MB.
    void compact_parcels() {
        for (Geometry &g : parcel_geoms) {
            parcel_wkb.add(g);
            g = Geometry();
        }
        std::vector<Geometry>().swap(parcel_geoms);
    }
    bool parcels_compacted() const { return parcel_wkb.size() > 0; }
    /// How many parcels' polygons are held, as Geometry or as WKB.
    std::size_t parcel_count() const {
        return parcels_compacted() ? parcel_wkb.size() : parcel_geoms.size();
    }
    /// Parcel i's polygon (a copy, or made anew from parcel_wkb).
    Geometry parcel(std::size_t i) const {
        return parcels_compacted() ? parcel_wkb.get(i) : parcel_geoms[i];
    }
};

} // namespace landalloc::gis
