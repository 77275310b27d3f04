#pragma once
// The allocation problem in numbers: which parcel may take which housing type, at what plot
// ratio, with what score. Built once from the City and the plan; allocation/model.hpp turns it
// into the mixed-integer program every allocator solves.

#include "allocation/plan_config.hpp"
#include "layers/domain.hpp"
#include "layers/plan.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace landalloc {

/// Why a parcel can never take a housing type (or `ok`).
enum class Eligibility : unsigned char {
    ok,
    excluded,         // overlaps an exclusion constraint
    type_not_allowed, // the parcel's allowed types leave this one out
    far_too_low,      // the parcel's plot-ratio cap is below the type's minimum
    outside_zones,    // the parcel lies in no zone
};

const char *eligibility_reason(Eligibility e);

struct AllocationProblem {
    const City *city = nullptr;
    const PlanConfig *plan = nullptr;
    std::size_t n_parcels = 0;
    std::size_t n_types = 0;
    // Indexed [parcel * n_types + type].
    std::vector<Eligibility> eligibility;
    std::vector<double> far;   // plot ratio the type would be built at
    std::vector<double> score; // suitability in [0, 1]
    std::vector<std::vector<ScorePart>> parts;

    std::size_t at(std::size_t parcel, std::size_t type) const { return parcel * n_types + type; }
    bool eligible(std::size_t parcel, std::size_t type) const {
        return eligibility[at(parcel, type)] == Eligibility::ok;
    }
};

/// One decision: parcel -> (year, type).
struct Assignment {
    std::size_t parcel = 0;
    int year = 0;
    std::size_t type = 0;
};

AllocationProblem build_problem(const City &city, const PlanConfig &plan);

} // namespace landalloc
