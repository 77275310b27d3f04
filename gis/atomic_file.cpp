#include "gis/atomic_file.hpp"

#include "core/errors.hpp"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace landalloc::gis {

namespace {

// ---- the interrupt handler's registry -------------------------------------------------------
// Fixed slots the signal handler reads without allocating: a slot is filled, then marked used.

constexpr int k_slots = 32;
constexpr std::size_t k_path_max = 4096;

struct Slot {
    std::atomic<int> used{0};
    char path[k_path_max];
};

Slot g_slots[k_slots];
/// Set while OutputSet::commit moves files into place: a signal then only records itself.
std::atomic<int> g_committing{0};
std::atomic<int> g_pending_signal{0};

/// What SQLite may leave beside a database being written (rollback journal, WAL).
const char *const k_sidecars[] = {"", "-journal", "-wal", "-shm"};

int register_temp(const std::string &path) {
    if (path.size() + 16 >= k_path_max) {
        return -1;
    }
    for (int i = 0; i < k_slots; ++i) {
        int expected = 0;
        // Claimed with 2 (being filled), published with 1.
        if (g_slots[i].used.compare_exchange_strong(expected, 2)) {
            std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
            g_slots[i].used.store(1);
            return i;
        }
    }
    return -1;
}

void unregister_temp(int slot) {
    if (slot >= 0) {
        g_slots[slot].used.store(0);
    }
}

/// Removes every registered temporary and its SQLite side files; async-signal-safe.
int remove_registered() {
    int removed = 0;
    char name[k_path_max + 16];
    for (auto &slot : g_slots) {
        if (slot.used.load() != 1) {
            continue;
        }
        for (const char *suffix : k_sidecars) {
            std::size_t n = 0;
            for (const char *p = slot.path; *p != '\0'; ++p) {
                name[n++] = *p;
            }
            for (const char *p = suffix; *p != '\0'; ++p) {
                name[n++] = *p;
            }
            name[n] = '\0';
            if (::unlink(name) == 0 && *suffix == '\0') {
                ++removed;
            }
        }
    }
    return removed;
}

void write_stderr(const char *text) {
    std::size_t n = std::strlen(text);
    while (n > 0) {
        const ssize_t w = ::write(2, text, n);
        if (w <= 0) {
            return;
        }
        text += w;
        n -= static_cast<std::size_t>(w);
    }
}

[[noreturn]] void exit_interrupted(int sig, bool after_commit) {
    const int removed = remove_registered();
    write_stderr(sig == SIGINT ? "landalloc: interrupted (SIGINT); "
                               : "landalloc: terminated (SIGTERM); ");
    if (after_commit) {
        write_stderr("the outputs had been written and moved into place\n");
    } else if (removed > 0) {
        write_stderr("its temporary files were removed and no output was changed\n");
    } else {
        write_stderr("no output was changed\n");
    }
    ::_exit(128 + sig);
}

extern "C" void on_interrupt(int sig) {
    if (g_committing.load() != 0) {
        g_pending_signal.store(sig); // delivered once the commit is done
        return;
    }
    exit_interrupted(sig, false);
}

/// Flushes a directory's entries to disk (after renames into it).
void sync_directory(const fs::path &dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

fs::path directory_of(const fs::path &target) {
    fs::path dir = target.parent_path();
    return dir.empty() ? fs::path(".") : dir;
}

/// ".NAME.tmp-DIGITS..." : a temporary of this program.
bool is_our_temporary(const std::string &name) {
    if (name.size() < 7 || name[0] != '.') {
        return false;
    }
    const std::size_t at = name.find(".tmp-", 1);
    return at != std::string::npos && at > 1 && at + 5 < name.size() &&
           std::isdigit(static_cast<unsigned char>(name[at + 5])) != 0;
}

/// Removes this program's temporaries in `dir` older than a day (a run killed outright leaves
/// them). Errors are ignored: the directory may hold files another user owns.
void remove_stale_temporaries(const fs::path &dir) {
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!is_our_temporary(name) || !it->is_regular_file(ec)) {
            continue;
        }
        const auto mtime = it->last_write_time(ec);
        if (!ec && now - mtime > std::chrono::hours(24)) {
            fs::remove(it->path(), ec);
        }
    }
}

} // namespace

// ---- OutputSet ------------------------------------------------------------------------------

