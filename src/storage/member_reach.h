#pragma once
// Member reach (党员联络网, 一帮一): which vulnerable households have an assigned member (the
// assignments table's 'pairing' rows) and which have none, members' loads, how many members
// live within N metres of each vulnerable household, and a suggestion pairing the unassigned
// households with nearby members under a maximum load that first pairs as many households as
// possible and then minimises the total distance (min-cost flow, exact; solved per connected
// group of candidate pairs). Suggestions are for review: nothing is written to the atlas.
#include <cstdint>
#include <string>
#include <vector>

#include "storage/coverage.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class Atlas;
class StreetNetwork;

struct ReachMember {
    std::int64_t id = 0;          ///< residents.id
    std::int64_t householdId = 0; ///< where the member lives
    std::string name;             ///< personal: mask before output
    std::string memberType;       ///< full, probationary, mobile, in_service
};

struct MemberReachData {
    std::vector<ReachMember> members;                            ///< by id
    std::vector<std::pair<std::int64_t, std::int64_t>> pairings; ///< (member id, household id), by member then household
};

/// Reads members and pairings.
MemberReachData loadMemberReach(Atlas& atlas);

struct MemberReachOptions {
    DistanceMode mode = DistanceMode::Euclidean;
    double radiusM = 500;           ///< "nearby": within this distance
    int maxLoad = 3;                ///< households per member, counting existing pairings
    int candidatesPerHousehold = 8; ///< nearest members considered per household
    bool includeMobile = false;     ///< mobile members (流动党员) live elsewhere: not suggested by default
    double maxSnapM = 300;
};

struct PairSuggestion {
    std::int32_t household = -1; ///< index into CoverageData::households
    std::int32_t member = -1;    ///< index into MemberReachData::members
    double distanceM = 0;
};

struct MemberReachResult {
    std::vector<std::int32_t> vulnerable;    ///< household indices of vulnerable households, by id
    std::vector<std::uint8_t> assigned;      ///< per vulnerable household: has a pairing
    std::vector<std::int32_t> membersNearby; ///< per vulnerable household: members within the radius
    std::vector<std::int32_t> loads;         ///< per member: paired households
    std::vector<PairSuggestion> suggestions; ///< by household id
    std::int64_t unassigned = 0;             ///< vulnerable households without a pairing
    std::int64_t unmatched = 0;              ///< of those, left without a suggestion
    double totalDistanceM = 0;               ///< of the suggestions
    std::int64_t overloadedMembers = 0;      ///< members already above the maximum load
};

/// Computes the reach. Throws InputError for a non-positive radius or load.
MemberReachResult computeMemberReach(const CoverageData& data, const MemberReachData& reach, const MemberReachOptions& options,
                                     const StreetNetwork* network = nullptr, Feedback* feedback = nullptr);

/// Min-cost assignment (exposed for tests): `capacity[m]` slots per member, candidate pairs
/// (household, member, cost); returns, per household, the chosen member or -1, maximising the
/// number of pairs first and then minimising the total cost.
std::vector<std::int32_t> minCostAssignment(std::size_t households, const std::vector<int>& capacity,
                                            const std::vector<std::tuple<std::int32_t, std::int32_t, double>>& pairs);

} // namespace gridatlas::storage
