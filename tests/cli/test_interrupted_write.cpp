// An interrupted `landalloc plan` leaves the previous outputs untouched: runs the plan of a large
// generated city, kills it with SIGKILL at a series of moments spread over a full run (so some
// kills land while the GeoPackage and the report are being written), and checks after each kill
// that the previous GeoPackage and report are byte-identical and still open.

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace landalloc::test;
namespace fs = std::filesystem;

namespace {

/// Starts `landalloc args...` with its output discarded; returns the child's pid.
pid_t spawn(const std::vector<std::string> &args) {
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
        ::dup2(devnull, 2);
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    return pid;
}

} // namespace

TEST(InterruptedWrite, KilledPlanLeavesThePreviousOutputsByteIdentical) {
    TempDir dir;
    const std::string city = dir.path("big-city.gpkg");
    const std::string out = dir.path("plan.gpkg");
    const std::string html = dir.path("plan.html");
    // The seeded generator (seed 11): 40,000 candidate parcels on a city twice the default size
    // (8,000 under the sanitizers, where a run is slow enough as it is).
#ifdef LANDALLOC_SANITIZED
    const std::string parcels = "8000";
#else
    const std::string parcels = "40000";
#endif
    auto r =
        run_cli({"synth", "--out", city, "--parcels", parcels, "--scale", "2", "--seed", "11"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::vector<std::string> plan_args = {"plan",     city,     "--out",      out,
                                                "--solver", "greedy", "--overwrite"};

    // A complete run: the previous outputs, and how long a run takes here.
    const auto t0 = std::chrono::steady_clock::now();
    int status = 0;
    ::waitpid(spawn(plan_args), &status, 0);
    const double full_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 6));
    std::string old_gpkg = read_file(out);
    std::string old_html = read_file(html);
    ASSERT_FALSE(old_gpkg.empty());
    ASSERT_FALSE(old_html.empty());

    int killed = 0;
    int killed_while_writing = 0;
    // Kills at fractions of a full run, then at delays after the run's temporary GeoPackage
    // appears (found by polling the directory), which land in the writing itself.
    struct Kill {
        double fraction; // of a full run, or -1: `after_temp_ms` after the temporary file appears
        int after_temp_ms;
    };
    const Kill kills[] = {{0.1, 0}, {0.5, 0}, {-1, 0},  {-1, 2},   {-1, 5},   {-1, 10},
                          {-1, 20}, {-1, 40}, {-1, 80}, {-1, 160}, {-1, 320}, {0.97, 0}};
    // A run's temporary files: ".plan.gpkg.tmp-PID.gpkg", ".plan.html.tmp-PID".
    const auto temp_files = [&](pid_t pid) {
        std::vector<fs::path> found;
        for (const auto &e : fs::directory_iterator(dir.dir())) {
            const std::string name = e.path().filename().string();
            if (name.starts_with(".plan.") &&
                name.find(".tmp-" + std::to_string(pid)) != std::string::npos) {
                found.push_back(e.path());
            }
        }
        return found;
    };
    for (const auto &k : kills) {
        const double fraction = k.fraction >= 0 ? k.fraction : 1.0;
        for (const auto &e : fs::directory_iterator(dir.dir())) {
            if (e.path().filename().string().find(".tmp-") != std::string::npos) {
                fs::remove(e.path());
            }
        }
        const pid_t pid = spawn(plan_args);
        if (k.fraction >= 0) {
            std::this_thread::sleep_for(std::chrono::duration<double>(k.fraction * full_s));
        } else {
            while (temp_files(pid).empty() && ::waitpid(pid, &status, WNOHANG) == 0) {
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(k.after_temp_ms));
        }
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        const auto leftovers = temp_files(pid); // SIGKILL leaves them; a later run ignores them
        const std::string gpkg_now = read_file(out);
        const std::string html_now = read_file(html);
        const auto v =
            run_process("/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg '" + out + "'");
        EXPECT_EQ(v.code, 0) << "after kill " << fraction << "/" << k.after_temp_ms
                             << " ms: " << v.out;
        if (WIFSIGNALED(status) && gpkg_now == old_gpkg) {
            // Killed before the new GeoPackage was moved into place: nothing may have changed.
            ++killed;
            // A temporary file beside the output shows the kill came while writing it.
            if (!leftovers.empty()) {
                ++killed_while_writing;
            }
            EXPECT_TRUE(html_now == old_html)
                << "the report changed although the GeoPackage did not (kill " << fraction << "/"
                << k.after_temp_ms << " ms); the report is written after the GeoPackage";
            continue;
        }
        // The run got past moving the new GeoPackage into place (it finished, or was killed on
        // its way out): the GeoPackage is the new complete one (validated above); the report is
        // the old one or the new complete one.
        if (WIFEXITED(status)) {
            EXPECT_TRUE(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 6);
            EXPECT_NE(html_now, old_html);
        }
        EXPECT_TRUE(html_now == old_html || html_now.ends_with("</html>\n"))
            << "a half-written report after kill " << fraction << "/" << k.after_temp_ms << " ms";
        old_gpkg = gpkg_now;
        old_html = html_now;
    }
    std::printf("%d of 12 runs killed before their GeoPackage was replaced, %d of them while "
                "writing it (a full run took %.1f s)\n",
                killed, killed_while_writing, full_s);
    EXPECT_GT(killed, 0) << "no run was interrupted before replacing its outputs: nothing tested";
}
