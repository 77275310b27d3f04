// GDAL setup (init_gdal, the collected warnings) and the OGR helpers of vector_io_impl.hpp. The
// rest of vector_io.hpp: crs.cpp (Crs, the working CRS's choice), read_layer.cpp (reading,
// reprojection, encodings), gpkg_writer.cpp (GpkgWriter, layer_as_written).
#include "gis/vector_io.hpp"

#include "core/errors.hpp"
#include "gis/gpkg_writer_impl.hpp"
#include "gis/vector_io_impl.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_spatialref.h>

#include <cctype>
#include <memory>
#include <mutex>

namespace landalloc::gis {

namespace {

std::mutex g_warn_mutex;
std::vector<std::string> g_warnings;

} // namespace

void CPL_STDCALL detail::gdal_handler(CPLErr cls, CPLErrorNum /*num*/, const char *msg) {
    // Errors are kept by CPL as the last error and copied into our exceptions; warnings are
    // collected for the run's report. Nothing is printed behind the user's back.
    if (cls == CE_Warning) {
        const std::lock_guard lock(g_warn_mutex);
        if (g_warnings.size() < 1000) {
            g_warnings.emplace_back(msg ? msg : "");
        }
    }
}

void init_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(detail::gdal_handler);
    });
}

std::string redact_passwords(const std::string &text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    const auto lower_at = [&](std::size_t at, const char *word) {
        for (std::size_t k = 0; word[k] != '\0'; ++k) {
            if (at + k >= text.size() ||
                std::tolower(static_cast<unsigned char>(text[at + k])) != word[k]) {
                return false;
            }
        }
        return true;
    };
    while (i < text.size()) {
        // libpq keyword=value: "password", optional spaces, "=", optional spaces, the value.
        const bool word_start = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) ||
                                            text[i - 1] == '_');
        if (word_start && lower_at(i, "password")) {
            std::size_t j = i + 8;
            while (j < text.size() && text[j] == ' ') {
                ++j;
            }
            if (j < text.size() && text[j] == '=') {
                ++j;
                while (j < text.size() && text[j] == ' ') {
                    ++j;
                }
                if (j < text.size() && text[j] == '\'') {
                    // A quoted value: '' and \' stand for a quote inside it.
                    ++j;
                    while (j < text.size()) {
                        if (text[j] == '\\' && j + 1 < text.size()) {
                            j += 2;
                        } else if (text[j] == '\'' && j + 1 < text.size() && text[j + 1] == '\'') {
                            j += 2;
                        } else if (text[j] == '\'') {
                            ++j;
                            break;
                        } else {
                            ++j;
                        }
                    }
                } else {
                    // Up to a space, or the quote closing the string it is written in.
                    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
                           text[j] != '"') {
                        ++j;
                    }
                }
                out += "password=***";
                i = j;
                continue;
            }
        }
        // A URI's user:password@ after "://".
        if (text.compare(i, 3, "://") == 0) {
            const std::size_t end = text.find_first_of("/?# ", i + 3);
            const std::size_t at = text.rfind('@', end == std::string::npos ? text.size() : end);
            const std::size_t colon = text.find(':', i + 3);
            if (at != std::string::npos && at > i + 3 && colon != std::string::npos && colon < at) {
                out += text.substr(i, colon + 1 - i) + "***";
                i = at;
                continue;
            }
        }
        out += text[i++];
    }
    return out;
}

std::vector<std::string> take_gdal_warnings() {
    const std::lock_guard lock(g_warn_mutex);
    std::vector<std::string> out;
    out.swap(g_warnings);
    return out;
}

namespace detail {

SrsPtr make_srs(const std::string &wkt) {
    SrsPtr srs(new OGRSpatialReference());
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (srs->importFromWkt(wkt.c_str()) != OGRERR_NONE) {
        throw GisError("cannot read CRS WKT: " + wkt.substr(0, 80));
    }
    return srs;
}

/// An OGR geometry read from GEOS's WKB in `srs`, or null when OGR cannot read it.
OGRGeometryUniquePtr to_ogr(const Geometry &g, OGRSpatialReference *srs) {
    const auto wkb = g.to_wkb();
    OGRGeometry *raw = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), srs, &raw, wkb.size()) != OGRERR_NONE) {
        return nullptr; // OGR has freed what it read
    }
    return OGRGeometryUniquePtr(raw);
}

/// A GEOS geometry from an OGR one (through ISO WKB).
Geometry from_ogr(const OGRGeometry &g) {
    std::vector<unsigned char> wkb(g.WkbSize());
    g.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return Geometry::from_wkb(wkb.data(), wkb.size());
}

std::string to_wkt(const OGRSpatialReference &srs) {
    char *raw = nullptr;
    const char *options[] = {"FORMAT=WKT2_2019", nullptr};
    srs.exportToWkt(&raw, options);
    const std::unique_ptr<char, CplFree> wkt(raw);
    return wkt ? wkt.get() : "";
}

} // namespace detail

} // namespace landalloc::gis
