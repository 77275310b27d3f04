#pragma once
// The greedy allocator: year by year, the scarcest target first, the columns with the best value
// per unit of target are taken until the target is reached without passing its upper tolerance.
// Fast and simple; the heuristic improves on it and bounds it, the exact solver proves optimality.

#include "allocation/model.hpp"

namespace landalloc {

class GreedyAllocator final : public Allocator {
  public:
    std::string name() const override { return "greedy"; }
    Solution solve(const Model &model) const override;
};

/// The greedy construction alone: the chosen columns, ascending.
std::vector<std::uint32_t> greedy_construct(const Model &model);

} // namespace landalloc
