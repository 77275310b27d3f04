#include "allocation/config.hpp"

namespace landalloc {

std::string PlanConfig::where(int line) const {
    std::string s = source_path.empty() ? "built-in plan" : source_path;
    if (line > 0) {
        s += ":" + std::to_string(line);
    }
    return s;
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
