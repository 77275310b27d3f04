// The synthetic city's entry points (synth.hpp): options, the layers of the city laid out by
// synth_layout.cpp with the parcels of synth_parcels.cpp, written to a GeoPackage or kept in
// memory.
#include "inputs/synth.hpp"

#include "core/errors.hpp"
#include "core/units.hpp"
#include "gis/geometry.hpp"
#include "gis/vector_io.hpp"
#include "inputs/rng.hpp"
#include "inputs/synth_impl.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace landalloc {

namespace {

using detail::Rng;
using detail::synth::ConstraintOut;
using detail::synth::default_district;
using detail::synth::DistrictSpec;
using detail::synth::ParcelOut;
using detail::synth::round_to;
using detail::synth::SynthLayout;
using detail::synth::SynthParcels;
using gis::Feature;
using gis::FieldDef;
using gis::FieldType;
using gis::Geometry;
using gis::Point;
using gis::Value;

void check_options(const SynthOptions &opt) {
    if (opt.parcels < 1 || opt.parcels > 2000000) {
        throw UsageError("--parcels must be between 1 and 2000000 (got " +
                         std::to_string(opt.parcels) + ")");
    }
    if (opt.last_year < opt.first_year) {
        throw UsageError("the last year must not be before the first year");
    }
    if (!(opt.scale >= 0.05 && opt.scale <= 50)) {
        throw UsageError("--scale must be between 0.05 and 50");
    }
    if (opt.metro_lines < 0 || opt.metro_lines > k_synth_max_metro_lines) {
        throw UsageError("the number of metro lines must be between 0 and " +
                         std::to_string(k_synth_max_metro_lines));
    }
    if (opt.parks < 0 || opt.parks > k_synth_max_parks) {
        throw UsageError("the number of industrial parks must be between 0 and " +
                         std::to_string(k_synth_max_parks));
    }
    if (opt.districts.size() > static_cast<std::size_t>(k_synth_max_districts)) {
        throw UsageError("at most " + std::to_string(k_synth_max_districts) + " districts");
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < opt.districts.size(); ++i) {
        const SynthDistrict &d = opt.districts[i];
        const std::string id = d.id.empty() ? synth_district_id(i) : d.id;
        if (!ids.insert(id).second) {
            throw UsageError("district id '" + id + "' is given twice");
        }
        if (d.district.empty() && !d.district_name.empty()) {
            throw UsageError("district '" + id + "': a district_name without a district");
        }
        for (const auto &v : {d.population, d.jobs, d.dwellings, d.destock_months}) {
            if (v && !(std::isfinite(*v) && *v >= 0)) {
                throw UsageError("district '" + id + "': values must be numbers >= 0");
            }
        }
    }
}

} // namespace

std::string synth_district_id(std::size_t index) {
    char id[32];
    std::snprintf(id, sizeof id, "D%02zu", index + 1);
    return id;
}

SynthRings synth_ring_sizes(int districts) {
    SynthRings r;
    if (districts <= 1) {
        return r;
    }
    // Four of every nine districts beyond the centre on the inner ring, at least one.
    r.inner = std::max(1, static_cast<int>(std::lround((districts - 1) * 4.0 / 9.0)));
    r.outer = districts - 1 - r.inner;
    return r;
}

std::string describe_synth(const SynthOptions &o) {
    std::ostringstream os;
    os << "parcels " << o.parcels << ", scale " << o.scale << ", seed " << o.seed
       << ", metro_lines " << o.metro_lines << ", parks " << o.parks << ", years " << o.first_year
       << "-" << o.last_year << ", EPSG:" << o.epsg << ", districts ";
    if (o.districts.empty()) {
        os << "the ten default ones (D01-D10)";
    }
    for (std::size_t i = 0; i < o.districts.size(); ++i) {
        const SynthDistrict &d = o.districts[i];
        os << (i == 0 ? "" : "; ") << (d.id.empty() ? synth_district_id(i) : d.id);
        if (!d.name.empty()) {
            os << " " << d.name;
        }
        if (!d.zone_class.empty()) {
            os << " (" << d.zone_class << ")";
        }
        if (!d.district.empty()) {
            os << " in " << d.district;
            if (!d.district_name.empty()) {
                os << " " << d.district_name;
            }
        }
    }
    return os.str();
}

