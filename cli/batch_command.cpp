// `landalloc batch CITIES.toml`: one `landalloc plan` process per partition (a city, or one value
// of a shared input's field), `jobs` at once, each with its log; then the summary table, printed
// and written as <out_dir>/batch_summary.csv. --list prints the commands, --index runs one (a
// scheduler's array task), --collect makes the summary from what the runs left (docs/batch.md).

#include "cli/batch_spec.hpp"
#include "cli/commands.hpp"
#include "core/errors.hpp"
#include "gis/atomic_file.hpp"
#include "gis/vector_io.hpp"
#include "outputs/schema.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace fs = std::filesystem;

namespace landalloc::cli {

namespace {

/// The largest exit code of a batch: the count of failed partitions, capped below 64 so that it
/// never reads as another documented code (docs/exit-codes.md).
constexpr int k_max_failed_code = 63;

/// The line the batch appends to each partition's log once its process ended: what --collect
/// reads back.
const std::regex k_trailer(R"(^landalloc batch: exit code (\d+) \(.*\) after ([0-9.]+) s$)");

/// What a plan's exit code means (docs/exit-codes.md), in the words its error message starts
/// with (core/errors.hpp).
std::string meaning(int code) {
    switch (static_cast<ExitCode>(code)) {
    case ExitCode::ok:
        return "ok";
    case ExitCode::internal:
        return "internal error";
    case ExitCode::usage:
        return error_kind::usage;
    case ExitCode::input_data:
        return error_kind::input;
    case ExitCode::plan_file:
        return error_kind::plan_file;
    case ExitCode::output:
        return error_kind::output;
    case ExitCode::targets_unmet:
        return "binding targets unmet";
    }
    switch (code) {
    case 130:
        return "interrupted";
    case 143:
        return "terminated";
    default:
        if (code > 128 && code < 128 + 65) {
            return "killed by signal " + std::to_string(code - 128);
        }
        return "exit code " + std::to_string(code);
    }
}

struct SummaryRow {
    std::size_t index = 0;
    std::string name;
    std::optional<int> code; // nullopt: no result (not run, or no end recorded)
    std::string result;      // the code's meaning, "not run" or "unfinished"
    std::optional<int> met, targets;
    std::string d_before, d_after, gap; // as run_metadata holds them
    std::optional<double> seconds;
    std::string output;
    std::string error; // a failure's last line of its log
};

bool failed(const SummaryRow &r) { return !r.code || *r.code != 0; }

/// The log's lines without the batch's trailer, and the trailer's code and seconds.
struct LogTail {
    std::string last_line;
    std::optional<int> code;
    std::optional<double> seconds;
};

LogTail read_log(const std::string &path) {
    LogTail t;
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, k_trailer)) {
            t.code = std::stoi(m[1]);
            t.seconds = std::stod(m[2]);
        } else if (!line.empty()) {
            t.last_line = line;
            t.code.reset(); // output after a trailer: a later run that has not ended
            t.seconds.reset();
        }
    }
    return t;
}

/// Fills in what the plan's own tables say: annual_plan rows met over rows, and run_metadata's
/// D before and after and the gap. A plan that cannot be read leaves them empty and says why.
void read_plan(const BatchPartition &p, SummaryRow &r) {
    try {
        const gis::LayerData annual = gis::read_layer(p.plan_source, k_layer_annual);
        const int met = annual.field_index(std::string(FieldName{schema::annual_plan, "met"}.name));
        if (met < 0) {
            throw DataError(p.plan_source + ", layer 'annual_plan': no field 'met'");
        }
        r.targets = static_cast<int>(annual.features.size());
        r.met = static_cast<int>(std::count_if(
            annual.features.begin(), annual.features.end(), [&](const gis::Feature &f) {
                const auto *v = std::get_if<std::int64_t>(&f.values[static_cast<std::size_t>(met)]);
                return v && *v == 1;
            }));
        const gis::LayerData meta = gis::read_layer(p.plan_source, k_layer_metadata);
        const int key = meta.field_index(std::string(FieldName{schema::run_metadata, "key"}.name));
        const int value =
            meta.field_index(std::string(FieldName{schema::run_metadata, "value"}.name));
        if (key < 0 || value < 0) {
            throw DataError(p.plan_source + ", layer 'run_metadata': no key and value fields");
        }
        for (const gis::Feature &f : meta.features) {
            const auto *k = std::get_if<std::string>(&f.values[static_cast<std::size_t>(key)]);
            const auto *v = std::get_if<std::string>(&f.values[static_cast<std::size_t>(value)]);
            if (!k || !v) {
                continue;
            }
            if (*k == "dissimilarity_before") {
                r.d_before = *v;
            } else if (*k == "dissimilarity_after") {
                r.d_after = *v;
            } else if (*k == "gap") {
                r.gap = *v;
            }
        }
    } catch (const Error &e) {
        r.error = std::string("cannot read the plan: ") + gis::redact_passwords(e.what());
    }
}

