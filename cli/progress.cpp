#include "cli/progress.hpp"

#include <cstdio>
#include <ostream>
#include <unistd.h>

namespace landalloc::cli {

Progress::Progress(std::ostream &err, bool enabled)
    : m_err(err), m_enabled(enabled && ::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
    if (m_enabled && !m_step.empty()) {
        m_err << "\n"; // an error ended the step: keep its line
    }
}

void Progress::step(const std::string &what) {
    done();
    m_step = what;
    m_started = std::chrono::steady_clock::now();
    if (m_enabled) {
        m_err << "  " << m_step << " ..." << std::flush;
    }
}

void Progress::done() {
    if (m_step.empty()) {
        return;
    }
    if (m_enabled) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
        char buf[32];
        std::snprintf(buf, sizeof buf, " %.1f s\n", s);
        m_err << buf << std::flush;
    }
    m_step.clear();
}

} // namespace landalloc::cli
