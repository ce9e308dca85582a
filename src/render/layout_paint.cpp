// Painting a layout page: every item in template order, in device pixels of the printed page.
// The designed page is scaled (uniformly, centred) onto the printed one, so an A3 template
// prints on A1 with everything, text included, 2x larger.
#include <QImage>
#include <QImageReader>
#include <QPainter>
#include <QPainterPath>
#include <QSvgRenderer>

#include <algorithm>
#include <cmath>
#include <map>

#include "model/support/error.h"
#include "render/chart.h"
#include "render/fonts.h"
#include "render/layout.h"
#include "render/painter_state.h"
#include "render/text_face.h"
#include "render/units.h"

namespace gridatlas::render {

namespace {

const QColor kInk(0x22, 0x22, 0x22);
const QColor kMuted(0x66, 0x66, 0x66);
const QColor kRule(0x9a, 0x94, 0x88);
const QColor kHeaderFill(0xb7, 0x1c, 0x1c); // 党建红 for table headers
const QColor kStripe(0xf6, 0xf3, 0xee);
const QColor kHighlight(0xd0, 0x21, 0x21);
const QColor kSeries[3] = {QColor(0xc6, 0x28, 0x28), QColor(0xf0, 0xa2, 0x02), QColor(0x3b, 0x6e, 0xa8)};

/// Rectangles, text sizes and pens of one page: designed mm -> printed device pixels.
struct PageGeometry {
    const LayoutPage& page;
    [[nodiscard]] double px(double printedMm) const { return mmToPx(printedMm, page.dpi); }
    [[nodiscard]] double mm(double devicePx) const { return pxToMm(devicePx, page.dpi); }
    /// A designed rectangle on the printed page, in mm.
    [[nodiscard]] QRectF printedMm(const QRectF& designed) const {
        return QRectF(page.offsetMm.x() + designed.left() * page.scale, page.offsetMm.y() + designed.top() * page.scale,
                      designed.width() * page.scale, designed.height() * page.scale);
    }
    [[nodiscard]] QRectF devicePx(const QRectF& printed) const {
        return QRectF(px(printed.left()), px(printed.top()), px(printed.width()), px(printed.height()));
    }
    /// Whole device pixels (map frames: the extent follows the frame's pixels exactly).
    [[nodiscard]] QRect wholePx(const QRectF& printed) const {
        const int l = static_cast<int>(std::lround(px(printed.left()))), t = static_cast<int>(std::lround(px(printed.top())));
        const int r = static_cast<int>(std::lround(px(printed.right()))), b = static_cast<int>(std::lround(px(printed.bottom())));
        return QRect(QPoint(l, t), QSize(r - l, b - t));
    }
    [[nodiscard]] double pt(double designedPt) const { return designedPt * page.scale; }
};

QString fitted(const TextFace& f, const QString& text, double maxWidth) {
    if (f.advance(text) <= maxWidth) return text;
    QString t = text;
    while (t.size() > 1 && f.advance(t + QStringLiteral("…")) > maxWidth) t.chop(1);
    return t + QStringLiteral("…");
}

/// Polygon rings as a painter path (odd-even: holes stay open).
QPainterPath pathOf(const model::Geometry& g, const MapToPixel& toPx) {
    QPainterPath path;
    path.setFillRule(Qt::OddEvenFill);
    std::size_t begin = 0;
    const std::size_t rings = g.ringEnds.empty() ? 1 : g.ringEnds.size();
    for (std::size_t r = 0; r < rings; ++r) {
        const std::size_t end = g.ringEnds.empty() ? g.coords.size() : g.ringEnds[r];
        for (std::size_t i = begin; i < end; ++i) {
            const QPointF p = toPx(g.coords[i]);
            if (i == begin)
                path.moveTo(p);
            else
                path.lineTo(p);
        }
        if (end > begin) path.closeSubpath();
        begin = end;
    }
    return path;
}

bool isPolygonal(const model::Geometry& g) {
    return g.type == model::GeomType::Polygon || g.type == model::GeomType::MultiPolygon;
}

struct MapFrame {
    const LayoutItem* item = nullptr;
    MapSettings settings;
    QRect framePx;
    LayoutMapResult result;
};

class PagePainter {
public:
    PagePainter(const Layout& layout, const LayoutPageData& data, model::SourceProvider& provider, QPainter& painter,
                const LayoutPage& page, const LayoutOptions& options, Feedback* feedback)
        : m_layout(layout), m_data(data), m_provider(provider), m_p(painter), m_g{page}, m_options(options), m_feedback(feedback),
          m_device(painter.device()) {}

