#pragma once
// The exact allocator: the Model as a mixed-integer program solved by CBC (COIN-OR), with a time
// limit and a relative gap target; reports the proven bound and gap. Single-threaded and
// deterministic for a given model (unless the time limit cuts the search short).

#include "allocation/model.hpp"

namespace landalloc {

struct ExactOptions {
    double time_limit_s = 60; // DEFAULT: 60 s
    double gap = 1e-3;        // DEFAULT: stop when the relative gap is below 0.1 %
    bool warm_start = true;   // DEFAULT: start from the heuristic's plan
    int log_level = 0;        // DEFAULT: 0, silent; 1 prints CBC's progress
};

class ExactAllocator final : public Allocator {
  public:
    explicit ExactAllocator(ExactOptions options) : m_options(options) {}
    std::string name() const override { return "exact"; }
    Solution solve(const Model &model) const override;

  private:
    ExactOptions m_options;
};

} // namespace landalloc
