#include "allocation/model.hpp"

#include "allocation/model_build.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace landalloc {

using model_build::in_mask;
using model_build::zone_by_id;

int model_build::zone_by_id(const PlanConfig &cfg, const City &city, const std::string &id,
                            int line, const std::string &key) {
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        if (city.zones[z].id == id) {
            return static_cast<int>(z);
        }
    }
    throw PlanFileError(cfg.where(line) + ": key '" + key + "': zone '" + id +
                        "' is not in the zones layer (zone ids are its 'id' field)");
}

std::vector<bool> zone_mask(const PlanConfig &cfg, const City &city,
                            const std::vector<std::string> &ids, int line, const std::string &key) {
    std::vector<bool> mask(city.zones.size(), false);
    for (const auto &id : ids) {
        // A zone id names the zone; a district id every zone of the district (the loader
        // refuses a district id that is also a zone id).
        auto zone = std::find_if(city.zones.begin(), city.zones.end(),
                                 [&](const Zone &z) { return z.id == id; });
        if (zone != city.zones.end()) {
            mask[static_cast<std::size_t>(zone - city.zones.begin())] = true;
            continue;
        }
        bool any = false;
        for (std::size_t z = 0; z < city.zones.size(); ++z) {
            if (city.zones[z].district == id) {
                mask[z] = true;
                any = true;
            }
        }
        if (!any) {
            throw PlanFileError(cfg.where(line) + ": key '" + key + "': '" + id +
                                "' is neither a zone id nor a district id (zone ids are the zones "
                                "layer's 'id' field, district ids its 'district' field or the "
                                "districts layer's 'id'); fix the id");
        }
    }
    return mask;
}

std::vector<bool> type_mask(const PlanConfig &cfg, const std::vector<std::string> &types) {
    std::vector<bool> member(cfg.types.size(), types.empty());
    for (const auto &id : types) {
        const int t = cfg.type_index(id);
        if (t >= 0) {
            member[static_cast<std::size_t>(t)] = true;
        }
    }
    return member;
}

double typed_quantity(const Model &m, const Column &c, Quantity unit,
                      const std::vector<bool> &member) {
    const PlanConfig &cfg = *m.problem->plan;
    const Parcel &p = m.problem->city->parcels[c.parcel];
    double q = 0;
    if (member[c.type]) {
        q += quantity_of(unit, (1.0 - c.bundle_share) * p.area_m2, c.far, cfg.types[c.type]);
    }
    if (c.bundle_type >= 0 && member[static_cast<std::size_t>(c.bundle_type)]) {
        q += quantity_of(unit, c.bundle_share * p.area_m2, c.far,
                         cfg.types[static_cast<std::size_t>(c.bundle_type)]);
    }
    return q;
}

namespace {

/// Zone masks of the targets (`zones`, `displaced_from`), checked against the zones layer.
struct TargetZones {
    std::vector<std::vector<bool>> mask; // per target: allowed zones (empty: all)
    std::vector<int> displaced;          // per target: the displacing zone, or -1
};

TargetZones target_zones(const PlanConfig &cfg, const City &city) {
    auto zone_of = [&](std::size_t k, const std::string &id, const char *key) {
        return zone_by_id(cfg, city, id, cfg.targets[k].line,
                          "targets[" + std::to_string(k) + "]." + key);
    };
    TargetZones out;
    out.mask.resize(cfg.targets.size());
    out.displaced.assign(cfg.targets.size(), -1);
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = cfg.targets[k];
        if (!tg.zones.empty()) {
            out.mask[k] =
                zone_mask(cfg, city, tg.zones, tg.line, "targets[" + std::to_string(k) + "].zones");
        }
        if (!tg.displaced_from.empty()) {
            out.displaced[k] = zone_of(k, tg.displaced_from, "displaced_from");
        }
    }
    return out;
}

