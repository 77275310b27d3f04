#include "plan_file/plan_file.hpp"

#include "plan_file/sections.hpp"

#include "allocation/replan.hpp"
#include "allocation/solvers.hpp"
#include "core/errors.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace landalloc {

using detail::Ctx;

/// `[plan]` (required): the name, the horizon and the seed.
void parse_plan_section(const Ctx &ctx, const toml::table *table, PlanConfig &cfg) {
    if (!table) {
        ctx.fail(nullptr, "plan", "the [plan] table is required (first_year, last_year)");
    }
    const toml::table &plan = *table;
    ctx.check_keys(plan, "plan.", {"name", "first_year", "last_year", "seed"});
    cfg.name = ctx.text(plan, "plan.", "name", cfg.name);
    const PlanConfig d; // last_year defaults to the default horizon's length from first_year
    cfg.first_year =
        static_cast<int>(ctx.integer(plan, "plan.", "first_year", cfg.first_year, 1990, 2100));
    cfg.last_year = static_cast<int>(ctx.integer(
        plan, "plan.", "last_year", cfg.first_year + (d.last_year - d.first_year), 1990, 2100));
    cfg.seed = static_cast<std::uint64_t>(ctx.integer(plan, "plan.", "seed",
                                                      static_cast<std::int64_t>(cfg.seed), 0,
                                                      std::numeric_limits<std::int64_t>::max()));
    if (cfg.last_year < cfg.first_year || cfg.years() > 30) {
        ctx.fail(plan.get("last_year"), "plan.last_year",
                 "the horizon must run forwards and span at most 30 years");
    }
}

/// `[housing_types.<id>]` (at least one).
void parse_housing_types(const Ctx &ctx, const toml::table *types, PlanConfig &cfg) {
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
        ctx.check_keys(t, prefix,
                       {"name_zh", "unit_m2", "far_min", "far_max", "rental", "affordable"});
        HousingType h;
        h.id = id;
        h.name_zh = ctx.text(t, prefix, "name_zh", h.name_zh);
        h.unit_m2 = ctx.number(t, prefix, "unit_m2", h.unit_m2, 10, 500);
        h.far_min = ctx.number(t, prefix, "far_min", h.far_min, 0.1, 20);
        h.far_max = ctx.number(t, prefix, "far_max", h.far_max, 0.1, 20);
        h.rental = ctx.boolean(t, prefix, "rental", h.rental);
        h.affordable = ctx.boolean(t, prefix, "affordable", h.affordable);
        if (h.far_max < h.far_min) {
            ctx.fail(t.get("far_max"), prefix + "far_max", "must not be below far_min");
        }
        cfg.types.push_back(std::move(h));
    }
}

/// `[scoring]`; the weights' housing types must already be parsed.
void parse_scoring(const Ctx &ctx, const toml::table &sc, PlanConfig &cfg) {
    ScoringConfig &S = cfg.scoring;
    ctx.check_keys(
        sc, "scoring.",
        {"station_decay_m", "park_decay_m", "zone_class", "unknown_zone_class", "weights"});
    S.station_decay_m = ctx.number(sc, "scoring.", "station_decay_m", S.station_decay_m, 1, 100000);
    S.park_decay_m = ctx.number(sc, "scoring.", "park_decay_m", S.park_decay_m, 1, 100000);
    S.unknown_zone_class =
        ctx.number(sc, "scoring.", "unknown_zone_class", S.unknown_zone_class, 0, 1);
    if (const auto *zc = ctx.table(sc, "scoring.", "zone_class")) {
        for (auto &&[k, v] : *zc) {
            // Each class given replaces or adds to the defaults (the key is present).
            S.zone_class[std::string(k.str())] =
                *ctx.optional_number(*zc, "scoring.zone_class.", std::string(k.str()), 0, 1);
        }
    }
    if (const auto *w = ctx.table(sc, "scoring.", "weights")) {
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
            S.weights[id] = tw;
        }
    }
}

/// `[objective]`: the costs of the penalty terms.
void parse_objective(const Ctx &ctx, const toml::table &ob, ObjectiveConfig &O) {
    ctx.check_keys(
        ob, "objective.",
        {"over_target_cost", "short_binding_cost", "short_indicative_cost", "early_supply_bonus"});
    const std::string p = "objective.";
    O.over_target_cost = ctx.number(ob, p, "over_target_cost", O.over_target_cost, 0, 1e6);
    O.short_binding_cost = ctx.number(ob, p, "short_binding_cost", O.short_binding_cost, 0, 1e6);
    O.short_indicative_cost =
        ctx.number(ob, p, "short_indicative_cost", O.short_indicative_cost, 0, 1e6);
    O.early_supply_bonus = ctx.number(ob, p, "early_supply_bonus", O.early_supply_bonus, 0, 0.1);
}

