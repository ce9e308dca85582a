// gridatlas-cli history: the audit log, newest first (sensitive values are stored masked).
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "storage/atlas.h"
#include "storage/audit.h"

namespace gridatlas::cli {

namespace {

std::string orDash(const std::optional<std::string>& s) { return s ? *s : "-"; }

int runHistory(const ArgList& argv) {
    const Args args("history", argv, {"atlas", "table", "limit"}, {});
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadOnly);
    const int limit = static_cast<int>(args.integer("limit", 1, 10'000'000).value_or(50));
    const auto entries = storage::readAudit(atlas->connection(), args.value("table").value_or(""), limit);
    if (entries.empty()) std::printf("no changes recorded\n");
    for (const auto& e : entries) {
        std::string where = e.table.empty() ? "-" : e.table;
        if (e.rowId) where += "#" + std::to_string(*e.rowId);
        if (!e.field.empty()) where += "." + e.field;
        std::printf("%lld\t%s\t%s\t%s\t%s", static_cast<long long>(e.id), e.at.c_str(), e.actor.c_str(), e.action.c_str(),
                    where.c_str());
        if (e.action == "update") std::printf("\t%s -> %s\n", orDash(e.oldValue).c_str(), orDash(e.newValue).c_str());
        else if (e.action == "delete") std::printf("\t%s\n", orDash(e.oldValue).c_str());
        else std::printf("\t%s\n", orDash(e.newValue).c_str());
    }
    return 0;
}

} // namespace

GRIDATLAS_CLI_COMMAND("history", R"(  history --atlas FILE [--table T] [--limit N]
          the audit log, newest first: when, who (GRIDATLAS_USER or the OS user), what (table,
          row, field, old -> new value; sensitive values masked); default limit 50
)", runHistory, 82);

} // namespace gridatlas::cli
