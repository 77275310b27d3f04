// The plan's language ([output] language, issue 15 deliverable 2): one synthetic city planned
// with the built-in plan, whose Chinese type names make it zh, and with the same plan set to en.
// Checked with plain OGR against the outputs' own features: the language changes no allocation;
// a zh plan names the nearest station by name in its reasons (recomputed from the input's
// stations), names each excluding constraint's kind in Chinese, gives every field a Chinese
// alias and prints a Chinese report with its binding rows highlighted; an en plan keeps English
// sentences and no alias but supply_plan's.

#include "core/language.hpp"
#include "ogr_util.hpp"
#include "test_util.hpp"

#include <gdal_priv.h>
#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace landalloc::test;
using landalloc::CodeList;
using landalloc::Language;

namespace {

struct Fixture {
    TempDir dir;
    std::string city = dir.path("city.gpkg");
    std::string zh = dir.path("zh.gpkg");
    std::string en = dir.path("en.gpkg");
    CliResult zh_run, en_run;
    Fixture() {
        run_cli({"synth", "--out", city, "--parcels", "1500", "--seed", "7"});
        const CliResult plan = run_cli({"default-plan"});
        write_file(dir.path("en.toml"), plan.out + "\n[output]\nlanguage = \"en\"\n");
        zh_run = run_cli({"plan", city, "--out", zh, "--solver", "greedy"});
        en_run = run_cli(
            {"plan", city, "--plan", dir.path("en.toml"), "--out", en, "--solver", "greedy"});
    }
};

Fixture &fx() {
    static Fixture f;
    return f;
}

std::string text_of(OGRFeature &f, const char *field) {
    return f.IsFieldSetAndNotNull(f.GetFieldIndex(field)) ? f.GetFieldAsString(field) : "";
}

/// The allocations of a plan GeoPackage: (parcel id, year, type).
std::set<std::tuple<std::string, int, std::string>> allocations(const std::string &gpkg) {
    std::set<std::tuple<std::string, int, std::string>> out;
    auto ds = open_vector(gpkg);
    for (auto &&f : *ds->GetLayerByName("allocated_parcels")) {
        out.emplace(text_of(*f, "parcel_id"), f->GetFieldAsInteger("year"),
                    text_of(*f, "housing_type"));
    }
    return out;
}

std::string meta(const std::string &gpkg, const std::string &key) {
    auto ds = open_vector(gpkg);
    for (auto &&f : *ds->GetLayerByName("run_metadata")) {
        if (text_of(*f, "key") == key) {
            return text_of(*f, "value");
        }
    }
    return {};
}

/// The aliases gpkg_data_columns holds: table.column -> alias.
std::map<std::string, std::string> aliases(const std::string &gpkg) {
    std::map<std::string, std::string> out;
    auto ds = open_vector(gpkg);
    OGRLayer *dc = ds->ExecuteSQL("SELECT table_name, column_name, name FROM gpkg_data_columns",
                                  nullptr, nullptr);
    if (dc != nullptr) {
        for (auto &f : *dc) {
            out[std::string(f->GetFieldAsString(0)) + "." + f->GetFieldAsString(1)] =
                f->GetFieldAsString(2);
        }
        ds->ReleaseResultSet(dc);
    }
    return out;
}

} // namespace

TEST(Language, BothRunsPlannedAndTheLanguageChangesNoAllocation) {
    ASSERT_TRUE(fx().zh_run.code == 0 || fx().zh_run.code == 6) << fx().zh_run.err;
    ASSERT_TRUE(fx().en_run.code == 0 || fx().en_run.code == 6) << fx().en_run.err;
    EXPECT_EQ(meta(fx().zh, "language"), "zh");
    EXPECT_EQ(meta(fx().en, "language"), "en");
    const auto zh = allocations(fx().zh);
    EXPECT_FALSE(zh.empty());
    EXPECT_EQ(zh, allocations(fx().en));
}

// Each zh reason names the nearest station by its name: the station of the input whose distance
// from the parcel's interior point is the parcel's station_dist_m.
TEST(Language, ZhReasonsNameTheNearestStationByName) {
    auto city = open_vector(fx().city);
    std::vector<std::pair<std::string, OGRPoint>> stations;
    for (auto &&s : *city->GetLayerByName("stations")) {
        stations.emplace_back(text_of(*s, "name"), *s->GetGeometryRef()->toPoint());
    }
    ASSERT_FALSE(stations.empty());
    auto ds = open_vector(fx().zh);
    int checked = 0;
    for (auto &&f : *ds->GetLayerByName("allocated_parcels")) {
        const std::string reasons = text_of(*f, "reasons");
        ASSERT_EQ(reasons.rfind("得分 ", 0), 0u) << reasons;
        OGRGeometryH on_surface = OGR_G_PointOnSurface(OGRGeometry::ToHandle(f->GetGeometryRef()));
        ASSERT_NE(on_surface, nullptr);
        const OGRPoint ip = *OGRGeometry::FromHandle(on_surface)->toPoint();
        OGR_G_DestroyGeometry(on_surface);
        const double want = f->GetFieldAsDouble("station_dist_m");
        std::string name;
        double best = std::numeric_limits<double>::infinity();
        for (const auto &[n, pt] : stations) {
            if (const double d = ip.Distance(&pt); std::abs(d - want) < best) {
                best = std::abs(d - want);
                name = n;
            }
        }
        ASSERT_LT(best, 1.0) << "no station lies " << want << " m from "
                             << text_of(*f, "parcel_id");
        EXPECT_NE(reasons.find("（距" + name + " "), std::string::npos)
            << "station " << name << " not named: " << reasons;
        ++checked;
    }
    EXPECT_GT(checked, 50);
}

