#pragma once
// Internal to the building of the Model (model.cpp: target rows, columns, costs; model_rules.cpp:
// the side rows of the rules and group targets). Not for use outside allocation/model*.cpp.

#include "allocation/model.hpp"

#include <string>
#include <vector>

namespace landalloc::model_build {

/// The index of the zone with id `id`; a PlanFileError naming the plan file's `key` and `line`
/// when the zones layer has none.
int zone_by_id(const PlanConfig &cfg, const City &city, const std::string &id, int line,
               const std::string &key);

/// Whether `zone` is in a target's zone mask (empty: every zone).
inline bool in_mask(const std::vector<bool> &mask, int zone) {
    return mask.empty() || (zone >= 0 && mask[static_cast<std::size_t>(zone)]);
}

/// Adds the side rows of the rules (allocation/rules.hpp) and of the group targets, with their
/// coefficients and costs, to a model whose columns are built. `target_mask`: each target's
/// allowed zones (empty: all).
void add_side_rows(Model &m, const std::vector<std::vector<bool>> &target_mask);

} // namespace landalloc::model_build
