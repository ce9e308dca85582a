#include "render/symbols.h"

#include <QPainter>

#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "render/units.h"

namespace gridatlas::render {

namespace {

QColor withOpacity(QColor c, double opacity) {
    c.setAlphaF(static_cast<float>(c.alphaF() * opacity));
    return c;
}

QPainterPath starPath(double size) {
    QPainterPath p;
    const double outer = size / 2, inner = outer * 0.45;
    for (int i = 0; i < 10; ++i) {
        const double r = (i % 2) ? inner : outer;
        const double a = -M_PI / 2 + i * M_PI / 5;
        const QPointF pt(r * std::cos(a), r * std::sin(a) + size * 0.04);
        if (i == 0)
            p.moveTo(pt);
        else
            p.lineTo(pt);
    }
    p.closeSubpath();
    return p;
}

QPainterPath heartPath(double s) {
    // Two lobes and a point, fitting an s x s box centred on the anchor.
    QPainterPath p;
    const double h = s / 2;
    p.moveTo(0, h * 0.95);
    p.cubicTo(-h * 0.2, h * 0.7, -h * 1.0, h * 0.25, -h * 1.0, -h * 0.3);
    p.cubicTo(-h * 1.0, -h * 0.85, -h * 0.3, -h * 1.05, 0, -h * 0.55);
    p.cubicTo(h * 0.3, -h * 1.05, h * 1.0, -h * 0.85, h * 1.0, -h * 0.3);
    p.cubicTo(h * 1.0, h * 0.25, h * 0.2, h * 0.7, 0, h * 0.95);
    p.closeSubpath();
    return p;
}

} // namespace

QPainterPath markerPath(MarkerShape shape, double s) {
    QPainterPath p;
    const double h = s / 2;
    switch (shape) {
    case MarkerShape::Circle: p.addEllipse(QPointF(0, 0), h, h); break;
    case MarkerShape::Square: p.addRect(QRectF(-h, -h, s, s)); break;
    case MarkerShape::Triangle: {
        const double r = s * 0.58; // circumradius of an equilateral triangle of side ~s
        p.moveTo(0, -r);
        p.lineTo(r * std::cos(M_PI / 6), r * 0.5);
        p.lineTo(-r * std::cos(M_PI / 6), r * 0.5);
        p.closeSubpath();
        break;
    }
    case MarkerShape::Diamond:
        p.moveTo(0, -h);
        p.lineTo(h, 0);
        p.lineTo(0, h);
        p.lineTo(-h, 0);
        p.closeSubpath();
        break;
    case MarkerShape::Star: p = starPath(s); break;
    case MarkerShape::Cross: {
        const double a = s / 6; // half arm width
        p.moveTo(-a, -h);
        p.lineTo(a, -h);
        p.lineTo(a, -a);
        p.lineTo(h, -a);
        p.lineTo(h, a);
        p.lineTo(a, a);
        p.lineTo(a, h);
        p.lineTo(-a, h);
        p.lineTo(-a, a);
        p.lineTo(-h, a);
        p.lineTo(-h, -a);
        p.lineTo(-a, -a);
        p.closeSubpath();
        break;
    }
    case MarkerShape::Pin: {
        // A map pin whose tip is the anchor: head of radius 0.34 s centred 0.64 s above it.
        const double r = s * 0.34, cy = -s * 0.64;
        const double t = std::asin(r / -cy); // tangent angle from the tip
        p.moveTo(0, 0);
        const double ax = r * std::cos(t), ay = cy + r * std::sin(t);
        p.lineTo(-ax, ay);
        p.arcTo(QRectF(-r, cy - r, 2 * r, 2 * r), 180.0 + t * 180.0 / M_PI, -(180.0 + 2 * t * 180.0 / M_PI));
        p.lineTo(0, 0);
        p.closeSubpath();
        QPainterPath hole;
        hole.addEllipse(QPointF(0, cy), r * 0.4, r * 0.4);
        p = p.subtracted(hole);
        break;
    }
    case MarkerShape::Heart: p = heartPath(s); break;
    }
    return p;
}

QPen strokePen(const Symbol& s, double dpi, bool line) {
    if (s.strokeWidthMm <= 0 || s.stroke.alpha() == 0) return QPen(Qt::NoPen);
    const double w = mmToPx(s.strokeWidthMm, dpi);
    QPen pen(withOpacity(s.stroke, s.opacity), w);
    pen.setCapStyle(line ? Qt::RoundCap : Qt::SquareCap);
    pen.setJoinStyle(line ? Qt::RoundJoin : Qt::MiterJoin);
    // Dash lengths are millimetres on paper; Qt wants them in pen widths.
    auto units = [&](std::initializer_list<double> mm) {
        QList<qreal> out;
        for (double v : mm) out.append(std::max(0.05, v / s.strokeWidthMm));
        return out;
    };
    switch (s.strokeStyle) {
    case StrokeStyle::Solid: break;
    case StrokeStyle::Dash:
        pen.setCapStyle(Qt::FlatCap);
        pen.setDashPattern(units({2.4, 1.2}));
        break;
    case StrokeStyle::Dot:
        pen.setCapStyle(Qt::FlatCap);
        pen.setDashPattern(units({std::max(0.3, s.strokeWidthMm), 0.9}));
        break;
    case StrokeStyle::DashDot:
        pen.setCapStyle(Qt::FlatCap);
        pen.setDashPattern(units({3.0, 0.9, std::max(0.4, s.strokeWidthMm), 0.9}));
        break;
    }
    return pen;
}

QPen casingPen(const Symbol& s, double dpi) {
    if (s.casingWidthMm <= 0 || s.casing.alpha() == 0) return QPen(Qt::NoPen);
    QPen pen(withOpacity(s.casing, s.opacity), mmToPx(s.casingWidthMm, dpi));
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    return pen;
}

QBrush fillBrush(const Symbol& s) {
    if (s.fill.alpha() == 0) return QBrush(Qt::NoBrush);
    return QBrush(withOpacity(s.fill, s.opacity));
}

QRectF markerBounds(const Symbol& s, double dpi) {
    const QPen pen = strokePen(s, dpi, false);
    const double w = pen.style() == Qt::NoPen ? 0.0 : pen.widthF();
    return markerPath(s.marker, mmToPx(s.sizeMm, dpi)).boundingRect().adjusted(-w / 2, -w / 2, w / 2, w / 2);
}

void drawMarker(QPainter& painter, const Symbol& s, QPointF at, double dpi) {
    QPainterPath path = markerPath(s.marker, mmToPx(s.sizeMm, dpi));
    path.translate(at);
    painter.setPen(strokePen(s, dpi, false));
    painter.setBrush(fillBrush(s));
    painter.drawPath(path);
}

MarkerSprite::MarkerSprite(const Symbol& s, double dpi, bool antialias) {
    const QRectF b = markerBounds(s, dpi);
    // Whole-pixel image with the anchor at a pixel centre, so snapping keeps the symbol centred.
    const int left = static_cast<int>(std::floor(b.left())) - 1;
    const int top = static_cast<int>(std::floor(b.top())) - 1;
    const int right = static_cast<int>(std::ceil(b.right())) + 1;
    const int bottom = static_cast<int>(std::ceil(b.bottom())) + 1;
    m_image = QImage(right - left + 1, bottom - top + 1, QImage::Format_ARGB32_Premultiplied);
    m_image.fill(Qt::transparent);
    m_offset = QPointF(left, top);
    QPainter p(&m_image);
    p.setRenderHint(QPainter::Antialiasing, antialias);
    drawMarker(p, s, QPointF(-left + 0.5, -top + 0.5), dpi);
}

void MarkerSprite::draw(QPainter& painter, QPointF at) const {
    const double x = std::floor(at.x()) + m_offset.x();
    const double y = std::floor(at.y()) + m_offset.y();
    painter.drawImage(QPointF(x, y), m_image);
}

bool RoundLineBatch::eligible(const QPen& pen, double opacity) {
    return pen.style() == Qt::SolidLine && pen.capStyle() == Qt::RoundCap && pen.color().alpha() == 255 && opacity >= 1.0 &&
           pen.brush().style() == Qt::SolidPattern && pen.widthF() >= 1.0;
}

namespace {

/// A disc of a pen's width and colour, centred at (centre + quarter-pixel offset) of its image.
struct Disc {
    QImage image;
    int centre = 0; ///< the whole-pixel centre: the image's top-left is the vertex's pixel minus this
};

struct DiscKey {
    QRgb color;
    std::int64_t widthQ; ///< width in 1/1024 px
    int frac;            ///< quarter-pixel offset: 4 * fx + fy
    bool antialias;
    bool operator==(const DiscKey&) const = default;
};

struct DiscKeyHash {
    std::size_t operator()(const DiscKey& k) const noexcept {
        return std::hash<std::int64_t>{}(k.widthQ * 131 + k.frac * 2 + (k.antialias ? 1 : 0)) ^ (std::size_t{k.color} * 0x9e3779b97f4a7c15ull);
    }
};

const Disc& discFor(const QPen& pen, int fx, int fy, bool antialias) {
    // Kept per thread across frames like the label halos: a frame uses a few pens.
    thread_local std::unordered_map<DiscKey, Disc, DiscKeyHash> discs;
    const DiscKey key{pen.color().rgba(), std::llround(pen.widthF() * 1024), fx * 4 + fy, antialias};
    auto it = discs.find(key);
    if (it != discs.end()) return it->second;
    if (discs.size() >= 4096) discs.clear(); // a bound, not an LRU
    Disc d;
    const double r = pen.widthF() / 2;
    d.centre = static_cast<int>(std::ceil(r)) + 1;
    const int size = 2 * d.centre + 2;
    d.image = QImage(size, size, QImage::Format_ARGB32_Premultiplied);
    d.image.fill(Qt::transparent);
    QPainter p(&d.image);
    p.setRenderHint(QPainter::Antialiasing, antialias);
    p.setPen(Qt::NoPen);
    p.setBrush(pen.color());
    p.drawEllipse(QPointF(d.centre + fx / 4.0, d.centre + fy / 4.0), r, r);
    p.end();
    return discs.emplace(key, std::move(d)).first->second;
}

} // namespace

void RoundLineBatch::draw(QPainter& painter, const QPen& pen, const std::vector<QLineF>& lines, bool antialias) {
    if (lines.empty()) return;
    painter.setBrush(Qt::NoBrush);
    const QTransform world = painter.worldTransform();
    // Scaled or rotated, the discs would not match; aliased, the two rasterizers disagree on
    // edge pixels (image tests draw aliased and compare exactly): Qt's strokes then.
    if (world.type() > QTransform::TxTranslate || !antialias) {
        painter.setPen(pen);
        for (const auto& l : lines) painter.drawLine(l);
        return;
    }
    QPen flat = pen;
    flat.setCapStyle(Qt::FlatCap);
    painter.setPen(flat);
    painter.drawLines(lines.data(), static_cast<int>(lines.size()));
    // The caps and joins: one disc per vertex place (a shared endpoint blended twice would show
    // a darker rim), snapped to quarter pixels like the images.
    std::unordered_set<std::int64_t> done;
    done.reserve(lines.size() * 2);
    painter.setWorldTransform(QTransform());
    auto blit = [&](QPointF at) {
        const QPointF d = world.map(at);
        const auto qx = static_cast<std::int64_t>(std::llround(d.x() * 4)), qy = static_cast<std::int64_t>(std::llround(d.y() * 4));
        if (!done.insert((qx << 32) ^ (qy & 0xffffffff)).second) return;
        const std::int64_t px = qx >> 2, py = qy >> 2; // floor for negatives too (arithmetic shift)
        const Disc& disc = discFor(pen, static_cast<int>(qx - px * 4), static_cast<int>(qy - py * 4), antialias);
        painter.drawImage(QPointF(static_cast<double>(px - disc.centre), static_cast<double>(py - disc.centre)), disc.image);
    };
    for (const auto& l : lines) {
        blit(l.p1());
        blit(l.p2());
    }
    painter.setWorldTransform(world);
}

} // namespace gridatlas::render
