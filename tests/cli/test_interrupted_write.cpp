// An interrupted `landalloc plan` leaves the previous outputs untouched (issue 17): runs the plan
// of a 100,000-parcel generated city, kills it with SIGKILL at ten random moments of a full run and
// at moments just after its temporary GeoPackage appears (so some kills land while the
// GeoPackage and the report are being written), and checks after each kill that the previous
// GeoPackage and report are byte-identical, open, and that the report is the one the GeoPackage
// renders. SIGINT and SIGTERM stop a run with 130 and 143 and leave no temporaries; a file-size
// limit is an output error that changes nothing.

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {

/// Starts `landalloc args...` with its output discarded (stderr to `err_file` when given) and the
/// file-size limit `fsize_limit` (bytes; 0: none); returns the child's pid.
pid_t spawn(const std::vector<std::string> &args, const std::string &err_file = {},
            rlim_t fsize_limit = 0, const std::vector<std::string> &env = {}) {
    const std::string binary = landalloc_binary();
    std::vector<char *> argv;
    argv.push_back(const_cast<char *>(binary.c_str()));
    for (const auto &a : args) {
        argv.push_back(const_cast<char *>(a.c_str()));
    }
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        if (err_file.empty()) {
            ::dup2(devnull, 2);
        } else {
            const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(err, 2);
        }
        if (fsize_limit > 0) {
            const struct rlimit lim = {fsize_limit, fsize_limit};
            ::setrlimit(RLIMIT_FSIZE, &lim);
        }
        for (const auto &e : env) {
            ::putenv(const_cast<char *>(e.c_str()));
        }
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    return pid;
}

/// Waits for `pid`; its exit status.
int wait_for(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

/// The names in `dir` holding ".tmp-" (a run's temporaries and their SQLite journals).
std::vector<std::string> temporaries(const fs::path &dir) {
    std::vector<std::string> out;
    for (const auto &e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.find(".tmp-") != std::string::npos) {
            out.push_back(name);
        }
    }
    return out;
}

/// Waits until `pid` has a temporary file in `dir` (or has ended).
void wait_for_temporary(const fs::path &dir, pid_t pid) {
    const std::string tag = ".tmp-" + std::to_string(pid);
    for (;;) {
        for (const auto &e : fs::directory_iterator(dir)) {
            if (e.path().filename().string().find(tag) != std::string::npos) {
                return;
            }
        }
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid != 0) {
            return; // it ended (still to be reaped)
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

/// A generated city and a complete plan of it (plan.gpkg, plan.html) in `dir`.
struct PlannedCity {
    std::string city, out, html;
    std::vector<std::string> plan_args;
    double full_s = 0;
    PlannedCity(const TempDir &dir, const std::string &parcels, const std::string &scale) {
        city = dir.path("city.gpkg");
        out = dir.path("plan.gpkg");
        html = dir.path("plan.html");
        const auto r = run_cli(
            {"synth", "--out", city, "--parcels", parcels, "--scale", scale, "--seed", "11"});
        EXPECT_EQ(r.code, 0) << r.err;
        plan_args = {"plan", city, "--out", out, "--solver", "greedy", "--overwrite", "--quiet"};
        const auto t0 = std::chrono::steady_clock::now();
        const int status = wait_for(spawn(plan_args));
        full_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_TRUE(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 6));
    }
};

/// Whether `html` is the report `landalloc report` renders from `gpkg` (the same bytes).
bool report_matches(const TempDir &dir, const std::string &gpkg, const std::string &html) {
    const std::string again = dir.path("check.html");
    const auto r = run_cli({"report", gpkg, "-o", again, "--overwrite", "--quiet"});
    return r.code == 0 && read_file(again) == read_file(html);
}

} // namespace

TEST(InterruptedWrite, KilledPlanLeavesThePreviousOutputsIntactAndConsistent) {
    TempDir dir;
    // The seeded generator (seed 11): 100,000 candidate parcels on a city three times the
    // default size (8,000 under the sanitizers, where a run is slow enough as it is).
#ifdef LANDALLOC_SANITIZED
    const PlannedCity c(dir, "8000", "2");
#else
    const PlannedCity c(dir, "100000", "3");
#endif
    ASSERT_FALSE(HasFailure());
    std::string old_gpkg = read_file(c.out);
    std::string old_html = read_file(c.html);
    ASSERT_FALSE(old_gpkg.empty());
    ASSERT_TRUE(report_matches(dir, c.out, c.html)) << "the complete run's report";

    // Ten kills at random moments of a full run (seeded, so the same moments every time), then
    // kills at delays after the run's temporary GeoPackage appears, which land in the writing.
    struct Kill {
        double after_s; // since the start, or -1: `after_temp_ms` after the temporary appears
        int after_temp_ms;
    };
    std::vector<Kill> kills;
    std::mt19937 rng(17);
    std::uniform_real_distribution<double> moment(0.02, 1.0);
    for (int i = 0; i < 10; ++i) {
        kills.push_back({moment(rng) * c.full_s, 0});
    }
    for (const int ms : {0, 5, 20, 80, 320}) {
        kills.push_back({-1, ms});
    }
    int killed = 0;
    int killed_while_writing = 0;
    for (const auto &k : kills) {
        for (const auto &name : temporaries(dir.dir())) {
            fs::remove(dir.dir() / name); // a SIGKILL leaves them; a later run ignores them
        }
        const pid_t pid = spawn(c.plan_args);
        if (k.after_s >= 0) {
            std::this_thread::sleep_for(std::chrono::duration<double>(k.after_s));
        } else {
            wait_for_temporary(dir.dir(), pid);
            std::this_thread::sleep_for(std::chrono::milliseconds(k.after_temp_ms));
        }
        ::kill(pid, SIGKILL);
        const int status = wait_for(pid);
        const std::string when = k.after_s >= 0
                                     ? std::to_string(k.after_s) + " s into the run"
                                     : std::to_string(k.after_temp_ms) + " ms into the writing";
        const bool left_temporaries = !temporaries(dir.dir()).empty();
        const std::string gpkg_now = read_file(c.out);
        const bool html_there = fs::exists(c.html);
        const auto v =
            run_process("/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg '" + c.out + "'");
        EXPECT_EQ(v.code, 0) << "after a kill " << when << ": " << v.out;
        // The report beside the GeoPackage is always the one it renders; only a kill inside the
        // commit's two renames may leave the GeoPackage without one (docs/exit-codes.md).
        if (html_there) {
            EXPECT_TRUE(report_matches(dir, c.out, c.html))
                << "after a kill " << when << ": the report is not the GeoPackage's";
        } else {
            ADD_FAILURE() << "after a kill " << when
                          << ": no report (possible only in the microseconds between the two "
                             "renames; run the test again)";
        }
        if (WIFSIGNALED(status) && gpkg_now == old_gpkg) {
            ++killed; // killed before the new GeoPackage was moved into place
            killed_while_writing += left_temporaries ? 1 : 0;
            EXPECT_EQ(read_file(c.html), old_html) << "after a kill " << when;
            continue;
        }
        // The run got past moving the new GeoPackage into place: it is the new complete one.
        if (WIFEXITED(status)) {
            EXPECT_TRUE(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 6);
        }
        old_gpkg = gpkg_now;
        old_html = read_file(c.html);
    }
    std::printf("%d of %zu runs killed before their GeoPackage was replaced, %d of them while "
                "writing it (a full run took %.1f s)\n",
                killed, kills.size(), killed_while_writing, c.full_s);
    EXPECT_GT(killed_while_writing, 0) << "no kill landed in the writing: nothing tested";
}

// SIGINT while the outputs are being written: the temporaries go, the previous outputs stay,
// one line says so, and the exit code is 130.
TEST(InterruptedWrite, SigintWhileWritingRemovesTheTemporariesAndExits130) {
    TempDir dir;
    const PlannedCity c(dir, "10000", "1");
    ASSERT_FALSE(HasFailure());
    const std::string old_gpkg = read_file(c.out);
    const std::string old_html = read_file(c.html);
    const std::string err = dir.path("stderr.txt");
    const pid_t pid = spawn(c.plan_args, err);
    wait_for_temporary(dir.dir(), pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::kill(pid, SIGINT);
    const int status = wait_for(pid);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_TRUE(temporaries(dir.dir()).empty());
    EXPECT_EQ(read_file(c.out), old_gpkg);
    EXPECT_EQ(read_file(c.html), old_html);
    EXPECT_EQ(read_file(err), "landalloc: interrupted (SIGINT); its temporary files were removed "
                              "and no output was changed\n");
}

// SIGTERM before anything is written: 143, nothing changed; a stale temporary of a run killed
// outright two days ago is removed by the next run, a fresh one (a run still going) is not.
TEST(InterruptedWrite, SigtermExits143AndStaleTemporariesAreRemovedByTheNextRun) {
    TempDir dir;
    const PlannedCity c(dir, "10000", "1");
    ASSERT_FALSE(HasFailure());
    const std::string old_gpkg = read_file(c.out);
    const std::string err = dir.path("stderr.txt");
    const pid_t pid = spawn(c.plan_args, err);
    std::this_thread::sleep_for(std::chrono::duration<double>(0.3 * c.full_s));
    ::kill(pid, SIGTERM);
    const int status = wait_for(pid);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 143);
    EXPECT_NE(read_file(err).find("landalloc: terminated (SIGTERM)"), std::string::npos);
    EXPECT_EQ(read_file(c.out), old_gpkg);

    const std::string stale = dir.path(".plan.gpkg.tmp-99999.gpkg");
    const std::string fresh = dir.path(".plan.gpkg.tmp-99998.gpkg");
    write_file(stale, "left by a run killed two days ago");
    write_file(fresh, "a run still going");
    fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(48));
    const int again = wait_for(spawn(c.plan_args));
    EXPECT_TRUE(WIFEXITED(again) && (WEXITSTATUS(again) == 0 || WEXITSTATUS(again) == 6));
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_TRUE(fs::exists(fresh));
}

