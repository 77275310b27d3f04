#include "layers/city.hpp"

#include "gis/errors.hpp"
#include "gis/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace landalloc {

namespace {

using gis::Feature;
using gis::LayerData;

/// Reads attributes of one layer with messages that say where a bad value is.
class AttributeReader {
  public:
    explicit AttributeReader(const LayerData &layer) : m_layer(layer) {}

    std::string where(const Feature &f, const std::string &field) const {
        return m_layer.source + ", layer '" + m_layer.name + "', feature " + std::to_string(f.fid) +
               ", field '" + field + "'";
    }

    int require_field(const std::string &field) const {
        const int idx = m_layer.field_index(field);
        if (idx < 0) {
            std::string present;
            for (const auto &fd : m_layer.fields) {
                present += (present.empty() ? "" : ", ") + fd.name;
            }
            throw DataError(
                m_layer.source + ", layer '" + m_layer.name + "': required field '" + field +
                "' is missing (fields present: " + (present.empty() ? "none" : present) +
                "); map it in the plan file's [inputs.fields]");
        }
        return idx;
    }

    int optional_field(const std::string &field) const { return m_layer.field_index(field); }

    std::string text(const Feature &f, int idx, const std::string &field,
                     bool required = true) const {
        if (idx < 0) {
            return {};
        }
        const auto &v = f.values[static_cast<std::size_t>(idx)];
        if (std::holds_alternative<std::monostate>(v)) {
            if (required) {
                throw DataError(where(f, field) + ": value is empty; every feature needs one");
            }
            return {};
        }
        if (const auto *s = std::get_if<std::string>(&v)) {
            return *s;
        }
        if (const auto *i = std::get_if<std::int64_t>(&v)) {
            return std::to_string(*i);
        }
        std::ostringstream os;
        os << std::get<double>(v);
        return os.str();
    }

    double number(const Feature &f, int idx, const std::string &field, double fallback,
                  bool required, double min_value) const {
        if (idx < 0) {
            return fallback;
        }
        const auto &v = f.values[static_cast<std::size_t>(idx)];
        double out = fallback;
        if (std::holds_alternative<std::monostate>(v)) {
            if (required) {
                throw DataError(where(f, field) + ": value is empty; every feature needs one");
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
                throw DataError(where(f, field) + ": '" + s + "' is not a number");
            }
        }
        if (!std::isfinite(out) || out < min_value) {
            std::ostringstream os;
            os << where(f, field) << ": " << out << " is out of range (must be at least "
               << min_value << ")";
            throw DataError(os.str());
        }
        return out;
    }

  private:
    const LayerData &m_layer;
};

void require_geometry(const LayerData &layer, const Feature &f, bool polygon) {
    const std::string at =
        layer.source + ", layer '" + layer.name + "', feature " + std::to_string(f.fid);
    if (f.geometry.is_empty()) {
        throw DataError(at + ": geometry is empty; remove the feature or draw it");
    }
    if (polygon && !f.geometry.is_polygonal()) {
        throw DataError(at + ": geometry is a " + f.geometry.type_name() +
                        " but this layer needs polygons");
    }
    if (!polygon && !f.geometry.is_point()) {
        throw DataError(at + ": geometry is a " + f.geometry.type_name() +
                        " but this layer needs points");
    }
}

gis::Geometry valid_polygon(const gis::Geometry &g) { return g.is_valid() ? g : g.make_valid(); }

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

void check_unique(const std::vector<std::string> &ids, const LayerData &layer,
                  const std::string &field) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto [it, inserted] = seen.emplace(ids[i], i);
        if (!inserted) {
            throw DataError(layer.source + ", layer '" + layer.name + "', feature " +
                            std::to_string(layer.features[i].fid) + ", field '" + field +
                            "': id '" + ids[i] + "' is used twice (also by feature " +
                            std::to_string(layer.features[it->second].fid) +
                            "); ids must be unique");
        }
    }
}

} // namespace

