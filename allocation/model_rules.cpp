// The side rows of the rules (rules 2, 3, 5, 7, 8), of the spatial policies and of the group
// targets: one builder per kind of row, then the rows no column enters dropped (a floor no column
// can reach kept aside, to be reported) and each row's violation priced (docs/model.md, "Rules").

#include "allocation/model_build.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace landalloc::model_build {

namespace {

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

std::string fixed(double v, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

/// "commercial land", "commercial+talent units", "floor area" (all types): what a row counts.
std::string counted(const std::vector<std::string> &types, Quantity measure) {
    std::string what;
    for (const auto &t : types) {
        what += (what.empty() ? "" : "+") + t;
    }
    const char *m = measure == Quantity::land_ha    ? "land"
                    : measure == Quantity::floor_m2 ? "floor area"
                                                    : "units";
    return what.empty() ? m : what + " " + m;
}

/// The side rows as they are built, and each column's coefficients in them (column by column,
/// in the order the builders run).
struct SideRows {
    Model &m;
    const AllocationProblem &pr;
    const PlanConfig &cfg;
    const City &city;
    const RulesConfig &R;
    const std::size_t Y;
    /// Every coefficient in the order the builders add them, its column beside it. (One flat
    /// list, not a vector per column: at a million parcels those were 5.5 million vectors.)
    struct Entry {
        std::uint32_t column = 0;
        SideEntry e;
    };
    std::vector<Entry> entries;

    explicit SideRows(Model &model)
        : m(model), pr(*model.problem), cfg(*pr.plan), city(*pr.city), R(cfg.rules),
          Y(static_cast<std::size_t>(cfg.years())) {}

    void enter(std::size_t column, SideEntry e) {
        entries.push_back({static_cast<std::uint32_t>(column), e});
    }

    std::size_t year_of(const Column &c) const {
        return static_cast<std::size_t>(m.rows[c.row].year - cfg.first_year);
    }
    double land_ha(const Column &c) const { return ha_from_m2(city.parcels[c.parcel].area_m2); }
    /// ", 2023" for a row of one year, ", 2021-2025" for one over the horizon.
    std::string period(int year) const {
        return year ? ", " + std::to_string(year)
                    : ", " + std::to_string(cfg.first_year) + "-" + std::to_string(cfg.last_year);
    }
    /// One row over the horizon, or one a year: `make(year)` gives each (year 0: the horizon).
    template <class Make> std::vector<std::uint32_t> rows_for(bool per_year, Make &&make) {
        std::vector<std::uint32_t> rows(Y);
        if (!per_year) {
            const std::uint32_t r = new_row(make(0));
            std::fill(rows.begin(), rows.end(), r);
            return rows;
        }
        for (std::size_t y = 0; y < Y; ++y) {
            rows[y] = new_row(make(cfg.first_year + static_cast<int>(y)));
        }
        return rows;
    }
    std::uint32_t new_row(SideRow r) {
        m.side_rows.push_back(std::move(r));
        return static_cast<std::uint32_t>(m.side_rows.size() - 1);
    }
    /// One share row a year.
    std::vector<std::uint32_t> per_year(const std::string &rule, const std::string &unit,
                                        bool binding, const std::string &what, double share,
                                        int type) {
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
    }

    void rental_share();
    void park_caps();
    void zone_class_shares();
    void key_areas();
    void policies();
    void destocking_bounds();
    void group_targets(const std::vector<std::vector<bool>> &target_mask);
    void finish();
};

void SideRows::rental_share() {
    // Rule 3: rental land >= share x residential land, each year.
    if (R.rental_share) {
        const double share = R.rental_share->share;
        const auto rows =
            per_year("rental_share", "ha", R.rental_share->binding,
                     "rental land >= " + pct(share) + " of residential land", share, -1);
        std::vector<bool> rental_types(cfg.types.size(), false);
        for (std::size_t t = 0; t < cfg.types.size(); ++t) {
            rental_types[t] = cfg.types[t].rental;
        }
        for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
            const Column &c = m.columns[ci];
            // The rental parts of the site (host, bundled share), each once.
            const double rental = typed_quantity(m, c, Quantity::land_ha, rental_types);
            enter(ci, {rows[year_of(c)], share * land_ha(c) - rental});
        }
    }
}

void SideRows::park_caps() {
    // Rule 5: housing in an industrial park within a share of the park's land (and floor).
    // Rows for every park and cap (rows no column enters are dropped in finish()), then one pass
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
                land.rhs = ha_from_m2(cap.land_share * park.area_m2);
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
                enter(ci, {static_cast<std::uint32_t>(land_row[j][k]), land_ha(c)});
                if (floor_row[j][k] >= 0) {
                    enter(ci, {static_cast<std::uint32_t>(floor_row[j][k]),
                               floor_area_m2(p.area_m2, c.far)});
                }
            }
        }
    }
}

