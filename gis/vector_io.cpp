#include "gis/vector_io.hpp"

#include "core/errors.hpp"
#include "gis/atomic_file.hpp"
#include "gis/gpkg_writer_impl.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iconv.h>
#include <iomanip>
#include <memory>
#include <mutex>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

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

struct SrsDeleter {
    void operator()(OGRSpatialReference *s) const noexcept {
        if (s) {
            s->Release();
        }
    }
};
using SrsPtr = std::unique_ptr<OGRSpatialReference, SrsDeleter>;

SrsPtr make_srs(const std::string &wkt) {
    SrsPtr srs(new OGRSpatialReference());
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (srs->importFromWkt(wkt.c_str()) != OGRERR_NONE) {
        throw GisError("cannot read CRS WKT: " + wkt.substr(0, 80));
    }
    return srs;
}

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

// ---- Crs ----------------------------------------------------------------------------------

std::optional<Crs> Crs::parse(const std::string &text) {
    init_gdal();
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(text.c_str()) != OGRERR_NONE) {
        return std::nullopt;
    }
    Crs c;
    c.m_wkt = to_wkt(srs);
    return c;
}

Crs Crs::from_user_input(const std::string &text) {
    if (std::optional<Crs> c = parse(text)) {
        return *c;
    }
    throw UsageError("'" + text + "' is not a CRS that PROJ knows (try EPSG:4549)");
}

Crs Crs::from_epsg(int code) { return from_user_input("EPSG:" + std::to_string(code)); }

Crs Crs::from_wkt(std::string wkt) {
    Crs c;
    c.m_wkt = std::move(wkt);
    return c;
}

std::string Crs::label() const {
    if (empty()) {
        return "none";
    }
    auto srs = make_srs(m_wkt);
    const char *auth = srs->GetAuthorityName(nullptr);
    const char *code = srs->GetAuthorityCode(nullptr);
    if (auth && code) {
        return std::string(auth) + ":" + code;
    }
    const char *name = srs->GetName();
    return name ? name : "unnamed CRS";
}

bool Crs::is_geographic() const { return !empty() && make_srs(m_wkt)->IsGeographic(); }
bool Crs::is_projected() const { return !empty() && make_srs(m_wkt)->IsProjected(); }

bool Crs::same_as(const Crs &other) const {
    if (empty() || other.empty()) {
        return empty() && other.empty();
    }
    return make_srs(m_wkt)->IsSame(make_srs(other.m_wkt).get()) != 0;
}

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

CrsChoice choose_projected_crs(const Crs &geographic, const Bounds &extent) {
    auto srs = make_srs(geographic.wkt());
    const double lon = (extent.min_x + extent.max_x) / 2;
    const double lat = (extent.min_y + extent.max_y) / 2;
    std::ostringstream centre;
    centre << std::fixed << std::setprecision(2) << std::abs(lon) << (lon < 0 ? "W" : "E") << ", "
           << std::abs(lat) << (lat < 0 ? "S" : "N");
    if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
        throw DataError("the data's centre (" + centre.str() + ") is not a longitude/latitude in " +
                        geographic.label() + "; state the working CRS (crs = \"EPSG:...\")");
    }
    auto cgcs2000 = make_srs(Crs::from_epsg(4490).wkt());
    auto wgs84 = make_srs(Crs::from_epsg(4326).wkt());
    CrsChoice out;
    int code = 0;
    std::string why;
    if (srs->IsSameGeogCS(cgcs2000.get()) != 0) {
        const int cm = 3 * static_cast<int>(std::lround(lon / 3.0));
        if (cm < 75 || cm > 135) {
            throw DataError("the data's centre (" + centre.str() +
                            ") is outside the CGCS2000 Gauss-Kruger zones of China (central "
                            "meridians 75E-135E); state the working CRS (crs = \"EPSG:...\")");
        }
        code = 4534 + (cm - 75) / 3;
        why = "the inputs are in geographic CGCS2000 and the data's centre (" + centre.str() +
              ") lies in the 3-degree zone of central meridian " + std::to_string(cm) + "E";
    } else if (srs->IsSameGeogCS(wgs84.get()) != 0) {
        const int zone = std::clamp(static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1, 1, 60);
        code = (lat >= 0 ? 32600 : 32700) + zone;
        why = "the inputs are in geographic WGS 84 and the data's centre (" + centre.str() +
              ") lies in UTM zone " + std::to_string(zone) + (lat >= 0 ? "N" : "S");
    } else {
        throw DataError("geographic CRS " + geographic.label() +
                        " is neither CGCS2000 nor WGS 84, so no working CRS is chosen "
                        "automatically; state one (crs = \"EPSG:...\")");
    }
    out.crs = Crs::from_epsg(code);
    auto chosen = make_srs(out.crs.wkt());
    const char *name = chosen->GetName();
    out.explanation = "working CRS EPSG:" + std::to_string(code) + " (" + (name ? name : "") +
                      "), chosen automatically: " + why;
    return out;
}

