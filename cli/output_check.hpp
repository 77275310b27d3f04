#pragma once
// What every command checks of the file it is to write, before any work (docs/exit-codes.md), so
// that a run that cannot write its output fails at once and an input is never overwritten.

#include "inputs/city.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace landalloc::cli {

/// Refuses, before any work, an output the run must not write:
/// - an empty path, or a name not ending in `extension` (".gpkg", ".html"; either case): a
///   usage error;
/// - a file that is one of `inputs` (the same file by device and inode, however it is named): a
///   usage error;
/// - an existing file without --overwrite, or a directory that does not exist or is not
///   writable: an output error.
void check_output(const std::string &path, const std::string &extension, bool overwrite,
                  const std::vector<std::string> &inputs);

/// A --seed's check: a whole number from 0 (CLI11 would wrap "-1" round to 2^64 - 1).
CLI::Validator seed_check();

/// Every layer `spec` reads: zones, stations, parks, parcels, the constraints, then the districts
/// and streets when given.
std::vector<const LayerRef *> input_layer_refs(const InputSpec &spec);

/// The sources every layer of `spec` is read from (duplicates removed, in order).
std::vector<std::string> input_sources(const InputSpec &spec);

/// Refuses (UsageError), before any work, a PostGIS output whose `schema` would replace an input
/// layer of `spec` read from PostGIS: a layer `schema.table` (or `table` in the connection's
/// active_schema, else public) whose table is one of the plan's `tables`. Databases are not told
/// apart: the same schema and table name in another database is refused too.
void check_postgis_inputs(const InputSpec &spec, const std::string &schema,
                          const std::vector<std::string> &tables);

} // namespace landalloc::cli
