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
