#include "outputs/official_tables.hpp"

#include "core/errors.hpp"
#include "core/units.hpp"
#include "outputs/plan_fields.hpp"
#include "outputs/schema.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

namespace landalloc {

namespace {

double round4(double v) { return std::round(v * 1e4) / 1e4; }

/// What one year x district x type cell sums before rounding.
struct Cell {
    double area_ha = 0;
    double floor_m2 = 0;
    double units = 0;
    std::int64_t parcels = 0;
};

} // namespace

std::vector<SupplyRow> supply_rows(const City &city, const Plan &plan) {
    // The axes: years (of the targets and the sites), districts (zones' order), types (plan's).
    std::set<int> year_set;
    for (const auto &r : plan.annual) {
        year_set.insert(r.year);
    }
    for (const auto &a : plan.allocations) {
        year_set.insert(a.year);
    }
    const std::vector<int> years(year_set.begin(), year_set.end());
    std::vector<std::pair<std::string, std::string>> districts;
    std::map<std::string, std::size_t> district_at;
    const auto district_index = [&](int zone) {
        auto d = district_of(city, zone);
        const auto [it, added] = district_at.emplace(d.first, districts.size());
        if (added) {
            districts.push_back(std::move(d));
        }
        return it->second;
    };
    for (std::size_t z = 0; z < city.zones.size(); ++z) {
        district_index(static_cast<int>(z));
    }
    std::vector<HousingType> types = plan.types;
    const auto type_index = [&](const std::string &id) {
        for (std::size_t t = 0; t < types.size(); ++t) {
            if (types[t].id == id) {
                return t;
            }
        }
        HousingType h; // a type the plan's list lacks (a plan built without it): by its id
        h.id = id;
        types.push_back(h);
        return types.size() - 1;
    };
    const auto year_index = [&](int year) {
        return static_cast<std::size_t>(std::lower_bound(years.begin(), years.end(), year) -
                                        years.begin());
    };

    // The details, before rounding, in the allocations' (sorted) order.
    std::map<std::tuple<std::size_t, std::size_t, std::size_t>, Cell> cells;
    for (const Allocation &a : plan.allocations) {
        const std::size_t y = year_index(a.year);
        const std::size_t d = district_index(city.parcels[a.parcel].zone);
        const double share = a.floor_m2 > 0 ? a.bundled_floor_m2 / a.floor_m2 : 0.0;
        Cell &host = cells[{y, d, type_index(a.type)}];
        host.area_ha += ha_from_m2((1.0 - share) * a.area_m2);
        host.floor_m2 += a.floor_m2 - a.bundled_floor_m2;
        host.units += a.units;
        ++host.parcels;
        if (!a.bundled_type.empty()) {
            Cell &b = cells[{y, d, type_index(a.bundled_type)}];
            b.area_ha += ha_from_m2(share * a.area_m2);
            b.floor_m2 += a.bundled_floor_m2;
            b.units += a.bundled_units;
        }
    }

    // Which (year, type) a binding target covers.
    std::set<std::pair<int, std::string>> binding;
    for (const auto &r : plan.annual) {
        if (r.binding) {
            for (const auto &id : annual_row_types(r.type)) {
                binding.emplace(r.year, id);
            }
        }
    }
    const auto is_binding = [&](int year, const std::string &type) {
        return std::any_of(binding.begin(), binding.end(), [&](const auto &b) {
            return (year == 0 || b.first == year) && (type.empty() || b.second == type);
        });
    };

    // The cube with its totals: index Y, D or T stands for "all" on that axis.
    const std::size_t Y = years.size(), D = districts.size(), T = types.size();
    const auto at = [&](std::size_t y, std::size_t d, std::size_t t) {
        return (y * (D + 1) + d) * (T + 1) + t;
    };
    std::vector<SupplyRow> rows((Y + 1) * (D + 1) * (T + 1));
    for (std::size_t y = 0; y <= Y; ++y) {
        for (std::size_t d = 0; d <= D; ++d) {
            for (std::size_t t = 0; t <= T; ++t) {
                SupplyRow &r = rows[at(y, d, t)];
                r.year = y < Y ? years[y] : 0;
                r.district_id = d < D ? districts[d].first : "";
                r.district = d < D ? districts[d].second : k_total_label;
                r.type = t < T ? types[t].id : "";
                r.type_name = t < T ? (types[t].name_zh.empty() ? types[t].id : types[t].name_zh)
                                    : k_total_label;
                r.affordable = t < T && types[t].affordable;
                r.binding = is_binding(r.year, r.type);
            }
        }
    }
    for (const auto &[key, c] : cells) {
        const auto [y, d, t] = key;
        const double area = round4(c.area_ha);
        const double floor = round4(c.floor_m2 / 1e4);
        const auto units = static_cast<std::int64_t>(std::llround(c.units));
        for (std::size_t yy : {y, Y}) {
            for (std::size_t dd : {d, D}) {
                for (std::size_t tt : {t, T}) {
                    SupplyRow &r = rows[at(yy, dd, tt)];
                    r.area_ha += area;
                    r.floor_10k_m2 += floor;
                    r.units += units;
                    r.parcels += c.parcels;
                }
            }
        }
    }
    for (SupplyRow &r : rows) { // a sum of 4-decimal figures, without the float's noise
        r.area_ha = round4(r.area_ha);
        r.floor_10k_m2 = round4(r.floor_10k_m2);
    }
    return rows;
}

std::vector<SupplyRow> read_supply_rows(const gis::LayerData &layer) {
    constexpr const LayerSchema &L = schema::supply_plan;
    using detail::PlanFields;
    const PlanFields f(layer);
    const int year = f.index({L, "year"}), district_id = f.index({L, "district_id"}),
              district = f.index({L, "district"}), type = f.index({L, "housing_type"}),
              type_name = f.index({L, "type_name"}), affordable = f.index({L, "affordable"}),
              area = f.index({L, "area_ha"}), floor = f.index({L, "floor_10k_m2"}),
              units = f.index({L, "units"}), parcels = f.index({L, "parcels"}),
              binding = f.index({L, "binding"});
    const auto integer = [](const gis::Feature &feat, int i) {
        const double v = PlanFields::number(feat, i);
        return std::isfinite(v) ? static_cast<std::int64_t>(std::llround(v)) : 0;
    };
    std::vector<SupplyRow> rows;
    rows.reserve(layer.features.size());
    for (const auto &feat : layer.features) {
        SupplyRow r;
        r.year = static_cast<int>(integer(feat, year));
        r.district_id = PlanFields::text(feat, district_id);
        r.district = PlanFields::text(feat, district);
        r.type = PlanFields::text(feat, type);
        r.type_name = PlanFields::text(feat, type_name);
        r.affordable = integer(feat, affordable) != 0;
        r.area_ha = PlanFields::number(feat, area);
        r.floor_10k_m2 = PlanFields::number(feat, floor);
        r.units = integer(feat, units);
        r.parcels = integer(feat, parcels);
        r.binding = integer(feat, binding) != 0;
        rows.push_back(std::move(r));
    }
    return rows;
}

namespace {

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string &s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) {
        return s;
    }
    std::string q = "\"";
    for (char c : s) {
        q += c;
        if (c == '"') {
            q += '"';
        }
    }
    return q + "\"";
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

/// A CSV document: a UTF-8 byte-order mark, then the lines, CRLF-terminated.
std::string csv(const std::vector<std::vector<std::string>> &lines) {
    std::string out = "\xEF\xBB\xBF";
    for (const auto &line : lines) {
        for (std::size_t i = 0; i < line.size(); ++i) {
            out += (i ? "," : "") + csv_field(line[i]);
        }
        out += "\r\n";
    }
    return out;
}

std::string year_label(int year) { return year > 0 ? std::to_string(year) : k_total_label; }

/// A target's types by their names, "、"-joined.
std::string type_names(const std::string &type, const std::vector<SupplyRow> &rows) {
    std::string out;
    for (const auto &id : annual_row_types(type)) {
        std::string name = id;
        for (const auto &r : rows) {
            if (r.type == id) {
                name = r.type_name;
                break;
            }
        }
        out += (out.empty() ? "" : "、") + name;
    }
    return out;
}

/// The targets table's header and rows, shared by the CSV and the workbook.
const std::vector<std::string> k_target_header = {"年度",     "住房类型", "范围", "指标属性",
                                                  "下限",     "单位",     "指标", "上浮容差（%）",
                                                  "实际供应", "差额",     "状态", "说明"};

std::vector<std::string> target_line(const AnnualRow &r, const std::vector<SupplyRow> &rows) {
    return {std::to_string(r.year),
            type_names(r.type, rows),
            r.zones.empty() ? "全市" : r.zones,
            r.binding ? "约束性" : "预期性",
            r.at_least ? "不少于" : "",
            code_label(CodeList::unit, r.unit, Language::zh),
            fixed(r.target, 4),
            r.at_least ? "" : fixed(100.0 * r.tolerance, 1),
            fixed(r.supplied, 4),
            fixed(r.difference, 4),
            code_label(CodeList::status, r.status, Language::zh),
            r.note};
}

} // namespace

