#include "outputs/compare.hpp"

#include "core/errors.hpp"
#include "outputs/plan_fields.hpp"
#include "outputs/schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <regex>
#include <set>
#include <stdexcept>

namespace landalloc {

namespace {

using detail::leading_number;
using detail::PlanFields;

using gis::Feature;
using gis::FieldDef;
using gis::FieldType;
using gis::Value;

double round_to(double v, double digits) {
    const double f = std::pow(10.0, digits);
    return std::round(v * f) / f;
}

Value optional_value(const std::optional<double> &v, int digits) {
    return v && std::isfinite(*v) ? Value(round_to(*v, digits)) : Value();
}

/// A candidate parcel as one plan holds it (allocated or rejected).
struct PlanParcel {
    std::optional<ComparedAllocation> allocation;
    double area_ha = 0;
    std::string zone_id;
    const char *layer = k_layer_rejected; // the layer it is in
    std::size_t feature = 0;              // its index in allocated_parcels when allocated
};

/// One plan GeoPackage read back.
struct ReadPlan {
    ComparedPlan plan;
    gis::LayerData allocated;
    std::map<std::string, PlanParcel> parcels;
    std::set<int> years;
    std::map<int, int> radius_field; // r -> index of stations_within_<r>m in allocated
};

/// The years of run_metadata's horizon ("2021-2025").
void add_horizon(const std::string &horizon, std::set<int> &years) {
    static const std::regex form(R"(^\s*(\d{4})\s*-\s*(\d{4})\s*$)");
    std::smatch m;
    if (std::regex_match(horizon, m, form)) {
        const int first = std::stoi(m[1].str());
        const int last = std::stoi(m[2].str());
        for (int y = first; y <= last && y - first < 100; ++y) {
            years.insert(y);
        }
    }
}

ReadPlan read_plan(const std::string &path, const std::string &letter) {
    ReadPlan r;
    r.plan.letter = letter;
    r.plan.path = path;
    const std::vector<std::string> present = gis::list_layers(path);
    for (const LayerSchema *l : {&schema::allocated_parcels, &schema::rejected_candidates,
                                 &schema::annual_plan, &schema::run_metadata}) {
        if (std::find(present.begin(), present.end(), l->name) == present.end()) {
            std::string names;
            for (const auto &n : present) {
                names += (names.empty() ? "" : ", ") + n;
            }
            throw DataError(path + ", layer '" + std::string(l->name) +
                            "': missing; is this a GeoPackage written by 'landalloc plan'? "
                            "(layers present: " +
                            (names.empty() ? "none" : names) + ")");
        }
    }

    // run_metadata.
    {
        const gis::LayerData layer = gis::read_layer(path, k_layer_metadata);
        const PlanFields f(layer);
        const int key = f.index({schema::run_metadata, "key"});
        const int value = f.index({schema::run_metadata, "value"});
        std::map<std::string, std::string> meta;
        for (const auto &feat : layer.features) {
            meta[PlanFields::text(feat, key)] = PlanFields::text(feat, value);
        }
        const auto number = [&](const char *k) -> std::optional<double> {
            const auto it = meta.find(k);
            const std::optional<double> v =
                it == meta.end() ? std::nullopt : leading_number(it->second);
            return v && std::isfinite(*v) ? v : std::nullopt;
        };
        r.plan.scenario = meta["scenario"];
        r.plan.plan_name = meta["plan_name"];
        r.plan.dissimilarity_after = number("dissimilarity_after");
        r.plan.excess_commuting_after = number("excess_commuting_after");
        r.plan.objective = number("objective");
        r.plan.gap = number("gap");
        add_horizon(meta["horizon"], r.years);
    }

    // annual_plan: the binding rows and how many are met.
    {
        const gis::LayerData layer = gis::read_layer(path, k_layer_annual);
        const PlanFields f(layer);
        const int binding = f.index({schema::annual_plan, "binding"});
        const int status = f.index({schema::annual_plan, "status"});
        for (const auto &feat : layer.features) {
            if (PlanFields::number(feat, binding) == 1) {
                ++r.plan.binding_total;
                r.plan.binding_met += PlanFields::text(feat, status) == "met" ? 1 : 0;
            }
        }
    }

    // allocated_parcels: each parcel's year and type, the supply, the rental catchment shares.
    r.allocated = gis::read_layer(path, k_layer_allocated);
    {
        constexpr const LayerSchema &L = schema::allocated_parcels;
        const gis::LayerData &layer = r.allocated;
        const PlanFields f(layer);
        const int id = f.index({L, "parcel_id"}), zone = f.index({L, "zone_id"}),
                  year = f.index({L, "year"}), type = f.index({L, "housing_type"}),
                  area = f.index({L, "area_ha"}), units = f.index({L, "units"}),
                  btype = f.index({L, "bundled_type"}), bunits = f.index({L, "bundled_units"});
        static const std::regex within(R"(^stations_within_(\d+)m$)");
        for (std::size_t i = 0; i < layer.fields.size(); ++i) {
            std::smatch m;
            if (std::regex_match(layer.fields[i].name, m, within)) {
                r.radius_field[std::stoi(m[1].str())] = static_cast<int>(i);
            }
        }
        std::map<int, double> rental_within;
        double rental_area = 0;
        for (std::size_t i = 0; i < layer.features.size(); ++i) {
            const Feature &feat = layer.features[i];
            const std::string pid = PlanFields::text(feat, id);
            const double y = PlanFields::number(feat, year);
            const double a = PlanFields::number(feat, area);
            if (pid.empty() || !std::isfinite(y) || !std::isfinite(a)) {
                throw DataError(path + ", layer '" + std::string(L.name) + "', feature " +
                                std::to_string(feat.fid) + ": parcel_id, year or area_ha is empty");
            }
            PlanParcel p;
            p.allocation = ComparedAllocation{static_cast<int>(y), PlanFields::text(feat, type)};
            p.area_ha = a;
            p.zone_id = PlanFields::text(feat, zone);
            p.layer = k_layer_allocated;
            p.feature = i;
            if (!r.parcels.emplace(pid, p).second) {
                throw DataError(path + ", layer '" + std::string(L.name) + "': parcel '" + pid +
                                "' is allocated twice");
            }
            const double u = PlanFields::number(feat, units);
            ComparedSupply &s = r.plan.supply[{p.allocation->year, p.allocation->type}];
            s.ha += a;
            s.units += std::isfinite(u) ? u : 0;
            r.plan.ha_total += a;
            r.plan.units_total += std::isfinite(u) ? u : 0;
            const std::string bt = PlanFields::text(feat, btype);
            const double bu = PlanFields::number(feat, bunits);
            if (!bt.empty() && std::isfinite(bu)) {
                r.plan.supply[{p.allocation->year, bt}].units += bu;
                r.plan.units_total += bu;
            }
            r.years.insert(p.allocation->year);
            ++r.plan.allocated;
            if (p.allocation->type == k_compared_rental_type) {
                rental_area += a;
                for (const auto &[radius, field] : r.radius_field) {
                    const double n = PlanFields::number(feat, field);
                    rental_within[radius] += std::isfinite(n) && n >= 1 ? a : 0;
                }
            }
        }
        for (const auto &[radius, field] : r.radius_field) {
            r.plan.rental_station_share[radius] =
                rental_area > 0 ? std::optional<double>(rental_within[radius] / rental_area)
                                : std::nullopt;
        }
    }

    // rejected_candidates: the rest of the city's candidates.
    {
        constexpr const LayerSchema &L = schema::rejected_candidates;
        const gis::LayerData layer = gis::read_layer(path, k_layer_rejected);
        const PlanFields f(layer);
        const int id = f.index({L, "parcel_id"}), zone = f.index({L, "zone_id"}),
                  area = f.index({L, "area_ha"});
        for (const auto &feat : layer.features) {
            const std::string pid = PlanFields::text(feat, id);
            PlanParcel p;
            p.area_ha = PlanFields::number(feat, area);
            p.zone_id = PlanFields::text(feat, zone);
            if (pid.empty() || !r.parcels.emplace(pid, p).second) {
                throw DataError(path + ", layer '" + std::string(L.name) + "', feature " +
                                std::to_string(feat.fid) + ": parcel '" + pid +
                                "' is empty or also allocated");
            }
        }
    }
    return r;
}

/// The same city: the same candidate parcels with the same areas, in the same CRS.
void check_same_city(const ReadPlan &a, const ReadPlan &x) {
    const std::string &pa = a.plan.path;
    const std::string &px = x.plan.path;
    if (!a.allocated.crs.empty() && !x.allocated.crs.empty() &&
        !a.allocated.crs.same_as(x.allocated.crs)) {
        throw DataError(px + ", layer 'allocated_parcels': CRS " + x.allocated.crs.label() +
                        " is not " + pa + "'s " + a.allocated.crs.label() +
                        "; plan both in the same CRS (--crs)");
    }
    std::size_t missing = 0, extra = 0;
    std::string first_missing, first_extra;
    for (const auto &[id, p] : a.parcels) {
        if (!x.parcels.count(id) && missing++ == 0) {
            first_missing = id;
        }
    }
    for (const auto &[id, p] : x.parcels) {
        if (!a.parcels.count(id) && extra++ == 0) {
            first_extra = id;
        }
    }
    if (missing + extra > 0) {
        std::string what;
        if (missing > 0) {
            what += std::to_string(missing) + " of " + pa + "'s candidate parcels are not in it " +
                    "(first: " + first_missing + ")";
        }
        if (extra > 0) {
            what += std::string(what.empty() ? "" : " and ") + std::to_string(extra) +
                    " of its parcels are not in " + pa + " (first: " + first_extra + ")";
        }
        throw DataError(px +
                        ", layers 'allocated_parcels' and 'rejected_candidates': not the city of " +
                        pa + ": " + what + "; compare plans of the same city");
    }
    for (const auto &[id, p] : a.parcels) {
        const PlanParcel &q = x.parcels.at(id);
        if (!(std::abs(p.area_ha - q.area_ha) <= 1e-3 + 1e-6 * std::abs(p.area_ha))) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "': parcel '%s' has area_ha %.4f, in %s %.4f",
                          id.c_str(), q.area_ha, pa.c_str(), p.area_ha);
            throw DataError(px + ", layer '" + q.layer + buf +
                            ": not the same city; compare plans of the same city");
        }
    }
}

