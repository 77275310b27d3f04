// The official tables (issue 15 deliverable 1): the supply_plan layer, the two CSV files and the
// workbook, checked with plain OGR against the plan's own features: every detail of the
// 年度住宅用地供应计划表 recomputed from allocated_parcels (a bundled share in its own type),
// every total the sum of its rows, each city-wide single-type target of annual_plan matched, the
// CSV and the workbook read back and compared with the layer.
//
// The plan is Wenzhou's example (districts, rule 9's talent share bundled on commercial sites,
// three affordable types) on a smaller city, planned greedily to keep the test quick.

#include "ogr_util.hpp"
#include "test_util.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    TempDir dir;
    std::string plan = dir.path("wenzhou.gpkg");
    CliResult result;
    Fixture() {
        // Wenzhou's plan file on a city of 1,200 parcels instead of 4,000, to keep the test
        // quick (more of its targets go short; the tables are the same whatever the plan).
        std::string text = read_file(std::string(LANDALLOC_EXAMPLES_DIR) + "/wenzhou.toml");
        const std::string parcels = "\nparcels = 4000";
        const auto at = text.find(parcels);
        if (at != std::string::npos) {
            text.replace(at, parcels.size(), "\nparcels = 1200");
        }
        write_file(dir.path("wenzhou.toml"), text);
        result = run_cli(
            {"plan", "--plan", dir.path("wenzhou.toml"), "--out", plan, "--solver", "greedy"});
    }
};

Fixture &fx() {
    static Fixture f;
    return f;
}

std::string dir_file(const std::string &name) { return fx().dir.path(name); }

/// A supply_plan row's key: year (0: NULL), district_id ("": NULL), housing_type ("": NULL).
using Key = std::tuple<int, std::string, std::string>;

struct Supply {
    double area_ha = 0, floor_10k_m2 = 0;
    std::int64_t units = 0, parcels = 0;
    int binding = 0;
    std::string type_name, district;
};

std::string text_or_empty(const OGRFeature &f, const char *field) {
    const int i = f.GetFieldIndex(field);
    return f.IsFieldSetAndNotNull(i) ? f.GetFieldAsString(i) : "";
}

/// The supply_plan layer, by key, and its rows in order.
std::map<Key, Supply> read_supply(GDALDataset &ds, std::vector<Key> *order = nullptr) {
    std::map<Key, Supply> rows;
    OGRLayer *l = ds.GetLayerByName("supply_plan");
    if (l == nullptr) {
        return rows;
    }
    for (auto &&f : *l) {
        const Key k{f->IsFieldSetAndNotNull(f->GetFieldIndex("year")) ? f->GetFieldAsInteger("year")
                                                                      : 0,
                    text_or_empty(*f, "district_id"), text_or_empty(*f, "housing_type")};
        Supply s;
        s.area_ha = f->GetFieldAsDouble("area_ha");
        s.floor_10k_m2 = f->GetFieldAsDouble("floor_10k_m2");
        s.units = f->GetFieldAsInteger64("units");
        s.parcels = f->GetFieldAsInteger64("parcels");
        s.binding = f->GetFieldAsInteger("binding");
        s.type_name = f->GetFieldAsString("type_name");
        s.district = f->GetFieldAsString("district");
        rows[k] = s;
        if (order != nullptr) {
            order->push_back(k);
        }
    }
    return rows;
}

/// The CSV lines, split at commas (the test's fields hold none), without the BOM and CRLF.
std::vector<std::vector<std::string>> read_csv(const std::string &path, std::string *raw) {
    *raw = read_file(path);
    std::vector<std::vector<std::string>> lines;
    std::istringstream in(raw->substr(raw->rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0));
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        std::vector<std::string> cells;
        std::istringstream l(line);
        std::string cell;
        while (std::getline(l, cell, ',')) {
            cells.push_back(cell);
        }
        if (!line.empty() && line.back() == ',') {
            cells.emplace_back();
        }
        lines.push_back(cells);
    }
    return lines;
}

} // namespace

