// PostgisWriter and the checks and QGIS data sources of a PostGIS output (postgis_writer.hpp).
// The layers go through GDAL's PostgreSQL driver (COPY inside the dataset's transaction); the
// schema, the drops, QGIS's tables and their rows are SQL run on the same connection, each
// identifier quoted (ident()) and each value a literal (sql_literal()). The connection string is
// parsed by libpq itself (PQconninfoParse), for QGIS's data sources.

#include "gis/postgis_writer.hpp"

#include "core/errors.hpp"
#include "gis/gpkg_writer_impl.hpp"
#include "gis/vector_io_impl.hpp"

#include <cpl_string.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <utility>

namespace landalloc::gis {

namespace {

constexpr const char *k_prefix = "PG:";

/// An SQL identifier, double-quoted with each " doubled: any name, however hostile, is one name.
std::string ident(const std::string &name) {
    std::string out = "\"";
    for (const char c : name) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

/// "schema"."table".
std::string qualified(const std::string &schema, const std::string &table) {
    return ident(schema) + "." + ident(table);
}

/// The libpq keywords of "PG:..." that are set, password left out; UsageError when libpq cannot
/// parse them.
std::vector<std::pair<std::string, std::string>> conninfo_keywords(const std::string &connection) {
    const std::string conninfo = connection.substr(std::char_traits<char>::length(k_prefix));
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &error);
    if (!options) {
        std::string why = error ? error : "out of memory";
        PQfreemem(error);
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) {
            why.pop_back();
        }
        throw UsageError("--out " + redact_passwords(connection) +
                         ": not a PostgreSQL connection string (" + why +
                         "); give libpq keywords, e.g. PG:service=plans or "
                         "PG:\"dbname=city host=db user=planner\"");
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (o->val && *o->val && std::string(o->keyword) != "password") {
            out.emplace_back(o->keyword, o->val);
        }
    }
    PQconninfoFree(options);
    return out;
}

/// A value of a QGIS data source, quoted as QgsDataSourceUri quotes it (\ and ' escaped).
std::string qgis_quoted(const std::string &value, char quote) {
    std::string out(1, quote);
    for (const char c : value) {
        if (c == '\\' || c == quote) {
            out += '\\';
        }
        out += c;
    }
    return out + quote;
}

/// `text` percent-encoded for a URI's query (RFC 3986 unreserved characters kept).
std::string percent_encoded(const std::string &text) {
    std::string out;
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (std::isalnum(b) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", b);
            out += buf;
        }
    }
    return out;
}

/// The schema name's own checks: not empty, no NUL (PostgreSQL's identifiers cannot hold one),
/// at most 63 bytes (PostgreSQL would cut a longer name short).
void check_schema_name(const std::string &schema) {
    if (schema.empty()) {
        throw UsageError("--schema: give the name of the schema to write the plan into");
    }
    if (schema.size() > 63) {
        throw UsageError("--schema '" + schema + "': " + std::to_string(schema.size()) +
                         " bytes; PostgreSQL names hold at most 63");
    }
    if (schema.find('\0') != std::string::npos) {
        throw UsageError("--schema: a name cannot hold a NUL character");
    }
}

/// Runs `sql` on `ds`; OutputError naming `what` when it fails.
void execute(GDALDataset &ds, const std::string &sql, const std::string &context,
             const std::string &what) {
    CPLErrorReset();
    const ResultSet result(ds.ExecuteSQL(sql.c_str(), nullptr, nullptr), ResultRelease{&ds});
    if (cpl_failed()) {
        throw OutputError(context + ": cannot " + what + ": " +
                          redact_passwords(gdal_last_error_text()) + "; nothing was changed");
    }
}

/// The first column of every row `sql` returns, as text.
std::vector<std::string> query_column(GDALDataset &ds, const std::string &sql,
                                      const std::string &context, const std::string &what) {
    CPLErrorReset();
    const ResultSet result(ds.ExecuteSQL(sql.c_str(), nullptr, nullptr), ResultRelease{&ds});
    if (cpl_failed()) {
        throw OutputError(context + ": cannot " + what + ": " +
                          redact_passwords(gdal_last_error_text()));
    }
    std::vector<std::string> out;
    if (result) {
        while (const OGRFeatureUniquePtr f{result->GetNextFeature()}) {
            out.emplace_back(f->IsFieldSetAndNotNull(0) ? f->GetFieldAsString(0) : "");
        }
    }
    return out;
}

