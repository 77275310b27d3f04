// Crs (vector_io.hpp) and the choice of a working CRS for geographic inputs.
#include "gis/vector_io.hpp"

#include "core/errors.hpp"
#include "gis/vector_io_impl.hpp"

#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numbers>
#include <optional>
#include <sstream>
#include <string>

namespace landalloc::gis {

using detail::make_srs;
using detail::SrsPtr;
using detail::to_wkt;

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

Crs Crs::geographic_base() const {
    if (empty()) {
        return {};
    }
    const SrsPtr geog(make_srs(m_wkt)->CloneGeogCS());
    return geog ? from_wkt(to_wkt(*geog)) : Crs{};
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

std::string unfit_working_crs(const Crs &crs, const std::optional<Bounds> &lonlat) {
    if (crs.empty() || !crs.is_projected()) {
        return "it is not a projected CRS";
    }
    auto srs = make_srs(crs.wkt());
    // Mercator (Web Mercator's "Popular Visualisation Pseudo Mercator" included) scales lengths by
    // 1/cos(latitude): at 30N every area is a third too large. The transverse and oblique forms
    // (Gauss-Kruger, UTM) keep their scale near their central line and are fine.
    const char *method = srs->GetAttrValue("PROJECTION");
    const std::string m = method ? method : "";
    const std::string name = srs->GetName() ? srs->GetName() : "";
    const bool mercator =
        (m.find("Mercator") != std::string::npos && m.find("Transverse") == std::string::npos &&
         m.find("Oblique") == std::string::npos) ||
        name.find("Pseudo-Mercator") != std::string::npos ||
        name.find("Pseudo Mercator") != std::string::npos;
    if (mercator) {
        std::string growth;
        if (lonlat) {
            const double lat = (lonlat->min_y + lonlat->max_y) / 2;
            const double k = 1.0 / std::cos(lat * std::numbers::pi / 180.0);
            std::ostringstream os;
            os << std::fixed << std::setprecision(0) << (k * k - 1) * 100;
            std::ostringstream at;
            at << std::fixed << std::setprecision(1) << std::abs(lat) << (lat < 0 ? "S" : "N");
            growth = " (about " + os.str() + " % at the data's " + at.str() + ")";
        }
        return "it is a Mercator projection (" + (m.empty() ? name : m) +
               "): its areas and distances grow with latitude" + growth +
               ", so it cannot measure parcels";
    }
    // A zone far from the data: its centre outside PROJ's area of use widened by 1 degree (data
    // of a city may spill a little over a 3-degree zone's edge).
    double west = 0, south = 0, east = 0, north = 0;
    const char *area = nullptr;
    if (lonlat && srs->GetAreaOfUse(&west, &south, &east, &north, &area) && west > -1000) {
        const double lon = (lonlat->min_x + lonlat->max_x) / 2;
        const double lat = (lonlat->min_y + lonlat->max_y) / 2;
        const double margin = 1.0;
        const bool in_lon = west <= east ? (lon >= west - margin && lon <= east + margin)
                                         : (lon >= west - margin || lon <= east + margin);
        const bool in_lat = lat >= south - margin && lat <= north + margin;
        if (!in_lon || !in_lat) {
            std::ostringstream os;
            os << std::fixed << std::setprecision(2) << "its area of use (" << (area ? area : "")
               << ": " << west << "E-" << east << "E, " << south << "N-" << north
               << "N) lies far from the data's centre (" << lon << "E, " << lat
               << "N), where its scale error distorts areas";
            return os.str();
        }
    }
    return {};
}

} // namespace landalloc::gis
