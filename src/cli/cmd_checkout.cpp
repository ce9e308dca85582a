// gridatlas-cli checkout: one community of the shared PostGIS atlas as a local SpatiaLite atlas.
#include <cstdio>
#include <iostream>

#include "cli/args.h"
#include "cli/cmd_coverage_support.h"
#include "cli/commands.h"
#include "storage/engine.h"
#include "storage/publish_pg.h"

namespace gridatlas::cli {

int runCheckout(const ArgList& argv) {
    const Args args("checkout", argv, {"from", "community", "out"}, {});
    const std::string from = args.required("from");
    const std::string community = args.required("community");
    const std::string out = args.required("out");
    Feedback feedback;
    coverage_support::attachProgress(feedback, "checkout");
    storage::TransferSummary summary;
    {
        coverage_support::InterruptScope interrupts(feedback);
        summary = storage::checkoutCommunity(from, community, out, &feedback);
    }
    std::cout << "checked out community " << summary.community << " (id " << summary.communityId << ") from "
              << storage::redactLocation(from) << " to " << out << ": " << summary.totalRows() << " rows\n"
              << summary.report();
    return 0;
}

GRIDATLAS_CLI_COMMAND("checkout", R"(  checkout --from PG --community NAME|CODE --out local.sqlite
          copy one community of a PostGIS atlas (with the streets within 2 km and every post type)
          into a new SpatiaLite atlas for offline work, from one consistent snapshot; it records
          where it came from (atlas_meta checkout_*) and each row's server version (checkout_rows)
)", runCheckout, 86);

} // namespace gridatlas::cli
