#pragma once
// Internal to gis/: the state of a GpkgWriter and GDAL helpers, shared by gpkg_writer.cpp
// (layers), gpkg_qgis.cpp (QGIS styles and project), read_layer.cpp and vector_io.cpp. Includes
// GDAL headers; never include it outside gis/.

#include "gis/vector_io.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>

#include <memory>
#include <string>

namespace landalloc::gis {

struct GpkgWriter::Impl {
    GDALDatasetUniquePtr ds;
};

/// Memory GDAL hands out (exported WKT, a /vsimem/ buffer), freed with CPLFree.
struct CplFree {
    void operator()(void *p) const noexcept { CPLFree(p); }
};

/// CPL's last error message, or a placeholder when GDAL gave none.
inline std::string gdal_last_error_text() {
    const char *m = CPLGetLastErrorMsg();
    return (m && *m) ? std::string(m) : std::string("no detail from GDAL");
}

} // namespace landalloc::gis