/// The summary row of partition `i` from what its run left: the log's trailer (exit code,
/// seconds) and last line, and the plan's tables when it was written (exit code 0 or 6).
SummaryRow collect_row(const BatchSpec &spec, std::size_t i) {
    const BatchPartition &p = spec.partitions[i];
    SummaryRow r;
    r.index = i;
    r.name = p.name;
    r.output = gis::redact_passwords(p.output);
    std::error_code ec;
    if (!fs::exists(p.log, ec)) {
        r.result = "not run";
        r.error = "no log " + p.log;
        return r;
    }
    const LogTail t = read_log(p.log);
    r.code = t.code;
    r.seconds = t.seconds;
    if (!t.code) {
        r.result = "unfinished";
        r.error = t.last_line;
        return r;
    }
    r.result = meaning(*t.code);
    if (*t.code == 0 || *t.code == static_cast<int>(ExitCode::targets_unmet)) {
        read_plan(p, r);
    }
    if (*t.code != 0 && r.error.empty()) {
        r.error = t.last_line;
    }
    return r;
}

// ---- running the processes ----------------------------------------------------------------

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int sig) { g_signal = sig; }

/// SIGINT and SIGTERM only recorded while the batch waits for its processes (it forwards them);
/// the previous handlers come back when it goes.
class SignalForwarding {
  public:
    SignalForwarding() {
        struct sigaction sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0; // no SA_RESTART: waitpid returns EINTR
        ::sigaction(SIGINT, &sa, &m_int);
        ::sigaction(SIGTERM, &sa, &m_term);
    }
    ~SignalForwarding() {
        ::sigaction(SIGINT, &m_int, nullptr);
        ::sigaction(SIGTERM, &m_term, nullptr);
    }
    SignalForwarding(const SignalForwarding &) = delete;
    SignalForwarding &operator=(const SignalForwarding &) = delete;

  private:
    struct sigaction m_int {};
    struct sigaction m_term {};
};

/// Starts `landalloc <args>` (this very executable) with stdin from /dev/null and stdout and
/// stderr into `log` (truncated).
pid_t spawn(const BatchPartition &p) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, p.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<std::string> args = {"landalloc"};
    args.insert(args.end(), p.args.begin(), p.args.end());
    std::vector<char *> argv;
    for (std::string &a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        throw OutputError(p.log + ": cannot start the plan of '" + p.name + "' (" +
                          std::strerror(rc) + ")");
    }
    return pid;
}

/// Appends the batch's trailer to the log: what --collect reads.
void append_trailer(const BatchPartition &p, int code, double seconds) {
    std::ofstream log(p.log, std::ios::app | std::ios::binary);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", seconds);
    log << "landalloc batch: exit code " << code << " (" << meaning(code) << ") after " << buf
        << " s\n";
}

