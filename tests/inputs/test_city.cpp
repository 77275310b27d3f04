#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace landalloc;
using landalloc::gis::Geometry;

namespace {

struct SmallCity {
    test::TempDir dir;
    std::string path = dir.path("city.gpkg");
    LoadedCity city;
    SmallCity() {
        SynthOptions opt;
        opt.parcels = 400;
        opt.seed = 99;
        write_synth_city(opt, path, false);
        city = load_city(InputSpec::from_source(path));
    }
};

SmallCity &small_city() {
    static SmallCity c;
    return c;
}

} // namespace

TEST(LoadCity, ReadsEveryLayerOfTheSyntheticCity) {
    const LoadedCity &c = small_city().city;
    EXPECT_EQ(c.city.crs, "EPSG:4549");
    EXPECT_EQ(c.city.zones.size(), 10u);
    EXPECT_EQ(c.city.parks.size(), 4u);
    EXPECT_GE(c.city.stations.size(), 30u);
    EXPECT_EQ(c.city.parcels.size(), 400u);
    EXPECT_EQ(c.city.zones[0].name, "老城区"); // UTF-8 Chinese names survive the round trip
    int exclude = 0;
    int cap = 0;
    for (const auto &k : c.city.constraints) {
        (k.effect == ConstraintEffect::exclude ? exclude : cap)++;
    }
    EXPECT_GE(exclude, 2);
    EXPECT_EQ(cap, 1);
}

TEST(LoadCity, ParcelFactsMatchBruteForce) {
    const LoadedCity &c = small_city().city;
    int excluded = 0;
    for (std::size_t i = 0; i < c.city.parcels.size(); ++i) {
        const Parcel &p = c.city.parcels[i];
        const Geometry &g = c.parcel_geoms[i];
        SCOPED_TRACE(p.id);
        EXPECT_NEAR(p.area_m2, g.area(), 0.005); // facts are kept to 0.01
        // Zone: the interior point lies in exactly the zone recorded.
        ASSERT_GE(p.zone, 0);
        EXPECT_TRUE(c.zone_geoms[static_cast<std::size_t>(p.zone)].covers_point({p.x, p.y}));
        // Nearest station by brute force.
        double best = 1e300;
        for (const auto &s : c.city.stations) {
            best = std::min(best, std::hypot(s.x - p.x, s.y - p.y));
        }
        EXPECT_NEAR(p.station_distance_m, best, 0.005);
        // Nearest park by brute force (polygon distance).
        double best_park = 1e300;
        for (const auto &pg : c.park_geoms) {
            best_park = std::min(best_park, pg.distance(g));
        }
        EXPECT_NEAR(p.park_distance_m, best_park, 0.005);
        // Exclusion overlap by brute force.
        double overlap = 0;
        for (std::size_t k = 0; k < c.city.constraints.size(); ++k) {
            if (c.city.constraints[k].effect == ConstraintEffect::exclude) {
                overlap += c.constraint_geoms[k].intersection_area(g);
            }
        }
        if (overlap >= 1.0) {
            EXPECT_NE(p.excluded_by, k_none);
            EXPECT_NEAR(p.excluded_overlap_m2, overlap, 0.005);
            ++excluded;
        } else {
            EXPECT_EQ(p.excluded_by, k_none);
        }
    }
    // The generator puts some parcels on the red line and farmland, or the test proves little.
    EXPECT_GT(excluded, 0);
}

TEST(LoadCity, MissingFileNamesThePath) {
    try {
        (void)load_city(InputSpec::from_source("/nonexistent/city.gpkg"));
        FAIL() << "no error";
    } catch (const DataError &e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/city.gpkg: file not found"),
                  std::string::npos)
            << e.what();
    }
}

TEST(LoadCity, MissingLayerListsTheLayersPresent) {
    InputSpec spec = InputSpec::from_source(small_city().path);
    spec.parks.layer = "industrial_parks";
    try {
        (void)load_city(spec);
        FAIL() << "no error";
    } catch (const DataError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("no layer 'industrial_parks'"), std::string::npos) << m;
        EXPECT_NE(m.find("parks"), std::string::npos) << m;
    }
}

TEST(LoadCity, MissingRequiredFieldNamesLayerFieldAndListsFields) {
    InputSpec spec = InputSpec::from_source(small_city().path);
    spec.fields.far_cap = "rongjilv";
    try {
        (void)load_city(spec);
        FAIL() << "no error";
    } catch (const DataError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("layer 'parcels': required field 'rongjilv' is missing"),
                  std::string::npos)
            << m;
        EXPECT_NE(m.find("fields present: id, land_source, first_year, far_cap"), std::string::npos)
            << m;
    }
}

