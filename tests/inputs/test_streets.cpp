// Reading the streets layer (inputs/streets.cpp): an OGR line layer with OSM's highway and
// maxspeed fields, written to a GeoPackage here, becomes the City's StreetNetwork; bad values
// are errors naming the file, layer, feature and field.

#include "allocation/config.hpp"
#include "allocation/network.hpp"
#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace landalloc;
using landalloc::gis::Feature;
using landalloc::gis::FieldDef;
using landalloc::gis::FieldType;
using landalloc::gis::Geometry;

namespace {

struct Street {
    std::vector<gis::Point> line;
    std::string highway;
    gis::Value maxspeed;
};

/// Writes a streets layer (EPSG:4549, the synthetic city's CRS) to `path`.
void write_streets(const std::string &path, const std::vector<Street> &streets,
                   const std::string &crs = "EPSG:4549") {
    std::vector<Feature> features;
    std::int64_t fid = 1;
    for (const Street &s : streets) {
        Feature f;
        f.fid = fid++;
        f.geometry = Geometry::line(s.line);
        f.values = {gis::Value{s.highway}, s.maxspeed};
        features.push_back(std::move(f));
    }
    gis::GpkgWriter w(path, true);
    w.add_layer("streets", gis::GeomKind::line, gis::Crs::from_user_input(crs),
                {FieldDef{"highway", FieldType::string}, FieldDef{"maxspeed", FieldType::string}},
                features);
    w.commit();
}

/// The synthetic city (its own GeoPackage) with the streets of another file.
struct CityWithStreets {
    test::TempDir dir;
    std::string city = dir.path("city.gpkg");
    std::string streets = dir.path("streets.gpkg");
    CityWithStreets() {
        SynthOptions opt;
        opt.parcels = 200;
        opt.seed = 7;
        write_synth_city(opt, city, false);
    }
    InputSpec spec() const {
        InputSpec s = InputSpec::from_source(city);
        s.streets = LayerRef{streets, "streets", "", ""};
        return s;
    }
};

CityWithStreets &fixture() {
    static CityWithStreets c;
    return c;
}

} // namespace

TEST(Streets, LinesBecomeNodesAndEdgesWithSpeedsAndFlags) {
    CityWithStreets &f = fixture();
    // Two lines sharing the vertex (1000, 1000): one node there. A motorway nobody walks, a
    // footway no car drives.
    write_streets(f.streets,
                  {{{{0, 1000}, {1000, 1000}, {2000, 1000}}, "primary", gis::Value{"50"}},
                   {{{1000, 0}, {1000, 1000}}, "residential", gis::Value{}},
                   {{{2000, 1000}, {2000, 3000}}, "motorway", gis::Value{"100 km/h"}},
                   {{{0, 1000}, {0, 2000}}, "footway", gis::Value{"none"}},
                   {{{0, 2000}, {500, 2000}}, "tertiary", gis::Value{"25 mph"}},
                   {{{500, 2000}, {900, 2000}}, "proposed", gis::Value{}}});
    const LoadedCity c = load_city(f.spec());
    const StreetNetwork &n = c.city.streets;
    // Nodes: (0,1000) (1000,1000) (2000,1000) (1000,0) (2000,3000) (0,2000) (500,2000).
    EXPECT_EQ(n.nodes.size(), 7u);
    ASSERT_EQ(n.edges.size(), 6u); // 2 + 1 + 1 + 1 + 1; the proposed street is left out
    EXPECT_EQ(n.source, f.streets + ":streets");
    EXPECT_EQ(n.edges[0].highway, "primary");
    EXPECT_EQ(n.edges[0].speed_kmh, 50);
    EXPECT_EQ(n.edges[0].length_m, 1000);
    EXPECT_EQ(n.edges[0].v, n.edges[1].u); // the shared vertex is one node
    EXPECT_EQ(n.edges[2].highway, "residential");
    EXPECT_EQ(n.edges[2].speed_kmh, 0);    // no maxspeed: the class's default applies later
    EXPECT_EQ(n.edges[2].v, n.edges[0].v); // it ends on the primary's middle vertex
    EXPECT_FALSE(n.edges[3].walkable);
    EXPECT_TRUE(n.edges[3].drivable);
    EXPECT_EQ(n.edges[3].speed_kmh, 100);
    EXPECT_TRUE(n.edges[4].walkable);
    EXPECT_FALSE(n.edges[4].drivable);
    EXPECT_EQ(n.edges[4].speed_kmh, 0); // "none"
    EXPECT_NEAR(n.edges[5].speed_kmh, 25 * 1.609344, 1e-9);
    EXPECT_EQ(n.edges[5].fid, 5);
    EXPECT_FALSE(c.city.network_facts); // facts along the streets are the planner's
}

