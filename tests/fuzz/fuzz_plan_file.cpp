// libFuzzer target: the plan-file parser (plan_file/plan_file.hpp) on arbitrary bytes, and a parsed
// file's [inputs] turned into the loader's InputSpec (plan_file/input_spec.hpp). A
// landalloc::Error (a PlanFileError naming the key and line) is the expected answer to a bad file;
// any other exception, a crash, a sanitizer report or a hang is a bug (docs/fuzzing.md).
#include "core/errors.hpp"
#include "plan_file/input_spec.hpp"
#include "plan_file/plan_file.hpp"

#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

/// The names of the file's first few `[scenarios.<name>]`, so that the scenario merge is fuzzed
/// too; none when the text is not TOML (parse_plan has said so already).
std::vector<std::string> scenario_names(const std::string &text) {
    constexpr std::size_t k_max_scenarios = 3;
    std::vector<std::string> names;
    try {
        const toml::table root = toml::parse(text, std::string("fuzz.toml"));
        if (const toml::table *all = root["scenarios"].as_table()) {
            for (auto &&[name, value] : *all) {
                if (names.size() == k_max_scenarios) {
                    break;
                }
                names.emplace_back(name.str());
            }
        }
    } catch (const toml::parse_error &) {
        // not TOML: nothing more to try
    }
    return names;
}

/// The plan file as `landalloc plan` reads it: parsed, then its inputs (with a command-line INPUT
/// when the file names no source) as the loader's InputSpec.
void load(const std::string &text, const std::string &scenario) {
    try {
        const landalloc::PlanFile cfg = landalloc::parse_plan(text, "fuzz.toml", scenario);
        const bool no_source = cfg.inputs.source.empty() && !cfg.inputs.synth;
        (void)landalloc::make_input_spec(cfg, no_source ? "city.gpkg" : "", "");
        if (landalloc::inputs_synthesised(cfg, "")) {
            (void)landalloc::make_synth_options(cfg);
        }
    } catch (const landalloc::Error &) {
        // expected for bad input
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);
    load(text, "");
    for (const std::string &name : scenario_names(text)) {
        load(text, name);
    }
    return 0;
}
