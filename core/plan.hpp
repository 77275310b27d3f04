#pragma once
// The one plan object: what was allocated, the targets against what was supplied, the diagnosis
// and the run metadata. The allocator fills it; every output (GeoPackage layers, summary, report)
// is rendered from it and recomputes nothing.

#include "core/domain.hpp"
#include "core/language.hpp"

#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace landalloc {

struct ScorePart {
    std::string name; // transit, jobs, zone_class
    double value = 0; // weighted contribution to the score
};

/// A named per-parcel indicator value (allocation/indicators.hpp); inf when not defined.
struct Indicator {
    std::string name; // an ASCII column name, unique among a parcel's indicators
    double value = 0;
    /// The name as made from the data's own value ("dist_城际_m") when `name` had to be a slug of
    /// it; "" when the name is that value.
    std::string alias;
};

struct Allocation {
    std::size_t parcel = 0; // index into City::parcels
    int year = 0;
    std::string type; // housing type id
    double far = 0;   // plot ratio applied
    double area_m2 = 0;
    double floor_m2 = 0;      // all floor area on the site, bundled share included
    double units = 0;         // units of `type` (the bundled share's units are below)
    std::string bundled_type; // rule 9: the type of the bundled share ("" when none)
    double bundled_floor_m2 = 0;
    double bundled_units = 0;
    double score = 0;
    std::vector<ScorePart> score_parts;
    std::string reasons;               // rules that applied, human readable
    std::vector<Indicator> indicators; // per-parcel indicators, same names on every allocation
    /// "planned"; in a re-plan (allocation/replan.hpp) a fixed site of an earlier year keeps
    /// its actual status: "supplied" or "sold_unbuilt".
    std::string status = "planned";
};

/// One side (before or after the plan) of a zone's jobs-housing balance.
struct ZoneSide {
    double population = 0;
    double jobs = 0;
    double dwellings = 0;
    double workers = 0;        // resident workers = population x labour-force rate
    double jobs_dwellings = 0; // jobs / dwellings; NaN without dwellings
    std::string band;          // "below", "within" or "above" the target band; "" without dwellings
};

struct ZoneBalance {
    std::size_t zone = 0; // index into City::zones
    double new_units = 0;
    double new_land_ha = 0;
    ZoneSide before;
    ZoneSide after;
};

/// City-wide jobs-housing indicators on one side of the plan.
struct CityBalance {
    double dissimilarity = 0;    // D = 1/2 sum |J_z/J - W_z/W|
    double commute_min_m = 0;    // T_min: mean commute of the optimal assignment
    double commute_model_m = 0;  // T_obs: mean commute of the gravity assignment
    double excess_commuting = 0; // (T_obs - T_min) / T_obs
};

/// One run of the jobs-housing balance analysis (allocation/balance_analysis.cpp): the plan,
/// the city before it, the same targets without the balance term, and runs that weigh balance
/// only (with every rule, and without one rule at a time).
struct BalanceRun {
    std::string run;  // before, plan, no balance term, balance only, without rule
    std::string rule; // the rule, policy or target left out ("without rule" runs); else ""
    CityBalance balance;
    /// Sum of the chosen sites' values v_c under the plan's scoring (NaN for "before").
    double suitability = std::numeric_limits<double>::quiet_NaN();
    /// "without rule" runs: D of "balance only" minus D of this run, what the rule costs in D
    /// (NaN otherwise).
    double d_cost = std::numeric_limits<double>::quiet_NaN();
};

struct BalanceAnalysis {
    std::vector<BalanceRun> runs; // before, plan, then the others that were run
    /// Suitability of the no-term plan less the plan's: what the plan gives up for its D.
    double suitability_given_up = std::numeric_limits<double>::quiet_NaN();
    /// What the runs show, in a sentence or two (D fell; or D rose and what forces it).
    std::string finding;
    /// The run named `name`, or nullptr.
    const BalanceRun *find(const std::string &name) const {
        for (const BalanceRun &r : runs) {
            if (r.run == name) {
                return &r;
            }
        }
        return nullptr;
    }
};

