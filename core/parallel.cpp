#include "core/parallel.hpp"

namespace landalloc {

namespace {

std::atomic<unsigned> g_threads{0}; // 0: the machine's cores

} // namespace

unsigned threads() {
    const unsigned n = g_threads.load(std::memory_order_relaxed);
    return n > 0 ? n : std::max(1u, std::thread::hardware_concurrency());
}

void set_threads(unsigned n) { g_threads.store(n, std::memory_order_relaxed); }

} // namespace landalloc
