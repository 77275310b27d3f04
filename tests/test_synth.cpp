// The synthetic city generator (layers/synth.cpp) and plan files that bring their own synthetic
// city ([inputs.synth]).

#include "gis/checksum.hpp"
#include "gis/vector_io.hpp"
#include "layers/synth.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

using namespace landalloc;
using namespace landalloc::test;

namespace {

/// SHA-256 of every layer's content: fids, geometries (WKB, so every bit of every coordinate) and
/// attribute values (doubles to 17 digits). The GeoPackage's bytes hold timestamps, its content
/// does not.
std::string content_fingerprint(const std::string &path, const TempDir &dir) {
    std::ostringstream os;
    for (const char *name : {"zones", "stations", "parks", "constraints", "parcels", "river"}) {
        const gis::LayerData l = gis::read_layer(path, name);
        os << "layer " << name << " " << l.crs.label() << "\n";
        for (const auto &f : l.fields) {
            os << f.name << ":" << static_cast<int>(f.type) << " ";
        }
        os << "\n";
        for (const auto &f : l.features) {
            os << f.fid << " ";
            for (unsigned char b : f.geometry.to_wkb()) {
                char hex[3];
                std::snprintf(hex, sizeof hex, "%02x", b);
                os << hex;
            }
            for (const auto &v : f.values) {
                os << " | ";
                if (const auto *i = std::get_if<std::int64_t>(&v)) {
                    os << *i;
                } else if (const auto *d = std::get_if<double>(&v)) {
                    char buf[40];
                    std::snprintf(buf, sizeof buf, "%.17g", *d);
                    os << buf;
                } else if (const auto *s = std::get_if<std::string>(&v)) {
                    os << *s;
                } else {
                    os << "null";
                }
            }
            os << "\n";
        }
    }
    const std::string dump = dir.path("fingerprint.txt");
    write_file(dump, os.str());
    return gis::file_sha256(dump);
}

} // namespace

// The city `landalloc synth` writes without a district list is the one it always wrote: plans
// made from it before stay reproducible. The fingerprints were taken before the generator learnt
// district lists, metro line and park counts.
TEST(Synth, DefaultCityIsUnchanged) {
    TempDir dir;
    const std::string a = dir.path("default.gpkg");
    write_synth_city(SynthOptions{}, a, false);
    EXPECT_EQ(content_fingerprint(a, dir),
              "7cbd6eebf230dd1a517df7bc4b436b9df7d06c4aacd02650f0c0939b67727790")
        << "default";
    SynthOptions small;
    small.parcels = 300;
    small.seed = 7;
    small.scale = 0.7;
    small.first_year = 2024;
    small.last_year = 2030;
    const std::string b = dir.path("small.gpkg");
    write_synth_city(small, b, false);
    EXPECT_EQ(content_fingerprint(b, dir),
              "fc2b7ae938368da48b9c69b91039c059413686a09ce69d83d5ce4d743192ffe0")
        << "small";
}
