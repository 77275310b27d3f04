#include "allocation/model.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace landalloc {

namespace {

/// Zone masks of the targets (`zones`, `displaced_from`), checked against the zones layer.
struct TargetZones {
    std::vector<std::vector<bool>> mask; // per target: allowed zones (empty: all)
    std::vector<int> displaced;          // per target: the displacing zone, or -1
};

/// The index of the zone with id `id`; a PlanFileError naming the plan file's `key` and `line`
/// when the zones layer has none.
int zone_by_id(const PlanConfig &cfg, const City &city, const std::string &id, int line,
               const std::string &key) {
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        if (city.zones[z].id == id) {
            return static_cast<int>(z);
        }
    }
    throw PlanFileError(cfg.where(line) + ": key '" + key + "': zone '" + id +
                        "' is not in the zones layer (zone ids are its 'id' field)");
}

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
            out.mask[k].assign(city.zones.size(), false);
            for (const auto &id : tg.zones) {
                out.mask[k][static_cast<std::size_t>(zone_of(k, id, "zones"))] = true;
            }
        }
        if (!tg.displaced_from.empty()) {
            out.displaced[k] = zone_of(k, tg.displaced_from, "displaced_from");
        }
    }
    return out;
}

bool in_mask(const std::vector<bool> &mask, int zone) {
    return mask.empty() || (zone >= 0 && mask[static_cast<std::size_t>(zone)]);
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string pct(double share) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g %%", share * 100.0);
    return buf;
}

