// Per-zone jobs-housing balance before and after a plan, and the dissimilarity index.

#include "allocation/indicators.hpp"
#include "allocation/indicators_internal.hpp"

#include "core/errors.hpp"
#include "core/units.hpp"

#include <cmath>
#include <limits>

namespace landalloc {

namespace {

ZoneSide zone_side(double population, double jobs, double dwellings, const IndicatorOptions &opt) {
    ZoneSide s;
    s.population = population;
    s.jobs = jobs;
    s.dwellings = dwellings;
    s.workers = population * opt.labour_force_rate;
    s.jobs_dwellings = dwellings > 0 ? jobs / dwellings : std::numeric_limits<double>::quiet_NaN();
    s.band = ratio_band(jobs, dwellings, opt.ratio_min, opt.ratio_max);
    return s;
}

} // namespace

using indicators_internal::sum_of;

std::vector<double> zone_jobs(const City &city, const IndicatorOptions &options) {
    std::vector<double> jobs;
    jobs.reserve(city.zones.size());
    for (const Zone &z : city.zones) {
        jobs.push_back(z.jobs);
    }
    if (!options.park_jobs || city.zones.empty()) {
        return jobs;
    }
    for (const Park &p : city.parks) {
        std::size_t zone = 0;
        if (p.zone >= 0 && static_cast<std::size_t>(p.zone) < city.zones.size()) {
            zone = static_cast<std::size_t>(p.zone);
        } else {
            double best = std::numeric_limits<double>::infinity();
            for (std::size_t z = 0; z < city.zones.size(); ++z) {
                const double d = std::hypot(city.zones[z].x - p.x, city.zones[z].y - p.y);
                if (d < best) {
                    best = d;
                    zone = z;
                }
            }
        }
        jobs[zone] += std::max(p.jobs, 0.0);
    }
    return jobs;
}

std::vector<ZoneFigures> zone_figures(const City &city, const IndicatorOptions &options) {
    const std::vector<double> jobs = zone_jobs(city, options);
    std::vector<ZoneFigures> out;
    out.reserve(city.zones.size());
    for (std::size_t i = 0; i < city.zones.size(); ++i) {
        const Zone &z = city.zones[i];
        out.push_back({z.x, z.y, z.area_m2, jobs[i], z.dwellings, z.population});
    }
    return out;
}

std::string ratio_band(double jobs, double dwellings, double ratio_min, double ratio_max) {
    if (!(dwellings > 0)) {
        return "";
    }
    const double r = jobs / dwellings;
    if (r < ratio_min) {
        return "below";
    }
    return r > ratio_max ? "above" : "within";
}

double dissimilarity_index(const std::vector<double> &jobs, const std::vector<double> &workers) {
    if (jobs.size() != workers.size()) {
        throw PreconditionError("dissimilarity_index: jobs and workers differ in length");
    }
    const double j = sum_of(jobs);
    const double w = sum_of(workers);
    if (!(j > 0) || !(w > 0)) {
        return 0.0;
    }
    double d = 0;
    for (std::size_t z = 0; z < jobs.size(); ++z) {
        d += std::abs(jobs[z] / j - workers[z] / w);
    }
    return d / 2;
}

JobsHousingResult jobs_housing(const std::vector<ZoneFigures> &zones,
                               const std::vector<int> &zone_of,
                               const std::vector<double> &new_units,
                               const std::vector<double> &new_land_m2,
                               const IndicatorOptions &options) {
    const std::size_t n = zones.size();
    JobsHousingResult out;
    out.zones.resize(n);
    for (std::size_t k = 0; k < zone_of.size(); ++k) {
        if (zone_of[k] >= 0 && static_cast<std::size_t>(zone_of[k]) < n) {
            ZoneBalance &zb = out.zones[static_cast<std::size_t>(zone_of[k])];
            zb.new_units += new_units[k];
            zb.new_land_ha += k < new_land_m2.size() ? ha_from_m2(new_land_m2[k]) : 0.0;
        }
    }
    std::vector<double> jobs(n);
    std::vector<double> workers_before(n);
    std::vector<double> workers_after(n);
    for (std::size_t z = 0; z < n; ++z) {
        const ZoneFigures &f = zones[z];
        ZoneBalance &zb = out.zones[z];
        zb.zone = z;
        zb.before = zone_side(f.population, f.jobs, f.dwellings, options);
        zb.after = zone_side(f.population + zb.new_units * options.persons_per_unit, f.jobs,
                             f.dwellings + zb.new_units, options);
        jobs[z] = f.jobs;
        workers_before[z] = zb.before.workers;
        workers_after[z] = zb.after.workers;
    }
    const std::vector<double> cost =
        options.zone_cost_m.size() == n * n ? options.zone_cost_m : zone_costs(zones);
    auto city_side = [&](const std::vector<double> &workers) {
        CityBalance cb;
        cb.dissimilarity = dissimilarity_index(jobs, workers);
        const ExcessCommuting ec = excess_commuting(workers, jobs, cost, options);
        cb.commute_min_m = ec.t_min_m;
        cb.commute_model_m = ec.t_obs_m;
        cb.excess_commuting = ec.excess;
        return cb;
    };
    out.before = city_side(workers_before);
    out.after = city_side(workers_after);
    return out;
}

} // namespace landalloc
