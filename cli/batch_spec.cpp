#include "cli/batch_spec.hpp"

#include "core/errors.hpp"
#include "gis/vector_io.hpp"
#include "plan_file/toml_ctx.hpp"

#include <toml++/toml.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace landalloc::cli {

namespace {

/// A CITIES.toml is small; a larger file is a mistake (a GeoPackage given by error).
constexpr std::uintmax_t k_max_batch_file_bytes = 10u << 20;

/// Errors naming the file, the line and the key, as the plan file's do.
using Where = detail::Ctx;

/// A partition's `seed`, when given: a whole number from 0.
std::optional<std::int64_t> optional_seed(const Where &w, const toml::table &t,
                                          const std::string &prefix) {
    if (!t.get("seed")) {
        return std::nullopt;
    }
    return w.integer(t, prefix, "seed", 0, 0, std::numeric_limits<std::int64_t>::max());
}

/// A path of the TOML, taken relative to the TOML's directory; a database (PG:) or GDAL virtual
/// file (/vsi...) as it is.
std::string resolve(const std::string &path, const fs::path &base) {
    if (path.empty() || path.starts_with("PG:") || path.starts_with("/vsi") ||
        fs::path(path).is_absolute() || base.empty()) {
        return path;
    }
    return (base / path).lexically_normal().string();
}

/// What every partition shares, from [batch].
struct Common {
    fs::path base;
    std::string out_dir;
    std::string out; // a database (PG:...) for every plan, "" for GeoPackages
    std::string schema_prefix;
    std::vector<std::string> args;
    bool overwrite = false;
};

/// One partition's fields before its command is made.
struct Entry {
    std::string name;
    std::string plan;  // resolved, "" for the built-in plan
    std::string input; // resolved, "" for the plan file's [inputs]
    std::optional<std::int64_t> seed;
    std::string partition; // FIELD=VALUE, "" for none
    std::vector<std::string> args;
};

BatchPartition make_partition(const Entry &e, const Common &c) {
    BatchPartition p;
    p.name = e.name;
    p.log = (fs::path(c.out_dir) / (e.name + ".log")).string();
    p.args = {"plan"};
    if (!e.input.empty()) {
        p.args.push_back(e.input);
    }
    if (!e.plan.empty()) {
        p.args.insert(p.args.end(), {"--plan", e.plan});
    }
    if (c.out.empty()) {
        p.output = (fs::path(c.out_dir) / (e.name + ".gpkg")).string();
        p.plan_source = p.output;
        p.args.insert(p.args.end(), {"--out", p.output});
    } else {
        const std::string schema = c.schema_prefix + e.name;
        p.output = c.out + " " + schema;
        p.plan_source = c.out + " active_schema=" + schema;
        p.args.insert(p.args.end(), {"--out", c.out, "--schema", schema, "--report",
                                     (fs::path(c.out_dir) / (e.name + ".html")).string()});
    }
    if (e.seed) {
        p.args.insert(p.args.end(), {"--seed", std::to_string(*e.seed)});
    }
    if (!e.partition.empty()) {
        p.args.insert(p.args.end(), {"--partition", e.partition});
    }
    p.args.insert(p.args.end(), c.args.begin(), c.args.end());
    p.args.insert(p.args.end(), e.args.begin(), e.args.end());
    if (c.overwrite) {
        p.args.push_back("--overwrite");
    }
    return p;
}

toml::table parse(const std::string &path) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
        throw PlanFileError(path + ": file not found; give the batch's TOML (docs/batch.md)");
    }
    if (!fs::is_regular_file(st)) {
        throw PlanFileError(path + ": is not a regular file; give the batch's TOML");
    }
    if (fs::file_size(path, ec) > k_max_batch_file_bytes) {
        throw PlanFileError(path + ": larger than 10 MB; a batch file lists partitions");
    }
    try {
        return toml::parse_file(path);
    } catch (const toml::parse_error &e) {
        std::ostringstream os;
        os << path << ":" << e.source().begin.line << ": not valid TOML: " << e.description();
        throw PlanFileError(os.str());
    }
}