    LayoutPageResult run() {
        ensureFontsLoaded();
        const PainterState state(m_p);
        m_p.setRenderHint(QPainter::Antialiasing, m_options.antialiasing);
        m_p.setRenderHint(QPainter::TextAntialiasing, true);
        m_p.fillRect(QRectF(0, 0, m_g.px(m_g.page.sizeMm.width()), m_g.px(m_g.page.sizeMm.height())), Qt::white);
        const std::size_t n = m_layout.items.size();
        for (std::size_t i = 0; i < n; ++i) {
            const LayoutItem& item = m_layout.items[i];
            if (m_feedback) m_feedback->throwIfCancelled();
            const QRectF r = m_g.printedMm(item.rectMm);
            m_result.itemRectsMm.push_back(r);
            draw(item, r);
        }
        for (auto& [item, frame] : m_frames) {
            m_result.maps.push_back(frame.result);
            for (const auto& e : frame.result.map.errors) m_result.errors.push_back(e);
        }
        return std::move(m_result);
    }

private:
    void draw(const LayoutItem& item, const QRectF& r) {
        switch (item.kind) {
        case LayoutItemKind::Map: frame(item); break;
        case LayoutItemKind::Box: box(item, r); break;
        case LayoutItemKind::Text: text(item, r); break;
        case LayoutItemKind::Legend: legend(item, r); break;
        case LayoutItemKind::ScaleBar: scaleBar(item, r); break;
        case LayoutItemKind::NorthArrow: northArrow(item, r); break;
        case LayoutItemKind::Overview: overview(item, r); break;
        case LayoutItemKind::Table: table(item, r); break;
        case LayoutItemKind::BarChart: barChart(item, r); break;
        case LayoutItemKind::Image: image(item, r); break;
        case LayoutItemKind::Footer: footer(item, r); break;
        case LayoutItemKind::FloorPlans: floorPlans(item, r); break;
        }
    }

    void box(const LayoutItem& item, const QRectF& r) {
        const PainterState s(m_p);
        m_p.setBrush(item.fill.alpha() ? QBrush(item.fill) : Qt::NoBrush);
        m_p.setPen(item.stroke.alpha() ? QPen(item.stroke, m_g.px(item.strokeMm * m_g.page.scale)) : QPen(Qt::NoPen));
        m_p.drawRect(m_g.devicePx(r));
    }

    void boxIfStyled(const LayoutItem& item, const QRectF& r) {
        if (item.fill.alpha() || item.stroke.alpha()) box(item, r);
    }

    // ---- text

    void text(const LayoutItem& item, const QRectF& r) {
        boxIfStyled(item, r);
        const QString all = expandLayoutText(item.text, m_data);
        if (m_result.title.isEmpty()) m_result.title = all;
        const QStringList lines = all.split(QLatin1Char('\n'));
        const QRectF box = m_g.devicePx(r);
        // Shrink (to 60 %) rather than run out of the box, then cut with an ellipsis.
        double pt = m_g.pt(item.fontPt);
        for (const auto& line : lines) {
            const double w = TextFace(pt, item.bold, m_g.page.dpi, m_device).advance(line);
            if (w > box.width()) pt = std::max(m_g.pt(item.fontPt) * 0.6, pt * box.width() / w);
        }
        const TextFace f(pt, item.bold, m_g.page.dpi, m_device);
        const double total = f.height() * static_cast<double>(lines.size());
        double y = box.top() + std::max(0.0, (box.height() - total) / 2);
        m_p.setPen(item.color);
        for (const auto& raw : lines) {
            const QString line = fitted(f, raw, box.width());
            const double w = f.advance(line);
            const double x = item.align == LayoutItem::Align::Left    ? box.left()
                             : item.align == LayoutItem::Align::Right ? box.right() - w
                                                                      : box.center().x() - w / 2;
            f.draw(m_p, QPointF(x, y + f.ascent()), line);
            y += f.height();
        }
    }

    // ---- maps

