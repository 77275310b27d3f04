#include "cli/partition_option.hpp"

#include "core/errors.hpp"
#include "gis/vector_io.hpp"

namespace landalloc::cli {

const char *const k_partition_help =
    "One partition of a shared input: read every layer that has FIELD with the attribute "
    "filter FIELD = VALUE (the others whole); the parcels and zones layers must have FIELD";

std::optional<InputSpec::Partition> parse_partition(const std::string &text, bool synthesised) {
    if (text.empty()) {
        return std::nullopt;
    }
    const std::size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
        throw UsageError("--partition " + text +
                         ": give FIELD=VALUE, e.g. --partition city=南京 (the field of every "
                         "layer that names the partition)");
    }
    InputSpec::Partition p{text.substr(0, eq), text.substr(eq + 1)};
    if (const std::string problem = gis::attribute_filter_problem(p.field, p.value);
        !problem.empty()) {
        throw UsageError("--partition " + text + ": " + problem);
    }
    if (synthesised) {
        throw UsageError("--partition " + text +
                         ": the plan's inputs are generated ([inputs.synth]) and have no field "
                         "to select by; give the shared input as INPUT");
    }
    return p;
}

std::string describe_partition(const InputSpec::Partition &p) { return p.field + " = " + p.value; }

} // namespace landalloc::cli