/// The housing type ids of an annual row's `type`: the one type, or a group target's members
/// ("a+b+c", as the plan file's `types` joins them).
inline std::vector<std::string> annual_row_types(const std::string &type) {
    std::vector<std::string> ids;
    std::string::size_type start = 0;
    while (true) {
        const auto plus = type.find('+', start);
        ids.push_back(type.substr(start, plus == std::string::npos ? plus : plus - start));
        if (plus == std::string::npos) {
            return ids;
        }
        start = plus + 1;
    }
}

struct AnnualRow {
    int year = 0;
    std::string type;
    std::string zones;    // the target's zones ("" for the whole city), or "near <zone>" (rule 11)
    std::string unit;     // ha, m2 or units: the unit of `target` and `supplied`
    double target = 0;    // the figure
    double tolerance = 0; // upper allowance, relative
    double lower_tolerance = 0; // lower allowance of an indicative "about" figure, relative
    bool binding = true;        // 约束性 (true) or 预期性 (false)
    bool at_least = false;      // 不少于: the figure is a floor, no upper allowance
    double supplied = 0;
    double supplied_ha = 0;
    double supplied_floor_m2 = 0;
    double supplied_units = 0;
    int parcels = 0;
    double difference = 0; // supplied - target, signed
    /// "met" (target <= supplied <= target x (1 + tolerance), no upper end when at_least),
    /// "within tolerance" (indicative: target x (1 - lower_tolerance) <= supplied < target),
    /// "short" or "over".
    std::string status;
    bool met = false;  // status == "met"
    std::string note;  // why not met, when not
    std::string cause; // when short or over: no_eligible_land, competition or over
};

/// How the plan keeps one row of a rule (rental share, park cap, key areas, zone-class share).
struct RuleCheck {
    std::string rule;  // rental_share, park_cap, key_areas, zone_class_share, policy, destocking
    std::string label; // what the rule asks, e.g. "rental land >= 10 % of residential land, 2023"
    int year = 0;      // 0: the whole horizon
    std::string unit;  // unit of `actual` and `limit`: "share", "ha" or "m2"
    double actual = 0; // what the plan achieves (a share, or the capped quantity)
    double limit = 0;  // what the rule requires (minimum share, or the cap)
    double violation = 0;       // how far the rule is broken, in `violation_unit`; 0 when kept
    std::string violation_unit; // ha, m2 or units
    bool binding = true;
    bool met = true;
    bool floor = true;  // the limit is a minimum (actual >= limit); false: a cap (<= limit)
    std::string status; // "met", or "short" (a minimum not reached) or "over" (a cap passed)
};

/// A row's status word as the terminal and the report print it: "met", "within tolerance", and
/// "short" or "over" in capitals with "(binding)" when the row binds.
inline std::string status_display(const std::string &status, bool binding) {
    if (status == "met" || status == "within tolerance" || !binding) {
        return status;
    }
    std::string s;
    for (char ch : status) {
        s += static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
    }
    return s + " (binding)";
}

/// Why a candidate parcel was not allocated.
struct Rejection {
    std::size_t parcel = 0; // index into City::parcels
    std::string code;       // excluded, outside_zones, not_available, type_not_allowed,
                            // far_too_low, destock_stop, ar_siting, zone_class,
                            // no_target, outscored, did_not_fit
    std::string detail;     // human readable: which layer, which year, which chosen parcel
    std::string best_type;  // the housing type it scored best for ("" when none)
    double best_score = 0;
};

/// One row of the actuals: a site of the previous plan as the bureau edited it, or a site the
/// bureau supplied that no plan had.
struct ActualSite {
    std::string parcel_id;
    int year = 0;
    std::string type;   // housing type id
    std::string status; // planned, supplied, sold_unbuilt or withdrawn ("" reads as planned)
    std::string where;  // where the row is, for messages: "actuals.csv, row 4 (parcel P12)"
    /// A plan GeoPackage's rows also give the units and the bundled share (rule 9); NaN, ""
    /// and 0 when the row does not.
    double units = std::numeric_limits<double>::quiet_NaN();
    std::string bundled_type;
    double bundled_share = 0; // of the floor area
    double bundled_units = 0;
};

/// What a zone was at the previous plan (its zones layer), for the rolling plan's "why".
struct PreviousZone {
    double destock_months = 0; // 0: unknown
    std::string destock_band;  // "" : none
};

