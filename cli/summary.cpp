#include "cli/summary.hpp"

#include <cstdio>
#include <ostream>

namespace landalloc::cli {

void print_summary(std::ostream &out, const Plan &plan) {
    char line[256];
    std::snprintf(line, sizeof line, "%-6s %-20s %-6s %12s %12s %8s %9s %10s  %s\n", "year",
                  "housing type", "unit", "target", "supplied", "parcels", "land ha", "units",
                  "status");
    out << line;
    for (const auto &r : plan.annual) {
        std::snprintf(line, sizeof line, "%-6d %-20s %-6s %12.2f %12.2f %8d %9.2f %10.0f  %s\n",
                      r.year, r.type.c_str(), r.unit.c_str(), r.target, r.supplied, r.parcels,
                      r.supplied_ha, r.supplied_units,
                      r.met ? "met" : (r.binding ? "NOT MET (binding)" : "not met"));
        out << line;
    }
    out << "solver: " << plan.solver << "; " << plan.allocations.size()
        << " parcels allocated; status: " << plan.status << "\n";
}

} // namespace landalloc::cli
