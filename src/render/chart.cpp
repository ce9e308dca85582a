#include "render/chart.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <set>

#include "model/support/error.h"
#include "render/fonts.h"
#include "render/painter_state.h"
#include "render/text_face.h"
#include "render/units.h"

namespace gridatlas::render {

namespace {

const QColor kInk(0x22, 0x22, 0x22);
const QColor kMuted(0x66, 0x66, 0x66);

QString numberText(double v) {
    if (std::fabs(v - std::round(v)) < 1e-9) return QString::number(static_cast<long long>(std::llround(v)));
    return QString::number(v, 'f', 1);
}

/// Draws a north arrow (split arrowhead, "北" above) centred horizontally at `top`.
QRectF drawNorthArrow(QPainter& p, QPointF topCentre, double dpi, double ts) {
    const double h = mmToPx(13.0 * ts, dpi), w = mmToPx(6.0 * ts, dpi);
    const TextFace fm(10.0 * ts, true, dpi, p.device());
    const QString north = QStringLiteral("北");
    const double textW = fm.advance(north);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(kInk);
    fm.draw(p, QPointF(topCentre.x() - textW / 2, topCentre.y() + fm.ascent()), north);
    const double y0 = topCentre.y() + fm.height() + mmToPx(0.6 * ts, dpi);
    const QPointF tip(topCentre.x(), y0), left(topCentre.x() - w / 2, y0 + h), right(topCentre.x() + w / 2, y0 + h),
        notch(topCentre.x(), y0 + h * 0.72);
    QPen pen(kInk, mmToPx(0.25, dpi));
    pen.setJoinStyle(Qt::MiterJoin);
    p.setPen(pen);
    QPainterPath dark;
    dark.moveTo(tip);
    dark.lineTo(left);
    dark.lineTo(notch);
    dark.closeSubpath();
    QPainterPath light;
    light.moveTo(tip);
    light.lineTo(right);
    light.lineTo(notch);
    light.closeSubpath();
    p.setBrush(kInk);
    p.drawPath(dark);
    p.setBrush(Qt::white);
    p.drawPath(light);
    p.restore();
    return QRectF(topCentre.x() - std::max(w, textW) / 2, topCentre.y(), std::max(w, textW), y0 + h - topCentre.y());
}

double aggregateSum(model::FeatureCursor& c, model::Feature& f) {
    double sum = 0;
    while (c.next(f))
        if (auto n = model::toNumber(f.values[0])) sum += *n;
    return sum;
}

} // namespace

QSizeF ChartPage::sizeMm() const {
    const QSizeF portrait = size == PageSize::A4 ? QSizeF(210, 297) : QSizeF(297, 420);
    return orientation == PageOrientation::Portrait ? portrait : portrait.transposed();
}

QSize ChartPage::sizePx() const {
    const QSizeF mm = sizeMm();
    return QSize(static_cast<int>(std::lround(mmToPx(mm.width(), dpi))), static_cast<int>(std::lround(mmToPx(mm.height(), dpi))));
}

ChartPage resolvePage(const MapDocument& doc, const ChartOptions& options) {
    ChartPage page;
    page.size = options.page.value_or(doc.page.size.value_or(PageSize::A3));
    page.orientation = options.orientation.value_or(doc.page.orientation.value_or(PageOrientation::Landscape));
    page.dpi = options.dpi.value_or(doc.page.dpi.value_or(150.0));
    return page;
}

QString expandTitle(const TitleTemplate& t, model::SourceProvider& provider, const model::Rect& extent) {
    QString out;
    for (const auto& part : t.parts) {
        if (!part.aggregate) {
            out += QString::fromStdString(part.literal);
            continue;
        }
        const auto& a = *part.aggregate;
        auto source = provider.open(a.layer);
        model::FeatureRequest req;
        req.bbox = extent;
        req.withGeometry = false;
        if (!a.field.empty()) req.fields.push_back(a.field);
        auto cursor = source->features(req);
        model::Feature f;
        switch (a.op) {
        case Aggregate::Op::Count: {
            long long n = 0;
            while (cursor->next(f)) ++n;
            out += QString::number(n);
            break;
        }
        case Aggregate::Op::Sum: out += numberText(aggregateSum(*cursor, f)); break;
        case Aggregate::Op::Values: {
            std::vector<std::string> seen;
            while (cursor->next(f)) {
                const std::string v = model::toText(f.values[0]);
                if (!v.empty() && std::find(seen.begin(), seen.end(), v) == seen.end()) seen.push_back(v);
            }
            QStringList list;
            for (const auto& v : seen) list << QString::fromStdString(v);
            out += list.join(QStringLiteral("、"));
            break;
        }
        }
    }
    return out;
}

ChartResult renderChart(const MapDocument& doc, model::SourceProvider& provider, QPainter& painter, const ChartPage& page,
                        const ChartOptions& options, Feedback* feedback) {
    ensureFontsLoaded();
    ChartResult result;
    result.page = page;
    const double dpi = page.dpi;
    const QPaintDevice* device = painter.device();
    const QSizeF pageMm = page.sizeMm();
    const double ts = std::min(pageMm.width(), pageMm.height()) / 297.0; // 1 on A3, 0.71 on A4
    auto px = [&](double mm) { return mmToPx(mm, dpi); };
    auto mm = [&](double p) { return pxToMm(p, dpi); };

    const PainterState state(painter);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    painter.fillRect(QRectF(0, 0, px(pageMm.width()), px(pageMm.height())), Qt::white);

    if (feedback) feedback->setProgress(1, "extent");
    const model::Rect wanted = resolveExtent(doc, provider);
    result.title = expandTitle(doc.title, provider, wanted);
    result.subtitle = expandTitle(doc.subtitle, provider, wanted);
    if (result.title.isEmpty()) result.title = QString::fromStdString(provider.datasetName());

    // Chrome: title block, footer, body in between (millimetres).
    const double margin = 12.0 * ts;
    const TextFace ftitle(24.0 * ts, true, dpi, device), fsub(12.0 * ts, false, dpi, device), ffoot(8.5 * ts, false, dpi, device);
    const double titleTop = margin;
    const double titleH = mm(ftitle.height());
    const double subH = result.subtitle.isEmpty() ? 0.0 : mm(fsub.height()) + 1.0 * ts;
    const double bodyTop = titleTop + titleH + subH + 4.0 * ts;
    const double footerH = mm(ffoot.height()) + 2.5 * ts;
    const QRectF body(margin, bodyTop, pageMm.width() - 2 * margin, pageMm.height() - margin - footerH - bodyTop);
    const double gap = 5.0 * ts;
    const double pad = 4.0 * ts;
    const bool landscape = pageMm.width() >= pageMm.height();

    // Settings over a frame and the nicest scale that shows all of `wanted` in it.
    auto settingsFor = [&](const QRectF& frameMm) {
        const QRect framePx(QPoint(static_cast<int>(std::lround(px(frameMm.left()))), static_cast<int>(std::lround(px(frameMm.top())))),
                            QSize(static_cast<int>(std::lround(px(frameMm.width()))), static_cast<int>(std::lround(px(frameMm.height())))));
        const double paperW = framePx.width() / dpi * kMmPerInch / 1000.0;  // metres of paper
        const double paperH = framePx.height() / dpi * kMmPerInch / 1000.0;
        double scale = doc.page.scale.value_or(0.0);
        if (scale <= 0) scale = niceScaleDenominator(std::max(wanted.width() / paperW, wanted.height() / paperH));
        const auto c = wanted.center();
        const double w = paperW * scale, h = paperH * scale;
        MapSettings s = makeMapSettings(doc, model::Rect{c.x - w / 2, c.y - h / 2, c.x + w / 2, c.y + h / 2}, framePx.size(), dpi,
                                        options.reveal);
        s.antialiasing = options.antialiasing;
        return std::pair{s, framePx};
    };

    // The legend lists what the map draws, and its size shapes the map frame: count first on a
    // provisional frame, lay the legend out, then fit the frame beside (or below) it.
    const QRectF provisional = landscape ? QRectF(body.left(), body.top(), body.width() * 0.78, body.height())
                                         : QRectF(body.left(), body.top(), body.width(), body.height() * 0.78);
    if (feedback) feedback->setProgress(3, "legend");
    std::vector<LayerError> countErrors;
    const auto counted = countFeatures(settingsFor(provisional).first, provider, &countErrors, feedback);
    result.legend = buildLegend(settingsFor(provisional).first, counted);
    std::optional<LegendLayout> legend;
    QRectF legendPanel, frameMm;
    if (!result.legend.empty()) {
        if (landscape) {
            legend.emplace(result.legend, px(body.height() - 2 * pad), dpi, device, ts);
            const double w = mm(legend->size().width()) + 2 * pad;
            legendPanel = QRectF(body.right() - w, body.top(), w, body.height());
            frameMm = QRectF(body.left(), body.top(), body.width() - w - gap, body.height());
        } else {
            double maxH = 40.0 * ts;
            for (;;) {
                legend.emplace(result.legend, px(maxH), dpi, device, ts);
                if (mm(legend->size().width()) + 2 * pad <= body.width() || maxH > body.height() * 0.5) break;
                maxH += 8.0 * ts;
            }
            const double h = mm(legend->size().height()) + 2 * pad;
            legendPanel = QRectF(body.left(), body.bottom() - h, body.width(), h);
            frameMm = QRectF(body.left(), body.top(), body.width(), body.height() - h - gap);
        }
    } else {
        frameMm = body;
    }

    auto [settings, framePx] = settingsFor(frameMm);
    result.scaleDenominator = settings.scaleDenominator();
    result.mapFrameMm = QRectF(mm(framePx.left()), mm(framePx.top()), mm(framePx.width()), mm(framePx.height()));

    // The map.
    {
        const PainterState mapState(painter);
        painter.translate(framePx.topLeft());
        result.map = renderMap(settings, provider, painter, feedback);
    }
    for (auto& e : countErrors)
        if (std::none_of(result.map.errors.begin(), result.map.errors.end(), [&](const LayerError& m) { return m.layer == e.layer; }))
            result.map.errors.push_back(e);
    result.settings = settings;

    // Frame, scale bar and north arrow over the map.
    const QRectF frame(framePx);
    painter.setBrush(Qt::NoBrush);
    QPen framePen(kInk, px(0.4));
    framePen.setJoinStyle(Qt::MiterJoin);
    painter.setPen(framePen);
    painter.drawRect(frame);

    const QColor backing(255, 255, 255, 225);
    {
        result.scaleBar = niceScaleBar(result.scaleDenominator, 45.0 * ts);
        const TextFace fs(8.0 * ts, false, dpi, device);
        const QString scaleText = QStringLiteral("比例尺 ") + formatScale(result.scaleDenominator);
        const double inset = px(5.0 * ts), boxPad = px(2.5 * ts);
        const double textH = fs.height();
        const double barTotalH = px(1.6 * ts) + px(0.8 * ts) + fs.height() * 0.95; // bar + its numbers (7.5pt)
        const double boxW = std::max(px(result.scaleBar.lengthMm) + px(10.0 * ts), fs.advance(scaleText)) + 2 * boxPad;
        const double boxH = barTotalH + px(1.5 * ts) + textH + 2 * boxPad;
        const QRectF box(frame.left() + inset, frame.bottom() - inset - boxH, boxW, boxH);
        painter.setPen(Qt::NoPen);
        painter.setBrush(backing);
        painter.drawRoundedRect(box, px(1.0), px(1.0));
        const QPointF barBottomLeft(box.left() + boxPad + px(1.0 * ts), box.top() + boxPad + barTotalH);
        drawScaleBar(painter, result.scaleBar, barBottomLeft, dpi, ts);
        result.scaleBarMm = QRectF(mm(barBottomLeft.x()), mm(barBottomLeft.y() - px(1.6 * ts)), result.scaleBar.lengthMm, 1.6 * ts);
        painter.setPen(kInk);
        fs.draw(painter, QPointF(box.left() + boxPad, box.bottom() - boxPad - fs.descent()), scaleText);
    }
    {
        const double inset = px(5.0 * ts);
        const double w = px(12.0 * ts), h = px(22.0 * ts);
        const QRectF box(frame.right() - inset - w, frame.top() + inset, w, h);
        painter.setPen(Qt::NoPen);
        painter.setBrush(backing);
        painter.drawRoundedRect(box, px(1.0), px(1.0));
        drawNorthArrow(painter, QPointF(box.center().x(), box.top() + px(2.0 * ts)), dpi, ts);
    }

    // Legend panel.
    if (legend) {
        const QRectF panel(px(legendPanel.left()), px(legendPanel.top()), px(legendPanel.width()), px(legendPanel.height()));
        QPen pen(QColor(0x99, 0x99, 0x99), px(0.25));
        painter.setPen(pen);
        painter.setBrush(QColor(0xfb, 0xfa, 0xf7));
        painter.drawRect(panel);
        legend->draw(painter, panel.topLeft() + QPointF(px(pad), px(pad)));
    }

    // Title block.
    painter.setPen(kInk);
    const double pageW = px(pageMm.width());
    ftitle.draw(painter, QPointF((pageW - ftitle.advance(result.title)) / 2, px(titleTop) + ftitle.ascent()), result.title);
    if (!result.subtitle.isEmpty()) {
        painter.setPen(QColor(0x44, 0x44, 0x44));
        fsub.draw(painter, QPointF((pageW - fsub.advance(result.subtitle)) / 2, px(titleTop + titleH + 1.0 * ts) + fsub.ascent()),
                  result.subtitle);
    }

    // Footer: atlas, date, masking note.
    const QDate date = options.date.isValid() ? options.date : QDate::currentDate();
    const QString left = QString::fromStdString(provider.datasetName()) + QStringLiteral(" · 坐标系 EPSG:%1").arg(provider.srid());
    const QString centre = QStringLiteral("制图日期：%1年%2月%3日 · GridAtlas").arg(date.year()).arg(date.month()).arg(date.day());
    const QString right = options.reveal ? QStringLiteral("含未脱敏个人信息 · 仅限内部使用，注意保密") : QStringLiteral("个人信息已脱敏");
    const double footY = px(body.bottom() + 2.0 * ts) + ffoot.ascent();
    painter.setPen(kMuted);
    ffoot.draw(painter, QPointF(px(body.left()), footY), left);
    ffoot.draw(painter, QPointF((pageW - ffoot.advance(centre)) / 2, footY), centre);
    if (options.reveal) painter.setPen(QColor(0xc0, 0x1b, 0x1b));
    ffoot.draw(painter, QPointF(px(body.right()) - ffoot.advance(right), footY), right);

    if (feedback) feedback->setProgress(100, "done");
    return result;
}

} // namespace gridatlas::render
