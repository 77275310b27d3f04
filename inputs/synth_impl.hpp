#pragma once
// Internal to inputs/: the pieces of the synthetic city (synth.hpp) shared by synth_layout.cpp
// (boundary, districts, river, metro, parks, constraints), synth_parcels.cpp (candidate parcels)
// and synth.cpp (options, layers, entry points).

#include "gis/geometry.hpp"
#include "inputs/rng.hpp"
#include "inputs/synth.hpp"

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace landalloc::detail::synth {

/// Rounds to a multiple of `step` (0.1, 0.5), dividing by the integer 1/step so that 1.9 comes
/// out as the double nearest 1.9 and survives a text round trip (a database) unchanged.
inline double round_to(double v, double step) {
    const double per_unit = std::round(1.0 / step);
    return std::round(v * per_unit) / per_unit;
}

struct DistrictSpec {
    const char *name;
    const char *zone_class;
};

/// The default name and class of district `i` of a city laid out as `rings`.
DistrictSpec default_district(std::size_t i, const SynthRings &rings);

struct ParkSpec {
    const char *name;
    const char *level;
    double jobs;
};

struct StationOut {
    gis::Point p;
    std::string line;
    int year;
};

struct ConstraintOut {
    gis::Geometry g;
    std::string id, kind, effect;
    double max_far;
};

/// Everything of the city but its parcels, in the order the random draws make it.
struct SynthLayout {
    double s = 1.0;    // the options' scale
    gis::Point origin; // the city's centre at scale 1
    gis::Geometry boundary;
    SynthRings rings;
    std::vector<gis::Point> sites; // the districts' Voronoi sites; sites[0] is the centre's
    std::vector<gis::Geometry> districts;
    gis::Geometry river_line;
    gis::Geometry redline;
    std::vector<StationOut> stations;
    std::vector<gis::Geometry> parks;
    std::vector<ParkSpec> park_specs;
    std::vector<ConstraintOut> constraints;

    /// The point (dx, dy) m from the origin at scale 1.
    gis::Point at(double dx, double dy) const {
        return gis::Point{origin.x + dx * s, origin.y + dy * s};
    }
};

/// One street of the synthetic city: its vertices (a vertex at every grid crossing, so crossing
/// streets share a node), class and maxspeed ("" when none).
struct StreetOut {
    std::vector<gis::Point> line;
    std::string highway;
    std::string maxspeed;
    bool bridge = false; // crosses the river
};

/// The streets of `layout` (synth_streets.cpp): no random draws.
std::vector<StreetOut> lay_out_streets(const SynthLayout &layout);

/// The layout of the city of `opt` (checked by check_options), drawing from `rng`.
SynthLayout lay_out_city(const SynthOptions &opt, Rng &rng);

struct ParcelOut {
    gis::Geometry g;
    std::string land_source;
    int first_year;
    double far_cap;
    std::string allowed;
};

struct SynthParcels {
    std::vector<ParcelOut> parcels;
    double total_area = 0; // m2
};

/// The candidate parcels of `layout`, drawing from `rng` after lay_out_city. Throws UsageError
/// when `opt.parcels` do not fit.
SynthParcels place_parcels(const SynthOptions &opt, const SynthLayout &layout, Rng &rng);

} // namespace landalloc::detail::synth