    /// The area a map item wants to show.
    model::Rect wantedExtent(const LayoutItem& item) {
        model::Rect e;
        if (item.extent == LayoutItem::Extent::Fixed) return item.fixedExtent;
        if (item.kind == LayoutItemKind::Overview && !m_data.overviewExtent.isEmpty()) {
            e = m_data.overviewExtent;
        } else if (item.extent == LayoutItem::Extent::Feature && m_data.featureExtent && !m_data.featureExtent->isEmpty()) {
            e = *m_data.featureExtent;
        } else {
            return resolveExtent(*item.map, m_provider); // the document's own margin
        }
        // Small features (one building) still get some surroundings.
        const double side = std::max({e.width(), e.height(), 60.0});
        const double m = side * item.extentMargin;
        const auto c = e.center();
        const double w = std::max(e.width(), side * 0.5) / 2 + m, h = std::max(e.height(), side * 0.5) / 2 + m;
        return model::Rect{c.x - w, c.y - h, c.x + w, c.y + h};
    }

    MapFrame makeFrame(const LayoutItem& item, const QRectF& printed, bool labels, std::optional<model::Rect> around = std::nullopt) {
        MapFrame f;
        f.item = &item;
        f.framePx = m_g.wholePx(printed);
        model::Rect wanted = wantedExtent(item);
        if (around) {
            // The overview always shows all of the main frame's extent.
            wanted.expand(model::Vec2{around->xmin, around->ymin});
            wanted.expand(model::Vec2{around->xmax, around->ymax});
        }
        const double frameWm = m_g.mm(f.framePx.width()) / 1000.0, frameHm = m_g.mm(f.framePx.height()) / 1000.0;
        const double scale = item.scale ? *item.scale : niceScaleDenominator(std::max(wanted.width() / frameWm, wanted.height() / frameHm));
        // The extent follows the frame's whole pixels, so the printed scale is exactly `scale`.
        const double w = frameWm * scale, h = frameHm * scale;
        const auto c = wanted.center();
        f.settings = makeMapSettings(*item.map, model::Rect{c.x - w / 2, c.y - h / 2, c.x + w / 2, c.y + h / 2}, f.framePx.size(),
                                     m_g.page.dpi, m_options.reveal, m_options.rasterOpener);
        f.settings.antialiasing = m_options.antialiasing;
        f.settings.labels = labels;
        f.result.id = item.id;
        f.result.frameMm = QRectF(m_g.mm(f.framePx.left()), m_g.mm(f.framePx.top()), m_g.mm(f.framePx.width()), m_g.mm(f.framePx.height()));
        f.result.scaleDenominator = f.settings.scaleDenominator();
        return f;
    }

    void renderInto(MapFrame& f, bool highlight) {
        const PainterState s(m_p);
        m_p.translate(f.framePx.topLeft());
        m_p.setClipRect(QRect(QPoint(0, 0), f.framePx.size()));
        f.result.map = renderMap(f.settings, m_provider, m_p, m_feedback);
        if (highlight && isPolygonal(m_data.featureGeometry)) {
            // Keep the page's feature bright and outlined; everything around it fades.
            const MapToPixel toPx(f.settings);
            const QPainterPath feature = pathOf(m_data.featureGeometry, toPx);
            QPainterPath outside;
            outside.setFillRule(Qt::OddEvenFill);
            outside.addRect(QRectF(QPointF(0, 0), QSizeF(f.framePx.size())));
            outside.addPath(feature);
            m_p.setPen(Qt::NoPen);
            m_p.setBrush(QColor(255, 255, 255, 140));
            m_p.drawPath(outside);
            QPen pen(kHighlight, m_g.px(0.7 * m_g.page.scale));
            pen.setJoinStyle(Qt::RoundJoin);
            m_p.setPen(pen);
            m_p.setBrush(Qt::NoBrush);
            m_p.drawPath(feature);
        }
    }

    void frameBorder(const QRect& framePx, double widthMm) {
        const PainterState s(m_p);
        QPen pen(kInk, m_g.px(widthMm * m_g.page.scale));
        pen.setJoinStyle(Qt::MiterJoin);
        m_p.setPen(pen);
        m_p.setBrush(Qt::NoBrush);
        m_p.drawRect(QRectF(framePx));
    }

    MapFrame& frame(const LayoutItem& item) {
        auto it = m_frames.find(&item);
        if (it != m_frames.end()) return it->second;
        MapFrame f = makeFrame(item, m_g.printedMm(item.rectMm), true);
        renderInto(f, item.highlight);
        f.result.legend = buildLegend(f.settings, f.result.map.layers);
        frameBorder(f.framePx, 0.4);
        return m_frames.emplace(&item, std::move(f)).first->second;
    }

