#include "allocation/column_generation.hpp"

#include "allocation/milp.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace landalloc {

namespace {

/// The prices of the rows a column enters, read from a master's row duals (Clp's: a <= row's
/// dual is <= 0, a >= row's >= 0, in the minimisation of -objective). `exact` holds the duals'
/// sums as they are, for pricing; `boxed` the Lagrangian multipliers, each boxed by the cost of
/// the slack it prices (bound.cpp), so that the Lagrangian function is a valid bound.
struct Prices {
    std::vector<double> row, zone, side;
};

struct PassPrices {
    Prices exact, boxed;
    double constant = 0; // the boxed multipliers' constant term of the Lagrangian function
};

PassPrices read_prices(const Model &m, const MilpLayout &layout, const double *dual) {
    PassPrices p;
    const std::size_t R = m.rows.size();
    const auto at = [&](int row) { return row >= 0 ? dual[row] : 0.0; };
    p.exact.row.assign(R, 0.0);
    p.boxed.row.assign(R, 0.0);
    for (std::size_t r = 0; r < R; ++r) {
        const TargetRow &t = m.rows[r];
        const double pu = at(layout.upper_row[r]);
        const double po = at(layout.over_row[r]);
        const double ps = at(layout.short_row[r]);
        p.exact.row[r] = pu + po + ps;
        const double gamma = layout.upper_row[r] >= 0 ? std::max(0.0, -pu) : 0.0;
        const double alpha = std::clamp(-po, 0.0, t.rho);
        const double beta = std::clamp(ps, 0.0, t.P);
        p.boxed.row[r] = beta - alpha - gamma;
        p.constant += alpha * t.T - beta * t.L + (gamma > 0 ? gamma * t.U : 0.0);
    }
    p.exact.zone.assign(m.zones.size(), 0.0);
    p.boxed.zone.assign(m.zones.size(), 0.0);
    std::size_t h = 0;
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        for (const ZoneHinge &hinge : m.zones[z].hinges) {
            const double pu = at(layout.under_row[h]);
            const double pp = at(layout.surplus_row[h]);
            p.exact.zone[z] += pu + pp;
            const double delta = std::clamp(pu, 0.0, hinge.below);
            const double phi = std::clamp(-pp, 0.0, hinge.above);
            p.boxed.zone[z] += delta - phi;
            p.constant += (phi - delta) * hinge.at;
            ++h;
        }
    }
    p.exact.side.assign(m.side_rows.size(), 0.0);
    p.boxed.side.assign(m.side_rows.size(), 0.0);
    for (std::size_t s = 0; s < m.side_rows.size(); ++s) {
        const double ps = at(layout.side_row[s]);
        p.exact.side[s] = ps;
        const double mu = std::clamp(-ps, 0.0, m.side_rows[s].cost);
        p.boxed.side[s] = -mu;
        p.constant += mu * m.side_rows[s].rhs;
    }
    return p;
}

/// The reduced values of column c at the exact and at the boxed prices, in one walk over its
/// rows: its value (less its zone's balance slope) plus each row's price times the column's
/// coefficient in it.
std::pair<double, double> reduced_values(const Model &m, std::uint32_t c, const PassPrices &p) {
    const Column &col = m.columns[c];
    double exact = col.value;
    double boxed = col.value;
    for_each_coefficient(m, c, [&](RowKind kind, std::uint32_t i, double a) {
        switch (kind) {
        case RowKind::target:
        case RowKind::bundle:
            exact += p.exact.row[i] * a;
            boxed += p.boxed.row[i] * a;
            break;
        case RowKind::zone:
            exact += (p.exact.zone[i] - m.zones[i].slope) * a;
            boxed += (p.boxed.zone[i] - m.zones[i].slope) * a;
            break;
        case RowKind::side:
            exact += p.exact.side[i] * a;
            boxed += p.boxed.side[i] * a;
            break;
        }
    });
    return {exact, boxed};
}

/// The master's first columns: `start` and, for each target row, its best columns by value
/// density of parcels not yet in the master until they supply `cover` times the row's figure.
/// Ascending.
std::vector<std::uint32_t> first_columns(const Model &m, const std::vector<std::uint32_t> &start,
                                         double cover) {
    const std::vector<std::vector<std::uint32_t>> by_row = columns_by_row(m);
    // One column a parcel: the master then needs no "at most once" row to begin with, only the
    // few rows that link parcels (targets, hinges, rules), and Clp solves it fast.
    std::vector<char> in(m.columns.size(), 0);
    std::vector<char> taken(m.n_parcels(), 0);
    for (std::uint32_t c : start) {
        in[c] = 1;
        taken[m.columns[c].parcel] = 1;
    }
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        const TargetRow &row = m.rows[r];
        const double figure = std::isfinite(row.U) ? row.U : row.T;
        if (row.free || !(figure > 0)) {
            continue;
        }
        double supplied = 0;
        for (std::uint32_t c : by_row[r]) {
            if (supplied >= cover * figure) {
                break;
            }
            if (taken[m.columns[c].parcel]) {
                continue;
            }
            in[c] = 1;
            taken[m.columns[c].parcel] = 1;
            supplied += m.columns[c].q;
        }
    }
    std::vector<std::uint32_t> out;
    for (std::uint32_t c = 0; c < m.columns.size(); ++c) {
        if (in[c]) {
            out.push_back(c);
        }
    }
    return out;
}

} // namespace

