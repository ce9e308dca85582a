#include "render/floor_plan_chart.h"

#include <QBuffer>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>

#include "model/support/error.h"
#include "render/chart_writer.h"
#include "render/fonts.h"
#include "render/painter_state.h"
#include "render/pdf_text_fix.h"
#include "render/text_face.h"
#include "render/units.h"

namespace gridatlas::render {

namespace {

constexpr double kVectorDpi = 300.0;
const QColor kInk(0x22, 0x22, 0x22);
const QColor kMuted(0x66, 0x66, 0x66);
const QColor kGridLine(0x8a, 0x8a, 0x8a);
const QColor kMemberRed(0xc0, 0x16, 0x1b);

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

/// Draws `text` centred on `centre` (device px) if it fits in `maxWidth`; returns whether it did.
bool drawCentred(QPainter& p, const TextFace& f, QPointF centre, const QString& text, double maxWidth = 1e9) {
    const double w = f.advance(text);
    if (w > maxWidth) return false;
    f.draw(p, QPointF(centre.x() - w / 2, centre.y() - f.height() / 2 + f.ascent()), text);
    return true;
}

QPainterPath pathOf(const model::Geometry& g, const std::function<QPointF(model::Vec2)>& toPx) {
    QPainterPath path;
    path.setFillRule(Qt::OddEvenFill);
    for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
        const std::uint32_t begin = g.ringBegin(r), end = g.ringEnds[r];
        if (end <= begin) continue;
        path.moveTo(toPx(g.coords[begin]));
        for (std::uint32_t i = begin + 1; i < end; ++i) path.lineTo(toPx(g.coords[i]));
        path.closeSubpath();
    }
    return path;
}

QString countText(const PlanCount& c) {
    return QStringLiteral("%1/%2").arg(c.households).arg(c.members);
}

} // namespace

QColor planStatusColor(PlanStatus s) {
    switch (s) {
    case PlanStatus::Member:
        return QColor(0xf2, 0x8e, 0x86);
    case PlanStatus::Hardship:
        return QColor(0xf6, 0xc1, 0x5a);
    case PlanStatus::ElderlyAlone:
        return QColor(0xbc, 0xa6, 0xe0);
    case PlanStatus::Disability:
        return QColor(0x86, 0xb9, 0xe0);
    case PlanStatus::LeftBehindChildren:
        return QColor(0xa8, 0xd8, 0x7a);
    case PlanStatus::Care:
        return QColor(0xf6, 0xb2, 0x6b);
    case PlanStatus::Ordinary:
        return QColor(0xe4, 0xeb, 0xf0);
    case PlanStatus::Vacant:
        return QColor(0xc8, 0xc8, 0xc8);
    case PlanStatus::NoHousehold:
        return QColor(0xff, 0xff, 0xff);
    }
    return Qt::white;
}

QString planStatusName(PlanStatus s) {
    switch (s) {
    case PlanStatus::Member:
        return QStringLiteral("党员户（家有党员）");
    case PlanStatus::Hardship:
        return QStringLiteral("困难户、低保户");
    case PlanStatus::ElderlyAlone:
        return QStringLiteral("独居老人");
    case PlanStatus::Disability:
        return QStringLiteral("残疾人家庭");
    case PlanStatus::LeftBehindChildren:
        return QStringLiteral("留守儿童");
    case PlanStatus::Care:
        return QStringLiteral("重点关爱户");
    case PlanStatus::Ordinary:
        return QStringLiteral("一般住户");
    case PlanStatus::Vacant:
        return QStringLiteral("空置");
    case PlanStatus::NoHousehold:
        return QStringLiteral("未登记");
    }
    return {};
}

