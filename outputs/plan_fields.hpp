#pragma once
// Reading the fields of a plan GeoPackage's layers by the schema's names (schema.hpp), with
// errors naming the file, layer and field: internal to outputs/, used by the report
// (report_data.cpp) and the comparison (compare.cpp).

#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "outputs/schema.hpp"

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace landalloc::detail {

/// The number a text starts with, as std::stod reads it (leading blanks skipped, trailing text
/// ignored); nullopt when it starts with none. No exception to swallow.
inline std::optional<double> leading_number(const std::string &text) {
    const char *begin = text.c_str();
    char *end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin) {
        return std::nullopt;
    }
    return v;
}

inline constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

/// Field access on a layer of a plan GeoPackage (read back, or built in memory as written), by
/// the names of the schema (schema.hpp), with errors naming file, layer, field.
class PlanFields {
  public:
    explicit PlanFields(const gis::LayerData &layer) : m_layer(layer) {}

    int index(const FieldName &field, bool required = true) const {
        if (field.layer != m_layer.name) {
            throw std::logic_error("field '" + std::string(field.name) + "' of layer '" +
                                   std::string(field.layer) + "' looked up in layer '" +
                                   m_layer.name + "'");
        }
        const std::string name(field.name);
        const int i = m_layer.field_index(name);
        if (i < 0 && required) {
            throw DataError(m_layer.source + ", layer '" + m_layer.name + "': no field '" + name +
                            "'; is this a GeoPackage written by 'landalloc plan'?");
        }
        return i;
    }
    static double number(const gis::Feature &f, int i) {
        if (i < 0 || static_cast<std::size_t>(i) >= f.values.size()) {
            return k_nan;
        }
        const auto &v = f.values[static_cast<std::size_t>(i)];
        if (const auto *d = std::get_if<double>(&v)) {
            return *d;
        }
        if (const auto *n = std::get_if<std::int64_t>(&v)) {
            return static_cast<double>(*n);
        }
        if (const auto *s = std::get_if<std::string>(&v)) {
            return leading_number(*s).value_or(k_nan);
        }
        return k_nan;
    }
    static std::string text(const gis::Feature &f, int i) {
        if (i < 0 || static_cast<std::size_t>(i) >= f.values.size()) {
            return {};
        }
        const auto &v = f.values[static_cast<std::size_t>(i)];
        if (const auto *s = std::get_if<std::string>(&v)) {
            return *s;
        }
        if (const auto *n = std::get_if<std::int64_t>(&v)) {
            return std::to_string(*n);
        }
        if (const auto *d = std::get_if<double>(&v)) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.10g", *d);
            return buf;
        }
        return {};
    }

  private:
    const gis::LayerData &m_layer;
};

} // namespace landalloc::detail
