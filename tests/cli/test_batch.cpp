// `landalloc batch` and `plan --partition` (docs/batch.md): a batch of three generated cities
// gives the plans three single `plan` runs give, and so does each `--index`; the partitions of one
// shared input (three cities merged with a `city` field) give the plans of `plan --partition`;
// a failing city leaves the others; the summary's figures are those of each plan's own features;
// the Slurm and Kubernetes recipes of docs/batch.md run as written; and a partition value can
// hold any quote without changing the attribute filter. Plans are read back with plain OGR.

#include "ogr_util.hpp"
#include "plan_builder.hpp"
#include "test_util.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace landalloc;
using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> k_cities = {"lianyun", "nantong", "wenzhou"};
const std::vector<std::string> k_values = {"南京", "无锡", "苏州"}; // sorted bytewise

/// A shell word in single quotes.
std::string q(const std::string &s) {
    std::string out = "'";
    for (const char c : s) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

CliResult run_landalloc(const std::string &args) {
    return run_process_split(landalloc_binary() + " " + args);
}

/// One allocated parcel as the plan states it.
using Allocation = std::tuple<std::string, int, std::string, std::string, std::string>;

/// The plan's allocated_parcels: parcel_id, year, housing_type, area_ha and units (to 1e-6).
std::vector<Allocation> allocations(const std::string &gpkg) {
    auto ds = open_vector(gpkg);
    OGRLayer *l = ds->GetLayerByName("allocated_parcels");
    EXPECT_NE(l, nullptr) << gpkg;
    std::vector<Allocation> out;
    if (!l) {
        return out;
    }
    char area[64], units[64];
    for (auto &&f : *l) {
        std::snprintf(area, sizeof area, "%.6f", f->GetFieldAsDouble("area_ha"));
        std::snprintf(units, sizeof units, "%.6f", f->GetFieldAsDouble("units"));
        out.emplace_back(f->GetFieldAsString("parcel_id"), f->GetFieldAsInteger("year"),
                         f->GetFieldAsString("housing_type"), area, units);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::map<std::string, std::string> metadata(const std::string &gpkg) {
    auto ds = open_vector(gpkg);
    std::map<std::string, std::string> m;
    for (auto &&f : *ds->GetLayerByName("run_metadata")) {
        m[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    }
    return m;
}

/// The dissimilarity index D recomputed from the plan's zones features (docs/indicators.md):
/// 1/2 sum |J_z / J - W_z / W| with J_z = balance_jobs and W_z = workers_before or _after.
double dissimilarity(const std::string &gpkg, const char *workers) {
    auto ds = open_vector(gpkg);
    std::vector<std::pair<double, double>> jw;
    double J = 0, W = 0;
    for (auto &&f : *ds->GetLayerByName("zones")) {
        jw.emplace_back(f->GetFieldAsDouble("balance_jobs"), f->GetFieldAsDouble(workers));
        J += jw.back().first;
        W += jw.back().second;
    }
    double d = 0;
    for (const auto &[j, w] : jw) {
        d += std::abs(j / J - w / W);
    }
    return d / 2;
}

/// annual_plan rows with status `met`, counted from its features' status (not its `met` field).
std::pair<int, int> targets_met(const std::string &gpkg) {
    auto ds = open_vector(gpkg);
    int met = 0, all = 0;
    for (auto &&f : *ds->GetLayerByName("annual_plan")) {
        ++all;
        met += std::string(f->GetFieldAsString("status")) == "met" ? 1 : 0;
    }
    return {met, all};
}

/// A CSV without quoted line breaks, as rows of fields (RFC 4180 quotes).
std::vector<std::vector<std::string>> read_csv(const std::string &path) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(read_file(path));
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> row(1);
        bool quoted = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                row.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                row.emplace_back();
            } else {
                row.back() += c;
            }
        }
        rows.push_back(row);
    }
    return rows;
}

