#include "gis/qml.hpp"

#include <cstdio>
#include <sstream>

namespace landalloc::gis {

namespace {

std::string fmt(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string option(const char *name, const std::string &value) {
    return std::string("<Option type=\"QString\" name=\"") + name + "\" value=\"" + value + "\"/>";
}

/// A symbol named `index` of one symbol layer of `layer_class` with `options`.
/// With `enabled_if`, the layer draws only where that expression is true (a data-defined
/// "enabled" property).
std::string symbol(const char *type, const char *layer_class, int index, const std::string &options,
                   const std::string &enabled_if = {}) {
    const std::string data_defined =
        enabled_if.empty()
            ? std::string()
            : "<data_defined_properties><Option type=\"Map\"><Option type=\"QString\" "
              "name=\"name\" value=\"\"/><Option type=\"Map\" name=\"properties\"><Option "
              "type=\"Map\" name=\"enabled\"><Option type=\"bool\" name=\"active\" "
              "value=\"true\"/><Option type=\"QString\" name=\"expression\" value=\"" +
                  xml_escape(enabled_if) +
                  "\"/><Option type=\"int\" name=\"type\" value=\"3\"/></Option></Option>"
                  "<Option type=\"QString\" name=\"type\" value=\"collection\"/></Option>"
                  "</data_defined_properties>";
    return std::string("<symbol type=\"") + type + "\" name=\"" + std::to_string(index) +
           "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"" + layer_class +
           "\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">" + options +
           "</Option>" + data_defined + "</layer></symbol>\n";
}

} // namespace

std::string xml_escape(const std::string &text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string qml_fill_symbol(int index, const std::string &fill, const std::string &style,
                            const std::string &outline, double outline_mm,
                            const std::string &enabled_if) {
    return symbol("fill", "SimpleFill", index,
                  option("color", fill) + option("joinstyle", "bevel") +
                      option("outline_color", outline) + option("outline_style", "solid") +
                      option("outline_width", fmt(outline_mm)) +
                      option("outline_width_unit", "MM") + option("style", style),
                  enabled_if);
}

std::string qml_marker_symbol(int index, const std::string &fill, double size_mm) {
    return symbol("marker", "SimpleMarker", index,
                  option("color", fill) + option("name", "circle") +
                      option("outline_color", "35,35,35,255") + option("outline_style", "solid") +
                      option("outline_width", "0.2") + option("outline_width_unit", "MM") +
                      option("size", fmt(size_mm)) + option("size_unit", "MM"));
}

std::string qml_line_symbol(int index, const std::string &colour, double width_mm) {
    return symbol("line", "SimpleLine", index,
                  option("capstyle", "round") + option("joinstyle", "round") +
                      option("line_color", colour) + option("line_style", "solid") +
                      option("line_width", fmt(width_mm)) + option("line_width_unit", "MM"));
}

std::string qml_simple_labeling(const std::string &field, double size_pt, const std::string &colour,
                                double min_scale) {
    std::ostringstream s;
    s << "<labeling type=\"simple\"><settings calloutType=\"simple\">"
      << "<text-style fieldName=\"" << xml_escape(field)
      << "\" isExpression=\"0\" fontFamily=\"Sans Serif\" fontSize=\"" << fmt(size_pt)
      << "\" fontSizeUnit=\"Point\" fontWeight=\"50\" fontItalic=\"0\" textColor=\"" << colour
      << "\" textOpacity=\"1\" namedStyle=\"Regular\">"
      << "<text-buffer bufferDraw=\"1\" bufferSize=\"0.5\" bufferSizeUnits=\"MM\" "
         "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.8\" bufferNoFill=\"1\" "
         "bufferJoinStyle=\"128\"/>"
      << "</text-style>"
      << "<placement placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\" dist=\"0\" "
         "offsetType=\"0\" quadOffset=\"4\" fitInPolygonOnly=\"0\" priority=\"5\"/>"
      // QGIS stores its "minimum scale" (the most zoomed-out) as scaleMax.
      << "<rendering drawLabels=\"1\" obstacle=\"1\" obstacleType=\"1\" displayAll=\"0\" "
      << (min_scale > 0
              ? "scaleVisibility=\"1\" scaleMin=\"0\" scaleMax=\"" + fmt(min_scale) + "\" "
              : std::string("scaleVisibility=\"0\" "))
      << "labelPerPart=\"0\" minFeatureSize=\"0\" upsidedownLabels=\"0\"/>"
      << "</settings></labeling>\n";
    return s.str();
}

std::string qml_document(const std::string &body, bool labels, QmlGeometry geometry, bool fields) {
    return std::string("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n") +
           "<qgis version=\"" + k_qgis_version + "\" styleCategories=\"Symbology|Labeling" +
           (fields ? "|Fields|Forms" : "") + "\" labelsEnabled=\"" + (labels ? "1" : "0") +
           "\">\n" + body + "<layerGeometryType>" + std::to_string(static_cast<int>(geometry)) +
           "</layerGeometryType>\n</qgis>\n";
}

} // namespace landalloc::gis
