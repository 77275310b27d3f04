#include "core/language.hpp"

#include <algorithm>
#include <cstdint>

namespace landalloc {

namespace {

constexpr CodeName k_land_sources[] = {
    {"new_state", "新增国有建设用地"},       {"renewal", "城市更新"},
    {"collective", "集体经营性建设用地"},    {"enterprise_idle", "企事业单位闲置土地"},
    {"park_supporting", "产业园区配套用地"},
};
constexpr CodeName k_zone_classes[] = {
    {"priority_expansion", "优先拓展区"},
    {"moderate", "适度发展区"},
    {"stock_upgrading", "存量提升区"},
    {"old_city", "老城区"},
};
constexpr CodeName k_bands[] = {
    {"below", "职住比偏低（住房偏多）"},
    {"within", "职住比适中"},
    {"above", "职住比偏高（就业偏多）"},
};
constexpr CodeName k_destock_bands[] = {
    {"increase", "增加供应"}, {"keep", "维持供应"}, {"reduce", "减少供应"},
    {"cut", "显著减少供应"},  {"stop", "暂停供应"}, {"unknown", "去化周期不详"},
};
constexpr CodeName k_reasons[] = {
    {"excluded", "受限制要素排除"},
    {"outside_zones", "不在任何片区内"},
    {"not_available", "规划期内不可供应"},
    {"type_not_allowed", "不允许建设有指标的住房类型"},
    {"far_too_low", "容积率上限低于类型下限"},
    {"destock_stop", "去库存：暂停供应"},
    {"ar_siting", "保障性租赁住房选址要求不符"},
    {"zone_class", "片区类型不允许该住房类型"},
    {"commute_limit", "超出通勤时间限制"},
    {"no_target", "无对应年度指标"},
    {"outscored", "得分低于入选地块"},
    {"did_not_fit", "超出指标区间或不利于职住平衡"},
};
constexpr CodeName k_constraint_kinds[] = {
    {"ecological_redline", "生态保护红线"},
    {"basic_farmland", "永久基本农田"},
    {"flood", "洪涝风险区"},
    {"old_city", "老城严控区"},
};
constexpr CodeName k_effects[] = {
    {"exclude", "禁止建设"},
    {"cap", "限制容积率"},
};
constexpr CodeName k_statuses[] = {
    {"met", "达标"},
    {"within tolerance", "容差内"},
    {"short", "不足"},
    {"over", "超出"},
    {"planned", "计划供应"},
    {"supplied", "已供应"},
    {"sold_unbuilt", "已出让未开工"},
};
constexpr CodeName k_station_modes[] = {
    {"metro", "地铁"},   {"intercity_rail", "城际铁路"}, {"hsr", "高铁"},
    {"brt", "快速公交"}, {"bus_hub", "公交枢纽"},
};
constexpr CodeName k_park_levels[] = {
    {"national", "国家级"},
    {"provincial", "省级"},
    {"municipal", "市级"},
};
constexpr CodeName k_causes[] = {
    {"no_eligible_land", "可用土地不足"},
    {"competition", "土地被其他年度或类型占用"},
    {"over", "超出指标"},
};

constexpr CodeName k_units[] = {
    {"ha", "公顷"},
    {"m2", "平方米"},
    {"units", "套"},
};

constexpr CodeName k_balance_runs[] = {
    {"before", "规划前"},
    {"plan", "本规划"},
    {"no balance term", "无职住平衡项"},
    {"balance only", "仅考虑职住平衡"},
    {"without rule", "去掉规则"},
};

} // namespace

const char *language_code(Language l) { return l == Language::zh ? "zh" : "en"; }

std::optional<Language> parse_language(std::string_view code) {
    if (code == "zh") {
        return Language::zh;
    }
    if (code == "en") {
        return Language::en;
    }
    return std::nullopt;
}

bool has_chinese(std::string_view text) {
    // UTF-8 lead bytes 0xE3-0xE9 start the three-byte sequences of U+3000-U+9FFF (CJK symbols,
    // kana and the unified ideographs).
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto b = static_cast<std::uint8_t>(c);
        return b >= 0xE3 && b <= 0xE9;
    });
}

std::span<const CodeName> code_names(CodeList list) {
    switch (list) {
    case CodeList::land_source:
        return k_land_sources;
    case CodeList::zone_class:
        return k_zone_classes;
    case CodeList::band:
        return k_bands;
    case CodeList::destock_band:
        return k_destock_bands;
    case CodeList::reason:
        return k_reasons;
    case CodeList::constraint_kind:
        return k_constraint_kinds;
    case CodeList::effect:
        return k_effects;
    case CodeList::status:
        return k_statuses;
    case CodeList::station_mode:
        return k_station_modes;
    case CodeList::park_level:
        return k_park_levels;
    case CodeList::cause:
        return k_causes;
    case CodeList::unit:
        return k_units;
    case CodeList::balance_run:
        return k_balance_runs;
    }
    return {};
}

std::string code_label(CodeList list, std::string_view code, Language l) {
    if (l == Language::zh) {
        for (const CodeName &c : code_names(list)) {
            if (c.code == code) {
                return std::string(c.zh);
            }
        }
    }
    return std::string(code);
}

} // namespace landalloc
