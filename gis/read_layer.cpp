// Reading OGR sources (vector_io.hpp): layers, fields and features, reprojection, the source's
// encoding, a layer's bounds.
#include "gis/vector_io.hpp"

#include "core/errors.hpp"
#include "gis/gpkg_writer_impl.hpp"
#include "gis/vector_io_impl.hpp"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iconv.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace landalloc::gis {

namespace {

using detail::from_ogr;
using detail::make_srs;
using detail::SrsPtr;
using detail::to_ogr;
using detail::to_wkt;

struct CtDeleter {
    void operator()(OGRCoordinateTransformation *t) const noexcept {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, CtDeleter>;

/// The transformation from `src` to `dst`, or null (GDAL's error says why).
TransformPtr make_transform(const SrsPtr &src, const SrsPtr &dst) {
    return TransformPtr(OGRCreateCoordinateTransformation(src.get(), dst.get()));
}

bool iequals(const std::string &a, const std::string &b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

GDALDatasetUniquePtr open_vector(const std::string &source, const std::string &encoding = {}) {
    init_gdal();
    CPLErrorReset();
    CPLStringList open_options;
    if (!encoding.empty()) {
        // Only the Shapefile driver takes ENCODING; others would warn about an unknown option.
        GDALDriverH drv = GDALIdentifyDriver(source.c_str(), nullptr);
        if (drv && std::string(GDALGetDriverShortName(drv)) == "ESRI Shapefile") {
            open_options.SetNameValue("ENCODING", encoding.c_str());
        }
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                              nullptr, open_options.List(), nullptr));
    if (!ds) {
        if (!source.starts_with("PG:") && !fs::exists(source)) {
            throw SourceError(SourceError::Reason::not_found,
                              source + ": file not found; check the path in the plan file or "
                                       "command line");
        }
        throw SourceError(SourceError::Reason::cannot_open,
                          source + ": GDAL cannot open it as a vector source (" +
                              gdal_last_error_text() + ")");
    }
    return ds;
}

} // namespace

// ---- reading ------------------------------------------------------------------------------

int LayerData::field_index(const std::string &field) const {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (iequals(fields[i].name, field)) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

std::vector<std::string> list_layers(const std::string &source) {
    auto ds = open_vector(source);
    std::vector<std::string> out;
    for (auto *layer : ds->GetLayers()) {
        out.emplace_back(layer->GetName());
    }
    return out;
}

LayerData read_layer(const std::string &source, const std::string &layer_name, const Crs *target) {
    ReadOptions options;
    options.target = target;
    return read_layer(source, layer_name, options);
}

bool encoding_known(const std::string &name) {
    iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return false;
    }
    iconv_close(cd);
    return true;
}

LayerData read_layer(const std::string &source, const std::string &layer_name,
                     const ReadOptions &options) {
    if (!options.encoding.empty() && !encoding_known(options.encoding)) {
        throw SourceError(SourceError::Reason::bad_encoding,
                          source + ", layer '" + layer_name + "': encoding '" + options.encoding +
                              "' is unknown (try GBK, GB18030, UTF-8)");
    }
    auto ds = open_vector(source, options.encoding);
    OGRLayer *layer = ds->GetLayerByName(layer_name.c_str());
    if (!layer) {
        std::string names;
        for (auto *l : ds->GetLayers()) {
            names += (names.empty() ? "" : ", ") + std::string(l->GetName());
        }
        throw SourceError(SourceError::Reason::no_layer,
                          source + ": no layer '" + layer_name +
                              "' (layers present: " + (names.empty() ? "none" : names) + ")");
    }
    LayerData out;
    out.source = source;
    out.name = layer_name;
    out.driver = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "";
    out.encoding = options.encoding;
    const OGRwkbGeometryType declared = layer->GetGeomType();
    out.geometry_type = declared == wkbNone ? "None" : OGRGeometryTypeToName(declared);
    const Crs *target = options.target;

    const OGRSpatialReference *layer_srs = layer->GetSpatialRef();
    if (layer_srs && layer_srs->GetName() &&
        std::string(layer_srs->GetName()).starts_with("Undefined ")) {
        layer_srs = nullptr; // a GeoPackage's "Undefined geographic/Cartesian SRS": none stated
    }
    if (layer_srs) {
        out.source_crs = Crs::from_wkt(to_wkt(*layer_srs));
    } else if (!options.assumed_crs.empty() && declared != wkbNone) {
        out.source_crs = options.assumed_crs;
        out.crs_assumed = true;
    }
    TransformPtr transform;
    SrsPtr target_srs;
    if (target && !target->empty()) {
        const bool is_geometry_layer = declared != wkbNone;
        if (is_geometry_layer && out.source_crs.empty()) {
            throw SourceError(SourceError::Reason::no_crs,
                              source + ", layer '" + layer_name +
                                  "': the layer has no CRS; state it in the plan file "
                                  "(inputs." +
                                  layer_name + ".crs) or fix the data");
        }
        out.crs = *target;
        if (is_geometry_layer && !out.source_crs.same_as(*target)) {
            target_srs = make_srs(target->wkt());
            auto src = make_srs(out.source_crs.wkt());
            transform = make_transform(src, target_srs);
            if (!transform) {
                throw SourceError(SourceError::Reason::cannot_reproject,
                                  source + ", layer '" + layer_name + "': cannot reproject from " +
                                      out.source_crs.label() + " to " + target->label() + ": " +
                                      gdal_last_error_text());
            }
        }
    } else {
        out.crs = out.source_crs;
    }

    OGRFeatureDefn *defn = layer->GetLayerDefn();
    const int nfields = defn->GetFieldCount();
    for (int i = 0; i < nfields; ++i) {
        const OGRFieldDefn *fd = defn->GetFieldDefn(i);
        FieldDef f;
        f.name = fd->GetNameRef();
        switch (fd->GetType()) {
        case OFTInteger:
        case OFTInteger64:
            f.type = FieldType::integer;
            break;
        case OFTReal:
            f.type = FieldType::real;
            break;
        default:
            f.type = FieldType::string;
        }
        out.fields.push_back(f);
    }

    layer->ResetReading();
    for (auto &&feat : *layer) {
        Feature f;
        f.fid = feat->GetFID();
        f.values.resize(static_cast<std::size_t>(nfields));
        for (int i = 0; i < nfields; ++i) {
            if (!feat->IsFieldSetAndNotNull(i)) {
                continue;
            }
            auto &v = f.values[static_cast<std::size_t>(i)];
            switch (out.fields[static_cast<std::size_t>(i)].type) {
            case FieldType::integer:
                v = static_cast<std::int64_t>(feat->GetFieldAsInteger64(i));
                break;
            case FieldType::real:
                v = feat->GetFieldAsDouble(i);
                break;
            case FieldType::string:
                v = std::string(feat->GetFieldAsString(i));
                break;
            }
        }
        if (OGRGeometry *g = feat->GetGeometryRef(); g && !g->IsEmpty()) {
            if (g->Is3D() || g->IsMeasured()) {
                ++out.zm_dropped;
                g->flattenTo2D();
                g->setMeasured(FALSE);
            }
            if (transform && g->transform(transform.get()) != OGRERR_NONE) {
                throw SourceError(SourceError::Reason::cannot_reproject,
                                  source + ", layer '" + layer_name + "', feature " +
                                      std::to_string(f.fid) +
                                      ": cannot reproject the geometry to " + target->label());
            }
            f.geometry = from_ogr(*g);
        }
        out.features.push_back(std::move(f));
    }
    return out;
}

void reproject(LayerData &layer, const Crs &target) {
    if (layer.crs.same_as(target)) {
        layer.crs = target;
        return;
    }
    if (layer.crs.empty()) {
        throw SourceError(SourceError::Reason::no_crs,
                          layer.source + ", layer '" + layer.name +
                              "': the layer has no CRS; state it in the plan file (inputs." +
                              layer.name + ".crs) or fix the data");
    }
    auto src = make_srs(layer.crs.wkt());
    auto dst = make_srs(target.wkt());
    CPLErrorReset();
    const TransformPtr transform = make_transform(src, dst);
    if (!transform) {
        throw SourceError(SourceError::Reason::cannot_reproject,
                          layer.source + ", layer '" + layer.name + "': cannot reproject from " +
                              layer.crs.label() + " to " + target.label() + ": " +
                              gdal_last_error_text());
    }
    for (auto &f : layer.features) {
        if (f.geometry.is_null()) {
            continue;
        }
        const OGRGeometryUniquePtr g = to_ogr(f.geometry, src.get());
        if (!g) {
            throw GisError("cannot convert a geometry to OGR");
        }
        if (g->transform(transform.get()) != OGRERR_NONE) {
            throw SourceError(SourceError::Reason::cannot_reproject,
                              layer.source + ", layer '" + layer.name + "', feature " +
                                  std::to_string(f.fid) + ": cannot reproject the geometry to " +
                                  target.label());
        }
        f.geometry = from_ogr(*g);
    }
    layer.crs = target;
}

std::optional<Bounds> layer_bounds(const LayerData &layer) {
    std::optional<Bounds> out;
    for (const auto &f : layer.features) {
        if (f.geometry.is_empty()) {
            continue;
        }
        const Bounds b = f.geometry.bounds();
        if (!out) {
            out = b;
        } else {
            out->min_x = std::min(out->min_x, b.min_x);
            out->min_y = std::min(out->min_y, b.min_y);
            out->max_x = std::max(out->max_x, b.max_x);
            out->max_y = std::max(out->max_y, b.max_y);
        }
    }
    return out;
}

} // namespace landalloc::gis
