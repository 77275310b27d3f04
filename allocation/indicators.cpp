#include "allocation/indicators.hpp"

#include "core/errors.hpp"

#include <ClpSimplex.hpp>
#include <CoinTypes.hpp>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <numbers>
#include <numeric>

namespace landalloc {

namespace {

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

double dist(double ax, double ay, double bx, double by) {
    const double dx = ax - bx;
    const double dy = ay - by;
    return std::sqrt(dx * dx + dy * dy);
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

double sum_of(const std::vector<double> &v) { return std::accumulate(v.begin(), v.end(), 0.0); }

/// Field-name-safe spelling of a station mode: lower-case letters, digits and '_'.
std::string field_safe(const std::string &s) {
    std::string out;
    for (char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
            out += c;
        } else if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else {
            out += '_';
        }
    }
    return out.empty() ? std::string("other") : out;
}

std::string radius_label(double r) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", r);
    return buf;
}

ZoneSide zone_side(double population, double jobs, double dwellings, const IndicatorOptions &opt) {
    ZoneSide s;
    s.population = population;
    s.jobs = jobs;
    s.dwellings = dwellings;
    s.workers = population * opt.labour_force_rate;
    s.jobs_dwellings = dwellings > 0 ? jobs / dwellings : std::numeric_limits<double>::quiet_NaN();
    s.band = ratio_band(jobs, dwellings, opt.ratio_min, opt.ratio_max);
    return s;
}

/// Mean cost per unit of flow.
double mean_cost(const std::vector<double> &flows, const std::vector<double> &cost) {
    double total = 0;
    double flow = 0;
    for (std::size_t k = 0; k < flows.size(); ++k) {
        total += flows[k] * cost[k];
        flow += flows[k];
    }
    return flow > 0 ? total / flow : 0.0;
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

namespace {

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
        by_mode[field_safe(s.mode)].push_back({s.x, s.y});
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

} // namespace

ParcelIndicators compute_parcel_indicators(const City &city, const IndicatorOptions &options) {
    std::vector<XY> at;
    at.reserve(city.parcels.size());
    for (const Parcel &p : city.parcels) {
        at.push_back({p.x, p.y});
    }
    return indicators_at(city, at, options);
}

std::vector<ZoneFigures> zone_figures(const City &city) {
    std::vector<ZoneFigures> out;
    out.reserve(city.zones.size());
    for (const Zone &z : city.zones) {
        out.push_back({z.x, z.y, z.area_m2, z.jobs, z.dwellings, z.population});
    }
    return out;
}

std::string ratio_band(double jobs, double dwellings, double ratio_min, double ratio_max) {
    if (!(dwellings > 0)) {
        return "";
    }
    const double r = jobs / dwellings;
    if (r < ratio_min) {
        return "below";
    }
    return r > ratio_max ? "above" : "within";
}

double dissimilarity_index(const std::vector<double> &jobs, const std::vector<double> &workers) {
    if (jobs.size() != workers.size()) {
        throw PreconditionError("dissimilarity_index: jobs and workers differ in length");
    }
    const double j = sum_of(jobs);
    const double w = sum_of(workers);
    if (!(j > 0) || !(w > 0)) {
        return 0.0;
    }
    double d = 0;
    for (std::size_t z = 0; z < jobs.size(); ++z) {
        d += std::abs(jobs[z] / j - workers[z] / w);
    }
    return d / 2;
}

std::vector<double> zone_costs(const std::vector<ZoneFigures> &zones) {
    const std::size_t n = zones.size();
    std::vector<double> c(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            if (i == j) {
                const double r = std::sqrt(std::max(zones[i].area_m2, 0.0) / std::numbers::pi);
                c[i * n + j] = 128.0 * r / (45.0 * std::numbers::pi);
            } else {
                c[i * n + j] = dist(zones[i].x, zones[i].y, zones[j].x, zones[j].y);
            }
        }
    }
    return c;
}

TransportSolution solve_transportation(const std::vector<double> &origins,
                                       const std::vector<double> &destinations,
                                       const std::vector<double> &cost) {
    const std::size_t n = origins.size();
    const std::size_t m = destinations.size();
    if (cost.size() != n * m) {
        throw PreconditionError("solve_transportation: cost must have origins x "
                                "destinations entries");
    }
    TransportSolution out;
    out.flows.assign(n * m, 0.0);
    out.total_flow = sum_of(origins);
    const double total_dest = sum_of(destinations);
    if (!(out.total_flow > 0) || !(total_dest > 0)) {
        out.optimal = true;
        return out;
    }

    // Only positive origins and destinations take part. Amounts are shares of the total and
    // costs are in km, which keeps the LP well scaled.
    std::vector<std::size_t> oi;
    std::vector<std::size_t> dj;
    for (std::size_t i = 0; i < n; ++i) {
        if (origins[i] > 0) {
            oi.push_back(i);
        }
    }
    for (std::size_t j = 0; j < m; ++j) {
        if (destinations[j] > 0) {
            dj.push_back(j);
        }
    }
    const int cols = static_cast<int>(oi.size() * dj.size());
    const int rows = static_cast<int>(oi.size() + dj.size());
    std::vector<CoinBigIndex> start;
    std::vector<int> index;
    std::vector<double> value;
    std::vector<double> obj;
    start.reserve(static_cast<std::size_t>(cols) + 1);
    for (std::size_t a = 0; a < oi.size(); ++a) {
        for (std::size_t b = 0; b < dj.size(); ++b) {
            start.push_back(static_cast<CoinBigIndex>(index.size()));
            index.push_back(static_cast<int>(a));
            index.push_back(static_cast<int>(oi.size() + b));
            value.push_back(1.0);
            value.push_back(1.0);
            obj.push_back(cost[oi[a] * m + dj[b]] / 1000.0);
        }
    }
    start.push_back(static_cast<CoinBigIndex>(index.size()));
    const std::vector<double> col_lo(static_cast<std::size_t>(cols), 0.0);
    const std::vector<double> col_hi(static_cast<std::size_t>(cols), COIN_DBL_MAX);
    std::vector<double> row_lo;
    std::vector<double> row_hi;
    for (std::size_t i : oi) { // each origin ships all it has
        row_lo.push_back(origins[i] / out.total_flow);
        row_hi.push_back(origins[i] / out.total_flow);
    }
    for (std::size_t j : dj) { // each destination takes at most its (rescaled) share
        row_lo.push_back(-COIN_DBL_MAX);
        row_hi.push_back(destinations[j] / total_dest);
    }

    ClpSimplex model;
    model.setLogLevel(0);
    model.loadProblem(cols, rows, start.data(), index.data(), value.data(), col_lo.data(),
                      col_hi.data(), obj.data(), row_lo.data(), row_hi.data());
    model.dual();
    out.optimal = model.status() == 0;
    if (!out.optimal) {
        return out;
    }
    const double *x = model.primalColumnSolution();
    for (std::size_t a = 0; a < oi.size(); ++a) {
        for (std::size_t b = 0; b < dj.size(); ++b) {
            const double f = std::max(0.0, x[a * dj.size() + b]) * out.total_flow;
            out.flows[oi[a] * m + dj[b]] = f;
            out.total_cost += f * cost[oi[a] * m + dj[b]];
        }
    }
    return out;
}

std::vector<double> gravity_flows(const std::vector<double> &origins,
                                  const std::vector<double> &destinations,
                                  const std::vector<double> &cost, const DistanceDecay &decay,
                                  CommuteModel model) {
    const std::size_t n = origins.size();
    const std::size_t m = destinations.size();
    if (cost.size() != n * m) {
        throw PreconditionError("gravity_flows: cost must have origins x destinations "
                                "entries");
    }
    std::vector<double> t(n * m, 0.0);
    const double total = sum_of(origins);
    const double total_dest = sum_of(destinations);
    if (!(total > 0) || !(total_dest > 0)) {
        return t;
    }
    std::vector<double> dest(m);
    for (std::size_t j = 0; j < m; ++j) {
        dest[j] = destinations[j] * total / total_dest;
    }
    std::vector<double> f(n * m);
    for (std::size_t k = 0; k < n * m; ++k) {
        f[k] = decay(cost[k]);
    }

    std::vector<double> a(n, 0.0);
    std::vector<double> b(m, 1.0);
    auto balance_origins = [&] {
        for (std::size_t i = 0; i < n; ++i) {
            double s = 0;
            for (std::size_t j = 0; j < m; ++j) {
                s += b[j] * dest[j] * f[i * m + j];
            }
            a[i] = s > 0 ? 1.0 / s : 0.0;
        }
    };
    balance_origins();
    if (model == CommuteModel::doubly_constrained) {
        // Furness (iterative proportional fitting) until destinations match to 1e-10.
        for (int iter = 0; iter < 10000; ++iter) {
            for (std::size_t j = 0; j < m; ++j) {
                double s = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    s += a[i] * origins[i] * f[i * m + j];
                }
                b[j] = s > 0 ? 1.0 / s : 0.0;
            }
            balance_origins();
            double err = 0;
            for (std::size_t j = 0; j < m; ++j) {
                double s = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    s += a[i] * origins[i] * b[j] * dest[j] * f[i * m + j];
                }
                err = std::max(err, std::abs(s - dest[j]));
            }
            if (err <= 1e-10 * total) {
                break;
            }
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < m; ++j) {
            t[i * m + j] = a[i] * origins[i] * b[j] * dest[j] * f[i * m + j];
        }
    }
    return t;
}

