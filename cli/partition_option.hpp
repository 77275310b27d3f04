#pragma once
// `--partition FIELD=VALUE` of `plan` and `validate`: one partition of a shared input (every layer
// with FIELD read with the attribute filter FIELD = VALUE; docs/batch.md).

#include "inputs/city.hpp"

#include <optional>
#include <string>

namespace landalloc::cli {

/// The help text of the option.
extern const char *const k_partition_help;

/// FIELD=VALUE split at the first '=' (nullopt for ""). Throws UsageError, naming the option,
/// for text without '=', an empty FIELD, or a FIELD or VALUE no attribute filter can select by
/// (gis::attribute_filter_problem); and when `synthesised` (the layers are made in memory and
/// have no such field).
std::optional<InputSpec::Partition> parse_partition(const std::string &text, bool synthesised);

/// "FIELD = VALUE", as run_metadata records it.
std::string describe_partition(const InputSpec::Partition &p);

} // namespace landalloc::cli
