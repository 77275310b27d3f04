#include "gis/geometry.hpp"

#include "core/errors.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace landalloc::gis {

namespace {

thread_local std::string t_geos_message;

void geos_message_handler(const char *message, void * /*userdata*/) {
    t_geos_message = message ? message : "";
}

struct ContextHolder {
    GEOSContextHandle_t handle;
    ContextHolder() : handle(GEOS_init_r()) {
        GEOSContext_setErrorMessageHandler_r(handle, geos_message_handler, nullptr);
    }
    ~ContextHolder() { GEOS_finish_r(handle); }
    ContextHolder(const ContextHolder &) = delete;
    ContextHolder &operator=(const ContextHolder &) = delete;
};

/// Destroys a GEOS object of type T with its `destroy` function, in this thread's context.
template <class T, void (*destroy)(GEOSContextHandle_t, T *)> struct GeosDestroy {
    void operator()(T *p) const noexcept { destroy(geos_context(), p); }
};
template <class T, void (*destroy)(GEOSContextHandle_t, T *)>
using GeosPtr = std::unique_ptr<T, GeosDestroy<T, destroy>>;

using WktReaderPtr = GeosPtr<GEOSWKTReader, GEOSWKTReader_destroy_r>;
using WkbReaderPtr = GeosPtr<GEOSWKBReader, GEOSWKBReader_destroy_r>;
using WktWriterPtr = GeosPtr<GEOSWKTWriter, GEOSWKTWriter_destroy_r>;
using WkbWriterPtr = GeosPtr<GEOSWKBWriter, GEOSWKBWriter_destroy_r>;
using MakeValidParamsPtr = GeosPtr<GEOSMakeValidParams, GEOSMakeValidParams_destroy_r>;

/// Memory GEOS hands out (strings, buffers), freed with GEOSFree_r.
struct GeosFree {
    void operator()(void *p) const noexcept { GEOSFree_r(geos_context(), p); }
};
using GeosString = std::unique_ptr<char, GeosFree>;
using GeosBuffer = std::unique_ptr<unsigned char, GeosFree>;

/// A handle from a GEOS `create` function, or GisError when it gave none.
template <class Ptr> Ptr created(typename Ptr::pointer p, const char *what) {
    if (!p) {
        throw GisError(std::string("GEOS could not create ") + what);
    }
    return Ptr(p);
}

GEOSGeometry *check(GEOSGeometry *g, const char *what) {
    if (!g) {
        throw GisError(std::string("GEOS ") + what + " failed: " + t_geos_message);
    }
    return g;
}

char check_pred(char r, const char *what) {
    if (r == 2) {
        throw GisError(std::string("GEOS ") + what + " failed: " + t_geos_message);
    }
    return r;
}

void require(const Geometry &g, const char *what) {
    if (g.is_null()) {
        throw GisError(std::string("GEOS ") + what + " called on a null geometry");
    }
}

GEOSCoordSequence *make_seq(const std::vector<Point> &pts, bool close) {
    auto *ctx = geos_context();
    const bool add_closing =
        close && !pts.empty() && (pts.front().x != pts.back().x || pts.front().y != pts.back().y);
    const auto n = static_cast<unsigned>(pts.size() + (add_closing ? 1 : 0));
    GEOSCoordSequence *seq = GEOSCoordSeq_create_r(ctx, n, 2);
    if (!seq) {
        throw GisError("GEOS could not create a coordinate sequence");
    }
    for (unsigned i = 0; i < pts.size(); ++i) {
        GEOSCoordSeq_setXY_r(ctx, seq, i, pts[i].x, pts[i].y);
    }
    if (add_closing) {
        GEOSCoordSeq_setXY_r(ctx, seq, n - 1, pts.front().x, pts.front().y);
    }
    return seq;
}

/// A collection of `type` made of `parts`, which GEOS takes over.
Geometry collection(int type, std::vector<Geometry> parts, const char *what) {
    std::vector<GEOSGeometry *> raw;
    raw.reserve(parts.size());
    for (Geometry &p : parts) {
        raw.push_back(p.release());
    }
    return Geometry::adopt(check(GEOSGeom_createCollection_r(geos_context(), type, raw.data(),
                                                             static_cast<unsigned>(raw.size())),
                                 what));
}

} // namespace

