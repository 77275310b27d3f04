// Benchmarks of the accessibility and jobs-housing indicators (allocation/indicators.hpp): the
// per-parcel step for 10k, 100k and 1M parcels against 10k stations, and the zone-level step
// (transportation LP + gravity model) for a few zone counts; and the same per-parcel figures
// along a street network (allocation/network.hpp): graph build, snapping, the station searches
// (nearest station, stations within 800 m) and the job-site searches (gravity access, 2SFCA),
// each timed on its own, and the zone-to-zone matrix. Layouts are generated in memory from a
// fixed seed. Prints figures; correctness lives in tests/test_indicators.cpp and
// tests/allocation/test_network.cpp.
// Run: ./build/bench/landalloc_bench_indicators [--benchmark_filter=Parcel|Network]
#include "allocation/indicators.hpp"
#include "allocation/network.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
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

/// A street grid over the region: 400 m blocks, every fifth line an arterial (60 km/h), a river
/// along y = 50.2 km crossed only by every 25th north-south line (bridges 10 km apart).
StreetNetwork make_streets() {
    constexpr double block = 400;
    constexpr double river_y = 50200;
    const int k = static_cast<int>(k_extent_m / block) + 1;
    StreetNetwork n;
    for (int j = 0; j < k; ++j) {
        for (int i = 0; i < k; ++i) {
            n.nodes.push_back({i * block, j * block});
        }
    }
    auto id = [&](int i, int j) { return j * k + i; };
    auto edge = [&](int u, int v, bool arterial) {
        StreetEdge e;
        e.u = u;
        e.v = v;
        e.length_m = block;
        e.highway = arterial ? "primary" : "residential";
        e.speed_kmh = arterial ? 60 : 0;
        n.edges.push_back(e);
    };
    for (int j = 0; j < k; ++j) {
        for (int i = 0; i < k; ++i) {
            if (i + 1 < k) {
                edge(id(i, j), id(i + 1, j), j % 5 == 0);
            }
            const bool crosses = j * block < river_y && (j + 1) * block > river_y;
            if (j + 1 < k && (!crosses || i % 25 == 0)) {
                edge(id(i, j), id(i, j + 1), i % 5 == 0);
            }
        }
    }
    return n;
}

const StreetNetwork &streets() {
    static const StreetNetwork n = make_streets();
    return n;
}

std::vector<XY> parcel_points(const City &c) {
    std::vector<XY> at;
    at.reserve(c.parcels.size());
    for (const Parcel &p : c.parcels) {
        at.push_back({p.x, p.y});
    }
    return at;
}

void BM_NetworkGraphBuild(benchmark::State &state) {
    const NetworkOptions opt;
    for (auto _ : state) {
        StreetGraph g(streets(), opt);
        benchmark::DoNotOptimize(g.nodes());
    }
    state.counters["nodes"] = static_cast<double>(streets().nodes.size());
    state.counters["edges"] = static_cast<double>(streets().edges.size());
}

