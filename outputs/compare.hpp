#pragma once
// `landalloc compare`: two or more plan GeoPackages of the same city side by side. Each plan is
// read back through gis::read_layer and the plan GeoPackage's schema (schema.hpp); what the
// comparison shows is recomputed from the plans' own features (supply from allocated_parcels,
// targets met from annual_plan's status) or copied from run_metadata (D, excess commuting,
// objective, gap). The differences are parcel by parcel, each plan against the first.
// docs/outputs.md, "landalloc compare", documents the output.

#include "gis/atomic_file.hpp"
#include "gis/geometry.hpp"
#include "gis/vector_io.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace landalloc {

/// Layer names of the comparison GeoPackage.
inline constexpr const char *k_layer_differences = "differences";
inline constexpr const char *k_layer_comparison = "comparison";

/// The housing type whose station-catchment share the comparison reports.
inline constexpr const char *k_compared_rental_type = "affordable_rental";

/// One year and housing type's supply of a plan, summed over its allocated_parcels features.
struct ComparedSupply {
    double ha = 0;    // sum of area_ha of the features of the type
    double units = 0; // sum of units of the type's features plus bundled_units bundling it
};

/// One plan as the comparison sees it.
struct ComparedPlan {
    std::string letter;    // A, B, C, ... in command-line order
    std::string label;     // the run's scenario, else the file's stem (made unique)
    std::string path;      // the GeoPackage as given
    std::string scenario;  // run_metadata scenario ("" when none)
    std::string plan_name; // run_metadata plan_name
    std::size_t allocated = 0;
    std::map<std::pair<int, std::string>, ComparedSupply> supply; // (year, type)
    double ha_total = 0;
    double units_total = 0;
    int binding_met = 0;   // annual_plan rows with binding = 1 and status met
    int binding_total = 0; // annual_plan rows with binding = 1
    std::optional<double> dissimilarity_after;
    std::optional<double> excess_commuting_after;
    std::optional<double> objective;
    std::optional<double> gap;
    /// By radius r of the `stations_within_<r>m` fields every plan has: the share of the
    /// affordable-rental area whose parcels have a station within r (nullopt: no such area).
    std::map<int, std::optional<double>> rental_station_share;
    std::size_t differences = 0; // parcels whose (year, type) differ from the first plan's
};

/// A parcel's allocation in one plan; nullopt in ParcelDifference::in when not allocated.
struct ComparedAllocation {
    int year = 0;
    std::string type;
    bool operator==(const ComparedAllocation &) const = default;
};

/// One parcel whose allocation differs between the first plan and at least one other.
struct ParcelDifference {
    std::string parcel_id;
    std::string zone_id;
    double area_ha = 0;
    gis::Geometry geometry;                            // from the first plan that allocates it
    std::vector<std::optional<ComparedAllocation>> in; // one per plan
    /// One per plan against the first: "" for the first, else same, moved_year, changed_type,
    /// moved_year_changed_type, only_in_A or only_in_<letter>.
    std::vector<std::string> changes;
    /// The words of the plans that differ from the first, comma-separated in plan order
    /// (distinct): with two plans the one word.
    std::string change;
};

struct PlanComparison {
    std::vector<ComparedPlan> plans;
    std::vector<int> years;                    // every year of any plan's horizon or features
    std::vector<std::string> types;            // every housing type of any plan's features, sorted
    std::vector<int> radii;                    // station radii of rental_station_share
    std::vector<ParcelDifference> differences; // by parcel id
    gis::Crs crs;                              // of the first plan's allocated_parcels
    std::size_t candidate_parcels = 0;         // the city's candidates (allocated + rejected)
};

/// Reads and compares the plan GeoPackages `paths` (two or more). Throws DataError naming the
/// file and layer (and field or parcel) when one is not a plan GeoPackage or the plans are not
/// of the same city (other candidate parcels, other parcel areas, another CRS).
PlanComparison compare_plans(const std::vector<std::string> &paths);

/// The `differences` layer (polygons) and the `comparison` table, as written.
gis::LayerData differences_layer(const PlanComparison &cmp);
gis::LayerData comparison_layer(const PlanComparison &cmp);

/// Writes both layers to a new GeoPackage as one file of `outputs` (moved into place by
/// outputs.commit()).
void write_comparison_gpkg(const std::string &path, gis::OutputSet &outputs,
                           const PlanComparison &cmp);

/// The comparison as one self-contained, printable HTML document.
std::string render_comparison_html(const PlanComparison &cmp);

} // namespace landalloc