GEOSContextHandle_HS *geos_context() {
    thread_local ContextHolder holder;
    return holder.handle;
}

void Geometry::Deleter::operator()(GEOSGeom_t *g) const noexcept {
    GEOSGeom_destroy_r(geos_context(), g);
}

Geometry Geometry::adopt(GEOSGeom_t *g) {
    Geometry out;
    out.m_geom.reset(g);
    return out;
}

Geometry::Geometry(const Geometry &other) {
    if (other.m_geom) {
        m_geom.reset(check(GEOSGeom_clone_r(geos_context(), other.m_geom.get()), "clone"));
    }
}

Geometry &Geometry::operator=(const Geometry &other) {
    if (this != &other) {
        Geometry copy(other);
        *this = std::move(copy);
    }
    return *this;
}

Geometry::~Geometry() = default;

Geometry Geometry::from_wkt(std::string_view wkt) {
    auto *ctx = geos_context();
    const auto reader = created<WktReaderPtr>(GEOSWKTReader_create_r(ctx), "a WKT reader");
    const std::string text(wkt);
    GEOSGeometry *g = GEOSWKTReader_read_r(ctx, reader.get(), text.c_str());
    if (!g) {
        throw GisError("cannot parse WKT '" + text.substr(0, 60) + "': " + t_geos_message);
    }
    return adopt(g);
}

Geometry Geometry::from_wkb(const unsigned char *data, std::size_t size) {
    auto *ctx = geos_context();
    const auto reader = created<WkbReaderPtr>(GEOSWKBReader_create_r(ctx), "a WKB reader");
    return adopt(check(GEOSWKBReader_read_r(ctx, reader.get(), data, size), "WKB read"));
}

Geometry Geometry::point(Point p) {
    return adopt(check(GEOSGeom_createPointFromXY_r(geos_context(), p.x, p.y), "point"));
}

Geometry Geometry::polygon(const std::vector<Point> &ring) {
    auto *ctx = geos_context();
    GEOSGeometry *shell = check(GEOSGeom_createLinearRing_r(ctx, make_seq(ring, true)), "ring");
    return adopt(check(GEOSGeom_createPolygon_r(ctx, shell, nullptr, 0), "polygon"));
}

Geometry Geometry::line(const std::vector<Point> &points) {
    return adopt(
        check(GEOSGeom_createLineString_r(geos_context(), make_seq(points, false)), "line"));
}

Geometry Geometry::rectangle(Point c, double w, double h, double angle) {
    const double ca = std::cos(angle);
    const double sa = std::sin(angle);
    std::vector<Point> ring;
    const double hx[4] = {-w / 2, w / 2, w / 2, -w / 2};
    const double hy[4] = {-h / 2, -h / 2, h / 2, h / 2};
    for (int i = 0; i < 4; ++i) {
        ring.push_back({c.x + hx[i] * ca - hy[i] * sa, c.y + hx[i] * sa + hy[i] * ca});
    }
    return polygon(ring);
}

std::vector<Geometry> Geometry::voronoi_cells(const std::vector<Point> &sites,
                                              const Geometry &clip) {
    require(clip, "voronoi");
    auto *ctx = geos_context();
    std::vector<Geometry> pts;
    pts.reserve(sites.size());
    for (const auto &s : sites) {
        pts.push_back(point(s));
    }
    Geometry multi = collection(GEOS_MULTIPOINT, std::move(pts), "multipoint");
    Geometry diagram =
        adopt(check(GEOSVoronoiDiagram_r(ctx, multi.raw(), clip.raw(), 0.0, 0), "voronoi"));
    // GEOS does not promise cell order; match each cell to the site it contains.
    std::vector<Geometry> out(sites.size());
    const int n = GEOSGetNumGeometries_r(ctx, diagram.raw());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry *cell = GEOSGetGeometryN_r(ctx, diagram.raw(), i);
        Geometry c = adopt(check(GEOSGeom_clone_r(ctx, cell), "clone"));
        for (std::size_t s = 0; s < sites.size(); ++s) {
            if (out[s].is_null() && c.covers_point(sites[s])) {
                out[s] = c.intersection(clip);
                break;
            }
        }
    }
    for (std::size_t s = 0; s < sites.size(); ++s) {
        if (out[s].is_null()) {
            throw GisError("voronoi: no cell found for site " + std::to_string(s));
        }
    }
    return out;
}

