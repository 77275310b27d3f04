// The annual cycle on the command line (docs/rolling.md): plan the example city, edit the plan
// GeoPackage the way QGIS does (delete a feature, change attributes, add a feature, all through
// OGR), re-plan from 2023 with it, and check the re-plan with plain OGR against the edited file.

#include "ogr_util.hpp"
#include "test_util.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

using namespace landalloc::test;

namespace {

using Key = std::tuple<std::string, int, std::string>; // parcel, year, type

struct Fixture {
    TempDir dir;
    std::string city = dir.path("city.gpkg");
    std::string first = dir.path("plan-2021.gpkg");
    std::string edited = dir.path("plan-2021-edited.gpkg");
    std::string second = dir.path("plan-2023.gpkg");
    std::set<Key> supplied; // the edited file's sites before 2023 that are not withdrawn
    std::string deleted;    // the parcel whose feature the analyst deleted
    std::string withdrawn;  // the parcel marked withdrawn
    std::string sold;       // the parcel marked sold_unbuilt
    std::string added;      // the parcel the analyst added as supplied in 2022
    CliResult replan;
    Fixture() {
        EXPECT_EQ(run_cli({"synth", "--out", city}).code, 0);
        const CliResult p = run_cli({"plan", city, "--out", first});
        EXPECT_EQ(p.code, 0) << p.err;
        std::filesystem::copy_file(first, edited);
        edit();
        replan = run_cli({"plan", city, "--out", second, "--from-year", "2023", "--actuals", edited,
                          "--previous", first});
    }

