#include "inputs/read_layers.hpp"

#include "core/errors.hpp"
#include "core/units.hpp"
#include "gis/spatial_index.hpp"
#include "inputs/layer_checker.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <span>
#include <sstream>

namespace landalloc::detail {

namespace {

/// One feature's value of one field, as the layer tables' parse functions see it.
struct Cell {
    LayerChecker &checker;
    const LayerData &layer;
    const Feature &feature;
    int index;                // the field's column; < 0: the layer lacks it
    const std::string &field; // its name in the layer

    bool present() const { return index >= 0; }
    std::string text(bool required) const { return checker.text(feature, index, field, required); }
    /// A number in [min_value, max_value]; by default at most k_max_quantity (core/units.hpp):
    /// a population of 1e300 is a typo, and would write Inf.
    double number(double fallback, bool required, double min_value,
                  double max_value = k_max_quantity) const {
        return checker.number(feature, index, field, fallback, required, min_value, max_value);
    }
    void error(const std::string &code, const std::string &message) const {
        checker.add(Severity::error, code, feature.fid, field, message);
    }
};

/// Whether a layer must have a field: always, never, or unless [inputs.zone_values] gives the
/// zones' values.
enum class Need { required, optional, unless_zone_values };

/// One field of a layer: the FieldMap member naming it, whether it must be there, whether it
/// holds numbers, and how its value goes into the domain value T.
template <class T> struct FieldRule {
    std::string FieldMap::*name;
    Need need;
    bool numeric;
    void (*parse)(const Cell &, T &);
};

/// A layer's geometry ("polygon" or "point", read by LayerChecker::polygon or ::point, giving a G)
/// and its fields, in the order they are checked and read.
/// F is `const Feature`, or `Feature` for a table whose shape takes the geometry out of the
/// feature (the parcels: their polygons are held a long while, and a copy at a million parcels
/// is 420 MB).
template <class T, class G, class F = const Feature> struct LayerTable {
    const char *geometry;
    std::optional<G> (LayerChecker::*shape)(F &);
    std::vector<FieldRule<T>> fields;
};

/// The common parse functions: a text value (which every feature must have, or not) and a
/// number >= 0 (0 when absent).
template <auto Member, bool Required = false, class T> void text_into(const Cell &c, T &v) {
    v.*Member = c.text(Required);
}
template <auto Member, bool Required = false, class T> void amount_into(const Cell &c, T &v) {
    v.*Member = c.number(0, Required, 0);
}

const LayerTable<Zone, gis::Geometry> k_zone_table = {
    "polygon",
    &LayerChecker::polygon,
    {
        {&FieldMap::zone_id, Need::required, false, text_into<&Zone::id, true>},
        {&FieldMap::zone_name, Need::optional, false, text_into<&Zone::name>},
        {&FieldMap::population, Need::unless_zone_values, true,
         amount_into<&Zone::population, true>},
        {&FieldMap::jobs, Need::unless_zone_values, true, amount_into<&Zone::jobs, true>},
        {&FieldMap::dwellings, Need::unless_zone_values, true, amount_into<&Zone::dwellings, true>},
        {&FieldMap::zone_class, Need::optional, false, text_into<&Zone::zone_class>},
        {&FieldMap::destock_months, Need::optional, true, amount_into<&Zone::destock_months>},
        {&FieldMap::district, Need::optional, false, text_into<&Zone::district>},
        {&FieldMap::district_name, Need::optional, false, text_into<&Zone::district_name>},
        {&FieldMap::sales, Need::optional, true, amount_into<&Zone::sales>},
    }};

/// One feature of the districts layer (区/县 containing the zones).
struct District {
    std::string id;
    std::string name;
    std::int64_t fid = 0;
};

/// The districts layer as read: its districts and their polygons, alike indexed.
struct DistrictLayer {
    const LayerData *layer = nullptr;
    std::vector<District> districts;
    std::vector<gis::Geometry> geoms;
};

const LayerTable<District, gis::Geometry> k_district_table = {
    "polygon",
    &LayerChecker::polygon,
    {
        {&FieldMap::districts_id, Need::required, false,
         [](const Cell &c, District &d) {
             d.id = c.text(true);
             d.fid = c.feature.fid;
         }},
        {&FieldMap::districts_name, Need::optional, false, text_into<&District::name>},
    }};

const LayerTable<Station, gis::Point> k_station_table = {
    "point",
    &LayerChecker::point,
    {
        {&FieldMap::station_id, Need::required, false, text_into<&Station::id, true>},
        {&FieldMap::station_name, Need::optional, false, text_into<&Station::name>},
        {&FieldMap::mode, Need::optional, false,
         [](const Cell &c, Station &s) { s.mode = c.present() ? c.text(false) : "metro"; }},
        {&FieldMap::line, Need::optional, false, text_into<&Station::line>},
        {&FieldMap::opening_year, Need::optional, true,
         [](const Cell &c, Station &s) {
             s.opening_year = static_cast<int>(c.number(0, false, 0, 2200));
         }},
    }};

const LayerTable<Park, gis::Geometry> k_park_table = {
    "polygon",
    &LayerChecker::polygon,
    {
        {&FieldMap::park_id, Need::required, false, text_into<&Park::id, true>},
        {&FieldMap::park_name, Need::optional, false, text_into<&Park::name>},
        {&FieldMap::park_jobs, Need::required, true, amount_into<&Park::jobs, true>},
        {&FieldMap::park_level, Need::optional, false, text_into<&Park::level>},
    }};

const LayerTable<Constraint, gis::Geometry> k_constraint_table = {
    "polygon",
    &LayerChecker::polygon,
    {
        {&FieldMap::constraint_id, Need::optional, false,
         [](const Cell &c, Constraint &k) {
             k.id = c.present() ? c.text(true) : std::to_string(c.feature.fid);
         }},
        {&FieldMap::constraint_kind, Need::optional, false,
         [](const Cell &c, Constraint &k) { k.kind = c.present() ? c.text(false) : c.layer.name; }},
        {&FieldMap::effect, Need::required, false,
         [](const Cell &c, Constraint &k) {
             const std::string effect = c.text(true);
             if (effect == "exclude") {
                 k.effect = ConstraintEffect::exclude;
             } else if (effect == "cap") {
                 k.effect = ConstraintEffect::cap;
             } else if (!effect.empty()) {
                 c.error("bad_value", "'" + effect + "' is not an effect; use 'exclude' or 'cap'");
             }
         }},
        {&FieldMap::max_far, Need::optional, true,
         [](const Cell &c, Constraint &k) {
             if (k.effect == ConstraintEffect::cap) { // only caps have a ceiling
                 k.max_far = c.number(k_inf, false, 0);
             }
         }},
    }};

const LayerTable<Parcel, gis::Geometry, Feature> k_parcel_table = {
    "polygon",
    &LayerChecker::polygon_taken,
    {
        {&FieldMap::parcel_id, Need::required, false,
         [](const Cell &c, Parcel &p) {
             p.id = c.text(true);
             p.fid = c.feature.fid;
         }},
        {&FieldMap::land_source, Need::optional, false, text_into<&Parcel::land_source>},
        {&FieldMap::first_year, Need::required, true,
         [](const Cell &c, Parcel &p) {
             p.first_year = static_cast<int>(c.number(0, true, 1900, 2200));
         }},
        {&FieldMap::far_cap, Need::required, true,
         [](const Cell &c, Parcel &p) {
             // Plot ratios are kept to 1e-6: a source that stores numbers as text (a database,
             // CSV) may change the last bits, and the plan must not depend on them.
             p.far_cap = std::round(c.number(0, true, 0, 20) * 1e6) / 1e6;
         }},
        {&FieldMap::allowed_types, Need::optional, false,
         [](const Cell &c, Parcel &p) { p.allowed_types = split_list(c.text(false)); }},
    }};

/// Reads every feature of `layer` by `table`, handing each one's value and geometry to
/// `keep(checker, feature, value, geometry)` (also a feature with errors: `checker.failed()`).
/// False, after recording why, when the layer cannot be read at all (wrong geometry type, a
/// required field missing).
template <class Layer, class T, class G, class F, class Keep>
bool read_features(Layer &layer, const LayerTable<T, G, F> &table, const FieldMap &fm,
                   bool zone_values_given, FindingsReport &report, Keep keep) {
    if (!layer_geometry_ok(layer, table.geometry, report)) {
        return false;
    }
    static const FieldMap defaults;
    LayerChecker r(layer, report);
    std::vector<int> columns;
    for (const FieldRule<T> &rule : table.fields) {
        const std::string &field = fm.*rule.name;
        const bool required = rule.need == Need::required ||
                              (rule.need == Need::unless_zone_values && !zone_values_given);
        columns.push_back(required ? r.require_field(field, rule.numeric)
                                   : r.optional_field(field, defaults.*rule.name, rule.numeric));
    }
    if (r.layer_failed()) {
        return false;
    }
    for (F &f : layer.features) {
        r.begin();
        std::optional<G> g = (r.*table.shape)(f);
        T value{};
        for (std::size_t k = 0; k < table.fields.size(); ++k) {
            const FieldRule<T> &rule = table.fields[k];
            rule.parse(Cell{r, layer, f, columns[k], fm.*rule.name}, value);
        }
        keep(r, f, value, g);
    }
    return true;
}

DistrictLayer read_districts(const LayerData &layer, const InputSpec &spec,
                             FindingsReport &report) {
    DistrictLayer out;
    out.layer = &layer;
    std::vector<std::pair<std::string, std::int64_t>> ids;
    auto keep = [&](LayerChecker &r, const Feature &, District &d,
                    std::optional<gis::Geometry> &g) {
        if (!g || r.failed()) {
            return;
        }
        ids.emplace_back(d.id, d.fid);
        out.districts.push_back(std::move(d));
        out.geoms.push_back(std::move(*g));
    };
    if (!read_features(layer, k_district_table, spec.fields, false, report, keep)) {
        return out;
    }
    check_unique(ids, layer, spec.fields.districts_id, report);
    if (out.districts.empty()) {
        report.add({"empty_layer", Severity::error, layer.source, layer.name, -1, "",
                    "has no usable districts"});
    }
    return out;
}

/// Settles each zone's district: the districts layer's district holding its interior point when
/// the layer is given (`districts`), else the zones layer's own district field; a district
/// without a name is named by its id, a zone without a district has no district name. `zones` are
/// the zones read from `layer`, `fids` their feature ids.
void settle_districts(const LayerData &layer, const FieldMap &fm, const DistrictLayer *districts,
                      std::span<Zone> zones, const std::vector<std::int64_t> &fids,
                      FindingsReport &report) {
    auto add = [&](const char *code, Severity s, std::int64_t fid, const std::string &field,
                   const std::string &message) {
        report.add({code, s, layer.source, layer.name, fid, field, message});
    };
    if (districts) {
        const LayerData &dl = *districts->layer;
        const gis::PolygonIndex index(districts->geoms);
        for (std::size_t i = 0; i < zones.size(); ++i) {
            Zone &z = zones[i];
            const std::size_t k = index.covering({z.x, z.y});
            if (k == gis::PolygonIndex::npos) {
                add("outside_districts", Severity::error, fids[i], "",
                    "zone '" + z.id + "' lies in no district: its interior point (" +
                        format_number(std::round(z.x)) + ", " + format_number(std::round(z.y)) +
                        ") is outside every polygon of layer '" + dl.name + "' of " + dl.source +
                        "; extend that layer to cover the zone or fix the zone's polygon");
                continue;
            }
            const District &d = districts->districts[k];
            if (!z.district.empty() && z.district != d.id) {
                add("district_mismatch", Severity::error, fids[i], fm.district,
                    "zone '" + z.id + "' names district '" + z.district +
                        "' but lies in district '" + d.id + "' of layer '" + dl.name +
                        "'; fix the field or leave out the districts layer");
            }
            z.district = d.id;
            z.district_name = d.name;
        }
    }
    // One name per district: the first given (in feature order); a district without one is
    // named by its id.
    std::map<std::string, std::string> names;
    for (std::size_t i = 0; i < zones.size(); ++i) {
        const Zone &z = zones[i];
        if (z.district.empty() || z.district_name.empty()) {
            continue;
        }
        auto [it, inserted] = names.emplace(z.district, z.district_name);
        if (!inserted && it->second != z.district_name && !districts) {
            add("district_name_differs", Severity::warning, fids[i], fm.district_name,
                "zone '" + z.id + "' names district '" + z.district + "' '" + z.district_name +
                    "' where an earlier zone names it '" + it->second + "'; the first is used");
        }
    }
    for (Zone &z : zones) {
        const auto it = names.find(z.district);
        z.district_name = z.district.empty() ? "" : it != names.end() ? it->second : z.district;
    }
    // A district id that is also a zone id would make a plan file's zone list ambiguous.
    std::map<std::string, std::int64_t> zone_fid;
    for (std::size_t i = 0; i < zones.size(); ++i) {
        zone_fid.emplace(zones[i].id, fids[i]);
    }
    std::map<std::string, bool> reported;
    for (std::size_t i = 0; i < zones.size(); ++i) {
        const std::string &d = zones[i].district;
        const auto same = zone_fid.find(d);
        if (d.empty() || same == zone_fid.end() || reported[d]) {
            continue;
        }
        reported[d] = true;
        const std::string what =
            "has the id of zone '" + d + "' (layer '" + layer.name + "', feature " +
            std::to_string(same->second) +
            "): a plan file's zones list naming it would be ambiguous; rename the district or the "
            "zone";
        if (districts) {
            const auto &ds = districts->districts;
            const auto it =
                std::find_if(ds.begin(), ds.end(), [&](const District &x) { return x.id == d; });
            report.add({"ambiguous_district", Severity::error, districts->layer->source,
                        districts->layer->name, it->fid, fm.districts_id,
                        "district '" + d + "' " + what});
        } else {
            add("ambiguous_district", Severity::error, fids[i], fm.district,
                "zone '" + zones[i].id + "' is in district '" + d + "', which " + what);
        }
    }
}

void read_zones(const LayerData &layer, const InputSpec &spec, const DistrictLayer *districts,
                LoadedCity &out, FindingsReport &report) {
    const FieldMap &fm = spec.fields;
    // Values from [inputs.zone_values] stand in for missing fields.
    const bool given = !spec.zone_values.empty();
    const bool lacks_values = layer.field_index(fm.population) < 0 ||
                              layer.field_index(fm.jobs) < 0 || layer.field_index(fm.dwellings) < 0;
    std::vector<std::pair<std::string, std::int64_t>> ids;
    const std::size_t first = out.city.zones.size();
    std::vector<std::int64_t> fids;
    auto keep = [&](LayerChecker &r, const Feature &f, Zone &z, std::optional<gis::Geometry> &g) {
        if (auto it = spec.zone_values.find(z.id); it != spec.zone_values.end()) {
            const ZoneValues &v = it->second;
            z.population = v.population.value_or(z.population);
            z.jobs = v.jobs.value_or(z.jobs);
            z.dwellings = v.dwellings.value_or(z.dwellings);
            z.destock_months = v.destock_months.value_or(z.destock_months);
            z.sales = v.sales.value_or(z.sales);
            z.zone_class = v.zone_class.value_or(z.zone_class);
        } else if (given && lacks_values) {
            r.add(Severity::error, "empty_value", f.fid, fm.zone_id,
                  "zone '" + z.id +
                      "' has no [inputs.zone_values] entry and the layer lacks population, "
                      "jobs or dwellings");
        }
        if (!g || r.failed()) {
            return;
        }
        z.area_m2 = g->area();
        const gis::Point zp = representative_point(*g);
        z.x = zp.x;
        z.y = zp.y;
        ids.emplace_back(z.id, f.fid);
        fids.push_back(f.fid);
        out.city.zones.push_back(std::move(z));
        out.zone_geoms.push_back(std::move(*g));
    };
    if (!read_features(layer, k_zone_table, fm, given, report, keep)) {
        return;
    }
    check_unique(ids, layer, fm.zone_id, report);
    settle_districts(layer, fm, districts, std::span<Zone>(out.city.zones).subspan(first), fids,
                     report);
    // An [inputs.zone_values] entry for no zone is a typo that would silently do nothing.
    for (const auto &given_values : spec.zone_values) {
        // Not a structured binding: clang 14 cannot capture one in the lambda.
        const std::string &id = given_values.first;
        if (std::none_of(ids.begin(), ids.end(), [&](const auto &p) { return p.first == id; })) {
            report.add({"unknown_zone", Severity::error, layer.source, layer.name, -1, fm.zone_id,
                        "[inputs.zone_values." + id + "] names no zone of the layer (its '" +
                            fm.zone_id + "' values); fix the id in the plan file"});
        }
    }
    if (out.city.zones.empty()) {
        report.add({"empty_layer", Severity::error, layer.source, layer.name, -1, "",
                    "has no usable zones"});
    }
}

void read_stations(const LayerData &layer, const InputSpec &spec, LoadedCity &out,
                   FindingsReport &report) {
    read_features(layer, k_station_table, spec.fields, false, report,
                  [&](LayerChecker &r, const Feature &, Station &s, std::optional<gis::Point> &p) {
                      if (!p || r.failed()) {
                          return;
                      }
                      s.x = p->x;
                      s.y = p->y;
                      out.city.stations.push_back(std::move(s));
                  });
}

void read_parks(const LayerData &layer, const InputSpec &spec, LoadedCity &out,
                FindingsReport &report) {
    read_features(layer, k_park_table, spec.fields, false, report,
                  [&](LayerChecker &r, const Feature &, Park &p, std::optional<gis::Geometry> &g) {
                      if (!g || r.failed()) {
                          return;
                      }
                      p.area_m2 = g->area();
                      const gis::Point pp = representative_point(*g);
                      p.x = pp.x;
                      p.y = pp.y;
                      out.city.parks.push_back(std::move(p));
                      out.park_geoms.push_back(std::move(*g));
                  });
}

void read_constraints(const LayerData &layer, const InputSpec &spec, LoadedCity &out,
                      FindingsReport &report) {
    read_features(
        layer, k_constraint_table, spec.fields, false, report,
        [&](LayerChecker &r, const Feature &, Constraint &c, std::optional<gis::Geometry> &g) {
            c.layer = layer.name;
            if (!g || r.failed()) {
                return;
            }
            out.city.constraints.push_back(std::move(c));
            out.constraint_geoms.push_back(std::move(*g));
        });
}

void read_parcels(LayerData &layer, const InputSpec &spec, LoadedCity &out,
                  FindingsReport &report) {
    const FieldMap &fm = spec.fields;
    std::vector<std::pair<std::string, std::int64_t>> ids;
    auto keep = [&](LayerChecker &r, Feature &f, Parcel &p, std::optional<gis::Geometry> &g) {
        if (!g) {
            return;
        }
        if (r.failed()) {
            // Not a parcel: its polygon goes back to the feature, for its findings' map.
            if (f.geometry.is_null()) {
                f.geometry = std::move(*g);
            }
            return;
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
                      format_number(spec.min_parcel_area_m2) + " m2 (inputs.min_parcel_area_m2)");
        }
        ids.emplace_back(p.id, f.fid);
        out.city.parcels.push_back(std::move(p));
        out.parcel_geoms.push_back(std::move(*g));
    };
    if (!read_features(layer, k_parcel_table, fm, false, report, keep)) {
        return;
    }
    check_unique(ids, layer, fm.parcel_id, report);
    // A layer of no usable parcel would give a plan of nothing: the delivery is incomplete.
    if (ids.empty()) {
        report.add({"empty_layer", Severity::error, layer.source, layer.name, -1, "",
                    "has no usable parcels; a plan needs candidate parcels"});
    }
}

/// A reader of a layer it leaves as it is, as a Reader of map_layers.
template <void (*Read)(const LayerData &, const InputSpec &, LoadedCity &, FindingsReport &)>
void reading(LayerData &layer, const InputSpec &spec, LoadedCity &out, FindingsReport &report) {
    Read(layer, spec, out, report);
}

} // namespace