std::string change_word(const std::optional<ComparedAllocation> &a,
                        const std::optional<ComparedAllocation> &x, const std::string &letter) {
    if (!a && !x) {
        return "same";
    }
    if (a && !x) {
        return "only_in_A";
    }
    if (!a) {
        return "only_in_" + letter;
    }
    const bool year = a->year != x->year;
    const bool type = a->type != x->type;
    return year && type ? "moved_year_changed_type"
           : year       ? "moved_year"
           : type       ? "changed_type"
                        : "same";
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

} // namespace

PlanComparison compare_plans(const std::vector<std::string> &paths) {
    if (paths.size() < 2 || paths.size() > 26) {
        throw UsageError("compare takes 2 to 26 plan GeoPackages, not " +
                         std::to_string(paths.size()));
    }
    std::vector<ReadPlan> read;
    read.reserve(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
        read.push_back(read_plan(paths[i], std::string(1, static_cast<char>('A' + i))));
    }
    for (std::size_t i = 1; i < read.size(); ++i) {
        check_same_city(read[0], read[i]);
    }

    PlanComparison cmp;
    cmp.crs = read[0].allocated.crs;
    cmp.candidate_parcels = read[0].parcels.size();
    std::set<int> years;
    std::set<std::string> types;
    std::set<int> radii;
    for (const auto &r : read) {
        years.insert(r.years.begin(), r.years.end());
        for (const auto &[key, s] : r.plan.supply) {
            types.insert(key.second);
        }
    }
    for (const auto &radius_field : read[0].radius_field) {
        // Not a structured binding: clang 14 cannot capture one in the lambda.
        const auto radius = radius_field.first;
        const bool everywhere = std::all_of(read.begin(), read.end(), [&](const ReadPlan &r) {
            return r.radius_field.count(radius) > 0;
        });
        if (everywhere) {
            radii.insert(radius);
        }
    }
    cmp.years.assign(years.begin(), years.end());
    cmp.types.assign(types.begin(), types.end());
    cmp.radii.assign(radii.begin(), radii.end());

    // The differences, parcel by parcel, each plan against the first.
    for (const auto &[id, a] : read[0].parcels) {
        ParcelDifference d;
        d.parcel_id = id;
        d.zone_id = a.zone_id;
        d.area_ha = a.area_ha;
        bool differs = false;
        for (std::size_t i = 0; i < read.size(); ++i) {
            const PlanParcel &p = read[i].parcels.at(id);
            d.in.push_back(p.allocation);
            d.changes.push_back(i == 0
                                    ? std::string()
                                    : change_word(a.allocation, p.allocation, read[i].plan.letter));
            if (i > 0 && d.changes.back() != "same") {
                differs = true;
                ++read[i].plan.differences;
                if (("," + d.change + ",").find("," + d.changes.back() + ",") ==
                    std::string::npos) {
                    d.change += (d.change.empty() ? "" : ",") + d.changes.back();
                }
            }
            if (p.allocation && d.geometry.is_null()) {
                d.geometry = read[i].allocated.features[p.feature].geometry;
            }
        }
        if (differs) {
            cmp.differences.push_back(std::move(d));
        }
    }

    // Labels: the scenario, else the file's stem; repeated labels get their letter.
    std::map<std::string, int> seen;
    for (auto &r : read) {
        r.plan.label = !r.plan.scenario.empty()
                           ? r.plan.scenario
                           : std::filesystem::path(r.plan.path).stem().string();
        ++seen[r.plan.label];
    }
    for (auto &r : read) {
        if (seen[r.plan.label] > 1) {
            r.plan.label += " (" + r.plan.letter + ")";
        }
        for (auto it = r.plan.rental_station_share.begin();
             it != r.plan.rental_station_share.end();) {
            it = radii.count(it->first) ? std::next(it) : r.plan.rental_station_share.erase(it);
        }
        cmp.plans.push_back(std::move(r.plan));
    }
    return cmp;
}

