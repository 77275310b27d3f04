// The street network as Boost graphs, snapping through a Boost.Geometry R-tree, Dijkstra
// searches, and the parcels' facts along the streets (network.hpp).

#include "allocation/network.hpp"

#include "allocation/config.hpp"
#include "allocation/indicators_internal.hpp"
#include "core/units.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/iterator/function_output_iterator.hpp>
#include <boost/property_map/property_map.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

namespace landalloc {

namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BSegment = bg::model::segment<BPoint>;
using SegEntry = std::pair<BSegment, std::uint32_t>;
using SegTree = bgi::rtree<SegEntry, bgi::quadratic<16>>;

struct EdgeProp {
    double length_m = 0;
    double minutes = 0;
    std::uint32_t index = 0; // into the mode's usable edges
};
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, EdgeProp>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

/// Stops a bounded search once the queue's head is beyond the limit.
struct Stop {};

/// Records the vertices a search reaches (to reset them) and carries the nearest source's label
/// along relaxed edges; stops past the limit.
class Visitor : public boost::default_dijkstra_visitor {
  public:
    Visitor(std::vector<std::uint32_t> &touched, std::vector<int> *label, const double *dist,
            double limit)
        : m_touched(&touched), m_label(label), m_dist(dist), m_limit(limit) {}
    void discover_vertex(Vertex v, const Graph &) const {
        m_touched->push_back(static_cast<std::uint32_t>(v));
    }
    void examine_vertex(Vertex v, const Graph &) const {
        if (m_dist[v] > m_limit) {
            throw Stop{};
        }
    }
    template <class E> void edge_relaxed(E e, const Graph &g) const {
        if (m_label) {
            (*m_label)[boost::target(e, g)] = (*m_label)[boost::source(e, g)];
        }
    }

  private:
    std::vector<std::uint32_t> *m_touched;
    std::vector<int> *m_label;
    const double *m_dist;
    double m_limit;
};

} // namespace

const char *travel_mode_name(TravelMode m) {
    switch (m) {
    case TravelMode::straight:
        return "straight";
    case TravelMode::walk:
        return "walk";
    case TravelMode::drive:
        return "drive";
    }
    return "?";
}

std::optional<TravelMode> parse_travel_mode(const std::string &s) {
    for (TravelMode m : {TravelMode::straight, TravelMode::walk, TravelMode::drive}) {
        if (s == travel_mode_name(m)) {
            return m;
        }
    }
    return std::nullopt;
}

/// One mode's graph: its usable edges (into StreetNetwork::edges), the directed graph (each edge
/// both ways) and the R-tree of their segments.
struct ModeGraph {
    std::vector<std::uint32_t> edges;
    std::vector<double> length_m;
    std::vector<double> minutes;
    Graph g;
    SegTree tree;
};

struct StreetGraph::Impl {
    const StreetNetwork *net = nullptr;
    NetworkOptions options;
    ModeGraph walk;
    ModeGraph drive;
    // Search scratch, reset after each search (only the touched entries).
    mutable std::vector<double> dist;
    mutable std::vector<boost::default_color_type> color;
    mutable std::vector<int> label;
    mutable std::vector<std::uint32_t> touched;
    mutable std::vector<unsigned char> seen; // edges read by reach(), reset after each
    mutable std::vector<std::uint32_t> seen_list;

    const ModeGraph &mode(TravelMode m) const { return m == TravelMode::drive ? drive : walk; }

    double speed_kmh(const StreetEdge &e) const {
        if (e.speed_kmh > 0) {
            return e.speed_kmh;
        }
        const auto it = options.speeds_kmh.find(e.highway);
        return it != options.speeds_kmh.end() ? it->second : options.other_speed_kmh;
    }

