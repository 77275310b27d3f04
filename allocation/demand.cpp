// The demand model (allocation/demand.hpp; the keys are in docs/plan-file.md, "[demand]").

#include "allocation/demand.hpp"

#include "allocation/config.hpp"
#include "allocation/rules.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace landalloc {

namespace {

std::string num(double v) {
    std::ostringstream os;
    os.precision(10);
    os << v;
    return os.str();
}

std::string joined(const std::vector<std::string> &v) {
    std::string s;
    for (const auto &x : v) {
        s += (s.empty() ? "" : ", ") + x;
    }
    return s;
}

int zone_index(const City &city, const std::string &id) {
    for (std::size_t i = 0; i < city.zones.size(); ++i) {
        if (city.zones[i].id == id) {
            return static_cast<int>(i);
        }
    }
    return k_none;
}

/// Shares what is left of a city-wide figure over the zones that do not give their own, in
/// proportion to `weight`. `given[i]` is the zone's own figure or nullopt.
void share_remainder(std::vector<double> &out, const std::vector<std::optional<double>> &given,
                     const std::vector<double> &weight, double city_total, const std::string &what,
                     const std::string &weight_name) {
    double own = 0;
    double w = 0;
    std::size_t others = 0;
    for (std::size_t i = 0; i < given.size(); ++i) {
        if (given[i]) {
            own += *given[i];
            out[i] = *given[i];
        } else {
            w += weight[i];
            ++others;
        }
    }
    const double rest = city_total - own;
    const double eps = 1e-9 * std::max(1.0, std::abs(city_total));
    if (rest < -eps) {
        throw DemandError("the [demand.zones] values of " + what + " add up to " + num(own) +
                          ", more than [demand] " + what + " = " + num(city_total));
    }
    if (others == 0 || w <= 0) {
        if (rest > eps) {
            throw DemandError(
                "[demand] " + what + " = " + num(city_total) + " leaves " + num(rest) +
                (others == 0 ? " beyond the [demand.zones] figures and no zone to share it over "
                               "(drop the city-wide figure or make them agree)"
                             : " to share over the zones without their own, but their " +
                                   weight_name + " in the zone layer is 0"));
        }
        for (std::size_t i = 0; i < given.size(); ++i) {
            if (!given[i]) {
                out[i] = 0;
            }
        }
        return;
    }
    for (std::size_t i = 0; i < given.size(); ++i) {
        if (!given[i]) {
            out[i] = rest * weight[i] / w;
        }
    }
}

/// The breakdown; throws DemandError.
std::vector<ZoneDemandResult> compute_by_zone(const PlanConfig &cfg, const City &city) {
    const DemandConfig &D = cfg.demand;
    if (!D.present) {
        throw DemandError("the plan has no [demand] table");
    }
    for (const auto &[id, zd] : D.zones) {
        if (zone_index(city, id) == k_none) {
            throw DemandError("[demand.zones." + id + "] (line " + std::to_string(zd.line) +
                              ") names no zone of the city");
        }
    }
    double layer_population = 0;
    for (const auto &z : city.zones) {
        layer_population += z.population;
    }
    const bool by_zone =
        D.by_zone && !city.zones.empty() && (!D.zones.empty() || layer_population > 0);

    if (!by_zone) {
        if (!D.population) {
            throw DemandError(
                D.by_zone ? "no population anywhere: [demand] has no population, [demand.zones] "
                            "lists no zone and the zone layer has no population"
                          : "no population anywhere: by_zone = false and [demand] has no "
                            "population");
        }
        if (!D.per_capita_m2) {
            throw DemandError("[demand] per_capita_m2 is required for housing demand");
        }
        if (!D.existing_stock_m2) {
            throw DemandError("[demand] existing_stock_m2 is required for city-wide demand");
        }
        ZoneDemandResult r;
        r.population = *D.population;
        r.population_source = "demand.population";
        r.per_capita_m2 = *D.per_capita_m2;
        r.existing_stock_m2 = *D.existing_stock_m2;
        r.replacement_m2 = D.replacement_m2.value_or(0.0);
        r.need_m2 = r.population * r.per_capita_m2 - r.existing_stock_m2 + r.replacement_m2;
        r.demand_unscaled_m2 = std::max(0.0, r.need_m2);
        r.demand_m2 = r.demand_unscaled_m2;
        return {r};
    }

    const std::size_t n = city.zones.size();
    std::vector<const ZoneDemand *> own(n, nullptr);
    for (std::size_t i = 0; i < n; ++i) {
        const auto it = D.zones.find(city.zones[i].id);
        if (it != D.zones.end()) {
            own[i] = &it->second;
        }
    }
    auto given = [&](std::optional<double> ZoneDemand::*m) {
        std::vector<std::optional<double>> g(n);
        for (std::size_t i = 0; i < n; ++i) {
            if (own[i]) {
                g[i] = own[i]->*m;
            }
        }
        return g;
    };

    std::vector<ZoneDemandResult> out(n);
    std::vector<double> population(n), stock(n), replacement(n), layer_pop(n), dwellings(n);
    for (std::size_t i = 0; i < n; ++i) {
        layer_pop[i] = city.zones[i].population;
        dwellings[i] = city.zones[i].dwellings;
    }

    const auto own_pop = given(&ZoneDemand::population);
    if (D.population) {
        share_remainder(population, own_pop, layer_pop, *D.population, "population", "population");
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            population[i] = own_pop[i] ? *own_pop[i] : layer_pop[i];
        }
    }