void map_layers(std::vector<RawLayer> &layers, const InputSpec &spec, LoadedCity &out,
                FindingsReport &report) {
    // The districts (which the zones are placed in), zones, stations, parks, the constraint
    // layers in turn, then parcels: the findings' order.
    std::optional<DistrictLayer> districts;
    for (const RawLayer &l : layers) {
        if (l.role == "districts" && l.data) {
            districts = read_districts(*l.data, spec, report);
        }
    }
    for (const RawLayer &l : layers) {
        if (l.role == "zones" && l.data) {
            // A districts layer that could not be read has its error already: zones are not
            // placed in it.
            const bool usable = districts && !districts->districts.empty();
            read_zones(*l.data, spec, usable ? &*districts : nullptr, out, report);
        }
    }
    // The parcels' reader takes their polygons out of the features; the others read them.
    using Reader = void (*)(LayerData &, const InputSpec &, LoadedCity &, FindingsReport &);
    static const std::pair<const char *, Reader> readers[] = {
        {"stations", reading<read_stations>},       {"parks", reading<read_parks>},
        {"constraints", reading<read_constraints>}, {"parcels", read_parcels},
        {"streets", reading<read_streets>},
    };
    for (const auto &[role, read] : readers) {
        for (RawLayer &l : layers) {
            if (l.role == role && l.data) {
                read(*l.data, spec, out, report);
            }
        }
    }
}

