// What jobs-housing balance costs (docs/indicators.md, "What balance costs"): the plan against
// the same targets without the balance term, against a run that weighs balance only, and, when
// D still rises, runs that weigh balance only without one rule at a time, so the report can say
// which rule forces D up and by how much.

#include "allocation/explain.hpp"
#include "allocation/heuristic.hpp"
#include "allocation/indicators.hpp"
#include "allocation/network.hpp"
#include "allocation/planner.hpp"
#include "core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace landalloc {

using explain::fmt;

namespace {

/// A run that weighs balance only multiplies the balance term's weight by this: one unit of
/// imbalance then outweighs any site's value many times over, and the values still order the
/// choices of equal balance (and keep the LP relaxation well conditioned, which near-zero values
/// do not).
constexpr double k_balance_only_weight = 4;
/// A rule whose removal lowers the best D by less than this does not force D.
constexpr double k_forcing_d = 5e-4;
/// At most this many rules are tried one at a time.
constexpr std::size_t k_max_removals = 8;

struct Measured {
    CityBalance balance;
    double suitability = 0;
};

/// D, excess commuting and the suitability of the chosen sites of `sol`, a solution of `m` (built
/// for `cfg`, demand already applied), under the plan's scoring.
Measured measure(const City &city, const PlanConfig &cfg, const Model &m, const Solution &sol) {
    Measured out;
    std::vector<int> zone_of;
    std::vector<double> units;
    for (std::uint32_t ci : sol.chosen) {
        out.suitability += m.columns[ci].value;
        zone_of.push_back(m.columns[ci].zone);
        units.push_back(m.columns[ci].units);
    }
    IndicatorOptions with_streets = cfg.indicators; // excess commuting along the streets, if any
    with_streets.zone_cost_m = city.zone_travel_m;
    out.balance =
        jobs_housing(zone_figures(city, cfg.indicators), zone_of, units, {}, with_streets).after;
    return out;
}

/// Solves `cfg` and measures its plan.
Measured solve_and_measure(const City &city, const PlanConfig &cfg, const Allocator &allocator) {
    AllocationProblem pr = build_problem(city, cfg);
    const Model m = build_model(pr);
    pr.release_figures(); // runs solve side by side: only their models need to be held
    return measure(city, cfg, m, allocator.solve(m));
}

struct Removal {
    std::string label;
    PlanConfig cfg;
};

/// The plan without each of its rules, policies and zone restrictions of targets, one at a time.
std::vector<Removal> removals(const PlanConfig &cfg) {
    std::vector<Removal> out;
    auto without = [&](const std::string &label, auto &&edit) {
        if (out.size() < k_max_removals) {
            Removal r{label, cfg};
            edit(r.cfg);
            out.push_back(std::move(r));
        }
    };
    // Zone restrictions of targets first, then policies, then rules: the likeliest to force D
    // first, as the number of runs is bounded.
    for (std::size_t k = 0; k < cfg.targets.size(); ++k) {
        const Target &t = cfg.targets[k];
        if (t.zones.empty()) {
            continue;
        }
        std::string zones;
        for (const std::string &z : t.zones) {
            zones += (zones.empty() ? "" : ", ") + z;
        }
        without("the zones of target " + t.type + " (" + zones + ")",
                [k](PlanConfig &c) { c.targets[k].zones.clear(); });
    }
    for (std::size_t i = 0; i < cfg.policies.size(); ++i) {
        without("policy '" + cfg.policies[i].name + "'",
                [i](PlanConfig &c) { c.policies.erase(c.policies.begin() + std::ptrdiff_t(i)); });
    }
    const RulesConfig &R = cfg.rules;
    if (R.destocking) {
        without("[rules.destocking]", [](PlanConfig &c) { c.rules.destocking.reset(); });
    }
    if (R.rental_share) {
        without("[rules.rental_share]", [](PlanConfig &c) { c.rules.rental_share.reset(); });
    }
    if (R.ar_siting) {
        without("[rules.ar_siting]", [](PlanConfig &c) { c.rules.ar_siting.reset(); });
    }
    if (R.park_caps) {
        without("[rules.park_caps]", [](PlanConfig &c) { c.rules.park_caps.reset(); });
    }
    if (R.tod) {
        without("[rules.tod]", [](PlanConfig &c) { c.rules.tod.reset(); });
    }
    if (!R.zone_classes.empty()) {
        without("[rules.zone_classes]", [](PlanConfig &c) { c.rules.zone_classes.clear(); });
    }
    if (R.key_areas) {
        without("[rules.key_areas]", [](PlanConfig &c) { c.rules.key_areas.reset(); });
    }
    if (!R.bundling.empty()) {
        without("[[rules.bundling]]", [](PlanConfig &c) { c.rules.bundling.clear(); });
    }
    return out;
}

std::string d_text(double d) { return fmt("%.4f", d); }

BalanceAnalysis analysis(const City &city, const PlanConfig &cfg, const Allocator &allocator,
                         const Plan &plan) {
    BalanceAnalysis a;
    a.runs.push_back({"before", "", plan.balance_before});
    a.runs.push_back({"plan", "", plan.balance_after, plan.suitability});
    const double d0 = plan.balance_before.dissimilarity;
    const double d1 = plan.balance_after.dissimilarity;

    PlanConfig no_term = cfg;
    no_term.jobs_housing.weight = 0;
    // Balance only: the term's weight as planned (its default when the plan turns it off), many
    // times over.
    PlanConfig only = cfg;
    if (!(only.jobs_housing.weight > 0)) {
        only.jobs_housing.weight = JobsHousingConfig{}.weight;
    }
    only.jobs_housing.weight *= k_balance_only_weight;
    // The balance-only runs take the heuristic without make-room chains (local_search.cpp): they
    // measure D, and the chains are most of a solve's time where rows stay short.
    HeuristicOptions analysis_options;
    analysis_options.make_room = false;
    const HeuristicAllocator balance_allocator(analysis_options);

    // The run without the term and the balance-only run differ in [jobs_housing] alone: one model
    // serves both, its balance term priced again between them, so the columns are built once and
    // held once (two models side by side took 770 MiB more at a million parcels).
    Measured base{plan.balance_after, plan.suitability};
    Measured best;
    {
        AllocationProblem pr = build_problem(city, no_term);
        Model m = build_model(pr);
        pr.release_figures();
        if (cfg.jobs_housing.weight > 0) {
            base = measure(city, no_term, m, allocator.solve(m));
        }
        pr.plan = &only;
        reweigh_balance(m);
        best = measure(city, only, m, balance_allocator.solve(m));
    }
    a.runs.push_back({"no balance term", "", base.balance, base.suitability});
    a.suitability_given_up = base.suitability - plan.suitability;
    a.runs.push_back({"balance only", "", best.balance, best.suitability});
    const double d_best = best.balance.dissimilarity;

    std::string finding;
    if (d1 < d0) {
        finding = "D falls from " + d_text(d0) + " to " + d_text(d1) + "; weighing balance only, " +
                  "the same targets and rules reach " + d_text(d_best) + ".";
        if (std::isfinite(a.suitability_given_up)) {
            finding += " The plan gives up " + fmt("%.2f", a.suitability_given_up) +
                       " of suitability against the plan without the balance term (D " +
                       d_text(base.balance.dissimilarity) + ").";
        }
        a.finding = finding;
        return a;
    }
    finding = "D rises from " + d_text(d0) + " to " + d_text(d1) + ". ";
    if (d_best < d0) {
        finding += "A run weighing balance only reaches " + d_text(d_best) +
                   " under the same targets and rules, so the rise is the weight's trade of "
                   "balance for suitability: raise [jobs_housing] weight (now " +
                   fmt("%.3g", cfg.jobs_housing.weight) + ").";
    } else {
        finding += "No plan of these targets and rules does better: weighing balance only "
                   "reaches " +
                   d_text(d_best) + ".";
    }
    // Which rules force it: the best D without each, one at a time.
    std::vector<std::pair<double, std::string>> forcing;
    const std::vector<Removal> without = removals(only);
    std::vector<Measured> measured(without.size()); // each run alone, side by side
    parallel_for(without.size(), 1, [&](unsigned, std::size_t k) {
        measured[k] = solve_and_measure(city, without[k].cfg, balance_allocator);
    });
    for (std::size_t k = 0; k < without.size(); ++k) {
        const Removal &r = without[k];
        const Measured &m = measured[k];
        BalanceRun run{"without rule", r.label, m.balance, m.suitability};
        run.d_cost = d_best - m.balance.dissimilarity;
        if (run.d_cost >= k_forcing_d) {
            forcing.emplace_back(run.d_cost, r.label);
        }
        a.runs.push_back(std::move(run));
    }
    std::stable_sort(forcing.begin(), forcing.end(),
                     [](const auto &x, const auto &y) { return x.first > y.first; });
    if (forcing.empty()) {
        finding += " No single rule, policy or zone restriction forces it: without any one of "
                   "them the best D stays within " +
                   d_text(k_forcing_d) + ".";
        // Without all of them together: what is left is the targets and the sites.
        PlanConfig bare = only;
        bare.rules = RulesConfig{};
        bare.policies.clear();
        for (Target &t : bare.targets) {
            t.zones.clear();
        }
        const Measured m = solve_and_measure(city, bare, balance_allocator);
        BalanceRun run{"without rule", "every rule, policy and zone restriction", m.balance,
                       m.suitability};
        run.d_cost = d_best - m.balance.dissimilarity;
        a.runs.push_back(run);
        finding += " Without all of them together the best D is " +
                   d_text(m.balance.dissimilarity) +
                   (m.balance.dissimilarity < d0 ? " (" : " (still ");
        finding += m.balance.dissimilarity < d0
                       ? "below D before: the rules together force the rise)."
                       : "not below D before: the targets' units and where the candidate sites "
                         "lie force it).";
    } else {
        finding += " Forced by ";
        for (std::size_t i = 0; i < forcing.size(); ++i) {
            finding += (i ? "; " : "") + forcing[i].second + " (costs " + d_text(forcing[i].first) +
                       " of D)";
        }
        finding += ".";
    }
    a.finding = finding;
    return a;
}

} // namespace

void analyse_balance(const City &city, const PlanConfig &cfg, const Allocator &allocator,
                     Plan &plan) {
    City storage; // the city with distances along the streets, as make_plan uses it
    plan.balance_analysis = analysis(with_network_facts(city, cfg, storage), cfg, allocator, plan);
    const BalanceAnalysis &a = plan.balance_analysis;
    auto meta = [&](const std::string &key, double v) {
        plan.metadata.emplace_back(key, std::isfinite(v) ? fmt("%.6f", v) : "");
    };
    if (const BalanceRun *r = a.find("no balance term")) {
        meta("dissimilarity_no_balance_term", r->balance.dissimilarity);
        meta("excess_commuting_no_balance_term", r->balance.excess_commuting);
    }
    if (const BalanceRun *r = a.find("balance only")) {
        meta("dissimilarity_balance_only", r->balance.dissimilarity);
    }
    meta("suitability_given_up_for_balance", a.suitability_given_up);
    plan.metadata.emplace_back("balance_finding", a.finding);
}

} // namespace landalloc