/// Target rows: one per (target, year) with a positive target; row_of[k][y] is the row of
/// target k in year y, or -1.
std::vector<std::vector<int>> add_target_rows(Model &m, const PlanConfig &cfg) {
    std::vector<std::vector<int>> row_of(
        cfg.targets.size(), std::vector<int>(static_cast<std::size_t>(cfg.years()), -1));
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = cfg.targets[k];
        if (!tg.types.empty()) {
            continue; // a group target is a pair of side rows (add_side_rows)
        }
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
            r.L = tg.lower_bound(T);
            r.U = tg.upper_bound(T);
            r.binding = tg.binding;
            row_of[k][static_cast<std::size_t>(y)] = static_cast<int>(m.rows.size());
            m.rows.push_back(r);
        }
    }
    return row_of;
}

/// Where columns come from: a target (or a group target's member type) and its rows.
struct Source {
    std::size_t target;
    std::size_t type;
    Quantity unit;
    std::vector<int> rows; // per year: the target row, or -1
};

/// Each single-type target, and each member type of a group target that has no target of its
/// own (through free rows, added here).
std::vector<Source> column_sources(Model &m, const PlanConfig &cfg,
                                   const std::vector<std::vector<int>> &row_of) {
    std::vector<Source> sources;
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = cfg.targets[k];
        if (tg.types.empty()) {
            sources.push_back(
                {k, static_cast<std::size_t>(cfg.type_index(tg.type)), tg.unit, row_of[k]});
            continue;
        }
        for (const auto &id : tg.types) {
            const bool own = std::any_of(cfg.targets.begin(), cfg.targets.end(),
                                         [&](const Target &o) { return o.type == id; });
            const bool seen = std::any_of(sources.begin(), sources.end(), [&](const Source &s) {
                return cfg.types[s.type].id == id;
            });
            if (own || seen) {
                continue;
            }
            std::vector<int> rows(static_cast<std::size_t>(cfg.years()), -1);
            for (int y = 0; y < cfg.years(); ++y) {
                if (tg.values[static_cast<std::size_t>(y)] <= 0) {
                    continue;
                }
                TargetRow r;
                r.year = cfg.first_year + y;
                r.target = k;
                r.type = static_cast<std::size_t>(cfg.type_index(id));
                r.U = std::numeric_limits<double>::infinity();
                r.binding = false;
                r.free = true;
                rows[static_cast<std::size_t>(y)] = static_cast<int>(m.rows.size());
                m.rows.push_back(r);
            }
            sources.push_back({k, static_cast<std::size_t>(cfg.type_index(id)), Quantity::land_ha,
                               std::move(rows)});
        }
    }

    return sources;
}

/// The targets' `displaced_from` must be of a resettlement type (rule 11).
void check_resettlement_targets(const PlanConfig &cfg, const ResettlementRule &rr) {
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = cfg.targets[k];
        if (!tg.displaced_from.empty() &&
            std::find(rr.types.begin(), rr.types.end(), tg.type) == rr.types.end()) {
            throw PlanFileError(cfg.where(tg.line) + ": key 'targets[" + std::to_string(k) +
                                "].displaced_from': '" + tg.type +
                                "' is not a resettlement type (rules.resettlement.types)");
        }
    }
}

