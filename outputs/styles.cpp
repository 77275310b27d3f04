#include "outputs/styles.hpp"

#include "gis/qml.hpp"
#include "outputs/schema.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace landalloc {

namespace {

using gis::qml_fill_symbol;
using gis::qml_simple_labeling;
using gis::xml_escape;

std::string fmt(double v, const char *format = "%.6g") {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

/// The renderer and labeling of a layer: the part shared by its QML and its project entry.
struct StyleBody {
    std::string xml;
    bool labels = false;
};

StyleBody parcels_body(const Plan &plan) {
    const auto types = plan_housing_types(plan);
    std::ostringstream s;
    s << "<renderer-v2 type=\"categorizedSymbol\" attr=\"housing_type\" symbollevels=\"0\" "
         "forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\"><categories>\n";
    for (std::size_t i = 0; i < types.size(); ++i) {
        s << "<category symbol=\"" << i << "\" value=\"" << xml_escape(types[i]) << "\" label=\""
          << xml_escape(housing_type_label(types[i])) << "\" render=\"true\"/>\n";
    }
    s << "</categories><symbols>\n";
    for (std::size_t i = 0; i < types.size(); ++i) {
        s << qml_fill_symbol(static_cast<int>(i), housing_type_colour(types[i], i).qgis(), "solid",
                             "60,60,60,255", 0.2);
    }
    s << "</symbols></renderer-v2>\n" << qml_simple_labeling("year", 7, "30,30,30,255");
    return {s.str(), true};
}

StyleBody zones_body(const Plan &plan) {
    const auto classes = ratio_classes(plan.ratio_min, plan.ratio_max);
    std::ostringstream s;
    s << "<renderer-v2 type=\"graduatedSymbol\" attr=\"jobs_dwellings_after\" "
         "graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" forceraster=\"0\" "
         "enableorderby=\"0\" referencescale=\"-1\"><ranges>\n";
    for (std::size_t i = 0; i < classes.size(); ++i) {
        s << "<range symbol=\"" << i << "\" lower=\"" << fmt(classes[i].lower, "%.6f")
          << "\" upper=\"" << fmt(classes[i].upper, "%.6f") << "\" label=\""
          << xml_escape(classes[i].label) << "\" render=\"true\"/>\n";
    }
    s << "</ranges><symbols>\n";
    for (std::size_t i = 0; i < classes.size(); ++i) {
        s << qml_fill_symbol(static_cast<int>(i), classes[i].colour.qgis(), "solid", "90,90,90,255",
                             0.4);
    }
    s << "</symbols><mode name=\"manual\"/>"
         "<legendformat format=\"%1 - %2\" precision=\"2\" trimtrailingzeroes=\"1\"/>"
         "</renderer-v2>\n"
      << qml_simple_labeling("zone_name", 9, "20,20,20,255");
    return {s.str(), true};
}

StyleBody constraints_body() {
    std::ostringstream s;
    s << "<renderer-v2 type=\"categorizedSymbol\" attr=\"effect\" symbollevels=\"0\" "
         "forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\"><categories>\n"
      << "<category symbol=\"0\" value=\"exclude\" label=\"exclude: no housing\" "
         "render=\"true\"/>\n"
      << "<category symbol=\"1\" value=\"cap\" label=\"cap: plot ratio limited\" "
         "render=\"true\"/>\n"
      << "</categories><symbols>\n"
      << qml_fill_symbol(0, "26,150,65,255", "b_diagonal", "26,150,65,255", 0.4)
      << qml_fill_symbol(1, "255,140,0,0", "no", "255,140,0,255", 0.8)
      << "</symbols></renderer-v2>\n";
    return {s.str(), false};
}

/// One symbol for every feature.
StyleBody single_body(const std::string &symbol) {
    return {"<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" forceraster=\"0\" "
            "enableorderby=\"0\" referencescale=\"-1\"><symbols>\n" +
                symbol + "</symbols></renderer-v2>\n",
            false};
}

/// The style bodies of the spatial output layers, by table name.
std::map<std::string, StyleBody> style_bodies(const Plan &plan) {
    return {{k_layer_allocated, parcels_body(plan)},
            {k_layer_zones, zones_body(plan)},
            {k_layer_constraints, constraints_body()},
            // Catchments as outlines; rejected candidates as light grey.
            {k_layer_station_catchments,
             single_body(qml_fill_symbol(0, "0,0,0,0", "no", "90,90,160,255", 0.3))},
            {k_layer_park_catchments,
             single_body(qml_fill_symbol(0, "0,0,0,0", "no", "122,79,154,255", 0.5))},
            {k_layer_rejected,
             single_body(qml_fill_symbol(0, "215,215,215,255", "solid", "170,170,170,255", 0.1))}};
}

std::string spatialrefsys(const gis::Crs &crs) {
    return "<spatialrefsys><wkt>" + xml_escape(crs.wkt()) + "</wkt><proj4></proj4><authid>" +
           xml_escape(crs.label()) +
           "</authid><description></description>"
           "<geographicflag>false</geographicflag></spatialrefsys>";
}

std::string extent_xml(const gis::Bounds &b) {
    return "<extent><xmin>" + fmt(b.min_x, "%.3f") + "</xmin><ymin>" + fmt(b.min_y, "%.3f") +
           "</ymin><xmax>" + fmt(b.max_x, "%.3f") + "</xmax><ymax>" + fmt(b.max_y, "%.3f") +
           "</ymax></extent>";
}

} // namespace

std::string Rgb::hex() const {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r & 0xff, g & 0xff, b & 0xff);
    return buf;
}

