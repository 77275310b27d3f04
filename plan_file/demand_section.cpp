// Parsing [demand] (allocation/demand.hpp; the keys are in docs/plan-file.md, "[demand]").

#include "allocation/config.hpp"
#include "allocation/demand.hpp"
#include "plan_file/toml_ctx.hpp"

#include <optional>

namespace landalloc {

using detail::Ctx;

namespace {

// Largest figures accepted: far above any city (a population of 10^10, 10^13 m^2 of stock).
constexpr double k_max_people = 1e10;
constexpr double k_max_m2 = k_max_quantity;

} // namespace

void parse_demand(const Ctx &ctx, const toml::table &t, PlanConfig &cfg) {
    const std::string p = "demand.";
    ctx.check_keys(t, p,
                   {"population", "per_capita_m2", "existing_stock_m2", "replacement_m2",
                    "inflow_tilt", "by_zone", "zones", "talent"});
    DemandConfig D;
    D.present = true;
    D.line = static_cast<int>(t.source().begin.line);
    D.population = ctx.optional_number(t, p, "population", 0, k_max_people);
    D.per_capita_m2 = ctx.optional_number(t, p, "per_capita_m2", 1, 1000);
    D.existing_stock_m2 = ctx.optional_number(t, p, "existing_stock_m2", 0, k_max_m2);
    D.replacement_m2 = ctx.optional_number(t, p, "replacement_m2", 0, k_max_m2);
    D.inflow_tilt = ctx.number(t, p, "inflow_tilt", D.inflow_tilt, 0, 100);
    D.by_zone = ctx.boolean(t, p, "by_zone", D.by_zone);

    if (const auto *zs = ctx.table(t, p, "zones")) {
        if (!D.by_zone && !zs->empty()) {
            ctx.fail(t.get("by_zone"), p + "by_zone",
                     "by_zone = false (city-wide demand) contradicts [demand.zones]");
        }
        for (auto &&[k, v] : *zs) {
            const std::string id(k.str());
            const std::string zp = p + "zones." + id + ".";
            if (!v.is_table()) {
                ctx.fail(&v, p + "zones." + id,
                         "must be a table (population, per_capita_m2, existing_stock_m2, "
                         "replacement_m2, net_inflow)");
            }
            const auto &zt = *v.as_table();
            ctx.check_keys(zt, zp,
                           {"population", "per_capita_m2", "existing_stock_m2", "replacement_m2",
                            "net_inflow"});
            ZoneDemand z;
            z.line = static_cast<int>(zt.source().begin.line);
            z.population = ctx.optional_number(zt, zp, "population", 0, k_max_people);
            z.per_capita_m2 = ctx.optional_number(zt, zp, "per_capita_m2", 1, 1000);
            z.existing_stock_m2 = ctx.optional_number(zt, zp, "existing_stock_m2", 0, k_max_m2);
            z.replacement_m2 = ctx.optional_number(zt, zp, "replacement_m2", 0, k_max_m2);
            z.net_inflow =
                ctx.number(zt, zp, "net_inflow", z.net_inflow, -k_max_people, k_max_people);
            D.zones[id] = std::move(z);
        }
    }

    if (const toml::node *ta = t.get("talent")) {
        if (!ta->is_array_of_tables()) {
            ctx.fail(ta, p + "talent", "must be an array of tables ([[demand.talent]])");
        }
        std::size_t i = 0;
        for (auto &&node : *ta->as_array()) {
            const auto &tt = *node.as_table();
            const std::string tp = p + "talent[" + std::to_string(i++) + "].";
            ctx.check_keys(tt, tp, {"zones", "talents_per_year", "area_per_talent_m2"});
            TalentDemand d;
            d.line = static_cast<int>(tt.source().begin.line);
            d.zones = ctx.strings(tt, tp, "zones");
            if (!tt.get("talents_per_year")) {
                ctx.fail(&node, tp + "talents_per_year", "is required (expected talents a year)");
            }
            d.talents_per_year =
                ctx.number(tt, tp, "talents_per_year", d.talents_per_year, 0, k_max_people);
            d.area_per_talent_m2 =
                ctx.number(tt, tp, "area_per_talent_m2", d.area_per_talent_m2, 1, 1000);
            D.talent.push_back(std::move(d));
        }
    }
    cfg.demand = std::move(D);
}

} // namespace landalloc
