#pragma once
// The housing plans' rules (SPEC.md "Rules" 2-11) as plan-file sections under [rules]. Each rule
// is off unless its section is present (so a plan says which rules it carries), except rule 11,
// which a target's `displaced_from` turns on with its defaults; the defaults of the keys are the
// seed plans' figures (docs/plan-file.md gives the line of each).
//
// How each rule enters the allocation (docs/model.md, "Rules"):
//   destocking      value multiplier per zone by inventory months; 'stop' makes the zone
//   ineligible;
//                   side row per zone (bound): its supply <= multiplier x its share of the city's
//   rental_share    side row per year: rental land >= share x residential land
//   ar_siting       eligibility (near a park or station) and a value bonus by land source
//   park_caps       side row per park and cap: housing land (floor) <= share x park land (floor)
//   tod             plot-ratio bonus and value bonus within the station radii
//   zone_classes    eligibility (permitted types) and side rows (a type's share in the class)
//   key_areas       side row per year: units in key zones >= share x all units
//   bundling        per site: a share of a host type's floor area goes to a bundled type
//   resettlement    eligibility: resettlement for a displacing zone stays in or next to it
// (The jobs-housing band, rule 10, is [jobs_housing].) Spatial policies ([[policies]], Policy
// below) are side rows too: a zone set's share of the city's supply, or an absolute amount.

#include "core/units.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

/// Rule 2, 人地房联动: a zone's supply of the listed types scales with its inventory months.
struct DestockingRule {
    std::vector<std::string> types = {"commercial"}; // DEFAULT: commercial housing
    /// Band edges in months, ascending. DEFAULT: 6 (L285 Lianyungang), 12 (Wenzhou L94),
    /// 18 and 36 (national guidance 2017).
    std::vector<double> thresholds_months = {6, 12, 18, 36};
    /// One multiplier per band (thresholds + 1): < 6 increase, 6-12 balanced, 12-18 reduce,
    /// 18-36 cut, > 36 stop. A multiplier of 0 makes the zone ineligible for the types.
    /// DEFAULT: 1.3, 1.0, 0.7, 0.4, 0.0.
    std::vector<double> multipliers = {1.3, 1.0, 0.7, 0.4, 0.0};
    /// Zones with unknown inventory (0 months) take this multiplier. DEFAULT: 1.0.
    double unknown_multiplier = 1.0;
    /// Side rows besides the value factor: each zone with known months supplies at most
    /// multiplier x its share (by annual sales, else by dwellings) of the city's supply of the
    /// types. DEFAULT: true; false keeps only the value factor.
    bool bound = true;
    bool per_year = false;                // DEFAULT: false, one row over the horizon
    bool binding = true;                  // DEFAULT: binding
    Quantity measure = Quantity::land_ha; // DEFAULT: land (ha)
    int line = 0;                         // line of the table in the plan file (for messages)
};

/// Rule 3: rental land (types with rental = true) is at least `share` of each year's residential
/// land.
struct RentalShareRule {
    double share = 0.10; // DEFAULT: 10 % (Lianyungang L285)
    bool binding = true; // DEFAULT: binding
};

/// Rule 4: AR goes near industrial parks or rail stations, and its land comes first from
/// collective land, enterprises' idle land, park supporting land and idle buildings.
struct ArSitingRule {
    std::vector<std::string> types = {"affordable_rental"}; // DEFAULT: affordable rental
    double max_station_m = 1000;                            // DEFAULT: 1 km from a station, or
    double max_park_m = 2000;                               // DEFAULT: 2 km from an industrial park
    /// Land sources best first (Nanjing L244); sources not listed rank last. DEFAULT: these.
    std::vector<std::string> land_source_priority = {"collective", "enterprise_idle",
                                                     "park_supporting", "renewal", "new_state"};
    /// Value bonus for each rank above the last: 1 + step x (n - 1 - rank). DEFAULT: 0.15.
    double priority_step = 0.15;
};

/// Rule 5: housing inside an industrial park may use at most a share of the park's land and of
/// its floor area (Wenzhou L241, L297, L303).
struct ParkCap {
    /// e.g. "living_service", "dormitory", "talent_apartment"; DEFAULT: "cap N" (N from 1)
    std::string name;
    std::vector<std::string> types; // housing types counted; DEFAULT: empty, all types
    double land_share = 0.15;       // DEFAULT: 15 % of the park's land area (Wenzhou L241)
    /// Share of the park's floor area (park land x park_far); DEFAULT: none (no floor cap).
    std::optional<double> floor_share;
};
struct ParkCapsRule {
    double park_far = 1.2;     // DEFAULT: 1.2, plot ratio of the park's own (industrial) floor area
    std::vector<ParkCap> caps; // DEFAULT: one cap "living_service" of ParkCap's defaults
};

/// Rule 6: higher plot ratios and priority near high-capacity stations (Nanjing L135).
struct TodRule {
    std::vector<std::string> modes = {"metro", "intercity_rail", "hsr"}; // DEFAULT: these
    std::vector<double> radii_m = {500, 800};                            // DEFAULT: 500 m and 800 m
    std::vector<double> far_bonus = {0.3, 0.15};  // DEFAULT: plot ratio x 1.3, 1.15 within them
    std::vector<double> value_bonus = {0.2, 0.1}; // DEFAULT: value x 1.2, 1.1 within them
};

