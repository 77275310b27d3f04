// libFuzzer target: the plan-file parser (plan_file/plan_file.hpp) on arbitrary bytes. A
// landalloc::Error (a PlanFileError naming the key and line) is the expected answer to a bad file;
// any other exception, a crash, a sanitizer report or a hang is a bug (docs/fuzzing.md).
#include "core/errors.hpp"
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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);
    try {
        (void)landalloc::parse_plan(text, "fuzz.toml", "");
    } catch (const landalloc::Error &) {
        // expected for bad input
    }
    for (const std::string &name : scenario_names(text)) {
        try {
            (void)landalloc::parse_plan(text, "fuzz.toml", name);
        } catch (const landalloc::Error &) {
            // expected for bad input
        }
    }
    return 0;
}
