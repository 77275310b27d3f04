#include "inputs/synth.hpp"

#include "core/errors.hpp"
#include "core/units.hpp"
#include "gis/geometry.hpp"
#include "gis/spatial_index.hpp"
#include "gis/vector_io.hpp"
#include "inputs/rng.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <set>
#include <sstream>

namespace landalloc {

namespace {

using detail::Rng;
using gis::Feature;
using gis::FieldDef;
using gis::FieldType;
using gis::Geometry;
using gis::Point;
using gis::Value;

constexpr double k_pi = std::numbers::pi;

/// Rounds to a multiple of `step` (0.1, 0.5), dividing by the integer 1/step so that 1.9 comes
/// out as the double nearest 1.9 and survives a text round trip (a database) unchanged.
double round_to(double v, double step) {
    const double per_unit = std::round(1.0 / step);
    return std::round(v * per_unit) / per_unit;
}

struct DistrictSpec {
    const char *name;
    const char *zone_class;
};

// Ten districts: one old-city core, four inner, five outer. Names are Chinese, as in real data.
// A district list of another length takes the centre's, the inner ring's and the outer ring's
// names from here in turn, then numbered names.
constexpr std::array<DistrictSpec, 10> k_districts = {{
    {"老城区", "stock_upgrading"},
    {"东城区", "moderate"},
    {"南城区", "moderate"},
    {"西城区", "moderate"},
    {"北城区", "moderate"},
    {"高新区", "priority_expansion"},
    {"经开区", "priority_expansion"},
    {"滨江新区", "priority_expansion"},
    {"港城区", "priority_expansion"},
    {"城西新区", "priority_expansion"},
}};

/// The default name and class of district `i` of a city laid out as `rings`.
DistrictSpec default_district(std::size_t i, const SynthRings &rings) {
    const auto inner = static_cast<std::size_t>(rings.inner);
    static const std::array<std::string, k_synth_max_districts> numbered = [] {
        std::array<std::string, k_synth_max_districts> out;
        for (std::size_t k = 0; k < out.size(); ++k) {
            out[k] = "第" + std::to_string(k + 1) + "区";
        }
        return out;
    }();
    if (i == 0) {
        return k_districts[0];
    }
    if (i <= inner) {
        const std::size_t j = i - 1; // position on the inner ring
        return {j < 4 ? k_districts[1 + j].name : numbered[i].c_str(), "moderate"};
    }
    const std::size_t j = i - 1 - inner; // position on the outer ring
    return {j < 5 ? k_districts[5 + j].name : numbered[i].c_str(), "priority_expansion"};
}

struct ParkSpec {
    const char *name;
    const char *level;
    double jobs;
};

constexpr std::array<ParkSpec, 4> k_parks = {{
    {"高新技术产业开发区", "national", 85000},
    {"经济技术开发区", "national", 70000},
    {"临港产业园", "provincial", 40000},
    {"装备制造产业园", "municipal", 25000},
}};

/// Parks 5-8 (options.parks > 4), between the first four.
struct ExtraParkSpec {
    ParkSpec park;
    double angle;
};
constexpr std::array<ExtraParkSpec, 4> k_extra_parks = {{
    {{"综合保税区", "national", 30000}, 1.25},
    {{"新材料产业园", "provincial", 35000}, 2.9},
    {{"现代物流园", "municipal", 20000}, 4.45},
    {{"科技创新园", "municipal", 15000}, 6.0},
}};

/// Metro lines 3-5 (options.metro_lines > 2): straight lines through a point, with a gentle bend;
/// line 6 is a ring.
struct ExtraLineSpec {
    double cx, cy; // a point on the line (m from the centre at scale 1)
    double angle;  // direction (radians from east)
    int half;      // stations each side of the point
    int year;      // opening year
};
constexpr std::array<ExtraLineSpec, 3> k_extra_lines = {{
    {0, 0, 1.95, 8, 2019},
    {0, 4200, 0.1, 9, 2024},
    {1500, -2500, 2.55, 8, 2026},
}};
constexpr int k_ring_line_year = 2028;

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
    const double s = opt.scale;
    // Lianyungang's central city lies near 119.2E 34.6N: about (427 km, 3830 km) in EPSG:4549.
    const Point origin{427000.0, 3830000.0};
    auto at = [&](double dx, double dy) { return Point{origin.x + dx * s, origin.y + dy * s}; };

