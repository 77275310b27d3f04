#include "allocation/heuristic.hpp"

#include "allocation/greedy.hpp"
#include "allocation/milp.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace landalloc {

namespace {

constexpr std::int64_t k_free = -1;

/// The search state: which column each parcel uses, supplies per row, units per zone and the
/// left-hand sides of the side rows.
class State {
  public:
    State(const Model &m, const std::vector<std::uint32_t> &chosen)
        : m_m(m), m_assigned(m.n_parcels(), k_free), m_supply(m.rows.size(), 0.0),
          m_units(m.zones.size(), 0.0), m_side(m.side_rows.size(), 0.0) {
        for (std::uint32_t c : chosen) {
            apply_add(c);
        }
    }

    std::int64_t assigned(std::uint32_t parcel) const { return m_assigned[parcel]; }

    /// Objective change of removing column `out` (or none: -1) and adding `in` (or none).
    double delta(std::int64_t out, std::int64_t in) const {
        double d = 0;
        // Rows and zones touched (at most four rows: each column's own and bundled row).
        std::uint32_t rows[4];
        double row_change[4];
        int nr = 0;
        std::int32_t zones[2];
        double zone_change[2];
        int nz = 0;
        m_side_touched.clear();
        auto touch_row = [&](std::uint32_t row, double change) {
            int r = 0;
            while (r < nr && rows[r] != row) {
                ++r;
            }
            if (r == nr) {
                rows[nr] = row;
                row_change[nr++] = 0;
            }
            row_change[r] += change;
        };
        auto touch_zone = [&](std::uint32_t zone, double change) {
            const auto zi = static_cast<std::int32_t>(zone);
            int z = 0;
            while (z < nz && zones[z] != zi) {
                ++z;
            }
            if (z == nz) {
                zones[nz] = zi;
                zone_change[nz++] = 0;
            }
            zone_change[z] += change;
        };
        auto touch_side = [&](std::uint32_t row, double change) {
            auto s = m_side_touched.begin();
            while (s != m_side_touched.end() && s->first != row) {
                ++s;
            }
            if (s == m_side_touched.end()) {
                m_side_touched.emplace_back(row, change);
            } else {
                s->second += change;
            }
        };
        auto touch = [&](std::uint32_t ci, double sign) {
            for_each_coefficient(m_m, ci, [&](RowKind kind, std::uint32_t i, double a) {
                switch (kind) {
                case RowKind::target:
                case RowKind::bundle:
                    touch_row(i, sign * a);
                    break;
                case RowKind::zone:
                    touch_zone(i, sign * a);
                    break;
                case RowKind::side:
                    touch_side(i, sign * a);
                    break;
                }
            });
            d += sign * m_m.columns[ci].value;
        };
        if (out >= 0) {
            touch(static_cast<std::uint32_t>(out), -1.0);
        }
        if (in >= 0) {
            touch(static_cast<std::uint32_t>(in), +1.0);
        }
        for (int r = 0; r < nr; ++r) {
            const TargetRow &row = m_m.rows[rows[r]];
            const double s0 = m_supply[rows[r]];
            const double s1 = s0 + row_change[r];
            if (row_change[r] > 0 && s1 > row.U * (1 + 1e-12) + 1e-9) {
                return -std::numeric_limits<double>::infinity(); // infeasible
            }
            d += row_cost(row, s0) - row_cost(row, s1);
        }
        for (int z = 0; z < nz; ++z) {
            const auto zi = static_cast<std::size_t>(zones[z]);
            d += zone_cost(m_m, zi, m_units[zi]) - zone_cost(m_m, zi, m_units[zi] + zone_change[z]);
        }
        for (const auto &[row, change] : m_side_touched) {
            const SideRow &sr = m_m.side_rows[row];
            d += side_cost(sr, m_side[row]) - side_cost(sr, m_side[row] + change);
        }
        return d;
    }

    void apply_add(std::uint32_t c) { apply(c, +1.0); }
    void apply_remove(std::uint32_t c) { apply(c, -1.0); }

