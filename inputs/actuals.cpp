#include "inputs/actuals.hpp"

#include "core/errors.hpp"
#include "gis/vector_io.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace landalloc {

namespace {

/// The text of a value ("" for NULL); numbers as written (a whole number without decimals).
std::string text_of(const gis::Value &v) {
    if (const auto *s = std::get_if<std::string>(&v)) {
        return *s;
    }
    if (const auto *i = std::get_if<std::int64_t>(&v)) {
        return std::to_string(*i);
    }
    if (const auto *d = std::get_if<double>(&v)) {
        if (std::floor(*d) == *d && std::abs(*d) < 1e15) {
            return std::to_string(static_cast<std::int64_t>(*d));
        }
        return std::to_string(*d);
    }
    return {};
}

/// A number of a value; NaN for NULL or text that is not one.
double number_of(const gis::Value &v) {
    if (const auto *i = std::get_if<std::int64_t>(&v)) {
        return static_cast<double>(*i);
    }
    if (const auto *d = std::get_if<double>(&v)) {
        return *d;
    }
    if (const auto *s = std::get_if<std::string>(&v)) {
        double x = 0;
        const char *end = s->data() + s->size();
        const auto [ptr, ec] = std::from_chars(s->data(), end, x);
        if (ec == std::errc() && ptr == end && !s->empty()) {
            return x;
        }
    }
    return std::numeric_limits<double>::quiet_NaN();
}

std::string field_list(const gis::LayerData &layer) {
    std::string s;
    for (const auto &f : layer.fields) {
        s += (s.empty() ? "" : ", ") + f.name;
    }
    return s.empty() ? "none" : s;
}

int field_of(const gis::LayerData &layer, const std::string &where,
             std::initializer_list<const char *> names) {
    for (const char *n : names) {
        const int i = layer.field_index(n);
        if (i >= 0) {
            return i;
        }
    }
    throw DataError(where + ": field '" + *names.begin() +
                    "' is missing (fields present: " + field_list(layer) +
                    "); an actuals table has parcel_id, year, housing_type and status");
}

} // namespace

ActualSites read_actuals(const std::string &path) {
    const std::vector<std::string> layers = gis::list_layers(path);
    std::string name;
    if (std::find(layers.begin(), layers.end(), "allocated_parcels") != layers.end()) {
        name = "allocated_parcels";
    } else if (layers.size() == 1) {
        name = layers.front();
    } else {
        std::string list;
        for (const auto &l : layers) {
            list += (list.empty() ? "" : ", ") + l;
        }
        throw DataError(path + ": no allocated_parcels layer and " + std::to_string(layers.size()) +
                        " layers (" + (list.empty() ? "none" : list) +
                        "); give a plan GeoPackage or a table with one layer");
    }
    const gis::LayerData layer = gis::read_layer(path, name);
    const std::string at = path + ", layer " + name;
    const int f_parcel = field_of(layer, at, {"parcel_id", "id"});
    const int f_year = field_of(layer, at, {"year"});
    const int f_type = field_of(layer, at, {"housing_type", "type"});
    const int f_status = layer.field_index("status");
    const int f_units = layer.field_index("units");
    const int f_btype = layer.field_index("bundled_type");
    const int f_bfloor = layer.field_index("bundled_floor_m2");
    const int f_bunits = layer.field_index("bundled_units");
    const int f_floor = layer.field_index("floor_area_m2");
    const bool table = layer.driver == "CSV" || layer.geometry_type == "None";
    ActualSites out;
    out.source = path;
    for (const gis::Feature &f : layer.features) {
        const auto value = [&](int i) {
            return i >= 0 && static_cast<std::size_t>(i) < f.values.size() ? f.values[i]
                                                                           : gis::Value();
        };
        ActualSite s;
        s.parcel_id = text_of(value(f_parcel));
        s.where = at + ", " + (table ? "row " : "fid ") + std::to_string(f.fid) + " (parcel " +
                  (s.parcel_id.empty() ? "NULL" : s.parcel_id) + ")";
        const double year = number_of(value(f_year));
        if (!std::isfinite(year) || std::floor(year) != year) {
            throw DataError(s.where + ", field year: '" + text_of(value(f_year)) +
                            "' is not a year; give the year the site is (or was) supplied");
        }
        s.year = static_cast<int>(year);
        s.type = text_of(value(f_type));
        s.status = f_status >= 0 ? text_of(value(f_status)) : std::string();
        if (f_units >= 0) {
            s.units = number_of(value(f_units));
        }
        s.bundled_type = f_btype >= 0 ? text_of(value(f_btype)) : std::string();
        if (!s.bundled_type.empty() && f_bfloor >= 0 && f_floor >= 0) {
            const double floor = number_of(value(f_floor));
            const double bundled = number_of(value(f_bfloor));
            s.bundled_share = floor > 0 && std::isfinite(bundled) ? bundled / floor : 0.0;
            s.bundled_units = f_bunits >= 0 ? number_of(value(f_bunits)) : 0.0;
        }
        out.sites.push_back(std::move(s));
    }
    // The zones at that plan: inventory months and destocking band (a plan GeoPackage).
    if (std::find(layers.begin(), layers.end(), "zones") != layers.end()) {
        const gis::LayerData zones = gis::read_layer(path, "zones");
        const int f_id = zones.field_index("zone_id");
        const int f_months = zones.field_index("destock_months");
        const int f_band = zones.field_index("destock_band");
        if (f_id >= 0 && f_months >= 0) {
            for (const gis::Feature &z : zones.features) {
                PreviousZone pz;
                const double m = number_of(z.values[f_months]);
                pz.destock_months = std::isfinite(m) ? m : 0.0;
                pz.destock_band = f_band >= 0 ? text_of(z.values[f_band]) : std::string();
                out.zones[text_of(z.values[f_id])] = pz;
            }
        }
    }
    return out;
}

} // namespace landalloc
