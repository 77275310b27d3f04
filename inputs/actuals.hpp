#pragma once
// Reading a re-plan's actuals (docs/rolling.md): the allocated_parcels layer of a plan GeoPackage
// as an analyst edited it in QGIS, or a plain table (CSV, spreadsheet, any OGR layer) of
// parcel_id, year, housing_type and an optional status. A plan GeoPackage's zones layer, when
// present, gives the zones' inventory months and destocking bands at that plan.

#include "core/plan.hpp"

#include <string>

namespace landalloc {

/// Reads the sites of `path`: its allocated_parcels layer, else its only layer. Throws DataError
/// naming the file, layer, row and field when a required field (parcel_id, year, housing_type or
/// type) is missing or a row's year is not a whole number.
ActualSites read_actuals(const std::string &path);

} // namespace landalloc