std::string Rgb::qgis() const {
    return std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + ",255";
}

Rgb housing_type_colour(const std::string &type, std::size_t index) {
    static const std::map<std::string, Rgb> fixed = {
        {"commercial", {228, 26, 28}},    {"affordable_rental", {55, 126, 184}},
        {"public_rental", {77, 175, 74}}, {"shared_ownership", {152, 78, 163}},
        {"talent", {255, 127, 0}},        {"resettlement", {166, 86, 40}}};
    static const Rgb fallback[] = {{247, 129, 191}, {153, 153, 153}, {102, 194, 165},
                                   {252, 141, 98},  {141, 160, 203}, {231, 138, 195}};
    if (const auto it = fixed.find(type); it != fixed.end()) {
        return it->second;
    }
    return fallback[index % std::size(fallback)];
}

std::string housing_type_label(const std::string &type) {
    static const std::map<std::string, std::string> names = {
        {"commercial", "商品住房"},  {"affordable_rental", "保障性租赁住房"},
        {"public_rental", "公租房"}, {"shared_ownership", "共有产权房"},
        {"talent", "人才住房"},      {"resettlement", "安置房"}};
    const auto it = names.find(type);
    return it == names.end() ? type : type + " " + it->second;
}

std::vector<std::string> plan_housing_types(const Plan &plan) {
    std::vector<std::string> out;
    const auto add = [&](const std::string &t) {
        for (const auto &o : out) {
            if (o == t) {
                return;
            }
        }
        out.push_back(t);
    };
    for (const auto &r : plan.annual) {
        add(r.type);
    }
    for (const auto &a : plan.allocations) {
        add(a.type);
    }
    return out;
}

std::vector<RatioClass> ratio_classes(double ratio_min, double ratio_max) {
    if (!(ratio_max > ratio_min) || !(ratio_min > 0)) {
        ratio_min = 0.8;
        ratio_max = 1.5;
    }
    const double low = ratio_min * 0.75;
    const double high = ratio_max * 1.25;
    const auto r2 = [](double v) { return fmt(v, "%.2f"); };
    return {
        {0, low, "< " + r2(low) + " housing-rich", {33, 102, 172}},
        {low, ratio_min, r2(low) + " - " + r2(ratio_min) + " below band", {146, 197, 222}},
        {ratio_min,
         ratio_max,
         r2(ratio_min) + " - " + r2(ratio_max) + " within band",
         {247, 247, 247}},
        {ratio_max, high, r2(ratio_max) + " - " + r2(high) + " above band", {244, 165, 130}},
        {high, 1e9, "> " + r2(high) + " job-rich", {178, 24, 43}},
    };
}

