#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <filesystem>

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
