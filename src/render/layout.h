#pragma once
// Print layouts (版式模板): a page of items placed in millimetres — map frames, titles with
// fields, legend, scale bar, north arrow, overview inset, statistics tables, bar charts,
// images, building tables with floor plans and a footer — read from a layout template
// (maps/*.json with a top-level "layout" key; format: docs/layouts.md) and drawn for one atlas
// feature (a community, a grid, a building) at a time.
//
// Render sees no storage: the page's texts, tables and feature come in a LayoutPageData that the
// caller fills (io/layout_pages.h fills it from an atlas), already masked as the caller decided.
// The map frames read the atlas through the SourceProvider like every map.
#include <QColor>
#include <QDate>
#include <QRectF>
#include <QSizeF>
#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/feature.h"
#include "model/geometry.h"
#include "model/json.h"
#include "model/support/feedback.h"
#include "render/floor_plan_chart.h"
#include "render/legend.h"
#include "render/map_document.h"
#include "render/map_renderer.h"
#include "render/scale_bar.h"

class QPainter;

namespace gridatlas::render {

/// What one page of a batch is about.
enum class LayoutEach : std::uint8_t { Atlas, Community, Grid, Building };
/// "atlas", "community", "grid", "building".
const char* layoutEachName(LayoutEach each);
/// Parses an --each value; throws InputError listing the choices.
LayoutEach parseLayoutEach(const std::string& text);

enum class LayoutItemKind : std::uint8_t {
    Map,        ///< a map document drawn in a frame
    Text,       ///< title, subtitle, any text with {fields}
    Legend,     ///< generated from the layers a map frame drew
    ScaleBar,   ///< of a map frame, round length in metres
    NorthArrow, ///< 指北针
    Overview,   ///< a small map of the whole area with a map frame's extent marked
    Table,      ///< a statistics table (grids, buildings, staff, households, gaps)
    BarChart,   ///< bars of a table's numeric columns, drawn with QPainter
    Image,      ///< a logo (PNG/JPEG/SVG file)
    Footer,     ///< source, date and the masking note
    FloorPlans, ///< the building table (楼盘表) and drawn floors of the page's building
    Box,        ///< a filled or outlined rectangle (panels, rules)
};
const char* layoutItemKindName(LayoutItemKind kind);

struct LayoutItem {
    LayoutItemKind kind = LayoutItemKind::Box;
    std::string id;  ///< optional; map frames are referred to by it
    QRectF rectMm;   ///< on the designed page, from its top-left corner
    int line = 0;    ///< where the item starts in the template

    // Map and overview.
    std::shared_ptr<const MapDocument> map;
    enum class Extent : std::uint8_t { Feature, Document, Fixed } extent = Extent::Feature;
    model::Rect fixedExtent;
    double extentMargin = 0.08;  ///< around the feature, as a fraction of its larger side
    std::optional<double> scale; ///< fixed scale denominator; else the nicest that fits
    bool highlight = true;       ///< dim outside the page's feature and outline it
    // Legend, scale bar, overview: the map frame they belong to (the first map when empty).
    std::string mapRef;

    // Text, tables, charts.
    std::string text;
    double fontPt = 10.0;
    bool bold = false;
    enum class Align : std::uint8_t { Left, Centre, Right } align = Align::Left;
    QColor color{0x22, 0x22, 0x22};
    QColor fill{0, 0, 0, 0};
    QColor stroke{0, 0, 0, 0};
    double strokeMm = 0.3;
    std::string table;                  ///< grids | buildings | staff | households | gaps
    std::vector<std::string> columns;   ///< column keys of the table
    std::vector<std::string> headings;  ///< parallel to columns; default: the key's Chinese heading
    std::string title;                  ///< table / chart caption (may hold {fields})
    std::string labelColumn;            ///< bar chart: the bars' names
    std::vector<std::string> values;    ///< bar chart: numeric columns, one series each (at most 3)
    int blocks = 0;                     ///< table: side-by-side blocks when rows overflow (0 = auto)

    // Image.
    std::string file;     ///< as written
    std::string filePath; ///< resolved against the template's folder
};

struct Layout {
    std::string path; ///< as given, for messages
    std::string name; ///< the template's display name
    std::string description;
    std::string pageName; ///< "A4", "A3", ... or "custom"
    QSizeF pageMm;        ///< the designed page (orientation applied)
    double dpi = 150.0;   ///< PNG default
    double marginMm = 10.0;
    LayoutEach each = LayoutEach::Grid; ///< the default --each
    std::string coveragePostType;       ///< the post type coverage % and gaps are computed for ("" = none)
    std::vector<LayoutItem> items;

