#pragma once
// The one plan object: what was allocated, the targets against what was supplied, the diagnosis
// and the run metadata. The allocator fills it; every output (GeoPackage layers, summary, report)
// is rendered from it and recomputes nothing.

#include <string>
#include <utility>
#include <vector>

namespace landalloc {

struct ScorePart {
    std::string name; // transit, jobs, zone_class
    double value = 0; // weighted contribution to the score
};

struct Allocation {
    std::size_t parcel = 0; // index into City::parcels
    int year = 0;
    std::string type; // housing type id
    double far = 0;   // plot ratio applied
    double area_m2 = 0;
    double floor_m2 = 0;
    double units = 0;
    double score = 0;
    std::vector<ScorePart> score_parts;
    std::string reasons; // rules that applied, human readable
};

struct AnnualRow {
    int year = 0;
    std::string type;
    std::string unit; // ha, m2 or units: the unit of `target` and `supplied`
    double target = 0;
    double tolerance = 0; // relative
    bool binding = true;  // 约束性 (true) or 预期性 (false)
    double supplied = 0;
    double supplied_ha = 0;
    double supplied_floor_m2 = 0;
    double supplied_units = 0;
    int parcels = 0;
    bool met = false; // supplied within target x (1 +- tolerance)
    std::string note; // why not met, when not
};

struct Plan {
    std::vector<Allocation> allocations; // sorted by (year, type, parcel id)
    std::vector<AnnualRow> annual;       // sorted by (year, type)
    std::string solver;
    std::string status; // "all targets met" or what is not
    double objective = 0;
    std::vector<std::pair<std::string, std::string>> metadata; // run metadata, in order

    bool binding_targets_met() const {
        for (const auto &r : annual) {
            if (r.binding && !r.met) {
                return false;
            }
        }
        return true;
    }
};

} // namespace landalloc
