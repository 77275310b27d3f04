// Local search for the heuristic allocator: add, drop, swap within a target row and move a
// parcel to another year or type, each move scored by the exact change of the objective.

#include "allocation/heuristic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace landalloc {

namespace {

constexpr std::int64_t k_free = -1;

/// A supply past the row's upper tolerance U (to rounding): a move that raises a row's supply
/// there is infeasible.
bool past_upper(const TargetRow &row, double supply) { return supply > row.U * (1 + 1e-12) + 1e-9; }

/// The changes a move makes to at most N rows (or zones), summed per row in the order first
/// touched; a fixed array, since a move touches few.
template <int N> struct Touched {
    std::uint32_t keys[N];
    double changes[N];
    int n = 0;
    void add(std::uint32_t key, double change) {
        int k = 0;
        while (k < n && keys[k] != key) {
            ++k;
        }
        if (k == n) {
            keys[n] = key;
            changes[n++] = 0;
        }
        changes[k] += change;
    }
};

/// The search state: which column each parcel uses, supplies per row, units per zone and the
/// left-hand sides of the side rows.
class State {
  public:
    State(const Model &m, const std::vector<std::uint32_t> &chosen, bool fixed_short_cost)
        : m_m(m), m_fixed(fixed_short_cost), m_assigned(m.n_parcels(), k_free),
          m_supply(m.rows.size(), 0.0), m_units(m.zones.size(), 0.0),
          m_side(m.side_rows.size(), 0.0) {
        for (std::uint32_t c : chosen) {
            apply_add(c);
        }
    }

    std::int64_t assigned(std::uint32_t parcel) const { return m_assigned[parcel]; }

    /// Whether adding column c keeps its own row within its upper tolerance U: delta(-1, c) is
    /// -infinity when it does not (the same past_upper test), and most free columns of a row near
    /// its figure do not fit, so the add pass asks this first.
    bool fits(std::uint32_t c) const {
        const Column &col = m_m.columns[c];
        return !past_upper(m_m.rows[col.row], m_supply[col.row] + col.q);
    }
    double supply(std::size_t row) const { return m_supply[row]; }