TEST(OfficialTables, EveryDetailIsTheAllocatedParcelsAndEveryTotalTheSumOfItsRows) {
    ASSERT_TRUE(fx().result.code == 0 || fx().result.code == 6) << fx().result.err;
    auto ds = open_vector(fx().plan);
    const std::map<Key, Supply> supply = read_supply(*ds);
    ASSERT_FALSE(supply.empty());

    // Recompute the details from allocated_parcels: a bundled share's land pro rata of its floor
    // area, in its own type; the site once, in its host. A zone without a district is its own.
    struct Sum {
        double area = 0, floor = 0, units = 0;
        std::int64_t parcels = 0; // sites hosted
        std::int64_t shares = 0;  // sites hosted and bundled shares: each one rounding
    };
    std::map<Key, Sum> mine;
    int bundled_sites = 0;
    for (auto &&f : *ds->GetLayerByName("allocated_parcels")) {
        const int year = f->GetFieldAsInteger("year");
        std::string district = text_or_empty(*f, "district_id");
        if (district.empty()) {
            district = text_or_empty(*f, "zone_id");
        }
        const double area = f->GetFieldAsDouble("area_ha");
        const double floor = f->GetFieldAsDouble("floor_area_m2");
        const double bundled_floor = f->GetFieldAsDouble("bundled_floor_m2");
        const double share = floor > 0 ? bundled_floor / floor : 0.0;
        Sum &host = mine[{year, district, f->GetFieldAsString("housing_type")}];
        host.area += area * (1 - share);
        host.floor += floor - bundled_floor;
        host.units += f->GetFieldAsDouble("units");
        ++host.parcels;
        ++host.shares;
        const std::string bundled = text_or_empty(*f, "bundled_type");
        if (!bundled.empty()) {
            ++bundled_sites;
            Sum &b = mine[{year, district, bundled}];
            b.area += area * share;
            b.floor += bundled_floor;
            b.units += f->GetFieldAsDouble("bundled_units");
            ++b.shares;
        }
    }
    ASSERT_GT(bundled_sites, 0) << "the example should bundle talent housing on commercial sites";

    std::set<int> years;
    std::set<std::string> districts, types;
    for (const auto &[k, s] : supply) {
        const auto &[year, district, type] = k;
        if (year != 0 && !district.empty() && !type.empty()) {
            years.insert(year);
            districts.insert(district);
            types.insert(type);
            const Sum m = mine.count(k) ? mine.at(k) : Sum{};
            // allocated_parcels rounds area to 4 decimals, floor area and units to 1 per share.
            const auto n = static_cast<double>(m.shares);
            EXPECT_NEAR(s.area_ha, m.area, 1e-4 + 1e-4 * n)
                << year << " " << district << " " << type;
            EXPECT_NEAR(s.floor_10k_m2 * 1e4, m.floor, 1.0 + 0.1 * n)
                << year << " " << district << " " << type;
            EXPECT_LE(std::abs(static_cast<double>(s.units) - m.units), 0.5 + 0.1 * n)
                << year << " " << district << " " << type;
            EXPECT_EQ(s.parcels, m.parcels) << year << " " << district << " " << type;
        }
    }
    for (const auto &[k, m] : mine) { // no site is missing from the table
        EXPECT_EQ(supply.count(k), 1u)
            << std::get<0>(k) << " " << std::get<1>(k) << " " << std::get<2>(k);
    }
    EXPECT_GE(districts.size(), 2u);
    EXPECT_EQ(supply.size(), (years.size() + 1) * (districts.size() + 1) * (types.size() + 1));

    // Every total is the sum of its details.
    for (const auto &[k, s] : supply) {
        const auto &[year, district, type] = k;
        if (year != 0 && !district.empty() && !type.empty()) {
            continue;
        }
        double area = 0, floor = 0;
        std::int64_t units = 0, parcels = 0;
        for (int y : years) {
            for (const auto &d : districts) {
                for (const auto &t : types) {
                    if ((year == 0 || y == year) && (district.empty() || d == district) &&
                        (type.empty() || t == type)) {
                        const Supply &v = supply.at({y, d, t});
                        area += v.area_ha;
                        floor += v.floor_10k_m2;
                        units += v.units;
                        parcels += v.parcels;
                    }
                }
            }
        }
        EXPECT_NEAR(s.area_ha, area, 1e-6) << year << " " << district << " " << type;
        EXPECT_NEAR(s.floor_10k_m2, floor, 1e-6) << year << " " << district << " " << type;
        EXPECT_EQ(s.units, units) << year << " " << district << " " << type;
        EXPECT_EQ(s.parcels, parcels) << year << " " << district << " " << type;
        EXPECT_EQ(s.district, district.empty() ? "合计" : s.district);
        EXPECT_EQ(s.type_name, type.empty() ? "合计" : s.type_name);
    }
}

