// The files of one run as one transaction (gis/atomic_file.hpp, issue 17 items 2 and 6): nothing
// changes on disk until commit(), an abandoned set removes its temporaries and leaves the old
// files, stale temporaries of killed runs are removed, and passwords never reach a message.

#include "core/errors.hpp"
#include "gis/atomic_file.hpp"
#include "gis/vector_io.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

using namespace landalloc;
using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {

/// The names in `dir` holding ".tmp-".
std::vector<std::string> temporaries(const TempDir &dir) {
    std::vector<std::string> out;
    for (const auto &e : fs::directory_iterator(dir.dir())) {
        const std::string name = e.path().filename().string();
        if (name.find(".tmp-") != std::string::npos) {
            out.push_back(name);
        }
    }
    return out;
}

} // namespace

TEST(OutputSet, NothingChangesUntilCommitThenEveryFileIsNew) {
    TempDir dir;
    const std::string plan = dir.path("plan.gpkg");
    const std::string report = dir.path("plan.html");
    write_file(plan, "old plan");
    write_file(report, "old report");
    gis::OutputSet set(/*overwrite=*/true);
    const std::string temp = set.add(plan, ".gpkg");
    write_file(temp, "new plan");
    set.write(report, "new report");
    EXPECT_EQ(temporaries(dir).size(), 2u);
    EXPECT_EQ(gis::registered_temporaries(), 2) << "a SIGINT now would remove both";
    EXPECT_EQ(read_file(plan), "old plan");
    EXPECT_EQ(read_file(report), "old report");
    set.commit();
    EXPECT_EQ(read_file(plan), "new plan");
    EXPECT_EQ(read_file(report), "new report");
    EXPECT_TRUE(temporaries(dir).empty());
    EXPECT_EQ(gis::registered_temporaries(), 0);
}

TEST(OutputSet, AnAbandonedSetLeavesTheOldFilesAndNoTemporaries) {
    TempDir dir;
    const std::string plan = dir.path("plan.gpkg");
    const std::string report = dir.path("plan.html");
    write_file(plan, "old plan");
    write_file(report, "old report");
    {
        gis::OutputSet set(true);
        write_file(set.add(plan, ".gpkg"), "new plan");
        // SQLite's journal beside the temporary goes too.
        write_file(set.add(report, "") + "-journal", "journal");
        // The run fails before commit (say, the report could not be rendered).
    }
    EXPECT_EQ(read_file(plan), "old plan");
    EXPECT_EQ(read_file(report), "old report");
    EXPECT_TRUE(temporaries(dir).empty());
    EXPECT_EQ(gis::registered_temporaries(), 0);
}

TEST(OutputSet, RefusesAnExistingFileWithoutOverwriteAndAMissingDirectory) {
    TempDir dir;
    const std::string plan = dir.path("plan.gpkg");
    write_file(plan, "old plan");
    gis::OutputSet set(false);
    EXPECT_THROW(set.add(plan, ".gpkg"), OutputError);
    EXPECT_THROW(set.add(dir.path("no/such/plan.gpkg"), ".gpkg"), OutputError);
    EXPECT_EQ(read_file(plan), "old plan");
    EXPECT_TRUE(temporaries(dir).empty());
}

TEST(OutputSet, RemovesThisProgramsTemporariesOlderThanADay) {
    TempDir dir;
    const std::string stale = dir.path(".plan.gpkg.tmp-4242.gpkg");
    const std::string stale_journal = dir.path(".plan.gpkg.tmp-4242.gpkg-journal");
    const std::string fresh = dir.path(".plan.gpkg.tmp-4343.gpkg");
    const std::string not_ours = dir.path(".notes.tmp-x");
    const std::string old_user_file = dir.path("plan-2020.gpkg");
    for (const auto &p : {stale, stale_journal, fresh, not_ours, old_user_file}) {
        write_file(p, "x");
    }
    const auto two_days_ago = fs::file_time_type::clock::now() - std::chrono::hours(48);
    for (const auto &p : {stale, stale_journal, not_ours, old_user_file}) {
        fs::last_write_time(p, two_days_ago);
    }
    gis::write_file_atomically(dir.path("plan.html"), "report", false);
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_FALSE(fs::exists(stale_journal));
    EXPECT_TRUE(fs::exists(fresh)) << "a temporary of a run that may still be going is kept";
    EXPECT_TRUE(fs::exists(not_ours));
    EXPECT_TRUE(fs::exists(old_user_file));
    EXPECT_EQ(read_file(dir.path("plan.html")), "report");
}

// Issue 17, item 8: a PostGIS password never reaches the metadata, a report or a message.
TEST(RedactPasswords, LibpqKeywordsAndUris) {
    EXPECT_EQ(gis::redact_passwords("PG:host=db dbname=land password=s3cr3t user=bureau"),
              "PG:host=db dbname=land password=*** user=bureau");
    EXPECT_EQ(gis::redact_passwords("PG:password = 'it''s a secret' dbname=x"),
              "PG:password=*** dbname=x");
    EXPECT_EQ(gis::redact_passwords("PG:PASSWORD=abc"), "PG:password=***");
    EXPECT_EQ(gis::redact_passwords("PG:postgresql://bureau:s3cr3t@db:5432/land"),
              "PG:postgresql://bureau:***@db:5432/land");
    EXPECT_EQ(gis::redact_passwords("PG:postgresql://bureau@db/land"),
              "PG:postgresql://bureau@db/land");
    EXPECT_EQ(gis::redact_passwords("PG:host=db passwordfile=x"), "PG:host=db passwordfile=x");
    EXPECT_EQ(gis::redact_passwords("city.gpkg"), "city.gpkg");
    const std::string toml = "[inputs]\nsource = \"PG:dbname=land password=s3cr3t\"\n";
    EXPECT_EQ(gis::redact_passwords(toml), "[inputs]\nsource = \"PG:dbname=land password=***\"\n");
}
