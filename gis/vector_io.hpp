#pragma once
// Reading and writing vector layers through GDAL/OGR. Nothing here knows about housing: layers are
// lists of features (geometry + attribute values). Output GeoPackages are written to a temporary
// file beside the target and renamed into place only once every layer is written and the file
// closed cleanly, so a failed run never leaves a half-written file or destroys a good one.

#include "core/errors.hpp"
#include "gis/geometry.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace landalloc::gis {

/// Registers GDAL's drivers and routes its messages (once; safe to call again).
void init_gdal();
/// GDAL warnings collected since the last call (and cleared).
std::vector<std::string> take_gdal_warnings();
/// `text` with every password of a database connection replaced by "***": a libpq keyword
/// (`password=secret`, `password='it''s'`) and a URI's (`postgresql://user:secret@host`). Apply
/// it to whatever names a source in a message, the metadata or a report; pass the password by
/// PGPASSFILE or a service file instead (docs/inputs.md).
std::string redact_passwords(const std::string &text);

/// A coordinate reference system, kept as WKT; built from anything OGR's SetFromUserInput takes.
class Crs {
  public:
    Crs() = default;
    static Crs from_user_input(const std::string &text); // "EPSG:4549", WKT, PROJ string
    /// The same, nullopt when PROJ does not know `text` (from_user_input throws UsageError).
    static std::optional<Crs> parse(const std::string &text);
    static Crs from_epsg(int code);
    static Crs from_wkt(std::string wkt);

    bool empty() const { return m_wkt.empty(); }
    const std::string &wkt() const { return m_wkt; }
    /// "EPSG:4549" when the CRS has an authority code, otherwise its name.
    std::string label() const;
    bool is_geographic() const;
    bool is_projected() const;
    bool same_as(const Crs &other) const;
    /// The geographic CRS a projected one is based on (itself when geographic; empty when empty).
    Crs geographic_base() const;

  private:
    std::string m_wkt;
};

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

enum class FieldType { integer, real, string };

struct FieldDef {
    std::string name;
    FieldType type = FieldType::string;
    std::string alias = {}; // the field's alternative name (QGIS shows it); "" for none
};

struct Feature {
    std::int64_t fid = 0;
    Geometry geometry; // null for attribute-only tables or features without geometry
    std::vector<Value> values;
};

struct LayerData {
    std::string source; // the path or connection string it came from
    std::string name;
    Crs crs;                   // the CRS of the geometries held (after any reprojection)
    Crs source_crs;            // the CRS the layer declared (empty when none)
    bool crs_assumed = false;  // the layer declared none and ReadOptions::assumed_crs was used
    std::string driver;        // GDAL driver short name: "GPKG", "ESRI Shapefile", "GeoJSON", ...
    std::string geometry_type; // as the layer declares it: "Polygon", "Point", "Unknown", "None"
    std::string encoding;      // the attribute encoding used ("" when GDAL's own choice)
    /// A Shapefile that declares no encoding (no .cpg, LDID 0) whose text is not UTF-8: the
    /// encoding its bytes were found to decode in (GB18030, else ISO-8859-1); "" otherwise.
    std::string encoding_detected;
    int zm_dropped = 0; // features whose Z or M values were dropped
    /// Read through ReadOptions::attribute_filter (false when none was asked, or the layer lacks
    /// its field and it was not required).
    bool filtered = false;
    std::vector<FieldDef> fields;
    std::vector<Feature> features;
    /// Why a feature's geometry could not be used (a ring not closed, a coordinate not finite or
    /// beyond any map), by fid; that feature's `geometry` is null.
    std::map<std::int64_t, std::string> geometry_errors;

    /// Index of a field by name (case-insensitive), or -1.
    int field_index(const std::string &name) const;
};

/// A source or layer that cannot be used at all; `reason()` says why, for data-quality reports.
class SourceError : public DataError {
  public:
    enum class Reason {
        not_found,
        cannot_open,
        no_layer,
        no_crs,
        cannot_reproject,
        bad_encoding,
        read_failed, // GDAL raised an error while reading, or fewer features than the layer holds
        no_field,    // the layer lacks the field of a required ReadOptions::attribute_filter
    };
    SourceError(Reason reason, const std::string &message) : DataError(message), m_reason(reason) {}
    Reason reason() const noexcept { return m_reason; }

  private:
    Reason m_reason;
};