    MapFrame& frameOf(const LayoutItem& item) { return frame(*m_layout.findMap(item.mapRef)); }

    void overview(const LayoutItem& item, const QRectF& r) {
        const MapFrame& main = frameOf(item);
        MapFrame f = makeFrame(item, r, false, main.settings.visibleExtent());
        {
            const PainterState s(m_p);
            m_p.fillRect(QRectF(f.framePx), Qt::white);
        }
        renderInto(f, false);
        {
            // The main frame's extent as a red box (at least a few millimetres, so a grid shows).
            const PainterState s(m_p);
            m_p.translate(f.framePx.topLeft());
        m_p.setClipRect(QRect(QPoint(0, 0), f.framePx.size()));
        const MapToPixel toPx(f.settings);
        const model::Rect e = main.settings.visibleExtent();
        QRectF box(toPx({e.xmin, e.ymax}), toPx({e.xmax, e.ymin}));
        const double minSide = m_g.px(2.5 * m_g.page.scale);
        if (box.width() < minSide || box.height() < minSide) {
            const QPointF c = box.center();
            box = QRectF(c.x() - std::max(box.width(), minSide) / 2, c.y() - std::max(box.height(), minSide) / 2,
                         std::max(box.width(), minSide), std::max(box.height(), minSide));
        }
        m_p.setBrush(QColor(0xd0, 0x21, 0x21, 40));
        m_p.setPen(QPen(kHighlight, m_g.px(0.5 * m_g.page.scale)));
            m_p.drawRect(box);
        }
        frameBorder(f.framePx, 0.3);
    }

    void legend(const LayoutItem& item, const QRectF& r) {
        boxIfStyled(item, r);
        const MapFrame& f = frameOf(item);
        const auto& groups = f.result.legend;
        if (groups.empty()) return;
        const double pad = m_g.px(2.5 * m_g.page.scale);
        const QRectF box = m_g.devicePx(r).adjusted(pad, pad, -pad, -pad);
        // The largest text that fits: columns first, then smaller text; never outside the box.
        double ts = m_g.pt(item.fontPt) / 9.0;
        std::optional<LegendLayout> layout;
        for (int i = 0; i < 12; ++i, ts *= 0.9) {
            layout.emplace(groups, box.height(), m_g.page.dpi, m_device, ts);
            if (layout->size().width() <= box.width() && layout->size().height() <= box.height()) break;
        }
        const PainterState s(m_p);
        m_p.setClipRect(box.adjusted(-pad / 2, -pad / 2, pad / 2, pad / 2));
        layout->draw(m_p, box.topLeft());
    }

    void scaleBar(const LayoutItem& item, const QRectF& r) {
        boxIfStyled(item, r);
        const MapFrame& f = frameOf(item);
        const double ts = m_g.pt(item.fontPt) / 8.0;
        const double pad = 2.0 * m_g.page.scale;
        const TextFace fnum(7.5 * ts, false, m_g.page.dpi, m_device), fscale(8.0 * ts, false, m_g.page.dpi, m_device);
        const QString unit = QStringLiteral(" 千米");
        const double maxLen = r.width() - 2 * pad - m_g.mm(fnum.advance(unit) + fnum.advance(QStringLiteral("0000")) / 2);
        const ScaleBar bar = niceScaleBar(f.result.scaleDenominator, maxLen);
        const double barH = 1.6 * ts;
        const double blockH = m_g.mm(fnum.height()) + 0.8 * ts + barH + 1.2 * ts + m_g.mm(fscale.height());
        const double top = r.top() + std::max(0.0, (r.height() - blockH) / 2);
        const double barBottom = top + m_g.mm(fnum.height()) + 0.8 * ts + barH;
        const double left = r.left() + pad;
        drawScaleBar(m_p, bar, QPointF(m_g.px(left), m_g.px(barBottom)), m_g.page.dpi, ts);
        m_p.setPen(kInk);
        fscale.draw(m_p, QPointF(m_g.px(left), m_g.px(barBottom + 1.2 * ts) + fscale.ascent()),
                    QStringLiteral("比例尺 ") + formatScale(f.result.scaleDenominator));
        if (m_result.scaleBarDenominator == 0) {
            m_result.scaleBar = bar;
            m_result.scaleBarDenominator = f.result.scaleDenominator;
            m_result.scaleBarMm = QRectF(left, barBottom - barH, bar.lengthMm, barH);
        }
    }