/// Rule 7: what each zone class permits.
struct ZoneClassRule {
    std::optional<std::vector<std::string>> permits; // types allowed; absent: all
    std::map<std::string, double> max_share;         // type -> max share of its yearly land
};

/// Rule 8: at least `share` of new housing lies in the key areas (Nanjing 80 % in 22 areas, L569).
struct KeyAreasRule {
    std::vector<std::string> zones; // zone ids of the key areas
    double share = 0.80;            // DEFAULT: 80 %
    bool binding = true;            // DEFAULT: binding
    int line = 0;                   // line of the table in the plan file (for messages)
};

/// Rule 9: a share of a host type's floor area on qualifying sites goes to a bundled type
/// (Nanjing L257: >= 5 % talent housing on sites over 5 ha, in development zones or near metro).
struct BundlingRule {
    std::string type = "talent";                     // DEFAULT: talent, the bundled type
    std::vector<std::string> hosts = {"commercial"}; // DEFAULT: commercial
    double share = 0.05;                             // DEFAULT: 5 %
    bool all_sites = false; // DEFAULT: false; true: every host site (Wenzhou L100, 10 %)
    double min_site_ha = 5; // DEFAULT: 5 ha; or a site of at least this area
    /// DEFAULT: development_zone, high_tech; or a site in a zone of these classes
    std::vector<std::string> zone_classes = {"development_zone", "high_tech"};
    double near_station_m = 800; // DEFAULT: 800 m; or within this distance of a metro station
    bool in_park = false;        // DEFAULT: false; or inside an industrial park
};

/// Rule 11: resettlement housing stays in or next to the displacing sub-district (Nantong).
struct ResettlementRule {
    std::vector<std::string> types = {"resettlement"}; // DEFAULT: resettlement
    /// Parcels in an adjacent zone qualify when within this distance of the displacing zone's
    /// centre; 0: any parcel of an adjacent zone. DEFAULT: 3000 m.
    double max_distance_m = 3000;
};

/// Nantong's 45-minute commute (nantong.txt L180, 主城区45分钟通勤圈): new worker housing
/// stays within `minutes` of jobs, by car along the streets ([network] commute), or without
/// streets by straight line at `straight_kmh`. Jobs are the job centres: industrial parks with
/// jobs and zones holding at least `zone_jobs_share` of the zones' jobs (allocation/network.hpp
/// job_centres).
struct CommuteLimitRule {
    double minutes = 45; // DEFAULT: 45 min (Nantong L180)
    /// DEFAULT: affordable_rental and talent, the worker housing
    std::vector<std::string> types = {"affordable_rental", "talent"};
    /// DEFAULT: binding: sites beyond the limit are not offered to the types (rejection reason
    /// commute_limit); false: indicative, the rule_checks row reports the units beyond it.
    bool binding = true;
    double zone_jobs_share = 0.10; // DEFAULT: a zone with >= 10 % of the zones' jobs is a centre
    double straight_kmh = 25;      // DEFAULT: 25 km/h door to door, without streets
    int line = 0;                  // line of the table in the plan file (for messages)
};

/// A spatial policy ([[policies]]): the supply of `types` in a set of zones, as a share of the
/// city's supply of those types or as an absolute amount, over the horizon or each year.
struct Policy {
    enum class Kind { min_share, max_share, min, max };
    std::string name;                      // required: the label, e.g. "old city cap"
    std::vector<std::string> zones;        // zone ids
    std::vector<std::string> zone_classes; // the zones layer's zone_class values
    std::string zone_group;                // a [zone_groups] name ("": none)
    std::vector<std::string> types;        // housing types counted; DEFAULT: empty, all types
    Quantity measure = Quantity::land_ha;  // DEFAULT: land (ha)
    Kind kind = Kind::max_share;
    double value = 0;      // the share in [0, 1], or the amount in the measure's unit
    bool per_year = false; // DEFAULT: false, one row over the horizon; true: one row a year
    bool binding = true;   // DEFAULT: binding
    int line = 0;          // line of the table in the plan file (for messages)
};

/// A named set of zones ([zone_groups]: name = [zone ids]).
struct ZoneGroup {
    std::vector<std::string> zones;
    int line = 0;
};

/// The band `months` falls in (0 = the first), as destock_multiplier reads the thresholds; -1 for
/// months <= 0 (unknown).
int destock_band_index(const DestockingRule &rule, double months);

/// The band's name: increase, keep, reduce, cut, stop for the five default bands ("band N",
/// N from 1, when the rule has another number of bands); "unknown" for months <= 0.
std::string destock_band(const DestockingRule &rule, double months);

/// The multiplier of the band `months` falls in, read as the plans word it: under 6 months
/// increase, 6-12 balanced (both edges), over 12 reduce, over 18 cut, over 36 stop. So the first
/// threshold belongs to the band above it, the others to the band below. `unknown_multiplier`
/// for months <= 0 (unknown).
double destock_multiplier(const DestockingRule &rule, double months);

struct RulesConfig {
    std::optional<DestockingRule> destocking;
    std::optional<RentalShareRule> rental_share;
    std::optional<ArSitingRule> ar_siting;
    std::optional<ParkCapsRule> park_caps;
    std::optional<TodRule> tod;
    std::map<std::string, ZoneClassRule> zone_classes; // by class name
    std::optional<KeyAreasRule> key_areas;
    std::vector<BundlingRule> bundling;
    std::optional<ResettlementRule> resettlement;
    std::optional<CommuteLimitRule> commute_limit;
};

} // namespace landalloc
