// Parsing [[targets]] (allocation/config.hpp's Target; the keys are in docs/plan-file.md).

#include "plan_file/sections.hpp"

#include "core/errors.hpp"

#include <cmath>
#include <optional>
#include <set>

namespace landalloc {

using detail::Ctx;

namespace {

/// `type` (one housing type) or `types` (a group target), each a defined housing type.
void read_types(const Ctx &ctx, const toml::node &node, const std::string &prefix,
                const PlanConfig &cfg, Target &tg) {
    const auto &t = *node.as_table();
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
        tg.type = ctx.text(t, prefix, "type", tg.type);
        if (cfg.type_index(tg.type) < 0) {
            ctx.fail(t.get("type") ? t.get("type") : &node, prefix + "type",
                     "'" + tg.type + "' is not a housing type defined in [housing_types]");
        }
    }
}

/// `values` (one per year) or `total` (split evenly); neither for a demand target.
void read_values(const Ctx &ctx, const toml::node &node, const std::string &prefix,
                 const PlanConfig &cfg, Target &tg) {
    const auto &t = *node.as_table();
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
            if (!d || *d < 0 || !std::isfinite(*d) || *d > k_max_quantity) {
                ctx.fail(&x, prefix + "values",
                         "each value must be a number from 0 to 1e12 (not a typo of a power of "
                         "ten)");
            }
            tg.values.push_back(*d);
        }
        if (static_cast<int>(tg.values.size()) != cfg.years()) {
            ctx.fail(values, prefix + "values",
                     "has " + std::to_string(tg.values.size()) + " values but the " + "horizon " +
                         std::to_string(cfg.first_year) + "-" + std::to_string(cfg.last_year) +
                         " has " + std::to_string(cfg.years()) + " years");
        }
    } else if (total) {
        const double tot = *ctx.optional_number(t, prefix, "total", 0, k_max_quantity);
        tg.values.assign(static_cast<std::size_t>(cfg.years()), tot / cfg.years());
    } else {
        tg.values.assign(static_cast<std::size_t>(cfg.years()), 0.0);
    }
}

} // namespace

/// `[[targets]]`: one target per housing type (or group of types) and zone set.
void parse_targets(const Ctx &ctx, const toml::node *targets, PlanConfig &cfg) {
    if (targets && !targets->is_array_of_tables()) {
        ctx.fail(targets, "targets", "must be an array of tables ([[targets]])");
    }
    if (!targets) {
        return;
    }
    std::set<std::string> seen;
    std::size_t i = 0;
    for (auto &&node : *targets->as_array()) {
        const auto &t = *node.as_table();
        const std::string prefix = "targets[" + std::to_string(i++) + "].";
        ctx.check_keys(t, prefix,
                       {"type", "types", "unit", "values", "total", "tolerance", "lower_tolerance",
                        "binding", "at_least", "zones", "displaced_from", "demand"});
        Target tg;
        tg.line = static_cast<int>(t.source().begin.line);
        read_types(ctx, node, prefix, cfg, tg);
        tg.zones = ctx.strings(t, prefix, "zones");
        tg.displaced_from = ctx.text(t, prefix, "displaced_from", tg.displaced_from);
        const std::string unit = ctx.text(t, prefix, "unit", quantity_unit(tg.unit));
        if (const std::optional<Quantity> q = parse_quantity(unit)) {
            tg.unit = *q;
        } else {
            ctx.fail(t.get("unit"), prefix + "unit",
                     "unit must be \"ha\", \"m2\" or \"units\", not \"" + unit + "\"");
        }
        // A single-type target is where its type's columns come from, so two in the same zones
        // would split the type's supply between them. A group target only counts its types'
        // supply (side rows), so groups of the same types may stand side by side in different
        // units: residential land (ha) beside floor area (m2), Lianyungang L576-606.
        std::string key = tg.type + "|" + tg.displaced_from;
        if (!tg.types.empty()) {
            key += std::string("|") + quantity_unit(tg.unit);
        }
        for (const auto &z : tg.zones) {
            key += "|" + z;
        }
        if (!seen.insert(key).second) {
            ctx.fail(t.get(tg.types.empty() ? "type" : "types"),
                     prefix + (tg.types.empty() ? "type" : "types"),
                     "a second target for '" + tg.type + "' in the same zones" +
                         (tg.types.empty() ? "" : " and unit") +
                         "; give one per type and zone set");
        }
        tg.tolerance = ctx.number(t, prefix, "tolerance", tg.tolerance, 0.0, 1.0);
        tg.binding = ctx.boolean(t, prefix, "binding", tg.binding);
        tg.at_least = ctx.boolean(t, prefix, "at_least", tg.at_least);
        tg.lower_tolerance = ctx.number(t, prefix, "lower_tolerance", tg.lower_tolerance, 0.0, 1.0);
        if (tg.lower_tolerance > 0 && (tg.binding || tg.at_least)) {
            ctx.fail(t.get("lower_tolerance"), prefix + "lower_tolerance",
                     std::string("a ") + (tg.binding ? "binding" : "\"at least\"") +
                         " figure is met only at or above it; lower_tolerance is for an "
                         "indicative \"about\" figure (binding = false, at_least = false)");
        }
        tg.demand = ctx.text(t, prefix, "demand", tg.demand);
        if (!tg.demand.empty() && tg.demand != "housing" && tg.demand != "talent") {
            ctx.fail(t.get("demand"), prefix + "demand",
                     "'" + tg.demand + "' is not a demand; use housing or talent");
        }
        if (!tg.demand.empty() && tg.unit == Quantity::land_ha) {
            ctx.fail(t.get("demand"), prefix + "demand",
                     "demand gives floor area; use unit = \"m2\" or \"units\"");
        }
        read_values(ctx, node, prefix, cfg, tg);
        cfg.targets.push_back(std::move(tg));
    }
}

} // namespace landalloc
