#pragma once
// Housing types and the one place where land, floor area and units convert into each other.

#include <string>

namespace landalloc {

struct HousingType {
    std::string id;       // commercial, affordable_rental, public_rental, ...
    std::string name_zh;  // 商品住房, 保障性租赁住房, ...
    double unit_m2 = 90;  // average floor area of one unit
    double far_min = 1.0; // lowest plot ratio at which the type is built
    double far_max = 3.0; // highest plot ratio the type is built at
    bool rental = false;  // counts towards the rental share (AR, public rental)
};

/// What a target counts.
enum class Quantity { land_ha, floor_m2, units };

const char *quantity_unit(Quantity q);            // "ha", "m2", "units"
Quantity parse_quantity(const std::string &unit); // throws std::invalid_argument

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
        return area_m2 / 1e4;
    case Quantity::floor_m2:
        return floor_area_m2(area_m2, far);
    case Quantity::units:
        return units_from_floor(floor_area_m2(area_m2, far), t);
    }
    return 0;
}

} // namespace landalloc
