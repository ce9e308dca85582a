// gridatlas-cli reach: the member liaison network (党员联络网): vulnerable households with and
// without an assigned member (一帮一), members' loads, members nearby, and suggested pairings
// under a maximum load. Names are masked unless --reveal.
#include <algorithm>
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/cmd_coverage_support.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "model/masking.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/coverage_data.h"
#include "storage/coverage_report.h"
#include "storage/member_reach.h"

namespace gridatlas::cli {

int runReach(const ArgList& argv) {
    const Args args("reach", argv, {"atlas", "max-load", "radius", "out", "households", "loads", "speed"},
                    {"network", "euclid", "include-mobile", "reveal"});
    if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional().front() + "'");
    if (args.flag("network") && args.flag("euclid"))
        throw InputError("gridatlas-cli reach: give --network or --euclid, not both");
    storage::MemberReachOptions o;
    o.mode = args.flag("network") ? storage::DistanceMode::Network : storage::DistanceMode::Euclidean;
    if (const auto l = args.integer("max-load", 1, 1000)) o.maxLoad = static_cast<int>(*l);
    if (const auto r = coverage_support::positiveNumber(args, "radius")) o.radiusM = *r;
    o.includeMobile = args.flag("include-mobile");
    const bool reveal = args.flag("reveal");
    if (reveal) authorizeReveal(args.required("atlas"), "reach", "member names in the reach outputs");

    Feedback feedback;
    coverage_support::attachProgress(feedback, "reach");
    coverage_support::InterruptScope interrupts(feedback);
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadOnly);
    storage::CoverageLoadOptions load;
    load.footprints = false;
    load.streets = o.mode == storage::DistanceMode::Network;
    const auto data = storage::loadCoverageData(*atlas, load, &feedback);
    const auto members = storage::loadMemberReach(*atlas);
    const auto r = storage::computeMemberReach(*data, members, o, nullptr, &feedback);
    feedback.throwIfCancelled();

    if (const auto out = args.value("out")) {
        storage::ReportTable t{"pairs", {"household_id", "member_id", "member_name", "distance_m"}, {}};
        for (const auto& s : r.suggestions) {
            const auto& m = members.members[static_cast<std::size_t>(s.member)];
            t.rows.push_back({std::to_string(data->households.ids[static_cast<std::size_t>(s.household)]), std::to_string(m.id),
                              reveal ? m.name : model::maskName(m.name), storage::formatNumber(s.distanceM, 1)});
        }
        storage::writeCsvTable(*out, t);
    }
    if (const auto path = args.value("households")) {
        storage::ReportTable t{"households", {"household_id", "assigned", "members_nearby"}, {}};
        for (std::size_t k = 0; k < r.vulnerable.size(); ++k)
            t.rows.push_back({std::to_string(data->households.ids[static_cast<std::size_t>(r.vulnerable[k])]),
                              r.assigned[k] ? "1" : "0", std::to_string(r.membersNearby[k])});
        storage::writeCsvTable(*path, t);
    }
    if (const auto path = args.value("loads")) {
        storage::ReportTable t{"loads", {"member_id", "member_name", "member_type", "load"}, {}};
        for (std::size_t m = 0; m < members.members.size(); ++m) {
            const auto& mem = members.members[m];
            t.rows.push_back({std::to_string(mem.id), reveal ? mem.name : model::maskName(mem.name), mem.memberType,
                              std::to_string(r.loads[m])});
        }
        storage::writeCsvTable(*path, t);
    }
    std::int64_t none = 0;
    for (std::size_t k = 0; k < r.vulnerable.size(); ++k) none += r.membersNearby[k] == 0 ? 1 : 0;
    std::int64_t loaded = 0, maxLoad = 0;
    for (auto l : r.loads) {
        loaded += l > 0;
        maxLoad = std::max<std::int64_t>(maxLoad, l);
    }
    std::printf("vulnerable households: %zu; with an assigned member: %lld; without: %lld\n", r.vulnerable.size(),
                static_cast<long long>(static_cast<std::int64_t>(r.vulnerable.size()) - r.unassigned),
                static_cast<long long>(r.unassigned));
    std::printf("members: %zu, %lld with pairings, largest load %lld, %lld above the maximum load %d\n", members.members.size(),
                static_cast<long long>(loaded), static_cast<long long>(maxLoad), static_cast<long long>(r.overloadedMembers),
                o.maxLoad);
    std::printf("vulnerable households with no member within %.0f m (%s): %lld\n", o.radiusM,
                o.mode == storage::DistanceMode::Network ? "walking" : "straight line", static_cast<long long>(none));
    std::printf("suggested pairings: %zu (total %.0f m, average %.0f m); left unpaired: %lld\n", r.suggestions.size(),
                r.totalDistanceM, r.suggestions.empty() ? 0.0 : r.totalDistanceM / static_cast<double>(r.suggestions.size()),
                static_cast<long long>(r.unmatched));
    if (const auto out = args.value("out")) std::printf("wrote %s%s\n", out->c_str(), reveal ? " (names revealed)" : "");
    if (const auto path = args.value("households")) std::printf("wrote %s\n", path->c_str());
    if (const auto path = args.value("loads")) std::printf("wrote %s%s\n", path->c_str(), reveal ? " (names revealed)" : "");
    return 0;
}

GRIDATLAS_CLI_COMMAND("reach", R"(  reach   --atlas FILE [--max-load N] [--radius M] [--network|--euclid] [--include-mobile]
          [--out pairs.csv] [--households vulnerable.csv] [--loads members.csv] [--reveal]
          member reach (一帮一): vulnerable households with and without a member, members nearby,
          loads, and suggested pairings (fewest unpaired, then least total distance)
)",
                      runReach, 64);

} // namespace gridatlas::cli
