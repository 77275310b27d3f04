#pragma once
// Loading the input layers into a City: reads each layer through gis/, maps the user's field
// names to the domain's attributes, validates them, and precomputes every parcel's geometric facts.

#include "core/domain.hpp"
#include "gis/city_geometry.hpp"
#include "gis/vector_io.hpp"
#include "inputs/findings.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

struct LayerRef {
    std::string source;   // path or connection string
    std::string layer;    // layer name inside it
    std::string encoding; // Shapefile attribute encoding ("GBK"); "": the .cpg file's
    std::string crs;      // CRS of a layer that declares none; "": such a layer is an error
    /// Values every feature of this layer takes, by [inputs.fields] key (`effect = "exclude"`
    /// for a whole constraint layer); over the layer's own field. DEFAULT: none.
    std::map<std::string, std::string> constants{};
    /// `encoding` is the plan-wide [inputs] encoding, not the layer's own: it applies only to a
    /// Shapefile that declares none (no .cpg), never over a layer's own .cpg.
    bool encoding_plan_wide = false;
};

/// Field names of each input layer (the user's schema -> the domain's attributes).
struct FieldMap {
    // zones
    std::string zone_id = "id", zone_name = "name", population = "population", jobs = "jobs",
                dwellings = "dwellings", zone_class = "zone_class",
                destock_months = "destock_months", sales = "sales";
    // zones: the district (区/县) each zone (街道/板块) lies in, when the layer says
    std::string district = "district", district_name = "district_name";
    // districts (the optional layer of districts containing the zones)
    std::string districts_id = "id", districts_name = "name";
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
    // streets (the optional line layer; OSM's field names)
    std::string highway = "highway", maxspeed = "maxspeed";

    /// One logical attribute: its plan-file key (`[inputs.fields]`), layer and member.
    struct Entry {
        const char *key;
        const char *layer; // zones, districts, stations, parks, parcels, constraints, streets
        bool required;
        std::string FieldMap::*member;
    };
    /// Every attribute, in layer order.
    static const std::vector<Entry> &entries();
};

/// Zone attributes given in the plan file ([inputs.zone_values]) rather than in the layer.
struct ZoneValues {
    std::optional<double> population, jobs, dwellings, destock_months, sales;
    std::optional<std::string> zone_class;
};

/// Generating example parks and parcels inside real zones ([inputs.generate]).
struct GenerateSpec {
    /// Parcels generated when [inputs.generate] is given without `parcels`.
    static constexpr int k_parcels_when_given = 1000; // DEFAULT: 1000 with [inputs.generate]
    int parcels = 0; // DEFAULT: 0 = read the parcels and parks layers; > 0: generate this many
    int parks = 4;   // DEFAULT: 4 industrial parks, in the zones with the most jobs
    std::uint64_t seed = 2021; // DEFAULT: 2021
};

struct InputSpec {
    LayerRef zones;
    /// The districts (区/县) containing the zones: each zone takes the district holding its
    /// interior point. DEFAULT: none (the zones layer's district field, if any, says).
    std::optional<LayerRef> districts;
    LayerRef stations;
    LayerRef parks;
    /// The street network (lines; OSM's highway and maxspeed fields), for distances along the
    /// streets (allocation/network.hpp). DEFAULT: none (straight lines).
    std::optional<LayerRef> streets;
    LayerRef parcels;
    std::vector<LayerRef> constraints;
    /// The bureau's values to the tool's codes, by [inputs.fields] key then value
    /// ([inputs.values.effect] "禁止建设" = "exclude"); applied to the layer holding that field
    /// before it is read. DEFAULT: none.
    std::map<std::string, std::map<std::string, std::string>> value_maps;
    FieldMap fields;
    std::string crs; // explicit working CRS ("EPSG:4549"); empty: the parcels layer's CRS
    double exclude_min_overlap_m2 = 1.0; // DEFAULT: 1 m^2; smaller overlaps are slivers
    double cap_min_share = 0.5; // DEFAULT: 50 %; a cap applies when it covers this much of a parcel
    double station_radius_m = 800;    // DEFAULT: 800 m; stations counted within this radius
    double min_parcel_area_m2 = 1000; // DEFAULT: 1000 m^2 (0.1 ha); smaller parcels are reported
    /// A parcel with more than this share of its area outside the zone it is assigned to (the
    /// zone holding most of it) is reported (`straddles_zones`). DEFAULT: 0.2 (20 %)
    double straddle_warn_share = 0.2;
    int first_year = 0; // the plan's horizon, for checking parcels' first_year; 0: not checked
    int last_year = 0;
    std::map<std::string, ZoneValues> zone_values; // by zone id; replace the layer's values
    GenerateSpec generate;
    /// One partition of a shared input (`--partition FIELD=VALUE`): every layer with the field is
    /// read with the attribute filter FIELD = VALUE (gis::ReadOptions::attribute_filter), the
    /// others whole; the parcels and zones layers must have the field, and some parcel (zone) the
    /// value. DEFAULT: none, every feature.
    struct Partition {
        std::string field;
        std::string value;
    };
    std::optional<Partition> partition;

    /// Every layer read from `source` under the default layer names.
    static InputSpec from_source(const std::string &source);
};

/// A loaded City with the geometries it was computed from (gis::CityGeometry: the working CRS
/// and each feature's polygon, indexed as the City's vectors).
struct LoadedCity : gis::CityGeometry {
    City city;
    /// How the working CRS was found (stated, a layer's own, or chosen automatically).
    std::string crs_note;
    /// Each parcel's share of area outside the zone it is assigned to (the zone holding most
    /// of it; 0 when wholly inside), indexed as City::parcels.
    std::vector<double> parcel_outside_zone_share;
    /// Everything noticed while loading (warnings and notes; errors only from the collecting
    /// overload).
    FindingsReport findings;
};

/// Reads and validates all input layers and computes the parcels' facts. Throws DataError with the
/// first error finding (naming the source, layer, feature id and field); warnings are kept in
/// `LoadedCity::findings`.
LoadedCity load_city(const InputSpec &spec);

/// The same, collecting every problem in `report` instead of throwing for the data's faults: a
/// feature with an error is left out, a layer that cannot be read is left empty. The parcels'
/// facts are computed only when there is no error.
LoadedCity load_city(const InputSpec &spec, FindingsReport &report);

/// Both, for layers (partly) made in memory: a layer whose source is that of a `memory` layer
/// is taken from there (by name) instead of being read; the rest is as for a read layer.
LoadedCity load_city(const InputSpec &spec, const std::vector<gis::LayerData> &memory);
LoadedCity load_city(const InputSpec &spec, const std::vector<gis::LayerData> &memory,
                     FindingsReport &report);

/// Generates `spec.generate.parks` industrial parks and `spec.generate.parcels` candidate parcels
/// inside the loaded zones (deterministic for the seed); inputs/generate.cpp.
void generate_in_zones(LoadedCity &loaded, const InputSpec &spec);

/// Puts zones, stations, parks, constraints (by layer, id) and parcels in id order, so the plan
/// does not depend on the order a source returns features in (a database may return any order).
void canonical_order(LoadedCity &loaded);

/// Computes the parcels' geometric facts (zone, distances, overlaps) from the geometries.
void compute_parcel_facts(LoadedCity &loaded, const InputSpec &spec);

/// Street nodes inside each zone (by the zone's polygon), for `validate`; all 0 without streets.
std::vector<int> street_nodes_per_zone(const LoadedCity &loaded);

} // namespace landalloc
