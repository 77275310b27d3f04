// The Lagrangian dual bound of the heuristic allocator, for models too large for the LP
// relaxation: target, zone and side rows relaxed, projected subgradient with Polyak steps.

#include "allocation/heuristic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace landalloc {

double lagrangian_bound(const Model &m, double lower, int iterations) {
    const std::size_t R = m.rows.size();
    const std::size_t Z = m.zones.size();
    // The zones' hinges, flat: zone z's are [hinge_start[z], hinge_start[z + 1]).
    std::vector<std::size_t> hinge_start(Z + 1, 0);
    std::vector<const ZoneHinge *> hinge;
    std::vector<std::size_t> hinge_zone;
    for (std::size_t z = 0; z < Z; ++z) {
        for (const ZoneHinge &h : m.zones[z].hinges) {
            hinge.push_back(&h);
            hinge_zone.push_back(z);
        }
        hinge_start[z + 1] = hinge.size();
    }
    const std::size_t H = hinge.size();
    // Hinges are scaled by the larger of |at| and the units the targets imply per zone.
    const double unit_scale =
        std::max(m.balance.implied_units / std::max(static_cast<double>(Z), 1.0), 1.0);
    // Multipliers: alpha (supply <= T + over), beta (supply + short >= L), gamma (supply <= U),
    // delta (u + under >= at of a hinge), phi (u - surplus <= at); boxed by the costs of the
    // slack they price.
    std::vector<double> alpha(R, 0.0), beta(R, 0.0), gamma(R, 0.0), delta(H, 0.0), phi(H, 0.0);
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
                for_each_coefficient(m, c, [&](RowKind kind, std::uint32_t r, double a) {
                    switch (kind) {
                    case RowKind::target:
                    case RowKind::bundle:
                        v += (beta[r] - alpha[r] - gamma[r]) * a;
                        break;
                    case RowKind::zone:
                        zone_term -= m.zones[r].slope * a;
                        for (std::size_t h = hinge_start[r]; h < hinge_start[r + 1]; ++h) {
                            zone_term += (delta[h] - phi[h]) * a;
                        }
                        break;
                    case RowKind::side:
                        v -= mu[r] * a;
                        break;
                    }
                });
                v += zone_term;
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
        for (std::size_t h = 0; h < H; ++h) {
            value += (phi[h] - delta[h]) * hinge[h]->at;
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
        // Rows are scaled to fractions of their target (hinges: of unit_scale or |at|), so
        // rows in ha, m2 and units step alike: gradients g / s, steps g / s^2.
        std::vector<double> g_alpha(R), g_beta(R), g_gamma(R), g_delta(H, 0.0), g_phi(H, 0.0);
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
        for (std::size_t h = 0; h < H; ++h) {
            const double sc = 1.0 / std::max(std::abs(hinge[h]->at), unit_scale);
            const double u = units[hinge_zone[h]];
            g_delta[h] = (u - hinge[h]->at) * sc;
            g_phi[h] = (hinge[h]->at - u) * sc;
            norm += g_delta[h] * g_delta[h] + g_phi[h] * g_phi[h];
            g_delta[h] *= sc;
            g_phi[h] *= sc;
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
        for (std::size_t h = 0; h < H; ++h) {
            delta[h] = std::clamp(delta[h] - step * g_delta[h], 0.0, hinge[h]->below);
            phi[h] = std::clamp(phi[h] - step * g_phi[h], 0.0, hinge[h]->above);
        }
        for (std::size_t s = 0; s < S; ++s) {
            mu[s] = std::clamp(mu[s] - step * g_mu[s], 0.0, m.side_rows[s].cost);
        }
    }
    return best;
}

} // namespace landalloc