    /// Objective change of removing column `out` (or none: -1) and adding `in` (or none).
    double delta(std::int64_t out, std::int64_t in) const {
        double d = 0;
        // Rows and zones touched (at most four rows: each column's own and bundled row).
        Touched<4> rows;
        Touched<2> zones;
        m_side_touched.clear();
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
                    rows.add(i, sign * a);
                    break;
                case RowKind::zone:
                    zones.add(i, sign * a);
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
        for (int r = 0; r < rows.n; ++r) {
            const TargetRow &row = m_m.rows[rows.keys[r]];
            const double s0 = m_supply[rows.keys[r]];
            const double s1 = s0 + rows.changes[r];
            if (rows.changes[r] > 0 && past_upper(row, s1)) {
                return -std::numeric_limits<double>::infinity(); // infeasible
            }
            d += row_cost(row, s0, m_fixed) - row_cost(row, s1, m_fixed);
        }
        for (int z = 0; z < zones.n; ++z) {
            const std::size_t zi = zones.keys[z];
            d += zone_cost(m_m, zi, m_units[zi]) -
                 zone_cost(m_m, zi, m_units[zi] + zones.changes[z]);
        }
        for (const auto &[row, change] : m_side_touched) {
            const SideRow &sr = m_m.side_rows[row];
            d += side_cost(sr, m_side[row], m_fixed) - side_cost(sr, m_side[row] + change, m_fixed);
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
    bool m_fixed; // price a row's fixed shortfall cost F
    std::vector<std::int64_t> m_assigned;
    std::vector<double> m_supply;
    std::vector<double> m_units;
    std::vector<double> m_side;
    mutable std::vector<std::pair<std::uint32_t, double>> m_side_touched; // scratch of delta
};

} // namespace

int improve(const Model &m, std::vector<std::uint32_t> &chosen, const HeuristicOptions &opt) {
    const std::vector<std::vector<std::uint32_t>> by_row = columns_by_row(m);
    // The same columns split by zone, so swaps try the best of every zone.
    std::vector<std::vector<std::vector<std::uint32_t>>> by_row_zone(m.rows.size());
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        by_row_zone[r].resize(m.zones.size() + 1);
        for (std::uint32_t c : by_row[r]) {
            const int z = m.columns[c].zone;
            by_row_zone[r][z >= 0 ? static_cast<std::size_t>(z) : m.zones.size()].push_back(c);
        }
    }
    State st(m, chosen, opt.fixed_short_cost);
    const double eps = 1e-9;
    int moves = 0;
    // Per zone, so the swaps of a pass cost about the same however many zones there are.
    const int pool = std::max(2, opt.swap_pool / static_cast<int>(m.zones.size() + 1));
    double objective = evaluate(m, chosen).objective;
    // Large instances get fewer passes: about `pass_column_budget` column visits in all.
    const double budget_passes =
        opt.pass_column_budget / std::max(1.0, static_cast<double>(m.columns.size()));
    const int passes = std::clamp(static_cast<int>(budget_passes), 2, opt.max_passes);
    // Make room (run when the passes stop gaining): a row short of L takes a parcel another row
    // holds (the parcel changes year or type), and that row takes the best free parcel it can in
    // return; when the parcel would carry the short row past its upper tolerance, one of the row's
    // own sites is given up first (a smaller site for a larger one). Chains of single moves, each
    // of which alone may cost more than it gains (the short row's fixed cost, the other row's new
    // shortfall); taken only when the whole chain gains.
    auto make_room = [&]() {
        int made = 0;
        auto best_free = [&](std::size_t row, double &gain) {
            gain = -std::numeric_limits<double>::infinity();
            std::int64_t arg = -1;
            int tried = 0;
            for (std::uint32_t f : by_row[row]) {
                if (tried >= 4 * pool) {
                    break;
                }
                if (st.assigned(m.columns[f].parcel) != k_free) {
                    continue;
                }
                ++tried;
                const double d = st.delta(-1, f);
                if (d > gain) {
                    gain = d;
                    arg = f;
                }
            }
            return arg;
        };
        for (std::size_t r = 0; r < m.rows.size(); ++r) {
            if (m.rows[r].free || !row_short(m.rows[r], st.supply(r))) {
                continue;
            }
            // Bounded work per row and pass: the best 1000 columns held by other rows.
            int tries = 0;
            for (std::uint32_t c : by_row[r]) {
                if (!row_short(m.rows[r], st.supply(r)) || tries >= 1000) {
                    break;
                }
                const std::int64_t held = st.assigned(m.columns[c].parcel);
                if (held < 0 || m.columns[static_cast<std::size_t>(held)].row == r) {
                    continue;
                }
                ++tries;
                const auto o = static_cast<std::uint32_t>(held);
                // The row's own sites that may be given up (-1: keep them all), smallest first.
                std::vector<std::uint32_t> own;
                for (std::uint32_t k : by_row[r]) {
                    if (st.assigned(m.columns[k].parcel) == static_cast<std::int64_t>(k)) {
                        own.push_back(k);
                    }
                }
                std::stable_sort(own.begin(), own.end(), [&](std::uint32_t a, std::uint32_t b) {
                    return m.columns[a].q < m.columns[b].q;
                });
                std::vector<std::int64_t> give_up = {-1};
                for (std::size_t i = 0; i < own.size(); ++i) {
                    give_up.push_back(own[i]);
                }
                for (std::int64_t k : give_up) {
                    double d = 0;
                    if (k >= 0) {
                        d += st.delta(static_cast<std::uint32_t>(k), -1);
                        st.apply_remove(static_cast<std::uint32_t>(k));
                    }
                    const double d1 = st.delta(o, c);
                    bool taken = false;
                    if (d1 != -std::numeric_limits<double>::infinity()) {
                        st.apply_remove(o);
                        st.apply_add(c);
                        double gain = 0;
                        const std::int64_t f = best_free(m.columns[o].row, gain);
                        if (d + d1 + std::max(gain, 0.0) > eps) {
                            if (f >= 0 && gain > 0) {
                                st.apply_add(static_cast<std::uint32_t>(f));
                            }
                            taken = true;
                            ++made;
                        } else {
                            st.apply_remove(c);
                            st.apply_add(o);
                        }
                    }
                    if (taken) {
                        break;
                    }
                    if (k >= 0) {
                        st.apply_add(static_cast<std::uint32_t>(k));
                    }
                }
            }
        }
        return made;
    };
    int room_rounds = 0;
    for (int pass = 0; pass < passes; ++pass) {
        int pass_moves = 0;
        for (std::size_t r = 0; r < m.rows.size(); ++r) {
            const auto &cols = by_row[r];
            // Add: free parcels, best density first.
            for (std::uint32_t c : cols) {
                if (st.assigned(m.columns[c].parcel) == k_free && st.fits(c) &&
                    st.delta(-1, c) > eps) {
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
        // Stop when a pass gains too little to be worth another (deterministic, unlike a clock),
        // unless making room for a short row opens new moves.
        bool stop = pass_moves == 0;
        if (!stop) {
            const double now = evaluate(m, st.chosen()).objective;
            stop = now - objective < opt.min_pass_gain * std::max(std::abs(now), 1.0);
            objective = now;
        }
        if (stop) {
            const int made = opt.make_room && room_rounds < 3 ? make_room() : 0;
            ++room_rounds;
            moves += made;
            if (made == 0) {
                break;
            }
            objective = evaluate(m, st.chosen()).objective;
        }
    }
    chosen = st.chosen();
    return moves;
}

} // namespace landalloc
