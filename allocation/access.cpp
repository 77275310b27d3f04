// Per-parcel access indicators: distance to and count of stations by mode, gravity access to
// jobs, two-step floating catchment (2SFCA) jobs per worker.

#include "allocation/indicators.hpp"
#include "allocation/indicators_internal.hpp"

#include "core/errors.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>

namespace landalloc {

namespace {

using indicators_internal::dist;

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;
using Entry = std::pair<BPoint, std::uint32_t>;
using Tree = bgi::rtree<Entry, bgi::quadratic<16>>;

/// Bulk-loads (packs) the points into an R-tree holding their positions in `points`.
template <class P> Tree make_tree(const std::vector<P> &points) {
    std::vector<Entry> entries;
    entries.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        entries.emplace_back(BPoint(points[i].x, points[i].y), static_cast<std::uint32_t>(i));
    }
    return Tree(entries.begin(), entries.end());
}

/// Calls f(index, distance) for every point of `tree` within `radius` of (x, y).
template <class F> void for_each_within(const Tree &tree, double x, double y, double radius, F f) {
    const BBox box(BPoint(x - radius, y - radius), BPoint(x + radius, y + radius));
    tree.query(bgi::intersects(box), boost::make_function_output_iterator([&](const Entry &e) {
                   const double d = dist(x, y, bg::get<0>(e.first), bg::get<1>(e.first));
                   if (d <= radius) {
                       f(e.second, d);
                   }
               }));
}

/// Distance from (x, y) to the nearest point of `tree`; inf when empty.
double nearest_distance(const Tree &tree, double x, double y) {
    double best = k_inf;
    tree.query(bgi::nearest(BPoint(x, y), 1),
               boost::make_function_output_iterator([&](const Entry &e) {
                   best = dist(x, y, bg::get<0>(e.first), bg::get<1>(e.first));
               }));
    return best;
}

} // namespace

double DistanceDecay::operator()(double d) const {
    if (kind == DecayKind::exponential) {
        return std::exp(-d / scale_m);
    }
    return std::pow(std::max(d, min_distance_m) / min_distance_m, -beta);
}

std::vector<SitePoint> job_sites(const City &city, const IndicatorOptions &options) {
    std::vector<SitePoint> out;
    for (const Zone &z : city.zones) {
        if (z.jobs > 0) {
            out.push_back({z.x, z.y, z.jobs});
        }
    }
    if (options.park_jobs) {
        for (const Park &p : city.parks) {
            if (p.jobs > 0) {
                out.push_back({p.x, p.y, p.jobs});
            }
        }
    }
    return out;
}

std::vector<SitePoint> worker_sites(const City &city, const IndicatorOptions &options) {
    std::vector<SitePoint> out;
    for (const Zone &z : city.zones) {
        if (z.population > 0) {
            out.push_back({z.x, z.y, z.population * options.labour_force_rate});
        }
    }
    return out;
}

std::vector<double> gravity_access(const std::vector<XY> &at, const std::vector<SitePoint> &jobs,
                                   const DistanceDecay &decay) {
    if (!std::isfinite(decay.cutoff_m)) {
        throw PreconditionError("gravity_access: the decay's cut-off must be finite");
    }
    const Tree tree = make_tree(jobs);
    std::vector<double> out(at.size(), 0.0);
    for (std::size_t i = 0; i < at.size(); ++i) {
        double a = 0;
        for_each_within(tree, at[i].x, at[i].y, decay.cutoff_m,
                        [&](std::uint32_t j, double d) { a += jobs[j].weight * decay(d); });
        out[i] = a;
    }
    return out;
}

std::vector<double> fca_supply_ratios(const std::vector<SitePoint> &supply,
                                      const std::vector<SitePoint> &demand, double catchment_m) {
    const Tree tree = make_tree(demand);
    std::vector<double> ratio(supply.size(), 0.0);
    for (std::size_t j = 0; j < supply.size(); ++j) {
        double p = 0;
        for_each_within(tree, supply[j].x, supply[j].y, catchment_m,
                        [&](std::uint32_t k, double) { p += demand[k].weight; });
        ratio[j] = p > 0 ? supply[j].weight / p : 0.0;
    }
    return ratio;
}

std::vector<double> two_step_fca(const std::vector<XY> &at, const std::vector<SitePoint> &supply,
                                 const std::vector<SitePoint> &demand, double catchment_m) {
    const std::vector<double> ratio = fca_supply_ratios(supply, demand, catchment_m);
    const Tree tree = make_tree(supply);
    std::vector<double> out(at.size(), 0.0);
    for (std::size_t i = 0; i < at.size(); ++i) {
        double a = 0;
        for_each_within(tree, at[i].x, at[i].y, catchment_m,
                        [&](std::uint32_t j, double) { a += ratio[j]; });
        out[i] = a;
    }
    return out;
}

