#include "allocation/planner.hpp"

#include "allocation/demand.hpp"
#include "allocation/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

namespace landalloc {

namespace {

std::string fmt(const char *f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string reasons_for(const AllocationProblem &pr, const Model &m, std::uint32_t ci) {
    const Column &col = m.columns[ci];
    const std::size_t i = col.parcel;
    const std::size_t t = col.type;
    const PlanConfig &cfg = *pr.plan;
    const RulesConfig &rules = cfg.rules;
    const City &city = *pr.city;
    const Parcel &p = city.parcels[i];
    const HousingType &ht = pr.plan->types[t];
    const auto &parts = pr.parts[pr.at(i, t)];
    std::ostringstream os;
    os << "score " << fmt("%.3f", pr.score[pr.at(i, t)]) << " =";
    os << " transit " << fmt("%.3f", parts[0].value);
    if (std::isfinite(p.station_distance_m)) {
        os << " (station " << fmt("%.0f", p.station_distance_m) << " m)";
    }
    os << " + jobs " << fmt("%.3f", parts[1].value);
    if (p.in_park) {
        os << " (inside park)";
    } else if (std::isfinite(p.park_distance_m)) {
        os << " (park " << fmt("%.0f", p.park_distance_m) << " m)";
    }
    os << " + zone " << fmt("%.3f", parts[2].value);
    if (p.zone >= 0) {
        os << " (" << city.zones[static_cast<std::size_t>(p.zone)].zone_class << ")";
    }
    // The TOD bonus (rule 6) raises the parcel cap and the type's maximum, not a constraint's cap.
    // It applies from the year the station opens.
    const int tod = rules.tod ? tod_band(*rules.tod, city, p) : -1;
    const int year = m.rows[col.row].year;
    const bool tod_open = tod >= 0 && year >= pr.tod_opens[i];
    const std::string bonus =
        tod_open ? " x " + fmt("%.2f", 1.0 + rules.tod->far_bonus[static_cast<std::size_t>(tod)])
                 : "";
    os << "; plot ratio " << fmt("%.2f", col.far) << " = min(parcel cap " << fmt("%.2f", p.far_cap)
       << bonus;
    if (std::isfinite(p.cap_far)) {
        os << ", " << city.constraints[static_cast<std::size_t>(p.capped_by)].kind << " cap "
           << fmt("%.2f", p.cap_far);
    }
    os << ", " << ht.id << " max " << fmt("%.2f", ht.far_max) << bonus << ")";
    os << "; available from " << p.first_year;
    // The rules that shaped the site's value, plot ratio or use.
    if (tod >= 0) {
        const auto k = static_cast<std::size_t>(tod);
        os << "; TOD: within " << fmt("%.0f", rules.tod->radii_m[k]) << " m of station "
           << city.stations[static_cast<std::size_t>(p.nearest_station)].id;
        if (tod_open) {
            os << ", plot ratio +" << fmt("%.0f", rules.tod->far_bonus[k] * 100) << " %, value +"
               << fmt("%.0f", rules.tod->value_bonus[k] * 100) << " %";
        } else {
            os << ", which opens in " << pr.tod_opens[i] << ": no bonus in " << year;
        }
    }
    if (p.zone >= 0) {
        const Zone &z = city.zones[static_cast<std::size_t>(p.zone)];
        const double d = destock_factor(cfg, z, ht.id);
        if (d != 1.0) {
            os << "; destocking: " << z.id << " has " << fmt("%.1f", z.destock_months)
               << " months of inventory, value x" << fmt("%.2f", d);
        }
    }
    if (rules.ar_siting && std::find(rules.ar_siting->types.begin(), rules.ar_siting->types.end(),
                                     ht.id) != rules.ar_siting->types.end()) {
        os << "; AR siting: station " << fmt("%.0f", p.station_distance_m) << " m, park "
           << fmt("%.0f", p.park_distance_m) << " m; land source " << p.land_source;
        const std::size_t rank = land_source_rank(*rules.ar_siting, p.land_source);
        if (rank < rules.ar_siting->land_source_priority.size()) {
            os << " (priority " << rank + 1 << " of "
               << rules.ar_siting->land_source_priority.size() << ")";
        }
    }
    if (col.bundle_type >= 0) {
        std::string why;
        for (const BundlingRule &b : rules.bundling) {
            if (b.type == cfg.types[static_cast<std::size_t>(col.bundle_type)].id &&
                bundling_applies(b, city, p, &why)) {
                break;
            }
        }
        os << "; bundles " << fmt("%.0f", col.bundle_share * 100) << " % "
           << cfg.types[static_cast<std::size_t>(col.bundle_type)].id << " (" << why << ")";
    }
    const Target &tg = cfg.targets[m.rows[col.row].target];
    if (!tg.displaced_from.empty()) {
        os << "; resettlement for " << tg.displaced_from
           << (p.zone >= 0 && city.zones[static_cast<std::size_t>(p.zone)].id == tg.displaced_from
                   ? " (in the zone)"
                   : " (next to it)");
    }
    return os.str();
}

/// A group target's supply in a year (its `supplied` in the target's unit and every other unit),
/// summed over the chosen columns of its types and zones; a bundled share counts with its site.
AnnualRow group_supply(const Model &m, const std::vector<std::uint32_t> &chosen, std::size_t k,
                       int year) {
    const AllocationProblem &pr = *m.problem;
    const PlanConfig &cfg = *pr.plan;
    const City &city = *pr.city;
    const Target &tg = cfg.targets[k];
    AnnualRow r;
    for (std::uint32_t ci : chosen) {
        const Column &c = m.columns[ci];
        const std::string &id = cfg.types[c.type].id;
        if (m.rows[c.row].year != year ||
            std::find(tg.types.begin(), tg.types.end(), id) == tg.types.end()) {
            continue;
        }
        if (!tg.zones.empty() &&
            (c.zone < 0 ||
             std::find(tg.zones.begin(), tg.zones.end(),
                       city.zones[static_cast<std::size_t>(c.zone)].id) == tg.zones.end())) {
            continue;
        }
        const Parcel &p = city.parcels[c.parcel];
        const double floor = floor_area_m2(p.area_m2, c.far);
        r.supplied_ha += p.area_m2 / 1e4;
        r.supplied_floor_m2 += floor;
        r.supplied_units += c.units;
        ++r.parcels;
    }
    r.supplied = tg.unit == Quantity::land_ha    ? r.supplied_ha
                 : tg.unit == Quantity::floor_m2 ? r.supplied_floor_m2
                                                 : r.supplied_units;
    return r;
}

/// How the plan keeps each side row of the rules, in the rules' own terms.
std::vector<RuleCheck> check_rules(const Model &m, const std::vector<std::uint32_t> &chosen,
                                   const Evaluation &ev) {
    const AllocationProblem &pr = *m.problem;
    const City &city = *pr.city;
    // The weight of each share row: land (ha) or units of its year (and host type).
    std::vector<double> weight(m.side_rows.size(), 0.0);
    for (std::size_t s = 0; s < m.side_rows.size(); ++s) {
        const SideRow &row = m.side_rows[s];
        if (row.share < 0) {
            continue;
        }
        for (std::uint32_t ci : chosen) {
            const Column &c = m.columns[ci];
            if (m.rows[c.row].year != row.year ||
                (row.type >= 0 && c.type != static_cast<std::uint32_t>(row.type))) {
                continue;
            }
            weight[s] += row.weight == "units" ? c.units : city.parcels[c.parcel].area_m2 / 1e4;
        }
    }
    std::vector<RuleCheck> out;
    for (std::size_t s = 0; s < m.side_rows.size(); ++s) {
        const SideRow &row = m.side_rows[s];
        if (row.target >= 0) {
            continue; // a group target's rows: reported in the annual table
        }
        RuleCheck rc;
        rc.rule = row.rule;
        rc.label = row.label;
        rc.year = row.year;
        rc.binding = row.binding;
        rc.violation = std::max(0.0, ev.side_lhs[s] - row.rhs);
        rc.violation_unit = row.unit;
        // Relative slack for rounding: a part in a million of the row's scale.
        const double scale = std::max({std::abs(row.rhs), weight[s], 1.0});
        rc.met = rc.violation <= 1e-6 * scale;
        if (row.share >= 0) {
            // lhs = share W - IN, so IN / W = share - lhs / W.
            rc.unit = "share";
            const double achieved =
                weight[s] > 0 ? row.share - ev.side_lhs[s] / weight[s] : row.share;
            rc.actual = achieved;
            rc.limit = row.share;
            if (row.rule == "zone_class_share") {
                // Stored as the share outside the class; reported as the class's share and cap.
                rc.actual = 1.0 - achieved;
                rc.limit = 1.0 - row.share;
            }
        } else {
            rc.unit = row.unit;
            rc.actual = ev.side_lhs[s];
            rc.limit = row.rhs;
        }
        out.push_back(std::move(rc));
    }
    return out;
}

/// Why a row is short: what land of its type was on offer by its year, and what kept the rest
/// out.
std::pair<std::string, std::string> diagnose_short(const Model &m, std::size_t r,
                                                   const std::vector<bool> &used,
                                                   const std::string &unit) {
    const AllocationProblem &pr = *m.problem;
    const City &city = *pr.city;
    const TargetRow &row = m.rows[r];
    const Target &tg = pr.plan->targets[row.target];
    double offer = 0;      // eligible and available by the year
    double offer_free = 0; // ... and not used by another year or type
    for (const Column &c : m.columns) {
        if (c.row == r) {
            offer += c.q;
            if (!used[c.parcel]) {
                offer_free += c.q;
            }
        }
    }
    // Land of the type kept out, by reason (measured at the type's plot ratio).
    std::map<std::string, double> kept_out;
    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
        const Parcel &p = city.parcels[i];
        const Eligibility e = pr.eligibility[pr.at(i, row.type)];
        const double q =
            quantity_of(tg.unit, p.area_m2, pr.far[pr.at(i, row.type)], pr.plan->types[row.type]);
        if (e == Eligibility::excluded) {
            kept_out["excluded by " +
                     city.constraints[static_cast<std::size_t>(p.excluded_by)].kind] += q;
        } else if (e != Eligibility::ok) {
            kept_out[eligibility_reason(e)] += q;
        } else if (p.first_year > row.year) {
            kept_out["not available until " + std::to_string(p.first_year)] += q;
        }
    }
    std::ostringstream os;
    std::string cause;
    if (offer < row.L) {
        cause = "no_eligible_land";
        os << "not enough eligible land available by " << row.year << ": " << fmt("%.2f", offer)
           << " " << unit << " on offer in all";
    } else {
        cause = "competition";
        os << fmt("%.2f", offer) << " " << unit << " eligible by " << row.year << " but only "
           << fmt("%.2f", offer_free) << " left after other years and housing types took theirs";
    }
    if (!kept_out.empty()) {
        os << "; kept out:";
        bool first = true;
        for (const auto &[why, q] : kept_out) {
            os << (first ? " " : ", ") << fmt("%.2f", q) << " " << unit << " " << why;
            first = false;
        }
    }
    return {cause, os.str()};
}

void explain_rejections(const Model &m, const std::vector<bool> &used, Plan &plan) {
    const AllocationProblem &pr = *m.problem;
    const City &city = *pr.city;
    const PlanConfig &cfg = *pr.plan;
    // The marginal (lowest value density) chosen column of each row.
    std::vector<double> marginal(m.rows.size(), std::numeric_limits<double>::infinity());
    std::vector<std::size_t> marginal_parcel(m.rows.size(), 0);
    for (const auto &a : plan.allocations) {
        for (std::uint32_t ci = m.parcel_start[a.parcel]; ci < m.parcel_start[a.parcel + 1]; ++ci) {
            const Column &c = m.columns[ci];
            if (m.rows[c.row].year == a.year && cfg.types[c.type].id == a.type) {
                const double d = c.value / c.q;
                if (d < marginal[c.row]) {
                    marginal[c.row] = d;
                    marginal_parcel[c.row] = c.parcel;
                }
            }
        }
    }
    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
        if (used[i]) {
            continue;
        }
        const Parcel &p = city.parcels[i];
        Rejection rj;
        rj.parcel = i;
        // Best type by score among eligible ones.
        double best = -1;
        for (std::size_t t = 0; t < pr.n_types; ++t) {
            if (pr.eligible(i, t) && pr.score[pr.at(i, t)] > best) {
                best = pr.score[pr.at(i, t)];
                rj.best_type = cfg.types[t].id;
            }
        }
        rj.best_score = std::max(best, 0.0);
        if (p.excluded_by != k_none) {
            const Constraint &c = city.constraints[static_cast<std::size_t>(p.excluded_by)];
            rj.code = "excluded";
            rj.detail = "overlaps " + c.kind + " " + c.id + " (layer " + c.layer + ") by " +
                        fmt("%.0f", p.excluded_overlap_m2) + " m2";
        } else if (p.zone == k_none) {
            rj.code = "outside_zones";
            rj.detail = "its interior point lies in no zone";
        } else if (p.first_year > cfg.last_year) {
            rj.code = "not_available";
            rj.detail = "not available until " + std::to_string(p.first_year) +
                        ", after the horizon ends in " + std::to_string(cfg.last_year);
        } else if (m.parcel_start[i] == m.parcel_start[i + 1]) {
            // No column: no eligible type with a target in an available year. Name what kept
            // out each type that has a target.
            bool allowed = false;
            bool eligible = false;
            std::map<Eligibility, std::vector<std::string>> why;
            for (std::size_t t = 0; t < pr.n_types; ++t) {
                const Eligibility e = pr.eligibility[pr.at(i, t)];
                allowed = allowed || e != Eligibility::type_not_allowed;
                eligible = eligible || e == Eligibility::ok;
                const bool has_target =
                    std::any_of(cfg.targets.begin(), cfg.targets.end(), [&](const Target &tg) {
                        return tg.type == cfg.types[t].id ||
                               std::find(tg.types.begin(), tg.types.end(), cfg.types[t].id) !=
                                   tg.types.end();
                    });
                if (e != Eligibility::ok && e != Eligibility::type_not_allowed && has_target) {
                    why[e].push_back(cfg.types[t].id);
                }
            }
            if (!allowed) {
                rj.code = "type_not_allowed";
                rj.detail = "the parcel allows only housing types without targets";
            } else if (!eligible && !why.empty()) {
                // The reason keeping out the most types; ties: the first in the enumeration.
                auto top = why.begin();
                for (auto it = why.begin(); it != why.end(); ++it) {
                    if (it->second.size() > top->second.size()) {
                        top = it;
                    }
                }
                rj.code = eligibility_code(top->first);
                for (const auto &[e, types] : why) {
                    std::string list;
                    for (const auto &t : types) {
                        list += (list.empty() ? "" : ", ") + t;
                    }
                    rj.detail +=
                        (rj.detail.empty() ? "" : "; ") + list + ": " + eligibility_reason(e);
                    if (e == Eligibility::far_too_low) {
                        rj.detail += " (cap " + fmt("%.2f", std::min(p.far_cap, p.cap_far)) + ")";
                    } else if (e == Eligibility::destock_stop && p.zone >= 0) {
                        rj.detail +=
                            " (" +
                            fmt("%.1f",
                                city.zones[static_cast<std::size_t>(p.zone)].destock_months) +
                            " months)";
                    }
                }
            } else {
                rj.code = "no_target";
                rj.detail = "no target for " + rj.best_type + " from " +
                            std::to_string(p.first_year) + " on";
            }
        } else {
            // Eligible: compare its best column with the marginal chosen site of that row.
            std::uint32_t bc = m.parcel_start[i];
            for (std::uint32_t ci = m.parcel_start[i]; ci < m.parcel_start[i + 1]; ++ci) {
                if (m.columns[ci].value / m.columns[ci].q > m.columns[bc].value / m.columns[bc].q) {
                    bc = ci;
                }
            }
            const Column &c = m.columns[bc];
            const TargetRow &row = m.rows[c.row];
            const double d = c.value / c.q;
            if (std::isfinite(marginal[c.row]) && d <= marginal[c.row]) {
                rj.code = "outscored";
                rj.detail =
                    "for " + cfg.types[c.type].id + " in " + std::to_string(row.year) + ": value " +
                    fmt("%.4f", d) + " per " + quantity_unit(cfg.targets[row.target].unit) +
                    " against the last chosen site " + city.parcels[marginal_parcel[c.row]].id +
                    " (" + fmt("%.4f", marginal[c.row]) + ")";
            } else {
                rj.code = "did_not_fit";
                rj.detail = "scores well for " + cfg.types[c.type].id + " in " +
                            std::to_string(row.year) + " (value " + fmt("%.4f", d) + ") but its " +
                            fmt("%.2f", c.q) + " " + quantity_unit(cfg.targets[row.target].unit) +
                            " would pass the target's band or worsen jobs-housing balance";
            }
        }
        plan.rejected.push_back(std::move(rj));
    }
    std::sort(plan.rejected.begin(), plan.rejected.end(),
              [&](const Rejection &a, const Rejection &b) {
                  return city.parcels[a.parcel].id < city.parcels[b.parcel].id;
              });
}

} // namespace