OutputSet::OutputSet(bool overwrite) : m_overwrite(overwrite) {}

OutputSet::~OutputSet() {
    if (m_committed) {
        return;
    }
    for (const Entry &e : m_entries) {
        std::error_code ec;
        for (const char *suffix : k_sidecars) {
            fs::remove(e.temp + suffix, ec);
        }
        unregister_temp(e.slot);
    }
}

std::string OutputSet::add(const std::string &path, const std::string &temp_suffix) {
    const fs::path target(path);
    std::error_code ec;
    const bool exists = fs::exists(target, ec);
    if (exists && !m_overwrite) {
        throw OutputError(path + ": already exists; pass --overwrite to replace it");
    }
    if (exists && !fs::is_regular_file(target, ec)) {
        throw OutputError(path + ": exists and is not a regular file; write elsewhere");
    }
    const fs::path dir = directory_of(target);
    if (!fs::is_directory(dir, ec)) {
        throw OutputError(path + ": directory '" + dir.string() +
                          "' does not exist; create it first");
    }
    remove_stale_temporaries(dir);
    const std::string temp = (dir / ("." + target.filename().string() + ".tmp-" +
                                     std::to_string(::getpid()) + temp_suffix))
                                 .string();
    for (const char *suffix : k_sidecars) {
        fs::remove(temp + suffix, ec); // of an earlier process with the same pid
    }
    m_entries.push_back({path, temp, register_temp(temp)});
    return temp;
}

void OutputSet::write(const std::string &path, const std::string &content) {
    const std::string temp = add(path, "");
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw OutputError(path + ": cannot create '" + temp + "': " + std::strerror(errno));
    }
    const auto fail = [&](const char *what) {
        const std::string reason = std::strerror(errno);
        ::close(fd);
        throw OutputError(path + ": " + what + ": " + reason + "; no output was changed");
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
        throw OutputError(path + ": closing failed: " + std::strerror(errno) +
                          "; no output was changed");
    }
}

void OutputSet::commit() {
    if (m_entries.empty() || m_committed) {
        return;
    }
    // 0. Every temporary is on disk before any target changes.
    for (const Entry &e : m_entries) {
        const int fd = ::open(e.temp.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::fsync(fd) != 0) {
            const std::string reason = std::strerror(errno);
            if (fd >= 0) {
                ::close(fd);
            }
            throw OutputError(e.path + ": flushing '" + e.temp + "' to disk failed: " + reason +
                              "; no output was changed");
        }
        ::close(fd);
    }
    g_committing.store(1);
    const auto done = [&] {
        for (const Entry &e : m_entries) {
            unregister_temp(e.slot);
        }
        g_committing.store(0);
        if (const int sig = g_pending_signal.exchange(0); sig != 0) {
            exit_interrupted(sig, m_committed);
        }
    };
    // 1. Every target but the first leaves first, so the new first file never sits beside an
    // old second one.
    std::error_code ec;
    for (std::size_t i = 1; i < m_entries.size(); ++i) {
        fs::remove(m_entries[i].path, ec);
        if (ec) {
            done();
            throw OutputError(m_entries[i].path + ": cannot replace it: " + ec.message() +
                              "; no output was changed");
        }
    }
    // 2., 3. Then each file is moved into place, the first one first.
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        fs::rename(m_entries[i].temp, m_entries[i].path, ec);
        if (ec) {
            std::string moved;
            for (std::size_t j = 0; j < i; ++j) {
                moved += (moved.empty() ? "" : ", ") + m_entries[j].path;
            }
            done();
            throw OutputError(m_entries[i].path +
                              ": cannot move the finished file into place: " + ec.message() +
                              (moved.empty() ? "; no output was changed" : "; written: " + moved));
        }
    }
    // 4. The renames themselves reach the disk.
    for (const Entry &e : m_entries) {
        sync_directory(directory_of(e.path));
    }
    m_committed = true;
    done();
}

void write_file_atomically(const std::string &path, const std::string &content, bool overwrite) {
    OutputSet set(overwrite);
    set.write(path, content);
    set.commit();
}

void install_interrupt_handler() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGXFSZ, SIG_IGN);
}

int registered_temporaries() {
    int n = 0;
    for (const auto &slot : g_slots) {
        n += slot.used.load() == 1 ? 1 : 0;
    }
    return n;
}

} // namespace landalloc::gis
