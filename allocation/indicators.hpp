#pragma once
// Accessibility and jobs-housing indicators (docs/indicators.md): per parcel, transit access by
// mode, gravity accessibility to jobs and a two-step floating catchment (2SFCA) score; per zone,
// jobs, dwellings and resident workers before and after a plan; city-wide, the dissimilarity index
// and excess commuting. Plain domain values in, plain values out; no GDAL. Point queries use
// Boost.Geometry R-trees, so the per-parcel step costs O(n log n) for n parcels.

#include "core/domain.hpp"
#include "core/plan.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace landalloc {

enum class DecayKind { exponential, power };

/// Distance decay f(d) in (0, 1]. exponential: f = exp(-d / scale_m); power:
/// f = (max(d, min_distance_m) / min_distance_m)^-beta. `cutoff_m` bounds the accessibility sums.
struct DistanceDecay {
    DecayKind kind = DecayKind::exponential; // DEFAULT: exponential
    double scale_m = 2000;                   // DEFAULT: 2000 m (exponential)
    double beta = 1.5;                       // DEFAULT: 1.5 (power)
    double min_distance_m = 500;             // DEFAULT: 500 m (power: f = 1 closer than this)
    double cutoff_m = 10000;                 // DEFAULT: 10 km; f = 0 beyond (accessibility only)

    /// f(d), ignoring the cut-off.
    double operator()(double d) const;
    /// f(d) within the cut-off, 0 beyond.
    double within_cutoff(double d) const { return d <= cutoff_m ? (*this)(d) : 0.0; }
};

/// How modelled commuting flows T_obs are distributed over zone pairs.
enum class CommuteModel {
    doubly_constrained,    // T_ij = A_i O_i B_j D_j f(c_ij): origins and destinations match
    production_constrained // T_ij = O_i D_j f(c_ij) / sum_k D_k f(c_ik): origins match
};

struct IndicatorOptions {
    std::vector<double> station_radii_m = {500, 800}; // DEFAULT: 500 m and 800 m (TOD catchments)
    int stations_open_by = 0; // DEFAULT: 0 = every station; else only those open by this year
    DistanceDecay decay;      // accessibility decay and cut-off (gravity A_i)
    bool park_jobs = true; // DEFAULT: true; parks' jobs are job sites besides the zones' own jobs
    double catchment_m = 5000;       // DEFAULT: 5 km; 2SFCA catchment radius d0
    double park_catchment_m = 1000;  // DEFAULT: 1 km; park catchment polygons in the output
    double labour_force_rate = 0.55; // DEFAULT: 0.55 resident workers per resident
    double persons_per_unit = 2.62;  // DEFAULT: 2.62 persons per dwelling (2020 census)
    double ratio_min = 0.8;          // DEFAULT: 0.8 jobs per dwelling, bottom of the target band
    double ratio_max = 1.5;          // DEFAULT: 1.5 jobs per dwelling, top of the target band
    CommuteModel commute_model = CommuteModel::doubly_constrained; // DEFAULT: doubly constrained
    DistanceDecay commute_decay{DecayKind::exponential, 8000, 1.5, 500, k_inf}; // DEFAULT: 8 km
    /// Zone-to-zone costs (m) for excess commuting, row-major; empty: zone_costs (straight
    /// lines). Not a plan-file key: add_indicators sets it from City::zone_travel_m (the street
    /// network's, allocation/network.hpp).
    std::vector<double> zone_cost_m{};
};

struct XY {
    double x = 0;
    double y = 0;
};

/// A point with a weight: jobs at a job site, workers at a residence, and so on.
struct SitePoint {
    double x = 0;
    double y = 0;
    double weight = 0;
};

// ---- per parcel ----------------------------------------------------------------------------

/// Per-parcel indicators, stored flat (one row per City::parcels entry). Distance to the nearest
/// industrial park and whether inside one are Parcel facts (park_distance_m, in_park).
struct ParcelIndicators {
    std::vector<std::string> modes;         // station modes, sorted
    std::vector<double> radii_m;            // station radii, as configured
    std::size_t n = 0;                      // parcels
    std::vector<double> station_distance_m; // [parcel * modes + mode]; inf when the mode has none
    std::vector<int> stations_within;       // [parcel * radii + radius], all modes
    std::vector<double> job_access;         // gravity accessibility A_i (jobs)
    std::vector<double> jobs_per_worker;    // 2SFCA score (jobs per resident worker)

    double nearest_station_m(std::size_t parcel, std::size_t mode) const {
        return station_distance_m[parcel * modes.size() + mode];
    }
    int within(std::size_t parcel, std::size_t radius) const {
        return stations_within[parcel * radii_m.size() + radius];
    }
};

/// Job sites: each zone's jobs at its point, and (when options.park_jobs) each park's jobs at its.
std::vector<SitePoint> job_sites(const City &city, const IndicatorOptions &options);
/// Resident workers at each zone's point: population x labour_force_rate.
std::vector<SitePoint> worker_sites(const City &city, const IndicatorOptions &options);