void SideRows::zone_class_shares() {
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
                enter(ci, {rows[year_of(c)], ((in ? 1.0 : 0.0) - share) * land_ha(c)});
            }
        }
    }
}

void SideRows::key_areas() {
    // Rule 8: units in key areas >= share x all new units, each year.
    if (R.key_areas) {
        const std::vector<bool> key =
            zone_mask(cfg, city, R.key_areas->zones, R.key_areas->line, "rules.key_areas.zones");
        const double share = R.key_areas->share;
        const auto rows =
            per_year("key_areas", "units", R.key_areas->binding,
                     "new units in key areas >= " + pct(share) + " of all", share, -1);
        for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
            const Column &c = m.columns[ci];
            const bool in = c.zone >= 0 && key[static_cast<std::size_t>(c.zone)];
            enter(ci, {rows[year_of(c)], (share - (in ? 1.0 : 0.0)) * c.units});
        }
    }
}

void SideRows::policies() {
    // [[policies]]: the supply of the types in the policy's zones, as a share of the city's supply
    // of the types (min_share, max_share) or as an amount (min, max), over the horizon or a year.
    for (std::size_t k = 0; k < cfg.policies.size(); ++k) {
        const Policy &pol = cfg.policies[k];
        const std::string key = "policies[" + std::to_string(k) + "].";
        std::vector<bool> in(city.zones.size(), false);
        auto add = [&](const std::vector<bool> &mask) {
            for (std::size_t z = 0; z < in.size(); ++z) {
                in[z] = in[z] || mask[z];
            }
        };
        std::string where;
        if (!pol.zones.empty()) {
            add(zone_mask(cfg, city, pol.zones, pol.line, key + "zones"));
            for (const auto &id : pol.zones) {
                where += (where.empty() ? "zones " : ", ") + id;
            }
        }
        for (const auto &cls : pol.zone_classes) {
            bool any = false;
            for (std::size_t z = 0; z < in.size(); ++z) {
                const bool of = city.zones[z].zone_class == cls;
                in[z] = in[z] || of;
                any = any || of;
            }
            if (!any) {
                // A cap on no zone would hold trivially, a floor break whatever the plan.
                throw PlanFileError(cfg.where(pol.line) + ": key '" + key +
                                    "zone_classes': no zone of the zones layer has class '" + cls +
                                    "' (its zone_class field)");
            }
            where += (where.empty() ? "" : " + ") + cls + " zones";
        }
        if (!pol.zone_group.empty()) {
            const ZoneGroup &g = cfg.zone_groups.at(pol.zone_group);
            add(zone_mask(cfg, city, g.zones, g.line, "zone_groups." + pol.zone_group));
            where += (where.empty() ? "" : " + ") + pol.zone_group + " group";
        }
        const std::vector<bool> member = type_mask(cfg, pol.types);
        const bool share =
            pol.kind == Policy::Kind::min_share || pol.kind == Policy::Kind::max_share;
        const bool upper = pol.kind == Policy::Kind::max_share || pol.kind == Policy::Kind::max;
        const std::string what = counted(pol.types, pol.measure);
        const std::string unit = quantity_unit(pol.measure);
        const auto rows = rows_for(pol.per_year, [&](int year) {
            SideRow r;
            r.rule = "policy";
            r.unit = unit;
            r.year = year;
            r.binding = pol.binding;
            std::string limit;
            if (share) {
                r.share = pol.value;
                r.members = member;
                r.measure = pol.measure;
                r.cap = upper;
                limit = pct(pol.value) + " of all new " + what;
            } else {
                r.rhs = upper ? pol.value : -pol.value;
                r.lower = !upper;
                limit = num(pol.value) + " " + unit;
            }
            r.label = pol.name + " (" + where + "): new " + what + (upper ? " <= " : " >= ") +
                      limit + period(year);
            return r;
        });
        for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
            const Column &c = m.columns[ci];
            const double w = typed_quantity(m, c, pol.measure, member);
            if (w <= 0) {
                continue;
            }
            const double inside = c.zone >= 0 && in[static_cast<std::size_t>(c.zone)] ? 1.0 : 0.0;
            double a = 0;
            switch (pol.kind) {
            case Policy::Kind::max_share:
                a = (inside - pol.value) * w;
                break;
            case Policy::Kind::min_share:
                a = (pol.value - inside) * w;
                break;
            case Policy::Kind::max:
                a = inside * w;
                break;
            case Policy::Kind::min:
                a = -inside * w;
                break;
            }
            if (a != 0) {
                enter(ci, {rows[year_of(c)], a});
            }
        }
    }
}

