#pragma once
// Checksums of input files for the run's metadata, so a plan can be traced to the exact data.

#include <string>

namespace landalloc::gis {

/// SHA-256 of a file's bytes, as 64 hex digits; "" when `path` is not a regular file (a database
/// connection string, a directory).
std::string file_sha256(const std::string &path);

} // namespace landalloc::gis
