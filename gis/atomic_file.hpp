#pragma once
// The files of one run written as one transaction (docs/exit-codes.md, "What a run leaves on
// disk"). Every file goes to a temporary beside its target (".NAME.tmp-PID" + suffix); only when
// all are complete and closed does commit() move them into place, in this order:
//   0. every temporary is flushed to disk;
//   1. every target but the first that exists (the old report) is removed;
//   2. the first file (the GeoPackage) is renamed over its target;
//   3. the other files (the report) are renamed into place, in the order they were added;
//   4. the directories are flushed.
// So no reader sees a new plan beside an old report: a kill inside the commit can only leave a
// plan without its report, which `landalloc report` renders again from the plan, byte for byte.
// SIGINT and SIGTERM are held back during the commit and delivered after it.
//
// Until commit(), each temporary is registered with the interrupt handler
// (install_interrupt_handler): SIGINT or SIGTERM removes them, prints one line and exits with
// 130 or 143. A run killed outright (SIGKILL, power loss) leaves its temporaries; the next
// OutputSet in that directory removes those of this program older than a day.

#include <string>
#include <vector>

namespace landalloc::gis {

class OutputSet {
  public:
    /// `overwrite`: whether existing targets may be replaced.
    explicit OutputSet(bool overwrite);
    /// Removes every temporary not committed.
    ~OutputSet();
    OutputSet(const OutputSet &) = delete;
    OutputSet &operator=(const OutputSet &) = delete;

    /// Adds `path` to the set and returns the temporary to fill in its stead
    /// (".NAME.tmp-PID" + `temp_suffix`, beside it). Throws OutputError when `path` exists and
    /// overwrite was not allowed, exists and is not a regular file, or its directory does not
    /// exist. Removes this program's temporaries older than a day from that directory.
    std::string add(const std::string &path, const std::string &temp_suffix);

    /// Adds `path` and writes `content` to its temporary, flushed to disk.
    void write(const std::string &path, const std::string &content);

    /// Moves every temporary into place (the order above). Call once every file is complete and
    /// closed. Throws OutputError naming what was and was not moved when a rename fails.
    void commit();

  private:
    struct Entry {
        std::string path;
        std::string temp;
        int slot; // in the interrupt handler's registry; -1: not registered
    };
    bool m_overwrite;
    bool m_committed = false;
    std::vector<Entry> m_entries;
};

/// Writes one small file (a report) atomically: an OutputSet of that file alone.
void write_file_atomically(const std::string &path, const std::string &content, bool overwrite);

/// Installs the handler of SIGINT and SIGTERM (removes the registered temporaries, prints
/// "landalloc: interrupted ..." to stderr, exits with 128 + the signal) and ignores SIGXFSZ, so
/// that a file-size limit fails the write (an output error) instead of killing the process.
void install_interrupt_handler();

/// How many temporaries the interrupt handler would remove now (for tests).
int registered_temporaries();

} // namespace landalloc::gis
