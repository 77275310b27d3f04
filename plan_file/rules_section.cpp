// Parsing [rules] (allocation/rules.hpp; every key is in docs/plan-file.md).

#include "allocation/config.hpp"
#include "plan_file/sections.hpp"
#include "plan_file/toml_ctx.hpp"

#include <algorithm>

namespace landalloc {

using detail::Ctx;

namespace {

void check_types(const Ctx &ctx, const toml::table &t, const std::string &prefix,
                 const std::string &key, const std::vector<std::string> &types,
                 const PlanConfig &cfg) {
    for (const auto &id : types) {
        if (cfg.type_index(id) < 0) {
            ctx.fail(t.get(key), prefix + key,
                     "'" + id + "' is not a housing type defined in [housing_types]");
        }
    }
}

std::vector<std::string> types_or(const Ctx &ctx, const toml::table &t, const std::string &prefix,
                                  const std::string &key, std::vector<std::string> def,
                                  const PlanConfig &cfg) {
    if (t.get(key)) {
        def = ctx.strings(t, prefix, key);
    }
    // Defaults name the usual types; a plan without one of them simply has nothing to match.
    if (t.get(key)) {
        check_types(ctx, t, prefix, key, def, cfg);
    }
    return def;
}

bool ascending(const std::vector<double> &v) {
    return std::is_sorted(v.begin(), v.end()) && std::adjacent_find(v.begin(), v.end()) == v.end();
}

} // namespace

void parse_rules(const Ctx &ctx, const toml::table &root, PlanConfig &cfg) {
    ctx.check_keys(root, "rules.",
                   {"destocking", "rental_share", "ar_siting", "park_caps", "tod", "zone_classes",
                    "key_areas", "bundling", "resettlement", "commute_limit"});
    RulesConfig &R = cfg.rules;

    if (const auto *t = ctx.table(root, "rules.", "destocking")) {
        const std::string p = "rules.destocking.";
        ctx.check_keys(*t, p,
                       {"types", "thresholds_months", "multipliers", "unknown_multiplier", "bound",
                        "period", "binding", "measure"});
        DestockingRule d;
        d.types = types_or(ctx, *t, p, "types", d.types, cfg);
        if (t->get("thresholds_months")) {
            d.thresholds_months = ctx.numbers(*t, p, "thresholds_months", 0, 1200);
        }
        if (t->get("multipliers")) {
            d.multipliers = ctx.numbers(*t, p, "multipliers", 0, 10);
        }
        if (!ascending(d.thresholds_months)) {
            ctx.fail(t->get("thresholds_months"), p + "thresholds_months",
                     "must be strictly ascending (months)");
        }
        if (d.multipliers.size() != d.thresholds_months.size() + 1) {
            ctx.fail(
                t->get("multipliers") ? t->get("multipliers") : t, p + "multipliers",
                "needs one multiplier per band: " + std::to_string(d.thresholds_months.size() + 1) +
                    " for " + std::to_string(d.thresholds_months.size()) + " thresholds");
        }
        d.unknown_multiplier = ctx.number(*t, p, "unknown_multiplier", d.unknown_multiplier, 0, 10);
        d.bound = ctx.boolean(*t, p, "bound", d.bound);
        d.per_year = read_per_year(ctx, *t, p, d.per_year);
        d.binding = ctx.boolean(*t, p, "binding", d.binding);
        d.measure = read_measure(ctx, *t, p, d.measure);
        d.line = static_cast<int>(t->source().begin.line);
        R.destocking = d;
    }

    if (const auto *t = ctx.table(root, "rules.", "rental_share")) {
        const std::string p = "rules.rental_share.";
        ctx.check_keys(*t, p, {"share", "binding"});
        RentalShareRule r;
        r.share = ctx.number(*t, p, "share", r.share, 0, 1);
        r.binding = ctx.boolean(*t, p, "binding", r.binding);
        if (std::none_of(cfg.types.begin(), cfg.types.end(),
                         [](const HousingType &h) { return h.rental; })) {
            ctx.fail(t, "rules.rental_share",
                     "no housing type has rental = true, so no land can count as rental");
        }
        R.rental_share = r;
    }

    if (const auto *t = ctx.table(root, "rules.", "ar_siting")) {
        const std::string p = "rules.ar_siting.";
        ctx.check_keys(
            *t, p,
            {"types", "max_station_m", "max_park_m", "land_source_priority", "priority_step"});
        ArSitingRule a;
        a.types = types_or(ctx, *t, p, "types", a.types, cfg);
        a.max_station_m = ctx.number(*t, p, "max_station_m", a.max_station_m, 0, 1e6);
        a.max_park_m = ctx.number(*t, p, "max_park_m", a.max_park_m, 0, 1e6);
        if (t->get("land_source_priority")) {
            a.land_source_priority = ctx.strings(*t, p, "land_source_priority");
        }
        a.priority_step = ctx.number(*t, p, "priority_step", a.priority_step, 0, 10);
        R.ar_siting = a;
    }

    if (const auto *t = ctx.table(root, "rules.", "park_caps")) {
        const std::string p = "rules.park_caps.";
        ctx.check_keys(*t, p, {"park_far", "caps"});
        ParkCapsRule pc;
        pc.park_far = ctx.number(*t, p, "park_far", pc.park_far, 0.01, 20);
        const toml::node *caps = t->get("caps");
        if (caps && !caps->is_array_of_tables()) {
            ctx.fail(caps, p + "caps", "must be an array of tables ([[rules.park_caps.caps]])");
        }
        if (caps) {
            std::size_t i = 0;
            for (auto &&node : *caps->as_array()) {
                const auto &c = *node.as_table();
                const std::string cp = p + "caps[" + std::to_string(i++) + "].";
                ctx.check_keys(c, cp, {"name", "types", "land_share", "floor_share"});
                ParkCap cap;
                cap.name = ctx.text(c, cp, "name", "cap " + std::to_string(i));
                cap.types = types_or(ctx, c, cp, "types", cap.types, cfg);
                cap.land_share = ctx.number(c, cp, "land_share", cap.land_share, 0, 1);
                cap.floor_share = ctx.optional_number(c, cp, "floor_share", 0, 10);
                pc.caps.push_back(std::move(cap));
            }
        } else {
            // One cap of living/service land, all types, at ParkCap's default land share
            // (Wenzhou's 15 %, L241).
            ParkCap cap;
            cap.name = "living_service";
            pc.caps.push_back(std::move(cap));
        }
        R.park_caps = pc;
    }

    if (const auto *t = ctx.table(root, "rules.", "tod")) {
        const std::string p = "rules.tod.";
        ctx.check_keys(*t, p, {"modes", "radii_m", "far_bonus", "value_bonus"});
        TodRule d;
        if (t->get("modes")) {
            d.modes = ctx.strings(*t, p, "modes");
        }
        if (t->get("radii_m")) {
            d.radii_m = ctx.numbers(*t, p, "radii_m", 1, 1e5);
        }
        if (t->get("far_bonus")) {
            d.far_bonus = ctx.numbers(*t, p, "far_bonus", 0, 5);
        }
        if (t->get("value_bonus")) {
            d.value_bonus = ctx.numbers(*t, p, "value_bonus", 0, 10);
        }
        if (!ascending(d.radii_m)) {
            ctx.fail(t->get("radii_m"), p + "radii_m", "must be strictly ascending (metres)");
        }
        if (d.far_bonus.size() != d.radii_m.size()) {
            ctx.fail(t->get("far_bonus") ? t->get("far_bonus") : t, p + "far_bonus",
                     "needs one bonus per radius (" + std::to_string(d.radii_m.size()) + ")");
        }
        if (d.value_bonus.size() != d.radii_m.size()) {
            ctx.fail(t->get("value_bonus") ? t->get("value_bonus") : t, p + "value_bonus",
                     "needs one bonus per radius (" + std::to_string(d.radii_m.size()) + ")");
        }
        R.tod = d;
    }

    if (const auto *t = ctx.table(root, "rules.", "zone_classes")) {
        for (auto &&[k, v] : *t) {
            const std::string cls(k.str());
            const std::string p = "rules.zone_classes." + cls + ".";
            if (!v.is_table()) {
                ctx.fail(&v, "rules.zone_classes." + cls, "must be a table");
            }
            const auto &c = *v.as_table();
            ctx.check_keys(c, p, {"permits", "max_share"});
            ZoneClassRule z;
            if (c.get("permits")) {
                z.permits = types_or(ctx, c, p, "permits", {}, cfg);
            }
            if (const auto *ms = ctx.table(c, p, "max_share")) {
                for (auto &&[tk, tv] : *ms) {
                    const std::string id(tk.str());
                    if (cfg.type_index(id) < 0) {
                        ctx.fail(&tv, p + "max_share." + id, "not a housing type");
                    }
                    z.max_share[id] = *ctx.optional_number(*ms, p + "max_share.", id, 0, 1);
                }
            }
            R.zone_classes[cls] = std::move(z);
        }
    }

    if (const auto *t = ctx.table(root, "rules.", "key_areas")) {
        const std::string p = "rules.key_areas.";
        ctx.check_keys(*t, p, {"zones", "share", "binding"});
        KeyAreasRule k;
        k.zones = ctx.strings(*t, p, "zones");
        k.line = static_cast<int>(t->source().begin.line);
        if (k.zones.empty()) {
            ctx.fail(t, p + "zones", "list the zone ids of the key areas");
        }
        k.share = ctx.number(*t, p, "share", k.share, 0, 1);
        k.binding = ctx.boolean(*t, p, "binding", k.binding);
        R.key_areas = k;
    }

    if (const toml::node *b = root.get("bundling")) {
        if (!b->is_array_of_tables()) {
            ctx.fail(b, "rules.bundling", "must be an array of tables ([[rules.bundling]])");
        }
        std::size_t i = 0;
        for (auto &&node : *b->as_array()) {
            const auto &t = *node.as_table();
            const std::string p = "rules.bundling[" + std::to_string(i++) + "].";
            ctx.check_keys(t, p,
                           {"type", "hosts", "share", "all_sites", "min_site_ha", "zone_classes",
                            "near_station_m", "in_park"});
            BundlingRule r;
            r.type = ctx.text(t, p, "type", r.type);
            if (cfg.type_index(r.type) < 0) {
                ctx.fail(t.get("type") ? t.get("type") : &node, p + "type",
                         "'" + r.type + "' is not a housing type defined in [housing_types]");
            }
            r.hosts = types_or(ctx, t, p, "hosts", r.hosts, cfg);
            if (std::find(r.hosts.begin(), r.hosts.end(), r.type) != r.hosts.end()) {
                ctx.fail(t.get("hosts"), p + "hosts", "a type cannot host itself");
            }
            r.share = ctx.number(t, p, "share", r.share, 0, 0.9);
            r.all_sites = ctx.boolean(t, p, "all_sites", r.all_sites);
            r.min_site_ha = ctx.number(t, p, "min_site_ha", r.min_site_ha, 0, 1e6);
            if (t.get("zone_classes")) {
                r.zone_classes = ctx.strings(t, p, "zone_classes");
            }
            r.near_station_m = ctx.number(t, p, "near_station_m", r.near_station_m, 0, 1e5);
            r.in_park = ctx.boolean(t, p, "in_park", r.in_park);
            R.bundling.push_back(std::move(r));
        }
    }

    if (const auto *t = ctx.table(root, "rules.", "resettlement")) {
        const std::string p = "rules.resettlement.";
        ctx.check_keys(*t, p, {"types", "max_distance_m"});
        ResettlementRule r;
        r.types = types_or(ctx, *t, p, "types", r.types, cfg);
        r.max_distance_m = ctx.number(*t, p, "max_distance_m", r.max_distance_m, 0, 1e6);
        R.resettlement = r;
    }

    if (const auto *t = ctx.table(root, "rules.", "commute_limit")) {
        const std::string p = "rules.commute_limit.";
        ctx.check_keys(*t, p, {"minutes", "types", "binding", "zone_jobs_share", "straight_kmh"});
        CommuteLimitRule r;
        r.minutes = ctx.number(*t, p, "minutes", r.minutes, 1, 600);
        r.types = types_or(ctx, *t, p, "types", r.types, cfg);
        r.binding = ctx.boolean(*t, p, "binding", r.binding);
        r.zone_jobs_share = ctx.number(*t, p, "zone_jobs_share", r.zone_jobs_share, 0, 1);
        r.straight_kmh = ctx.number(*t, p, "straight_kmh", r.straight_kmh, 1, 200);
        r.line = static_cast<int>(t->source().begin.line);
        R.commute_limit = r;
    }
}

} // namespace landalloc
