#include "allocation/milp.hpp"

#include <coin/CoinPackedMatrix.hpp>
#include <coin/CoinPackedVector.hpp>

#include <algorithm>
#include <cmath>

namespace landalloc {

namespace {

/// The objective coefficient of column c (COIN minimises): a zone's balance slope is linear in
/// x, so it joins the column's cost.
double x_cost(const Model &m, const Column &c) {
    return -c.value +
           (c.zone >= 0 ? m.zones[static_cast<std::size_t>(c.zone)].slope * c.units : 0.0);
}

} // namespace

MilpLayout load_milp(const Model &m, OsiClpSolverInterface &lp,
                     const std::vector<std::uint32_t> *subset) {
    const double inf = COIN_DBL_MAX;
    const auto n_x = static_cast<int>(subset ? subset->size() : m.columns.size());
    const auto model_col = [&](int k) {
        return subset ? (*subset)[static_cast<std::size_t>(k)] : static_cast<std::uint32_t>(k);
    };
    MilpLayout layout;

    // Column layout: x_c, then over_r and short_r per target row, then under_h and surplus_h
    // per hinge of each zone. CBC minimises, so the objective is negated.
    std::vector<double> obj;
    std::vector<double> col_lb;
    std::vector<double> col_ub;
    for (int k = 0; k < n_x; ++k) {
        obj.push_back(x_cost(m, m.columns[model_col(k)]));
        col_lb.push_back(0);
        col_ub.push_back(1);
    }
    const int over0 = n_x;
    for (const TargetRow &r : m.rows) {
        obj.push_back(r.rho); // over
        obj.push_back(r.P);   // short
        col_lb.insert(col_lb.end(), {0, 0});
        col_ub.insert(col_ub.end(), {inf, inf});
    }
    std::vector<int> zone_col(m.zones.size(), -1);
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        if (!m.zones[z].hinges.empty()) {
            zone_col[z] = static_cast<int>(obj.size());
        }
        for (const ZoneHinge &h : m.zones[z].hinges) {
            obj.push_back(h.below); // under
            obj.push_back(h.above); // surplus
            col_lb.insert(col_lb.end(), {0, 0});
            col_ub.insert(col_ub.end(), {inf, inf});
        }
    }
    const auto side0 = static_cast<int>(obj.size());
    for (const SideRow &r : m.side_rows) {
        obj.push_back(r.cost); // viol
        col_lb.push_back(0);
        col_ub.push_back(inf);
    }
    std::vector<int> flag_col(m.rows.size(), -1);
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        if (m.rows[r].F > 0) {
            flag_col[r] = static_cast<int>(obj.size());
            obj.push_back(m.rows[r].F); // y: any shortfall
            col_lb.push_back(0);
            col_ub.push_back(1);
        }
    }
    std::vector<int> side_flag_col(m.side_rows.size(), -1);
    for (std::size_t s = 0; s < m.side_rows.size(); ++s) {
        if (m.side_rows[s].fixed > 0 && m.side_rows[s].rhs < 0) {
            side_flag_col[s] = static_cast<int>(obj.size());
            obj.push_back(m.side_rows[s].fixed); // y: broken at all
            col_lb.push_back(0);
            col_ub.push_back(1);
        }
    }
    const auto n_cols = static_cast<int>(obj.size());

    CoinPackedMatrix matrix(false, 0, 0); // row-ordered
    matrix.setDimensions(0, n_cols);
    std::vector<double> row_lb;
    std::vector<double> row_ub;
    auto add_row = [&](const std::vector<int> &idx, const std::vector<double> &val, double lo,
                       double hi) {
        matrix.appendRow(static_cast<int>(idx.size()), idx.data(), val.data());
        row_lb.push_back(lo);
        row_ub.push_back(hi);
        return static_cast<int>(row_lb.size()) - 1;
    };

    // Each parcel at most once.
    layout.parcel_row.assign(m.n_parcels(), -1);
    if (subset) {
        for (std::size_t k = 0; k < subset->size();) {
            const std::uint32_t parcel = m.columns[(*subset)[k]].parcel;
            std::vector<int> idx;
            for (; k < subset->size() && m.columns[(*subset)[k]].parcel == parcel; ++k) {
                idx.push_back(static_cast<int>(k));
            }
            if (idx.size() >= 2) {
                layout.parcel_row[parcel] =
                    add_row(idx, std::vector<double>(idx.size(), 1.0), -inf, 1.0);
            }
        }
    } else {
        for (std::size_t i = 0; i < m.n_parcels(); ++i) {
            const std::uint32_t b = m.parcel_start[i];
            const std::uint32_t e = m.parcel_start[i + 1];
            if (e - b < 2) {
                continue;
            }
            std::vector<int> idx;
            for (std::uint32_t c = b; c < e; ++c) {
                idx.push_back(static_cast<int>(c));
            }
            layout.parcel_row[i] = add_row(idx, std::vector<double>(idx.size(), 1.0), -inf, 1.0);
        }
    }
    // The coefficients of the target, jobs-housing and side rows, row by row.
    std::vector<std::vector<int>> row_idx(m.rows.size());
    std::vector<std::vector<double>> row_val(m.rows.size());
    std::vector<std::vector<int>> zone_idx(m.zones.size());
    std::vector<std::vector<double>> zone_val(m.zones.size());
    std::vector<std::vector<int>> side_idx(m.side_rows.size());
    std::vector<std::vector<double>> side_val(m.side_rows.size());
    for (int c = 0; c < n_x; ++c) {
        for_each_coefficient(m, model_col(c), [&](RowKind kind, std::uint32_t i, double a) {
            switch (kind) {
            case RowKind::target:
            case RowKind::bundle:
                row_idx[i].push_back(c);
                row_val[i].push_back(a);
                break;
            case RowKind::zone:
                if (zone_col[i] >= 0) {
                    zone_idx[i].push_back(c);
                    zone_val[i].push_back(a);
                }
                break;
            case RowKind::side:
                side_idx[i].push_back(c);
                side_val[i].push_back(a);
                break;
            }
        });
    }
    // Target rows.
    layout.upper_row.assign(m.rows.size(), -1);
    layout.over_row.assign(m.rows.size(), -1);
    layout.short_row.assign(m.rows.size(), -1);
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        const TargetRow &row = m.rows[r];
        const int over = over0 + static_cast<int>(2 * r);
        const int shrt = over + 1;
        auto idx = row_idx[r];
        auto val = row_val[r];
        if (std::isfinite(row.U)) {
            layout.upper_row[r] = add_row(idx, val, -inf, row.U); // never past the upper tolerance
        }
        idx.push_back(over);
        val.push_back(-1.0);
        layout.over_row[r] = add_row(idx, val, -inf, row.T); // over >= supply - T
        idx.back() = shrt;
        val.back() = 1.0;
        layout.short_row[r] = add_row(idx, val, row.L, inf); // short >= L - supply
        if (flag_col[r] >= 0) {
            add_row({shrt, flag_col[r]}, {1.0, -row.L}, -inf, 0.0); // short <= L y
        }
    }
    // Jobs-housing rows: per hinge, added + under >= at and added - surplus <= at (a slack
    // without a cost makes its row void, so it is left out).
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        int col = zone_col[z];
        for (const ZoneHinge &h : m.zones[z].hinges) {
            auto idx = zone_idx[z];
            auto val = zone_val[z];
            idx.push_back(col);
            val.push_back(1.0);
            layout.under_row.push_back(h.below > 0 ? add_row(idx, val, h.at, inf) : -1);
            idx.back() = col + 1;
            val.back() = -1.0;
            layout.surplus_row.push_back(h.above > 0 ? add_row(idx, val, -inf, h.at) : -1);
            col += 2;
        }
    }

    // Side rows: sum_c a_sc x_c - viol_s <= rhs_s.
    for (std::size_t s = 0; s < m.side_rows.size(); ++s) {
        side_idx[s].push_back(side0 + static_cast<int>(s));
        side_val[s].push_back(-1.0);
        layout.side_row.push_back(add_row(side_idx[s], side_val[s], -inf, m.side_rows[s].rhs));
        if (side_flag_col[s] >= 0) {
            // viol <= -rhs y (a lower row's violation is at most its floor L = -rhs)
            add_row({side0 + static_cast<int>(s), side_flag_col[s]}, {1.0, m.side_rows[s].rhs},
                    -inf, 0.0);
        }
    }

    lp.loadProblem(matrix, col_lb.data(), col_ub.data(), obj.data(), row_lb.data(), row_ub.data());
    lp.messageHandler()->setLogLevel(0);
    layout.n_x = n_x;
    layout.n_cols = n_cols;
    layout.over0 = over0;
    layout.zone_col = std::move(zone_col);
    layout.side0 = side0;
    layout.flag_col = std::move(flag_col);
    layout.side_flag_col = std::move(side_flag_col);
    return layout;
}

