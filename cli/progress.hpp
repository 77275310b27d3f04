#pragma once
// Progress of the long steps of a command, on stderr: one line per step with the time it took.
// Shown only on a terminal and without --quiet, so scripts and logs stay clean.

#include <chrono>
#include <iosfwd>
#include <string>

namespace landalloc::cli {

class Progress {
  public:
    /// Enabled when `enabled` (not --quiet) and stderr is a terminal.
    Progress(std::ostream &err, bool enabled);
    ~Progress();
    Progress(const Progress &) = delete;
    Progress &operator=(const Progress &) = delete;

    /// Ends the current step (printing its time) and starts the next.
    void step(const std::string &what);
    /// Ends the current step.
    void done();
    bool enabled() const { return m_enabled; }

  private:
    std::ostream &m_err;
    bool m_enabled;
    std::string m_step;
    std::chrono::steady_clock::time_point m_started;
};

} // namespace landalloc::cli