    // City boundary: a wobbly ellipse, 34 x 26 km at scale 1.
    std::vector<Point> ring;
    const double ph1 = rng.uniform(0, 2 * k_pi);
    const double ph2 = rng.uniform(0, 2 * k_pi);
    for (int i = 0; i < 72; ++i) {
        const double a = 2 * k_pi * i / 72.0;
        const double wobble = 1.0 + 0.06 * std::sin(3 * a + ph1) + 0.04 * std::sin(5 * a + ph2);
        ring.push_back(at(17000 * wobble * std::cos(a), 13000 * wobble * std::sin(a)));
    }
    const Geometry boundary = Geometry::polygon(ring);

    // Districts: Voronoi cells of one central site, an inner ring and an outer ring of sites (by
    // default four inner and five outer).
    const int n_districts = opt.districts.empty() ? static_cast<int>(k_districts.size())
                                                  : static_cast<int>(opt.districts.size());
    const SynthRings rings = synth_ring_sizes(n_districts);
    std::vector<Point> sites;
    sites.push_back(at(rng.uniform(-500, 500), rng.uniform(-500, 500)));
    for (int i = 0; i < rings.inner; ++i) {
        // i * (2 pi) / 4 is bit for bit the default city's i * pi / 2.
        const double a = k_pi / 4 + i * (2 * k_pi) / rings.inner + rng.uniform(-0.25, 0.25);
        const double r = rng.uniform(4500, 5500);
        sites.push_back(at(r * std::cos(a) * 1.2, r * std::sin(a)));
    }
    for (int i = 0; i < rings.outer; ++i) {
        const double a = i * 2 * k_pi / rings.outer + rng.uniform(-0.2, 0.2);
        const double r = rng.uniform(10500, 12000);
        sites.push_back(at(r * std::cos(a) * 1.25, r * std::sin(a) * 0.95));
    }
    const std::vector<Geometry> districts = sites.size() == 1
                                                ? std::vector<Geometry>{boundary}
                                                : Geometry::voronoi_cells(sites, boundary);

    // River: west to east, south of the centre; its ecological red line is a 250 m buffer.
    std::vector<Point> river;
    const double rph = rng.uniform(0, 2 * k_pi);
    for (int i = 0; i <= 80; ++i) {
        const double x = -21000 + 42000.0 * i / 80.0;
        river.push_back(at(x, -3500 + 1800 * std::sin(x / 5200 + rph) + 600 * std::sin(x / 1700)));
    }
    const Geometry river_line = Geometry::line(river);
    const Geometry redline = river_line.buffer(250).intersection(boundary);

    // Metro: line 1 west-east through the centre, line 2 south-west to north-east.
    struct StationOut {
        Point p;
        std::string line;
        int year;
    };
    std::vector<StationOut> stations;
    if (opt.metro_lines >= 1) {
        for (int k = -9; k <= 9; ++k) {
            const double x = k * 1200.0;
            stations.push_back({at(x, 900 * std::sin(x / 9000)), "1号线", 2016});
        }
    }
    if (opt.metro_lines >= 2) {
        const double ang = 0.9;
        for (int k = -8; k <= 8; ++k) {
            if (k == 0) {
                continue; // interchange shared with line 1
            }
            const double r = k * 1200.0 + 300 * std::sin(k * 0.7);
            stations.push_back({at(r * std::cos(ang), r * std::sin(ang)), "2号线", 2023});
        }
    }
    // Lines 3-6: a station within 500 m of an earlier line's is an interchange (left out), and
    // stations outside the city are left out.
    auto add_station = [&](Point p, const std::string &line, int year) {
        if (!boundary.covers_point(p)) {
            return;
        }
        for (const auto &st : stations) {
            if (st.line != line && std::hypot(st.p.x - p.x, st.p.y - p.y) < 500 * s) {
                return;
            }
        }
        stations.push_back({p, line, year});
    };
    for (int l = 3; l <= std::min(opt.metro_lines, 5); ++l) {
        const ExtraLineSpec &L = k_extra_lines[static_cast<std::size_t>(l - 3)];
        const std::string line = std::to_string(l) + "号线";
        const double ux = std::cos(L.angle);
        const double uy = std::sin(L.angle);
        for (int k = -L.half; k <= L.half; ++k) {
            const double r = k * 1200.0;
            const double off = 500 * std::sin(r / 4000 + l);
            add_station(at(L.cx + r * ux - off * uy, L.cy + r * uy + off * ux), line, L.year);
        }
    }
    if (opt.metro_lines >= 6) {
        for (int k = 0; k < 24; ++k) {
            const double a = 2 * k_pi * k / 24 + 0.1;
            add_station(at(7200 * std::cos(a), 5600 * std::sin(a)), "6号线", k_ring_line_year);
        }
    }