std::string supply_plan_csv(const std::vector<SupplyRow> &rows) {
    std::vector<std::vector<std::string>> lines{
        {"年度", "区县代码", "区县", "住房类型代码", "住房类型", "保障性住房", "用地面积（公顷）",
         "建筑面积（万平方米）", "套数（套）", "地块数", "约束性指标"}};
    for (const auto &r : rows) {
        lines.push_back({year_label(r.year), r.district_id, r.district, r.type, r.type_name,
                         r.affordable ? "是" : "", fixed(r.area_ha, 4), fixed(r.floor_10k_m2, 4),
                         std::to_string(r.units), std::to_string(r.parcels),
                         r.binding ? "是" : ""});
    }
    return csv(lines);
}

std::string targets_csv(const std::vector<AnnualRow> &annual, const std::vector<SupplyRow> &rows) {
    std::vector<std::vector<std::string>> lines{k_target_header};
    for (const auto &r : annual) {
        lines.push_back(target_line(r, rows));
    }
    return csv(lines);
}

namespace {

/// The workbook's cell formats.
struct Formats {
    lxw_format *title, *note, *header, *text, *number, *count, *total_text, *total_number,
        *total_count, *binding_number, *binding_count;
};

Formats make_formats(lxw_workbook *wb) {
    const auto bordered = [&](bool bold, lxw_color_t fill, const char *num_format) {
        lxw_format *f = workbook_add_format(wb);
        format_set_border(f, LXW_BORDER_THIN);
        format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
        if (bold) {
            format_set_bold(f);
        }
        if (fill != 0) {
            format_set_bg_color(f, fill);
        }
        if (num_format != nullptr) {
            format_set_num_format(f, num_format);
        }
        return f;
    };
    constexpr lxw_color_t grey = 0xEDEDED, subtotal = 0xDDEBF7, binding = 0xFFE699;
    Formats F{};
    F.title = workbook_add_format(wb);
    format_set_bold(F.title);
    format_set_font_size(F.title, 14);
    format_set_align(F.title, LXW_ALIGN_CENTER);
    F.note = workbook_add_format(wb);
    format_set_text_wrap(F.note);
    format_set_align(F.note, LXW_ALIGN_VERTICAL_TOP);
    F.header = bordered(true, grey, nullptr);
    format_set_align(F.header, LXW_ALIGN_CENTER);
    format_set_text_wrap(F.header);
    F.text = bordered(false, 0, nullptr);
    F.number = bordered(false, 0, "#,##0.00");
    F.count = bordered(false, 0, "#,##0");
    F.total_text = bordered(true, subtotal, nullptr);
    F.total_number = bordered(true, subtotal, "#,##0.00");
    F.total_count = bordered(true, subtotal, "#,##0");
    F.binding_number = bordered(true, binding, "#,##0.00");
    F.binding_count = bordered(true, binding, "#,##0");
    return F;
}

/// A4 landscape, one page wide, the header rows on every page, page numbers in the footer.
void page_setup(lxw_worksheet *ws, lxw_row_t header_last_row) {
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); // A4
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, header_last_row);
    worksheet_set_footer(ws, "&C第 &P 页，共 &N 页");
}

