#include "core/units.hpp"

#include <array>
#include <utility>

namespace landalloc {

namespace {

/// Each quantity with the unit a plan file and the outputs spell it in.
constexpr std::array<std::pair<Quantity, const char *>, 3> k_units = {{
    {Quantity::land_ha, "ha"},
    {Quantity::floor_m2, "m2"},
    {Quantity::units, "units"},
}};

} // namespace

const char *quantity_unit(Quantity q) {
    for (const auto &[quantity, unit] : k_units) {
        if (quantity == q) {
            return unit;
        }
    }
    return "?";
}

std::optional<Quantity> parse_quantity(const std::string &unit) {
    for (const auto &[quantity, name] : k_units) {
        if (unit == name) {
            return quantity;
        }
    }
    return std::nullopt;
}

} // namespace landalloc