namespace {

/// A value as text (a number as `std::ostream` prints it); nullopt when null.
std::optional<std::string> value_text(const gis::Value &v) {
    if (const auto *s = std::get_if<std::string>(&v)) {
        return *s;
    }
    if (const auto *i = std::get_if<std::int64_t>(&v)) {
        return std::to_string(*i);
    }
    if (const auto *d = std::get_if<double>(&v)) {
        return format_number(*d);
    }
    return std::nullopt;
}

} // namespace

void locate_findings(const std::vector<RawLayer> &layers, const InputSpec &spec,
                     const LoadedCity &loaded, FindingsReport &report) {
    static const std::map<std::string, std::string FieldMap::*> id_fields = {
        {"zones", &FieldMap::zone_id},       {"districts", &FieldMap::districts_id},
        {"stations", &FieldMap::station_id}, {"parks", &FieldMap::park_id},
        {"parcels", &FieldMap::parcel_id},   {"constraints", &FieldMap::constraint_id},
    };
    // Each layer's features by fid, built when a finding first names the layer; the sources as
    // findings name them (without a database password).
    std::map<const LayerData *, std::map<std::int64_t, const Feature *>> by_fid;
    std::map<std::int64_t, std::size_t> parcel_of_fid; // built when a moved polygon is asked for
    std::vector<std::string> sources;
    for (const RawLayer &l : layers) {
        sources.push_back(l.data ? gis::redact_passwords(l.data->source) : std::string());
    }
    for (Finding &f : report.findings()) {
        if (f.fid < 0) {
            continue;
        }
        for (std::size_t k = 0; k < layers.size(); ++k) {
            const RawLayer &l = layers[k];
            if (!l.data || sources[k] != f.source || l.data->name != f.layer) {
                continue;
            }
            const LayerData &layer = *l.data;
            auto [it, fresh] = by_fid.try_emplace(&layer);
            if (fresh) {
                for (const Feature &feature : layer.features) {
                    it->second.emplace(feature.fid, &feature);
                }
            }
            const auto found = it->second.find(f.fid);
            if (found == it->second.end()) {
                break;
            }
            const Feature &feature = *found->second;
            if (const auto id = id_fields.find(l.role); id != id_fields.end()) {
                const std::string &field = spec.fields.*(id->second);
                const int idx = layer.field_index(field);
                if (idx >= 0) {
                    f.feature_key =
                        value_text(feature.values[static_cast<std::size_t>(idx)]).value_or("");
                    if (!f.feature_key.empty()) {
                        f.key_field = layer.fields[static_cast<std::size_t>(idx)].name;
                    }
                }
            }
            f.geometry = feature.geometry;
            if (f.geometry.is_null() && l.role == "parcels") {
                // The parcel's polygon, moved out of the feature (map_layers).
                if (parcel_of_fid.empty()) {
                    for (std::size_t i = 0; i < loaded.city.parcels.size(); ++i) {
                        parcel_of_fid.emplace(loaded.city.parcels[i].fid, i);
                    }
                }
                if (const auto p = parcel_of_fid.find(f.fid);
                    p != parcel_of_fid.end() && p->second < loaded.parcel_geoms.size()) {
                    f.geometry = loaded.parcel_geoms[p->second];
                }
            }
            break;
        }
    }
}