/// `values` as an SQL list of literals: ('a', 'b').
std::string literal_list(const std::vector<std::string> &values) {
    std::string out = "(";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += (i ? ", " : "") + sql_literal(values[i]);
    }
    return out + ")";
}

/// The target's tables that exist in its schema, and whether its project does.
struct Present {
    std::vector<std::string> tables;
    bool project = false;
};

Present present_in(GDALDataset &ds, const PostgisTarget &t, const std::string &context) {
    Present p;
    if (!t.tables.empty()) {
        p.tables = query_column(ds,
                                "SELECT c.relname FROM pg_catalog.pg_class c JOIN "
                                "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
                                "n.nspname = " +
                                    sql_literal(t.schema) + " AND c.relname IN " +
                                    literal_list(t.tables) + " ORDER BY c.relname",
                                context, "list the schema's tables");
    }
    const auto projects = query_column(
        ds, "SELECT to_regclass(" + sql_literal(qualified(t.schema, "qgis_projects")) + ")",
        context, "look for the schema's qgis_projects table");
    if (!projects.empty() && !projects.front().empty()) {
        p.project = !query_column(ds,
                                  "SELECT name FROM " + qualified(t.schema, "qgis_projects") +
                                      " WHERE name = " + sql_literal(t.project),
                                  context, "read the schema's qgis_projects table")
                         .empty();
    }
    return p;
}

GDALDatasetUniquePtr open_database(const PostgisTarget &t, bool update) {
    init_gdal();
    const char *drivers[] = {"PostgreSQL", nullptr};
    CPLErrorReset();
    GDALDatasetUniquePtr ds(GDALDataset::Open(t.connection.c_str(),
                                              GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : 0),
                                              drivers, nullptr, nullptr));
    if (!ds) {
        throw OutputError(describe(t) +
                          ": cannot connect: " + redact_passwords(gdal_last_error_text()) +
                          "; check the connection (a service file or PGPASSFILE for the "
                          "password) and that the server is running");
    }
    const auto postgis = query_column(
        *ds, "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'postgis'",
        describe(t), "look for PostGIS");
    if (postgis.empty()) {
        throw OutputError(describe(t) +
                          ": the database has no PostGIS; run CREATE EXTENSION postgis in it");
    }
    return ds;
}

/// What an existing output says when the run may not replace it.
std::string refusal(const PostgisTarget &t, const Present &p) {
    std::string what;
    for (std::size_t i = 0; i < p.tables.size() && i < 3; ++i) {
        what += (i ? ", " : "") + p.tables[i];
    }
    if (p.tables.size() > 3) {
        what += " and " + std::to_string(p.tables.size() - 3) + " more tables";
    }
    if (p.project) {
        what += std::string(what.empty() ? "" : "; ") + "the QGIS project '" + t.project + "'";
    }
    return describe(t) + ": the schema already holds a plan (" + what +
           "); give --overwrite to replace it, or another --schema";
}

} // namespace

bool is_postgis(const std::string &out) {
    return out.size() >= 3 && (out.compare(0, 3, k_prefix) == 0 || out.compare(0, 3, "pg:") == 0);
}

std::string describe(const PostgisTarget &t) {
    return redact_passwords(t.connection) + " schema " + ident(t.schema);
}

void check_postgis_output(const PostgisTarget &t) {
    check_schema_name(t.schema);
    conninfo_keywords(t.connection);
    const GDALDatasetUniquePtr ds = open_database(t, false);
    const Present p = present_in(*ds, t, describe(t));
    if (!t.overwrite && (!p.tables.empty() || p.project)) {
        throw OutputError(refusal(t, p));
    }
}

std::string qgis_postgres_source(const PostgisTarget &t, const std::string &table, bool spatial) {
    std::string out;
    for (const auto &[key, value] : conninfo_keywords(t.connection)) {
        // The keywords QgsDataSourceUri knows; libpq's defaults for the rest.
        static const char *known[] = {"service", "host", "port", "dbname", "user", "sslmode"};
        if (std::find(std::begin(known), std::end(known), key) != std::end(known)) {
            out += key + "=" + qgis_quoted(value, '\'') + " ";
        }
    }
    out += "key='fid' ";
    if (spatial) {
        out += "type=MultiPolygon ";
    }
    out += "checkPrimaryKeyUnicity='1' table=" + qgis_quoted(t.schema, '"') + "." +
           qgis_quoted(table, '"');
    if (spatial) {
        out += " (geom)";
    }
    return out;
}

