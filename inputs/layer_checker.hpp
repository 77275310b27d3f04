#pragma once
// Checking one input layer's fields, values and geometries into findings (layer_checker.cpp):
// internal to inputs/, used by read_layers.cpp.

#include "core/domain.hpp"
#include "gis/geometry.hpp"
#include "gis/vector_io.hpp"
#include "inputs/findings.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace landalloc::detail {

using gis::Feature;
using gis::LayerData;

/// A number as `std::ostream` prints it (6 significant digits).
std::string format_number(double v);

/// The layer's declared geometry type suits `need` ("polygon", "line" or "point"); otherwise
/// records an error naming the layer and returns false. "Unknown" (mixed) layers are checked per
/// feature.
bool layer_geometry_ok(const LayerData &layer, const std::string &need, FindingsReport &report);

/// The centroid, or an interior point when the centroid falls outside (concave shapes).
gis::Point representative_point(const gis::Geometry &g);

/// The items of a list separated by commas, semicolons or spaces; "all" is the empty list.
std::vector<std::string> split_list(const std::string &s);

/// Records a duplicate_id error for every id (with its feature id) used before.
void check_unique(const std::vector<std::pair<std::string, std::int64_t>> &ids,
                  const LayerData &layer, const std::string &field, FindingsReport &report);

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

    /// An optional field; when the user mapped it to a name that is not there, an error: a
    /// mistyped `allowed_types` would otherwise allow every type without a word.
    int optional_field(const std::string &field, const std::string &default_name,
                       bool numeric = false) {
        const int idx = m_layer.field_index(field);
        if (idx < 0 && field != default_name) {
            std::string present;
            for (const auto &fd : m_layer.fields) {
                present += (present.empty() ? "" : ", ") + fd.name;
            }
            m_report.add({"mapped_field_missing", Severity::error, m_layer.source, m_layer.name, -1,
                          field,
                          "field '" + field +
                              "' named in [inputs.fields] is not in the layer (fields present: " +
                              (present.empty() ? "none" : present) +
                              "); fix the name or remove the mapping"});
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
        if (!has_shape(f, &gis::Geometry::is_polygonal, "polygons")) {
            return std::nullopt;
        }
        if (f.geometry.is_valid()) {
            return f.geometry;
        }
        return repaired(f);
    }

    /// The same, the feature's own polygon moved out of it when it is valid (the feature is left
    /// without geometry; an invalid one keeps it, and gives a repaired copy).
    std::optional<gis::Geometry> polygon_taken(Feature &f) {
        if (!has_shape(f, &gis::Geometry::is_polygonal, "polygons")) {
            return std::nullopt;
        }
        if (f.geometry.is_valid()) {
            return std::move(f.geometry);
        }
        return repaired(f);
    }

    /// The feature's lines (each its vertices), nullopt when it is skipped or wrong.
    std::optional<std::vector<std::vector<gis::Point>>> lines(const Feature &f) {
        if (!has_shape(f, &gis::Geometry::is_lineal, "lines")) {
            return std::nullopt;
        }
        return f.geometry.line_parts();
    }

    std::optional<gis::Point> point(const Feature &f) {
        if (!has_shape(f, &gis::Geometry::is_point, "points")) {
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
    /// An invalid polygon repaired with GEOS make-valid; nullopt when nothing with area is left.
    std::optional<gis::Geometry> repaired(const Feature &f) {
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

    /// Whether the feature has a geometry of the kind `is_kind` tests; records why not.
    bool has_shape(const Feature &f, bool (gis::Geometry::*is_kind)() const, const char *kinds) {
        if (const auto bad = m_layer.geometry_errors.find(f.fid);
            bad != m_layer.geometry_errors.end()) {
            add(Severity::error, "bad_geometry", f.fid, "",
                bad->second + "; repair it in a GIS (QGIS: Fix Geometries) or remove the feature");
            return false;
        }
        if (f.geometry.is_empty()) {
            add(Severity::warning, "empty_geometry_skipped", f.fid, "",
                "geometry is null or empty; the feature is left out");
            return false;
        }
        if (!(f.geometry.*is_kind)()) {
            add(Severity::error, "wrong_geometry_type", f.fid, "",
                "geometry is a " + f.geometry.type_name() + " but this layer needs " + kinds);
            return false;
        }
        return true;
    }

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

} // namespace landalloc::detail