bool Geometry::is_empty() const {
    return is_null() || check_pred(GEOSisEmpty_r(geos_context(), raw()), "isEmpty") == 1;
}

bool Geometry::is_valid() const {
    require(*this, "isValid");
    return check_pred(GEOSisValid_r(geos_context(), raw()), "isValid") == 1;
}

std::string Geometry::invalid_reason() const {
    require(*this, "isValidReason");
    if (is_valid()) {
        return {};
    }
    const GeosString r(GEOSisValidReason_r(geos_context(), raw()));
    return r ? r.get() : "invalid";
}

std::string Geometry::type_name() const {
    if (is_null()) {
        return "null";
    }
    const GeosString t(GEOSGeomType_r(geos_context(), raw()));
    return t ? t.get() : "";
}

bool Geometry::is_polygonal() const {
    if (is_null()) {
        return false;
    }
    const int t = GEOSGeomTypeId_r(geos_context(), raw());
    return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

bool Geometry::is_point() const {
    if (is_null()) {
        return false;
    }
    const int t = GEOSGeomTypeId_r(geos_context(), raw());
    return t == GEOS_POINT || t == GEOS_MULTIPOINT;
}

bool Geometry::is_lineal() const {
    if (is_null()) {
        return false;
    }
    const int t = GEOSGeomTypeId_r(geos_context(), raw());
    return t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING;
}

double Geometry::area() const {
    require(*this, "area");
    double a = 0;
    if (!GEOSArea_r(geos_context(), raw(), &a)) {
        throw GisError("GEOS area failed: " + t_geos_message);
    }
    return a;
}

double Geometry::length() const {
    require(*this, "length");
    double l = 0;
    if (!GEOSLength_r(geos_context(), raw(), &l)) {
        throw GisError("GEOS length failed: " + t_geos_message);
    }
    return l;
}

Bounds Geometry::bounds() const {
    require(*this, "bounds");
    Bounds b;
    auto *ctx = geos_context();
    if (!GEOSGeom_getXMin_r(ctx, raw(), &b.min_x) || !GEOSGeom_getYMin_r(ctx, raw(), &b.min_y) ||
        !GEOSGeom_getXMax_r(ctx, raw(), &b.max_x) || !GEOSGeom_getYMax_r(ctx, raw(), &b.max_y)) {
        throw GisError("GEOS bounds failed (empty geometry?)");
    }
    return b;
}

Point Geometry::as_point() const {
    require(*this, "getX");
    auto *ctx = geos_context();
    const GEOSGeometry *g = raw();
    if (GEOSGeomTypeId_r(ctx, g) == GEOS_MULTIPOINT) {
        g = GEOSGetGeometryN_r(ctx, g, 0);
    }
    Point p;
    if (!GEOSGeomGetX_r(ctx, g, &p.x) || !GEOSGeomGetY_r(ctx, g, &p.y)) {
        throw GisError("GEOS: geometry is not a point");
    }
    return p;
}

Point Geometry::interior_point() const {
    require(*this, "pointOnSurface");
    return adopt(check(GEOSPointOnSurface_r(geos_context(), raw()), "pointOnSurface")).as_point();
}

Point Geometry::centroid() const {
    require(*this, "centroid");
    return adopt(check(GEOSGetCentroid_r(geos_context(), raw()), "centroid")).as_point();
}

bool Geometry::intersects(const Geometry &other) const {
    require(*this, "intersects");
    require(other, "intersects");
    return check_pred(GEOSIntersects_r(geos_context(), raw(), other.raw()), "intersects") == 1;
}

bool Geometry::contains(const Geometry &other) const {
    require(*this, "contains");
    require(other, "contains");
    return check_pred(GEOSContains_r(geos_context(), raw(), other.raw()), "contains") == 1;
}

PreparedGeometry::PreparedGeometry(const Geometry &g) {
    require(g, "prepare");
    m_prepared = GEOSPrepare_r(geos_context(), g.raw());
    if (!m_prepared) {
        throw GisError("GEOS prepare failed: " + t_geos_message);
    }
}

PreparedGeometry::PreparedGeometry(PreparedGeometry &&other) noexcept
    : m_prepared(other.m_prepared) {
    other.m_prepared = nullptr;
}

PreparedGeometry::~PreparedGeometry() {
    if (m_prepared) {
        GEOSPreparedGeom_destroy_r(geos_context(), m_prepared);
    }
}

bool PreparedGeometry::covers(const Geometry &other) const {
    require(other, "prepared covers");
    return check_pred(GEOSPreparedCovers_r(geos_context(), m_prepared, other.raw()),
                      "prepared covers") == 1;
}

bool PreparedGeometry::intersects(const Geometry &other) const {
    require(other, "prepared intersects");
    return check_pred(GEOSPreparedIntersects_r(geos_context(), m_prepared, other.raw()),
                      "prepared intersects") == 1;
}

bool Geometry::covers_point(Point p) const {
    const Geometry pt = point(p);
    require(*this, "covers");
    return check_pred(GEOSCovers_r(geos_context(), raw(), pt.raw()), "covers") == 1;
}

double Geometry::distance(const Geometry &other) const {
    require(*this, "distance");
    require(other, "distance");
    double d = 0;
    if (!GEOSDistance_r(geos_context(), raw(), other.raw(), &d)) {
        throw GisError("GEOS distance failed: " + t_geos_message);
    }
    return d;
}

double Geometry::distance_to(Point p) const { return distance(point(p)); }

double Geometry::intersection_area(const Geometry &other) const {
    if (!intersects(other)) {
        return 0.0;
    }
    return intersection(other).area();
}

Geometry Geometry::intersection(const Geometry &other) const {
    require(*this, "intersection");
    require(other, "intersection");
    return adopt(check(GEOSIntersection_r(geos_context(), raw(), other.raw()), "intersection"));
}

Geometry Geometry::difference(const Geometry &other) const {
    require(*this, "difference");
    require(other, "difference");
    return adopt(check(GEOSDifference_r(geos_context(), raw(), other.raw()), "difference"));
}

Geometry Geometry::unite(const Geometry &other) const {
    require(*this, "union");
    require(other, "union");
    return adopt(check(GEOSUnion_r(geos_context(), raw(), other.raw()), "union"));
}

Geometry Geometry::buffer(double distance, int quadrant_segments) const {
    require(*this, "buffer");
    return adopt(check(GEOSBuffer_r(geos_context(), raw(), distance, quadrant_segments), "buffer"));
}

Geometry Geometry::make_valid() const {
    require(*this, "makeValid");
    return adopt(check(GEOSMakeValid_r(geos_context(), raw()), "makeValid"));
}

Geometry Geometry::make_valid_polygonal() const {
    require(*this, "makeValid");
    auto *ctx = geos_context();
    const auto params =
        created<MakeValidParamsPtr>(GEOSMakeValidParams_create_r(ctx), "make-valid parameters");
    GEOSMakeValidParams_setMethod_r(ctx, params.get(), GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(ctx, params.get(), 0);
    Geometry out = adopt(check(GEOSMakeValidWithParams_r(ctx, raw(), params.get()), "makeValid"));
    if (out.is_polygonal() || out.is_empty()) {
        return out;
    }
    // A collection: keep its polygons.
    std::vector<Geometry> polys;
    const int n = GEOSGetNumGeometries_r(ctx, out.raw());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(ctx, out.raw(), i);
        const int t = GEOSGeomTypeId_r(ctx, part);
        if (t == GEOS_POLYGON) {
            polys.push_back(adopt(check(GEOSGeom_clone_r(ctx, part), "clone")));
        } else if (t == GEOS_MULTIPOLYGON) {
            for (int k = 0; k < GEOSGetNumGeometries_r(ctx, part); ++k) {
                polys.push_back(
                    adopt(check(GEOSGeom_clone_r(ctx, GEOSGetGeometryN_r(ctx, part, k)), "clone")));
            }
        }
    }
    return collection(GEOS_MULTIPOLYGON, std::move(polys), "multipolygon");
}

int Geometry::part_count() const {
    if (is_null()) {
        return 0;
    }
    return GEOSGetNumGeometries_r(geos_context(), raw());
}

bool Geometry::equals_exact(const Geometry &other, double tolerance) const {
    require(*this, "equalsExact");
    require(other, "equalsExact");
    return check_pred(GEOSEqualsExact_r(geos_context(), raw(), other.raw(), tolerance),
                      "equalsExact") == 1;
}

std::string Geometry::to_wkt(int precision) const {
    if (is_null()) {
        return "";
    }
    auto *ctx = geos_context();
    const auto w = created<WktWriterPtr>(GEOSWKTWriter_create_r(ctx), "a WKT writer");
    GEOSWKTWriter_setRoundingPrecision_r(ctx, w.get(), precision);
    GEOSWKTWriter_setTrim_r(ctx, w.get(), 1);
    const GeosString text(GEOSWKTWriter_write_r(ctx, w.get(), raw()));
    return text ? text.get() : "";
}

std::vector<unsigned char> Geometry::to_wkb() const {
    require(*this, "WKB write");
    auto *ctx = geos_context();
    const auto w = created<WkbWriterPtr>(GEOSWKBWriter_create_r(ctx), "a WKB writer");
    GEOSWKBWriter_setOutputDimension_r(ctx, w.get(), 2);
    std::size_t size = 0;
    const GeosBuffer buf(GEOSWKBWriter_write_r(ctx, w.get(), raw(), &size));
    if (!buf) {
        throw GisError("GEOS WKB write failed: " + t_geos_message);
    }
    return {buf.get(), buf.get() + size};
}

} // namespace landalloc::gis

