#pragma once
// Reading and writing vector layers through GDAL/OGR. Nothing here knows about housing: layers are
// lists of features (geometry + attribute values). Output GeoPackages are written to a temporary
// file beside the target and renamed into place only once every layer is written and the file
// closed cleanly, so a failed run never leaves a half-written file or destroys a good one.

#include "gis/geometry.hpp"

#include <cstdint>
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

/// A coordinate reference system, kept as WKT; built from anything OGR's SetFromUserInput takes.
class Crs {
  public:
    Crs() = default;
    static Crs from_user_input(const std::string &text); // "EPSG:4549", WKT, PROJ string
    static Crs from_epsg(int code);
    static Crs from_wkt(std::string wkt);

    bool empty() const { return m_wkt.empty(); }
    const std::string &wkt() const { return m_wkt; }
    /// "EPSG:4549" when the CRS has an authority code, otherwise its name.
    std::string label() const;
    bool is_geographic() const;
    bool is_projected() const;
    bool same_as(const Crs &other) const;

  private:
    std::string m_wkt;
};

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

enum class FieldType { integer, real, string };

struct FieldDef {
    std::string name;
    FieldType type = FieldType::string;
};

struct Feature {
    std::int64_t fid = 0;
    Geometry geometry; // null for attribute-only tables or features without geometry
    std::vector<Value> values;
};

struct LayerData {
    std::string source; // the path or connection string it came from
    std::string name;
    Crs crs;        // the CRS of the geometries held (after any reprojection)
    Crs source_crs; // the CRS the layer declared (empty when none)
    std::vector<FieldDef> fields;
    std::vector<Feature> features;

    /// Index of a field by name (case-insensitive), or -1.
    int field_index(const std::string &name) const;
};

/// Names of the vector layers in a source, in the source's order.
std::vector<std::string> list_layers(const std::string &source);

/// Reads one layer whole. With `target` set, geometries are reprojected into it; a layer without a
/// CRS is then an error. Z and M are dropped.
LayerData read_layer(const std::string &source, const std::string &layer,
                     const Crs *target = nullptr);

enum class GeomKind { none, point, line, polygon };

/// Writes a new GeoPackage atomically (see the file comment).
class GpkgWriter {
  public:
    /// Throws OutputError when `path` exists and `overwrite` is false, or the directory is not
    /// writable.
    GpkgWriter(std::string path, bool overwrite);
    ~GpkgWriter();
    GpkgWriter(const GpkgWriter &) = delete;
    GpkgWriter &operator=(const GpkgWriter &) = delete;

    /// Adds a layer with all its features in one transaction. Polygon layers are written as
    /// MultiPolygon. `crs` is ignored for GeomKind::none (an attribute table).
    void add_layer(const std::string &name, GeomKind kind, const Crs &crs,
                   const std::vector<FieldDef> &fields, const std::vector<Feature> &features,
                   const std::string &description = {});

    /// Closes the file, checks for errors and renames it into place.
    void commit();

    const std::string &temp_path() const { return m_temp; }

  private:
    struct Impl;
    std::string m_path;
    std::string m_temp;
    bool m_overwrite = false;
    bool m_committed = false;
    std::unique_ptr<Impl> m_impl;
};

} // namespace landalloc::gis
