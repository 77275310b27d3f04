#pragma once
// The domain objects the allocator works on: plain values, no GDAL, no geometry. Every geometric
// fact a parcel needs (area, zone, distances, constraint overlaps) is computed once by
// inputs/ (parcel_facts.cpp) and stored here as numbers, indexed by position.

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace landalloc {

inline constexpr double k_inf = std::numeric_limits<double>::infinity();
inline constexpr int k_none = -1;

struct HousingType {
    std::string id;       // commercial, affordable_rental, public_rental, ...
    std::string name_zh;  // 商品住房, 保障性租赁住房, ...; DEFAULT: ""
    double unit_m2 = 90;  // DEFAULT: 90 m^2, average floor area of one unit
    double far_min = 1.0; // DEFAULT: 1.0, lowest plot ratio at which the type is built
    double far_max = 3.0; // DEFAULT: 3.0, highest plot ratio the type is built at
    bool rental = false;  // DEFAULT: false; counts towards the rental share (AR, public rental)
    /// DEFAULT: false; 保障性住房 (public rental, AR, shared ownership, resettlement): a column of
    /// the official 保障性住房 table (outputs/official_tables.hpp)
    bool affordable = false;
};

struct Zone {
    std::string id;
    std::string name;
    double population = 0;
    double jobs = 0;
    double dwellings = 0;
    std::string zone_class;    // e.g. priority_expansion, moderate, stock_upgrading, old_city
    double destock_months = 0; // 去化周期 in months; 0 when unknown
    double sales = 0;          // annual housing sales (m^2 floor area or units); 0 when unknown
    double area_m2 = 0;
    double x = 0; // the centroid, or an interior point when the centroid falls outside
    double y = 0;
    /// The district (区/县) the zone (街道/板块) lies in: its id, "" when none, and its name
    /// (the id when the inputs give none). A plan file's zone list may name a district for all
    /// its zones (allocation/model.hpp zone_mask).
    std::string district{};
    std::string district_name{};
};

struct Station {
    std::string id;
    std::string name;
    std::string mode; // metro, intercity_rail, hsr, brt, bus_hub
    std::string line;
    int opening_year = 0; // 0 when unknown (taken as open)
    double x = 0;
    double y = 0;
};

struct Park {
    std::string id;
    std::string name;
    double jobs = 0;
    std::string level; // national, provincial, municipal
    double area_m2 = 0;
    double x = 0; // the centroid, or an interior point when the centroid falls outside
    double y = 0;
    int zone = k_none; // index into City::zones of the zone holding (x, y); k_none: none known
    /// Nodes of City::streets inside the park's polygon (its gates onto the streets), ascending;
    /// empty: the park is reached at its point (x, y).
    std::vector<int> street_nodes{};
};

enum class ConstraintEffect { exclude, cap };

struct Constraint {
    std::string id;
    std::string kind;  // ecological_redline, basic_farmland, flood, old_city, ...
    std::string layer; // the layer it came from
    ConstraintEffect effect = ConstraintEffect::exclude;
    double max_far = k_inf; // for cap constraints: the plot-ratio ceiling inside
};

struct Parcel {
    std::string id;
    std::int64_t fid = 0;
    std::string land_source; // new_state, collective, enterprise_idle, park_supporting, renewal
    int first_year = 0;      // first year the parcel can be supplied
    double far_cap = 0;      // plot-ratio cap (容积率上限)
    std::vector<std::string> allowed_types; // empty: any housing type

    // Facts computed from geometry.
    double area_m2 = 0;
    double x = 0; // an interior point, in the run's projected CRS
    double y = 0;
    int zone = k_none;            // index into City::zones (zone holding the interior point)
    int nearest_station = k_none; // index into City::stations
    double station_distance_m = k_inf;
    int stations_within_800m = 0;
    int nearest_park = k_none;      // index into City::parks
    double park_distance_m = k_inf; // 0 when inside or touching the park
    bool in_park = false;           // interior point inside an industrial park
    double excluded_overlap_m2 = 0; // area overlapping exclusion constraints
    int excluded_by = k_none;       // index into City::constraints of the largest exclusion overlap
    double capped_share = 0;        // share of the parcel under cap constraints
    double cap_far = k_inf;         // plot-ratio ceiling from cap constraints
    int capped_by = k_none;
    // Set when the street network replaced the straight-line distances above
    // (allocation/network.hpp apply_street_network): station_distance_m, stations_within_800m,
    // nearest_station, park_distance_m and nearest_park are then walking distances along the
    // streets, and these keep the straight-line values.
    double station_line_m = k_inf; // straight-line distance to the nearest station
    double park_line_m = k_inf;    // straight-line distance to the nearest park
    double snap_m = k_inf;         // distance from the interior point to the nearest street
    /// Time to the nearest job centre (minutes) for the commute limit: by car on the streets,
    /// or straight line at the rule's assumed speed; inf when not computed.
    double commute_min = k_inf;

    bool allows(const std::string &type) const {
        if (allowed_types.empty()) {
            return true;
        }
        for (const auto &t : allowed_types) {
            if (t == type) {
                return true;
            }
        }
        return false;
    }
};

/// A street network as read from a line layer (inputs/, the `streets` layer): nodes at line
/// vertices (shared vertices are one node), one edge per straight segment between two nodes.
/// Plain values; the graph and its searches are allocation/network.hpp's.
struct StreetNode {
    double x = 0;
    double y = 0;
};

struct StreetEdge {
    int u = 0; // node indices
    int v = 0;
    double length_m = 0;
    std::string highway;  // the OSM class (primary, residential, footway, ...); "" when unknown
    double speed_kmh = 0; // the feature's maxspeed; 0 when not given (the class's default applies)
    bool walkable = true; // false for motorways and trunk roads
    bool drivable = true; // false for footways, paths, steps, pedestrian streets, cycleways
    std::int64_t fid = 0; // the feature it came from
};

struct StreetNetwork {
    std::string source; // "source:layer" it was read from; "" when none
    std::vector<StreetNode> nodes;
    std::vector<StreetEdge> edges;
    bool empty() const { return edges.empty(); }
};

struct City {
    std::string crs; // label of the projected CRS the facts were computed in
    std::vector<Zone> zones;
    /// zone_neighbours[z]: indices of the zones sharing a boundary with zone z, ascending (empty
    /// when the zones came without geometry).
    std::vector<std::vector<int>> zone_neighbours;
    std::vector<Station> stations;
    std::vector<Park> parks;
    std::vector<Constraint> constraints;
    std::vector<Parcel> parcels;
    /// The streets (empty without a `streets` layer) and whether the parcels' distances are
    /// already along them (allocation/network.hpp apply_street_network).
    StreetNetwork streets;
    bool network_facts = false;
    /// Zone-to-zone travel (m) along the streets, row-major zones x zones (the diagonal as
    /// allocation/indicators.hpp zone_costs); empty: straight lines.
    std::vector<double> zone_travel_m;
    /// Per parcel, gravity job access and 2SFCA jobs per worker with distances along the
    /// streets (allocation/indicators.hpp; the same in every plan of the city); empty: the
    /// indicators use straight lines.
    std::vector<double> street_job_access;
    std::vector<double> street_jobs_per_worker;
    /// Per parcel, the station indicators along the streets: the nearest station of each mode
    /// (modes as the indicators name them, sorted) [parcel * modes + mode] and the stations
    /// within each radius [parcel * radii + radius]; empty: straight lines.
    std::vector<std::string> street_station_modes;
    std::vector<double> street_station_radii_m;
    std::vector<double> street_station_m;
    std::vector<int> street_stations_within;
};

/// The district a zone's supply is counted in (the rolling plan and the official tables): its
/// district's id and name, else the zone's own; "(no zone)" for a parcel in no zone (-1).
inline std::pair<std::string, std::string> district_of(const City &city, int zone) {
    if (zone < 0) {
        return {"(no zone)", "(no zone)"};
    }
    const Zone &z = city.zones[static_cast<std::size_t>(zone)];
    if (z.district.empty()) {
        return {z.id, z.name};
    }
    return {z.district, z.district_name.empty() ? z.district : z.district_name};
}

} // namespace landalloc
