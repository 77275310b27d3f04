#include "allocation/replan.hpp"

#include "allocation/demand.hpp"
#include "allocation/explain.hpp"
#include "allocation/network.hpp"
#include "allocation/planner.hpp"
#include "allocation/problem.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <tuple>
#include <unordered_map>

namespace landalloc {

using explain::fmt;

const char *carry_name(Carry carry) {
    switch (carry) {
    case Carry::spread:
        return "spread";
    case Carry::next_year:
        return "next_year";
    case Carry::none:
        return "none";
    }
    return "spread";
}

std::optional<Carry> carry_from_name(const std::string &name) {
    for (Carry c : {Carry::spread, Carry::next_year, Carry::none}) {
        if (name == carry_name(c)) {
            return c;
        }
    }
    return std::nullopt;
}

namespace {

/// The status word of an actuals row: planned, supplied, sold_unbuilt or withdrawn; "" when the
/// text is none of them (in English, either case, '-' or ' ' for '_', or the bureau's Chinese).
std::string normalised_status(const std::string &text) {
    std::string s;
    for (char ch : text) {
        s += ch == '-' || ch == ' ' ? '_' : static_cast<char>(std::tolower(ch));
    }
    static const std::map<std::string, std::string> words = {{"", "planned"},
                                                             {"planned", "planned"},
                                                             {"计划", "planned"},
                                                             {"拟供应", "planned"},
                                                             {"supplied", "supplied"},
                                                             {"已供应", "supplied"},
                                                             {"sold_unbuilt", "sold_unbuilt"},
                                                             {"已出让未开工", "sold_unbuilt"},
                                                             {"已出让未建", "sold_unbuilt"},
                                                             {"withdrawn", "withdrawn"},
                                                             {"撤回", "withdrawn"},
                                                             {"未供应", "withdrawn"}};
    const auto it = words.find(s);
    return it == words.end() ? std::string() : it->second;
}

/// A site of the actuals the re-plan keeps: the parcel, year and type index.
struct FixedSite {
    std::size_t parcel = 0;
    int year = 0;
    std::size_t type = 0;
    std::string status; // supplied or sold_unbuilt
    const ActualSite *row = nullptr;
};

/// Checks every row of the actuals and returns the sites before from_year that were supplied
/// (planned rows before it count as supplied: the analyst kept them), sorted by parcel.
std::vector<FixedSite> fixed_sites(const City &city, const PlanConfig &cfg,
                                   const ReplanRequest &rq) {
    std::unordered_map<std::string, std::size_t> parcel_of;
    for (std::size_t i = 0; i < city.parcels.size(); ++i) {
        parcel_of.emplace(city.parcels[i].id, i);
    }
    const int Y = rq.from_year;
    std::map<std::size_t, const ActualSite *> seen; // fixed parcel -> its row
    std::vector<FixedSite> out;
    for (const ActualSite &a : rq.actuals.sites) {
        const std::string status = normalised_status(a.status);
        if (status.empty()) {
            throw DataError(a.where + ", field status: '" + a.status +
                            "' is not a status; use planned, supplied, sold_unbuilt or withdrawn");
        }
        const auto p = parcel_of.find(a.parcel_id);
        if (p == parcel_of.end()) {
            throw DataError(a.where + ", field parcel_id: parcel '" + a.parcel_id +
                            "' is not in the parcels layer; correct the id or delete the row");
        }
        if (a.year < cfg.first_year || a.year > cfg.last_year) {
            throw DataError(a.where + ", field year: " + std::to_string(a.year) +
                            " is outside the plan's horizon " + std::to_string(cfg.first_year) +
                            "-" + std::to_string(cfg.last_year) + "; correct the year");
        }
        const int t = cfg.type_index(a.type);
        if (t < 0) {
            throw DataError(a.where + ", field housing_type: '" + a.type +
                            "' is not a housing type of the plan file; use one of its types");
        }
        if (status == "withdrawn") {
            continue;
        }
        if (a.year >= Y) {
            if (status != "planned") {
                throw DataError(a.where + ", field year: a site " + status + " in " +
                                std::to_string(a.year) + " is not before --from-year " +
                                std::to_string(Y) +
                                "; re-plan from a later year or correct the year");
            }
            continue; // the previous plan's site of a year re-planned now
        }
        if (const auto [it, fresh] = seen.emplace(p->second, &a); !fresh) {
            throw DataError(a.where + ", field parcel_id: parcel '" + a.parcel_id +
                            "' is supplied twice, here and at " + it->second->where +
                            "; keep one row and mark the other withdrawn");
        }
        out.push_back({p->second, a.year, static_cast<std::size_t>(t),
                       status == "planned" ? std::string("supplied") : status, &a});
    }
    std::sort(out.begin(), out.end(),
              [](const FixedSite &a, const FixedSite &b) { return a.parcel < b.parcel; });
    return out;
}

/// The column of `m` that supplies the fixed site; DataError naming the row when there is none.
std::uint32_t column_of(const Model &m, const FixedSite &f) {
    const AllocationProblem &pr = *m.problem;
    for (std::uint32_t c = m.parcel_start[f.parcel]; c < m.parcel_start[f.parcel + 1]; ++c) {
        if (m.columns[c].type == f.type && m.rows[m.columns[c].row].year == f.year) {
            return c;
        }
    }
    const Parcel &p = pr.city->parcels[f.parcel];
    const std::string what = f.row->where + ": the plan cannot supply parcel '" + p.id + "' as " +
                             f.row->type + " in " + std::to_string(f.year);
    const Eligibility e = pr.eligibility[pr.at(f.parcel, f.type)];
    if (e != Eligibility::ok) {
        throw DataError(what + ": " + eligibility_reason(e) +
                        "; correct the row, or the input that keeps the parcel out");
    }
    if (p.first_year > f.year) {
        throw DataError(what + ": the parcels layer makes it available from " +
                        std::to_string(p.first_year) + "; correct the row or its first_year");
    }
    throw DataError(what + ": the plan file has no positive " + f.row->type +
                    " figure that year; correct the row or the plan file's targets");
}

std::string year_span(int from, int to) {
    return from == to ? std::to_string(from) : std::to_string(from) + "-" + std::to_string(to);
}

} // namespace

std::vector<CarriedTarget> carry_targets(PlanConfig &cfg, int Y, Carry carry,
                                         const std::vector<double> &past_supplied) {
    std::vector<CarriedTarget> out;
    const std::size_t first_left = static_cast<std::size_t>(Y - cfg.first_year);
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        Target &tg = cfg.targets[k];
        std::vector<double> &v = tg.values;
        const double past = std::accumulate(v.begin(), v.begin() + first_left, 0.0);
        const double left = std::accumulate(v.begin() + first_left, v.end(), 0.0);
        const double carried = past - past_supplied[k]; // > 0: a shortfall to make up
        const double total = past + left;
        if (carry == Carry::none || std::abs(carried) <= 1e-9 * std::max(total, 1.0)) {
            continue;
        }
        const double want = std::max(left + carried, 0.0);
        const std::vector<double> before(v.begin() + first_left, v.end());
        if (carry == Carry::spread && left > 0) {
            for (std::size_t y = first_left; y < v.size(); ++y) {
                v[y] *= want / left;
            }
        } else {
            // Into from_year; a surplus larger than from_year's figure reduces the next years.
            double change = carried;
            for (std::size_t y = first_left; y < v.size() && change != 0; ++y) {
                const double nv = std::max(v[y] + change, 0.0);
                change -= nv - v[y];
                v[y] = nv;
                if (change > 0) {
                    change = 0; // a shortfall goes whole into from_year
                }
            }
        }
        std::string figures;
        for (std::size_t y = first_left; y < v.size(); ++y) {
            figures += (figures.empty() ? "" : ", ") +
                       std::to_string(cfg.first_year + static_cast<int>(y)) + " " +
                       fmt("%.2f", before[y - first_left]) + " -> " + fmt("%.2f", v[y]);
        }
        const std::string unit = quantity_unit(tg.unit);
        std::string zones;
        for (const auto &z : tg.zones) {
            zones += (zones.empty() ? " [" : ",") + z;
        }
        if (!zones.empty()) {
            zones += "]";
        }
        out.push_back(
            {k, past, past_supplied[k],
             tg.type + zones + ": " + year_span(cfg.first_year, Y - 1) + " figure " +
                 fmt("%.2f", past) + " " + unit + ", supplied " + fmt("%.2f", past_supplied[k]) +
                 " " + unit + "; " + (carried > 0 ? "shortfall " : "surplus ") +
                 fmt("%.2f", std::abs(carried)) + " " + unit + " carried (" + carry_name(carry) +
                 "): " + figures + "; horizon total " + fmt("%.2f", total) + " " + unit +
                 (tg.binding ? " (binding)" : " (indicative)")});
    }
    return out;
}

