#pragma once
// The one place where land, floor area and units convert into each other.

#include "core/domain.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace landalloc {

/// Physical limits every number read is checked against (docs/exit-codes.md): a city's areas,
/// floor areas, populations, jobs and targets are far below 1e12 (China's land is 9.6e12 m^2),
/// and anything larger is a typo that would only overflow the solver.
constexpr double k_max_quantity = 1e12;
/// The years a plan may name.
constexpr int k_min_year = 1900;
constexpr int k_max_year = 2200;
/// The largest plan file read: a plan file holds targets and rules, not data.
constexpr std::size_t k_max_plan_file_bytes = 10u * 1024u * 1024u;

/// What a target counts.
enum class Quantity { land_ha, floor_m2, units };

const char *quantity_unit(Quantity q); // "ha", "m2", "units"
/// The quantity a unit names ("ha", "m2", "units"); nullopt for any other text.
std::optional<Quantity> parse_quantity(const std::string &unit);

/// Hectares from square metres, and back.
inline double ha_from_m2(double m2) { return m2 / 1e4; }
inline double m2_from_ha(double ha) { return ha * 1e4; }
/// Floor area (m^2) built on `area_m2` of land at plot ratio `far`.
inline double floor_area_m2(double area_m2, double far) { return area_m2 * far; }
/// Units from floor area for a housing type.
inline double units_from_floor(double floor_m2, const HousingType &t) {
    return floor_m2 / t.unit_m2;
}
/// A parcel's contribution, in the target's quantity.
inline double quantity_of(Quantity q, double area_m2, double far, const HousingType &t) {
    switch (q) {
    case Quantity::land_ha:
        return ha_from_m2(area_m2);
    case Quantity::floor_m2:
        return floor_area_m2(area_m2, far);
    case Quantity::units:
        return units_from_floor(floor_area_m2(area_m2, far), t);
    }
    return 0;
}

} // namespace landalloc
