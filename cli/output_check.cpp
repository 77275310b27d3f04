#include "cli/output_check.hpp"

#include "gis/postgis_writer.hpp"

#include "core/errors.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace landalloc::cli {

namespace fs = std::filesystem;

void check_output(const std::string &path, const std::string &extension, bool overwrite,
                  const std::vector<std::string> &inputs) {
    if (path.empty()) {
        throw UsageError("the output path is empty; give the file to write");
    }
    const fs::path out(path);
    std::string ext = out.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext != extension) {
        throw UsageError(path + ": the output is written as " + extension +
                         "; give a file name ending in " + extension);
    }
    std::error_code ec;
    for (const std::string &in : inputs) {
        if (!in.empty() && fs::equivalent(fs::path(in), out, ec) && !ec) {
            throw UsageError(path + ": is the input " + in + "; write the output to another file");
        }
    }
    if (fs::exists(out, ec) && !overwrite) {
        throw OutputError(path + ": already exists; pass --overwrite to replace it");
    }
    const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec)) {
        throw OutputError(path + ": the directory " + dir.string() +
                          " does not exist; create it or write elsewhere");
    }
    if (::access(dir.c_str(), W_OK) != 0) {
        throw OutputError(path + ": the directory " + dir.string() +
                          " is not writable; write elsewhere");
    }
}

CLI::Validator seed_check() {
    return CLI::Validator(
        [](std::string &text) -> std::string {
            const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
                return c >= '0' && c <= '9';
            });
            return digits ? std::string() : "a seed is a whole number from 0, not " + text;
        },
        "");
}

std::vector<const LayerRef *> input_layer_refs(const InputSpec &spec) {
    std::vector<const LayerRef *> refs = {&spec.zones, &spec.stations, &spec.parks, &spec.parcels};
    for (const auto &c : spec.constraints) {
        refs.push_back(&c);
    }
    for (const auto *o : {&spec.districts, &spec.streets}) {
        if (*o) {
            refs.push_back(&**o);
        }
    }
    return refs;
}

std::vector<std::string> input_sources(const InputSpec &spec) {
    std::vector<std::string> unique;
    for (const LayerRef *r : input_layer_refs(spec)) {
        if (!r->source.empty() &&
            std::find(unique.begin(), unique.end(), r->source) == unique.end()) {
            unique.push_back(r->source);
        }
    }
    return unique;
}

void check_postgis_inputs(const InputSpec &spec, const std::string &schema,
                          const std::vector<std::string> &tables) {
    for (const LayerRef *r : input_layer_refs(spec)) {
        if (!gis::is_postgis(r->source)) {
            continue;
        }
        // GDAL names a table of the active schema (public unless the connection says
        // active_schema=) by its name alone, any other as schema.table.
        std::string in_schema = "public";
        if (const auto at = r->source.find("active_schema="); at != std::string::npos) {
            const auto from = at + std::string("active_schema=").size();
            in_schema = r->source.substr(from, r->source.find(' ', from) - from);
        }
        std::string table = r->layer;
        if (const auto dot = r->layer.find('.'); dot != std::string::npos) {
            in_schema = r->layer.substr(0, dot);
            table = r->layer.substr(dot + 1);
        }
        if (in_schema == schema && std::find(tables.begin(), tables.end(), table) != tables.end()) {
            throw UsageError("--schema " + schema + ": the plan's table '" + table +
                             "' would replace the input layer '" + r->layer + "' of " +
                             gis::redact_passwords(r->source) +
                             "; write the plan into another --schema");
        }
    }
}

} // namespace landalloc::cli
