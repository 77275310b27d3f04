#include "inputs/findings.hpp"

#include "gis/qml.hpp"
#include "gis/vector_io.hpp"

#include <ostream>
#include <set>
#include <sstream>

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
        if (!feature_key.empty()) {
            out += " (" + key_field + " " + feature_key + ")";
        }
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

namespace {

/// The severities in the order they are drawn and listed, with their colours ("r,g,b").
struct SeverityStyle {
    Severity severity;
    const char *colour;
};
constexpr SeverityStyle k_severity_styles[] = {
    {Severity::error, "215,25,28"},
    {Severity::warning, "253,174,97"},
    {Severity::info, "43,131,186"},
};

/// A QGIS style of a findings layer: categories by severity (only those present), labels of
/// the feature's id at parcel scale.
std::string findings_qml(gis::QmlGeometry kind, const std::set<Severity> &present) {
    std::ostringstream s;
    s << "<renderer-v2 type=\"categorizedSymbol\" attr=\"severity\" symbollevels=\"0\" "
         "forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\"><categories>\n";
    int i = 0;
    for (const auto &st : k_severity_styles) {
        if (present.contains(st.severity)) {
            s << "<category symbol=\"" << i++ << "\" value=\"" << severity_name(st.severity)
              << "\" label=\"" << severity_name(st.severity) << "\" render=\"true\"/>\n";
        }
    }
    s << "</categories><symbols>\n";
    i = 0;
    for (const auto &st : k_severity_styles) {
        if (!present.contains(st.severity)) {
            continue;
        }
        const std::string colour = std::string(st.colour) + ",255";
        switch (kind) {
        case gis::QmlGeometry::polygon:
            // A translucent fill inside a strong outline: the data below stays visible.
            s << gis::qml_fill_symbol(i, std::string(st.colour) + ",90", "solid", colour, 0.6);
            break;
        case gis::QmlGeometry::point:
            s << gis::qml_marker_symbol(i, colour, 3.0);
            break;
        case gis::QmlGeometry::line:
            s << gis::qml_line_symbol(i, colour, 1.0);
            break;
        }
        ++i;
    }
    s << "</symbols></renderer-v2>\n"
      << gis::qml_simple_labeling("feature_key", 8, "20,20,20,255", 25000);
    return gis::qml_document(s.str(), true, kind);
}

} // namespace

void write_findings_gpkg(const std::string &path, bool overwrite, const FindingsReport &report,
                         const gis::Crs &crs) {
    using gis::FieldType;
    const std::vector<gis::FieldDef> fields = {
        {"code", FieldType::string, "finding code (docs/inputs.md)"},
        {"severity", FieldType::string},
        {"source", FieldType::string},
        {"layer", FieldType::string},
        {"feature_id", FieldType::integer, "feature id (FID) in the layer"},
        {"key_field", FieldType::string, "the layer's id field"},
        {"feature_key", FieldType::string, "the feature's own id"},
        {"field", FieldType::string},
        {"message", FieldType::string}};
    struct Spatial {
        const char *table;
        gis::GeomKind kind;
        gis::QmlGeometry qml;
        const char *what;
        std::vector<gis::Feature> features;
        std::set<Severity> severities;
    };
    Spatial spatial[] = {
        {"finding_areas",
         gis::GeomKind::polygon,
         gis::QmlGeometry::polygon,
         "parcels, zones, districts, parks and constraints",
         {},
         {}},
        {"finding_points", gis::GeomKind::point, gis::QmlGeometry::point, "stations", {}, {}},
        {"finding_lines", gis::GeomKind::line, gis::QmlGeometry::line, "streets", {}, {}},
    };
    std::vector<gis::Feature> table;
    std::int64_t fid = 0;
    for (const auto &f : report.findings()) {
        gis::Feature out;
        out.fid = ++fid;
        out.values = {f.code,
                      std::string(severity_name(f.severity)),
                      f.source,
                      f.layer,
                      f.fid >= 0 ? gis::Value(f.fid) : gis::Value(std::monostate{}),
                      f.key_field,
                      f.feature_key,
                      f.field,
                      f.message};
        Spatial *into = nullptr;
        if (!crs.empty() && !f.geometry.is_null() && !f.geometry.is_empty()) {
            if (f.geometry.is_polygonal()) {
                into = &spatial[0];
            } else if (f.geometry.type_name() == "Point") {
                into = &spatial[1];
            } else if (f.geometry.is_lineal()) {
                into = &spatial[2];
            }
        }
        if (into) {
            gis::Feature g{out.fid, f.geometry, out.values};
            g.fid = static_cast<std::int64_t>(into->features.size()) + 1;
            into->features.push_back(std::move(g));
            into->severities.insert(f.severity);
        }
        table.push_back(std::move(out));
    }
    gis::GpkgWriter writer(path, overwrite);
    writer.add_layer("findings", gis::GeomKind::none, gis::Crs{}, fields, table,
                     "Data-quality findings of landalloc validate");
    std::vector<gis::LayerStyle> styles;
    for (auto &sp : spatial) {
        if (sp.features.empty()) {
            continue;
        }
        writer.add_layer(sp.table, sp.kind, crs, fields, sp.features,
                         std::string("Findings about features of the ") + sp.what +
                             " layers, with their geometry (landalloc validate)");
        gis::LayerStyle st;
        st.table = sp.table;
        st.geometry_column = "geom";
        st.name = std::string(sp.table) + " (landalloc)";
        st.description = "landalloc's default style of " + std::string(sp.table) +
                         ": by severity, labelled with the feature's id";
        st.qml = findings_qml(sp.qml, sp.severities);
        styles.push_back(std::move(st));
    }
    if (!styles.empty()) {
        writer.add_layer_styles(styles);
    }
    writer.commit();
}

} // namespace landalloc