    void northArrow(const LayoutItem& item, const QRectF& r) {
        boxIfStyled(item, r);
        // drawNorthArrow is about 18.5 mm tall and 8 mm wide at text scale 1.
        const double ts = std::min(r.height() / 18.5, r.width() / 9.0);
        const double h = 18.0 * ts;
        drawNorthArrow(m_p, QPointF(m_g.px(r.center().x()), m_g.px(r.top() + (r.height() - h) / 2)), m_g.page.dpi, ts);
    }

    // ---- tables and charts

    [[nodiscard]] const LayoutTable* tableData(const LayoutItem& item) const {
        const auto it = m_data.tables.find(item.table);
        return it == m_data.tables.end() ? nullptr : &it->second;
    }

    static bool isNumeric(const std::string& s) {
        if (s.empty()) return false;
        bool ok = false;
        QString::fromStdString(s).remove(QLatin1Char('%')).toDouble(&ok);
        return ok;
    }

    /// Draws the caption; returns the device y below it.
    double caption(const LayoutItem& item, const QRectF& box) {
        if (item.title.empty()) return box.top();
        const TextFace f(m_g.pt(item.fontPt * 1.25), true, m_g.page.dpi, m_device);
        m_p.setPen(kInk);
        f.draw(m_p, QPointF(box.left(), box.top() + f.ascent()), fitted(f, expandLayoutText(item.title, m_data), box.width()));
        return box.top() + f.height() * 1.25;
    }

