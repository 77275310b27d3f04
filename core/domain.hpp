#pragma once
// The domain objects the allocator works on: plain values, no GDAL, no geometry. Every geometric
// fact a parcel needs (area, zone, distances, constraint overlaps) is computed once by
// inputs/ (parcel_facts.cpp) and stored here as numbers, indexed by position.

#include <cstdint>
#include <limits>
#include <string>
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
};

} // namespace landalloc
