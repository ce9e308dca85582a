#include "render/text_face.h"

#include <QImage>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "render/fonts.h"
#include "render/units.h"

namespace gridatlas::render {

namespace {

QFont pixelFont(double px, bool bold) {
    QFont font(QString::fromLatin1(kFontFamily));
    font.setStyleStrategy(QFont::NoFontMerging);
    font.setHintingPreference(QFont::PreferNoHinting);
    font.setBold(bold);
    font.setPixelSize(std::max(1, static_cast<int>(std::ceil(px))));
    return font;
}

} // namespace

TextFace::TextFace(double pt, bool bold, double dpi, const QPaintDevice* device)
    : m_font(pixelFont(ptToPx(pt, dpi), bold)),
      m_scale(ptToPx(pt, dpi) / m_font.pixelSize()),
      m_em(ptToPx(pt, dpi)),
      m_fm(m_font, device) {}

void TextFace::draw(QPainter& painter, QPointF origin, const QString& text) const {
    painter.save();
    painter.translate(origin);
    if (m_scale != 1.0) painter.scale(m_scale, m_scale);
    painter.setFont(m_font);
    painter.drawText(QPointF(0, 0), text);
    painter.restore();
}

void TextFace::drawHalo(QPainter& painter, QPointF origin, const QString& text, const QColor& color, double radiusPx) const {
    if (radiusPx <= 0 || color.alpha() == 0 || text.isEmpty()) return;
    const bool raster = painter.paintEngine() && painter.paintEngine()->type() == QPaintEngine::Raster;
    if (!raster) {
        // Vector output: an outline path, so the halo scales with the page like the text.
        QPainterPath path;
        path.addText(QPointF(0, 0), m_font, text);
        painter.save();
        painter.translate(origin);
        if (m_scale != 1.0) painter.scale(m_scale, m_scale);
        // Qt's PDF engine strokes only opaque pens natively; a translucent one is turned into
        // its outline by QStroker (10x the path data of a CJK label, most of a layout page's
        // size and time). Vector halos are therefore opaque, the colour as it looks on paper.
        QColor solid = color;
        if (solid.alpha() < 255) {
            const double a = solid.alphaF();
            solid = QColor::fromRgbF(static_cast<float>(solid.redF() * a + (1 - a)), static_cast<float>(solid.greenF() * a + (1 - a)),
                                     static_cast<float>(solid.blueF() * a + (1 - a)));
        }
        QPen pen(solid, 2 * radiusPx / m_scale);
        pen.setJoinStyle(Qt::RoundJoin);
        painter.strokePath(path, pen);
        painter.restore();
        return;
    }
    blit(painter, origin, HaloKey{m_font.pixelSize(), m_font.bold(), m_scale, text, 0, radiusPx, color.rgba(), 0, 0, false, false});
}

void TextFace::drawWithHalo(QPainter& painter, QPointF origin, const QString& text, const QColor& color, const QColor& halo,
                            double haloRadiusPx) const {
    // The text itself is always drawn directly: Qt blends glyph coverage gamma-corrected onto
    // what lies below, which a cached image of the text (blended linearly) would not match.
    drawHalo(painter, origin, text, halo, haloRadiusPx);
    painter.setPen(color);
    draw(painter, origin, text);
}

void TextFace::blit(QPainter& painter, QPointF origin, HaloKey key) const {
    // The image is in device pixels (s of them per painter unit).
    const QTransform world = painter.worldTransform();
    const double s = std::sqrt(std::fabs(world.determinant()));
    if (!(s > 0)) return;
    // Axis-aligned: place the image on whole device pixels and shift the text inside it by the
    // fraction (in quarter pixels), so it sits where the text itself would be drawn.
    const bool axisAligned = world.type() <= QTransform::TxScale;
    const QPointF device = world.map(origin);
    QPointF whole(std::floor(device.x()), std::floor(device.y()));
    int fx = 0, fy = 0;
    if (axisAligned) {
        fx = static_cast<int>(std::lround((device.x() - whole.x()) * 4));
        fy = static_cast<int>(std::lround((device.y() - whole.y()) * 4));
        if (fx == 4) {
            whole.rx() += 1;
            fx = 0;
        }
        if (fy == 4) {
            whole.ry() += 1;
            fy = 0;
        }
    }
    key.scale = s;
    key.radius *= s;
    key.fracX = fx;
    key.fracY = fy;
    key.antialias = painter.testRenderHint(QPainter::Antialiasing);
    key.textAntialias = painter.testRenderHint(QPainter::TextAntialiasing);
    // Halos made before on this thread, by face, text, colour and sub-pixel offset: kept across
    // frames, so a pan or a zoom (text sizes are on paper, not on the ground) redraws the same
    // "12栋", counts and street names without making them again. Per thread: no locks, and a
    // render worker keeps its own.
    thread_local std::unordered_map<HaloKey, Halo, HaloKeyHash> halos;
    auto it = halos.find(key);
    if (it == halos.end()) {
        if (halos.size() >= 8192) halos.clear(); // a bound (~30 MB at most), not an LRU
        it = halos.emplace(key, makeHalo(key)).first;
    }
    const Halo& halo = it->second;
    painter.save();
    if (axisAligned) {
        painter.setWorldTransform(QTransform());
        painter.drawImage(QPointF(whole.x() - halo.margin, whole.y() - halo.top), halo.image);
    } else {
        painter.translate(origin);
        painter.scale(1 / s, 1 / s);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        // The image's border is transparent, so its edges need no antialiasing; without it a
        // rotated blit is one span per row, small enough for Qt to blend on this thread instead
        // of handing it to its fill threads (whose wake-ups cost more than the blit).
        painter.setRenderHint(QPainter::Antialiasing, false);
        painter.drawImage(QPointF(-halo.margin, -halo.top), halo.image);
    }
    painter.restore();
}

std::size_t TextFace::HaloKeyHash::operator()(const HaloKey& k) const noexcept {
    std::size_t h = qHash(k.text);
    auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
    mix(static_cast<std::size_t>(k.pixelSize) * 2 + (k.bold ? 1u : 0u));
    mix(std::hash<double>{}(k.fontScale));
    mix(std::hash<double>{}(k.scale));
    mix(std::hash<double>{}(k.radius));
    mix(k.color);
    mix(static_cast<std::size_t>(k.fracX * 8 + k.fracY) * 4 + (k.antialias ? 2u : 0u) + (k.textAntialias ? 1u : 0u));
    return h;
}

TextFace::Halo TextFace::makeHalo(const HaloKey& key) const {
    const double s = key.scale, r = key.radius;
    const double k = m_scale * s; // device px per font px
    const int reach = static_cast<int>(std::ceil(r + 1.0));
    Halo out;
    out.margin = reach + 1 + static_cast<int>(std::ceil(0.15 * m_em * s)); // glyphs may overhang their advance
    out.top = out.margin + static_cast<int>(std::ceil(m_fm.ascent() * k));
    const int margin = out.margin, top = out.top;
    const int w = static_cast<int>(std::ceil(m_fm.horizontalAdvance(key.text) * k)) + 2 * margin + 1;
    const int h = top + static_cast<int>(std::ceil(m_fm.descent() * k)) + margin + 1;
    auto drawText = [&](QImage& image, QColor color) {
        QPainter mp(&image);
        mp.setRenderHint(QPainter::TextAntialiasing, key.textAntialias);
        mp.translate(margin + key.fracX / 4.0, top + key.fracY / 4.0);
        mp.scale(k, k);
        mp.setFont(m_font);
        mp.setPen(color);
        mp.drawText(QPointF(0, 0), key.text);
    };
    QImage mask(w, h, QImage::Format_ARGB32_Premultiplied);
    mask.fill(Qt::transparent);
    drawText(mask, Qt::black);
    std::vector<std::uint8_t> cover(static_cast<std::size_t>(w) * h);
    int inkTop = h, inkBottom = -1; // the rows that hold any coverage
    for (int y = 0; y < h; ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(mask.constScanLine(y));
        std::uint8_t* row = cover.data() + static_cast<std::size_t>(y) * w;
        unsigned any = 0;
        for (int x = 0; x < w; ++x) {
            row[x] = static_cast<std::uint8_t>(qAlpha(line[x]));
            any |= row[x];
        }
        if (any) {
            inkTop = std::min(inkTop, y);
            inkBottom = y;
        }
    }
    // Grey-scale dilation: each pixel takes the strongest coverage within the disc, weighted
    // down over the disc's last pixel so the halo's edge is antialiased like a stroke. Full
    // coverage lies half a pixel inside the letters' outline, hence the disc's r + 1: the
    // halo's half-coverage edge then lies r outside the outline, where a stroke's would.
    std::vector<std::uint8_t> halo(cover.size(), 0);
    for (int dy = -reach; dy <= reach && inkBottom >= 0; ++dy) {
        // Only rows whose source row y + dy holds ink can change.
        const int y0 = std::max(inkTop - dy, 0), y1 = std::min(inkBottom - dy + 1, h);
        for (int dx = -reach; dx <= reach; ++dx) {
            const double weight = std::clamp(r + 1.0 - std::hypot(dx, dy), 0.0, 1.0);
            if (weight <= 0) continue;
            const int wq = static_cast<int>(std::lround(weight * 256));
            const int x0 = std::max(0, -dx), x1 = std::min(w, w - dx);
            for (int y = y0; y < y1; ++y) {
                const std::uint8_t* src = cover.data() + static_cast<std::size_t>(y + dy) * w + dx;
                std::uint8_t* dst = halo.data() + static_cast<std::size_t>(y) * w;
                if (wq >= 256) {
                    for (int x = x0; x < x1; ++x) dst[x] = std::max(dst[x], src[x]);
                } else {
                    for (int x = x0; x < x1; ++x) dst[x] = std::max(dst[x], static_cast<std::uint8_t>((src[x] * wq) >> 8));
                }
            }
        }
    }
    // Coverage to premultiplied colour through a table.
    const bool antialias = key.antialias;
    const int cr = qRed(key.color), cg = qGreen(key.color), cb = qBlue(key.color), ca = qAlpha(key.color);
    QRgb lut[256];
    for (int c = 0; c < 256; ++c) {
        int a = antialias ? c : (c >= 128 ? 255 : 0); // aliased like a stroke: the pixels whose centre it covers
        a = (a * ca + 127) / 255;
        lut[c] = qRgba((cr * a + 127) / 255, (cg * a + 127) / 255, (cb * a + 127) / 255, a);
    }
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(mask.scanLine(y));
        const std::uint8_t* src = halo.data() + static_cast<std::size_t>(y) * w;
        for (int x = 0; x < w; ++x) line[x] = lut[src[x]];
    }
    out.image = std::move(mask);
    return out;
}

} // namespace gridatlas::render
