#include "outputs/plan_layers.hpp"

#include "core/units.hpp"
#include "outputs/official_tables.hpp"
#include "outputs/schema.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

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

Value text_or_null(const std::string &s) { return s.empty() ? Value() : Value(s); }

Value flag(bool b) { return static_cast<std::int64_t>(b ? 1 : 0); }

/// The zone holding a parcel's interior point (nullptr when none).
const Zone *zone_of(const City &city, const Parcel &p) {
    return p.zone >= 0 ? &city.zones[static_cast<std::size_t>(p.zone)] : nullptr;
}

/// A layer of the schema with its features; every feature must carry one value per field.
gis::LayerData make_layer(const LayerSchema &schema, const gis::Crs &crs,
                          std::vector<Feature> features,
                          const std::vector<FieldDef> &per_plan = {}) {
    gis::LayerData layer;
    layer.name = std::string(schema.name);
    if (schema.geometry != gis::GeomKind::none) {
        layer.crs = crs;
    }
    layer.fields = schema.field_defs(per_plan);
    for (const auto &f : features) {
        if (f.values.size() != layer.fields.size()) {
            throw std::logic_error("layer '" + layer.name + "': a feature has " +
                                   std::to_string(f.values.size()) + " values for " +
                                   std::to_string(layer.fields.size()) + " fields");
        }
    }
    layer.features = std::move(features);
    return layer;
}

} // namespace

gis::LayerData allocated_parcels_layer(const City &city, const gis::CityGeometry &loaded,
                                       const Plan &plan) {
    // The plan's own fields: its score parts, then the per-parcel indicators
    // (allocation/indicators.hpp), counts as integers, the rest real.
    std::vector<FieldDef> per_plan;
    std::size_t part_count = 0;
    std::vector<bool> indicator_is_count;
    if (!plan.allocations.empty()) {
        for (const auto &part : plan.allocations.front().score_parts) {
            per_plan.push_back({"score_" + part.name, FieldType::real});
            ++part_count;
        }
        for (const auto &ind : plan.allocations.front().indicators) {
            const bool count = ind.name.starts_with("stations_within_");
            indicator_is_count.push_back(count);
            per_plan.push_back({ind.name, count ? FieldType::integer : FieldType::real, ind.alias});
        }
    }
    std::vector<Feature> feats;
    feats.reserve(plan.allocations.size());
    std::int64_t fid = 0;
    for (const auto &a : plan.allocations) {
        const Parcel &p = city.parcels[a.parcel];
        const Zone *z = zone_of(city, p);
        std::vector<Value> v = {p.id,
                                z ? Value(z->id) : Value(),
                                z ? Value(z->name) : Value(),
                                z ? text_or_null(z->district) : Value(),
                                static_cast<std::int64_t>(a.year),
                                a.type,
                                a.status,
                                round_to(ha_from_m2(a.area_m2), 4),
                                round_to(a.far, 2),
                                round_to(a.floor_m2, 1),
                                round_to(a.units, 1),
                                text_or_null(a.bundled_type),
                                round_to(a.bundled_floor_m2, 1),
                                round_to(a.bundled_units, 1),
                                p.land_source,
                                static_cast<std::int64_t>(p.first_year),
                                round_to(p.far_cap, 2),
                                finite_or_null(p.station_distance_m, 1),
                                finite_or_null(p.park_distance_m, 1),
                                flag(p.in_park),
                                round_to(a.score, 5)};
        for (std::size_t k = 0; k < part_count; ++k) {
            v.emplace_back(k < a.score_parts.size() ? round_to(a.score_parts[k].value, 5) : 0.0);
        }
        for (std::size_t k = 0; k < indicator_is_count.size(); ++k) {
            const double x = k < a.indicators.size() ? a.indicators[k].value : k_inf;
            v.emplace_back(indicator_is_count[k] && std::isfinite(x)
                               ? Value(static_cast<std::int64_t>(x))
                               : finite_or_null(x, 4));
        }
        v.emplace_back(a.reasons);
        feats.push_back({++fid, loaded.parcel(a.parcel), std::move(v)});
    }
    return make_layer(schema::allocated_parcels, loaded.crs, std::move(feats), per_plan);
}

StreamedLayer rejected_candidates_layer(const City &city, const gis::CityGeometry &loaded,
                                        const Plan &plan) {
    StreamedLayer layer;
    layer.name = std::string(schema::rejected_candidates.name);
    layer.crs = loaded.crs;
    layer.fields = schema::rejected_candidates.field_defs({});
    // The source's state: the next rejection and the feature made last (its storage reused).
    struct Next {
        std::size_t k = 0;
        Feature f;
    };
    layer.features = [&city, &loaded, &plan, next = std::make_shared<Next>()]() -> const Feature * {
        if (next->k == plan.rejected.size()) {
            return nullptr;
        }
        const Rejection &r = plan.rejected[next->k++];
        const Parcel &p = city.parcels[r.parcel];
        const Zone *z = zone_of(city, p);
        Feature &f = next->f;
        f.fid = static_cast<std::int64_t>(next->k);
        f.geometry = loaded.parcel(r.parcel);
        f.values = {p.id,
                    z ? Value(z->id) : Value(),
                    z ? Value(z->name) : Value(),
                    round_to(ha_from_m2(p.area_m2), 4),
                    p.land_source,
                    static_cast<std::int64_t>(p.first_year),
                    r.code,
                    r.detail,
                    text_or_null(r.best_type),
                    round_to(r.best_score, 5)};
        return &f;
    };
    return layer;
}