std::vector<gis::LayerStyle> plan_layer_styles(const Plan &plan) {
    std::vector<gis::LayerStyle> out;
    for (const auto &[table, body] : style_bodies(plan)) {
        gis::LayerStyle s;
        s.table = table;
        s.geometry_column = "geom";
        s.name = table + " (landalloc)";
        s.description = "landalloc's default style of " + table;
        s.qml = gis::qml_document(body.xml, body.labels, gis::QmlGeometry::polygon);
        s.use_as_default = true;
        out.push_back(std::move(s));
    }
    return out;
}

std::string plan_project_qgs(const Plan &plan, const std::vector<ProjectLayer> &layers,
                             const gis::Crs &crs, const gis::Bounds &extent,
                             const std::string &gpkg_file_name, const std::string &title) {
    const auto bodies = style_bodies(plan);
    const std::string srs = spatialrefsys(crs);
    const auto layer_id = [](const ProjectLayer &l) { return l.table + "_landalloc"; };
    const auto source = [&](const ProjectLayer &l) {
        return xml_escape("./" + gpkg_file_name + "|layername=" + l.table);
    };
    std::ostringstream s;
    s << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      << "<qgis version=\"" << gis::k_qgis_version << "\" projectname=\"" << xml_escape(title)
      << "\">\n<homePath path=\"\"/>\n<title>" << xml_escape(title) << "</title>\n"
      << "<projectCrs>" << srs << "</projectCrs>\n<layer-tree-group>\n";
    for (const auto &l : layers) {
        s << "<layer-tree-layer id=\"" << layer_id(l) << "\" name=\"" << xml_escape(l.title)
          << "\" source=\"" << source(l)
          << "\" providerKey=\"ogr\" checked=\"Qt::Checked\" expanded=\"1\"/>\n";
    }
    s << "<custom-order enabled=\"0\">";
    for (const auto &l : layers) {
        s << "<item>" << layer_id(l) << "</item>";
    }
    s << "</custom-order>\n</layer-tree-group>\n<projectlayers>\n";
    for (const auto &l : layers) {
        const auto it = bodies.find(l.table);
        const bool labels = it != bodies.end() && it->second.labels;
        s << "<maplayer type=\"vector\" geometry=\"Polygon\" wkbType=\"MultiPolygon\" "
             "labelsEnabled=\""
          << (labels ? 1 : 0) << "\" styleCategories=\"AllStyleCategories\">\n"
          << extent_xml(extent) << "\n<id>" << layer_id(l) << "</id>\n<datasource>" << source(l)
          << "</datasource>\n<layername>" << xml_escape(l.title) << "</layername>\n<srs>" << srs
          << "</srs>\n<provider encoding=\"UTF-8\">ogr</provider>\n"
          << (it != bodies.end() ? it->second.xml : std::string())
          << "<layerGeometryType>2</layerGeometryType>\n</maplayer>\n";
    }
    s << "</projectlayers>\n<layerorder>";
    for (const auto &l : layers) {
        s << "<layer id=\"" << layer_id(l) << "\"/>";
    }
    s << "</layerorder>\n"
      << "<mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\"><units>meters</units>"
      << extent_xml(extent) << "<rotation>0</rotation><destinationsrs>" << srs
      << "</destinationsrs><rendermaptile>0</rendermaptile></mapcanvas>\n"
      << "<properties><Paths><Absolute type=\"bool\">false</Absolute></Paths></properties>\n"
      << "<ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\"><Scales/>"
      << "<DefaultViewExtent xmin=\"" << fmt(extent.min_x, "%.3f") << "\" ymin=\""
      << fmt(extent.min_y, "%.3f") << "\" xmax=\"" << fmt(extent.max_x, "%.3f") << "\" ymax=\""
      << fmt(extent.max_y, "%.3f") << "\">" << srs << "</DefaultViewExtent>"
      << "</ProjectViewSettings>\n</qgis>\n";
    return s.str();
}

} // namespace landalloc
