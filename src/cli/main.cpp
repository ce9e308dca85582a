// gridatlas-cli: everything GridAtlas does, headless. A thin main over the libraries.
#include <QGuiApplication>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "model/support/error.h"

namespace {

constexpr const char* kUsage = R"(usage: gridatlas-cli COMMAND [options]

commands:
  demo    --out FILE --scale S|M|L [--seed N] [--name NAME] [--force]
          generate a deterministic demo district atlas
  render  --atlas FILE --map maps/NAME.json --out out/x.pdf|png|svg [--dpi N]
          [--page A4|A3] [--landscape|--portrait] [--reveal]
          render a member-location chart (党员居住平面图)
  info    --atlas FILE
          print the atlas's CRS, schema version and row counts

Errors name what is wrong and exit non-zero; no partial output is left behind.
)";

} // namespace

int main(int argc, char** argv) {
    // Rendering needs a QGuiApplication; the CLI never needs a display.
    if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" || std::string(argv[1]) == "help") {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    int qtArgc = 1;
    QGuiApplication app(qtArgc, argv);
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (command == "demo") return gridatlas::cli::runDemo(args);
        if (command == "render") return gridatlas::cli::runRender(args);
        if (command == "info") return gridatlas::cli::runInfo(args);
        std::cerr << "gridatlas-cli: unknown command '" << command << "'\n\n" << kUsage;
        return 2;
    } catch (const gridatlas::CancelledError&) {
        std::cerr << "gridatlas-cli " << command << ": cancelled\n";
        return 130;
    } catch (const gridatlas::Error& e) {
        std::cerr << "gridatlas-cli " << command << ": error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "gridatlas-cli " << command << ": internal error: " << e.what() << "\n";
        return 3;
    }
}
