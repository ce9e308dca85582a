// RoundLineBatch: round-capped lines drawn flat-capped in one call plus discs at the vertices
// must look like Qt's own round-capped strokes (the street layers at neighbourhood scale).
#include <gtest/gtest.h>

#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "render/symbols.h"

namespace gridatlas::render {
namespace {

struct Diff {
    int covered = 0;    ///< pixels either image changed from the background
    int mismatched = 0; ///< pixels differing by more than the tolerance in a channel
    int maxDelta = 0;
};

Diff compare(const QImage& a, const QImage& b, QRgb background, int tolerance) {
    Diff d;
    for (int y = 0; y < a.height(); ++y) {
        const auto* ra = reinterpret_cast<const QRgb*>(a.constScanLine(y));
        const auto* rb = reinterpret_cast<const QRgb*>(b.constScanLine(y));
        for (int x = 0; x < a.width(); ++x) {
            if (ra[x] != background || rb[x] != background) ++d.covered;
            const int delta = std::max({std::abs(qRed(ra[x]) - qRed(rb[x])), std::abs(qGreen(ra[x]) - qGreen(rb[x])),
                                        std::abs(qBlue(ra[x]) - qBlue(rb[x]))});
            d.maxDelta = std::max(d.maxDelta, delta);
            if (delta > tolerance) ++d.mismatched;
        }
    }
    return d;
}

/// A street-like network: a zigzag of segments sharing their ends, a crossing, lone segments
/// at odd sub-pixel places, a very short one and a point-like one.
std::vector<QLineF> network() {
    std::vector<QLineF> lines;
    QPointF prev(20.3, 30.7);
    for (int i = 1; i < 9; ++i) {
        const QPointF next(20.3 + i * 27.25, 30.7 + (i % 2 ? 41.6 : 0.0));
        lines.emplace_back(prev, next);
        prev = next;
    }
    lines.emplace_back(QPointF(15.5, 120.5), QPointF(250.5, 120.5));
    lines.emplace_back(QPointF(130.1, 95.9), QPointF(131.4, 180.2));
    lines.emplace_back(QPointF(40.6, 160.35), QPointF(95.15, 150.8));
    lines.emplace_back(QPointF(200.0, 170.0), QPointF(203.0, 171.0));
    lines.emplace_back(QPointF(230.4, 160.4), QPointF(230.4, 160.4));
    return lines;
}

QImage canvas() {
    QImage image(280, 200, QImage::Format_ARGB32_Premultiplied);
    image.fill(QColor(247, 245, 240));
    return image;
}

QImage reference(const QPen& pen, const std::vector<QLineF>& lines, bool antialias, const QTransform& world = {}) {
    QImage image = canvas();
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing, antialias);
    p.setWorldTransform(world);
    p.setPen(pen);
    for (const auto& l : lines) p.drawLine(l);
    return image;
}

QImage batched(const QPen& pen, const std::vector<QLineF>& lines, bool antialias, const QTransform& world = {}) {
    QImage image = canvas();
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing, antialias);
    p.setWorldTransform(world);
    RoundLineBatch::draw(p, pen, lines, antialias);
    return image;
}

QPen roundPen(QColor c, double width) {
    QPen pen(c, width);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    return pen;
}

TEST(RoundLineBatch, LooksLikeQtsRoundCappedStrokes) {
    const QRgb background = QColor(247, 245, 240).rgba();
    // The street widths of the demo styles at 96 dpi: casings and lines of 1 to 3 mm.
    for (const double width : {2.65, 3.78, 5.67, 7.37, 9.07, 11.34}) {
        const QPen pen = roundPen(QColor(181, 159, 123), width);
        ASSERT_TRUE(RoundLineBatch::eligible(pen, 1.0));
        SCOPED_TRACE(::testing::Message() << "width " << width);
        const Diff d = compare(reference(pen, network(), true), batched(pen, network(), true), background, 48);
        EXPECT_GT(d.covered, 1000);
        // Edge pixels may differ a little (two rasterizers); no cap may be missing or extra.
        EXPECT_LE(d.mismatched, d.covered / 100) << "max delta " << d.maxDelta;
        // Aliased (the image tests), Qt's strokes are drawn: the same pixels.
        const Diff aliased = compare(reference(pen, network(), false), batched(pen, network(), false), background, 0);
        EXPECT_EQ(aliased.mismatched, 0);
    }
}

TEST(RoundLineBatch, MissingCapsWouldShow) {
    // The comparison above can fail: flat caps alone (what the batch draws before its discs)
    // differ from round ones by far more than it allows.
    const QRgb background = QColor(247, 245, 240).rgba();
    const QPen pen = roundPen(QColor(181, 159, 123), 9.07);
    QPen flat = pen;
    flat.setCapStyle(Qt::FlatCap);
    const Diff d = compare(reference(pen, network(), true), reference(flat, network(), true), background, 48);
    EXPECT_GT(d.mismatched, d.covered / 100);
}

TEST(RoundLineBatch, TranslatedPainterKeepsItsPlace) {
    const QRgb background = QColor(247, 245, 240).rgba();
    const QPen pen = roundPen(Qt::black, 5.67);
    const QTransform shift = QTransform::fromTranslate(-7.3, 5.6);
    const Diff d = compare(reference(pen, network(), true, shift), batched(pen, network(), true, shift), background, 48);
    EXPECT_LE(d.mismatched, d.covered / 100);
}

TEST(RoundLineBatch, ScaledPainterFallsBackToStrokes) {
    const QRgb background = QColor(247, 245, 240).rgba();
    const QPen pen = roundPen(Qt::black, 3.0);
    const QTransform zoom = QTransform::fromScale(1.7, 1.7);
    const Diff d = compare(reference(pen, network(), true, zoom), batched(pen, network(), true, zoom), background, 0);
    EXPECT_EQ(d.mismatched, 0);
}

TEST(RoundLineBatch, OnlyOpaqueSolidRoundPens) {
    EXPECT_TRUE(RoundLineBatch::eligible(roundPen(Qt::black, 4.0), 1.0));
    EXPECT_FALSE(RoundLineBatch::eligible(roundPen(Qt::black, 4.0), 0.8)) << "layer opacity: body and disc would blend twice";
    EXPECT_FALSE(RoundLineBatch::eligible(roundPen(QColor(0, 0, 0, 200), 4.0), 1.0));
    QPen dashed = roundPen(Qt::black, 4.0);
    dashed.setStyle(Qt::DashLine);
    EXPECT_FALSE(RoundLineBatch::eligible(dashed, 1.0));
    QPen flat = roundPen(Qt::black, 4.0);
    flat.setCapStyle(Qt::FlatCap);
    EXPECT_FALSE(RoundLineBatch::eligible(flat, 1.0));
    EXPECT_FALSE(RoundLineBatch::eligible(roundPen(Qt::black, 0.5), 1.0));
}

} // namespace
} // namespace gridatlas::render
