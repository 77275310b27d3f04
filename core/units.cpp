#include "core/units.hpp"

#include <stdexcept>

namespace landalloc {

const char *quantity_unit(Quantity q) {
    switch (q) {
    case Quantity::land_ha:
        return "ha";
    case Quantity::floor_m2:
        return "m2";
    case Quantity::units:
        return "units";
    }
    return "?";
}

Quantity parse_quantity(const std::string &unit) {
    if (unit == "ha") {
        return Quantity::land_ha;
    }
    if (unit == "m2") {
        return Quantity::floor_m2;
    }
    if (unit == "units") {
        return Quantity::units;
    }
    throw std::invalid_argument("unit must be \"ha\", \"m2\" or \"units\", not \"" + unit + "\"");
}

} // namespace landalloc