/// Runs the partitions `which`, `jobs` at once; returns 0 or 128 + the signal that stopped it
/// (the processes running then got it too; none was started after).
int run_partitions(const BatchSpec &spec, const std::vector<std::size_t> &which, int jobs,
                   std::ostream &out, bool quiet) {
    const SignalForwarding forwarding;
    g_signal = 0;
    struct Running {
        std::size_t index;
        std::chrono::steady_clock::time_point started;
    };
    std::map<pid_t, Running> running;
    std::size_t next = 0;
    while (next < which.size() || !running.empty()) {
        while (g_signal == 0 && next < which.size() && static_cast<int>(running.size()) < jobs) {
            const std::size_t i = which[next++];
            const pid_t pid = spawn(spec.partitions[i]);
            running.emplace(pid, Running{i, std::chrono::steady_clock::now()});
            if (!quiet) {
                out << "started " << i << " " << spec.partitions[i].name << "\n" << std::flush;
            }
        }
        if (g_signal != 0) {
            next = which.size(); // start nothing more
            for (const auto &[pid, r] : running) {
                ::kill(pid, g_signal);
            }
        }
        if (running.empty()) {
            break;
        }
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw Error(std::string("waitpid: ") + std::strerror(errno));
        }
        const auto it = running.find(pid);
        if (it == running.end()) {
            continue;
        }
        const int code = WIFEXITED(status)     ? WEXITSTATUS(status)
                         : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                               : 1;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.started)
                .count();
        const BatchPartition &p = spec.partitions[it->second.index];
        append_trailer(p, code, seconds);
        if (!quiet) {
            out << "finished " << it->second.index << " " << p.name << ": " << meaning(code) << "\n"
                << std::flush;
        }
        running.erase(it);
    }
    return g_signal == 0 ? 0 : 128 + g_signal;
}

// ---- the summary --------------------------------------------------------------------------

std::string opt(const std::optional<int> &v) { return v ? std::to_string(*v) : ""; }

std::string seconds_text(const std::optional<double> &s) {
    if (!s) {
        return "";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", *s);
    return buf;
}

const std::vector<std::string> k_columns = {"index",       "name",    "exit_code", "result",
                                            "targets_met", "targets", "d_before",  "d_after",
                                            "gap",         "seconds", "output",    "error"};

std::vector<std::string> cells(const SummaryRow &r) {
    return {std::to_string(r.index),
            r.name,
            opt(r.code),
            r.result,
            opt(r.met),
            opt(r.targets),
            r.d_before,
            r.d_after,
            r.gap,
            seconds_text(r.seconds),
            r.output,
            r.error};
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string &s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) {
        return s;
    }
    std::string out = "\"";
    for (const char ch : s) {
        out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    }
    return out + "\"";
}

std::string summary_csv(const std::vector<SummaryRow> &rows) {
    std::string out;
    auto line = [&](const std::vector<std::string> &v) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            out += (i ? "," : "") + csv_field(v[i]);
        }
        out += "\n";
    };
    line(k_columns);
    for (const SummaryRow &r : rows) {
        line(cells(r));
    }
    return out;
}

/// Characters, not bytes, of UTF-8 text (for the printed table's columns).
std::size_t width(const std::string &s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }));
}

/// The error column's characters printed (the CSV holds the whole line).
constexpr std::size_t k_printed_error_chars = 100;

/// The summary as an aligned table (the error column last, unpadded, cut after
/// k_printed_error_chars).
void print_summary(std::ostream &out, const std::vector<SummaryRow> &rows) {
    std::vector<std::vector<std::string>> table = {k_columns};
    for (const SummaryRow &r : rows) {
        table.push_back(cells(r));
        std::string &error = table.back().back();
        if (width(error) > k_printed_error_chars) {
            // The first characters (whole UTF-8 sequences); the CSV has it all.
            std::size_t chars = 0, at = 0;
            while (at < error.size() && chars <= k_printed_error_chars) {
                chars += (static_cast<unsigned char>(error[at]) & 0xC0) != 0x80 ? 1 : 0;
                ++at;
            }
            error = error.substr(0, at - 1) + " ...";
        }
    }
    std::vector<std::size_t> w(k_columns.size(), 0);
    for (const auto &row : table) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            w[i] = std::max(w[i], width(row[i]));
        }
    }
    for (const auto &row : table) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) {
                line += std::string(w[i] - width(row[i]) + 2, ' ');
            }
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out << line << "\n";
    }
}

int batch_exit_code(const std::vector<SummaryRow> &rows) {
    const auto n = std::count_if(rows.begin(), rows.end(), failed);
    return static_cast<int>(std::min<std::ptrdiff_t>(n, k_max_failed_code));
}

