#pragma once
// Pieces of QGIS style documents (QML): symbols, labels and the document around them, as QGIS
// 3.22 writes them. Pure text, for the default styles that GpkgWriter::add_layer_styles stores
// beside the data (outputs/styles.cpp for the plan's layers, inputs/findings.cpp for the
// findings').

#include <string>

namespace landalloc::gis {

/// The QGIS version the styles and projects are written for.
inline constexpr const char *k_qgis_version = "3.22.16-Białowieża";

/// Escapes &, <, >, " and ' for XML and HTML text and attributes.
std::string xml_escape(const std::string &text);

/// A fill symbol named `index`: `fill` and `outline` as "r,g,b,a", `style` a Qt brush style
/// ("solid", "no", "b_diagonal"), the outline `outline_mm` wide. With `enabled_if` (a QGIS
/// expression) it draws only the features for which that is true.
std::string qml_fill_symbol(int index, const std::string &fill, const std::string &style,
                            const std::string &outline, double outline_mm,
                            const std::string &enabled_if = {});
/// A circle marker symbol named `index`, `size_mm` across, filled with `fill` ("r,g,b,a").
std::string qml_marker_symbol(int index, const std::string &fill, double size_mm);
/// A solid line symbol named `index`, `colour` ("r,g,b,a"), `width_mm` wide.
std::string qml_line_symbol(int index, const std::string &colour, double width_mm);

/// Simple labels of `field` (text `size_pt` points, `colour`, a white halo) placed inside
/// polygons. With `min_scale` > 0 (QGIS's "minimum scale") they hide when zoomed out beyond
/// 1:`min_scale`; 0 shows them at every scale.
std::string qml_simple_labeling(const std::string &field, double size_pt, const std::string &colour,
                                double min_scale = 0);

/// The geometry type number of a QML document's <layerGeometryType>.
enum class QmlGeometry { point = 0, line = 1, polygon = 2 };

/// A whole QML document holding `body` (renderer and labeling; with `fields`, also the field
/// configuration and aliases, which QGIS then reads from it).
std::string qml_document(const std::string &body, bool labels, QmlGeometry geometry,
                         bool fields = false);

} // namespace landalloc::gis