namespace {

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
    : m_path(std::move(path)), m_overwrite(overwrite), m_impl(std::make_unique<Impl>()) {
    init_gdal();
    m_temp = temp_path_for(m_path, m_overwrite, ".gpkg");
    std::error_code ec;
    fs::remove(m_temp, ec);
    GDALDriver *drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv) {
        throw GisError("GDAL has no GPKG driver");
    }
    CPLErrorReset();
    m_impl->ds.reset(drv->Create(m_temp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m_impl->ds) {
        throw OutputError(m_path + ": cannot create '" + m_temp + "': " + gdal_last_error_text());
    }
}

GpkgWriter::~GpkgWriter() {
    if (!m_committed) {
        m_impl->ds.reset();
        std::error_code ec;
        fs::remove(m_temp, ec);
    }
}

void GpkgWriter::add_layer(const std::string &name, GeomKind kind, const Crs &crs,
                           const std::vector<FieldDef> &fields,
                           const std::vector<Feature> &features, const std::string &description) {
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
    for (const auto &f : fields) {
        OGRFieldType t = OFTString;
        if (f.type == FieldType::integer) {
            t = OFTInteger64;
        } else if (f.type == FieldType::real) {
            t = OFTReal;
        }
        OGRFieldDefn fd(f.name.c_str(), t);
        if (layer->CreateField(&fd) != OGRERR_NONE) {
            throw OutputError(m_path + ": cannot create field '" + f.name + "' in layer '" + name +
                              "': " + gdal_last_error_text());
        }
    }
    if (ds.StartTransaction() != OGRERR_NONE) {
        throw OutputError(m_path + ": cannot start a transaction: " + gdal_last_error_text());
    }
    OGRFeatureDefn *defn = layer->GetLayerDefn();
    for (const auto &src : features) {
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
                        feat->SetField(idx, v.c_str());
                    }
                },
                src.values[i]);
        }
        if (kind != GeomKind::none && !src.geometry.is_null()) {
            OGRGeometryUniquePtr owned = to_ogr(src.geometry, srs.get());
            if (!owned) {
                throw OutputError(m_path + ": cannot convert a geometry of layer '" + name + "'");
            }
            feat->SetGeometryDirectly(stored_form(std::move(owned), kind).release());
        }
        if (layer->CreateFeature(feat.get()) != OGRERR_NONE) {
            throw OutputError(m_path + ": cannot write a feature of layer '" + name +
                              "': " + gdal_last_error_text());
        }
    }
    if (ds.CommitTransaction() != OGRERR_NONE) {
        throw OutputError(m_path + ": cannot commit layer '" + name +
                          "': " + gdal_last_error_text());
    }
}

void GpkgWriter::commit() {
    CPLErrorReset();
    m_impl->ds->FlushCache(true);
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        throw OutputError(m_path + ": writing failed: " + gdal_last_error_text());
    }
    m_impl->ds.reset(); // GDAL 3.6: Close() reports nothing, so check the error state after it
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        throw OutputError(m_path + ": closing failed: " + gdal_last_error_text());
    }
    std::error_code ec;
    fs::rename(m_temp, m_path, ec);
    if (ec) {
        throw OutputError(m_path + ": cannot move the finished file into place: " + ec.message());
    }
    m_committed = true;
}

} // namespace landalloc::gis
