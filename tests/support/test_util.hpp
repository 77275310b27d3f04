#pragma once
// Helpers shared by the tests: temporary directories, running the CLI in-process or as a
// process, reading files.

#include <filesystem>
#include <string>
#include <vector>

namespace landalloc::test {

/// A fresh directory removed when the object dies.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    std::string path(const std::string &name) const { return (m_dir / name).string(); }
    const std::filesystem::path &dir() const { return m_dir; }

  private:
    std::filesystem::path m_dir;
};

struct CliResult {
    int code = 0;
    std::string out;
    std::string err;
};

/// Runs the command line in-process (argv[0] is added).
CliResult run_cli(const std::vector<std::string> &args);

/// Runs a shell command; returns its exit code and combined output.
CliResult run_process(const std::string &command);

/// Runs a shell command; returns its exit code, its stdout in `out` and its stderr in `err`.
CliResult run_process_split(const std::string &command);

std::string read_file(const std::string &path);
void write_file(const std::string &path, const std::string &text);

/// Path of the built landalloc executable.
std::string landalloc_binary();

} // namespace landalloc::test
