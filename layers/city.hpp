#pragma once
// Loading the input layers into a City: reads each layer through gis/, maps the user's field
// names to the domain's attributes, validates them, and precomputes every parcel's geometric facts.

#include "gis/geometry.hpp"
#include "gis/vector_io.hpp"
#include "layers/domain.hpp"

#include <string>
#include <vector>

namespace landalloc {

struct LayerRef {
    std::string source; // path or connection string
    std::string layer;  // layer name inside it
};

/// Field names of each input layer (the user's schema -> the domain's attributes).
struct FieldMap {
    // zones
    std::string zone_id = "id", zone_name = "name", population = "population", jobs = "jobs",
                dwellings = "dwellings", zone_class = "zone_class",
                destock_months = "destock_months";
    // stations
    std::string station_id = "id", station_name = "name", mode = "mode", line = "line",
                opening_year = "opening_year";
    // parks
    std::string park_id = "id", park_name = "name", park_jobs = "jobs", park_level = "level";
    // parcels
    std::string parcel_id = "id", land_source = "land_source", first_year = "first_year",
                far_cap = "far_cap", allowed_types = "allowed_types";
    // constraints
    std::string constraint_id = "id", constraint_kind = "kind", effect = "effect",
                max_far = "max_far";
};

struct InputSpec {
    LayerRef zones;
    LayerRef stations;
    LayerRef parks;
    LayerRef parcels;
    std::vector<LayerRef> constraints;
    FieldMap fields;
    std::string crs; // explicit working CRS ("EPSG:4549"); empty: the parcels layer's CRS
    double exclude_min_overlap_m2 = 1.0; // DEFAULT: 1 m^2; smaller overlaps are slivers
    double cap_min_share = 0.5; // DEFAULT: 50 %; a cap applies when it covers this much of a parcel
    double station_radius_m = 800; // DEFAULT: 800 m; stations counted within this radius

    /// Every layer read from `source` under the default layer names.
    static InputSpec from_source(const std::string &source);
};

struct LoadedCity {
    City city;
    gis::Crs crs;
    std::vector<gis::Geometry> zone_geoms;
    std::vector<gis::Geometry> park_geoms;
    std::vector<gis::Geometry> parcel_geoms;
    std::vector<gis::Geometry> constraint_geoms;
};

/// Reads and validates all input layers and computes the parcels' facts. Throws DataError naming
/// the source, layer, feature id and field of the first unusable value.
LoadedCity load_city(const InputSpec &spec);

/// Computes the parcels' geometric facts (zone, distances, overlaps) from the geometries.
void compute_parcel_facts(LoadedCity &loaded, const InputSpec &spec);

} // namespace landalloc
