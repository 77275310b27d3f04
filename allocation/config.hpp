#pragma once
// What the allocator is asked to do: the horizon, housing types, yearly targets, scoring weights,
// objective costs, the jobs-housing band, the solver, indicators, the housing plans' rules and the
// demand model. plan_file/ fills it from the plan file's TOML (docs/plan-file.md); the defaults
// are the members' initialisers.

#include "allocation/demand.hpp"
#include "allocation/indicators.hpp"
#include "allocation/network.hpp"
#include "allocation/rules.hpp"
#include "core/language.hpp"
#include "core/units.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

struct Target {
    /// Housing type id; for a group target the member ids joined by '+'. Required.
    std::string type;
    /// A group target (Lianyungang's residential land over all types, lianyungang.txt L598-606):
    /// the types whose supply it sums; empty for a target of one type.
    std::vector<std::string> types;
    Quantity unit = Quantity::land_ha; // DEFAULT: "ha"
    std::vector<double> values;        // one per year of the horizon
    /// Upper allowance, relative: supply may exceed the figure up to figure x (1 + tolerance)
    /// (whole sites rarely add up to the figure). DEFAULT: 5 %.
    double tolerance = 0.05;
    /// Lower allowance, relative, for an indicative "about" (左右, 约) figure only: supply from
    /// figure x (1 - lower_tolerance) up to the figure is "within tolerance". A binding or
    /// at_least figure is met only at or above the figure. DEFAULT: 0.
    double lower_tolerance = 0;
    bool binding = true; // DEFAULT: binding (约束性)
    /// "不少于": the figure is a floor; supply above it is allowed (it costs over_target_cost
    /// per unit, so it never pays). DEFAULT: false (supply stays within figure x (1 + tol)).
    bool at_least = false;
    /// The lowest supply that keeps the row from being short: the figure, or for an indicative
    /// "about" figure, figure x (1 - lower_tolerance).
    double lower_bound(double figure) const {
        return binding || at_least ? figure : figure * (1.0 - lower_tolerance);
    }
    /// The highest supply allowed: figure x (1 + tolerance), unbounded for an at_least figure.
    double upper_bound(double figure) const;
    /// The status word of a row of this target supplying `supplied` against `figure`: "met" (at
    /// or above the figure, not past the upper allowance), "within tolerance" (an indicative
    /// figure's lower allowance), "short" or "over". A part in a billion absorbs rounding.
    const char *status(double figure, double supplied) const;
    /// Zone ids the target is supplied in; empty: anywhere in the city.
    std::vector<std::string> zones;
    /// For resettlement: the zone whose residents are displaced; the supply stays in it or next to
    /// it ([rules.resettlement]). Empty: none.
    std::string displaced_from;
    /// "housing" or "talent": the values come from the demand model ([demand]) once the city is
    /// loaded; "" : given by values or total.
    std::string demand;
    /// Set by apply_demand once `values` hold the demand model's figures; make_plan then uses
    /// them as they are, so a run computes them once however many plans it makes.
    bool demand_applied = false;
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

/// How the jobs-housing band enters the objective.
enum class BandMode {
    off,  ///< the band is only an indicator (zone_balance.band)
    soft, ///< each dwelling outside the band costs band_weight x the mean value per dwelling
    hard  ///< each dwelling outside costs short_binding_cost x it (the zones layer's band_after
          ///< shows a zone left outside; there is no rule_checks row)
};

/// Jobs-housing balance (职住平衡, SPEC rule 10). The balance term penalises each zone's
/// deviation of resident workers after the plan from its share of the city's jobs,
/// |W0_z + k u_z - (J_z / J) W^|; summed and divided by 2 W^ it is the dissimilarity index D
/// (docs/model.md, "Jobs-housing balance"). The band [ratio_min, ratio_max] of jobs per dwelling
/// is an optional further limit.
struct JobsHousingConfig {
    double weight = 1.0;           // DEFAULT: 1 x the mean value per dwelling; 0 turns the term off
    double ratio_min = 0.8;        // DEFAULT: 0.8 jobs per dwelling
    double ratio_max = 1.5;        // DEFAULT: 1.5 jobs per dwelling
    BandMode band = BandMode::off; // DEFAULT: off
    double band_weight = 2.0;      // DEFAULT: 2 x the mean value per dwelling (band = soft)
    /// Report what balance costs: the best D a run weighing balance only reaches, and for each
    /// rule, policy and zone-restricted target whether it forces D up and by how much.
    bool analyse = true; // DEFAULT: true
};

/// How the allocation is solved.
struct SolverConfig {
    std::string method = "auto";       // DEFAULT: auto (exact up to auto_exact_max_parcels)
    double time_limit_s = 60;          // DEFAULT: 60 s for the exact solver
    double gap = 1e-3;                 // DEFAULT: 0.1 % relative gap target
    int auto_exact_max_parcels = 1000; // DEFAULT: 1000 candidate parcels
    int heuristic_iterations = 300;    // DEFAULT: 300 subgradient iterations for the bound
};

/// How a re-plan (allocation/replan.hpp) carries a target's shortfall or surplus of the years
/// before it into the years left.
enum class Carry {
    spread,    ///< over the years left, in proportion to their figures (the default)
    next_year, ///< into the first year re-planned (lianyungang.txt L414, jiaxing-port.txt
               ///< L413: next year's land supply follows the year before's results)
    none       ///< the years left keep their figures
};

/// [replan]: the annual cycle's re-plan from actuals (docs/rolling.md).
struct ReplanConfig {
    Carry carry = Carry::spread; // DEFAULT: spread
    /// Value bonus, relative, of a site the previous plan has in the same year and type: the
    /// rolling plan then moves only what the actuals and carried figures call for (a published
    /// three-year plan changes as little as it can). DEFAULT: 0.05 (5 % more value).
    double keep_bonus = 0.05;
};

struct PlanConfig {
    std::string name = "Built-in example plan"; // DEFAULT: "Built-in example plan"
    int first_year = 2021;                      // DEFAULT: 2021 (the 14th Five-Year Plan's first)
    int last_year = 2025;   // DEFAULT: first_year + (2025 - 2021), a five-year horizon
    std::uint64_t seed = 1; // DEFAULT: 1
    std::vector<HousingType> types;
    std::vector<Target> targets;
    ScoringConfig scoring;
    ObjectiveConfig objective;
    JobsHousingConfig jobs_housing;
    SolverConfig solver;
    IndicatorOptions indicators;  // [indicators]; the band comes from [jobs_housing]
    RulesConfig rules;            // [rules]
    std::vector<Policy> policies; // [[policies]]
    std::map<std::string, ZoneGroup> zone_groups; // [zone_groups], by name
    DemandConfig demand;                          // [demand]
    NetworkOptions network;                       // [network] (allocation/network.hpp)
    ReplanConfig replan;                          // [replan]
    /// [output] language: the language of the reasons, the report and the QGIS names. DEFAULT:
    /// en here; a plan file's default is zh when its names are Chinese (plan_file.cpp).
    Language language = Language::en;

    std::string source_path; // the plan file, for messages; "" for the built-in plan

    int years() const { return last_year - first_year + 1; }
    /// Where a message points: "plan.toml:12" ("built-in plan" without a file; no line if 0).
    std::string where(int line) const;
    /// Index of a housing type by id, or -1.
    int type_index(const std::string &id) const;
};

} // namespace landalloc
