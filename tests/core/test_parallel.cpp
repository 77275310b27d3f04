// core/parallel.hpp: every item once, on the threads asked for, and the error a single thread
// would meet first.

#include "core/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace landalloc;

namespace {

struct ThreadsSetTo {
    explicit ThreadsSetTo(unsigned n) { set_threads(n); }
    ~ThreadsSetTo() { set_threads(0); }
};

} // namespace

TEST(Parallel, ThreadsAreTheMachinesCoresUnlessSet) {
    EXPECT_EQ(threads(), std::max(1u, std::thread::hardware_concurrency()));
    const ThreadsSetTo three(3);
    EXPECT_EQ(threads(), 3u);
}

TEST(Parallel, EveryItemOnceOnAsManyWorkersAsAsked) {
    const ThreadsSetTo four(4);
    const std::size_t n = 10007;
    std::vector<std::atomic<int>> calls(n);
    std::mutex mutex;
    std::set<unsigned> worker_ids;
    std::set<std::thread::id> thread_ids;
    parallel_for(n, 16, [&](unsigned worker, std::size_t i) {
        calls[i].fetch_add(1);
        const std::lock_guard<std::mutex> lock(mutex);
        worker_ids.insert(worker);
        thread_ids.insert(std::this_thread::get_id());
    });
    for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(calls[i].load(), 1) << i;
    }
    EXPECT_EQ(workers(n, 16), 4u);
    EXPECT_LE(worker_ids.size(), 4u);
    EXPECT_LT(*worker_ids.rbegin(), 4u);
    EXPECT_EQ(worker_ids.size(), thread_ids.size()) << "one thread a worker";
}

TEST(Parallel, FewItemsTakeFewWorkersAndNoneTakeNone) {
    const ThreadsSetTo eight(8);
    EXPECT_EQ(workers(3, 1), 3u);
    EXPECT_EQ(workers(1000, 512), 2u);
    EXPECT_EQ(workers(0, 512), 1u);
    int calls = 0;
    parallel_for(0, 4, [&](unsigned, std::size_t) { ++calls; });
    EXPECT_EQ(calls, 0);
    const ThreadsSetTo one(1);
    std::vector<std::size_t> order;
    parallel_for(5, 2, [&](unsigned worker, std::size_t i) {
        EXPECT_EQ(worker, 0u);
        order.push_back(i);
    });
    EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4})) << "one thread: in order";
}

TEST(Parallel, TheLowestFailingItemsErrorIsTheOneRethrown) {
    // Items 300 and 700 fail, on whichever thread takes them: the error is 300's every time, as
    // one thread going in order meets it first.
    for (const unsigned n : {1u, 2u, 4u}) {
        const ThreadsSetTo set(n);
        for (int attempt = 0; attempt < 20; ++attempt) {
            try {
                parallel_for(1000, 7, [](unsigned, std::size_t i) {
                    if (i == 300 || i == 700) {
                        throw std::runtime_error("item " + std::to_string(i));
                    }
                });
                ADD_FAILURE() << "no error rethrown";
            } catch (const std::runtime_error &e) {
                EXPECT_EQ(std::string(e.what()), "item 300") << n << " threads";
            }
        }
    }
}