/// Calls emit(column) for every column, parcel by parcel (docs/model.md, "Variables"), with their
/// bundled parts.
template <class Emit>
void for_each_column(const Model &m, const TargetZones &tz, const std::vector<Source> &sources,
                     const std::vector<std::vector<int>> &row_of, const ResettlementRule &rr,
                     Emit &&emit) {
    const AllocationProblem &pr = *m.problem;
    const PlanConfig &cfg = *pr.plan;
    const City &city = *pr.city;
    // The row a bundled share of type b in year y and zone z supplies: the first target of b
    // whose zones hold z.
    auto bundle_row = [&](std::size_t b, int y, int zone) {
        for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
            if (cfg.targets[k].types.empty() &&
                static_cast<std::size_t>(cfg.type_index(cfg.targets[k].type)) == b &&
                tz.displaced[k] < 0 && in_mask(tz.mask[k], zone)) {
                const int r = row_of[k][static_cast<std::size_t>(y)];
                if (r >= 0) {
                    return r;
                }
            }
        }
        return -1;
    };
    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
        const Parcel &p = city.parcels[i];
        for (std::size_t src = 0; src < sources.size(); ++src) {
            const std::size_t k = sources[src].target;
            const std::size_t t = sources[src].type;
            const std::string &type_id = cfg.types[t].id;
            if (!pr.eligible(i, t) || !in_mask(tz.mask[k], p.zone)) {
                continue;
            }
            if (tz.displaced[k] >= 0 && !resettlement_near(rr, city, p, tz.displaced[k])) {
                continue;
            }
            // Rule 9: the first bundling rule the site and type qualify for.
            const BundlingRule *bundle = nullptr;
            for (const BundlingRule &b : cfg.rules.bundling) {
                if (std::find(b.hosts.begin(), b.hosts.end(), type_id) != b.hosts.end() &&
                    bundling_applies(b, city, p)) {
                    bundle = &b;
                    break;
                }
            }
            const double s = bundle ? bundle->share : 0.0;
            const int bt = bundle ? cfg.type_index(bundle->type) : -1;
            for (int y = 0; y < cfg.years(); ++y) {
                const int r = sources[src].rows[static_cast<std::size_t>(y)];
                if (r < 0 || p.first_year > cfg.first_year + y) {
                    continue;
                }
                // Before its station opens a site has no TOD bonus (rule 6), and may then fall
                // below the type's minimum plot ratio.
                const double far = pr.far_in(i, t, cfg.first_year + y);
                if (far < cfg.types[t].far_min) {
                    continue;
                }
                Column c;
                c.far = far;
                c.parcel = static_cast<std::uint32_t>(i);
                c.row = static_cast<std::uint32_t>(r);
                c.type = static_cast<std::uint32_t>(t);
                c.zone = p.zone;
                // A well-placed site is worth slightly more supplied early; this also makes the
                // choice of year unique where the sites alone would leave it open.
                c.value = ha_from_m2(pr.score[pr.at(i, t)] *
                                     pr.factor_in(i, t, cfg.first_year + y) * p.area_m2) *
                          (1.0 + cfg.objective.early_supply_bonus * (cfg.years() - 1 - y));
                c.q = quantity_of(sources[src].unit, (1.0 - s) * p.area_m2, far, cfg.types[t]);
                const double floor = floor_area_m2(p.area_m2, far);
                c.units = units_from_floor((1.0 - s) * floor, cfg.types[t]);
                if (bt >= 0) {
                    const HousingType &bty = cfg.types[static_cast<std::size_t>(bt)];
                    c.bundle_type = bt;
                    c.bundle_share = s;
                    c.units += units_from_floor(s * floor, bty);
                    c.bundle_row = bundle_row(static_cast<std::size_t>(bt), y, p.zone);
                    if (c.bundle_row >= 0) {
                        const Target &btg =
                            cfg.targets[m.rows[static_cast<std::size_t>(c.bundle_row)].target];
                        c.bundle_q = quantity_of(btg.unit, s * p.area_m2, far, bty);
                    }
                }
                if (c.q > 0) {
                    emit(c);
                }
            }
        }
    }
}

