#include "allocation/problem.hpp"

#include "core/units.hpp"

#include <algorithm>
#include <cmath>

namespace landalloc {

namespace {

/// Each ineligibility's rejection code and its sentence in English and Chinese, in the order of
/// the enumeration.
struct EligibilityText {
    Eligibility e;
    const char *code;
    const char *reason;
    const char *reason_zh;
};

constexpr EligibilityText k_eligibility_texts[] = {
    {Eligibility::ok, "eligible", "eligible", "可供"},
    {Eligibility::excluded, "excluded", "excluded by constraint", "受限制要素排除"},
    {Eligibility::type_not_allowed, "type_not_allowed", "housing type not allowed on the parcel",
     "地块不允许该住房类型"},
    {Eligibility::far_too_low, "far_too_low", "plot-ratio cap below the type's minimum",
     "容积率上限低于该类型的最低容积率"},
    {Eligibility::outside_zones, "outside_zones", "outside every zone", "不在任何片区内"},
    {Eligibility::destock_stop, "destock_stop",
     "destocking: the zone's inventory months stop new supply",
     "去库存：片区去化周期过长，暂停新增供应"},
    {Eligibility::ar_siting, "ar_siting",
     "AR siting: too far from every station and industrial park",
     "保障性租赁住房选址：距所有站点和产业园区过远"},
    {Eligibility::zone_class, "zone_class", "the zone's class does not permit the type",
     "片区类型不允许该住房类型"},
    {Eligibility::commute_limit, "commute_limit",
     "commute limit: farther than the limit's minutes from every job centre",
     "通勤限制：到所有就业中心的时间超过限值"},
};

const EligibilityText *eligibility_text(Eligibility e) {
    for (const EligibilityText &t : k_eligibility_texts) {
        if (t.e == e) {
            return &t;
        }
    }
    return nullptr;
}

} // namespace

const char *eligibility_reason(Eligibility e, Language l) {
    const EligibilityText *t = eligibility_text(e);
    return t ? tr(l, t->reason, t->reason_zh) : "?";
}

int tod_band(const TodRule &rule, const City &city, const Parcel &p) {
    if (p.nearest_station < 0 ||
        static_cast<std::size_t>(p.nearest_station) >= city.stations.size()) {
        return -1;
    }
    const Station &st = city.stations[static_cast<std::size_t>(p.nearest_station)];
    if (std::find(rule.modes.begin(), rule.modes.end(), st.mode) == rule.modes.end()) {
        return -1;
    }
    for (std::size_t k = 0; k < rule.radii_m.size(); ++k) {
        if (p.station_distance_m <= rule.radii_m[k]) {
            return static_cast<int>(k);
        }
    }
    return -1;
}

std::size_t land_source_rank(const ArSitingRule &rule, const std::string &source) {
    const auto it =
        std::find(rule.land_source_priority.begin(), rule.land_source_priority.end(), source);
    return static_cast<std::size_t>(it - rule.land_source_priority.begin());
}

bool bundling_applies(const BundlingRule &rule, const City &city, const Parcel &p, std::string *why,
                      Language l) {
    auto say = [&](const std::string &w) {
        if (why) {
            *why = w;
        }
        return true;
    };
    if (rule.all_sites) {
        return say(tr(l, "every site", "所有地块"));
    }
    if (p.area_m2 >= m2_from_ha(rule.min_site_ha)) {
        const std::string ha = std::to_string(static_cast<int>(rule.min_site_ha));
        return say(l == Language::zh ? "用地不小于 " + ha + " 公顷"
                                     : "site of at least " + ha + " ha");
    }
    if (p.zone >= 0) {
        const auto &cls = city.zones[static_cast<std::size_t>(p.zone)].zone_class;
        if (std::find(rule.zone_classes.begin(), rule.zone_classes.end(), cls) !=
            rule.zone_classes.end()) {
            return say(l == Language::zh ? "位于" + code_label(CodeList::zone_class, cls, l)
                                         : "in a " + cls + " zone");
        }
    }
    if (rule.near_station_m > 0 && p.station_distance_m <= rule.near_station_m) {
        const std::string m = std::to_string(static_cast<int>(rule.near_station_m));
        return say(l == Language::zh ? "距站点 " + m + " 米以内"
                                     : "within " + m + " m of a station");
    }
    if (rule.in_park && p.in_park) {
        return say(tr(l, "inside an industrial park", "位于产业园区内"));
    }
    return false;
}

bool resettlement_near(const ResettlementRule &rule, const City &city, const Parcel &p, int zone) {
    if (p.zone == zone) {
        return true;
    }
    if (p.zone < 0 || zone < 0 || city.zone_neighbours.empty()) {
        return false;
    }
    const auto &nb = city.zone_neighbours[static_cast<std::size_t>(zone)];
    if (!std::binary_search(nb.begin(), nb.end(), p.zone)) {
        return false;
    }
    if (rule.max_distance_m <= 0) {
        return true;
    }
    const Zone &z = city.zones[static_cast<std::size_t>(zone)];
    return std::hypot(p.x - z.x, p.y - z.y) <= rule.max_distance_m;
}

double destock_factor(const PlanConfig &plan, const Zone &zone, const std::string &type) {
    const auto &rule = plan.rules.destocking;
    if (!rule || std::find(rule->types.begin(), rule->types.end(), type) == rule->types.end()) {
        return 1.0;
    }
    return destock_multiplier(*rule, zone.destock_months);
}

bool beyond_commute_limit(const RulesConfig &rules, const Parcel &p, const std::string &type) {
    const auto &r = rules.commute_limit;
    return r && r->binding && std::find(r->types.begin(), r->types.end(), type) != r->types.end() &&
           p.commute_min > r->minutes;
}

const char *eligibility_code(Eligibility e) {
    const EligibilityText *t = eligibility_text(e);
    return t ? t->code : "?";
}

void AllocationProblem::release_figures() {
    std::vector<Eligibility>().swap(eligibility);
    for (std::vector<double> *v : {&far, &far_base, &tod_factor, &score, &factor}) {
        std::vector<double>().swap(*v);
    }
    std::vector<int>().swap(tod_opens);
}

ScoreTerms score_terms(const City &city, const PlanConfig &plan, const Parcel &p,
                       const HousingType &type) {
    const ScoringConfig &sc = plan.scoring;
    const double transit = std::exp(-p.station_distance_m / sc.station_decay_m);
    const double jobs = std::exp(-p.park_distance_m / sc.park_decay_m);
    double zone_value = sc.unknown_zone_class;
    if (p.zone >= 0) {
        const auto &cls = city.zones[static_cast<std::size_t>(p.zone)].zone_class;
        if (auto it = sc.zone_class.find(cls); it != sc.zone_class.end()) {
            zone_value = it->second;
        }
    }
    TypeWeights w;
    if (auto it = sc.weights.find(type.id); it != sc.weights.end()) {
        w = it->second;
    }
    const double total = w.transit + w.jobs + w.zone_class;
    const double norm = total > 0 ? 1.0 / total : 0.0;
    return {norm * w.transit * transit, norm * w.jobs * jobs, norm * w.zone_class * zone_value};
}

AllocationProblem build_problem(const City &city, const PlanConfig &plan) {
    AllocationProblem pr;
    pr.city = &city;
    pr.plan = &plan;
    pr.n_parcels = city.parcels.size();
    pr.n_types = plan.types.size();
    const std::size_t n = pr.n_parcels * pr.n_types;
    pr.eligibility.assign(n, Eligibility::ok);
    pr.far.assign(n, 0.0);
    pr.score.assign(n, 0.0);
    pr.factor.assign(n, 1.0);
    pr.far_base.assign(n, 0.0);
    pr.tod_factor.assign(pr.n_parcels, 1.0);
    pr.tod_opens.assign(pr.n_parcels, 0);
    const RulesConfig &rules = plan.rules;

    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
        const Parcel &p = city.parcels[i];
        // Rule 6: near a high-capacity station the plot ratio and the value rise.
        const int tod = rules.tod ? tod_band(*rules.tod, city, p) : -1;
        const double far_bonus = tod >= 0 ? rules.tod->far_bonus[static_cast<std::size_t>(tod)] : 0;
        const double tod_factor =
            tod >= 0 ? 1.0 + rules.tod->value_bonus[static_cast<std::size_t>(tod)] : 1.0;
        pr.tod_factor[i] = tod_factor;
        pr.tod_opens[i] =
            tod >= 0 ? city.stations[static_cast<std::size_t>(p.nearest_station)].opening_year : 0;
        const Zone *zone = p.zone >= 0 ? &city.zones[static_cast<std::size_t>(p.zone)] : nullptr;
        const ZoneClassRule *zone_rule = nullptr;
        if (zone) {
            if (auto it = rules.zone_classes.find(zone->zone_class);
                it != rules.zone_classes.end()) {
                zone_rule = &it->second;
            }
        }
        for (std::size_t t = 0; t < pr.n_types; ++t) {
            const HousingType &ht = plan.types[t];
            const std::size_t k = pr.at(i, t);
            // A constraint's cap (old city, ...) is not raised by the TOD bonus.
            const double far = std::min(
                {p.far_cap * (1.0 + far_bonus), p.cap_far, ht.far_max * (1.0 + far_bonus)});
            pr.far[k] = far;
            pr.far_base[k] = std::min({p.far_cap, p.cap_far, ht.far_max});
            const bool ar = rules.ar_siting &&
                            std::find(rules.ar_siting->types.begin(), rules.ar_siting->types.end(),
                                      ht.id) != rules.ar_siting->types.end();
            const double destock = zone ? destock_factor(plan, *zone, ht.id) : 1.0;
            if (p.excluded_by != k_none) {
                pr.eligibility[k] = Eligibility::excluded;
            } else if (p.zone == k_none) {
                pr.eligibility[k] = Eligibility::outside_zones;
            } else if (!p.allows(ht.id)) {
                pr.eligibility[k] = Eligibility::type_not_allowed;
            } else if (far < ht.far_min) {
                pr.eligibility[k] = Eligibility::far_too_low;
            } else if (zone_rule && zone_rule->permits &&
                       std::find(zone_rule->permits->begin(), zone_rule->permits->end(), ht.id) ==
                           zone_rule->permits->end()) {
                pr.eligibility[k] = Eligibility::zone_class;
            } else if (destock <= 0) {
                pr.eligibility[k] = Eligibility::destock_stop;
            } else if (ar && !(p.station_distance_m <= rules.ar_siting->max_station_m ||
                               p.park_distance_m <= rules.ar_siting->max_park_m)) {
                pr.eligibility[k] = Eligibility::ar_siting;
            } else if (beyond_commute_limit(rules, p, ht.id)) {
                pr.eligibility[k] = Eligibility::commute_limit;
            }
            double factor = tod_factor * std::max(destock, 0.0);
            if (ar) {
                const auto &a = *rules.ar_siting;
                const std::size_t n_src = a.land_source_priority.size();
                const std::size_t rank = land_source_rank(a, p.land_source);
                if (n_src > 0 && rank + 1 < n_src) {
                    factor *= 1.0 + a.priority_step * static_cast<double>(n_src - 1 - rank);
                }
            }
            pr.factor[k] = factor;
            const ScoreTerms terms = score_terms(city, plan, p, ht);
            pr.score[k] = terms.transit + terms.jobs + terms.zone_class;
        }
    }
    return pr;
}

} // namespace landalloc
