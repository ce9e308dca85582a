#include <algorithm>
#include <stdexcept>

#include "cli/commands.h"

namespace gridatlas::cli {

namespace {
std::vector<Command>& registry() {
    static std::vector<Command> all;
    return all;
}
} // namespace

CommandRegistration::CommandRegistration(std::string name, std::string usage, CommandFn run, int order) {
    auto& all = registry();
    for (const auto& c : all)
        if (c.name == name) throw std::logic_error("gridatlas-cli: command '" + name + "' registered twice");
    all.push_back(Command{std::move(name), std::move(usage), run, order});
    std::stable_sort(all.begin(), all.end(), [](const Command& a, const Command& b) {
        return a.order != b.order ? a.order < b.order : a.name < b.name;
    });
}

const std::vector<Command>& commands() { return registry(); }

} // namespace gridatlas::cli
