#pragma once
// The plan file (TOML): what the allocator is asked to do (allocation/config.hpp) and where the
// input layers are. Every key is documented in docs/plan-file.md. Unknown keys and out-of-range
// values are PlanFileErrors naming the key and its line.

#include "allocation/config.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

/// Where the input layers are. Empty strings take the command line's INPUT and default names.
struct InputsConfig {
    std::string source;          // DEFAULT: "" (the command line's INPUT)
    std::string zones = "zones"; // DEFAULT: the role's name, and so on
    std::string stations = "stations";
    std::string parks = "parks";
    std::string parcels = "parcels";
    std::vector<std::string> constraints = {"constraints"}; // DEFAULT: one layer "constraints"
    std::string crs; // DEFAULT: "" (the first projected layer CRS, else from the data)
    /// The districts (区/县) layer containing the zones; its full form is in `layers`.
    /// DEFAULT: "" = none (the zones layer's district field, if any, says).
    std::string districts;
    /// The street network (lines with OSM's highway and maxspeed; allocation/network.hpp); its
    /// full form is in `layers`. DEFAULT: "" = none (distances are straight lines).
    std::string streets;

    /// One layer in full: its own source, layer name, encoding and stated CRS ("" = the default).
    struct Layer {
        std::string source;   // DEFAULT: inputs.source (or the command line's INPUT)
        std::string layer;    // DEFAULT: the role's name ("zones", ...)
        std::string encoding; // DEFAULT: inputs.encoding, else the .cpg file's
        std::string crs;      // DEFAULT: none; the CRS of a layer that declares none
        /// `set = { effect = "exclude" }`: values every feature takes, by [inputs.fields] key of
        /// this layer's role. DEFAULT: none.
        std::map<std::string, std::string> constants;
    };
    /// Per-layer details from `[inputs.<role>]` tables, by role (zones, districts, stations,
    /// parks, parcels, streets); the layer names above stay in step with them.
    std::map<std::string, Layer> layers;
    /// One entry per `constraints` entry (a layer name or a table), in the same order.
    std::vector<Layer> constraint_layers;
    std::string encoding; // DEFAULT: "" (each Shapefile's .cpg, else GDAL's default)
    FieldMap fields;      // [inputs.fields]; DEFAULT: the names in inputs/city.hpp
    /// [inputs.values.<field key>]: the bureau's values to the tool's codes. DEFAULT: none.
    std::map<std::string, std::map<std::string, std::string>> value_maps;
    double min_parcel_area_m2 = 1000; // DEFAULT: 1000 m^2; smaller parcels are reported
    int plan_line = 0;                // line of the [inputs] table (for messages); 0: none
    std::map<std::string, ZoneValues> zone_values; // [inputs.zone_values.<zone id>]
    GenerateSpec generate;                         // [inputs.generate]
    /// [inputs.synth]: the plan brings its own synthetic city, generated when no INPUT is given
    /// (the years are the plan's, set by make_synth_options). DEFAULT: none, read the inputs.
    std::optional<SynthOptions> synth;
};

/// A parsed plan file: the allocation's settings and the [inputs] section. The two are one
/// object so that code holding a plan file can pass it where the allocator's settings are wanted.
struct PlanFile : PlanConfig {
    InputsConfig inputs;
    std::string source_text; // the TOML as read (the whole file, every scenario included)
    std::string scenario;    // the `[scenarios.<name>]` applied; DEFAULT: "" = none
};

/// Parses a plan file's text. `path` is used in error messages only. A non-empty `scenario`
/// deep-merges the table `[scenarios.<scenario>]` onto the file's root before parsing (tables
/// merge key by key, any other value, arrays of tables included, replaces the one it overrides;
/// docs/plan-file.md, "Scenarios"); a name the file does not define is a PlanFileError listing
/// the names it does. Without a scenario the `[scenarios]` table is ignored, but each entry must
/// be a table.
PlanFile parse_plan(const std::string &text, const std::string &path,
                    const std::string &scenario = {});
/// Reads and parses a plan file (with `scenario` as parse_plan).
PlanFile load_plan(const std::string &path, const std::string &scenario = {});
/// The built-in default plan's TOML text (a Lianyungang-sized example city).
const std::string &default_plan_text();
/// The built-in plan parsed (it defines no scenarios: a non-empty `scenario` is an error).
PlanFile default_plan(const std::string &scenario = {});

} // namespace landalloc