// A plan file's [inputs.synth] city is made in memory: an interrupted run leaves nothing in
// $TMPDIR.
TEST(InterruptedWrite, InterruptedSyntheticCityLeavesNothingInTmpdir) {
    TempDir dir;
    TempDir tmp;
    const std::string plan = dir.path("plan.toml");
    write_file(plan, "[plan]\nfirst_year = 2021\nlast_year = 2025\n"
                     "[housing_types.commercial]\nname_zh = \"商品住房\"\n"
                     "[[targets]]\ntype = \"commercial\"\nunit = \"ha\"\ntotal = 100\n"
                     "[inputs.synth]\nparcels = 30000\nscale = 2\n");
    const pid_t pid = spawn({"plan", "--plan", plan, "--out", dir.path("plan.gpkg")}, {}, 0,
                            {"TMPDIR=" + tmp.dir().string()});
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ::kill(pid, SIGINT);
    const int status = wait_for(pid);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_TRUE(fs::is_empty(tmp.dir()));
    EXPECT_TRUE(temporaries(dir.dir()).empty());
    EXPECT_FALSE(fs::exists(dir.path("plan.gpkg")));
}

// A file-size limit (ulimit -f) that the GeoPackage exceeds: an output error (exit 5) in one
// line, no temporaries, and the previous GeoPackage and report untouched (SIGXFSZ killed the run
// and left its temporaries).
TEST(InterruptedWrite, FileSizeLimitIsAnOutputErrorThatChangesNothing) {
    TempDir dir;
    const PlannedCity c(dir, "3000", "1");
    ASSERT_FALSE(HasFailure());
    const std::string old_gpkg = read_file(c.out);
    const std::string old_html = read_file(c.html);
    const std::string err = dir.path("stderr.txt");
    const int status = wait_for(spawn(c.plan_args, err, 256 * 1024));
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 5);
    const std::string message = read_file(err);
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
    EXPECT_NE(message.find("landalloc plan: output error: " + c.out), std::string::npos) << message;
    EXPECT_TRUE(temporaries(dir.dir()).empty());
    EXPECT_EQ(read_file(c.out), old_gpkg);
    EXPECT_EQ(read_file(c.html), old_html);
}
