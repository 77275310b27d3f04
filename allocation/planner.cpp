#include "allocation/planner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace landalloc {

namespace {

std::string fmt(const char *f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string reasons_for(const AllocationProblem &pr, std::size_t i, std::size_t t) {
    const City &city = *pr.city;
    const Parcel &p = city.parcels[i];
    const HousingType &ht = pr.plan->types[t];
    const auto &parts = pr.parts[pr.at(i, t)];
    std::ostringstream os;
    os << "score " << fmt("%.3f", pr.score[pr.at(i, t)]) << " =";
    os << " transit " << fmt("%.3f", parts[0].value);
    if (std::isfinite(p.station_distance_m)) {
        os << " (station " << fmt("%.0f", p.station_distance_m) << " m)";
    }
    os << " + jobs " << fmt("%.3f", parts[1].value);
    if (p.in_park) {
        os << " (inside park)";
    } else if (std::isfinite(p.park_distance_m)) {
        os << " (park " << fmt("%.0f", p.park_distance_m) << " m)";
    }
    os << " + zone " << fmt("%.3f", parts[2].value);
    if (p.zone >= 0) {
        os << " (" << city.zones[static_cast<std::size_t>(p.zone)].zone_class << ")";
    }
    os << "; plot ratio " << fmt("%.2f", pr.far[pr.at(i, t)]) << " = min(parcel cap "
       << fmt("%.2f", p.far_cap);
    if (std::isfinite(p.cap_far)) {
        os << ", " << city.constraints[static_cast<std::size_t>(p.capped_by)].kind << " cap "
           << fmt("%.2f", p.cap_far);
    }
    os << ", " << ht.id << " max " << fmt("%.2f", ht.far_max) << ")";
    os << "; available from " << p.first_year;
    return os.str();
}

} // namespace

Plan assemble_plan(const AllocationProblem &pr, const std::vector<Assignment> &assignments,
                   const std::string &solver) {
    const City &city = *pr.city;
    const PlanConfig &cfg = *pr.plan;
    Plan plan;
    plan.solver = solver;

    for (const auto &as : assignments) {
        const Parcel &p = city.parcels[as.parcel];
        const HousingType &ht = cfg.types[as.type];
        Allocation a;
        a.parcel = as.parcel;
        a.year = as.year;
        a.type = ht.id;
        a.far = pr.far[pr.at(as.parcel, as.type)];
        a.area_m2 = p.area_m2;
        a.floor_m2 = floor_area_m2(p.area_m2, a.far);
        a.units = units_from_floor(a.floor_m2, ht);
        a.score = pr.score[pr.at(as.parcel, as.type)];
        a.score_parts = pr.parts[pr.at(as.parcel, as.type)];
        a.reasons = reasons_for(pr, as.parcel, as.type);
        plan.objective += a.score * a.area_m2 / 1e4;
        plan.allocations.push_back(std::move(a));
    }
    std::sort(plan.allocations.begin(), plan.allocations.end(),
              [&](const Allocation &a, const Allocation &b) {
                  if (a.year != b.year) {
                      return a.year < b.year;
                  }
                  if (a.type != b.type) {
                      return a.type < b.type;
                  }
                  return city.parcels[a.parcel].id < city.parcels[b.parcel].id;
              });

    // Annual table: one row per (year, target).
    std::vector<std::string> unmet;
    for (int y = 0; y < cfg.years(); ++y) {
        const int year = cfg.first_year + y;
        for (const Target &tg : cfg.targets) {
            const auto type = static_cast<std::size_t>(cfg.type_index(tg.type));
            AnnualRow r;
            r.year = year;
            r.type = tg.type;
            r.unit = quantity_unit(tg.unit);
            r.target = tg.values[static_cast<std::size_t>(y)];
            r.tolerance = tg.tolerance;
            r.binding = tg.binding;
            for (const auto &a : plan.allocations) {
                if (a.year == year && a.type == tg.type) {
                    r.supplied += quantity_of(tg.unit, a.area_m2, a.far, cfg.types[type]);
                    r.supplied_ha += a.area_m2 / 1e4;
                    r.supplied_floor_m2 += a.floor_m2;
                    r.supplied_units += a.units;
                    ++r.parcels;
                }
            }
            const double lo = r.target * (1.0 - r.tolerance);
            const double hi = r.target * (1.0 + r.tolerance);
            // A small absolute slack absorbs rounding in the last digit.
            r.met = r.supplied >= lo - 1e-9 && r.supplied <= hi + 1e-9;
            if (!r.met) {
                std::ostringstream os;
                if (r.supplied < lo) {
                    // What was left to take: eligible, available, unused parcels.
                    double left = 0;
                    std::vector<bool> used(pr.n_parcels, false);
                    for (const auto &a : plan.allocations) {
                        used[a.parcel] = true;
                    }
                    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
                        if (!used[i] && pr.available(i, year) && pr.eligible(i, type)) {
                            left += pr.quantity(i, tg, type);
                        }
                    }
                    os << "short by " << fmt("%.2f", lo - r.supplied) << " " << r.unit
                       << " below the lower tolerance; eligible land left unused in " << year
                       << ": " << fmt("%.2f", left) << " " << r.unit;
                } else {
                    os << "over by " << fmt("%.2f", r.supplied - hi) << " " << r.unit;
                }
                r.note = os.str();
                unmet.push_back(std::to_string(year) + " " + tg.type + " (" + r.note + ")");
            }
            plan.annual.push_back(std::move(r));
        }
    }
    if (unmet.empty()) {
        plan.status = "all targets met";
    } else {
        plan.status = std::to_string(unmet.size()) + " target(s) not met: ";
        for (std::size_t i = 0; i < unmet.size(); ++i) {
            plan.status += (i ? "; " : "") + unmet[i];
        }
    }
    plan.metadata.emplace_back("solver", solver);
    plan.metadata.emplace_back("status", plan.status);
    plan.metadata.emplace_back("objective", fmt("%.6f", plan.objective));
    return plan;
}

Plan make_plan(const City &city, const PlanConfig &config, const Allocator &allocator) {
    const AllocationProblem pr = build_problem(city, config);
    return assemble_plan(pr, allocator.solve(pr), allocator.name());
}

} // namespace landalloc