TEST(OfficialTables, TheCityWideTargetsOfAnnualPlanMatchTheTotalsAndTheirBindingIsMarked) {
    auto ds = open_vector(fx().plan);
    const std::map<Key, Supply> supply = read_supply(*ds);
    std::set<std::string> districts;
    for (const auto &[k, s] : supply) {
        if (!std::get<1>(k).empty()) {
            districts.insert(std::get<1>(k));
        }
    }
    const double D = static_cast<double>(districts.size());
    int checked = 0, binding = 0;
    std::set<std::pair<int, std::string>> binding_rows;
    for (auto &&f : *ds->GetLayerByName("annual_plan")) {
        const int year = f->GetFieldAsInteger("year");
        const std::string type = f->GetFieldAsString("housing_type");
        if (f->GetFieldAsInteger("binding") == 1) {
            std::string::size_type start = 0; // a group's members: "a+b"
            while (true) {
                const auto plus = type.find('+', start);
                binding_rows.emplace(year, type.substr(start, plus == std::string::npos
                                                                  ? std::string::npos
                                                                  : plus - start));
                if (plus == std::string::npos) {
                    break;
                }
                start = plus + 1;
            }
        }
        if (!text_or_empty(*f, "zones").empty() || type.find('+') != std::string::npos) {
            continue;
        }
        const Supply &s = supply.at({year, "", type});
        EXPECT_NEAR(s.area_ha, f->GetFieldAsDouble("supplied_ha"), 1e-4 * D + 1e-4)
            << year << " " << type;
        EXPECT_NEAR(s.floor_10k_m2 * 1e4, f->GetFieldAsDouble("supplied_floor_m2"), D + 0.1)
            << year << " " << type;
        EXPECT_LE(std::abs(static_cast<double>(s.units) - f->GetFieldAsDouble("supplied_units")),
                  0.5 * D + 0.1)
            << year << " " << type;
        EXPECT_EQ(s.parcels, f->GetFieldAsInteger64("parcels")) << year << " " << type;
        ++checked;
    }
    EXPECT_GE(checked, 5);
    for (const auto &[k, s] : supply) {
        const auto &[year, district, type] = k;
        if (year == 0 || type.empty()) {
            continue;
        }
        EXPECT_EQ(s.binding, binding_rows.count({year, type}) ? 1 : 0)
            << year << " " << district << " " << type;
        binding += s.binding;
    }
    EXPECT_GT(binding, 0);
}