    void build(ModeGraph &mg, bool drive_mode) {
        const std::size_t n = net->nodes.size();
        for (std::size_t i = 0; i < n; ++i) {
            boost::add_vertex(mg.g);
        }
        std::vector<SegEntry> segs;
        for (std::size_t i = 0; i < net->edges.size(); ++i) {
            const StreetEdge &e = net->edges[i];
            if (!(drive_mode ? e.drivable : e.walkable) || e.u == e.v) {
                continue;
            }
            const auto k = static_cast<std::uint32_t>(mg.edges.size());
            mg.edges.push_back(static_cast<std::uint32_t>(i));
            const double len = e.length_m;
            const double mins = drive_mode ? len / 1000.0 / speed_kmh(e) * 60.0
                                           : len / 1000.0 / options.walk_kmh * 60;
            mg.length_m.push_back(len);
            mg.minutes.push_back(mins);
            const EdgeProp p{len, mins, k};
            boost::add_edge(static_cast<Vertex>(e.u), static_cast<Vertex>(e.v), p, mg.g);
            boost::add_edge(static_cast<Vertex>(e.v), static_cast<Vertex>(e.u), p, mg.g);
            const StreetNode &a = net->nodes[static_cast<std::size_t>(e.u)];
            const StreetNode &b = net->nodes[static_cast<std::size_t>(e.v)];
            segs.emplace_back(BSegment(BPoint(a.x, a.y), BPoint(b.x, b.y)), k);
        }
        mg.tree = SegTree(segs.begin(), segs.end());
    }

    /// The costs of reaching the snapped point's edge ends from it (offset walked).
    void ends(const ModeGraph &mg, bool minutes, const Snap &s, Vertex &a, Vertex &b, double &ca,
              double &cb) const {
        const auto k = static_cast<std::size_t>(s.edge);
        const StreetEdge &e = net->edges[mg.edges[k]];
        a = static_cast<Vertex>(e.u);
        b = static_cast<Vertex>(e.v);
        const double along = minutes ? mg.minutes[k] : mg.length_m[k];
        const double off = minutes ? s.offset_m / 1000.0 / options.walk_kmh * 60.0 : s.offset_m;
        ca = off + s.t * along;
        cb = off + (1.0 - s.t) * along;
    }

    /// The cost at `s` once a search has filled `dist`; `from` the label reaching it (when
    /// label is kept).
    double cost_at(const ModeGraph &mg, bool minutes, const Snap &s, int *from) const {
        if (s.edge < 0) {
            return k_inf;
        }
        Vertex a, b;
        double ca, cb;
        ends(mg, minutes, s, a, b, ca, cb);
        const double via_a = dist[a] + ca;
        const double via_b = dist[b] + cb;
        if (from) {
            *from = via_a <= via_b ? label[a] : label[b];
        }
        return std::min(via_a, via_b);
    }

    /// A multi-source search from the snapped `sources` (initial cost `start`) bounded by
    /// `limit`; fills dist (and label when `labels`). Call reset() after reading it.
    void search(const ModeGraph &mg, bool minutes, const std::vector<Snap> &sources,
                const std::vector<double> &start, bool labels, double limit) const {
        std::vector<Vertex> seeds;
        for (std::size_t k = 0; k < sources.size(); ++k) {
            if (sources[k].edge < 0) {
                continue;
            }
            Vertex a, b;
            double ca, cb;
            ends(mg, minutes, sources[k], a, b, ca, cb);
            const double s0 = start.empty() ? 0.0 : start[k];
            for (auto [v, c] : {std::pair{a, ca + s0}, std::pair{b, cb + s0}}) {
                if (c < dist[v]) {
                    if (!std::isfinite(dist[v])) {
                        seeds.push_back(v);
                        touched.push_back(static_cast<std::uint32_t>(v));
                    }
                    dist[v] = c;
                    label[v] = static_cast<int>(k);
                }
            }
        }
        if (seeds.empty()) {
            return;
        }
        std::sort(seeds.begin(), seeds.end());
        auto weight =
            minutes ? boost::get(&EdgeProp::minutes, mg.g) : boost::get(&EdgeProp::length_m, mg.g);
        Visitor vis(touched, labels ? &label : nullptr, dist.data(), limit);
        try {
            boost::dijkstra_shortest_paths_no_init(
                mg.g, seeds.begin(), seeds.end(), boost::dummy_property_map(),
                boost::make_iterator_property_map(dist.begin(),
                                                  boost::get(boost::vertex_index, mg.g)),
                weight, boost::get(boost::vertex_index, mg.g), std::less<double>(),
                boost::closed_plus<double>(k_inf), 0.0, vis,
                boost::make_iterator_property_map(color.begin(),
                                                  boost::get(boost::vertex_index, mg.g)));
        } catch (const Stop &) {
            // the rest lies beyond the limit: reached vertices past it keep their tentative
            // costs, which are all > limit and are read as such.
        }
    }

    void reset() const {
        for (std::uint32_t v : touched) {
            dist[v] = k_inf;
            color[v] = boost::white_color;
            label[v] = -1;
        }
        touched.clear();
    }
};

