// gridatlas-cli coverage: who each post type reaches (straight line or walking along streets),
// summaries by category, community and grid, the gap buildings, and why each uncovered household
// is not covered. Reports as CSV, XLSX or a one-page PDF (map + tables); a per-household CSV.
#include <QBuffer>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSaveFile>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include "cli/args.h"
#include "cli/cmd_coverage_support.h"
#include "cli/commands.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "render/fonts.h"
#include "render/pdf_text_fix.h"
#include "storage/atlas.h"
#include "storage/coverage.h"
#include "storage/coverage_data.h"
#include "storage/coverage_report.h"
#include "storage/isochrones.h"
#include "storage/street_network.h"

namespace gridatlas::cli {

namespace {

using storage::CoverageData;
using storage::CoverageResult;

std::string lowerExtension(const std::string& path) {
    const auto dot = path.rfind('.');
    if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return {};
    std::string e = path.substr(dot + 1);
    for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

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

} // namespace

int runCoverage(const ArgList& argv) {
    const Args args("coverage", argv,
                    {"atlas", "type", "minutes", "meters", "out", "per-household", "service-areas", "speed", "threads"},
                    {"network", "euclid"});
    if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional().front() + "'");
    if (args.flag("network") && args.flag("euclid"))
        throw InputError("gridatlas-cli coverage: give --network or --euclid, not both");
    storage::CoverageOptions options;
    options.postType = args.required("type");
    options.mode = args.flag("network") ? storage::DistanceMode::Network : storage::DistanceMode::Euclidean;
    options.minutes = coverage_support::positiveNumber(args, "minutes");
    options.meters = coverage_support::positiveNumber(args, "meters");
    if (const auto s = coverage_support::positiveNumber(args, "speed")) options.walkSpeedKmh = *s;
    if (const auto t = args.integer("threads", 1, 64)) options.threads = static_cast<int>(*t);
    const auto out = args.value("out");
    std::string format;
    if (out) {
        format = lowerExtension(*out);
        if (format != "csv" && format != "xlsx" && format != "pdf")
            throw InputError("gridatlas-cli coverage: --out '" + *out + "' must end in .csv, .xlsx or .pdf");
    }
    const auto areasPath = args.value("service-areas");
    if (areasPath && lowerExtension(*areasPath) != "geojson")
        throw InputError("gridatlas-cli coverage: --service-areas '" + *areasPath + "' must end in .geojson");
    const auto perHousehold = args.value("per-household");
    if (perHousehold && lowerExtension(*perHousehold) != "csv")
        throw InputError("gridatlas-cli coverage: --per-household '" + *perHousehold + "' must end in .csv");

