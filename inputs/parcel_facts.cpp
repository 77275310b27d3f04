#include "core/parallel.hpp"
#include "gis/spatial_index.hpp"
#include "inputs/city.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <utility>

namespace landalloc {

namespace {

/// Sorts `items` (and `geoms` alongside, when not null) by `key`, stably.
template <class T, class Key>
void sort_by(std::vector<T> &items, std::vector<gis::Geometry> *geoms, Key key) {
    std::vector<std::size_t> order(items.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key(items[a]) < key(items[b]); });
    std::vector<T> sorted;
    sorted.reserve(items.size());
    std::vector<gis::Geometry> sorted_geoms;
    for (std::size_t i : order) {
        sorted.push_back(std::move(items[i]));
        if (geoms) {
            sorted_geoms.push_back(std::move((*geoms)[i]));
        }
    }
    items = std::move(sorted);
    if (geoms) {
        *geoms = std::move(sorted_geoms);
    }
}

/// What one worker of the parcel facts measures the parcels against: the city's zones, parks and
/// constraints, or (`copy`) its own copies of them, so that no two threads share a GEOS geometry
/// (GEOS caches a geometry's envelope on first use); with the zones' cover index, and the zones
/// and constraints prepared (each prepared geometry builds its index on first use, by the worker
/// that uses it), so a parcel inside its zone, or clear of a constraint, needs no overlay.
struct Against {
    struct Copies {
        std::vector<gis::Geometry> zones, parks, constraints;
    };
    Copies own; // empty unless `copy`

    const std::vector<gis::Geometry> &zones, &parks, &constraints;
    const gis::PolygonIndex cover;
    const std::vector<gis::PreparedGeometry> prepared_zones, prepared_constraints;

    Against(const gis::CityGeometry &city, bool copy)
        : own(copy ? Copies{city.zone_geoms, city.park_geoms, city.constraint_geoms} : Copies{}),
          zones(copy ? own.zones : city.zone_geoms), parks(copy ? own.parks : city.park_geoms),
          constraints(copy ? own.constraints : city.constraint_geoms), cover(zones),
          prepared_zones(prepared(zones)), prepared_constraints(prepared(constraints)) {}
    Against(const Against &) = delete;
    Against &operator=(const Against &) = delete;

    static std::vector<gis::PreparedGeometry> prepared(const std::vector<gis::Geometry> &geoms) {
        std::vector<gis::PreparedGeometry> out;
        out.reserve(geoms.size());
        for (const gis::Geometry &g : geoms) {
            out.emplace_back(g);
        }
        return out;
    }
};

double round_to_step(double v, double step) {
    return std::isfinite(v) ? std::round(v / step) * step : v;
}

} // namespace

void canonical_order(LoadedCity &c) {
    sort_by(c.city.zones, &c.zone_geoms, [](const Zone &z) { return z.id; });
    sort_by(c.city.stations, nullptr, [](const Station &s) { return s.id; });
    sort_by(c.city.parks, &c.park_geoms, [](const Park &p) { return p.id; });
    sort_by(c.city.constraints, &c.constraint_geoms,
            [](const Constraint &k) { return std::make_pair(k.layer, k.id); });
    sort_by(c.city.parcels, &c.parcel_geoms, [](const Parcel &p) { return p.id; });
}

