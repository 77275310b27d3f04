#include "inputs/layer_checker.hpp"

#include <map>

namespace landalloc::detail {

std::string format_number(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

/// The layer's declared geometry type suits `need` ("polygon" or "point"); otherwise records an
/// error naming the layer and returns false. "Unknown" (mixed) layers are checked per feature.
bool layer_geometry_ok(const LayerData &layer, const std::string &need, FindingsReport &report) {
    const std::string &t = layer.geometry_type;
    const bool ok =
        t.find("Unknown") != std::string::npos || t.find("Collection") != std::string::npos ||
        (need == "polygon"
             ? (t.find("Polygon") != std::string::npos || t.find("Surface") != std::string::npos)
         : need == "line"
             ? (t.find("Line") != std::string::npos || t.find("Curve") != std::string::npos)
             : t.find("Point") != std::string::npos);
    if (!ok) {
        report.add({"wrong_geometry_type", Severity::error, layer.source, layer.name, -1, "",
                    "the layer holds " + (t == "None" ? std::string("no geometry") : t) +
                        " but the " + layer.name + " layer needs " + need + "s"});
    }
    return ok;
}

/// The centroid, or an interior point when the centroid falls outside (concave shapes).
gis::Point representative_point(const gis::Geometry &g) {
    const gis::Point c = g.centroid();
    return g.covers_point(c) ? c : g.interior_point();
}

std::vector<std::string> split_list(const std::string &s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == ',' || c == ';' || c == ' ') {
            if (!cur.empty()) {
                out.push_back(cur);
            }
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) {
        out.push_back(cur);
    }
    if (out.size() == 1 && out[0] == "all") {
        out.clear();
    }
    return out;
}

void check_unique(const std::vector<std::pair<std::string, std::int64_t>> &ids,
                  const LayerData &layer, const std::string &field, FindingsReport &report) {
    std::map<std::string, std::int64_t> seen;
    for (const auto &[id, fid] : ids) {
        auto [it, inserted] = seen.emplace(id, fid);
        if (!inserted) {
            report.add({"duplicate_id", Severity::error, layer.source, layer.name, fid, field,
                        "id '" + id + "' is used twice (also by feature " +
                            std::to_string(it->second) + "); ids must be unique"});
        }
    }
}

} // namespace landalloc::detail