/// The columns, and where each parcel's columns start. They are counted first and stored in a
/// vector of exactly their number: grown by doubling, the 1M bench city's 5.5 million columns
/// (393 MB) sat in a vector with room for 8.4 million (604 MB), and its last move held 906 MB.
void add_columns(Model &m, const TargetZones &tz, const std::vector<Source> &sources,
                 const std::vector<std::vector<int>> &row_of, const ResettlementRule &rr) {
    std::size_t n = 0;
    for_each_column(m, tz, sources, row_of, rr, [&n](const Column &) { ++n; });
    m.columns.reserve(n);
    std::vector<std::uint32_t> &start = m.parcel_start;
    start.assign(m.problem->n_parcels + 1, 0);
    for_each_column(m, tz, sources, row_of, rr, [&](const Column &c) {
        m.columns.push_back(c);
        ++start[c.parcel + 1];
    });
    std::partial_sum(start.begin(), start.end(), start.begin());
}

/// The target rows' costs (docs/model.md, "Program").
void price_rows(Model &m) {
    const PlanConfig &cfg = *m.problem->plan;
    // Costs: one unit over a target costs the best value density of its row, so supplying
    // beyond the target never pays; one unit short of the band costs a multiple of it.
    const ObjectiveConfig &oc = cfg.objective;
    std::vector<double> best_density(m.rows.size(), 0.0);
    std::vector<double> largest(m.rows.size(), 0.0);
    for (const Column &c : m.columns) {
        best_density[c.row] = std::max(best_density[c.row], c.value / c.q);
        largest[c.row] = std::max(largest[c.row], c.q);
    }
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        TargetRow &row = m.rows[r];
        if (row.free) {
            continue; // no target: no costs
        }
        row.rho = oc.over_target_cost * (best_density[r] > 0 ? best_density[r] : 1.0);
        row.P = (row.binding ? oc.short_binding_cost : oc.short_indicative_cost) *
                (best_density[r] > 0 ? best_density[r] : 1.0);
        row.F = row.L > 0 ? row.P * largest[r] : 0.0;
    }
}

/// w, the cost of a new unit off a zone's balance, and the band's cost: multiples of the columns'
/// mean value per dwelling unit.
void price_balance(Model &m) {
    const PlanConfig &cfg = *m.problem->plan;
    const ObjectiveConfig &oc = cfg.objective;
    double value_per_unit = 0;
    std::size_t n_units = 0;
    for (const Column &c : m.columns) {
        if (c.units > 0) {
            value_per_unit += c.value / c.units;
            ++n_units;
        }
    }
    const JobsHousingConfig &jh = cfg.jobs_housing;
    const double per_unit = n_units > 0 ? value_per_unit / static_cast<double>(n_units) : 0.0;
    m.jh_cost = jh.weight * per_unit;
    switch (jh.band) {
    case BandMode::off:
        m.band_cost = 0;
        break;
    case BandMode::soft:
        m.band_cost = jh.band_weight * per_unit;
        break;
    case BandMode::hard:
        m.band_cost = oc.short_binding_cost * per_unit;
        break;
    }
}

/// The units the targets imply: each target row's figure T times the units per unit of q over
/// the row's columns (host and bundled parts apart). Rows without a figure of their own (a group
/// target's members) add nothing.
double implied_units(const Model &m) {
    const PlanConfig &cfg = *m.problem->plan;
    const City &city = *m.problem->city;
    std::vector<double> units(m.rows.size(), 0.0);
    std::vector<double> q(m.rows.size(), 0.0);
    for (const Column &c : m.columns) {
        const double area = city.parcels[c.parcel].area_m2;
        units[c.row] +=
            quantity_of(Quantity::units, (1.0 - c.bundle_share) * area, c.far, cfg.types[c.type]);
        q[c.row] += c.q;
        if (c.bundle_row >= 0) {
            const auto b = static_cast<std::size_t>(c.bundle_row);
            units[b] += quantity_of(Quantity::units, c.bundle_share * area, c.far,
                                    cfg.types[static_cast<std::size_t>(c.bundle_type)]);
            q[b] += c.bundle_q;
        }
    }
    double total = 0;
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        if (!m.rows[r].free && q[r] > 0) {
            total += m.rows[r].T * units[r] / q[r];
        }
    }
    return total;
}

