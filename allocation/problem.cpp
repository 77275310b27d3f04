#include "allocation/problem.hpp"

#include <algorithm>
#include <cmath>

namespace landalloc {

const char *eligibility_reason(Eligibility e) {
    switch (e) {
    case Eligibility::ok:
        return "eligible";
    case Eligibility::excluded:
        return "excluded by constraint";
    case Eligibility::type_not_allowed:
        return "housing type not allowed on the parcel";
    case Eligibility::far_too_low:
        return "plot-ratio cap below the type's minimum";
    case Eligibility::outside_zones:
        return "outside every zone";
    }
    return "?";
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
    pr.parts.assign(n, {});
    const ScoringConfig &sc = plan.scoring;

    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
        const Parcel &p = city.parcels[i];
        const double transit = std::exp(-p.station_distance_m / sc.station_decay_m);
        const double jobs = std::exp(-p.park_distance_m / sc.park_decay_m);
        double zone_value = sc.unknown_zone_class;
        if (p.zone >= 0) {
            const auto &cls = city.zones[static_cast<std::size_t>(p.zone)].zone_class;
            if (auto it = sc.zone_class.find(cls); it != sc.zone_class.end()) {
                zone_value = it->second;
            }
        }
        for (std::size_t t = 0; t < pr.n_types; ++t) {
            const HousingType &ht = plan.types[t];
            const std::size_t k = pr.at(i, t);
            const double far = std::min({p.far_cap, p.cap_far, ht.far_max});
            pr.far[k] = far;
            if (p.excluded_by != k_none) {
                pr.eligibility[k] = Eligibility::excluded;
            } else if (p.zone == k_none) {
                pr.eligibility[k] = Eligibility::outside_zones;
            } else if (!p.allows(ht.id)) {
                pr.eligibility[k] = Eligibility::type_not_allowed;
            } else if (far < ht.far_min) {
                pr.eligibility[k] = Eligibility::far_too_low;
            }
            TypeWeights w;
            if (auto it = sc.weights.find(ht.id); it != sc.weights.end()) {
                w = it->second;
            }
            const double total = w.transit + w.jobs + w.zone_class;
            const double norm = total > 0 ? 1.0 / total : 0.0;
            pr.parts[k] = {{"transit", norm * w.transit * transit},
                           {"jobs", norm * w.jobs * jobs},
                           {"zone_class", norm * w.zone_class * zone_value}};
            pr.score[k] = pr.parts[k][0].value + pr.parts[k][1].value + pr.parts[k][2].value;
        }
    }
    return pr;
}

} // namespace landalloc
