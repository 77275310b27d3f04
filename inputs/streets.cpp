// The streets layer (docs/inputs.md, "streets"): lines into the City's StreetNetwork, and the
// street nodes of each park and zone.

#include "gis/spatial_index.hpp"
#include "inputs/layer_checker.hpp"
#include "inputs/read_layers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

namespace landalloc::detail {

namespace {

/// Classes nobody walks along, and classes no car drives along (OSM's highway values).
bool is_one_of(const std::string &v, std::initializer_list<const char *> list) {
    return std::any_of(list.begin(), list.end(), [&](const char *s) { return v == s; });
}

enum class SpeedParse { none, ok, bad };

/// OSM's maxspeed: "50", "50 km/h", "50kmh", "30 mph"; "none", "signals", "walk", "variable" and
/// zone codes ("CN:urban") give no number (the class's default speed applies).
SpeedParse parse_maxspeed(const std::string &text, double &kmh) {
    std::string s;
    for (char c : text) {
        if (!std::isspace(static_cast<unsigned char>(c))) {
            s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    if (s.empty() || is_one_of(s, {"none", "signals", "walk", "variable", "unknown"}) ||
        s.find(':') != std::string::npos) {
        return SpeedParse::none;
    }
    char *end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str()) {
        return SpeedParse::bad;
    }
    const std::string unit(end);
    if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") {
        kmh = v;
    } else if (unit == "mph") {
        kmh = v * 1.609344;
    } else {
        return SpeedParse::bad;
    }
    return std::isfinite(kmh) && kmh > 0 && kmh <= 200 ? SpeedParse::ok : SpeedParse::bad;
}

} // namespace

void read_streets(const LayerData &layer, const InputSpec &spec, LoadedCity &out,
                  FindingsReport &report) {
    if (!layer_geometry_ok(layer, "line", report)) {
        return;
    }
    static const FieldMap defaults;
    const FieldMap &fm = spec.fields;
    LayerChecker r(layer, report);
    const int hw = r.optional_field(fm.highway, defaults.highway);
    const int ms = r.optional_field(fm.maxspeed, defaults.maxspeed);
    // Features by feature id, so the graph does not depend on the order a source returns them.
    std::vector<const Feature *> features;
    for (const Feature &f : layer.features) {
        features.push_back(&f);
    }
    std::stable_sort(features.begin(), features.end(),
                     [](const Feature *a, const Feature *b) { return a->fid < b->fid; });
    StreetNetwork &net = out.city.streets;
    net.source = layer.source + ":" + layer.name;
    std::map<std::pair<long long, long long>, int> node_of;
    auto node = [&](const gis::Point &p) {
        const std::pair<long long, long long> key{std::llround(p.x * 100), std::llround(p.y * 100)};
        auto [it, added] = node_of.emplace(key, static_cast<int>(net.nodes.size()));
        if (added) {
            net.nodes.push_back(
                {static_cast<double>(key.first) / 100.0, static_cast<double>(key.second) / 100.0});
        }
        return it->second;
    };
    for (const Feature *fp : features) {
        const Feature &f = *fp;
        r.begin();
        std::optional<std::vector<std::vector<gis::Point>>> lines = r.lines(f);
        const std::string highway = r.text(f, hw, fm.highway, false);
        double kmh = 0;
        const std::string speed_text = r.text(f, ms, fm.maxspeed, false);
        if (!speed_text.empty()) {
            double v = 0;
            switch (parse_maxspeed(speed_text, v)) {
            case SpeedParse::ok:
                kmh = v;
                break;
            case SpeedParse::none:
                break;
            case SpeedParse::bad:
                r.add(Severity::error, "bad_value", f.fid, fm.maxspeed,
                      "'" + speed_text +
                          "' is not a speed (a number of km/h in (0, 200], '30 mph', or none)");
                break;
            }
        }
        if (!lines || r.failed()) {
            continue;
        }
        if (is_one_of(highway, {"proposed", "construction", "abandoned", "razed", "platform"})) {
            continue; // not (yet) a street
        }
        StreetEdge e;
        e.highway = highway;
        e.speed_kmh = kmh;
        e.walkable = !is_one_of(highway, {"motorway", "motorway_link", "trunk", "trunk_link"});
        e.drivable = !is_one_of(highway, {"footway", "path", "pedestrian", "steps", "cycleway",
                                          "bridleway", "corridor"});
        e.fid = f.fid;
        for (const auto &line : *lines) {
            for (std::size_t k = 1; k < line.size(); ++k) {
                e.u = node(line[k - 1]);
                e.v = node(line[k]);
                if (e.u == e.v) {
                    continue;
                }
                const StreetNode &a = net.nodes[static_cast<std::size_t>(e.u)];
                const StreetNode &b = net.nodes[static_cast<std::size_t>(e.v)];
                e.length_m = std::hypot(a.x - b.x, a.y - b.y);
                net.edges.push_back(e);
            }
        }
    }
    if (net.edges.empty()) {
        report.add({"empty_layer", Severity::warning, layer.source, layer.name, -1, "",
                    "has no usable street lines; distances are straight lines"});
    }
}

} // namespace landalloc::detail

namespace landalloc {

std::vector<int> street_nodes_per_zone(const LoadedCity &loaded) {
    std::vector<int> out(loaded.city.zones.size(), 0);
    const gis::PolygonIndex index(loaded.zone_geoms);
    for (const StreetNode &n : loaded.city.streets.nodes) {
        if (const std::size_t z = index.covering({n.x, n.y}); z != gis::PolygonIndex::npos) {
            ++out[z];
        }
    }
    return out;
}

} // namespace landalloc
