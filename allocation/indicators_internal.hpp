#pragma once
// Internal to the indicators (access.cpp: station, gravity and 2SFCA access; balance.cpp: zone
// balance and dissimilarity; commuting.cpp: transportation LP, gravity flows, excess commuting;
// indicators.cpp: a plan's indicators). Not for use outside those files.

#include "allocation/indicators.hpp"

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace landalloc::indicators_internal {

inline double dist(double ax, double ay, double bx, double by) {
    const double dx = ax - bx;
    const double dy = ay - by;
    return std::sqrt(dx * dx + dy * dy);
}

inline double sum_of(const std::vector<double> &v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

/// Field-name-safe spelling of a station mode: lower-case letters, digits and '_'.
std::string field_safe(const std::string &s);

/// Replaces the straight-line figures of `pi` (rows: the parcels `parcel_of_row`) by the
/// City's figures along the streets, where it has them (allocation/network.hpp).
void use_street_figures(const City &city, const std::vector<std::size_t> &parcel_of_row,
                        ParcelIndicators &pi);

/// The per-parcel indicators (station access, job access, jobs per worker) at the points `at`.
ParcelIndicators indicators_at(const City &city, const std::vector<XY> &at,
                               const IndicatorOptions &opt);

} // namespace landalloc::indicators_internal
