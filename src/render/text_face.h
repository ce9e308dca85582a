#pragma once
// Text of a size in points on paper, exact at any dpi. Qt's font engines round pixel sizes to
// whole pixels (8 pt at 96 dpi becomes 11 px instead of 10.67, 3 % too wide), so a style would
// look different at each dpi. A TextFace draws with a font of a whole pixel size N and scales
// the painter by px / N; measurements are scaled the same way, so boxes fit what is drawn.
// PDF and SVG keep real, selectable text under the scale.
#include <QColor>
#include <QFont>
#include <QFontMetricsF>
#include <QImage>
#include <QPen>
#include <QPointF>
#include <QString>

#include <cstddef>

class QPainter;
class QPaintDevice;

namespace gridatlas::render {

class TextFace {
public:
    TextFace(double pt, bool bold, double dpi, const QPaintDevice* device);

    [[nodiscard]] double advance(const QString& text) const { return m_fm.horizontalAdvance(text) * m_scale; }
    /// The line box: 1.2 em. Noto Sans CJK's own line height (1.45 em) leaves labels far
    /// larger than their glyphs; ideographs fill the em box, Latin descenders fit in 0.2 em.
    [[nodiscard]] double height() const { return 1.2 * m_em; }
    /// From the top of the line box to the baseline (the em box centred in the line box).
    [[nodiscard]] double ascent() const { return 0.98 * m_em; }
    /// From the baseline to the bottom of the line box.
    [[nodiscard]] double descent() const { return 0.22 * m_em; }

    /// Draws `text` with its baseline starting at `origin`, in the painter's current pen.
    void draw(QPainter& painter, QPointF origin, const QString& text) const;
    /// Draws a halo of `color` and `radiusPx` (device px) around the letters of `text`, under
    /// the text drawn at the same origin. On raster devices the halo is the text's coverage
    /// dilated by a disc (a few µs per label; stroking the outlines of CJK glyphs costs ~1 ms);
    /// on vector devices (PDF, SVG) it stays an outline path.
    void drawHalo(QPainter& painter, QPointF origin, const QString& text, const QColor& color, double radiusPx) const;
    /// Draws `text` in `color` over an optional halo (transparent or radius 0: none).
    void drawWithHalo(QPainter& painter, QPointF origin, const QString& text, const QColor& color, const QColor& halo,
                      double haloRadiusPx) const;

private:
    /// A halo ready to blit: premultiplied colour, the text's baseline origin at (margin, top).
    struct Halo {
        QImage image;
        int margin = 0;
        int top = 0;
    };
    struct HaloKey {
        int pixelSize;  ///< the face: font pixel size, weight and scale
        bool bold;
        double fontScale;
        QString text;
        double scale;  ///< device px per painter unit
        double radius; ///< device px
        QRgb color;
        int fracX;     ///< the text's sub-pixel offset in quarter pixels
        int fracY;
        bool antialias;
        bool textAntialias;
        bool operator==(const HaloKey&) const = default;
    };
    struct HaloKeyHash {
        std::size_t operator()(const HaloKey& k) const noexcept;
    };
    [[nodiscard]] Halo makeHalo(const HaloKey& key) const;
    /// Draws the cached image of `key` with its text origin at `origin` (made when missing;
    /// scale, fraction and render hints are filled in from the painter). Raster painters only.
    void blit(QPainter& painter, QPointF origin, HaloKey key) const;

    QFont m_font;
    double m_scale = 1.0;
    double m_em = 0.0; ///< the font size in device pixels
    QFontMetricsF m_fm;
};

} // namespace gridatlas::render