/// `text` for a message: each control character as \xNN (a NUL would end the message).
std::string printable(const std::string &text) {
    std::string out;
    for (const char ch : text) {
        const auto u = static_cast<unsigned char>(ch);
        if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", u);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out;
}

} // namespace

std::string unsafe_name(const std::string &name) {
    if (name.empty()) {
        return "is empty";
    }
    if (name.front() == '.') {
        return "starts with '.'";
    }
    for (const char ch : name) {
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '/' || ch == '\\') {
            return std::string("holds '") + ch + "'";
        }
        if (u < 0x20 || u == 0x7f) {
            return u == 0 ? "holds a NUL" : "holds a control character";
        }
    }
    return "";
}

std::string name_from_value(const std::string &value) {
    std::string out = value;
    for (char &ch : out) {
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '/' || ch == '\\' || u < 0x20 || u == 0x7f) {
            ch = '_';
        }
    }
    if (!out.empty() && out.front() == '.') {
        out.front() = '_';
    }
    return out;
}

std::string shell_quote(const std::string &arg) {
    bool plain = !arg.empty();
    for (const char ch : arg) {
        const auto u = static_cast<unsigned char>(ch);
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || u >= 0x80 ||
                        std::string_view("_-./:=@%+,").find(ch) != std::string_view::npos;
        plain = plain && ok;
    }
    if (plain) {
        return arg;
    }
    std::string out = "'";
    for (const char ch : arg) {
        out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    }
    return out + "'";
}

std::string command_line(const BatchPartition &p) {
    std::string out = "landalloc";
    for (const std::string &a : p.args) {
        out += " " + shell_quote(a);
    }
    return out;
}

