#pragma once
// `landalloc batch CITIES.toml`: the TOML read into the list of partitions, each the exact
// `landalloc plan` command it runs (docs/batch.md). Reading it starts nothing; only the
// partitions of a [partition] table without `values` read the shared input's parcels layer (the
// distinct values of the field).

#include <string>
#include <vector>

namespace landalloc::cli {

/// One partition: a city planned by one `landalloc plan` process.
struct BatchPartition {
    std::string name;              // file-safe: <out_dir>/<name>.gpkg, .log; schema <prefix><name>
    std::vector<std::string> args; // the plan's arguments, from "plan" on
    std::string output;            // what the summary names: the GeoPackage, or "<out> <schema>"
    /// Where the summary reads the plan's annual_plan and run_metadata: the GeoPackage, or the
    /// database connection with `active_schema=<schema>`.
    std::string plan_source;
    std::string log; // <out_dir>/<name>.log: the process's stdout and stderr
};

struct BatchSpec {
    std::string path;    // the CITIES.toml as given
    std::string out_dir; // resolved against the TOML's directory
    int jobs = 1;        // processes at once
    std::vector<BatchPartition> partitions;
};

/// Reads CITIES.toml. Throws PlanFileError naming the file, line and key for anything the file
/// gets wrong (unknown key, wrong type, unsafe or repeated name, no partition), DataError when
/// the shared input's values cannot be read. `overwrite` adds --overwrite to every command.
BatchSpec load_batch(const std::string &path, bool overwrite);

/// `arg` as one shell word: as it is when it holds only letters, digits, non-ASCII and
/// `_-./:=@%+,`; else in single quotes (each `'` as `'\''`).
std::string shell_quote(const std::string &arg);

/// "landalloc plan ..." with every argument shell-quoted.
std::string command_line(const BatchPartition &p);

/// Why `name` cannot name a partition's files and schema ("" when it can): empty, holds `/`, a
/// backslash or a control character (NUL among them), or starts with `.`.
std::string unsafe_name(const std::string &name);

/// The name a [partition] value gives: the value with each `/`, backslash and control character
/// replaced by `_`, and a leading `.` by `_`.
std::string name_from_value(const std::string &value);

} // namespace landalloc::cli