TEST(OfficialTables, TheCsvFilesAreTheLayersWithChineseHeadersForExcel) {
    auto ds = open_vector(fx().plan);
    std::vector<Key> order;
    const std::map<Key, Supply> supply = read_supply(*ds, &order);
    std::string raw;
    const auto lines = read_csv(dir_file("wenzhou.supply_plan.csv"), &raw);
    EXPECT_EQ(raw.rfind("\xEF\xBB\xBF", 0), 0u) << "no UTF-8 byte-order mark";
    EXPECT_NE(raw.find("\r\n"), std::string::npos);
    ASSERT_EQ(lines.size(), supply.size() + 1);
    EXPECT_EQ(lines[0][0], "年度");
    EXPECT_EQ(lines[0][6], "用地面积（公顷）");
    EXPECT_EQ(lines[0][8], "套数（套）");
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto &cells = lines[i + 1];
        ASSERT_EQ(cells.size(), 11u) << i;
        const auto &[year, district, type] = order[i];
        EXPECT_EQ(cells[0], year == 0 ? "合计" : std::to_string(year));
        EXPECT_EQ(cells[1], district);
        EXPECT_EQ(cells[3], type);
        const Supply &s = supply.at(order[i]);
        EXPECT_NEAR(std::stod(cells[6]), s.area_ha, 1e-9) << i;
        EXPECT_EQ(std::stoll(cells[8]), s.units) << i;
        EXPECT_EQ(cells[10], s.binding ? "是" : "") << i;
    }

    const auto targets = read_csv(dir_file("wenzhou.targets.csv"), &raw);
    OGRLayer *annual = ds->GetLayerByName("annual_plan");
    ASSERT_EQ(targets.size(), static_cast<std::size_t>(annual->GetFeatureCount()) + 1);
    std::size_t i = 1;
    for (auto &&f : *annual) {
        const std::string status = f->GetFieldAsString("status");
        EXPECT_EQ(targets[i][3], f->GetFieldAsInteger("binding") ? "约束性" : "预期性");
        EXPECT_EQ(targets[i][10], status == "met"     ? "达标"
                                  : status == "short" ? "不足"
                                  : status == "over"  ? "超出"
                                                      : "容差内");
        EXPECT_NEAR(std::stod(targets[i][8]), f->GetFieldAsDouble("supplied"), 1e-3);
        ++i;
    }
}

TEST(OfficialTables, TheWorkbookOpensWithItsSheetsAndItsTotalsAreTheLayers) {
    auto ds = open_vector(fx().plan);
    const std::map<Key, Supply> supply = read_supply(*ds);
    const char *options[] = {"HEADERS=DISABLE", "FIELD_TYPES=STRING", nullptr};
    GDALDatasetUniquePtr xlsx(GDALDataset::Open(dir_file("wenzhou.tables.xlsx").c_str(),
                                                GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options,
                                                nullptr));
    ASSERT_TRUE(xlsx) << "GDAL cannot open the workbook";
    ASSERT_EQ(xlsx->GetLayerCount(), 3);
    EXPECT_STREQ(xlsx->GetLayer(0)->GetName(), "年度住宅用地供应计划表");
    EXPECT_STREQ(xlsx->GetLayer(1)->GetName(), "保障性住房");
    EXPECT_STREQ(xlsx->GetLayer(2)->GetName(), "年度计划指标");

    // Sheet 1: the 总计 row of the horizon's block, its last three cells the grand totals.
    const Supply &all = supply.at({0, "", ""});
    bool found = false;
    for (auto &&f : *xlsx->GetLayer(0)) {
        if (std::string(f->GetFieldAsString(1)) == "总计") {
            const int n = f->GetFieldCount();
            EXPECT_NEAR(std::stod(f->GetFieldAsString(n - 3)), all.area_ha, 1e-6);
            EXPECT_NEAR(std::stod(f->GetFieldAsString(n - 2)), all.floor_10k_m2, 1e-6);
            EXPECT_EQ(std::stoll(f->GetFieldAsString(n - 1)), all.units);
            found = true;
        }
    }
    EXPECT_TRUE(found) << "no 总计 row in the supply sheet";

    // Sheet 2: the affordable types' names in the header and the horizon total their sum.
    std::set<std::string> affordable_names;
    double affordable_area = 0;
    for (auto &&f : *ds->GetLayerByName("supply_plan")) {
        if (f->GetFieldAsInteger("affordable") == 1 &&
            !f->IsFieldSetAndNotNull(f->GetFieldIndex("year")) &&
            !f->IsFieldSetAndNotNull(f->GetFieldIndex("district_id"))) {
            affordable_names.insert(f->GetFieldAsString("type_name"));
            affordable_area += f->GetFieldAsDouble("area_ha");
        }
    }
    EXPECT_EQ(affordable_names.size(), 3u); // Wenzhou: 保障性租赁住房, 共有产权住房, 安置房
    std::set<std::string> header;
    found = false;
    for (auto &&f : *xlsx->GetLayer(1)) {
        for (int i = 0; i < f->GetFieldCount(); ++i) {
            header.insert(f->GetFieldAsString(i));
        }
        if (std::string(f->GetFieldAsString(1)) == "总计") {
            const int n = f->GetFieldCount();
            EXPECT_NEAR(std::stod(f->GetFieldAsString(n - 3)), affordable_area, 1e-6);
            found = true;
        }
    }
    EXPECT_TRUE(found) << "no 总计 row in the 保障性住房 sheet";
    for (const auto &name : affordable_names) {
        EXPECT_EQ(header.count(name), 1u) << name;
    }

    // Sheet 3: a title, a header and one row per annual_plan row.
    EXPECT_EQ(xlsx->GetLayer(2)->GetFeatureCount(),
              ds->GetLayerByName("annual_plan")->GetFeatureCount() + 2);
}

