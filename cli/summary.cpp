#include "cli/summary.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>

namespace landalloc::cli {

void print_summary(std::ostream &out, const Plan &plan) {
    char line[512];
    std::snprintf(line, sizeof line, "%-6s %-20s %-6s %12s %12s %11s %8s %9s %10s  %s\n", "year",
                  "housing type", "unit", "target", "supplied", "difference", "parcels", "land ha",
                  "units", "status");
    out << line;
    for (const auto &r : plan.annual) {
        const std::string type = r.zones.empty() ? r.type : r.type + " [" + r.zones + "]";
        std::snprintf(
            line, sizeof line, "%-6d %-20s %-6s %12.2f %12.2f %+11.2f %8d %9.2f %10.0f  %s\n",
            r.year, type.c_str(), r.unit.c_str(), r.target, r.supplied, r.difference, r.parcels,
            r.supplied_ha, r.supplied_units,
            r.year < plan.replan.from_year && !r.met ? (r.status + " as supplied").c_str()
                                                     : status_display(r.status, r.binding).c_str());
        out << line;
    }
    for (const auto &r : plan.rule_checks) {
        if (r.unit == "share") {
            std::snprintf(line, sizeof line, "rule %-16s %-60s %6.1f %% (needs %s%.1f %%)  %s\n",
                          r.rule.c_str(), r.label.c_str(), 100 * r.actual,
                          r.floor ? ">= " : "<= ", 100 * r.limit,
                          status_display(r.status, r.binding).c_str());
        } else {
            std::snprintf(line, sizeof line, "rule %-16s %-60s %.2f of %.2f %s  %s\n",
                          r.rule.c_str(), r.label.c_str(), r.actual, r.limit, r.unit.c_str(),
                          status_display(r.status, r.binding).c_str());
        }
        out << line;
    }
    if (const ReplanInfo &re = plan.replan; re.from_year != 0) {
        out << "re-plan from " << re.from_year << ": " << re.fixed_sites
            << " sites of earlier years kept as supplied, " << re.withdrawn_sites
            << " planned sites of earlier years not supplied";
        if (re.added_sites > 0) {
            out << ", " << re.added_sites << " supplied that the previous plan did not have";
        }
        out << "; carry " << re.carry << "\n";
        out << "re-plan from " << re.from_year << ": " << re.kept_sites
            << " of the previous plan's " << re.previous_sites << " sites from " << re.from_year
            << " kept in the same year and type\n";
        for (const std::string &c : re.carried) {
            out << "  carried: " << c << "\n";
        }
        out << "rolling plan: " << re.rolling.size()
            << " rows by year, district and type (rolling_plan table)\n";
    }
    // Bundled shares (rule 9), and whether a target counts them.
    std::map<std::string, std::array<double, 3>> bundled; // floor m2, units, sites
    for (const auto &a : plan.allocations) {
        if (!a.bundled_type.empty()) {
            auto &b = bundled[a.bundled_type];
            b[0] += a.bundled_floor_m2;
            b[1] += a.bundled_units;
            b[2] += 1;
        }
    }
    for (const auto &[type, b] : bundled) {
        // Counted by a target of the type, or by a group target with it as a member.
        const bool counted =
            std::any_of(plan.annual.begin(), plan.annual.end(), [&](const AnnualRow &r) {
                const std::string members = "+" + r.type + "+";
                return members.find("+" + type + "+") != std::string::npos;
            });
        std::snprintf(line, sizeof line, "bundled: %s %.0f m2 (%.0f units) on %.0f sites%s\n",
                      type.c_str(), b[0], b[1], b[2],
                      counted ? "" : "; no target counts it (add a target for the type)");
        out << line;
    }
    out << "solver: " << plan.solver << " (" << plan.solver_status << ", " << plan.solve_seconds
        << " s); objective " << plan.objective;
    if (plan.unavoidable_cost > 0) {
        std::snprintf(line, sizeof line, " (of which -%.6g no plan can avoid)",
                      plan.unavoidable_cost);
        out << line;
    }
    if (std::isfinite(plan.bound)) {
        std::snprintf(line, sizeof line, "; bound %.6g; gap %.4f %%%s", plan.bound,
                      100.0 * plan.gap,
                      plan.unavoidable_cost > 0 ? " of the part a plan controls" : "");
        out << line;
    }
    out << "\n"
        << plan.allocations.size() << " parcels allocated, " << plan.rejected.size()
        << " candidates not; status: " << plan.status << "\n";
    if (!plan.zone_balance.empty()) {
        int within_before = 0;
        int within_after = 0;
        for (const auto &z : plan.zone_balance) {
            within_before += z.before.band == "within" ? 1 : 0;
            within_after += z.after.band == "within" ? 1 : 0;
        }
        const CityBalance &b = plan.balance_before;
        const CityBalance &a = plan.balance_after;
        const char *moved = a.dissimilarity < b.dissimilarity   ? "falls"
                            : a.dissimilarity > b.dissimilarity ? "RISES"
                                                                : "unchanged";
        std::snprintf(line, sizeof line,
                      "jobs-housing: dissimilarity D %.4f -> %.4f (%s); excess commuting E %.4f "
                      "-> %.4f (T_min %.2f -> %.2f km, T_obs %.2f -> %.2f km)\n",
                      b.dissimilarity, a.dissimilarity, moved, b.excess_commuting,
                      a.excess_commuting, b.commute_min_m / 1000, a.commute_min_m / 1000,
                      b.commute_model_m / 1000, a.commute_model_m / 1000);
        out << line;
        const BalanceAnalysis &ba = plan.balance_analysis;
        const BalanceRun *base = ba.find("no balance term");
        const BalanceRun *best = ba.find("balance only");
        if (base && best) {
            std::snprintf(line, sizeof line,
                          "jobs-housing: without the balance term D %.4f; weighing balance only "
                          "D %.4f; suitability given up for balance %.2f of %.2f\n",
                          base->balance.dissimilarity, best->balance.dissimilarity,
                          ba.suitability_given_up, base->suitability);
            out << line;
        }
        if (!ba.finding.empty()) {
            out << "jobs-housing: " << ba.finding << "\n";
        }
        std::snprintf(
            line, sizeof line, "zones with jobs/dwellings in [%.2f, %.2f]: %d -> %d of %zu\n",
            plan.ratio_min, plan.ratio_max, within_before, within_after, plan.zone_balance.size());
        out << line;
    }
}

void print_demand_targets(std::ostream &out, const PlanConfig &cfg) {
    for (const Target &t : cfg.targets) {
        if (t.demand.empty()) {
            continue;
        }
        double total = 0;
        for (double v : t.values) {
            total += v;
        }
        std::string zones;
        for (const auto &z : t.zones) {
            zones += (zones.empty() ? " in " : ",") + z;
        }
        char line[512];
        std::snprintf(line, sizeof line,
                      "demand (%s): %s%s: %.1f %s over the horizon, %.1f a year\n",
                      t.demand.c_str(), t.type.c_str(), zones.c_str(), total, quantity_unit(t.unit),
                      total / static_cast<double>(cfg.years()));
        out << line;
    }
}

} // namespace landalloc::cli
