// gridatlas: the map viewer. A thin main over MainWindow.
#include <QApplication>
#include <QCommandLineParser>
#include <QLocale>
#include <QSettings>
#include <QPointer>
#include <QTimer>
#include <QTranslator>

#include <functional>
#include <memory>
#include <vector>

#include "app/map_canvas.h"

#include "app/coverage_dock.h"
#include "app/grid_plans_dock.h"
#include "app/grid_panel.h"
#include "app/main_window.h"
#include "app/print_dialog.h"
#include "render/fonts.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("GridAtlas");
    QApplication::setApplicationName("GridAtlas");
    QApplication::setApplicationVersion(GRIDATLAS_VERSION);

    // Chinese first: zh_CN unless the user chose English (Language menu or --lang en).
    QCommandLineParser parser;
    parser.setApplicationDescription("GridAtlas map viewer");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption langOption("lang", "User interface language (zh_CN or en).", "code");
    parser.addOption(langOption);
    // For documentation and checks: after the first complete frame (and the optional search or
    // identify), save a picture of the window and quit.
    QCommandLineOption shotOption("screenshot", "Save a PNG of the window after the map has rendered, then quit.", "file");
    QCommandLineOption searchOption("search", "Search for this text and zoom to the first hit.", "text");
    QCommandLineOption identifyOption("identify", "Identify at map coordinates x,y.", "x,y");
    QCommandLineOption planOption("floor-plan", "Open the floor plan of the building at map coordinates x,y.", "x,y");
    QCommandLineOption gridToolOption("grid-tool", "Start grid editing with a tool: vertex, draw, split, merge, delete or paint.", "tool");
    QCommandLineOption checkOption("check-grids", "Open the grid checks and statistics and run them.");
    QCommandLineOption coverageOption("coverage", "Run the coverage analysis of a post type and show its layers.", "post type");
    QCommandLineOption sizeOption("size", "Window size WIDTHxHEIGHT.", "size");
    QCommandLineOption proposeOption("propose-grids", "Propose grids for a community (saved as plan 'proposal') and draw them.",
                                     "community");
    QCommandLineOption compareOption("compare-plans", "Compare two grid plans side by side (@current = today's grids).", "a,b");
    QCommandLineOption printOption("print-preview", "Open the print dialog with a layout template (maps/grid-sheet.json); "
                                                    "--screenshot then saves the dialog.", "template");
    parser.addOption(shotOption);
    parser.addOption(searchOption);
    parser.addOption(identifyOption);
    parser.addOption(planOption);
    parser.addOption(gridToolOption);
    parser.addOption(checkOption);
    parser.addOption(coverageOption);
    parser.addOption(sizeOption);
    parser.addOption(proposeOption);
    parser.addOption(compareOption);
    parser.addOption(printOption);
    parser.addPositionalArgument("atlas", "Atlas (.sqlite) to open.");
    parser.addPositionalArgument("map", "Map document (.json) to show.");
    parser.process(app);
    const QString lang = parser.isSet(langOption) ? parser.value(langOption) : QSettings().value("ui/language", "zh_CN").toString();
    QTranslator translator;
    if (lang != "en" && translator.load(":/i18n/gridatlas_" + lang + ".qm")) QApplication::installTranslator(&translator);

    gridatlas::render::ensureFontsLoaded();
    QFont uiFont(gridatlas::render::kFontFamily, 10);
    QApplication::setFont(uiFont);

    gridatlas::app::MainWindow window;
    if (parser.isSet(sizeOption)) {
        const QStringList wh = parser.value(sizeOption).split('x');
        if (wh.size() == 2) window.resize(wh[0].toInt(), wh[1].toInt());
    }
    window.show();
    const QStringList args = parser.positionalArguments();
    bool opened = true;
    if (!args.isEmpty()) opened = window.openAtlas(args.value(0), args.value(1));
    if (parser.isSet(searchOption)) window.search(parser.value(searchOption));
    if (parser.isSet(identifyOption)) {
        const QStringList xy = parser.value(identifyOption).split(',');
        if (xy.size() == 2) window.identifyAt(xy[0].toDouble(), xy[1].toDouble());
    }
    if (parser.isSet(planOption)) {
        const QStringList xy = parser.value(planOption).split(',');
        if (xy.size() == 2) window.openFloorPlanAt(xy[0].toDouble(), xy[1].toDouble());
    }
    if (parser.isSet(gridToolOption)) {
        using Tool = gridatlas::app::MainWindow::GridTool;
        const QString name = parser.value(gridToolOption);
        const Tool tool = name == "vertex" ? Tool::Vertex : name == "draw" ? Tool::Draw : name == "split" ? Tool::Split
                        : name == "merge"  ? Tool::Merge : name == "delete" ? Tool::Delete : name == "paint" ? Tool::Paint : Tool::None;
        window.setGridTool(tool);
    }
    if (parser.isSet(checkOption)) {
        window.gridPanel()->show();
        window.gridPanel()->raise();
        window.gridPanel()->refresh();
    }
    if (parser.isSet(coverageOption)) {
        window.coverageDock()->show();
        window.coverageDock()->setPostType(parser.value(coverageOption));
        window.coverageDock()->run();
    }
    // Grid plan steps run one after another, each when the plans dock is idle.
    auto planSteps = std::make_shared<std::vector<std::function<bool()>>>();
    if (parser.isSet(proposeOption)) {
        gridatlas::app::GridPlansDock::ProposalRequest request;
        request.community = parser.value(proposeOption);
        request.plan = QStringLiteral("proposal");
        planSteps->push_back([&window, request] { return window.gridPlansDock()->propose(request); });
    }
    if (parser.isSet(compareOption)) {
        const QStringList ab = parser.value(compareOption).split(',');
        if (ab.size() == 2)
            planSteps->push_back([&window, ab] { return window.gridPlansDock()->compare(ab[0], ab[1]); });
    }
    if (!planSteps->empty()) {
        window.gridPlansDock()->show();
        window.gridPlansDock()->raise();
        auto* stepper = new QTimer(&window);
        QObject::connect(stepper, &QTimer::timeout, &window, [&window, planSteps, stepper] {
            if (window.gridPlansDock()->isBusy()) return;
            if (planSteps->empty()) {
                stepper->stop();
                return;
            }
            if (planSteps->front()()) planSteps->erase(planSteps->begin());
        });
        stepper->start(100);
    }
    QPointer<gridatlas::app::PrintDialog> printDialog;
    if (parser.isSet(printOption)) printDialog = window.showPrintDialog(parser.value(printOption));
    if (parser.isSet(shotOption)) {
        const QString file = parser.value(shotOption);
        auto* poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, &window, [&window, file, poll, opened, planSteps, printDialog] {
            if (!planSteps->empty() || window.gridPlansDock()->isBusy()) return;
            auto* canvas = window.canvas();
            if (canvas->isRendering() || canvas->shownGeneration() != canvas->requestedGeneration()) return;
            if (window.gridPanel()->isRunning() || window.coverageDock()->isRunning()) return;
            if (printDialog && (printDialog->isBusy() || printDialog->previewImage().isNull())) return;
            poll->stop();
            const bool ok = (printDialog ? printDialog->grab() : window.grab()).save(file);
            QApplication::exit(ok && opened ? 0 : 1);
        });
        poll->start(200);
    }
    return QApplication::exec();
}
