#include "allocation/config.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace landalloc {

std::string PlanConfig::where(int line) const {
    std::string s = source_path.empty() ? "built-in plan" : source_path;
    if (line > 0) {
        s += ":" + std::to_string(line);
    }
    return s;
}

double Target::upper_bound(double figure) const {
    return at_least ? std::numeric_limits<double>::infinity() : figure * (1.0 + tolerance);
}

const char *Target::status(double figure, double supplied) const {
    const double slack = 1e-9 * std::max(std::abs(figure), 1.0);
    if (supplied > upper_bound(figure) + slack) {
        return "over";
    }
    if (supplied >= figure - slack) {
        return "met";
    }
    return supplied >= lower_bound(figure) - slack ? "within tolerance" : "short";
}

int PlanConfig::type_index(const std::string &id) const {
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (types[i].id == id) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

} // namespace landalloc