/// Side rows of the rules and their coefficients (allocation/rules.hpp).
void add_side_rows(Model &m, const std::vector<std::vector<bool>> &target_mask) {
    const AllocationProblem &pr = *m.problem;
    const PlanConfig &cfg = *pr.plan;
    const City &city = *pr.city;
    const RulesConfig &R = cfg.rules;
    const auto Y = static_cast<std::size_t>(cfg.years());
    std::vector<std::vector<SideEntry>> entries(m.columns.size());
    auto year_of = [&](const Column &c) {
        return static_cast<std::size_t>(m.rows[c.row].year - cfg.first_year);
    };
    auto land_ha = [&](const Column &c) { return city.parcels[c.parcel].area_m2 / 1e4; };
    auto new_row = [&](SideRow r) {
        m.side_rows.push_back(std::move(r));
        return static_cast<std::uint32_t>(m.side_rows.size() - 1);
    };
    auto per_year = [&](const std::string &rule, const std::string &unit, bool binding,
                        const std::string &what, double share, int type) {
        std::vector<std::uint32_t> rows(Y);
        for (std::size_t y = 0; y < Y; ++y) {
            SideRow r;
            r.rule = rule;
            r.unit = unit;
            r.share = share;
            r.weight = unit == "ha" ? "land" : "units";
            r.type = type;
            r.year = cfg.first_year + static_cast<int>(y);
            r.binding = binding;
            r.label = what + ", " + std::to_string(r.year);
            rows[y] = new_row(std::move(r));
        }
        return rows;
    };

    // Rule 3: rental land >= share x residential land, each year.
    if (R.rental_share) {
        const double share = R.rental_share->share;
        const auto rows =
            per_year("rental_share", "ha", R.rental_share->binding,
                     "rental land >= " + pct(share) + " of residential land", share, -1);
        for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
            const Column &c = m.columns[ci];
            const double land = land_ha(c);
            double rental = cfg.types[c.type].rental ? (1.0 - c.bundle_share) * land : 0.0;
            if (c.bundle_type >= 0 && cfg.types[static_cast<std::size_t>(c.bundle_type)].rental) {
                rental += c.bundle_share * land;
            }
            entries[ci].push_back({rows[year_of(c)], share * land - rental});
        }
    }

    // Rule 5: housing in an industrial park within a share of the park's land (and floor).
    // Rows for every park and cap (rows no column enters are dropped below), then one pass
    // over the columns: a parcel lies in one park at most.
    if (R.park_caps) {
        const auto &caps = R.park_caps->caps;
        std::vector<std::vector<std::int64_t>> land_row(city.parks.size());
        std::vector<std::vector<std::int64_t>> floor_row(city.parks.size());
        for (std::size_t j = 0; j < city.parks.size(); ++j) {
            const Park &park = city.parks[j];
            for (const ParkCap &cap : caps) {
                SideRow land;
                land.rule = "park_cap";
                land.unit = "ha";
                land.rhs = cap.land_share * park.area_m2 / 1e4;
                land.label = cap.name + ": housing land in " + park.name + " (" + park.id +
                             ") <= " + pct(cap.land_share) + " of its land";
                land_row[j].push_back(new_row(land));
                floor_row[j].push_back(-1);
                if (cap.floor_share) {
                    SideRow floor;
                    floor.rule = "park_cap";
                    floor.unit = "m2";
                    floor.rhs = *cap.floor_share * park.area_m2 * R.park_caps->park_far;
                    floor.label = cap.name + ": housing floor area in " + park.name + " (" +
                                  park.id + ") <= " + pct(*cap.floor_share) + " of its floor area";
                    floor_row[j].back() = new_row(floor);
                }
            }
        }
        for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
            const Column &c = m.columns[ci];
            const Parcel &p = city.parcels[c.parcel];
            if (!p.in_park || p.nearest_park < 0 ||
                static_cast<std::size_t>(p.nearest_park) >= city.parks.size()) {
                continue;
            }
            const auto j = static_cast<std::size_t>(p.nearest_park);
            for (std::size_t k = 0; k < caps.size(); ++k) {
                if (!caps[k].types.empty() &&
                    std::find(caps[k].types.begin(), caps[k].types.end(), cfg.types[c.type].id) ==
                        caps[k].types.end()) {
                    continue;
                }
                entries[ci].push_back({static_cast<std::uint32_t>(land_row[j][k]), land_ha(c)});
                if (floor_row[j][k] >= 0) {
                    entries[ci].push_back({static_cast<std::uint32_t>(floor_row[j][k]),
                                           floor_area_m2(p.area_m2, c.far)});
                }
            }
        }
    }

    // Rule 7: a zone class's share of a type's land, each year.
    for (const auto &[cls, zr] : R.zone_classes) {
        for (const auto &[type, share] : zr.max_share) {
            const auto rows = per_year("zone_class_share", "ha", true,
                                       type + " land in " + cls + " zones <= " + pct(share) +
                                           " of all " + type + " land",
                                       1.0 - share, cfg.type_index(type));
            for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
                const Column &c = m.columns[ci];
                if (cfg.types[c.type].id != type) {
                    continue;
                }
                const bool in =
                    c.zone >= 0 && city.zones[static_cast<std::size_t>(c.zone)].zone_class == cls;
                entries[ci].push_back({rows[year_of(c)], ((in ? 1.0 : 0.0) - share) * land_ha(c)});
            }
        }
    }

    // Rule 8: units in key areas >= share x all new units, each year.
    if (R.key_areas) {
        std::vector<bool> key(city.zones.size(), false);
        for (const auto &id : R.key_areas->zones) {
            key[static_cast<std::size_t>(
                zone_by_id(cfg, city, id, R.key_areas->line, "rules.key_areas.zones"))] = true;
        }
        const double share = R.key_areas->share;
        const auto rows =
            per_year("key_areas", "units", R.key_areas->binding,
                     "new units in key areas >= " + pct(share) + " of all", share, -1);
        for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
            const Column &c = m.columns[ci];
            const bool in = c.zone >= 0 && key[static_cast<std::size_t>(c.zone)];
            entries[ci].push_back({rows[year_of(c)], (share - (in ? 1.0 : 0.0)) * c.units});
        }
    }

    // Group targets (types = [...]): per year, lower and upper rows on the summed supply.
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = cfg.targets[k];
        if (tg.types.empty()) {
            continue;
        }
        std::vector<bool> member(cfg.types.size(), false);
        for (const auto &id : tg.types) {
            member[static_cast<std::size_t>(cfg.type_index(id))] = true;
        }
        std::vector<std::int64_t> lo(Y, -1), over(Y, -1), hi(Y, -1);
        for (std::size_t y = 0; y < Y; ++y) {
            const double T = tg.values[y];
            if (T <= 0) {
                continue;
            }
            SideRow r;
            r.rule = "target";
            r.unit = quantity_unit(tg.unit);
            r.year = cfg.first_year + static_cast<int>(y);
            r.binding = tg.binding;
            r.target = static_cast<int>(k);
            r.lower = true;
            r.rhs = -T * (1.0 - tg.tolerance);
            r.label = tg.type + " >= " + num(T * (1.0 - tg.tolerance)) + " " + r.unit;
            lo[y] = new_row(r);
            // Above the target costs as for a target row (never pays); past the upper tolerance
            // ten times a binding shortfall (a target row's upper band is hard).
            r.lower = false;
            r.rhs = T;
            r.cost_factor = cfg.objective.over_target_cost;
            r.label = tg.type + " over the target " + num(T) + " " + r.unit;
            over[y] = new_row(r);
            if (!tg.at_least) {
                r.rhs = T * (1.0 + tg.tolerance);
                r.cost_factor = 10 * cfg.objective.short_binding_cost;
                r.label = tg.type + " <= " + num(r.rhs) + " " + r.unit;
                hi[y] = new_row(r);
            }
        }
        for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
            const Column &c = m.columns[ci];
            const std::size_t y = year_of(c);
            if (!member[c.type] || lo[y] < 0 || !in_mask(target_mask[k], c.zone)) {
                continue;
            }
            // The whole site counts, a bundled share included.
            const Parcel &p = city.parcels[c.parcel];
            const double far = c.far;
            const double q = tg.unit == Quantity::land_ha    ? p.area_m2 / 1e4
                             : tg.unit == Quantity::floor_m2 ? floor_area_m2(p.area_m2, far)
                                                             : c.units;
            entries[ci].push_back({static_cast<std::uint32_t>(lo[y]), -q});
            entries[ci].push_back({static_cast<std::uint32_t>(over[y]), q});
            if (hi[y] >= 0) {
                entries[ci].push_back({static_cast<std::uint32_t>(hi[y]), q});
            }
        }
    }

    if (m.side_rows.empty()) {
        return;
    }
    // Drop rows no column enters, then store the entries column by column.
    std::vector<bool> used(m.side_rows.size(), false);
    for (const auto &es : entries) {
        for (const SideEntry &e : es) {
            used[e.row] = used[e.row] || e.a != 0;
        }
    }
    std::vector<std::uint32_t> renum(m.side_rows.size(), 0);
    std::vector<SideRow> kept;
    for (std::size_t r = 0; r < m.side_rows.size(); ++r) {
        if (used[r]) {
            renum[r] = static_cast<std::uint32_t>(kept.size());
            kept.push_back(std::move(m.side_rows[r]));
        }
    }
    m.side_rows = std::move(kept);
    // Cost: one unit of violation costs a multiple of the best value per unit of any column
    // that enters the row positively, so no column pays for the violation it brings.
    std::vector<double> best(m.side_rows.size(), 0.0);
    m.side_start.reserve(m.columns.size() + 1);
    for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
        m.side_start.push_back(static_cast<std::uint32_t>(m.side_entries.size()));
        for (const SideEntry &e : entries[ci]) {
            if (e.a == 0 || !used[e.row]) {
                continue;
            }
            const std::uint32_t r = renum[e.row];
            m.side_entries.push_back({r, e.a});
            // A group target's lower row is priced like a target row: by |a|.
            if (e.a > 0 || m.side_rows[r].lower) {
                best[r] = std::max(best[r], m.columns[ci].value / std::abs(e.a));
            }
        }
    }
    m.side_start.push_back(static_cast<std::uint32_t>(m.side_entries.size()));
    const ObjectiveConfig &oc = cfg.objective;
    for (std::size_t r = 0; r < m.side_rows.size(); ++r) {
        SideRow &row = m.side_rows[r];
        const double factor = row.cost_factor >= 0 ? row.cost_factor
                              : row.binding        ? oc.short_binding_cost
                                                   : oc.short_indicative_cost;
        row.cost = factor * (best[r] > 0 ? best[r] : 1.0);
    }
}

} // namespace