gis::LayerData differences_layer(const PlanComparison &cmp) {
    gis::LayerData layer;
    layer.name = k_layer_differences;
    layer.crs = cmp.crs;
    layer.fields = {{"parcel_id", FieldType::string},
                    {"zone_id", FieldType::string},
                    {"area_ha", FieldType::real}};
    for (const auto &p : cmp.plans) {
        layer.fields.push_back({"year_" + lower(p.letter), FieldType::integer});
        layer.fields.push_back({"type_" + lower(p.letter), FieldType::string});
    }
    layer.fields.push_back({"change", FieldType::string});
    const bool per_plan = cmp.plans.size() > 2;
    if (per_plan) {
        for (std::size_t i = 1; i < cmp.plans.size(); ++i) {
            layer.fields.push_back({"change_" + lower(cmp.plans[i].letter), FieldType::string});
        }
    }
    std::int64_t fid = 0;
    for (const auto &d : cmp.differences) {
        Feature f;
        f.fid = ++fid;
        f.geometry = d.geometry;
        f.values.emplace_back(d.parcel_id);
        f.values.push_back(d.zone_id.empty() ? Value() : Value(d.zone_id));
        f.values.emplace_back(round_to(d.area_ha, 4));
        for (const auto &a : d.in) {
            f.values.push_back(a ? Value(static_cast<std::int64_t>(a->year)) : Value());
            f.values.push_back(a ? Value(a->type) : Value());
        }
        f.values.push_back(d.change);
        if (per_plan) {
            for (std::size_t i = 1; i < d.changes.size(); ++i) {
                f.values.push_back(d.changes[i]);
            }
        }
        layer.features.push_back(std::move(f));
    }
    return layer;
}

