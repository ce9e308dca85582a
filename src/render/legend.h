#pragma once
// The chart legend, generated from the styles a map actually used: one group per layer (top
// layer first), one row per class that drew features (graduated ranges: every range), plus
// sample badges of labels that ask for a legend row.
#include <QRectF>
#include <QSizeF>
#include <QString>

#include <vector>

#include "render/map_renderer.h"
#include "render/map_settings.h"
#include "render/style.h"

class QPainter;
class QPaintDevice;

namespace gridatlas::render {

struct LegendRow {
    QString text;
    GeometryKind geometry = GeometryKind::Polygon;
    Symbol symbol;
    const LabelStyle* label = nullptr; ///< set for a label sample row
    QString sample;                   ///< the sample text of a label row
    bool exactSize = false;           ///< a marker whose size means something (aggregate circles): not clamped
    std::vector<RampStop> ramp;       ///< a heatmap's colour ramp, drawn as a bar (low left, high right)
};

struct LegendGroup {
    QString title;
    std::vector<LegendRow> rows;
};

/// The legend of a rendered map: layers with legend on, in scale, that drew something.
std::vector<LegendGroup> buildLegend(const MapSettings& settings, const std::vector<LayerStats>& layers);

/// Lays legend rows out in columns of at most `maxHeightPx`; `textScale` scales the text with
/// the page. The same layout is used to measure and to draw.
class LegendLayout {
public:
    LegendLayout(const std::vector<LegendGroup>& groups, double maxHeightPx, double dpi, const QPaintDevice* device,
                 double textScale);
    /// Size of the legend's content (heading included).
    [[nodiscard]] QSizeF size() const { return m_size; }
    /// Draws the legend with its content's top-left at `topLeft`.
    void draw(QPainter& painter, QPointF topLeft) const;

private:
    struct Item {
        enum class Kind { Heading, GroupTitle, Row } kind;
        const LegendGroup* group;
        const LegendRow* row;
        QPointF pos; ///< top-left relative to the content's top-left
        double height;
    };
    std::vector<Item> m_items;
    QSizeF m_size;
    double m_dpi;
    double m_textScale;
    double m_columnWidth = 0.0;
    double m_swatchW = 0.0;
    double m_swatchH = 0.0;
};

} // namespace gridatlas::render