/// Gravity accessibility A_i = sum_j J_j f(d_ij) over sites within the decay's cut-off, at each
/// point of `at`. The cut-off must be finite.
std::vector<double> gravity_access(const std::vector<XY> &at, const std::vector<SitePoint> &jobs,
                                   const DistanceDecay &decay);

/// 2SFCA step 1: R_j = S_j / sum_{k: d_kj <= d0} P_k for each supply site (0 when no demand).
std::vector<double> fca_supply_ratios(const std::vector<SitePoint> &supply,
                                      const std::vector<SitePoint> &demand, double catchment_m);
/// 2SFCA step 2: A_i = sum_{j: d_ij <= d0} R_j at each point of `at`.
std::vector<double> two_step_fca(const std::vector<XY> &at, const std::vector<SitePoint> &supply,
                                 const std::vector<SitePoint> &demand, double catchment_m);

/// Every per-parcel indicator for every parcel of `city`, from the parcels' points (x, y).
ParcelIndicators compute_parcel_indicators(const City &city, const IndicatorOptions &options);

// ---- per zone and city-wide ----------------------------------------------------------------

/// A zone as the jobs-housing indicators see it: a point, an area and three totals.
struct ZoneFigures {
    double x = 0;
    double y = 0;
    double area_m2 = 0;
    double jobs = 0;
    double dwellings = 0;
    double population = 0;
};

/// Each zone's figures; `jobs` is zone_jobs().
std::vector<ZoneFigures> zone_figures(const City &city, const IndicatorOptions &options);

/// J_z, the jobs the jobs-housing balance counts in each zone: the zone's own jobs and, when
/// options.park_jobs, those of the industrial parks in it (Park::zone; a park with no zone known
/// counts in the zone whose point is nearest its own, the lowest index on ties).
std::vector<double> zone_jobs(const City &city, const IndicatorOptions &options);

/// Where jobs / dwellings lies against the band: "below", "within", "above", or "" (no dwellings).
std::string ratio_band(double jobs, double dwellings, double ratio_min, double ratio_max);

/// D = 1/2 sum_z |J_z / J - W_z / W|, in [0, 1]; 0 when either total is 0.
double dissimilarity_index(const std::vector<double> &jobs, const std::vector<double> &workers);

/// Zone-to-zone travel costs (m), row-major n x n: straight-line distance between the zones'
/// points; within a zone, the mean distance between two points of a disc of the zone's area,
/// 128 r / (45 pi) with r = sqrt(area / pi).
std::vector<double> zone_costs(const std::vector<ZoneFigures> &zones);

struct TransportSolution {
    bool optimal = false;
    double total_cost = 0;     // sum c_ij x_ij
    double total_flow = 0;     // sum of the origins' amounts
    std::vector<double> flows; // row-major origins x destinations
};

/// The transportation problem min sum c_ij x_ij s.t. sum_j x_ij = O_i, sum_i x_ij = D_j, x >= 0,
/// solved as an LP with COIN-OR Clp. Destinations are rescaled to the origins' total first.
/// `cost` is row-major origins x destinations.
TransportSolution solve_transportation(const std::vector<double> &origins,
                                       const std::vector<double> &destinations,
                                       const std::vector<double> &cost);

/// Modelled flows (row-major) by a gravity model; destinations are rescaled to the origins' total.
std::vector<double> gravity_flows(const std::vector<double> &origins,
                                  const std::vector<double> &destinations,
                                  const std::vector<double> &cost, const DistanceDecay &decay,
                                  CommuteModel model);

struct ExcessCommuting {
    double t_min_m = 0; // mean commute of the optimal assignment
    double t_obs_m = 0; // mean commute of the modelled (gravity) assignment
    double excess = 0;  // (T_obs - T_min) / T_obs; 0 when T_obs is 0
};

/// Excess commuting with workers as origins and jobs as destinations over `cost`.
ExcessCommuting excess_commuting(const std::vector<double> &workers,
                                 const std::vector<double> &jobs, const std::vector<double> &cost,
                                 const IndicatorOptions &options);

/// Zone table before and after `allocations` (each adds its units to its parcel's zone) and the
/// city-wide D and excess commuting on both sides. `zone_of[k]` is the zone index of
/// `new_units[k]` (k_none: outside every zone, ignored).
struct JobsHousingResult {
    std::vector<ZoneBalance> zones;
    CityBalance before;
    CityBalance after;
};
JobsHousingResult jobs_housing(const std::vector<ZoneFigures> &zones,
                               const std::vector<int> &zone_of,
                               const std::vector<double> &new_units,
                               const std::vector<double> &new_land_m2,
                               const IndicatorOptions &options);

/// Fills the plan's indicator fields: each allocation's per-parcel indicators, the zone table
/// before and after, and the city-wide balance.
void add_indicators(Plan &plan, const City &city, const IndicatorOptions &options);

} // namespace landalloc