    std::vector<std::uint32_t> chosen() const {
        std::vector<std::uint32_t> out;
        for (std::int64_t c : m_assigned) {
            if (c >= 0) {
                out.push_back(static_cast<std::uint32_t>(c));
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }

  private:
    void apply(std::uint32_t c, double sign) {
        m_assigned[m_m.columns[c].parcel] = sign > 0 ? static_cast<std::int64_t>(c) : k_free;
        add_coefficients(m_m, c, sign, m_supply, m_units, m_side);
    }

    const Model &m_m;
    std::vector<std::int64_t> m_assigned;
    std::vector<double> m_supply;
    std::vector<double> m_units;
    std::vector<double> m_side;
    mutable std::vector<std::pair<std::uint32_t, double>> m_side_touched; // scratch of delta
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int improve(const Model &m, std::vector<std::uint32_t> &chosen, const HeuristicOptions &opt) {
    std::vector<std::vector<std::uint32_t>> by_row(m.rows.size());
    for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
        by_row[m.columns[ci].row].push_back(ci);
    }
    for (auto &cols : by_row) {
        sort_by_density(m, cols);
    }
    // The same columns split by zone, so swaps try the best of every zone.
    std::vector<std::vector<std::vector<std::uint32_t>>> by_row_zone(m.rows.size());
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        by_row_zone[r].resize(m.zones.size() + 1);
        for (std::uint32_t c : by_row[r]) {
            const int z = m.columns[c].zone;
            by_row_zone[r][z >= 0 ? static_cast<std::size_t>(z) : m.zones.size()].push_back(c);
        }
    }
    State st(m, chosen);
    const double eps = 1e-9;
    int moves = 0;
    // Per zone, so the swaps of a pass cost about the same however many zones there are.
    const int pool = std::max(2, opt.swap_pool / static_cast<int>(m.zones.size() + 1));
    double objective = evaluate(m, chosen).objective;
    // Large instances get fewer passes: about `pass_column_budget` column visits in all.
    const double budget_passes =
        opt.pass_column_budget / std::max(1.0, static_cast<double>(m.columns.size()));
    const int passes = std::clamp(static_cast<int>(budget_passes), 2, opt.max_passes);
    for (int pass = 0; pass < passes; ++pass) {
        int pass_moves = 0;
        for (std::size_t r = 0; r < m.rows.size(); ++r) {
            const auto &cols = by_row[r];
            // Add: free parcels, best density first.
            for (std::uint32_t c : cols) {
                if (st.assigned(m.columns[c].parcel) == k_free && st.delta(-1, c) > eps) {
                    st.apply_add(c);
                    ++pass_moves;
                }
            }
            // Drop, and move to another column of the same parcel (another year or type).
            for (std::uint32_t c : cols) {
                const std::uint32_t p = m.columns[c].parcel;
                if (st.assigned(p) != static_cast<std::int64_t>(c)) {
                    continue;
                }
                double best = st.delta(c, -1);
                std::int64_t best_in = -1;
                for (std::uint32_t o = m.parcel_start[p]; o < m.parcel_start[p + 1]; ++o) {
                    if (o != c) {
                        const double d = st.delta(c, o);
                        if (d > best) {
                            best = d;
                            best_in = o;
                        }
                    }
                }
                if (best > eps) {
                    st.apply_remove(c);
                    if (best_in >= 0) {
                        st.apply_add(static_cast<std::uint32_t>(best_in));
                    }
                    ++pass_moves;
                }
            }
            // Swap: a chosen column of this row for one of the best free ones of each zone.
            std::vector<std::uint32_t> in_row;
            for (std::uint32_t c : cols) {
                if (st.assigned(m.columns[c].parcel) == static_cast<std::int64_t>(c)) {
                    in_row.push_back(c);
                }
            }
            // The best free columns of each zone, found once per row and pass (a scan per swap
            // would walk past every chosen column each time: quadratic on large instances).
            std::vector<std::vector<std::uint32_t>> free_top(by_row_zone[r].size());
            for (std::size_t z = 0; z < by_row_zone[r].size(); ++z) {
                for (std::uint32_t c : by_row_zone[r][z]) {
                    if (free_top[z].size() >= static_cast<std::size_t>(2 * pool)) {
                        break;
                    }
                    if (st.assigned(m.columns[c].parcel) == k_free) {
                        free_top[z].push_back(c);
                    }
                }
            }
            for (auto it = in_row.rbegin(); it != in_row.rend(); ++it) {
                const std::uint32_t out = *it;
                if (st.assigned(m.columns[out].parcel) != static_cast<std::int64_t>(out)) {
                    continue;
                }
                double best = eps;
                std::int64_t best_in = -1;
                for (const auto &zone_cols : free_top) {
                    int tried = 0;
                    for (std::uint32_t c : zone_cols) {
                        if (tried >= pool) {
                            break;
                        }
                        if (st.assigned(m.columns[c].parcel) != k_free) {
                            continue;
                        }
                        ++tried;
                        const double d = st.delta(out, c);
                        if (d > best) {
                            best = d;
                            best_in = c;
                        }
                    }
                }
                if (best_in >= 0) {
                    st.apply_remove(out);
                    st.apply_add(static_cast<std::uint32_t>(best_in));
                    ++pass_moves;
                }
            }
        }
        moves += pass_moves;
        if (pass_moves == 0) {
            break;
        }
        // Stop when a pass gains too little to be worth another (deterministic, unlike a clock).
        const double now = evaluate(m, st.chosen()).objective;
        const bool small = now - objective < opt.min_pass_gain * std::max(std::abs(now), 1.0);
        objective = now;
        if (small) {
            break;
        }
    }
    chosen = st.chosen();
    return moves;
}

double lagrangian_bound(const Model &m, double lower, int iterations) {
    const std::size_t R = m.rows.size();
    const std::size_t Z = m.zones.size();
    // Multipliers: alpha (supply <= T + over), beta (supply + short >= L), gamma (supply <= U),
    // delta (under), phi (surplus); boxed by the costs of the slack they price.
    std::vector<double> alpha(R, 0.0), beta(R, 0.0), gamma(R, 0.0), delta(Z, 0.0), phi(Z, 0.0);
    std::vector<double> supply(R), units(Z);
    // Side rows: mu (lhs - viol <= rhs), boxed by the violation cost; scaled by the larger of
    // |rhs| and the row's total |a| times the share of the offer the targets take (about the
    // size of the row's left-hand side in a plan, as T is for a target row).
    const std::size_t S = m.side_rows.size();
    std::vector<double> mu(S, 0.0), lhs(S), side_scale(S, 0.0);
    double offered = 0;
    double wanted = 0;
    for (const Column &c : m.columns) {
        offered += c.q / m.rows[c.row].T;
    }
    wanted = static_cast<double>(R);
    const double take = offered > 0 ? std::min(1.0, wanted / offered) : 1.0;
    for (const SideEntry &e : m.side_entries) {
        side_scale[e.row] += take * std::abs(e.a);
    }
    for (std::size_t s = 0; s < S; ++s) {
        side_scale[s] = std::max({std::abs(m.side_rows[s].rhs), side_scale[s], 1e-9});
    }
    double best = std::numeric_limits<double>::infinity();
    double theta = 2.0;
    int since_improved = 0;
    for (int it = 0; it <= iterations; ++it) {
        std::fill(supply.begin(), supply.end(), 0.0);
        std::fill(units.begin(), units.end(), 0.0);
        std::fill(lhs.begin(), lhs.end(), 0.0);
        double value = 0;
        for (std::size_t i = 0; i < m.n_parcels(); ++i) {
            double top = 0;
            std::int64_t arg = -1;
            for (std::uint32_t c = m.parcel_start[i]; c < m.parcel_start[i + 1]; ++c) {
                double v = m.columns[c].value;
                // The zone's term is added last, after the side rows' (the order of this sum
                // before for_each_coefficient walked the columns).
                double zone_term = 0;
                bool zone_active = false;
                for_each_coefficient(m, c, [&](RowKind kind, std::uint32_t r, double a) {
                    switch (kind) {
                    case RowKind::target:
                    case RowKind::bundle:
                        v += (beta[r] - alpha[r] - gamma[r]) * a;
                        break;
                    case RowKind::zone:
                        zone_active = m.zones[r].active;
                        zone_term = (delta[r] - phi[r]) * a;
                        break;
                    case RowKind::side:
                        v -= mu[r] * a;
                        break;
                    }
                });
                if (zone_active) {
                    v += zone_term;
                }
                if (v > top) {
                    top = v;
                    arg = c;
                }
            }
            if (arg >= 0) {
                value += top;
                add_coefficients(m, static_cast<std::uint32_t>(arg), 1.0, supply, units, lhs);
            }
        }
        for (std::size_t s = 0; s < S; ++s) {
            value += mu[s] * m.side_rows[s].rhs;
        }
        for (std::size_t r = 0; r < R; ++r) {
            value += alpha[r] * m.rows[r].T - beta[r] * m.rows[r].L;
            if (std::isfinite(m.rows[r].U)) {
                value += gamma[r] * m.rows[r].U;
            }
        }
        for (std::size_t z = 0; z < Z; ++z) {
            if (m.zones[z].active) {
                value += -delta[z] * (m.zones[z].min_dwellings - m.zones[z].dwellings) +
                         phi[z] * (m.zones[z].max_dwellings - m.zones[z].dwellings);
            }
        }
        if (!std::isfinite(best) || value < best - 1e-12 * std::abs(best)) {
            best = value;
            since_improved = 0;
        } else if (++since_improved >= 25) {
            theta *= 0.5;
            since_improved = 0;
        }
        if (it == iterations) {
            break;
        }
        // Subgradient of the dual function, and a Polyak step towards `lower`.
        // Rows are scaled to fractions of their target (zones: of their largest dwelling
        // count), so rows in ha, m2 and units step alike: gradients g / s, steps g / s^2.
        std::vector<double> g_alpha(R), g_beta(R), g_gamma(R), g_delta(Z, 0.0), g_phi(Z, 0.0);
        double norm = 0;
        for (std::size_t r = 0; r < R; ++r) {
            if (m.rows[r].free) {
                g_alpha[r] = g_beta[r] = g_gamma[r] = 0; // no target: nothing to price
                continue;
            }
            const double sc = 1.0 / m.rows[r].T;
            g_alpha[r] = (m.rows[r].T - supply[r]) * sc;
            g_beta[r] = (supply[r] - m.rows[r].L) * sc;
            // An at-least row has no upper row: its multiplier stays 0.
            g_gamma[r] = std::isfinite(m.rows[r].U) ? (m.rows[r].U - supply[r]) * sc : 0.0;
            norm += g_alpha[r] * g_alpha[r] + g_beta[r] * g_beta[r] + g_gamma[r] * g_gamma[r];
            g_alpha[r] *= sc;
            g_beta[r] *= sc;
            g_gamma[r] *= sc;
        }
        for (std::size_t z = 0; z < Z; ++z) {
            if (m.zones[z].active) {
                const double sc = 1.0 / std::max(m.zones[z].max_dwellings, 1.0);
                g_delta[z] = (units[z] - (m.zones[z].min_dwellings - m.zones[z].dwellings)) * sc;
                g_phi[z] = ((m.zones[z].max_dwellings - m.zones[z].dwellings) - units[z]) * sc;
                norm += g_delta[z] * g_delta[z] + g_phi[z] * g_phi[z];
                g_delta[z] *= sc;
                g_phi[z] *= sc;
            }
        }
        std::vector<double> g_mu(S);
        for (std::size_t s = 0; s < S; ++s) {
            const double sc = 1.0 / side_scale[s];
            g_mu[s] = (m.side_rows[s].rhs - lhs[s]) * sc;
            norm += g_mu[s] * g_mu[s];
            g_mu[s] *= sc;
        }
        if (norm <= 0) {
            break;
        }
        const double step = theta * std::max(value - lower, 1e-9 * std::abs(value)) / norm;
        for (std::size_t r = 0; r < R; ++r) {
            alpha[r] = std::clamp(alpha[r] - step * g_alpha[r], 0.0, m.rows[r].rho);
            beta[r] = std::clamp(beta[r] - step * g_beta[r], 0.0, m.rows[r].P);
            gamma[r] = std::max(0.0, gamma[r] - step * g_gamma[r]);
        }
        for (std::size_t z = 0; z < Z; ++z) {
            if (m.zones[z].active) {
                delta[z] = std::clamp(delta[z] - step * g_delta[z], 0.0, m.jh_cost);
                phi[z] = std::clamp(phi[z] - step * g_phi[z], 0.0, m.jh_cost);
            }
        }
        for (std::size_t s = 0; s < S; ++s) {
            mu[s] = std::clamp(mu[s] - step * g_mu[s], 0.0, m.side_rows[s].cost);
        }
    }
    return best;
}

Solution HeuristicAllocator::solve(const Model &m) const {
    const auto t0 = std::chrono::steady_clock::now();
    Solution s;
    s.report.solver = "heuristic";
    // Start 1: greedy construction, improved.
    s.chosen = greedy_construct(m);
    improve(m, s.chosen, m_options);
    s.report.objective = evaluate(m, s.chosen).objective;
    // Start 2 (instances small enough for Clp): round the LP relaxation, improve; its optimum
    // is also the bound.
    double bound = std::numeric_limits<double>::quiet_NaN();
    std::string how;
    if (m.columns.size() <= m_options.lp_max_columns) {
        const LpRelaxation lp = solve_lp_relaxation(m);
        if (lp.ok) {
            bound = lp.bound;
            how = "LP relaxation bound";
            std::vector<std::uint32_t> rounded = round_lp(m, lp.x);
            improve(m, rounded, m_options);
            const double obj = evaluate(m, rounded).objective;
            if (obj > s.report.objective) {
                s.chosen = std::move(rounded);
                s.report.objective = obj;
            }
        }
    }
    if (std::isnan(bound) && m_options.bound_iterations > 0) {
        bound = lagrangian_bound(m, s.report.objective, m_options.bound_iterations);
        how = "Lagrangian bound";
    }
    s.report.bound = bound;
    if (std::isnan(bound)) {
        s.report.gap = std::numeric_limits<double>::quiet_NaN();
        s.report.status = "feasible (no bound)";
    } else {
        s.report.gap = (bound - s.report.objective) / std::max(std::abs(s.report.objective), 1e-9);
        s.report.status = "feasible, gap certified by the " + how;
    }
    s.report.seconds = seconds_since(t0);
    return s;
}

std::vector<std::uint32_t> round_lp(const Model &m, const std::vector<double> &x) {
    // Columns by LP value, then value density; each taken if its parcel is free and its row
    // stays within the upper tolerance.
    std::vector<std::uint32_t> order;
    for (std::uint32_t c = 0; c < x.size(); ++c) {
        if (x[c] > 1e-6) {
            order.push_back(c);
        }
    }
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (x[a] != x[b]) {
            return x[a] > x[b];
        }
        const double da = m.columns[a].value / m.columns[a].q;
        const double db = m.columns[b].value / m.columns[b].q;
        return da != db ? da > db : a < b;
    });
    std::vector<bool> used(m.n_parcels(), false);
    std::vector<double> supply(m.rows.size(), 0.0);
    std::vector<std::uint32_t> chosen;
    for (std::uint32_t c : order) {
        const Column &col = m.columns[c];
        if (used[col.parcel] || !fits_upper(m, c, supply)) {
            continue;
        }
        if (x[c] < 0.5 && supply[col.row] >= m.rows[col.row].T) {
            continue;
        }
        used[col.parcel] = true;
        for_each_coefficient(m, c, [&](RowKind kind, std::uint32_t r, double q) {
            if (kind == RowKind::target || kind == RowKind::bundle) {
                supply[r] += q;
            }
        });
        chosen.push_back(c);
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

} // namespace landalloc
