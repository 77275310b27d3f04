#pragma once
// Geometry for landalloc: a value type owning a GEOS geometry, used through GEOS's reentrant C API.
// No GEOS header leaks out of gis/: callers see only this class. Coordinates are always in the
// run's projected CRS (metres), so areas are m^2 and distances are metres.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct GEOSGeom_t;
struct GEOSPrepGeom_t;
struct GEOSContextHandle_HS;

namespace landalloc::gis {

struct Point {
    double x = 0;
    double y = 0;
};

struct Bounds {
    double min_x = 0;
    double min_y = 0;
    double max_x = 0;
    double max_y = 0;
};

class Geometry {
  public:
    Geometry() = default; // empty: holds nothing
    Geometry(const Geometry &other);
    Geometry &operator=(const Geometry &other);
    Geometry(Geometry &&) noexcept = default;
    Geometry &operator=(Geometry &&) noexcept = default;
    ~Geometry();

    static Geometry from_wkt(std::string_view wkt);
    static Geometry from_wkb(const unsigned char *data, std::size_t size);
    static Geometry point(Point p);
    /// A closed polygon from its exterior ring (closing vertex optional).
    static Geometry polygon(const std::vector<Point> &ring);
    static Geometry line(const std::vector<Point> &points);
    /// A rectangle of width w and height h centred at c, rotated by `angle` radians.
    static Geometry rectangle(Point c, double w, double h, double angle);
    /// Voronoi cells of `sites` clipped to `clip`, in the order of `sites`.
    static std::vector<Geometry> voronoi_cells(const std::vector<Point> &sites,
                                               const Geometry &clip);

    bool is_null() const noexcept { return !m_geom; }
    bool is_empty() const;
    bool is_valid() const;
    /// Why the geometry is invalid ("" when valid).
    std::string invalid_reason() const;
    /// "Polygon", "MultiPolygon", "Point", ...
    std::string type_name() const;
    bool is_polygonal() const;
    bool is_point() const;
    bool is_lineal() const;

    double area() const;
    double length() const;
    Bounds bounds() const;
    /// A point guaranteed to lie inside the geometry (GEOS PointOnSurface).
    Point interior_point() const;
    Point centroid() const;
    /// First coordinate of a point geometry.
    Point as_point() const;

    bool intersects(const Geometry &other) const;
    bool contains(const Geometry &other) const;
    bool covers_point(Point p) const;
    double distance(const Geometry &other) const;
    double distance_to(Point p) const;
    double intersection_area(const Geometry &other) const;

    Geometry intersection(const Geometry &other) const;
    Geometry difference(const Geometry &other) const;
    Geometry unite(const Geometry &other) const;
    Geometry buffer(double distance, int quadrant_segments = 8) const;
    Geometry make_valid() const;
    /// GEOS make-valid keeping only the polygonal part ("structure" method, collapsed parts
    /// dropped): a Polygon or MultiPolygon, empty when nothing with area is left.
    Geometry make_valid_polygonal() const;
    /// Number of parts (1 for a single geometry).
    int part_count() const;
    /// Same vertices in the same order, each within `tolerance`.
    bool equals_exact(const Geometry &other, double tolerance) const;

    /// Every ring of every polygon (exterior first, then holes), for drawing; empty for
    /// non-polygonal geometries.
    std::vector<std::vector<Point>> polygon_rings() const;
    /// The vertices of every line of a LineString or MultiLineString, in order; empty for
    /// non-lineal geometries.
    std::vector<std::vector<Point>> line_parts() const;

    std::string to_wkt(int precision = 3) const;
    std::vector<unsigned char> to_wkb() const;

    /// The raw GEOS handle, for gis/ internals only.
    GEOSGeom_t *raw() const noexcept { return m_geom.get(); }
    static Geometry adopt(GEOSGeom_t *g);
    /// Gives up the GEOS handle (to a GEOS call that takes ownership), leaving this null.
    GEOSGeom_t *release() noexcept { return m_geom.release(); }

  private:
    struct Deleter {
        void operator()(GEOSGeom_t *g) const noexcept;
    };
    std::unique_ptr<GEOSGeom_t, Deleter> m_geom;
};

/// A polygon prepared for many predicates against other geometries (GEOS prepared geometry): the
/// first predicate builds its index of segments. One thread's: it is not to be shared between
/// threads. The geometry it prepares must outlive it.
class PreparedGeometry {
  public:
    explicit PreparedGeometry(const Geometry &g);
    PreparedGeometry(PreparedGeometry &&other) noexcept;
    PreparedGeometry &operator=(PreparedGeometry &&) = delete;
    PreparedGeometry(const PreparedGeometry &) = delete;
    PreparedGeometry &operator=(const PreparedGeometry &) = delete;
    ~PreparedGeometry();

    /// No point of `other` lies outside the prepared geometry.
    bool covers(const Geometry &other) const;
    bool intersects(const Geometry &other) const;

  private:
    const GEOSPrepGeom_t *m_prepared = nullptr;
};

/// Geometries held as WKB, one after another in blocks of 8 MiB: for geometries kept long
/// between uses. A parcel polygon of the bench's cities takes about 100 bytes here against 420 as
/// a GEOS geometry. WKB keeps every coordinate's double exactly, so get(i) is the geometry added.
/// (Blocks, not one buffer: a buffer grown by doubling, then fitted, held up to three times its
/// bytes while it grew.)
class WkbStore {
  public:
    /// Appends g (a null geometry is kept as null).
    void add(const Geometry &g);
    /// The i-th geometry added, made anew.
    Geometry get(std::size_t i) const;
    std::size_t size() const { return m_slots.size(); }

  private:
    struct Slot {
        std::uint32_t block = 0;
        std::uint32_t offset = 0;
        std::uint32_t size = 0; // 0: null
    };
    std::vector<std::vector<unsigned char>> m_blocks;
    std::vector<Slot> m_slots;
};

/// The per-thread GEOS context handle (created on first use).
GEOSContextHandle_HS *geos_context();

} // namespace landalloc::gis