TEST(Streets, StreetsInAGeographicCrsAreReprojectedLikeTheOtherLayers) {
    CityWithStreets &f = fixture();
    const LoadedCity plain = load_city(InputSpec::from_source(f.city));
    // A street through the first zone's point, given in CGCS2000 longitude/latitude.
    const Zone &z = plain.city.zones[0];
    gis::LayerData l;
    l.crs = gis::Crs::from_user_input("EPSG:4549");
    Feature feat;
    feat.geometry = Geometry::line({{z.x - 500, z.y}, {z.x + 500, z.y}});
    l.features.push_back(std::move(feat));
    gis::reproject(l, gis::Crs::from_user_input("EPSG:4490"));
    const auto parts = l.features[0].geometry.line_parts();
    ASSERT_EQ(parts.size(), 1u);
    write_streets(f.streets, {{parts[0], "primary", gis::Value{}}}, "EPSG:4490");
    const LoadedCity c = load_city(f.spec());
    ASSERT_EQ(c.city.streets.nodes.size(), 2u);
    EXPECT_NEAR(c.city.streets.nodes[0].x, z.x - 500, 0.02);
    EXPECT_NEAR(c.city.streets.nodes[0].y, z.y, 0.02);
    EXPECT_NEAR(c.city.streets.edges[0].length_m, 1000, 0.05);
    // The zone holds both nodes.
    const std::vector<int> per_zone = street_nodes_per_zone(c);
    EXPECT_EQ(per_zone[0], 2);
}

TEST(Streets, BadMaxspeedNamesFileLayerFeatureAndField) {
    CityWithStreets &f = fixture();
    write_streets(f.streets, {{{{0, 0}, {100, 0}}, "primary", gis::Value{"50"}},
                              {{{100, 0}, {200, 0}}, "primary", gis::Value{"fast"}}});
    try {
        load_city(f.spec());
        FAIL() << "no error";
    } catch (const DataError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(f.streets), std::string::npos) << m;
        EXPECT_NE(m.find("layer 'streets'"), std::string::npos) << m;
        EXPECT_NE(m.find("feature 2"), std::string::npos) << m;
        EXPECT_NE(m.find("field 'maxspeed'"), std::string::npos) << m;
        EXPECT_NE(m.find("'fast'"), std::string::npos) << m;
        EXPECT_EQ(e.exit_code(), ExitCode::input_data);
    }
}

TEST(Streets, PolygonsAreNotStreets) {
    CityWithStreets &f = fixture();
    std::vector<Feature> features(1);
    features[0].fid = 1;
    features[0].geometry = Geometry::rectangle({0, 0}, 10, 10, 0);
    features[0].values = {gis::Value{"primary"}};
    gis::GpkgWriter w(f.streets, true);
    w.add_layer("streets", gis::GeomKind::polygon, gis::Crs::from_user_input("EPSG:4549"),
                {FieldDef{"highway", FieldType::string}}, features);
    w.commit();
    EXPECT_THROW(load_city(f.spec()), DataError);
}

TEST(Streets, TheSyntheticCityHasAGridWithFewBridges) {
    SynthOptions opt;
    opt.parcels = 600;
    opt.seed = 11;
    const SynthCity synth = make_synth_city(opt);
    InputSpec spec = InputSpec::from_source(k_synth_source);
    spec.streets = LayerRef{k_synth_source, "streets", "", ""};
    LoadedCity c = load_city(spec, synth.layers);
    const StreetNetwork &n = c.city.streets;
    EXPECT_GT(n.nodes.size(), 3000u);
    std::size_t primary = 0;
    for (const StreetEdge &e : n.edges) {
        primary += e.highway == "primary" ? 1 : 0;
        EXPECT_TRUE(e.highway == "primary" ? e.speed_kmh == 60 : e.speed_kmh == 0);
    }
    EXPECT_GT(primary, n.edges.size() / 5);
    EXPECT_LT(primary, n.edges.size() / 2);
    // Bridges: few streets cross the river, all of them arterials.
    const gis::LayerData *streets = nullptr;
    for (const auto &l : synth.layers) {
        if (l.name == "streets") {
            streets = &l;
        }
    }
    ASSERT_NE(streets, nullptr);
    const int bridge = streets->field_index("bridge");
    const int highway = streets->field_index("highway");
    int bridges = 0;
    for (const auto &f : streets->features) {
        if (std::get<std::int64_t>(f.values[static_cast<std::size_t>(bridge)]) == 1) {
            ++bridges;
            EXPECT_EQ(std::get<std::string>(f.values[static_cast<std::size_t>(highway)]),
                      "primary");
        }
    }
    EXPECT_GE(bridges, 3);
    EXPECT_LE(bridges, 8);
    // Along the streets the parcels' station distances are longer than straight lines, and
    // where the river lies between a parcel and its station much longer.
    PlanConfig cfg;
    apply_street_network(c.city, cfg);
    int much_longer = 0;
    for (const Parcel &p : c.city.parcels) {
        ASSERT_GE(p.station_distance_m + 0.02, p.station_line_m) << p.id;
        ASSERT_LE(p.snap_m, 300) << p.id; // every parcel lies by a street
        much_longer += p.station_distance_m > 2 * p.station_line_m + 500 ? 1 : 0;
    }
    EXPECT_GT(much_longer, 0);
}
