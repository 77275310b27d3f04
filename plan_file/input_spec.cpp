#include "plan_file/input_spec.hpp"

#include "core/errors.hpp"

#include <filesystem>

namespace fs = std::filesystem;

namespace landalloc {

namespace {

/// A path from the plan file, resolved against the plan file's directory when it exists there.
std::string resolve(const std::string &path, const PlanFile &cfg) {
    if (path.empty() || cfg.source_path.empty() || path.starts_with("PG:") ||
        path.find(':') != std::string::npos || path.starts_with("/vsi") ||
        fs::path(path).is_absolute()) {
        return path;
    }
    const fs::path beside = fs::path(cfg.source_path).parent_path() / path;
    std::error_code ec;
    if (fs::exists(beside, ec)) {
        return beside.lexically_normal().string();
    }
    return path;
}

} // namespace

bool inputs_synthesised(const PlanFile &cfg, const std::string &input) {
    return input.empty() && cfg.inputs.synth.has_value();
}

SynthOptions make_synth_options(const PlanFile &cfg) {
    if (!cfg.inputs.synth) {
        throw UsageError("the plan file has no [inputs.synth]");
    }
    SynthOptions o = *cfg.inputs.synth;
    o.first_year = cfg.first_year;
    o.last_year = cfg.last_year;
    return o;
}

InputSpec make_input_spec(const PlanFile &cfg, const std::string &input, const std::string &crs) {
    const InputsConfig &I = cfg.inputs;
    // The synthetic city's layers are made in memory (make_synth_city) under k_synth_source.
    const std::string default_source = inputs_synthesised(cfg, input) ? std::string(k_synth_source)
                                       : !input.empty()               ? input
                                                                      : resolve(I.source, cfg);
    auto ref = [&](const std::string &role, const std::string &name,
                   const InputsConfig::Layer *full) {
        LayerRef r;
        r.layer = name;
        r.encoding = I.encoding;
        r.encoding_plan_wide = !I.encoding.empty();
        r.source = default_source;
        if (full) {
            if (!full->source.empty()) {
                r.source = resolve(full->source, cfg);
            }
            if (!full->encoding.empty()) {
                r.encoding = full->encoding; // the layer's own: over its .cpg too
                r.encoding_plan_wide = false;
            }
            r.crs = full->crs;
            r.constants = full->constants;
        }
        const bool generated = I.generate.parcels > 0 && (role == "parks" || role == "parcels");
        if (r.source.empty() && !generated) {
            throw UsageError("no input for the " + role +
                             " layer: give INPUT on the command line, inputs.source or inputs." +
                             role + ".source in the plan file");
        }
        return r;
    };
    auto find = [&](const char *role) -> const InputsConfig::Layer * {
        auto it = I.layers.find(role);
        return it == I.layers.end() ? nullptr : &it->second;
    };
    InputSpec spec;
    spec.zones = ref("zones", I.zones, find("zones"));
    if (!I.districts.empty()) {
        spec.districts = ref("districts", I.districts, find("districts"));
    }
    spec.stations = ref("stations", I.stations, find("stations"));
    if (!I.streets.empty()) {
        spec.streets = ref("streets", I.streets, find("streets"));
    }
    spec.parks = ref("parks", I.parks, find("parks"));
    spec.parcels = ref("parcels", I.parcels, find("parcels"));
    for (std::size_t i = 0; i < I.constraints.size(); ++i) {
        spec.constraints.push_back(
            ref("constraints", I.constraints[i],
                i < I.constraint_layers.size() ? &I.constraint_layers[i] : nullptr));
    }
    spec.fields = I.fields;
    spec.value_maps = I.value_maps;
    spec.crs = !crs.empty() ? crs : I.crs;
    spec.min_parcel_area_m2 = I.min_parcel_area_m2;
    spec.zone_values = I.zone_values;
    spec.generate = I.generate;
    spec.first_year = cfg.first_year;
    spec.last_year = cfg.last_year;
    return spec;
}

} // namespace landalloc
