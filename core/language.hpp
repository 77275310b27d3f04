#pragma once
// The language of what a plan says to people: the `reasons` sentences, the report, the QGIS
// aliases and legends ([output] language in the plan file, docs/plan-file.md). Data stays in
// codes ("excluded", "renewal", "within"); a language names them. Both texts of a phrase sit
// side by side where the phrase is made (tr), so neither drifts from the other.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace landalloc {

enum class Language { en, zh };

/// "en" or "zh", as the plan file and run_metadata write it.
const char *language_code(Language l);
/// The language a code names ("en", "zh"); nullopt for any other text.
std::optional<Language> parse_language(std::string_view code);

/// The phrase in the language: `en` in English, `zh` in Chinese.
inline const char *tr(Language l, const char *en, const char *zh) {
    return l == Language::zh ? zh : en;
}

/// True when a text holds a CJK ideograph (a plan file's Chinese names make Chinese the default).
bool has_chinese(std::string_view text);

/// The lists of codes the outputs hold, each with its Chinese names.
enum class CodeList {
    land_source,     // new_state, renewal, collective, enterprise_idle, park_supporting
    zone_class,      // priority_expansion, moderate, stock_upgrading, old_city
    band,            // below, within, above (the jobs/dwellings band)
    destock_band,    // increase, keep, reduce, cut, stop, unknown ([rules.destocking])
    reason,          // a rejected candidate's reason code
    constraint_kind, // ecological_redline, basic_farmland, flood, old_city
    effect,          // exclude, cap
    status,          // met, within tolerance, short, over, planned, supplied, sold_unbuilt
    station_mode,    // metro, intercity_rail, hsr, brt, bus_hub
    park_level,      // national, provincial, municipal
    cause,           // a short target's cause: no_eligible_land, competition, over
    unit,            // ha, m2, units
    balance_run,     // before, plan, no balance term, balance only, without rule
};

struct CodeName {
    std::string_view code;
    std::string_view zh;
};

/// Every code of a list the tool knows, with its Chinese name, in the list's order.
std::span<const CodeName> code_names(CodeList list);

/// A code in the language: its Chinese name in zh when the list knows it, else the code itself
/// (a bureau's own land source stays as the bureau wrote it).
std::string code_label(CodeList list, std::string_view code, Language l);

} // namespace landalloc