TEST(LoadCity, NegativeValueNamesFeatureAndField) {
    test::TempDir dir;
    const std::string path = dir.path("bad.gpkg");
    {
        // Copy the small city but give one zone negative jobs.
        gis::GpkgWriter w(path, false);
        for (const char *name : {"zones", "stations", "parks", "constraints", "parcels"}) {
            gis::LayerData l = gis::read_layer(small_city().path, name);
            if (std::string(name) == "zones") {
                l.features[3].values[static_cast<std::size_t>(l.field_index("jobs"))] = -5.0;
            }
            const auto kind =
                std::string(name) == "stations" ? gis::GeomKind::point : gis::GeomKind::polygon;
            w.add_layer(name, kind, l.crs, l.fields, l.features);
        }
        w.commit();
    }
    try {
        (void)load_city(InputSpec::from_source(path));
        FAIL() << "no error";
    } catch (const DataError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("layer 'zones', feature 4 (id D04), field 'jobs': -5 is out of range"),
                  std::string::npos)
            << m;
    }
}

// Districts (区/县) containing the zones: from a field of the zones layer, or from a layer of
// district polygons holding the zones' interior points.
namespace {

/// A district polygon: the rectangle [x0, x1] x [y0, y1].
Geometry box(double x0, double y0, double x1, double y1) {
    return Geometry::polygon({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}});
}

/// Copies the small city to `path`, letting `zones` change its zones layer, and adds a layer
/// `districts` of polygons with `id` and `name` when `districts` is not empty.
void write_with_districts(const std::string &path,
                          const std::function<void(gis::LayerData &)> &zones,
                          const std::vector<std::pair<std::string, Geometry>> &districts) {
    gis::GpkgWriter w(path, false);
    gis::Crs crs;
    for (const char *name : {"zones", "stations", "parks", "constraints", "parcels"}) {
        gis::LayerData l = gis::read_layer(small_city().path, name);
        if (std::string(name) == "zones" && zones) {
            zones(l);
        }
        crs = l.crs;
        const auto kind =
            std::string(name) == "stations" ? gis::GeomKind::point : gis::GeomKind::polygon;
        w.add_layer(name, kind, l.crs, l.fields, l.features);
    }
    if (!districts.empty()) {
        std::vector<gis::Feature> feats;
        for (const auto &[id, g] : districts) {
            feats.push_back({static_cast<std::int64_t>(feats.size() + 1),
                             g,
                             {id, id == "W" ? gis::Value(std::string("西区")) : gis::Value()}});
        }
        w.add_layer("districts", gis::GeomKind::polygon, crs,
                    {{"id", gis::FieldType::string}, {"name", gis::FieldType::string}}, feats);
    }
    w.commit();
}

/// The small city's extent, and the x that splits its zones' interior points into a west and
/// an east half (between the 5th and 6th, by x).
struct Extent {
    gis::Bounds b;
    double split = 0;
};
Extent city_extent() {
    const LoadedCity &c = small_city().city;
    Extent e;
    e.b = c.zone_geoms[0].bounds();
    std::vector<double> xs;
    for (std::size_t i = 0; i < c.city.zones.size(); ++i) {
        const gis::Bounds zb = c.zone_geoms[i].bounds();
        e.b.min_x = std::min(e.b.min_x, zb.min_x);
        e.b.min_y = std::min(e.b.min_y, zb.min_y);
        e.b.max_x = std::max(e.b.max_x, zb.max_x);
        e.b.max_y = std::max(e.b.max_y, zb.max_y);
        xs.push_back(c.city.zones[i].x);
    }
    std::sort(xs.begin(), xs.end());
    e.split = (xs[4] + xs[5]) / 2;
    return e;
}