// A candidate left out by a constraint says which, by its kind's Chinese name and its id, as
// the constraints layer holds them.
TEST(Language, ZhRejectionsNameTheConstraintKindInChinese) {
    auto ds = open_vector(fx().zh);
    std::map<std::string, std::string> kinds; // constraint id -> kind
    for (auto &&c : *ds->GetLayerByName("constraints")) {
        kinds[text_of(*c, "constraint_id")] = text_of(*c, "kind");
    }
    int excluded = 0;
    for (auto &&f : *ds->GetLayerByName("rejected_candidates")) {
        const std::string detail = text_of(*f, "detail");
        if (text_of(*f, "reason") != "excluded") {
            continue;
        }
        ++excluded;
        bool named = false;
        for (const auto &[id, kind] : kinds) {
            const std::string zh =
                landalloc::code_label(CodeList::constraint_kind, kind, Language::zh);
            ASSERT_NE(zh, kind) << "constraint kind " << kind << " has no Chinese name";
            named = named || detail.find("与" + zh + " " + id + "（") != std::string::npos;
        }
        EXPECT_TRUE(named) << detail;
    }
    EXPECT_GT(excluded, 0);
}

// In English the sentences are English, the codes stay codes and no field but supply_plan's (a
// Chinese table) and the data-named indicator columns has an alias; in Chinese every field of
// allocated_parcels has one.
TEST(Language, AliasesAndSentencesFollowTheLanguage) {
    {
        auto ds = open_vector(fx().en);
        for (auto &&f : *ds->GetLayerByName("allocated_parcels")) {
            EXPECT_EQ(text_of(*f, "reasons").rfind("score ", 0), 0u) << text_of(*f, "reasons");
        }
        for (auto &&f : *ds->GetLayerByName("rejected_candidates")) {
            const std::string detail = text_of(*f, "detail");
            EXPECT_EQ(detail.find("得分"), std::string::npos) << detail;
            if (text_of(*f, "reason") == "excluded") {
                EXPECT_EQ(detail.rfind("overlaps ", 0), 0u) << detail;
            }
        }
    }
    for (const auto &[column, alias] : aliases(fx().en)) {
        EXPECT_TRUE(column.starts_with("supply_plan.") ||
                    column.find(".dist_") != std::string::npos)
            << column << " has the alias " << alias << " in an en plan";
    }
    const auto zh = aliases(fx().zh);
    auto ds = open_vector(fx().zh);
    OGRFeatureDefn *defn = ds->GetLayerByName("allocated_parcels")->GetLayerDefn();
    // The plan's own fields (score parts, indicators) lie between score and reasons.
    const int own_from = defn->GetFieldIndex("score") + 1;
    const int own_to = defn->GetFieldIndex("reasons");
    ASSERT_GT(own_from, 0);
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const std::string name = defn->GetFieldDefn(i)->GetNameRef();
        if (i >= own_from && i < own_to) {
            continue;
        }
        const auto it = zh.find("allocated_parcels." + name);
        ASSERT_NE(it, zh.end()) << name << " has no alias in a zh plan";
        EXPECT_TRUE(landalloc::has_chinese(it->second)) << name << ": " << it->second;
    }
    EXPECT_EQ(zh.at("rejected_candidates.reason"), "未选原因");
}

// The report speaks the plan's language; in both, a binding target's row is highlighted, as many
// as annual_plan has binding rows.
TEST(Language, ReportHeadingsFollowTheLanguageAndBindingRowsAreHighlighted) {
    for (const auto &[gpkg, h1, heading] :
         {std::tuple{fx().zh, "<h1>住宅用地供应计划：", "<h2>各片区职住情况</h2>"},
          std::tuple{fx().en,
                     "<h1>Residential land-supply plan: ", "<h2>Jobs and housing by zone</h2>"}}) {
        const std::string html = read_file(gpkg.substr(0, gpkg.size() - 5) + ".html");
        EXPECT_NE(html.find(h1), std::string::npos) << gpkg;
        EXPECT_NE(html.find(heading), std::string::npos) << gpkg;
        int binding = 0;
        auto ds = open_vector(gpkg);
        for (auto &&f : *ds->GetLayerByName("annual_plan")) {
            binding += f->GetFieldAsInteger("binding");
        }
        const std::string table = html.substr(html.find("<table id=\"annual\">"));
        const std::string annual = table.substr(0, table.find("</table>"));
        const std::regex cell("<td class=\"binding\">");
        const auto n = std::distance(std::sregex_iterator(annual.begin(), annual.end(), cell),
                                     std::sregex_iterator());
        EXPECT_GT(binding, 0);
        EXPECT_EQ(n, binding) << gpkg;
        // The balance table names each run in the language, with its D from the layer.
        for (auto &&f : *ds->GetLayerByName("jobs_housing_balance")) {
            const std::string run = text_of(*f, "run");
            const std::string name = landalloc::code_label(
                CodeList::balance_run, run, gpkg == fx().zh ? Language::zh : Language::en);
            EXPECT_TRUE(gpkg == fx().en || name != run) << run << " has no Chinese name";
            char d[32];
            std::snprintf(d, sizeof d, "%.4f", f->GetFieldAsDouble("dissimilarity"));
            const std::string want = "<tr><td>" + name + "</td><td>" + text_of(*f, "rule") +
                                     "</td><td class=\"n\">" + d + "</td>";
            EXPECT_NE(html.find(want), std::string::npos) << want;
        }
    }
}
