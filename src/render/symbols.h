#pragma once
// Symbol drawing shared by the map, the legend and the sprite cache: marker shapes, pens and
// brushes from a Symbol, in device pixels at a dpi.
#include <QBrush>
#include <QImage>
#include <QLineF>
#include <QPainterPath>
#include <QPen>
#include <QPointF>

#include <vector>

#include "render/style.h"

class QPainter;

namespace gridatlas::render {

/// The marker outline, anchored at (0, 0): the centre, or the tip for a pin.
QPainterPath markerPath(MarkerShape shape, double sizePx);
/// The pen of a symbol's stroke (Qt::NoPen when it has none); `line` picks round caps and joins.
QPen strokePen(const Symbol& s, double dpi, bool line);
/// The pen of a line symbol's casing (Qt::NoPen when it has none).
QPen casingPen(const Symbol& s, double dpi);
QBrush fillBrush(const Symbol& s);
/// The device-pixel box a marker covers around its anchor, stroke included.
QRectF markerBounds(const Symbol& s, double dpi);

/// Draws one marker as vector paths (PDF, SVG, legend).
void drawMarker(QPainter& painter, const Symbol& s, QPointF at, double dpi);

/// Markers pre-rendered into small images, so a million points cost a million blits and no
/// path filling. Only for raster devices; vector outputs draw paths.
class MarkerSprite {
public:
    MarkerSprite() = default;
    MarkerSprite(const Symbol& s, double dpi, bool antialias);
    /// Draws at `at` (device pixels), snapped to whole pixels for crisp output.
    void draw(QPainter& painter, QPointF at) const;
    [[nodiscard]] bool isNull() const { return m_image.isNull(); }

private:
    QImage m_image;
    QPointF m_offset; ///< the image's top-left relative to the anchor
};

/// Wide round-capped lines on raster devices, drawn fast: Qt strokes a round-capped pen
/// through its general path stroker (curves flattened and filled per line, ~5 µs a short
/// street segment), but a flat-capped solid pen through a dedicated line rasterizer. So the
/// lines go flat-capped in one drawLines() call and the round caps and joins are discs blitted
/// at the vertices (each place once), from images made once per pen and quarter-pixel offset.
/// Same coverage as the round-capped stroke for opaque pens; translucent pens (where body and
/// disc would blend twice) are not eligible.
class RoundLineBatch {
public:
    /// Whether `pen` at the painter's `opacity` can be drawn this way.
    static bool eligible(const QPen& pen, double opacity);
    /// Draws lines[i] = (a, b) pairs with `pen` (solid, opaque, round cap) on a raster painter;
    /// aliased or under a scaling transform, as Qt's round-capped strokes (no gain there).
    static void draw(QPainter& painter, const QPen& pen, const std::vector<QLineF>& lines, bool antialias);
};

} // namespace gridatlas::render
