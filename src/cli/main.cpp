// gridatlas-cli: everything GridAtlas does, headless. A thin main over the libraries. Built twice
// (cli/commands.h, handOverToFullCli): the lean program (GRIDATLAS_LEAN_CLI: no Qt GUI, no GDAL)
// and the full one it hands the other commands to.
#ifndef GRIDATLAS_LEAN_CLI
#include <QGuiApplication>
#endif

#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/passphrase.h"
#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/engine.h"

namespace {

char** g_argv = nullptr;

void printUsage(std::FILE* to) {
    std::string text = "usage: gridatlas-cli COMMAND [options]\n\ncommands:\n";
    for (const auto& c : gridatlas::cli::commands()) text += c.usage;
    text += "\nErrors name what is wrong and exit non-zero; no partial output is left behind.\n";
    std::fputs(text.c_str(), to);
}

} // namespace

namespace gridatlas::cli {

bool isLeanCli() {
#ifdef GRIDATLAS_LEAN_CLI
    return true;
#else
    return false;
#endif
}

void handOverToFullCli() {
#ifdef GRIDATLAS_LEAN_CLI
    // Beside this program: build/bin/gridatlas-cli -> build/libexec/gridatlas/gridatlas-cli-full
    // (installed the same way). GRIDATLAS_CLI_FULL overrides it.
    std::string full;
    if (const char* env = std::getenv("GRIDATLAS_CLI_FULL")) {
        full = env;
    } else {
        std::error_code ec;
        const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
        full = ((ec ? std::filesystem::path(g_argv[0]) : self).parent_path() / ".." / "libexec" / "gridatlas" /
                "gridatlas-cli-full")
                   .lexically_normal()
                   .string();
    }
    std::fflush(nullptr);
    execv(full.c_str(), g_argv);
    std::fprintf(stderr, "gridatlas-cli: cannot run '%s': %s (the full program is part of GridAtlas; reinstall it)\n",
                 full.c_str(), std::strerror(errno));
    std::_Exit(3);
#else
    std::fputs("gridatlas-cli: internal error: the full program was asked to hand over to itself\n", stderr);
    std::_Exit(3);
#endif
}

} // namespace gridatlas::cli

int main(int argc, char** argv) {
    g_argv = argv;
#ifdef GRIDATLAS_LEAN_CLI
    // Analyses allocate and free arrays of a million entries in turn: keep freed memory in the
    // heap for the next one instead of returning it to the kernel and faulting fresh pages in
    // again (page faults were a third of a straight-line coverage run on a district).
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
    // Rendering needs a QGuiApplication; the CLI never needs a display.
    if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" || std::string(argv[1]) == "help") {
        if (gridatlas::cli::isLeanCli()) gridatlas::cli::handOverToFullCli(); // it knows every command
        printUsage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    // A writer that finds another process writing waits and retries; it says so on stderr.
    gridatlas::storage::setBusyNotifier([](const std::string& path) {
        std::fprintf(stderr, "gridatlas-cli: atlas is busy (another process is writing); waiting... [%s]\n", path.c_str());
    });
    const std::string command = argv[1];
#ifdef GRIDATLAS_LEAN_CLI
    bool known = false;
    for (const auto& c : gridatlas::cli::commands()) known = known || c.name == command;
    if (!known) gridatlas::cli::handOverToFullCli();
#else
    int qtArgc = 1;
    QGuiApplication app(qtArgc, argv);
#endif
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
        std::string what = gridatlas::storage::redactPasswordsIn(e.what());
        // Some messages name the command themselves: say it once.
        if (const std::string self = "gridatlas-cli " + command + ": "; what.starts_with(self)) what.erase(0, self.size());
        std::cerr << "gridatlas-cli " << command << ": error: " << what << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "gridatlas-cli " << command << ": internal error: " << gridatlas::storage::redactPasswordsIn(e.what())
                  << "\n";
        return 3;
    }
}
