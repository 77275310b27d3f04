#include "allocation/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace landalloc {

Model build_model(const AllocationProblem &pr) {
    const PlanConfig &cfg = *pr.plan;
    const City &city = *pr.city;
    Model m;
    m.problem = &pr;

    // Target rows: one per (target, year) with a positive target.
    std::vector<std::vector<int>> row_of(
        cfg.targets.size(), std::vector<int>(static_cast<std::size_t>(cfg.years()), -1));
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = cfg.targets[k];
        for (int y = 0; y < cfg.years(); ++y) {
            const double T = tg.values[static_cast<std::size_t>(y)];
            if (T <= 0) {
                continue;
            }
            TargetRow r;
            r.year = cfg.first_year + y;
            r.target = k;
            r.type = static_cast<std::size_t>(cfg.type_index(tg.type));
            r.T = T;
            r.L = T * (1.0 - tg.tolerance);
            r.U = T * (1.0 + tg.tolerance);
            r.binding = tg.binding;
            row_of[k][static_cast<std::size_t>(y)] = static_cast<int>(m.rows.size());
            m.rows.push_back(r);
        }
    }

    // Columns, parcel by parcel.
    m.parcel_start.reserve(pr.n_parcels + 1);
    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
        m.parcel_start.push_back(static_cast<std::uint32_t>(m.columns.size()));
        const Parcel &p = city.parcels[i];
        for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
            const Target &tg = cfg.targets[k];
            const auto t = static_cast<std::size_t>(cfg.type_index(tg.type));
            if (!pr.eligible(i, t)) {
                continue;
            }
            const double far = pr.far[pr.at(i, t)];
            for (int y = 0; y < cfg.years(); ++y) {
                const int r = row_of[k][static_cast<std::size_t>(y)];
                if (r < 0 || p.first_year > cfg.first_year + y) {
                    continue;
                }
                Column c;
                c.parcel = static_cast<std::uint32_t>(i);
                c.row = static_cast<std::uint32_t>(r);
                c.type = static_cast<std::uint32_t>(t);
                c.zone = p.zone;
                // A well-placed site is worth slightly more supplied early; this also makes the
                // choice of year unique where the sites alone would leave it open.
                c.value = pr.score[pr.at(i, t)] * p.area_m2 / 1e4 *
                          (1.0 + cfg.objective.early_supply_bonus * (cfg.years() - 1 - y));
                c.q = quantity_of(tg.unit, p.area_m2, far, cfg.types[t]);
                c.units = units_from_floor(floor_area_m2(p.area_m2, far), cfg.types[t]);
                if (c.q > 0) {
                    m.columns.push_back(c);
                }
            }
        }
    }
    m.parcel_start.push_back(static_cast<std::uint32_t>(m.columns.size()));

    // Costs: one unit over a target costs the best value density of its row, so supplying
    // beyond the target never pays; one unit short of the band costs a multiple of it.
    const ObjectiveConfig &oc = cfg.objective;
    std::vector<double> best_density(m.rows.size(), 0.0);
    double value_per_unit = 0;
    std::size_t n_units = 0;
    for (const Column &c : m.columns) {
        best_density[c.row] = std::max(best_density[c.row], c.value / c.q);
        if (c.units > 0) {
            value_per_unit += c.value / c.units;
            ++n_units;
        }
    }
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        TargetRow &row = m.rows[r];
        row.rho = oc.over_target_cost * (best_density[r] > 0 ? best_density[r] : 1.0);
        row.P = (row.binding ? oc.short_binding_cost : oc.short_indicative_cost) *
                (best_density[r] > 0 ? best_density[r] : 1.0);
    }

    // Jobs-housing: each zone's dwellings should keep jobs / dwellings inside the band.
    const JobsHousingConfig &jh = cfg.jobs_housing;
    m.jh_cost = n_units > 0 ? jh.weight * value_per_unit / static_cast<double>(n_units) : 0.0;
    m.zones.resize(city.zones.size());
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        const Zone &zone = city.zones[z];
        ZoneRow &zr = m.zones[z];
        zr.dwellings = zone.dwellings;
        zr.active = m.jh_cost > 0 && zone.jobs > 0;
        zr.min_dwellings = zone.jobs / jh.ratio_max;
        zr.max_dwellings = zone.jobs / jh.ratio_min;
    }
    return m;
}

void sort_by_density(const Model &m, std::vector<std::uint32_t> &columns) {
    const City &city = *m.problem->city;
    std::sort(columns.begin(), columns.end(), [&](std::uint32_t a, std::uint32_t b) {
        const Column &ca = m.columns[a];
        const Column &cb = m.columns[b];
        const double da = ca.value / ca.q;
        const double db = cb.value / cb.q;
        if (da != db) {
            return da > db;
        }
        const auto &ia = city.parcels[ca.parcel].id;
        const auto &ib = city.parcels[cb.parcel].id;
        return ia != ib ? ia < ib : a < b;
    });
}

double zone_cost(const Model &m, std::size_t z, double added) {
    const ZoneRow &zr = m.zones[z];
    if (!zr.active) {
        return 0.0;
    }
    const double d = zr.dwellings + added;
    return m.jh_cost * (std::max(0.0, zr.min_dwellings - d) + std::max(0.0, d - zr.max_dwellings));
}

double row_cost(const TargetRow &row, double supply) {
    return row.rho * std::max(0.0, supply - row.T) + row.P * std::max(0.0, row.L - supply);
}

Evaluation evaluate(const Model &m, const std::vector<std::uint32_t> &chosen) {
    Evaluation e;
    e.row_supply.assign(m.rows.size(), 0.0);
    e.zone_units.assign(m.zones.size(), 0.0);
    for (std::uint32_t ci : chosen) {
        const Column &c = m.columns[ci];
        e.suitability += c.value;
        e.row_supply[c.row] += c.q;
        if (c.zone >= 0) {
            e.zone_units[static_cast<std::size_t>(c.zone)] += c.units;
        }
    }
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        const TargetRow &row = m.rows[r];
        e.over_cost += row.rho * std::max(0.0, e.row_supply[r] - row.T);
        e.short_cost += row.P * std::max(0.0, row.L - e.row_supply[r]);
    }
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        e.jh_cost += zone_cost(m, z, e.zone_units[z]);
    }
    e.objective = e.suitability - e.over_cost - e.short_cost - e.jh_cost;
    return e;
}

std::vector<Assignment> to_assignments(const Model &m, const std::vector<std::uint32_t> &chosen) {
    std::vector<Assignment> out;
    out.reserve(chosen.size());
    for (std::uint32_t ci : chosen) {
        const Column &c = m.columns[ci];
        out.push_back({c.parcel, m.rows[c.row].year, c.type});
    }
    return out;
}

} // namespace landalloc
