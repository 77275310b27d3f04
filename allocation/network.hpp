#pragma once
// Distances along the street network (docs/indicators.md, "Street network"). The City's
// StreetNetwork (core/domain.hpp, read by inputs/ from the `streets` layer) becomes two
// Boost.Graph graphs, built once: walking (walkable edges, metres) and driving (drivable edges,
// metres and minutes at each edge's speed). Points (parcels, stations, parks, zones) snap to the
// nearest usable segment through a Boost.Geometry R-tree; the snap offset is walked (added as
// distance, or as time at the walking speed). Shortest paths are Boost's Dijkstra, run once per
// station or zone, or once from many sources at a time (nearest station, nearest park, nearest
// job centre), never once per parcel.

#include "allocation/indicators.hpp"
#include "core/domain.hpp"
#include "core/plan.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

struct PlanConfig;
struct CommuteLimitRule;

/// Which distance a use takes: the straight line, or along the streets on foot or by car.
enum class TravelMode { straight, walk, drive };
const char *travel_mode_name(TravelMode m);
/// "straight", "walk" or "drive"; nullopt otherwise.
std::optional<TravelMode> parse_travel_mode(const std::string &s);

/// `[network]`: how the street network is used (docs/plan-file.md).
struct NetworkOptions {
    double walk_kmh = 4.8; // DEFAULT: 4.8 km/h, walking speed (also of the snap offset)
    /// A parcel farther than this from every street is reported (validate; a warning of
    /// `landalloc plan`). DEFAULT: 300 m.
    double snap_tolerance_m = 300;
    /// Driving speed of an edge whose feature gives no maxspeed, by its highway class.
    /// DEFAULT: motorway 100, trunk 80, primary 60, secondary 50, tertiary 40, unclassified 30,
    /// residential 30, living_street 10, service 20 (and *_link as its class); others 30.
    std::map<std::string, double> speeds_kmh = {
        {"motorway", 100},     {"motorway_link", 100}, {"trunk", 80},        {"trunk_link", 80},
        {"primary", 60},       {"primary_link", 60},   {"secondary", 50},    {"secondary_link", 50},
        {"tertiary", 40},      {"tertiary_link", 40},  {"unclassified", 30}, {"residential", 30},
        {"living_street", 10}, {"service", 20}};
    double other_speed_kmh = 30; // DEFAULT: 30 km/h, a class not in the table
    /// Station catchments, TOD, station counts, AR siting near stations, the transit score.
    TravelMode stations = TravelMode::walk; // DEFAULT: walk
    /// AR siting near parks and the jobs score (distance to the nearest industrial park).
    TravelMode parks = TravelMode::walk; // DEFAULT: walk
    /// The commute limit, job access (gravity), 2SFCA and the excess-commuting matrix.
    TravelMode commute = TravelMode::drive; // DEFAULT: drive
    int line = 0;                           // line of [network] in the plan file (messages)
};

/// A point placed on the network: the edge (index into the mode's usable edges, -1 when the
/// mode has none), the position along it (0 at u, 1 at v) and the offset to it.
struct Snap {
    int edge = -1;
    double t = 0;
    double offset_m = k_inf;
};

/// The street network as graphs, built once (graph build, snapping and searches are timed
/// separately in bench/bench_indicators.cpp).
class StreetGraph {
  public:
    StreetGraph(const StreetNetwork &net, const NetworkOptions &options);
    ~StreetGraph();
    StreetGraph(const StreetGraph &) = delete;
    StreetGraph &operator=(const StreetGraph &) = delete;

    /// The nearest point on a segment usable in `mode` (walk or drive).
    Snap snap(TravelMode mode, double x, double y) const;
    std::vector<Snap> snap_all(TravelMode mode, const std::vector<XY> &points) const;

