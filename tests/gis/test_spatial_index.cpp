#include "gis/spatial_index.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace landalloc::gis;

namespace {
std::vector<Point> random_points(std::size_t n, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::vector<Point> pts;
    for (std::size_t i = 0; i < n; ++i) {
        pts.push_back({static_cast<double>(rng() % 100000) / 10.0,
                       static_cast<double>(rng() % 100000) / 10.0});
    }
    return pts;
}
} // namespace

TEST(PointIndex, NearestMatchesBruteForce) {
    const unsigned seed = 7;
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto pts = random_points(500, seed);
    const PointIndex index(pts);
    for (const auto &q : random_points(200, seed + 1)) {
        double best = 1e300;
        for (const auto &p : pts) {
            best = std::min(best, std::hypot(p.x - q.x, p.y - q.y));
        }
        const auto [i, d] = index.nearest(q);
        ASSERT_NE(i, PointIndex::npos);
        EXPECT_DOUBLE_EQ(d, best);
        EXPECT_DOUBLE_EQ(std::hypot(pts[i].x - q.x, pts[i].y - q.y), best);
    }
}

TEST(PointIndex, TiesGoToLowestIndex) {
    const PointIndex index({{10, 0}, {-10, 0}, {0, 10}});
    const auto [i, d] = index.nearest({0, 0});
    EXPECT_EQ(i, 0u);
    EXPECT_DOUBLE_EQ(d, 10.0);
}

TEST(PointIndex, WithinRadiusMatchesBruteForce) {
    const auto pts = random_points(800, 11);
    const PointIndex index(pts);
    const Point q{5000, 5000};
    std::vector<std::size_t> expected;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        if (std::hypot(pts[i].x - q.x, pts[i].y - q.y) <= 800) {
            expected.push_back(i);
        }
    }
    EXPECT_EQ(index.within(q, 800), expected);
    EXPECT_FALSE(expected.empty());
}

TEST(PointIndex, EmptyIndexHasNoNearest) {
    const PointIndex index;
    EXPECT_EQ(index.nearest({0, 0}).first, PointIndex::npos);
}

TEST(BoxIndex, QueryFindsOverlappingBoxesOnly) {
    std::vector<Geometry> g;
    g.push_back(Geometry::from_wkt("POLYGON((0 0,10 0,10 10,0 10,0 0))"));
    g.push_back(Geometry::from_wkt("POLYGON((20 20,30 20,30 30,20 30,20 20))"));
    g.push_back(Geometry()); // null geometries are skipped
    g.push_back(Geometry::from_wkt("POLYGON((5 5,25 5,25 25,5 25,5 5))"));
    const BoxIndex index(g);
    EXPECT_EQ(index.size(), 3u);
    EXPECT_EQ(index.query({8, 8, 9, 9}), (std::vector<std::size_t>{0, 3}));
    EXPECT_EQ(index.query({100, 100, 101, 101}), std::vector<std::size_t>{});
    EXPECT_EQ(index.nearest({40, 40}, 1), std::vector<std::size_t>{1});
}