gis::LayerData annual_plan_layer(const Plan &plan) {
    std::vector<Feature> feats;
    std::int64_t fid = 0;
    for (const auto &r : plan.annual) {
        feats.push_back({++fid,
                         {},
                         {static_cast<std::int64_t>(r.year), r.type, text_or_null(r.zones), r.unit,
                          round_to(r.target, 4), r.tolerance, r.lower_tolerance, flag(r.binding),
                          flag(r.at_least), round_to(r.supplied, 4), round_to(r.supplied_ha, 4),
                          round_to(r.supplied_floor_m2, 1), round_to(r.supplied_units, 1),
                          static_cast<std::int64_t>(r.parcels), round_to(r.difference, 4), r.status,
                          flag(r.met), r.note, r.cause}});
    }
    return make_layer(schema::annual_plan, {}, std::move(feats));
}

gis::LayerData supply_plan_layer(const City &city, const Plan &plan) {
    std::vector<Feature> feats;
    std::int64_t fid = 0;
    for (const SupplyRow &r : supply_rows(city, plan)) {
        feats.push_back(
            {++fid,
             {},
             {r.year > 0 ? Value(static_cast<std::int64_t>(r.year)) : Value(),
              text_or_null(r.district_id), r.district, text_or_null(r.type), r.type_name,
              flag(r.affordable), r.area_ha, r.floor_10k_m2, r.units, r.parcels, flag(r.binding)}});
    }
    return make_layer(schema::supply_plan, {}, std::move(feats));
}

gis::LayerData rule_checks_layer(const Plan &plan) {
    std::vector<Feature> feats;
    std::int64_t fid = 0;
    for (const auto &r : plan.rule_checks) {
        feats.push_back(
            {++fid,
             {},
             {r.rule, r.label, r.year > 0 ? Value(static_cast<std::int64_t>(r.year)) : Value(),
              r.unit, r.floor ? ">=" : "<=", round_to(r.actual, 6), round_to(r.limit, 6),
              round_to(r.violation, 4), r.violation_unit, flag(r.binding), r.status, flag(r.met)}});
    }
    return make_layer(schema::rule_checks, {}, std::move(feats));
}

gis::LayerData station_catchments_layer(const City &city, const gis::CityGeometry &loaded,
                                        const Plan &plan) {
    // Largest radius first so smaller rings draw on top.
    std::vector<double> radii = plan.station_radii_m;
    std::sort(radii.rbegin(), radii.rend());
    std::vector<Feature> feats;
    std::int64_t fid = 0;
    for (const auto &s : city.stations) {
        for (double r : radii) {
            feats.push_back(
                {++fid,
                 gis::Geometry::point({s.x, s.y}).buffer(r, 16),
                 {s.id, s.name, s.mode, s.line, static_cast<std::int64_t>(s.opening_year), r}});
        }
    }
    return make_layer(schema::station_catchments, loaded.crs, std::move(feats));
}

gis::LayerData park_catchments_layer(const City &city, const gis::CityGeometry &loaded,
                                     const Plan &plan) {
    std::vector<Feature> feats;
    std::int64_t fid = 0;
    if (plan.park_catchment_m > 0) {
        for (std::size_t i = 0; i < city.parks.size(); ++i) {
            const Park &pk = city.parks[i];
            feats.push_back({++fid,
                             loaded.park_geoms[i].buffer(plan.park_catchment_m, 8),
                             {pk.id, pk.name, pk.level, pk.jobs, plan.park_catchment_m}});
        }
    }
    return make_layer(schema::park_catchments, loaded.crs, std::move(feats));
}

