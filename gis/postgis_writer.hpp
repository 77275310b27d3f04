#pragma once
// Writing a plan into a PostGIS schema (`plan --out PG:... --schema NAME`): every layer, the QGIS
// default styles (the database's `layer_styles`) and the QGIS project (the schema's
// `qgis_projects`) in one database transaction, so that a failure or a killed run leaves the
// database as it was. Every identifier is quoted and every value is a literal, so no schema,
// layer or field name can change the SQL; no message names a password.

#include "gis/vector_io.hpp"

#include <memory>
#include <string>
#include <vector>

namespace landalloc::gis {

/// True when `out` names a database in GDAL's form ("PG:" and a libpq connection string).
bool is_postgis(const std::string &out);

/// A plan's place in a PostGIS database.
struct PostgisTarget {
    /// "PG:" and the libpq keywords ("PG:service=plans", "PG:dbname=city host=db user=planner")
    /// or URI; the password by PGPASSFILE or a service file, never here (docs/outputs.md).
    std::string connection;
    std::string schema;              // created when missing
    std::vector<std::string> tables; // every table a plan may write: replaced with overwrite
    std::string project;             // the project's name in the schema's qgis_projects
    bool overwrite = false;
};

/// Checks, before any work, that `target` can be written: the connection string parses and
/// connects, the database has PostGIS, and without overwrite none of its tables and no project
/// of its name exists in the schema. Throws UsageError (a bad connection string or schema name)
/// or OutputError, naming the database without its password.
void check_postgis_output(const PostgisTarget &target);

/// The data source QGIS's postgres provider opens `table` of `target` by: the connection's
/// keywords but its password, the key, the geometry type and the quoted table, as QGIS itself
/// writes it ("service='plans' key='fid' type=MultiPolygon ... table=\"s\".\"t\" (geom)").
std::string qgis_postgres_source(const PostgisTarget &target, const std::string &table,
                                 bool spatial);

/// The URI QGIS opens the stored project by ("postgresql://?service=plans&schema=s&project=p").
std::string qgis_project_uri(const PostgisTarget &target);

/// `target.connection` with its password replaced by *** and the schema: for messages.
std::string describe(const PostgisTarget &target);

/// Writes layers into `target.schema` in one transaction (LayerSink). The constructor connects,
/// begins the transaction, creates the schema when missing and, with overwrite, drops the
/// target's tables and its project; commit() commits. Destroyed before commit(), or killed, it
/// leaves the database as it was.
class PostgisWriter final : public LayerSink {
  public:
    explicit PostgisWriter(PostgisTarget target);
    ~PostgisWriter() override;
    PostgisWriter(const PostgisWriter &) = delete;
    PostgisWriter &operator=(const PostgisWriter &) = delete;

    using LayerSink::add_layer;
    void add_layer(const std::string &name, GeomKind kind, const Crs &crs,
                   const std::vector<FieldDef> &fields, const FeatureSource &next,
                   const std::string &description = {}) override;
    /// Rows of the database's `layer_styles` (created as QGIS creates it when missing), which
    /// QGIS reads when it opens a PostGIS layer.
    void add_layer_styles(const std::vector<LayerStyle> &styles) override;
    /// A row of the schema's `qgis_projects` (created as QGIS creates it when missing): the
    /// .qgz zip as bytea, with JSON metadata.
    void add_qgis_project(const std::string &name, const std::string &file_name,
                          const std::string &qgs_xml) override;
    void commit() override;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace landalloc::gis
