#include "allocation/greedy.hpp"
#include "allocation/planner.hpp"
#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "outputs/plan_layers.hpp"
#include "plan_file/input_spec.hpp"
#include "plan_file/plan_file.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

using namespace landalloc;
namespace fs = std::filesystem;

namespace {
void write_one_layer(gis::GpkgWriter &w) {
    w.add_layer("t", gis::GeomKind::polygon, gis::Crs::from_epsg(4549),
                {{"name", gis::FieldType::string}, {"n", gis::FieldType::integer}},
                {{1,
                  gis::Geometry::from_wkt("POLYGON((0 0,1 0,1 1,0 0))"),
                  {std::string("一"), std::int64_t{7}}}});
}
} // namespace

TEST(GpkgWriter, WritesAndReadsBack) {
    test::TempDir dir;
    const std::string path = dir.path("a.gpkg");
    {
        gis::GpkgWriter w(path, false);
        write_one_layer(w);
        EXPECT_FALSE(fs::exists(path)) << "the target appears only after commit";
        w.commit();
    }
    ASSERT_TRUE(fs::exists(path));
    const auto l = gis::read_layer(path, "t");
    ASSERT_EQ(l.features.size(), 1u);
    EXPECT_EQ(std::get<std::string>(l.features[0].values[0]), "一");
    EXPECT_EQ(std::get<std::int64_t>(l.features[0].values[1]), 7);
    EXPECT_EQ(l.crs.label(), "EPSG:4549");
    EXPECT_NEAR(l.features[0].geometry.area(), 0.5, 1e-12);
}

TEST(GpkgWriter, RefusesToReplaceWithoutOverwrite) {
    test::TempDir dir;
    const std::string path = dir.path("a.gpkg");
    test::write_file(path, "precious");
    EXPECT_THROW(gis::GpkgWriter(path, false), OutputError);
    EXPECT_EQ(test::read_file(path), "precious");
}

TEST(GpkgWriter, AbandonedWriteLeavesOldFileAndNoTemporary) {
    test::TempDir dir;
    const std::string path = dir.path("a.gpkg");
    test::write_file(path, "precious");
    {
        gis::GpkgWriter w(path, true);
        write_one_layer(w);
        EXPECT_TRUE(fs::exists(w.temp_path()));
        // no commit: as if an error was thrown half-way
    }
    EXPECT_EQ(test::read_file(path), "precious");
    int entries = 0;
    for ([[maybe_unused]] const auto &e : fs::directory_iterator(dir.dir())) {
        ++entries;
    }
    EXPECT_EQ(entries, 1) << "the temporary file was not removed";
}

TEST(GpkgWriter, OverwriteReplacesAfterCommit) {
    test::TempDir dir;
    const std::string path = dir.path("a.gpkg");
    test::write_file(path, "old");
    gis::GpkgWriter w(path, true);
    write_one_layer(w);
    w.commit();
    EXPECT_EQ(gis::read_layer(path, "t").features.size(), 1u);
}

TEST(GpkgWriter, MissingDirectoryIsAnOutputError) {
    try {
        gis::GpkgWriter w("/nonexistent-dir/x.gpkg", false);
        FAIL();
    } catch (const OutputError &e) {
        EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
    }
}

namespace {

/// A plan of commercial land alone from 2021 to `last_year` (`values` a TOML array of its
/// yearly ha), greedy and without the balance term, of a synthetic city ([inputs.synth] `synth`).
PlanFile greedy_commercial_plan(int last_year, const std::string &values,
                                const std::string &synth) {
    return parse_plan("[plan]\nfirst_year = 2021\nlast_year = " + std::to_string(last_year) +
                          "\n[housing_types.commercial]\n[jobs_housing]\nweight = 0\n"
                          "[solver]\nmethod = \"greedy\"\n[[targets]]\ntype = \"commercial\"\n"
                          "values = " +
                          values + "\n[inputs.synth]\n" + synth,
                      "p.toml");
}

} // namespace

