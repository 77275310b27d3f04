// The housing plans' rules that are computed rather than parsed (allocation/rules.hpp).

#include "allocation/rules.hpp"

#include <iterator>

namespace landalloc {

int destock_band_index(const DestockingRule &rule, double months) {
    if (!(months > 0)) {
        return -1;
    }
    std::size_t band = 0;
    while (
        band < rule.thresholds_months.size() &&
        (band == 0 ? months >= rule.thresholds_months[0] : months > rule.thresholds_months[band])) {
        ++band;
    }
    return static_cast<int>(band);
}

std::string destock_band(const DestockingRule &rule, double months) {
    const int band = destock_band_index(rule, months);
    if (band < 0) {
        return "unknown";
    }
    static const char *const k_names[] = {"increase", "keep", "reduce", "cut", "stop"};
    if (rule.multipliers.size() == std::size(k_names)) {
        return k_names[band];
    }
    return "band " + std::to_string(band + 1);
}

double destock_multiplier(const DestockingRule &rule, double months) {
    const int band = destock_band_index(rule, months);
    return band < 0 ? rule.unknown_multiplier : rule.multipliers[static_cast<std::size_t>(band)];
}

} // namespace landalloc
