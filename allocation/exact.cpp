#include "allocation/exact.hpp"

#include "allocation/heuristic.hpp"
#include "allocation/milp.hpp"

#include <coin/CbcModel.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

namespace landalloc {

namespace {

/// CbcMain0/CbcMain1 keep state in statics (CBC 2.10's CbcSolver.cpp): one solve at a time in a
/// process, however many threads call (core/parallel.hpp; the balance runs solve side by side).
std::mutex g_cbc_mutex;

} // namespace

Solution ExactAllocator::solve(const Model &m) const {
    const std::lock_guard<std::mutex> one_at_a_time(g_cbc_mutex);
    const auto t0 = std::chrono::steady_clock::now();
    OsiClpSolverInterface lp;
    const MilpLayout layout = load_milp(m, lp);
    for (int c = 0; c < layout.n_x; ++c) {
        lp.setInteger(c);
    }
    for (const auto *flags : {&layout.flag_col, &layout.side_flag_col}) {
        for (int c : *flags) {
            if (c >= 0) {
                lp.setInteger(c);
            }
        }
    }

    CbcModel cbc(lp);
    cbc.setLogLevel(0);
    cbc.messageHandler()->setLogLevel(0);

    // Warm start from the heuristic's plan (a valid incumbent; CBC checks it). Its bound is not
    // needed (CBC proves its own), so it computes none.
    Solution start;
    if (m_options.warm_start) {
        HeuristicOptions warm;
        warm.bound_iterations = 0;
        start = HeuristicAllocator(warm).solve(m);
        const std::vector<double> x = full_solution(m, layout, start.chosen);
        cbc.setBestSolution(x.data(), layout.n_cols, -start.report.objective, /*check=*/true);
    }

    // The time limit is the whole solve's: CBC gets what the model and the warm start left (at
    // least a tenth of a second, so it reports a bound).
    const double spent =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string sec = std::to_string(std::max(0.1, m_options.time_limit_s - spent));
    const std::string gap = std::to_string(m_options.gap);
    const std::string log = std::to_string(m_options.log_level);
    const char *argv[] = {"landalloc", "-log",      log.c_str(), "-sec", sec.c_str(),
                          "-ratioGap", gap.c_str(), "-threads",  "0",    "-timeMode",
                          "elapsed",   "-solve",    "-quit"};
    CbcMain0(cbc);
    cbc.setLogLevel(m_options.log_level);
    CbcMain1(static_cast<int>(sizeof argv / sizeof argv[0]), argv, cbc);

    Solution s;
    s.report.solver = "exact (CBC)";
    const double *best = cbc.bestSolution();
    if (best) {
        for (int c = 0; c < layout.n_x; ++c) {
            if (best[c] > 0.5) {
                s.chosen.push_back(static_cast<std::uint32_t>(c));
            }
        }
    } else if (m_options.warm_start) {
        s.chosen = start.chosen;
    }
    s.report.objective = evaluate(m, s.chosen).objective;
    const double bound = -cbc.getBestPossibleObjValue();
    s.report.bound = std::max(bound, s.report.objective);
    s.report.unavoidable_cost = unavoidable_cost(m);
    s.report.gap = relative_gap(s.report.bound, s.report.objective, s.report.unavoidable_cost);
    // CBC's status: 0 finished (optimal or proven within the gap target), 1 stopped on a limit.
    if (cbc.status() == 0 && s.report.gap <= 1e-9) {
        s.report.status = "optimal";
        s.report.proven_optimal = true;
    } else if (cbc.status() == 0) {
        s.report.status = "optimal within the gap target";
        s.report.proven_optimal = true;
    } else if (cbc.secondaryStatus() == 4 || cbc.maximumSecondsReached()) {
        s.report.status = "time limit reached";
        s.report.proven_optimal = false;
    } else {
        s.report.status = "stopped (CBC status " + std::to_string(cbc.status()) + "/" +
                          std::to_string(cbc.secondaryStatus()) + ")";
        s.report.proven_optimal = false;
    }
    s.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return s;
}

} // namespace landalloc
