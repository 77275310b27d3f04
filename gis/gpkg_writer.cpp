// Writing GeoPackages (GpkgWriter, vector_io.hpp; its QGIS styles and project are in
// gpkg_qgis.cpp) and layer_as_written, the layers made in memory as a GeoPackage stores them.
#include "gis/vector_io.hpp"

#include "core/errors.hpp"
#include "gis/atomic_file.hpp"
#include "gis/gpkg_writer_impl.hpp"
#include "gis/vector_io_impl.hpp"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace fs = std::filesystem;

namespace landalloc::gis {

namespace {

using detail::from_ogr;
using detail::make_srs;
using detail::SrsPtr;
using detail::to_ogr;

/// `text` as valid UTF-8: each byte that does not start or continue a valid sequence becomes
/// U+FFFD, so a GeoPackage never holds text its readers refuse (Python's sqlite3 does).
std::string valid_utf8(const std::string &text) {
    if (CPLIsUTF8(text.c_str(), static_cast<int>(text.size()))) {
        return text;
    }
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t n = c < 0x80         ? 1
                              : (c >> 5) == 6  ? 2
                              : (c >> 4) == 14 ? 3
                              : (c >> 3) == 30 ? 4
                                               : 0;
        if (n > 0 && i + n <= text.size() && CPLIsUTF8(text.c_str() + i, static_cast<int>(n))) {
            out.append(text, i, n);
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

/// The fields' aliases as the GeoPackage schema extension keeps them: a row of
/// gpkg_data_columns (name and title) per field with one (GDAL 3.6 does not write a field's
/// alternative name itself; GDAL from 3.7 and QGIS read it from there).
void write_aliases(GDALDataset &ds, const std::string &table, const std::vector<FieldDef> &fields) {
    std::string rows;
    for (const auto &f : fields) {
        if (!f.alias.empty()) {
            const std::string alias = sql_literal(valid_utf8(f.alias));
            rows += std::string(rows.empty() ? "" : ", ") + "(" + sql_literal(table) + ", " +
                    sql_literal(f.name) + ", " + alias + ", " + alias + ")";
        }
    }
    if (rows.empty()) {
        return;
    }
    const char *const statements[] = {
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
        "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT "
        "ge_tce UNIQUE (table_name, column_name, extension_name))",
        "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT "
        "NOT NULL, name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
        "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE "
        "(table_name, name))",
        // The schema extension is both tables (validate_gpkg.py, requirement 141).
        "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, "
        "constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max "
        "NUMERIC, max_is_inclusive BOOLEAN, description TEXT, CONSTRAINT gdcc_ntv UNIQUE "
        "(constraint_name, constraint_type, value))",
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
        "SELECT t.name, NULL, 'gpkg_schema', "
        "'http://www.geopackage.org/spec121/#extension_schema', 'read-write' FROM (SELECT "
        "'gpkg_data_columns' AS name UNION ALL SELECT 'gpkg_data_column_constraints') AS t "
        "WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions e WHERE e.table_name = t.name AND "
        "e.extension_name = 'gpkg_schema')",
    };
    CPLErrorReset();
    for (const char *sql : statements) {
        ds.ExecuteSQL(sql, nullptr, nullptr);
    }
    const std::string insert =
        "INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES " + rows;
    ds.ExecuteSQL(insert.c_str(), nullptr, nullptr);
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        throw OutputError("cannot write the field aliases of layer '" + table +
                          "': " + gdal_last_error_text());
    }
}

/// `g` in the form a layer of `kind` stores it (GpkgWriter::add_layer).
OGRGeometryUniquePtr stored_form(OGRGeometryUniquePtr g, GeomKind kind) {
    if (kind == GeomKind::polygon) {
        return OGRGeometryUniquePtr(OGRGeometryFactory::forceToMultiPolygon(g.release()));
    }
    if (kind == GeomKind::line) {
        return OGRGeometryUniquePtr(OGRGeometryFactory::forceToMultiLineString(g.release()));
    }
    return g;
}

} // namespace

OGRwkbGeometryType ogr_type(GeomKind kind) {
    switch (kind) {
    case GeomKind::none:
        return wkbNone;
    case GeomKind::point:
        return wkbPoint;
    case GeomKind::line:
        return wkbMultiLineString;
    case GeomKind::polygon:
        return wkbMultiPolygon;
    }
    return wkbNone;
}

void create_fields(OGRLayer &layer, const std::vector<FieldDef> &fields, const std::string &context,
                   const std::string &name) {
    for (const auto &f : fields) {
        OGRFieldType t = OFTString;
        if (f.type == FieldType::integer) {
            t = OFTInteger64;
        } else if (f.type == FieldType::real) {
            t = OFTReal;
        }
        OGRFieldDefn fd(f.name.c_str(), t);
        if (!f.alias.empty()) {
            fd.SetAlternativeName(f.alias.c_str());
        }
        if (layer.CreateField(&fd) != OGRERR_NONE) {
            throw OutputError(context + ": cannot create field '" + f.name + "' in layer '" + name +
                              "': " + gdal_last_error_text());
        }
    }
}

void write_features(OGRLayer &layer, GeomKind kind, OGRSpatialReference *srs,
                    const std::vector<FieldDef> &fields, const FeatureSource &next,
                    const std::string &context, const std::string &name) {
    OGRFeatureDefn *defn = layer.GetLayerDefn();
    while (const Feature *f = next()) {
        const Feature &src = *f;
        OGRFeatureUniquePtr feat(OGRFeature::CreateFeature(defn));
        for (std::size_t i = 0; i < src.values.size() && i < fields.size(); ++i) {
            const int idx = static_cast<int>(i);
            std::visit(
                [&](const auto &v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::monostate>) {
                        feat->SetFieldNull(idx);
                    } else if constexpr (std::is_same_v<T, std::int64_t>) {
                        feat->SetField(idx, static_cast<GIntBig>(v));
                    } else if constexpr (std::is_same_v<T, double>) {
                        feat->SetField(idx, v);
                    } else {
                        feat->SetField(idx, valid_utf8(v).c_str());
                    }
                },
                src.values[i]);
        }
        if (kind != GeomKind::none && !src.geometry.is_null()) {
            OGRGeometryUniquePtr owned = to_ogr(src.geometry, srs);
            if (!owned) {
                throw OutputError(context + ": cannot convert a geometry of layer '" + name + "'");
            }
            feat->SetGeometryDirectly(stored_form(std::move(owned), kind).release());
        }
        if (layer.CreateFeature(feat.get()) != OGRERR_NONE) {
            throw OutputError(context + ": cannot write a feature of layer '" + name +
                              "': " + gdal_last_error_text());
        }
    }
}

LayerData layer_as_written(const std::string &source, const std::string &name, GeomKind kind,
                           const Crs &crs, std::vector<FieldDef> fields,
                           std::vector<Feature> features) {
    init_gdal();
    LayerData out;
    out.source = source;
    out.name = name;
    out.crs = crs;
    out.source_crs = crs;
    out.driver = "memory";
    const OGRwkbGeometryType declared = ogr_type(kind);
    out.geometry_type = declared == wkbNone ? "None" : OGRGeometryTypeToName(declared);
    out.fields = std::move(fields);
    out.features = std::move(features);
    const SrsPtr srs = make_srs(crs.wkt());
    for (std::size_t i = 0; i < out.features.size(); ++i) {
        Feature &f = out.features[i];
        f.fid = static_cast<std::int64_t>(i + 1);
        f.values.resize(out.fields.size());
        if (kind == GeomKind::none || f.geometry.is_null()) {
            f.geometry = Geometry();
            continue;
        }
        OGRGeometryUniquePtr g = to_ogr(f.geometry, srs.get());
        if (!g) {
            throw GisError("cannot convert a geometry of layer '" + name + "' to OGR");
        }
        g = stored_form(std::move(g), kind);
        f.geometry = g->IsEmpty() ? Geometry() : from_ogr(*g);
    }
    return out;
}

// ---- writing ------------------------------------------------------------------------------

// GpkgWriter::Impl is in gis/gpkg_writer_impl.hpp (gis/gpkg_qgis.cpp uses it too).

GpkgWriter::GpkgWriter(std::string path, bool overwrite)
    : m_path(std::move(path)), m_own(std::make_unique<OutputSet>(overwrite)),
      m_outputs(m_own.get()), m_impl(std::make_unique<Impl>()) {
    create();
}

GpkgWriter::GpkgWriter(std::string path, OutputSet &outputs)
    : m_path(std::move(path)), m_outputs(&outputs), m_impl(std::make_unique<Impl>()) {
    create();
}

void GpkgWriter::create() {
    init_gdal();
    m_temp = m_outputs->add(m_path, ".gpkg");
    GDALDriver *drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv) {
        throw GisError("GDAL has no GPKG driver");
    }
    CPLErrorReset();
    m_impl->ds.reset(drv->Create(m_temp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m_impl->ds) {
        throw OutputError(m_path + ": cannot create '" + m_temp + "': " + gdal_last_error_text());
    }
    // SQLite's page cache, up to 256 MiB (SQLite's default is 2 MiB; it grows only as pages are
    // used). GDAL completes a new layer's R-tree index when the file is closed, one entry at a
    // time, and with the default cache that dominates a large layer's write: a million rejected
    // candidates took 21.4 s with this cache and 31.9 s with the default
    // (bench/gpkg_layer_order.py; docs/performance.md).
    m_impl->ds->ExecuteSQL("PRAGMA cache_size = -262144", nullptr, nullptr);
}

// The temporary itself is removed by its OutputSet when not committed.
GpkgWriter::~GpkgWriter() { m_impl->ds.reset(); }

void LayerSink::add_layer(const std::string &name, GeomKind kind, const Crs &crs,
                          const std::vector<FieldDef> &fields, const std::vector<Feature> &features,
                          const std::string &description) {
    auto it = features.begin();
    add_layer(
        name, kind, crs, fields,
        [&]() -> const Feature * { return it == features.end() ? nullptr : &*it++; }, description);
}

void GpkgWriter::add_layer(const std::string &name, GeomKind kind, const Crs &crs,
                           const std::vector<FieldDef> &fields, const FeatureSource &next,
                           const std::string &description) {
    GDALDataset &ds = *m_impl->ds;
    const OGRwkbGeometryType gtype = ogr_type(kind);
    SrsPtr srs;
    if (kind != GeomKind::none && !crs.empty()) {
        srs = make_srs(crs.wkt());
    }
    CPLStringList options;
    options.SetNameValue("FID", "fid");
    if (!description.empty()) {
        options.SetNameValue("DESCRIPTION", description.c_str());
    }
    CPLErrorReset();
    OGRLayer *layer = ds.CreateLayer(name.c_str(), srs.get(), gtype, options.List());
    if (!layer) {
        throw OutputError(m_path + ": cannot create layer '" + name +
                          "': " + gdal_last_error_text());
    }
    create_fields(*layer, fields, m_path, name);
    if (ds.StartTransaction() != OGRERR_NONE) {
        throw OutputError(m_path + ": cannot start a transaction: " + gdal_last_error_text());
    }
    write_features(*layer, kind, srs.get(), fields, next, m_path, name);
    if (ds.CommitTransaction() != OGRERR_NONE) {
        throw OutputError(m_path + ": cannot commit layer '" + name +
                          "': " + gdal_last_error_text());
    }
    write_aliases(ds, name, fields);
}

void GpkgWriter::commit() {
    CPLErrorReset();
    m_impl->ds->FlushCache(true);
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        throw OutputError(m_path + ": writing failed: " + gdal_last_error_text() +
                          "; no output was changed");
    }
    m_impl->ds.reset(); // GDAL 3.6: Close() reports nothing, so check the error state after it
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        throw OutputError(m_path + ": closing failed: " + gdal_last_error_text() +
                          "; no output was changed");
    }
    if (m_own) {
        m_own->commit();
    }
}

} // namespace landalloc::gis