Model residual_model(const Model &full, const std::vector<std::uint32_t> &fixed, int Y,
                     std::vector<std::uint32_t> &kept) {
    Model r;
    r.problem = full.problem;
    r.rows = full.rows;
    r.zones = full.zones;
    r.jh_cost = full.jh_cost;
    r.band_cost = full.band_cost;
    r.balance = full.balance;
    r.side_rows = full.side_rows;
    r.unreachable_rows = full.unreachable_rows;
    // What the fixed columns put in the zones and side rows.
    std::vector<double> supply(full.rows.size(), 0.0), units(full.zones.size(), 0.0),
        side(full.side_rows.size(), 0.0);
    std::vector<bool> fixed_parcel(full.n_parcels(), false);
    for (std::uint32_t c : fixed) {
        add_coefficients(full, c, 1.0, supply, units, side);
        fixed_parcel[full.columns[c].parcel] = true;
    }
    // Rows of years before Y take no column now: no target, no cost.
    for (TargetRow &row : r.rows) {
        if (row.year < Y) {
            row.T = row.L = row.U = 0;
            row.F = 0;
        }
    }
    for (std::size_t z = 0; z < r.zones.size(); ++z) {
        for (ZoneHinge &h : r.zones[z].hinges) {
            h.at -= units[z];
        }
    }
    for (std::size_t s = 0; s < r.side_rows.size(); ++s) {
        SideRow &row = r.side_rows[s];
        row.rhs = row.year != 0 && row.year < Y ? 0.0 : row.rhs - side[s];
    }
    kept.clear();
    r.parcel_start.assign(full.parcel_start.size(), 0);
    const bool has_side = !full.side_start.empty();
    if (has_side) {
        r.side_start.push_back(0);
    }
    for (std::size_t i = 0; i < full.n_parcels(); ++i) {
        r.parcel_start[i] = static_cast<std::uint32_t>(r.columns.size());
        if (fixed_parcel[i]) {
            continue;
        }
        for (std::uint32_t c = full.parcel_start[i]; c < full.parcel_start[i + 1]; ++c) {
            if (full.rows[full.columns[c].row].year < Y) {
                continue;
            }
            kept.push_back(c);
            r.columns.push_back(full.columns[c]);
            if (has_side) {
                for (auto [it, end] = full.side(c); it != end; ++it) {
                    r.side_entries.push_back(*it);
                }
                r.side_start.push_back(static_cast<std::uint32_t>(r.side_entries.size()));
            }
        }
    }
    r.parcel_start.back() = static_cast<std::uint32_t>(r.columns.size());
    order_by_density(r);
    return r;
}