Plan assemble_plan(const Model &m, const Solution &sol) {
    const AllocationProblem &pr = *m.problem;
    const City &city = *pr.city;
    const PlanConfig &cfg = *pr.plan;
    Plan plan;
    plan.solver = sol.report.solver;
    plan.solver_status = sol.report.status;
    plan.objective = sol.report.objective;
    plan.bound = sol.report.bound;
    plan.gap = sol.report.gap;
    plan.solve_seconds = sol.report.seconds;

    std::vector<bool> used(pr.n_parcels, false);
    for (std::uint32_t ci : sol.chosen) {
        const Column &c = m.columns[ci];
        const Parcel &p = city.parcels[c.parcel];
        const HousingType &ht = cfg.types[c.type];
        used[c.parcel] = true;
        Allocation a;
        a.parcel = c.parcel;
        a.year = m.rows[c.row].year;
        a.type = ht.id;
        a.far = c.far;
        a.area_m2 = p.area_m2;
        a.floor_m2 = floor_area_m2(p.area_m2, a.far);
        a.units = units_from_floor((1.0 - c.bundle_share) * a.floor_m2, ht);
        if (c.bundle_type >= 0) {
            const HousingType &bt = cfg.types[static_cast<std::size_t>(c.bundle_type)];
            a.bundled_type = bt.id;
            a.bundled_floor_m2 = c.bundle_share * a.floor_m2;
            a.bundled_units = units_from_floor(a.bundled_floor_m2, bt);
        }
        a.score = pr.score[pr.at(c.parcel, c.type)];
        a.score_parts = pr.parts[pr.at(c.parcel, c.type)];
        a.reasons = reasons_for(pr, m, ci);
        plan.allocations.push_back(std::move(a));
    }
    std::sort(plan.allocations.begin(), plan.allocations.end(),
              [&](const Allocation &a, const Allocation &b) {
                  if (a.year != b.year) {
                      return a.year < b.year;
                  }
                  if (a.type != b.type) {
                      return a.type < b.type;
                  }
                  return city.parcels[a.parcel].id < city.parcels[b.parcel].id;
              });

    // Annual table: one row per (year, target), with a diagnosis when not met. Supplies come
    // from the chosen columns (a bundled share counts in its own type's row).
    const Evaluation ev = evaluate(m, sol.chosen);
    std::vector<AnnualRow> by_row(m.rows.size());
    for (std::uint32_t ci : sol.chosen) {
        const Column &c = m.columns[ci];
        const Parcel &p = city.parcels[c.parcel];
        const double floor = floor_area_m2(p.area_m2, c.far);
        for_each_coefficient(m, ci, [&](RowKind kind, std::uint32_t r, double) {
            if (kind == RowKind::target) {
                AnnualRow &host = by_row[r];
                host.supplied_ha += (1.0 - c.bundle_share) * p.area_m2 / 1e4;
                host.supplied_floor_m2 += (1.0 - c.bundle_share) * floor;
                host.supplied_units +=
                    units_from_floor((1.0 - c.bundle_share) * floor, cfg.types[c.type]);
                ++host.parcels;
            } else if (kind == RowKind::bundle) {
                AnnualRow &b = by_row[r];
                b.supplied_ha += c.bundle_share * p.area_m2 / 1e4;
                b.supplied_floor_m2 += c.bundle_share * floor;
                b.supplied_units += units_from_floor(
                    c.bundle_share * floor, cfg.types[static_cast<std::size_t>(c.bundle_type)]);
            }
        });
    }
    std::vector<std::string> unmet;
    for (int y = 0; y < cfg.years(); ++y) {
        const int year = cfg.first_year + y;
        for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
            const Target &tg = cfg.targets[k];
            std::size_t row = 0;
            while (row < m.rows.size() &&
                   !(m.rows[row].year == year && m.rows[row].target == k && !m.rows[row].free)) {
                ++row;
            }
            AnnualRow r = row < m.rows.size() ? by_row[row]
                          : !tg.types.empty() ? group_supply(m, sol.chosen, k, year)
                                              : AnnualRow{};
            r.year = year;
            r.type = tg.type;
            for (const auto &z : tg.zones) {
                r.zones += (r.zones.empty() ? "" : ",") + z;
            }
            if (!tg.displaced_from.empty()) {
                r.zones += (r.zones.empty() ? "" : " ") + std::string("near ") + tg.displaced_from;
            }
            r.unit = quantity_unit(tg.unit);
            r.target = tg.values[static_cast<std::size_t>(y)];
            r.tolerance = tg.tolerance;
            r.binding = tg.binding;
            r.at_least = tg.at_least;
            if (tg.types.empty()) {
                r.supplied = row < m.rows.size() ? ev.row_supply[row] : 0.0;
            }
            const double lo = r.target * (1.0 - r.tolerance);
            const double hi = tg.at_least ? std::numeric_limits<double>::infinity()
                                          : r.target * (1.0 + r.tolerance);
            // A small absolute slack absorbs rounding in the last digit.
            r.met = r.supplied >= lo - 1e-9 && r.supplied <= hi + 1e-9;
            if (!r.met) {
                std::ostringstream os;
                if (r.supplied < lo) {
                    os << "short by " << fmt("%.2f", lo - r.supplied) << " " << r.unit
                       << " below the lower tolerance (" << fmt("%.2f", r.target - r.supplied)
                       << " below the target)";
                    if (row < m.rows.size()) {
                        auto [cause, detail] = diagnose_short(m, row, used, r.unit);
                        r.cause = cause;
                        os << ": " << detail;
                    }
                } else {
                    r.cause = "over";
                    os << "over by " << fmt("%.2f", r.supplied - hi) << " " << r.unit;
                }
                r.note = os.str();
                unmet.push_back(std::to_string(year) + " " + tg.type +
                                (r.zones.empty() ? "" : " [" + r.zones + "]") + " (" + r.note +
                                ")");
            }
            plan.annual.push_back(std::move(r));
        }
    }
    plan.rule_checks = check_rules(m, sol.chosen, ev);
    for (const RuleCheck &rc : plan.rule_checks) {
        if (!rc.met) {
            unmet.push_back("rule " + rc.rule + ": " + rc.label + " (broken by " +
                            fmt("%.2f", rc.violation) + " " + rc.violation_unit + ")");
        }
    }
    if (unmet.empty()) {
        plan.status = "all targets met";
    } else {
        plan.status = std::to_string(unmet.size()) + " target(s) or rule(s) not met: ";
        for (std::size_t i = 0; i < unmet.size(); ++i) {
            plan.status += (i ? "; " : "") + unmet[i];
        }
    }
    explain_rejections(m, used, plan);
    add_indicators(plan, city, cfg.indicators); // per-parcel and zone jobs-housing indicators
    plan.station_radii_m = cfg.indicators.station_radii_m;
    plan.park_catchment_m = cfg.indicators.park_catchment_m;

    plan.metadata.emplace_back("solver", plan.solver);
    plan.metadata.emplace_back("solver_status", plan.solver_status);
    plan.metadata.emplace_back("status", plan.status);
    plan.metadata.emplace_back("objective", fmt("%.6f", plan.objective));
    plan.metadata.emplace_back("bound", std::isfinite(plan.bound) ? fmt("%.6f", plan.bound) : "");
    plan.metadata.emplace_back("gap", std::isfinite(plan.gap) ? fmt("%.6g", plan.gap) : "");
    plan.metadata.emplace_back("solve_seconds", fmt("%.3f", plan.solve_seconds));
    plan.metadata.emplace_back("dissimilarity_before",
                               fmt("%.6f", plan.balance_before.dissimilarity));
    plan.metadata.emplace_back("dissimilarity_after",
                               fmt("%.6f", plan.balance_after.dissimilarity));
    plan.metadata.emplace_back("excess_commuting_before",
                               fmt("%.6f", plan.balance_before.excess_commuting));
    plan.metadata.emplace_back("excess_commuting_after",
                               fmt("%.6f", plan.balance_after.excess_commuting));
    return plan;
}

Plan make_plan(const City &city, const PlanConfig &config, const Allocator &allocator) {
    // Targets from the demand model take their values once the zones are known.
    const bool from_demand = std::any_of(config.targets.begin(), config.targets.end(),
                                         [](const Target &t) { return !t.demand.empty(); });
    PlanConfig with_demand;
    if (from_demand) {
        with_demand = config;
        apply_demand(with_demand, city);
    }
    const AllocationProblem pr = build_problem(city, from_demand ? with_demand : config);
    const Model model = build_model(pr);
    return assemble_plan(model, allocator.solve(model));
}

} // namespace landalloc
