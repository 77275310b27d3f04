#pragma once
// The plan file (TOML): horizon, housing types, yearly targets, scoring weights and where the input
// layers are. Every key is documented in docs/plan-file.md. Unknown keys and out-of-range values
// are PlanFileErrors naming the key and its line.

#include "allocation/housing.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace landalloc {

struct Target {
    std::string type; // housing type id
    Quantity unit = Quantity::land_ha;
    std::vector<double> values; // one per year of the horizon
    double tolerance = 0.05;    // DEFAULT: 5 %, relative
    bool binding = true;        // DEFAULT: binding (约束性)
};

struct TypeWeights {
    double transit = 0.4;    // DEFAULT: 0.4
    double jobs = 0.3;       // DEFAULT: 0.3
    double zone_class = 0.3; // DEFAULT: 0.3
};

struct ScoringConfig {
    double station_decay_m = 800; // DEFAULT: 800 m; transit score = exp(-d / decay)
    double park_decay_m = 2000;   // DEFAULT: 2000 m; jobs score = exp(-d / decay)
    /// Score of each zone class in [0, 1]; unknown classes score `unknown_zone_class`.
    std::map<std::string, double> zone_class = {{"priority_expansion", 1.0},
                                                {"moderate", 0.7},
                                                {"stock_upgrading", 0.4},
                                                {"old_city", 0.2}};
    double unknown_zone_class = 0.5;            // DEFAULT: 0.5
    std::map<std::string, TypeWeights> weights; // by housing type; missing: the defaults
};

/// Where the input layers are. Empty strings take the command line's INPUT and default names.
struct InputsConfig {
    std::string source;
    std::string zones = "zones";
    std::string stations = "stations";
    std::string parks = "parks";
    std::string parcels = "parcels";
    std::vector<std::string> constraints = {"constraints"};
    std::string crs;
};

struct PlanConfig {
    std::string name = "Built-in example plan";
    int first_year = 2021;
    int last_year = 2025;
    std::uint64_t seed = 1;
    std::vector<HousingType> types;
    std::vector<Target> targets;
    ScoringConfig scoring;
    InputsConfig inputs;

    std::string source_path; // "" for the built-in plan
    std::string source_text; // the TOML as read

    int years() const { return last_year - first_year + 1; }
    /// Index of a housing type by id, or -1.
    int type_index(const std::string &id) const;
};

/// Parses a plan file's text. `path` is used in error messages only.
PlanConfig parse_plan(const std::string &text, const std::string &path);
/// Reads and parses a plan file.
PlanConfig load_plan(const std::string &path);
/// The built-in default plan's TOML text (a Lianyungang-sized example city).
const std::string &default_plan_text();
PlanConfig default_plan();

} // namespace landalloc
