// A plan's indicators: per allocated parcel, and per zone and city-wide (balance.cpp,
// commuting.cpp) before and after the plan.

#include "allocation/indicators.hpp"
#include "allocation/indicators_internal.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace landalloc {

namespace {

std::string radius_label(double r) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", r);
    return buf;
}

} // namespace

using indicators_internal::indicators_at;

void add_indicators(Plan &plan, const City &city, const IndicatorOptions &options) {
    // Per parcel, for the allocated parcels only.
    std::vector<XY> at;
    at.reserve(plan.allocations.size());
    for (const Allocation &a : plan.allocations) {
        at.push_back({city.parcels[a.parcel].x, city.parcels[a.parcel].y});
    }
    ParcelIndicators pi = indicators_at(city, at, options);
    std::vector<std::size_t> rows;
    for (const Allocation &a : plan.allocations) {
        rows.push_back(a.parcel);
    }
    indicators_internal::use_street_figures(city, rows, pi); // along the streets, if any
    // Column names from the stations' modes: ASCII and unique ("城际" and "地铁" would both be
    // "dist_______m"); the mode itself is the column's alias.
    const std::vector<std::string> slugs = indicators_internal::mode_slugs(pi.modes);
    for (std::size_t k = 0; k < plan.allocations.size(); ++k) {
        auto &ind = plan.allocations[k].indicators;
        ind.clear();
        for (std::size_t m = 0; m < pi.modes.size(); ++m) {
            ind.push_back({"dist_" + slugs[m] + "_m", pi.nearest_station_m(k, m),
                           slugs[m] == pi.modes[m] ? "" : "dist_" + pi.modes[m] + "_m"});
        }
        for (std::size_t r = 0; r < pi.radii_m.size(); ++r) {
            ind.push_back({"stations_within_" + radius_label(pi.radii_m[r]) + "m",
                           static_cast<double>(pi.within(k, r)), ""});
        }
        ind.push_back({"job_access", pi.job_access[k], ""});
        ind.push_back({"jobs_per_worker", pi.jobs_per_worker[k], ""});
    }

    // Per zone and city-wide.
    std::vector<int> zone_of;
    std::vector<double> units;
    std::vector<double> land;
    for (const Allocation &a : plan.allocations) {
        zone_of.push_back(city.parcels[a.parcel].zone);
        units.push_back(a.units + a.bundled_units); // every dwelling of the site, bundled too
        land.push_back(a.area_m2);
    }
    IndicatorOptions with_streets = options; // excess commuting along the streets, if any
    with_streets.zone_cost_m = city.zone_travel_m;
    JobsHousingResult jh =
        jobs_housing(zone_figures(city, options), zone_of, units, land, with_streets);
    plan.zone_balance = std::move(jh.zones);
    plan.ratio_min = options.ratio_min;
    plan.ratio_max = options.ratio_max;
    plan.balance_before = jh.before;
    plan.balance_after = jh.after;
}

} // namespace landalloc