void SideRows::destocking_bounds() {
    // Rule 2 as quantities: a zone with known inventory months in a band that reduces supply
    // (multiplier under 1: over 12 months by default) supplies at most its multiplier x its share
    // of the city's supply of the types: a_c = (1[zone] - m_z p_z) w_c. The share p_z is of
    // annual sales where the zones layer gives them, else of dwellings, over the zones that can
    // take the types at all (a zone whose class permits none of them is not in the sum). Bands
    // of 1 or more (increase, keep) only scale a site's value: capping every zone at its own
    // share would leave no room for any supply.
    if (!R.destocking || !R.destocking->bound) {
        return;
    }
    const DestockingRule &D = *R.destocking;
    const std::vector<bool> member = type_mask(cfg, D.types);
    if (std::none_of(member.begin(), member.end(), [](bool b) { return b; })) {
        return;
    }
    const bool by_sales = std::any_of(city.zones.begin(), city.zones.end(),
                                      [](const Zone &z) { return z.sales > 0; });
    // The zones that can take the types: the class permits one of them ([rules.zone_classes]
    // permits) and the band is not 'stop'. A plan-level test, so the audit can redo it.
    std::vector<bool> takes(city.zones.size(), false);
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        const Zone &zone = city.zones[z];
        const auto cls = R.zone_classes.find(zone.zone_class);
        const bool permits = cls == R.zone_classes.end() || !cls->second.permits ||
                             std::any_of(D.types.begin(), D.types.end(), [&](const std::string &t) {
                                 const auto &p = *cls->second.permits;
                                 return std::find(p.begin(), p.end(), t) != p.end();
                             });
        takes[z] = permits &&
                   !(zone.destock_months > 0 && destock_multiplier(D, zone.destock_months) <= 0);
    }
    double total = 0;
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        total += takes[z] ? (by_sales ? city.zones[z].sales : city.zones[z].dwellings) : 0.0;
    }
    if (!(total > 0)) {
        return;
    }
    const std::string what = counted(D.types, D.measure);
    std::vector<std::int32_t> zone_slot(city.zones.size(), -1);
    std::vector<double> bound;                    // per slot: m_z p_z
    std::vector<std::vector<std::uint32_t>> rows; // per slot: the row of each year
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        const Zone &zone = city.zones[z];
        if (!(zone.destock_months > 0) || !takes[z]) {
            continue; // unknown inventory, or nothing to bound
        }
        const double mult = destock_multiplier(D, zone.destock_months);
        const double p = (by_sales ? zone.sales : zone.dwellings) / total;
        const double s = mult * p;
        // 'stop' (0) makes the zone ineligible already; increase and keep (>= 1) are not bounded;
        // a bound of the whole city never binds.
        if (mult <= 0 || mult >= 1 || s >= 1) {
            continue;
        }
        zone_slot[z] = static_cast<std::int32_t>(bound.size());
        bound.push_back(s);
        const std::string head = zone.id + (zone.name.empty() ? "" : " " + zone.name) + " (" +
                                 num(zone.destock_months) + " months, " +
                                 destock_band(D, zone.destock_months) + " x" + num(mult) + "): ";
        rows.push_back(rows_for(D.per_year, [&](int year) {
            SideRow r;
            r.rule = "destocking";
            r.unit = quantity_unit(D.measure);
            r.year = year;
            r.binding = D.binding;
            r.share = s;
            r.members = member;
            r.measure = D.measure;
            r.cap = true;
            r.label = head + what + " <= " + num(mult) + " x its " + fixed(100 * p, 1) +
                      " % share of all " + what + period(year);
            return r;
        }));
    }
    if (bound.empty()) {
        return;
    }
    for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
        const Column &c = m.columns[ci];
        const double w = typed_quantity(m, c, D.measure, member);
        if (w <= 0) {
            continue;
        }
        const std::size_t y = year_of(c);
        const std::int32_t own = c.zone >= 0 ? zone_slot[static_cast<std::size_t>(c.zone)] : -1;
        for (std::size_t k = 0; k < bound.size(); ++k) {
            const double inside = static_cast<std::int32_t>(k) == own ? 1.0 : 0.0;
            enter(ci, {rows[k][y], (inside - bound[k]) * w});
        }
    }
}