InputSpec InputSpec::from_source(const std::string &source) {
    InputSpec s;
    s.zones = {source, "zones"};
    s.stations = {source, "stations"};
    s.parks = {source, "parks"};
    s.parcels = {source, "parcels"};
    s.constraints = {{source, "constraints"}};
    return s;
}

LoadedCity load_city(const InputSpec &spec) {
    LoadedCity out;
    const FieldMap &fm = spec.fields;

    // The working CRS: stated, or the parcels layer's own when it is projected.
    if (!spec.crs.empty()) {
        out.crs = gis::Crs::from_user_input(spec.crs);
    }
    LayerData parcels =
        read_layer(spec.parcels.source, spec.parcels.layer, out.crs.empty() ? nullptr : &out.crs);
    if (out.crs.empty()) {
        if (parcels.source_crs.empty()) {
            throw DataError(spec.parcels.source + ", layer '" + spec.parcels.layer +
                            "': the layer has no CRS; state one with crs = \"EPSG:...\"");
        }
        if (!parcels.source_crs.is_projected()) {
            throw DataError(spec.parcels.source + ", layer '" + spec.parcels.layer + "': CRS " +
                            parcels.source_crs.label() +
                            " is not projected; state a projected working CRS, e.g. "
                            "crs = \"EPSG:4549\"");
        }
        out.crs = parcels.source_crs;
    }
    out.city.crs = out.crs.label();

    // Zones.
    {
        LayerData layer = read_layer(spec.zones.source, spec.zones.layer, &out.crs);
        AttributeReader r(layer);
        const int i_id = r.require_field(fm.zone_id);
        const int i_name = r.optional_field(fm.zone_name);
        const int i_pop = r.require_field(fm.population);
        const int i_jobs = r.require_field(fm.jobs);
        const int i_dw = r.require_field(fm.dwellings);
        const int i_class = r.optional_field(fm.zone_class);
        const int i_destock = r.optional_field(fm.destock_months);
        std::vector<std::string> ids;
        for (const auto &f : layer.features) {
            require_geometry(layer, f, true);
            Zone z;
            z.id = r.text(f, i_id, fm.zone_id);
            z.name = r.text(f, i_name, fm.zone_name, false);
            z.population = r.number(f, i_pop, fm.population, 0, true, 0);
            z.jobs = r.number(f, i_jobs, fm.jobs, 0, true, 0);
            z.dwellings = r.number(f, i_dw, fm.dwellings, 0, true, 0);
            z.zone_class = r.text(f, i_class, fm.zone_class, false);
            z.destock_months = r.number(f, i_destock, fm.destock_months, 0, false, 0);
            auto g = valid_polygon(f.geometry);
            z.area_m2 = g.area();
            ids.push_back(z.id);
            out.city.zones.push_back(std::move(z));
            out.zone_geoms.push_back(std::move(g));
        }
        check_unique(ids, layer, fm.zone_id);
        if (out.city.zones.empty()) {
            throw DataError(layer.source + ", layer '" + layer.name + "': has no zones");
        }
    }

    // Stations.
    {
        LayerData layer = read_layer(spec.stations.source, spec.stations.layer, &out.crs);
        AttributeReader r(layer);
        const int i_id = r.require_field(fm.station_id);
        const int i_name = r.optional_field(fm.station_name);
        const int i_mode = r.optional_field(fm.mode);
        const int i_line = r.optional_field(fm.line);
        const int i_year = r.optional_field(fm.opening_year);
        for (const auto &f : layer.features) {
            require_geometry(layer, f, false);
            Station s;
            s.id = r.text(f, i_id, fm.station_id);
            s.name = r.text(f, i_name, fm.station_name, false);
            s.mode = i_mode >= 0 ? r.text(f, i_mode, fm.mode, false) : "metro";
            s.line = r.text(f, i_line, fm.line, false);
            s.opening_year = static_cast<int>(r.number(f, i_year, fm.opening_year, 0, false, 0));
            const auto p = f.geometry.as_point();
            s.x = p.x;
            s.y = p.y;
            out.city.stations.push_back(std::move(s));
        }
    }

    // Industrial parks.
    {
        LayerData layer = read_layer(spec.parks.source, spec.parks.layer, &out.crs);
        AttributeReader r(layer);
        const int i_id = r.require_field(fm.park_id);
        const int i_name = r.optional_field(fm.park_name);
        const int i_jobs = r.require_field(fm.park_jobs);
        const int i_level = r.optional_field(fm.park_level);
        for (const auto &f : layer.features) {
            require_geometry(layer, f, true);
            Park p;
            p.id = r.text(f, i_id, fm.park_id);
            p.name = r.text(f, i_name, fm.park_name, false);
            p.jobs = r.number(f, i_jobs, fm.park_jobs, 0, true, 0);
            p.level = r.text(f, i_level, fm.park_level, false);
            auto g = valid_polygon(f.geometry);
            p.area_m2 = g.area();
            out.city.parks.push_back(std::move(p));
            out.park_geoms.push_back(std::move(g));
        }
    }

    // Constraints (any number of layers).
    for (const auto &ref : spec.constraints) {
        LayerData layer = read_layer(ref.source, ref.layer, &out.crs);
        AttributeReader r(layer);
        const int i_id = r.optional_field(fm.constraint_id);
        const int i_kind = r.optional_field(fm.constraint_kind);
        const int i_effect = r.require_field(fm.effect);
        const int i_far = r.optional_field(fm.max_far);
        for (const auto &f : layer.features) {
            require_geometry(layer, f, true);
            Constraint c;
            c.id = i_id >= 0 ? r.text(f, i_id, fm.constraint_id) : std::to_string(f.fid);
            c.kind = i_kind >= 0 ? r.text(f, i_kind, fm.constraint_kind, false) : ref.layer;
            c.layer = ref.layer;
            const std::string effect = r.text(f, i_effect, fm.effect);
            if (effect == "exclude") {
                c.effect = ConstraintEffect::exclude;
            } else if (effect == "cap") {
                c.effect = ConstraintEffect::cap;
                c.max_far = r.number(f, i_far, fm.max_far, k_inf, false, 0);
            } else {
                throw DataError(r.where(f, fm.effect) + ": '" + effect +
                                "' is not an effect; use 'exclude' or 'cap'");
            }
            out.city.constraints.push_back(std::move(c));
            out.constraint_geoms.push_back(valid_polygon(f.geometry));
        }
    }

    // Candidate parcels.
    {
        AttributeReader r(parcels);
        const int i_id = r.require_field(fm.parcel_id);
        const int i_src = r.optional_field(fm.land_source);
        const int i_year = r.require_field(fm.first_year);
        const int i_far = r.require_field(fm.far_cap);
        const int i_types = r.optional_field(fm.allowed_types);
        std::vector<std::string> ids;
        for (const auto &f : parcels.features) {
            require_geometry(parcels, f, true);
            Parcel p;
            p.id = r.text(f, i_id, fm.parcel_id);
            p.fid = f.fid;
            p.land_source = i_src >= 0 ? r.text(f, i_src, fm.land_source, false) : "";
            p.first_year = static_cast<int>(r.number(f, i_year, fm.first_year, 0, true, 1900));
            p.far_cap = r.number(f, i_far, fm.far_cap, 0, true, 0);
            if (p.far_cap > 20) {
                throw DataError(r.where(f, fm.far_cap) + ": plot ratio " +
                                std::to_string(p.far_cap) + " is implausible (over 20)");
            }
            p.allowed_types = split_list(r.text(f, i_types, fm.allowed_types, false));
            ids.push_back(p.id);
            out.city.parcels.push_back(std::move(p));
            out.parcel_geoms.push_back(valid_polygon(f.geometry));
        }
        check_unique(ids, parcels, fm.parcel_id);
    }

    compute_parcel_facts(out, spec);
    return out;
}

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
    }
}

} // namespace landalloc
