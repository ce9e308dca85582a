// gridatlas-cli delete: bulk delete of the rows of one layer a filter selects (issue 9: an
// automatic backup first, one transaction, every row in the audit log, cascades reported).
#include <cmath>
#include <cstdio>
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/bulk_delete.h"
#include "storage/connection.h"
#include "storage/engine.h"

namespace gridatlas::cli {

int runDelete(const ArgList& argv) {
    const Args args("delete", argv, {"atlas", "layer", "where"}, {"dry-run"});
    if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional().front() + "'");
    const std::string layer = args.required("layer");
    const std::string where = args.required("where");
    const bool dryRun = args.flag("dry-run");
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadWrite); // a dry run deletes, then rolls back
    Feedback feedback;
    int lastDecile = -1;
    feedback.setProgressCallback([&lastDecile](double p, const std::string& stage) {
        const int d = static_cast<int>(std::floor(p / 10));
        if (d == lastDecile) return;
        lastDecile = d;
        std::fprintf(stderr, "[%3d%%] %s\n", static_cast<int>(p), stage.c_str());
    });
    const auto result = storage::deleteWhere(*atlas, layer, where, dryRun, &feedback);
    if (result.written) atlas->updateStatistics();
    std::cout << result.summary() << "\n";
    if (!result.backupPath.empty()) std::cout << "backup before deleting: " << result.backupPath << "\n";
    else if (result.written && atlas->connection().engine() == storage::Engine::PostgreSQL)
        std::cout << "no automatic backup on a server atlas: the deletion was one transaction; the server's own backups "
                     "(pg_dump) are the way back\n";
    return 0;
}

GRIDATLAS_CLI_COMMAND("delete", R"(  delete  --atlas FILE --layer communities|grids|buildings|units|households|service_posts|streets
          --where FILTER [--dry-run]
          delete the rows the filter selects, with what hangs on them (a building's units,
          households, residents), in one transaction after an automatic backup
)",
                      runDelete, 42);

} // namespace gridatlas::cli
