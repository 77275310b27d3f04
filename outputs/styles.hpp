#pragma once
// Cartography of the plan's outputs, in one place: the colours and labels of housing types and of
// the jobs/dwellings classes, the QGIS default styles (QML) of the output layers and the QGIS
// project stored in the GeoPackage. The HTML report uses the same colours. Pure text: the
// GeoPackage tables are written by gis::GpkgWriter.

#include "core/plan.hpp"
#include "gis/geometry.hpp"
#include "gis/qml.hpp"
#include "gis/vector_io.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace landalloc {

struct Rgb {
    int r = 0;
    int g = 0;
    int b = 0;
    std::string hex() const;  // "#rrggbb"
    std::string qgis() const; // "r,g,b,255"
};

/// The colours of a plan's housing types (`types` in plan_housing_types order), distinct while
/// the palette lasts (14 colours): the six types of the spec keep fixed colours, every other type
/// takes the next palette colour no earlier type holds. The report and QGIS use the same.
std::vector<Rgb> housing_type_colours(const std::vector<std::string> &types);
/// The Chinese names of housing types by id (the plan file's name_zh).
using TypeNames = std::map<std::string, std::string>;
/// "commercial 新建商品住房": the id and its name from `names` (the plan file's), else the
/// usual name of the spec's six types, else the id alone. A group ("a+b") names each member; a
/// target's zones after the type ("talent [320102]") follow its label.
std::string housing_type_label(const std::string &type, const TypeNames &names = {});
/// "新建商品住房": the Chinese name alone (as housing_type_label finds it), else the id.
std::string housing_type_name(const std::string &type, const TypeNames &names = {});
/// The plan's names (its housing types' name_zh, where given).
TypeNames plan_type_names(const Plan &plan);
/// The housing types of a plan in order of first appearance (annual table, then allocations).
std::vector<std::string> plan_housing_types(const Plan &plan);

/// One class of the diverging jobs/dwellings choropleth, from lower to upper (see
/// ratio_class_of for which ends belong to it).
struct RatioClass {
    double lower = 0;
    double upper = 0;
    std::string label;
    Rgb colour;
};
/// Five classes diverging around the target band [ratio_min, ratio_max] (neutral): two below
/// (housing-rich) in blues, two above (job-rich) in reds. Without a band (0, 0) the plan file's
/// default band 0.8-1.5 is used.
std::vector<RatioClass> ratio_classes(double ratio_min, double ratio_max,
                                      Language l = Language::en);
/// The class of a jobs/dwellings ratio: the band is closed, [ratio_min, ratio_max], as the plan
/// counts a zone in it; below it a class holds its lower end, above it its upper end. NaN: none
/// (classes.size()). QGIS's ranges (plan_layer_styles) draw the same classes.
std::size_t ratio_class_of(double ratio, const std::vector<RatioClass> &classes);

/// Names and file name of the QGIS project stored in the output GeoPackage.
inline constexpr const char *k_qgis_project_name = "landalloc plan";
inline constexpr const char *k_qgis_project_file = "landalloc-plan.qgs";

/// An output layer as written, as far as its style and the project read it: its fields, how
/// many features it holds, and the distinct values of each coded field (QGIS's field
/// configuration: aliases, and in a zh plan value maps naming the codes). A layer written as it
/// is made, and never held whole (rejected_candidates), is recorded feature by feature.
class WrittenLayer {
  public:
    /// A layer of `name` with `fields` and no feature yet.
    WrittenLayer(std::string name, std::vector<gis::FieldDef> fields);
    /// A layer held whole.
    explicit WrittenLayer(const gis::LayerData &layer);
    /// Records a feature written (its values in the order of fields()).
    void add(const gis::Feature &f);

    const std::string &name() const { return m_name; }
    const std::vector<gis::FieldDef> &fields() const { return m_fields; }
    std::size_t features() const { return m_features; }
    /// The distinct non-empty values of field `i` (by index) when it is a coded field; empty
    /// otherwise.
    const std::set<std::string> &values(std::size_t i) const;

  private:
    std::string m_name;
    std::vector<gis::FieldDef> m_fields;
    std::size_t m_features = 0;
    std::vector<std::pair<std::size_t, std::set<std::string>>> m_coded; // by field index
};

/// The output layers as written, by table name.
using WrittenLayers = std::map<std::string, WrittenLayer>;

/// The default styles (QML) of the spatial output layers: renderer, labels and the field
/// configuration of `written`.
std::vector<gis::LayerStyle> plan_layer_styles(const Plan &plan, const WrittenLayers &written);

/// One layer of the stored project, top of the map first.
struct ProjectLayer {
    std::string table;    // layer name in the GeoPackage
    std::string title;    // name shown in QGIS's layer panel
    std::string group;    // the layer panel's group it sits in
    bool visible = true;  // checked when the project opens
    std::string abstract; // the layer's metadata abstract
    bool spatial = true;  // false: an attribute table (no geometry)
};

/// Where the project's layers are read from.
struct ProjectSource {
    std::string provider; // QGIS's provider key: "ogr" (a GeoPackage) or "postgres"
    /// The data source of a table ("./plan.gpkg|layername=zones"; spatial: it has geometry).
    std::function<std::string(const std::string &table, bool spatial)> datasource;
};
/// The tables of the GeoPackage named `gpkg_file_name` (the final file name: the project's
/// paths are relative to the GeoPackage that stores it).
ProjectSource gpkg_project_source(const std::string &gpkg_file_name);

/// The .qgs XML of a project showing `layers` (first on top, in groups as they come) from
/// `data`, in `crs`, zoomed to `extent`, each with its default style from plan_layer_styles()
/// and its metadata; the parcels step through the years on QGIS's temporal controller. Its print
/// layout (k_layout_name) is an A4 landscape page per year (an atlas over supply_plan's year
/// totals): title, the map of that year's parcels over the context layers, legend, scale bar,
/// north arrow, the year's totals, the run's date and the source.
std::string plan_project_qgs(const Plan &plan, const WrittenLayers &written,
                             const std::vector<ProjectLayer> &layers, const gis::Crs &crs,
                             const gis::Bounds &extent, const ProjectSource &data,
                             const std::string &title);

/// The name of the stored project's print layout.
inline constexpr const char *k_layout_name = "年度住宅用地供应图";

/// Escapes &, <, >, " and ' for XML and HTML text and attributes.
using gis::xml_escape;

} // namespace landalloc
