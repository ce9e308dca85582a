// gridatlas-cli publish: one community of a SpatiaLite atlas onto the shared PostGIS atlas.
#include <cstdio>
#include <iostream>

#include "cli/args.h"
#include "cli/cmd_coverage_support.h"
#include "cli/commands.h"
#include "storage/engine.h"
#include "storage/publish_pg.h"

namespace gridatlas::cli {

int runPublish(const ArgList& argv) {
    const Args args("publish", argv, {"atlas", "to", "community"}, {});
    const std::string atlas = args.required("atlas");
    const std::string to = args.required("to");
    const std::string community = args.required("community");
    Feedback feedback;
    coverage_support::attachProgress(feedback, "publish");
    storage::TransferSummary summary;
    {
        coverage_support::InterruptScope interrupts(feedback);
        summary = storage::publishCommunity(atlas, to, community, &feedback);
    }
    std::cout << "published community " << summary.community << " (id " << summary.communityId << ") to "
              << storage::redactLocation(to) << (summary.createdAtlas ? " (new atlas)" : "") << ": " << summary.totalRows()
              << " rows";
    if (summary.replacedRows) std::cout << ", replacing " << summary.replacedRows << " rows of its earlier publish";
    std::cout << "\n" << summary.report();
    return 0;
}

GRIDATLAS_CLI_COMMAND("publish", R"(  publish --atlas FILE --to PG --community NAME|CODE
          copy one community (its grids, staff, buildings, units, households, residents, posts,
          plans...) to a PostGIS atlas, keeping ids, in one transaction; the streets and post types
          are merged; re-publishing replaces the community. PG: postgresql://host/db,
          pg:service=NAME or PG:'host=... dbname=...'; an empty database gets the atlas schema
)", runPublish, 85);

} // namespace gridatlas::cli