namespace {

using RollingKey = std::tuple<int, std::string, std::string>; // year, district, type

/// The three-year rolling plan: years Y .. Y + 2 by district and type, the plan's against the
/// previous plan's, and why they differ.
std::vector<RollingRow> rolling_plan(const City &city, const PlanConfig &cfg, const Plan &plan,
                                     const PlanConfig &original, const ReplanRequest &rq,
                                     const std::vector<CarriedTarget> &carried,
                                     const std::vector<FixedSite> &fixed) {
    const int Y = rq.from_year;
    const int last = std::min(Y + 2, cfg.last_year);
    std::unordered_map<std::string, std::size_t> parcel_of;
    for (std::size_t i = 0; i < city.parcels.size(); ++i) {
        parcel_of.emplace(city.parcels[i].id, i);
    }
    std::map<RollingKey, RollingRow> rows;
    std::map<RollingKey, std::set<std::string>> current_ids, previous_ids; // host parcels
    const auto row_at = [&](int year, int zone, const std::string &type) -> RollingRow & {
        const auto [id, name] = district_of(city, zone);
        RollingRow &r = rows[{year, id, type}];
        r.year = year;
        r.district = id;
        r.district_name = name;
        r.type = type;
        return r;
    };
    // The plan's, with a bundled share in its own type (as the annual table counts it).
    for (const Allocation &a : plan.allocations) {
        if (a.year < Y || a.year > last) {
            continue;
        }
        const int zone = city.parcels[a.parcel].zone;
        const double bundled = a.floor_m2 > 0 ? a.bundled_floor_m2 / a.floor_m2 : 0.0;
        RollingRow &host = row_at(a.year, zone, a.type);
        host.area_ha += ha_from_m2((1.0 - bundled) * a.area_m2);
        host.units += a.units;
        ++host.parcels;
        current_ids[{a.year, host.district, a.type}].insert(city.parcels[a.parcel].id);
        if (!a.bundled_type.empty()) {
            RollingRow &b = row_at(a.year, zone, a.bundled_type);
            b.area_ha += ha_from_m2(bundled * a.area_m2);
            b.units += a.bundled_units;
        }
    }
    // The previous plan's sites of these years.
    const ActualSites &prev = rq.previous.sites.empty() ? rq.actuals : rq.previous;
    for (const ActualSite &s : prev.sites) {
        if (s.year < Y || s.year > last || normalised_status(s.status) != "planned") {
            continue;
        }
        const auto p = parcel_of.find(s.parcel_id);
        if (p == parcel_of.end()) {
            continue; // the actuals are checked; a previous plan may hold parcels since removed
        }
        const Parcel &parcel = city.parcels[p->second];
        RollingRow &r = row_at(s.year, parcel.zone, s.type);
        r.previous_area_ha += ha_from_m2((1.0 - s.bundled_share) * parcel.area_m2);
        r.previous_units += s.units; // NaN when the row gives none
        ++r.previous_parcels;
        previous_ids[{s.year, r.district, s.type}].insert(s.parcel_id);
        if (!s.bundled_type.empty()) {
            RollingRow &b = row_at(s.year, parcel.zone, s.bundled_type);
            b.previous_area_ha += ha_from_m2(s.bundled_share * parcel.area_m2);
            b.previous_units += s.bundled_units;
        }
    }
    // Why: sites before Y that went otherwise than planned, by district and type.
    std::map<std::pair<std::string, std::string>, int> withdrawn, added;
    std::set<std::string> planned_before; // parcel ids the previous plan had before Y
    for (const ActualSite &s : prev.sites) {
        if (s.year < Y) {
            planned_before.insert(s.parcel_id);
        }
    }
    std::set<std::string> supplied_before;
    for (const FixedSite &f : fixed) {
        supplied_before.insert(city.parcels[f.parcel].id);
    }
    for (const ActualSite &s : prev.sites) {
        const auto p = parcel_of.find(s.parcel_id);
        if (s.year >= Y || p == parcel_of.end() || supplied_before.count(s.parcel_id)) {
            continue;
        }
        ++withdrawn[{district_of(city, city.parcels[p->second].zone).first, s.type}];
    }
    if (!rq.previous.sites.empty()) {
        for (const FixedSite &f : fixed) {
            if (!planned_before.count(city.parcels[f.parcel].id)) {
                ++added[{district_of(city, city.parcels[f.parcel].zone).first,
                         cfg.types[f.type].id}];
            }
        }
    }
    // Zones whose inventory months or destocking band changed since the previous plan.
    std::map<std::string, std::vector<std::string>> inventory; // district -> sentences
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        const Zone &zone = city.zones[z];
        const auto it = prev.zones.find(zone.id);
        if (it == prev.zones.end()) {
            continue;
        }
        const std::string band = z < plan.destock_bands.size() ? plan.destock_bands[z] : "";
        const bool months_changed =
            std::abs(it->second.destock_months - zone.destock_months) > 0.05;
        if (!months_changed && band == it->second.destock_band) {
            continue;
        }
        const Language l = cfg.language;
        std::string s = zone.id + tr(l, " inventory ", " 去化周期 ") +
                        fmt("%.1f", it->second.destock_months) + " -> " +
                        fmt("%.1f", zone.destock_months) + tr(l, " months", " 个月");
        if (band != it->second.destock_band) {
            s += tr(l, " (destocking band ", "（去库存分档 ") +
                 code_label(CodeList::destock_band, it->second.destock_band, l) + " -> " +
                 code_label(CodeList::destock_band, band, l) + tr(l, ")", "）");
        }
        inventory[district_of(city, static_cast<int>(z)).first].push_back(s);
    }
    const Language l = cfg.language;
    const bool zh = l == Language::zh;
    std::vector<RollingRow> out;
    for (auto &[key, r] : rows) {
        std::vector<std::string> why;
        const std::size_t y = static_cast<std::size_t>(r.year - cfg.first_year);
        for (const CarriedTarget &ct : carried) {
            const Target &tg = cfg.targets[ct.target];
            const bool of_type = tg.type == r.type || std::find(tg.types.begin(), tg.types.end(),
                                                                r.type) != tg.types.end();
            if (!of_type) {
                continue;
            }
            const double gap = ct.past_figure - ct.past_supplied;
            const std::string unit = code_label(CodeList::unit, quantity_unit(tg.unit), l);
            const std::string now = fmt("%.2f", tg.values[y]) + " " + unit;
            const std::string was = fmt("%.2f", original.targets[ct.target].values[y]);
            const std::string amount = fmt("%.2f", std::abs(gap)) + " " + unit;
            const int ti = cfg.type_index(tg.type);
            const std::string type_zh =
                ti >= 0 && !cfg.types[static_cast<std::size_t>(ti)].name_zh.empty()
                    ? cfg.types[static_cast<std::size_t>(ti)].name_zh
                    : tg.type;
            why.push_back(zh ? "结转：" + type_zh + " " + std::to_string(r.year) + " 年指标为 " +
                                   now + "（原 " + was + "），" + year_span(cfg.first_year, Y - 1) +
                                   (gap > 0 ? " 年不足 " : " 年超出 ") + amount
                             : "carried: the " + tg.type + " figure of " + std::to_string(r.year) +
                                   " is " + now + " (was " + was + "), " +
                                   (gap > 0 ? "shortfall " : "surplus ") + amount + " of " +
                                   year_span(cfg.first_year, Y - 1));
        }
        const std::pair<std::string, std::string> dt{r.district, r.type};
        if (const auto w = withdrawn.find(dt); w != withdrawn.end()) {
            why.push_back(zh ? "实际供应：" + std::to_string(Y) + " 年前在此计划的 " +
                                   std::to_string(w->second) + " 宗地块未供应"
                             : "actuals: " + std::to_string(w->second) +
                                   " site(s) planned here before " + std::to_string(Y) +
                                   " not supplied");
        }
        if (const auto a = added.find(dt); a != added.end()) {
            why.push_back(zh ? "实际供应：此处供应了上轮计划外的 " + std::to_string(a->second) +
                                   " 宗地块"
                             : "actuals: " + std::to_string(a->second) +
                                   " site(s) supplied here that the previous plan did not have");
        }
        if (const auto inv = inventory.find(r.district); inv != inventory.end()) {
            std::string s = tr(l, "changed inventory: ", "库存变化：");
            for (std::size_t i = 0; i < inv->second.size(); ++i) {
                s += (i ? tr(l, ", ", "，") : "") + inv->second[i];
            }
            why.push_back(s);
        }
        const bool same = current_ids[key] == previous_ids[key] &&
                          std::abs(r.area_ha - r.previous_area_ha) < 1e-6;
        if (same) {
            why.insert(why.begin(), tr(l, "unchanged", "未变"));
        } else if (why.empty()) {
            why.push_back(tr(l, "re-optimised with the city-wide changes (no change of its own)",
                             "随全市变化重新优化（本身无变化）"));
        }
        for (std::size_t i = 0; i < why.size(); ++i) {
            r.why += (i ? tr(l, "; ", "；") : "") + why[i];
        }
        out.push_back(std::move(r));
    }
    return out;
}

