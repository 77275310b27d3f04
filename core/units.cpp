#include "core/units.hpp"

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

std::optional<Quantity> parse_quantity(const std::string &unit) {
    if (unit == "ha") {
        return Quantity::land_ha;
    }
    if (unit == "m2") {
        return Quantity::floor_m2;
    }
    if (unit == "units") {
        return Quantity::units;
    }
    return std::nullopt;
}

} // namespace landalloc
