#pragma once
// Internal to gis/: OGR helpers shared by vector_io.cpp (GDAL setup, these helpers), crs.cpp,
// read_layer.cpp and gpkg_writer.cpp. Includes GDAL headers; never include it outside gis/.

#include "gis/geometry.hpp"

#include <cpl_error.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <memory>
#include <string>

namespace landalloc::gis::detail {

struct SrsDeleter {
    void operator()(OGRSpatialReference *s) const noexcept {
        if (s) {
            s->Release();
        }
    }
};
using SrsPtr = std::unique_ptr<OGRSpatialReference, SrsDeleter>;

/// landalloc's GDAL message handler (init_gdal): errors stay CPL's last error, to be copied into
/// our exceptions; warnings are collected for take_gdal_warnings. Nothing is printed.
void CPL_STDCALL gdal_handler(CPLErr cls, CPLErrorNum num, const char *msg);

/// The CRS of `wkt`, in traditional GIS axis order (x = easting or longitude).
SrsPtr make_srs(const std::string &wkt);

/// An OGR geometry read from GEOS's WKB in `srs`, or null when OGR cannot read it.
OGRGeometryUniquePtr to_ogr(const Geometry &g, OGRSpatialReference *srs);

/// A GEOS geometry from an OGR one (through ISO WKB).
Geometry from_ogr(const OGRGeometry &g);

/// `srs` as WKT2 (2019), or "" when OGR cannot export it.
std::string to_wkt(const OGRSpatialReference &srs);

} // namespace landalloc::gis::detail