    void table(const LayoutItem& item, const QRectF& r) {
        boxIfStyled(item, r);
        const QRectF box = m_g.devicePx(r);
        const double top = caption(item, box);
        const LayoutTable* t = tableData(item);
        const TextFace f(m_g.pt(item.fontPt), false, m_g.page.dpi, m_device), fh(m_g.pt(item.fontPt), true, m_g.page.dpi, m_device);
        const std::size_t nc = item.columns.size();
        std::vector<int> source(nc, -1);
        std::vector<QString> heads(nc);
        for (std::size_t c = 0; c < nc; ++c) {
            source[c] = t ? t->columnIndex(item.columns[c]) : -1;
            heads[c] = item.headings.empty() ? layoutColumnHeading(item.columns[c]) : QString::fromStdString(item.headings[c]);
        }
        const std::size_t rows = t ? t->rows.size() : 0;
        auto cell = [&](std::size_t row, std::size_t c) -> std::string {
            return source[c] < 0 ? std::string() : t->rows[row][static_cast<std::size_t>(source[c])];
        };
        // Natural column widths, numeric columns right-aligned.
        const double padX = m_g.px(1.2 * m_g.page.scale);
        std::vector<double> natural(nc);
        std::vector<bool> numeric(nc, true);
        for (std::size_t c = 0; c < nc; ++c) {
            natural[c] = fh.advance(heads[c]);
            for (std::size_t i = 0; i < rows; ++i) {
                const std::string v = cell(i, c);
                natural[c] = std::max(natural[c], f.advance(QString::fromStdString(v)));
                if (!v.empty() && !isNumeric(v)) numeric[c] = false;
            }
            natural[c] += 2 * padX;
        }
        double naturalW = 0;
        for (double w : natural) naturalW += w;
        const double rowH = f.height() * 1.45;
        const double available = box.bottom() - top;
        const int fit = std::max(1, static_cast<int>(std::floor(available / rowH)) - 1); // minus the header
        const double blockGap = m_g.px(4.0 * m_g.page.scale);
        int blocks = item.blocks;
        if (blocks == 0) {
            const int byWidth = std::max(1, static_cast<int>((box.width() + blockGap) / (naturalW + blockGap)));
            blocks = std::clamp(static_cast<int>((rows + static_cast<std::size_t>(fit) - 1) / static_cast<std::size_t>(fit)), 1, byWidth);
        }
        const double blockW = (box.width() - blockGap * (blocks - 1)) / blocks;
        // Widths: natural, spread to fill the block, or squeezed proportionally.
        std::vector<double> width(nc);
        for (std::size_t c = 0; c < nc; ++c) width[c] = natural[c] * blockW / std::max(naturalW, 1.0);
        const std::size_t capacity = static_cast<std::size_t>(fit) * static_cast<std::size_t>(blocks);
        const bool overflow = rows > capacity;
        const std::size_t shown = overflow ? capacity - 1 : rows;
        const PainterState s(m_p);
        m_p.setClipRect(box);
        const double line = m_g.px(0.15 * m_g.page.scale);
        for (int b = 0; b < blocks; ++b) {
            const double x0 = box.left() + b * (blockW + blockGap);
            // Header.
            m_p.setPen(Qt::NoPen);
            m_p.setBrush(kHeaderFill);
            m_p.drawRect(QRectF(x0, top, blockW, rowH));
            double x = x0;
            m_p.setPen(Qt::white);
            for (std::size_t c = 0; c < nc; ++c) {
                const QString h = fitted(fh, heads[c], width[c] - 2 * padX);
                fh.draw(m_p, QPointF(x + (width[c] - fh.advance(h)) / 2, top + (rowH - fh.height()) / 2 + fh.ascent()), h);
                x += width[c];
            }
            const std::size_t first = static_cast<std::size_t>(b) * static_cast<std::size_t>(fit);
            for (std::size_t i = first; i < std::min(shown, first + static_cast<std::size_t>(fit)); ++i) {
                const double y = top + rowH * static_cast<double>(i - first + 1);
                if ((i - first) % 2 == 1) m_p.fillRect(QRectF(x0, y, blockW, rowH), kStripe);
                x = x0;
                m_p.setPen(kInk);
                for (std::size_t c = 0; c < nc; ++c) {
                    const QString v = fitted(f, QString::fromStdString(cell(i, c)), width[c] - 2 * padX);
                    const double w = f.advance(v);
                    const double tx = numeric[c] ? x + width[c] - padX - w : x + padX;
                    f.draw(m_p, QPointF(tx, y + (rowH - f.height()) / 2 + f.ascent()), v);
                    x += width[c];
                }
                m_p.setPen(QPen(QColor(0xdd, 0xd8, 0xcf), line));
                m_p.drawLine(QPointF(x0, y + rowH), QPointF(x0 + blockW, y + rowH));
            }
            const std::size_t inBlock = first >= shown ? 0 : std::min<std::size_t>(shown - first, static_cast<std::size_t>(fit));
            m_p.setPen(QPen(kRule, line * 2));
            m_p.setBrush(Qt::NoBrush);
            m_p.drawRect(QRectF(x0, top, blockW, rowH * static_cast<double>(inBlock + 1)));
        }
        const double noteY = top + rowH * static_cast<double>(std::min<std::size_t>(shown, static_cast<std::size_t>(fit)) + 1);
        if (overflow || rows == 0) {
            m_p.setPen(kMuted);
            const QString note = rows == 0 ? QStringLiteral("（无记录）")
                                           : QStringLiteral("……另有 %1 条未列出（完整名单见导出表格）").arg(rows - shown);
            const double y = rows == 0 ? top + rowH : noteY;
            f.draw(m_p, QPointF(box.left() + (blocks - 1) * (blockW + blockGap) + padX, y + (rowH - f.height()) / 2 + f.ascent()), note);
        }
    }