std::vector<PlanStatus> planLegendStatuses(bool reveal) {
    if (reveal)
        return {PlanStatus::Member,     PlanStatus::Hardship,           PlanStatus::ElderlyAlone,
                PlanStatus::Disability, PlanStatus::LeftBehindChildren, PlanStatus::Ordinary,
                PlanStatus::Vacant,     PlanStatus::NoHousehold};
    return {PlanStatus::Member, PlanStatus::Care, PlanStatus::Ordinary, PlanStatus::Vacant, PlanStatus::NoHousehold};
}

int FloorPlanChartData::columns() const {
    int n = 0;
    for (const auto& u : units) n += u.flats;
    return n;
}

QSizeF floorPlanPageMm(const FloorPlanChartData& data, const FloorPlanChartOptions& options) {
    const PageSize size = options.page.value_or(PageSize::A3);
    PageOrientation o = PageOrientation::Landscape;
    if (options.orientation)
        o = *options.orientation;
    else if (data.drawings.empty() && data.columns() > 0 && data.floors.size() > 2 * static_cast<std::size_t>(data.columns()))
        o = PageOrientation::Portrait;
    const QSizeF portrait = size == PageSize::A4 ? QSizeF(210, 297) : QSizeF(297, 420);
    return o == PageOrientation::Portrait ? portrait : portrait.transposed();
}

void paintPlanDrawing(QPainter& painter, const PlanDrawing& drawing, const QRectF& rect, double dpi, double labelPt) {
    model::Rect b;
    for (const auto& r : drawing.rooms) b.expand(r.polygon.bounds());
    if (b.isEmpty() || rect.width() <= 0 || rect.height() <= 0) return;
    const double bw = std::max(b.width(), 1e-9), bh = std::max(b.height(), 1e-9);
    const double s = std::min(rect.width() / bw, rect.height() / bh);
    const QPointF c = rect.center();
    const model::Vec2 bc = b.center();
    auto toPx = [&](model::Vec2 p) { return QPointF(c.x() + (p.x - bc.x) * s, c.y() - (p.y - bc.y) * s); };
    const PainterState state(painter);
    const double line = mmToPx(0.25, dpi);
    // Common parts first, then flats, their rooms, outlines on top.
    auto rank = [](const std::string& kind) {
        if (kind == "flat") return 1;
        if (kind == "room") return 2;
        if (kind == "outline") return 3;
        return 0;
    };
    std::vector<const PlanRoomShape*> order;
    for (const auto& r : drawing.rooms) order.push_back(&r);
    std::stable_sort(order.begin(), order.end(), [&](const auto* a, const auto* b2) { return rank(a->kind) < rank(b2->kind); });
    for (const auto* r : order) {
        const QPainterPath path = pathOf(r->polygon, toPx);
        if (r->kind == "outline") {
            painter.setBrush(Qt::NoBrush);
            painter.setPen(QPen(kInk, line * 2.4));
        } else if (r->kind == "flat") {
            painter.setBrush(planStatusColor(r->status));
            painter.setPen(QPen(kInk, line * 1.4));
        } else if (r->kind == "stair") {
            painter.setBrush(QBrush(QColor(0x9a, 0x9a, 0x9a), Qt::BDiagPattern));
            painter.setPen(QPen(kInk, line));
        } else if (r->kind == "room") {
            painter.setBrush(Qt::NoBrush);
            painter.setPen(QPen(kGridLine, line * 0.8));
        } else {
            painter.setBrush(QColor(0xf2, 0xf2, 0xf2));
            painter.setPen(QPen(kGridLine, line));
        }
        painter.drawPath(path);
    }
    if (labelPt <= 0) return;
    const TextFace f(labelPt, false, dpi, painter.device()), fb(labelPt, true, dpi, painter.device());
    const TextFace fs(labelPt * 0.8, false, dpi, painter.device());
    for (const auto* r : order) {
        if (r->label.empty() || r->kind == "outline") continue;
        const QRectF box = pathOf(r->polygon, toPx).boundingRect();
        const model::Vec2 at = model::interiorPoint(r->polygon);
        QPointF centre = toPx(at);
        const QString label = q(r->label);
        if (r->kind == "flat") {
            // A flat drawn with its rooms keeps its number on one line along its top edge, clear
            // of the room names.
            bool hasRooms = false;
            for (const auto& other : drawing.rooms)
                hasRooms = hasRooms || (other.kind == "room" && model::contains(r->polygon, model::interiorPoint(other.polygon)));
            if (hasRooms) {
                const QString text = r->members > 0 ? label + QStringLiteral(" ★%1").arg(r->members) : label;
                const QPointF top(box.center().x(), box.top() + line * 2 + fb.height() / 2);
                const double w = fb.advance(text);
                if (w <= box.width() * 1.05) {
                    const double x = top.x() - w / 2, baseline = top.y() - fb.height() / 2 + fb.ascent();
                    painter.setPen(kInk);
                    fb.draw(painter, QPointF(x, baseline), label);
                    if (r->members > 0) {
                        painter.setPen(kMemberRed);
                        fb.draw(painter, QPointF(x + fb.advance(label + QStringLiteral(" ")), baseline),
                                QStringLiteral("★%1").arg(r->members));
                    }
                }
                continue;
            }
            painter.setPen(kInk);
            const bool twoLines = r->members > 0 && box.height() > 2.4 * fb.height();
            if (twoLines) centre.ry() -= fb.height() / 2;
            drawCentred(painter, fb, centre, label, box.width() * 1.05);
            if (r->members > 0) {
                painter.setPen(kMemberRed);
                const QString star = QStringLiteral("★%1").arg(r->members);
                if (twoLines)
                    drawCentred(painter, fb, centre + QPointF(0, fb.height()), star, box.width() * 1.05);
                else
                    fb.draw(painter, QPointF(box.right() - fb.advance(star) - line * 2, box.top() + line * 2 + fb.ascent()),
                            star);
            }
        } else {
            painter.setPen(r->kind == "room" ? kMuted : kInk);
            drawCentred(painter, r->kind == "room" ? fs : f, centre, label, box.width() * 0.9);
        }
    }
}