namespace {

/// One layer of the synthetic city, as GpkgWriter::add_layer takes it.
struct SynthLayer {
    std::string name;
    gis::GeomKind kind;
    std::vector<FieldDef> fields;
    std::vector<Feature> features;
    std::string description;
};

struct SynthData {
    gis::Crs crs;
    std::vector<SynthLayer> layers;
    SynthSummary summary;
};

/// The city of `opt` (checked by check_options).
SynthData generate_city(const SynthOptions &opt) {
    SynthData out;
    out.crs = gis::Crs::from_epsg(opt.epsg);

    Rng rng(opt.seed);
    const SynthLayout layout = detail::synth::lay_out_city(opt, rng);
    const double s = layout.s;
    const SynthRings &rings = layout.rings;
    const std::vector<Point> &sites = layout.sites;
    const std::vector<Geometry> &districts = layout.districts;
    const auto &stations = layout.stations;
    const std::vector<Geometry> &parks = layout.parks;
    const auto &park_specs = layout.park_specs;
    const std::vector<ConstraintOut> &constraints = layout.constraints;
    const Geometry &river_line = layout.river_line;

    // Zone attributes: density falls with distance from the centre.
    const double total_pop = 2.2e6 * s * s;
    std::vector<double> weights;
    for (std::size_t i = 0; i < districts.size(); ++i) {
        const Point c = districts[i].centroid();
        const double d = std::hypot(c.x - sites[0].x, c.y - sites[0].y) / s;
        weights.push_back(districts[i].area() * std::exp(-d / 5000.0));
    }
    double wsum = 0;
    for (double w : weights) {
        wsum += w;
    }

    const SynthParcels placed = detail::synth::place_parcels(opt, layout, rng);
    const std::vector<ParcelOut> &parcels = placed.parcels;
    const double total_area = placed.total_area;

    // ---- the layers ----
    {
        // The parent district fields only when a zone has a parent, so that the default city's
        // layer stays as it was.
        const bool parents =
            std::any_of(opt.districts.begin(), opt.districts.end(),
                        [](const SynthDistrict &d) { return !d.district.empty(); });
        std::vector<Feature> feats;
        for (std::size_t i = 0; i < districts.size(); ++i) {
            // Given values replace generated ones; the random draws are made all the same.
            const SynthDistrict given =
                i < opt.districts.size() ? opt.districts[i] : SynthDistrict{};
            const DistrictSpec def = default_district(i, rings);
            const double pop = given.population.value_or(std::round(total_pop * weights[i] / wsum));
            const bool central = i == 0;
            const bool inner = i < static_cast<std::size_t>(1 + rings.inner);
            const double jobs_rate = central ? 0.75 : (inner ? 0.55 : 0.42);
            const double jobs = given.jobs.value_or(std::round(pop * jobs_rate));
            const double per_household = rng.uniform(1.02, 1.12);
            const double dwellings =
                given.dwellings.value_or(std::round(pop / 2.6 * per_household));
            const double destock_drawn =
                round_to(rng.uniform(central ? 4.0 : 5.0, inner ? 16.0 : 30.0), 0.5);
            const double destock = given.destock_months.value_or(destock_drawn);
            feats.push_back(
                {static_cast<std::int64_t>(i + 1),
                 districts[i],
                 {given.id.empty() ? synth_district_id(i) : given.id,
                  given.name.empty() ? std::string(def.name) : given.name, pop, jobs, dwellings,
                  given.zone_class.empty() ? std::string(def.zone_class) : given.zone_class,
                  destock}});
            if (parents) {
                auto &v = feats.back().values;
                v.push_back(given.district.empty() ? Value() : Value(given.district));
                v.push_back(given.district_name.empty() ? Value() : Value(given.district_name));
            }
        }
        std::vector<FieldDef> fields = {
            {"id", FieldType::string},          {"name", FieldType::string},
            {"population", FieldType::real},    {"jobs", FieldType::real},
            {"dwellings", FieldType::real},     {"zone_class", FieldType::string},
            {"destock_months", FieldType::real}};
        if (parents) {
            fields.push_back({"district", FieldType::string});
            fields.push_back({"district_name", FieldType::string});
        }
        out.layers.push_back({"zones", gis::GeomKind::polygon, std::move(fields), std::move(feats),
                              "Districts (区) with population, jobs and dwellings"});
    }
    {
        std::vector<Feature> feats;
        for (std::size_t i = 0; i < stations.size(); ++i) {
            char id[32];
            std::snprintf(id, sizeof id, "S%03zu", i + 1);
            const std::string name = stations[i].line + "第" + std::to_string(i + 1) + "站";
            feats.push_back({static_cast<std::int64_t>(i + 1),
                             Geometry::point(stations[i].p),
                             {std::string(id), name, std::string("metro"), stations[i].line,
                              static_cast<std::int64_t>(stations[i].year)}});
        }
        out.layers.push_back({"stations",
                              gis::GeomKind::point,
                              {{"id", FieldType::string},
                               {"name", FieldType::string},
                               {"mode", FieldType::string},
                               {"line", FieldType::string},
                               {"opening_year", FieldType::integer}},
                              std::move(feats),
                              "Metro stations"});
    }
    {
        std::vector<Feature> feats;
        for (std::size_t i = 0; i < parks.size(); ++i) {
            feats.push_back(
                {static_cast<std::int64_t>(i + 1),
                 parks[i],
                 {std::string("IP") + std::to_string(i + 1), std::string(park_specs[i].name),
                  std::round(park_specs[i].jobs * s * s), std::string(park_specs[i].level)}});
        }
        out.layers.push_back({"parks",
                              gis::GeomKind::polygon,
                              {{"id", FieldType::string},
                               {"name", FieldType::string},
                               {"jobs", FieldType::real},
                               {"level", FieldType::string}},
                              std::move(feats),
                              "Industrial parks (开发区, 产业园区)"});
    }
    {
        std::vector<Feature> feats;
        for (std::size_t i = 0; i < constraints.size(); ++i) {
            const auto &c = constraints[i];
            Value far = c.effect == "cap" ? Value(c.max_far) : Value();
            feats.push_back({static_cast<std::int64_t>(i + 1), c.g, {c.id, c.kind, c.effect, far}});
        }
        out.layers.push_back({"constraints",
                              gis::GeomKind::polygon,
                              {{"id", FieldType::string},
                               {"kind", FieldType::string},
                               {"effect", FieldType::string},
                               {"max_far", FieldType::real}},
                              std::move(feats),
                              "Ecological red line, basic farmland (exclude); old city (cap)"});
    }
    {
        std::vector<Feature> feats;
        feats.reserve(parcels.size());
        for (std::size_t i = 0; i < parcels.size(); ++i) {
            const auto &p = parcels[i];
            char id[32];
            std::snprintf(id, sizeof id, "P%06zu", i + 1);
            feats.push_back({static_cast<std::int64_t>(i + 1),
                             p.g,
                             {std::string(id), p.land_source,
                              static_cast<std::int64_t>(p.first_year), p.far_cap, p.allowed}});
        }
        out.layers.push_back({"parcels",
                              gis::GeomKind::polygon,
                              {{"id", FieldType::string},
                               {"land_source", FieldType::string},
                               {"first_year", FieldType::integer},
                               {"far_cap", FieldType::real},
                               {"allowed_types", FieldType::string}},
                              std::move(feats),
                              "Candidate parcels of the land reserve (储备用地)"});
    }
    out.layers.push_back({"river",
                          gis::GeomKind::line,
                          {{"name", FieldType::string}},
                          {{1, river_line, {std::string("river")}}},
                          "River (reference)"});
    {
        std::vector<Feature> feats;
        std::int64_t fid = 1;
        for (const auto &st : detail::synth::lay_out_streets(layout)) {
            feats.push_back(
                {fid,
                 Geometry::line(st.line),
                 {fid, st.highway, st.maxspeed.empty() ? gis::Value{} : gis::Value{st.maxspeed},
                  static_cast<std::int64_t>(st.bridge ? 1 : 0)}});
            ++fid;
        }
        out.layers.push_back({"streets",
                              gis::GeomKind::line,
                              {{"id", FieldType::integer},
                               {"highway", FieldType::string},
                               {"maxspeed", FieldType::string},
                               {"bridge", FieldType::integer}},
                              std::move(feats),
                              "Streets: a 400 m grid, arterials every 2 km, few bridges "
                              "(read with [inputs] streets = \"streets\")"});
    }

    SynthSummary &sum = out.summary;
    sum.zones = static_cast<int>(districts.size());
    sum.stations = static_cast<int>(stations.size());
    sum.parks = static_cast<int>(parks.size());
    sum.constraints = static_cast<int>(constraints.size());
    sum.parcels = static_cast<int>(parcels.size());
    sum.parcel_area_ha = ha_from_m2(total_area);
    return out;
}

} // namespace

SynthSummary write_synth_city(const SynthOptions &opt, const std::string &path, bool overwrite) {
    check_options(opt);
    // Open the output first so a refused overwrite costs nothing.
    gis::GpkgWriter writer(path, overwrite);
    const SynthData city = generate_city(opt);
    for (const SynthLayer &l : city.layers) {
        writer.add_layer(l.name, l.kind, city.crs, l.fields, l.features, l.description);
    }
    writer.commit();
    return city.summary;
}

SynthCity make_synth_city(const SynthOptions &opt) {
    check_options(opt);
    SynthData city = generate_city(opt);
    SynthCity out;
    for (SynthLayer &l : city.layers) {
        out.layers.push_back(gis::layer_as_written(k_synth_source, l.name, l.kind, city.crs,
                                                   std::move(l.fields), std::move(l.features)));
    }
    out.summary = city.summary;
    return out;
}

} // namespace landalloc