ExcessCommuting excess_commuting(const std::vector<double> &workers,
                                 const std::vector<double> &jobs, const std::vector<double> &cost,
                                 const IndicatorOptions &options) {
    ExcessCommuting out;
    const TransportSolution tp = solve_transportation(workers, jobs, cost);
    if (tp.total_flow > 0) {
        out.t_min_m = tp.total_cost / tp.total_flow;
    }
    out.t_obs_m = mean_cost(
        gravity_flows(workers, jobs, cost, options.commute_decay, options.commute_model), cost);
    out.excess = out.t_obs_m > 0 ? (out.t_obs_m - out.t_min_m) / out.t_obs_m : 0.0;
    return out;
}

JobsHousingResult jobs_housing(const std::vector<ZoneFigures> &zones,
                               const std::vector<int> &zone_of,
                               const std::vector<double> &new_units,
                               const std::vector<double> &new_land_m2,
                               const IndicatorOptions &options) {
    const std::size_t n = zones.size();
    JobsHousingResult out;
    out.zones.resize(n);
    for (std::size_t k = 0; k < zone_of.size(); ++k) {
        if (zone_of[k] >= 0 && static_cast<std::size_t>(zone_of[k]) < n) {
            ZoneBalance &zb = out.zones[static_cast<std::size_t>(zone_of[k])];
            zb.new_units += new_units[k];
            zb.new_land_ha += k < new_land_m2.size() ? new_land_m2[k] / 1e4 : 0.0;
        }
    }
    std::vector<double> jobs(n);
    std::vector<double> workers_before(n);
    std::vector<double> workers_after(n);
    for (std::size_t z = 0; z < n; ++z) {
        const ZoneFigures &f = zones[z];
        ZoneBalance &zb = out.zones[z];
        zb.zone = z;
        zb.before = zone_side(f.population, f.jobs, f.dwellings, options);
        zb.after = zone_side(f.population + zb.new_units * options.persons_per_unit, f.jobs,
                             f.dwellings + zb.new_units, options);
        jobs[z] = f.jobs;
        workers_before[z] = zb.before.workers;
        workers_after[z] = zb.after.workers;
    }
    const std::vector<double> cost = zone_costs(zones);
    auto city_side = [&](const std::vector<double> &workers) {
        CityBalance cb;
        cb.dissimilarity = dissimilarity_index(jobs, workers);
        const ExcessCommuting ec = excess_commuting(workers, jobs, cost, options);
        cb.commute_min_m = ec.t_min_m;
        cb.commute_model_m = ec.t_obs_m;
        cb.excess_commuting = ec.excess;
        return cb;
    };
    out.before = city_side(workers_before);
    out.after = city_side(workers_after);
    return out;
}

