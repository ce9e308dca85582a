#pragma once
// The member plan chart of one building (楼栋党员居住平面图): its building table (楼盘表, floors x
// units x flats, each cell coloured by the household's status, member markers, counts per unit
// and floor) and, where the building has a drawn plan, one floor of each drawing with its rooms
// coloured the same way; title, legend, footer with the masking note.
//
// Render sees no storage: callers fill these plain structs (gridatlas-cli plan and the viewer's
// floor-plan dock fill them from storage::BuildingTable and storage::FloorPlan). Texts in the
// structs are already masked as the caller decided.
#include <QColor>
#include <QDate>
#include <QRectF>
#include <QSizeF>
#include <QString>

#include <optional>
#include <string>
#include <vector>

#include "model/geometry.h"
#include "render/map_document.h"

class QPainter;

namespace gridatlas::render {

/// What a cell or room is coloured by; the order matches storage::CellStatus.
enum class PlanStatus { NoHousehold, Ordinary, Vacant, Care, LeftBehindChildren, Disability, ElderlyAlone, Hardship, Member };

/// Fill colour and Chinese legend name of a status.
QColor planStatusColor(PlanStatus status);
QString planStatusName(PlanStatus status);
/// The statuses a legend shows: the detailed kinds only when personal details are revealed.
std::vector<PlanStatus> planLegendStatuses(bool reveal);

struct PlanCell {
    std::string room; ///< "501"
    PlanStatus status = PlanStatus::NoHousehold;
    std::vector<PlanStatus> also; ///< further statuses of the household (small corner marks)
    int residents = 0;
    int members = 0;
};

struct PlanCount {
    int households = 0;
    int residents = 0;
    int members = 0;
    int memberHouseholds = 0;
};

struct PlanUnit {
    int number = 0;
    int flats = 0;
    PlanCount count;
};

struct PlanRoomShape {
    model::Geometry polygon; ///< building-local metres
    std::string label;
    std::string kind;                            ///< flat | room | stair | common | outline
    PlanStatus status = PlanStatus::NoHousehold; ///< flats: the household on the drawn floor
    int members = 0;
};

/// One drawn floor: the rooms of one floor of a drawing.
struct PlanDrawing {
    std::string title; ///< "5层平面图（标准层 2-18层）"
    std::vector<PlanRoomShape> rooms;
};

struct FloorPlanChartData {
    std::string title;    ///< "湖西社区 9栋 党员居住平面图"
    std::string subtitle; ///< "29层 · 3个单元 · 住户 174户 · 党员 12名"
    std::string atlasName;
    std::vector<int> floors;     ///< rows, top floor first
    std::vector<PlanUnit> units; ///< column groups, left to right
    std::vector<PlanCell> cells; ///< floors x sum(units.flats), row-major
    std::vector<PlanCount> floorCounts;
    PlanCount total;
    std::vector<PlanDrawing> drawings;
    bool reveal = false; ///< the texts are unmasked (the footer says so)
    [[nodiscard]] int columns() const;
};

struct FloorPlanChartOptions {
    std::optional<PageSize> page;               ///< default: A3
    std::optional<PageOrientation> orientation; ///< default: portrait for tall tables without drawings, else landscape
    double dpi = 150.0;                         ///< PNG resolution (PDF/SVG are vector at 300 units per inch)
    QDate date;                                 ///< footer date; invalid = today
    bool antialiasing = true;
};

struct FloorPlanChartResult {
    QSizeF pageMm;
    QRectF tableMm;                 ///< where the building table is on the page
    std::vector<QRectF> drawingsMm; ///< where each drawn floor is
};

/// Paints the chart on `painter`, whose device is the page (`pageMm` at `dpi`).
FloorPlanChartResult paintFloorPlanChart(QPainter& painter, const FloorPlanChartData& data, QSizeF pageMm, double dpi,
                                         const FloorPlanChartOptions& options);

/// Paints the building table and the drawn floors (no title, no footer) into `areaMm` of a page
/// drawn at `dpi`; `textScale` sizes the text (1 on A3); `withLegend` adds the status legend
/// at the bottom of the area. For layouts (render/layout.h).
FloorPlanChartResult paintFloorPlanBody(QPainter& painter, const FloorPlanChartData& data, const QRectF& areaMm, double dpi,
                                        double textScale, bool withLegend);

/// Paints a drawn floor into `rect` (device pixels), north of the drawing up, fitted and
/// centred; labels at `labelPt` points (0: none). For the chart and the viewer.
void paintPlanDrawing(QPainter& painter, const PlanDrawing& drawing, const QRectF& rect, double dpi, double labelPt);

/// The page a chart gets: the options', else A3, landscape unless a tall table has no drawings.
QSizeF floorPlanPageMm(const FloorPlanChartData& data, const FloorPlanChartOptions& options);

/// Writes the chart to .png, .pdf or .svg through QSaveFile (nothing is left on failure).
/// Throws InputError (unknown extension) or RenderError.
FloorPlanChartResult writeFloorPlanChart(const FloorPlanChartData& data, const std::string& path,
                                         const FloorPlanChartOptions& options);

} // namespace gridatlas::render
