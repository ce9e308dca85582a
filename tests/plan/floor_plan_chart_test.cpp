// The plan chart painted in-process from plain data: layout results, many drawings, basements.
#include <QImage>
#include <QPainter>

#include <gtest/gtest.h>

#include <algorithm>

#include "render/floor_plan_chart.h"

using namespace gridatlas;
using render::PlanStatus;

namespace {

render::FloorPlanChartData smallData(int drawings) {
    render::FloorPlanChartData d;
    d.title = "测试社区 1栋 党员居住平面图";
    d.atlasName = "测试";
    d.floors = {2, 1, -1};
    d.units = {{1, 2, {4, 8, 1, 1}}};
    for (int f : d.floors)
        for (int k = 1; k <= 2; ++k) {
            render::PlanCell c;
            c.room = (f < 0 ? "B1" : std::to_string(f)) + "0" + std::to_string(k);
            c.status = f == 1 && k == 1 ? PlanStatus::Member : (f < 0 ? PlanStatus::NoHousehold : PlanStatus::Ordinary);
            c.members = c.status == PlanStatus::Member ? 1 : 0;
            d.cells.push_back(c);
        }
    d.floorCounts = {{2, 4, 0, 0}, {2, 4, 1, 1}, {0, 0, 0, 0}};
    d.total = {4, 8, 1, 1};
    for (int i = 0; i < drawings; ++i) {
        render::PlanDrawing drawing;
        drawing.title = std::to_string(i + 1) + "层平面图";
        render::PlanRoomShape room;
        room.polygon = model::Geometry::polygon({{{0, 0}, {10, 0}, {10, 8}, {0, 8}}});
        room.kind = "flat";
        room.label = "01";
        room.status = PlanStatus::Member;
        room.members = 1;
        drawing.rooms.push_back(room);
        d.drawings.push_back(drawing);
    }
    return d;
}

} // namespace

TEST(PlanChart, LaysOutTheTableAndAtMostThreeDrawings) {
    for (int drawings : {0, 1, 4}) {
        SCOPED_TRACE(std::to_string(drawings) + " drawings");
        const auto data = smallData(drawings);
        render::FloorPlanChartOptions o;
        const QSizeF page = render::floorPlanPageMm(data, o);
        EXPECT_EQ(page, QSizeF(420, 297));
        QImage image(QSize(420 * 2, 297 * 2), QImage::Format_RGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        const auto r = render::paintFloorPlanChart(painter, data, page, 2 * 25.4, o);
        painter.end();
        EXPECT_FALSE(r.tableMm.isEmpty());
        EXPECT_EQ(static_cast<int>(r.drawingsMm.size()), std::min(drawings, 3));
        for (const auto& d : r.drawingsMm) {
            EXPECT_GT(d.left(), r.tableMm.right()) << "drawings sit right of the table";
            EXPECT_LT(d.bottom(), 297.0);
        }
        // The member cell (floor 1, flat 01) is painted in the member colour.
        bool memberColour = false;
        const QColor want = render::planStatusColor(PlanStatus::Member);
        for (int y = static_cast<int>(r.tableMm.top() * 2); y < static_cast<int>(r.tableMm.bottom() * 2) && !memberColour; ++y)
            for (int x = static_cast<int>(r.tableMm.left() * 2); x < static_cast<int>(r.tableMm.right() * 2); ++x)
                if (image.pixelColor(x, y) == want) {
                    memberColour = true;
                    break;
                }
        EXPECT_TRUE(memberColour);
    }
}

TEST(PlanChart, TallTablesWithoutDrawingsGoPortraitAndOptionsWin) {
    auto data = smallData(0);
    data.floors.assign(30, 1);
    render::FloorPlanChartOptions o;
    EXPECT_EQ(render::floorPlanPageMm(data, o), QSizeF(297, 420));
    o.orientation = render::PageOrientation::Landscape;
    o.page = render::PageSize::A4;
    EXPECT_EQ(render::floorPlanPageMm(data, o), QSizeF(297, 210));
    data.units.clear(); // no table at all: landscape
    EXPECT_EQ(render::floorPlanPageMm(data, render::FloorPlanChartOptions{}), QSizeF(420, 297));
}

TEST(PlanChart, LegendShowsDetailsOnlyWhenRevealed) {
    const auto masked = render::planLegendStatuses(false), revealed = render::planLegendStatuses(true);
    auto has = [](const std::vector<PlanStatus>& v, PlanStatus s) { return std::find(v.begin(), v.end(), s) != v.end(); };
    EXPECT_TRUE(has(masked, PlanStatus::Care));
    for (PlanStatus s :
         {PlanStatus::Hardship, PlanStatus::ElderlyAlone, PlanStatus::Disability, PlanStatus::LeftBehindChildren}) {
        EXPECT_FALSE(has(masked, s));
        EXPECT_TRUE(has(revealed, s));
    }
    EXPECT_FALSE(has(revealed, PlanStatus::Care));
}
