#include "gis/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace landalloc::gis {

BoxIndex::BoxIndex(const std::vector<Geometry> &geoms) {
    std::vector<Value> values;
    values.reserve(geoms.size());
    for (std::size_t i = 0; i < geoms.size(); ++i) {
        if (!geoms[i].is_empty()) {
            values.emplace_back(to_box(geoms[i].bounds()), i);
        }
    }
    m_tree = bgi::rtree<Value, bgi::rstar<16>>(values.begin(), values.end());
}

std::vector<std::size_t> BoxIndex::query(const Bounds &b) const {
    std::vector<Value> hits;
    m_tree.query(bgi::intersects(to_box(b)), std::back_inserter(hits));
    std::vector<std::size_t> out;
    out.reserve(hits.size());
    for (const auto &h : hits) {
        out.push_back(h.second);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::size_t> BoxIndex::nearest(Point p, std::size_t k) const {
    std::vector<Value> hits;
    m_tree.query(bgi::nearest(BgPoint(p.x, p.y), static_cast<unsigned>(k)),
                 std::back_inserter(hits));
    std::vector<std::size_t> out;
    for (const auto &h : hits) {
        out.push_back(h.second);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::size_t PolygonIndex::covering(Point p) const {
    for (std::size_t i : m_boxes.query(Bounds{p.x, p.y, p.x, p.y})) {
        if (m_geoms[i].covers_point(p)) {
            return i;
        }
    }
    return npos;
}

PointIndex::PointIndex(const std::vector<Point> &points) {
    std::vector<Value> values;
    values.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        values.emplace_back(BgPoint(points[i].x, points[i].y), i);
    }
    m_tree = bgi::rtree<Value, bgi::rstar<16>>(values.begin(), values.end());
}

std::pair<std::size_t, double> PointIndex::nearest(Point p) const {
    if (m_tree.empty()) {
        return {npos, std::numeric_limits<double>::infinity()};
    }
    // Ask for a few so that exact ties resolve to the lowest index, independent of tree shape.
    std::vector<Value> hits;
    m_tree.query(bgi::nearest(BgPoint(p.x, p.y), 4), std::back_inserter(hits));
    std::size_t best = npos;
    double best_d = std::numeric_limits<double>::infinity();
    for (const auto &h : hits) {
        const double d = std::hypot(h.first.get<0>() - p.x, h.first.get<1>() - p.y);
        if (d < best_d || (d == best_d && h.second < best)) {
            best = h.second;
            best_d = d;
        }
    }
    return {best, best_d};
}

std::vector<std::size_t> PointIndex::within(Point p, double radius) const {
    const BgBox box({p.x - radius, p.y - radius}, {p.x + radius, p.y + radius});
    std::vector<Value> hits;
    m_tree.query(bgi::intersects(box), std::back_inserter(hits));
    std::vector<std::size_t> out;
    for (const auto &h : hits) {
        if (std::hypot(h.first.get<0>() - p.x, h.first.get<1>() - p.y) <= radius) {
            out.push_back(h.second);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace landalloc::gis