class BatchCommand final : public Command {
  public:
    const char *name() const override { return "batch"; }
    const char *description() const override {
        return "Plan many cities (or the partitions of a shared input) listed in a TOML file, "
               "one `plan` process each, and summarise them";
    }
    void setup(CLI::App &app) override {
        app.add_option("cities", m_path,
                       "The batch's TOML: [batch] out_dir, jobs, args; [[city]] tables or a "
                       "[partition] table (docs/batch.md)")
            ->required();
        auto *list = app.add_flag("--list", m_list,
                                  "Print each partition: index (from 0), name and the exact "
                                  "`landalloc plan` command; run nothing");
        auto *index = app.add_option("--index", m_index,
                                     "Run only partition I (a Slurm array task's "
                                     "$SLURM_ARRAY_TASK_ID, a Kubernetes indexed Job's "
                                     "$JOB_COMPLETION_INDEX) and print its summary row; exit "
                                     "code: its plan's")
                          ->type_name("I")
                          ->check(CLI::NonNegativeNumber);
        auto *collect =
            app.add_flag("--collect", m_collect,
                         "Run nothing: make the summary (printed and batch_summary.csv) from the "
                         "logs and plans the runs left (after an array job)");
        list->excludes(index);
        list->excludes(collect);
        index->excludes(collect);
        app.add_option("-j,--jobs", m_jobs, "Processes at once; overrides batch.jobs")
            ->check(CLI::Range(1, 1024));
        app.add_flag("--overwrite", m_overwrite, "Replace existing outputs (passed to every plan)");
    }
    int run(Io &io) override {
        const BatchSpec spec = load_batch(m_path, m_overwrite);
        const std::size_t n = spec.partitions.size();
        if (m_list) {
            for (std::size_t i = 0; i < n; ++i) {
                io.out << i << "\t" << spec.partitions[i].name << "\t"
                       << command_line(spec.partitions[i]) << "\n";
            }
            return 0;
        }
        if (m_index && *m_index >= n) {
            throw UsageError("--index " + std::to_string(*m_index) + ": " + m_path + " has " +
                             std::to_string(n) + " partition" + (n == 1 ? "" : "s") +
                             ", indexed 0 to " + std::to_string(n - 1) +
                             " (landalloc batch --list prints them)");
        }
        if (!m_collect) {
            std::error_code ec;
            fs::create_directories(spec.out_dir, ec);
            if (ec || !fs::is_directory(spec.out_dir)) {
                throw OutputError(spec.out_dir + ": cannot create the output directory (" +
                                  ec.message() + "); fix batch.out_dir in " + m_path);
            }
            std::vector<std::size_t> which;
            if (m_index) {
                which.push_back(*m_index);
            } else {
                for (std::size_t i = 0; i < n; ++i) {
                    which.push_back(i);
                }
            }
            const int jobs = m_jobs.value_or(spec.jobs);
            if (const int stopped = run_partitions(spec, which, jobs, io.out, io.quiet);
                stopped != 0) {
                io.err << "landalloc batch: interrupted; the plans running were stopped, none "
                          "was started after (landalloc batch --collect summarises what is "
                          "done)\n";
                return stopped;
            }
        }
        if (m_index) {
            const SummaryRow row = collect_row(spec, *m_index);
            print_summary(io.out, {row});
            return row.code.value_or(static_cast<int>(ExitCode::internal));
        }
        std::vector<SummaryRow> rows;
        for (std::size_t i = 0; i < n; ++i) {
            rows.push_back(collect_row(spec, i));
        }
        const std::string csv = (fs::path(spec.out_dir) / "batch_summary.csv").string();
        // Made from the logs and plans alone: a new summary replaces the last one.
        gis::write_file_atomically(csv, summary_csv(rows), true);
        if (!io.quiet) {
            print_summary(io.out, rows);
            io.out << "wrote " << csv << "\n";
        }
        const int code = batch_exit_code(rows);
        if (code != 0) {
            io.err << "landalloc batch: " << std::count_if(rows.begin(), rows.end(), failed)
                   << " of " << n << " partitions failed (see " << csv << " and their logs)\n";
        }
        return code;
    }

  private:
    std::string m_path;
    bool m_list = false;
    std::optional<std::size_t> m_index;
    bool m_collect = false;
    std::optional<int> m_jobs;
    bool m_overwrite = false;
};

} // namespace

std::unique_ptr<Command> make_batch_command() { return std::make_unique<BatchCommand>(); }

} // namespace landalloc::cli