void add_x_columns(const Model &m, OsiClpSolverInterface &lp, MilpLayout &layout,
                   const std::vector<std::uint32_t> &columns, std::vector<std::int64_t> &lp_col) {
    const double inf = COIN_DBL_MAX;
    // The first hinge of each zone in the flat hinge lists.
    std::vector<std::size_t> hinge0(m.zones.size() + 1, 0);
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        hinge0[z + 1] = hinge0[z] + m.zones[z].hinges.size();
    }
    // A parcel without an "at most once" row gets one when it comes to have two x columns,
    // holding those it has (the new ones go in below).
    std::vector<CoinPackedVector> rows;
    for (std::size_t k = 0; k < columns.size(); ++k) {
        const std::uint32_t parcel = m.columns[columns[k]].parcel;
        if (layout.parcel_row[parcel] >= 0) {
            continue;
        }
        CoinPackedVector row;
        for (std::uint32_t c = m.parcel_start[parcel]; c < m.parcel_start[parcel + 1]; ++c) {
            if (lp_col[c] >= 0) {
                row.insert(static_cast<int>(lp_col[c]), 1.0);
            }
        }
        const bool another_new =
            k + 1 < columns.size() && m.columns[columns[k + 1]].parcel == parcel;
        if (row.getNumElements() >= 1 || another_new) {
            layout.parcel_row[parcel] = lp.getNumRows() + static_cast<int>(rows.size());
            rows.push_back(std::move(row));
        }
    }
    if (!rows.empty()) {
        std::vector<const CoinPackedVectorBase *> ptr;
        for (const auto &r : rows) {
            ptr.push_back(&r);
        }
        const std::vector<double> lo(rows.size(), -inf);
        const std::vector<double> hi(rows.size(), 1.0);
        lp.addRows(static_cast<int>(rows.size()), ptr.data(), lo.data(), hi.data());
    }
    std::vector<CoinPackedVector> cols(columns.size());
    std::vector<double> obj(columns.size());
    for (std::size_t k = 0; k < columns.size(); ++k) {
        const std::uint32_t c = columns[k];
        CoinPackedVector &v = cols[k];
        if (layout.parcel_row[m.columns[c].parcel] >= 0) {
            v.insert(layout.parcel_row[m.columns[c].parcel], 1.0);
        }
        for_each_coefficient(m, c, [&](RowKind kind, std::uint32_t i, double a) {
            switch (kind) {
            case RowKind::target:
            case RowKind::bundle:
                for (int row : {layout.upper_row[i], layout.over_row[i], layout.short_row[i]}) {
                    if (row >= 0) {
                        v.insert(row, a);
                    }
                }
                break;
            case RowKind::zone:
                for (std::size_t h = hinge0[i]; h < hinge0[i + 1]; ++h) {
                    for (int row : {layout.under_row[h], layout.surplus_row[h]}) {
                        if (row >= 0) {
                            v.insert(row, a);
                        }
                    }
                }
                break;
            case RowKind::side:
                v.insert(layout.side_row[i], a);
                break;
            }
        });
        obj[k] = x_cost(m, m.columns[c]);
    }
    std::vector<const CoinPackedVectorBase *> ptr;
    for (const auto &c : cols) {
        ptr.push_back(&c);
    }
    const std::vector<double> lo(columns.size(), 0.0);
    const std::vector<double> hi(columns.size(), 1.0);
    const int first = lp.getNumCols();
    lp.addCols(static_cast<int>(columns.size()), ptr.data(), lo.data(), hi.data(), obj.data());
    for (std::size_t k = 0; k < columns.size(); ++k) {
        lp_col[columns[k]] = first + static_cast<std::int64_t>(k);
    }
}

