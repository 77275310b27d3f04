// Benchmarks of the accessibility and jobs-housing indicators (allocation/indicators.hpp): the
// per-parcel step for 10k, 100k and 1M parcels against 10k stations, and the zone-level step
// (transportation LP + gravity model) for a few zone counts. Layouts are generated in memory from
// a fixed seed. Prints figures; correctness lives in tests/test_indicators.cpp.
// Run: ./build/bench/landalloc_bench_indicators [--benchmark_filter=Parcel]
#include "allocation/indicators.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>

using namespace landalloc;

namespace {

constexpr double k_extent_m = 100000; // a 100 km x 100 km region
constexpr int k_stations = 10000;
constexpr int k_zone_grid = 50; // 50 x 50 zones of 2 km
constexpr int k_parks = 100;

/// Uniform in [lo, hi) from the top 53 bits (the standard distributions are
/// implementation-defined).
double uniform(std::mt19937_64 &rng, double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

City make_city(std::size_t parcels, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    City c;
    const double cell = k_extent_m / k_zone_grid;
    for (int r = 0; r < k_zone_grid; ++r) {
        for (int q = 0; q < k_zone_grid; ++q) {
            Zone z;
            z.id = "Z" + std::to_string(r * k_zone_grid + q);
            z.population = std::round(uniform(rng, 2000, 40000));
            z.jobs = std::round(uniform(rng, 1000, 30000));
            z.dwellings = std::round(z.population / 2.6);
            z.area_m2 = cell * cell;
            z.x = (q + 0.5) * cell;
            z.y = (r + 0.5) * cell;
            c.zones.push_back(std::move(z));
        }
    }
    const char *modes[] = {"metro", "bus_hub", "brt", "intercity_rail", "hsr"};
    for (int s = 0; s < k_stations; ++s) {
        Station st;
        st.id = "S" + std::to_string(s);
        st.mode = modes[s % 20 == 0 ? 3 + (s / 20) % 2 : s % 3];
        st.x = uniform(rng, 0, k_extent_m);
        st.y = uniform(rng, 0, k_extent_m);
        c.stations.push_back(std::move(st));
    }
    for (int k = 0; k < k_parks; ++k) {
        Park p;
        p.id = "K" + std::to_string(k);
        p.jobs = std::round(uniform(rng, 5000, 80000));
        p.x = uniform(rng, 0, k_extent_m);
        p.y = uniform(rng, 0, k_extent_m);
        c.parks.push_back(std::move(p));
    }
    c.parcels.resize(parcels);
    for (std::size_t i = 0; i < parcels; ++i) {
        Parcel &p = c.parcels[i];
        p.x = uniform(rng, 0, k_extent_m);
        p.y = uniform(rng, 0, k_extent_m);
    }
    return c;
}

void BM_ParcelIndicators(benchmark::State &state) {
    const City city = make_city(static_cast<std::size_t>(state.range(0)), 2021);
    const IndicatorOptions opt; // radii 500/800 m, exponential decay, 10 km cut-off, 5 km 2SFCA
    for (auto _ : state) {
        ParcelIndicators pi = compute_parcel_indicators(city, opt);
        benchmark::DoNotOptimize(pi.job_access.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.counters["stations"] = static_cast<double>(city.stations.size());
    state.counters["job_sites"] = static_cast<double>(city.zones.size() + city.parks.size());
}

/// The zone-level step on a grid of n x n zones: D, transportation LP and gravity model, before
/// and after.
void BM_ZoneJobsHousing(benchmark::State &state) {
    const auto side = static_cast<int>(state.range(0));
    std::mt19937_64 rng(7);
    std::vector<ZoneFigures> zones;
    for (int r = 0; r < side; ++r) {
        for (int q = 0; q < side; ++q) {
            zones.push_back({q * 2000.0, r * 2000.0, 4e6, std::round(uniform(rng, 1000, 30000)),
                             std::round(uniform(rng, 1000, 15000)),
                             std::round(uniform(rng, 2000, 40000))});
        }
    }
    std::vector<int> zone_of;
    std::vector<double> units;
    for (std::size_t z = 0; z < zones.size(); z += 3) {
        zone_of.push_back(static_cast<int>(z));
        units.push_back(500);
    }
    const IndicatorOptions opt;
    for (auto _ : state) {
        JobsHousingResult r = jobs_housing(zones, zone_of, units, {}, opt);
        benchmark::DoNotOptimize(r.after.excess_commuting);
    }
    state.counters["zones"] = static_cast<double>(zones.size());
}

} // namespace

BENCHMARK(BM_ParcelIndicators)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParcelIndicators)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ZoneJobsHousing)->Arg(5)->Arg(10)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
