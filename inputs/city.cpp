#include "inputs/city.hpp"

#include "core/errors.hpp"
#include "gis/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace landalloc {

namespace {

using gis::Feature;
using gis::LayerData;

const char *source_error_code(gis::SourceError::Reason r) {
    switch (r) {
    case gis::SourceError::Reason::not_found:
        return "source_not_found";
    case gis::SourceError::Reason::cannot_open:
        return "source_unreadable";
    case gis::SourceError::Reason::no_layer:
        return "layer_missing";
    case gis::SourceError::Reason::no_crs:
        return "no_crs";
    case gis::SourceError::Reason::cannot_reproject:
        return "crs_unusable";
    case gis::SourceError::Reason::bad_encoding:
        return "bad_encoding";
    }
    return "source_unreadable";
}

std::string format_number(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

/// Checks one layer's features and attributes, recording findings with the layer's source, name,
/// feature id and field.
class LayerChecker {
  public:
    LayerChecker(const LayerData &layer, FindingsReport &report)
        : m_layer(layer), m_report(report) {}

    void add(Severity s, const std::string &code, std::int64_t fid, const std::string &field,
             const std::string &message) {
        m_report.add({code, s, m_layer.source, m_layer.name, fid, field, message});
        if (s == Severity::error && fid >= 0) {
            m_feature_failed = true;
        }
    }

    /// Starts a feature; `done()` says whether it had an error.
    void begin() { m_feature_failed = false; }
    bool failed() const { return m_feature_failed; }

    int require_field(const std::string &field, bool numeric = false) {
        const int idx = m_layer.field_index(field);
        if (idx < 0) {
            std::string present;
            for (const auto &fd : m_layer.fields) {
                present += (present.empty() ? "" : ", ") + fd.name;
            }
            m_report.add({"field_missing", Severity::error, m_layer.source, m_layer.name, -1, "",
                          "required field '" + field + "' is missing (fields present: " +
                              (present.empty() ? "none" : present) +
                              "); map it in the plan file's [inputs.fields]"});
            m_layer_failed = true;
        }
        check_numeric_type(idx, field, numeric);
        return idx;
    }

    /// An optional field; when the user mapped it to a name that is not there, says so.
    int optional_field(const std::string &field, const std::string &default_name,
                       bool numeric = false) {
        const int idx = m_layer.field_index(field);
        if (idx < 0 && field != default_name) {
            m_report.add({"mapped_field_missing", Severity::warning, m_layer.source, m_layer.name,
                          -1, "",
                          "optional field '" + field +
                              "' named in [inputs.fields] is not in the layer; it is left empty"});
        }
        check_numeric_type(idx, field, numeric);
        return idx;
    }

    bool layer_failed() const { return m_layer_failed; }

    std::string text(const Feature &f, int idx, const std::string &field, bool required) {
        if (idx < 0) {
            return {};
        }
        const auto &v = f.values[static_cast<std::size_t>(idx)];
        if (std::holds_alternative<std::monostate>(v) ||
            (std::holds_alternative<std::string>(v) && std::get<std::string>(v).empty())) {
            if (required) {
                add(Severity::error, "empty_value", f.fid, field,
                    "value is empty; every feature needs one");
            }
            return {};
        }
        if (const auto *s = std::get_if<std::string>(&v)) {
            return *s;
        }
        if (const auto *i = std::get_if<std::int64_t>(&v)) {
            return std::to_string(*i);
        }
        return format_number(std::get<double>(v));
    }

    /// A number in [min_value, max_value]; `fallback` when absent and not required.
    double number(const Feature &f, int idx, const std::string &field, double fallback,
                  bool required, double min_value, double max_value = k_inf) {
        if (idx < 0) {
            return fallback;
        }
        const auto &v = f.values[static_cast<std::size_t>(idx)];
        double out = fallback;
        if (std::holds_alternative<std::monostate>(v)) {
            if (required) {
                add(Severity::error, "empty_value", f.fid, field,
                    "value is empty; every feature needs one");
            }
            return fallback;
        }
        if (const auto *i = std::get_if<std::int64_t>(&v)) {
            out = static_cast<double>(*i);
        } else if (const auto *d = std::get_if<double>(&v)) {
            out = *d;
        } else {
            const auto &s = std::get<std::string>(v);
            char *end = nullptr;
            out = std::strtod(s.c_str(), &end);
            if (s.empty() || end == s.c_str() || *end != '\0') {
                if (s.empty() && !required) {
                    return fallback;
                }
                add(Severity::error, "not_a_number", f.fid, field, "'" + s + "' is not a number");
                return fallback;
            }
        }
        if (!std::isfinite(out) || out < min_value || out > max_value) {
            std::ostringstream os;
            os << out << " is out of range (must be at least " << min_value;
            if (max_value < k_inf) {
                os << " and at most " << max_value;
            }
            os << ")";
            add(Severity::error, "out_of_range", f.fid, field, os.str());
            return fallback;
        }
        return out;
    }

    /// The feature's polygon, repaired when invalid; nullopt when it is skipped or wrong.
    std::optional<gis::Geometry> polygon(const Feature &f) {
        if (f.geometry.is_empty()) {
            add(Severity::warning, "empty_geometry_skipped", f.fid, "",
                "geometry is null or empty; the feature is left out");
            return std::nullopt;
        }
        if (!f.geometry.is_polygonal()) {
            add(Severity::error, "wrong_geometry_type", f.fid, "",
                "geometry is a " + f.geometry.type_name() + " but this layer needs polygons");
            return std::nullopt;
        }
        if (f.geometry.is_valid()) {
            return f.geometry;
        }
        const std::string reason = f.geometry.invalid_reason();
        gis::Geometry g = f.geometry.make_valid_polygonal();
        if (g.is_empty() || g.area() <= 0) {
            add(Severity::warning, "degenerate_geometry_skipped", f.fid, "",
                "invalid polygon (" + reason + ") has no area once repaired; left out");
            return std::nullopt;
        }
        add(Severity::warning, "invalid_geometry_repaired", f.fid, "",
            "invalid polygon (" + reason + ") repaired with GEOS make-valid");
        return g;
    }

    std::optional<gis::Point> point(const Feature &f) {
        if (f.geometry.is_empty()) {
            add(Severity::warning, "empty_geometry_skipped", f.fid, "",
                "geometry is null or empty; the feature is left out");
            return std::nullopt;
        }
        if (!f.geometry.is_point()) {
            add(Severity::error, "wrong_geometry_type", f.fid, "",
                "geometry is a " + f.geometry.type_name() + " but this layer needs points");
            return std::nullopt;
        }
        if (f.geometry.part_count() > 1) {
            add(Severity::warning, "multipoint_first_used", f.fid, "",
                "a MultiPoint of " + std::to_string(f.geometry.part_count()) +
                    " points; the first is used");
        }
        return f.geometry.as_point();
    }

  private:
    void check_numeric_type(int idx, const std::string &field, bool numeric) {
        if (idx < 0 || !numeric ||
            m_layer.fields[static_cast<std::size_t>(idx)].type != gis::FieldType::string) {
            return;
        }
        m_report.add({"text_field_for_number", Severity::warning, m_layer.source, m_layer.name, -1,
                      field,
                      "field is text but holds numbers; each value is read as a number and a "
                      "value that is not one is an error"});
    }

    const LayerData &m_layer;
    FindingsReport &m_report;
    bool m_feature_failed = false;
    bool m_layer_failed = false;
};

/// The layer's declared geometry type suits `need` ("polygon" or "point"); otherwise records an
/// error naming the layer and returns false. "Unknown" (mixed) layers are checked per feature.
bool layer_geometry_ok(const LayerData &layer, const std::string &need, FindingsReport &report) {
    const std::string &t = layer.geometry_type;
    const bool ok =
        t.find("Unknown") != std::string::npos || t.find("Collection") != std::string::npos ||
        (need == "polygon"
             ? (t.find("Polygon") != std::string::npos || t.find("Surface") != std::string::npos)
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

/// One input layer as read, or nullopt when it could not be read (the finding is recorded).
struct RawLayer {
    std::string role; // zones, stations, parks, parcels, constraints
    LayerRef ref;
    std::optional<LayerData> data;
};

RawLayer read_raw(const std::string &role, const LayerRef &ref, FindingsReport &report) {
    RawLayer out{role, ref, std::nullopt};
    gis::ReadOptions options;
    options.encoding = ref.encoding;
    try {
        if (!ref.crs.empty()) {
            options.assumed_crs = gis::Crs::from_user_input(ref.crs);
        }
        out.data = gis::read_layer(ref.source, ref.layer, options);
    } catch (const gis::SourceError &e) {
        report.add({source_error_code(e.reason()), Severity::error, "", "", -1, "", e.what()});
        return out;
    } catch (const UsageError &e) {
        report.add({"crs_unusable", Severity::error, ref.source, ref.layer, -1, "",
                    std::string("the layer's stated crs: ") + e.what()});
        return out;
    }
    const LayerData &l = *out.data;
    if (l.zm_dropped > 0) {
        report.add({"zm_dropped", Severity::info, l.source, l.name, -1, "",
                    "Z/M values dropped from " + std::to_string(l.zm_dropped) +
                        " features; the work is 2-D"});
    }
    if (l.crs_assumed) {
        report.add({"crs_assumed", Severity::info, l.source, l.name, -1, "",
                    "the layer declares no CRS; " + ref.crs + " is assumed as the plan file says"});
    }
    if (!ref.encoding.empty() && l.driver != "ESRI Shapefile") {
        report.add({"encoding_ignored", Severity::info, l.source, l.name, -1, "",
                    "encoding '" + ref.encoding + "' applies to Shapefiles only; " + l.driver +
                        " text is read as the format defines it"});
    }
    return out;
}

/// Finds the working CRS: stated; else the first projected layer CRS (parcels first); else chosen
/// automatically from the geographic layers' extent. Returns an empty Crs after recording an
/// error finding when none can be had.
gis::Crs working_crs(const InputSpec &spec, std::vector<RawLayer> &layers, std::string &note,
                     FindingsReport &report) {
    if (!spec.crs.empty()) {
        gis::Crs crs = gis::Crs::from_user_input(spec.crs); // UsageError when PROJ cannot read it
        if (!crs.is_projected()) {
            throw UsageError("crs '" + spec.crs + "' is " + crs.label() +
                             ", not a projected CRS; distances and areas need one "
                             "(e.g. EPSG:4549)");
        }
        note = "working CRS " + crs.label() + ", as stated";
        return crs;
    }
    bool missing = false;
    for (const auto &l : layers) {
        if (l.data && l.data->crs.empty() && l.data->geometry_type != "None") {
            report.add({"no_crs", Severity::error, l.data->source, l.data->name, -1, "",
                        "the layer has no CRS; state it in the plan file (inputs." + l.role +
                            ".crs) or fix the data"});
            missing = true;
        }
    }
    for (const auto &l : layers) {
        if (l.data && l.data->crs.is_projected()) {
            note = "working CRS " + l.data->crs.label() + ", the " + l.role + " layer's own";
            return l.data->crs;
        }
    }
    if (missing) {
        return {};
    }
    const gis::Crs *geographic = nullptr;
    std::optional<gis::Bounds> extent;
    for (const auto &l : layers) {
        if (!l.data || !l.data->crs.is_geographic()) {
            continue;
        }
        if (!geographic) {
            geographic = &l.data->crs;
        }
        if (auto b = gis::layer_bounds(*l.data)) {
            if (!extent) {
                extent = b;
            } else {
                extent->min_x = std::min(extent->min_x, b->min_x);
                extent->min_y = std::min(extent->min_y, b->min_y);
                extent->max_x = std::max(extent->max_x, b->max_x);
                extent->max_y = std::max(extent->max_y, b->max_y);
            }
        }
    }
    if (!geographic || !extent) {
        report.add({"crs_unusable", Severity::error, "", "", -1, "",
                    "no input layer has a usable CRS and features; state the working CRS "
                    "(crs = \"EPSG:...\")"});
        return {};
    }
    try {
        gis::CrsChoice choice = gis::choose_projected_crs(*geographic, *extent);
        note = choice.explanation;
        report.add({"crs_chosen", Severity::info, "", "", -1, "", choice.explanation});
        return choice.crs;
    } catch (const DataError &e) {
        report.add({"crs_unusable", Severity::error, "", "", -1, "", e.what()});
        return {};
    }
}

} // namespace

const std::vector<FieldMap::Entry> &FieldMap::entries() {
    static const std::vector<Entry> list = {
        {"zone_id", "zones", true, &FieldMap::zone_id},
        {"zone_name", "zones", false, &FieldMap::zone_name},
        {"population", "zones", true, &FieldMap::population},
        {"jobs", "zones", true, &FieldMap::jobs},
        {"dwellings", "zones", true, &FieldMap::dwellings},
        {"zone_class", "zones", false, &FieldMap::zone_class},
        {"destock_months", "zones", false, &FieldMap::destock_months},
        {"station_id", "stations", true, &FieldMap::station_id},
        {"station_name", "stations", false, &FieldMap::station_name},
        {"mode", "stations", false, &FieldMap::mode},
        {"line", "stations", false, &FieldMap::line},
        {"opening_year", "stations", false, &FieldMap::opening_year},
        {"park_id", "parks", true, &FieldMap::park_id},
        {"park_name", "parks", false, &FieldMap::park_name},
        {"park_jobs", "parks", true, &FieldMap::park_jobs},
        {"park_level", "parks", false, &FieldMap::park_level},
        {"parcel_id", "parcels", true, &FieldMap::parcel_id},
        {"land_source", "parcels", false, &FieldMap::land_source},
        {"first_year", "parcels", true, &FieldMap::first_year},
        {"far_cap", "parcels", true, &FieldMap::far_cap},
        {"allowed_types", "parcels", false, &FieldMap::allowed_types},
        {"constraint_id", "constraints", false, &FieldMap::constraint_id},
        {"constraint_kind", "constraints", false, &FieldMap::constraint_kind},
        {"effect", "constraints", true, &FieldMap::effect},
        {"max_far", "constraints", false, &FieldMap::max_far},
    };
    return list;
}

InputSpec InputSpec::from_source(const std::string &source) {
    InputSpec s;
    s.zones = {source, "zones", "", ""};
    s.stations = {source, "stations", "", ""};
    s.parks = {source, "parks", "", ""};
    s.parcels = {source, "parcels", "", ""};
    s.constraints = {{source, "constraints", "", ""}};
    return s;
}

namespace {

/// Sorts `items` (and `geoms` alongside, when not null) by `key`, stably.
template <class T, class Key>
void sort_by(std::vector<T> &items, std::vector<gis::Geometry> *geoms, Key key) {
    std::vector<std::size_t> order(items.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key(items[a]) < key(items[b]); });
    std::vector<T> sorted;
    sorted.reserve(items.size());
    std::vector<gis::Geometry> sorted_geoms;
    for (std::size_t i : order) {
        sorted.push_back(std::move(items[i]));
        if (geoms) {
            sorted_geoms.push_back(std::move((*geoms)[i]));
        }
    }
    items = std::move(sorted);
    if (geoms) {
        *geoms = std::move(sorted_geoms);
    }
}

} // namespace

void canonical_order(LoadedCity &c) {
    sort_by(c.city.zones, &c.zone_geoms, [](const Zone &z) { return z.id; });
    sort_by(c.city.stations, nullptr, [](const Station &s) { return s.id; });
    sort_by(c.city.parks, &c.park_geoms, [](const Park &p) { return p.id; });
    sort_by(c.city.constraints, &c.constraint_geoms,
            [](const Constraint &k) { return std::make_pair(k.layer, k.id); });
    sort_by(c.city.parcels, &c.parcel_geoms, [](const Parcel &p) { return p.id; });
}

LoadedCity load_city(const InputSpec &spec) {
    FindingsReport report;
    LoadedCity out = load_city(spec, report);
    if (const Finding *e = report.first_error()) {
        throw DataError(e->describe());
    }
    out.findings = std::move(report);
    return out;
}

LoadedCity load_city(const InputSpec &spec, FindingsReport &report) {
    LoadedCity out;
    const FieldMap &fm = spec.fields;
    const FieldMap defaults;

    // Read every layer as it is, then settle the working CRS and reproject into it.
    const bool generate = spec.generate.parcels > 0; // parcels and parks made, not read
    std::vector<RawLayer> layers;
    if (!generate) {
        layers.push_back(read_raw("parcels", spec.parcels, report));
    }
    layers.push_back(read_raw("zones", spec.zones, report));
    layers.push_back(read_raw("stations", spec.stations, report));
    if (!generate) {
        layers.push_back(read_raw("parks", spec.parks, report));
    }
    for (const auto &ref : spec.constraints) {
        layers.push_back(read_raw("constraints", ref, report));
    }
    out.crs = working_crs(spec, layers, out.crs_note, report);
    out.city.crs = out.crs.label();
    for (auto &l : layers) {
        if (!l.data) {
            continue;
        }
        if (out.crs.empty()) {
            l.data.reset();
            continue;
        }
        const gis::Crs from = l.data->crs;
        try {
            gis::reproject(*l.data, out.crs);
        } catch (const gis::SourceError &e) {
            report.add({source_error_code(e.reason()), Severity::error, "", "", -1, "", e.what()});
            l.data.reset();
            continue;
        }
        if (!from.same_as(out.crs)) {
            report.add({"reprojected", Severity::info, l.data->source, l.data->name, -1, "",
                        "reprojected from " + from.label() + " to " + out.crs.label()});
        }
    }
    auto layer_for = [&](const std::string &role) -> const LayerData * {
        for (const auto &l : layers) {
            if (l.role == role) {
                return l.data ? &*l.data : nullptr;
            }
        }
        return nullptr;
    };

    // Zones.
    if (const LayerData *layer = layer_for("zones");
        layer && layer_geometry_ok(*layer, "polygon", report)) {
        LayerChecker r(*layer, report);
        const int i_id = r.require_field(fm.zone_id);
        const int i_name = r.optional_field(fm.zone_name, defaults.zone_name);
        // Values from [inputs.zone_values] stand in for missing fields.
        const bool given = !spec.zone_values.empty();
        const int i_pop = given ? r.optional_field(fm.population, defaults.population, true)
                                : r.require_field(fm.population, true);
        const int i_jobs =
            given ? r.optional_field(fm.jobs, defaults.jobs, true) : r.require_field(fm.jobs, true);
        const int i_dw = given ? r.optional_field(fm.dwellings, defaults.dwellings, true)
                               : r.require_field(fm.dwellings, true);
        const int i_class = r.optional_field(fm.zone_class, defaults.zone_class);
        const int i_destock = r.optional_field(fm.destock_months, defaults.destock_months, true);
        std::vector<std::pair<std::string, std::int64_t>> ids;
        for (const auto &f : r.layer_failed() ? std::vector<Feature>{} : layer->features) {
            r.begin();
            auto g = r.polygon(f);
            Zone z;
            z.id = r.text(f, i_id, fm.zone_id, true);
            z.name = r.text(f, i_name, fm.zone_name, false);
            z.population = r.number(f, i_pop, fm.population, 0, true, 0);
            z.jobs = r.number(f, i_jobs, fm.jobs, 0, true, 0);
            z.dwellings = r.number(f, i_dw, fm.dwellings, 0, true, 0);
            z.zone_class = r.text(f, i_class, fm.zone_class, false);
            z.destock_months = r.number(f, i_destock, fm.destock_months, 0, false, 0);
            if (auto it = spec.zone_values.find(z.id); it != spec.zone_values.end()) {
                const ZoneValues &v = it->second;
                z.population = v.population.value_or(z.population);
                z.jobs = v.jobs.value_or(z.jobs);
                z.dwellings = v.dwellings.value_or(z.dwellings);
                z.destock_months = v.destock_months.value_or(z.destock_months);
                z.zone_class = v.zone_class.value_or(z.zone_class);
            } else if (given && (i_pop < 0 || i_jobs < 0 || i_dw < 0)) {
                r.add(Severity::error, "empty_value", f.fid, fm.zone_id,
                      "zone '" + z.id +
                          "' has no [inputs.zone_values] entry and the layer lacks population, "
                          "jobs or dwellings");
            }
            if (!g || r.failed()) {
                continue;
            }
            z.area_m2 = g->area();
            const gis::Point zp = representative_point(*g);
            z.x = zp.x;
            z.y = zp.y;
            ids.emplace_back(z.id, f.fid);
            out.city.zones.push_back(std::move(z));
            out.zone_geoms.push_back(std::move(*g));
        }
        check_unique(ids, *layer, fm.zone_id, report);
        // An [inputs.zone_values] entry for no zone is a typo that would silently do nothing.
        for (const auto &[id, v] : spec.zone_values) {
            if (!r.layer_failed() && std::none_of(ids.begin(), ids.end(),
                                                  [&](const auto &p) { return p.first == id; })) {
                report.add({"unknown_zone", Severity::error, layer->source, layer->name, -1,
                            fm.zone_id,
                            "[inputs.zone_values." + id + "] names no zone of the layer (its '" +
                                fm.zone_id + "' values); fix the id in the plan file"});
            }
        }
        if (out.city.zones.empty() && !r.layer_failed()) {
            report.add({"empty_layer", Severity::error, layer->source, layer->name, -1, "",
                        "has no usable zones"});
        }
    }

    // Stations.
    if (const LayerData *layer = layer_for("stations");
        layer && layer_geometry_ok(*layer, "point", report)) {
        LayerChecker r(*layer, report);
        const int i_id = r.require_field(fm.station_id);
        const int i_name = r.optional_field(fm.station_name, defaults.station_name);
        const int i_mode = r.optional_field(fm.mode, defaults.mode);
        const int i_line = r.optional_field(fm.line, defaults.line);
        const int i_year = r.optional_field(fm.opening_year, defaults.opening_year, true);
        for (const auto &f : r.layer_failed() ? std::vector<Feature>{} : layer->features) {
            r.begin();
            const auto p = r.point(f);
            Station s;
            s.id = r.text(f, i_id, fm.station_id, true);
            s.name = r.text(f, i_name, fm.station_name, false);
            s.mode = i_mode >= 0 ? r.text(f, i_mode, fm.mode, false) : "metro";
            s.line = r.text(f, i_line, fm.line, false);
            s.opening_year =
                static_cast<int>(r.number(f, i_year, fm.opening_year, 0, false, 0, 2200));
            if (!p || r.failed()) {
                continue;
            }
            s.x = p->x;
            s.y = p->y;
            out.city.stations.push_back(std::move(s));
        }
    }

    // Industrial parks.
    if (const LayerData *layer = layer_for("parks");
        layer && layer_geometry_ok(*layer, "polygon", report)) {
        LayerChecker r(*layer, report);
        const int i_id = r.require_field(fm.park_id);
        const int i_name = r.optional_field(fm.park_name, defaults.park_name);
        const int i_jobs = r.require_field(fm.park_jobs, true);
        const int i_level = r.optional_field(fm.park_level, defaults.park_level);
        for (const auto &f : r.layer_failed() ? std::vector<Feature>{} : layer->features) {
            r.begin();
            auto g = r.polygon(f);
            Park p;
            p.id = r.text(f, i_id, fm.park_id, true);
            p.name = r.text(f, i_name, fm.park_name, false);
            p.jobs = r.number(f, i_jobs, fm.park_jobs, 0, true, 0);
            p.level = r.text(f, i_level, fm.park_level, false);
            if (!g || r.failed()) {
                continue;
            }
            p.area_m2 = g->area();
            const gis::Point pp = representative_point(*g);
            p.x = pp.x;
            p.y = pp.y;
            out.city.parks.push_back(std::move(p));
            out.park_geoms.push_back(std::move(*g));
        }
    }

    // Constraints (any number of layers).
    for (const auto &raw : layers) {
        if (raw.role != "constraints" || !raw.data ||
            !layer_geometry_ok(*raw.data, "polygon", report)) {
            continue;
        }
        const LayerData &layer = *raw.data;
        LayerChecker r(layer, report);
        const int i_id = r.optional_field(fm.constraint_id, defaults.constraint_id);
        const int i_kind = r.optional_field(fm.constraint_kind, defaults.constraint_kind);
        const int i_effect = r.require_field(fm.effect);
        const int i_far = r.optional_field(fm.max_far, defaults.max_far, true);
        for (const auto &f : r.layer_failed() ? std::vector<Feature>{} : layer.features) {
            r.begin();
            auto g = r.polygon(f);
            Constraint c;
            c.id = i_id >= 0 ? r.text(f, i_id, fm.constraint_id, true) : std::to_string(f.fid);
            c.kind = i_kind >= 0 ? r.text(f, i_kind, fm.constraint_kind, false) : layer.name;
            c.layer = layer.name;
            const std::string effect = r.text(f, i_effect, fm.effect, true);
            if (effect == "exclude") {
                c.effect = ConstraintEffect::exclude;
            } else if (effect == "cap") {
                c.effect = ConstraintEffect::cap;
                c.max_far = r.number(f, i_far, fm.max_far, k_inf, false, 0);
            } else if (!effect.empty()) {
                r.add(Severity::error, "bad_value", f.fid, fm.effect,
                      "'" + effect + "' is not an effect; use 'exclude' or 'cap'");
            }
            if (!g || r.failed()) {
                continue;
            }
            out.city.constraints.push_back(std::move(c));
            out.constraint_geoms.push_back(std::move(*g));
        }
    }

    // Candidate parcels.
    if (const LayerData *layer = layer_for("parcels");
        layer && layer_geometry_ok(*layer, "polygon", report)) {
        LayerChecker r(*layer, report);
        const int i_id = r.require_field(fm.parcel_id);
        const int i_src = r.optional_field(fm.land_source, defaults.land_source);
        const int i_year = r.require_field(fm.first_year, true);
        const int i_far = r.require_field(fm.far_cap, true);
        const int i_types = r.optional_field(fm.allowed_types, defaults.allowed_types);
        std::vector<std::pair<std::string, std::int64_t>> ids;
        for (const auto &f : r.layer_failed() ? std::vector<Feature>{} : layer->features) {
            r.begin();
            auto g = r.polygon(f);
            Parcel p;
            p.id = r.text(f, i_id, fm.parcel_id, true);
            p.fid = f.fid;
            p.land_source = i_src >= 0 ? r.text(f, i_src, fm.land_source, false) : "";
            p.first_year =
                static_cast<int>(r.number(f, i_year, fm.first_year, 0, true, 1900, 2200));
            // Plot ratios are kept to 1e-6: a source that stores numbers as text (a database,
            // CSV) may change the last bits, and the plan must not depend on them.
            p.far_cap = std::round(r.number(f, i_far, fm.far_cap, 0, true, 0, 20) * 1e6) / 1e6;
            p.allowed_types = split_list(r.text(f, i_types, fm.allowed_types, false));
            if (!g || r.failed()) {
                continue;
            }
            if (spec.last_year > 0 && p.first_year > spec.last_year) {
                r.add(Severity::warning, "year_outside_horizon", f.fid, fm.first_year,
                      "first available in " + std::to_string(p.first_year) + ", after the plan's " +
                          std::to_string(spec.first_year) + "-" + std::to_string(spec.last_year) +
                          "; the parcel cannot be supplied in this plan");
            }
            const double area = g->area();
            if (area < spec.min_parcel_area_m2) {
                r.add(Severity::warning, "small_parcel", f.fid, "",
                      "area " + format_number(std::round(area)) + " m2 is below " +
                          format_number(spec.min_parcel_area_m2) +
                          " m2 (inputs.min_parcel_area_m2)");
            }
            ids.emplace_back(p.id, f.fid);
            out.city.parcels.push_back(std::move(p));
            out.parcel_geoms.push_back(std::move(*g));
        }
        check_unique(ids, *layer, fm.parcel_id, report);
    }

    if (generate && !report.has_errors()) {
        generate_in_zones(out, spec);
        report.add({"generated", Severity::info, "", "", -1, "",
                    "generated " + std::to_string(out.city.parks.size()) +
                        " industrial parks and " + std::to_string(out.city.parcels.size()) +
                        " candidate parcels inside the zones ([inputs.generate], seed " +
                        std::to_string(spec.generate.seed) + ")"});
    }
    if (!report.has_errors()) {
        canonical_order(out);
        compute_parcel_facts(out, spec);
        if (const LayerData *layer = layer_for("parcels")) {
            for (const auto &p : out.city.parcels) {
                if (p.zone == k_none) {
                    report.add({"outside_zones", Severity::warning, layer->source, layer->name,
                                p.fid, "", "the parcel lies in no zone; it counts for no zone"});
                }
            }
        }
    }
    return out;
}

namespace {
double round_to_step(double v, double step) {
    return std::isfinite(v) ? std::round(v / step) * step : v;
}
} // namespace

void compute_parcel_facts(LoadedCity &loaded, const InputSpec &spec) {
    City &city = loaded.city;
    const gis::BoxIndex zone_index(loaded.zone_geoms);
    const gis::BoxIndex park_index(loaded.park_geoms);
    const gis::BoxIndex constraint_index(loaded.constraint_geoms);
    std::vector<gis::Point> station_points;
    station_points.reserve(city.stations.size());
    for (const auto &s : city.stations) {
        station_points.push_back({s.x, s.y});
    }
    const gis::PointIndex station_index(station_points);

    // Zones sharing a boundary (within 1 m, so real data's slivers and gaps do not split them).
    constexpr double k_touch_m = 1.0;
    city.zone_neighbours.assign(city.zones.size(), {});
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        gis::Bounds b = loaded.zone_geoms[z].bounds();
        b.min_x -= k_touch_m;
        b.min_y -= k_touch_m;
        b.max_x += k_touch_m;
        b.max_y += k_touch_m;
        for (std::size_t w : zone_index.query(b)) {
            if (w != z && loaded.zone_geoms[z].distance(loaded.zone_geoms[w]) <= k_touch_m) {
                city.zone_neighbours[z].push_back(static_cast<int>(w));
            }
        }
        std::sort(city.zone_neighbours[z].begin(), city.zone_neighbours[z].end());
    }

    for (std::size_t i = 0; i < city.parcels.size(); ++i) {
        Parcel &p = city.parcels[i];
        const gis::Geometry &g = loaded.parcel_geoms[i];
        p.area_m2 = g.area();
        const gis::Point ip = g.interior_point();
        p.x = ip.x;
        p.y = ip.y;
        const gis::Bounds pb{ip.x, ip.y, ip.x, ip.y};

        // Zone: the one holding the interior point (lowest index on shared edges).
        for (std::size_t z : zone_index.query(pb)) {
            if (loaded.zone_geoms[z].covers_point(ip)) {
                p.zone = static_cast<int>(z);
                break;
            }
        }

        // Stations: nearest and count within the radius, from the interior point.
        auto [si, sd] = station_index.nearest(ip);
        if (si != gis::PointIndex::npos) {
            p.nearest_station = static_cast<int>(si);
            p.station_distance_m = sd;
            p.stations_within_800m =
                static_cast<int>(station_index.within(ip, spec.station_radius_m).size());
        }

        // Parks: polygon-to-polygon distance over the nearest few by box distance.
        for (std::size_t k : park_index.nearest(ip, 4)) {
            const double d = loaded.park_geoms[k].distance(g);
            if (d < p.park_distance_m) {
                p.park_distance_m = d;
                p.nearest_park = static_cast<int>(k);
            }
        }
        if (p.nearest_park != k_none) {
            p.in_park =
                loaded.park_geoms[static_cast<std::size_t>(p.nearest_park)].covers_point(ip);
        }

        // Constraints: exact overlap areas.
        double best_exclusion = 0;
        for (std::size_t c : constraint_index.query(g.bounds())) {
            const double a = loaded.constraint_geoms[c].intersection_area(g);
            if (a <= 0) {
                continue;
            }
            const Constraint &con = city.constraints[c];
            if (con.effect == ConstraintEffect::exclude) {
                p.excluded_overlap_m2 += a;
                if (a > best_exclusion) {
                    best_exclusion = a;
                    p.excluded_by = static_cast<int>(c);
                }
            } else {
                p.capped_share += a / p.area_m2;
                if (a / p.area_m2 >= spec.cap_min_share && con.max_far < p.cap_far) {
                    p.cap_far = con.max_far;
                    p.capped_by = static_cast<int>(c);
                }
            }
        }
        if (p.excluded_overlap_m2 < spec.exclude_min_overlap_m2) {
            p.excluded_overlap_m2 = 0;
            p.excluded_by = k_none;
        }
        // Facts are kept to a centimetre (areas to 0.01 m2): far below survey precision, and
        // the same city read from another format or CRS (whose coordinates differ in the last
        // bits after reprojection) then gives identical facts and so the same plan.
        p.area_m2 = round_to_step(p.area_m2, 0.01);
        p.station_distance_m = round_to_step(p.station_distance_m, 0.01);
        p.park_distance_m = round_to_step(p.park_distance_m, 0.01);
        p.excluded_overlap_m2 = round_to_step(p.excluded_overlap_m2, 0.01);
    }
}

} // namespace landalloc