BatchSpec load_batch(const std::string &path, bool overwrite) {
    const toml::table root = parse(path);
    const Where w(path);
    w.check_keys(root, "", {"batch", "city", "partition"});
    BatchSpec spec;
    spec.path = path;
    Common c;
    c.base = fs::path(path).parent_path();
    c.overwrite = overwrite;

    const toml::table empty;
    const toml::table *batch = &empty;
    if (const toml::node *n = root.get("batch")) {
        batch = n->as_table();
        if (!batch) {
            w.fail(n, "batch", "must be a table: [batch]");
        }
    }
    w.check_keys(*batch, "batch.", {"out_dir", "jobs", "out", "schema_prefix", "args"});
    c.out_dir = resolve(w.optional_text(*batch, "batch.", "out_dir").value_or("."), c.base);
    if (c.out_dir.empty()) {
        c.out_dir = ".";
    }
    spec.out_dir = c.out_dir;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    spec.jobs = static_cast<int>(w.integer(*batch, "batch.", "jobs", cores, 1, 1024));
    c.out = w.optional_text(*batch, "batch.", "out").value_or("");
    c.schema_prefix = w.optional_text(*batch, "batch.", "schema_prefix").value_or("");
    if (!c.out.empty() && !c.out.starts_with("PG:")) {
        w.fail(batch->get("out"), "batch.out",
               "'" + gis::redact_passwords(c.out) +
                   "' is no database; give PG:service=NAME (GeoPackages go to out_dir without "
                   "`out`)");
    }
    if (c.out.empty() && batch->get("schema_prefix")) {
        w.fail(batch->get("schema_prefix"), "batch.schema_prefix",
               "applies only with batch.out (a database)");
    }
    if (const std::string why = c.schema_prefix.empty() ? "" : unsafe_name(c.schema_prefix);
        !why.empty()) {
        w.fail(batch->get("schema_prefix"), "batch.schema_prefix",
               "'" + c.schema_prefix + "' " + why);
    }
    c.args = w.strings(*batch, "batch.", "args");

    std::vector<std::pair<Entry, const toml::node *>> entries;
    if (const toml::node *n = root.get("city")) {
        const toml::array *cities = n->as_array();
        if (!cities || !cities->is_array_of_tables()) {
            w.fail(n, "city", "must be an array of tables: [[city]]");
        }
        for (std::size_t i = 0; i < cities->size(); ++i) {
            const toml::table &t = *cities->get(i)->as_table();
            const std::string prefix = "city[" + std::to_string(i) + "].";
            w.check_keys(t, prefix, {"name", "plan", "input", "seed", "args"});
            Entry e;
            const std::optional<std::string> name = w.optional_text(t, prefix, "name");
            if (!name) {
                w.fail(&t, prefix + "name", "missing: every [[city]] needs a name");
            }
            e.name = *name;
            if (const std::string why = unsafe_name(e.name); !why.empty()) {
                w.fail(t.get("name"), prefix + "name",
                       "'" + printable(e.name) + "' " + why +
                           "; a name names the city's files and schema");
            }
            e.plan = resolve(w.optional_text(t, prefix, "plan").value_or(""), c.base);
            e.input = resolve(w.optional_text(t, prefix, "input").value_or(""), c.base);
            e.seed = optional_seed(w, t, prefix);
            e.args = w.strings(t, prefix, "args");
            entries.emplace_back(std::move(e), t.get("name"));
        }
    }
    if (const toml::node *n = root.get("partition")) {
        const toml::table *t = n->as_table();
        if (!t) {
            w.fail(n, "partition", "must be a table: [partition]");
        }
        const std::string prefix = "partition.";
        w.check_keys(*t, prefix, {"input", "field", "values", "plan", "seed", "args"});
        const std::optional<std::string> input = w.optional_text(*t, prefix, "input");
        const std::optional<std::string> field = w.optional_text(*t, prefix, "field");
        if (!input || input->empty()) {
            w.fail(t, prefix + "input", "missing: the shared input every partition is read from");
        }
        if (!field || field->empty()) {
            w.fail(t, prefix + "field", "missing: the field whose values name the partitions");
        }
        Entry common;
        common.input = resolve(*input, c.base);
        common.plan = resolve(w.optional_text(*t, prefix, "plan").value_or(""), c.base);
        common.seed = optional_seed(w, *t, prefix);
        common.args = w.strings(*t, prefix, "args");
        std::vector<std::string> values = w.strings(*t, prefix, "values");
        if (!t->get("values")) {
            // Every value of the field in the parcels layer, sorted.
            values = gis::distinct_values(common.input, "parcels", *field);
        }
        const toml::node *where = t->get("values") ? t->get("values") : t;
        for (const std::string &value : values) {
            if (const std::string problem = gis::attribute_filter_problem(*field, value);
                !problem.empty()) {
                w.fail(where, prefix + "values", "'" + printable(value) + "': " + problem);
            }
            Entry e = common;
            e.name = name_from_value(value);
            if (const std::string why = unsafe_name(e.name); !why.empty()) {
                w.fail(where, prefix + "values", "'" + printable(value) + "' " + why);
            }
            e.partition = *field + "=" + value;
            entries.emplace_back(std::move(e), where);
        }
    }
    std::map<std::string, std::size_t> seen;
    for (auto &[e, node] : entries) {
        if (const auto [it, fresh] = seen.emplace(e.name, spec.partitions.size()); !fresh) {
            w.fail(node, "name",
                   "'" + e.name + "' names two partitions (" + std::to_string(it->second) +
                       " and " + std::to_string(spec.partitions.size()) +
                       "); each writes <out_dir>/<name>.gpkg, so give each its own name");
        }
        spec.partitions.push_back(make_partition(e, c));
    }
    if (spec.partitions.empty()) {
        throw PlanFileError(path + ": no partition: give [[city]] tables or a [partition] table "
                                   "(docs/batch.md)");
    }
    return spec;
}

} // namespace landalloc::cli
