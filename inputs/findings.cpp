#include "inputs/findings.hpp"

#include "gis/vector_io.hpp"

#include <ostream>

namespace landalloc {

const char *severity_name(Severity s) {
    switch (s) {
    case Severity::info:
        return "info";
    case Severity::warning:
        return "warning";
    case Severity::error:
        return "error";
    }
    return "?";
}

std::string Finding::describe() const {
    std::string out = source;
    if (!layer.empty()) {
        out += (out.empty() ? "" : ", ") + std::string("layer '") + layer + "'";
    }
    if (fid >= 0) {
        out += (out.empty() ? "" : ", ") + std::string("feature ") + std::to_string(fid);
    }
    if (!field.empty()) {
        out += (out.empty() ? "" : ", ") + std::string("field '") + field + "'";
    }
    return out.empty() ? message : out + ": " + message;
}

void FindingsReport::add(Finding f) {
    // A finding names its source: never with a database password in it.
    f.source = gis::redact_passwords(f.source);
    f.message = gis::redact_passwords(f.message);
    m_findings.push_back(std::move(f));
}

int FindingsReport::count(Severity s) const {
    int n = 0;
    for (const auto &f : m_findings) {
        n += f.severity == s ? 1 : 0;
    }
    return n;
}

const Finding *FindingsReport::first_error() const {
    for (const auto &f : m_findings) {
        if (f.severity == Severity::error) {
            return &f;
        }
    }
    return nullptr;
}

std::map<std::string, int> FindingsReport::counts_by_code() const {
    std::map<std::string, int> out;
    for (const auto &f : m_findings) {
        ++out[f.code];
    }
    return out;
}

void FindingsReport::print(std::ostream &out, int examples) const {
    out << "findings: " << count(Severity::error) << " errors, " << count(Severity::warning)
        << " warnings, " << count(Severity::info) << " notes\n";
    // Errors first, then warnings, then notes; codes alphabetically within each.
    for (Severity s : {Severity::error, Severity::warning, Severity::info}) {
        print_codes(out, s, examples);
    }
}

void FindingsReport::print_codes(std::ostream &out, Severity severity, int examples) const {
    std::map<std::string, std::vector<const Finding *>> by_code;
    for (const auto &f : m_findings) {
        if (f.severity == severity) {
            by_code[f.code].push_back(&f);
        }
    }
    for (const auto &[code, list] : by_code) {
        out << "  " << severity_name(severity) << " " << code << ": " << list.size() << "\n";
        for (std::size_t i = 0; i < list.size() && static_cast<int>(i) < examples; ++i) {
            out << "    " << list[i]->describe() << "\n";
        }
        if (static_cast<int>(list.size()) > examples) {
            out << "    ... and " << list.size() - static_cast<std::size_t>(examples) << " more\n";
        }
    }
}

void write_findings_gpkg(const std::string &path, bool overwrite, const FindingsReport &report) {
    using gis::FieldType;
    const std::vector<gis::FieldDef> fields = {
        {"code", FieldType::string},        {"severity", FieldType::string},
        {"source", FieldType::string},      {"layer", FieldType::string},
        {"feature_id", FieldType::integer}, {"field", FieldType::string},
        {"message", FieldType::string}};
    std::vector<gis::Feature> features;
    std::int64_t fid = 0;
    for (const auto &f : report.findings()) {
        gis::Feature out;
        out.fid = ++fid;
        out.values = {f.code,
                      std::string(severity_name(f.severity)),
                      f.source,
                      f.layer,
                      f.fid >= 0 ? gis::Value(f.fid) : gis::Value(std::monostate{}),
                      f.field,
                      f.message};
        features.push_back(std::move(out));
    }
    gis::GpkgWriter writer(path, overwrite);
    writer.add_layer("findings", gis::GeomKind::none, gis::Crs{}, fields, features,
                     "Data-quality findings of landalloc validate");
    writer.commit();
}

} // namespace landalloc
