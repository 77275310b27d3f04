// Parsing [zone_groups] and [[policies]] (allocation/rules.hpp's ZoneGroup and Policy; the keys
// are in docs/plan-file.md). Zone ids are checked against the zones layer when the model is built.

#include "plan_file/sections.hpp"

#include <array>
#include <optional>
#include <utility>

namespace landalloc {

using detail::Ctx;

namespace {

std::optional<Quantity> parse_measure(const std::string &text) {
    if (text == "land") {
        return Quantity::land_ha;
    }
    if (text == "floor") {
        return Quantity::floor_m2;
    }
    if (text == "units") {
        return Quantity::units;
    }
    return std::nullopt;
}

} // namespace

Quantity read_measure(const Ctx &ctx, const toml::table &t, const std::string &prefix,
                      Quantity def) {
    const auto text = ctx.optional_text(t, prefix, "measure");
    if (!text) {
        return def;
    }
    const auto q = parse_measure(*text);
    if (!q) {
        ctx.fail(t.get("measure"), prefix + "measure",
                 "'" + *text +
                     "' is not a measure; use \"land\" (ha), \"floor\" (m2) or \"units\"");
    }
    return *q;
}

bool read_per_year(const Ctx &ctx, const toml::table &t, const std::string &prefix, bool def) {
    const auto text = ctx.optional_text(t, prefix, "period");
    if (!text) {
        return def;
    }
    if (*text != "year" && *text != "horizon") {
        ctx.fail(t.get("period"), prefix + "period",
                 "'" + *text +
                     "' is not a period; use \"horizon\" (one row) or \"year\" (one a year)");
    }
    return *text == "year";
}

void parse_zone_groups(const Ctx &ctx, const toml::table &t, PlanConfig &cfg) {
    for (auto &&[k, v] : t) {
        const std::string name(k.str());
        ZoneGroup g;
        g.zones = ctx.strings(t, "zone_groups.", name);
        g.line = static_cast<int>(v.source().begin.line);
        if (g.zones.empty()) {
            ctx.fail(&v, "zone_groups." + name, "list the zone ids of the group");
        }
        cfg.zone_groups[name] = std::move(g);
    }
}

void parse_policies(const Ctx &ctx, const toml::node &policies, PlanConfig &cfg) {
    if (!policies.is_array_of_tables()) {
        ctx.fail(&policies, "policies", "must be an array of tables ([[policies]])");
    }
    std::size_t i = 0;
    for (auto &&node : *policies.as_array()) {
        const auto &t = *node.as_table();
        const std::string p = "policies[" + std::to_string(i++) + "].";
        ctx.check_keys(t, p,
                       {"name", "zones", "zone_classes", "zone_group", "types", "measure",
                        "min_share", "max_share", "min", "max", "period", "binding"});
        Policy pol;
        pol.line = static_cast<int>(node.source().begin.line);
        pol.name = ctx.text(t, p, "name", "");
        if (pol.name.empty()) {
            ctx.fail(t.get("name") ? t.get("name") : &node, p + "name",
                     "a policy needs a name (its label in the rule checks)");
        }
        pol.zones = ctx.strings(t, p, "zones");
        pol.zone_classes = ctx.strings(t, p, "zone_classes");
        pol.zone_group = ctx.text(t, p, "zone_group", "");
        if (t.get("zone_group") && !cfg.zone_groups.contains(pol.zone_group)) {
            ctx.fail(t.get("zone_group"), p + "zone_group",
                     "'" + pol.zone_group + "' is not a group of [zone_groups]");
        }
        if (pol.zones.empty() && pol.zone_classes.empty() && pol.zone_group.empty()) {
            ctx.fail(&node, p + "zones",
                     "say which zones the policy counts: zones, zone_classes or zone_group");
        }
        pol.types = ctx.strings(t, p, "types");
        for (const auto &id : pol.types) {
            if (cfg.type_index(id) < 0) {
                ctx.fail(t.get("types"), p + "types",
                         "'" + id + "' is not a housing type defined in [housing_types]");
            }
        }
        pol.measure = read_measure(ctx, t, p, pol.measure);
        const std::array<std::pair<const char *, Policy::Kind>, 4> kinds = {
            std::pair{"min_share", Policy::Kind::min_share},
            std::pair{"max_share", Policy::Kind::max_share}, std::pair{"min", Policy::Kind::min},
            std::pair{"max", Policy::Kind::max}};
        const char *given = nullptr;
        for (const auto &[key, kind] : kinds) {
            if (!t.get(key)) {
                continue;
            }
            if (given) {
                ctx.fail(t.get(key), p + key,
                         std::string("give exactly one of min_share, max_share, min, max (") +
                             given + " is given too)");
            }
            given = key;
            pol.kind = kind;
            const bool share = kind == Policy::Kind::min_share || kind == Policy::Kind::max_share;
            pol.value = *ctx.optional_number(t, p, key, 0, share ? 1 : k_max_quantity);
        }
        if (!given) {
            ctx.fail(&node, p + "max_share",
                     "give one of min_share, max_share (shares in [0, 1]), min, max (amounts)");
        }
        pol.per_year = read_per_year(ctx, t, p, pol.per_year);
        pol.binding = ctx.boolean(t, p, "binding", pol.binding);
        cfg.policies.push_back(std::move(pol));
    }
}

} // namespace landalloc
