// Solver benchmarks: the heuristic's time and certified gap at 10k, 100k and 1M parcels, and the
// exact solver (CBC) at growing sizes with a 60 s limit, to find the largest it proves optimal.
// Prints figures; correctness lives in tests/test_solvers.cpp.
//
//   ./build/bench/landalloc_bench_solvers                       # heuristic 10k, 100k, 1M
//   ./build/bench/landalloc_bench_solvers --exact               # exact at 25 ... 2000 parcels
#include "allocation/exact.hpp"
#include "allocation/heuristic.hpp"
#include "allocation/model.hpp"
#include "allocation/random_city.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>

using namespace landalloc;

namespace {

PlanConfig plan_for(const City &city) {
    double total_ha = 0;
    for (const auto &p : city.parcels) {
        total_ha += p.area_m2 / 1e4;
    }
    // Five years supplying 30 % of the reserve: 90 % commercial land, 10 % rental in units.
    const double py = 0.3 * total_ha / 5;
    char buf[1024];
    std::snprintf(buf, sizeof buf, R"([plan]
first_year = 2021
last_year = 2025
[housing_types.commercial]
unit_m2 = 100.0
[housing_types.affordable_rental]
unit_m2 = 60.0
far_min = 1.2
far_max = 3.5
[[targets]]
type = "commercial"
unit = "ha"
values = [%.3f, %.3f, %.3f, %.3f, %.3f]
[[targets]]
type = "affordable_rental"
unit = "units"
total = %.1f
)",
                  0.72 * py, 0.81 * py, 0.9 * py, 0.95 * py, 0.99 * py,
                  5 * 0.1 * py * 1e4 * 2 / 60);
    return parse_plan(buf, "");
}

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char **argv) {
    const bool exact = argc > 1 && std::strcmp(argv[1], "--exact") == 0;
    if (!exact) {
        std::printf("%10s %10s %10s %10s %12s %12s %9s  %s\n", "parcels", "columns", "build s",
                    "solve s", "objective", "bound", "gap %", "bound from");
        for (std::size_t n : {10000, 100000, 1000000}) {
            RandomCityOptions o;
            o.parcels = n;
            o.zones = 50;
            const City city = random_city(o);
            const PlanConfig cfg = plan_for(city);
            const auto t0 = std::chrono::steady_clock::now();
            const AllocationProblem pr = build_problem(city, cfg);
            const Model m = build_model(pr);
            const double build_s = seconds(t0);
            const Solution s = HeuristicAllocator(HeuristicOptions{}).solve(m);
            std::printf("%10zu %10zu %10.2f %10.2f %12.3f %12.3f %9.4f  %s\n", n, m.columns.size(),
                        build_s, s.report.seconds, s.report.objective, s.report.bound,
                        100 * s.report.gap, s.report.status.c_str());
            std::fflush(stdout);
        }
        return 0;
    }
    std::printf("%10s %10s %10s %12s %12s %9s  %s\n", "parcels", "columns", "solve s", "objective",
                "bound", "gap %", "status");
    for (std::size_t n : {25, 50, 100, 200, 500, 1000, 2000}) {
        RandomCityOptions o;
        o.parcels = n;
        o.zones = 10;
        const City city = random_city(o);
        const PlanConfig cfg = plan_for(city);
        const AllocationProblem pr = build_problem(city, cfg);
        const Model m = build_model(pr);
        ExactOptions eo;
        eo.time_limit_s = 60;
        eo.gap = 0;
        const Solution s = ExactAllocator(eo).solve(m);
        std::printf("%10zu %10zu %10.2f %12.3f %12.3f %9.4f  %s\n", n, m.columns.size(),
                    s.report.seconds, s.report.objective, s.report.bound, 100 * s.report.gap,
                    s.report.status.c_str());
        std::fflush(stdout);
    }
    return 0;
}
