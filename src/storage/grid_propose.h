#pragma once
// Grid proposals (网格划分建议): partitions a community's residential buildings into contiguous,
// compact grids of about `target` households and draws polygons that tile the community.
//
// Buildings are grouped by compound (a compound is never split unless it alone exceeds the
// target's upper bound; a building never is). Groups are divided by recursive bisection along the
// longer extent at the point that balances households, preferring a cut that crosses a street
// (--respect-streets). Polygons come from a Voronoi tessellation of the building footprints,
// dissolved per grid, clipped to the community and with every footprint forced whole into its
// grid (see geos::tessellate), so they tile the boundary and no building is cut. With
// keepCurrent, today's grids that meet the tolerance are kept as they are and only the others are
// re-divided; new grids take the code of the current grid they share most households with.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/geometry.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class Atlas;

struct ProposalBuilding {
    std::int64_t id = 0;
    std::string number;
    std::string compound; ///< "" = none
    int households = 0;
    bool residential = true;
    model::Geometry footprint;
    std::string currentCode; ///< code of today's grid ("" = none)
};

struct ProposalInput {
    std::int64_t communityId = 0;
    std::string community;     ///< name
    std::string communityCode; ///< prefix of new grid codes
    model::Geometry boundary;
    std::vector<ProposalBuilding> buildings;
    std::vector<model::Geometry> streets; ///< arterial and local streets near the community
    struct CurrentGrid {
        std::string code;
        std::string name;
        std::optional<int> target;
    };
    std::vector<CurrentGrid> currentGrids;
};

/// A community found by name or code.
struct CommunityRef {
    std::int64_t id = 0;
    std::string name;
    std::string code;
};
/// Throws InputError listing the known communities when none has that name or code.
CommunityRef findCommunity(Atlas& atlas, const std::string& nameOrCode);

/// Reads a community (by name or code) with its buildings, household counts, streets and grids.
ProposalInput loadProposalInput(Atlas& atlas, const std::string& community);

struct ProposalOptions {
    int target = 400;
    double tolerance = 0.2; ///< grids within target*(1±tolerance) meet it
    bool respectStreets = false;
    bool keepCurrent = false;
};

struct ProposedGrid {
    std::string code;
    std::string name;
    int households = 0;
    int buildings = 0;
    double deviation = 0;   ///< (households - target) / target
    double compactness = 0; ///< Polsby-Popper 4*pi*A/P^2 (1 = circle)
    bool withinTolerance = false;
    bool kept = false; ///< unchanged from today's grid (keepCurrent)
    std::string why;   ///< why the tolerance is missed ("" when met)
    model::Geometry polygon;
    std::vector<std::int64_t> buildingIds;
};

struct Proposal {
    std::vector<ProposedGrid> grids; ///< by code
    int households = 0;
    double maxDeviation = 0; ///< largest |deviation|
    double meanCompactness = 0;
    int gridsWithinTolerance = 0;
    int householdsMoved = 0;        ///< against today's assignment
    std::vector<std::string> notes; ///< why targets are missed, in general
};

/// \pre options.target > 0, 0 <= options.tolerance < 1.
Proposal proposeGrids(const ProposalInput& input, const ProposalOptions& options, Feedback* feedback = nullptr);

/// Saves a proposal as plan version `planName` (kind "proposal"; never over the current grids),
/// with a note of the options it was made with. Throws InputError when the name is taken, unless
/// `replace`.
std::int64_t saveProposal(Atlas& atlas, const std::string& planName, const ProposalInput& input, const Proposal& proposal,
                          const ProposalOptions& options, bool replace = false);

} // namespace gridatlas::storage