    [[nodiscard]] const LayoutItem* findMap(const std::string& id) const;
    /// The tables any item reads (what the caller must fill).
    [[nodiscard]] std::vector<std::string> tablesUsed() const;
    /// The {fields} any text uses.
    [[nodiscard]] std::vector<std::string> fieldsUsed() const;
};

/// Named page sizes in mm (portrait): A4, A3, A2, A1, A0.
std::optional<QSizeF> namedPageSizeMm(const std::string& name);

/// True when the JSON file is a layout template (a top-level "layout" key), not a map document.
bool isLayoutFile(const std::string& path);
/// Reads a layout template; map documents and images resolve against its folder (then ../maps).
/// Throws InputError "<file>, line N: ..." for any unknown key, bad value, unknown field,
/// table or column.
Layout loadLayout(const std::string& path);
/// The same from parsed JSON; `path` names the template in messages and is where relative map
/// documents and images are looked for.
Layout parseLayout(const model::JsonValue& json, const std::string& path);

/// The fields a text may use: {atlas}, {community}, {street_office}, {grid}, {grid_code},
/// {building}, {date}, {page}, {pages}, counts ({households}, {residents}, {members},
/// {member_households}, {vulnerable}, {buildings}, {grids}, {posts}, {coverage}) and the grid's
/// staff ({manager}, {manager_phone}, {supervisor}, ...).
const std::vector<std::string>& layoutFieldNames();
/// The tables and their columns a layout may use.
const std::map<std::string, std::vector<std::string>>& layoutTableColumns();
/// The Chinese heading of a table column.
QString layoutColumnHeading(const std::string& column);

/// One table of a page: rows of text cells in the order of `columns`.
struct LayoutTable {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
    [[nodiscard]] int columnIndex(const std::string& key) const;
};

/// Everything a page shows besides the maps; texts are already masked as the caller decided.
struct LayoutPageData {
    std::string name;                            ///< for file names ("G001", "3栋")
    std::map<std::string, std::string> fields;   ///< {field} values
    std::optional<model::Rect> featureExtent;    ///< the feature the map frames follow
    model::Geometry featureGeometry;             ///< outlined and kept bright on the map
    model::Rect overviewExtent;                  ///< the overview inset's area (empty: the document's)
    std::map<std::string, LayoutTable> tables;
    std::optional<FloorPlanChartData> floorPlan; ///< for floor_plans items
};

struct LayoutOptions {
    std::optional<std::string> pageName;    ///< another paper size: the layout is scaled to it
    std::optional<bool> landscape;          ///< with pageName: the orientation
    std::optional<double> dpi;              ///< PNG resolution
    bool reveal = false;                    ///< personal data unmasked: the footer says so
    QDate date;                             ///< footer date; invalid = today
    bool antialiasing = true;
    bool allowLayerErrors = false;
    model::RasterOpener rasterOpener = nullptr;
};

/// The printed page: size, the scale of the designed layout on it, resolution.
struct LayoutPage {
    QSizeF sizeMm;
    double scale = 1.0; ///< printed mm per designed mm
    QPointF offsetMm;   ///< where the designed page's top-left lands (centred)
    double dpi = 150.0;
    [[nodiscard]] QSize sizePx() const;
};
LayoutPage resolveLayoutPage(const Layout& layout, const LayoutOptions& options);

/// What a map frame drew.
struct LayoutMapResult {
    std::string id;
    QRectF frameMm;
    double scaleDenominator = 0;
    RenderResult map;
    std::vector<LegendGroup> legend;
};

struct LayoutPageResult {
    std::vector<LayoutMapResult> maps;
    std::vector<QRectF> itemRectsMm; ///< parallel to layout.items, on the printed page
    ScaleBar scaleBar;               ///< the first scale bar's
    QRectF scaleBarMm;               ///< its segments, on the printed page
    double scaleBarDenominator = 0;
    QString title;                   ///< the first text item, expanded
    std::vector<LayerError> errors;
};

/// Expands {field} in `text` from the page's fields (unknown: left as written).
QString expandLayoutText(const std::string& text, const LayoutPageData& data);

/// Paints one page on `painter`, whose device is page.sizePx() at page.dpi (a banded PNG paints
/// the page once per band with the painter translated and clipped). Layer errors are in the
/// result; throws CancelledError.
LayoutPageResult paintLayoutPage(const Layout& layout, const LayoutPageData& data, model::SourceProvider& provider,
                                 QPainter& painter, const LayoutPage& page, const LayoutOptions& options,
                                 Feedback* feedback = nullptr);

} // namespace gridatlas::render
