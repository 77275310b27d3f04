// Commuting: zone-to-zone costs, the minimum-cost transportation LP (COIN-OR Clp), gravity
// (singly or doubly constrained) flows and the excess-commuting indicator.

#include "allocation/indicators.hpp"
#include "allocation/indicators_internal.hpp"

#include "core/errors.hpp"

#include <ClpSimplex.hpp>
#include <CoinTypes.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace landalloc {

namespace {

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

using indicators_internal::dist;
using indicators_internal::sum_of;

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

} // namespace landalloc