    const auto start = std::chrono::steady_clock::now();
    Feedback feedback;
    coverage_support::attachProgress(feedback, "coverage");
    coverage_support::InterruptScope interrupts(feedback);
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadOnly);
    storage::CoverageLoadOptions load;
    load.streets = options.mode == storage::DistanceMode::Network;
    load.footprints = format == "pdf";
    const auto data = storage::loadCoverageData(*atlas, load, &feedback);
    if (!data->postType(options.postType)) {
        std::string known;
        for (const auto& t : data->postTypes) known += (known.empty() ? "" : ", ") + t.type;
        throw InputError("gridatlas-cli coverage: --type '" + options.postType + "' is not a post type of '" + atlas->path() +
                         "' (known: " + known + ")");
    }
    if (options.mode == storage::DistanceMode::Network && data->streets.empty())
        throw InputError("gridatlas-cli coverage: '" + atlas->path() +
                         "' has no streets; walking distances need them (use --euclid)");
    std::optional<storage::StreetNetwork> network;
    if (options.mode == storage::DistanceMode::Network) network = storage::StreetNetwork::fromStreets(data->streets);
    const CoverageResult r = storage::computeCoverage(*data, options, network ? &*network : nullptr, &feedback);
    feedback.throwIfCancelled();
    if (areasPath) {
        // One service area per post at its own standard.
        std::map<double, std::vector<std::int32_t>> byStandard;
        for (std::size_t k = 0; k < r.posts.size(); ++k) byStandard[r.postStandardM[k]].push_back(r.posts[k]);
        std::vector<storage::Isochrone> areas;
        for (const auto& [meters, posts] : byStandard) {
            storage::IsochroneOptions io;
            io.mode = options.mode;
            io.meters = meters;
            auto part = storage::computeIsochrones(*data, posts, io, network ? &*network : nullptr, &feedback);
            areas.insert(areas.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
        }
        storage::writeServiceAreasGeoJson(*areasPath, *data, areas);
    }

    const auto* type = data->postType(options.postType);
    std::string standard;
    if (options.meters)
        standard = storage::formatNumber(*options.meters, 0) + " m";
    else if (options.minutes)
        standard = storage::formatNumber(*options.minutes, 0) + " min (" +
                   storage::formatNumber(*options.minutes * options.metersPerMinute(), 0) + " m)";
    else
        standard = "the post_types standard";
    const std::string mode = options.mode == storage::DistanceMode::Network ? "walking" : "straight-line";
    if (out) {
        const std::string title =
            std::string(type->nameZh) + (options.mode == storage::DistanceMode::Network ? " 步行覆盖" : " 直线覆盖") +
            (options.minutes && !options.meters ? " " + storage::formatNumber(*options.minutes, 0) + "分钟" : "") +
            (options.meters ? " " + storage::formatNumber(*options.meters, 0) + "米" : "");
        if (format == "pdf")
            writeCoveragePdf(*out, *data, r, title);
        else if (format == "xlsx")
            storage::writeXlsxReport(*out, storage::coverageTables(*data, r));
        else
            storage::writeCsvReport(*out, storage::coverageTables(*data, r));
    }
    if (perHousehold) storage::writeHouseholdCoverageCsv(*perHousehold, *data, r);

    const auto n = static_cast<std::int64_t>(data->households.size());
    std::printf("%s (%s), %s, standard %s: %lld of %lld households covered (%.1f%%) by %zu posts\n", options.postType.c_str(),
                type->nameZh.c_str(), mode.c_str(), standard.c_str(), static_cast<long long>(r.coveredCount),
                static_cast<long long>(n), n ? 100.0 * static_cast<double>(r.coveredCount) / static_cast<double>(n) : 0.0,
                r.posts.size());
    for (const auto& c : r.byCategory)
        std::printf("  %-22s %9lld of %9lld  %5.1f%%\n", c.code.c_str(), static_cast<long long>(c.covered),
                    static_cast<long long>(c.households), c.percent());
    std::array<std::int64_t, 5> reasons{};
    for (auto x : r.reason) ++reasons[static_cast<std::size_t>(x)];
    for (auto reason : {storage::UncoveredReason::NoPostOfType, storage::UncoveredReason::NoPostInCommunity,
                        storage::UncoveredReason::NoWalkablePath, storage::UncoveredReason::BeyondStandard})
        if (reasons[static_cast<std::size_t>(reason)])
            std::printf("  uncovered, %s: %lld\n", storage::reasonCode(reason),
                        static_cast<long long>(reasons[static_cast<std::size_t>(reason)]));
    std::printf("  gap buildings: %zu\n", r.gaps.size());
    if (out) std::printf("wrote %s\n", out->c_str());
    if (perHousehold) std::printf("wrote %s\n", perHousehold->c_str());
    if (areasPath) std::printf("wrote %s\n", areasPath->c_str());
    std::fprintf(stderr, "coverage: %.3f s (analysis %.3f s)\n",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), r.seconds);
    return 0;
}

GRIDATLAS_CLI_COMMAND("coverage", R"(  coverage --atlas FILE --type POST_TYPE [--minutes N | --meters M] [--network|--euclid]
           [--speed KMH] [--out report.csv|xlsx|pdf] [--per-household households.csv]
           [--service-areas areas.geojson]
          who the posts of one type reach: straight line (default) or walking along the streets
          from each unit's door; by category, community and grid, gap buildings, reasons
)",
                      runCoverage, 60);

} // namespace gridatlas::cli
