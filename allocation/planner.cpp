#include "allocation/planner.hpp"

#include "allocation/demand.hpp"
#include "allocation/explain.hpp"
#include "allocation/indicators.hpp"
#include "allocation/network.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>

namespace landalloc {

using explain::fmt;

namespace {

/// A group target's supply in a year (its `supplied` in the target's unit and every other unit),
/// summed over the chosen columns of its zones: each part of a site (host share, bundled share)
/// whose type is a member counts once, so the group is the sum of its members' rows.
AnnualRow group_supply(const Model &m, const std::vector<std::uint32_t> &chosen, std::size_t k,
                       int year) {
    const AllocationProblem &pr = *m.problem;
    const PlanConfig &cfg = *pr.plan;
    const City &city = *pr.city;
    const Target &tg = cfg.targets[k];
    const std::vector<bool> member = type_mask(cfg, tg.types);
    const std::vector<bool> zones =
        tg.zones.empty() ? std::vector<bool>{} : zone_mask(cfg, city, tg.zones, tg.line, "zones");
    AnnualRow r;
    for (std::uint32_t ci : chosen) {
        const Column &c = m.columns[ci];
        if (m.rows[c.row].year != year) {
            continue;
        }
        if (!zones.empty() && (c.zone < 0 || !zones[static_cast<std::size_t>(c.zone)])) {
            continue;
        }
        const double ha = typed_quantity(m, c, Quantity::land_ha, member);
        if (ha <= 0) {
            continue;
        }
        r.supplied_ha += ha;
        r.supplied_floor_m2 += typed_quantity(m, c, Quantity::floor_m2, member);
        r.supplied_units += typed_quantity(m, c, Quantity::units, member);
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
    // The weight W of each share row: land (ha) or units of its year (0: the horizon) and host
    // type, or the typed quantity of its member types in its measure.
    std::vector<double> weight(m.side_rows.size(), 0.0);
    for (std::size_t s = 0; s < m.side_rows.size(); ++s) {
        const SideRow &row = m.side_rows[s];
        if (row.share < 0) {
            continue;
        }
        for (std::uint32_t ci : chosen) {
            const Column &c = m.columns[ci];
            if ((row.year != 0 && m.rows[c.row].year != row.year) ||
                (row.type >= 0 && c.type != static_cast<std::uint32_t>(row.type))) {
                continue;
            }
            if (!row.members.empty()) {
                weight[s] += typed_quantity(m, c, row.measure, row.members);
                continue;
            }
            weight[s] +=
                row.weight == "units" ? c.units : ha_from_m2(city.parcels[c.parcel].area_m2);
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
        if (row.share >= 0 && row.cap) {
            // lhs = IN - share W, so IN / W = share + lhs / W (0 when nothing is supplied).
            rc.unit = "share";
            rc.actual = weight[s] > 0 ? row.share + ev.side_lhs[s] / weight[s] : 0.0;
            rc.limit = row.share;
            rc.floor = false;
        } else if (row.share >= 0) {
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
                rc.floor = false;
            }
        } else if (row.lower) {
            // A floor: lhs = -amount, rhs = -minimum.
            rc.unit = row.unit;
            rc.actual = -ev.side_lhs[s];
            rc.limit = -row.rhs;
        } else {
            rc.unit = row.unit;
            rc.actual = ev.side_lhs[s];
            rc.limit = row.rhs;
            rc.floor = false;
        }
        rc.status = rc.met ? "met" : rc.floor ? "short" : "over";
        out.push_back(std::move(rc));
    }
    // Floors no column can reach: nothing is supplied where they count.
    for (const SideRow &row : m.unreachable_rows) {
        RuleCheck rc;
        rc.rule = row.rule;
        rc.label = row.label;
        rc.year = row.year;
        rc.binding = row.binding;
        rc.unit = row.unit;
        rc.actual = 0;
        rc.limit = -row.rhs;
        rc.violation = -row.rhs;
        rc.violation_unit = row.unit;
        rc.met = false;
        rc.floor = true;
        rc.status = "short";
        out.push_back(std::move(rc));
    }
    return out;
}

/// The allocations of the chosen columns, sorted by year, type and parcel id; returns which
/// parcels are used.
std::vector<bool> add_allocations(const Model &m, const std::vector<std::uint32_t> &chosen,
                                  Plan &plan) {
    const AllocationProblem &pr = *m.problem;
    const City &city = *pr.city;
    const PlanConfig &cfg = *pr.plan;
    std::vector<bool> used(pr.n_parcels, false);
    for (std::uint32_t ci : chosen) {
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
        const ScoreTerms part = score_terms(city, cfg, p, ht);
        a.score_parts = {
            {"transit", part.transit}, {"jobs", part.jobs}, {"zone_class", part.zone_class}};
        a.reasons = explain::reasons_for(pr, m, ci);
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
    return used;
}

/// "9,900": a whole number with thousands separators.
std::string grouped(double x) {
    std::string digits = fmt("%.0f", std::round(x));
    const std::size_t start = digits.starts_with("-") ? 1 : 0;
    for (std::size_t at = digits.size(); at > start + 3;) {
        at -= 3;
        digits.insert(at, ",");
    }
    return digits;
}

/// One sentence when the land asked over the horizon (the targets in ha, every year and type)
/// exceeds the land eligible for any of them: no allocation can meet them then, whatever the
/// rows' own diagnoses say. "" otherwise.
std::string horizon_shortfall(const Model &m) {
    const PlanConfig &cfg = *m.problem->plan;
    const City &city = *m.problem->city;
    double asked = 0;
    for (const TargetRow &r : m.rows) {
        if (!r.free && cfg.targets[r.target].unit == Quantity::land_ha) {
            asked += r.T;
        }
    }
    double eligible = 0;
    for (std::size_t i = 0; i + 1 < m.parcel_start.size(); ++i) {
        if (m.parcel_start[i] < m.parcel_start[i + 1]) {
            eligible += ha_from_m2(city.parcels[i].area_m2);
        }
    }
    if (asked <= 0 || asked <= eligible * (1 + 1e-9)) {
        return {};
    }
    return "horizon: " + grouped(asked) + " ha asked, " + grouped(eligible) + " ha eligible over " +
           std::to_string(cfg.first_year) + "-" + std::to_string(cfg.last_year) +
           ": the eligible land cannot meet the targets";
}

/// The note of a row not met, in `l`: how far it is from its figure and, when short, `detail`
/// (diagnose_short's, in `l`).
std::string unmet_note(const AnnualRow &r, Language l, const std::string &detail) {
    const bool zh = l == Language::zh;
    const std::string unit = zh ? code_label(CodeList::unit, r.unit, l) : r.unit;
    const std::string pct = r.target > 0 ? (zh ? "（" : " (") +
                                               fmt("%+.2f", 100.0 * r.difference / r.target) +
                                               (zh ? " %）" : " %)")
                                         : "";
    const std::string lower = fmt("%g", 100.0 * r.lower_tolerance) + " %";
    std::ostringstream os;
    if (r.status == "within tolerance") {
        os << (zh ? "容差内：低于指标 " : "within tolerance: ") << fmt("%.2f", -r.difference) << " "
           << unit << pct
           << (zh ? "，在其下限容差 " + lower + " 以内（预期性）"
                  : " under the figure, inside its lower allowance of " + lower + " (indicative)");
    } else if (r.status == "short") {
        os << tr(l, "short by ", "不足 ") << fmt("%.2f", -r.difference) << " " << unit << pct;
        if (r.lower_tolerance > 0) {
            os << (zh ? "，超出其下限容差 " : ", past its lower allowance of ") << lower;
        }
        if (!detail.empty()) {
            os << tr(l, ": ", "：") << detail;
        }
    } else {
        os << tr(l, "over by ", "超出 ") << fmt("%.2f", r.difference) << " " << unit << pct
           << tr(l, ", past its upper allowance of ", "，超过其上限容差 ")
           << fmt("%g", 100.0 * r.tolerance) << " %";
    }
    return os.str();
}

/// The annual table: one row per (year, target), with a diagnosis when not met; returns the
/// unmet rows' sentences for the plan's status.
std::vector<std::string> add_annual_table(const Model &m, const std::vector<std::uint32_t> &chosen,
                                          const Evaluation &ev, const std::vector<bool> &used,
                                          Plan &plan) {
    const PlanConfig &cfg = *m.problem->plan;
    const City &city = *m.problem->city;
    // Annual table: one row per (year, target), with a diagnosis when not met. Supplies come
    // from the chosen columns (a bundled share counts in its own type's row).
    std::vector<AnnualRow> by_row(m.rows.size());
    for (std::uint32_t ci : chosen) {
        const Column &c = m.columns[ci];
        const Parcel &p = city.parcels[c.parcel];
        const double floor = floor_area_m2(p.area_m2, c.far);
        for_each_coefficient(m, ci, [&](RowKind kind, std::uint32_t r, double) {
            if (kind == RowKind::target) {
                AnnualRow &host = by_row[r];
                host.supplied_ha += ha_from_m2((1.0 - c.bundle_share) * p.area_m2);
                host.supplied_floor_m2 += (1.0 - c.bundle_share) * floor;
                host.supplied_units +=
                    units_from_floor((1.0 - c.bundle_share) * floor, cfg.types[c.type]);
                ++host.parcels;
            } else if (kind == RowKind::bundle) {
                AnnualRow &b = by_row[r];
                b.supplied_ha += ha_from_m2(c.bundle_share * p.area_m2);
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
                          : !tg.types.empty() ? group_supply(m, chosen, k, year)
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
            r.lower_tolerance = tg.lower_tolerance;
            r.binding = tg.binding;
            r.at_least = tg.at_least;
            if (tg.types.empty()) {
                r.supplied = row < m.rows.size() ? ev.row_supply[row] : 0.0;
            }
            r.difference = r.supplied - r.target;
            r.status = tg.status(r.target, r.supplied);
            r.met = r.status == "met";
            if (!r.met) {
                // The note in the plan's language; the terminal's list of unmet targets in
                // English.
                std::string cause, detail_en, detail;
                if (r.status == "short" && row < m.rows.size()) {
                    std::tie(cause, detail_en) =
                        explain::diagnose_short(m, row, used, r.unit, Language::en);
                    detail =
                        cfg.language == Language::en
                            ? detail_en
                            : explain::diagnose_short(m, row, used, r.unit, cfg.language).second;
                }
                r.cause = r.status == "over" ? "over" : cause;
                r.note = unmet_note(r, cfg.language, detail);
                unmet.push_back(std::to_string(year) + " " + tg.type +
                                (r.zones.empty() ? "" : " [" + r.zones + "]") + ": " +
                                unmet_note(r, Language::en, detail_en));
            }
            plan.annual.push_back(std::move(r));
        }
    }
    return unmet;
}

/// The run's metadata: the solver's report and the balance indicators.
void add_metadata(Plan &plan) {
    plan.metadata.emplace_back("solver", plan.solver);
    plan.metadata.emplace_back("solver_status", plan.solver_status);
    plan.metadata.emplace_back("status", plan.status);
    plan.metadata.emplace_back("objective", fmt("%.6f", plan.objective));
    plan.metadata.emplace_back("bound", std::isfinite(plan.bound) ? fmt("%.6f", plan.bound) : "");
    plan.metadata.emplace_back("gap", std::isfinite(plan.gap) ? fmt("%.6g", plan.gap) : "");
    plan.metadata.emplace_back("unavoidable_cost", fmt("%.6f", plan.unavoidable_cost));
    plan.metadata.emplace_back("solve_seconds", fmt("%.3f", plan.solve_seconds));
    plan.metadata.emplace_back("dissimilarity_before",
                               fmt("%.6f", plan.balance_before.dissimilarity));
    plan.metadata.emplace_back("dissimilarity_after",
                               fmt("%.6f", plan.balance_after.dissimilarity));
    plan.metadata.emplace_back("excess_commuting_before",
                               fmt("%.6f", plan.balance_before.excess_commuting));
    plan.metadata.emplace_back("excess_commuting_after",
                               fmt("%.6f", plan.balance_after.excess_commuting));
    plan.metadata.emplace_back("suitability", fmt("%.6f", plan.suitability));
    plan.metadata.emplace_back("ratio_min", fmt("%.6g", plan.ratio_min));
    plan.metadata.emplace_back("ratio_max", fmt("%.6g", plan.ratio_max));
}

} // namespace

Plan assemble_plan(const Model &m, const Solution &sol) {
    const AllocationProblem &pr = *m.problem;
    const City &city = *pr.city;
    const PlanConfig &cfg = *pr.plan;
    Plan plan;
    plan.types = cfg.types;
    plan.language = cfg.language;
    plan.solver = sol.report.solver;
    plan.solver_status = sol.report.status;
    plan.objective = sol.report.objective;
    plan.bound = sol.report.bound;
    plan.gap = sol.report.gap;
    plan.unavoidable_cost = sol.report.unavoidable_cost;
    plan.solve_seconds = sol.report.seconds;

    const std::vector<bool> used = add_allocations(m, sol.chosen, plan);
    const Evaluation ev = evaluate(m, sol.chosen);
    plan.suitability = ev.suitability;
    std::vector<std::string> unmet = add_annual_table(m, sol.chosen, ev, used, plan);
    plan.rule_checks = check_rules(m, sol.chosen, ev);
    if (cfg.rules.commute_limit) { // allocation/network.hpp
        plan.rule_checks.push_back(commute_limit_check(plan, city, cfg));
    }
    if (cfg.rules.destocking) {
        for (const Zone &z : city.zones) {
            plan.destock_bands.push_back(destock_band(*cfg.rules.destocking, z.destock_months));
        }
    }
    for (const RuleCheck &rc : plan.rule_checks) {
        if (!rc.met) {
            unmet.push_back("rule " + rc.rule + ": " + rc.label + ": " + rc.status + " by " +
                            fmt("%.2f", rc.violation) + " " + rc.violation_unit);
        }
    }
    const std::string horizon = horizon_shortfall(m);
    if (!horizon.empty()) {
        plan.metadata.emplace_back("horizon_shortfall", horizon);
    }
    if (unmet.empty()) {
        plan.status = "all targets met";
    } else {
        plan.status = std::to_string(unmet.size()) + " of " +
                      std::to_string(plan.annual.size() + plan.rule_checks.size()) +
                      " target and rule rows not met: ";
        if (!horizon.empty()) {
            plan.status += horizon + "; ";
        }
        for (std::size_t i = 0; i < unmet.size(); ++i) {
            plan.status += (i ? "; " : "") + unmet[i];
        }
    }
    explain::explain_rejections(m, used, plan);
    add_indicators(plan, city, cfg.indicators); // per-parcel and zone jobs-housing indicators
    plan.station_radii_m = cfg.indicators.station_radii_m;
    plan.park_catchment_m = cfg.indicators.park_catchment_m;

    add_metadata(plan);
    return plan;
}

std::vector<double> supply_before(const Model &m, const std::vector<std::uint32_t> &chosen,
                                  int before_year) {
    const PlanConfig &cfg = *m.problem->plan;
    const Evaluation ev = evaluate(m, chosen);
    std::vector<double> out(cfg.targets.size(), 0.0);
    for (int year = cfg.first_year; year < before_year && year <= cfg.last_year; ++year) {
        for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
            if (!cfg.targets[k].types.empty()) {
                out[k] += group_supply(m, chosen, k, year).supplied;
                continue;
            }
            for (std::size_t r = 0; r < m.rows.size(); ++r) {
                if (m.rows[r].year == year && m.rows[r].target == k && !m.rows[r].free) {
                    out[k] += ev.row_supply[r];
                }
            }
        }
    }
    return out;
}

Plan make_plan(const City &city, const PlanConfig &config, const Allocator &allocator) {
    // Targets from the demand model take their values once the zones are known (unless the
    // caller has already applied the demand, as `landalloc plan` does to print it).
    const bool from_demand = demand_pending(config);
    PlanConfig with_demand;
    if (from_demand) {
        with_demand = config;
        apply_demand(with_demand, city);
    }
    City storage; // the city with distances along the streets (allocation/network.hpp)
    const City &net_city = with_network_facts(city, config, storage);
    // The stages' wall times go into the run's metadata (docs/performance.md).
    using clock = std::chrono::steady_clock;
    const auto seconds_since = [](clock::time_point t) {
        return fmt("%.3f", std::chrono::duration<double>(clock::now() - t).count());
    };
    const auto t_model = clock::now();
    const AllocationProblem pr = build_problem(net_city, from_demand ? with_demand : config);
    const Model model = build_model(pr);
    const std::string model_seconds = seconds_since(t_model);
    const Solution solution = allocator.solve(model);
    const auto t_explain = clock::now();
    Plan plan = assemble_plan(model, solution);
    plan.metadata.emplace_back("model_seconds", model_seconds);
    plan.metadata.emplace_back("explain_seconds", seconds_since(t_explain));
    return plan;
}

} // namespace landalloc
