#pragma once
// Reading TOML tables with errors that name the file, the line and the dotted key: the plan
// file's section parsers (sections.hpp) and the batch file (cli/batch_spec.cpp).

#include "core/errors.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace landalloc::detail {

/// Error helpers that name the file, line and dotted key.
class Ctx {
  public:
    explicit Ctx(std::string path) : m_path(std::move(path)) {}

    [[noreturn]] void fail(const toml::node *node, const std::string &key,
                           const std::string &what) const {
        std::ostringstream os;
        os << (m_path.empty() ? "built-in plan" : m_path);
        if (node && node->source().begin.line > 0) {
            os << ":" << node->source().begin.line;
        }
        os << ": key '" << key << "': " << what;
        throw PlanFileError(os.str());
    }

    void check_keys(const toml::table &t, const std::string &prefix,
                    const std::set<std::string> &allowed) const {
        for (auto &&[k, v] : t) {
            if (!allowed.contains(std::string(k.str()))) {
                std::string list;
                for (const auto &a : allowed) {
                    list += (list.empty() ? "" : ", ") + a;
                }
                fail(&v, prefix + std::string(k.str()), "unknown key (allowed here: " + list + ")");
            }
        }
    }

    /// A number in [lo, hi]; `def` when the key is absent (pass the member being filled, so
    /// the default is the struct's).
    double number(const toml::table &t, const std::string &prefix, const std::string &key,
                  double def, double lo, double hi) const {
        return optional_number(t, prefix, key, lo, hi).value_or(def);
    }

    /// A number in [lo, hi], or nullopt when the key is absent (for std::optional members and for
    /// keys known to be present, such as those of a table being iterated).
    std::optional<double> optional_number(const toml::table &t, const std::string &prefix,
                                          const std::string &key, double lo, double hi) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return std::nullopt;
        }
        std::optional<double> v = n->value<double>();
        if (!v || !(n->is_integer() || n->is_floating_point())) {
            fail(n, prefix + key, "must be a number");
        }
        if (!std::isfinite(*v) || *v < lo || *v > hi) {
            std::ostringstream os;
            os << *v << " is out of range [" << lo << ", " << hi << "]";
            fail(n, prefix + key, os.str());
        }
        return v;
    }

    std::int64_t integer(const toml::table &t, const std::string &prefix, const std::string &key,
                         std::int64_t def, std::int64_t lo, std::int64_t hi) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return def;
        }
        if (!n->is_integer()) {
            fail(n, prefix + key, "must be an integer");
        }
        const auto v = *n->value<std::int64_t>();
        if (v < lo || v > hi) {
            fail(n, prefix + key,
                 std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
        }
        return v;
    }

    /// A string; `def` when the key is absent (pass the member being filled).
    std::string text(const toml::table &t, const std::string &prefix, const std::string &key,
                     const std::string &def) const {
        return optional_text(t, prefix, key).value_or(def);
    }

    /// A string, or nullopt when the key is absent.
    std::optional<std::string> optional_text(const toml::table &t, const std::string &prefix,
                                             const std::string &key) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return std::nullopt;
        }
        if (!n->is_string()) {
            fail(n, prefix + key, "must be a string");
        }
        return *n->value<std::string>();
    }

    bool boolean(const toml::table &t, const std::string &prefix, const std::string &key,
                 bool def) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return def;
        }
        if (!n->is_boolean()) {
            fail(n, prefix + key, "must be true or false");
        }
        return *n->value<bool>();
    }

    const toml::table *table(const toml::table &t, const std::string &prefix,
                             const std::string &key) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return nullptr;
        }
        if (!n->is_table()) {
            fail(n, prefix + key, "must be a table ([" + prefix + key + "])");
        }
        return n->as_table();
    }

    /// An array of strings (empty when the key is absent).
    std::vector<std::string> strings(const toml::table &t, const std::string &prefix,
                                     const std::string &key) const {
        std::vector<std::string> out;
        const toml::node *n = t.get(key);
        if (!n) {
            return out;
        }
        if (!n->is_array()) {
            fail(n, prefix + key, "must be an array of strings");
        }
        for (auto &&x : *n->as_array()) {
            if (!x.is_string()) {
                fail(&x, prefix + key, "must be an array of strings");
            }
            out.push_back(*x.value<std::string>());
        }
        return out;
    }

    /// An array of numbers, each in [lo, hi] (empty when the key is absent).
    std::vector<double> numbers(const toml::table &t, const std::string &prefix,
                                const std::string &key, double lo, double hi) const {
        std::vector<double> out;
        const toml::node *n = t.get(key);
        if (!n) {
            return out;
        }
        if (!n->is_array()) {
            fail(n, prefix + key, "must be an array of numbers");
        }
        for (auto &&x : *n->as_array()) {
            const auto d = x.value<double>();
            if (!d || !(x.is_integer() || x.is_floating_point()) || !std::isfinite(*d) || *d < lo ||
                *d > hi) {
                std::ostringstream os;
                os << "each value must be a number in [" << lo << ", " << hi << "]";
                fail(&x, prefix + key, os.str());
            }
            out.push_back(*d);
        }
        return out;
    }

    const std::string &path() const { return m_path; }

  private:
    std::string m_path;
};

} // namespace landalloc::detail
