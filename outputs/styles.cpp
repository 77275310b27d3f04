#include "outputs/styles.hpp"

#include "gis/qml.hpp"
#include "outputs/schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

namespace landalloc {

namespace {

using gis::qml_fill_symbol;
using gis::qml_simple_labeling;
using gis::xml_escape;

/// The parcels on QGIS's temporal controller: a feature is in the year of its `year` field.
constexpr const char *k_year_temporal =
    "<temporal enabled=\"1\" mode=\"4\" limitMode=\"0\" accumulate=\"0\" "
    "startExpression=\"make_date(&quot;year&quot;, 1, 1)\" "
    "endExpression=\"make_date(&quot;year&quot; + 1, 1, 1)\" startField=\"\" endField=\"\" "
    "durationField=\"\" durationUnit=\"min\" fixedDuration=\"0\">"
    "<fixedRange><start></start><end></end></fixedRange></temporal>\n";

/// On a page of the print layout's atlas (a year), the parcels of that year only; everywhere
/// else (the map canvas, a plain layout) all of them.
constexpr const char *k_atlas_year_only =
    "@atlas_feature IS NULL OR \"year\" = attribute(@atlas_feature, 'year')";

/// The scale from which the parcels' year labels show (1:25,000 and closer).
constexpr double k_parcel_label_scale = 25000;

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

/// A coded text field of an output layer and the list naming its codes (nullopt: housing type
/// ids, named by the plan file's name_zh).
struct CodedField {
    std::string_view layer;
    std::string_view field;
    std::optional<CodeList> list;
};
constexpr CodedField k_coded_fields[] = {
    {k_layer_allocated, "housing_type", std::nullopt},
    {k_layer_allocated, "bundled_type", std::nullopt},
    {k_layer_allocated, "status", CodeList::status},
    {k_layer_allocated, "land_source", CodeList::land_source},
    {k_layer_annual, "housing_type", std::nullopt},
    {k_layer_annual, "unit", CodeList::unit},
    {k_layer_annual, "status", CodeList::status},
    {k_layer_annual, "cause", CodeList::cause},
    {k_layer_rule_checks, "unit", CodeList::unit},
    {k_layer_rule_checks, "status", CodeList::status},
    {k_layer_rejected, "land_source", CodeList::land_source},
    {k_layer_rejected, "reason", CodeList::reason},
    {k_layer_rejected, "best_type", std::nullopt},
    {k_layer_station_catchments, "mode", CodeList::station_mode},
    {k_layer_park_catchments, "level", CodeList::park_level},
    {k_layer_zones, "zone_class", CodeList::zone_class},
    {k_layer_zones, "band_before", CodeList::band},
    {k_layer_zones, "band_after", CodeList::band},
    {k_layer_zones, "destock_band", CodeList::destock_band},
    {k_layer_constraints, "kind", CodeList::constraint_kind},
    {k_layer_constraints, "effect", CodeList::effect},
    {k_layer_rolling, "housing_type", std::nullopt},
};

/// The schema of an output layer by its table name (nullptr: none).
const LayerSchema *schema_of(const std::string &table) {
    for (const LayerSchema *l : schema::k_layers) {
        if (l->name == table) {
            return l;
        }
    }
    return table == k_layer_rolling ? &schema::rolling_plan : nullptr;
}

/// The coded field `field` of `layer` (nullptr: not coded).
const CodedField *coded_field(std::string_view layer, std::string_view field) {
    const auto coded =
        std::find_if(std::begin(k_coded_fields), std::end(k_coded_fields),
                     [&](const CodedField &c) { return c.layer == layer && c.field == field; });
    return coded != std::end(k_coded_fields) ? coded : nullptr;
}

/// QGIS's field configuration of a written layer: each field's alias as the GeoPackage holds it
/// (fields_in) and, in a zh plan, a value map naming every code a coded field holds, so that the
/// attribute table and the identify panel read 城市更新 where the data holds renewal. A code no
/// list knows is named as itself (a value map shows a value it lacks in brackets).
std::string fields_xml(const WrittenLayer &layer, const Plan &plan) {
    const LayerSchema *schema = schema_of(layer.name());
    if (schema == nullptr) {
        return {};
    }
    const std::vector<gis::FieldDef> fields = fields_in(*schema, layer.fields(), plan.language);
    const TypeNames names = plan_type_names(plan);
    std::ostringstream s;
    s << "<fieldConfiguration>\n";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const CodedField *coded = coded_field(layer.name(), fields[i].name);
        const std::set<std::string> &values = layer.values(i); // empty unless coded
        s << "<field name=\"" << xml_escape(fields[i].name) << "\" configurationFlags=\"None\">";
        if (plan.language == Language::zh && coded != nullptr && !values.empty()) {
            s << "<editWidget type=\"ValueMap\"><config><Option type=\"Map\">"
                 "<Option name=\"map\" type=\"List\">";
            for (const std::string &v : values) {
                const std::string label = coded->list ? code_label(*coded->list, v, Language::zh)
                                                      : housing_type_name(v, names);
                s << "<Option type=\"Map\"><Option name=\"" << xml_escape(label) << "\" value=\""
                  << xml_escape(v) << "\" type=\"QString\"/></Option>";
            }
            s << "</Option></Option></config></editWidget>";
        }
        s << "</field>\n";
    }
    s << "</fieldConfiguration>\n<aliases>";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        s << "<alias index=\"" << i << "\" field=\"" << xml_escape(fields[i].name) << "\" name=\""
          << xml_escape(fields[i].alias) << "\"/>";
    }
    s << "</aliases>\n";
    return s.str();
}

