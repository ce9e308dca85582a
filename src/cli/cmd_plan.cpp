// gridatlas-cli plan: the member plan chart of one building (楼栋党员居住平面图): its building
// table and, where it has a drawn plan, one floor of each drawing, to PDF, PNG or SVG.
#include <algorithm>
#include <iostream>
#include <map>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "io/layout_pages.h"
#include "model/support/error.h"
#include "render/chart_writer.h"
#include "render/floor_plan_chart.h"
#include "storage/atlas.h"
#include "storage/building_table.h"

namespace gridatlas::cli {

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
    const render::FloorPlanChartData data = io::floorPlanChartData(atlas->info().name, table, plan, floor, reveal);
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
