// QGIS's own tables in an output GeoPackage: `layer_styles` (default styles) and `qgis_projects`
// (a project stored in the file). Both follow what QGIS 3.22 itself writes, so QGIS reads them as
// if it had saved them:
// - layer_styles is created through OGR as an attribute table (FID column `id`), so it is
//   registered in gpkg_contents and the file stays a valid GeoPackage;
// - qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB) holds the project as the
//   hexadecimal text of a .qgz (a zip holding the .qgs XML), with JSON metadata
//   (QgsGeoPackageProjectStorage). The zip is made with GDAL's /vsizip/ writer in /vsimem/.

#include "core/errors.hpp"
#include "gis/gpkg_writer_impl.hpp"

#include <cpl_vsi.h>
#include <ogrsf_frmts.h>

#include <ctime>
#include <memory>
#include <unistd.h>

namespace landalloc::gis {

std::string utc_timestamp(const char *format) {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

std::string zip_in_memory(const std::string &member, const std::string &content,
                          const std::string &error_context) {
    static int counter = 0;
    const std::string zip_path = "/vsimem/landalloc-" + std::to_string(::getpid()) + "-" +
                                 std::to_string(++counter) + ".zip"; // /vsizip/ knows .zip
    const std::string member_path = "/vsizip/" + zip_path + "/" + member;
    struct VsiCloser {
        void operator()(VSILFILE *f) const noexcept {
            if (f) {
                VSIFCloseL(f);
            }
        }
    };
    using VsiFile = std::unique_ptr<VSILFILE, VsiCloser>;
    CPLErrorReset();
    {
        VsiFile zip(VSIFOpenL(("/vsizip/" + zip_path).c_str(), "wb"));
        if (!zip) {
            throw OutputError(error_context +
                              ": cannot create the project archive: " + gdal_last_error_text());
        }
        VsiFile file(VSIFOpenL(member_path.c_str(), "wb"));
        if (!file || VSIFWriteL(content.data(), 1, content.size(), file.get()) != content.size()) {
            throw OutputError(error_context +
                              ": cannot write the project archive: " + gdal_last_error_text());
        }
        if (VSIFCloseL(file.release()) != 0 || VSIFCloseL(zip.release()) != 0 || cpl_failed()) {
            throw OutputError(error_context +
                              ": cannot close the project archive: " + gdal_last_error_text());
        }
    }
    vsi_l_offset size = 0;
    const std::unique_ptr<GByte, CplFree> bytes(
        VSIGetMemFileBuffer(zip_path.c_str(), &size, /*bUnlinkAndSeize=*/TRUE));
    if (!bytes) {
        throw OutputError(error_context + ": the project archive was not written");
    }
    return {reinterpret_cast<const char *>(bytes.get()), static_cast<std::size_t>(size)};
}

void GpkgWriter::add_layer_styles(const std::vector<LayerStyle> &styles) {
    GDALDataset &ds = *m_impl->ds;
    CPLStringList options;
    options.SetNameValue("FID", "id");
    options.SetNameValue("DESCRIPTION", "QGIS layer styles (the default style of each layer)");
    CPLErrorReset();
    OGRLayer *layer = ds.CreateLayer("layer_styles", nullptr, wkbNone, options.List());
    if (!layer) {
        throw OutputError(m_path +
                          ": cannot create table 'layer_styles': " + gdal_last_error_text());
    }
    struct Column {
        const char *name;
        OGRFieldType type;
        int width;
    };
    const Column columns[] = {{"f_table_catalog", OFTString, 256},
                              {"f_table_schema", OFTString, 256},
                              {"f_table_name", OFTString, 256},
                              {"f_geometry_column", OFTString, 256},
                              {"styleName", OFTString, 30},
                              {"styleQML", OFTString, 0},
                              {"styleSLD", OFTString, 0},
                              {"useAsDefault", OFTInteger, 0},
                              {"description", OFTString, 0},
                              {"owner", OFTString, 30},
                              {"ui", OFTString, 30},
                              {"update_time", OFTDateTime, 0}};
    for (const auto &c : columns) {
        OGRFieldDefn fd(c.name, c.type);
        fd.SetWidth(c.width);
        if (c.type == OFTInteger) {
            fd.SetSubType(OFSTBoolean);
        }
        if (c.type == OFTDateTime) {
            fd.SetDefault("CURRENT_TIMESTAMP");
        }
        if (layer->CreateField(&fd) != OGRERR_NONE) {
            throw OutputError(m_path + ": cannot create field '" + c.name +
                              "' in table 'layer_styles': " + gdal_last_error_text());
        }
    }
    if (ds.StartTransaction() != OGRERR_NONE) {
        throw OutputError(m_path + ": cannot start a transaction: " + gdal_last_error_text());
    }
    const std::string now = utc_timestamp("%Y/%m/%d %H:%M:%S");
    for (const auto &s : styles) {
        OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        f->SetField("f_table_catalog", "");
        f->SetField("f_table_schema", "");
        f->SetField("f_table_name", s.table.c_str());
        f->SetField("f_geometry_column", s.geometry_column.c_str());
        f->SetField("styleName", s.name.c_str());
        f->SetField("styleQML", s.qml.c_str());
        f->SetField("styleSLD", s.sld.c_str());
        f->SetField("useAsDefault", s.use_as_default ? 1 : 0);
        f->SetField("description", s.description.c_str());
        f->SetField("owner", "");
        f->SetField("ui", "");
        f->SetField("update_time", now.c_str());
        if (layer->CreateFeature(f.get()) != OGRERR_NONE) {
            throw OutputError(m_path + ": cannot write the style of layer '" + s.table +
                              "': " + gdal_last_error_text());
        }
    }
    if (ds.CommitTransaction() != OGRERR_NONE) {
        throw OutputError(m_path +
                          ": cannot commit table 'layer_styles': " + gdal_last_error_text());
    }
}

void GpkgWriter::add_qgis_project(const std::string &name, const std::string &file_name,
                                  const std::string &qgs_xml) {
    GDALDataset &ds = *m_impl->ds;
    const std::string hex = to_hex(zip_in_memory(file_name, qgs_xml, m_path));
    const std::string metadata = "{\"last_modified_time\": \"" +
                                 utc_timestamp("%Y-%m-%dT%H:%M:%S") +
                                 "\", \"last_modified_user\": \"landalloc\"}";
    for (const std::string &sql :
         {std::string("CREATE TABLE qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, "
                      "content BLOB)"),
          "INSERT INTO qgis_projects(name, metadata, content) VALUES (" + sql_literal(name) + ", " +
              sql_literal(metadata) + ", " + sql_literal(hex) + ")"}) {
        CPLErrorReset();
        const ResultSet result(ds.ExecuteSQL(sql.c_str(), nullptr, nullptr), ResultRelease{&ds});
        if (cpl_failed()) {
            throw OutputError(m_path +
                              ": cannot store the QGIS project: " + gdal_last_error_text());
        }
    }
}

} // namespace landalloc::gis