/// Jobs-housing: the balance hinge of every zone (its balanced units t_z, cost w on either
/// side) and, with a band, a hinge at each end of the band.
void add_zone_rows(Model &m) {
    const PlanConfig &cfg = *m.problem->plan;
    const City &city = *m.problem->city;
    const JobsHousingConfig &jh = cfg.jobs_housing;
    const IndicatorOptions &io = cfg.indicators;
    const std::vector<double> jobs = zone_jobs(city, io);
    BalanceTerm &b = m.balance;
    b.k = io.persons_per_unit * io.labour_force_rate;
    b.implied_units = implied_units(m);
    double workers = 0;
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        b.jobs += jobs[z];
        workers += city.zones[z].population * io.labour_force_rate;
    }
    b.workers_after = workers + b.k * b.implied_units;
    m.zones.resize(city.zones.size());
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        const Zone &zone = city.zones[z];
        ZoneRow &zr = m.zones[z];
        zr.dwellings = zone.dwellings;
        zr.jobs = jobs[z];
        zr.workers = zone.population * io.labour_force_rate;
        zr.min_dwellings = zr.jobs / jh.ratio_max;
        zr.max_dwellings = zr.jobs / jh.ratio_min;
        if (b.k > 0 && b.jobs > 0) {
            zr.balanced_units = (zr.jobs / b.jobs * b.workers_after - zr.workers) / b.k;
        }
        if (m.jh_cost > 0 && b.k > 0 && b.jobs > 0) {
            if (zr.balanced_units > 0) {
                zr.slope = -m.jh_cost;
                zr.hinges.push_back({zr.balanced_units, 0.0, 2 * m.jh_cost});
            } else {
                zr.slope = m.jh_cost;
            }
        }
        if (m.band_cost > 0 && zr.jobs > 0) {
            zr.hinges.push_back({zr.min_dwellings - zr.dwellings, m.band_cost, 0.0});
            zr.hinges.push_back({zr.max_dwellings - zr.dwellings, 0.0, m.band_cost});
        }
    }
}

} // namespace

Model build_model(const AllocationProblem &pr) {
    const PlanConfig &cfg = *pr.plan;
    Model m;
    m.problem = &pr;
    const TargetZones tz = target_zones(cfg, *pr.city);
    const std::vector<std::vector<int>> row_of = add_target_rows(m, cfg);
    const std::vector<Source> sources = column_sources(m, cfg, row_of);
    const ResettlementRule default_resettle;
    const ResettlementRule &rr =
        cfg.rules.resettlement ? *cfg.rules.resettlement : default_resettle;
    check_resettlement_targets(cfg, rr);
    add_columns(m, tz, sources, row_of, rr);
    price_rows(m);
    price_balance(m);
    add_zone_rows(m);
    model_build::add_side_rows(m, tz.mask);
    order_by_density(m);
    return m;
}

void reweigh_balance(Model &m) {
    m.zones.clear();
    m.balance = {};
    price_balance(m);
    add_zone_rows(m);
}

void order_by_density(Model &m) {
    const City &city = *m.problem->city;
    // The parcels' ranks by id, so the sort compares numbers, not strings.
    std::vector<std::uint32_t> by_id(city.parcels.size());
    std::iota(by_id.begin(), by_id.end(), 0u);
    std::stable_sort(by_id.begin(), by_id.end(), [&](std::uint32_t a, std::uint32_t b) {
        return city.parcels[a].id < city.parcels[b].id;
    });
    std::vector<std::uint32_t> id_rank(city.parcels.size());
    for (std::uint32_t r = 0; r < by_id.size(); ++r) {
        id_rank[by_id[r]] = r;
    }
    std::vector<double> density(m.columns.size());
    for (std::size_t c = 0; c < m.columns.size(); ++c) {
        density[c] = m.columns[c].value / m.columns[c].q;
    }
    m.density_order.resize(m.columns.size());
    std::iota(m.density_order.begin(), m.density_order.end(), 0u);
    std::sort(m.density_order.begin(), m.density_order.end(),
              [&](std::uint32_t a, std::uint32_t b) {
                  if (density[a] != density[b]) {
                      return density[a] > density[b];
                  }
                  const std::uint32_t ra = id_rank[m.columns[a].parcel];
                  const std::uint32_t rb = id_rank[m.columns[b].parcel];
                  return ra != rb ? ra < rb : a < b;
              });
}

