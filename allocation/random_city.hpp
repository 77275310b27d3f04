#pragma once
// Random cities built directly in memory (no geometry, no GDAL): parcels with plausible facts
// (area, zone, distances, availability, plot-ratio caps, exclusions). For tests and benchmarks of
// the solvers at sizes where generating and reading a GeoPackage would dominate.

#include "core/domain.hpp"

#include <cstdint>

namespace landalloc {

struct RandomCityOptions {
    std::size_t parcels = 2000;     // DEFAULT: 2000
    std::size_t zones = 10;         // DEFAULT: 10
    std::uint64_t seed = 1;         // DEFAULT: 1
    int first_year = 2021;          // DEFAULT: 2021
    int last_year = 2025;           // DEFAULT: 2025
    double excluded_share = 0.08;   // DEFAULT: 8 % of parcels overlap an exclusion
    double rental_only_share = 0.2; // DEFAULT: 20 % allow affordable_rental only
};

City random_city(const RandomCityOptions &options);

} // namespace landalloc
