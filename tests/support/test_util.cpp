#include "test_util.hpp"

#include "cli/command.hpp"

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace landalloc::test {

TempDir::TempDir() {
    static int counter = 0;
    m_dir = std::filesystem::temp_directory_path() /
            ("landalloc-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
}

CliResult run_cli(const std::vector<std::string> &args) {
    std::vector<const char *> argv = {"landalloc"};
    for (const auto &a : args) {
        argv.push_back(a.c_str());
    }
    std::ostringstream out;
    std::ostringstream err;
    CliResult r;
    r.code = cli::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

CliResult run_process(const std::string &command) {
    CliResult r;
    FILE *p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) {
        r.code = -1;
        return r;
    }
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) {
        r.out.append(buf.data(), n);
    }
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

CliResult run_process_split(const std::string &command) {
    const TempDir dir;
    const std::string err_file = dir.path("stderr.txt");
    // run_process adds 2>&1 after the outer group; the inner group's stderr stays in the file.
    CliResult r = run_process("{ { " + command + "; } 2>" + err_file + "; }");
    r.err = read_file(err_file);
    return r;
}

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

void write_file(const std::string &path, const std::string &text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string landalloc_binary() { return LANDALLOC_BINARY; }

} // namespace landalloc::test