gis::LayerData zones_layer(const City &city, const gis::CityGeometry &loaded, const Plan &plan) {
    std::map<int, double> new_units;
    std::map<int, double> new_ha;
    for (const auto &a : plan.allocations) {
        const int z = city.parcels[a.parcel].zone;
        new_units[z] += a.units + a.bundled_units; // the bundled share's dwellings too
        new_ha[z] += ha_from_m2(a.area_m2);
    }
    std::vector<Feature> feats;
    for (std::size_t i = 0; i < city.zones.size(); ++i) {
        const Zone &z = city.zones[i];
        const int zi = static_cast<int>(i);
        const double after = z.dwellings + new_units[zi];
        feats.push_back({static_cast<std::int64_t>(i + 1),
                         loaded.zone_geoms[i],
                         {z.id, z.name, text_or_null(z.district), text_or_null(z.district_name),
                          z.zone_class, z.population, z.jobs, z.dwellings, round_to(new_ha[zi], 4),
                          round_to(new_units[zi], 1), round_to(after, 1),
                          z.dwellings > 0 ? Value(round_to(z.jobs / z.dwellings, 4)) : Value(),
                          after > 0 ? Value(round_to(z.jobs / after, 4)) : Value()}});
        // Jobs-housing indicators, when the plan carries them (allocation/indicators.hpp).
        auto &v = feats.back().values;
        if (i < plan.zone_balance.size()) {
            const ZoneBalance &b = plan.zone_balance[i];
            for (Value x :
                 {Value(round_to(b.after.population, 1)), Value(round_to(b.before.workers, 1)),
                  Value(round_to(b.after.workers, 1)), text_or_null(b.before.band),
                  text_or_null(b.after.band), Value(plan.ratio_min), Value(plan.ratio_max)}) {
                v.push_back(std::move(x));
            }
        } else {
            v.resize(v.size() + 7);
        }
        v.emplace_back();
        if (z.destock_months > 0) {
            v.back() = Value(z.destock_months);
        }
        v.emplace_back();
        if (i < plan.destock_bands.size()) {
            v.back() = text_or_null(plan.destock_bands[i]);
        }
        v.emplace_back();
        if (z.sales > 0) {
            v.back() = Value(z.sales);
        }
        v.emplace_back();
        if (i < plan.zone_balance.size()) {
            v.back() = Value(plan.zone_balance[i].before.jobs);
        }
    }
    return make_layer(schema::zones, loaded.crs, std::move(feats));
}

gis::LayerData constraints_layer(const City &city, const gis::CityGeometry &loaded) {
    std::vector<Feature> feats;
    for (std::size_t i = 0; i < city.constraints.size(); ++i) {
        const Constraint &c = city.constraints[i];
        feats.push_back({static_cast<std::int64_t>(i + 1),
                         loaded.constraint_geoms[i],
                         {c.id, c.kind, c.layer,
                          std::string(c.effect == ConstraintEffect::exclude ? "exclude" : "cap"),
                          std::isfinite(c.max_far) ? Value(c.max_far) : Value()}});
    }
    return make_layer(schema::constraints, loaded.crs, std::move(feats));
}

gis::LayerData balance_layer(const Plan &plan) {
    auto real_or_null = [](double v, int digits) {
        return std::isfinite(v) ? Value(round_to(v, digits)) : Value();
    };
    std::vector<Feature> feats;
    std::int64_t fid = 0;
    const BalanceAnalysis &a = plan.balance_analysis;
    for (const BalanceRun &r : a.runs) {
        const CityBalance &b = r.balance;
        feats.push_back({++fid,
                         {},
                         {r.run, text_or_null(r.rule), round_to(b.dissimilarity, 6),
                          round_to(b.excess_commuting, 6), round_to(b.commute_min_m, 1),
                          round_to(b.commute_model_m, 1), real_or_null(r.suitability, 4),
                          r.run == "plan" ? real_or_null(a.suitability_given_up, 4) : Value(),
                          real_or_null(r.d_cost, 6)}});
    }
    return make_layer(schema::jobs_housing_balance, {}, std::move(feats));
}

gis::LayerData run_metadata_layer(const Plan &plan) {
    std::vector<Feature> feats;
    std::int64_t fid = 0;
    for (const auto &[k, v] : plan.metadata) {
        feats.push_back({++fid, {}, {k, v}});
    }
    return make_layer(schema::run_metadata, {}, std::move(feats));
}

gis::LayerData rolling_plan_layer(const Plan &plan) {
    std::vector<Feature> feats;
    std::int64_t fid = 0;
    for (const RollingRow &r : plan.replan.rolling) {
        feats.push_back(
            {++fid,
             {},
             {static_cast<std::int64_t>(r.year), r.district, r.district_name, r.type,
              round_to(r.area_ha, 4), round_to(r.units, 1), static_cast<std::int64_t>(r.parcels),
              round_to(r.previous_area_ha, 4), finite_or_null(r.previous_units, 1),
              static_cast<std::int64_t>(r.previous_parcels),
              round_to(r.area_ha - r.previous_area_ha, 4), r.why}});
    }
    return make_layer(schema::rolling_plan, {}, std::move(feats));
}

PlanLayers plan_layers(const City &city, const gis::CityGeometry &geometry, const Plan &plan,
                       std::optional<gis::LayerData> allocated) {
    PlanLayers l;
    l.allocated_parcels =
        allocated ? std::move(*allocated) : allocated_parcels_layer(city, geometry, plan);
    l.annual_plan = annual_plan_layer(plan);
    l.supply_plan = supply_plan_layer(city, plan);
    l.rule_checks = rule_checks_layer(plan);
    l.station_catchments = station_catchments_layer(city, geometry, plan);
    l.park_catchments = park_catchments_layer(city, geometry, plan);
    l.zones = zones_layer(city, geometry, plan);
    l.constraints = constraints_layer(city, geometry);
    l.jobs_housing_balance = balance_layer(plan);
    l.run_metadata = run_metadata_layer(plan);
    if (plan.replan.from_year != 0) {
        l.rolling_plan = rolling_plan_layer(plan);
    }
    return l;
}

} // namespace landalloc