/// The cells of one supply table: blocks of years (then the horizon), a row per district and
/// one of their total, columns per shown type (公顷, 万平方米, 套) and their total.
void write_supply_sheet(lxw_worksheet *ws, const Formats &F, const std::string &title,
                        const std::vector<SupplyRow> &rows, const std::vector<std::string> &types) {
    std::map<std::tuple<int, std::string, std::string>, const SupplyRow *> cell;
    std::vector<int> years;
    std::vector<std::pair<std::string, std::string>> districts;
    std::map<std::string, std::string> type_name;
    for (const auto &r : rows) {
        cell[{r.year, r.district_id, r.type}] = &r;
        if (r.year > 0 && std::find(years.begin(), years.end(), r.year) == years.end()) {
            years.push_back(r.year);
        }
        if (!r.district_id.empty() &&
            std::none_of(districts.begin(), districts.end(),
                         [&](const auto &d) { return d.first == r.district_id; })) {
            districts.emplace_back(r.district_id, r.district);
        }
        type_name[r.type] = r.type_name;
    }
    const auto columns = static_cast<lxw_col_t>(2 + 3 * (types.size() + 1));
    worksheet_merge_range(ws, 0, 0, 0, columns - 1, title.c_str(), F.title);
    const std::string span =
        years.empty() ? std::string()
                      : std::to_string(years.front()) + "–" + std::to_string(years.back()) + "年";
    worksheet_merge_range(ws, 1, 0, 1, columns - 1,
                          ("单位：用地面积 公顷，建筑面积 万平方米，套数 套。规划期 " + span +
                           "。黄色：该年度该类型有约束性指标。")
                              .c_str(),
                          F.note);
    worksheet_merge_range(ws, 2, 0, 3, 0, "年度", F.header);
    worksheet_merge_range(ws, 2, 1, 3, 1, "区（县）", F.header);
    for (std::size_t t = 0; t <= types.size(); ++t) { // the shown types, then their total
        const auto c = static_cast<lxw_col_t>(2 + 3 * t);
        const std::string name = t < types.size() ? type_name[types[t]] : k_total_label;
        worksheet_merge_range(ws, 2, c, 2, c + 2, name.c_str(), F.header);
        worksheet_write_string(ws, 3, c, "用地（公顷）", F.header);
        worksheet_write_string(ws, 3, c + 1, "建筑面积（万平方米）", F.header);
        worksheet_write_string(ws, 3, c + 2, "套数", F.header);
    }
    worksheet_set_column(ws, 0, 0, 14, nullptr);
    worksheet_set_column(ws, 1, 1, 14, nullptr);
    worksheet_set_column(ws, 2, columns - 1, 11, nullptr);
    worksheet_freeze_panes(ws, 4, 2);
    page_setup(ws, 3);

    const SupplyRow zero; // a cell the rows lack (supply_rows gives every one)
    lxw_row_t row = 4;
    std::vector<int> blocks = years;
    blocks.push_back(0);
    for (int year : blocks) {
        const lxw_row_t first = row;
        std::vector<std::pair<std::string, std::string>> lines = districts;
        lines.emplace_back("", year > 0 ? "小计" : "总计");
        for (const auto &[id, name] : lines) {
            const bool total = id.empty();
            worksheet_write_string(ws, row, 1, name.c_str(), total ? F.total_text : F.text);
            // The shown types' cells, then their sum.
            double area = 0, floor = 0;
            std::int64_t units = 0;
            const auto write = [&](lxw_col_t c, double a, double f, std::int64_t u, bool marked) {
                lxw_format *num = marked ? F.binding_number : total ? F.total_number : F.number;
                lxw_format *cnt = marked ? F.binding_count : total ? F.total_count : F.count;
                worksheet_write_number(ws, row, c, std::round(a * 1e4) / 1e4, num);
                worksheet_write_number(ws, row, c + 1, std::round(f * 1e4) / 1e4, num);
                worksheet_write_number(ws, row, c + 2, static_cast<double>(u), cnt);
            };
            for (std::size_t t = 0; t < types.size(); ++t) {
                const auto found = cell.find({year, id, types[t]});
                const SupplyRow &v = found != cell.end() ? *found->second : zero;
                write(static_cast<lxw_col_t>(2 + 3 * t), v.area_ha, v.floor_10k_m2, v.units,
                      total && v.binding);
                area += v.area_ha;
                floor += v.floor_10k_m2;
                units += v.units;
            }
            write(static_cast<lxw_col_t>(2 + 3 * types.size()), area, floor, units, false);
            ++row;
        }
        const std::string label = year > 0 ? std::to_string(year) + "年" : "合计（" + span + "）";
        if (row - 1 > first) {
            worksheet_merge_range(ws, first, 0, row - 1, 0, label.c_str(), F.header);
        } else {
            worksheet_write_string(ws, first, 0, label.c_str(), F.header);
        }
    }
}

} // namespace

