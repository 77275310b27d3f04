// Benchmarks: loading a generated city with its parcel facts, and the greedy allocation, at
// several sizes. Prints figures; correctness lives in tests/. Run: ./build/bench/landalloc_bench
#include "allocation//greedy.hpp"
#include "allocation/planner.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "plan_file/plan_file.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <map>

using namespace landalloc;

namespace {

/// A generated city of n parcels, cached per size; the city grows so density stays realistic.
const std::string &city_file(int n) {
    static std::map<int, std::string> files;
    auto it = files.find(n);
    if (it != files.end()) {
        return it->second;
    }
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("landalloc-bench-" + std::to_string(n) + ".gpkg"))
                                 .string();
    SynthOptions opt;
    opt.parcels = n;
    opt.scale = std::max(1.0, std::sqrt(n / 3000.0));
    write_synth_city(opt, path, /*overwrite=*/true);
    return files.emplace(n, path).first->second;
}

void BM_LoadCityWithFacts(benchmark::State &state) {
    const std::string &path = city_file(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        LoadedCity c = load_city(InputSpec::from_source(path));
        benchmark::DoNotOptimize(c.city.parcels.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_GreedyPlan(benchmark::State &state) {
    const LoadedCity c =
        load_city(InputSpec::from_source(city_file(static_cast<int>(state.range(0)))));
    const PlanFile cfg = default_plan();
    for (auto _ : state) {
        Plan p = make_plan(c.city, cfg, GreedyAllocator());
        benchmark::ClobberMemory();
        benchmark::DoNotOptimize(p.allocations.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

} // namespace

BENCHMARK(BM_LoadCityWithFacts)->Arg(3000)->Arg(30000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GreedyPlan)->Arg(3000)->Arg(30000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
