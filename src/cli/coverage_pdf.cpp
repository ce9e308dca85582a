// The coverage command's one-page PDF report (map + tables). Apart from the command because it
// draws with Qt: the lean gridatlas-cli (no Qt GUI, no GDAL; cli/lean.h) hands --out x.pdf to the
// full one.
#include <QBuffer>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSaveFile>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <string>

#include "cli/cmd_coverage_support.h"
#include "model/support/error.h"
#include "render/fonts.h"
#include "render/pdf_text_fix.h"
#include "storage/coverage.h"
#include "storage/coverage_data.h"
#include "storage/coverage_report.h"

namespace gridatlas::cli::coverage_support {

namespace {
using storage::CoverageData;
using storage::CoverageResult;

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

/// A4 portrait: title, the map (buildings by coverage, gap buildings in red, posts), then tables.
void writeCoveragePdf(const std::string& path, const CoverageData& data, const CoverageResult& r, const std::string& title) {
    render::ensureFontsLoaded();
    QByteArray bytes;
    {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QPdfWriter pdf(&buffer);
        pdf.setCreator(QStringLiteral("GridAtlas"));
        pdf.setTitle(q(title));
        pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
        pdf.setResolution(300);
        QPainter p;
        if (!p.begin(&pdf)) throw RenderError("cannot start the PDF for '" + path + "'");
        const double mm = 300 / 25.4;
        auto font = [&](double pt, bool bold = false) {
            QFont f(render::kFontFamily);
            f.setPixelSize(static_cast<int>(pt / 72.0 * 300));
            f.setBold(bold);
            return f;
        };
        const double left = 15 * mm, width = 180 * mm;
        double y = 15 * mm;
        p.setFont(font(16, true));
        p.drawText(QRectF(left, y, width, 10 * mm), Qt::AlignLeft | Qt::AlignVCenter, q(title));
        y += 11 * mm;
        p.setFont(font(9));
        const auto n = static_cast<std::int64_t>(data.households.size());
        char line[256];
        std::snprintf(line, sizeof line, "%s · %zu 个站点 · 覆盖 %lld / %lld 户 (%.1f%%)", data.atlasName.c_str(), r.posts.size(),
                      static_cast<long long>(r.coveredCount), static_cast<long long>(n),
                      n ? 100.0 * static_cast<double>(r.coveredCount) / static_cast<double>(n) : 0.0);
        p.drawText(QRectF(left, y, width, 6 * mm), Qt::AlignLeft | Qt::AlignVCenter, q(line));
        y += 8 * mm;

        // The map: fit the buildings' extent into a 180 x 120 mm frame.
        const QRectF frame(left, y, width, 120 * mm);
        model::Rect ext;
        for (const auto& b : data.buildings) ext.expand(b.footprint.bounds());
        for (auto k : r.posts) ext.expand(data.posts[static_cast<std::size_t>(k)].point);
        p.setPen(QPen(Qt::black, 0.3 * mm));
        p.drawRect(frame);
        if (!ext.isEmpty()) {
            const double s =
                std::min(frame.width() / std::max(ext.width(), 1.0), frame.height() / std::max(ext.height(), 1.0)) * 0.95;
            const double ox = frame.center().x() - ext.center().x * s, oy = frame.center().y() + ext.center().y * s;
            auto map = [&](model::Vec2 v) { return QPointF(ox + v.x * s, oy - v.y * s); };
            p.save();
            p.setClipRect(frame);
            std::vector<double> uncoveredShare(data.buildings.size(), -1);
            std::vector<std::int64_t> total(data.buildings.size(), 0), unc(data.buildings.size(), 0);
            for (std::size_t i = 0; i < data.households.size(); ++i) {
                const auto b = data.households.building[i];
                if (b < 0) continue;
                ++total[static_cast<std::size_t>(b)];
                unc[static_cast<std::size_t>(b)] += r.covered[i] ? 0 : 1;
            }
            p.setPen(Qt::NoPen);
            for (std::size_t b = 0; b < data.buildings.size(); ++b) {
                const auto& g = data.buildings[b].footprint;
                if (g.isEmpty()) continue;
                QPainterPath path;
                for (std::size_t ring = 0; ring < g.ringCount(); ++ring) {
                    QPolygonF poly;
                    for (auto k = g.ringBegin(ring); k < g.ringEnds[ring]; ++k) poly << map(g.coords[k]);
                    path.addPolygon(poly);
                }
                QColor c(200, 200, 200); // no households
                if (total[b] > 0)
                    c = unc[b] == 0 ? QColor(120, 190, 120) : (unc[b] == total[b] ? QColor(215, 48, 39) : QColor(244, 165, 80));
                p.fillPath(path, c);
            }
            for (auto k : r.posts) {
                const QPointF c = map(data.posts[static_cast<std::size_t>(k)].point);
                p.setBrush(QColor(33, 102, 172));
                p.setPen(QPen(Qt::white, 0.2 * mm));
                p.drawRect(QRectF(c.x() - 1.2 * mm, c.y() - 1.2 * mm, 2.4 * mm, 2.4 * mm));
            }
            p.restore();
        }
        y += 122 * mm;
        // Legend.
        p.setFont(font(7.5));
        double lx = left;
        for (const auto& [colour, label] : std::vector<std::pair<QColor, const char*>>{{QColor(120, 190, 120), "全部覆盖"},
                                                                                       {QColor(244, 165, 80), "部分覆盖"},
                                                                                       {QColor(215, 48, 39), "未覆盖"},
                                                                                       {QColor(200, 200, 200), "无住户"},
                                                                                       {QColor(33, 102, 172), "站点"}}) {
            p.fillRect(QRectF(lx, y + 1 * mm, 3 * mm, 3 * mm), colour);
            p.setPen(Qt::black);
            p.drawText(QRectF(lx + 4 * mm, y, 25 * mm, 5 * mm), Qt::AlignLeft | Qt::AlignVCenter, QString::fromUtf8(label));
            lx += 30 * mm;
        }
        y += 8 * mm;

        // Tables: categories, then the heaviest gap buildings.
        auto table = [&](const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                         const std::vector<double>& widthsMm) {
            const double rowH = 4.6 * mm;
            auto drawRow = [&](const std::vector<std::string>& cells, bool bold) {
                p.setFont(font(7.5, bold));
                double x = left;
                for (std::size_t c = 0; c < cells.size() && c < widthsMm.size(); ++c) {
                    p.drawText(QRectF(x, y, widthsMm[c] * mm, rowH), (c == 0 ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter,
                               q(cells[c]));
                    x += widthsMm[c] * mm;
                }
                y += rowH;
            };
            drawRow(header, true);
            p.setPen(QPen(Qt::gray, 0.15 * mm));
            p.drawLine(QPointF(left, y), QPointF(left + width, y));
            p.setPen(Qt::black);
            for (const auto& row : rows) drawRow(row, false);
            y += 3 * mm;
        };
        std::vector<std::vector<std::string>> cats;
        for (const auto& c : r.byCategory) {
            char pct[32], vpct[32];
            std::snprintf(pct, sizeof pct, "%.1f%%", c.percent());
            std::snprintf(vpct, sizeof vpct, "%lld", static_cast<long long>(c.households - c.covered));
            cats.push_back({c.name, std::to_string(c.households), std::to_string(c.covered), vpct, pct});
        }
        table({"住户类别", "住户", "已覆盖", "未覆盖", "覆盖率"}, cats, {60, 30, 30, 30, 30});
        std::vector<std::vector<std::string>> gaps;
        for (std::size_t k = 0; k < r.gaps.size() && k < 8; ++k) {
            const auto& g = r.gaps[k];
            const auto& b = data.buildings[static_cast<std::size_t>(g.building)];
            gaps.push_back({b.compound.empty() ? b.number : b.compound + " " + b.number, std::to_string(g.uncovered),
                            std::to_string(g.vulnerableUncovered), storage::formatNumber(g.nearestDistanceM, 0) + " 米"});
        }
        if (!gaps.empty()) table({"缺口楼栋 (按权重)", "未覆盖户", "其中重点关爱户", "最近站点距离"}, gaps, {90, 30, 30, 30});
        p.end();
    }
    render::fixPdfToUnicode(bytes);
    QSaveFile out(q(path));
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        throw InputError("cannot write '" + path + "': " + out.errorString().toStdString());
}

} // namespace gridatlas::cli::coverage_support