// The plan's zones layer gives each zone's district, allocated_parcels each parcel's.
TEST(PlanLayers, ZonesAndAllocatedParcelsCarryTheDistrict) {
    const PlanFile cfg = greedy_commercial_plan(2021, "[30]", R"toml(
parcels = 200
scale = 0.5
[[inputs.synth.districts]]
id = "A1"
district = "QA"
district_name = "甲区"
[[inputs.synth.districts]]
id = "B1"
[[inputs.synth.districts]]
id = "A2"
district = "QA"
)toml");
    const SynthCity made = make_synth_city(make_synth_options(cfg));
    const LoadedCity loaded = load_city(make_input_spec(cfg, "", ""), made.layers);
    const Plan plan = make_plan(loaded.city, cfg, GreedyAllocator{});
    ASSERT_FALSE(plan.allocations.empty());
    const PlanLayers layers = plan_layers(loaded.city, loaded, plan);
    auto text = [](const gis::LayerData &l, const gis::Feature &f, const char *field) {
        const auto &v = f.values.at(static_cast<std::size_t>(l.field_index(field)));
        return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "NULL";
    };
    const gis::LayerData &zones = layers.zones;
    ASSERT_EQ(zones.features.size(), 3u);
    std::map<std::string, std::string> district_of;
    for (const auto &f : zones.features) {
        const std::string id = text(zones, f, "zone_id");
        district_of[id] = text(zones, f, "district_id");
        EXPECT_EQ(district_of[id], id == "B1" ? "NULL" : "QA") << id;
        EXPECT_EQ(text(zones, f, "district_name"), id == "B1" ? "NULL" : "甲区") << id;
    }
    const gis::LayerData &parcels = layers.allocated_parcels;
    EXPECT_EQ(parcels.field_index("district_id"), parcels.field_index("zone_name") + 1);
    std::set<std::string> seen;
    for (const auto &f : parcels.features) {
        const std::string d = text(parcels, f, "district_id");
        EXPECT_EQ(d, district_of.at(text(parcels, f, "zone_id")));
        seen.insert(d);
    }
    EXPECT_EQ(seen.size(), 2u); // parcels in and outside QA
}

// The plan command compacts the parcels' polygons into WKB after the facts: the layers made from
// WKB are those made from the polygons, every field and every vertex.
TEST(PlanLayers, CompactedParcelsGiveTheSameLayersAsPolygons) {
    const PlanFile cfg = greedy_commercial_plan(2022, "[20, 20]", "parcels = 300\nscale = 0.5\n");
    const SynthCity made = make_synth_city(make_synth_options(cfg));
    const LoadedCity loaded = load_city(make_input_spec(cfg, "", ""), made.layers);
    const Plan plan = make_plan(loaded.city, cfg, GreedyAllocator{});
    ASSERT_FALSE(plan.allocations.empty());
    ASSERT_FALSE(plan.rejected.empty());
    const PlanLayers copied = plan_layers(loaded.city, loaded, plan);

    // The rejected candidates as their layer's source gives them, one after the other.
    auto rejected = [&](const LoadedCity &c) {
        const StreamedLayer s = rejected_candidates_layer(c.city, c, plan);
        gis::LayerData out;
        out.fields = s.fields;
        while (const gis::Feature *f = s.features()) {
            out.features.push_back(*f);
            EXPECT_EQ(f->values.size(), s.fields.size());
        }
        return out;
    };
    auto same = [](const gis::LayerData &a, const gis::LayerData &b) {
        ASSERT_EQ(a.features.size(), b.features.size());
        for (std::size_t i = 0; i < a.features.size(); ++i) {
            const gis::Feature &fa = a.features[i];
            const gis::Feature &fb = b.features[i];
            EXPECT_EQ(fa.fid, fb.fid);
            EXPECT_EQ(fa.values, fb.values) << "feature " << fa.fid;
            ASSERT_FALSE(fb.geometry.is_null()) << "feature " << fb.fid;
            EXPECT_EQ(fa.geometry.to_wkb(), fb.geometry.to_wkb()) << "feature " << fa.fid;
        }
    };
    LoadedCity compact = loaded;
    compact.compact_parcels();
    EXPECT_TRUE(compact.parcel_geoms.empty());
    ASSERT_EQ(compact.parcel_wkb.size(), loaded.parcel_geoms.size());
    const PlanLayers from_wkb = plan_layers(compact.city, compact, plan);
    same(copied.allocated_parcels, from_wkb.allocated_parcels);
    const gis::LayerData rejected_from_polygons = rejected(loaded);
    EXPECT_EQ(rejected_from_polygons.features.size(), plan.rejected.size());
    same(rejected_from_polygons, rejected(compact));
}