Model build_model(const AllocationProblem &pr) {
    const PlanConfig &cfg = *pr.plan;
    const City &city = *pr.city;
    Model m;
    m.problem = &pr;
    const TargetZones tz = target_zones(cfg, city);

    // Target rows: one per (target, year) with a positive target.
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
            r.L = T * (1.0 - tg.tolerance);
            r.U = tg.at_least ? std::numeric_limits<double>::infinity() : T * (1.0 + tg.tolerance);
            r.binding = tg.binding;
            row_of[k][static_cast<std::size_t>(y)] = static_cast<int>(m.rows.size());
            m.rows.push_back(r);
        }
    }
    // Where columns come from: each single-type target, and each member type of a group target
    // that has no target of its own (through free rows).
    struct Source {
        std::size_t target;
        std::size_t type;
        Quantity unit;
    };
    std::vector<Source> sources;
    std::vector<std::vector<int>> source_rows;
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = cfg.targets[k];
        if (tg.types.empty()) {
            sources.push_back({k, static_cast<std::size_t>(cfg.type_index(tg.type)), tg.unit});
            source_rows.push_back(row_of[k]);
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
            sources.push_back({k, static_cast<std::size_t>(cfg.type_index(id)), Quantity::land_ha});
            source_rows.push_back(std::move(rows));
        }
    }

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
    const auto &resettle = cfg.rules.resettlement;
    const ResettlementRule default_resettle;
    const ResettlementRule &rr = resettle ? *resettle : default_resettle;
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = cfg.targets[k];
        if (!tg.displaced_from.empty() &&
            std::find(rr.types.begin(), rr.types.end(), tg.type) == rr.types.end()) {
            throw PlanFileError(cfg.where(tg.line) + ": key 'targets[" + std::to_string(k) +
                                "].displaced_from': '" + tg.type +
                                "' is not a resettlement type (rules.resettlement.types)");
        }
    }

    // Columns, parcel by parcel.
    m.parcel_start.reserve(pr.n_parcels + 1);
    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
        m.parcel_start.push_back(static_cast<std::uint32_t>(m.columns.size()));
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
                const int r = source_rows[src][static_cast<std::size_t>(y)];
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
                c.value = pr.score[pr.at(i, t)] * pr.factor_in(i, t, cfg.first_year + y) *
                          p.area_m2 / 1e4 *
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
        if (row.free) {
            continue; // no target: no costs
        }
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
    add_side_rows(m, tz.mask);
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
    e.side_lhs.assign(m.side_rows.size(), 0.0);
    for (std::uint32_t ci : chosen) {
        e.suitability += m.columns[ci].value;
        add_coefficients(m, ci, 1.0, e.row_supply, e.zone_units, e.side_lhs);
    }
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        const TargetRow &row = m.rows[r];
        e.over_cost += row.rho * std::max(0.0, e.row_supply[r] - row.T);
        e.short_cost += row.P * std::max(0.0, row.L - e.row_supply[r]);
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
