#include "inputs/city.hpp"

#include "core/errors.hpp"
#include "inputs/read_layers.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace landalloc {

namespace {

using detail::RawLayer;
using detail::read_raw;
using detail::source_error_code;

/// Finds the working CRS: stated; else the first projected layer CRS (parcels first); else chosen
/// automatically from the geographic layers' extent. Returns an empty Crs after recording an
/// error finding when none can be had.
gis::Crs working_crs(const InputSpec &spec, std::vector<RawLayer> &layers, std::string &note,
                     FindingsReport &report) {
    // Each layer's extent in longitude/latitude, for judging a projected CRS against its data:
    // a layer's own CRS against that layer, a stated one against the first layer with features
    // (parcels first). The geographic layers' extent together chooses a zone, as before.
    std::vector<std::optional<gis::Bounds>> lonlat_of(layers.size());
    std::optional<gis::Bounds> primary, geographic_extent;
    const gis::Crs *geographic = nullptr;
    auto grow = [](std::optional<gis::Bounds> &into, const gis::Bounds &b) {
        if (!into) {
            into = b;
        } else {
            into->min_x = std::min(into->min_x, b.min_x);
            into->min_y = std::min(into->min_y, b.min_y);
            into->max_x = std::max(into->max_x, b.max_x);
            into->max_y = std::max(into->max_y, b.max_y);
        }
    };
    for (std::size_t k = 0; k < layers.size(); ++k) {
        const auto &l = layers[k];
        if (!l.data || l.data->crs.empty()) {
            continue;
        }
        if (!geographic && l.data->crs.is_geographic()) {
            geographic = &l.data->crs;
        }
        lonlat_of[k] = gis::geographic_bounds(*l.data);
        if (lonlat_of[k]) {
            if (!primary) {
                primary = lonlat_of[k];
            }
            if (l.data->crs.is_geographic()) {
                grow(geographic_extent, *lonlat_of[k]);
            }
        }
    }
    const std::optional<gis::Bounds> lonlat = geographic_extent ? geographic_extent : primary;
    // The Gauss-Kruger or UTM zone of the data, as a suggestion or a replacement.
    // Its datum: a geographic layer's, else the first projected layer's base, else WGS 84.
    gis::Crs datum = geographic ? *geographic : gis::Crs::from_epsg(4326);
    if (!geographic) {
        for (const auto &l : layers) {
            if (l.data && l.data->crs.is_projected()) {
                datum = l.data->crs.geographic_base();
                break;
            }
        }
    }
    auto zone_for_data = [&]() -> std::optional<gis::CrsChoice> {
        if (!lonlat) {
            return std::nullopt;
        }
        try {
            return gis::choose_projected_crs(datum, *lonlat);
        } catch (const DataError &) {
            return std::nullopt;
        }
    };
    if (!spec.crs.empty()) {
        gis::Crs crs = gis::Crs::from_user_input(spec.crs); // UsageError when PROJ cannot read it
        if (!crs.is_projected()) {
            throw UsageError("crs '" + spec.crs + "' is " + crs.label() +
                             ", not a projected CRS; distances and areas need one "
                             "(e.g. EPSG:4549)");
        }
        if (const std::string why = gis::unfit_working_crs(crs, primary); !why.empty()) {
            const auto zone = zone_for_data();
            report.add({"crs_unsuitable", Severity::error, "", "", -1, "",
                        "the stated working CRS " + crs.label() + " cannot be used: " + why +
                            "; state the data's Gauss-Kruger or UTM zone" +
                            (zone ? " (crs = \"" + zone->crs.label() + "\")" : std::string())});
            return {};
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
    // A layer's projected CRS unfit for areas (Web Mercator, a zone far away) is passed over,
    // with a warning: the zone of the data replaces it.
    std::string refused;
    for (std::size_t k = 0; k < layers.size(); ++k) {
        const auto &l = layers[k];
        if (!l.data || !l.data->crs.is_projected()) {
            continue;
        }
        if (const std::string why = gis::unfit_working_crs(l.data->crs, lonlat_of[k]);
            !why.empty()) {
            report.add({"crs_unsuitable", Severity::warning, l.data->source, l.data->name, -1, "",
                        "the layer's CRS " + l.data->crs.label() +
                            " is not used as the working CRS: " + why +
                            "; the layer is reprojected"});
            if (refused.empty()) {
                refused = "the " + l.role + " layer's own " + l.data->crs.label() +
                          " was not used: " + why;
            }
            continue;
        }
        note = "working CRS " + l.data->crs.label() + ", the " + l.role + " layer's own";
        return l.data->crs;
    }
    if (missing) {
        return {};
    }
    if ((!geographic && refused.empty()) || !lonlat) {
        report.add({"crs_unusable", Severity::error, "", "", -1, "",
                    "no input layer has a usable CRS and features; state the working CRS "
                    "(crs = \"EPSG:...\")"});
        return {};
    }
    try {
        gis::CrsChoice choice = gis::choose_projected_crs(datum, *lonlat);
        if (!refused.empty()) {
            choice.explanation += "; " + refused;
        }
        note = choice.explanation;
        report.add({"crs_chosen", Severity::info, "", "", -1, "", choice.explanation});
        return choice.crs;
    } catch (const DataError &e) {
        report.add({"crs_unusable", Severity::error, "", "", -1, "", e.what()});
        return {};
    }
}

/// The parcels layer as read, or null (generated parcels, or a layer that could not be read).
const gis::LayerData *parcels_layer(const std::vector<RawLayer> &layers) {
    for (const auto &l : layers) {
        if (l.role == "parcels") {
            return l.data ? &*l.data : nullptr;
        }
    }
    return nullptr;
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
        {"district", "zones", false, &FieldMap::district},
        {"district_name", "zones", false, &FieldMap::district_name},
        {"districts_id", "districts", true, &FieldMap::districts_id},
        {"districts_name", "districts", false, &FieldMap::districts_name},
        {"sales", "zones", false, &FieldMap::sales},
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
        {"highway", "streets", false, &FieldMap::highway},
        {"maxspeed", "streets", false, &FieldMap::maxspeed},
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

LoadedCity load_city(const InputSpec &spec) {
    return load_city(spec, std::vector<gis::LayerData>{});
}

LoadedCity load_city(const InputSpec &spec, FindingsReport &report) {
    return load_city(spec, std::vector<gis::LayerData>{}, report);
}

LoadedCity load_city(const InputSpec &spec, const std::vector<gis::LayerData> &memory) {
    FindingsReport report;
    LoadedCity out = load_city(spec, memory, report);
    if (const Finding *e = report.first_error()) {
        const int more = report.count(Severity::error) - 1;
        throw DataError(e->describe() +
                        (more > 0 ? " (" + std::to_string(more) + " more error" +
                                        (more == 1 ? "" : "s") +
                                        ": landalloc validate --max-errors 0 lists every one)"
                                  : std::string()));
    }
    out.findings = std::move(report);
    return out;
}

LoadedCity load_city(const InputSpec &spec, const std::vector<gis::LayerData> &memory,
                     FindingsReport &report) {
    LoadedCity out;

    // Read every layer as it is, then settle the working CRS and reproject into it.
    const bool generate = spec.generate.parcels > 0; // parcels and parks made, not read
    std::vector<RawLayer> layers;
    if (!generate) {
        layers.push_back(read_raw("parcels", spec.parcels, memory, report, spec.partition));
    }
    layers.push_back(read_raw("zones", spec.zones, memory, report, spec.partition));
    layers.push_back(read_raw("stations", spec.stations, memory, report, spec.partition));
    if (!generate) {
        layers.push_back(read_raw("parks", spec.parks, memory, report, spec.partition));
    }
    for (const auto &ref : spec.constraints) {
        layers.push_back(read_raw("constraints", ref, memory, report, spec.partition));
    }
    if (spec.districts) {
        layers.push_back(read_raw("districts", *spec.districts, memory, report, spec.partition));
    }
    if (spec.streets) {
        layers.push_back(read_raw("streets", *spec.streets, memory, report, spec.partition));
    }
    // The plan file's constants and value maps, before any value is read.
    detail::apply_values(layers, spec, report);
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
    detail::map_layers(layers, spec, out, report);

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
        if (const gis::LayerData *layer = parcels_layer(layers)) {
            for (std::size_t i = 0; i < out.city.parcels.size(); ++i) {
                const Parcel &p = out.city.parcels[i];
                if (p.zone == k_none) {
                    report.add({"outside_zones", Severity::warning, layer->source, layer->name,
                                p.fid, "", "the parcel lies in no zone; it counts for no zone"});
                    continue;
                }
                const double outside = out.parcel_outside_zone_share[i];
                if (outside > spec.straddle_warn_share) {
                    const Zone &z = out.city.zones[static_cast<std::size_t>(p.zone)];
                    report.add({"straddles_zones", Severity::warning, layer->source, layer->name,
                                p.fid, "",
                                "parcel " + p.id + " straddles zones: " +
                                    std::to_string(static_cast<int>(std::lround(outside * 100))) +
                                    " % of its area lies outside zone " + z.id +
                                    (z.name.empty() ? "" : " (" + z.name + ")") +
                                    ", which holds most of it and gets it; split the parcel "
                                    "along the boundary if it belongs to both"});
                }
            }
        }
    }
    detail::locate_findings(layers, spec, out, report);
    return out;
}

} // namespace landalloc