/// How to read a layer.
struct ReadOptions {
    /// Attribute encoding of a Shapefile (GDAL open option ENCODING, e.g. "GBK", "UTF-8").
    /// DEFAULT: "" = the .cpg file's, else GDAL's default. Ignored by drivers without the option.
    std::string encoding;
    /// The CRS of a layer that declares none. DEFAULT: none (such a layer then has no CRS).
    Crs assumed_crs;
    /// Reproject geometries into this CRS. DEFAULT: nullptr, keep the layer's own.
    const Crs *target = nullptr;
    /// `encoding` applies only to a Shapefile that declares none itself (no .cpg, LDID 0): a
    /// plan-wide default, which must not override a layer's own .cpg. DEFAULT: false (it
    /// overrides the .cpg, as a layer's own `encoding` does).
    bool encoding_if_undeclared = false;
    /// Read only the features whose `field` equals `value` (compared as text), through OGR's
    /// attribute filter `"FIELD" = 'VALUE'`: the field's name as the layer spells it, every `"`
    /// of it and every `'` of the value doubled, so no value can change the expression.
    struct AttributeFilter {
        std::string field;
        std::string value;
        /// A layer without `field` is an error (SourceError no_field); otherwise such a layer is
        /// read whole and LayerData::filtered is false.
        bool required = false;
    };
    /// DEFAULT: none, every feature is read.
    std::optional<AttributeFilter> attribute_filter;
};

/// Why `field` = `value` cannot be an attribute filter ("" when it can): a backslash or NUL in
/// either (OGR's own SQL dialect takes \' as a quote, SQLite's does not: no quoting serves
/// both), an empty field name.
std::string attribute_filter_problem(const std::string &field, const std::string &value);

/// The distinct values of `field` in a layer, as text, sorted (bytewise); NULLs left out. Throws
/// SourceError (no_field when the layer lacks the field).
std::vector<std::string> distinct_values(const std::string &source, const std::string &layer,
                                         const std::string &field);

/// True when iconv knows the encoding name (for checking a plan file's `encoding`).
bool encoding_known(const std::string &name);

/// Names of the vector layers in a source, in the source's order.
std::vector<std::string> list_layers(const std::string &source);

/// Reads one layer whole. With `target` set, geometries are reprojected into it; a layer without a
/// CRS is then an error. Z and M are dropped. Throws SourceError when the source or layer cannot
/// be read.
LayerData read_layer(const std::string &source, const std::string &layer,
                     const Crs *target = nullptr);
LayerData read_layer(const std::string &source, const std::string &layer,
                     const ReadOptions &options);

/// Reprojects every geometry of `layer` (whose `crs` must be set) into `target`.
void reproject(LayerData &layer, const Crs &target);

/// Bounds of all non-null geometries of a layer; nullopt when it has none.
std::optional<Bounds> layer_bounds(const LayerData &layer);

/// Bounds of a layer's geometries in longitude/latitude degrees (its own when geographic, else
/// its corners and edge midpoints transformed to WGS 84); nullopt without geometries or CRS.
std::optional<Bounds> geographic_bounds(const LayerData &layer);

/// Why `crs` cannot be the working CRS for data of longitude/latitude extent `lonlat` (nullopt:
/// unknown), "" when it can: not projected; a Mercator projection (Web Mercator EPSG:3857 and
/// its kin: areas grow by 1/cos^2(latitude)); or a CRS whose area of use (PROJ's), widened by
/// 1 degree, does not hold the data's centre (a Gauss-Kruger zone of another province).
std::string unfit_working_crs(const Crs &crs, const std::optional<Bounds> &lonlat);

/// A projected CRS chosen for data in a geographic CRS.
struct CrsChoice {
    Crs crs;
    std::string explanation; // one sentence: which CRS and why
};

/// Chooses a projected CRS for data in the geographic CRS `geographic` whose bounds (longitude,
/// latitude) are `extent`: for CGCS2000 the 3-degree Gauss-Kruger zone (EPSG:4534-4554, the "CM"
/// variants without false easting prefix) whose central meridian is nearest the centre; for WGS 84
/// the UTM zone holding the centre. Throws DataError for other datums or outside China's zones.
CrsChoice choose_projected_crs(const Crs &geographic, const Bounds &extent);

enum class GeomKind { none, point, line, polygon };

/// A layer made in memory as read_layer returns it once GpkgWriter::add_layer has written it:
/// polygons become MultiPolygons and lines MultiLineStrings (OGR's forceTo, as the writer does),
/// an empty geometry becomes null, fids are 1, 2, ... and the CRS is `crs`. Data made in memory
/// (the synthetic city) then gives the same results as the file written from it.
LayerData layer_as_written(const std::string &source, const std::string &name, GeomKind kind,
                           const Crs &crs, std::vector<FieldDef> fields,
                           std::vector<Feature> features);