namespace landalloc::gis {

namespace {

void append_ring(GEOSContextHandle_t ctx, const GEOSGeometry *ring,
                 std::vector<std::vector<Point>> &out) {
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &n)) {
        throw GisError("GEOS: cannot read a ring's coordinates");
    }
    std::vector<Point> pts(n);
    for (unsigned int i = 0; i < n; ++i) {
        GEOSCoordSeq_getXY_r(ctx, seq, i, &pts[i].x, &pts[i].y);
    }
    out.push_back(std::move(pts));
}

void append_polygon_rings(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                          std::vector<std::vector<Point>> &out) {
    const int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        append_ring(ctx, GEOSGetExteriorRing_r(ctx, g), out);
        const int holes = GEOSGetNumInteriorRings_r(ctx, g);
        for (int i = 0; i < holes; ++i) {
            append_ring(ctx, GEOSGetInteriorRingN_r(ctx, g, i), out);
        }
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n; ++i) {
            append_polygon_rings(ctx, GEOSGetGeometryN_r(ctx, g, i), out);
        }
    }
}

void append_lines(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                  std::vector<std::vector<Point>> &out) {
    const int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        append_ring(ctx, g, out); // a ring's reader reads any line's coordinates
    } else if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n; ++i) {
            append_lines(ctx, GEOSGetGeometryN_r(ctx, g, i), out);
        }
    }
}

} // namespace

