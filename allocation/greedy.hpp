#pragma once
// The greedy allocator: year by year, the scarcest housing type first, the best-scoring eligible
// parcels are taken until the target is reached without passing its upper tolerance.

#include "allocation/problem.hpp"

namespace landalloc {

class GreedyAllocator final : public Allocator {
  public:
    std::string name() const override { return "greedy"; }
    std::vector<Assignment> solve(const AllocationProblem &problem) const override;
};

} // namespace landalloc
