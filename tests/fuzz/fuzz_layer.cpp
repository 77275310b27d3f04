// libFuzzer target: the bytes of an input layer, as a GeoJSON file (fuzz_layer_geojson) or a
// GeoPackage (fuzz_layer_gpkg, built with LANDALLOC_FUZZ_GPKG), loaded as part of a city through
// inputs/ (load_city): GDAL opens them from /vsimem/, then landalloc maps the fields, checks the
// values and geometries and computes the parcels' facts. Each role (parcels, zones, stations,
// parks, constraints, districts, streets) that names a layer of the input is read from it, every
// other role from a small synthetic city made in memory (the city the seed corpus was written
// from, so the layers fit together); an input with none of those layers gives its first layer as
// the parcels. A landalloc::Error is the expected answer to bad input; any other exception, a
// crash, a sanitizer report or a hang is a bug (docs/fuzzing.md). LANDALLOC_FUZZ_VERBOSE=1 prints
// what each input came to (the layers read and the first error), to see what a seed exercises.
#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "inputs/city.hpp"
#include "inputs/findings.hpp"
#include "inputs/synth.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

#ifdef LANDALLOC_FUZZ_GPKG
constexpr const char *k_driver = "GPKG";
constexpr const char *k_path = "/vsimem/fuzz/input.gpkg";
#else
constexpr const char *k_driver = "GeoJSON";
constexpr const char *k_path = "/vsimem/fuzz/input.geojson";
#endif

/// The synthetic city the seed corpus was made from (tests/fuzz/make_corpus.py must match):
/// `landalloc synth --parcels 30 --scale 0.3`.
landalloc::SynthOptions seed_city_options() {
    landalloc::SynthOptions o;
    o.parcels = 30;
    o.scale = 0.3;
    return o;
}

/// Once: GDAL with only the driver fuzzed (no time spent on other formats guessing at the bytes),
/// and the seed city's layers in memory.
const std::vector<landalloc::gis::LayerData> &setup() {
    static const std::vector<landalloc::gis::LayerData> memory = [] {
        CPLSetConfigOption("CPL_DEBUG", "OFF");
        CPLSetConfigOption("CPL_LOG", "/dev/null");
        CPLSetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR");
        CPLSetConfigOption("GDAL_NUM_THREADS", "1");
        CPLSetConfigOption("PROJ_NETWORK", "OFF");
        landalloc::gis::init_gdal(); // registers the drivers and landalloc's quiet handler
        GDALDriverManager *drivers = GetGDALDriverManager();
        for (int i = drivers->GetDriverCount() - 1; i >= 0; --i) {
            GDALDriver *d = drivers->GetDriver(i);
            if (std::string(d->GetDescription()) != k_driver) {
                drivers->DeregisterDriver(d);
                GDALDestroyDriver(d);
            }
        }
        return landalloc::make_synth_city(seed_city_options()).layers;
    }();
    return memory;
}

/// The fuzz input as a /vsimem/ file for the time of one run.
class MemFile {
  public:
    MemFile(const std::uint8_t *data, std::size_t size) {
        // GDAL does not write to a file opened read-only; the cast only fits its C signature.
        VSILFILE *f =
            VSIFileFromMemBuffer(k_path, const_cast<GByte *>(data), static_cast<vsi_l_offset>(size),
                                 /*bTakeOwnership=*/FALSE);
        if (f) {
            VSIFCloseL(f);
        }
    }
    ~MemFile() { VSIUnlink(k_path); }
    MemFile(const MemFile &) = delete;
    MemFile &operator=(const MemFile &) = delete;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace landalloc;
    const std::vector<gis::LayerData> &memory = setup();
    (void)gis::take_gdal_warnings();
    const MemFile file(data, size);

    std::vector<std::string> layers;
    try {
        layers = gis::list_layers(k_path);
    } catch (const Error &) {
        return 0; // GDAL cannot open it: landalloc's answer is a SourceError, as expected
    }
    const auto has = [&](const std::string &name) {
        return std::find(layers.begin(), layers.end(), name) != layers.end();
    };
    const auto ref = [&](const std::string &role) {
        return has(role) ? LayerRef{k_path, role, "", ""} : LayerRef{k_synth_source, role, "", ""};
    };
    InputSpec spec;
    spec.zones = ref("zones");
    spec.stations = ref("stations");
    spec.parks = ref("parks");
    spec.parcels = ref("parcels");
    spec.constraints = {ref("constraints")};
    if (has("districts")) {
        spec.districts = ref("districts");
    }
    if (has("streets")) {
        spec.streets = ref("streets");
    }
    const bool any_role = std::any_of(layers.begin(), layers.end(), [](const std::string &l) {
        return l == "zones" || l == "stations" || l == "parks" || l == "parcels" ||
               l == "constraints" || l == "districts" || l == "streets";
    });
    if (!any_role && !layers.empty()) {
        spec.parcels = {k_path, layers.front(), "", ""};
    }
    spec.first_year = 2021;
    spec.last_year = 2025;

    static const bool verbose = std::getenv("LANDALLOC_FUZZ_VERBOSE") != nullptr;
    try {
        FindingsReport report;
        const LoadedCity city = load_city(spec, memory, report);
        if (!report.has_errors()) {
            (void)street_nodes_per_zone(city);
        }
        if (verbose) {
            const Finding *e = report.first_error();
            std::cerr << "fuzz_layer: layers of the input:";
            for (const auto &l : layers) {
                std::cerr << ' ' << l;
            }
            std::cerr << "; " << city.city.parcels.size() << " parcels, " << city.city.zones.size()
                      << " zones; " << (e ? "first error: " + e->describe() : "no error") << '\n';
        }
    } catch (const Error &e) {
        // expected for bad input
        if (verbose) {
            std::cerr << "fuzz_layer: " << e.kind() << ": " << e.what() << '\n';
        }
    }
    return 0;
}