std::vector<std::vector<Point>> Geometry::line_parts() const {
    std::vector<std::vector<Point>> out;
    if (!is_null()) {
        append_lines(geos_context(), raw(), out);
    }
    return out;
}

std::vector<std::vector<Point>> Geometry::polygon_rings() const {
    std::vector<std::vector<Point>> out;
    if (!is_null()) {
        append_polygon_rings(geos_context(), raw(), out);
    }
    return out;
}

void WkbStore::add(const Geometry &g) {
    constexpr std::size_t k_block = std::size_t{8} << 20;
    Slot slot;
    if (!g.is_null()) {
        const std::vector<unsigned char> wkb = g.to_wkb();
        if (m_blocks.empty() || m_blocks.back().size() + wkb.size() > m_blocks.back().capacity()) {
            m_blocks.emplace_back().reserve(std::max(k_block, wkb.size()));
        }
        std::vector<unsigned char> &block = m_blocks.back();
        slot = {static_cast<std::uint32_t>(m_blocks.size() - 1),
                static_cast<std::uint32_t>(block.size()), static_cast<std::uint32_t>(wkb.size())};
        block.insert(block.end(), wkb.begin(), wkb.end());
    }
    m_slots.push_back(slot);
}

Geometry WkbStore::get(std::size_t i) const {
    const Slot &s = m_slots.at(i);
    return s.size == 0 ? Geometry()
                       : Geometry::from_wkb(m_blocks[s.block].data() + s.offset, s.size);
}

} // namespace landalloc::gis
