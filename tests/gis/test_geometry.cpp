#include "core/errors.hpp"
#include "gis/geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

using landalloc::gis::Geometry;
using landalloc::gis::Point;

TEST(Geometry, AreaAndBoundsOfSquare) {
    const auto g = Geometry::from_wkt("POLYGON((0 0,100 0,100 100,0 100,0 0))");
    EXPECT_DOUBLE_EQ(g.area(), 10000.0);
    const auto b = g.bounds();
    EXPECT_DOUBLE_EQ(b.min_x, 0);
    EXPECT_DOUBLE_EQ(b.max_y, 100);
    EXPECT_TRUE(g.is_polygonal());
    EXPECT_FALSE(g.is_point());
}

TEST(Geometry, IntersectionAreaOfOverlappingSquares) {
    const auto a = Geometry::from_wkt("POLYGON((0 0,100 0,100 100,0 100,0 0))");
    const auto b = Geometry::from_wkt("POLYGON((50 50,150 50,150 150,50 150,50 50))");
    EXPECT_NEAR(a.intersection_area(b), 2500.0, 1e-9);
    const auto far = Geometry::from_wkt("POLYGON((500 500,600 500,600 600,500 600,500 500))");
    EXPECT_EQ(a.intersection_area(far), 0.0);
    EXPECT_NEAR(a.distance(far), std::hypot(400.0, 400.0), 1e-9);
}

TEST(Geometry, PreparedPredicatesAgreeWithTheOverlay) {
    // An L-shaped zone, prepared: a square in its arm is covered, one across the notch's edge
    // intersects without being covered, and one in the notch touches nothing, as the overlay's
    // areas say.
    const Geometry zone =
        Geometry::polygon({{0, 0}, {100, 0}, {100, 40}, {40, 40}, {40, 100}, {0, 100}});
    landalloc::gis::PreparedGeometry prepared(zone);
    const Geometry inside = Geometry::rectangle({20, 70}, 10, 10, 0);
    const Geometry across = Geometry::rectangle({40, 60}, 10, 10, 0);
    const Geometry clear = Geometry::rectangle({70, 70}, 10, 10, 0);
    EXPECT_TRUE(prepared.covers(inside));
    EXPECT_NEAR(zone.intersection_area(inside), inside.area(), 1e-9);
    EXPECT_FALSE(prepared.covers(across));
    EXPECT_TRUE(prepared.intersects(across));
    EXPECT_NEAR(zone.intersection_area(across), 50, 1e-9);
    EXPECT_FALSE(prepared.covers(clear));
    EXPECT_FALSE(prepared.intersects(clear));
    EXPECT_EQ(zone.intersection_area(clear), 0);
    // Moved, it still answers (the facts keep a vector of them).
    const landalloc::gis::PreparedGeometry moved(std::move(prepared));
    EXPECT_TRUE(moved.covers(inside));
}

TEST(Geometry, InteriorPointOfConcavePolygonIsInside) {
    // A U shape whose centroid lies outside it.
    const auto u =
        Geometry::from_wkt("POLYGON((0 0,30 0,30 100,20 100,20 10,10 10,10 100,0 100,0 0))");
    const Point c = u.centroid();
    EXPECT_FALSE(u.covers_point(c));
    EXPECT_TRUE(u.covers_point(u.interior_point()));
}

TEST(Geometry, RectangleHasRequestedAreaWhenRotated) {
    const auto r = Geometry::rectangle({1000, 2000}, 40, 25, 0.7);
    EXPECT_NEAR(r.area(), 1000.0, 1e-6);
    EXPECT_TRUE(r.covers_point({1000, 2000}));
}

TEST(Geometry, BufferOfPointApproximatesCircle) {
    const auto c = Geometry::point({0, 0}).buffer(100, 32);
    EXPECT_NEAR(c.area(), std::numbers::pi * 100 * 100, 0.01 * std::numbers::pi * 100 * 100);
}

TEST(Geometry, MakeValidRepairsBowTie) {
    const auto bow = Geometry::from_wkt("POLYGON((0 0,10 10,10 0,0 10,0 0))");
    EXPECT_FALSE(bow.is_valid());
    EXPECT_NE(bow.invalid_reason(), "");
    const auto fixed = bow.make_valid();
    EXPECT_TRUE(fixed.is_valid());
    EXPECT_NEAR(fixed.area(), 50.0, 1e-9);
}

TEST(Geometry, WkbRoundTripAndCopy) {
    const auto g = Geometry::from_wkt("POLYGON((0 0,4 0,4 3,0 0))");
    const auto wkb = g.to_wkb();
    const auto back = Geometry::from_wkb(wkb.data(), wkb.size());
    EXPECT_TRUE(back.equals_exact(g, 0.0));
    Geometry copy = g; // deep copy
    EXPECT_TRUE(copy.equals_exact(g, 0.0));
    EXPECT_DOUBLE_EQ(copy.area(), 6.0);
}

TEST(Geometry, VoronoiCellsPartitionTheClipInSiteOrder) {
    const auto clip = Geometry::from_wkt("POLYGON((0 0,1000 0,1000 600,0 600,0 0))");
    const std::vector<Point> sites = {{100, 100}, {800, 500}, {500, 300}, {900, 50}};
    const auto cells = Geometry::voronoi_cells(sites, clip);
    ASSERT_EQ(cells.size(), sites.size());
    double total = 0;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        EXPECT_TRUE(cells[i].covers_point(sites[i])) << "cell " << i;
        total += cells[i].area();
    }
    EXPECT_NEAR(total, clip.area(), 1e-6);
}

TEST(Geometry, BadWktIsAnError) {
    EXPECT_THROW(Geometry::from_wkt("POLYGON((0 0, 1"), landalloc::GisError);
}

TEST(Geometry, NullGeometryOperationsThrow) {
    const Geometry g;
    EXPECT_TRUE(g.is_null());
    EXPECT_TRUE(g.is_empty());
    EXPECT_THROW((void)g.area(), landalloc::GisError);
}

// Geometries kept as WKB come back vertex for vertex, nulls as nulls, in the order added.
TEST(Geometry, WkbStoreGivesBackEachGeometryExactly) {
    const Geometry square = Geometry::polygon({{0.1, 0.2}, {10.3, 0.2}, {10.3, 7.7}, {0.1, 7.7}});
    const Geometry multi =
        Geometry::from_wkt("MULTIPOLYGON (((0 0, 3 0, 3 3, 0 3, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1)), "
                           "((5 5, 6.123456789012 5, 6 6.987654321098, 5 5)))");
    landalloc::gis::WkbStore store;
    store.add(square);
    store.add(Geometry());
    store.add(multi);
    ASSERT_EQ(store.size(), 3u);
    EXPECT_EQ(store.get(0).to_wkb(), square.to_wkb());
    EXPECT_TRUE(store.get(0).equals_exact(square, 0));
    EXPECT_TRUE(store.get(1).is_null());
    EXPECT_TRUE(store.get(2).equals_exact(multi, 0));
    EXPECT_EQ(store.get(2).type_name(), "MultiPolygon");
    EXPECT_THROW(store.get(3), std::out_of_range);
}