/// `[jobs_housing]`: the balance term and the band.
void parse_jobs_housing(const Ctx &ctx, const toml::table &jh, JobsHousingConfig &J) {
    const std::string p = "jobs_housing.";
    ctx.check_keys(jh, p, {"ratio_min", "ratio_max", "weight", "band", "band_weight", "analyse"});
    J.ratio_min = ctx.number(jh, p, "ratio_min", J.ratio_min, 0.01, 100);
    J.ratio_max = ctx.number(jh, p, "ratio_max", J.ratio_max, 0.01, 100);
    J.weight = ctx.number(jh, p, "weight", J.weight, 0, 1e6);
    J.band_weight = ctx.number(jh, p, "band_weight", J.band_weight, 0, 1e6);
    J.analyse = ctx.boolean(jh, p, "analyse", J.analyse);
    if (J.ratio_max < J.ratio_min) {
        ctx.fail(jh.get("ratio_max"), p + "ratio_max", "must not be below ratio_min");
    }
    if (const auto band = ctx.optional_text(jh, p, "band")) {
        if (*band == "off") {
            J.band = BandMode::off;
        } else if (*band == "soft") {
            J.band = BandMode::soft;
        } else if (*band == "hard") {
            J.band = BandMode::hard;
        } else {
            ctx.fail(jh.get("band"), p + "band", "'" + *band + "' is not off, soft or hard");
        }
    }
}

/// `[solver]`.
void parse_solver(const Ctx &ctx, const toml::table &so, SolverConfig &S) {
    ctx.check_keys(
        so, "solver.",
        {"method", "time_limit_s", "gap", "auto_exact_max_parcels", "heuristic_iterations"});
    S.method = ctx.text(so, "solver.", "method", S.method);
    if (!find_solver(S.method)) {
        ctx.fail(so.get("method"), "solver.method",
                 "'" + S.method + "' is not a method; use " + solver_names_text());
    }
    S.time_limit_s = ctx.number(so, "solver.", "time_limit_s", S.time_limit_s, 0.1, 1e6);
    S.gap = ctx.number(so, "solver.", "gap", S.gap, 0, 1);
    S.auto_exact_max_parcels = static_cast<int>(ctx.integer(
        so, "solver.", "auto_exact_max_parcels", S.auto_exact_max_parcels, 0, 100000000));
    S.heuristic_iterations = static_cast<int>(
        ctx.integer(so, "solver.", "heuristic_iterations", S.heuristic_iterations, 0, 1000000));
}

/// `[replan]`: how a re-plan carries the years before it (docs/rolling.md).
void parse_replan(const Ctx &ctx, const toml::table &re, ReplanConfig &R) {
    ctx.check_keys(re, "replan.", {"carry", "keep_bonus"});
    R.keep_bonus = ctx.number(re, "replan.", "keep_bonus", R.keep_bonus, 0, 10);
    if (const auto carry = ctx.optional_text(re, "replan.", "carry")) {
        const auto c = carry_from_name(*carry);
        if (!c) {
            ctx.fail(re.get("carry"), "replan.carry",
                     "'" + *carry + "' is not spread, next_year or none");
        }
        R.carry = *c;
    }
}

/// `[output]`: the language of the reasons, the report and the QGIS names. Without it the plan
/// speaks Chinese when its own names do (the plan's name or a type's name_zh).
void parse_output(const Ctx &ctx, const toml::table *out, PlanConfig &cfg) {
    bool chinese = has_chinese(cfg.name);
    for (const HousingType &h : cfg.types) {
        chinese = chinese || has_chinese(h.name_zh);
    }
    cfg.language = chinese ? Language::zh : Language::en;
    if (!out) {
        return;
    }
    ctx.check_keys(*out, "output.", {"language"});
    if (const auto code = ctx.optional_text(*out, "output.", "language")) {
        const auto l = parse_language(*code);
        if (!l) {
            ctx.fail(out->get("language"), "output.language", "'" + *code + "' is not zh or en");
        }
        cfg.language = *l;
    }
}