TEST(OfficialTables, TheReportShowsTheSupplyTable) {
    auto ds = open_vector(fx().plan);
    const Supply all = read_supply(*ds).at({0, "", ""}); // a copy: the map is a temporary
    const std::string html = read_file(dir_file("wenzhou.html"));
    const auto table = html.find("<table id=\"supply_plan\"");
    ASSERT_NE(table, std::string::npos);
    const auto row = html.find("<tr class=\"total\" data-year=\"0\" data-district=\"\">", table);
    ASSERT_NE(row, std::string::npos);
    const std::string line = html.substr(row, html.find("</tr>", row) - row);
    char area[32];
    std::snprintf(area, sizeof area, "%.2f", all.area_ha);
    EXPECT_NE(line.find("总计"), std::string::npos) << line;
    EXPECT_NE(line.find(std::string(">") + area + "<"), std::string::npos) << area << " " << line;
    EXPECT_NE(line.find(">" + std::to_string(all.units) + "<"), std::string::npos) << line;
}

// A table file already there stops the run before any work: nothing written, nothing replaced.
TEST(OfficialTables, AnExistingWorkbookIsNotOverwrittenWithoutOverwrite) {
    TempDir dir;
    run_cli({"synth", "--out", dir.path("city.gpkg"), "--parcels", "300", "--seed", "3"});
    write_file(dir.path("plan.tables.xlsx"), "the bureau's own workbook");
    const CliResult r = run_cli({"plan", dir.path("city.gpkg"), "--out", dir.path("plan.gpkg")});
    EXPECT_EQ(r.code, 5) << r.err;
    EXPECT_NE(r.err.find("plan.tables.xlsx: already exists"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(dir.path("plan.tables.xlsx")), "the bureau's own workbook");
    EXPECT_FALSE(fs::exists(dir.path("plan.gpkg")));
    EXPECT_FALSE(fs::exists(dir.path("plan.supply_plan.csv")));
}

// The report as a planner prints it (issue 15): Chromium, headless, prints it to PDF. Every
// page is A4; no word lies outside the page's 12 mm margins (a table or map wider than the page
// would put its right-hand cells there); no section heading is parted from the two lines after
// it; and the Chinese text
// is there: the official table's heading and the districts' names.
TEST(OfficialTables, TheReportPrintsOnA4WithNothingCutAndNoHeadingPartedFromItsText) {
    const std::string pdf = dir_file("wenzhou-report.pdf");
    const CliResult print =
        run_process("chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer "
                    "--print-to-pdf='" +
                    pdf + "' 'file://" + dir_file("wenzhou.html") + "' 2>&1");
    ASSERT_TRUE(fs::exists(pdf)) << print.out;

    const CliResult info = run_process("pdfinfo '" + pdf + "'");
    ASSERT_EQ(info.code, 0) << info.out;
    EXPECT_NE(info.out.find("(A4)"), std::string::npos) << info.out;
    const CliResult layout = run_process("pdftotext -bbox-layout '" + pdf + "' -");
    ASSERT_EQ(layout.code, 0) << layout.out;
    const double margin = 12 / 25.4 * 72; // pt
    const std::regex page_re("<page width=\"([0-9.]+)\" height=\"([0-9.]+)\">");
    const std::regex line_re("<line xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" "
                             "yMax=\"([0-9.]+)\">");
    const std::regex word_re(">([^<]*)</word>");
    // Wenzhou's plan names its types in Chinese, so its report speaks Chinese ([output]).
    const std::vector<std::string> headings = {"求解与完成情况",
                                               "分年度、分类型指标与供应",
                                               "年度住宅用地供应计划表",
                                               "规划规则",
                                               "未达标指标",
                                               "各片区职住情况",
                                               "职住平衡",
                                               "年度供应图",
                                               "规划总图",
                                               "规划文件"};
    int pages = 0, lines = 0, headings_seen = 0;
    std::string text;
    double width = 0, height = 0;
    std::istringstream in(layout.out);
    std::string row, line_text, heading;
    int heading_page = 0, heading_lines = 0;
    while (std::getline(in, row)) {
        std::smatch m;
        if (std::regex_search(row, m, page_re)) {
            ++pages;
            width = std::stod(m[1]);
            height = std::stod(m[2]);
            EXPECT_NEAR(width, 595.28, 1.0) << "page " << pages;
            EXPECT_NEAR(height, 841.89, 1.0) << "page " << pages;
        } else if (std::regex_search(row, m, line_re)) {
            ++lines;
            EXPECT_GE(std::stod(m[1]), margin - 1.5) << "page " << pages << ": " << row;
            EXPECT_LE(std::stod(m[3]), width - margin + 1.5) << "page " << pages << ": " << row;
            line_text.clear();
        } else if (std::regex_search(row, m, word_re)) {
            line_text += (line_text.empty() ? "" : " ") + m[1].str();
        } else if (row.find("</line>") != std::string::npos) {
            text += line_text + "\n";
            // A heading and the two lines after it are on one page.
            if (!heading.empty()) {
                EXPECT_EQ(pages, heading_page) << "'" << heading << "' ends page " << heading_page
                                               << "; what it heads starts the next";
                if (--heading_lines == 0) {
                    heading.clear();
                }
            }
            if (std::find(headings.begin(), headings.end(), line_text) != headings.end()) {
                ++headings_seen;
                heading = line_text;
                heading_page = pages;
                heading_lines = 2;
            }
        }
    }
    EXPECT_TRUE(heading.empty() || heading_lines < 2)
        << "the report ends with the heading '" << heading << "'";
    EXPECT_GE(pages, 2);
    EXPECT_GT(lines, 100);
    EXPECT_GE(headings_seen, 8) << text.substr(0, 2000);
    EXPECT_NE(text.find("年度住宅用地供应计划表"), std::string::npos);
    auto ds = open_vector(fx().plan);
    int districts = 0;
    for (auto &&f : *ds->GetLayerByName("supply_plan")) {
        const std::string id = text_or_empty(*f, "district_id");
        if (!id.empty() && text_or_empty(*f, "housing_type").empty() &&
            f->GetFieldAsInteger("year") == 2021) {
            ++districts;
            EXPECT_NE(text.find(f->GetFieldAsString("district")), std::string::npos)
                << f->GetFieldAsString("district") << " is not in the printed report";
        }
    }
    EXPECT_GE(districts, 2);
}
