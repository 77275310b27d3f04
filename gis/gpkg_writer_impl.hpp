#pragma once
// Internal to gis/: the state of a GpkgWriter and GDAL helpers, shared by gpkg_writer.cpp
// (layers), gpkg_qgis.cpp (QGIS styles and project), postgis_writer.cpp, read_layer.cpp and
// vector_io.cpp. Includes GDAL headers; never include it outside gis/.

#include "gis/vector_io.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>
#include <vector>

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

/// `text` as an SQL string literal, each ' doubled (standard-conforming strings: SQLite, and
/// PostgreSQL since 9.1).
inline std::string sql_literal(const std::string &text) {
    std::string out = "'";
    for (const char c : text) {
        out += c;
        if (c == '\'') {
            out += '\'';
        }
    }
    return out + "'";
}

/// Hands an ExecuteSQL result set back to its dataset.
struct ResultRelease {
    GDALDataset *ds;
    void operator()(OGRLayer *result) const noexcept { ds->ReleaseResultSet(result); }
};
using ResultSet = std::unique_ptr<OGRLayer, ResultRelease>;

/// The bytes as lowercase hexadecimal digits, two a byte.
inline std::string to_hex(const std::string &bytes) {
    static const char *digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 0x0f];
    }
    return out;
}

/// The OGR geometry type a layer of `kind` is created with (polygons as MultiPolygon).
OGRwkbGeometryType ogr_type(GeomKind kind);
/// Creates `fields` in `layer` (integers as 64-bit); `context` (the output) and `name` (the
/// layer) name a failure.
void create_fields(OGRLayer &layer, const std::vector<FieldDef> &fields, const std::string &context,
                   const std::string &name);
/// Writes the features `next` gives (values in the order of `fields`, geometries in the stored
/// form of `kind`, in `srs`) to `layer`, each as it comes; the caller holds the transaction.
void write_features(OGRLayer &layer, GeomKind kind, OGRSpatialReference *srs,
                    const std::vector<FieldDef> &fields, const FeatureSource &next,
                    const std::string &context, const std::string &name);
/// The UTC time now in strftime's `format`.
std::string utc_timestamp(const char *format);
/// Zips `content` as the file `member` in memory (GDAL's /vsizip/ writer) and returns the
/// archive's bytes; `error_context` names a failure.
std::string zip_in_memory(const std::string &member, const std::string &content,
                          const std::string &error_context);
/// True when CPL's last error is a failure.
inline bool cpl_failed() {
    return CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal;
}

} // namespace landalloc::gis