StreetGraph::StreetGraph(const StreetNetwork &net, const NetworkOptions &options)
    : m(std::make_unique<Impl>()) {
    m->net = &net;
    m->options = options;
    m->build(m->walk, false);
    m->build(m->drive, true);
    m->dist.assign(net.nodes.size(), k_inf);
    m->color.assign(net.nodes.size(), boost::white_color);
    m->label.assign(net.nodes.size(), -1);
}

StreetGraph::~StreetGraph() = default;

std::size_t StreetGraph::nodes() const { return m->net->nodes.size(); }
std::size_t StreetGraph::edges(TravelMode mode) const { return m->mode(mode).edges.size(); }

Snap StreetGraph::snap(TravelMode mode, double x, double y) const {
    const ModeGraph &mg = m->mode(mode);
    Snap out;
    if (mode == TravelMode::straight || mg.tree.empty()) {
        return out;
    }
    // The nearest segments by the R-tree; among exact ties the lowest edge, for determinism.
    mg.tree.query(
        bgi::nearest(BPoint(x, y), 1), boost::make_function_output_iterator([&](const SegEntry &e) {
            const double ax = bg::get<0, 0>(e.first), ay = bg::get<0, 1>(e.first);
            const double bx = bg::get<1, 0>(e.first), by = bg::get<1, 1>(e.first);
            const double dx = bx - ax, dy = by - ay;
            const double l2 = dx * dx + dy * dy;
            double t = l2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / l2 : 0.0;
            t = std::clamp(t, 0.0, 1.0);
            const double d = std::hypot(x - (ax + t * dx), y - (ay + t * dy));
            if (d < out.offset_m || (d == out.offset_m && static_cast<int>(e.second) < out.edge)) {
                out = {static_cast<int>(e.second), t, d};
            }
        }));
    return out;
}

std::vector<Snap> StreetGraph::snap_all(TravelMode mode, const std::vector<XY> &points) const {
    std::vector<Snap> out;
    out.reserve(points.size());
    for (const XY &p : points) {
        out.push_back(snap(mode, p.x, p.y));
    }
    return out;
}

std::vector<double> StreetGraph::nearest(TravelMode mode, bool minutes,
                                         const std::vector<Snap> &sources,
                                         const std::vector<double> &start,
                                         const std::vector<Snap> &targets,
                                         std::vector<int> *nearest, double limit) const {
    const ModeGraph &mg = m->mode(mode);
    std::vector<double> out(targets.size(), k_inf);
    if (nearest) {
        nearest->assign(targets.size(), -1);
    }
    m->search(mg, minutes, sources, start, nearest != nullptr, limit);
    // Sources on a target's own edge reach it directly along the edge.
    std::vector<std::pair<int, std::size_t>> on_edge;
    for (std::size_t k = 0; k < sources.size(); ++k) {
        if (sources[k].edge >= 0) {
            on_edge.emplace_back(sources[k].edge, k);
        }
    }
    std::sort(on_edge.begin(), on_edge.end());
    const double walk_min_per_m = 60.0 / 1000.0 / m->options.walk_kmh;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const Snap &s = targets[i];
        int from = -1;
        double c = m->cost_at(mg, minutes, s, nearest ? &from : nullptr);
        auto it =
            std::lower_bound(on_edge.begin(), on_edge.end(), std::pair{s.edge, std::size_t{0}});
        for (; it != on_edge.end() && it->first == s.edge && s.edge >= 0; ++it) {
            const Snap &src = sources[it->second];
            const auto k = static_cast<std::size_t>(s.edge);
            const double along = (minutes ? mg.minutes[k] : mg.length_m[k]) * std::abs(s.t - src.t);
            const double off = (s.offset_m + src.offset_m) * (minutes ? walk_min_per_m : 1.0);
            const double direct = along + off + (start.empty() ? 0.0 : start[it->second]);
            if (direct < c) {
                c = direct;
                from = static_cast<int>(it->second);
            }
        }
        out[i] = c <= limit ? c : k_inf;
        if (nearest) {
            (*nearest)[i] = std::isfinite(out[i]) ? from : -1;
        }
    }
    m->reset();
    return out;
}

