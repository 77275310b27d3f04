#include "allocation/greedy.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

namespace landalloc {

std::vector<std::uint32_t> greedy_construct(const Model &m) {
    const std::size_t Z = m.zones.size() + 1; // last list: columns without a zone
    auto zone_slot = [&](const Column &c) {
        return c.zone >= 0 ? static_cast<std::size_t>(c.zone) : Z - 1;
    };
    // Columns of each (row, zone), best value density first (ties: parcel id, column index).
    std::vector<std::vector<std::vector<std::uint32_t>>> lists(
        m.rows.size(), std::vector<std::vector<std::uint32_t>>(Z));
    for (const std::vector<std::uint32_t> &row : columns_by_row(m)) {
        for (const std::uint32_t ci : row) {
            const Column &c = m.columns[ci];
            lists[c.row][zone_slot(c)].push_back(ci);
        }
    }
    // Years in order; within a year the row with the least land on offer first.
    std::vector<std::size_t> order(m.rows.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<double> offer(m.rows.size(), 0.0);
    for (const Column &c : m.columns) {
        if (!m.rows[c.row].free) {
            offer[c.row] += c.q / m.rows[c.row].T;
        }
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (m.rows[a].year != m.rows[b].year) {
            return m.rows[a].year < m.rows[b].year;
        }
        return offer[a] < offer[b];
    });

    std::vector<bool> used(m.n_parcels(), false);
    std::vector<double> zone_units(m.zones.size(), 0.0);
    std::vector<double> supply(m.rows.size(), 0.0); // includes bundled shares
    std::vector<double> side_lhs(m.side_rows.size(), 0.0);
    std::vector<std::uint32_t> chosen;
    for (std::size_t r : order) {
        const TargetRow &row = m.rows[r];
        std::vector<std::size_t> head(Z, 0);
        const double &supplied = supply[r];
        // Each step takes the best head over the zones, by value net of the change in the
        // zone's jobs-housing cost, per unit of target.
        while (supplied < row.T) {
            double best_gain = -std::numeric_limits<double>::infinity();
            std::size_t best_z = Z;
            for (std::size_t z = 0; z < Z; ++z) {
                auto &cols = lists[r][z];
                while (head[z] < cols.size()) {
                    const std::uint32_t ci = cols[head[z]];
                    if (!used[m.columns[ci].parcel] && fits_upper(m, ci, supply)) {
                        break;
                    }
                    ++head[z];
                }
                if (head[z] == cols.size()) {
                    continue;
                }
                const std::uint32_t ci = cols[head[z]];
                const Column &c = m.columns[ci];
                double gain = c.value;
                for_each_coefficient(m, ci, [&](RowKind kind, std::uint32_t i, double a) {
                    if (kind == RowKind::zone) {
                        gain -= zone_cost(m, i, zone_units[i] + a) - zone_cost(m, i, zone_units[i]);
                    } else if (kind == RowKind::side) {
                        const SideRow &sr = m.side_rows[i];
                        gain -= side_cost(sr, side_lhs[i] + a) - side_cost(sr, side_lhs[i]);
                    }
                });
                gain /= c.q;
                if (gain > best_gain) {
                    best_gain = gain;
                    best_z = z;
                }
            }
            if (best_z == Z) {
                break;
            }
            const std::uint32_t ci = lists[r][best_z][head[best_z]++];
            add_coefficients(m, ci, 1.0, supply, zone_units, side_lhs);
            used[m.columns[ci].parcel] = true;
            chosen.push_back(ci);
        }
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

Solution GreedyAllocator::solve(const Model &m) const {
    const auto t0 = std::chrono::steady_clock::now();
    Solution s;
    s.chosen = greedy_construct(m);
    s.report.solver = "greedy";
    s.report.status = "feasible (no bound)";
    s.report.objective = evaluate(m, s.chosen).objective;
    s.report.bound = std::numeric_limits<double>::quiet_NaN();
    s.report.gap = std::numeric_limits<double>::quiet_NaN();
    s.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return s;
}

} // namespace landalloc
