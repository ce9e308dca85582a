#pragma once
// gridatlas-cli commands. Each command lives in its own cmd_*.cpp and registers itself with
// GRIDATLAS_CLI_COMMAND; main() dispatches by name and prints the usage of every command.
// A command returns the process exit code and throws gridatlas::Error (printed by main) on
// failure.
#include <string>
#include <vector>

namespace gridatlas::cli {

using ArgList = std::vector<std::string>;
using CommandFn = int (*)(const ArgList& args);

struct Command {
    std::string name;
    std::string usage; // options line(s) and a one-line description, already indented
    CommandFn run;
    int order; // position in the usage text (lower first)
};

/// All registered commands, sorted by order then name.
const std::vector<Command>& commands();

/// gridatlas-cli is two programs (cli/CMakeLists.txt): a lean one, linked without Qt's GUI
/// module and GDAL, runs the commands that need neither (coverage, site, reach, info, backup,
/// ...) and so starts in a third of the time; it hands everything else (and --help) to the full
/// one, libexec/gridatlas/gridatlas-cli-full, by exec with the same arguments. A lean command
/// that finds it needs the full program after all (coverage --out x.pdf) calls this.
[[noreturn]] void handOverToFullCli();
/// True in the lean program.
bool isLeanCli();

struct CommandRegistration {
    CommandRegistration(std::string name, std::string usage, CommandFn run, int order = 100);
};

} // namespace gridatlas::cli

#define GRIDATLAS_CLI_CONCAT2(a, b) a##b
#define GRIDATLAS_CLI_CONCAT(a, b) GRIDATLAS_CLI_CONCAT2(a, b)
/// Registers a command at static-initialisation time: GRIDATLAS_CLI_COMMAND("info", kUsage, runInfo, 30);
#define GRIDATLAS_CLI_COMMAND(name, usage, fn, order)                                                            \
    static const ::gridatlas::cli::CommandRegistration GRIDATLAS_CLI_CONCAT(gridatlasCliCommand_, __LINE__) {     \
        name, usage, fn, order                                                                                   \
    }
