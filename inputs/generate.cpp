#include "core/units.hpp"
#include "gis/spatial_index.hpp"
#include "inputs/city.hpp"
#include "inputs/rng.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace landalloc {

namespace {

using detail::Rng;

/// A rectangle of `area` m^2 inside zone `z` clear of `taken`; empty after too many tries.
gis::Geometry place(Rng &rng, const gis::Geometry &zone, double area, double aspect,
                    const std::vector<gis::Geometry> &taken) {
    const gis::Bounds b = zone.bounds();
    for (int attempt = 0; attempt < 200; ++attempt) {
        const gis::Point c{rng.uniform(b.min_x, b.max_x), rng.uniform(b.min_y, b.max_y)};
        if (!zone.covers_point(c)) {
            continue;
        }
        const double w = std::sqrt(area * aspect);
        gis::Geometry g = gis::Geometry::rectangle(c, w, area / w, rng.uniform(-0.4, 0.4));
        if (!zone.contains(g)) {
            continue;
        }
        const gis::Bounds gb = g.bounds();
        bool clear = true;
        for (const auto &t : taken) {
            const gis::Bounds tb = t.bounds();
            if (tb.max_x >= gb.min_x && tb.min_x <= gb.max_x && tb.max_y >= gb.min_y &&
                tb.min_y <= gb.max_y && t.intersects(g)) {
                clear = false;
                break;
            }
        }
        if (clear) {
            return g;
        }
    }
    return {};
}

} // namespace

void generate_in_zones(LoadedCity &loaded, const InputSpec &spec) {
    Rng rng(spec.generate.seed);
    City &city = loaded.city;
    // Parks: in the zones with the most jobs, weighted by jobs.
    std::vector<double> jobs;
    std::vector<double> people;
    for (const auto &z : city.zones) {
        jobs.push_back(std::max(z.jobs, 1.0));
        people.push_back(std::max(z.population, 1.0));
    }
    static const char *const levels[] = {"national", "provincial", "municipal"};
    for (int k = 0; k < spec.generate.parks; ++k) {
        const std::size_t z = rng.pick(jobs);
        gis::Geometry g = place(rng, loaded.zone_geoms[z], rng.uniform(3e6, 8e6),
                                rng.uniform(0.6, 1.6), loaded.park_geoms);
        if (g.is_null()) {
            continue;
        }
        Park p;
        p.id = "GP" + std::to_string(k + 1);
        p.name = city.zones[z].name + "产业园";
        p.level = levels[k % 3];
        p.area_m2 = g.area();
        p.jobs = std::round(ha_from_m2(p.area_m2) * 120); // about 120 jobs a hectare
        const gis::Point c = g.interior_point();
        p.x = c.x;
        p.y = c.y;
        city.parks.push_back(std::move(p));
        loaded.park_geoms.push_back(std::move(g));
    }
    // Parcels: weighted by population, 2-8 ha, first years across the horizon.
    const int first = spec.first_year > 0 ? spec.first_year : 2021;
    const int last = spec.last_year >= first ? spec.last_year : first + 4;
    for (int k = 0; k < spec.generate.parcels; ++k) {
        const std::size_t z = rng.pick(people);
        gis::Geometry g = place(rng, loaded.zone_geoms[z], rng.uniform(2e4, 8e4),
                                rng.uniform(0.5, 2.0), loaded.parcel_geoms);
        if (g.is_null()) {
            continue;
        }
        Parcel p;
        char id[16];
        std::snprintf(id, sizeof id, "G%05d", k + 1);
        p.id = id;
        p.fid = k + 1;
        p.land_source = rng.uniform() < 0.8 ? "new_state" : "collective";
        p.first_year = first + static_cast<int>(rng.uniform() * (last - first + 1));
        p.far_cap = std::round(rng.uniform(1.8, 3.5) * 10) / 10;
        city.parcels.push_back(std::move(p));
        loaded.parcel_geoms.push_back(std::move(g));
    }
}

} // namespace landalloc
