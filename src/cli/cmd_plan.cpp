// gridatlas-cli plan: the member plan chart of one building (楼栋党员居住平面图): its building
// table and, where it has a drawn plan, one floor of each drawing, to PDF, PNG or SVG.
#include <algorithm>
#include <iostream>
#include <map>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "model/support/error.h"
#include "render/chart_writer.h"
#include "render/floor_plan_chart.h"
#include "storage/atlas.h"
#include "storage/building_table.h"

namespace gridatlas::cli {

namespace {

static_assert(static_cast<int>(storage::CellStatus::NoHousehold) == static_cast<int>(render::PlanStatus::NoHousehold) &&
                  static_cast<int>(storage::CellStatus::Care) == static_cast<int>(render::PlanStatus::Care) &&
                  static_cast<int>(storage::CellStatus::Member) == static_cast<int>(render::PlanStatus::Member),
              "storage::CellStatus and render::PlanStatus list the statuses in the same order");

render::PlanStatus planStatus(storage::CellStatus s) {
    return static_cast<render::PlanStatus>(static_cast<int>(s));
}

/// The statuses of a household beyond the one its cell is coloured by (masked: Care only).
std::vector<render::PlanStatus> furtherStatuses(const storage::BuildingTableCell& c, bool reveal) {
    std::vector<render::PlanStatus> out;
    if (!c.hasHousehold()) return out;
    const render::PlanStatus primary = planStatus(c.status(reveal));
    auto add = [&](render::PlanStatus s) {
        if (s != primary && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    };
    if (reveal) {
        if (c.flags & storage::kFlagHardship) add(render::PlanStatus::Hardship);
        if (c.flags & storage::kFlagElderlyAlone) add(render::PlanStatus::ElderlyAlone);
        if (c.flags & storage::kFlagDisability) add(render::PlanStatus::Disability);
        if (c.flags & storage::kFlagLeftBehind) add(render::PlanStatus::LeftBehindChildren);
    } else if (storage::isVulnerable(c.flags)) {
        add(render::PlanStatus::Care);
    }
    if (c.flags & storage::kFlagVacant) add(render::PlanStatus::Vacant);
    return out;
}

render::PlanCount planCount(const storage::BuildingTableCount& c) {
    return {c.households, c.residents, c.members, c.memberHouseholds};
}

/// The rooms of `floor`, coloured by that floor's households.
render::PlanDrawing drawingOf(const storage::FloorPlan& plan, const storage::BuildingTable& table, int floor, bool reveal,
                              const std::string& title) {
    render::PlanDrawing d;
    d.title = title;
    for (const auto& room : plan.rooms) {
        if (!room.isOn(floor)) continue;
        render::PlanRoomShape s;
        s.polygon = room.geometry;
        s.label = room.label;
        s.kind = room.kind;
        if (room.kind == "flat") {
            const int unit = room.unit ? room.unit : (table.units.size() == 1 ? table.units.front().number : 0);
            if (const auto* cell = table.find(floor, unit, room.flatNumber())) {
                s.status = planStatus(cell->status(reveal));
                s.members = cell->members;
                // The room number on this floor says more than the drawing's flat label.
                if (cell->hasHousehold())
                    s.label = (table.units.size() > 1 ? std::to_string(unit) + "-" : std::string()) + cell->room;
            }
        }
        d.rooms.push_back(std::move(s));
    }
    return d;
}

std::string floorName(int floor) {
    return floor < 0 ? "地下" + std::to_string(-floor) + "层" : std::to_string(floor) + "层";
}

render::FloorPlanChartData chartData(storage::Atlas& atlas, const storage::BuildingTable& t, const storage::FloorPlan& plan,
                                     std::optional<int> onlyFloor, bool reveal) {
    render::FloorPlanChartData d;
    d.reveal = reveal;
    d.atlasName = atlas.info().name;
    d.title = t.community + " " + (t.compound.empty() ? "" : t.compound + " ") + t.number + " 党员居住平面图";
    d.subtitle = std::to_string(t.floors) + "层 · " + std::to_string(t.units.size()) + "个单元 · 住户 " +
                 std::to_string(t.total.households) + "户 · 居民 " + std::to_string(t.total.residents) + "人 · 党员 " +
                 std::to_string(t.total.members) + "名（党员户 " + std::to_string(t.total.memberHouseholds) +
                 "户）· 重点关爱户 " + std::to_string(t.total.vulnerableHouseholds) + "户";
    d.floors = t.floorNumbers;
    for (const auto& u : t.units) d.units.push_back({u.number, u.flats, planCount(u.count)});
    d.cells.reserve(t.cells.size());
    for (const auto& c : t.cells)
        d.cells.push_back({c.room, planStatus(c.status(reveal)), furtherStatuses(c, reveal), c.residents, c.members});
    for (const auto& fc : t.floorCounts) d.floorCounts.push_back(planCount(fc));
    d.total = planCount(t.total);

    // Each drawing once, at the floor asked for, else its floor with the most member households.
    const auto drawings = plan.drawings();
    if (onlyFloor && !plan.rooms.empty()) {
        bool found = false;
        for (const auto& floors : drawings) found = found || std::binary_search(floors.begin(), floors.end(), *onlyFloor);
        if (!found)
            throw InputError("building " + t.number + " has no drawn plan for floor " + std::to_string(*onlyFloor) +
                             " (drawn: " + storage::formatFloorList(plan.floors()) + ")");
    }
    for (const auto& floors : drawings) {
        int floor = floors.front();
        if (onlyFloor) {
            if (!std::binary_search(floors.begin(), floors.end(), *onlyFloor)) continue;
            floor = *onlyFloor;
        } else {
            int best = -1;
            for (int f : floors) {
                const int row = t.rowOfFloor(f);
                const int m = row < 0 ? 0 : t.floorCounts[static_cast<std::size_t>(row)].memberHouseholds;
                if (m > best) best = m, floor = f;
            }
        }
        std::string title = floorName(floor) + "平面图";
        if (floors.size() > 1) title += "（标准层，用于 " + storage::formatFloorList(floors) + " 层）";
        d.drawings.push_back(drawingOf(plan, t, floor, reveal, title));
    }
    return d;
}

} // namespace

int runPlan(const ArgList& argv) {
    const Args args("plan", argv, {"atlas", "building", "community", "out", "floor", "dpi", "page", "date"},
                    {"reveal", "landscape", "portrait"});
    const std::string atlasPath = args.required("atlas");
    const std::string buildingText = args.required("building");
    const std::string outPath = args.required("out");
    if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional().front() + "'");
    (void)render::outputFormatOf(outPath); // a wrong extension fails before any work
    render::FloorPlanChartOptions options;
    if (auto dpi = args.integer("dpi", 36, 1200)) options.dpi = static_cast<double>(*dpi);
    if (auto page = args.value("page")) {
        if (*page == "A4" || *page == "a4")
            options.page = render::PageSize::A4;
        else if (*page == "A3" || *page == "a3")
            options.page = render::PageSize::A3;
        else
            throw InputError("--page '" + *page + "' is not A4 or A3");
    }
    if (args.flag("landscape") && args.flag("portrait")) throw InputError("give --landscape or --portrait, not both");
    if (args.flag("landscape")) options.orientation = render::PageOrientation::Landscape;
    if (args.flag("portrait")) options.orientation = render::PageOrientation::Portrait;
    if (auto date = args.value("date")) {
        options.date = QDate::fromString(QString::fromStdString(*date), Qt::ISODate);
        if (!options.date.isValid()) throw InputError("--date '" + *date + "' is not a date (YYYY-MM-DD)");
    }
    std::optional<int> floor;
    if (auto f = args.integer("floor", -20, 200)) floor = static_cast<int>(*f);
    const bool reveal = args.flag("reveal");
    if (reveal) authorizeReveal(atlasPath, "plan", "floor plan of building " + buildingText);