std::string qgis_project_uri(const PostgisTarget &t) {
    std::map<std::string, std::string> k;
    for (auto &[key, value] : conninfo_keywords(t.connection)) {
        k[key] = value;
    }
    std::string uri = "postgresql://";
    if (k.count("user")) {
        uri += percent_encoded(k["user"]) + "@";
    }
    if (k.count("host") && k["host"].find('/') == std::string::npos) {
        uri += k["host"];
        if (k.count("port")) {
            uri += ":" + k["port"];
        }
    }
    uri += "?";
    for (const char *key : {"service", "sslmode", "dbname"}) {
        if (k.count(key)) {
            uri += std::string(key) + "=" + percent_encoded(k[key]) + "&";
        }
    }
    return uri + "schema=" + percent_encoded(t.schema) + "&project=" + percent_encoded(t.project);
}

struct PostgisWriter::Impl {
    PostgisTarget target;
    std::string context; // describe(target)
    GDALDatasetUniquePtr ds;
    bool in_transaction = false;
    std::map<std::string, GeomKind> kinds; // of the layers written, by name

    Impl() = default;
    Impl(const Impl &) = delete;
    Impl &operator=(const Impl &) = delete;
    // Here rather than in ~PostgisWriter, so that a constructor that throws rolls back too.
    ~Impl() {
        if (ds && in_transaction) {
            ds->RollbackTransaction();
        }
    }
};

PostgisWriter::PostgisWriter(PostgisTarget target) : m_impl(std::make_unique<Impl>()) {
    Impl &w = *m_impl;
    w.target = std::move(target);
    check_schema_name(w.target.schema);
    conninfo_keywords(w.target.connection);
    w.context = describe(w.target);
    w.ds = open_database(w.target, true);
    if (w.ds->StartTransaction() != OGRERR_NONE) {
        throw OutputError(w.context + ": cannot begin a transaction: " +
                          redact_passwords(gdal_last_error_text()));
    }
    w.in_transaction = true;
    GDALDataset &ds = *w.ds;
    const PostgisTarget &t = w.target;
    // Checked again inside the transaction: another run may have written since the check.
    const Present p = present_in(ds, t, w.context);
    if (!t.overwrite && (!p.tables.empty() || p.project)) {
        throw OutputError(refusal(t, p));
    }
    execute(ds, "CREATE SCHEMA IF NOT EXISTS " + ident(t.schema), w.context, "create the schema");
    // Only the plan's own tables go: anything else the schema holds stays. A view on a plan
    // table makes its DROP fail, and the run with it (no CASCADE).
    for (const auto &table : p.tables) {
        execute(ds, "DROP TABLE " + qualified(t.schema, table), w.context,
                "drop the previous plan's table " + ident(table) +
                    " (a view or other object depending on it must go first)");
    }
    if (p.project) {
        execute(ds,
                "DELETE FROM " + qualified(t.schema, "qgis_projects") +
                    " WHERE name = " + sql_literal(t.project),
                w.context, "remove the previous plan's QGIS project");
    }
}

PostgisWriter::~PostgisWriter() = default; // Impl rolls back an uncommitted transaction

void PostgisWriter::add_layer(const std::string &name, GeomKind kind, const Crs &crs,
                              const std::vector<FieldDef> &fields, const FeatureSource &next,
                              const std::string &description) {
    Impl &w = *m_impl;
    GDALDataset &ds = *w.ds;
    detail::SrsPtr srs;
    if (kind != GeomKind::none && !crs.empty()) {
        srs = detail::make_srs(crs.wkt());
    }
    CPLStringList options;
    options.SetNameValue("SCHEMA", w.target.schema.c_str());
    options.SetNameValue("FID", "fid");
    options.SetNameValue("GEOMETRY_NAME", "geom");
    options.SetNameValue("LAUNDER", "NO"); // the names as the GeoPackage has them
    if (!description.empty()) {
        options.SetNameValue("DESCRIPTION", description.c_str());
    }
    CPLErrorReset();
    OGRLayer *layer = ds.CreateLayer(name.c_str(), srs.get(), ogr_type(kind), options.List());
    if (!layer) {
        throw OutputError(w.context + ": cannot create table " + ident(name) + ": " +
                          redact_passwords(gdal_last_error_text()) + "; nothing was changed");
    }
    create_fields(*layer, fields, w.context, name);
    write_features(*layer, kind, srs.get(), fields, next, w.context, name);
    // The aliases as column comments, which database tools show (QGIS takes its aliases from
    // the default style).
    for (const auto &f : fields) {
        if (!f.alias.empty()) {
            execute(ds,
                    "COMMENT ON COLUMN " + qualified(w.target.schema, name) + "." + ident(f.name) +
                        " IS " + sql_literal(f.alias),
                    w.context, "comment column " + ident(f.name) + " of " + ident(name));
        }
    }
    w.kinds[name] = kind;
}