StyleBody parcels_body(const Plan &plan) {
    // A category for each type the plan allocates, in the colours of all the plan's types.
    const auto types = plan_housing_types(plan);
    const auto colours = housing_type_colours(types);
    const TypeNames names = plan_type_names(plan);
    std::vector<std::size_t> shown;
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (std::any_of(plan.allocations.begin(), plan.allocations.end(),
                        [&](const Allocation &a) { return a.type == types[i]; })) {
            shown.push_back(i);
        }
    }
    std::ostringstream s;
    s << "<renderer-v2 type=\"categorizedSymbol\" attr=\"housing_type\" symbollevels=\"0\" "
         "forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\"><categories>\n";
    for (std::size_t k = 0; k < shown.size(); ++k) {
        s << "<category symbol=\"" << k << "\" value=\"" << xml_escape(types[shown[k]])
          << "\" label=\"" << xml_escape(housing_type_label(types[shown[k]], names))
          << "\" render=\"true\"/>\n";
    }
    s << "</categories><symbols>\n";
    for (std::size_t k = 0; k < shown.size(); ++k) {
        s << qml_fill_symbol(static_cast<int>(k), colours[shown[k]].qgis(), "solid", "60,60,60,255",
                             0.2, k_atlas_year_only);
    }
    // Years at parcel scale only, so that the zones' names read at city scale.
    s << "</symbols></renderer-v2>\n"
      << qml_simple_labeling("year", 7, "30,30,30,255", k_parcel_label_scale);
    return {s.str(), true};
}

/// The candidates not allocated, by reason: a grey of its own for each reason present.
StyleBody rejected_body(const Plan &plan) {
    std::vector<std::string> reasons;
    for (const auto &r : plan.rejected) {
        if (std::find(reasons.begin(), reasons.end(), r.code) == reasons.end()) {
            reasons.push_back(r.code);
        }
    }
    std::sort(reasons.begin(), reasons.end());
    std::ostringstream s;
    s << "<renderer-v2 type=\"categorizedSymbol\" attr=\"reason\" symbollevels=\"0\" "
         "forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\"><categories>\n";
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        s << "<category symbol=\"" << i << "\" value=\"" << xml_escape(reasons[i]) << "\" label=\""
          << xml_escape(code_label(CodeList::reason, reasons[i], plan.language))
          << "\" render=\"true\"/>\n";
    }
    s << "</categories><symbols>\n";
    // Light to dark greys with a hatch on every other one, so neighbouring reasons differ.
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        const int g = 225 - static_cast<int>((i * 110) / std::max<std::size_t>(reasons.size(), 1));
        const std::string grey =
            std::to_string(g) + "," + std::to_string(g) + "," + std::to_string(g) + ",255";
        s << qml_fill_symbol(static_cast<int>(i), grey, i % 2 ? "f_diagonal" : "solid",
                             "150,150,150,255", 0.1);
    }
    s << "</symbols></renderer-v2>\n";
    return {s.str(), false};
}

