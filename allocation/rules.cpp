// The housing plans' rules that are computed rather than parsed (allocation/rules.hpp).

#include "allocation/rules.hpp"

namespace landalloc {

double destock_multiplier(const DestockingRule &rule, double months) {
    if (!(months > 0)) {
        return rule.unknown_multiplier;
    }
    std::size_t band = 0;
    while (
        band < rule.thresholds_months.size() &&
        (band == 0 ? months >= rule.thresholds_months[0] : months > rule.thresholds_months[band])) {
        ++band;
    }
    return rule.multipliers[band];
}

} // namespace landalloc
