#include "outputs/plan_output.hpp"

#include "gis/vector_io.hpp"
#include "outputs/styles.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

namespace landalloc {

namespace {

using gis::Feature;
using gis::FieldDef;
using gis::FieldType;
using gis::Value;

double round_to(double v, double digits) {
    const double f = std::pow(10.0, digits);
    return std::round(v * f) / f;
}

Value finite_or_null(double v, int digits) {
    return std::isfinite(v) ? Value(round_to(v, digits)) : Value();
}

/// QGIS default styles of the spatial layers and a project showing them (layers/styles.hpp).
void add_qgis_styles_and_project(gis::GpkgWriter &writer, const std::string &path,
                                 const gis::CityGeometry &loaded, const Plan &plan) {
    writer.add_layer_styles(plan_layer_styles(plan));
    std::optional<gis::Bounds> extent;
    const auto grow = [&](const std::vector<gis::Geometry> &geoms) {
        for (const auto &g : geoms) {
            if (g.is_null() || g.is_empty()) {
                continue;
            }
            const gis::Bounds b = g.bounds();
            if (!extent) {
                extent = b;
            } else {
                extent =
                    gis::Bounds{std::min(extent->min_x, b.min_x), std::min(extent->min_y, b.min_y),
                                std::max(extent->max_x, b.max_x), std::max(extent->max_y, b.max_y)};
            }
        }
    };
    grow(loaded.zone_geoms);
    if (!extent) {
        grow(loaded.parcel_geoms);
    }
    std::string title = "landalloc plan";
    for (const auto &[key, value] : plan.metadata) {
        if (key == "plan_name" && !value.empty()) {
            title += ": " + value;
        }
    }
    writer.add_qgis_project(
        k_qgis_project_name, k_qgis_project_file,
        plan_project_qgs(plan,
                         {{k_layer_allocated, "allocated parcels (by housing type, year)"},
                          {k_layer_station_catchments, "station catchments"},
                          {k_layer_park_catchments, "industrial park catchments"},
                          {k_layer_constraints, "constraints"},
                          {k_layer_rejected, "candidates not allocated"},
                          {k_layer_zones, "zones (jobs / dwellings after the plan)"}},
                         loaded.crs, extent.value_or(gis::Bounds{0, 0, 1, 1}),
                         std::filesystem::path(path).filename().string(), title));
}

} // namespace

void write_plan_gpkg(const std::string &path, bool overwrite, const City &city,
                     const gis::CityGeometry &loaded, const Plan &plan) {
    gis::GpkgWriter writer(path, overwrite);

    // Allocated parcels.
    {
        std::vector<FieldDef> fields = {{"parcel_id", FieldType::string},
                                        {"zone_id", FieldType::string},
                                        {"zone_name", FieldType::string},
                                        {"year", FieldType::integer},
                                        {"housing_type", FieldType::string},
                                        {"area_ha", FieldType::real},
                                        {"plot_ratio", FieldType::real},
                                        {"floor_area_m2", FieldType::real},
                                        {"units", FieldType::real},
                                        {"bundled_type", FieldType::string},
                                        {"bundled_floor_m2", FieldType::real},
                                        {"bundled_units", FieldType::real},
                                        {"land_source", FieldType::string},
                                        {"first_year", FieldType::integer},
                                        {"far_cap", FieldType::real},
                                        {"station_dist_m", FieldType::real},
                                        {"park_dist_m", FieldType::real},
                                        {"in_park", FieldType::integer},
                                        {"score", FieldType::real}};
        std::vector<std::string> part_names;
        if (!plan.allocations.empty()) {
            for (const auto &part : plan.allocations.front().score_parts) {
                part_names.push_back(part.name);
                fields.push_back({"score_" + part.name, FieldType::real});
            }
        }
        // Per-parcel indicators (allocation/indicators.hpp): counts as integers, the rest real.
        std::vector<bool> indicator_is_count;
        if (!plan.allocations.empty()) {
            for (const auto &ind : plan.allocations.front().indicators) {
                const bool count = ind.name.starts_with("stations_within_");
                indicator_is_count.push_back(count);
                fields.push_back({ind.name, count ? FieldType::integer : FieldType::real});
            }
        }
        fields.push_back({"reasons", FieldType::string});

        std::vector<Feature> feats;
        feats.reserve(plan.allocations.size());
        std::int64_t fid = 0;
        for (const auto &a : plan.allocations) {
            const Parcel &p = city.parcels[a.parcel];
            const Zone *z = p.zone >= 0 ? &city.zones[static_cast<std::size_t>(p.zone)] : nullptr;
            std::vector<Value> v = {p.id,
                                    z ? Value(z->id) : Value(),
                                    z ? Value(z->name) : Value(),
                                    static_cast<std::int64_t>(a.year),
                                    a.type,
                                    round_to(a.area_m2 / 1e4, 4),
                                    round_to(a.far, 2),
                                    round_to(a.floor_m2, 1),
                                    round_to(a.units, 1),
                                    a.bundled_type.empty() ? Value() : Value(a.bundled_type),
                                    round_to(a.bundled_floor_m2, 1),
                                    round_to(a.bundled_units, 1),
                                    p.land_source,
                                    static_cast<std::int64_t>(p.first_year),
                                    round_to(p.far_cap, 2),
                                    finite_or_null(p.station_distance_m, 1),
                                    finite_or_null(p.park_distance_m, 1),
                                    static_cast<std::int64_t>(p.in_park ? 1 : 0),
                                    round_to(a.score, 5)};
            for (std::size_t k = 0; k < part_names.size(); ++k) {
                v.emplace_back(k < a.score_parts.size() ? round_to(a.score_parts[k].value, 5)
                                                        : 0.0);
            }
            for (std::size_t k = 0; k < indicator_is_count.size(); ++k) {
                const double x = k < a.indicators.size() ? a.indicators[k].value : k_inf;
                v.emplace_back(indicator_is_count[k] && std::isfinite(x)
                                   ? Value(static_cast<std::int64_t>(x))
                                   : finite_or_null(x, 4));
            }
            v.emplace_back(a.reasons);
            feats.push_back({++fid, loaded.parcel_geoms[a.parcel], std::move(v)});
        }
        writer.add_layer(k_layer_allocated, gis::GeomKind::polygon, loaded.crs, fields, feats,
                         "Parcels allocated by the plan: year, housing type, quantities");
    }

    // Annual plan table.
    {
        const std::vector<FieldDef> fields = {{"year", FieldType::integer},
                                              {"housing_type", FieldType::string},
                                              {"zones", FieldType::string},
                                              {"unit", FieldType::string},
                                              {"target", FieldType::real},
                                              {"tolerance", FieldType::real},
                                              {"binding", FieldType::integer},
                                              {"at_least", FieldType::integer},
                                              {"supplied", FieldType::real},
                                              {"supplied_ha", FieldType::real},
                                              {"supplied_floor_m2", FieldType::real},
                                              {"supplied_units", FieldType::real},
                                              {"parcels", FieldType::integer},
                                              {"met", FieldType::integer},
                                              {"note", FieldType::string},
                                              {"cause", FieldType::string}};
        std::vector<Feature> feats;
        std::int64_t fid = 0;
        for (const auto &r : plan.annual) {
            feats.push_back(
                {++fid,
                 {},
                 {static_cast<std::int64_t>(r.year), r.type,
                  r.zones.empty() ? Value() : Value(r.zones), r.unit, round_to(r.target, 4),
                  r.tolerance, static_cast<std::int64_t>(r.binding ? 1 : 0),
                  static_cast<std::int64_t>(r.at_least ? 1 : 0), round_to(r.supplied, 4),
                  round_to(r.supplied_ha, 4), round_to(r.supplied_floor_m2, 1),
                  round_to(r.supplied_units, 1), static_cast<std::int64_t>(r.parcels),
                  static_cast<std::int64_t>(r.met ? 1 : 0), r.note, r.cause}});
        }
        writer.add_layer(k_layer_annual, gis::GeomKind::none, {}, fields, feats,
                         "Annual plan: target vs supplied by year and housing type");
    }

    // Rules (rental share, park caps, key areas, zone-class shares): how the plan keeps each.
    {
        const std::vector<FieldDef> fields = {
            {"rule", FieldType::string},     {"requirement", FieldType::string},
            {"year", FieldType::integer},    {"unit", FieldType::string},
            {"actual", FieldType::real},     {"required", FieldType::real},
            {"violation", FieldType::real},  {"violation_unit", FieldType::string},
            {"binding", FieldType::integer}, {"met", FieldType::integer}};
        std::vector<Feature> feats;
        std::int64_t fid = 0;
        for (const auto &r : plan.rule_checks) {
            feats.push_back(
                {++fid,
                 {},
                 {r.rule, r.label, r.year > 0 ? Value(static_cast<std::int64_t>(r.year)) : Value(),
                  r.unit, round_to(r.actual, 6), round_to(r.limit, 6), round_to(r.violation, 4),
                  r.violation_unit, static_cast<std::int64_t>(r.binding ? 1 : 0),
                  static_cast<std::int64_t>(r.met ? 1 : 0)}});
        }
        writer.add_layer(
            k_layer_rule_checks, gis::GeomKind::none, {}, fields, feats,
            "Rules of the housing plan: what each requires and what the plan achieves");
    }

    // Candidates not allocated, with the reason.
    {
        std::vector<Feature> feats;
        feats.reserve(plan.rejected.size());
        std::int64_t fid = 0;
        for (const auto &r : plan.rejected) {
            const Parcel &p = city.parcels[r.parcel];
            const Zone *z = p.zone >= 0 ? &city.zones[static_cast<std::size_t>(p.zone)] : nullptr;
            feats.push_back(
                {++fid,
                 loaded.parcel_geoms[r.parcel],
                 {p.id, z ? Value(z->id) : Value(), z ? Value(z->name) : Value(),
                  round_to(p.area_m2 / 1e4, 4), p.land_source,
                  static_cast<std::int64_t>(p.first_year), r.code, r.detail,
                  r.best_type.empty() ? Value() : Value(r.best_type), round_to(r.best_score, 5)}});
        }
        writer.add_layer(k_layer_rejected, gis::GeomKind::polygon, loaded.crs,
                         {{"parcel_id", FieldType::string},
                          {"zone_id", FieldType::string},
                          {"zone_name", FieldType::string},
                          {"area_ha", FieldType::real},
                          {"land_source", FieldType::string},
                          {"first_year", FieldType::integer},
                          {"reason", FieldType::string},
                          {"detail", FieldType::string},
                          {"best_type", FieldType::string},
                          {"best_score", FieldType::real}},
                         feats, "Candidate parcels not allocated, with the reason");
    }

    // Station catchments (one ring per station and radius) and park catchments.
    {
        std::vector<Feature> feats;
        std::int64_t fid = 0;
        for (const auto &s : city.stations) {
            // Largest radius first so smaller rings draw on top.
            std::vector<double> radii = plan.station_radii_m;
            std::sort(radii.rbegin(), radii.rend());
            for (double r : radii) {
                feats.push_back(
                    {++fid,
                     gis::Geometry::point({s.x, s.y}).buffer(r, 16),
                     {s.id, s.name, s.mode, s.line, static_cast<std::int64_t>(s.opening_year), r}});
            }
        }
        writer.add_layer(k_layer_station_catchments, gis::GeomKind::polygon, loaded.crs,
                         {{"station_id", FieldType::string},
                          {"station_name", FieldType::string},
                          {"mode", FieldType::string},
                          {"line", FieldType::string},
                          {"opening_year", FieldType::integer},
                          {"radius_m", FieldType::real}},
                         feats, "Station catchments (straight-line radii)");
    }
    {
        std::vector<Feature> feats;
        std::int64_t fid = 0;
        for (std::size_t i = 0; i < city.parks.size(); ++i) {
            const Park &pk = city.parks[i];
            if (plan.park_catchment_m <= 0) {
                break;
            }
            feats.push_back({++fid,
                             loaded.park_geoms[i].buffer(plan.park_catchment_m, 8),
                             {pk.id, pk.name, pk.level, pk.jobs, plan.park_catchment_m}});
        }
        writer.add_layer(k_layer_park_catchments, gis::GeomKind::polygon, loaded.crs,
                         {{"park_id", FieldType::string},
                          {"park_name", FieldType::string},
                          {"level", FieldType::string},
                          {"jobs", FieldType::real},
                          {"distance_m", FieldType::real}},
                         feats, "Industrial park catchments (park buffered by distance_m)");
    }

    // Zones with the dwellings the plan adds.
    {
        std::map<int, double> new_units;
        std::map<int, double> new_ha;
        for (const auto &a : plan.allocations) {
            const int z = city.parcels[a.parcel].zone;
            new_units[z] += a.units;
            new_ha[z] += a.area_m2 / 1e4;
        }
        std::vector<Feature> feats;
        for (std::size_t i = 0; i < city.zones.size(); ++i) {
            const Zone &z = city.zones[i];
            const int zi = static_cast<int>(i);
            const double after = z.dwellings + new_units[zi];
            feats.push_back(
                {static_cast<std::int64_t>(i + 1),
                 loaded.zone_geoms[i],
                 {z.id, z.name, z.zone_class, z.population, z.jobs, z.dwellings,
                  round_to(new_ha[zi], 4), round_to(new_units[zi], 1), round_to(after, 1),
                  z.dwellings > 0 ? Value(round_to(z.jobs / z.dwellings, 4)) : Value(),
                  after > 0 ? Value(round_to(z.jobs / after, 4)) : Value()}});
            // Jobs-housing indicators, when the plan carries them (allocation/indicators.hpp).
            auto &v = feats.back().values;
            if (i < plan.zone_balance.size()) {
                const ZoneBalance &b = plan.zone_balance[i];
                auto band = [](const std::string &s) { return s.empty() ? Value() : Value(s); };
                for (Value x :
                     {Value(round_to(b.after.population, 1)), Value(round_to(b.before.workers, 1)),
                      Value(round_to(b.after.workers, 1)), band(b.before.band), band(b.after.band),
                      Value(plan.ratio_min), Value(plan.ratio_max)}) {
                    v.push_back(std::move(x));
                }
            } else {
                v.resize(v.size() + 7);
            }
        }
        writer.add_layer(k_layer_zones, gis::GeomKind::polygon, loaded.crs,
                         {{"zone_id", FieldType::string},
                          {"zone_name", FieldType::string},
                          {"zone_class", FieldType::string},
                          {"population", FieldType::real},
                          {"jobs", FieldType::real},
                          {"dwellings_before", FieldType::real},
                          {"new_land_ha", FieldType::real},
                          {"new_units", FieldType::real},
                          {"dwellings_after", FieldType::real},
                          {"jobs_dwellings_before", FieldType::real},
                          {"jobs_dwellings_after", FieldType::real},
                          {"population_after", FieldType::real},
                          {"workers_before", FieldType::real},
                          {"workers_after", FieldType::real},
                          {"band_before", FieldType::string},
                          {"band_after", FieldType::string},
                          {"band_min", FieldType::real},
                          {"band_max", FieldType::real}},
                         feats, "Zones before and after the plan");
    }

    // Constraints as used.
    {
        std::vector<Feature> feats;
        for (std::size_t i = 0; i < city.constraints.size(); ++i) {
            const Constraint &c = city.constraints[i];
            feats.push_back(
                {static_cast<std::int64_t>(i + 1),
                 loaded.constraint_geoms[i],
                 {c.id, c.kind, c.layer,
                  std::string(c.effect == ConstraintEffect::exclude ? "exclude" : "cap"),
                  std::isfinite(c.max_far) ? Value(c.max_far) : Value()}});
        }
        writer.add_layer(k_layer_constraints, gis::GeomKind::polygon, loaded.crs,
                         {{"constraint_id", FieldType::string},
                          {"kind", FieldType::string},
                          {"source_layer", FieldType::string},
                          {"effect", FieldType::string},
                          {"max_far", FieldType::real}},
                         feats, "Constraints as applied");
    }

    // Run metadata.
    {
        std::vector<Feature> feats;
        std::int64_t fid = 0;
        for (const auto &[k, v] : plan.metadata) {
            feats.push_back({++fid, {}, {k, v}});
        }
        writer.add_layer(k_layer_metadata, gis::GeomKind::none, {},
                         {{"key", FieldType::string}, {"value", FieldType::string}}, feats,
                         "Run metadata: inputs, plan file, seed, solver, version");
    }
    add_qgis_styles_and_project(writer, path, loaded, plan);
    writer.commit();
}

} // namespace landalloc
