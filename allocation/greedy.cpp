#include "allocation/greedy.hpp"

#include <algorithm>
#include <numeric>

namespace landalloc {

std::vector<Assignment> GreedyAllocator::solve(const AllocationProblem &pr) const {
    const PlanConfig &plan = *pr.plan;
    const City &city = *pr.city;
    std::vector<bool> used(pr.n_parcels, false);
    std::vector<Assignment> out;

    for (int y = 0; y < plan.years(); ++y) {
        const int year = plan.first_year + y;

        // Targets of this year, the one with the least eligible land first.
        std::vector<std::size_t> order(plan.targets.size());
        std::iota(order.begin(), order.end(), 0);
        std::vector<double> supply(plan.targets.size(), 0.0);
        for (std::size_t k = 0; k < plan.targets.size(); ++k) {
            const auto type = static_cast<std::size_t>(plan.type_index(plan.targets[k].type));
            for (std::size_t i = 0; i < pr.n_parcels; ++i) {
                if (!used[i] && pr.available(i, year) && pr.eligible(i, type)) {
                    supply[k] += city.parcels[i].area_m2;
                }
            }
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return supply[a] < supply[b]; });

        for (std::size_t k : order) {
            const Target &tg = plan.targets[k];
            const auto type = static_cast<std::size_t>(plan.type_index(tg.type));
            const double target = tg.values[static_cast<std::size_t>(y)];
            if (target <= 0) {
                continue;
            }
            const double upper = target * (1.0 + tg.tolerance);
            std::vector<std::size_t> cands;
            for (std::size_t i = 0; i < pr.n_parcels; ++i) {
                if (!used[i] && pr.available(i, year) && pr.eligible(i, type)) {
                    cands.push_back(i);
                }
            }
            std::sort(cands.begin(), cands.end(), [&](std::size_t a, std::size_t b) {
                const double sa = pr.score[pr.at(a, type)];
                const double sb = pr.score[pr.at(b, type)];
                if (sa != sb) {
                    return sa > sb;
                }
                return city.parcels[a].id < city.parcels[b].id;
            });
            double supplied = 0;
            for (std::size_t i : cands) {
                if (supplied >= target) {
                    break;
                }
                const double q = pr.quantity(i, tg, type);
                if (supplied + q <= upper) {
                    supplied += q;
                    used[i] = true;
                    out.push_back({i, year, type});
                }
            }
        }
    }
    return out;
}

} // namespace landalloc