std::vector<std::vector<std::uint32_t>> columns_by_row(const Model &m) {
    if (m.density_order.size() != m.columns.size()) {
        throw PreconditionError("columns_by_row: the model's columns have no density order "
                                "(order_by_density)");
    }
    std::vector<std::vector<std::uint32_t>> out(m.rows.size());
    for (const std::uint32_t c : m.density_order) {
        out[m.columns[c].row].push_back(c);
    }
    return out;
}

double zone_cost(const Model &m, std::size_t z, double added) {
    double cost = m.zones[z].slope * added;
    for (const ZoneHinge &h : m.zones[z].hinges) {
        cost += hinge_cost(h, added);
    }
    return cost;
}

namespace {

/// Raises the value of `key` in a short list of (key, value) pairs to at least `v` (adds it).
template <class K> void keep_max(std::vector<std::pair<K, double>> &list, K key, double v) {
    for (auto &[k, have] : list) {
        if (k == key) {
            have = std::max(have, v);
            return;
        }
    }
    list.emplace_back(key, v);
}

} // namespace

double unavoidable_cost(const Model &m) {
    // The most each row can be supplied and the most new units each zone can get: per parcel,
    // its best column for each (one column per parcel).
    std::vector<double> row_max(m.rows.size(), 0.0);
    std::vector<double> zone_max(m.zones.size(), 0.0);
    std::vector<std::pair<std::uint32_t, double>> best; // (row, q) of one parcel
    // And the most each target can be supplied over the horizon, a parcel once: its best column
    // for the target (its own row's q plus its bundled row's, when that is the target's).
    std::size_t targets = 0;
    for (const TargetRow &r : m.rows) {
        targets = std::max(targets, r.target + 1);
    }
    std::vector<double> target_max(targets, 0.0);
    std::vector<std::pair<std::size_t, double>> best_target; // (target, q) of one parcel
    for (std::size_t i = 0; i < m.n_parcels(); ++i) {
        best.clear();
        best_target.clear();
        double units = 0;
        std::int32_t zone = -1;
        for (std::uint32_t c = m.parcel_start[i]; c < m.parcel_start[i + 1]; ++c) {
            const Column &col = m.columns[c];
            keep_max(best, col.row, col.q);
            const std::size_t own = m.rows[col.row].target;
            double to_own = col.q;
            if (col.bundle_row >= 0) {
                keep_max(best, static_cast<std::uint32_t>(col.bundle_row), col.bundle_q);
                const std::size_t bundled = m.rows[static_cast<std::size_t>(col.bundle_row)].target;
                if (bundled == own) {
                    to_own += col.bundle_q;
                } else {
                    keep_max(best_target, bundled, col.bundle_q);
                }
            }
            keep_max(best_target, own, to_own);
            units = std::max(units, col.units);
            zone = col.zone;
        }
        for (const auto &[r, q] : best) {
            row_max[r] += q;
        }
        for (const auto &[k, q] : best_target) {
            target_max[k] += q;
        }
        if (zone >= 0) {
            zone_max[static_cast<std::size_t>(zone)] += units;
        }
    }
    // Per target, the larger of two floors of its rows' costs: each row's own, and the
    // horizon's (what its rows ask beyond what its land can give at all, at the least P of its
    // rows, and the least F: some row is short).
    std::vector<double> by_rows(targets, 0.0), asked(targets, 0.0), ceiling(targets, 0.0);
    std::vector<double> least_p(targets, k_inf), least_f(targets, k_inf);
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        const TargetRow &row = m.rows[r];
        const double most = std::isfinite(row.U) ? std::min(row.U, row_max[r]) : row_max[r];
        if (row_short(row, most)) {
            by_rows[row.target] += row.P * (row.L - most) + row.F;
        }
        if (!row.free) {
            asked[row.target] += row.L;
            ceiling[row.target] += row.U;
            least_p[row.target] = std::min(least_p[row.target], row.P);
            least_f[row.target] = std::min(least_f[row.target], row.F);
        }
    }
    double cost = 0;
    for (std::size_t k = 0; k < targets; ++k) {
        const double most = std::min(target_max[k], ceiling[k]);
        double horizon = 0;
        if (std::isfinite(least_p[k]) && asked[k] - most > 1e-9 * std::max(asked[k], 1.0)) {
            horizon = least_p[k] * (asked[k] - most) + least_f[k];
        }
        cost += std::max(by_rows[k], horizon);
    }
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        for (const ZoneHinge &h : m.zones[z].hinges) {
            cost += hinge_cost(h, std::clamp(h.at, 0.0, zone_max[z]));
        }
    }
    return cost;
}

