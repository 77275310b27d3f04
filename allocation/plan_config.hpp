#pragma once
// The plan file (TOML): horizon, housing types, yearly targets, scoring weights and where the input
// layers are. Every key is documented in docs/plan-file.md. Unknown keys and out-of-range values
// are PlanFileErrors naming the key and its line.

#include "allocation/demand.hpp"
#include "allocation/housing.hpp"
#include "allocation/indicators.hpp"
#include "allocation/rules.hpp"
#include "layers/city.hpp"
#include "layers/synth.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

struct Target {
    /// Housing type id; for a group target the member ids joined by '+'.
    std::string type;
    /// A group target (Lianyungang's residential land over all types, lianyungang.txt L598-606):
    /// the types whose supply it sums; empty for a target of one type.
    std::vector<std::string> types;
    Quantity unit = Quantity::land_ha;
    std::vector<double> values; // one per year of the horizon
    double tolerance = 0.05;    // DEFAULT: 5 %, relative
    bool binding = true;        // DEFAULT: binding (约束性)
    /// "不少于": only the lower band binds; supply above it is allowed (it costs over_target_cost
    /// per unit, so it never pays). DEFAULT: false (supply stays within target x (1 + tol)).
    bool at_least = false;
    /// Zone ids the target is supplied in; empty: anywhere in the city.
    std::vector<std::string> zones;
    /// For resettlement: the zone whose residents are displaced; the supply stays in it or next to
    /// it ([rules.resettlement]). Empty: none.
    std::string displaced_from;
    /// "housing" or "talent": the values come from the demand model ([demand]) once the city is
    /// loaded; "" : given by values or total.
    std::string demand;
    int line = 0; // line of the [[targets]] table in the plan file (for messages)
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

/// Costs of the objective's penalty terms (docs/model.md).
struct ObjectiveConfig {
    double over_target_cost = 1.0;      // DEFAULT: 1 x the row's best value density
    double short_binding_cost = 100.0;  // DEFAULT: 100 x the row's best value density
    double short_indicative_cost = 5.0; // DEFAULT: 5 x the row's best value density
    double early_supply_bonus = 0.001;  // DEFAULT: 0.1 % more value for each year earlier
};

/// The jobs-housing band (职住平衡): each zone's jobs / dwellings should lie in it.
struct JobsHousingConfig {
    double ratio_min = 0.8; // DEFAULT: 0.8 jobs per dwelling
    double ratio_max = 1.5; // DEFAULT: 1.5 jobs per dwelling
    double weight = 2.0;    // DEFAULT: 2; 0 turns the term off
};

/// How the allocation is solved.
struct SolverConfig {
    std::string method = "auto";       // DEFAULT: auto (exact up to auto_exact_max_parcels)
    double time_limit_s = 60;          // DEFAULT: 60 s for the exact solver
    double gap = 1e-3;                 // DEFAULT: 0.1 % relative gap target
    int auto_exact_max_parcels = 1000; // DEFAULT: 1000 candidate parcels
    int heuristic_iterations = 300;    // DEFAULT: 300 subgradient iterations for the bound
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

    /// One layer in full: its own source, layer name, encoding and stated CRS ("" = the default).
    struct Layer {
        std::string source;   // DEFAULT: inputs.source (or the command line's INPUT)
        std::string layer;    // DEFAULT: the role's name ("zones", ...)
        std::string encoding; // DEFAULT: inputs.encoding, else the .cpg file's
        std::string crs;      // DEFAULT: none; the CRS of a layer that declares none
    };
    /// Per-layer details from `[inputs.<role>]` tables, by role (zones, stations, parks,
    /// parcels); the layer names above stay in step with them.
    std::map<std::string, Layer> layers;
    /// One entry per `constraints` entry (a layer name or a table), in the same order.
    std::vector<Layer> constraint_layers;
    std::string encoding;             // DEFAULT: "" (each Shapefile's .cpg, else GDAL's default)
    FieldMap fields;                  // [inputs.fields]; DEFAULT: the names in layers/city.hpp
    double min_parcel_area_m2 = 1000; // DEFAULT: 1000 m^2; smaller parcels are reported
    int plan_line = 0;                // line of the [inputs] table (for messages); 0: none
    std::map<std::string, ZoneValues> zone_values; // [inputs.zone_values.<zone id>]
    GenerateSpec generate;                         // [inputs.generate]
    /// [inputs.synth]: the plan brings its own synthetic city, generated when no INPUT is given
    /// (the years are the plan's, set by make_synth_options). DEFAULT: none, read the inputs.
    std::optional<SynthOptions> synth;
};

struct PlanConfig {
    std::string name = "Built-in example plan";
    int first_year = 2021;
    int last_year = 2025;
    std::uint64_t seed = 1;
    std::vector<HousingType> types;
    std::vector<Target> targets;
    ScoringConfig scoring;
    ObjectiveConfig objective;
    JobsHousingConfig jobs_housing;
    SolverConfig solver;
    IndicatorOptions indicators; // [indicators]; the band comes from [jobs_housing]
    InputsConfig inputs;
    RulesConfig rules;   // [rules]
    DemandConfig demand; // [demand]

    std::string source_path; // "" for the built-in plan
    std::string source_text; // the TOML as read

    int years() const { return last_year - first_year + 1; }
    /// Where a message points: "plan.toml:12" ("built-in plan" without a file; no line if 0).
    std::string where(int line) const;
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
