#pragma once
// Spatial indexes over bounding boxes and points: Boost.Geometry R-trees holding item indices.
// Exact tests (GEOS) are left to the caller; the index only narrows the candidates.

#include "gis/geometry.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <cstddef>
#include <utility>
#include <vector>

namespace landalloc::gis {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

using BgPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BgBox = bg::model::box<BgPoint>;

inline BgBox to_box(const Bounds &b) { return {{b.min_x, b.min_y}, {b.max_x, b.max_y}}; }

/// Boxes of items, queried by overlap or by distance to a point.
class BoxIndex {
  public:
    BoxIndex() = default;
    /// Bulk-loads the bounds of `geoms` (null geometries are skipped).
    explicit BoxIndex(const std::vector<Geometry> &geoms);

    /// Indices of items whose box intersects `b`, in ascending order.
    std::vector<std::size_t> query(const Bounds &b) const;
    /// Indices of the k items whose boxes are nearest to p (box distance), ascending by index.
    std::vector<std::size_t> nearest(Point p, std::size_t k) const;
    std::size_t size() const { return m_tree.size(); }

  private:
    using Value = std::pair<BgBox, std::size_t>;
    bgi::rtree<Value, bgi::rstar<16>> m_tree;
};

/// Polygons queried for the one covering a point: boxes narrow the candidates, GEOS decides.
/// Keeps a reference to `geoms`, which must outlive it.
class PolygonIndex {
  public:
    explicit PolygonIndex(const std::vector<Geometry> &geoms) : m_geoms(geoms), m_boxes(geoms) {}

    /// The lowest index of the polygons covering p (its boundary included), or npos.
    std::size_t covering(Point p) const;

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  private:
    const std::vector<Geometry> &m_geoms;
    BoxIndex m_boxes;
};

/// Points of items, queried for the nearest ones.
class PointIndex {
  public:
    PointIndex() = default;
    explicit PointIndex(const std::vector<Point> &points);

    /// The nearest item to p and its distance; {npos, inf} when empty. Ties go to the lower index.
    std::pair<std::size_t, double> nearest(Point p) const;
    /// Indices of items within `radius` of p, in ascending order.
    std::vector<std::size_t> within(Point p, double radius) const;
    std::size_t size() const { return m_tree.size(); }

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  private:
    using Value = std::pair<BgPoint, std::size_t>;
    bgi::rtree<Value, bgi::rstar<16>> m_tree;
};

} // namespace landalloc::gis
