#pragma once
// Work spread over the machine's cores (`landalloc plan --threads`; docs/performance.md). Every
// use gives the same result on any number of threads: each item is computed alone into its own
// slot, and the items' results are combined in index order afterwards.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace landalloc {

/// The threads parallel work may use: set_threads's, else the machine's cores; at least 1.
unsigned threads();

/// Sets threads(); 0 means the machine's cores.
void set_threads(unsigned n);

/// Calls f(worker, i) once for every i in [0, n), on up to threads() threads at once, worker 0
/// being the calling thread and worker w < workers(n, grain). Items are handed out in blocks of
/// `grain` in increasing order. If calls throw, the exception of the lowest such i is rethrown
/// once every thread has stopped: the same one a single thread meets first.
template <class F> void parallel_for(std::size_t n, std::size_t grain, F &&f);

/// The workers parallel_for(n, grain, ...) uses: what a caller sizes per-worker state by.
inline unsigned workers(std::size_t n, std::size_t grain) {
    grain = std::max<std::size_t>(grain, 1);
    const std::size_t blocks = (n + grain - 1) / grain;
    return static_cast<unsigned>(
        std::max<std::size_t>(1, std::min<std::size_t>(threads(), blocks)));
}

template <class F> void parallel_for(std::size_t n, std::size_t grain, F &&f) {
    grain = std::max<std::size_t>(grain, 1);
    const unsigned w = workers(n, grain);
    if (w == 1) {
        for (std::size_t i = 0; i < n; ++i) {
            f(0u, i);
        }
        return;
    }
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    struct Failure {
        std::size_t at = static_cast<std::size_t>(-1);
        std::exception_ptr error;
    };
    std::vector<Failure> failures(w);
    auto work = [&](unsigned worker) {
        // A worker that fails finishes nothing more; the others finish the block they hold (it
        // may hold a lower index) and take no new one.
        while (!failed.load(std::memory_order_relaxed)) {
            const std::size_t begin = next.fetch_add(grain, std::memory_order_relaxed);
            if (begin >= n) {
                return;
            }
            const std::size_t end = std::min(n, begin + grain);
            for (std::size_t i = begin; i < end; ++i) {
                try {
                    f(worker, i);
                } catch (...) {
                    failures[worker] = {i, std::current_exception()};
                    failed.store(true, std::memory_order_relaxed);
                    return;
                }
            }
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(w - 1);
    for (unsigned t = 1; t < w; ++t) {
        pool.emplace_back(work, t);
    }
    work(0);
    for (std::thread &t : pool) {
        t.join();
    }
    const auto first =
        std::min_element(failures.begin(), failures.end(),
                         [](const Failure &a, const Failure &b) { return a.at < b.at; });
    if (first->error) {
        std::rethrow_exception(first->error);
    }
}

} // namespace landalloc
