#pragma once
// Scale bars and nice scales for printed charts.
#include <QPointF>
#include <QRectF>
#include <QString>

class QPainter;
class QPaintDevice;

namespace gridatlas::render {

/// A scale bar: a round ground length, its length on paper and its divisions.
struct ScaleBar {
    double lengthM = 0.0;  ///< 10, 20, 25, 50, 100, 200, 250, 500, 1000 ... metres
    double lengthMm = 0.0; ///< on paper at the chart's scale: lengthM * 1000 / scale
    int segments = 4;
};

/// The longest nice length (1, 2, 2.5 or 5 x 10^k metres, at least 1 m) whose bar is at most
/// `maxLengthMm` long at 1:`scaleDenominator`.
ScaleBar niceScaleBar(double scaleDenominator, double maxLengthMm);

/// The smallest nice scale denominator (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8 x 10^k) that is
/// at least `minimum`, so a printed chart reads "1:2000", not "1:1873".
double niceScaleDenominator(double minimum);

/// "1:2,000".
QString formatScale(double denominator);

/// Draws the bar with its lower-left corner at `bottomLeft` (device pixels at `dpi`); returns the
/// box it covers. `textScale` scales its text with the page.
QRectF drawScaleBar(QPainter& painter, const ScaleBar& bar, QPointF bottomLeft, double dpi, double textScale);

} // namespace gridatlas::render