/// The status legend in one or more lines ending at `bottom` (mm) between `left` and `right`;
/// returns its height in mm.
double paintStatusLegend(QPainter& painter, const FloorPlanChartData& data, double left, double right, double bottom, double dpi,
                         double ts) {
    auto px = [&](double mm) { return mmToPx(mm, dpi); };
    auto mm = [&](double p) { return pxToMm(p, dpi); };
    const QPaintDevice* device = painter.device();
    // Legend: swatches above the footer, wrapped onto more lines when the page is narrow.
    const TextFace flegend(8.5 * ts, false, dpi, device), flegendBold(8.5 * ts, true, dpi, device);
    struct LegendItem {
        std::optional<PlanStatus> swatch;
        QString red; ///< drawn first, in member red
        QString text;
        double width = 0; ///< mm
    };
    const double sw = 6.0 * ts, gap = 4.0 * ts;
    std::vector<LegendItem> items;
    for (PlanStatus st : planLegendStatuses(data.reveal)) items.push_back({st, {}, planStatusName(st)});
    items.push_back({std::nullopt, QStringLiteral("★2"), QStringLiteral(" 党员人数")});
    items.push_back({std::nullopt, {}, QStringLiteral("“户/党员”：住户数/党员人数")});
    items.push_back({std::nullopt, {}, QStringLiteral("左下角小方块：该户同时属于的其他类别")});
    for (auto& it : items)
        it.width = (it.swatch ? sw + 1.2 * ts : 0.0) + mm(flegendBold.advance(it.red)) + mm(flegend.advance(it.text));
    const double labelW = mm(flegendBold.advance(QStringLiteral("图例"))) + 3.0 * ts;
    const double lineH = mm(flegend.height()) + 1.5 * ts;
    std::vector<int> lineOf(items.size());
    {
        double x = left + labelW;
        int line = 0;
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (x + items[i].width > right && x > left + labelW) {
                ++line;
                x = left + labelW;
            }
            lineOf[i] = line;
            x += items[i].width + gap;
        }
    }
    const int legendLines = items.empty() ? 0 : lineOf.back() + 1;
    const double legendH = lineH * legendLines + 2.5 * ts;
    {
        const double y0 = bottom - legendH + 2.0 * ts;
        const double sh = mm(flegend.height()) * 0.8;
        painter.setPen(kInk);
        flegendBold.draw(painter, QPointF(px(left), px(y0) + flegend.ascent()), QStringLiteral("图例"));
        double x = left + labelW;
        int line = 0;
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (lineOf[i] != line) {
                line = lineOf[i];
                x = left + labelW;
            }
            const double y = y0 + lineH * line;
            const auto& it = items[i];
            if (it.swatch) {
                const QRectF box(px(x), px(y + (mm(flegend.height()) - sh) / 2), px(sw), px(sh));
                painter.setBrush(planStatusColor(*it.swatch));
                const bool none = *it.swatch == PlanStatus::NoHousehold;
                painter.setPen(QPen(none ? kGridLine : kInk, px(0.2), none ? Qt::DashLine : Qt::SolidLine));
                painter.drawRect(box);
                x += sw + 1.2 * ts;
            }
            if (!it.red.isEmpty()) {
                painter.setPen(kMemberRed);
                flegendBold.draw(painter, QPointF(px(x), px(y) + flegend.ascent()), it.red);
                x += mm(flegendBold.advance(it.red));
            }
            painter.setPen(kInk);
            flegend.draw(painter, QPointF(px(x), px(y) + flegend.ascent()), it.text);
            x += mm(flegend.advance(it.text)) + gap;
        }
    }
    return legendH;
}