    auto atlas = storage::Atlas::open(atlasPath, storage::OpenMode::ReadOnly);
    const storage::BuildingRef building = storage::findBuilding(*atlas, buildingText, args.value("community"));
    std::cerr << "plan: building " << building.number << " (" << building.community << ", id " << building.id << ")\n";
    const storage::BuildingTable table = storage::loadBuildingTable(*atlas, building.id);
    const storage::FloorPlan plan = storage::loadFloorPlan(*atlas, building.id);
    if (floor && plan.rooms.empty())
        throw InputError("--floor " + std::to_string(*floor) + ": building " + building.number +
                         " has no drawn plan (import one with gridatlas-cli import-plan)");
    const render::FloorPlanChartData data = chartData(*atlas, table, plan, floor, reveal);
    const auto result = render::writeFloorPlanChart(data, outPath, options);
    std::cerr << "plan: wrote " << outPath << " (" << static_cast<int>(result.pageMm.width()) << "x"
              << static_cast<int>(result.pageMm.height()) << " mm, " << table.floorNumbers.size() << " floors x " << table.columns
              << " flats, " << data.drawings.size() << " drawn floors, "
              << (reveal ? "personal data REVEALED" : "personal data masked") << ")\n";
    return 0;
}

GRIDATLAS_CLI_COMMAND("plan", R"(  plan    --atlas FILE --building "3栋" [--community NAME] --out plan.pdf|png|svg
          [--floor N] [--dpi N] [--page A4|A3] [--landscape|--portrait] [--date YYYY-MM-DD] [--reveal]
          a building's member plan chart: its building table (楼盘表) and drawn floors
)",
                      runPlan, 25);

} // namespace gridatlas::cli
