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

} // namespace

QRectF drawNorthArrow(QPainter& p, QPointF topCentre, double dpi, double ts) {
    const double h = mmToPx(13.0 * ts, dpi), w = mmToPx(6.0 * ts, dpi);
    const TextFace fm(10.0 * ts, true, dpi, p.device());
    const QString north = QStringLiteral("北");
    const double textW = fm.advance(north);
    p.save();
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

QString maskingNote(bool reveal) {
    return reveal ? QStringLiteral("含未脱敏个人信息 · 仅限内部使用，注意保密") : QStringLiteral("个人信息已脱敏");
}

namespace {

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
            // A street office's forty communities do not fit a title: name three, count the rest.
            constexpr std::size_t kNamed = 3;
            QStringList list;
            for (std::size_t i = 0; i < seen.size() && i < kNamed; ++i) list << QString::fromStdString(seen[i]);
            out += list.join(QStringLiteral("、"));
            if (seen.size() > kNamed) out += QStringLiteral("等%1个").arg(seen.size());
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
    painter.setRenderHint(QPainter::Antialiasing, options.antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    painter.fillRect(QRectF(0, 0, px(pageMm.width()), px(pageMm.height())), Qt::white);

    if (feedback) feedback->setProgress(1, "extent");
    const model::Rect wanted = resolveExtent(doc, provider);
    result.title = expandTitle(doc.title, provider, wanted);
    result.subtitle = expandTitle(doc.subtitle, provider, wanted);
    if (result.title.isEmpty()) result.title = QString::fromStdString(provider.datasetName());

    // Chrome: title block, footer, body in between (millimetres).
    const double margin = 12.0 * ts;
    // Title and subtitle shrink (to 60 %) rather than run off the page.
    const double textWidthMm = pageMm.width() - 2 * margin;
    auto fitted = [&](const QString& text, double pt, bool bold) {
        const double w = mm(TextFace(pt, bold, dpi, device).advance(text));
        return w > textWidthMm ? std::max(pt * 0.6, pt * textWidthMm / w) : pt;
    };
    const TextFace ftitle(fitted(result.title, 24.0 * ts, true), true, dpi, device);
    const TextFace fsub(fitted(result.subtitle, 12.0 * ts, false), false, dpi, device);
    const TextFace ffoot(8.5 * ts, false, dpi, device);
    const double titleTop = margin;
    const double titleH = mm(ftitle.height());
    const double subH = result.subtitle.isEmpty() ? 0.0 : mm(fsub.height()) + 1.0 * ts;
    const double bodyTop = titleTop + titleH + subH + 4.0 * ts;
    const double footerH = mm(ffoot.height()) + 2.5 * ts;
    const QRectF body(margin, bodyTop, pageMm.width() - 2 * margin, pageMm.height() - margin - footerH - bodyTop);
    const double gap = 5.0 * ts;
    const double pad = 4.0 * ts;
    const bool landscape = pageMm.width() >= pageMm.height();

    auto toPx = [&](const QRectF& r) {
        return QRect(QPoint(static_cast<int>(std::lround(px(r.left()))), static_cast<int>(std::lround(px(r.top())))),
                     QSize(static_cast<int>(std::lround(px(r.width()))), static_cast<int>(std::lround(px(r.height())))));
    };
    // The nicest scale that shows all of `wanted` in a frame (or the document's fixed scale).
    auto scaleFor = [&](const QSizeF& frameMm) {
        if (doc.page.scale) return *doc.page.scale;
        return niceScaleDenominator(std::max(wanted.width() / (frameMm.width() / 1000.0), wanted.height() / (frameMm.height() / 1000.0)));
    };
    // Settings for a frame at a scale, centred on `wanted`; exact: the extent follows the frame's pixels.
    auto settingsFor = [&](const QRectF& frameMm, double scale) {
        const QRect framePx = toPx(frameMm);
        const double w = framePx.width() / dpi * kMmPerInch / 1000.0 * scale;
        const double h = framePx.height() / dpi * kMmPerInch / 1000.0 * scale;
        const auto c = wanted.center();
        MapSettings s = makeMapSettings(doc, model::Rect{c.x - w / 2, c.y - h / 2, c.x + w / 2, c.y + h / 2}, framePx.size(), dpi,
                                        options.reveal, options.rasterOpener);
        s.antialiasing = options.antialiasing;
        return std::pair{s, framePx};
    };

    // Furniture beside the legend: scale block (numbers, bar, "比例尺 1:N") and the north arrow.
    const TextFace fs(8.0 * ts, false, dpi, device), fbar(7.5 * ts, false, dpi, device);
    const double barMaxMm = 40.0 * ts;
    const double barBlockH = mm(fbar.height()) + 0.8 * ts + 1.6 * ts; // numbers, gap, bar
    const double scaleBlockW = barMaxMm + 10.0 * ts;
    const double scaleBlockH = barBlockH + 1.5 * ts + mm(fs.height());
    const double arrowW = 8.0 * ts;
    const double arrowH = mm(TextFace(10.0 * ts, true, dpi, device).height()) + 0.6 * ts + 13.0 * ts;
    const QSizeF furniture(scaleBlockW + gap + arrowW, std::max(scaleBlockH, arrowH));

    // The legend lists what the map draws, and its size shapes the map frame: count first on a
    // provisional frame, lay the legend out, then fit the frame beside (or above) it.
    const QRectF provisional = landscape ? QRectF(body.left(), body.top(), body.width() * 0.78, body.height())
                                         : QRectF(body.left(), body.top(), body.width(), body.height() * 0.78);
    if (feedback) feedback->setProgress(3, "legend");
    std::vector<LayerError> countErrors;
    {
        const MapSettings counting = settingsFor(provisional, scaleFor(provisional.size())).first;
        result.legend = buildLegend(counting, countFeatures(counting, provider, &countErrors, feedback));
    }
    std::optional<LegendLayout> legend;
    QSizeF legendMm(0, 0);
    auto layOut = [&](double maxHeightMm) {
        legend.emplace(result.legend, px(maxHeightMm), dpi, device, ts);
        legendMm = result.legend.empty() ? QSizeF(0, 0) : QSizeF(mm(legend->size().width()), mm(legend->size().height()));
    };
    QRectF frameMm, panelMm;
    QPointF legendAt, furnitureAt;
    double scale = 0;
    if (landscape) {
        // [map frame] [panel: legend above, furniture at the bottom], centred as one block.
        layOut(body.height() - 2 * pad - furniture.height() - gap);
        const double panelW = std::max(legendMm.width(), furniture.width()) + 2 * pad;
        const QRectF available(body.left(), body.top(), body.width() - panelW - gap, body.height());
        scale = scaleFor(available.size());
        const double needed = wanted.width() / scale * 1000.0 + 1.0;
        const double frameW = std::clamp(needed, available.width() * 0.4, available.width());
        const double left = body.left() + (body.width() - (frameW + gap + panelW)) / 2;
        frameMm = QRectF(left, body.top(), frameW, body.height());
        panelMm = QRectF(left + frameW + gap, body.top(), panelW, body.height());
        legendAt = panelMm.topLeft() + QPointF(pad, pad);
        furnitureAt = QPointF(panelMm.left() + pad, panelMm.bottom() - pad - furniture.height());
    } else {
        // [map frame] over [strip: legend columns, furniture at the right], centred as one block.
        const double legendMaxW = body.width() - 2 * pad - furniture.width() - gap;
        for (double maxH = 40.0 * ts;; maxH += 8.0 * ts) {
            layOut(maxH);
            if (legendMm.width() <= legendMaxW || maxH > body.height() * 0.5) break;
        }
        const double stripH = std::max(legendMm.height(), furniture.height()) + 2 * pad;
        const QRectF available(body.left(), body.top(), body.width(), body.height() - stripH - gap);
        scale = scaleFor(available.size());
        const double needed = wanted.height() / scale * 1000.0 + 1.0;
        const double frameH = std::clamp(needed, available.height() * 0.4, available.height());
        const double top = body.top() + (body.height() - (frameH + gap + stripH)) / 2;
        frameMm = QRectF(body.left(), top, body.width(), frameH);
        panelMm = QRectF(body.left(), top + frameH + gap, body.width(), stripH);
        legendAt = panelMm.topLeft() + QPointF(pad, pad);
        furnitureAt = QPointF(panelMm.right() - pad - furniture.width(), panelMm.top() + pad);
    }

    auto [settings, framePx] = settingsFor(frameMm, scale);
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

    // Frame.
    painter.setBrush(Qt::NoBrush);
    QPen framePen(kInk, px(0.4));
    framePen.setJoinStyle(Qt::MiterJoin);
    painter.setPen(framePen);
    painter.drawRect(QRectF(framePx));

    // Panel: legend, scale bar, north arrow.
    painter.setPen(QPen(QColor(0x99, 0x99, 0x99), px(0.25)));
    painter.setBrush(QColor(0xfb, 0xfa, 0xf7));
    painter.drawRect(QRectF(px(panelMm.left()), px(panelMm.top()), px(panelMm.width()), px(panelMm.height())));
    if (!result.legend.empty()) legend->draw(painter, QPointF(px(legendAt.x()), px(legendAt.y())));
    {
        result.scaleBar = niceScaleBar(result.scaleDenominator, barMaxMm);
        const QPointF barBottomLeft(px(furnitureAt.x()), px(furnitureAt.y() + barBlockH));
        drawScaleBar(painter, result.scaleBar, barBottomLeft, dpi, ts);
        result.scaleBarMm = QRectF(furnitureAt.x(), furnitureAt.y() + barBlockH - 1.6 * ts, result.scaleBar.lengthMm, 1.6 * ts);
        painter.setPen(kInk);
        fs.draw(painter, QPointF(px(furnitureAt.x()), px(furnitureAt.y() + barBlockH + 1.5 * ts) + fs.ascent()),
                QStringLiteral("比例尺 ") + formatScale(result.scaleDenominator));
        drawNorthArrow(painter, QPointF(px(furnitureAt.x() + scaleBlockW + gap + arrowW / 2), px(furnitureAt.y())), dpi, ts);
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
    const QString right = maskingNote(options.reveal);
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