/// The rows of the fixed years say what the actuals did and where the gap went; each target gets a
/// horizon_total rule row (the five-year figure against all years' supply, binding when the
/// target is and the gap is carried); the status counts the re-planned years and those rows.
void restate_fixed_years(Plan &plan, const PlanConfig &cfg, const PlanConfig &original, int Y,
                         const std::vector<CarriedTarget> &carried) {
    const std::string left = year_span(Y, cfg.last_year);
    std::vector<double> supplied(cfg.targets.size(), 0.0);
    // The annual table has one row per year and target, in the targets' order.
    for (std::size_t i = 0; i < plan.annual.size(); ++i) {
        AnnualRow &r = plan.annual[i];
        const std::size_t k = i % cfg.targets.size();
        supplied[k] += r.supplied;
        if (r.year >= Y || r.met) {
            continue;
        }
        const bool is_carried = std::any_of(carried.begin(), carried.end(),
                                            [&](const CarriedTarget &c) { return c.target == k; });
        r.cause = "actuals";
        r.note = "as supplied: " + r.status + " by " + fmt("%.2f", std::abs(r.difference)) + " " +
                 r.unit +
                 (r.target > 0 ? " (" + fmt("%+.2f", 100.0 * r.difference / r.target) + " %)"
                               : std::string()) +
                 (is_carried ? "; carried into " + left + " (" + carry_name(cfg.replan.carry) + ")"
                             : "; not carried ([replan] carry = " +
                                   std::string(carry_name(cfg.replan.carry)) + ")");
    }
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &tg = original.targets[k];
        RuleCheck rc;
        rc.rule = "horizon_total";
        rc.unit = quantity_unit(tg.unit);
        rc.limit = std::accumulate(tg.values.begin(), tg.values.end(), 0.0);
        rc.actual = supplied[k];
        rc.year = 0;
        rc.label = tg.type + " over " + year_span(cfg.first_year, cfg.last_year) +
                   (tg.at_least ? " at least " : " ") + fmt("%.2f", rc.limit) + " " + rc.unit +
                   " (the years before " + std::to_string(Y) + " as supplied)";
        rc.binding = tg.binding && cfg.replan.carry != Carry::none;
        rc.floor = true;
        rc.violation = std::max(rc.limit - rc.actual, 0.0);
        rc.violation_unit = rc.unit;
        rc.met = rc.violation <= 1e-9 * std::max(rc.limit, 1.0);
        rc.status = rc.met ? "met" : "short";
        plan.rule_checks.push_back(std::move(rc));
    }
    std::vector<std::string> unmet;
    int fixed_short = 0;
    for (const AnnualRow &r : plan.annual) {
        if (r.met) {
            continue;
        }
        if (r.year < Y) {
            ++fixed_short;
            continue;
        }
        unmet.push_back(std::to_string(r.year) + " " + r.type +
                        (r.zones.empty() ? "" : " [" + r.zones + "]") + ": " + r.note);
    }
    for (const RuleCheck &rc : plan.rule_checks) {
        if (!rc.met) {
            unmet.push_back("rule " + rc.rule + ": " + rc.label + ": " + rc.status + " by " +
                            fmt("%.2f", rc.violation) + " " + rc.violation_unit);
        }
    }
    std::size_t rows = plan.rule_checks.size();
    for (const AnnualRow &r : plan.annual) {
        rows += r.year >= Y ? 1 : 0;
    }
    plan.status = unmet.empty() ? std::string("all targets met")
                                : std::to_string(unmet.size()) + " of " + std::to_string(rows) +
                                      " target and rule rows not met: ";
    for (std::size_t i = 0; i < unmet.size(); ++i) {
        plan.status += (i ? "; " : "") + unmet[i];
    }
    plan.status += " (re-planned from " + std::to_string(Y);
    if (fixed_short > 0) {
        plan.status += "; " + std::to_string(fixed_short) + (fixed_short == 1 ? " row" : " rows") +
                       " of " + year_span(cfg.first_year, Y - 1) + " short as supplied";
    }
    plan.status += ")";
    for (auto &[key, value] : plan.metadata) {
        if (key == "status") {
            value = plan.status;
        }
    }
}

} // namespace