    /// Distance (metres, or minutes when `minutes`) from the nearest of `sources` to each of
    /// `targets` along the mode's edges, the offsets walked; `nearest[k]` (when not null) the
    /// index into `sources` of the nearest. Sources with an initial cost (`start`, same units;
    /// empty: 0). One multi-source Dijkstra; beyond `limit` not searched (inf).
    std::vector<double> nearest(TravelMode mode, bool minutes, const std::vector<Snap> &sources,
                                const std::vector<double> &start, const std::vector<Snap> &targets,
                                std::vector<int> *nearest = nullptr, double limit = k_inf) const;

    /// Row-major sources x targets: one Dijkstra per source, bounded by `limit`.
    std::vector<double> matrix(TravelMode mode, bool minutes, const std::vector<Snap> &sources,
                               const std::vector<Snap> &targets, double limit = k_inf) const;

    /// For each target, how many sources lie within `radius_m` (metres): one bounded Dijkstra
    /// per source, reading only the targets on the edges it reaches.
    std::vector<int> count_within(TravelMode mode, const std::vector<Snap> &sources,
                                  const std::vector<Snap> &targets, double radius_m) const;

    /// Targets indexed by the edge they snapped to, so a bounded search reads only the targets
    /// on the edges it reaches (index_targets; `snaps` from snap(mode, ...)).
    struct Targets {
        TravelMode mode = TravelMode::walk;
        std::vector<Snap> snaps;
        std::vector<std::uint32_t> first; // by edge: targets first[e] .. first[e + 1] - 1
        std::vector<std::uint32_t> by_edge;
        std::vector<Snap> sorted; // snaps in by_edge order (read in sequence by reach)
    };
    Targets index_targets(TravelMode mode, std::vector<Snap> snaps) const;

    /// The targets within `limit` (metres, or minutes) of `source` along the targets' mode, with
    /// their costs, in the order the search reaches their edges (deterministic): one Dijkstra
    /// bounded by `limit`.
    void reach(const Snap &source, bool minutes, const Targets &targets, double limit,
               std::vector<std::pair<std::uint32_t, double>> &out) const;

    std::size_t nodes() const;
    std::size_t edges(TravelMode mode) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

/// What apply_street_network did, for the terminal and `validate`.
struct NetworkReport {
    bool used = false;     // the city has streets and they were used
    std::size_t nodes = 0; // graph nodes
    std::size_t walk_edges = 0;
    std::size_t drive_edges = 0;
    std::size_t parcels_far = 0; // parcels farther than snap_tolerance_m from every street
    double share_far = 0;        // of all parcels
    std::string note;            // one sentence: what the distances are
};

/// Rewrites the parcels' network-dependent facts (nearest station, station_distance_m,
/// stations_within_800m, nearest park, park_distance_m) as distances along the streets (the
/// straight-line values kept in station_line_m and park_line_m), sets snap_m, the commute time
/// to jobs of the commute limit (commute_min; without streets by straight line at the rule's
/// assumed speed) and the zone-to-zone travel matrix (City::zone_travel_m); then
/// City::network_facts. A city already done is left as it is.
NetworkReport apply_street_network(City &city, const PlanConfig &config);

/// The city the planner works on: `city` itself when it needs no network facts (no streets, no
/// commute limit) or has them already, else a copy in `storage` with apply_street_network done.
const City &with_network_facts(const City &city, const PlanConfig &config, City &storage);

/// The job centres of the commute limit: industrial parks with jobs and zones holding at least
/// the rule's share of the zones' jobs, as points (a park's street nodes first when it has).
struct JobCentre {
    double x = 0;
    double y = 0;
    std::string what; // "park P1", "zone Z3"
};
std::vector<JobCentre> job_centres(const City &city, const CommuteLimitRule &rule);

/// The commute limit's rule_checks row (rule "commute_limit", config.rules.commute_limit set):
/// units of the rule's types placed beyond the limit (an indicative row also counts bundled
/// shares of the types); a cap of 0 units.
RuleCheck commute_limit_check(const Plan &plan, const City &city, const PlanConfig &config);

} // namespace landalloc