    // Industrial parks: rotated rectangles in the outer ring.
    std::vector<Geometry> parks;
    std::vector<ParkSpec> park_specs;
    {
        // The first four parks are always drawn, so fewer parks leave the rest of the city's
        // random draws where they were.
        const std::array<double, 4> angles = {0.35, 2.2, 3.6, 5.3};
        for (std::size_t i = 0; i < k_parks.size(); ++i) {
            const double a = angles[i] + rng.uniform(-0.15, 0.15);
            const double r = rng.uniform(8000, 9500);
            const Point c = at(r * std::cos(a) * 1.2, r * std::sin(a));
            Geometry g = Geometry::rectangle(c, rng.uniform(3000, 4200) * s,
                                             rng.uniform(1800, 2600) * s, rng.uniform(-0.4, 0.4));
            if (static_cast<int>(i) < opt.parks) {
                parks.push_back(g.intersection(boundary).difference(redline));
                park_specs.push_back(k_parks[i]);
            }
        }
        // Parks 5-8 from a stream of their own, smaller, clear of the others.
        Rng extra(opt.seed ^ 0x9e3779b97f4a7c15ULL);
        for (int i = 4; i < opt.parks; ++i) {
            const ExtraParkSpec &spec = k_extra_parks[static_cast<std::size_t>(i - 4)];
            const double a = spec.angle + extra.uniform(-0.15, 0.15);
            const double r = extra.uniform(8000, 9500);
            const double w = extra.uniform(2600, 3600) * s;
            const double h = extra.uniform(1600, 2200) * s;
            const double rot = extra.uniform(-0.4, 0.4);
            Geometry g = Geometry::rectangle(at(r * std::cos(a) * 1.2, r * std::sin(a)), w, h, rot)
                             .intersection(boundary)
                             .difference(redline);
            for (const auto &pk : parks) {
                g = g.difference(pk);
            }
            if (g.is_empty() || g.area() < 1e4) {
                continue;
            }
            parks.push_back(std::move(g));
            park_specs.push_back(spec.park);
        }
    }

    // Constraints: red line (exclude), farmland blobs in the outer ring (exclude), the old city
    // under strict control (cap).
    struct ConstraintOut {
        Geometry g;
        std::string id, kind, effect;
        double max_far;
    };
    std::vector<ConstraintOut> constraints;
    constraints.push_back({redline, "ECO-1", "ecological_redline", "exclude", 0});
    for (int i = 0; i < 4; ++i) {
        const double a = 0.8 + i * 1.55 + rng.uniform(-0.2, 0.2);
        const double r = rng.uniform(11500, 13500);
        Geometry blob = Geometry::point(at(r * std::cos(a) * 1.2, r * std::sin(a)))
                            .buffer(rng.uniform(1500, 2300) * s)
                            .intersection(boundary);
        for (const auto &pk : parks) {
            blob = blob.difference(pk);
        }
        constraints.push_back(
            {blob, "FARM-" + std::to_string(i + 1), "basic_farmland", "exclude", 0});
    }
    const Geometry old_city = Geometry::point(sites[0]).buffer(2200 * s, 16);
    constraints.push_back({old_city, "OLD-1", "old_city", "cap", 1.8});

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