/// One row of a GeoPackage's `layer_styles` table: the convention QGIS (and OGC's styles
/// extension draft) use for styles stored with the data. QGIS applies the row with
/// `use_as_default` when it opens the layer.
struct LayerStyle {
    std::string table;           // f_table_name: the layer styled
    std::string geometry_column; // f_geometry_column ("geom" for layers GpkgWriter writes)
    std::string name;            // styleName
    std::string qml;             // styleQML: a QGIS .qml document
    std::string sld;             // styleSLD (may be empty)
    std::string description;
    bool use_as_default = true;
};

class OutputSet;

/// A layer's features one at a time, for a layer written as it is made (LayerSink::add_layer):
/// each call gives the next feature, valid until the next call, or nullptr when there are no
/// more.
using FeatureSource = std::function<const Feature *()>;

/// Where a plan's layers are written, as one transaction: a GeoPackage file (GpkgWriter) or a
/// PostGIS schema (PostgisWriter, gis/postgis_writer.hpp). Nothing is visible to a reader until
/// commit() returns; a writer destroyed before it leaves the old output as it was. One thread at
/// a time may use a writer, not necessarily the same one throughout.
class LayerSink {
  public:
    virtual ~LayerSink() = default;
    /// Adds a layer with its features, each written as `next` gives it and none held. Polygon
    /// layers are written as MultiPolygon. `crs` is ignored for GeomKind::none (an attribute
    /// table).
    virtual void add_layer(const std::string &name, GeomKind kind, const Crs &crs,
                           const std::vector<FieldDef> &fields, const FeatureSource &next,
                           const std::string &description = {}) = 0;
    /// Adds a layer with all its features (the same, from a vector).
    void add_layer(const std::string &name, GeomKind kind, const Crs &crs,
                   const std::vector<FieldDef> &fields, const std::vector<Feature> &features,
                   const std::string &description = {});
    /// Adds the default QGIS style of each layer to the `layer_styles` table QGIS reads. Call
    /// once, after the layers it styles.
    virtual void add_layer_styles(const std::vector<LayerStyle> &styles) = 0;
    /// Stores a QGIS project in the `qgis_projects` table where QGIS's project storage looks
    /// for it: a .qgz zip holding `qgs_xml` as the file `file_name`.
    virtual void add_qgis_project(const std::string &name, const std::string &file_name,
                                  const std::string &qgs_xml) = 0;
    /// Makes everything written visible at once, or throws OutputError and changes nothing.
    virtual void commit() = 0;
};

/// Writes a new GeoPackage atomically (see the file comment): to a temporary that is moved into
/// place only when complete, alone or as one file of an OutputSet (gis/atomic_file.hpp).
class GpkgWriter final : public LayerSink {
  public:
    /// A GeoPackage on its own: commit() moves it into place. Throws OutputError when `path`
    /// exists and `overwrite` is false, or the directory is not writable.
    GpkgWriter(std::string path, bool overwrite);
    /// One file of `outputs`: commit() closes it, and `outputs.commit()` moves it into place
    /// with the set's other files.
    GpkgWriter(std::string path, OutputSet &outputs);
    ~GpkgWriter() override;
    GpkgWriter(const GpkgWriter &) = delete;
    GpkgWriter &operator=(const GpkgWriter &) = delete;

    /// Adds a layer with its features in one transaction (LayerSink::add_layer).
    using LayerSink::add_layer;
    void add_layer(const std::string &name, GeomKind kind, const Crs &crs,
                   const std::vector<FieldDef> &fields, const FeatureSource &next,
                   const std::string &description = {}) override;

    /// Creates the `layer_styles` table (as QGIS creates it: an attribute table registered in
    /// gpkg_contents) and adds one row per style. Call once, after the layers it styles.
    void add_layer_styles(const std::vector<LayerStyle> &styles) override;

    /// Stores a QGIS project in the `qgis_projects` table the way QGIS's GeoPackage project
    /// storage does (name, JSON metadata, content = hex of the .qgz zip holding `qgs_xml`), so
    /// QGIS lists it under the GeoPackage and opens it. `file_name` names the .qgs in the zip.
    void add_qgis_project(const std::string &name, const std::string &file_name,
                          const std::string &qgs_xml) override;

    /// Closes the file and checks for errors; on its own, also moves it into place.
    void commit() override;

    const std::string &temp_path() const { return m_temp; }

  private:
    void create();

    struct Impl;
    std::string m_path;
    std::string m_temp;
    std::unique_ptr<OutputSet> m_own; // when on its own
    OutputSet *m_outputs = nullptr;
    std::unique_ptr<Impl> m_impl;
};

} // namespace landalloc::gis