void SideRows::group_targets(const std::vector<std::vector<bool>> &target_mask) {
    // Group targets (types = [...]): per year, lower and upper rows on the summed supply.
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = cfg.targets[k];
        if (tg.types.empty()) {
            continue;
        }
        const std::vector<bool> member = type_mask(cfg, tg.types);
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
            r.rhs = -tg.lower_bound(T);
            r.label = tg.type + " >= " + num(tg.lower_bound(T)) + " " + r.unit;
            lo[y] = new_row(r);
            // Above the target costs as for a target row (never pays); past the upper tolerance
            // ten times a binding shortfall (a target row's upper band is hard).
            r.lower = false;
            r.rhs = T;
            r.cost_factor = cfg.objective.over_target_cost;
            r.label = tg.type + " over the target " + num(T) + " " + r.unit;
            over[y] = new_row(r);
            if (!tg.at_least) {
                r.rhs = tg.upper_bound(T);
                r.cost_factor = 10 * cfg.objective.short_binding_cost;
                r.label = tg.type + " <= " + num(r.rhs) + " " + r.unit;
                hi[y] = new_row(r);
            }
        }
        for (std::uint32_t ci = 0; ci < m.columns.size(); ++ci) {
            const Column &c = m.columns[ci];
            const std::size_t y = year_of(c);
            if (lo[y] < 0 || !in_mask(target_mask[k], c.zone)) {
                continue;
            }
            // Each part of the site counts once: the host's share and the bundled share when
            // their types are members, so the group is the sum of its members' supplies.
            const double q = typed_quantity(m, c, tg.unit, member);
            if (q <= 0) {
                continue;
            }
            enter(ci, {static_cast<std::uint32_t>(lo[y]), -q});
            enter(ci, {static_cast<std::uint32_t>(over[y]), q});
            if (hi[y] >= 0) {
                enter(ci, {static_cast<std::uint32_t>(hi[y]), q});
            }
        }
    }
}

void SideRows::finish() {
    if (m.side_rows.empty()) {
        return;
    }
    // Drop rows no column enters, then store the entries column by column.
    std::vector<bool> used(m.side_rows.size(), false);
    for (const Entry &en : entries) {
        used[en.e.row] = used[en.e.row] || en.e.a != 0;
    }
    std::vector<std::uint32_t> renum(m.side_rows.size(), 0);
    std::vector<SideRow> kept;
    for (std::size_t r = 0; r < m.side_rows.size(); ++r) {
        SideRow &row = m.side_rows[r];
        if (used[r]) {
            renum[r] = static_cast<std::uint32_t>(kept.size());
            kept.push_back(std::move(row));
        } else if (row.lower && row.target < 0 && row.rhs < 0) {
            // A floor no column can reach (a policy's min): broken whatever the plan, so it is
            // no row of the program but reported.
            m.unreachable_rows.push_back(std::move(row));
        }
    }
    m.side_rows = std::move(kept);
    // Cost: one unit of violation costs a multiple of the best value per unit of any column
    // that enters the row positively, so no column pays for the violation it brings.
    std::vector<double> best(m.side_rows.size(), 0.0);
    std::vector<double> largest(m.side_rows.size(), 0.0); // largest |a| of a group's lower row
    // Column by column, each column's entries in the order they were added: counted, then placed.
    auto kept_entry = [&](const SideEntry &e) { return e.a != 0 && used[e.row]; };
    m.side_start.assign(m.columns.size() + 1, 0);
    for (const Entry &en : entries) {
        m.side_start[en.column + 1] += kept_entry(en.e) ? 1 : 0;
    }
    std::partial_sum(m.side_start.begin(), m.side_start.end(), m.side_start.begin());
    m.side_entries.resize(m.side_start.back());
    std::vector<std::uint32_t> next(m.side_start.begin(), m.side_start.end() - 1);
    for (const Entry &en : entries) {
        if (!kept_entry(en.e)) {
            continue;
        }
        const std::uint32_t r = renum[en.e.row];
        const double a = en.e.a;
        m.side_entries[next[en.column]++] = {r, a};
        // A group target's lower row is priced like a target row: by |a|.
        if (a > 0 || m.side_rows[r].lower) {
            best[r] = std::max(best[r], m.columns[en.column].value / std::abs(a));
        }
        largest[r] = std::max(largest[r], std::abs(a));
    }
    std::vector<Entry>().swap(entries);
    const ObjectiveConfig &oc = cfg.objective;
    for (std::size_t r = 0; r < m.side_rows.size(); ++r) {
        SideRow &row = m.side_rows[r];
        const double factor = row.cost_factor >= 0 ? row.cost_factor
                              : row.binding        ? oc.short_binding_cost
                                                   : oc.short_indicative_cost;
        row.cost = factor * (best[r] > 0 ? best[r] : 1.0);
        if (row.target >= 0 && row.lower) {
            row.fixed = row.cost * largest[r];
        }
    }
}

} // namespace

void add_side_rows(Model &m, const std::vector<std::vector<bool>> &target_mask) {
    SideRows s(m);
    // The order of the rows and of each column's entries: rules 3, 5, 7, 8, policies, rule 2's
    // bounds, group targets.
    s.rental_share();
    s.park_caps();
    s.zone_class_shares();
    s.key_areas();
    s.policies();
    s.destocking_bounds();
    s.group_targets(target_mask);
    s.finish();
}

} // namespace landalloc::model_build