std::vector<std::string> tables_workbook_sheets(bool rolling) {
    std::vector<std::string> sheets = {"年度住宅用地供应计划表", "保障性住房", "年度计划指标"};
    if (rolling) {
        sheets.emplace_back("三年滚动计划");
    }
    return sheets;
}

namespace {

/// A list sheet's title (row 0, across its columns) and header row (row 1).
void write_list_heading(lxw_worksheet *ws, const Formats &F, const std::string &title,
                        const std::vector<std::string> &header) {
    const auto columns = static_cast<lxw_col_t>(header.size());
    worksheet_merge_range(ws, 0, 0, 0, columns - 1, title.c_str(), F.title);
    for (lxw_col_t c = 0; c < columns; ++c) {
        worksheet_write_string(ws, 1, c, header[c].c_str(), F.header);
    }
}

/// The 三年滚动计划 sheet: the re-planned years by district and type against the previous plan,
/// with why each changed (the `rolling_plan` layer); types by their names in `rows`.
void write_rolling_sheet(lxw_worksheet *ws, const Formats &F, const std::string &title,
                         const std::vector<RollingRow> &rolling,
                         const std::vector<SupplyRow> &rows) {
    static const std::vector<std::string> header = {
        "年度",         "区县",    "住房类型",         "用地（公顷）",
        "套数",         "地块数",  "上轮用地（公顷）", "上轮套数",
        "变化（公顷）", "调整原因"};
    write_list_heading(ws, F, title, header);
    const auto name_of = [&](const std::string &type) {
        for (const auto &r : rows) {
            if (r.type == type) {
                return r.type_name;
            }
        }
        return type;
    };
    lxw_row_t row = 2;
    for (const RollingRow &r : rolling) {
        worksheet_write_number(ws, row, 0, r.year, F.text);
        worksheet_write_string(ws, row, 1, r.district_name.c_str(), F.text);
        worksheet_write_string(ws, row, 2, name_of(r.type).c_str(), F.text);
        worksheet_write_number(ws, row, 3, r.area_ha, F.number);
        worksheet_write_number(ws, row, 4, std::round(r.units), F.count);
        worksheet_write_number(ws, row, 5, r.parcels, F.count);
        worksheet_write_number(ws, row, 6, r.previous_area_ha, F.number);
        if (std::isfinite(r.previous_units)) {
            worksheet_write_number(ws, row, 7, std::round(r.previous_units), F.count);
        } else {
            worksheet_write_blank(ws, row, 7, F.count);
        }
        worksheet_write_number(ws, row, 8, r.area_ha - r.previous_area_ha, F.number);
        worksheet_write_string(ws, row, 9, r.why.c_str(), F.text);
        ++row;
    }
    worksheet_set_column(ws, 0, 0, 8, nullptr);
    worksheet_set_column(ws, 1, 2, 16, nullptr);
    worksheet_set_column(ws, 3, 8, 12, nullptr);
    worksheet_set_column(ws, 9, 9, 70, nullptr);
    worksheet_freeze_panes(ws, 2, 3);
    page_setup(ws, 1);
}

} // namespace