namespace {

/// Moves every key of `over` onto `base`: a table given where `base` has a table merges into it
/// key by key; anything else (a value, an array, an array of tables) replaces what `base` has.
/// The nodes are moved, not copied, so they keep their source lines for error messages.
void deep_merge(toml::table &base, toml::table &over) {
    for (auto &&[k, v] : over) {
        toml::node *b = base.get(k.str());
        if (b && b->is_table() && v.is_table()) {
            deep_merge(*b->as_table(), *v.as_table());
        } else {
            base.insert_or_assign(k, std::move(v));
        }
    }
}

/// `[scenarios.<name>]`: checks that each scenario is a table, takes the `[scenarios]` table off
/// `root` and, for a non-empty `name`, merges that scenario onto `root`.
void apply_scenario(const Ctx &ctx, toml::table &root, const std::string &name) {
    std::vector<std::string> names;
    toml::table *all = nullptr;
    if (toml::node *n = root.get("scenarios")) {
        if (!n->is_table()) {
            ctx.fail(n, "scenarios", "must be a table of scenarios ([scenarios.<name>])");
        }
        all = n->as_table();
        for (auto &&[k, v] : *all) {
            const std::string id(k.str());
            if (!v.is_table()) {
                ctx.fail(&v, "scenarios." + id,
                         "a scenario must be a table ([scenarios." + id + "])");
            }
            names.push_back(id);
        }
    }
    if (name.empty()) {
        root.erase("scenarios");
        return;
    }
    if (!all || !all->contains(name)) {
        std::string list;
        for (const auto &n : names) {
            list += (list.empty() ? "" : ", ") + n;
        }
        ctx.fail(all, "scenarios",
                 "no scenario '" + name + "' (--scenario); " +
                     (names.empty() ? std::string("the plan file defines none ([scenarios.<name>])")
                                    : "defined: " + list));
    }
    // Taken out of the tree first, so the merge cannot reach into [scenarios] itself.
    toml::table chosen = std::move(*all->get(name)->as_table());
    root.erase("scenarios");
    deep_merge(root, chosen);
}

} // namespace

PlanFile parse_plan(const std::string &text, const std::string &path, const std::string &scenario) {
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
    std::set<std::string> sections = {
        "plan",     "housing_types", "targets",    "scoring", "objective", "jobs_housing",
        "solver",   "inputs",        "indicators", "rules",   "demand",    "zone_groups",
        "policies", "network",       "replan",     "output",  "scenarios"};
    ctx.check_keys(root, "", sections);
    apply_scenario(ctx, root, scenario);
    // A scenario's own top-level keys are checked as the root's (a scenario has no scenarios).
    sections.erase("scenarios");
    ctx.check_keys(root, "", sections);

    PlanFile cfg;
    cfg.source_path = path;
    cfg.source_text = text;
    cfg.scenario = scenario;

    // The sections in this order: targets, scoring and rules name the housing types, and a
    // target's values the horizon.
    parse_plan_section(ctx, ctx.table(root, "", "plan"), cfg);
    parse_housing_types(ctx, ctx.table(root, "", "housing_types"), cfg);
    parse_targets(ctx, root.get("targets"), cfg);
    if (const auto *sc = ctx.table(root, "", "scoring")) {
        parse_scoring(ctx, *sc, cfg);
    }
    if (const auto *ob = ctx.table(root, "", "objective")) {
        parse_objective(ctx, *ob, cfg.objective);
    }
    if (const auto *jh = ctx.table(root, "", "jobs_housing")) {
        parse_jobs_housing(ctx, *jh, cfg.jobs_housing);
    }
    if (const auto *so = ctx.table(root, "", "solver")) {
        parse_solver(ctx, *so, cfg.solver);
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
    if (const auto *nw = ctx.table(root, "", "network")) {
        parse_network(ctx, *nw, cfg.network);
    }
    if (const auto *de = ctx.table(root, "", "demand")) {
        parse_demand(ctx, *de, cfg);
    }
    if (const auto *zg = ctx.table(root, "", "zone_groups")) {
        parse_zone_groups(ctx, *zg, cfg);
    }
    if (const auto *re = ctx.table(root, "", "replan")) {
        parse_replan(ctx, *re, cfg.replan);
    }
    if (const toml::node *po = root.get("policies")) {
        parse_policies(ctx, *po, cfg);
    }
    parse_output(ctx, ctx.table(root, "", "output"), cfg);
    cfg.indicators.ratio_min = cfg.jobs_housing.ratio_min;
    cfg.indicators.ratio_max = cfg.jobs_housing.ratio_max;
    return cfg;
}

PlanFile load_plan(const std::string &path, const std::string &scenario) {
    // A plan file is a regular file of at most k_max_plan_file_bytes: /dev/zero or a FIFO would
    // never end or block.
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st)) {
        throw PlanFileError(path + ": cannot read the plan file (" +
                            (ec ? ec.message() : std::string("it does not exist")) + ")");
    }
    if (!std::filesystem::is_regular_file(st)) {
        throw PlanFileError(path + ": the plan file is not a regular file (a directory, pipe or "
                                   "device); give a TOML file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw PlanFileError(path + ": cannot read the plan file (permission denied?)");
    }
    std::string text(k_max_plan_file_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_plan_file_bytes) {
        throw PlanFileError(path + ": the plan file is larger than 10 MB; a plan file holds "
                                   "targets and rules, not data (give layers as inputs)");
    }
    return parse_plan(text, path, scenario);
}

} // namespace landalloc
