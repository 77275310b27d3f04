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

/// Column-name parts for the station modes (in order): ASCII lower-case letters, digits and '_'
/// (other ASCII characters become '_', a run of other bytes such as a Chinese word one '_'; a
/// mode of no ASCII letter or digit is "mode<k>", k from 1; "" is "other"), unique among them:
/// a repeated one gets _2, _3 ... ("城际" and "地铁" are mode1 and mode2, not one column).
std::vector<std::string> mode_slugs(const std::vector<std::string> &modes);

/// Replaces the straight-line figures of `pi` (rows: the parcels `parcel_of_row`) by the
/// City's figures along the streets, where it has them (allocation/network.hpp).
void use_street_figures(const City &city, const std::vector<std::size_t> &parcel_of_row,
                        ParcelIndicators &pi);

/// The per-parcel indicators (station access, job access, jobs per worker) at the points `at`.
ParcelIndicators indicators_at(const City &city, const std::vector<XY> &at,
                               const IndicatorOptions &opt);

} // namespace landalloc::indicators_internal
