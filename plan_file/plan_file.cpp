#include "plan_file/plan_file.hpp"

#include "plan_file/sections.hpp"

#include "core/errors.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace landalloc {

using detail::Ctx;

PlanFile parse_plan(const std::string &text, const std::string &path) {
    const Ctx ctx(path);
    toml::table root;
    try {
        root = toml::parse(text, path.empty() ? std::string("built-in plan") : path);
    } catch (const toml::parse_error &e) {
        std::ostringstream os;
        os << (path.empty() ? "built-in plan" : path) << ":" << e.source().begin.line
           << ": not valid TOML: " << e.description();
        throw PlanFileError(os.str());
    }
    ctx.check_keys(root, "",
                   {"plan", "housing_types", "targets", "scoring", "objective", "jobs_housing",
                    "solver", "inputs", "indicators", "rules", "demand"});

    PlanFile cfg;
    cfg.source_path = path;
    cfg.source_text = text;

    if (const auto *plan = ctx.table(root, "", "plan")) {
        ctx.check_keys(*plan, "plan.", {"name", "first_year", "last_year", "seed"});
        cfg.name = ctx.text(*plan, "plan.", "name", cfg.name);
        cfg.first_year =
            static_cast<int>(ctx.integer(*plan, "plan.", "first_year", 2021, 1990, 2100));
        cfg.last_year = static_cast<int>(
            ctx.integer(*plan, "plan.", "last_year", cfg.first_year + 4, 1990, 2100));
        cfg.seed = static_cast<std::uint64_t>(
            ctx.integer(*plan, "plan.", "seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
        if (cfg.last_year < cfg.first_year || cfg.years() > 30) {
            ctx.fail(plan->get("last_year"), "plan.last_year",
                     "the horizon must run forwards and span at most 30 years");
        }
    } else {
        ctx.fail(nullptr, "plan", "the [plan] table is required (first_year, last_year)");
    }

    const auto *types = ctx.table(root, "", "housing_types");
    if (!types || types->empty()) {
        ctx.fail(nullptr, "housing_types", "at least one [housing_types.<id>] table is required");
    }
    for (auto &&[k, v] : *types) {
        const std::string id(k.str());
        const std::string prefix = "housing_types." + id + ".";
        if (!v.is_table()) {
            ctx.fail(&v, "housing_types." + id, "must be a table");
        }
        const auto &t = *v.as_table();
        ctx.check_keys(t, prefix, {"name_zh", "unit_m2", "far_min", "far_max", "rental"});
        HousingType h;
        h.id = id;
        h.name_zh = ctx.text(t, prefix, "name_zh", "");
        h.unit_m2 = ctx.number(t, prefix, "unit_m2", 90, 10, 500);
        h.far_min = ctx.number(t, prefix, "far_min", 1.0, 0.1, 20);
        h.far_max = ctx.number(t, prefix, "far_max", 3.0, 0.1, 20);
        h.rental = ctx.boolean(t, prefix, "rental", false);
        if (h.far_max < h.far_min) {
            ctx.fail(t.get("far_max"), prefix + "far_max", "must not be below far_min");
        }
        cfg.types.push_back(std::move(h));
    }

    const toml::node *targets = root.get("targets");
    if (targets && !targets->is_array_of_tables()) {
        ctx.fail(targets, "targets", "must be an array of tables ([[targets]])");
    }
    if (targets) {
        std::set<std::string> seen;
        std::size_t i = 0;
        for (auto &&node : *targets->as_array()) {
            const auto &t = *node.as_table();
            const std::string prefix = "targets[" + std::to_string(i++) + "].";
            ctx.check_keys(t, prefix,
                           {"type", "types", "unit", "values", "total", "tolerance", "binding",
                            "at_least", "zones", "displaced_from", "demand"});
            Target tg;
            tg.line = static_cast<int>(t.source().begin.line);
            if (t.get("types")) {
                // A group target: the supply of several types together.
                if (t.get("type")) {
                    ctx.fail(t.get("types"), prefix + "types",
                             "give either type (one housing type) or types (a group), not both");
                }
                tg.types = ctx.strings(t, prefix, "types");
                if (tg.types.size() < 2) {
                    ctx.fail(t.get("types"), prefix + "types",
                             "a group needs at least two housing types (else use type)");
                }
                for (const auto &id : tg.types) {
                    if (cfg.type_index(id) < 0) {
                        ctx.fail(t.get("types"), prefix + "types",
                                 "'" + id + "' is not a housing type defined in [housing_types]");
                    }
                    tg.type += (tg.type.empty() ? "" : "+") + id;
                }
                for (const char *key : {"demand", "displaced_from"}) {
                    if (t.get(key)) {
                        ctx.fail(t.get(key), prefix + key,
                                 "not available for a group target (types); give it per type");
                    }
                }
            } else {
                tg.type = ctx.text(t, prefix, "type", "");
                if (cfg.type_index(tg.type) < 0) {
                    ctx.fail(t.get("type") ? t.get("type") : &node, prefix + "type",
                             "'" + tg.type + "' is not a housing type defined in [housing_types]");
                }
            }
            tg.zones = ctx.strings(t, prefix, "zones");
            tg.displaced_from = ctx.text(t, prefix, "displaced_from", "");
            std::string key = tg.type + "|" + tg.displaced_from;
            for (const auto &z : tg.zones) {
                key += "|" + z;
            }
            if (!seen.insert(key).second) {
                ctx.fail(t.get("type"), prefix + "type",
                         "a second target for '" + tg.type +
                             "' in the same zones; give one per type and zone set");
            }
            const std::string unit = ctx.text(t, prefix, "unit", "ha");
            if (const std::optional<Quantity> q = parse_quantity(unit)) {
                tg.unit = *q;
            } else {
                ctx.fail(t.get("unit"), prefix + "unit",
                         "unit must be \"ha\", \"m2\" or \"units\", not \"" + unit + "\"");
            }
            tg.tolerance = ctx.number(t, prefix, "tolerance", 0.05, 0.0, 1.0);
            tg.binding = ctx.boolean(t, prefix, "binding", true);
            tg.at_least = ctx.boolean(t, prefix, "at_least", false);
            tg.demand = ctx.text(t, prefix, "demand", "");
            if (!tg.demand.empty() && tg.demand != "housing" && tg.demand != "talent") {
                ctx.fail(t.get("demand"), prefix + "demand",
                         "'" + tg.demand + "' is not a demand; use housing or talent");
            }
            if (!tg.demand.empty() && tg.unit == Quantity::land_ha) {
                ctx.fail(t.get("demand"), prefix + "demand",
                         "demand gives floor area; use unit = \"m2\" or \"units\"");
            }
            const toml::node *values = t.get("values");
            const toml::node *total = t.get("total");
            if (!tg.demand.empty()) {
                if (values || total) {
                    ctx.fail(values ? values : total, prefix + (values ? "values" : "total"),
                             "a target with demand takes its values from [demand]; drop this");
                }
            } else if ((values == nullptr) == (total == nullptr)) {
                ctx.fail(&node, prefix + "values",
                         "give either values (one per year) or total (split evenly)");
            }
            if (values) {
                if (!values->is_array()) {
                    ctx.fail(values, prefix + "values", "must be an array of numbers");
                }
                for (auto &&x : *values->as_array()) {
                    const auto d = x.value<double>();
                    if (!d || *d < 0 || !std::isfinite(*d)) {
                        ctx.fail(&x, prefix + "values", "each value must be a number >= 0");
                    }
                    tg.values.push_back(*d);
                }
                if (static_cast<int>(tg.values.size()) != cfg.years()) {
                    ctx.fail(values, prefix + "values",
                             "has " + std::to_string(tg.values.size()) + " values but the " +
                                 "horizon " + std::to_string(cfg.first_year) + "-" +
                                 std::to_string(cfg.last_year) + " has " +
                                 std::to_string(cfg.years()) + " years");
                }
            } else if (total) {
                const double tot = ctx.number(t, prefix, "total", 0, 0, 1e12);
                tg.values.assign(static_cast<std::size_t>(cfg.years()), tot / cfg.years());
            } else {
                tg.values.assign(static_cast<std::size_t>(cfg.years()), 0.0);
            }
            cfg.targets.push_back(std::move(tg));
        }
    }

    if (const auto *sc = ctx.table(root, "", "scoring")) {
        ctx.check_keys(
            *sc, "scoring.",
            {"station_decay_m", "park_decay_m", "zone_class", "unknown_zone_class", "weights"});
        cfg.scoring.station_decay_m =
            ctx.number(*sc, "scoring.", "station_decay_m", 800, 1, 100000);
        cfg.scoring.park_decay_m = ctx.number(*sc, "scoring.", "park_decay_m", 2000, 1, 100000);
        cfg.scoring.unknown_zone_class =
            ctx.number(*sc, "scoring.", "unknown_zone_class", 0.5, 0, 1);
        if (const auto *zc = ctx.table(*sc, "scoring.", "zone_class")) {
            for (auto &&[k, v] : *zc) {
                cfg.scoring.zone_class[std::string(k.str())] =
                    ctx.number(*zc, "scoring.zone_class.", std::string(k.str()), 0.5, 0, 1);
            }
        }
        if (const auto *w = ctx.table(*sc, "scoring.", "weights")) {
            for (auto &&[k, v] : *w) {
                const std::string id(k.str());
                const std::string prefix = "scoring.weights." + id + ".";
                if (cfg.type_index(id) < 0) {
                    ctx.fail(&v, "scoring.weights." + id, "not a housing type");
                }
                if (!v.is_table()) {
                    ctx.fail(&v, "scoring.weights." + id, "must be a table");
                }
                const auto &t = *v.as_table();
                ctx.check_keys(t, prefix, {"transit", "jobs", "zone_class"});
                TypeWeights tw;
                tw.transit = ctx.number(t, prefix, "transit", tw.transit, 0, 100);
                tw.jobs = ctx.number(t, prefix, "jobs", tw.jobs, 0, 100);
                tw.zone_class = ctx.number(t, prefix, "zone_class", tw.zone_class, 0, 100);
                cfg.scoring.weights[id] = tw;
            }
        }
    }

    if (const auto *ob = ctx.table(root, "", "objective")) {
        ctx.check_keys(*ob, "objective.",
                       {"over_target_cost", "short_binding_cost", "short_indicative_cost",
                        "early_supply_bonus"});
        auto &O = cfg.objective;
        O.over_target_cost = ctx.number(*ob, "objective.", "over_target_cost", 1.0, 0, 1e6);
        O.short_binding_cost = ctx.number(*ob, "objective.", "short_binding_cost", 100.0, 0, 1e6);
        O.short_indicative_cost =
            ctx.number(*ob, "objective.", "short_indicative_cost", 5.0, 0, 1e6);
        O.early_supply_bonus = ctx.number(*ob, "objective.", "early_supply_bonus", 0.001, 0, 0.1);
    }

    if (const auto *jh = ctx.table(root, "", "jobs_housing")) {
        ctx.check_keys(*jh, "jobs_housing.", {"ratio_min", "ratio_max", "weight"});
        auto &J = cfg.jobs_housing;
        J.ratio_min = ctx.number(*jh, "jobs_housing.", "ratio_min", 0.8, 0.01, 100);
        J.ratio_max = ctx.number(*jh, "jobs_housing.", "ratio_max", 1.5, 0.01, 100);
        J.weight = ctx.number(*jh, "jobs_housing.", "weight", 2.0, 0, 1e6);
        if (J.ratio_max < J.ratio_min) {
            ctx.fail(jh->get("ratio_max"), "jobs_housing.ratio_max", "must not be below ratio_min");
        }
    }

    if (const auto *so = ctx.table(root, "", "solver")) {
        ctx.check_keys(
            *so, "solver.",
            {"method", "time_limit_s", "gap", "auto_exact_max_parcels", "heuristic_iterations"});
        auto &S = cfg.solver;
        S.method = ctx.text(*so, "solver.", "method", S.method);
        if (S.method != "auto" && S.method != "exact" && S.method != "heuristic" &&
            S.method != "greedy") {
            ctx.fail(so->get("method"), "solver.method",
                     "'" + S.method + "' is not a method; use auto, exact, heuristic or greedy");
        }
        S.time_limit_s = ctx.number(*so, "solver.", "time_limit_s", 60, 0.1, 1e6);
        S.gap = ctx.number(*so, "solver.", "gap", 1e-3, 0, 1);
        S.auto_exact_max_parcels = static_cast<int>(
            ctx.integer(*so, "solver.", "auto_exact_max_parcels", 1000, 0, 100000000));
        S.heuristic_iterations =
            static_cast<int>(ctx.integer(*so, "solver.", "heuristic_iterations", 300, 0, 1000000));
    }

    if (const auto *in = ctx.table(root, "", "inputs")) {
        parse_inputs(ctx, *in, cfg.inputs);
    }
    if (const auto *ind = ctx.table(root, "", "indicators")) {
        parse_indicators(ctx, *ind, cfg.indicators);
    }
    if (const auto *ru = ctx.table(root, "", "rules")) {
        parse_rules(ctx, *ru, cfg);
    }
    if (const auto *de = ctx.table(root, "", "demand")) {
        parse_demand(ctx, *de, cfg);
    }
    cfg.indicators.ratio_min = cfg.jobs_housing.ratio_min;
    cfg.indicators.ratio_max = cfg.jobs_housing.ratio_max;
    return cfg;
}

PlanFile load_plan(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw PlanFileError(path + ": cannot read the plan file (does it exist?)");
    }
    std::ostringstream os;
    os << in.rdbuf();
    return parse_plan(os.str(), path);
}

} // namespace landalloc