std::string load_error(const InputSpec &spec) {
    try {
        (void)load_city(spec);
    } catch (const DataError &e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(Districts, ReadFromTheZonesLayersMappedFields) {
    test::TempDir dir;
    const std::string path = dir.path("city.gpkg");
    // Zones D01-D05 lie in 鼓楼区 (named by the first only), D06-D10 in XW (never named).
    write_with_districts(path,
                         [](gis::LayerData &l) {
                             l.fields.push_back({"QXDM", gis::FieldType::string});
                             l.fields.push_back({"QXMC", gis::FieldType::string});
                             for (std::size_t i = 0; i < l.features.size(); ++i) {
                                 auto &v = l.features[i].values;
                                 v.emplace_back(std::string(i < 5 ? "GLQ" : "XW"));
                                 v.emplace_back(i == 0 ? gis::Value(std::string("鼓楼区"))
                                                       : gis::Value());
                             }
                         },
                         {});
    InputSpec spec = InputSpec::from_source(path);
    spec.fields.district = "QXDM";
    spec.fields.district_name = "QXMC";
    const LoadedCity c = load_city(spec);
    ASSERT_EQ(c.city.zones.size(), 10u);
    for (const Zone &z : c.city.zones) {
        SCOPED_TRACE(z.id);
        const bool first_five = z.id <= "D05";
        EXPECT_EQ(z.district, first_five ? "GLQ" : "XW");
        EXPECT_EQ(z.district_name, first_five ? "鼓楼区" : "XW"); // no name given: the id
    }
    // Unmapped, the zones layer's fields are not read: no zone has a district.
    for (const Zone &z : load_city(InputSpec::from_source(path)).city.zones) {
        EXPECT_EQ(z.district, "") << z.id;
    }
}

TEST(Districts, ALayerGivesEachZoneTheDistrictHoldingItsInteriorPoint) {
    test::TempDir dir;
    const std::string path = dir.path("city.gpkg");
    const Extent e = city_extent();
    const gis::Bounds &b = e.b;
    write_with_districts(path, nullptr,
                         {{"W", box(b.min_x - 10, b.min_y - 10, e.split, b.max_y + 10)},
                          {"E", box(e.split, b.min_y - 10, b.max_x + 10, b.max_y + 10)}});
    InputSpec spec = InputSpec::from_source(path);
    spec.districts = LayerRef{path, "districts", "", ""};
    const LoadedCity c = load_city(spec);
    int west = 0;
    for (const Zone &z : c.city.zones) {
        SCOPED_TRACE(z.id);
        const bool is_west = z.x < e.split;
        west += is_west;
        EXPECT_EQ(z.district, is_west ? "W" : "E");
        EXPECT_EQ(z.district_name, is_west ? "西区" : "E"); // E has no name: its id
    }
    EXPECT_EQ(west, 5);
}

TEST(Districts, AZoneOutsideEveryDistrictIsAnErrorNamingIt) {
    test::TempDir dir;
    const std::string path = dir.path("city.gpkg");
    const Extent e = city_extent();
    const gis::Bounds &b = e.b;
    // Only the west half is covered.
    write_with_districts(path, nullptr,
                         {{"W", box(b.min_x - 10, b.min_y - 10, e.split, b.max_y + 10)}});
    InputSpec spec = InputSpec::from_source(path);
    spec.districts = LayerRef{path, "districts", "", ""};
    // The first east zone in feature order (feature ids are the synthetic layer's 1..10).
    const LoadedCity &small = small_city().city;
    std::size_t east = 0;
    while (small.city.zones[east].x < e.split) {
        ++east;
    }
    const std::string id = small.city.zones[east].id;
    const std::string m = load_error(spec);
    EXPECT_NE(m.find("layer 'zones', feature " + std::to_string(east + 1) + " (id " + id +
                     "): zone '" + id + "' lies in no district"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("outside every polygon of layer 'districts'"), std::string::npos) << m;
    EXPECT_NE(m.find("extend that layer to cover the zone"), std::string::npos) << m;
    // validate-style collection: one error per east zone, each with the code.
    FindingsReport report;
    (void)load_city(spec, report);
    EXPECT_EQ(report.counts_by_code()["outside_districts"], 5);
}

TEST(Districts, ADistrictIdThatIsAZoneIdIsAnErrorNamingBoth) {
    test::TempDir dir;
    const std::string path = dir.path("city.gpkg");
    const gis::Bounds b = city_extent().b;
    write_with_districts(path, nullptr,
                         {{"D03", box(b.min_x - 10, b.min_y - 10, b.max_x + 10, b.max_y + 10)}});
    InputSpec spec = InputSpec::from_source(path);
    spec.districts = LayerRef{path, "districts", "", ""};
    std::string m = load_error(spec);
    EXPECT_NE(
        m.find(
            "layer 'districts', feature 1 (id D03), field 'id': district 'D03' has the id of zone "
            "'D03' (layer 'zones', feature 3)"),
        std::string::npos)
        << m;
    EXPECT_NE(m.find("rename the district or the zone"), std::string::npos) << m;

    // The same from the zones layer's own field.
    const std::string by_field = dir.path("field.gpkg");
    write_with_districts(by_field,
                         [](gis::LayerData &l) {
                             l.fields.push_back({"district", gis::FieldType::string});
                             for (auto &f : l.features) {
                                 f.values.emplace_back(std::string("D07"));
                             }
                         },
                         {});
    m = load_error(InputSpec::from_source(by_field));
    EXPECT_NE(
        m.find("layer 'zones', feature 1 (id D01), field 'district': zone 'D01' is in district "
               "'D07', which has the id of zone 'D07' (layer 'zones', feature 7)"),
        std::string::npos)
        << m;
}
