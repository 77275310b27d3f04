// The synthetic city's streets (synth_impl.hpp): a local grid (400 m blocks at scale 1) with an
// arterial every fifth line, clipped to the city's boundary. The river cuts every street that
// crosses it except the bridges: every third north-south arterial (6 km apart). Network and
// straight-line distances so differ where it matters, across the river. No random draws: the
// rest of the city is as without streets.
#include "gis/geometry.hpp"
#include "inputs/synth_impl.hpp"

#include <algorithm>
#include <cmath>

namespace landalloc::detail::synth {

namespace {

using gis::Point;

/// The river's y at x (linear between its vertices, which run west to east).
double river_y(const std::vector<Point> &river, double x) {
    if (x <= river.front().x) {
        return river.front().y;
    }
    for (std::size_t k = 1; k < river.size(); ++k) {
        if (x <= river[k].x) {
            const double t = (x - river[k - 1].x) / (river[k].x - river[k - 1].x);
            return river[k - 1].y + t * (river[k].y - river[k - 1].y);
        }
    }
    return river.back().y;
}

} // namespace

std::vector<StreetOut> lay_out_streets(const SynthLayout &layout) {
    constexpr double k_block = 400;   // m at scale 1
    constexpr int k_arterial = 5;     // every fifth line is an arterial
    constexpr int k_bridge_every = 3; // every third north-south arterial bridges the river
    constexpr int k_half = 50;        // lines each side of the centre (20 km)
    const std::vector<std::vector<Point>> parts = layout.river_line.line_parts();
    const std::vector<Point> &river = parts.front();
    // Grid nodes inside the boundary.
    auto inside = [&](const Point &p) { return layout.boundary.covers_point(p); };
    auto node = [&](int i, int j) { return layout.at(i * k_block, j * k_block); };
    auto south_of_river = [&](const Point &p) { return p.y < river_y(river, p.x); };
    std::vector<StreetOut> out;
    auto add_runs = [&](bool north_south, int line) {
        const bool arterial = line % k_arterial == 0;
        const bool bridge = north_south && arterial && (line / k_arterial) % k_bridge_every == 0;
        StreetOut cur;
        cur.highway = arterial ? "primary" : "residential";
        cur.maxspeed = arterial ? "60" : "";
        cur.bridge = bridge;
        auto flush = [&] {
            if (cur.line.size() >= 2) {
                out.push_back(cur);
            }
            cur.line.clear();
        };
        for (int k = -k_half; k <= k_half; ++k) {
            const Point p = north_south ? node(line, k) : node(k, line);
            if (!inside(p)) {
                flush();
                continue;
            }
            if (!cur.line.empty() && !bridge &&
                south_of_river(cur.line.back()) != south_of_river(p)) {
                flush(); // no bridge here: the street stops at the river
            }
            cur.line.push_back(p);
        }
        flush();
    };
    for (int i = -k_half; i <= k_half; ++i) {
        add_runs(true, i);
    }
    for (int j = -k_half; j <= k_half; ++j) {
        add_runs(false, j);
    }
    return out;
}

} // namespace landalloc::detail::synth
