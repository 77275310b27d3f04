#pragma once
// Checksums of input files for the run's metadata, so a plan can be traced to the exact data.

#include <string>
#include <vector>

namespace landalloc::gis {

/// SHA-256 of a file's bytes, as 64 hex digits; "" when `path` is not a regular file (a database
/// connection string, a directory).
std::string file_sha256(const std::string &path);

/// Every file that makes up the layer `layer` of `source`, sorted: for a Shapefile (the .shp,
/// .dbf or .shx named) its siblings of the same base name (.shp, .shx, .dbf, .prj, .cpg and any
/// index or side file), so a delivery whose .dbf or .prj changed checksums differently; for a
/// directory of Shapefiles or FlatGeobufs the files of the layer's base name; for any other
/// regular file (a GeoPackage, a GeoJSON) the file itself; none for a database connection.
std::vector<std::string> dataset_files(const std::string &source, const std::string &layer);

} // namespace landalloc::gis
