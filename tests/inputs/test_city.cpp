#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>

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
        EXPECT_NE(m.find("layer 'zones', feature 4, field 'jobs': -5 is out of range"),
                  std::string::npos)
            << m;
    }
}