/// Snapping every parcel, once per mode (walk for stations and parks, drive for commutes).
void BM_NetworkSnap(benchmark::State &state) {
    const City city = make_city(static_cast<std::size_t>(state.range(0)), 2021);
    const StreetGraph g(streets(), NetworkOptions{});
    const std::vector<XY> at = parcel_points(city);
    for (auto _ : state) {
        std::vector<Snap> w = g.snap_all(TravelMode::walk, at);
        std::vector<Snap> d = g.snap_all(TravelMode::drive, at);
        benchmark::DoNotOptimize(w.data());
        benchmark::DoNotOptimize(d.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// The station searches of apply_street_network, walking, for every parcel (snapped
/// beforehand): the nearest of the 10k stations (one multi-source search) and the stations
/// within 800 m (one bounded search per station) for the parcel facts; the nearest station of
/// each mode (one multi-source search per mode) and the stations within 500 m and 800 m (one
/// search per station bounded at 800 m) for the indicators.
void BM_NetworkStationSearches(benchmark::State &state) {
    const City city = make_city(static_cast<std::size_t>(state.range(0)), 2021);
    const StreetGraph g(streets(), NetworkOptions{});
    const std::vector<Snap> ps = g.snap_all(TravelMode::walk, parcel_points(city));
    std::vector<XY> st;
    std::map<std::string, std::vector<XY>> by_mode;
    for (const Station &s : city.stations) {
        st.push_back({s.x, s.y});
        by_mode[s.mode].push_back({s.x, s.y});
    }
    const std::vector<Snap> ss = g.snap_all(TravelMode::walk, st);
    std::vector<std::vector<Snap>> mode_snaps;
    for (const auto &[mode, xy] : by_mode) {
        mode_snaps.push_back(g.snap_all(TravelMode::walk, xy));
    }
    const IndicatorOptions io;
    for (auto _ : state) {
        std::vector<int> which;
        std::vector<double> d = g.nearest(TravelMode::walk, false, ss, {}, ps, &which);
        std::vector<int> within = g.count_within(TravelMode::walk, ss, ps, 800);
        benchmark::DoNotOptimize(d.data());
        benchmark::DoNotOptimize(within.data());
        for (const auto &sources : mode_snaps) {
            std::vector<double> dm = g.nearest(TravelMode::walk, false, sources, {}, ps);
            benchmark::DoNotOptimize(dm.data());
        }
        const StreetGraph::Targets index = g.index_targets(TravelMode::walk, ps);
        std::vector<int> counts(ps.size() * io.station_radii_m.size(), 0);
        std::vector<std::pair<std::uint32_t, double>> hits;
        for (const Snap &s : ss) {
            g.reach(s, false, index, 800, hits);
            for (const auto &[i, dist] : hits) {
                for (std::size_t r = 0; r < io.station_radii_m.size(); ++r) {
                    counts[i * io.station_radii_m.size() + r] +=
                        dist <= io.station_radii_m[r] ? 1 : 0;
                }
            }
        }
        benchmark::DoNotOptimize(counts.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// Gravity job access and 2SFCA along the streets (driving distance): one search per job site
/// (2,500 zones and 100 parks) bounded by the 10 km cut-off, reading the parcels and worker
/// sites on the edges it reaches.
void BM_NetworkJobSearches(benchmark::State &state) {
    const City city = make_city(static_cast<std::size_t>(state.range(0)), 2021);
    const StreetGraph g(streets(), NetworkOptions{});
    const IndicatorOptions io;
    const std::vector<SitePoint> jobs = job_sites(city, io);
    const std::vector<SitePoint> workers = worker_sites(city, io);
    std::vector<XY> jx, wx;
    for (const SitePoint &s : jobs) {
        jx.push_back({s.x, s.y});
    }
    for (const SitePoint &s : workers) {
        wx.push_back({s.x, s.y});
    }
    const std::vector<Snap> js = g.snap_all(TravelMode::drive, jx);
    const StreetGraph::Targets ws =
        g.index_targets(TravelMode::drive, g.snap_all(TravelMode::drive, wx));
    const StreetGraph::Targets ps =
        g.index_targets(TravelMode::drive, g.snap_all(TravelMode::drive, parcel_points(city)));
    const double limit = std::max(io.decay.cutoff_m, io.catchment_m);
    for (auto _ : state) {
        std::vector<double> access(city.parcels.size(), 0.0), fca(city.parcels.size(), 0.0);
        std::vector<std::pair<std::uint32_t, double>> hits;
        for (std::size_t j = 0; j < jobs.size(); ++j) {
            g.reach(js[j], false, ws, io.catchment_m, hits);
            double demand = 0;
            for (const auto &[k, d] : hits) {
                demand += workers[k].weight;
            }
            const double ratio = demand > 0 ? jobs[j].weight / demand : 0.0;
            g.reach(js[j], false, ps, limit, hits);
            for (const auto &[i, d] : hits) {
                access[i] += jobs[j].weight * io.decay.within_cutoff(d);
                fca[i] += d <= io.catchment_m ? ratio : 0.0;
            }
        }
        benchmark::DoNotOptimize(access.data());
        benchmark::DoNotOptimize(fca.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.counters["job_sites"] = static_cast<double>(jobs.size());
}

/// The excess-commuting zone matrix along the streets: one search per origin zone, n x n zones
/// of the region's grid (2 km apart).
void BM_NetworkZoneMatrix(benchmark::State &state) {
    const auto side = static_cast<int>(state.range(0));
    const StreetGraph g(streets(), NetworkOptions{});
    std::vector<XY> zs;
    for (int r = 0; r < side; ++r) {
        for (int q = 0; q < side; ++q) {
            zs.push_back({1000.0 + q * 2000.0, 1000.0 + r * 2000.0});
        }
    }
    const std::vector<Snap> s = g.snap_all(TravelMode::drive, zs);
    for (auto _ : state) {
        std::vector<double> m = g.matrix(TravelMode::drive, false, s, s);
        benchmark::DoNotOptimize(m.data());
    }
    state.counters["zones"] = static_cast<double>(zs.size());
}

} // namespace

BENCHMARK(BM_NetworkGraphBuild)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NetworkSnap)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NetworkSnap)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NetworkStationSearches)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NetworkStationSearches)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NetworkJobSearches)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NetworkJobSearches)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NetworkZoneMatrix)->Arg(10)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParcelIndicators)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParcelIndicators)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ZoneJobsHousing)->Arg(5)->Arg(10)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