void PostgisWriter::add_layer_styles(const std::vector<LayerStyle> &styles) {
    Impl &w = *m_impl;
    GDALDataset &ds = *w.ds;
    // QGIS 3.22's own table, in the first schema of the search path (where QGIS looks for it).
    execute(ds,
            "CREATE TABLE IF NOT EXISTS layer_styles (id SERIAL PRIMARY KEY, f_table_catalog "
            "varchar, f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, "
            "stylename text, styleqml xml, stylesld xml, useasdefault boolean, description text, "
            "owner varchar(63) DEFAULT CURRENT_USER, ui xml, update_time timestamp DEFAULT "
            "CURRENT_TIMESTAMP, type varchar)",
            w.context, "create the layer_styles table");
    std::vector<std::string> tables;
    for (const auto &s : styles) {
        tables.push_back(s.table);
    }
    if (!tables.empty()) {
        execute(ds,
                "DELETE FROM layer_styles WHERE f_table_catalog = current_database() AND "
                "f_table_schema = " +
                    sql_literal(w.target.schema) + " AND f_table_name IN " + literal_list(tables),
                w.context, "remove the previous styles of the plan's tables");
    }
    for (const auto &s : styles) {
        const auto kind = w.kinds.find(s.table);
        const GeomKind k = kind == w.kinds.end() ? GeomKind::none : kind->second;
        // QGIS matches the style's type to the layer's geometry type (QgsWkbTypes'
        // geometryDisplayString).
        const char *type = k == GeomKind::polygon ? "'Polygon'"
                           : k == GeomKind::line  ? "'Line'"
                           : k == GeomKind::point ? "'Point'"
                                                  : "NULL";
        execute(ds,
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, stylename, styleqml, stylesld, useasdefault, description, "
                "type) VALUES (current_database(), " +
                    sql_literal(w.target.schema) + ", " + sql_literal(s.table) + ", " +
                    (s.geometry_column.empty() ? "NULL" : sql_literal(s.geometry_column)) + ", " +
                    sql_literal(s.name) + ", XMLPARSE(DOCUMENT " + sql_literal(s.qml) + "), " +
                    (s.sld.empty() ? "NULL" : "XMLPARSE(DOCUMENT " + sql_literal(s.sld) + ")") +
                    ", " + (s.use_as_default ? "true" : "false") + ", " +
                    sql_literal(s.description) + ", " + type + ")",
                w.context, "store the style of " + ident(s.table));
    }
}

void PostgisWriter::add_qgis_project(const std::string &name, const std::string &file_name,
                                     const std::string &qgs_xml) {
    Impl &w = *m_impl;
    GDALDataset &ds = *w.ds;
    const std::string table = qualified(w.target.schema, "qgis_projects");
    const std::string zip = zip_in_memory(file_name, qgs_xml, w.context);
    const std::string metadata = "{\"last_modified_time\": \"" +
                                 utc_timestamp("%Y-%m-%d %H:%M:%S") +
                                 "\", \"last_modified_user\": \"landalloc\"}";
    execute(ds,
            "CREATE TABLE IF NOT EXISTS " + table +
                " (name TEXT PRIMARY KEY, metadata JSONB, content BYTEA)",
            w.context, "create the qgis_projects table");
    execute(ds,
            "INSERT INTO " + table + " (name, metadata, content) VALUES (" + sql_literal(name) +
                ", " + sql_literal(metadata) + "::jsonb, decode(" + sql_literal(to_hex(zip)) +
                ", 'hex'))",
            w.context, "store the QGIS project");
}

void PostgisWriter::commit() {
    Impl &w = *m_impl;
    CPLErrorReset();
    if (w.ds->CommitTransaction() != OGRERR_NONE || cpl_failed()) {
        w.in_transaction = false; // a failed COMMIT has ended the transaction
        throw OutputError(w.context + ": cannot commit: " +
                          redact_passwords(gdal_last_error_text()) + "; nothing was changed");
    }
    w.in_transaction = false;
    w.ds.reset();
}

} // namespace landalloc::gis
