#include "render/scale_bar.h"

#include <QLocale>
#include <QPainter>

#include <cmath>

#include "render/text_face.h"
#include "render/units.h"

namespace gridatlas::render {

ScaleBar niceScaleBar(double scaleDenominator, double maxLengthMm) {
    ScaleBar bar;
    const double maxMetres = maxLengthMm / 1000.0 * scaleDenominator;
    double best = 1.0;
    int bestSegments = 4;
    for (double decade = 1.0; decade <= 1e7; decade *= 10.0) {
        for (auto [m, segs] : {std::pair{1.0, 4}, std::pair{2.0, 4}, std::pair{2.5, 5}, std::pair{5.0, 5}}) {
            const double len = m * decade;
            if (len <= maxMetres * (1 + 1e-9)) {
                best = len;
                bestSegments = segs;
            }
        }
    }
    bar.lengthM = best;
    bar.segments = bestSegments;
    bar.lengthMm = best * 1000.0 / scaleDenominator;
    return bar;
}

double niceScaleDenominator(double minimum) {
    if (!(minimum > 0)) return 1.0;
    const double decade = std::pow(10.0, std::floor(std::log10(minimum)));
    for (double m : {1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 8.0, 10.0}) {
        const double v = m * decade;
        if (v >= minimum * (1 - 1e-9)) return v;
    }
    return 10.0 * decade;
}

QString formatScale(double denominator) {
    return QStringLiteral("1:") + QLocale(QLocale::English).toString(static_cast<qlonglong>(std::llround(denominator)));
}

QRectF drawScaleBar(QPainter& painter, const ScaleBar& bar, QPointF bottomLeft, double dpi, double textScale) {
    const bool km = bar.lengthM >= 2000.0;
    const double unit = km ? 1000.0 : 1.0;
    const QString unitText = km ? QStringLiteral(" 千米") : QStringLiteral(" 米");
    const TextFace fm(7.5 * textScale, false, dpi, painter.device());
    const double barH = mmToPx(1.6 * textScale, dpi);
    const double len = mmToPx(bar.lengthMm, dpi);
    const double gap = mmToPx(0.8 * textScale, dpi);
    const double top = bottomLeft.y() - barH;
    painter.save();
    const bool antialias = painter.testRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::Antialiasing, false); // crisp bar edges on raster output
    const double seg = len / bar.segments;
    QPen outline(QColor(0x22, 0x22, 0x22), std::max(1.0, mmToPx(0.2, dpi)));
    outline.setJoinStyle(Qt::MiterJoin);
    painter.setPen(outline);
    for (int i = 0; i < bar.segments; ++i) {
        painter.setBrush(i % 2 == 0 ? QColor(0x22, 0x22, 0x22) : QColor(255, 255, 255));
        painter.drawRect(QRectF(bottomLeft.x() + i * seg, top, seg, barH));
    }
    painter.setRenderHint(QPainter::Antialiasing, antialias);
    QRectF covered(bottomLeft.x(), top, len, barH);
    auto number = [&](double metres) {
        const double v = metres / unit;
        return std::fabs(v - std::round(v)) < 1e-9 ? QString::number(static_cast<long long>(std::llround(v))) : QString::number(v, 'g', 4);
    };
    for (int i = 0; i <= bar.segments; ++i) {
        // Label the ends and every other division so the numbers never collide.
        if (i != 0 && i != bar.segments && (bar.segments % 2 != 0 || i % 2 != 0)) continue;
        const QString text = number(bar.lengthM * i / bar.segments);
        const double w = fm.advance(text);
        const QPointF at(bottomLeft.x() + i * seg - w / 2, top - gap - fm.descent());
        painter.setPen(QColor(0x22, 0x22, 0x22));
        fm.draw(painter, at, text);
        covered |= QRectF(at.x(), at.y() - fm.ascent(), w, fm.height());
        if (i == bar.segments) {
            fm.draw(painter, QPointF(at.x() + w, at.y()), unitText);
            covered |= QRectF(at.x() + w, at.y() - fm.ascent(), fm.advance(unitText), fm.height());
        }
    }
    painter.restore();
    return covered;
}

} // namespace gridatlas::render
