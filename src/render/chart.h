#pragma once
// Printed charts (党员居住平面图 and its variants): a full page composed around one map: title
// and subtitle from the map document, the map frame at a round scale, a legend generated from
// the styles used, scale bar, north arrow, and a footer with the atlas name, the date and the
// masking note.
#include <QDate>
#include <QRectF>
#include <QSize>
#include <QSizeF>
#include <QString>

#include <optional>
#include <vector>

#include "model/feature.h"
#include "model/support/feedback.h"
#include "render/legend.h"
#include "render/map_document.h"
#include "render/map_renderer.h"
#include "render/map_settings.h"
#include "render/scale_bar.h"

class QPainter;

namespace gridatlas::render {

struct ChartOptions {
    std::optional<PageSize> page;               ///< default: the document's, else A3
    std::optional<PageOrientation> orientation; ///< default: the document's, else landscape
    std::optional<double> dpi;                  ///< raster resolution; default: the document's, else 150
    bool reveal = false;                        ///< print sensitive fields unmasked (the footer says so)
    QDate date;                                 ///< footer date; invalid = today
    bool antialiasing = true;
    bool allowLayerErrors = false;              ///< false: a failed layer fails the chart
    model::RasterOpener rasterOpener = nullptr; ///< reads raster layers (storage::openGdalRaster)
};

/// A page: its paper size and the device resolution it is drawn at.
struct ChartPage {
    PageSize size = PageSize::A3;
    PageOrientation orientation = PageOrientation::Landscape;
    double dpi = 150.0;
    [[nodiscard]] QSizeF sizeMm() const;
    [[nodiscard]] QSize sizePx() const;
};

/// The page a document and options ask for.
ChartPage resolvePage(const MapDocument& doc, const ChartOptions& options);

struct ChartResult {
    ChartPage page;
    RenderResult map;
    QRectF mapFrameMm;           ///< where the map is on the page
    MapSettings settings;        ///< what the map frame drew
    double scaleDenominator = 0; ///< the printed scale
    ScaleBar scaleBar;
    QRectF scaleBarMm;           ///< the bar itself (segments), on the page
    QString title;
    QString subtitle;
    std::vector<LegendGroup> legend;
};

/// Paints the chart on `painter`, whose device is page.sizePx() pixels at page.dpi (an image, a
/// PDF page or an SVG canvas). Throws RenderError when the map's extent is empty, and
/// CancelledError; layer errors are in ChartResult::map.errors.
ChartResult renderChart(const MapDocument& doc, model::SourceProvider& provider, QPainter& painter, const ChartPage& page,
                        const ChartOptions& options, Feedback* feedback = nullptr);

/// Draws a north arrow ("北" over a split arrowhead) centred horizontally at `topCentre` (device
/// pixels at `dpi`); `textScale` scales it with the page. Returns the box it covers.
QRectF drawNorthArrow(QPainter& painter, QPointF topCentre, double dpi, double textScale);

/// The footer's masking note: "个人信息已脱敏", or the warning that the page holds unmasked data.
QString maskingNote(bool reveal);

/// Expands {layer.count}, {layer.sum:field} and {layer.values:field} over the features in `extent`.
QString expandTitle(const TitleTemplate& t, model::SourceProvider& provider, const model::Rect& extent);

} // namespace gridatlas::render