FloorPlanChartResult paintFloorPlanBody(QPainter& painter, const FloorPlanChartData& data, const QRectF& areaMm, double dpi,
                                        double ts, bool withLegend) {
    ensureFontsLoaded();
    FloorPlanChartResult result;
    auto px = [&](double mm) { return mmToPx(mm, dpi); };
    auto mm = [&](double p) { return pxToMm(p, dpi); };
    const QPaintDevice* device = painter.device();
    const PainterState state(painter);
    const double margin = areaMm.left();
    const double top = areaMm.top();
    const double bodyBottom =
        withLegend ? areaMm.bottom() - paintStatusLegend(painter, data, areaMm.left(), areaMm.right(), areaMm.bottom(), dpi, ts)
                   : areaMm.bottom();
    const TextFace ffoot(8.5 * ts, false, dpi, device);
    // Body: the table, and the drawn floors on the right when there are any.
    const double bodyW = areaMm.width();
    const bool withDrawings = !data.drawings.empty();
    const double tableW = withDrawings ? bodyW * 0.58 : bodyW;
    const QRectF tableArea(margin, top, tableW, bodyBottom - top);

    const int columns = data.columns();
    const int rows = static_cast<int>(data.floors.size());
    if (columns > 0 && rows > 0) {
        const double floorW = 11.0 * ts, countW = 16.0 * ts;
        const double headerH = 6.0 * ts;
        const double cw = std::min(30.0 * ts, (tableArea.width() - floorW - countW) / columns);
        const double ch = std::min(11.0 * ts, (tableArea.height() - 3 * headerH) / rows);
        const double gridW = floorW + cw * columns + countW;
        const double x0 = tableArea.left() + (tableArea.width() - gridW) / 2;
        const double y0 = tableArea.top();
        result.tableMm = QRectF(x0, y0, gridW, 2 * headerH + ch * rows + headerH);
        const double cellPt = std::clamp(std::min(ch * 1.15, cw * 0.62) / ts, 3.0, 9.0) * ts;
        const TextFace fcell(cellPt, false, dpi, device), fstar(cellPt, true, dpi, device);
        // Member cells too narrow for "room ★n" on one line take two lines.
        const double cellPt2 = std::min(cellPt, ch / 2.0 / 1.25 * kPtPerInch / kMmPerInch);
        const TextFace fcell2(cellPt2, false, dpi, device), fstar2(cellPt2, true, dpi, device);
        const TextFace fhead(std::min(8.0 * ts, cellPt * 1.15), true, dpi, device);
        const TextFace fcount(std::min(7.5 * ts, cellPt * 1.05), false, dpi, device);
        const double line = px(0.18);

        // Header: unit names over their flats, flat numbers, "户/党员".
        painter.setPen(kInk);
        int col = 0;
        for (const auto& u : data.units) {
            const QRectF r(px(x0 + floorW + cw * col), px(y0), px(cw * u.flats), px(headerH));
            painter.setBrush(QColor(0xf3, 0xf1, 0xec));
            painter.setPen(QPen(kGridLine, line));
            painter.drawRect(r);
            painter.setPen(kInk);
            drawCentred(painter, fhead, r.center(), QStringLiteral("%1单元").arg(u.number), r.width() * 1.02) ||
                drawCentred(painter, fhead, r.center(), QString::number(u.number));
            for (int k = 1; k <= u.flats; ++k) {
                const QRectF fr(px(x0 + floorW + cw * (col + k - 1)), px(y0 + headerH), px(cw), px(headerH));
                painter.setBrush(QColor(0xfa, 0xf9, 0xf6));
                painter.setPen(QPen(kGridLine, line));
                painter.drawRect(fr);
                painter.setPen(kMuted);
                drawCentred(painter, fcount, fr.center(), QStringLiteral("%1").arg(k, 2, 10, QLatin1Char('0')));
            }
            col += u.flats;
        }
        {
            painter.setPen(kInk);
            const QRectF r(px(x0 + floorW + cw * columns), px(y0), px(countW), px(2 * headerH));
            drawCentred(painter, fhead, r.center(), QStringLiteral("户/党员"), r.width() * 1.1);
            const QRectF l(px(x0), px(y0), px(floorW), px(2 * headerH));
            drawCentred(painter, fhead, l.center(), QStringLiteral("楼层"), l.width() * 1.1);
        }

        // Cells.
        const double rowTop = y0 + 2 * headerH;
        for (int r = 0; r < rows; ++r) {
            const double y = rowTop + ch * r;
            painter.setPen(kInk);
            const QRectF lr(px(x0), px(y), px(floorW), px(ch));
            const int floor = data.floors[static_cast<std::size_t>(r)];
            drawCentred(painter, fcount, lr.center(),
                        floor < 0 ? QStringLiteral("B%1").arg(-floor) : QStringLiteral("%1层").arg(floor));
            for (int c = 0; c < columns; ++c) {
                const PlanCell& cell = data.cells[static_cast<std::size_t>(r * columns + c)];
                const QRectF cr(px(x0 + floorW + cw * c), px(y), px(cw), px(ch));
                painter.setBrush(planStatusColor(cell.status));
                if (cell.status == PlanStatus::NoHousehold)
                    painter.setPen(QPen(QColor(0xbb, 0xbb, 0xbb), line, Qt::DashLine));
                else
                    painter.setPen(QPen(kGridLine, line));
                painter.drawRect(cr);
                painter.setPen(cell.status == PlanStatus::NoHousehold ? QColor(0xaa, 0xaa, 0xaa) : kInk);
                const QString room = q(cell.room);
                if (cell.members > 0) {
                    // Room number left, the member marker right.
                    const QString star = QStringLiteral("★%1").arg(cell.members);
                    const double sw = fstar.advance(star), rw = fcell.advance(room);
                    const double pad = px(0.6 * ts);
                    const double baseline = cr.center().y() - fcell.height() / 2 + fcell.ascent();
                    if (rw + sw + 3 * pad <= cr.width()) {
                        fcell.draw(painter, QPointF(cr.left() + pad, baseline), room);
                        painter.setPen(kMemberRed);
                        fstar.draw(painter, QPointF(cr.right() - pad - sw, baseline), star);
                    } else if (cr.height() >= 2.1 * fcell2.height() && fcell2.advance(room) <= cr.width() * 0.98) {
                        // Too narrow for one line: the room number over the marker.
                        const QPointF c = cr.center();
                        drawCentred(painter, fcell2, c - QPointF(0, fcell2.height() / 2), room);
                        painter.setPen(kMemberRed);
                        drawCentred(painter, fstar2, c + QPointF(0, fcell2.height() / 2), star);
                    } else {
                        painter.setPen(kMemberRed);
                        drawCentred(painter, fstar, cr.center(), star, cr.width());
                    }
                } else {
                    drawCentred(painter, fcell, cr.center(), room, cr.width() * 0.98);
                }
                // Further statuses as small corner squares.
                const double m = std::min(px(1.4 * ts), cr.height() / 3);
                double mx = cr.left() + line * 2;
                for (PlanStatus s : cell.also) {
                    painter.setBrush(planStatusColor(s));
                    painter.setPen(QPen(kInk, line * 0.6));
                    painter.drawRect(QRectF(mx, cr.bottom() - m - line * 2, m, m));
                    mx += m + line * 2;
                }
            }
            painter.setPen(kInk);
            const QRectF cr(px(x0 + floorW + cw * columns), px(y), px(countW), px(ch));
            const auto& fc = data.floorCounts[static_cast<std::size_t>(r)];
            if (fc.members > 0) painter.setPen(kMemberRed);
            drawCentred(painter, fcount, cr.center(), countText(fc));
        }
        // Unit totals and the building's total.
        const double ty = rowTop + ch * rows;
        col = 0;
        for (const auto& u : data.units) {
            const QRectF r(px(x0 + floorW + cw * col), px(ty), px(cw * u.flats), px(headerH));
            painter.setBrush(QColor(0xf3, 0xf1, 0xec));
            painter.setPen(QPen(kGridLine, line));
            painter.drawRect(r);
            painter.setPen(u.count.members > 0 ? kMemberRed : kInk);
            const QString full = QStringLiteral("%1户 · 党员%2名").arg(u.count.households).arg(u.count.members);
            drawCentred(painter, fcount, r.center(), full, r.width() * 0.98) ||
                drawCentred(painter, fcount, r.center(), countText(u.count));
            col += u.flats;
        }
        painter.setPen(kInk);
        drawCentred(painter, fhead, QRectF(px(x0), px(ty), px(floorW), px(headerH)).center(), QStringLiteral("合计"));
        painter.setPen(data.total.members > 0 ? kMemberRed : kInk);
        drawCentred(painter, fhead, QRectF(px(x0 + floorW + cw * columns), px(ty), px(countW), px(headerH)).center(),
                    countText(data.total));
    }

    if (columns == 0 || rows == 0) {
        // A building without units or households (a shop, a school) has no building table.
        const TextFace fnote(12.0 * ts, false, dpi, device);
        painter.setPen(kMuted);
        drawCentred(painter, fnote, QPointF(px(tableArea.center().x()), px(tableArea.top() + 30.0 * ts)),
                    QStringLiteral("该楼栋没有单元和住户记录，无楼盘表"));
    }

    // Drawn floors, stacked on the right.
    if (withDrawings) {
        const double dx = margin + tableW + 6.0 * ts, dw = bodyW - tableW - 6.0 * ts;
        const std::size_t shown = std::min<std::size_t>(data.drawings.size(), 3);
        const double slotH = (bodyBottom - top) / static_cast<double>(shown);
        const TextFace fdt(10.0 * ts, true, dpi, device);
        for (std::size_t i = 0; i < shown; ++i) {
            const double sy = top + slotH * static_cast<double>(i);
            painter.setPen(kInk);
            fdt.draw(painter, QPointF(px(dx), px(sy) + fdt.ascent()), q(data.drawings[i].title));
            QRectF area(dx, sy + mm(fdt.height()) + 2.0 * ts, dw, slotH - mm(fdt.height()) - 6.0 * ts);
            // Just below its title: as tall as the drawing needs at the slot's width.
            model::Rect b;
            for (const auto& r : data.drawings[i].rooms) b.expand(r.polygon.bounds());
            if (!b.isEmpty() && b.width() > 0) area.setHeight(std::min(area.height(), area.width() * b.height() / b.width()));
            result.drawingsMm.push_back(area);
            paintPlanDrawing(painter, data.drawings[i],
                             QRectF(px(area.left()), px(area.top()), px(area.width()), px(area.height())), dpi, 7.0 * ts);
        }
        if (data.drawings.size() > shown) {
            painter.setPen(kMuted);
            ffoot.draw(painter, QPointF(px(dx), px(bodyBottom) - ffoot.descent()),
                       QStringLiteral("另有 %1 个楼层平面未列出（见查看器）").arg(data.drawings.size() - shown));
        }
    }
    return result;
}