ColumnGenerationResult lp_by_column_generation(const Model &m,
                                               const std::vector<std::uint32_t> &start,
                                               const ColumnGenerationOptions &options) {
    ColumnGenerationResult out;
    out.bound = std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> master = first_columns(m, start, options.start_cover);
    // The master's column of each model column (-1: not in it): the first ones in order, then
    // each pass's additions (appended after the slack columns).
    std::vector<std::int64_t> lp_col(m.columns.size(), -1);
    OsiClpSolverInterface lp;
    MilpLayout layout = load_milp(m, lp, &master);
    for (std::size_t k = 0; k < master.size(); ++k) {
        lp_col[master[k]] = static_cast<std::int64_t>(k);
    }
    lp.setHintParam(OsiDoReducePrint, true, OsiHintTry);
    // Each resolve starts from the last master's basis. (Clp's dual simplex, the default, does
    // this about five times faster than the primal one, though the new columns leave the basis
    // primal feasible: 100k parcels, 13 s of LP against 62 s.)
    lp.initialSolve();
    double scale = 1.0;
    for (const Column &c : m.columns) {
        scale = std::max(scale, std::abs(c.value));
    }
    const double tol = 1e-9 * scale;
    for (int pass = 1;; ++pass) {
        if (!lp.isProvenOptimal()) {
            return out;
        }
        out.passes = pass;
        out.master = -lp.getObjValue();
        const PassPrices prices = read_prices(m, layout, lp.getRowPrice());
        const double *dual = lp.getRowPrice();
        // One walk over every column: the Lagrangian function at the boxed prices, and per
        // parcel the column outside the master that prices out most at the exact ones.
        double lagrangian = prices.constant;
        std::vector<std::pair<double, std::uint32_t>> priced;
        std::vector<std::pair<std::uint32_t, double>> pricing; // one parcel's columns outside
        for (std::size_t i = 0; i < m.n_parcels(); ++i) {
            // The dual of the parcel's "at most once" row (<= 0). A parcel with one column in
            // the master has no row, its x <= 1 bound stands for it: the dual the row would
            // have is that column's reduced cost when negative (at its bound), else 0.
            double parcel_dual = 0;
            if (layout.parcel_row[i] >= 0) {
                parcel_dual = dual[layout.parcel_row[i]];
            }
            double best = 0;
            double best_out = tol;
            std::int64_t arg = -1;
            for (std::uint32_t c = m.parcel_start[i]; c < m.parcel_start[i + 1]; ++c) {
                const auto [exact, boxed] = reduced_values(m, c, prices);
                best = std::max(best, boxed);
                if (lp_col[c] >= 0) {
                    if (layout.parcel_row[i] < 0) {
                        parcel_dual = std::min(0.0, -exact);
                    }
                    continue;
                }
                pricing.emplace_back(c, exact);
            }
            for (const auto &[c, exact] : pricing) {
                const double d = exact + parcel_dual;
                if (d > best_out) {
                    best_out = d;
                    arg = c;
                }
            }
            pricing.clear();
            lagrangian += best;
            if (arg >= 0) {
                priced.emplace_back(best_out, static_cast<std::uint32_t>(arg));
            }
        }
        out.bound = std::min(out.bound, lagrangian);
        // No column prices out, or the bound meets the master's value: either way the master's
        // optimum is the LP's.
        const double scale_of_master = std::max(1.0, std::abs(out.master));
        out.converged = priced.empty() || out.bound - out.master <= 1e-9 * scale_of_master;
        out.close = out.converged || out.bound - out.master <= options.stop_gap * scale_of_master;
        const auto in_master = static_cast<std::size_t>(lp.getNumCols());
        if (out.close || pass >= options.max_passes || in_master >= options.max_master_columns) {
            break;
        }
        // The columns that price out most (ties: the lower index), into the master.
        const std::size_t limit =
            std::min(options.columns_per_pass, options.max_master_columns - in_master);
        if (priced.size() > limit) {
            std::nth_element(priced.begin(), priced.begin() + static_cast<std::ptrdiff_t>(limit),
                             priced.end(), [](const auto &a, const auto &b) {
                                 return a.first != b.first ? a.first > b.first
                                                           : a.second < b.second;
                             });
            priced.resize(limit);
        }
        std::vector<std::uint32_t> add;
        for (const auto &[d, c] : priced) {
            add.push_back(c);
        }
        std::sort(add.begin(), add.end());
        add_x_columns(m, lp, layout, add, lp_col);
        lp.resolve();
    }
    out.ok = true;
    out.columns = 0;
    out.x.assign(m.columns.size(), 0.0);
    const double *x = lp.getColSolution();
    for (std::size_t c = 0; c < m.columns.size(); ++c) {
        if (lp_col[c] >= 0) {
            out.x[c] = x[lp_col[c]];
            ++out.columns;
        }
    }
    return out;
}

} // namespace landalloc
