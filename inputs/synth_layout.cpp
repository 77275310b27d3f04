// The synthetic city's layout (synth_impl.hpp): boundary, districts (a centre and two rings),
// river and ecological red line, metro lines, industrial parks and constraints.
#include "gis/geometry.hpp"
#include "inputs/rng.hpp"
#include "inputs/synth_impl.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>

namespace landalloc::detail::synth {

namespace {

using gis::Geometry;
using gis::Point;

constexpr double k_pi = std::numbers::pi;

// Ten districts: one old-city core, four inner, five outer. Names are Chinese, as in real data.
// A district list of another length takes the centre's, the inner ring's and the outer ring's
// names from here in turn, then numbered names.
constexpr std::array<DistrictSpec, 10> k_districts = {{
    {"老城区", "stock_upgrading"},
    {"东城区", "moderate"},
    {"南城区", "moderate"},
    {"西城区", "moderate"},
    {"北城区", "moderate"},
    {"高新区", "priority_expansion"},
    {"经开区", "priority_expansion"},
    {"滨江新区", "priority_expansion"},
    {"港城区", "priority_expansion"},
    {"城西新区", "priority_expansion"},
}};

constexpr std::array<ParkSpec, 4> k_parks = {{
    {"高新技术产业开发区", "national", 85000},
    {"经济技术开发区", "national", 70000},
    {"临港产业园", "provincial", 40000},
    {"装备制造产业园", "municipal", 25000},
}};

/// Parks 5-8 (options.parks > 4), between the first four.
struct ExtraParkSpec {
    ParkSpec park;
    double angle;
};
constexpr std::array<ExtraParkSpec, 4> k_extra_parks = {{
    {{"综合保税区", "national", 30000}, 1.25},
    {{"新材料产业园", "provincial", 35000}, 2.9},
    {{"现代物流园", "municipal", 20000}, 4.45},
    {{"科技创新园", "municipal", 15000}, 6.0},
}};

/// Metro lines 3-5 (options.metro_lines > 2): straight lines through a point, with a gentle bend;
/// line 6 is a ring.
struct ExtraLineSpec {
    double cx, cy; // a point on the line (m from the centre at scale 1)
    double angle;  // direction (radians from east)
    int half;      // stations each side of the point
    int year;      // opening year
};
constexpr std::array<ExtraLineSpec, 3> k_extra_lines = {{
    {0, 0, 1.95, 8, 2019},
    {0, 4200, 0.1, 9, 2024},
    {1500, -2500, 2.55, 8, 2026},
}};
constexpr int k_ring_line_year = 2028;

} // namespace

DistrictSpec default_district(std::size_t i, const SynthRings &rings) {
    const auto inner = static_cast<std::size_t>(rings.inner);
    static const std::array<std::string, k_synth_max_districts> numbered = [] {
        std::array<std::string, k_synth_max_districts> out;
        for (std::size_t k = 0; k < out.size(); ++k) {
            out[k] = "第" + std::to_string(k + 1) + "区";
        }
        return out;
    }();
    if (i == 0) {
        return k_districts[0];
    }
    if (i <= inner) {
        const std::size_t j = i - 1; // position on the inner ring
        return {j < 4 ? k_districts[1 + j].name : numbered[i].c_str(), "moderate"};
    }
    const std::size_t j = i - 1 - inner; // position on the outer ring
    return {j < 5 ? k_districts[5 + j].name : numbered[i].c_str(), "priority_expansion"};
}

SynthLayout lay_out_city(const SynthOptions &opt, Rng &rng) {
    SynthLayout layout;
    const double s = opt.scale;
    layout.s = s;
    // Lianyungang's central city lies near 119.2E 34.6N: about (427 km, 3830 km) in EPSG:4549.
    layout.origin = Point{427000.0, 3830000.0};
    auto at = [&layout](double dx, double dy) { return layout.at(dx, dy); };

    // City boundary: a wobbly ellipse, 34 x 26 km at scale 1.
    std::vector<Point> ring;
    const double ph1 = rng.uniform(0, 2 * k_pi);
    const double ph2 = rng.uniform(0, 2 * k_pi);
    for (int i = 0; i < 72; ++i) {
        const double a = 2 * k_pi * i / 72.0;
        const double wobble = 1.0 + 0.06 * std::sin(3 * a + ph1) + 0.04 * std::sin(5 * a + ph2);
        ring.push_back(at(17000 * wobble * std::cos(a), 13000 * wobble * std::sin(a)));
    }
    layout.boundary = Geometry::polygon(ring);
    const Geometry &boundary = layout.boundary;

    // Districts: Voronoi cells of one central site, an inner ring and an outer ring of sites (by
    // default four inner and five outer).
    const int n_districts = opt.districts.empty() ? static_cast<int>(k_districts.size())
                                                  : static_cast<int>(opt.districts.size());
    layout.rings = synth_ring_sizes(n_districts);
    const SynthRings &rings = layout.rings;
    std::vector<Point> &sites = layout.sites;
    sites.push_back(at(rng.uniform(-500, 500), rng.uniform(-500, 500)));
    for (int i = 0; i < rings.inner; ++i) {
        // i * (2 pi) / 4 is bit for bit the default city's i * pi / 2.
        const double a = k_pi / 4 + i * (2 * k_pi) / rings.inner + rng.uniform(-0.25, 0.25);
        const double r = rng.uniform(4500, 5500);
        sites.push_back(at(r * std::cos(a) * 1.2, r * std::sin(a)));
    }
    for (int i = 0; i < rings.outer; ++i) {
        const double a = i * 2 * k_pi / rings.outer + rng.uniform(-0.2, 0.2);
        const double r = rng.uniform(10500, 12000);
        sites.push_back(at(r * std::cos(a) * 1.25, r * std::sin(a) * 0.95));
    }
    layout.districts = sites.size() == 1 ? std::vector<Geometry>{boundary}
                                         : Geometry::voronoi_cells(sites, boundary);

    // River: west to east, south of the centre; its ecological red line is a 250 m buffer.
    std::vector<Point> river;
    const double rph = rng.uniform(0, 2 * k_pi);
    for (int i = 0; i <= 80; ++i) {
        const double x = -21000 + 42000.0 * i / 80.0;
        river.push_back(at(x, -3500 + 1800 * std::sin(x / 5200 + rph) + 600 * std::sin(x / 1700)));
    }
    layout.river_line = Geometry::line(river);
    layout.redline = layout.river_line.buffer(250).intersection(boundary);
    const Geometry &redline = layout.redline;

    // Metro: line 1 west-east through the centre, line 2 south-west to north-east.
    std::vector<StationOut> &stations = layout.stations;
    if (opt.metro_lines >= 1) {
        for (int k = -9; k <= 9; ++k) {
            const double x = k * 1200.0;
            stations.push_back({at(x, 900 * std::sin(x / 9000)), "1号线", 2016});
        }
    }
    if (opt.metro_lines >= 2) {
        const double ang = 0.9;
        for (int k = -8; k <= 8; ++k) {
            if (k == 0) {
                continue; // interchange shared with line 1
            }
            const double r = k * 1200.0 + 300 * std::sin(k * 0.7);
            stations.push_back({at(r * std::cos(ang), r * std::sin(ang)), "2号线", 2023});
        }
    }
    // Lines 3-6: a station within 500 m of an earlier line's is an interchange (left out), and
    // stations outside the city are left out.
    auto add_station = [&](Point p, const std::string &line, int year) {
        if (!boundary.covers_point(p)) {
            return;
        }
        for (const auto &st : stations) {
            if (st.line != line && std::hypot(st.p.x - p.x, st.p.y - p.y) < 500 * s) {
                return;
            }
        }
        stations.push_back({p, line, year});
    };
    for (int l = 3; l <= std::min(opt.metro_lines, 5); ++l) {
        const ExtraLineSpec &L = k_extra_lines[static_cast<std::size_t>(l - 3)];
        const std::string line = std::to_string(l) + "号线";
        const double ux = std::cos(L.angle);
        const double uy = std::sin(L.angle);
        for (int k = -L.half; k <= L.half; ++k) {
            const double r = k * 1200.0;
            const double off = 500 * std::sin(r / 4000 + l);
            add_station(at(L.cx + r * ux - off * uy, L.cy + r * uy + off * ux), line, L.year);
        }
    }
    if (opt.metro_lines >= 6) {
        for (int k = 0; k < 24; ++k) {
            const double a = 2 * k_pi * k / 24 + 0.1;
            add_station(at(7200 * std::cos(a), 5600 * std::sin(a)), "6号线", k_ring_line_year);
        }
    }

    // Industrial parks: rotated rectangles in the outer ring.
    std::vector<Geometry> &parks = layout.parks;
    std::vector<ParkSpec> &park_specs = layout.park_specs;
    {
        // The first four parks are always drawn, so fewer parks leave the rest of the city's
        // random draws where they were.
        const std::array<double, 4> angles = {0.35, 2.2, 3.6, 5.3};
        for (std::size_t i = 0; i < k_parks.size(); ++i) {
            const double a = angles[i] + rng.uniform(-0.15, 0.15);
            const double r = rng.uniform(8000, 9500);
            const Point c = at(r * std::cos(a) * 1.2, r * std::sin(a));
            Geometry g = Geometry::rectangle(c, rng.uniform(3000, 4200) * s,
                                             rng.uniform(1800, 2600) * s, rng.uniform(-0.4, 0.4));
            if (static_cast<int>(i) < opt.parks) {
                parks.push_back(g.intersection(boundary).difference(redline));
                park_specs.push_back(k_parks[i]);
            }
        }
        // Parks 5-8 from a stream of their own, smaller, clear of the others.
        Rng extra(opt.seed ^ 0x9e3779b97f4a7c15ULL);
        for (int i = 4; i < opt.parks; ++i) {
            const ExtraParkSpec &spec = k_extra_parks[static_cast<std::size_t>(i - 4)];
            const double a = spec.angle + extra.uniform(-0.15, 0.15);
            const double r = extra.uniform(8000, 9500);
            const double w = extra.uniform(2600, 3600) * s;
            const double h = extra.uniform(1600, 2200) * s;
            const double rot = extra.uniform(-0.4, 0.4);
            Geometry g = Geometry::rectangle(at(r * std::cos(a) * 1.2, r * std::sin(a)), w, h, rot)
                             .intersection(boundary)
                             .difference(redline);
            for (const auto &pk : parks) {
                g = g.difference(pk);
            }
            if (g.is_empty() || g.area() < 1e4) {
                continue;
            }
            parks.push_back(std::move(g));
            park_specs.push_back(spec.park);
        }
    }

    // Constraints: red line (exclude), farmland blobs in the outer ring (exclude), the old city
    // under strict control (cap).
    std::vector<ConstraintOut> &constraints = layout.constraints;
    constraints.push_back({redline, "ECO-1", "ecological_redline", "exclude", 0});
    for (int i = 0; i < 4; ++i) {
        const double a = 0.8 + i * 1.55 + rng.uniform(-0.2, 0.2);
        const double r = rng.uniform(11500, 13500);
        Geometry blob = Geometry::point(at(r * std::cos(a) * 1.2, r * std::sin(a)))
                            .buffer(rng.uniform(1500, 2300) * s)
                            .intersection(boundary);
        for (const auto &pk : parks) {
            blob = blob.difference(pk);
        }
        constraints.push_back(
            {blob, "FARM-" + std::to_string(i + 1), "basic_farmland", "exclude", 0});
    }
    const Geometry old_city = Geometry::point(sites[0]).buffer(2200 * s, 16);
    constraints.push_back({old_city, "OLD-1", "old_city", "cap", 1.8});
    return layout;
}

} // namespace landalloc::detail::synth