FloorPlanChartResult paintFloorPlanChart(QPainter& painter, const FloorPlanChartData& data, QSizeF pageMm, double dpi,
                                         const FloorPlanChartOptions& options) {
    ensureFontsLoaded();
    FloorPlanChartResult result;
    result.pageMm = pageMm;
    const double ts = std::min(pageMm.width(), pageMm.height()) / 297.0; // 1 on A3
    auto px = [&](double mm) { return mmToPx(mm, dpi); };
    auto mm = [&](double p) { return pxToMm(p, dpi); };
    const QPaintDevice* device = painter.device();
    const PainterState state(painter);
    painter.setRenderHint(QPainter::Antialiasing, options.antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    painter.fillRect(QRectF(0, 0, px(pageMm.width()), px(pageMm.height())), Qt::white);

    // Title block and footer.
    const double margin = 12.0 * ts;
    const QString title = q(data.title), subtitle = q(data.subtitle);
    const TextFace ftitle(20.0 * ts, true, dpi, device), fsub(11.0 * ts, false, dpi, device), ffoot(8.5 * ts, false, dpi, device);
    const double pageW = px(pageMm.width());
    painter.setPen(kInk);
    ftitle.draw(painter, QPointF((pageW - ftitle.advance(title)) / 2, px(margin) + ftitle.ascent()), title);
    double top = margin + mm(ftitle.height()) + 1.0 * ts;
    if (!subtitle.isEmpty()) {
        painter.setPen(QColor(0x44, 0x44, 0x44));
        fsub.draw(painter, QPointF((pageW - fsub.advance(subtitle)) / 2, px(top) + fsub.ascent()), subtitle);
        top += mm(fsub.height());
    }
    top += 5.0 * ts;
    const double footerH = mm(ffoot.height()) + 3.0 * ts;
    const double bottom = pageMm.height() - margin - footerH;

    const double legendH = paintStatusLegend(painter, data, margin, pageMm.width() - margin, bottom, dpi, ts);
    const double bodyBottom = bottom - legendH;

    // Footer: atlas, date, masking note.
    {
        const QDate date = options.date.isValid() ? options.date : QDate::currentDate();
        const QString left = q(data.atlasName);
        const QString centre =
            QStringLiteral("制图日期：%1年%2月%3日 · GridAtlas").arg(date.year()).arg(date.month()).arg(date.day());
        const QString right = data.reveal ? QStringLiteral("含未脱敏个人信息（困难、残疾等）· 仅限内部使用，注意保密")
                                          : QStringLiteral("个人信息已脱敏：困难、低保、独居、残疾、留守合并为“重点关爱户”");
        const double footY = px(pageMm.height() - margin - footerH + 3.0 * ts) + ffoot.ascent();
        painter.setPen(kMuted);
        ffoot.draw(painter, QPointF(px(margin), footY), left);
        ffoot.draw(painter, QPointF((pageW - ffoot.advance(centre)) / 2, footY), centre);
        if (data.reveal) painter.setPen(kMemberRed);
        ffoot.draw(painter, QPointF(px(pageMm.width() - margin) - ffoot.advance(right), footY), right);
    }

    FloorPlanChartResult body = paintFloorPlanBody(painter, data, QRectF(margin, top, pageMm.width() - 2 * margin, bodyBottom - top), dpi, ts, false);
    result.tableMm = body.tableMm;
    result.drawingsMm = body.drawingsMm;
    return result;
}

FloorPlanChartResult writeFloorPlanChart(const FloorPlanChartData& data, const std::string& path,
                                         const FloorPlanChartOptions& options) {
    const OutputFormat format = outputFormatOf(path);
    {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) throw RenderError("output '" + path + "' is a folder");
    }
    ensureFontsLoaded();
    QSaveFile out(QString::fromStdString(path));
    if (!out.open(QIODevice::WriteOnly)) throw RenderError("cannot write '" + path + "': " + out.errorString().toStdString());
    const QSizeF pageMm = floorPlanPageMm(data, options);
    const bool landscape = pageMm.width() > pageMm.height();
    const bool a4 = std::min(pageMm.width(), pageMm.height()) < 250;
    FloorPlanChartResult result;
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    switch (format) {
    case OutputFormat::Png: {
        const QSize size(static_cast<int>(std::lround(mmToPx(pageMm.width(), options.dpi))),
                         static_cast<int>(std::lround(mmToPx(pageMm.height(), options.dpi))));
        QImage image(size, QImage::Format_RGB32);
        if (image.isNull()) throw RenderError("cannot allocate the image for '" + path + "' (lower the dpi)");
        const int dpm = static_cast<int>(std::lround(options.dpi / kMmPerInch * 1000.0));
        image.setDotsPerMeterX(dpm);
        image.setDotsPerMeterY(dpm);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            result = paintFloorPlanChart(painter, data, pageMm, options.dpi, options);
        }
        if (!image.save(&buffer, "PNG")) throw RenderError("cannot encode the PNG for '" + path + "'");
        break;
    }
    case OutputFormat::Pdf: {
        {
            QPdfWriter pdf(&buffer);
            pdf.setCreator(QStringLiteral("GridAtlas"));
            pdf.setTitle(q(data.title));
            pdf.setPageLayout(QPageLayout(QPageSize(a4 ? QPageSize::A4 : QPageSize::A3),
                                          landscape ? QPageLayout::Landscape : QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
            pdf.setResolution(static_cast<int>(kVectorDpi));
            QPainter painter;
            if (!painter.begin(&pdf)) throw RenderError("cannot start the PDF for '" + path + "'");
            result = paintFloorPlanChart(painter, data, pageMm, kVectorDpi, options);
            painter.end();
        }
        fixPdfToUnicode(bytes);
        break;
    }
    case OutputFormat::Svg: {
        const QSize size(static_cast<int>(std::lround(mmToPx(pageMm.width(), kVectorDpi))),
                         static_cast<int>(std::lround(mmToPx(pageMm.height(), kVectorDpi))));
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setResolution(static_cast<int>(kVectorDpi));
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(q(data.title));
        svg.setDescription(QStringLiteral("GridAtlas building plan chart"));
        QPainter painter;
        if (!painter.begin(&svg)) throw RenderError("cannot start the SVG for '" + path + "'");
        result = paintFloorPlanChart(painter, data, pageMm, kVectorDpi, options);
        painter.end();
        break;
    }
    }
    if (out.write(bytes) != bytes.size() || !out.commit())
        throw RenderError("cannot write '" + path + "': " + out.errorString().toStdString());
    return result;
}

} // namespace gridatlas::render
