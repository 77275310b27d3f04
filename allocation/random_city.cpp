#include "allocation/random_city.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace landalloc {

namespace {
/// Uniform [0, 1) from the engine's bits (the standard distributions are implementation-defined).
double uniform(std::mt19937_64 &rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
double normal(std::mt19937_64 &rng) {
    const double u1 = std::max(uniform(rng), 1e-300);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * uniform(rng));
}
} // namespace

City random_city(const RandomCityOptions &o) {
    std::mt19937_64 rng(o.seed);
    City city;
    city.crs = "EPSG:4549";
    const char *classes[] = {"priority_expansion", "moderate", "stock_upgrading"};
    for (std::size_t z = 0; z < o.zones; ++z) {
        Zone zone;
        zone.id = "Z" + std::to_string(z + 1);
        zone.name = zone.id;
        // About 730 residents per candidate parcel, as in the example city (2.2 million people,
        // 3,000 parcels), so the plan's new housing stays in proportion to the zones' stock.
        const double mean_pop =
            730.0 * static_cast<double>(o.parcels) / static_cast<double>(o.zones);
        zone.population = std::round(mean_pop * (0.5 + uniform(rng)));
        zone.jobs = std::round(zone.population * (0.35 + 0.45 * uniform(rng)));
        zone.dwellings = std::round(zone.population / 2.6);
        zone.zone_class = classes[z % 3];
        zone.destock_months = std::round(4 + 26 * uniform(rng));
        city.zones.push_back(zone);
    }
    city.constraints.push_back(
        {"ECO-1", "ecological_redline", "constraints", ConstraintEffect::exclude, k_inf});
    const int years = o.last_year - o.first_year + 1;
    city.parcels.reserve(o.parcels);
    for (std::size_t i = 0; i < o.parcels; ++i) {
        Parcel p;
        char id[32];
        std::snprintf(id, sizeof id, "R%07zu", i + 1);
        p.id = id;
        p.fid = static_cast<std::int64_t>(i + 1);
        p.area_m2 = std::clamp(12000.0 * std::exp(0.6 * normal(rng)), 3000.0, 80000.0);
        p.zone = static_cast<int>(
            static_cast<std::size_t>(uniform(rng) * static_cast<double>(o.zones)) % o.zones);
        p.x = 400000 + 30000 * uniform(rng);
        p.y = 3800000 + 30000 * uniform(rng);
        p.station_distance_m = 3000 * uniform(rng) * uniform(rng) + 50;
        p.nearest_station = 0;
        p.park_distance_m = 6000 * uniform(rng);
        p.nearest_park = 0;
        p.in_park = p.park_distance_m < 300;
        // Early years have more land on offer.
        const double u = uniform(rng);
        p.first_year = o.first_year + std::min(years - 1, static_cast<int>(u * u * years));
        p.far_cap = std::round((1.2 + 2.0 * uniform(rng)) * 10) / 10;
        p.land_source = "new_state";
        if (uniform(rng) < o.excluded_share) {
            p.excluded_by = 0;
            p.excluded_overlap_m2 = p.area_m2 * 0.3;
        }
        if (uniform(rng) < o.rental_only_share) {
            p.allowed_types = {"affordable_rental"};
            p.land_source = "collective";
        }
        city.parcels.push_back(std::move(p));
    }
    return city;
}

} // namespace landalloc
