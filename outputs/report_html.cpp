#include "outputs/report.hpp"

#include "gis/postgis_writer.hpp"
#include "outputs/plan_fields.hpp"
#include "outputs/styles.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

namespace landalloc {

namespace {

std::string num(double v, int decimals = 2) {
    if (!std::isfinite(v)) {
        return "–";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string esc(const std::string &s) { return xml_escape(s); }

/// Decimals of an annual row's figures: whole units (套), else two.
int places(const AnnualRow &r) { return r.unit == "units" ? 0 : 2; }

using detail::leading_number;

/// A target's or rule's status in the report's language: "SHORT (binding)" or "不足（约束性）".
std::string status_text(const std::string &status, bool binding, Language l) {
    if (l == Language::en) {
        return status_display(status, binding);
    }
    const std::string label = code_label(CodeList::status, status, l);
    return binding && (status == "short" || status == "over") ? label + "（约束性）" : label;
}

/// "binding" or "indicative" in `l`.
const char *binding_text(bool binding, Language l) {
    return binding ? tr(l, "binding", "约束性") : tr(l, "indicative", "预期性");
}

/// Maps projected coordinates into an SVG box (y up -> y down), keeping the aspect ratio.
struct SvgFrame {
    gis::Bounds b;
    double scale = 1;
    double width = 900;
    double height = 600;

    SvgFrame(const gis::Bounds &bounds, double max_w, double max_h) : b(bounds) {
        const double w = std::max(b.max_x - b.min_x, 1.0);
        const double h = std::max(b.max_y - b.min_y, 1.0);
        scale = std::min(max_w / w, max_h / h);
        width = w * scale;
        height = h * scale;
    }
    std::string path(const std::vector<std::vector<gis::Point>> &rings) const {
        std::string d;
        char buf[64];
        for (const auto &ring : rings) {
            for (std::size_t i = 0; i < ring.size(); ++i) {
                std::snprintf(buf, sizeof buf, "%c%.1f %.1f", i == 0 ? 'M' : 'L',
                              (ring[i].x - b.min_x) * scale, (b.max_y - ring[i].y) * scale);
                d += buf;
            }
            d += 'Z';
        }
        return d;
    }
};

void grow(std::optional<gis::Bounds> &ext, const std::vector<std::vector<gis::Point>> &rings) {
    for (const auto &ring : rings) {
        for (const auto &p : ring) {
            if (!ext) {
                ext = gis::Bounds{p.x, p.y, p.x, p.y};
            } else {
                ext->min_x = std::min(ext->min_x, p.x);
                ext->min_y = std::min(ext->min_y, p.y);
                ext->max_x = std::max(ext->max_x, p.x);
                ext->max_y = std::max(ext->max_y, p.y);
            }
        }
    }
}

/// The extent of the report's maps: the zones and the parcels (none without geometry).
std::optional<gis::Bounds> map_extent(const ReportData &d) {
    std::optional<gis::Bounds> ext;
    for (const auto &z : d.zones) {
        grow(ext, z.rings);
    }
    for (const auto &p : d.parcels) {
        grow(ext, p.rings);
    }
    return ext;
}

/// The zones' names, each at the mean of its largest ring's vertices.
std::string zone_labels(const ReportData &d, const SvgFrame &frame, double size_px) {
    std::ostringstream s;
    s << "<g class=\"zone-labels\" font-size=\"" << num(size_px, 0)
      << "\" text-anchor=\"middle\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"2.5\" "
         "paint-order=\"stroke\">\n";
    for (const auto &z : d.zones) {
        const std::vector<gis::Point> *ring = nullptr;
        for (const auto &r : z.rings) {
            ring = ring == nullptr || r.size() > ring->size() ? &r : ring;
        }
        if (ring == nullptr || ring->empty()) {
            continue;
        }
        double x = 0, y = 0;
        for (const auto &p : *ring) {
            x += p.x;
            y += p.y;
        }
        const auto n = static_cast<double>(ring->size());
        const double px = (x / n - frame.b.min_x) * frame.scale;
        // Near an edge the name runs inwards, so that it stays on the map.
        const char *anchor = px < frame.width * 0.15   ? "start"
                             : px > frame.width * 0.85 ? "end"
                                                       : "middle";
        s << "<text x=\"" << num(px, 1) << "\" y=\""
          << num((frame.b.max_y - y / n) * frame.scale, 1) << "\" text-anchor=\"" << anchor << "\">"
          << esc(z.name) << "</text>\n";
    }
    s << "</g>\n";
    return s.str();
}

/// A scale bar (bottom left, a round length near a fifth of the map) and a north arrow (top
/// right; the map is in a projected CRS with north up).
std::string map_furniture(const SvgFrame &frame) {
    const double target_m = (frame.width / frame.scale) / 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(target_m)));
    double length_m = magnitude;
    for (double step : {2.0, 5.0}) {
        length_m = step * magnitude <= target_m ? step * magnitude : length_m;
    }
    const double px = length_m * frame.scale;
    const double x0 = 10, y0 = frame.height - 10;
    const std::string label =
        length_m >= 1000 ? num(length_m / 1000, 0) + " km" : num(length_m, 0) + " m";
    const double ax = frame.width - 18;
    std::ostringstream s;
    s << "<g class=\"scale-bar\" stroke=\"#222\" stroke-width=\"2\"><line x1=\"" << num(x0, 1)
      << "\" y1=\"" << num(y0, 1) << "\" x2=\"" << num(x0 + px, 1) << "\" y2=\"" << num(y0, 1)
      << "\"/><line x1=\"" << num(x0, 1) << "\" y1=\"" << num(y0 - 5, 1) << "\" x2=\"" << num(x0, 1)
      << "\" y2=\"" << num(y0, 1) << "\"/><line x1=\"" << num(x0 + px, 1) << "\" y1=\""
      << num(y0 - 5, 1) << "\" x2=\"" << num(x0 + px, 1) << "\" y2=\"" << num(y0, 1)
      << "\"/><text x=\"" << num(x0 + px / 2, 1) << "\" y=\"" << num(y0 - 6, 1)
      << "\" font-size=\"11\" text-anchor=\"middle\" stroke=\"none\" fill=\"#222\">" << label
      << "</text></g>\n"
      << "<g class=\"north-arrow\"><polygon points=\"" << num(ax, 1) << ",8 " << num(ax - 7, 1)
      << ",30 " << num(ax, 1) << ",25 " << num(ax + 7, 1) << ",30\" fill=\"#222\"/><text x=\""
      << num(ax, 1)
      << "\" y=\"44\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">N</text></g>\n";
    return s.str();
}

/// The map of the plan: every allocated parcel (year 0) or those of one year, coloured by
/// housing type, over the zone outlines and names, with a scale bar and a north arrow. The
/// all-years map's groups carry the ids `parcels` and `zones`.
std::string map_svg(const ReportData &d, const std::vector<std::string> &types, int year,
                    double max_w, double max_h, Language l) {
    const std::optional<gis::Bounds> ext = map_extent(d);
    if (!ext) {
        return std::string("<p>") + tr(l, "No geometries to map.", "没有可绘制的几何图形。") +
               "</p>";
    }
    const SvgFrame frame(*ext, max_w, max_h);
    std::map<std::string, std::size_t> type_index;
    for (std::size_t i = 0; i < types.size(); ++i) {
        type_index[types[i]] = i;
    }
    const std::vector<Rgb> colours = housing_type_colours(types);
    const std::string group = year == 0 ? "id" : "class";
    std::ostringstream s;
    s << "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
      << num(frame.width, 1) << " " << num(frame.height, 1) << "\" width=\"" << num(frame.width, 0)
      << "\" height=\"" << num(frame.height, 0) << "\" role=\"img\" aria-label=\""
      << tr(l, "Map of the plan", "规划图")
      << (year == 0 ? std::string() : ", " + std::to_string(year)) << "\">\n<g " << group
      << "=\"parcels\" stroke=\"none\">\n";
    for (const auto &p : d.parcels) {
        if (year != 0 && p.year != year) {
            continue;
        }
        const std::size_t idx = type_index.count(p.type) ? type_index[p.type] : 0;
        s << "<path fill=\"" << colours[idx].hex() << "\" d=\"" << frame.path(p.rings)
          << "\"><title>" << esc(p.type) << " " << p.year << "</title></path>\n";
    }
    s << "</g>\n<g " << group << "=\"zones\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\">\n";
    for (const auto &z : d.zones) {
        s << "<path fill-rule=\"evenodd\" d=\"" << frame.path(z.rings) << "\"><title>"
          << esc(z.name) << "</title></path>\n";
    }
    s << "</g>\n"
      << zone_labels(d, frame, year == 0 ? 12 : 9) << map_furniture(frame) << "</svg>\n";
    return s.str();
}

/// The legend of the maps: the types' colours and the zone outline.
std::string map_legend(const ReportData &d, const std::vector<std::string> &types, Language l) {
    const std::vector<Rgb> colours = housing_type_colours(types);
    const TypeNames names = d.type_names();
    std::ostringstream s;
    s << "<p class=\"legend\">";
    for (std::size_t i = 0; i < types.size(); ++i) {
        s << "<span><i style=\"background:" << colours[i].hex() << "\"></i>"
          << esc(housing_type_label(types[i], names)) << "</span> ";
    }
    s << "<span><i style=\"border:1px solid #444;background:none\"></i>"
      << tr(l, "zone outline", "片区界线") << "</span></p>\n";
    return s.str();
}

/// A grouped bar chart of one housing type: target and supplied for each year.
std::string bar_chart(const std::vector<const AnnualRow *> &rows, const Rgb &colour, Language l) {
    double top = 0;
    for (const auto *r : rows) {
        top = std::max({top, r->target * (1 + r->tolerance), r->supplied});
    }
    if (top <= 0) {
        top = 1;
    }
    const double h = 180, w_bar = 22, gap = 18, left = 60, base = h + 10;
    const double width = left + static_cast<double>(rows.size()) * (2 * w_bar + gap) + 10;
    std::ostringstream s;
    s << "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width, 0)
      << "\" height=\"" << num(h + 40, 0) << "\" viewBox=\"0 0 " << num(width, 0) << " "
      << num(h + 40, 0) << "\">\n"
      << "<line x1=\"" << left << "\" y1=\"" << base << "\" x2=\"" << num(width, 0) << "\" y2=\""
      << base << "\" stroke=\"#888\"/>\n"
      << "<text x=\"" << left - 4 << "\" y=\"" << 14 << "\" text-anchor=\"end\">" << num(top, 0)
      << "</text><text x=\"" << left - 4 << "\" y=\"" << base
      << "\" text-anchor=\"end\">0</text>\n";
    double x = left + gap / 2;
    for (const auto *r : rows) {
        const double th = r->target / top * h;
        const double sh = r->supplied / top * h;
        s << "<rect x=\"" << num(x, 1) << "\" y=\"" << num(base - th, 1) << "\" width=\"" << w_bar
          << "\" height=\"" << num(th, 1) << "\" fill=\"#cfcfcf\"><title>"
          << tr(l, "target ", "指标 ") << r->year << ": " << num(r->target) << " "
          << esc(code_label(CodeList::unit, r->unit, l)) << "</title></rect>\n"
          << "<rect x=\"" << num(x + w_bar, 1) << "\" y=\"" << num(base - sh, 1) << "\" width=\""
          << w_bar << "\" height=\"" << num(sh, 1) << "\" fill=\"" << colour.hex() << "\""
          << (r->met ? "" : " stroke=\"#000\" stroke-dasharray=\"3 2\"") << "><title>"
          << tr(l, "supplied ", "供应 ") << r->year << ": " << num(r->supplied) << " "
          << esc(code_label(CodeList::unit, r->unit, l)) << "</title></rect>\n"
          << "<text x=\"" << num(x + w_bar, 1) << "\" y=\"" << num(base + 16, 0)
          << "\" text-anchor=\"middle\">" << r->year << "</text>\n";
        x += 2 * w_bar + gap;
    }
    s << "</svg>\n";
    return s.str();
}

/// The 年度住宅用地供应计划表: a block per year (then the horizon) of the districts and their
/// total, the plan's types in 公顷, 万平方米 and 套; yellow: the total of a type a binding target
/// covers that year.
std::string supply_table_html(const std::vector<SupplyRow> &rows) {
    std::vector<std::pair<std::string, std::string>> types; // id, name; "" = all
    std::vector<int> blocks;
    std::size_t districts = 0;
    for (const auto &r : rows) {
        if (std::none_of(types.begin(), types.end(),
                         [&](const auto &t) { return t.first == r.type; })) {
            types.emplace_back(r.type, r.type_name);
        }
        if (std::find(blocks.begin(), blocks.end(), r.year) == blocks.end()) {
            blocks.push_back(r.year);
        }
        districts += (r.year == rows.front().year && r.type == rows.front().type) ? 1 : 0;
    }
    std::ostringstream s;
    s << "<h2 class=\"new-page\">年度住宅用地供应计划表</h2>\n<p>单位：用地 公顷，建筑面积 "
         "万平方米，套数 套。"
         "黄色：该年度该类型有约束性指标。分项与合计均由同一组取整后的数值相加。</p>\n"
      << "<table id=\"supply_plan\" class=\"official\">\n<thead><tr><th rowspan=\"2\">年度</th>"
         "<th rowspan=\"2\">区（县）</th>";
    for (const auto &t : types) {
        s << "<th colspan=\"3\">" << esc(t.second) << "</th>";
    }
    s << "</tr>\n<tr>";
    for (std::size_t t = 0; t < types.size(); ++t) {
        s << "<th>公顷</th><th>万m²</th><th>套</th>";
    }
    s << "</tr></thead>\n";
    // Rows come year by year (the horizon last), district by district (the total last), type by
    // type (the total last): a row of the table is one run of types.size() rows.
    const std::string span = blocks.size() > 1 ? std::to_string(blocks.front()) + "–" +
                                                     std::to_string(blocks[blocks.size() - 2])
                                               : std::string();
    for (std::size_t i = 0; i + types.size() <= rows.size(); i += types.size()) {
        const SupplyRow &first = rows[i];
        const bool total = first.district_id.empty();
        const bool block_start = i % (districts * types.size()) == 0;
        s << "<tr" << (total ? " class=\"total\"" : "") << " data-year=\"" << first.year
          << "\" data-district=\"" << esc(first.district_id) << "\">";
        if (block_start) {
            s << "<th rowspan=\"" << districts << "\">"
              << (first.year > 0 ? std::to_string(first.year) + "年" : "合计（" + span + "）")
              << "</th>";
        }
        s << "<td>" << esc(total ? (first.year > 0 ? "小计" : "总计") : first.district) << "</td>";
        for (std::size_t t = 0; t < types.size(); ++t) {
            const SupplyRow &r = rows[i + t];
            const std::string cls = total && r.binding && !r.type.empty() ? "n binding" : "n";
            s << "<td class=\"" << cls << "\">" << num(r.area_ha) << "</td><td class=\"" << cls
              << "\">" << num(r.floor_10k_m2) << "</td><td class=\"" << cls << "\">" << r.units
              << "</td>";
        }
        s << "</tr>\n";
    }
    s << "</table>\n";
    return s.str();
}

const char *k_css =
    R"(body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}#annual td:nth-child(3){white-space:nowrap}th{background:#f0f0f0}
tr.unmet td{background:#fdecea}.chart text{font-size:11px;fill:#444}
.legend span{margin-right:1.2em}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
svg.map{border:1px solid #ddd;max-width:100%;height:auto}pre{white-space:pre-wrap;background:#f7f7f7;padding:1em}
.years{display:flex;flex-wrap:wrap;gap:10px}figure.year-map{margin:0;width:440px}
figure.year-map figcaption{font-weight:bold}
.chart-box{display:inline-block;vertical-align:top;width:32%;min-width:300px;break-inside:avoid;page-break-inside:avoid}
code{overflow-wrap:anywhere}#solver th{white-space:nowrap;width:1%}
table.official{font-size:12px}table.official td,table.official th{padding:2px 5px}
table.official tr.total td{font-weight:bold;background:#ddebf7}table.official td.binding{background:#ffe699}
#annual td.binding,#rules td.binding{background:#ffe699;font-weight:bold}
@page{size:A4;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:9pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1,h2,h3{break-after:avoid;page-break-after:avoid;break-inside:avoid}
h2+p{break-after:avoid;page-break-after:avoid}h2.new-page{break-before:page;page-break-before:always}
table{width:100%;font-size:7.5pt;break-inside:auto}
td,th{padding:1px 3px;overflow-wrap:anywhere}td.n{white-space:nowrap;overflow-wrap:normal}
tr{break-inside:avoid;page-break-inside:avoid}
table.official{font-size:5.5pt}table.official td,table.official th{padding:1px}
svg.map,svg.chart{max-width:100%;height:auto;break-inside:avoid}
figure.year-map{width:48%;break-inside:avoid;page-break-inside:avoid}
.legend{break-after:avoid;page-break-after:avoid}.chart-box{width:48%}
p,pre{overflow-wrap:anywhere}pre{font-size:6.5pt}}
)";

} // namespace

std::string render_report_html(const ReportData &d) {
    Plan types_of;
    types_of.annual = d.annual;
    std::vector<std::string> types = plan_housing_types(types_of);
    for (const auto &p : d.parcels) {
        if (std::find(types.begin(), types.end(), p.type) == types.end()) {
            types.push_back(p.type);
        }
    }
    const std::vector<Rgb> colours = housing_type_colours(types);
    const TypeNames names = d.type_names();
    const std::string plan_name = d.meta("plan_name");
    const Language l = d.language();
    const bool zh = l == Language::zh;
    const std::string colon = tr(l, ": ", "：");
    std::ostringstream s;
    s << "<!DOCTYPE html>\n<html lang=\"" << tr(l, "en", "zh-CN")
      << "\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>" << tr(l, "landalloc report", "landalloc 报告")
      << (plan_name.empty() ? "" : colon + esc(plan_name)) << "</title>\n<style>" << k_css
      << "</style>\n</head>\n<body>\n"
      << "<h1>" << tr(l, "Residential land-supply plan", "住宅用地供应计划")
      << (plan_name.empty() ? "" : colon + esc(plan_name)) << "</h1>\n";
    const std::string scenario = d.meta("scenario");
    if (!scenario.empty()) {
        s << "<p class=\"scenario\">" << tr(l, "Scenario ", "情景 ") << "<strong>" << esc(scenario)
          << "</strong>" << tr(l, " of the plan file (its ", "（规划文件 ") << "<code>[scenarios."
          << esc(scenario) << "]</code>" << tr(l, " overrides).", " 的设定）。") << "</p>\n";
    }
    // A GeoPackage by its file name; a database (PG:...) as given, password redacted.
    s << "<p>" << tr(l, "From ", "数据：") << "<code>"
      << esc(gis::is_postgis(d.source) ? d.source
                                       : std::filesystem::path(d.source).filename().string())
      << "</code>" << tr(l, "; input ", "；输入 ") << "<code>" << esc(d.meta("input")) << "</code>"
      << tr(l, ", horizon ", "，规划期 ") << esc(d.meta("horizon")) << tr(l, ", CRS ", "，坐标系 ")
      << esc(d.meta("crs")) << tr(l, ", seed ", "，随机种子 ") << esc(d.meta("seed"))
      << tr(l, ".", "。") << "</p>\n";

    // Solver and status.
    std::size_t unmet_binding = 0;
    std::size_t unmet = 0;
    for (const auto &r : d.annual) {
        unmet += r.met ? 0 : 1;
        unmet_binding += (!r.met && r.binding) ? 1 : 0;
    }
    s << "<h2>" << tr(l, "Solver and status", "求解与完成情况") << "</h2>\n<table id=\"solver\">\n";
    // Each key of run_metadata with its Chinese name.
    for (const auto &[key, key_zh] : std::initializer_list<std::pair<const char *, const char *>>{
             {"solver", "求解器"},
             {"status", "完成情况"},
             {"solver_status", "求解状态"},
             {"objective", "目标函数值"},
             {"bound", "上界"},
             {"gap", "最优性间隙"},
             {"duration_s", "用时（秒）"},
             {"candidate_parcels", "候选地块"},
             {"allocated_parcels", "供应地块"},
             {"landalloc_version", "landalloc 版本"},
             {"started_utc", "运行时间（UTC）"}}) {
        std::string v = d.meta(key);
        // The gap as a percentage (0.00169505 reads as 0.170 %).
        if (const auto gap = leading_number(v); std::string(key) == "gap" && gap) {
            v = num(100.0 * *gap, 3) + " %";
        }
        // The status in Chinese says what the tables below show (the terminal's English
        // sentence lists every row not met).
        if (zh && std::string(key) == "status" && !v.empty()) {
            v = v == "all targets met" ? "全部指标和规则达标" : "未全部达标，见下方“未达标指标”";
        }
        if (!v.empty()) {
            s << "<tr data-key=\"" << key << "\"><th>" << (zh ? key_zh : key) << "</th><td>"
              << esc(v) << "</td></tr>\n";
        }
    }
    if (zh) {
        s << "<tr><th>未达标指标</th><td>" << d.annual.size() << " 项中 " << unmet
          << " 项（其中约束性 " << unmet_binding << " 项）</td></tr>\n</table>\n";
    } else {
        s << "<tr><th>targets not met</th><td>" << unmet << " of " << d.annual.size() << " ("
          << unmet_binding << " binding)</td></tr>\n</table>\n";
    }

    // Targets vs supplied.
    s << "<h2>" << tr(l, "Targets and supply by year and housing type", "分年度、分类型指标与供应")
      << "</h2>\n<p>"
      << tr(l, "Grey: target; coloured: supplied (dashed outline: target not met).",
            "灰色：指标；彩色：供应（虚线框：未达标）。")
      << "</p>\n";
    for (std::size_t t = 0; t < types.size(); ++t) {
        std::vector<const AnnualRow *> rows;
        for (const auto &r : d.annual) {
            if (r.type == types[t]) {
                rows.push_back(&r);
            }
        }
        if (rows.empty()) {
            continue;
        }
        s << "<div class=\"chart-box\"><h3>" << esc(housing_type_label(types[t], names))
          << tr(l, " (", "（") << esc(code_label(CodeList::unit, rows.front()->unit, l))
          << tr(l, ")", "）") << "</h3>\n"
          << bar_chart(rows, colours[t], l) << "</div>\n";
    }
    s << "<table id=\"annual\">\n<thead><tr>"
      << tr(l,
            "<th>year</th><th>housing type</th><th>unit</th><th>target</th><th>tolerance</th>"
            "<th>binding</th><th>supplied</th><th>difference</th><th>land ha</th>"
            "<th>floor area m²</th><th>units</th><th>parcels</th><th>status</th>",
            "<th>年度</th><th>住房类型</th><th>单位</th><th>指标</th><th>容差</th><th>指标性质</th>"
            "<th>供应</th><th>差额</th><th>用地（公顷）</th><th>建筑面积（m²）</th><th>套数</th>"
            "<th>地块数</th><th>完成情况</th>")
      << "</tr></thead>\n";
    for (const auto &r : d.annual) {
        s << "<tr class=\"annual" << (r.met ? "" : " unmet") << "\" data-year=\"" << r.year
          << "\" data-type=\"" << esc(r.type) << "\"><td>" << r.year << "</td><td>"
          << esc(zh ? housing_type_name(r.type, names) : r.type) << "</td><td>"
          << esc(code_label(CodeList::unit, r.unit, l)) << "</td><td class=\"n\">"
          << num(r.target, places(r)) << "</td><td class=\"n\">"
          << (r.lower_tolerance > 0 ? "-" + num(r.lower_tolerance * 100, 1) + " / " : "") << "+"
          << num(r.tolerance * 100, 1) << " %</td><td" << (r.binding ? " class=\"binding\"" : "")
          << ">" << binding_text(r.binding, l) << "</td><td class=\"n\">"
          << num(r.supplied, places(r)) << "</td><td class=\"n\">" << (r.difference >= 0 ? "+" : "")
          << num(r.difference, places(r)) << "</td><td class=\"n\">" << num(r.supplied_ha)
          << "</td><td class=\"n\">" << num(r.supplied_floor_m2, 0) << "</td><td class=\"n\">"
          << num(r.supplied_units, 0) << "</td><td class=\"n\">" << r.parcels << "</td><td>"
          << esc(status_text(r.status, r.binding, l)) << "</td></tr>\n";
    }
    s << "</table>\n";

    // The 年度住宅用地供应计划表 (outputs/official_tables.hpp).
    if (!d.supply.empty()) {
        s << supply_table_html(d.supply);
    }

    // The three-year rolling plan of a re-plan (三年滚动计划).
    if (!d.meta("replan_from_year").empty()) {
        if (zh) {
            s << "<h2>三年滚动计划</h2>\n<p>自 " << esc(d.meta("replan_from_year"))
              << " 年起重新编制：此前年度已供应并保留 " << esc(d.meta("replan_fixed_sites"))
              << " 宗，已计划未供应 " << esc(d.meta("replan_withdrawn_sites")) << " 宗";
            if (!d.meta("replan_added_sites").empty()) {
                s << "，计划外供应 " << esc(d.meta("replan_added_sites")) << " 宗";
            }
            s << "；不足与超出的结转方式：" << esc(d.meta("replan_carry")) << "。</p>\n";
        } else {
            s << "<h2>Three-year rolling plan (三年滚动计划)</h2>\n<p>Re-planned from "
              << esc(d.meta("replan_from_year")) << ": " << esc(d.meta("replan_fixed_sites"))
              << " sites of earlier years kept as supplied, "
              << esc(d.meta("replan_withdrawn_sites"))
              << " planned sites of earlier years not supplied";
            if (!d.meta("replan_added_sites").empty()) {
                s << ", " << esc(d.meta("replan_added_sites")) << " supplied that no plan had";
            }
            s << "; shortfalls and surpluses carried: " << esc(d.meta("replan_carry")) << ".</p>\n";
        }
        std::vector<std::string> carried;
        for (const auto &[key, value] : d.metadata) {
            if (key.starts_with("replan_carried ")) {
                carried.push_back(value);
            }
        }
        if (!carried.empty()) {
            s << "<ul id=\"carried\">\n";
            for (const auto &c : carried) {
                s << "<li>" << esc(c) << "</li>\n";
            }
            s << "</ul>\n";
        }
        s << "<table id=\"rolling\">\n<thead><tr>"
          << tr(l,
                "<th>year</th><th>district</th><th>housing type</th><th>land ha</th><th>units</th>"
                "<th>parcels</th><th>previous ha</th><th>previous units</th><th>change ha</th>"
                "<th>why</th>",
                "<th>年度</th><th>区县</th><th>住房类型</th><th>用地（公顷）</th><th>套数</th>"
                "<th>地块数</th><th>上轮用地（公顷）</th><th>上轮套数</th><th>变化（公顷）</th>"
                "<th>调整原因</th>")
          << "</tr></thead>\n";
        for (const auto &r : d.rolling) {
            s << "<tr class=\"rolling\" data-year=\"" << r.year << "\"><td>" << r.year
              << "</td><td>" << esc(r.district_name) << "</td><td>"
              << esc(zh ? housing_type_name(r.type, names) : r.type) << "</td><td class=\"n\">"
              << num(r.area_ha) << "</td><td class=\"n\">" << num(r.units, 0)
              << "</td><td class=\"n\">" << r.parcels << "</td><td class=\"n\">"
              << num(r.previous_area_ha) << "</td><td class=\"n\">" << num(r.previous_units, 0)
              << "</td><td class=\"n\">" << (r.area_ha >= r.previous_area_ha ? "+" : "")
              << num(r.area_ha - r.previous_area_ha) << "</td><td>" << esc(r.why) << "</td></tr>\n";
        }
        s << "</table>\n";
    }

    // Rules of the housing plan.
    if (!d.rules.empty()) {
        s << "<h2>" << tr(l, "Rules", "规划规则") << "</h2>\n<table id=\"rules\">\n<thead><tr>"
          << tr(l,
                "<th>rule</th><th>requirement</th><th>achieved</th><th>required</th>"
                "<th>broken by</th><th>binding</th><th>status</th>",
                "<th>规则</th><th>要求</th><th>实际</th><th>要求值</th><th>偏差</th>"
                "<th>指标性质</th><th>完成情况</th>")
          << "</tr></thead>\n";
        for (const auto &r : d.rules) {
            const bool share = r.unit == "share";
            s << "<tr class=\"rule" << (r.met ? "" : " unmet") << "\"><td>" << esc(r.rule)
              << "</td><td>" << esc(r.label) << "</td><td class=\"n\">"
              << (share ? num(100 * r.actual, 1) + " %"
                        : num(r.actual) + " " + esc(code_label(CodeList::unit, r.unit, l)))
              << "</td><td class=\"n\">" << (r.floor ? "&ge; " : "&le; ")
              << (share ? num(100 * r.limit, 1) + " %"
                        : num(r.limit) + " " + esc(code_label(CodeList::unit, r.unit, l)))
              << "</td><td class=\"n\">"
              << (r.met ? std::string("")
                        : num(r.violation) + " " +
                              esc(code_label(CodeList::unit, r.violation_unit, l)))
              << "</td><td" << (r.binding ? " class=\"binding\"" : "") << ">"
              << binding_text(r.binding, l) << "</td><td>"
              << esc(status_text(r.status, r.binding, l)) << "</td></tr>\n";
        }
        s << "</table>\n";
    }

    // Shortfalls.
    s << "<h2>" << tr(l, "Shortfalls", "未达标指标") << "</h2>\n";
    if (unmet == 0) {
        s << "<p id=\"shortfalls\">"
          << tr(l, "Every target is met: supplied at or above its figure.",
                "全部指标达标：供应量均不低于指标。")
          << "</p>\n";
    } else {
        s << "<table id=\"shortfalls\">\n<thead><tr>"
          << tr(l,
                "<th>year</th><th>housing type</th><th>binding</th><th>target</th>"
                "<th>supplied</th><th>difference</th><th>status</th><th>note</th>",
                "<th>年度</th><th>住房类型</th><th>指标性质</th><th>指标</th><th>供应</th>"
                "<th>差额</th><th>完成情况</th><th>说明</th>")
          << "</tr></thead>\n";
        for (std::size_t i = 0; i < d.annual.size(); ++i) {
            const auto &r = d.annual[i];
            if (r.met) {
                continue;
            }
            std::string note = r.note;
            if (!d.annual_causes[i].empty()) {
                note += (note.empty() ? "" : tr(l, " — cause: ", "——原因：")) +
                        code_label(CodeList::cause, d.annual_causes[i], l);
            }
            s << "<tr><td>" << r.year << "</td><td>"
              << esc(zh ? housing_type_name(r.type, names) : r.type) << "</td><td>"
              << binding_text(r.binding, l) << "</td><td class=\"n\">" << num(r.target) << " "
              << esc(code_label(CodeList::unit, r.unit, l)) << "</td><td class=\"n\">"
              << num(r.supplied) << "</td><td class=\"n\">" << num(r.difference) << "</td><td>"
              << esc(status_text(r.status, r.binding, l)) << "</td><td>" << esc(note)
              << "</td></tr>\n";
        }
        s << "</table>\n";
    }

    // Jobs and housing by zone.
    const auto classes = ratio_classes(d.ratio_min, d.ratio_max, l);
    const auto ratio_cell = [&](double v) {
        const std::size_t k = ratio_class_of(v, classes);
        const std::string style =
            k < classes.size() ? " style=\"background:" + classes[k].colour.hex() + "\"" : "";
        return "<td class=\"n\"" + style + ">" + num(v) + "</td>";
    };
    s << "<h2>" << tr(l, "Jobs and housing by zone", "各片区职住情况") << "</h2>\n<p>"
      << tr(l, "Jobs per dwelling before and after the plan. Colours: ",
            "规划前后每套住房对应的就业岗位（职住比）。颜色：");
    for (const auto &c : classes) {
        s << "<span style=\"background:" << c.colour.hex() << ";padding:0 4px\">" << esc(c.label)
          << "</span> ";
    }
    s << "</p>\n<table id=\"zones\">\n<thead><tr>"
      << tr(l,
            "<th>zone</th><th>name</th><th>class</th><th>jobs</th><th>dwellings before</th>"
            "<th>new units</th><th>dwellings after</th><th>jobs/dwellings before</th>"
            "<th>jobs/dwellings after</th><th>band after</th>",
            "<th>片区代码</th><th>片区</th><th>片区类型</th><th>就业岗位</th><th>规划前住房</th>"
            "<th>新增住房</th><th>规划后住房</th><th>规划前职住比</th><th>规划后职住比</th>"
            "<th>规划后职住区间</th>")
      << "</tr></thead>\n";
    for (const auto &z : d.zones) {
        s << "<tr><td>" << esc(z.id) << "</td><td>" << esc(z.name) << "</td><td>"
          << esc(code_label(CodeList::zone_class, z.zone_class, l)) << "</td><td class=\"n\">"
          << num(z.jobs, 0) << "</td><td class=\"n\">" << num(z.dwellings_before, 0)
          << "</td><td class=\"n\">" << num(z.new_units, 0) << "</td><td class=\"n\">"
          << num(z.dwellings_after, 0) << "</td>" << ratio_cell(z.ratio_before)
          << ratio_cell(z.ratio_after) << "<td>" << esc(code_label(CodeList::band, z.band_after, l))
          << "</td></tr>\n";
    }
    s << "</table>\n";

    // Jobs-housing balance: what the plan does to D, and what balance costs.
    if (!d.balance.empty()) {
        s << "<h2>" << tr(l, "Jobs-housing balance", "职住平衡") << "</h2>\n";
        const BalanceRun *before = nullptr;
        const BalanceRun *after = nullptr;
        for (const BalanceRun &r : d.balance) {
            before = r.run == "before" ? &r : before;
            after = r.run == "plan" ? &r : after;
        }
        if (before && after) {
            const double b = before->balance.dissimilarity;
            const double a = after->balance.dissimilarity;
            if (zh) {
                s << "<p id=\"balance-verdict\">相异指数 D 从 " << num(b, 4) << " "
                  << (a < b   ? "降至"
                      : a > b ? "<strong>升至</strong>"
                              : "保持为")
                  << " " << num(a, 4) << "；过剩通勤从 " << num(before->balance.excess_commuting, 4)
                  << " 变为 " << num(after->balance.excess_commuting, 4) << "。</p>\n";
            } else {
                s << "<p id=\"balance-verdict\">The dissimilarity index D "
                  << (a < b   ? "falls"
                      : a > b ? "<strong>rises</strong>"
                              : "stays")
                  << " from " << num(b, 4) << " to " << num(a, 4) << "; excess commuting goes from "
                  << num(before->balance.excess_commuting, 4) << " to "
                  << num(after->balance.excess_commuting, 4) << ".</p>\n";
            }
        }
        const std::string finding = d.meta("balance_finding");
        if (!finding.empty()) {
            s << "<p id=\"balance-finding\">" << esc(finding) << "</p>\n";
        }
        s << "<table id=\"balance\">\n<thead><tr>"
          << tr(l,
                "<th>run</th><th>left out</th><th>D</th><th>excess commuting</th>"
                "<th>T_min km</th><th>T_obs km</th><th>suitability</th><th>cost in D</th>",
                "<th>方案</th><th>去掉的规则</th><th>D</th><th>过剩通勤</"
                "th><th>最小平均通勤（km）</th>"
                "<th>模型平均通勤（km）</th><th>适宜性</th><th>D的代价</th>")
          << "</tr></thead>\n";
        for (const BalanceRun &r : d.balance) {
            s << "<tr><td>" << esc(code_label(CodeList::balance_run, r.run, l)) << "</td><td>"
              << esc(r.rule) << "</td><td class=\"n\">" << num(r.balance.dissimilarity, 4)
              << "</td><td class=\"n\">" << num(r.balance.excess_commuting, 4)
              << "</td><td class=\"n\">" << num(r.balance.commute_min_m / 1000, 2)
              << "</td><td class=\"n\">" << num(r.balance.commute_model_m / 1000, 2)
              << "</td><td class=\"n\">" << num(r.suitability, 2) << "</td><td class=\"n\">"
              << num(r.d_cost, 4) << "</td></tr>\n";
        }
        s << "</table>\n";
    }

    // Map.
    // A map per year, then the whole plan.
    std::vector<int> years;
    for (const auto &p : d.parcels) {
        if (std::find(years.begin(), years.end(), p.year) == years.end()) {
            years.push_back(p.year);
        }
    }
    std::sort(years.begin(), years.end());
    if (!years.empty()) {
        s << "<h2>" << tr(l, "Maps by year (年度供应图)", "年度供应图") << "</h2>\n"
          << map_legend(d, types, l) << "<div class=\"years\">\n";
        for (int year : years) {
            s << "<figure class=\"year-map\" data-year=\"" << year << "\"><figcaption>" << year
              << "年</figcaption>\n"
              << map_svg(d, types, year, 440, 330, l) << "</figure>\n";
        }
        s << "</div>\n";
    }
    s << "<h2>" << tr(l, "Map of the plan", "规划总图") << "</h2>\n"
      << map_svg(d, types, 0, 900, 640, l) << map_legend(d, types, l);

    // Plan file.
    const std::string plan_text = d.meta("plan_text");
    if (!plan_text.empty()) {
        s << "<h2>" << tr(l, "Plan file", "规划文件") << "</h2>\n<details><summary>"
          << esc(d.meta("plan_file")) << "</summary>\n<pre>" << esc(plan_text)
          << "</pre></details>\n";
    }
    s << "</body>\n</html>\n";
    return s.str();
}

} // namespace landalloc