    void barChart(const LayoutItem& item, const QRectF& r) {
        boxIfStyled(item, r);
        const QRectF box = m_g.devicePx(r);
        double top = caption(item, box);
        const LayoutTable* t = tableData(item);
        const TextFace f(m_g.pt(item.fontPt), false, m_g.page.dpi, m_device);
        const int labelCol = t ? t->columnIndex(item.labelColumn) : -1;
        std::vector<int> cols;
        for (const auto& v : item.values) cols.push_back(t ? t->columnIndex(v) : -1);
        struct Bar {
            QString label;
            std::vector<double> v;
        };
        std::vector<Bar> bars;
        double maxV = 0;
        if (t && labelCol >= 0)
            for (const auto& row : t->rows) {
                Bar b{QString::fromStdString(row[static_cast<std::size_t>(labelCol)]), {}};
                for (int c : cols) {
                    const double v = c < 0 ? 0.0 : QString::fromStdString(row[static_cast<std::size_t>(c)]).remove(QLatin1Char('%')).toDouble();
                    b.v.push_back(v);
                    maxV = std::max(maxV, v);
                }
                bars.push_back(std::move(b));
            }
        // Series legend on one line.
        const double sw = m_g.px(3.0 * m_g.page.scale);
        double lx = box.left();
        for (std::size_t s = 0; s < item.values.size(); ++s) {
            const QString name = layoutColumnHeading(item.values[s]);
            m_p.fillRect(QRectF(lx, top + (f.height() - sw * 0.7) / 2, sw, sw * 0.7), kSeries[s]);
            m_p.setPen(kInk);
            f.draw(m_p, QPointF(lx + sw * 1.3, top + f.ascent()), name);
            lx += sw * 1.3 + f.advance(name) + sw * 1.5;
        }
        top += f.height() * 1.5;
        if (bars.empty() || maxV <= 0) {
            m_p.setPen(kMuted);
            f.draw(m_p, QPointF(box.left(), top + f.ascent()), QStringLiteral("（无数据）"));
            return;
        }
        // Horizontal bars: names on the left; at most what fits at a readable band height.
        const double axisH = f.height() * 1.3;
        const double minBand = f.height() * (item.values.size() > 1 ? 1.4 : 1.1);
        const std::size_t fits = std::max<std::size_t>(1, static_cast<std::size_t>((box.bottom() - top - axisH) / minBand));
        if (bars.size() > fits) {
            std::stable_sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.v[0] > b.v[0]; });
            bars.resize(fits);
        }
        double labelW = 0;
        for (const auto& b : bars) labelW = std::min(std::max(labelW, f.advance(b.label)), box.width() * 0.3);
        const double x0 = box.left() + labelW + m_g.px(2.0 * m_g.page.scale);
        const double valueW = f.advance(QString::number(static_cast<long long>(maxV))) + m_g.px(1.5 * m_g.page.scale);
        const double plotW = box.right() - x0 - valueW;
        const double band = std::min((box.bottom() - top - axisH) / static_cast<double>(bars.size()), f.height() * 3.0);
        // Round ticks: 1, 2, 5 x 10^k, about five of them.
        double step = std::pow(10.0, std::floor(std::log10(maxV / 5.0)));
        for (double m : {1.0, 2.0, 5.0, 10.0})
            if (maxV / (step * m) <= 6) {
                step *= m;
                break;
            }
        const double axisMax = std::ceil(maxV / step) * step;
        const double plotH = band * static_cast<double>(bars.size());
        const double line = m_g.px(0.15 * m_g.page.scale);
        for (double v = 0; v <= axisMax + step * 0.01; v += step) {
            const double x = x0 + plotW * v / axisMax;
            m_p.setPen(QPen(QColor(0xdd, 0xd8, 0xcf), line));
            m_p.drawLine(QPointF(x, top), QPointF(x, top + plotH));
            const QString tick = QString::number(static_cast<long long>(std::llround(v)));
            m_p.setPen(kMuted);
            f.draw(m_p, QPointF(x - f.advance(tick) / 2, top + plotH + f.ascent() + line * 4), tick);
        }
        const double barGap = band * 0.18;
        const double barH = (band - 2 * barGap) / static_cast<double>(item.values.size());
        for (std::size_t i = 0; i < bars.size(); ++i) {
            const double y = top + band * static_cast<double>(i);
            m_p.setPen(kInk);
            const QString label = fitted(f, bars[i].label, labelW);
            f.draw(m_p, QPointF(x0 - m_g.px(2.0 * m_g.page.scale) - f.advance(label), y + (band - f.height()) / 2 + f.ascent()), label);
            for (std::size_t s = 0; s < bars[i].v.size(); ++s) {
                const double w = plotW * bars[i].v[s] / axisMax;
                const QRectF bar(x0, y + barGap + barH * static_cast<double>(s), w, barH * 0.92);
                m_p.fillRect(bar, kSeries[s]);
                if (barH >= f.height() * 0.7) {
                    const QString v = QString::number(bars[i].v[s], 'g', 6);
                    m_p.setPen(kInk);
                    f.draw(m_p, QPointF(bar.right() + line * 4, bar.center().y() - f.height() / 2 + f.ascent()), v);
                }
            }
        }
        m_p.setPen(QPen(kInk, line * 2));
        m_p.drawLine(QPointF(x0, top), QPointF(x0, top + plotH));
    }

    // ---- images, footer, floor plans

