// Solver benchmarks: the heuristic's time and certified gap at 10k, 100k and 1M parcels, and the
// exact solver (CBC) at growing sizes with a 60 s limit, to find the largest it proves optimal.
// Prints figures; correctness lives in tests/test_solvers.cpp.
//
//   ./build/bench/landalloc_bench_solvers                       # heuristic 10k, 100k, 1M
//   ./build/bench/landalloc_bench_solvers --rules               # the same with plan rules
//   (BENCH_MAX_PARCELS=100000 skips the larger sizes; BENCH_MIN_PARCELS=1000000 the smaller;
//   BENCH_CG_MAX_MASTER, BENCH_CG_PER_PASS, BENCH_CG_STOP_GAP and BENCH_CG_START_COVER override
//   column generation's max_master_columns, columns_per_pass, stop_gap and start_cover)
//   ./build/bench/landalloc_bench_solvers --exact               # exact at 25 ... 2000 parcels
#include "allocation//exact.hpp"
#include "allocation/heuristic.hpp"
#include "allocation/model.hpp"
#include "allocation/random_city.hpp"
#include "plan_builder.hpp"
#include "plan_file/plan_file.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace landalloc;

namespace {

/// With `rules`: rental share 10 %, destocking (value factor only: `bound = false`), key areas (the
/// first fifth of the zones, 30 %) and 5 % AR bundled on commercial sites over 3 ha
/// (docs/plan-file.md).
PlanConfig plan_for(const City &city, bool rules = false) {
    // Five years supplying 30 % of the reserve: 90 % commercial land, 10 % rental in units.
    const double py = 0.3 * test::reserve_ha(city) / 5;
    test::PlanBuilder b;
    b.plan(2021, 2025)
        .housing_type({.name = "commercial", .unit_m2 = test::Num(100, 1)})
        .housing_type(test::affordable_rental())
        .target({.type = "commercial",
                 .unit = "ha",
                 .values = {0.72 * py, 0.81 * py, 0.9 * py, 0.95 * py, 0.99 * py},
                 .decimals = 3})
        .target({.type = "affordable_rental",
                 .unit = "units",
                 .total = 5 * 0.1 * py * 1e4 * 2 / 60,
                 .decimals = 1});
    if (rules) {
        std::string key;
        for (std::size_t z = 0; z < city.zones.size() / 5; ++z) {
            key += (key.empty() ? "\"" : ", \"") + city.zones[z].id + "\"";
        }
        b.raw("[rules.rental_share]\n[rules.destocking]\nbound = false\n[rules.key_areas]\nzones = "
              "[" +
              key +
              "]\nshare = 0.3\n[[rules.bundling]]\ntype = \"affordable_rental\"\n"
              "min_site_ha = 3\nnear_station_m = 0\n");
    }
    return b.build();
}

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char **argv) {
    const bool exact = argc > 1 && std::strcmp(argv[1], "--exact") == 0;
    const bool rules = argc > 1 && std::strcmp(argv[1], "--rules") == 0;
    // BENCH_MAX_PARCELS=100000 stops before the 1M run.
    const char *max_env = std::getenv("BENCH_MAX_PARCELS");
    const std::size_t max_parcels = max_env ? std::strtoull(max_env, nullptr, 10) : SIZE_MAX;
    const char *min_env = std::getenv("BENCH_MIN_PARCELS");
    const std::size_t min_parcels = min_env ? std::strtoull(min_env, nullptr, 10) : 0;
    HeuristicOptions options;
    if (const char *v = std::getenv("BENCH_CG_MAX_MASTER")) {
        options.column_generation.max_master_columns = std::strtoull(v, nullptr, 10);
    }
    if (const char *v = std::getenv("BENCH_CG_PER_PASS")) {
        options.column_generation.columns_per_pass = std::strtoull(v, nullptr, 10);
    }
    if (const char *v = std::getenv("BENCH_CG_STOP_GAP")) {
        options.column_generation.stop_gap = std::strtod(v, nullptr);
    }
    if (const char *v = std::getenv("BENCH_CG_START_COVER")) {
        options.column_generation.start_cover = std::strtod(v, nullptr);
    }
    if (!exact) {
        std::printf("%10s %10s %10s %10s %12s %12s %9s  %s\n", "parcels", "columns", "build s",
                    "solve s", "objective", "bound", "gap %", "bound from");
        if (rules) {
            std::printf("(with rules: rental share, destocking, key areas, bundling)\n");
        }
        for (std::size_t n : {10000, 100000, 1000000}) {
            if (n > max_parcels) {
                break;
            }
            if (n < min_parcels) {
                continue;
            }
            RandomCityOptions o;
            o.parcels = n;
            o.zones = 50;
            const City city = random_city(o);
            const PlanConfig cfg = plan_for(city, rules);
            const auto t0 = std::chrono::steady_clock::now();
            const AllocationProblem pr = build_problem(city, cfg);
            const Model m = build_model(pr);
            const double build_s = seconds(t0);
            const Solution s = HeuristicAllocator(options).solve(m);
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
