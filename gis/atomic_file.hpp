#pragma once
// Writing a small output file (a report) atomically: the content goes to a temporary file in the
// target's directory, is flushed to disk, and is renamed over the target only when complete, so an
// interrupted run leaves the previous file untouched.

#include <string>

namespace landalloc::gis {

/// Throws OutputError when `path` exists and `overwrite` is false, its directory does not exist,
/// or writing fails (the temporary file is then removed).
void write_file_atomically(const std::string &path, const std::string &content, bool overwrite);

/// The temporary file beside `path` that an atomic write fills before renaming it over `path`
/// (".NAME.tmp-PID" + `temp_suffix`). Throws OutputError when `path` exists and `overwrite` is
/// false, exists and is not a regular file, or its directory does not exist.
std::string temp_path_for(const std::string &path, bool overwrite, const std::string &temp_suffix);

} // namespace landalloc::gis
