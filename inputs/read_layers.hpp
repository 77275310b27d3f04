#pragma once
// Reading the input layers and mapping their fields to the domain (read_layers.cpp): internal to
// inputs/, used by load_city (city.cpp).

#include "gis/vector_io.hpp"
#include "inputs/city.hpp"

#include <optional>
#include <string>
#include <vector>

namespace landalloc::detail {

/// One input layer as read, or nullopt when it could not be read (the finding is recorded).
struct RawLayer {
    std::string role; // zones, stations, parks, parcels, constraints
    LayerRef ref;
    std::optional<gis::LayerData> data;
};

/// The finding code of a source's fault.
const char *source_error_code(gis::SourceError::Reason r);

/// Reads one layer as it is (no reprojection), recording findings about how it was read; a layer
/// of a source in `memory` (gis::LayerData::source) is taken from there instead of being read.
/// With `partition`, a layer read from a source is read with its attribute filter (a parcels
/// or zones layer must have the field and a feature with the value: errors otherwise).
RawLayer read_raw(const std::string &role, const LayerRef &ref,
                  const std::vector<gis::LayerData> &memory, FindingsReport &report,
                  const std::optional<InputSpec::Partition> &partition = std::nullopt);

/// Sets each layer's constants (LayerRef::constants) on every feature and maps the bureau's values
/// to the tool's codes ([inputs.values], InputSpec::value_maps) in the fields that hold them,
/// before the layers are read into the city. A value that is neither a key nor a code of its
/// field's map is an `unmapped_value` warning naming the value and how many features hold it.
void apply_values(std::vector<RawLayer> &layers, const InputSpec &spec, FindingsReport &report);

/// Maps the read (and reprojected) layers' features to the city's zones, stations, parks,
/// constraints and parcels with their geometries, validating every value into `report`.
/// The parcels' polygons are moved out of their features (valid ones; an invalid one stays, and
/// the parcel gets a repaired copy): locate_findings finds them in `out`.
void map_layers(std::vector<RawLayer> &layers, const InputSpec &spec, LoadedCity &out,
                FindingsReport &report);

/// Fills in each finding about a feature of `layers` (same source, layer and fid) with the
/// feature's own id (the layer's id field: a parcel's DKBH) and its geometry, as read and
/// reprojected: an analyst finds the feature by the bureau's id and sees it on the map. A
/// parcel whose polygon map_layers moved out of its feature gets it from `loaded`.
void locate_findings(const std::vector<RawLayer> &layers, const InputSpec &spec,
                     const LoadedCity &loaded, FindingsReport &report);

/// Reads the streets layer into the city's StreetNetwork (streets.cpp): one node per distinct
/// vertex (coordinates rounded to the centimetre), one edge per segment.
void read_streets(const gis::LayerData &layer, const InputSpec &spec, LoadedCity &out,
                  FindingsReport &report);

} // namespace landalloc::detail