void add_indicators(Plan &plan, const City &city, const IndicatorOptions &options) {
    // Per parcel, for the allocated parcels only.
    std::vector<XY> at;
    at.reserve(plan.allocations.size());
    for (const Allocation &a : plan.allocations) {
        at.push_back({city.parcels[a.parcel].x, city.parcels[a.parcel].y});
    }
    const ParcelIndicators pi = indicators_at(city, at, options);
    for (std::size_t k = 0; k < plan.allocations.size(); ++k) {
        auto &ind = plan.allocations[k].indicators;
        ind.clear();
        for (std::size_t m = 0; m < pi.modes.size(); ++m) {
            ind.push_back({"dist_" + pi.modes[m] + "_m", pi.nearest_station_m(k, m)});
        }
        for (std::size_t r = 0; r < pi.radii_m.size(); ++r) {
            ind.push_back({"stations_within_" + radius_label(pi.radii_m[r]) + "m",
                           static_cast<double>(pi.within(k, r))});
        }
        ind.push_back({"job_access", pi.job_access[k]});
        ind.push_back({"jobs_per_worker", pi.jobs_per_worker[k]});
    }

    // Per zone and city-wide.
    std::vector<int> zone_of;
    std::vector<double> units;
    std::vector<double> land;
    for (const Allocation &a : plan.allocations) {
        zone_of.push_back(city.parcels[a.parcel].zone);
        units.push_back(a.units);
        land.push_back(a.area_m2);
    }
    JobsHousingResult jh = jobs_housing(zone_figures(city), zone_of, units, land, options);
    plan.zone_balance = std::move(jh.zones);
    plan.ratio_min = options.ratio_min;
    plan.ratio_max = options.ratio_max;
    plan.balance_before = jh.before;
    plan.balance_after = jh.after;
}

} // namespace landalloc
