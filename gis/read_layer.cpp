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
#include <cmath>
#include <filesystem>
#include <iconv.h>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
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

/// A file source must be a regular file or a directory (of Shapefiles); a FIFO or a device would
/// block or never end. Databases (PG:) and GDAL's virtual files (/vsi...) are not files here.
void check_file_source(const std::string &source) {
    if (source.starts_with("PG:") || source.starts_with("/vsi")) {
        return;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(source, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
        throw SourceError(SourceError::Reason::cannot_open,
                          source + ": cannot be opened (" + ec.message() +
                              "); check the path in the plan file or command line");
    }
    if (!ec && fs::exists(st) && !fs::is_regular_file(st) && !fs::is_directory(st)) {
        throw SourceError(SourceError::Reason::cannot_open,
                          source +
                              ": is not a regular file (a pipe, socket or device); give a file or "
                              "a database (PG:...)");
    }
}

GDALDatasetUniquePtr open_vector(const std::string &source, const std::string &encoding = {}) {
    init_gdal();
    check_file_source(source);
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
        std::error_code ec;
        if (!source.starts_with("PG:") && !fs::exists(source, ec)) {
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

/// Collects the errors GDAL raises while it is in scope (a corrupt page of a GeoPackage is
/// reported by GDAL as an error and the reading simply stops: it must not be dropped).
class ErrorCollector {
  public:
    ErrorCollector() { CPLPushErrorHandlerEx(&ErrorCollector::handle, this); }
    ~ErrorCollector() { CPLPopErrorHandler(); }
    ErrorCollector(const ErrorCollector &) = delete;
    ErrorCollector &operator=(const ErrorCollector &) = delete;
    const std::string &first() const { return m_first; }
    int count() const { return m_count; }

  private:
    static void CPL_STDCALL handle(CPLErr cls, CPLErrorNum num, const char *msg) {
        auto *self = static_cast<ErrorCollector *>(CPLGetErrorHandlerUserData());
        if (cls == CE_Failure || cls == CE_Fatal) {
            if (self->m_count++ == 0) {
                self->m_first = msg ? msg : "no detail from GDAL";
            }
        } else {
            detail::gdal_handler(cls, num, msg); // warnings are collected as ever
        }
    }
    std::string m_first;
    int m_count = 0;
};

/// The largest coordinate taken: 1e9 m is 25 times round the Earth, and any degree is far
/// below it; beyond it areas and distances overflow or lose all precision.
constexpr double k_max_coordinate = 1e9;

/// Finds a vertex that is not finite or lies beyond k_max_coordinate.
class CoordinateCheck final : public OGRDefaultConstGeometryVisitor {
  public:
    using OGRDefaultConstGeometryVisitor::visit;
    void visit(const OGRPoint *p) override {
        // Not p->IsEmpty(): OGR takes a point with a NaN coordinate for an empty one.
        if (!m_bad.empty()) {
            return;
        }
        for (const double v : {p->getX(), p->getY()}) {
            if (!std::isfinite(v) || std::abs(v) > k_max_coordinate) {
                std::ostringstream os;
                os << "a vertex has the coordinate " << v
                   << (std::isnan(v) ? " (not a number)" : " (beyond any map)");
                m_bad = os.str();
                return;
            }
        }
    }
    const std::string &bad() const { return m_bad; }

  private:
    std::string m_bad;
};

/// Why `g` cannot be used ("" when it can).
std::string unusable_geometry(const OGRGeometry &g) {
    CoordinateCheck check;
    g.accept(&check);
    return check.bad();
}

/// The names of a layer's fields, comma-separated (for messages).
std::string field_names(OGRLayer &layer) {
    std::string names;
    OGRFeatureDefn *defn = layer.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        names += (names.empty() ? "" : ", ") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    }
    return names.empty() ? "none" : names;
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

std::string attribute_filter_problem(const std::string &field, const std::string &value) {
    if (field.empty()) {
        return "the field name is empty";
    }
    for (const std::string *s : {&field, &value}) {
        if (s->find('\\') != std::string::npos) {
            return std::string(s == &field ? "the field name" : "the value") +
                   " holds a backslash, which GDAL's SQL dialects read differently";
        }
        if (s->find('\0') != std::string::npos) {
            return std::string(s == &field ? "the field name" : "the value") + " holds a NUL";
        }
    }
    return "";
}

std::vector<std::string> distinct_values(const std::string &source, const std::string &layer_name,
                                         const std::string &field) {
    auto ds = open_vector(source);
    OGRLayer *layer = ds->GetLayerByName(layer_name.c_str());
    const std::string where = source + ", layer '" + layer_name + "'";
    if (!layer) {
        throw SourceError(SourceError::Reason::no_layer, where + ": no such layer");
    }
    const int index = layer->GetLayerDefn()->GetFieldIndex(field.c_str());
    if (index < 0) {
        throw SourceError(SourceError::Reason::no_field,
                          where + ": has no field '" + field +
                              "' (fields present: " + field_names(*layer) + ")");
    }
    std::set<std::string> values;
    ErrorCollector errors;
    layer->ResetReading();
    for (auto &&feat : *layer) {
        if (feat->IsFieldSetAndNotNull(index)) {
            values.insert(feat->GetFieldAsString(index));
        }
    }
    if (errors.count() > 0) {
        throw SourceError(SourceError::Reason::read_failed,
                          where + ": GDAL failed while reading it (" + errors.first() +
                              "); the file is damaged: deliver it again");
    }
    return {values.begin(), values.end()};
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

namespace {

/// Whether `text` is valid UTF-8 (GDAL's check).
bool is_utf8(const std::string &text) {
    return CPLIsUTF8(text.c_str(), static_cast<int>(text.size())) != 0;
}

/// Whether every byte string of `texts` decodes from `encoding` to UTF-8 without an error.
bool all_decode(const std::vector<const std::string *> &texts, const char *encoding) {
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return false;
    }
    bool ok = true;
    for (const std::string *t : texts) {
        std::string in = *t;
        std::string out(in.size() * 4 + 4, '\0');
        char *ip = in.data();
        char *op = out.data();
        std::size_t il = in.size(), ol = out.size();
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
        if (iconv(cd, &ip, &il, &op, &ol) == static_cast<std::size_t>(-1) || il != 0) {
            ok = false;
            break;
        }
    }
    iconv_close(cd);
    return ok;
}

/// The encoding a Shapefile layer declares (its .cpg or LDID, GDAL's SOURCE_ENCODING): "" when
/// none; nullopt when the source is not a Shapefile.
std::optional<std::string> shapefile_encoding(const std::string &source,
                                              const std::string &layer_name) {
    init_gdal();               // the drivers, for GDALIdentifyDriver
    check_file_source(source); // a pipe or device is refused before GDAL would open it
    GDALDriverH drv = GDALIdentifyDriver(source.c_str(), nullptr);
    std::error_code ec;
    if (!drv && !fs::is_directory(source, ec)) {
        return std::nullopt;
    }
    if (drv && std::string(GDALGetDriverShortName(drv)) != "ESRI Shapefile") {
        return std::nullopt;
    }
    auto ds = open_vector(source);
    if (!ds->GetDriver() || std::string(ds->GetDriver()->GetDescription()) != "ESRI Shapefile") {
        return std::nullopt;
    }
    OGRLayer *layer = ds->GetLayerByName(layer_name.c_str());
    if (!layer) {
        return std::nullopt;
    }
    const char *e = layer->GetMetadataItem("SOURCE_ENCODING", "SHAPEFILE");
    return std::string(e ? e : "");
}

LayerData read_layer_in(const std::string &source, const std::string &layer_name,
                        const ReadOptions &options);

} // namespace

LayerData read_layer(const std::string &source, const std::string &layer_name,
                     const ReadOptions &options) {
    if (!options.encoding.empty() && !encoding_known(options.encoding)) {
        throw SourceError(SourceError::Reason::bad_encoding,
                          source + ", layer '" + layer_name + "': encoding '" + options.encoding +
                              "' is unknown (try GBK, GB18030, UTF-8)");
    }
    const std::optional<std::string> declared =
        source.starts_with("PG:") ? std::nullopt : shapefile_encoding(source, layer_name);
    ReadOptions opt = options;
    if (!opt.encoding.empty() && opt.encoding_if_undeclared && declared && !declared->empty()) {
        opt.encoding.clear(); // a plan-wide default never overrides the layer's own .cpg
    }
    LayerData out = read_layer_in(source, layer_name, opt);
    if (!declared || !declared->empty() || !opt.encoding.empty()) {
        return out;
    }
    // A Shapefile that declares no encoding: GDAL hands its bytes over as they are. When they are
    // not UTF-8, find the encoding they decode in (GB18030, a superset of GBK and GB2312, else
    // ISO-8859-1, which decodes anything) and read the layer again in it.
    std::vector<const std::string *> texts;
    for (const auto &fd : out.fields) {
        if (!is_utf8(fd.name)) {
            texts.push_back(&fd.name);
        }
    }
    for (const auto &f : out.features) {
        for (const auto &v : f.values) {
            if (const auto *t = std::get_if<std::string>(&v); t && !is_utf8(*t)) {
                texts.push_back(t);
            }
        }
    }
    if (texts.empty()) {
        return out;
    }
    const std::string found = all_decode(texts, "GB18030") ? "GB18030" : "ISO-8859-1";
    opt.encoding = found;
    LayerData again = read_layer_in(source, layer_name, opt);
    again.encoding_detected = found;
    return again;
}

namespace {

/// Sets `filter` on `layer` (`where` names it in errors); false when the layer lacks the field
/// and the filter is not required (the layer is then read whole).
bool apply_attribute_filter(OGRLayer &layer, const ReadOptions::AttributeFilter &filter,
                            const std::string &where) {
    if (const std::string problem = attribute_filter_problem(filter.field, filter.value);
        !problem.empty()) {
        throw UsageError(where + ": cannot select " + filter.field + " = '" + filter.value +
                         "': " + problem);
    }
    const int index = layer.GetLayerDefn()->GetFieldIndex(filter.field.c_str());
    if (index < 0) {
        if (filter.required) {
            throw SourceError(SourceError::Reason::no_field,
                              where + ": has no field '" + filter.field +
                                  "' to select by (fields present: " + field_names(layer) +
                                  "); add it to the layer or select by another field");
        }
        return false;
    }
    // The layer's own spelling of the name; both quoted for OGR SQL and SQLite alike (a
    // backslash, which they read differently, was refused above).
    const std::string name = layer.GetLayerDefn()->GetFieldDefn(index)->GetNameRef();
    const std::string expression = std::string("\"") + CPLString(name).replaceAll("\"", "\"\"") +
                                   "\" = '" + CPLString(filter.value).replaceAll("'", "''") + "'";
    CPLErrorReset();
    if (layer.SetAttributeFilter(expression.c_str()) != OGRERR_NONE) {
        throw SourceError(SourceError::Reason::read_failed,
                          where + ": GDAL cannot select " + filter.field + " = '" + filter.value +
                              "' (" + gdal_last_error_text() + ")");
    }
    return true;
}

LayerData read_layer_in(const std::string &source, const std::string &layer_name,
                        const ReadOptions &options) {
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

    const std::string where = source + ", layer '" + layer_name + "'";
    if (options.attribute_filter) {
        out.filtered = apply_attribute_filter(*layer, *options.attribute_filter, where);
    }
    // The features GDAL says the layer holds, when it knows without reading them all.
    const GIntBig declared_count = layer->GetFeatureCount(FALSE);
    ErrorCollector errors;
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
            // Ordinary bad data is the feature's finding (inputs/), not a failure of the run.
            std::string bad = unusable_geometry(*g);
            if (bad.empty() && transform && g->transform(transform.get()) != OGRERR_NONE) {
                throw SourceError(SourceError::Reason::cannot_reproject,
                                  where + ", feature " + std::to_string(f.fid) +
                                      ": cannot reproject the geometry to " + target->label());
            }
            if (bad.empty()) {
                bad = unusable_geometry(*g); // once reprojected
            }
            if (bad.empty()) {
                try {
                    f.geometry = from_ogr(*g);
                } catch (const GisError &e) {
                    bad = std::string("the geometry is malformed (") + e.what() + ")";
                }
            }
            if (!bad.empty()) {
                out.geometry_errors.emplace(f.fid, std::move(bad));
            }
        }
        out.features.push_back(std::move(f));
    }
    if (errors.count() > 0) {
        throw SourceError(SourceError::Reason::read_failed,
                          where + ": GDAL failed while reading it, after " +
                              std::to_string(out.features.size()) + " features (" + errors.first() +
                              "); the file is damaged: deliver it again");
    }
    if (declared_count >= 0 && static_cast<GIntBig>(out.features.size()) != declared_count) {
        throw SourceError(SourceError::Reason::read_failed,
                          where + ": " + std::to_string(out.features.size()) +
                              " features read of " + std::to_string(declared_count) +
                              " the layer holds; the file is damaged: deliver it again");
    }
    return out;
}

} // namespace

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

std::optional<Bounds> geographic_bounds(const LayerData &layer) {
    std::optional<Bounds> b = layer_bounds(layer);
    if (!b || layer.crs.empty() || layer.crs.is_geographic()) {
        return layer.crs.empty() ? std::nullopt : b;
    }
    // The corners and edge midpoints, into WGS 84 longitude/latitude.
    auto src = make_srs(layer.crs.wkt());
    auto dst = make_srs(Crs::from_epsg(4326).wkt());
    CPLErrorReset();
    const TransformPtr transform = make_transform(src, dst);
    if (!transform) {
        return std::nullopt;
    }
    const double mx = (b->min_x + b->max_x) / 2, my = (b->min_y + b->max_y) / 2;
    double xs[] = {b->min_x, b->max_x, b->min_x, b->max_x, mx, mx, b->min_x, b->max_x, mx};
    double ys[] = {b->min_y, b->min_y, b->max_y, b->max_y, b->min_y, b->max_y, my, my, my};
    int ok[9] = {};
    if (!transform->Transform(9, xs, ys, nullptr, ok)) {
        return std::nullopt;
    }
    std::optional<Bounds> out;
    for (int i = 0; i < 9; ++i) {
        if (!ok[i] || !std::isfinite(xs[i]) || !std::isfinite(ys[i])) {
            continue;
        }
        if (!out) {
            out = Bounds{xs[i], ys[i], xs[i], ys[i]};
        } else {
            out->min_x = std::min(out->min_x, xs[i]);
            out->min_y = std::min(out->min_y, ys[i]);
            out->max_x = std::max(out->max_x, xs[i]);
            out->max_y = std::max(out->max_y, ys[i]);
        }
    }
    return out;
}

} // namespace landalloc::gis