/// The sites of a source of actuals or of a previous plan.
struct ActualSites {
    std::string source; // the file, for messages
    std::vector<ActualSite> sites;
    std::map<std::string, PreviousZone> zones; // by zone id; empty when the file has no zones
};

/// One row of the three-year rolling plan (三年滚动计划) of a re-plan: a year, district and type
/// of the re-planned years, with the previous plan's figures and why they changed.
struct RollingRow {
    int year = 0;
    std::string district;      // the zones' district id (the zone id when it has none)
    std::string district_name; // its name
    std::string type;          // housing type (a bundled share counts in its own type)
    double area_ha = 0;
    double units = 0;
    int parcels = 0;
    double previous_area_ha = 0; // the previous plan's, same year, district and type
    double previous_units = 0;   // NaN when the previous plan's rows give no units
    int previous_parcels = 0;
    std::string why; // what changed against the previous plan and why
};

/// What a re-plan started from (allocation/replan.hpp); from_year 0 for a plan from nothing.
struct ReplanInfo {
    int from_year = 0;
    std::string carry;                // spread, next_year or none
    std::vector<std::string> carried; // per target whose figures changed: the sentence
    int fixed_sites = 0;              // sites before from_year kept as supplied
    int withdrawn_sites = 0;          // previous-plan sites before from_year not supplied
    int added_sites = 0;              // sites supplied before from_year no plan had
    int previous_sites = 0;           // the previous plan's sites from from_year on
    int kept_sites = 0;               // of those, the ones this plan has in the same year and type
    std::vector<RollingRow> rolling;  // years from_year .. from_year + 2
};

struct Plan {
    std::vector<HousingType> types;      // the plan file's housing types, in its order
    std::vector<Allocation> allocations; // sorted by (year, type, parcel id)
    std::vector<AnnualRow> annual;       // sorted by (year, type)
    std::vector<RuleCheck> rule_checks;  // one per rule row, in model order
    std::string solver;
    std::vector<Rejection> rejected; // every candidate not allocated, sorted by parcel id
    std::string status;              // "all targets met" or what is not
    std::string solver_status;       // "optimal", "time limit reached", ...
    double objective = 0;
    double bound = 0; // valid upper bound on the objective (NaN: none known)
    /// The gap relative to the part of the objective a plan controls:
    /// (bound - objective) / |objective + unavoidable_cost|
    double gap = 0;
    /// Penalties every plan pays whatever it allocates (a target its land cannot reach, a zone
    /// past the jobs/dwellings band before any unit): part of the objective (>= 0).
    double unavoidable_cost = 0;
    double solve_seconds = 0;
    std::vector<std::pair<std::string, std::string>> metadata; // run metadata, in order
    // Jobs-housing indicators (allocation/indicators.hpp); empty when not computed.
    std::vector<ZoneBalance> zone_balance; // one row per zone, in zone order
    /// Each zone's destocking band ([rules.destocking], rule 2: increase, keep, reduce, cut,
    /// stop, or unknown), in zone order; empty without the rule.
    std::vector<std::string> destock_bands;
    double ratio_min = 0; // the jobs/dwellings target band
    double ratio_max = 0;
    std::vector<double> station_radii_m; // catchment radii around stations (output polygons)
    double park_catchment_m = 0;         // catchment distance around parks (output polygons)
    CityBalance balance_before;
    CityBalance balance_after;
    /// Sum of the chosen sites' values v_c (the objective's suitability part).
    double suitability = 0;
    /// What balance costs and what forces D ([jobs_housing] analyse); empty runs when not done.
    BalanceAnalysis balance_analysis;
    /// A re-plan's start and its rolling plan; from_year 0 otherwise.
    ReplanInfo replan;
    /// The language of the reasons, the report and the QGIS names (the plan file's [output]).
    Language language = Language::en;

    /// Binding targets and binding rules all kept; in a re-plan, the years before it are as
    /// supplied and count through the horizon_total rule rows instead.
    bool binding_targets_met() const {
        for (const auto &r : annual) {
            if (r.binding && !r.met && r.year >= replan.from_year) {
                return false;
            }
        }
        for (const auto &r : rule_checks) {
            if (r.binding && !r.met) {
                return false;
            }
        }
        return true;
    }
};

} // namespace landalloc
