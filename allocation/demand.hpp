#pragma once
// The demand model (SPEC.md rule 12): demand = future population x per-capita floor area -
// existing stock (+ replacement of demolished stock), per zone or city-wide; talent housing =
// expected talents x weighted area. Targets with `demand = "housing"` or `demand = "talent"`
// take their yearly values from it once the city (its zones) is loaded (docs/plan-file.md,
// "[demand]", states every key, default and the seed line it comes from).
//
// Housing demand, over the horizon:
//   by zone (the city has zones and [demand.zones] lists one, or the zone layer has population):
//     need_z   = population_z x per_capita_z - existing_stock_z + replacement_z
//     demand_z = max(0, need_z x (1 + inflow_tilt x net_inflow_z / population_z) x destock_z)
//   where a zone's figures come from [demand.zones.<id>]; the ones it does not give are the
//   city-wide figures shared over the zones that do not give them (population by the zone
//   layer's population, stock by its dwellings, replacement by the zones' stock). Without a
//   city-wide figure a zone's population is the zone layer's; its stock must then be given.
//   destock_z is the [rules.destocking] multiplier of the zone's inventory months (1 when the
//   rule is absent, and for target types the rule does not list).
//   city-wide (no such zones, or by_zone = false):
//     demand = max(0, population x per_capita_m2 - existing_stock_m2 + replacement_m2)
// A target's horizon total is split evenly over the years of the horizon.
// Talent housing, a year: sum of talents_per_year x area_per_talent_m2 over the matching
// [[demand.talent]] entries (see talent_matches).

#include "core/domain.hpp"
#include "core/errors.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

struct PlanConfig;

/// Why a demand cannot be computed, without where: demand_by_zone and apply_demand rethrow it as
/// a PlanFileError naming [demand] or the target, its key and line. A plan file error itself
/// when it escapes (from housing_demand_m2, talent_matches or talent_demand_m2 called alone).
class DemandError : public PlanFileError {
  public:
    using PlanFileError::PlanFileError;
};

/// `[demand.zones.<zone id>]`: a zone's own figures; absent ones are shared from the city-wide
/// figures (see above).
struct ZoneDemand {
    std::optional<double> population;        // at the horizon's end
    std::optional<double> per_capita_m2;     // DEFAULT: [demand] per_capita_m2
    std::optional<double> existing_stock_m2; // residential floor area standing at the start
    std::optional<double> replacement_m2;    // demolished stock to replace over the horizon
    double net_inflow = 0;                   // DEFAULT: 0 net migrants a year (inflow tilt)
    int line = 0;                            // line of the table in the plan file
};

/// `[[demand.talent]]`: expected talents and the weighted floor area each needs.
struct TalentDemand {
    std::vector<std::string> zones;    // where they work (zone ids); empty: city-wide
    double talents_per_year = 0;       // expected new talents a year; required
    double area_per_talent_m2 = 52.91; // DEFAULT: Lianyungang's weighted area (L247)
    int line = 0;                      // line of the table in the plan file
};

struct DemandConfig {
    bool present = false;
    int line = 0;                            // line of [demand] in the plan file
    std::optional<double> population;        // city-wide, at the horizon's end
    std::optional<double> per_capita_m2;     // target floor area a person at the horizon's end
    std::optional<double> existing_stock_m2; // city-wide stock at the start
    std::optional<double> replacement_m2;    // city-wide demolished stock to replace; DEFAULT 0
    double inflow_tilt = 0; // DEFAULT: 0; zone demand x (1 + tilt x net inflow / population)
    bool by_zone = true;    // DEFAULT: true; false: always city-wide
    std::map<std::string, ZoneDemand> zones; // by zone id
    std::vector<TalentDemand> talent;
};

/// One line of the housing-demand breakdown: a zone, or the whole city (zone_id "").
struct ZoneDemandResult {
    std::string zone_id;           // "" : city-wide
    int zone = k_none;             // index into City::zones; k_none city-wide
    double population = 0;         // at the horizon's end
    std::string population_source; // "demand.zones", "demand.population (shared)",
                                   // "zone layer", "demand.population"
    double per_capita_m2 = 0;      // target floor area a person
    double existing_stock_m2 = 0;  // at the start
    double replacement_m2 = 0;     // over the horizon
    double net_inflow = 0;         // a year
    double inflow_factor = 1;      // 1 + inflow_tilt x net_inflow / population
    double destock_months = 0;     // the zone's inventory months (0: unknown)
    double destock_multiplier = 1; // [rules.destocking] multiplier; 1 without the rule
    double need_m2 = 0;            // population x per capita - stock + replacement (may be < 0)
    double demand_unscaled_m2 = 0; // max(0, need x inflow_factor), over the horizon
    double demand_m2 = 0;          // max(0, need x inflow_factor x destock_multiplier)
};

/// The housing-demand breakdown: one line per zone of the city (by zone), or one city-wide line.
/// Throws PlanFileError (naming [demand] and its line) when it cannot be computed: no [demand],
/// a [demand.zones] id that is not a zone of the city, no population anywhere, no stock.
std::vector<ZoneDemandResult> demand_by_zone(const PlanConfig &cfg, const City &city);

/// Floor area (m^2) of housing demand over the horizon for a housing type in the given zones
/// (empty: the whole city), from a breakdown. The destocking multiplier applies when
/// [rules.destocking] lists the type.
double housing_demand_m2(const PlanConfig &cfg, const std::vector<ZoneDemandResult> &by_zone,
                         const std::string &type, const std::vector<std::string> &zones);

/// Whether a talent entry counts for a target in `target_zones`: a target without zones takes
/// every entry; a target with zones takes the entries whose zones all lie among them (an entry
/// without zones is city-wide and counts only for targets without zones). Throws
/// DemandError when an entry has zones both inside and outside the target's zones.
bool talent_matches(const TalentDemand &entry, const std::vector<std::string> &target_zones);

/// Floor area (m^2) of talent housing demand a year for a target in `target_zones`.
double talent_demand_m2(const DemandConfig &demand, const std::vector<std::string> &target_zones);

/// Fills `values` of every target with a non-empty `demand`, in the target's unit (m^2 or units
/// of its housing type): housing demand split evenly over the years; talent demand the same
/// each year. Throws PlanFileError naming the target (targets[i] and its line) when it cannot be
/// computed. Other targets are untouched.
void apply_demand(PlanConfig &cfg, const City &city);
/// True when a target still waits for apply_demand (it has a demand and no values from it yet).
bool demand_pending(const PlanConfig &cfg);

} // namespace landalloc