    // Candidate parcels: rotated rectangles, denser towards the centre, never overlapping.
    struct ParcelOut {
        Geometry g;
        std::string land_source;
        int first_year;
        double far_cap;
        std::string allowed;
    };
    std::vector<ParcelOut> parcels;
    using Box = gis::BgBox;
    gis::bgi::rtree<std::pair<Box, std::size_t>, gis::bgi::rstar<16>> placed;
    const long max_attempts = 60L * opt.parcels + 1000;
    const std::vector<double> year_weights = [&] {
        std::vector<double> w;
        for (int y = opt.first_year; y <= opt.last_year; ++y) {
            w.push_back(y == opt.first_year ? 3.0 : 1.5 - 0.1 * (y - opt.first_year));
        }
        return w;
    }();
    double total_area = 0;
    for (long attempt = 0; attempt < max_attempts && static_cast<int>(parcels.size()) < opt.parcels;
         ++attempt) {
        Point c;
        if (rng.uniform() < 0.65) {
            c = at(rng.normal() * 7000, rng.normal() * 5500);
        } else {
            c = at(rng.uniform(-18000, 18000), rng.uniform(-14000, 14000));
        }
        const double area = std::clamp(12000.0 * std::exp(0.6 * rng.normal()), 3000.0, 80000.0);
        const double aspect = rng.uniform(1.0, 2.2);
        const double w = std::sqrt(area * aspect);
        const double h = area / w;
        const Geometry g = Geometry::rectangle(c, w, h, rng.uniform(-0.35, 0.35));
        if (!boundary.contains(g)) {
            continue;
        }
        const gis::Bounds b = g.bounds();
        const Box box = gis::to_box(b);
        std::vector<std::pair<Box, std::size_t>> hits;
        placed.query(gis::bgi::intersects(box), std::back_inserter(hits));
        bool overlaps = false;
        for (const auto &h2 : hits) {
            if (parcels[h2.second].g.intersects(g)) {
                overlaps = true;
                break;
            }
        }
        if (overlaps) {
            continue;
        }
        const double d = std::hypot(c.x - sites[0].x, c.y - sites[0].y) / s;
        ParcelOut p;
        bool in_park = false;
        for (const auto &pk : parks) {
            if (pk.covers_point(c)) {
                in_park = true;
            }
        }
        if (in_park) {
            p.land_source = "park_supporting";
        } else {
            const std::vector<double> sw = {0.55, d < 6000 ? 0.30 : 0.10, 0.12, 0.08};
            static const std::array<const char *, 4> sources = {"new_state", "renewal",
                                                                "collective", "enterprise_idle"};
            p.land_source = sources[rng.pick(sw)];
        }
        p.first_year = opt.first_year + static_cast<int>(rng.pick(year_weights));
        const double far_hi = d < 6000 ? 3.2 : (d < 11000 ? 2.6 : 2.0);
        p.far_cap = round_to(rng.uniform(far_hi - 1.0, far_hi), 0.1);
        if (p.land_source == "collective" || p.land_source == "enterprise_idle" ||
            p.land_source == "park_supporting") {
            // Collective and enterprise land may carry rental housing only (Nanjing L244).
            p.allowed = "affordable_rental";
        } else if (rng.uniform() < 0.1) {
            p.allowed = "commercial";
        } else {
            p.allowed = "all";
        }
        total_area += g.area();
        placed.insert({box, parcels.size()});
        p.g = g;
        parcels.push_back(std::move(p));
    }
    if (static_cast<int>(parcels.size()) < opt.parcels) {
        throw UsageError("cannot place " + std::to_string(opt.parcels) +
                         " non-overlapping parcels in the city; placed " +
                         std::to_string(parcels.size()) +
                         " (raise the scale: --scale, inputs.synth.scale)");
    }

    // ---- the layers ----
    {
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
        }
        out.layers.push_back({"zones",
                              gis::GeomKind::polygon,
                              {{"id", FieldType::string},
                               {"name", FieldType::string},
                               {"population", FieldType::real},
                               {"jobs", FieldType::real},
                               {"dwellings", FieldType::real},
                               {"zone_class", FieldType::string},
                               {"destock_months", FieldType::real}},
                              std::move(feats),
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