namespace indicators_internal {

std::vector<std::string> mode_slugs(const std::vector<std::string> &modes) {
    std::vector<std::string> out;
    for (std::size_t k = 0; k < modes.size(); ++k) {
        const std::string &v = modes[k];
        const bool ascii = std::all_of(v.begin(), v.end(),
                                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        std::string slug;
        for (const char ch : v) {
            const auto c = static_cast<unsigned char>(ch);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
                slug += static_cast<char>(c);
            } else if (c >= 'A' && c <= 'Z') {
                slug += static_cast<char>(c - 'A' + 'a');
            } else if (ascii) {
                slug += '_';
            } else if (!slug.empty() && slug.back() != '_') {
                slug += '_'; // a run of other bytes (a Chinese word) is one '_'
            }
        }
        if (!ascii) {
            while (!slug.empty() && slug.back() == '_') {
                slug.pop_back();
            }
            if (slug.empty()) {
                slug = "mode" + std::to_string(k + 1);
            }
        } else if (slug.empty()) {
            slug = "other";
        }
        const std::string base = slug;
        for (int n = 2; std::find(out.begin(), out.end(), slug) != out.end(); ++n) {
            slug = base + "_" + std::to_string(n);
        }
        out.push_back(slug);
    }
    return out;
}

void use_street_figures(const City &city, const std::vector<std::size_t> &parcel_of_row,
                        ParcelIndicators &pi) {
    if (!city.street_job_access.empty()) {
        for (std::size_t k = 0; k < parcel_of_row.size(); ++k) {
            pi.job_access[k] = city.street_job_access[parcel_of_row[k]];
            pi.jobs_per_worker[k] = city.street_jobs_per_worker[parcel_of_row[k]];
        }
    }
    // The station figures, when computed for the same modes and radii.
    if (city.street_station_m.empty() || city.street_station_modes != pi.modes ||
        city.street_station_radii_m != pi.radii_m) {
        return;
    }
    const std::size_t nm = pi.modes.size();
    const std::size_t nr = pi.radii_m.size();
    for (std::size_t k = 0; k < parcel_of_row.size(); ++k) {
        const std::size_t i = parcel_of_row[k];
        for (std::size_t m = 0; m < nm; ++m) {
            pi.station_distance_m[k * nm + m] = city.street_station_m[i * nm + m];
        }
        for (std::size_t r = 0; r < nr; ++r) {
            pi.stations_within[k * nr + r] = city.street_stations_within[i * nr + r];
        }
    }
}

ParcelIndicators indicators_at(const City &city, const std::vector<XY> &at,
                               const IndicatorOptions &opt) {
    ParcelIndicators out;
    out.n = at.size();
    out.radii_m = opt.station_radii_m;

    // Stations open by the stated year (0: all), split by mode.
    std::vector<XY> all;
    std::map<std::string, std::vector<XY>> by_mode;
    for (const Station &s : city.stations) {
        if (opt.stations_open_by != 0 && s.opening_year > opt.stations_open_by) {
            continue;
        }
        all.push_back({s.x, s.y});
        by_mode[s.mode].push_back({s.x, s.y});
    }
    std::vector<Tree> mode_trees;
    for (const auto &[mode, points] : by_mode) {
        out.modes.push_back(mode);
        mode_trees.push_back(make_tree(points));
    }
    const Tree all_tree = make_tree(all);
    const std::size_t nm = out.modes.size();
    const std::size_t nr = out.radii_m.size();
    const double max_radius =
        out.radii_m.empty() ? 0.0 : *std::max_element(out.radii_m.begin(), out.radii_m.end());

    out.station_distance_m.assign(out.n * nm, k_inf);
    out.stations_within.assign(out.n * nr, 0);
    for (std::size_t i = 0; i < out.n; ++i) {
        for (std::size_t m = 0; m < nm; ++m) {
            out.station_distance_m[i * nm + m] = nearest_distance(mode_trees[m], at[i].x, at[i].y);
        }
        if (nr > 0) {
            int *counts = &out.stations_within[i * nr];
            for_each_within(all_tree, at[i].x, at[i].y, max_radius, [&](std::uint32_t, double d) {
                for (std::size_t r = 0; r < nr; ++r) {
                    counts[r] += d <= out.radii_m[r] ? 1 : 0;
                }
            });
        }
    }

    const std::vector<SitePoint> jobs = job_sites(city, opt);
    out.job_access = gravity_access(at, jobs, opt.decay);
    out.jobs_per_worker = two_step_fca(at, jobs, worker_sites(city, opt), opt.catchment_m);
    return out;
}

} // namespace indicators_internal

using indicators_internal::indicators_at;

ParcelIndicators compute_parcel_indicators(const City &city, const IndicatorOptions &options) {
    std::vector<XY> at;
    at.reserve(city.parcels.size());
    for (const Parcel &p : city.parcels) {
        at.push_back({p.x, p.y});
    }
    ParcelIndicators out = indicators_at(city, at, options);
    std::vector<std::size_t> rows(city.parcels.size());
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    indicators_internal::use_street_figures(city, rows, out); // along the streets, if any
    return out;
}

} // namespace landalloc