    const auto own_stock = given(&ZoneDemand::existing_stock_m2);
    if (D.existing_stock_m2) {
        share_remainder(stock, own_stock, dwellings, *D.existing_stock_m2, "existing_stock_m2",
                        "dwellings");
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            if (!own_stock[i]) {
                throw DemandError("no existing stock for zone '" + city.zones[i].id +
                                  "': give [demand] existing_stock_m2 (shared by the zones' "
                                  "dwellings) or [demand.zones." +
                                  city.zones[i].id + "] existing_stock_m2");
            }
            stock[i] = *own_stock[i];
        }
    }
    const auto own_replacement = given(&ZoneDemand::replacement_m2);
    if (D.replacement_m2) {
        share_remainder(replacement, own_replacement, stock, *D.replacement_m2, "replacement_m2",
                        "existing stock");
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            replacement[i] = own_replacement[i].value_or(0.0);
        }
    }

    const std::optional<DestockingRule> &rule = cfg.rules.destocking;
    for (std::size_t i = 0; i < n; ++i) {
        const Zone &z = city.zones[i];
        ZoneDemandResult &r = out[i];
        r.zone_id = z.id;
        r.zone = static_cast<int>(i);
        r.population = population[i];
        if (own_pop[i]) {
            r.population_source = "demand.zones";
        } else if (D.population) {
            r.population_source = "demand.population (shared)";
        } else {
            r.population_source = "zone layer";
        }
        const auto pc = own[i] && own[i]->per_capita_m2 ? own[i]->per_capita_m2 : D.per_capita_m2;
        if (!pc) {
            throw DemandError("[demand] per_capita_m2 is required for housing demand");
        }
        r.per_capita_m2 = *pc;
        r.existing_stock_m2 = stock[i];
        r.replacement_m2 = replacement[i];
        r.net_inflow = own[i] ? own[i]->net_inflow : 0.0;
        r.inflow_factor =
            r.population > 0 ? 1.0 + D.inflow_tilt * r.net_inflow / r.population : 1.0;
        r.destock_months = z.destock_months;
        r.destock_multiplier = rule ? destock_multiplier(*rule, z.destock_months) : 1.0;
        r.need_m2 = r.population * r.per_capita_m2 - r.existing_stock_m2 + r.replacement_m2;
        r.demand_unscaled_m2 = std::max(0.0, r.need_m2 * r.inflow_factor);
        r.demand_m2 = std::max(0.0, r.need_m2 * r.inflow_factor * r.destock_multiplier);
    }
    return out;
}

std::string target_key(std::size_t i) { return "targets[" + std::to_string(i) + "].demand"; }

[[noreturn]] void target_fail(const PlanConfig &cfg, std::size_t i, const std::string &what) {
    const Target &tg = cfg.targets[i];
    throw PlanFileError(cfg.where(tg.line) + ": key '" + target_key(i) + "': cannot compute " +
                        tg.demand + " demand for '" + tg.type + "': " + what);
}

} // namespace

std::vector<ZoneDemandResult> demand_by_zone(const PlanConfig &cfg, const City &city) {
    try {
        return compute_by_zone(cfg, city);
    } catch (const DemandError &e) {
        throw PlanFileError(cfg.where(cfg.demand.line) + ": key 'demand': " + e.what());
    }
}

double housing_demand_m2(const PlanConfig &cfg, const std::vector<ZoneDemandResult> &by_zone,
                         const std::string &type, const std::vector<std::string> &zones) {
    const auto &rule = cfg.rules.destocking;
    const bool destock =
        rule && std::find(rule->types.begin(), rule->types.end(), type) != rule->types.end();
    auto value = [&](const ZoneDemandResult &r) {
        return destock ? r.demand_m2 : r.demand_unscaled_m2;
    };
    const bool city_wide = by_zone.size() == 1 && by_zone[0].zone_id.empty();
    if (zones.empty()) {
        double sum = 0;
        for (const auto &r : by_zone) {
            sum += value(r);
        }
        return sum;
    }
    if (city_wide) {
        throw DemandError(
            "demand is city-wide (no [demand.zones] and no population in the zone layer, or "
            "by_zone = false), so it cannot be given for zones " +
            joined(zones));
    }
    double sum = 0;
    std::set<std::string> seen;
    for (const auto &id : zones) {
        if (!seen.insert(id).second) {
            continue;
        }
        const auto it = std::find_if(by_zone.begin(), by_zone.end(),
                                     [&](const ZoneDemandResult &r) { return r.zone_id == id; });
        if (it == by_zone.end()) {
            throw DemandError("zone '" + id + "' is not a zone of the city");
        }
        sum += value(*it);
    }
    return sum;
}

