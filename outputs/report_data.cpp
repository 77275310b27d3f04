#include "outputs/report.hpp"

#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "outputs/plan_fields.hpp"
#include "outputs/plan_layers.hpp"
#include "outputs/schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>

namespace landalloc {

namespace {

using detail::k_nan;
using detail::leading_number;
using detail::PlanFields;

/// The rings of a polygon feature; none for an empty geometry, which a GeoPackage reads back
/// as no geometry at all.
std::vector<std::vector<gis::Point>> rings_of(const gis::Geometry &g) {
    if (g.is_null() || g.is_empty()) {
        return {};
    }
    return g.polygon_rings();
}

/// run_metadata: the key/value rows and the jobs/dwellings band.
void read_metadata(ReportData &d, const gis::LayerData &layer) {
    constexpr const LayerSchema &L = schema::run_metadata;
    const PlanFields f(layer);
    const int key = f.index({L, "key"});
    const int value = f.index({L, "value"});
    for (const auto &feat : layer.features) {
        d.metadata.emplace_back(f.text(feat, key), f.text(feat, value));
    }
    // Absent or not a number: 0, the report's default band.
    d.ratio_min = leading_number(d.meta("ratio_min")).value_or(0);
    d.ratio_max = leading_number(d.meta("ratio_max")).value_or(0);
}

/// annual_plan: the rows and their causes.
void read_annual(ReportData &d, const gis::LayerData &layer) {
    constexpr const LayerSchema &L = schema::annual_plan;
    const PlanFields f(layer);
    const int year = f.index({L, "year"}), type = f.index({L, "housing_type"}),
              unit = f.index({L, "unit"}), target = f.index({L, "target"}),
              tolerance = f.index({L, "tolerance"}), binding = f.index({L, "binding"}),
              supplied = f.index({L, "supplied"}), ha = f.index({L, "supplied_ha"}),
              floor = f.index({L, "supplied_floor_m2"}), units = f.index({L, "supplied_units"}),
              parcels = f.index({L, "parcels"}), met = f.index({L, "met"}),
              status = f.index({L, "status"}), difference = f.index({L, "difference"}),
              lower_tol = f.index({L, "lower_tolerance"}), note = f.index({L, "note"}),
              cause = f.index({L, "cause"}, /*required=*/false),
              zones = f.index({L, "zones"}, /*required=*/false);
    for (const auto &feat : layer.features) {
        AnnualRow r;
        r.year = static_cast<int>(f.number(feat, year));
        r.type = f.text(feat, type);
        r.zones = f.text(feat, zones);
        if (!r.zones.empty()) {
            // A target of some zones only: charted and listed on its own.
            r.type += " [" + r.zones + "]";
        }
        r.unit = f.text(feat, unit);
        r.target = f.number(feat, target);
        r.tolerance = f.number(feat, tolerance);
        r.binding = f.number(feat, binding) != 0;
        r.supplied = f.number(feat, supplied);
        r.supplied_ha = f.number(feat, ha);
        r.supplied_floor_m2 = f.number(feat, floor);
        r.supplied_units = f.number(feat, units);
        r.parcels = static_cast<int>(f.number(feat, parcels));
        r.met = f.number(feat, met) != 0;
        r.status = f.text(feat, status);
        r.difference = f.number(feat, difference);
        r.lower_tolerance = f.number(feat, lower_tol);
        r.note = f.text(feat, note);
        d.annual.push_back(std::move(r));
        d.annual_causes.push_back(f.text(feat, cause));
    }
}

/// rule_checks.
void read_rules(ReportData &d, const gis::LayerData &layer) {
    constexpr const LayerSchema &L = schema::rule_checks;
    const PlanFields f(layer);
    const int rule = f.index({L, "rule"}), label = f.index({L, "requirement"}),
              year = f.index({L, "year"}), unit = f.index({L, "unit"}),
              actual = f.index({L, "actual"}), required = f.index({L, "required"}),
              violation = f.index({L, "violation"}), vunit = f.index({L, "violation_unit"}),
              binding = f.index({L, "binding"}), met = f.index({L, "met"}),
              status = f.index({L, "status"}), sense = f.index({L, "sense"});
    for (const auto &feat : layer.features) {
        RuleCheck r;
        r.rule = f.text(feat, rule);
        r.label = f.text(feat, label);
        const double y = f.number(feat, year);
        r.year = std::isfinite(y) ? static_cast<int>(y) : 0;
        r.unit = f.text(feat, unit);
        r.actual = f.number(feat, actual);
        r.limit = f.number(feat, required);
        r.violation = f.number(feat, violation);
        r.violation_unit = f.text(feat, vunit);
        r.binding = f.number(feat, binding) != 0;
        r.met = f.number(feat, met) != 0;
        r.status = f.text(feat, status);
        r.floor = f.text(feat, sense) == ">=";
        d.rules.push_back(std::move(r));
    }
}

/// jobs_housing_balance: the plan's D against the runs that price it.
void read_balance(ReportData &d, const gis::LayerData &layer) {
    constexpr const LayerSchema &L = schema::jobs_housing_balance;
    const PlanFields f(layer);
    const int run = f.index({L, "run"}), rule = f.index({L, "rule"}),
              dis = f.index({L, "dissimilarity"}), ec = f.index({L, "excess_commuting"}),
              tmin = f.index({L, "commute_min_m"}), tobs = f.index({L, "commute_model_m"}),
              suit = f.index({L, "suitability"}), cost = f.index({L, "d_cost"});
    for (const auto &feat : layer.features) {
        BalanceRun r;
        r.run = f.text(feat, run);
        r.rule = f.text(feat, rule);
        r.balance.dissimilarity = f.number(feat, dis);
        r.balance.excess_commuting = f.number(feat, ec);
        r.balance.commute_min_m = f.number(feat, tmin);
        r.balance.commute_model_m = f.number(feat, tobs);
        r.suitability = f.number(feat, suit);
        r.d_cost = f.number(feat, cost);
        d.balance.push_back(std::move(r));
    }
}

/// zones: before and after, with their outlines.
void read_zones(ReportData &d, const gis::LayerData &layer) {
    constexpr const LayerSchema &L = schema::zones;
    const PlanFields f(layer);
    const int id = f.index({L, "zone_id"}), name = f.index({L, "zone_name"}),
              cls = f.index({L, "zone_class"}), jobs = f.index({L, "jobs"}),
              before = f.index({L, "dwellings_before"}), added = f.index({L, "new_units"}),
              after = f.index({L, "dwellings_after"}), rb = f.index({L, "jobs_dwellings_before"}),
              ra = f.index({L, "jobs_dwellings_after"}),
              bb = f.index({L, "band_before"}, /*required=*/false),
              ba = f.index({L, "band_after"}, /*required=*/false);
    for (const auto &feat : layer.features) {
        ReportZone z;
        z.id = f.text(feat, id);
        z.name = f.text(feat, name);
        z.zone_class = f.text(feat, cls);
        z.jobs = f.number(feat, jobs);
        z.dwellings_before = f.number(feat, before);
        z.new_units = f.number(feat, added);
        z.dwellings_after = f.number(feat, after);
        z.ratio_before = f.number(feat, rb);
        z.ratio_after = f.number(feat, ra);
        z.band_before = f.text(feat, bb);
        z.band_after = f.text(feat, ba);
        z.rings = rings_of(feat.geometry);
        d.zones.push_back(std::move(z));
    }
}

/// allocated_parcels: type, year and outline.
void read_parcels(ReportData &d, const gis::LayerData &layer) {
    constexpr const LayerSchema &L = schema::allocated_parcels;
    const PlanFields f(layer);
    const int type = f.index({L, "housing_type"}), year = f.index({L, "year"});
    for (const auto &feat : layer.features) {
        d.parcels.push_back(
            {f.text(feat, type), static_cast<int>(f.number(feat, year)), rings_of(feat.geometry)});
    }
}
/// rolling_plan (a re-plan's): the re-planned years by district and type.
void read_rolling(ReportData &d, const gis::LayerData &layer) {
    constexpr const LayerSchema &L = schema::rolling_plan;
    const PlanFields f(layer);
    const int year = f.index({L, "year"}), district = f.index({L, "district_id"}),
              dname = f.index({L, "district_name"}), type = f.index({L, "housing_type"}),
              area = f.index({L, "area_ha"}), units = f.index({L, "units"}),
              parcels = f.index({L, "parcels"}), parea = f.index({L, "previous_area_ha"}),
              punits = f.index({L, "previous_units"}), pparcels = f.index({L, "previous_parcels"}),
              why = f.index({L, "why"});
    for (const auto &feat : layer.features) {
        RollingRow r;
        r.year = static_cast<int>(f.number(feat, year));
        r.district = f.text(feat, district);
        r.district_name = f.text(feat, dname);
        r.type = f.text(feat, type);
        r.area_ha = f.number(feat, area);
        r.units = f.number(feat, units);
        r.parcels = static_cast<int>(f.number(feat, parcels));
        r.previous_area_ha = f.number(feat, parea);
        r.previous_units = f.number(feat, punits);
        r.previous_parcels = static_cast<int>(f.number(feat, pparcels));
        r.why = f.text(feat, why);
        d.rolling.push_back(std::move(r));
    }
}
} // namespace

Language ReportData::language() const {
    return parse_language(meta("language")).value_or(Language::en);
}

std::string ReportData::meta(const std::string &key) const {
    for (const auto &[k, v] : metadata) {
        if (k == key) {
            return v;
        }
    }
    return {};
}

std::map<std::string, std::string> ReportData::type_names() const {
    std::map<std::string, std::string> names;
    for (const auto &r : supply) {
        if (!r.type.empty() && r.type_name != r.type) {
            names[r.type] = r.type_name;
        }
    }
    return names;
}

ReportData read_plan_report(const std::string &path) {
    ReportData d;
    d.source = path;
    const auto read = [&](const LayerSchema &l) {
        return gis::read_layer(path, std::string(l.name));
    };
    read_metadata(d, read(schema::run_metadata));
    read_annual(d, read(schema::annual_plan));
    const auto layers = gis::list_layers(path);
    if (std::find(layers.begin(), layers.end(), schema::supply_plan.name) != layers.end()) {
        d.supply = read_supply_rows(read(schema::supply_plan));
    }
    if (std::find(layers.begin(), layers.end(), schema::rule_checks.name) != layers.end()) {
        read_rules(d, read(schema::rule_checks));
    }
    if (std::find(layers.begin(), layers.end(), schema::jobs_housing_balance.name) !=
        layers.end()) {
        read_balance(d, read(schema::jobs_housing_balance));
    }
    read_zones(d, read(schema::zones));
    read_parcels(d, read(schema::allocated_parcels));
    if (std::find(layers.begin(), layers.end(), schema::rolling_plan.name) != layers.end()) {
        read_rolling(d, read(schema::rolling_plan));
    }
    return d;
}

ReportData report_data_from_layers(const PlanLayers &layers, const std::string &gpkg_path) {
    ReportData d;
    d.source = gpkg_path;
    // The layers as write_plan_gpkg writes them (values rounded as written), read as above.
    // They are built from the schema, so the readers find every field they look up.
    read_metadata(d, layers.run_metadata);
    read_annual(d, layers.annual_plan);
    d.supply = read_supply_rows(layers.supply_plan);
    read_rules(d, layers.rule_checks);
    read_balance(d, layers.jobs_housing_balance);
    read_zones(d, layers.zones);
    read_parcels(d, layers.allocated_parcels);
    if (!layers.rolling_plan.name.empty()) {
        read_rolling(d, layers.rolling_plan);
    }
    return d;
}

std::string report_path_for(const std::string &gpkg_path) {
    std::filesystem::path p(gpkg_path);
    if (p.extension() == ".gpkg" || p.extension() == ".GPKG") {
        p.replace_extension(".html");
        return p.string();
    }
    return gpkg_path + ".html";
}

} // namespace landalloc