/// The rows of a summary CSV by name, each field by its column's name.
std::map<std::string, std::map<std::string, std::string>> summary(const std::string &csv) {
    const auto rows = read_csv(csv);
    std::map<std::string, std::map<std::string, std::string>> out;
    if (rows.empty()) {
        ADD_FAILURE() << "empty " << csv;
        return out;
    }
    for (std::size_t r = 1; r < rows.size(); ++r) {
        EXPECT_EQ(rows[r].size(), rows[0].size()) << csv << " row " << r;
        auto &m = out[rows[r].at(1)];
        for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) {
            m[rows[0][c]] = rows[r][c];
        }
    }
    return out;
}

/// The plan every city meets: 20 ha of commercial and 5 ha of affordable rental land a year,
/// solved by the heuristic (deterministic, stopped by counts).
std::string plan_text() {
    return PlanBuilder()
        .spaced()
        .plan(2021, 2025, "batch test")
        .housing_type(commercial())
        .housing_type(affordable_rental())
        .target({.type = "commercial", .unit = "ha", .values = {20, 20, 20, 20, 20}})
        .target({.type = "affordable_rental", .unit = "ha", .values = {5, 5, 5, 5, 5}})
        .solver("heuristic")
        .text();
}

/// Three generated cities (form 1), their batch and their single plans.
struct Cities {
    TempDir dir;
    std::string plan = dir.path("plan.toml");
    std::string toml = dir.path("cities.toml");
    std::string out_dir = dir.path("plans");
    std::vector<std::string> inputs;
    std::vector<std::string> singles; // `landalloc plan` of each city
    CliResult batch;
    CliResult list;

    Cities() {
        write_file(plan, plan_text());
        std::string cities;
        for (std::size_t i = 0; i < k_cities.size(); ++i) {
            inputs.push_back(dir.path(k_cities[i] + ".gpkg"));
            const auto s = run_landalloc("synth --quiet --parcels 600 --seed " +
                                         std::to_string(11 + i) + " --out " + inputs.back());
            EXPECT_EQ(s.code, 0) << s.err;
            singles.push_back(dir.path("single-" + k_cities[i] + ".gpkg"));
            const auto p = run_landalloc("plan --quiet " + inputs.back() + " --plan " + plan +
                                         " --seed 3 --out " + singles.back());
            EXPECT_EQ(p.code, 0) << p.err;
            cities += "\n[[city]]\nname = \"" + k_cities[i] +
                      "\"\nplan = \"plan.toml\"\ninput = \"" + k_cities[i] + ".gpkg\"\n";
        }
        write_file(toml,
                   "[batch]\nout_dir = \"plans\"\njobs = 2\nargs = [\"--seed\", \"3\"]\n" + cities);
        list = run_landalloc("batch " + toml + " --list");
        batch = run_landalloc("batch " + toml);
    }
    std::string gpkg(std::size_t i) const { return out_dir + "/" + k_cities[i] + ".gpkg"; }
};

Cities &cities() {
    static Cities c;
    return c;
}

/// Three generated cities merged into one input with a `city` field (form 2): every layer of
/// each, its ids prefixed with the city's value.
struct Province {
    TempDir dir;
    std::string plan = dir.path("plan.toml");
    std::string input = dir.path("province.gpkg");
    std::string toml = dir.path("province.toml");
    CliResult batch;

    Province() {
        write_file(plan, plan_text());
        std::vector<std::string> parts;
        for (std::size_t i = 0; i < k_values.size(); ++i) {
            parts.push_back(dir.path("part" + std::to_string(i) + ".gpkg"));
            const auto s = run_landalloc("synth --quiet --parcels 600 --seed " +
                                         std::to_string(21 + i) + " --out " + parts.back());
            EXPECT_EQ(s.code, 0) << s.err;
        }
        merge(parts);
        write_file(toml, "[batch]\nout_dir = \"plans\"\njobs = 2\n\n[partition]\ninput = "
                         "\"province.gpkg\"\nfield = \"city\"\nplan = \"plan.toml\"\n");
        batch = run_landalloc("batch " + toml);
    }

