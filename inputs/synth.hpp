#pragma once
// `landalloc synth`: a deterministic generator of a realistic example city, sized like a Chinese
// prefecture city (Lianyungang supplies 169-215 ha of residential land a year). It writes one
// GeoPackage layer per input kind of SPEC.md, in CGCS2000 / 3-degree Gauss-Kruger CM 120E
// (EPSG:4549), or makes the same layers in memory. A plan file's [inputs.synth]
// (docs/plan-file.md) gives the same options, with the city's own districts.

#include "gis/vector_io.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

/// One district (区) of the synthetic city. Whatever is left out is generated as for the default
/// city. Districts are placed in list order: the first at the centre (the old city), then an inner
/// ring counter-clockwise from the north-east, then an outer ring counter-clockwise from the east
/// (synth_ring_sizes).
struct SynthDistrict {
    std::string id;         // DEFAULT: "" = D01, D02, ... by position (synth_district_id)
    std::string name;       // DEFAULT: "" = a generated Chinese name
    std::string zone_class; // DEFAULT: "" = by ring: stock_upgrading, moderate, priority_expansion
    std::optional<double> population;     // DEFAULT: 2.2 million x scale^2 shared by density
    std::optional<double> jobs;           // DEFAULT: population x 0.75 / 0.55 / 0.42 by ring
    std::optional<double> dwellings;      // DEFAULT: population / 2.6 x 1.02-1.12
    std::optional<double> destock_months; // DEFAULT: 4-16 (centre), 5-16 (inner), 5-30 (outer)
    /// The district (区/县) this zone (街道/板块) lies in, written to the zones layer's
    /// `district` and `district_name` fields (present when any zone gives a district).
    std::string district{};      // DEFAULT: "" = none
    std::string district_name{}; // DEFAULT: "" = the district's id
};

struct SynthOptions {
    int parcels = 3000;        // DEFAULT: 3000 candidate parcels (about 4,500 ha)
    std::uint64_t seed = 2021; // DEFAULT: 2021
    int first_year = 2021;     // DEFAULT: 2021, first year parcels become available
    int last_year = 2025;      // DEFAULT: 2025
    double scale = 1.0;        // DEFAULT: 1; linear size of the city relative to the default
    int epsg = 4549;           // DEFAULT: EPSG:4549 (CGCS2000 / 3-degree GK CM 120E)
    int metro_lines = 2;       // DEFAULT: 2 metro lines; 0-6
    int parks = 4;             // DEFAULT: 4 industrial parks; 0-8
    /// DEFAULT: empty = the ten default districts (D01 老城区 ... D10 城西新区); at most 30.
    std::vector<SynthDistrict> districts;
};

constexpr int k_synth_max_districts = 30;
constexpr int k_synth_max_metro_lines = 6;
constexpr int k_synth_max_parks = 8;

/// The generated id of the district at `index` (0-based): D01, D02, ...
std::string synth_district_id(std::size_t index);

/// How `districts` districts are laid out: 1 at the centre, `inner` on the inner ring, the rest
/// on the outer ring (10 districts: 1 + 4 + 5).
struct SynthRings {
    int inner = 0;
    int outer = 0;
};
SynthRings synth_ring_sizes(int districts);

/// The options in one line, for a run's metadata ("parcels 3000, scale 1, seed 2021, ...").
std::string describe_synth(const SynthOptions &options);

struct SynthSummary {
    int zones = 0;
    int stations = 0;
    int parks = 0;
    int constraints = 0;
    int parcels = 0;
    double parcel_area_ha = 0;
};

/// Generates the city and writes it to `path` (atomically; refuses to replace an existing file
/// unless `overwrite`). Throws UsageError for options out of range.
SynthSummary write_synth_city(const SynthOptions &options, const std::string &path, bool overwrite);

/// What a synthetic city's layers give as their source (in an InputSpec, findings, reports).
inline constexpr const char *k_synth_source = "synthetic ([inputs.synth])";

/// The synthetic city in memory: its layers exactly as write_synth_city writes them and
/// gis::read_layer reads them back (gis::layer_as_written), source k_synth_source, so that
/// load_city gives the same city as from the written file.
struct SynthCity {
    std::vector<gis::LayerData> layers; // zones, stations, parks, constraints, parcels, river
    SynthSummary summary;
};

/// Generates the city in memory. Throws UsageError for options out of range.
SynthCity make_synth_city(const SynthOptions &options);

} // namespace landalloc
