// gridatlas-cli: everything GridAtlas does, headless. A thin main over the libraries.
#include <QGuiApplication>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/passphrase.h"
#include "model/support/error.h"
#include "storage/connection.h"

namespace {

void printUsage(std::FILE* to) {
    std::string text = "usage: gridatlas-cli COMMAND [options]\n\ncommands:\n";
    for (const auto& c : gridatlas::cli::commands()) text += c.usage;
    text += "\nErrors name what is wrong and exit non-zero; no partial output is left behind.\n";
    std::fputs(text.c_str(), to);
}

} // namespace

int main(int argc, char** argv) {
    // Rendering needs a QGuiApplication; the CLI never needs a display.
    if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" || std::string(argv[1]) == "help") {
        printUsage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    // A writer that finds another process writing waits and retries; it says so on stderr.
    gridatlas::storage::setBusyNotifier([](const std::string& path) {
        std::fprintf(stderr, "gridatlas-cli: atlas is busy (another process is writing); waiting... [%s]\n", path.c_str());
    });
    int qtArgc = 1;
    QGuiApplication app(qtArgc, argv);
    const std::string command = argv[1];
    gridatlas::cli::installPassphraseProvider(); // encrypted atlases: GRIDATLAS_PASSPHRASE or the terminal
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
        for (const auto& c : gridatlas::cli::commands())
            if (c.name == command) return c.run(args);
        std::cerr << "gridatlas-cli: unknown command '" << command << "'\n\n";
        printUsage(stderr);
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
