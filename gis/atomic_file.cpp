#include "gis/atomic_file.hpp"

#include "core/errors.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace landalloc::gis {

std::string temp_path_for(const std::string &path, bool overwrite, const std::string &temp_suffix) {
    const fs::path target(path);
    if (fs::exists(target) && !overwrite) {
        throw OutputError(path + ": already exists; pass --overwrite to replace it");
    }
    if (fs::exists(target) && !fs::is_regular_file(target)) {
        throw OutputError(path + ": exists and is not a regular file");
    }
    fs::path dir = target.parent_path();
    if (dir.empty()) {
        dir = ".";
    }
    if (!fs::is_directory(dir)) {
        throw OutputError(path + ": directory '" + dir.string() +
                          "' does not exist; create it first");
    }
    return (dir /
            ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + temp_suffix))
        .string();
}

void write_file_atomically(const std::string &path, const std::string &content, bool overwrite) {
    const std::string temp = temp_path_for(path, overwrite, "");
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw OutputError(path + ": cannot create '" + temp + "': " + std::strerror(errno));
    }
    const auto fail = [&](const char *what) {
        const std::string reason = std::strerror(errno);
        ::close(fd);
        ::unlink(temp.c_str());
        throw OutputError(path + ": " + what + ": " + reason);
    };
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("writing failed");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        fail("flushing to disk failed");
    }
    if (::close(fd) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(temp.c_str());
        throw OutputError(path + ": closing failed: " + reason);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(temp.c_str());
        throw OutputError(path + ": cannot move the finished file into place: " + reason);
    }
}

} // namespace landalloc::gis
