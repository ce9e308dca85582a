// gridatlas-cli render: a member-location chart (or any map document) to PDF, PNG or SVG.
#include <iostream>
#include <string>

#include "cli/args.h"
#include "cli/cmd_atlas.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "render/chart_writer.h"
#include "render/map_document.h"
#include "render/scale_bar.h"
#include "storage/atlas.h"
#include "storage/gdal_raster.h"

namespace gridatlas::cli {

namespace {

render::ChartOptions chartOptions(const Args& args) {
    render::ChartOptions o;
    if (auto dpi = args.integer("dpi", 36, 1200)) o.dpi = static_cast<double>(*dpi);
    if (auto page = args.value("page")) {
        if (*page == "A4" || *page == "a4")
            o.page = render::PageSize::A4;
        else if (*page == "A3" || *page == "a3")
            o.page = render::PageSize::A3;
        else
            throw InputError("gridatlas-cli render: --page '" + *page + "' is not A4 or A3");
    }
    if (args.flag("landscape") && args.flag("portrait"))
        throw InputError("gridatlas-cli render: give --landscape or --portrait, not both");
    if (args.flag("landscape")) o.orientation = render::PageOrientation::Landscape;
    if (args.flag("portrait")) o.orientation = render::PageOrientation::Portrait;
    o.reveal = args.flag("reveal");
    o.rasterOpener = storage::openGdalRaster; // raster basemap layers
    return o;
}

} // namespace

int runRender(const ArgList& argv) {
    const Args args("render", argv, {"atlas", "map", "layout", "out", "dpi", "page", "each", "only", "date", "format"},
                    {"landscape", "portrait", "reveal"});
    if (args.value("layout")) {
        if (args.value("map")) throw InputError("gridatlas-cli render: give --map or --layout, not both");
        return runLayoutPages(args, true);
    }
    for (const char* layoutOnly : {"each", "only", "date", "format"})
        if (args.value(layoutOnly)) throw InputError(std::string("gridatlas-cli render: --") + layoutOnly + " goes with --layout");
    const std::string atlasPath = args.required("atlas");
    const std::string mapPath = args.required("map");
    const std::string outPath = args.required("out");
    if (!args.positional().empty())
        throw InputError("gridatlas-cli render: unexpected argument '" + args.positional().front() + "'");
    (void)render::outputFormatOf(outPath); // a wrong extension fails before any work
    const render::ChartOptions options = chartOptions(args);
    if (options.reveal) authorizeReveal(atlasPath, "render", "map " + mapPath + " to " + outPath);

    std::cerr << "render: map " << mapPath << "\n";
    const render::MapDocument doc = render::loadMapDocument(mapPath);
    for (const auto& w : doc.warnings) std::cerr << "render: warning: " << w << "\n";
    std::cerr << "render: atlas " << atlasPath << "\n";
    storage::AtlasProvider provider(atlasPath); // read-only; a missing atlas is an error, not an empty map
    render::validateMapDocument(doc, provider);

    Feedback feedback;
    std::string lastStage;
    feedback.setProgressCallback([&](double percent, const std::string& stage) {
        if (stage == lastStage) return;
        lastStage = stage;
        std::cerr << "render: " << static_cast<int>(percent) << "% " << stage << "\n";
    });
    const auto result = render::writeChart(doc, provider, outPath, options, &feedback);
    const auto sizeMm = result.page.sizeMm();
    std::cerr << "render: wrote " << outPath << " (" << (result.page.size == render::PageSize::A4 ? "A4" : "A3") << " "
              << (result.page.orientation == render::PageOrientation::Landscape ? "landscape" : "portrait") << ", "
              << static_cast<int>(sizeMm.width()) << "x" << static_cast<int>(sizeMm.height()) << " mm, scale "
              << render::formatScale(result.scaleDenominator).toStdString() << ", " << result.map.labels.size() << " labels"
              << (options.reveal ? ", personal data REVEALED" : ", personal data masked") << ")\n";
    return 0;
}

GRIDATLAS_CLI_COMMAND("render", R"(  render  --atlas FILE --map maps/NAME.json --out out/x.pdf|png|svg [--dpi N]
          [--page A4|A3] [--landscape|--portrait] [--reveal]
          render a member-location chart (党员居住平面图)
          render  --atlas FILE --layout maps/community-plan.json [--each ... --only CODE] --out x.pdf|png|svg
          [--dpi N] [--page A4..A0] [--date YYYY-MM-DD] [--reveal]   one page of a layout template
)", runRender, 20);

} // namespace gridatlas::cli