    void merge(const std::vector<std::string> &parts) {
        GDALAllRegister();
        GDALDriver *gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
        GDALDatasetUniquePtr out(gpkg->Create(input.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        ASSERT_TRUE(out);
        for (std::size_t i = 0; i < parts.size(); ++i) {
            auto src = open_vector(parts[i]);
            for (OGRLayer *l : src->GetLayers()) {
                OGRLayer *dst = out->GetLayerByName(l->GetName());
                if (!dst) {
                    dst = out->CreateLayer(l->GetName(), l->GetSpatialRef(), l->GetGeomType(),
                                           nullptr);
                    ASSERT_NE(dst, nullptr);
                    for (int f = 0; f < l->GetLayerDefn()->GetFieldCount(); ++f) {
                        ASSERT_EQ(dst->CreateField(l->GetLayerDefn()->GetFieldDefn(f)),
                                  OGRERR_NONE);
                    }
                    OGRFieldDefn city("city", OFTString);
                    ASSERT_EQ(dst->CreateField(&city), OGRERR_NONE);
                }
                ASSERT_EQ(dst->StartTransaction(), OGRERR_NONE);
                for (auto &&f : *l) {
                    OGRFeatureUniquePtr g(OGRFeature::CreateFeature(dst->GetLayerDefn()));
                    g->SetFrom(f.get(), TRUE);
                    g->SetFID(OGRNullFID);
                    g->SetField("city", k_values[i].c_str());
                    const int id = g->GetFieldIndex("id");
                    if (id >= 0) {
                        g->SetField(id, (k_values[i] + "-" + f->GetFieldAsString("id")).c_str());
                    }
                    ASSERT_EQ(dst->CreateFeature(g.get()), OGRERR_NONE);
                }
                ASSERT_EQ(dst->CommitTransaction(), OGRERR_NONE);
            }
        }
    }
};

Province &province() {
    static Province p;
    return p;
}

/// The lines of a code block of docs/batch.md that follow `marker` and run `landalloc batch`,
/// without their indentation (a YAML block scalar's).
std::vector<std::string> recipe_lines(const std::string &marker) {
    std::istringstream in(read_file(std::string(LANDALLOC_SOURCE_DIR) + "/docs/batch.md"));
    std::string line;
    bool after = false, in_block = false;
    std::vector<std::string> out;
    while (std::getline(in, line)) {
        if (line.find(marker) != std::string::npos) {
            after = true;
            continue;
        }
        if (!after) {
            continue;
        }
        if (line.starts_with("```")) {
            if (in_block) {
                break;
            }
            in_block = true;
            continue;
        }
        const auto start = line.find_first_not_of(' ');
        if (in_block && start != std::string::npos &&
            line.compare(start, 16, "landalloc batch ") == 0) {
            out.push_back(line.substr(start));
        }
    }
    return out;
}

} // namespace

TEST(Batch, ListPrintsEachPartitionAndTheExactCommandItRuns) {
    const Cities &c = cities();
    ASSERT_EQ(c.list.code, 0) << c.list.err;
    std::istringstream in(c.list.out);
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    ASSERT_EQ(lines.size(), k_cities.size()) << c.list.out;
    for (std::size_t i = 0; i < k_cities.size(); ++i) {
        // Paths are the TOML's directory joined with the file's (the test's are absolute).
        const std::string d = c.dir.dir().string();
        EXPECT_EQ(lines[i], std::to_string(i) + "\t" + k_cities[i] + "\tlandalloc plan " + d + "/" +
                                k_cities[i] + ".gpkg --plan " + d + "/plan.toml --out " + d +
                                "/plans/" + k_cities[i] + ".gpkg --seed 3");
    }
    // A listed command, run by hand in a shell, gives the plan the batch gives.
    const std::string toml = c.dir.path("by-hand.toml");
    std::string text = read_file(c.toml);
    text.replace(text.find("out_dir = \"plans\""), 17, "out_dir = \"by-hand\"");
    write_file(toml, text);
    const auto listed = run_landalloc("batch " + toml + " --list");
    ASSERT_EQ(listed.code, 0) << listed.err;
    std::istringstream lines_in(listed.out);
    std::string second;
    std::getline(lines_in, second);
    std::getline(lines_in, second);
    const std::string cmd = second.substr(second.rfind('\t') + 1);
    fs::create_directories(c.dir.path("by-hand"));
    const auto r = run_process("bash -c " +
                               q("PATH=" + q(fs::path(landalloc_binary()).parent_path().string()) +
                                 ":\"$PATH\" " + cmd + " --quiet"));
    ASSERT_EQ(r.code, 0) << cmd << "\n" << r.out;
    EXPECT_EQ(allocations(c.dir.path("by-hand/" + k_cities[1] + ".gpkg")),
              allocations(c.singles[1]));
}

TEST(Batch, ThreeCitiesPlanAsThreeSinglePlansAndAsEachIndex) {
    const Cities &c = cities();
    ASSERT_EQ(c.batch.code, 0) << c.batch.out << c.batch.err;
    for (std::size_t i = 0; i < k_cities.size(); ++i) {
        const auto batch = allocations(c.gpkg(i));
        ASSERT_FALSE(batch.empty()) << k_cities[i];
        EXPECT_EQ(batch, allocations(c.singles[i])) << k_cities[i];
        EXPECT_TRUE(fs::exists(c.out_dir + "/" + k_cities[i] + ".html")) << k_cities[i];
        EXPECT_TRUE(fs::exists(c.out_dir + "/" + k_cities[i] + ".log")) << k_cities[i];
    }
    // The three plans differ (three cities, not one plan three times).
    EXPECT_NE(allocations(c.gpkg(0)), allocations(c.gpkg(1)));

    // --index i, into another out_dir: the same plans again, and its summary row.
    const std::string toml = c.dir.path("cities-index.toml");
    std::string text = read_file(c.toml);
    text.replace(text.find("out_dir = \"plans\""), 17, "out_dir = \"by-index\"");
    write_file(toml, text);
    for (std::size_t i = 0; i < k_cities.size(); ++i) {
        const auto r = run_landalloc("batch " + toml + " --index " + std::to_string(i));
        ASSERT_EQ(r.code, 0) << r.out << r.err;
        EXPECT_NE(r.out.find(k_cities[i]), std::string::npos) << r.out;
        EXPECT_NE(r.out.find("ok"), std::string::npos) << r.out;
        EXPECT_EQ(allocations(c.dir.path("by-index/" + k_cities[i] + ".gpkg")),
                  allocations(c.singles[i]))
            << k_cities[i];
    }
    // Each --index ran its partition alone.
    EXPECT_FALSE(fs::exists(c.dir.path("by-index/batch_summary.csv")));
}

TEST(Batch, SummaryFiguresAreThoseOfEachPlansOwnFeatures) {
    const Cities &c = cities();
    ASSERT_EQ(c.batch.code, 0) << c.batch.err;
    const auto rows = summary(c.out_dir + "/batch_summary.csv");
    ASSERT_EQ(rows.size(), k_cities.size());
    for (std::size_t i = 0; i < k_cities.size(); ++i) {
        const auto &r = rows.at(k_cities[i]);
        EXPECT_EQ(r.at("index"), std::to_string(i));
        EXPECT_EQ(r.at("exit_code"), "0");
        EXPECT_EQ(r.at("result"), "ok");
        const auto [met, all] = targets_met(c.gpkg(i));
        EXPECT_GT(all, 0);
        EXPECT_EQ(r.at("targets_met"), std::to_string(met)) << k_cities[i];
        EXPECT_EQ(r.at("targets"), std::to_string(all)) << k_cities[i];
        EXPECT_NEAR(std::stod(r.at("d_before")), dissimilarity(c.gpkg(i), "workers_before"), 1e-5)
            << k_cities[i];
        EXPECT_NEAR(std::stod(r.at("d_after")), dissimilarity(c.gpkg(i), "workers_after"), 1e-5)
            << k_cities[i];
        EXPECT_NE(r.at("d_before"), r.at("d_after")) << "the plan moves D";
        EXPECT_EQ(r.at("gap"), metadata(c.gpkg(i)).at("gap"));
        EXPECT_EQ(r.at("output"), c.gpkg(i));
        EXPECT_TRUE(r.at("error").empty()) << r.at("error");
    }
    // The printed table names every city.
    for (const auto &name : k_cities) {
        EXPECT_NE(c.batch.out.find(name), std::string::npos) << c.batch.out;
    }
}

TEST(Batch, PartitionsOfASharedInputPlanAsPlanPartition) {
    Province &p = province();
    ASSERT_EQ(p.batch.code, 0) << p.batch.out << p.batch.err;
    // Default values: the field's distinct values in the parcels layer, sorted.
    const auto list = run_landalloc("batch " + p.toml + " --list");
    ASSERT_EQ(list.code, 0) << list.err;
    for (std::size_t i = 0; i < k_values.size(); ++i) {
        const std::string line = std::to_string(i) + "\t" + k_values[i] + "\t";
        EXPECT_NE(list.out.find(line), std::string::npos) << list.out;
        const std::string gpkg = p.dir.path("plans/" + k_values[i] + ".gpkg");
        const auto batch = allocations(gpkg);
        ASSERT_FALSE(batch.empty()) << k_values[i];
        for (const auto &a : batch) {
            EXPECT_TRUE(std::get<0>(a).starts_with(k_values[i] + "-")) << std::get<0>(a);
        }
        const std::string single = p.dir.path("single-" + std::to_string(i) + ".gpkg");
        const auto r =
            run_landalloc("plan --quiet " + p.input + " --plan " + p.plan + " --partition " +
                          q("city=" + k_values[i]) + " --out " + single);
        ASSERT_EQ(r.code, 0) << r.err;
        EXPECT_EQ(batch, allocations(single)) << k_values[i];
        EXPECT_EQ(metadata(single).at("partition"), "city = " + k_values[i]);
        EXPECT_EQ(metadata(gpkg).at("candidate_parcels"), "600") << "one city's parcels";
    }
}

TEST(Batch, PartitionValueWithQuotesIsReadAsAValueNotAsSql) {
    Province &p = province();
    const std::string value = "x'\"; DROP TABLE parcels; --";
    const auto r = run_landalloc("plan " + p.input + " --plan " + p.plan + " --partition " +
                                 q("city=" + value) + " --out " + p.dir.path("evil.gpkg"));
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("no feature has city = '" + value + "'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(k_values[0]), std::string::npos) << "lists the values present: " << r.err;
    EXPECT_EQ(r.err.find("SQL"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("syntax"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(p.dir.path("evil.gpkg")));
    // The input is whole: every parcel of the three cities.
    auto ds = open_vector(p.input);
    ASSERT_NE(ds->GetLayerByName("parcels"), nullptr);
    EXPECT_EQ(ds->GetLayerByName("parcels")->GetFeatureCount(), 1800);

    // A value with quotes that is present is selected exactly.
    const std::string quoted = p.dir.path("quoted.gpkg");
    {
        const std::string copy = p.dir.path("quoted-input.gpkg");
        fs::copy_file(p.input, copy);
        GDALDatasetUniquePtr ds2(GDALDataset::Open(copy.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                                   nullptr, nullptr, nullptr));
        ASSERT_TRUE(ds2);
        ds2->ExecuteSQL(("UPDATE " + std::string("parcels") + " SET city = 'it''s \"B\"; --' " +
                         "WHERE city = '" + k_values[1] + "'")
                            .c_str(),
                        nullptr, nullptr);
        ds2->ExecuteSQL(
            ("UPDATE zones SET city = 'it''s \"B\"; --' WHERE city = '" + k_values[1] + "'")
                .c_str(),
            nullptr, nullptr);
        ds2.reset();
        const auto r2 =
            run_landalloc("plan --quiet " + copy + " --plan " + p.plan + " --partition " +
                          q("city=it's \"B\"; --") + " --out " + quoted);
        ASSERT_EQ(r2.code, 0) << r2.err;
        EXPECT_EQ(metadata(quoted).at("candidate_parcels"), "600");
    }

    // A backslash is refused before GDAL sees it (OGR SQL and SQLite read it differently).
    const auto bs = run_landalloc("plan " + p.input + " --plan " + p.plan + " --partition " +
                                  q("city=a\\' OR 1=1 --") + " --out " + p.dir.path("bs.gpkg"));
    EXPECT_EQ(bs.code, 2) << bs.err;
    EXPECT_NE(bs.err.find("backslash"), std::string::npos) << bs.err;

    // The parcels layer must have the field.
    const auto nofield = run_landalloc("plan " + p.input + " --plan " + p.plan +
                                       " --partition nosuch=1 --out " + p.dir.path("nf.gpkg"));
    EXPECT_EQ(nofield.code, 3) << nofield.err;
    EXPECT_NE(nofield.err.find("layer 'parcels': has no field 'nosuch'"), std::string::npos)
        << nofield.err;
}

TEST(Batch, AFailedCityDoesNotStopTheOthers) {
    const Cities &c = cities();
    const std::string toml = c.dir.path("with-missing.toml");
    std::string text = read_file(c.toml);
    text.replace(text.find("out_dir = \"plans\""), 17, "out_dir = \"with-missing\"");
    text += "\n[[city]]\nname = \"missing\"\nplan = \"plan.toml\"\ninput = \"no-such.gpkg\"\n";
    // The failing city last: it fails while the others may still run.
    write_file(toml, text);
    const auto r = run_landalloc("batch " + toml + " --jobs 2");
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    const auto rows = summary(c.dir.path("with-missing/batch_summary.csv"));
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows.at("missing").at("exit_code"), "3");
    EXPECT_EQ(rows.at("missing").at("result"), "input error");
    EXPECT_NE(rows.at("missing").at("error").find("no-such.gpkg: file not found"),
              std::string::npos)
        << rows.at("missing").at("error");
    for (std::size_t i = 0; i < k_cities.size(); ++i) {
        EXPECT_EQ(rows.at(k_cities[i]).at("exit_code"), "0");
        EXPECT_EQ(allocations(c.dir.path("with-missing/" + k_cities[i] + ".gpkg")),
                  allocations(c.singles[i]));
    }
    EXPECT_NE(r.err.find("1 of 4 partitions failed"), std::string::npos) << r.err;
    // --collect makes the same summary again from the logs and plans.
    const std::string before = read_file(c.dir.path("with-missing/batch_summary.csv"));
    const auto collect = run_landalloc("batch " + toml + " --collect");
    EXPECT_EQ(collect.code, 1) << collect.err;
    EXPECT_EQ(read_file(c.dir.path("with-missing/batch_summary.csv")), before);
}

TEST(Batch, DocsRecipesRunAsWritten) {
    const Cities &c = cities();
    ASSERT_EQ(c.batch.code, 0);
    const auto slurm = recipe_lines("recipe: slurm-array");
    const auto collect = recipe_lines("recipe: slurm-collect");
    const auto k8s = recipe_lines("recipe: k8s-indexed-job");
    ASSERT_EQ(slurm.size(), 1u);
    ASSERT_EQ(collect.size(), 1u);
    ASSERT_EQ(k8s.size(), 1u);
    EXPECT_NE(slurm[0].find("$SLURM_ARRAY_TASK_ID"), std::string::npos) << slurm[0];
    EXPECT_NE(k8s[0].find("$JOB_COMPLETION_INDEX"), std::string::npos) << k8s[0];

    // The recipes' cities.toml in a directory of its own: the same cities, into plans/.
    const TempDir run;
    write_file(run.path("cities.toml"), [&] {
        std::string t = read_file(c.toml);
        std::string out;
        std::istringstream in(t);
        std::string line;
        while (std::getline(in, line)) {
            if (line.starts_with("plan = \"") || line.starts_with("input = \"")) {
                const auto eq = line.find('"');
                line = line.substr(0, eq + 1) + c.dir.dir().string() + "/" + line.substr(eq + 1);
            }
            out += line + "\n";
        }
        return out;
    }());
    const std::string env = "cd " + q(run.dir().string()) + " && export PATH=" +
                            q(fs::path(landalloc_binary()).parent_path().string()) + ":\"$PATH\"; ";
    const auto a = run_process("bash -c " + q(env + "export SLURM_ARRAY_TASK_ID=1; " + slurm[0]));
    ASSERT_EQ(a.code, 0) << slurm[0] << "\n" << a.out;
    const auto b = run_process("bash -c " + q(env + "export JOB_COMPLETION_INDEX=2; " + k8s[0]));
    ASSERT_EQ(b.code, 0) << k8s[0] << "\n" << b.out;
    EXPECT_EQ(allocations(run.path("plans/" + k_cities[1] + ".gpkg")), allocations(c.gpkg(1)));
    EXPECT_EQ(allocations(run.path("plans/" + k_cities[2] + ".gpkg")), allocations(c.gpkg(2)));
    EXPECT_FALSE(fs::exists(run.path("plans/" + k_cities[0] + ".gpkg")));
    // The dependent job's summary: two plans, partition 0 never ran.
    const auto s = run_process("bash -c " + q(env + collect[0]));
    EXPECT_EQ(s.code, 1) << collect[0] << "\n" << s.out;
    const auto rows = summary(run.path("plans/batch_summary.csv"));
    EXPECT_EQ(rows.at(k_cities[0]).at("result"), "not run");
    EXPECT_EQ(rows.at(k_cities[1]).at("result"), "ok");
    EXPECT_EQ(rows.at(k_cities[2]).at("result"), "ok");
}

TEST(BatchFile, ErrorsNameTheKeyAndTheLine) {
    const TempDir dir;
    const std::string toml = dir.path("c.toml");
    const auto check = [&](const std::string &text, int code, const std::string &what) {
        write_file(toml, text);
        const auto r = run_cli({"batch", toml, "--list"});
        EXPECT_EQ(r.code, code) << text << "\n" << r.err;
        EXPECT_NE(r.err.find(what), std::string::npos) << text << "\n" << r.err;
    };
    check("[[city]]\nname = \"a/b\"\n", 4, "c.toml:2: key 'city[0].name': 'a/b' holds '/'");
    check("[[city]]\nname = \".hidden\"\n", 4, "starts with '.'");
    check("[[city]]\nname = \"a\\u0000b\"\n", 4, "holds a NUL");
    check("[[city]]\nname = \"a\"\n[[city]]\nname = \"a\"\n", 4, "'a' names two partitions");
    check("[batch]\njobs = 0\n[[city]]\nname = \"a\"\n", 4, "key 'batch.jobs'");
    check("[batch]\nout_dirr = \"x\"\n", 4, "key 'batch.out_dirr': unknown key");
    check("[batch]\nout_dir = \"x\"\n", 4, "no partition");
    check("[[city]\n", 4, "not valid TOML");
    check("[partition]\nfield = \"city\"\n", 4, "key 'partition.input': missing");
    check("[partition]\ninput = \"p.gpkg\"\nfield = \"city\"\nvalues = [\"\"]\n", 4,
          "key 'partition.values': '' is empty");

    write_file(toml, "[[city]]\nname = \"a\"\n[[city]]\nname = \"b\"\n");
    const auto r = run_cli({"batch", toml, "--index", "2"});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("has 2 partitions, indexed 0 to 1"), std::string::npos) << r.err;
    EXPECT_EQ(run_cli({"batch", dir.path("none.toml"), "--list"}).code, 4);
}

TEST(BatchFile, PartitionValuesAreNamesWhenSafeAndDatabaseOutputGetsASchemaEach) {
    const TempDir dir;
    const std::string toml = dir.path("c.toml");
    write_file(toml, "[batch]\nout_dir = \"out\"\nout = \"PG:service=plans\"\nschema_prefix = "
                     "\"plan_\"\n[partition]\ninput = \"PG:service=province\"\nfield = "
                     "\"city\"\nvalues = [\"南京\", \"a/b\", \"it's\"]\n");
    const auto r = run_cli({"batch", toml, "--list", "--overwrite"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string d = dir.dir().string();
    EXPECT_EQ(r.out,
              "0\t南京\tlandalloc plan PG:service=province --out PG:service=plans --schema "
              "plan_南京 --report " +
                  d + "/out/南京.html --partition city=南京 --overwrite\n" +
                  "1\ta_b\tlandalloc plan PG:service=province --out PG:service=plans --schema "
                  "plan_a_b --report " +
                  d + "/out/a_b.html --partition city=a/b --overwrite\n" +
                  "2\tit's\tlandalloc plan PG:service=province --out PG:service=plans --schema "
                  "'plan_it'\\''s' --report '" +
                  d + "/out/it'\\''s.html' --partition 'city=it'\\''s' --overwrite\n");
}