double relative_gap(double bound, double objective, double unavoidable) {
    return (bound - objective) / std::max(std::abs(objective + unavoidable), 1e-9);
}

double row_cost(const TargetRow &row, double supply, bool fixed) {
    return row.rho * std::max(0.0, supply - row.T) + row.P * std::max(0.0, row.L - supply) +
           (fixed && row_short(row, supply) ? row.F : 0.0);
}

Evaluation evaluate(const Model &m, const std::vector<std::uint32_t> &chosen) {
    Evaluation e;
    e.row_supply.assign(m.rows.size(), 0.0);
    e.zone_units.assign(m.zones.size(), 0.0);
    e.side_lhs.assign(m.side_rows.size(), 0.0);
    for (std::uint32_t ci : chosen) {
        e.suitability += m.columns[ci].value;
        add_coefficients(m, ci, 1.0, e.row_supply, e.zone_units, e.side_lhs);
    }
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        const TargetRow &row = m.rows[r];
        e.over_cost += row.rho * std::max(0.0, e.row_supply[r] - row.T);
        e.short_cost += row.P * std::max(0.0, row.L - e.row_supply[r]) +
                        (row_short(row, e.row_supply[r]) ? row.F : 0.0);
    }
    for (std::size_t z = 0; z < m.zones.size(); ++z) {
        e.jh_cost += zone_cost(m, z, e.zone_units[z]);
    }
    for (std::size_t s = 0; s < m.side_rows.size(); ++s) {
        e.side_cost += side_cost(m.side_rows[s], e.side_lhs[s]);
    }
    e.objective = e.suitability - e.over_cost - e.short_cost - e.jh_cost - e.side_cost;
    return e;
}

void add_coefficients(const Model &m, std::uint32_t c, double sign, std::vector<double> &supply,
                      std::vector<double> &units, std::vector<double> &side) {
    for_each_coefficient(m, c, [&](RowKind kind, std::uint32_t i, double a) {
        switch (kind) {
        case RowKind::target:
        case RowKind::bundle:
            supply[i] += sign * a;
            break;
        case RowKind::zone:
            units[i] += sign * a;
            break;
        case RowKind::side:
            side[i] += sign * a;
            break;
        }
    });
}

bool fits_upper(const Model &m, std::uint32_t c, const std::vector<double> &supply) {
    bool fits = true;
    for_each_coefficient(m, c, [&](RowKind kind, std::uint32_t r, double q) {
        if ((kind == RowKind::target || kind == RowKind::bundle) &&
            !(supply[r] + q <= m.rows[r].U)) {
            fits = false;
        }
    });
    return fits;
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
