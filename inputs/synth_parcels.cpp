// The synthetic city's candidate parcels (synth_impl.hpp): rotated rectangles inside the
// boundary, denser towards the centre, never overlapping, with land source, year and FAR cap.
#include "core/errors.hpp"
#include "gis/geometry.hpp"
#include "gis/spatial_index.hpp"
#include "inputs/rng.hpp"
#include "inputs/synth_impl.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace landalloc::detail::synth {

using gis::Geometry;
using gis::Point;

SynthParcels place_parcels(const SynthOptions &opt, const SynthLayout &layout, Rng &rng) {
    const double s = layout.s;
    auto at = [&layout](double dx, double dy) { return layout.at(dx, dy); };
    const Geometry &boundary = layout.boundary;
    const std::vector<Point> &sites = layout.sites;
    const std::vector<Geometry> &parks = layout.parks;

    // Candidate parcels: rotated rectangles, denser towards the centre, never overlapping.
    std::vector<ParcelOut> parcels;
    using Box = gis::BgBox;
    gis::bgi::rtree<std::pair<Box, std::size_t>, gis::bgi::rstar<16>> placed;
    const long max_attempts = 60L * opt.parcels + 1000;
    const std::vector<double> year_weights = [&] {
        std::vector<double> w;
        for (int y = opt.first_year; y <= opt.last_year; ++y) {
            w.push_back(y == opt.first_year ? 3.0 : 1.5 - 0.1 * (y - opt.first_year));
        }
        return w;
    }();
    const auto too_many = [&](std::size_t placed_so_far) {
        return UsageError("cannot place " + std::to_string(opt.parcels) +
                          " non-overlapping parcels in the city; placed " +
                          std::to_string(placed_so_far) +
                          " (raise the scale: --scale, inputs.synth.scale)");
    };
    // Every parcel covers at least 3000 m^2 inside the boundary, without overlap: more than the
    // boundary holds is refused before any work.
    constexpr double k_min_parcel_m2 = 3000.0;
    if (static_cast<double>(opt.parcels) * k_min_parcel_m2 > boundary.area()) {
        throw UsageError("cannot place " + std::to_string(opt.parcels) +
                         " non-overlapping parcels of at least 0.3 ha in a city of " +
                         std::to_string(static_cast<long>(boundary.area() / 1e6)) +
                         " km^2 (raise the scale: --scale, inputs.synth.scale)");
    }
    // The share of attempts that place a parcel only falls as the city fills: once the last
    // window's share could not place the parcels left in the attempts left, stop.
    constexpr long k_window = 50000;
    std::size_t placed_at_window = 0;
    double total_area = 0;
    for (long attempt = 0; attempt < max_attempts && static_cast<int>(parcels.size()) < opt.parcels;
         ++attempt) {
        if (attempt > 0 && attempt % k_window == 0) {
            const double rate = static_cast<double>(parcels.size() - placed_at_window) / k_window;
            const double left =
                static_cast<double>(opt.parcels) - static_cast<double>(parcels.size());
            if (rate * static_cast<double>(max_attempts - attempt) < left) {
                throw too_many(parcels.size());
            }
            placed_at_window = parcels.size();
        }
        Point c;
        if (rng.uniform() < 0.65) {
            c = at(rng.normal() * 7000, rng.normal() * 5500);
        } else {
            c = at(rng.uniform(-18000, 18000), rng.uniform(-14000, 14000));
        }
        const double area = std::clamp(12000.0 * std::exp(0.6 * rng.normal()), 3000.0, 80000.0);
        const double aspect = rng.uniform(1.0, 2.2);
        const double w = std::sqrt(area * aspect);
        const double h = area / w;
        const Geometry g = Geometry::rectangle(c, w, h, rng.uniform(-0.35, 0.35));
        if (!boundary.contains(g)) {
            continue;
        }
        const gis::Bounds b = g.bounds();
        const Box box = gis::to_box(b);
        std::vector<std::pair<Box, std::size_t>> hits;
        placed.query(gis::bgi::intersects(box), std::back_inserter(hits));
        bool overlaps = false;
        for (const auto &h2 : hits) {
            if (parcels[h2.second].g.intersects(g)) {
                overlaps = true;
                break;
            }
        }
        if (overlaps) {
            continue;
        }
        const double d = std::hypot(c.x - sites[0].x, c.y - sites[0].y) / s;
        ParcelOut p;
        bool in_park = false;
        for (const auto &pk : parks) {
            if (pk.covers_point(c)) {
                in_park = true;
            }
        }
        if (in_park) {
            p.land_source = "park_supporting";
        } else {
            const std::vector<double> sw = {0.55, d < 6000 ? 0.30 : 0.10, 0.12, 0.08};
            static const std::array<const char *, 4> sources = {"new_state", "renewal",
                                                                "collective", "enterprise_idle"};
            p.land_source = sources[rng.pick(sw)];
        }
        p.first_year = opt.first_year + static_cast<int>(rng.pick(year_weights));
        const double far_hi = d < 6000 ? 3.2 : (d < 11000 ? 2.6 : 2.0);
        p.far_cap = round_to(rng.uniform(far_hi - 1.0, far_hi), 0.1);
        if (p.land_source == "collective" || p.land_source == "enterprise_idle" ||
            p.land_source == "park_supporting") {
            // Collective and enterprise land may carry rental housing only (Nanjing L244).
            p.allowed = "affordable_rental";
        } else if (rng.uniform() < 0.1) {
            p.allowed = "commercial";
        } else {
            p.allowed = "all";
        }
        total_area += g.area();
        placed.insert({box, parcels.size()});
        p.g = g;
        parcels.push_back(std::move(p));
    }
    if (static_cast<int>(parcels.size()) < opt.parcels) {
        throw too_many(parcels.size());
    }
    return {std::move(parcels), total_area};
}

} // namespace landalloc::detail::synth