StyleBody zones_body(const Plan &plan) {
    const auto classes = ratio_classes(plan.ratio_min, plan.ratio_max, plan.language);
    std::ostringstream s;
    s << "<renderer-v2 type=\"graduatedSymbol\" attr=\"jobs_dwellings_after\" "
         "graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" forceraster=\"0\" "
         "enableorderby=\"0\" referencescale=\"-1\"><ranges>\n";
    // QGIS puts a value on a shared edge in one range or the other depending on its version; the
    // edges below the band move down by 1e-6 (the layer's ratios have 4 decimals), so that each
    // value falls in the class ratio_class_of gives it either way.
    constexpr double nudge = 1e-6;
    for (std::size_t i = 0; i < classes.size(); ++i) {
        const double lower = i == 1 || i == 2 ? classes[i].lower - nudge : classes[i].lower;
        const double upper = i < 2 ? classes[i].upper - nudge : classes[i].upper;
        s << "<range symbol=\"" << i << "\" lower=\"" << fmt(lower, "%.6f") << "\" upper=\""
          << fmt(upper, "%.6f") << "\" label=\"" << xml_escape(classes[i].label)
          << "\" render=\"true\"/>\n";
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

StyleBody constraints_body(Language l) {
    std::ostringstream s;
    s << "<renderer-v2 type=\"categorizedSymbol\" attr=\"effect\" symbollevels=\"0\" "
         "forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\"><categories>\n"
      << "<category symbol=\"0\" value=\"exclude\" label=\""
      << (l == Language::zh ? code_label(CodeList::effect, "exclude", l) : "exclude: no housing")
      << "\" render=\"true\"/>\n"
      << "<category symbol=\"1\" value=\"cap\" label=\""
      << (l == Language::zh ? code_label(CodeList::effect, "cap", l) : "cap: plot ratio limited")
      << "\" render=\"true\"/>\n"
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
            {k_layer_constraints, constraints_body(plan.language)},
            // Catchments as outlines.
            {k_layer_station_catchments,
             single_body(qml_fill_symbol(0, "0,0,0,0", "no", "90,90,160,255", 0.3))},
            {k_layer_park_catchments,
             single_body(qml_fill_symbol(0, "0,0,0,0", "no", "122,79,154,255", 0.5))},
            {k_layer_rejected, rejected_body(plan)}};
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

/// QGIS's layout item types (QgsLayoutItemRegistry: QGraphicsItem::UserType + 100 + k).
enum class ItemType : int {
    page = 65638,
    map = 65639,
    picture = 65640,
    label = 65641,
    legend = 65642,
    scale_bar = 65646,
};

/// The common attributes and children of a print layout item.
std::string layout_item(ItemType type, int n, const std::string &position, const std::string &size,
                        const std::string &attributes, const std::string &children,
                        bool frame = false) {
    const std::string uuid = "{00000000-0000-4000-8000-" + fmt(n, "%012.0f") + "}";
    return "<LayoutItem type=\"" + std::to_string(static_cast<int>(type)) + "\" uuid=\"" + uuid +
           "\" templateUuid=\"" + uuid + "\" id=\"\" position=\"" + position +
           ",mm\" positionOnPage=\"" + position + ",mm\" size=\"" + size + ",mm\" zValue=\"" +
           std::to_string(n) + "\" visibility=\"1\" frame=\"" + (frame ? "true" : "false") +
           "\" background=\"" +
           (type == ItemType::legend || type == ItemType::page ? "true" : "false") +
           "\" opacity=\"1\" blendMode=\"0\" positionLock=\"false\" itemRotation=\"0\" "
           "referencePoint=\"0\" excludeFromExports=\"0\" outlineWidthM=\"0.3,mm\" "
           "frameJoinStyle=\"miter\" groupUuid=\"\" " +
           attributes +
           "><FrameColor red=\"60\" green=\"60\" blue=\"60\" alpha=\"255\"/>"
           "<BackgroundColor red=\"255\" green=\"255\" blue=\"255\" alpha=\"255\"/>"
           "<LayoutObject><dataDefinedProperties><Option type=\"Map\"><Option type=\"QString\" "
           "name=\"name\" value=\"\"/><Option name=\"properties\"/><Option type=\"QString\" "
           "name=\"type\" value=\"collection\"/></Option></dataDefinedProperties>"
           "<customproperties/></LayoutObject>" +
           children + "</LayoutItem>\n";
}

/// A Qt font description of the layout's CJK font ("family,points,...,weight,..."), which
/// scripts/setup installs (fonts-wqy-microhei).
std::string layout_font(int points, bool bold) {
    return "WenQuanYi Micro Hei," + std::to_string(points) + ",-1,5," + (bold ? "75" : "50") +
           ",0,0,0,0,0";
}

/// A text label of the layout; `text` may hold QGIS expressions in [% %].
std::string layout_label(int n, const std::string &position, const std::string &size,
                         const std::string &text, int points, bool bold) {
    return layout_item(ItemType::label, n, position, size,
                       "labelText=\"" + xml_escape(text) +
                           "\" htmlState=\"0\" marginX=\"0\" marginY=\"0\" halign=\"1\" "
                           "valign=\"32\"",
                       "<LabelFont style=\"\" description=\"" + layout_font(points, bold) +
                           "\"/><FontColor red=\"0\" green=\"0\" blue=\"0\" alpha=\"255\"/>");
}

/// The legend's styles (title, groups, symbols) in the layout's font.
std::string legend_styles() {
    std::string styles = "<styles>";
    for (const auto &[name, points, bold] : {std::tuple{"title", 12, true},
                                             {"group", 10, true},
                                             {"subgroup", 9, true},
                                             {"symbol", 8, false},
                                             {"symbolLabel", 8, false}}) {
        styles += std::string("<style name=\"") + name +
                  "\" marginTop=\"2\" marginBottom=\"2\" alignment=\"1\" indent=\"0\">"
                  "<styleFont style=\"\" description=\"" +
                  layout_font(points, bold) + "\"/></style>";
    }
    return styles + "</styles>";
}

/// A project layer's id and its data source (relative to the GeoPackage).
struct LayerRefs {
    std::function<std::string(const ProjectLayer &)> id;
    std::function<std::string(const ProjectLayer &)> source;
    std::string provider; // QGIS's provider key
};

/// The project's print layout: one A4 landscape page per year, an atlas over supply_plan's
/// year totals (`coverage`, a project layer); the map shows `extent` (grown to the map's shape)
/// and the legend `legend_layers`.
std::string plan_layout_xml(const Plan &plan, const std::string &title, gis::Bounds extent,
                            const ProjectLayer &coverage,
                            const std::vector<ProjectLayer> &legend_layers, const LayerRefs &ref) {
    std::string started, version, plan_file;
    for (const auto &[key, value] : plan.metadata) {
        started = key == "started_utc" ? value.substr(0, 10) : started;
        version = key == "landalloc_version" ? value : version;
        plan_file = key == "plan_file" ? value : plan_file;
    }
    // The map frame is 200 x 175 mm; the extent grows (5 % margin) to that shape.
    constexpr double map_w = 200, map_h = 175;
    const double cx = (extent.min_x + extent.max_x) / 2, cy = (extent.min_y + extent.max_y) / 2;
    double w = (extent.max_x - extent.min_x) * 1.05, h = (extent.max_y - extent.min_y) * 1.05;
    if (w / h < map_w / map_h) {
        w = h * map_w / map_h;
    } else {
        h = w * map_h / map_w;
    }
    const std::string map_uuid = "{00000000-0000-4000-8000-000000000002}";
    std::string tree = "<layer-tree-group><customproperties/>";
    for (const auto &l : legend_layers) {
        tree += "<layer-tree-layer id=\"" + ref.id(l) + "\" name=\"" + xml_escape(l.title) +
                "\" source=\"" + ref.source(l) + "\" providerKey=\"" + ref.provider +
                "\" checked=\"Qt::Checked\" expanded=\"1\">"
                "<customproperties/></layer-tree-layer>";
    }
    tree += "</layer-tree-group>";

    std::ostringstream s;
    s << "<Layouts>\n<Layout name=\"" << k_layout_name
      << "\" units=\"mm\" printResolution=\"300\" worldFileMap=\"\">\n<PageCollection>\n"
      << layout_item(ItemType::page, 1, "0,0", "297,210", "", "")
      << "<GuideCollection visible=\"1\"/>\n"
      << "</PageCollection>\n"
      // The map of the year's parcels over the visible context layers.
      << layout_item(ItemType::map, 2, "10,20", "200,175",
                     "drawCanvasItems=\"true\" followPreset=\"false\" followPresetName=\"\" "
                     "keepLayerSet=\"false\" mapRotation=\"0\" labelMargin=\"0,mm\" "
                     "isTemporal=\"0\"",
                     "<Extent xmin=\"" + fmt(cx - w / 2, "%.3f") + "\" ymin=\"" +
                         fmt(cy - h / 2, "%.3f") + "\" xmax=\"" + fmt(cx + w / 2, "%.3f") +
                         "\" ymax=\"" + fmt(cy + h / 2, "%.3f") +
                         "\"/><LayerSet/><AtlasMap atlasDriven=\"0\" scalingMode=\"2\" "
                         "margin=\"0.1\"/>",
                     true)
      << layout_label(3, "10,5", "277,12", title + "　[% \"year\" %]年住宅用地供应", 18, true)
      // The legend: only what the map shows.
      << layout_item(
             ItemType::legend, 4, "215,20", "72,100",
             "title=\"图例\" map_uuid=\"" + map_uuid +
                 "\" legendFilterByMap=\"1\" legendFilterByAtlas=\"0\" "
                 "resizeToContents=\"1\" columnCount=\"1\" symbolWidth=\"7\" "
                 "symbolHeight=\"4\" wrapChar=\"\" fontColor=\"#000000\" splitLayer=\"0\" "
                 "equalColumnWidth=\"0\" boxSpace=\"2\" columnSpace=\"2\" lineSpacing=\"1\" "
                 "titleAlignment=\"1\" symbolAlignment=\"1\"",
             legend_styles() + tree)
      // The year's totals, from the atlas feature (supply_plan's row of the year).
      << layout_label(5, "215,128", "72,30",
                      "[% \"year\" %]年合计：住宅用地 [% format_number(\"area_ha\", 2) %] 公顷，"
                      "建筑面积 [% format_number(\"floor_10k_m2\", 2) %] 万平方米，"
                      "[% format_number(\"units\", 0) %] 套，[% \"parcels\" %] 宗地块",
                      9, false)
      << layout_item(ItemType::scale_bar, 6, "215,165", "45,12",
                     "mapUuid=\"" + map_uuid +
                         "\" style=\"Single Box\" unitType=\"kilometers\" unitLabel=\"km\" "
                         "numSegments=\"2\" numSegmentsLeft=\"0\" numSubdivisions=\"1\" "
                         "segmentSizeMode=\"1\" minBarWidth=\"30\" maxBarWidth=\"45\" "
                         "numUnitsPerSegment=\"1\" numMapUnitsPerScaleBarUnit=\"1000\" "
                         "height=\"3\" labelBarSpace=\"2\" boxContentSpace=\"1\" alignment=\"0\" "
                         "outlineWidth=\"0.3\" lineJoinStyle=\"miter\" lineCapStyle=\"square\"",
                     "<text-style fontFamily=\"WenQuanYi Micro Hei\" fontSize=\"8\" "
                     "fontSizeUnit=\"Point\" fontWeight=\"50\" textColor=\"0,0,0,255\" "
                     "textOpacity=\"1\"/><fillColor red=\"0\" green=\"0\" blue=\"0\" "
                     "alpha=\"255\"/><fillColor2 red=\"255\" green=\"255\" blue=\"255\" "
                     "alpha=\"255\"/><strokeColor red=\"0\" green=\"0\" blue=\"0\" "
                     "alpha=\"255\"/>")
      << layout_item(ItemType::picture, 7, "268,160", "14,20",
                     "file=\":/images/north_arrows/layout_default_north_arrow.svg\" mode=\"0\" "
                     "resizeMode=\"0\" pictureRotation=\"0\" northMode=\"0\" northOffset=\"0\" "
                     "mapUuid=\"" +
                         map_uuid +
                         "\" anchorPoint=\"0\" svgFillColor=\"0,0,0,255\" "
                         "svgBorderColor=\"0,0,0,255\" svgBorderWidth=\"0.2\"",
                     "")
      << layout_label(8, "10,198", "277,8",
                      "制图日期：" + started + "　来源：landalloc " + version + "，规划文件 " +
                          plan_file +
                          "　第 [% @atlas_featurenumber %] / [% @atlas_totalfeatures %] 页",
                      7, false)
      << "<customproperties/>\n"
      << "<Atlas enabled=\"1\" hideCoverage=\"0\" "
         "filenamePattern=\"'年度住宅用地供应图_' || &quot;year&quot;\" "
         "pageNameExpression=\"&quot;year&quot;\" coverageLayer=\""
      << ref.id(coverage) << "\" coverageLayerName=\"" << xml_escape(coverage.title)
      << "\" coverageLayerSource=\"" << ref.source(coverage) << "\" coverageLayerProvider=\""
      << ref.provider
      << "\" sortFeatures=\"1\" sortKey=\"year\" "
         "sortAscending=\"1\" filterFeatures=\"1\" featureFilter=\""
      << xml_escape("\"year\" IS NOT NULL AND \"district_id\" IS NULL AND "
                    "\"housing_type\" IS NULL")
      << "\"/>\n</Layout>\n</Layouts>\n";
    return s.str();
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

std::vector<Rgb> housing_type_colours(const std::vector<std::string> &types) {
    static const std::map<std::string, Rgb> fixed = {
        {"commercial", {228, 26, 28}},    {"affordable_rental", {55, 126, 184}},
        {"public_rental", {77, 175, 74}}, {"shared_ownership", {152, 78, 163}},
        {"talent", {255, 127, 0}},        {"resettlement", {166, 86, 40}}};
    // No grey: grey is the candidates not allocated.
    static const Rgb palette[] = {{247, 129, 191}, {102, 194, 165}, {230, 171, 2},
                                  {141, 160, 203}, {166, 216, 84},  {23, 190, 207},
                                  {102, 102, 153}, {128, 0, 38}};
    // The palette holds none of the fixed colours, so the types are distinct up to 14.
    std::vector<Rgb> out;
    std::size_t next = 0;
    for (const auto &type : types) {
        const auto it = fixed.find(type);
        out.push_back(it != fixed.end() ? it->second : palette[next++ % std::size(palette)]);
    }
    return out;
}

namespace {

/// A housing type's Chinese name: the plan file's, else the usual name of the spec's six types,
/// else "".
std::string chinese_name(const std::string &id, const TypeNames &names) {
    static const TypeNames usual = {
        {"commercial", "商品住房"},  {"affordable_rental", "保障性租赁住房"},
        {"public_rental", "公租房"}, {"shared_ownership", "共有产权房"},
        {"talent", "人才住房"},      {"resettlement", "安置房"}};
    if (const auto it = names.find(id); it != names.end() && !it->second.empty()) {
        return it->second;
    }
    const auto it = usual.find(id);
    return it == usual.end() ? std::string() : it->second;
}

/// A target's type ("a+b", "talent [320102]") with `single` naming a type of its own; a group
/// names each member by its Chinese name (else its id), and the zones follow.
std::string type_with_members(const std::string &type, const TypeNames &names,
                              const std::function<std::string(const std::string &)> &single) {
    if (const auto bracket = type.find(" ["); bracket != std::string::npos) {
        return type_with_members(type.substr(0, bracket), names, single) + type.substr(bracket);
    }
    const std::vector<std::string> ids = annual_row_types(type);
    if (ids.size() == 1) {
        return single(type);
    }
    std::string label;
    for (const auto &id : ids) {
        const std::string name = chinese_name(id, names);
        label += (label.empty() ? "" : "+") + (name.empty() ? id : name);
    }
    return label;
}

} // namespace

std::string housing_type_label(const std::string &type, const TypeNames &names) {
    return type_with_members(type, names, [&](const std::string &id) {
        const std::string name = chinese_name(id, names);
        return name.empty() ? id : id + " " + name;
    });
}

std::string housing_type_name(const std::string &type, const TypeNames &names) {
    return type_with_members(type, names, [&](const std::string &id) {
        const std::string name = chinese_name(id, names);
        return name.empty() ? id : name;
    });
}

TypeNames plan_type_names(const Plan &plan) {
    TypeNames names;
    for (const auto &t : plan.types) {
        names[t.id] = t.name_zh;
    }
    return names;
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

std::vector<RatioClass> ratio_classes(double ratio_min, double ratio_max, Language l) {
    if (!(ratio_max > ratio_min) || !(ratio_min > 0)) {
        ratio_min = 0.8;
        ratio_max = 1.5;
    }
    const double low = ratio_min * 0.75;
    const double high = ratio_max * 1.25;
    const auto r2 = [](double v) { return fmt(v, "%.2f"); };
    return {
        {0, low, "< " + r2(low) + tr(l, " housing-rich", " 住房偏多"), {33, 102, 172}},
        {low,
         ratio_min,
         r2(low) + " - " + r2(ratio_min) + tr(l, " below band", " 低于目标区间"),
         {146, 197, 222}},
        {ratio_min,
         ratio_max,
         r2(ratio_min) + " - " + r2(ratio_max) + tr(l, " within band", " 目标区间内"),
         {247, 247, 247}},
        {ratio_max,
         high,
         r2(ratio_max) + " - " + r2(high) + tr(l, " above band", " 高于目标区间"),
         {244, 165, 130}},
        {high, 1e9, "> " + r2(high) + tr(l, " job-rich", " 就业偏多"), {178, 24, 43}},
    };
}

std::size_t ratio_class_of(double ratio, const std::vector<RatioClass> &classes) {
    constexpr std::size_t band = 2; // the middle class: the target band, both ends in it
    for (std::size_t i = 0; i < classes.size() && std::isfinite(ratio); ++i) {
        const RatioClass &c = classes[i];
        const bool in = i < band    ? c.lower <= ratio && ratio < c.upper
                        : i == band ? c.lower <= ratio && ratio <= c.upper
                                    : c.lower < ratio && ratio <= c.upper;
        if (in) {
            return i;
        }
    }
    return classes.size();
}

WrittenLayer::WrittenLayer(std::string name, std::vector<gis::FieldDef> fields)
    : m_name(std::move(name)), m_fields(std::move(fields)) {
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
        if (coded_field(m_name, m_fields[i].name) != nullptr) {
            m_coded.emplace_back(i, std::set<std::string>());
        }
    }
}

WrittenLayer::WrittenLayer(const gis::LayerData &layer) : WrittenLayer(layer.name, layer.fields) {
    for (const gis::Feature &f : layer.features) {
        add(f);
    }
}

void WrittenLayer::add(const gis::Feature &f) {
    ++m_features;
    for (auto &[i, values] : m_coded) {
        if (i >= f.values.size()) {
            continue;
        }
        if (const auto *v = std::get_if<std::string>(&f.values[i]); v && !v->empty()) {
            values.insert(*v);
        }
    }
}

const std::set<std::string> &WrittenLayer::values(std::size_t i) const {
    static const std::set<std::string> none;
    for (const auto &[field, values] : m_coded) {
        if (field == i) {
            return values;
        }
    }
    return none;
}

std::vector<gis::LayerStyle> plan_layer_styles(const Plan &plan, const WrittenLayers &written) {
    std::vector<gis::LayerStyle> out;
    for (const auto &[table, body] : style_bodies(plan)) {
        const auto w = written.find(table);
        const std::string fields = w != written.end() ? fields_xml(w->second, plan) : "";
        gis::LayerStyle s;
        s.table = table;
        s.geometry_column = "geom";
        s.name = table + " (landalloc)";
        s.description = "landalloc's default style of " + table;
        s.qml = gis::qml_document(fields + body.xml, body.labels, gis::QmlGeometry::polygon,
                                  !fields.empty());
        s.use_as_default = true;
        out.push_back(std::move(s));
    }
    return out;
}

std::string plan_project_qgs(const Plan &plan, const WrittenLayers &written,
                             const std::vector<ProjectLayer> &layers, const gis::Crs &crs,
                             const gis::Bounds &extent, const ProjectSource &data,
                             const std::string &title) {
    const auto bodies = style_bodies(plan);
    const std::string srs = spatialrefsys(crs);
    const auto layer_id = [](const ProjectLayer &l) { return l.table + "_landalloc"; };
    const auto source = [&](const ProjectLayer &l) {
        return xml_escape(data.datasource(l.table, l.spatial));
    };
    std::ostringstream s;
    s << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      << "<qgis version=\"" << gis::k_qgis_version << "\" projectname=\"" << xml_escape(title)
      << "\">\n<homePath path=\"\"/>\n<title>" << xml_escape(title) << "</title>\n"
      << "<projectCrs>" << srs << "</projectCrs>\n<layer-tree-group>\n";
    // The groups in the order their first layer comes.
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::string &group = layers[i].group;
        if (std::any_of(layers.begin(), layers.begin() + static_cast<std::ptrdiff_t>(i),
                        [&](const ProjectLayer &l) { return l.group == group; })) {
            continue;
        }
        const bool any_visible = std::any_of(layers.begin(), layers.end(), [&](const auto &l) {
            return l.group == group && l.visible;
        });
        s << "<layer-tree-group name=\"" << xml_escape(group) << "\" checked=\""
          << (any_visible ? "Qt::Checked" : "Qt::Unchecked") << "\" expanded=\"1\">\n";
        for (const auto &l : layers) {
            if (l.group == group) {
                s << "<layer-tree-layer id=\"" << layer_id(l) << "\" name=\"" << xml_escape(l.title)
                  << "\" source=\"" << source(l) << "\" providerKey=\"" << data.provider
                  << "\" checked=\"" << (l.visible ? "Qt::Checked" : "Qt::Unchecked")
                  << "\" expanded=\"1\"/>\n";
            }
        }
        s << "</layer-tree-group>\n";
    }
    s << "<custom-order enabled=\"0\">";
    for (const auto &l : layers) {
        s << "<item>" << layer_id(l) << "</item>";
    }
    s << "</custom-order>\n</layer-tree-group>\n<projectlayers>\n";
    for (const auto &l : layers) {
        const auto it = bodies.find(l.table);
        const bool labels = it != bodies.end() && it->second.labels;
        s << "<maplayer type=\"vector\" "
          << (l.spatial ? "geometry=\"Polygon\" wkbType=\"MultiPolygon\""
                        : "geometry=\"No geometry\" wkbType=\"NoGeometry\"")
          << " labelsEnabled=\"" << (labels ? 1 : 0)
          << "\" styleCategories=\"AllStyleCategories\">\n"
          << (l.spatial ? extent_xml(extent) : std::string()) << "\n<id>" << layer_id(l)
          << "</id>\n<datasource>" << source(l) << "</datasource>\n<layername>"
          << xml_escape(l.title) << "</layername>\n"
          << (l.spatial ? "<srs>" + srs + "</srs>\n" : std::string())
          << "<resourceMetadata><identifier>" << xml_escape(l.table) << "</identifier><title>"
          << xml_escape(l.title) << "</title><abstract>" << xml_escape(l.abstract)
          << "</abstract></resourceMetadata>\n"
          << "<provider encoding=\"UTF-8\">" << data.provider << "</provider>\n"
          << (l.table == k_layer_allocated ? k_year_temporal : "")
          << (written.count(l.table) ? fields_xml(written.at(l.table), plan) : std::string())
          << (it != bodies.end() ? it->second.xml : std::string()) << "<layerGeometryType>"
          << (l.spatial ? 2 : 4) << "</layerGeometryType>\n</maplayer>\n";
    }
    s << "</projectlayers>\n<layerorder>";
    for (const auto &l : layers) {
        s << "<layer id=\"" << layer_id(l) << "\"/>";
    }
    s << "</layerorder>\n"
      << "<mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\"><units>meters</units>"
      << extent_xml(extent) << "<rotation>0</rotation><destinationsrs>" << srs
      << "</destinationsrs><rendermaptile>0</rendermaptile></mapcanvas>\n"
      // Without ProjectionsEnabled QGIS reads the project as having no CRS at all.
      << "<properties><Paths><Absolute type=\"bool\">false</Absolute></Paths>"
      << "<SpatialRefSys><ProjectionsEnabled type=\"int\">1</ProjectionsEnabled></SpatialRefSys>"
      << "</properties>\n"
      << "<ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\"><Scales/>"
      << "<DefaultViewExtent xmin=\"" << fmt(extent.min_x, "%.3f") << "\" ymin=\""
      << fmt(extent.min_y, "%.3f") << "\" xmax=\"" << fmt(extent.max_x, "%.3f") << "\" ymax=\""
      << fmt(extent.max_y, "%.3f") << "\">" << srs << "</DefaultViewExtent>"
      << "</ProjectViewSettings>\n";
    // The temporal controller steps a year at a time over the plan's years.
    int first = 0, last = 0;
    for (const auto &r : plan.annual) {
        first = first == 0 ? r.year : std::min(first, r.year);
        last = std::max(last, r.year);
    }
    if (first > 0) {
        s << "<ProjectTimeSettings cumulativeTemporalRange=\"0\" timeStep=\"1\" "
             "timeStepUnit=\"years\" frameRate=\"1\"><temporalRange><start>"
          << first << "-01-01T00:00:00</start><end>" << last + 1
          << "-01-01T00:00:00</end></temporalRange></ProjectTimeSettings>\n";
    }
    // The print layout, when the project holds the tables its atlas and legend read.
    const auto find = [&](const char *table) {
        return std::find_if(layers.begin(), layers.end(),
                            [&](const ProjectLayer &l) { return l.table == table; });
    };
    if (find(k_layer_supply) != layers.end()) {
        std::vector<ProjectLayer> legend;
        for (const char *table : {k_layer_allocated, k_layer_constraints, k_layer_zones}) {
            if (find(table) != layers.end()) {
                legend.push_back(*find(table));
            }
        }
        s << plan_layout_xml(plan, title, extent, *find(k_layer_supply), legend,
                             {layer_id, source, data.provider});
    }
    s << "</qgis>\n";
    return s.str();
}

ProjectSource gpkg_project_source(const std::string &gpkg_file_name) {
    return {"ogr", [gpkg_file_name](const std::string &table, bool) {
                return "./" + gpkg_file_name + "|layername=" + table;
            }};
}

} // namespace landalloc