void compute_parcel_facts(LoadedCity &loaded, const InputSpec &spec) {
    City &city = loaded.city;
    const gis::BoxIndex zone_index(loaded.zone_geoms);
    const gis::PolygonIndex zone_cover(loaded.zone_geoms);
    const gis::BoxIndex park_index(loaded.park_geoms);
    const gis::BoxIndex constraint_index(loaded.constraint_geoms);
    std::vector<gis::Point> station_points;
    station_points.reserve(city.stations.size());
    for (const auto &s : city.stations) {
        station_points.push_back({s.x, s.y});
    }
    const gis::PointIndex station_index(station_points);

    // Zones sharing a boundary (within 1 m, so real data's slivers and gaps do not split them).
    constexpr double k_touch_m = 1.0;
    city.zone_neighbours.assign(city.zones.size(), {});
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        gis::Bounds b = loaded.zone_geoms[z].bounds();
        b.min_x -= k_touch_m;
        b.min_y -= k_touch_m;
        b.max_x += k_touch_m;
        b.max_y += k_touch_m;
        for (std::size_t w : zone_index.query(b)) {
            if (w != z && loaded.zone_geoms[z].distance(loaded.zone_geoms[w]) <= k_touch_m) {
                city.zone_neighbours[z].push_back(static_cast<int>(w));
            }
        }
        std::sort(city.zone_neighbours[z].begin(), city.zone_neighbours[z].end());
    }

    // Parks: the zone holding each park's point (its jobs count there for jobs-housing balance).
    for (Park &park : city.parks) {
        if (const std::size_t z = zone_cover.covering({park.x, park.y});
            z != gis::PolygonIndex::npos) {
            park.zone = static_cast<int>(z);
        }
    }
    // Each park's gates onto the streets: the street nodes inside its polygon.
    if (!city.streets.empty() && !city.parks.empty()) {
        const gis::PolygonIndex park_cover(loaded.park_geoms);
        for (std::size_t n = 0; n < city.streets.nodes.size(); ++n) {
            const StreetNode &node = city.streets.nodes[n];
            if (const std::size_t k = park_cover.covering({node.x, node.y});
                k != gis::PolygonIndex::npos) {
                city.parks[k].street_nodes.push_back(static_cast<int>(n));
            }
        }
    }

    // The parcels' facts, each parcel alone, on every core (core/parallel.hpp), each worker
    // against its own Against.
    constexpr std::size_t k_grain = 512;
    std::deque<Against> against; // not moved once made: it holds references into itself
    for (unsigned w = 0; w < workers(city.parcels.size(), k_grain); ++w) {
        against.emplace_back(loaded, w > 0);
    }
    loaded.parcel_outside_zone_share.assign(city.parcels.size(), 0.0);
    parallel_for(city.parcels.size(), k_grain, [&](unsigned worker, std::size_t i) {
        const Against &w = against[worker]; // this worker's
        Parcel &p = city.parcels[i];
        const gis::Geometry &g = loaded.parcel_geoms[i];
        p.area_m2 = g.area();
        const gis::Point ip = g.interior_point();
        p.x = ip.x;
        p.y = ip.y;

        // Zone: the one holding most of the parcel's area. A parcel whose box meets one zone's
        // box only lies in the zone holding its interior point (lowest index on shared edges);
        // one that may straddle zones goes to the zone of the largest intersection (ties: that
        // of the interior point, else the lowest index), and the share outside it is recorded.
        if (const std::size_t z = w.cover.covering(ip); z != gis::PolygonIndex::npos) {
            p.zone = static_cast<int>(z);
        }
        loaded.parcel_outside_zone_share[i] = 0;
        // A parcel wholly inside the zone of its interior point (most are) lies in no other.
        if (const auto near = zone_index.query(g.bounds());
            near.size() > 1 && p.area_m2 > 0 &&
            !(p.zone != k_none && w.prepared_zones[static_cast<std::size_t>(p.zone)].covers(g))) {
            double best = p.zone != k_none ? w.zones[p.zone].intersection_area(g) : -1;
            for (const std::size_t z : near) {
                if (static_cast<int>(z) == p.zone) {
                    continue;
                }
                const double a = w.zones[z].intersection_area(g);
                if (a > best * (1 + 1e-9) + 1e-6) {
                    best = a;
                    p.zone = static_cast<int>(z);
                }
            }
            if (best > 0) {
                loaded.parcel_outside_zone_share[i] = std::max(0.0, 1.0 - best / p.area_m2);
            }
        }

        // Stations: nearest and count within the radius, from the interior point.
        auto [si, sd] = station_index.nearest(ip);
        if (si != gis::PointIndex::npos) {
            p.nearest_station = static_cast<int>(si);
            p.station_distance_m = sd;
            p.stations_within_800m =
                static_cast<int>(station_index.within(ip, spec.station_radius_m).size());
        }

        // Parks: polygon-to-polygon distance over the nearest few by box distance.
        for (std::size_t k : park_index.nearest(ip, 4)) {
            const double d = w.parks[k].distance(g);
            if (d < p.park_distance_m) {
                p.park_distance_m = d;
                p.nearest_park = static_cast<int>(k);
            }
        }
        if (p.nearest_park != k_none) {
            p.in_park = w.parks[static_cast<std::size_t>(p.nearest_park)].covers_point(ip);
        }

        // Constraints: exact overlap areas.
        double best_exclusion = 0;
        for (std::size_t c : constraint_index.query(g.bounds())) {
            if (!w.prepared_constraints[c].intersects(g)) {
                continue; // no overlap: no area to measure
            }
            const double a = w.constraints[c].intersection_area(g);
            if (a <= 0) {
                continue;
            }
            const Constraint &con = city.constraints[c];
            if (con.effect == ConstraintEffect::exclude) {
                p.excluded_overlap_m2 += a;
                if (a > best_exclusion) {
                    best_exclusion = a;
                    p.excluded_by = static_cast<int>(c);
                }
            } else {
                p.capped_share += a / p.area_m2;
                if (a / p.area_m2 >= spec.cap_min_share && con.max_far < p.cap_far) {
                    p.cap_far = con.max_far;
                    p.capped_by = static_cast<int>(c);
                }
            }
        }
        if (p.excluded_overlap_m2 < spec.exclude_min_overlap_m2) {
            p.excluded_overlap_m2 = 0;
            p.excluded_by = k_none;
        }
        // Facts are kept to a centimetre (areas to 0.01 m2): far below survey precision, and
        // the same city read from another format or CRS (whose coordinates differ in the last
        // bits after reprojection) then gives identical facts and so the same plan.
        p.area_m2 = round_to_step(p.area_m2, 0.01);
        p.station_distance_m = round_to_step(p.station_distance_m, 0.01);
        p.park_distance_m = round_to_step(p.park_distance_m, 0.01);
        p.excluded_overlap_m2 = round_to_step(p.excluded_overlap_m2, 0.01);
    });
}

} // namespace landalloc