void apply_values(std::vector<RawLayer> &layers, const InputSpec &spec, FindingsReport &report) {
    for (RawLayer &l : layers) {
        if (!l.data) {
            continue;
        }
        LayerData &layer = *l.data;
        for (const FieldMap::Entry &e : FieldMap::entries()) {
            if (l.role != e.layer) {
                continue;
            }
            const std::string &field = spec.fields.*(e.member);
            // A constant: the field (made when the layer lacks it) takes it on every feature.
            if (const auto c = l.ref.constants.find(e.key); c != l.ref.constants.end()) {
                int idx = layer.field_index(field);
                if (idx < 0) {
                    layer.fields.push_back({field, gis::FieldType::string});
                    idx = static_cast<int>(layer.fields.size()) - 1;
                }
                layer.fields[static_cast<std::size_t>(idx)].type = gis::FieldType::string;
                for (Feature &f : layer.features) {
                    f.values.resize(layer.fields.size());
                    f.values[static_cast<std::size_t>(idx)] = c->second;
                }
                report.add({"constant_value", Severity::info, layer.source, layer.name, -1, field,
                            "every feature takes '" + c->second + "' (the plan file's set." +
                                e.key + ")"});
                continue;
            }
            const auto m = spec.value_maps.find(e.key);
            const int idx = layer.field_index(field);
            if (m == spec.value_maps.end() || idx < 0) {
                continue;
            }
            const auto &map = m->second;
            std::set<std::string> codes;
            for (const auto &[from, to] : map) {
                codes.insert(to);
            }
            // A numeric field of codes (1 = exclude) is text once mapped.
            const gis::FieldType type = layer.fields[static_cast<std::size_t>(idx)].type;
            layer.fields[static_cast<std::size_t>(idx)].type = gis::FieldType::string;
            std::map<std::string, int> unmapped;
            for (Feature &f : layer.features) {
                gis::Value &v = f.values[static_cast<std::size_t>(idx)];
                const std::optional<std::string> value = value_text(v);
                if (!value) {
                    continue; // empty: the layer's checks say whether it may be
                }
                const std::string &text = *value;
                if (const auto to = map.find(text); to != map.end()) {
                    v = to->second;
                } else {
                    if (!codes.contains(text)) {
                        ++unmapped[text];
                    }
                    if (type != gis::FieldType::string) {
                        v = text;
                    }
                }
            }
            for (const auto &[value, n] : unmapped) {
                report.add(
                    {"unmapped_value", Severity::warning, layer.source, layer.name, -1, field,
                     "'" + value + "' (" + std::to_string(n) + (n == 1 ? " feature" : " features") +
                         ") is not in [inputs.values." + e.key +
                         "]; map it to one of the tool's codes"});
            }
        }
    }
}

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
    case gis::SourceError::Reason::read_failed:
        return "read_failed";
    case gis::SourceError::Reason::no_field:
        return "partition_field_missing";
    }
    return "source_unreadable";
}

