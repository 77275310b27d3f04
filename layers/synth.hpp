#pragma once
// `landalloc synth`: a deterministic generator of a realistic example city, sized like a Chinese
// prefecture city (Lianyungang supplies 169-215 ha of residential land a year). It writes one
// GeoPackage layer per input kind of SPEC.md, in CGCS2000 / 3-degree Gauss-Kruger CM 120E
// (EPSG:4549).

#include <cstdint>
#include <string>

namespace landalloc {

struct SynthOptions {
    int parcels = 3000;        // DEFAULT: 3000 candidate parcels (about 4,500 ha)
    std::uint64_t seed = 2021; // DEFAULT: 2021
    int first_year = 2021;     // DEFAULT: 2021, first year parcels become available
    int last_year = 2025;      // DEFAULT: 2025
    double scale = 1.0;        // DEFAULT: 1; linear size of the city relative to the default
    int epsg = 4549;           // DEFAULT: EPSG:4549 (CGCS2000 / 3-degree GK CM 120E)
};

struct SynthSummary {
    int zones = 0;
    int stations = 0;
    int parks = 0;
    int constraints = 0;
    int parcels = 0;
    double parcel_area_ha = 0;
};

/// Generates the city and writes it to `path` (atomically; refuses to replace an existing file
/// unless `overwrite`).
SynthSummary write_synth_city(const SynthOptions &options, const std::string &path, bool overwrite);

} // namespace landalloc