std::vector<double> StreetGraph::matrix(TravelMode mode, bool minutes,
                                        const std::vector<Snap> &sources,
                                        const std::vector<Snap> &targets, double limit) const {
    std::vector<double> out;
    out.reserve(sources.size() * targets.size());
    for (const Snap &s : sources) {
        const std::vector<double> row = nearest(mode, minutes, {s}, {}, targets, nullptr, limit);
        out.insert(out.end(), row.begin(), row.end());
    }
    return out;
}

StreetGraph::Targets StreetGraph::index_targets(TravelMode mode, std::vector<Snap> snaps) const {
    const std::size_t ne = m->mode(mode).edges.size();
    Targets out;
    out.mode = mode;
    out.first.assign(ne + 1, 0);
    for (const Snap &s : snaps) {
        if (s.edge >= 0) {
            ++out.first[static_cast<std::size_t>(s.edge) + 1];
        }
    }
    std::partial_sum(out.first.begin(), out.first.end(), out.first.begin());
    out.by_edge.resize(out.first.back());
    std::vector<std::uint32_t> fill(out.first.begin(), out.first.end() - 1);
    for (std::size_t i = 0; i < snaps.size(); ++i) {
        if (snaps[i].edge >= 0) {
            out.by_edge[fill[static_cast<std::size_t>(snaps[i].edge)]++] =
                static_cast<std::uint32_t>(i);
        }
    }
    out.sorted.reserve(out.by_edge.size());
    for (std::uint32_t i : out.by_edge) {
        out.sorted.push_back(snaps[i]);
    }
    out.snaps = std::move(snaps);
    return out;
}

void StreetGraph::reach(const Snap &source, bool minutes, const Targets &targets, double limit,
                        std::vector<std::pair<std::uint32_t, double>> &out) const {
    out.clear();
    if (source.edge < 0) {
        return;
    }
    const ModeGraph &mg = m->mode(targets.mode);
    m->search(mg, minutes, {source}, {}, false, limit);
    const double per_m = minutes ? 60.0 / 1000.0 / m->options.walk_kmh : 1.0;
    m->seen.clear();
    auto visit_edge = [&](std::uint32_t e) {
        if (m->seen.size() <= e) {
            m->seen.resize(mg.edges.size(), 0);
        }
        if (m->seen[e]) {
            return;
        }
        m->seen[e] = 1;
        m->seen_list.push_back(e);
        for (std::uint32_t j = targets.first[e]; j < targets.first[e + 1]; ++j) {
            const std::uint32_t i = targets.by_edge[j];
            const Snap &t = targets.sorted[j];
            double c = m->cost_at(mg, minutes, t, nullptr);
            if (static_cast<int>(e) == source.edge) {
                const double along = minutes ? mg.minutes[e] : mg.length_m[e];
                c = std::min(c, along * std::abs(t.t - source.t) +
                                    (t.offset_m + source.offset_m) * per_m);
            }
            if (c <= limit) {
                out.emplace_back(i, c);
            }
        }
    };
    visit_edge(static_cast<std::uint32_t>(source.edge));
    for (std::uint32_t v : m->touched) {
        if (!(m->dist[v] <= limit)) {
            continue;
        }
        for (auto [e, end] = boost::out_edges(static_cast<Vertex>(v), mg.g); e != end; ++e) {
            visit_edge(mg.g[*e].index);
        }
    }
    for (std::uint32_t e : m->seen_list) {
        m->seen[e] = 0;
    }
    m->seen_list.clear();
    m->reset();
}

std::vector<int> StreetGraph::count_within(TravelMode mode, const std::vector<Snap> &sources,
                                           const std::vector<Snap> &targets,
                                           double radius_m) const {
    const Targets index = index_targets(mode, targets);
    std::vector<int> out(targets.size(), 0);
    std::vector<std::pair<std::uint32_t, double>> hits;
    for (const Snap &s : sources) {
        reach(s, false, index, radius_m, hits);
        for (const auto &[i, c] : hits) {
            ++out[i];
        }
    }
    return out;
}

// ---- the parcels' facts ----------------------------------------------------------------------

std::vector<JobCentre> job_centres(const City &city, const CommuteLimitRule &rule) {
    std::vector<JobCentre> out;
    for (const Park &p : city.parks) {
        if (p.jobs > 0) {
            out.push_back({p.x, p.y, "park " + p.id});
        }
    }
    double total = 0;
    for (const Zone &z : city.zones) {
        total += z.jobs;
    }
    for (const Zone &z : city.zones) {
        if (total > 0 && z.jobs > 0 && z.jobs >= rule.zone_jobs_share * total) {
            out.push_back({z.x, z.y, "zone " + z.id});
        }
    }
    return out;
}