    void image(const LayoutItem& item, const QRectF& r) {
        boxIfStyled(item, r);
        const QRectF box = m_g.devicePx(r);
        if (item.filePath.ends_with(".svg")) {
            QSvgRenderer svg(QString::fromStdString(item.filePath));
            if (!svg.isValid()) throw RenderError("image '" + item.filePath + "' is not a readable SVG");
            QSizeF s = svg.defaultSize();
            s.scale(box.size(), Qt::KeepAspectRatio);
            svg.render(&m_p, QRectF(box.center() - QPointF(s.width() / 2, s.height() / 2), s));
            return;
        }
        QImageReader reader(QString::fromStdString(item.filePath));
        const QImage img = reader.read();
        if (img.isNull())
            throw RenderError("image '" + item.filePath + "' cannot be read: " + reader.errorString().toStdString());
        QSizeF s = img.size();
        s.scale(box.size(), Qt::KeepAspectRatio);
        const PainterState st(m_p);
        m_p.setRenderHint(QPainter::SmoothPixmapTransform, true);
        m_p.drawImage(QRectF(box.center() - QPointF(s.width() / 2, s.height() / 2), s), img);
    }

    void footer(const LayoutItem& item, const QRectF& r) {
        boxIfStyled(item, r);
        const QRectF box = m_g.devicePx(r);
        const TextFace f(m_g.pt(item.fontPt), false, m_g.page.dpi, m_device);
        const QDate date = m_options.date.isValid() ? m_options.date : QDate::currentDate();
        const auto page = m_data.fields.find("page"), pages = m_data.fields.find("pages");
        QString left = QStringLiteral("数据来源：") + QString::fromStdString(m_provider.datasetName()) +
                       QStringLiteral(" · 坐标系 EPSG:%1").arg(m_provider.srid());
        QString centre = QStringLiteral("制图日期：%1年%2月%3日 · GridAtlas").arg(date.year()).arg(date.month()).arg(date.day());
        if (page != m_data.fields.end() && pages != m_data.fields.end() && pages->second != "1")
            centre += QStringLiteral(" · 第%1/%2页").arg(QString::fromStdString(page->second), QString::fromStdString(pages->second));
        const QString right = maskingNote(m_options.reveal);
        const double y = box.top() + (box.height() - f.height()) / 2 + f.ascent();
        m_p.setPen(QPen(kRule, m_g.px(0.2 * m_g.page.scale)));
        m_p.drawLine(QPointF(box.left(), box.top()), QPointF(box.right(), box.top()));
        const double third = box.width() / 3;
        m_p.setPen(kMuted);
        f.draw(m_p, QPointF(box.left(), y), fitted(f, left, third * 1.05));
        const QString c = fitted(f, centre, third * 1.1);
        f.draw(m_p, QPointF(box.center().x() - f.advance(c) / 2, y), c);
        if (m_options.reveal) m_p.setPen(QColor(0xc0, 0x1b, 0x1b));
        const QString rt = fitted(f, right, third * 0.85);
        f.draw(m_p, QPointF(box.right() - f.advance(rt), y), rt);
    }

    void floorPlans(const LayoutItem& item, const QRectF& r) {
        boxIfStyled(item, r);
        if (!m_data.floorPlan) {
            const TextFace f(m_g.pt(item.fontPt), false, m_g.page.dpi, m_device);
            m_p.setPen(kMuted);
            f.draw(m_p, QPointF(m_g.px(r.left()), m_g.px(r.top()) + f.ascent()), QStringLiteral("（本页不是楼栋页，无楼盘表）"));
            return;
        }
        const double ts = m_g.pt(item.fontPt) / 8.5;
        paintFloorPlanBody(m_p, *m_data.floorPlan, r, m_g.page.dpi, ts, true);
    }

    const Layout& m_layout;
    const LayoutPageData& m_data;
    model::SourceProvider& m_provider;
    QPainter& m_p;
    PageGeometry m_g;
    const LayoutOptions& m_options;
    Feedback* m_feedback;
    const QPaintDevice* m_device;
    std::map<const LayoutItem*, MapFrame> m_frames;
    LayoutPageResult m_result;
};

} // namespace

LayoutPageResult paintLayoutPage(const Layout& layout, const LayoutPageData& data, model::SourceProvider& provider, QPainter& painter,
                                 const LayoutPage& page, const LayoutOptions& options, Feedback* feedback) {
    return PagePainter(layout, data, provider, painter, page, options, feedback).run();
}

} // namespace gridatlas::render
