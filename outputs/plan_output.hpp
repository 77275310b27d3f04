#pragma once
// Writes a plan's output layers, their QGIS styles and project, atomically: as one GeoPackage,
// or into a PostGIS schema in one transaction.

#include "core/domain.hpp"
#include "core/plan.hpp"
#include "gis/atomic_file.hpp"
#include "gis/city_geometry.hpp"
#include "gis/postgis_writer.hpp"
#include "outputs/plan_layers.hpp"
#include "outputs/schema.hpp"
#include "outputs/styles.hpp"

#include <memory>
#include <string>
#include <vector>

namespace landalloc {

/// Writes a plan's layers (plan_layers.hpp), its QGIS styles and its project, as one transaction:
/// one GeoPackage file, or into a PostGIS schema. In two steps, so that the first may be written
/// while the balance analysis runs on another thread: the candidate parcels' layers read only the
/// plan's allocations and rejections, the parcels and their polygons, which the analysis does not
/// change. One thread at a time may use a writer.
class PlanWriter {
  public:
    /// A GeoPackage at `path`, one file of `outputs` (moved into place by outputs.commit()).
    PlanWriter(const std::string &path, gis::OutputSet &outputs);
    /// The tables of `target`'s schema, committed in one transaction by write_other_layers();
    /// the project reads the layers from the database.
    explicit PlanWriter(const gis::PostgisTarget &target);
    ~PlanWriter();
    PlanWriter(const PlanWriter &) = delete;
    PlanWriter &operator=(const PlanWriter &) = delete;

    /// Step 1: rejected_candidates, each candidate written as it is made, then
    /// allocated_parcels (`allocated`, allocated_parcels_layer's).
    void write_parcel_layers(const gis::LayerData &allocated, const StreamedLayer &rejected,
                             Language language);
    /// Step 2: the other layers of `layers` (its allocated_parcels is step 1's), the styles and
    /// the project; then commits. `geometry` gives the project's CRS and extent.
    void write_other_layers(const PlanLayers &layers, const gis::CityGeometry &geometry,
                            const Plan &plan);

  private:
    void add(const LayerSchema &schema, const gis::LayerData &layer, Language language);

    std::unique_ptr<gis::LayerSink> m_sink;
    ProjectSource m_data;
    WrittenLayers m_written;
};

/// Every table a plan can write (rolling_plan only in a re-plan): what --overwrite replaces.
std::vector<std::string> plan_output_tables();

/// The plan's place in a PostGIS schema: its tables and its QGIS project.
gis::PostgisTarget postgis_target(const std::string &connection, const std::string &schema,
                                  bool overwrite);

} // namespace landalloc