gis::LayerData comparison_layer(const PlanComparison &cmp) {
    gis::LayerData layer;
    layer.name = k_layer_comparison;
    layer.fields = {{"plan", FieldType::string},
                    {"label", FieldType::string},
                    {"file", FieldType::string},
                    {"scenario", FieldType::string},
                    {"plan_name", FieldType::string},
                    {"allocated_parcels", FieldType::integer},
                    {"differing_parcels", FieldType::integer},
                    {"ha_total", FieldType::real},
                    {"units_total", FieldType::real}};
    for (const int y : cmp.years) {
        for (const auto &t : cmp.types) {
            layer.fields.push_back({"ha_" + std::to_string(y) + "_" + t, FieldType::real});
            layer.fields.push_back({"units_" + std::to_string(y) + "_" + t, FieldType::real});
        }
    }
    layer.fields.push_back({"binding_met", FieldType::integer});
    layer.fields.push_back({"binding_total", FieldType::integer});
    layer.fields.push_back({"dissimilarity_after", FieldType::real});
    layer.fields.push_back({"excess_commuting_after", FieldType::real});
    for (const int r : cmp.radii) {
        layer.fields.push_back({"ar_share_within_" + std::to_string(r) + "m", FieldType::real});
    }
    layer.fields.push_back({"objective", FieldType::real});
    layer.fields.push_back({"gap", FieldType::real});

    std::int64_t fid = 0;
    for (const auto &p : cmp.plans) {
        Feature f;
        f.fid = ++fid;
        // One push per value (a braced list of variants trips GCC 12's -Wmaybe-uninitialized).
        f.values.emplace_back(p.letter);
        f.values.emplace_back(p.label);
        f.values.emplace_back(p.path);
        f.values.push_back(p.scenario.empty() ? Value() : Value(p.scenario));
        f.values.emplace_back(p.plan_name);
        f.values.emplace_back(static_cast<std::int64_t>(p.allocated));
        f.values.emplace_back(static_cast<std::int64_t>(p.differences));
        f.values.emplace_back(round_to(p.ha_total, 4));
        f.values.emplace_back(round_to(p.units_total, 1));
        for (const int y : cmp.years) {
            for (const auto &t : cmp.types) {
                const auto it = p.supply.find({y, t});
                const ComparedSupply s = it == p.supply.end() ? ComparedSupply{} : it->second;
                f.values.emplace_back(round_to(s.ha, 4));
                f.values.emplace_back(round_to(s.units, 1));
            }
        }
        f.values.push_back(static_cast<std::int64_t>(p.binding_met));
        f.values.push_back(static_cast<std::int64_t>(p.binding_total));
        f.values.push_back(optional_value(p.dissimilarity_after, 6));
        f.values.push_back(optional_value(p.excess_commuting_after, 6));
        for (const int r : cmp.radii) {
            const auto it = p.rental_station_share.find(r);
            f.values.push_back(it == p.rental_station_share.end() ? Value()
                                                                  : optional_value(it->second, 6));
        }
        f.values.push_back(optional_value(p.objective, 6));
        f.values.push_back(optional_value(p.gap, 8));
        layer.features.push_back(std::move(f));
    }
    return layer;
}

void write_comparison_gpkg(const std::string &path, gis::OutputSet &outputs,
                           const PlanComparison &cmp) {
    const gis::LayerData differences = differences_layer(cmp);
    const gis::LayerData comparison = comparison_layer(cmp);
    gis::GpkgWriter writer(path, outputs);
    writer.add_layer(differences.name, gis::GeomKind::polygon, differences.crs, differences.fields,
                     differences.features,
                     "Parcels whose year or housing type differ between the plans (each against "
                     "the first)");
    writer.add_layer(comparison.name, gis::GeomKind::none, {}, comparison.fields,
                     comparison.features,
                     "The plans side by side: supply by year and type, targets met, D, excess "
                     "commuting, objective and gap");
    writer.commit();
}

} // namespace landalloc
