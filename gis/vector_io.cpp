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

#include <memory>
#include <mutex>

namespace landalloc::gis {

namespace {

std::mutex g_warn_mutex;
std::vector<std::string> g_warnings;

void CPL_STDCALL gdal_handler(CPLErr cls, CPLErrorNum /*num*/, const char *msg) {
    // Errors are kept by CPL as the last error and copied into our exceptions; warnings are
    // collected for the run's report. Nothing is printed behind the user's back.
    if (cls == CE_Warning) {
        const std::lock_guard lock(g_warn_mutex);
        if (g_warnings.size() < 1000) {
            g_warnings.emplace_back(msg ? msg : "");
        }
    }
}

} // namespace

void init_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(gdal_handler);
    });
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