namespace {

/// The layer `ref` names among the layers made in memory; nullopt when `ref` names another
/// source; SourceError (as read_layer's) when the source is in memory but the layer is not.
std::optional<LayerData> from_memory(const std::vector<LayerData> &memory, const LayerRef &ref) {
    std::string names;
    for (const LayerData &l : memory) {
        if (l.source == ref.source) {
            if (l.name == ref.layer) {
                return l;
            }
            names += (names.empty() ? "" : ", ") + l.name;
        }
    }
    if (names.empty()) {
        return std::nullopt;
    }
    throw gis::SourceError(gis::SourceError::Reason::no_layer,
                           ref.source + ": no layer '" + ref.layer + "' (layers present: " + names +
                               ")");
}

} // namespace

RawLayer read_raw(const std::string &role, const LayerRef &ref,
                  const std::vector<LayerData> &memory, FindingsReport &report,
                  const std::optional<InputSpec::Partition> &partition) {
    RawLayer out{role, ref, std::nullopt};
    gis::ReadOptions options;
    options.encoding = ref.encoding;
    options.encoding_if_undeclared = ref.encoding_plan_wide;
    // The parcels and zones of one partition: a layer of them without the field would bring in
    // every city's.
    const bool required = role == "parcels" || role == "zones";
    if (partition) {
        // Refused before it reaches GDAL: not a finding about the layer.
        if (const std::string problem =
                gis::attribute_filter_problem(partition->field, partition->value);
            !problem.empty()) {
            throw UsageError("--partition " + partition->field + "=" + partition->value + ": " +
                             problem);
        }
        options.attribute_filter =
            gis::ReadOptions::AttributeFilter{partition->field, partition->value, required};
    }
    try {
        if (!ref.crs.empty()) {
            options.assumed_crs = gis::Crs::from_user_input(ref.crs);
        }
        out.data = from_memory(memory, ref);
        if (!out.data) {
            out.data = gis::read_layer(ref.source, ref.layer, options);
        }
    } catch (const gis::SourceError &e) {
        report.add({source_error_code(e.reason()), Severity::error, "", "", -1, "", e.what()});
        return out;
    } catch (const UsageError &e) {
        report.add({"crs_unusable", Severity::error, ref.source, ref.layer, -1, "",
                    std::string("the layer's stated crs: ") + e.what()});
        return out;
    }
    const LayerData &l = *out.data;
    if (partition && required && !l.filtered) { // a layer made in memory ([inputs.synth])
        report.add({"partition_field_missing", Severity::error, l.source, l.name, -1, "",
                    "the layer made in memory has no field '" + partition->field +
                        "' to select the partition by; give the input with the field"});
        out.data.reset();
        return out;
    }
    if (partition && required && l.features.empty()) {
        std::string present;
        try {
            const std::vector<std::string> values =
                gis::distinct_values(ref.source, ref.layer, partition->field);
            for (std::size_t i = 0; i < values.size() && i < 10; ++i) {
                present += (present.empty() ? "" : ", ") + values[i];
            }
            if (values.size() > 10) {
                present += ", ... (" + std::to_string(values.size()) + " values)";
            }
        } catch (const gis::SourceError &) {
            present = "cannot be listed";
        }
        report.add({"partition_empty", Severity::error, l.source, l.name, -1, partition->field,
                    "no feature has " + partition->field + " = '" + partition->value +
                        "' (--partition); the layer's values: " +
                        (present.empty() ? "none" : present) + "; give one of them"});
        out.data.reset();
        return out;
    }
    if (partition && !l.filtered && !out.data->features.empty()) {
        report.add({"partition_whole_layer", Severity::info, l.source, l.name, -1, "",
                    "the layer has no field '" + partition->field +
                        "': read whole for the partition " + partition->field + " = '" +
                        partition->value + "'"});
    }
    if (l.zm_dropped > 0) {
        report.add({"zm_dropped", Severity::info, l.source, l.name, -1, "",
                    "Z/M values dropped from " + std::to_string(l.zm_dropped) +
                        " features; the work is 2-D"});
    }
    if (l.crs_assumed) {
        report.add({"crs_assumed", Severity::info, l.source, l.name, -1, "",
                    "the layer declares no CRS; " + ref.crs + " is assumed as the plan file says"});
    }
    if (!l.encoding_detected.empty()) {
        report.add({"encoding_detected", Severity::warning, l.source, l.name, -1, "",
                    "the Shapefile declares no encoding (no .cpg, LDID 0) and its text is not "
                    "UTF-8; read as " +
                        l.encoding_detected +
                        (l.encoding_detected == "GB18030"
                             ? " (GBK's superset), in which every value decodes"
                             : " (no Chinese encoding decodes it)") +
                        "; state it with encoding = \"GBK\" (or the right one) for the layer"});
    } else if (ref.encoding_plan_wide && !ref.encoding.empty() && l.driver == "ESRI Shapefile" &&
               l.encoding.empty()) {
        report.add({"encoding_ignored", Severity::info, l.source, l.name, -1, "",
                    "the plan-wide encoding '" + ref.encoding +
                        "' is not used: the Shapefile declares its own (.cpg); give the layer "
                        "its own encoding to override that"});
    }
    if (!ref.encoding.empty() && l.driver != "ESRI Shapefile") {
        report.add({"encoding_ignored", Severity::info, l.source, l.name, -1, "",
                    "encoding '" + ref.encoding + "' applies to Shapefiles only; " + l.driver +
                        " text is read as the format defines it"});
    }
    return out;
}

} // namespace landalloc::detail