namespace {

double round_cm(double v) { return std::isfinite(v) ? std::round(v * 100.0) / 100.0 : v; }

/// Straight-line minutes from each parcel to the nearest job centre at `kmh`.
void straight_commute(City &city, const std::vector<JobCentre> &centres, double kmh) {
    for (Parcel &p : city.parcels) {
        double best = k_inf;
        for (const JobCentre &c : centres) {
            best = std::min(best, std::hypot(p.x - c.x, p.y - c.y));
        }
        p.commute_min = round_cm(best / 1000.0 / kmh * 60.0);
    }
}

} // namespace

NetworkReport apply_street_network(City &city, const PlanConfig &config) {
    NetworkReport rep;
    if (city.network_facts) {
        rep.used = !city.streets.empty();
        return rep;
    }
    const NetworkOptions &opt = config.network;
    const CommuteLimitRule *rule =
        config.rules.commute_limit ? &*config.rules.commute_limit : nullptr;
    city.network_facts = true;
    for (Parcel &p : city.parcels) {
        p.station_line_m = p.station_distance_m;
        p.park_line_m = p.park_distance_m;
    }
    if (city.streets.empty()) {
        if (rule) {
            straight_commute(city, job_centres(city, *rule), rule->straight_kmh);
        }
        rep.note = "no street network: distances are straight lines";
        return rep;
    }
    rep.used = true;
    const StreetGraph graph(city.streets, opt);
    rep.nodes = graph.nodes();
    rep.walk_edges = graph.edges(TravelMode::walk);
    rep.drive_edges = graph.edges(TravelMode::drive);

    std::vector<XY> parcel_xy;
    parcel_xy.reserve(city.parcels.size());
    for (const Parcel &p : city.parcels) {
        parcel_xy.push_back({p.x, p.y});
    }
    std::map<TravelMode, std::vector<Snap>> parcel_snap;
    auto snaps = [&](TravelMode m) -> const std::vector<Snap> & {
        auto it = parcel_snap.find(m);
        if (it == parcel_snap.end()) {
            it = parcel_snap.emplace(m, graph.snap_all(m, parcel_xy)).first;
        }
        return it->second;
    };
    {
        const std::vector<Snap> &s = snaps(TravelMode::walk);
        for (std::size_t i = 0; i < city.parcels.size(); ++i) {
            city.parcels[i].snap_m = round_cm(s[i].offset_m);
            if (!(s[i].offset_m <= opt.snap_tolerance_m)) {
                ++rep.parcels_far;
            }
        }
        rep.share_far = city.parcels.empty() ? 0.0
                                             : static_cast<double>(rep.parcels_far) /
                                                   static_cast<double>(city.parcels.size());
    }

    // Stations: the nearest by one multi-source search; the count within 800 m by one bounded
    // search per station.
    if (opt.stations != TravelMode::straight && !city.stations.empty()) {
        std::vector<XY> at;
        for (const Station &s : city.stations) {
            at.push_back({s.x, s.y});
        }
        const std::vector<Snap> st = graph.snap_all(opt.stations, at);
        const std::vector<Snap> &ps = snaps(opt.stations);
        std::vector<int> which;
        const std::vector<double> d = graph.nearest(opt.stations, false, st, {}, ps, &which);
        const std::vector<int> within = graph.count_within(opt.stations, st, ps, 800.0);
        for (std::size_t i = 0; i < city.parcels.size(); ++i) {
            Parcel &p = city.parcels[i];
            p.station_distance_m = round_cm(d[i]);
            p.nearest_station = which[i];
            p.stations_within_800m = within[i];
        }
        // The indicators' station figures: the nearest station of each mode among those open
        // by [indicators] stations_open_by (one multi-source search per mode), and the stations
        // within each radius (one bounded search per station at the largest radius).
        const IndicatorOptions &io = config.indicators;
        std::map<std::string, std::vector<Snap>> by_mode;
        std::vector<Snap> open;
        for (std::size_t k = 0; k < city.stations.size(); ++k) {
            const Station &s = city.stations[k];
            if (io.stations_open_by != 0 && s.opening_year > io.stations_open_by) {
                continue;
            }
            open.push_back(st[k]);
            by_mode[s.mode].push_back(st[k]);
        }
        const std::size_t n = city.parcels.size();
        const std::size_t nm = by_mode.size();
        const std::size_t nr = io.station_radii_m.size();
        city.street_station_modes.clear();
        city.street_station_m.assign(n * nm, k_inf);
        std::size_t m = 0;
        for (const auto &[mode, sources] : by_mode) {
            city.street_station_modes.push_back(mode);
            const std::vector<double> dm = graph.nearest(opt.stations, false, sources, {}, ps);
            for (std::size_t i = 0; i < n; ++i) {
                city.street_station_m[i * nm + m] = round_cm(dm[i]);
            }
            ++m;
        }
        city.street_station_radii_m = io.station_radii_m;
        city.street_stations_within.assign(n * nr, 0);
        if (nr > 0) {
            const double max_r =
                *std::max_element(io.station_radii_m.begin(), io.station_radii_m.end());
            const StreetGraph::Targets index = graph.index_targets(opt.stations, ps);
            std::vector<std::pair<std::uint32_t, double>> hits;
            for (const Snap &s : open) {
                graph.reach(s, false, index, max_r, hits);
                for (const auto &[i, dist] : hits) {
                    for (std::size_t r = 0; r < nr; ++r) {
                        city.street_stations_within[i * nr + r] +=
                            dist <= io.station_radii_m[r] ? 1 : 0;
                    }
                }
            }
        }
    }

    // Parks: from their gates (street nodes inside them), else their points; 0 inside a park.
    if (opt.parks != TravelMode::straight && !city.parks.empty()) {
        std::vector<Snap> gates;
        std::vector<int> gate_park;
        const std::vector<Snap> &ps = snaps(opt.parks);
        for (std::size_t k = 0; k < city.parks.size(); ++k) {
            const Park &pk = city.parks[k];
            std::vector<XY> at;
            for (int n : pk.street_nodes) {
                const StreetNode &node = city.streets.nodes[static_cast<std::size_t>(n)];
                at.push_back({node.x, node.y});
            }
            if (at.empty()) {
                at.push_back({pk.x, pk.y});
            }
            for (const Snap &s : graph.snap_all(opt.parks, at)) {
                gates.push_back(s);
                gate_park.push_back(static_cast<int>(k));
            }
        }
        std::vector<int> which;
        const std::vector<double> d = graph.nearest(opt.parks, false, gates, {}, ps, &which);
        for (std::size_t i = 0; i < city.parcels.size(); ++i) {
            Parcel &p = city.parcels[i];
            if (p.in_park) {
                p.park_distance_m = 0;
                continue;
            }
            p.park_distance_m = round_cm(d[i]);
            p.nearest_park = which[i] >= 0 ? gate_park[static_cast<std::size_t>(which[i])] : k_none;
        }
    }

    // The commute limit: minutes to the nearest job centre, one multi-source search.
    if (rule) {
        const std::vector<JobCentre> centres = job_centres(city, *rule);
        if (opt.commute == TravelMode::straight) {
            straight_commute(city, centres, rule->straight_kmh);
        } else {
            std::vector<XY> at;
            for (const JobCentre &c : centres) {
                at.push_back({c.x, c.y});
            }
            const std::vector<double> t = graph.nearest(
                opt.commute, true, graph.snap_all(opt.commute, at), {}, snaps(opt.commute));
            for (std::size_t i = 0; i < city.parcels.size(); ++i) {
                city.parcels[i].commute_min = round_cm(t[i]);
            }
        }
    }

    // Zone-to-zone distances for excess commuting: one search per origin zone.
    if (opt.commute != TravelMode::straight && !city.zones.empty()) {
        std::vector<XY> at;
        for (const Zone &z : city.zones) {
            at.push_back({z.x, z.y});
        }
        const std::vector<Snap> zs = graph.snap_all(opt.commute, at);
        std::vector<double> cost = graph.matrix(opt.commute, false, zs, zs);
        const std::vector<double> straight = zone_costs(zone_figures(city, IndicatorOptions{}));
        const std::size_t n = city.zones.size();
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
                double &c = cost[i * n + j];
                // The diagonal stays the mean trip within the zone; an unreachable pair keeps
                // its straight line.
                if (i == j || !std::isfinite(c)) {
                    c = straight[i * n + j];
                }
                c = round_cm(c);
            }
        }
        city.zone_travel_m = std::move(cost);
    }
    // Job access (gravity) and 2SFCA: one search per job site, bounded by the larger of the
    // decay's cut-off and the catchment, read at the parcels and the worker sites.
    if (opt.commute != TravelMode::straight) {
        const IndicatorOptions &io = config.indicators;
        const std::vector<SitePoint> jobs = job_sites(city, io);
        const std::vector<SitePoint> workers = worker_sites(city, io);
        std::vector<XY> job_xy, worker_xy;
        for (const SitePoint &s : jobs) {
            job_xy.push_back({s.x, s.y});
        }
        for (const SitePoint &s : workers) {
            worker_xy.push_back({s.x, s.y});
        }
        const std::vector<Snap> js = graph.snap_all(opt.commute, job_xy);
        const StreetGraph::Targets ws =
            graph.index_targets(opt.commute, graph.snap_all(opt.commute, worker_xy));
        const StreetGraph::Targets ps = graph.index_targets(opt.commute, snaps(opt.commute));
        const double limit = std::max(io.decay.cutoff_m, io.catchment_m);
        const std::size_t n = city.parcels.size();
        std::vector<double> access(n, 0.0), fca(n, 0.0);
        std::vector<std::pair<std::uint32_t, double>> hits;
        for (std::size_t j = 0; j < jobs.size(); ++j) {
            graph.reach(js[j], false, ws, io.catchment_m, hits);
            double demand = 0;
            for (const auto &[k, d] : hits) {
                demand += workers[k].weight;
            }
            const double ratio = demand > 0 ? jobs[j].weight / demand : 0.0;
            graph.reach(js[j], false, ps, limit, hits);
            for (const auto &[i, d] : hits) {
                access[i] += jobs[j].weight * io.decay.within_cutoff(d);
                fca[i] += d <= io.catchment_m ? ratio : 0.0;
            }
        }
        city.street_job_access = std::move(access);
        city.street_jobs_per_worker = std::move(fca);
    }

    rep.note = std::string("distances along the streets: stations by ") +
               travel_mode_name(opt.stations) + ", parks by " + travel_mode_name(opt.parks) +
               ", commutes by " + travel_mode_name(opt.commute);
    return rep;
}

