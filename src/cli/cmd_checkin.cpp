// gridatlas-cli checkin: the local changes of a checked-out atlas back into the shared PostGIS atlas.
#include <cstdio>
#include <iostream>

#include "cli/args.h"
#include "cli/cmd_coverage_support.h"
#include "cli/commands.h"
#include "storage/engine.h"
#include "storage/publish_pg.h"

namespace gridatlas::cli {

namespace {
/// Exit code when the checkin left conflicts (the rest was checked in).
constexpr int kConflicts = 3;
} // namespace

int runCheckin(const ArgList& argv) {
    const Args args("checkin", argv, {"atlas", "to"}, {"dry-run", "reveal"});
    const std::string atlas = args.required("atlas");
    Feedback feedback;
    coverage_support::attachProgress(feedback, "checkin");
    storage::CheckinSummary summary;
    {
        coverage_support::InterruptScope interrupts(feedback);
        summary = storage::checkinCommunity(atlas, args.value("to").value_or(""), args.flag("dry-run"), args.flag("reveal"), &feedback);
    }
    std::cout << summary.report() << "\n";
    return summary.conflicts.empty() ? 0 : kConflicts;
}

GRIDATLAS_CLI_COMMAND("checkin", R"(  checkin  --atlas local.sqlite [--to PG] [--dry-run] [--reveal]
          merge the local changes of a checked-out atlas into the PostGIS atlas it came from
          (--to when its location needs a password: the atlas records it without): added rows get
          server ids, changed and deleted rows are written when the server still has them as
          checked out; rows changed on both sides (or changed on one, deleted on the other) are
          conflicts, reported field by field (personal data masked unless --reveal) and not
          written. One transaction. Exit 0, or 3 when there were conflicts
)", runCheckin, 87);

} // namespace gridatlas::cli