Plan make_replan(const City &city, const PlanConfig &config, const Allocator &allocator,
                 const ReplanRequest &rq) {
    const int Y = rq.from_year;
    if (Y <= config.first_year || Y > config.last_year) {
        throw UsageError("--from-year " + std::to_string(Y) +
                         ": must lie after the horizon's "
                         "first year and no later than its last (" +
                         std::to_string(config.first_year + 1) + "-" +
                         std::to_string(config.last_year) + ")");
    }
    PlanConfig cfg = config;
    if (demand_pending(cfg)) {
        apply_demand(cfg, city);
    }
    City storage;
    const City &net_city = with_network_facts(city, cfg, storage);
    const std::vector<FixedSite> fixed = fixed_sites(net_city, cfg, rq);

    // What the years before Y supplied, against the plan file's figures.
    std::vector<double> past;
    {
        const AllocationProblem pr0 = build_problem(net_city, cfg);
        const Model m0 = build_model(pr0);
        std::vector<std::uint32_t> cols;
        for (const FixedSite &f : fixed) {
            cols.push_back(column_of(m0, f));
        }
        past = supply_before(m0, cols, Y);
    }
    const PlanConfig original = cfg; // the figures before the carry
    const std::vector<CarriedTarget> carried = carry_targets(cfg, Y, cfg.replan.carry, past);

    // The years from Y with the carried figures; the fixed sites stay where they are.
    const AllocationProblem pr = build_problem(net_city, cfg);
    Model full = build_model(pr);
    // The previous plan's sites from Y on, kept where nothing calls for a change: their columns
    // are worth keep_bonus more (in the full model too, so the objectives stay comparable).
    const ActualSites &prev = rq.previous.sites.empty() ? rq.actuals : rq.previous;
    std::set<std::tuple<std::string, int, std::string>> previous_sites;
    for (const ActualSite &s : prev.sites) {
        if (s.year >= Y && normalised_status(s.status) == "planned") {
            previous_sites.insert({s.parcel_id, s.year, s.type});
        }
    }
    const auto previous_has = [&](const Column &c) {
        return previous_sites.count({net_city.parcels[c.parcel].id, full.rows[c.row].year,
                                     cfg.types[c.type].id}) > 0;
    };
    for (Column &c : full.columns) {
        if (full.rows[c.row].year >= Y && previous_has(c)) {
            c.value *= 1.0 + cfg.replan.keep_bonus;
        }
    }
    order_by_density(full);
    std::vector<std::uint32_t> fixed_cols;
    for (const FixedSite &f : fixed) {
        fixed_cols.push_back(column_of(full, f));
    }
    std::vector<std::uint32_t> kept;
    const Model rest = residual_model(full, fixed_cols, Y, kept);
    Solution sol = allocator.solve(rest);
    Solution whole;
    whole.chosen = fixed_cols;
    for (std::uint32_t c : sol.chosen) {
        whole.chosen.push_back(kept[c]);
    }
    std::sort(whole.chosen.begin(), whole.chosen.end());
    // The objective over the whole horizon: the re-planned years' plus the constant the fixed
    // sites add; the bound moves by the same constant, so the gap certifies the same plan.
    whole.report = sol.report;
    whole.report.objective = evaluate(full, whole.chosen).objective;
    const double shift = whole.report.objective - sol.report.objective;
    whole.report.bound = sol.report.bound + shift;
    if (std::isfinite(whole.report.bound)) {
        whole.report.unavoidable_cost = unavoidable_cost(full);
        whole.report.gap =
            relative_gap(whole.report.bound, whole.report.objective, whole.report.unavoidable_cost);
    }
    Plan plan = assemble_plan(full, whole);

    std::map<std::size_t, std::string> status_of;
    for (const FixedSite &f : fixed) {
        status_of[f.parcel] = f.status;
    }
    for (Allocation &a : plan.allocations) {
        if (const auto it = status_of.find(a.parcel); it != status_of.end()) {
            a.status = it->second;
        }
    }
    restate_fixed_years(plan, cfg, original, Y, carried);
    ReplanInfo &info = plan.replan;
    info.from_year = Y;
    info.carry = carry_name(cfg.replan.carry);
    for (const CarriedTarget &ct : carried) {
        info.carried.push_back(ct.sentence);
    }
    info.fixed_sites = static_cast<int>(fixed.size());
    info.rolling = rolling_plan(net_city, cfg, plan, original, rq, carried, fixed);
    {
        std::set<std::string> supplied;
        for (const FixedSite &f : fixed) {
            supplied.insert(net_city.parcels[f.parcel].id);
        }
        std::set<std::string> planned;
        for (const ActualSite &s : prev.sites) {
            if (s.year < Y) {
                planned.insert(s.parcel_id);
                info.withdrawn_sites += supplied.count(s.parcel_id) ? 0 : 1;
            }
        }
        if (!rq.previous.sites.empty()) {
            for (const std::string &id : supplied) {
                info.added_sites += planned.count(id) ? 0 : 1;
            }
        }
    }
    info.previous_sites = static_cast<int>(previous_sites.size());
    for (const Allocation &a : plan.allocations) {
        info.kept_sites +=
            a.year >= Y && previous_sites.count({net_city.parcels[a.parcel].id, a.year, a.type})
                ? 1
                : 0;
    }
    plan.metadata.emplace_back("replan_from_year", std::to_string(Y));
    // The solver's own figures for the years re-planned (objective and bound without the fixed
    // sites' constant): its gap is relative to that smaller objective.
    plan.metadata.emplace_back("replan_objective_years_left", fmt("%.6f", sol.report.objective));
    plan.metadata.emplace_back("replan_gap_years_left",
                               std::isfinite(sol.report.gap) ? fmt("%.6g", sol.report.gap) : "");
    plan.metadata.emplace_back("replan_carry", info.carry);
    plan.metadata.emplace_back("replan_keep_bonus", fmt("%g", cfg.replan.keep_bonus));
    plan.metadata.emplace_back("replan_previous_sites", std::to_string(info.previous_sites));
    plan.metadata.emplace_back("replan_kept_sites", std::to_string(info.kept_sites));
    plan.metadata.emplace_back("replan_fixed_sites", std::to_string(info.fixed_sites));
    plan.metadata.emplace_back("replan_withdrawn_sites", std::to_string(info.withdrawn_sites));
    plan.metadata.emplace_back("replan_added_sites", rq.previous.sites.empty()
                                                         ? std::string()
                                                         : std::to_string(info.added_sites));
    for (std::size_t i = 0; i < info.carried.size(); ++i) {
        plan.metadata.emplace_back("replan_carried " + std::to_string(i + 1), info.carried[i]);
    }
    return plan;
}

} // namespace landalloc
