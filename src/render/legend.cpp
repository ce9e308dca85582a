#include "render/legend.h"

#include <QLinearGradient>
#include <QPainter>

#include <algorithm>

#include "render/text_face.h"
#include "render/symbols.h"
#include "render/units.h"

namespace gridatlas::render {

namespace {

struct LegendFaces {
    TextFace heading, group, row;
    LegendFaces(double dpi, const QPaintDevice* device, double ts)
        : heading(13.0 * ts, true, dpi, device), group(9.0 * ts, true, dpi, device), row(9.0 * ts, false, dpi, device) {}
};

QSizeF badgeSize(const LabelStyle& l, const QString& text, double dpi, const QPaintDevice* device) {
    const TextFace f(l.sizePt, l.bold, dpi, device);
    const double pad = mmToPx(l.paddingMm, dpi);
    return {f.advance(text) + 2 * pad, f.height() + 2 * pad};
}

void drawBadge(QPainter& p, const LabelStyle& l, const QString& text, QPointF centre, double dpi) {
    const TextFace f(l.sizePt, l.bold, dpi, p.device());
    const double pad = mmToPx(l.paddingMm, dpi);
    const double w = f.advance(text), h = f.height();
    if (l.background.alpha() > 0) {
        const QRectF box(centre.x() - w / 2 - pad, centre.y() - h / 2 - pad, w + 2 * pad, h + 2 * pad);
        p.setBrush(l.background);
        p.setPen(l.backgroundStroke.alpha() > 0 ? QPen(l.backgroundStroke, mmToPx(0.2, dpi)) : QPen(Qt::NoPen));
        const double r = std::min(box.height() / 2, mmToPx(1.2, dpi));
        p.drawRoundedRect(box, r, r);
    }
    const QPointF origin(centre.x() - w / 2, centre.y() - h / 2 + f.ascent());
    f.drawWithHalo(p, origin, text, l.color, l.halo, mmToPx(l.haloWidthMm, dpi));
}

} // namespace

std::vector<LegendGroup> buildLegend(const MapSettings& settings, const std::vector<LayerStats>& layers) {
    std::vector<LegendGroup> groups;
    bool groupOpen = false; // the last group came from a legend_group, so the next may join it
    auto addGroup = [&](LegendGroup g, const std::string& legendGroup) {
        if (g.rows.empty()) return;
        if (!legendGroup.empty()) {
            // Layers of one group (households, their vulnerable ring, member households) share a heading.
            const QString group = QString::fromStdString(legendGroup);
            if (!groups.empty() && groups.back().title == group && groupOpen) {
                for (auto& r : g.rows) groups.back().rows.push_back(std::move(r));
                return;
            }
            g.title = group;
            groups.push_back(std::move(g));
            groupOpen = true;
            return;
        }
        groupOpen = false;
        groups.push_back(std::move(g));
    };
    for (std::size_t i = settings.layers.size(); i-- > 0;) {
        const auto& layer = settings.layers[i];
        if (!layer.legend || !layer.style || i >= layers.size()) continue;
        const auto& stats = layers[i];
        if (!stats.inScale || stats.drawn == 0) continue;
        const Style& style = *layer.style;
        const ClassMatcher matcher(style.renderer);
        const QString title = QString::fromStdString(layer.title);
        LegendGroup g;
        g.title = title;
        auto count = [&](std::size_t n) {
            return style.legendCounts ? QStringLiteral("（%1）").arg(static_cast<qulonglong>(n)) : QString();
        };
        auto row = [&](const std::string& text, const Symbol& sym, std::size_t n) {
            LegendRow r;
            r.text = (text.empty() ? title : QString::fromStdString(text)) + count(n);
            r.geometry = style.geometry;
            r.symbol = sym;
            g.rows.push_back(std::move(r));
        };
        if (stats.aggregate && *stats.aggregate < style.aggregates.size()) {
            // Aggregates: circles of reference values, then the labels' samples.
            const AggregateStyle& agg = style.aggregates[*stats.aggregate];
            std::vector<double> values = agg.legendValues;
            if (values.empty()) values.push_back(agg.maxValue / 4);
            for (const double v : values) {
                LegendRow r;
                const QString number = QString::fromStdString(model::toText(model::Value{v}));
                r.text = agg.legendLabel.empty() ? number : QString::fromStdString(agg.legendLabel).replace(QStringLiteral("{value}"), number);
                r.geometry = GeometryKind::Point;
                r.symbol = agg.symbol;
                r.symbol.sizeMm = agg.sizeMm(v);
                r.exactSize = true;
                g.rows.push_back(std::move(r));
            }
            for (const auto& l : agg.labels) {
                if (l.legendLabel.empty()) continue;
                LegendRow r;
                r.text = QString::fromStdString(l.legendLabel);
                r.label = &l;
                r.sample = QString::fromStdString(l.legendSample);
                g.rows.push_back(std::move(r));
            }
            addGroup(std::move(g), layer.legendGroup);
            continue;
        }
        const auto& counts = stats.slotCounts;
        auto slotCount = [&](int slot) { return slot >= 0 && static_cast<std::size_t>(slot) < counts.size() ? counts[static_cast<std::size_t>(slot)] : 0; };
        switch (style.renderer.type) {
        case RendererType::Single: row(style.renderer.classes.front().label, style.renderer.classes.front().symbol, stats.drawn); break;
        case RendererType::Heatmap:
            row(style.renderer.classes.front().label, style.renderer.classes.front().symbol, stats.drawn);
            g.rows.back().ramp = style.renderer.heatmap.ramp;
            break;
        case RendererType::Graduated:
            for (std::size_t c = 0; c < style.renderer.classes.size(); ++c)
                row(style.renderer.classes[c].label, style.renderer.classes[c].symbol, slotCount(static_cast<int>(c)));
            break;
        case RendererType::Categorized: {
            for (std::size_t c = 0; c < style.renderer.classes.size(); ++c)
                if (slotCount(static_cast<int>(c)) > 0)
                    row(style.renderer.classes[c].label, style.renderer.classes[c].symbol, slotCount(static_cast<int>(c)));
            std::size_t paletteFeatures = 0;
            for (int s = 0; s < matcher.slotCount(); ++s)
                if (matcher.isPaletteSlot(s)) paletteFeatures += slotCount(s);
            if (paletteFeatures > 0) row("", matcher.symbol(matcher.slotCount() - static_cast<int>(style.renderer.palette.size())), paletteFeatures);
            break;
        }
        }
        if (style.renderer.other && slotCount(matcher.otherSlot()) > 0)
            row(style.renderer.other->label.empty() ? "其他" : style.renderer.other->label, style.renderer.other->symbol,
                slotCount(matcher.otherSlot()));
        for (const auto& l : style.labels) {
            if (l.legendLabel.empty()) continue;
            LegendRow r;
            r.text = QString::fromStdString(l.legendLabel);
            r.label = &l;
            r.sample = QString::fromStdString(l.legendSample);
            g.rows.push_back(std::move(r));
        }
        if (g.rows.empty()) continue;
        // A layer with one row needs no heading of its own: the row says it.
        if ((style.renderer.type == RendererType::Single || style.renderer.type == RendererType::Heatmap) && g.rows.size() == 1 &&
            !g.rows.front().label) {
            g.rows.front().text = title + count(stats.drawn);
            g.title.clear();
        }
        addGroup(std::move(g), layer.legendGroup);
    }
    return groups;
}

LegendLayout::LegendLayout(const std::vector<LegendGroup>& groups, double maxHeightPx, double dpi, const QPaintDevice* device,
                           double textScale)
    : m_dpi(dpi), m_textScale(textScale) {
    const LegendFaces faces(dpi, device, textScale);
    const TextFace &fh = faces.heading, &fg = faces.group, &fr = faces.row;
    const double ts = textScale;
    m_swatchW = mmToPx(8.0 * ts, dpi);
    m_swatchH = mmToPx(4.6 * ts, dpi);
    const double gap = mmToPx(2.5 * ts, dpi);
    const double rowSpacing = mmToPx(1.6 * ts, dpi);
    const double groupSpacing = mmToPx(2.2 * ts, dpi);
    const double columnGap = mmToPx(6.0 * ts, dpi);

    double swatchColumn = m_swatchW, textColumn = 0;
    for (const auto& g : groups) {
        textColumn = std::max(textColumn, fg.advance(g.title));
        for (const auto& r : g.rows) {
            if (r.label) swatchColumn = std::max(swatchColumn, badgeSize(*r.label, r.sample, dpi, device).width());
            if (r.exactSize) swatchColumn = std::max(swatchColumn, markerBounds(r.symbol, dpi).width());
            textColumn = std::max(textColumn, fr.advance(r.text));
        }
    }
    m_swatchW = swatchColumn;
    m_columnWidth = std::max(swatchColumn + gap + textColumn, fh.advance(QStringLiteral("图例")));

    const double headingH = fh.height() + mmToPx(2.0 * ts, dpi);
    m_items.push_back(Item{Item::Kind::Heading, nullptr, nullptr, QPointF(0, 0), fh.height()});
    double x = 0, y = headingH, bottom = headingH;
    const double top = headingH;
    const double limit = std::max(maxHeightPx, headingH + 4 * m_swatchH);
    auto rowHeight = [&](const LegendRow& r) {
        double h = std::max(m_swatchH, fr.height());
        if (r.label) h = std::max(h, badgeSize(*r.label, r.sample, dpi, device).height());
        if (r.exactSize) h = std::max(h, markerBounds(r.symbol, dpi).height());
        return h;
    };
    for (const auto& g : groups) {
        if (y > top) y += groupSpacing;
        const double titleH = g.title.isEmpty() ? 0.0 : fg.height() + rowSpacing * 0.5;
        const double firstRow = g.rows.empty() ? 0.0 : rowHeight(g.rows.front());
        if (y + titleH + firstRow > limit && y > top) { // keep a title with its first row
            x += m_columnWidth + columnGap;
            y = top;
        }
        if (titleH > 0) {
            m_items.push_back(Item{Item::Kind::GroupTitle, &g, nullptr, QPointF(x, y), fg.height()});
            y += titleH;
        }
        for (const auto& r : g.rows) {
            const double h = rowHeight(r);
            if (y + h > limit && y > top) {
                x += m_columnWidth + columnGap;
                y = top;
            }
            m_items.push_back(Item{Item::Kind::Row, &g, &r, QPointF(x, y), h});
            y += h + rowSpacing;
            bottom = std::max(bottom, y - rowSpacing);
        }
    }
    m_size = QSizeF(x + m_columnWidth, bottom);
}

void LegendLayout::draw(QPainter& p, QPointF topLeft) const {
    const LegendFaces faces(m_dpi, p.device(), m_textScale);
    const TextFace &fh = faces.heading, &fg = faces.group, &fr = faces.row;
    const double gap = mmToPx(2.5 * m_textScale, m_dpi);
    p.save();
    for (const auto& it : m_items) {
        const QPointF at = topLeft + it.pos;
        switch (it.kind) {
        case Item::Kind::Heading:
            p.setPen(QColor(0x22, 0x22, 0x22));
            fh.draw(p, QPointF(at.x(), at.y() + fh.ascent()), QStringLiteral("图例"));
            break;
        case Item::Kind::GroupTitle:
            p.setPen(QColor(0x44, 0x44, 0x44));
            fg.draw(p, QPointF(at.x(), at.y() + fg.ascent()), it.group->title);
            break;
        case Item::Kind::Row: {
            const LegendRow& r = *it.row;
            const QRectF sw(at.x(), at.y() + (it.height - m_swatchH) / 2, m_swatchW, m_swatchH);
            if (r.label) {
                drawBadge(p, *r.label, r.sample, sw.center(), m_dpi);
            } else if (!r.ramp.empty()) {
                // Low density left, high right, over white so a transparent low end reads as "none".
                QLinearGradient gradient(sw.topLeft(), sw.topRight());
                gradient.setInterpolationMode(QGradient::ColorInterpolation); // premultiplied, like the map's ramp
                for (const auto& stop : r.ramp) gradient.setColorAt(stop.at, stop.color);
                p.setPen(QPen(QColor(0x99, 0x99, 0x99), mmToPx(0.15, m_dpi)));
                p.setBrush(Qt::white);
                p.drawRect(sw);
                p.setPen(Qt::NoPen);
                p.setBrush(gradient);
                p.drawRect(sw);
            } else {
                Symbol s = r.symbol;
                switch (r.geometry) {
                case GeometryKind::Polygon: {
                    s.strokeWidthMm = std::min(s.strokeWidthMm, 0.5);
                    QPen pen = strokePen(s, m_dpi, false);
                    p.setPen(pen);
                    p.setBrush(fillBrush(s));
                    const double inset = pen.style() == Qt::NoPen ? 0.0 : pen.widthF() / 2;
                    p.drawRect(sw.adjusted(inset, inset, -inset, -inset));
                    break;
                }
                case GeometryKind::Line: {
                    const QPointF a(sw.left() + mmToPx(0.6, m_dpi), sw.center().y()), b(sw.right() - mmToPx(0.6, m_dpi), sw.center().y());
                    p.setBrush(Qt::NoBrush);
                    if (QPen c = casingPen(s, m_dpi); c.style() != Qt::NoPen) {
                        c.setCapStyle(Qt::FlatCap);
                        p.setPen(c);
                        p.drawLine(a, b);
                    }
                    QPen pen = strokePen(s, m_dpi, true);
                    if (pen.style() != Qt::NoPen) pen.setCapStyle(Qt::FlatCap);
                    p.setPen(pen);
                    p.drawLine(a, b);
                    break;
                }
                case GeometryKind::Point: {
                    // As on the map, but no dot smaller than 1.4 mm: a 0.55 mm household dot
                    // would be invisible as a key.
                    if (!r.exactSize) s.sizeMm = std::clamp(s.sizeMm, 1.4 * m_textScale, pxToMm(m_swatchH * 1.15, m_dpi));
                    const QRectF b = markerBounds(s, m_dpi);
                    drawMarker(p, s, sw.center() - b.center(), m_dpi);
                    break;
                }
                }
            }
            p.setPen(QColor(0x22, 0x22, 0x22));
            const double baseline = at.y() + (it.height - fr.height()) / 2 + fr.ascent();
            fr.draw(p, QPointF(at.x() + m_swatchW + gap, baseline), r.text);
            break;
        }
        }
    }
    p.restore();
}

} // namespace gridatlas::render