void write_tables_workbook(const std::string &path, const std::string &title,
                           const std::vector<SupplyRow> &rows, const std::vector<AnnualRow> &annual,
                           const std::vector<RollingRow> &rolling) {
    lxw_workbook *wb = workbook_new(path.c_str());
    if (wb == nullptr) {
        throw OutputError(path + ": cannot create the workbook; check that the directory is "
                                 "writable and has space");
    }
    const Formats F = make_formats(wb);
    const std::vector<std::string> sheets = tables_workbook_sheets(!rolling.empty());
    std::vector<std::string> all, affordable;
    for (const auto &r : rows) {
        if (!r.type.empty() && std::find(all.begin(), all.end(), r.type) == all.end()) {
            all.push_back(r.type);
            if (r.affordable) {
                affordable.push_back(r.type);
            }
        }
    }
    const std::string prefix = title.empty() ? "" : title + " ";
    write_supply_sheet(workbook_add_worksheet(wb, sheets[0].c_str()), F,
                       prefix + "年度住宅用地供应计划表", rows, all);
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheets[1].c_str());
    if (affordable.empty()) {
        worksheet_set_column(ws, 0, 0, 90, nullptr);
        worksheet_write_string(ws, 0, 0, (prefix + "保障性住房供应计划表").c_str(), F.title);
        worksheet_write_string(ws, 1, 0,
                               "计划文件未将任何住房类型标为保障性住房（在 [housing_types.<id>] "
                               "中写 affordable = true）。",
                               F.note);
    } else {
        write_supply_sheet(ws, F, prefix + "保障性住房供应计划表（分区县）", rows, affordable);
    }

    ws = workbook_add_worksheet(wb, sheets[2].c_str());
    const auto columns = static_cast<lxw_col_t>(k_target_header.size());
    write_list_heading(ws, F, prefix + "年度计划指标与供应", k_target_header);
    lxw_row_t row = 2;
    for (const auto &r : annual) {
        const std::vector<std::string> line = target_line(r, rows);
        for (lxw_col_t c = 0; c < columns; ++c) {
            const bool numeric = (c >= 6 && c <= 9) && !line[c].empty();
            lxw_format *f = r.binding ? (numeric ? F.binding_number : F.total_text)
                                      : (numeric ? F.number : F.text);
            if (c == 0) {
                worksheet_write_number(ws, row, c, r.year, F.text);
            } else if (numeric) {
                worksheet_write_number(ws, row, c, std::stod(line[c]), f);
            } else {
                worksheet_write_string(ws, row, c, line[c].c_str(), f);
            }
        }
        ++row;
    }
    worksheet_set_column(ws, 0, 0, 8, nullptr);
    worksheet_set_column(ws, 1, 1, 28, nullptr);
    worksheet_set_column(ws, 2, 10, 12, nullptr);
    worksheet_set_column(ws, 11, 11, 60, nullptr);
    worksheet_freeze_panes(ws, 2, 2);
    page_setup(ws, 1);
    if (!rolling.empty()) {
        write_rolling_sheet(workbook_add_worksheet(wb, sheets[3].c_str()), F,
                            prefix + "三年滚动计划（与上轮计划对照）", rolling, rows);
    }

    const lxw_error err = workbook_close(wb);
    if (err != LXW_NO_ERROR) {
        throw OutputError(path +
                          ": the workbook could not be written: " + std::string(lxw_strerror(err)) +
                          "; check that the directory is writable and has space");
    }
}

namespace {

/// `suffix` in place of a GeoPackage's extension: "plan.gpkg" -> "plan" + suffix.
std::string beside(const std::string &gpkg_path, const char *suffix) {
    std::filesystem::path p(gpkg_path);
    if (p.extension() == ".gpkg" || p.extension() == ".GPKG") {
        p.replace_extension();
    }
    return p.string() + suffix;
}

} // namespace

std::string supply_csv_path_for(const std::string &gpkg_path) {
    return beside(gpkg_path, ".supply_plan.csv");
}

std::string targets_csv_path_for(const std::string &gpkg_path) {
    return beside(gpkg_path, ".targets.csv");
}

std::string workbook_path_for(const std::string &gpkg_path) {
    return beside(gpkg_path, ".tables.xlsx");
}

} // namespace landalloc