    /// What an analyst does in QGIS, through OGR's editing calls on the GeoPackage.
    void edit() {
        GDALAllRegister();
        GDALDatasetUniquePtr ds(GDALDataset::Open(edited.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                                  nullptr, nullptr, nullptr));
        ASSERT_TRUE(ds);
        OGRLayer *alloc = ds->GetLayerByName("allocated_parcels");
        ASSERT_NE(alloc, nullptr);
        std::vector<GIntBig> fids_2021, fids_2022;
        for (auto &&f : *alloc) {
            const int year = f->GetFieldAsInteger("year");
            if (year == 2021 || year == 2022) {
                (year == 2021 ? fids_2021 : fids_2022).push_back(f->GetFID());
            }
        }
        const auto take = [&](GIntBig fid) { return OGRFeatureUniquePtr(alloc->GetFeature(fid)); };
        {
            OGRFeatureUniquePtr f = take(fids_2021.at(1));
            deleted = f->GetFieldAsString("parcel_id");
            ASSERT_EQ(alloc->DeleteFeature(fids_2021.at(1)), OGRERR_NONE);
        }
        {
            OGRFeatureUniquePtr f = take(fids_2021.at(2));
            sold = f->GetFieldAsString("parcel_id");
            f->SetField("status", "sold_unbuilt");
            ASSERT_EQ(alloc->SetFeature(f.get()), OGRERR_NONE);
        }
        {
            OGRFeatureUniquePtr f = take(fids_2022.at(0));
            withdrawn = f->GetFieldAsString("parcel_id");
            f->SetField("status", "withdrawn");
            ASSERT_EQ(alloc->SetFeature(f.get()), OGRERR_NONE);
        }
        // A parcel the plan left out (eligible, but others scored higher or fitted better),
        // drawn with the rejected candidate's outline.
        OGRLayer *rejected = ds->GetLayerByName("rejected_candidates");
        for (auto &&r : *rejected) {
            const std::string reason = r->GetFieldAsString("reason");
            if ((reason == "outscored" || reason == "did_not_fit") &&
                std::string(r->GetFieldAsString("best_type")) == "commercial" &&
                r->GetFieldAsInteger("first_year") <= 2022) {
                OGRFeatureUniquePtr f(OGRFeature::CreateFeature(alloc->GetLayerDefn()));
                added = r->GetFieldAsString("parcel_id");
                f->SetField("parcel_id", added.c_str());
                f->SetField("year", 2022);
                f->SetField("housing_type", "commercial");
                f->SetField("status", "supplied");
                f->SetGeometry(r->GetGeometryRef());
                ASSERT_EQ(alloc->CreateFeature(f.get()), OGRERR_NONE);
                break;
            }
        }
        ASSERT_FALSE(added.empty());
        for (auto &&f : *alloc) {
            const int year = f->GetFieldAsInteger("year");
            if (year < 2023 && std::string(f->GetFieldAsString("status")) != "withdrawn") {
                supplied.insert(
                    {f->GetFieldAsString("parcel_id"), year, f->GetFieldAsString("housing_type")});
            }
        }
    }
};

Fixture &fx() {
    static Fixture f;
    return f;
}

std::map<std::string, std::string> metadata(GDALDataset &ds) {
    std::map<std::string, std::string> m;
    for (auto &&f : *ds.GetLayerByName("run_metadata")) {
        m[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    }
    return m;
}

std::string sha256_of(const std::string &path) {
    const CliResult r = run_process("sha256sum '" + path + "'");
    return r.out.substr(0, 64);
}

} // namespace

TEST(ReplanCli, KeepsTheEditedSitesAndHoldsTheFiveYearTotals) {
    const Fixture &f = fx();
    ASSERT_EQ(f.replan.code, 0) << f.replan.err << f.replan.out;
    auto ds = open_vector(f.second);
    std::set<Key> before;
    std::set<std::string> parcels;
    std::map<std::string, double> total_ha; // by type, over the horizon
    for (auto &&a : *ds->GetLayerByName("allocated_parcels")) {
        const std::string id = a->GetFieldAsString("parcel_id");
        const int year = a->GetFieldAsInteger("year");
        const std::string type = a->GetFieldAsString("housing_type");
        EXPECT_TRUE(parcels.insert(id).second) << id << " is allocated twice";
        total_ha[type] += a->GetFieldAsDouble("area_ha");
        const std::string status = a->GetFieldAsString("status");
        if (year < 2023) {
            before.insert({id, year, type});
            EXPECT_EQ(status, id == f.sold ? "sold_unbuilt" : "supplied") << id;
        } else {
            EXPECT_EQ(status, "planned") << id;
        }
    }
    EXPECT_EQ(before, f.supplied);
    EXPECT_TRUE(parcels.count(f.added));
    EXPECT_FALSE(before.count({f.deleted, 2021, "commercial"}));
    // The five-year figures of the first plan, and the horizon_total rows against them.
    std::map<std::string, double> figure;
    auto first = open_vector(f.first);
    for (auto &&r : *first->GetLayerByName("annual_plan")) {
        figure[r->GetFieldAsString("housing_type")] += r->GetFieldAsDouble("target");
    }
    int totals = 0;
    for (auto &&r : *ds->GetLayerByName("rule_checks")) {
        if (std::string(r->GetFieldAsString("rule")) != "horizon_total") {
            continue;
        }
        ++totals;
        const std::string label = r->GetFieldAsString("requirement");
        const std::string type = label.substr(0, label.find(' '));
        EXPECT_NEAR(r->GetFieldAsDouble("required"), figure[type], 1e-6) << label;
        EXPECT_NEAR(r->GetFieldAsDouble("actual"), total_ha[type], 1e-2) << label;
        EXPECT_GE(total_ha[type], figure[type]) << label << ": the five-year total";
        EXPECT_EQ(std::string(r->GetFieldAsString("status")), "met") << label;
    }
    EXPECT_EQ(totals, 2);
    // The plan history.
    const auto meta = metadata(*ds);
    EXPECT_EQ(meta.at("replan_from_year"), "2023");
    EXPECT_EQ(meta.at("actuals_sha256"), sha256_of(f.edited));
    EXPECT_EQ(meta.at("previous_plan_sha256"), sha256_of(f.first));
    EXPECT_EQ(meta.at("replan_withdrawn_sites"), "2"); // the deleted and the withdrawn site
    EXPECT_EQ(meta.at("replan_added_sites"), "1");
}

TEST(ReplanCli, TheRollingPlanAddsUpToTheAllocationsAndTheReportShowsIt) {
    const Fixture &f = fx();
    ASSERT_EQ(f.replan.code, 0) << f.replan.err;
    auto ds = open_vector(f.second);
    std::map<std::pair<int, std::string>, double> planned, previous;
    for (auto &&a : *ds->GetLayerByName("allocated_parcels")) {
        if (a->GetFieldAsInteger("year") >= 2023) {
            planned[{a->GetFieldAsInteger("year"), a->GetFieldAsString("housing_type")}] +=
                a->GetFieldAsDouble("area_ha");
        }
    }
    auto first = open_vector(f.first);
    for (auto &&a : *first->GetLayerByName("allocated_parcels")) {
        if (a->GetFieldAsInteger("year") >= 2023) {
            previous[{a->GetFieldAsInteger("year"), a->GetFieldAsString("housing_type")}] +=
                a->GetFieldAsDouble("area_ha");
        }
    }
    OGRLayer *rolling = ds->GetLayerByName("rolling_plan");
    ASSERT_NE(rolling, nullptr);
    std::map<std::pair<int, std::string>, double> got, got_previous;
    for (auto &&r : *rolling) {
        const std::pair<int, std::string> k{r->GetFieldAsInteger("year"),
                                            r->GetFieldAsString("housing_type")};
        got[k] += r->GetFieldAsDouble("area_ha");
        got_previous[k] += r->GetFieldAsDouble("previous_area_ha");
        EXPECT_NEAR(r->GetFieldAsDouble("change_ha"),
                    r->GetFieldAsDouble("area_ha") - r->GetFieldAsDouble("previous_area_ha"), 1e-3);
        EXPECT_STRNE(r->GetFieldAsString("why"), "");
    }
    ASSERT_EQ(got.size(), planned.size());
    for (const auto &[k, ha] : planned) {
        EXPECT_NEAR(got[k], ha, 1e-2) << k.first << " " << k.second;
        EXPECT_NEAR(got_previous[k], previous[k], 1e-2) << k.first << " " << k.second;
    }
    // The workbook's 三年滚动计划 sheet holds the same rows: by (year, district name), the land
    // of this plan and the previous one, and the change.
    {
        std::map<std::pair<int, std::string>, std::tuple<double, double, int>> layer_rows, sheet;
        rolling->ResetReading();
        for (auto &&r : *rolling) {
            auto &[ha, prev, n] =
                layer_rows[{r->GetFieldAsInteger("year"), r->GetFieldAsString("district_name")}];
            ha += r->GetFieldAsDouble("area_ha");
            prev += r->GetFieldAsDouble("previous_area_ha");
            ++n;
        }
        const char *options[] = {"HEADERS=DISABLE", "FIELD_TYPES=STRING", nullptr};
        const std::string xlsx_path =
            std::filesystem::path(f.second).replace_extension(".tables.xlsx").string();
        GDALDatasetUniquePtr xlsx(GDALDataset::Open(
            xlsx_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options, nullptr));
        ASSERT_TRUE(xlsx) << xlsx_path;
        ASSERT_EQ(xlsx->GetLayerCount(), 4);
        OGRLayer *sheet_layer = xlsx->GetLayer(3);
        EXPECT_STREQ(sheet_layer->GetName(), "三年滚动计划");
        for (auto &&r : *sheet_layer) {
            const std::string year = r->GetFieldAsString(0);
            if (year.empty() || year[0] < '0' || year[0] > '9') {
                continue; // the title and the header
            }
            auto &[ha, prev, n] = sheet[{std::stoi(year), r->GetFieldAsString(1)}];
            ha += std::stod(r->GetFieldAsString(3));
            prev += std::stod(r->GetFieldAsString(6));
            EXPECT_NEAR(std::stod(r->GetFieldAsString(8)),
                        std::stod(r->GetFieldAsString(3)) - std::stod(r->GetFieldAsString(6)),
                        1e-6);
            ++n;
        }
        ASSERT_EQ(sheet.size(), layer_rows.size());
        for (const auto &[k, v] : layer_rows) {
            EXPECT_NEAR(std::get<0>(sheet[k]), std::get<0>(v), 1e-6) << k.first << " " << k.second;
            EXPECT_NEAR(std::get<1>(sheet[k]), std::get<1>(v), 1e-6) << k.first << " " << k.second;
            EXPECT_EQ(std::get<2>(sheet[k]), std::get<2>(v)) << k.first << " " << k.second;
        }
    }
    const std::string html = read_file(std::filesystem::path(f.second).replace_extension(".html"));
    // The built-in plan names its types in Chinese: the report's heading is 三年滚动计划.
    EXPECT_NE(html.find("<h2>三年滚动计划</h2>"), std::string::npos);
    EXPECT_NE(html.find("<table id=\"rolling\">"), std::string::npos);
    // `landalloc report` renders the same report from the GeoPackage.
    const std::string again = f.dir.path("again.html");
    ASSERT_EQ(run_cli({"report", f.second, "-o", again}).code, 0);
    EXPECT_EQ(read_file(again), html);
}

TEST(ReplanCli, BadActualsAreOneLineErrorsNamingTheRowAndWriteNothing) {
    const Fixture &f = fx();
    const auto try_csv = [&](const std::string &name, const std::string &rows) {
        const std::string csv = f.dir.path(name + ".csv");
        std::ofstream(csv) << "parcel_id,year,housing_type,status\n" << rows;
        const std::string out = f.dir.path(name + ".gpkg");
        const CliResult r =
            run_cli({"plan", f.city, "--out", out, "--from-year", "2023", "--actuals", csv});
        EXPECT_EQ(r.code, 3) << r.err;
        EXPECT_FALSE(std::filesystem::exists(out));
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        return r.err;
    };
    const std::string supplied = std::get<0>(*f.supplied.begin());
    std::string err = try_csv("unknown", "NOPE-1,2021,commercial,supplied\n");
    EXPECT_NE(err.find("unknown.csv, layer unknown, row 1 (parcel NOPE-1), field parcel_id: "
                       "parcel 'NOPE-1' is not in the parcels layer"),
              std::string::npos)
        << err;
    err = try_csv("twice", supplied + ",2021,commercial,supplied\n" + supplied +
                               ",2022,commercial,supplied\n");
    EXPECT_NE(err.find("twice.csv, layer twice, row 2 (parcel " + supplied +
                       "), field parcel_id: parcel '" + supplied + "' is supplied twice"),
              std::string::npos)
        << err;
    err = try_csv("late", supplied + ",2024,commercial,supplied\n");
    EXPECT_NE(err.find("row 1 (parcel " + supplied +
                       "), field year: a site supplied in 2024 is "
                       "not before --from-year 2023"),
              std::string::npos)
        << err;
}

TEST(ReplanCli, FromYearWithoutActualsIsAUsageError) {
    const Fixture &f = fx();
    const CliResult r =
        run_cli({"plan", f.city, "--out", f.dir.path("x.gpkg"), "--from-year", "2023"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--from-year and --actuals go together"), std::string::npos) << r.err;
    const CliResult same = run_cli({"plan", f.city, "--out", f.edited, "--from-year", "2023",
                                    "--actuals", f.edited, "--overwrite"});
    EXPECT_EQ(same.code, 2) << same.err;
    EXPECT_TRUE(std::filesystem::exists(f.edited));
}