std::vector<double> full_solution(const Model &m, const MilpLayout &layout,
                                  const std::vector<std::uint32_t> &chosen) {
    std::vector<double> x(static_cast<std::size_t>(layout.n_cols), 0.0);
    const Evaluation ev = evaluate(m, chosen);
    for (std::uint32_t c : chosen) {
        x[c] = 1.0;
    }
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        x[static_cast<std::size_t>(layout.over0) + 2 * r] =
            std::max(0.0, ev.row_supply[r] - m.rows[r].T);
        x[static_cast<std::size_t>(layout.over0) + 2 * r + 1] =
            std::max(0.0, m.rows[r].L - ev.row_supply[r]);
        if (layout.flag_col[r] >= 0) {
            // Any positive short needs y = 1 to be feasible (short <= L y).
            x[static_cast<std::size_t>(layout.flag_col[r])] =
                m.rows[r].L - ev.row_supply[r] > 0 ? 1.0 : 0.0;
        }
    }
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        auto col = static_cast<std::size_t>(std::max(layout.zone_col[z], 0));
        for (const ZoneHinge &h : m.zones[z].hinges) {
            const double u = ev.zone_units[z];
            x[col] = h.below > 0 ? std::max(0.0, h.at - u) : 0.0;
            x[col + 1] = h.above > 0 ? std::max(0.0, u - h.at) : 0.0;
            col += 2;
        }
    }
    for (std::size_t s = 0; s < m.side_rows.size(); ++s) {
        x[static_cast<std::size_t>(layout.side0) + s] =
            std::max(0.0, ev.side_lhs[s] - m.side_rows[s].rhs);
        if (layout.side_flag_col[s] >= 0) {
            x[static_cast<std::size_t>(layout.side_flag_col[s])] =
                ev.side_lhs[s] - m.side_rows[s].rhs > 0 ? 1.0 : 0.0;
        }
    }
    return x;
}

LpRelaxation solve_lp_relaxation(const Model &m) {
    OsiClpSolverInterface lp;
    const MilpLayout layout = load_milp(m, lp);
    lp.setHintParam(OsiDoReducePrint, true, OsiHintTry);
    lp.initialSolve();
    LpRelaxation out;
    if (!lp.isProvenOptimal()) {
        return out;
    }
    out.ok = true;
    out.bound = -lp.getObjValue();
    const double *x = lp.getColSolution();
    out.x.assign(x, x + layout.n_x);
    return out;
}

} // namespace landalloc