const City &with_network_facts(const City &city, const PlanConfig &config, City &storage) {
    if (city.network_facts || (city.streets.empty() && !config.rules.commute_limit)) {
        return city;
    }
    storage = city;
    apply_street_network(storage, config);
    return storage;
}

RuleCheck commute_limit_check(const Plan &plan, const City &city, const PlanConfig &config) {
    const CommuteLimitRule &rule = *config.rules.commute_limit;
    const bool streets = !city.streets.empty() && config.network.commute != TravelMode::straight;
    RuleCheck rc;
    rc.rule = "commute_limit";
    std::string types;
    for (const auto &t : rule.types) {
        types += (types.empty() ? "" : ", ") + t;
    }
    rc.label =
        "new " + types + " units beyond " + std::to_string(static_cast<int>(rule.minutes)) +
        " min of jobs (" +
        (!streets ? "straight line at " + std::to_string(static_cast<int>(rule.straight_kmh)) +
                        " km/h, not along streets"
                  : std::string("by ") + travel_mode_name(config.network.commute) +
                        " along the streets") +
        ")";
    rc.unit = "units";
    rc.violation_unit = "units";
    rc.binding = rule.binding;
    rc.floor = false;
    rc.limit = 0;
    double beyond = 0;
    auto counted = [&](const std::string &t) {
        return std::find(rule.types.begin(), rule.types.end(), t) != rule.types.end();
    };
    for (const Allocation &a : plan.allocations) {
        const Parcel &p = city.parcels[a.parcel];
        if (!(p.commute_min > rule.minutes)) {
            continue;
        }
        if (counted(a.type)) {
            beyond += a.units;
        }
        // A bundled share (rule 9) follows its host site: a binding limit keeps the types' own
        // sites within it, not a host's share, so only an indicative row counts the shares.
        if (!rule.binding && !a.bundled_type.empty() && counted(a.bundled_type)) {
            beyond += a.bundled_units;
        }
    }
    rc.actual = beyond;
    rc.violation = beyond;
    rc.met = beyond <= 1e-9;
    rc.status = rc.met ? "met" : "over";
    return rc;
}

} // namespace landalloc
