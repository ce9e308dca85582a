// gridatlas-cli atlas: a layout template printed once per grid, building or community (批量出图),
// into one multi-page PDF or one file per page.
#include "cli/cmd_atlas.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/passphrase.h"
#include "io/layout_pages.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "render/layout.h"
#include "render/layout_writer.h"
#include "storage/atlas.h"
#include "storage/gdal_raster.h"

namespace gridatlas::cli {

namespace {

// Ctrl-C cancels through the Feedback (a lock-free atomic store is async-signal-safe); a second
// Ctrl-C gets the default action.
std::atomic<Feedback*> g_atlasCancel{nullptr};
extern "C" void onAtlasInterrupt(int) {
    if (Feedback* f = g_atlasCancel.load()) f->cancel();
    std::signal(SIGINT, SIG_DFL);
}

class InterruptScope {
public:
    explicit InterruptScope(Feedback& f) {
        g_atlasCancel.store(&f);
        m_previous = std::signal(SIGINT, onAtlasInterrupt);
    }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
    ~InterruptScope() {
        std::signal(SIGINT, m_previous == SIG_ERR ? SIG_DFL : m_previous);
        g_atlasCancel.store(nullptr);
    }

private:
    void (*m_previous)(int) = SIG_DFL;
};

} // namespace

int runLayoutPages(const Args& args, bool single) {
    const std::string command = single ? "render" : "atlas";
    const std::string atlasPath = args.required("atlas");
    const std::string layoutPath = args.required("layout");
    render::LayoutOutput out;
    out.path = args.required("out");
    if (!args.positional().empty())
        throw InputError("gridatlas-cli " + command + ": unexpected argument '" + args.positional().front() + "'");
    if (auto f = args.value("format")) out.folderFormat = render::outputFormatOf("x." + *f);

    render::LayoutOptions options;
    if (auto dpi = args.integer("dpi", 36, 1200)) options.dpi = static_cast<double>(*dpi);
    if (auto page = args.value("page")) {
        if (!render::namedPageSizeMm(*page)) throw InputError("gridatlas-cli " + command + ": --page '" + *page + "' is not A4, A3, A2, A1 or A0");
        options.pageName = *page;
    }
    if (args.flag("landscape") && args.flag("portrait")) throw InputError("gridatlas-cli " + command + ": give --landscape or --portrait, not both");
    if (args.flag("landscape")) options.landscape = true;
    if (args.flag("portrait")) options.landscape = false;
    options.reveal = args.flag("reveal");
    options.rasterOpener = storage::openGdalRaster;
    io::AtlasLayoutPagesOptions pageOptions;
    if (auto date = args.value("date")) {
        options.date = QDate::fromString(QString::fromStdString(*date), Qt::ISODate);
        if (!options.date.isValid()) throw InputError("gridatlas-cli " + command + ": --date '" + *date + "' is not a date (YYYY-MM-DD)");
        pageOptions.dateText = QStringLiteral("%1年%2月%3日").arg(options.date.year()).arg(options.date.month()).arg(options.date.day()).toStdString();
    }

    std::cerr << command << ": layout " << layoutPath << "\n";
    const render::Layout layout = render::loadLayout(layoutPath);
    pageOptions.each = args.value("each") ? render::parseLayoutEach(*args.value("each")) : layout.each;
    pageOptions.reveal = options.reveal;
    pageOptions.only = args.value("only");

    if (options.reveal) authorizeReveal(atlasPath, command, "layout " + layoutPath + " (personal data unmasked)");
    std::cerr << command << ": atlas " << atlasPath << "\n";
    storage::AtlasProvider provider(atlasPath);
    for (const auto& item : layout.items)
        if (item.map) render::validateMapDocument(*item.map, provider);

    Feedback feedback;
    const InterruptScope interrupt(feedback);
    const auto start = std::chrono::steady_clock::now();
    std::string lastStage;
    feedback.setProgressCallback([&](double percent, const std::string& stage) {
        if (stage == lastStage) return;
        lastStage = stage;
        std::cerr << command << ": " << static_cast<int>(percent) << "% " << stage << "\n";
    });
    io::AtlasLayoutPages pages(provider.atlas(), layout, pageOptions, &feedback);
    if (single && pages.count() > 1)
        throw InputError("gridatlas-cli render: the layout makes " + std::to_string(pages.count()) + " pages with --each " +
                         render::layoutEachName(pageOptions.each) + "; pick one with --only CODE, or print them all with gridatlas-cli atlas");
    std::cerr << command << ": " << pages.count() << " page(s), one per " << render::layoutEachName(pageOptions.each) << "\n";
    lastStage.clear();
    const auto result = render::writeLayout(layout, pages, provider, out, options, &feedback);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto& page = result.page;
    std::cerr << command << ": wrote " << result.pages << " page(s) to " << result.files.size() << " file(s)"
              << (result.files.size() == 1 ? " " + result.files.front() : std::string(" under ") + out.path) << " ("
              << static_cast<int>(page.sizeMm.width()) << "x" << static_cast<int>(page.sizeMm.height()) << " mm";
    if (!result.first.empty() && result.first.front().scaleBarDenominator > 0)
        std::cerr << ", first page " << render::formatScale(result.first.front().scaleBarDenominator).toStdString();
    if (result.bands > 1) std::cerr << ", PNG drawn in " << result.bands << " bands";
    std::cerr << ", " << (options.reveal ? "personal data REVEALED" : "personal data masked") << ", " << seconds << " s)\n";
    return 0;
}

namespace {

int runAtlas(const ArgList& argv) {
    const Args args("atlas", argv, {"atlas", "layout", "out", "each", "only", "dpi", "page", "date", "format"},
                    {"landscape", "portrait", "reveal"});
    return runLayoutPages(args, false);
}

} // namespace

GRIDATLAS_CLI_COMMAND("atlas", R"(  atlas   --atlas FILE --layout maps/grid-sheet.json --out out/grids.pdf | out/{name}.png | out/
          [--each grid|building|community|atlas] [--only CODE] [--format pdf|png|svg] [--dpi N]
          [--page A4|A3|A2|A1|A0] [--landscape|--portrait] [--date YYYY-MM-DD] [--reveal]
          print a layout template once per grid, building or community (one multi-page PDF, or a file per page)
)",
                      runAtlas, 21);

} // namespace gridatlas::cli