bool talent_matches(const TalentDemand &entry, const std::vector<std::string> &target_zones) {
    if (target_zones.empty()) {
        return true;
    }
    if (entry.zones.empty()) {
        return false;
    }
    std::size_t inside = 0;
    for (const auto &z : entry.zones) {
        if (std::find(target_zones.begin(), target_zones.end(), z) != target_zones.end()) {
            ++inside;
        }
    }
    if (inside != 0 && inside != entry.zones.size()) {
        throw DemandError("[[demand.talent]] at line " + std::to_string(entry.line) +
                          " has zones (" + joined(entry.zones) +
                          ") both inside and outside the target's zones (" + joined(target_zones) +
                          "); split the entry");
    }
    return inside != 0;
}

double talent_demand_m2(const DemandConfig &demand, const std::vector<std::string> &target_zones) {
    if (demand.talent.empty()) {
        throw DemandError("[demand] has no [[demand.talent]] entries");
    }
    double sum = 0;
    bool any = false;
    for (const auto &e : demand.talent) {
        if (talent_matches(e, target_zones)) {
            sum += e.talents_per_year * e.area_per_talent_m2;
            any = true;
        }
    }
    if (!any) {
        throw DemandError("no [[demand.talent]] entry lies in zones " + joined(target_zones) +
                          " (entries without zones count only for targets without "
                          "zones)");
    }
    return sum;
}

void apply_demand(PlanConfig &cfg, const City &city) {
    std::optional<std::vector<ZoneDemandResult>> breakdown;
    for (std::size_t i = 0; i < cfg.targets.size(); ++i) {
        Target &tg = cfg.targets[i];
        if (tg.demand.empty()) {
            continue;
        }
        if (!cfg.demand.present) {
            target_fail(cfg, i, "the plan has no [demand] table");
        }
        // A district in the target's zones stands for its zones (as in zone_mask).
        std::vector<std::string> zones;
        for (const auto &z : tg.zones) {
            if (zone_index(city, z) != k_none) {
                zones.push_back(z);
                continue;
            }
            const std::size_t before = zones.size();
            for (const Zone &zone : city.zones) {
                if (zone.district == z) {
                    zones.push_back(zone.id);
                }
            }
            if (zones.size() == before) {
                target_fail(cfg, i,
                            "'" + z +
                                "' in its zones is neither a zone nor a district of the city");
            }
        }
        const int ti = cfg.type_index(tg.type);
        if (ti < 0) {
            target_fail(cfg, i, "'" + tg.type + "' is not a housing type");
        }
        const HousingType &type = cfg.types[static_cast<std::size_t>(ti)];
        double per_year_m2 = 0;
        try {
            if (tg.demand == "housing") {
                if (!breakdown) {
                    breakdown = compute_by_zone(cfg, city);
                }
                // The horizon's total, split evenly over its years.
                per_year_m2 = housing_demand_m2(cfg, *breakdown, tg.type, zones) / cfg.years();
            } else if (tg.demand == "talent") {
                for (const auto &e : cfg.demand.talent) {
                    for (const auto &z : e.zones) {
                        if (zone_index(city, z) == k_none) {
                            throw DemandError("zone '" + z + "' of [[demand.talent]] at line " +
                                              std::to_string(e.line) +
                                              " is not a zone of the city");
                        }
                    }
                }
                per_year_m2 = talent_demand_m2(cfg.demand, zones);
            } else {
                throw DemandError("'" + tg.demand + "' is not a demand; use housing or talent");
            }
        } catch (const DemandError &e) {
            target_fail(cfg, i, e.what());
        }
        double value = 0;
        switch (tg.unit) {
        case Quantity::floor_m2:
            value = per_year_m2;
            break;
        case Quantity::units:
            value = units_from_floor(per_year_m2, type);
            break;
        case Quantity::land_ha:
            target_fail(cfg, i, "demand gives floor area; use unit = \"m2\" or \"units\"");
        }
        tg.values.assign(static_cast<std::size_t>(cfg.years()), value);
        tg.demand_applied = true;
    }
}

bool demand_pending(const PlanConfig &cfg) {
    return std::any_of(cfg.targets.begin(), cfg.targets.end(),
                       [](const Target &t) { return !t.demand.empty() && !t.demand_applied; });
}

} // namespace landalloc
