#pragma once
// The demand model (SPEC.md rule 12): demand = future population x per-capita floor area -
// existing stock (+ replacement of demolished stock), per zone or city-wide; talent housing =
// expected talents x weighted area. Targets with `demand = "housing"` or `demand = "talent"`
// take their yearly values from it once the city (its zones) is loaded.

#include "layers/domain.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

struct PlanConfig;

struct ZoneDemand {
    std::optional<double> population;        // at the horizon's end; DEFAULT: the zone's
    std::optional<double> existing_stock_m2; // residential floor area standing at the start
    double replacement_m2 = 0;               // demolished stock to replace over the horizon
    double net_inflow = 0;                   // net migrants a year (for the inflow tilt)
};

struct TalentDemand {
    std::vector<std::string> zones; // where they work (zone ids); empty: city-wide
    double talents_per_year = 0;    // expected new talents a year
    double area_per_talent_m2 = 0;  // weighted floor area a talent (Lianyungang: 52.91 m^2)
};

struct DemandConfig {
    bool present = false;
    std::optional<double> population;        // city-wide, at the horizon's end
    double per_capita_m2 = 0;                // target floor area a person at the horizon's end
    std::optional<double> existing_stock_m2; // city-wide stock at the start
    double replacement_m2 = 0;
    double inflow_tilt = 0;                  // zone demand x (1 + tilt x net inflow / population)
    std::map<std::string, ZoneDemand> zones; // by zone id
    std::vector<TalentDemand> talent;
};

} // namespace landalloc
