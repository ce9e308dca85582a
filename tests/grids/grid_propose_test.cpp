// Proposals tile the community (union = boundary, no overlap, within 0.01 m2), are contiguous,
// never cut a building, and meet the tolerance or say why.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <set>

#include "grids/grid_test_support.h"
#include "model/support/error.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/grid_checks.h"
#include "storage/grid_plans.h"
#include "storage/grid_propose.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::testing {
namespace {

std::string communityBlob(storage::Atlas& atlas, std::int64_t id) {
    storage::Statement st(atlas.connection(), "SELECT " + storage::geomSelect(atlas.connection(), "geom") + " FROM communities WHERE id = ?");
    st.bind(1, id);
    st.step();
    return std::string(st.columnBlob(0));
}

/// Checks the tiling, contiguity, tolerance-or-reason and building accounting of a proposal.
void expectGoodProposal(storage::Atlas& atlas, const storage::ProposalInput& in, const storage::Proposal& p,
                        const storage::ProposalOptions& opt) {
    std::vector<std::string> blobs;
    for (const auto& g : p.grids) blobs.push_back(storage::encodeGeometry(atlas.connection(), g.polygon, atlas.srid()));
    const auto t = tiling(atlas.connection(), communityBlob(atlas, in.communityId), blobs);
    EXPECT_LE(t.overlap, 0.01) << in.community;
    EXPECT_LE(t.outside, 0.01) << in.community;
    // Inside the boundary and not overlapping: the union equals the boundary when the areas add up.
    EXPECT_NEAR(t.sumOfAreas, t.boundaryArea, 0.01) << in.community;
    EXPECT_EQ(t.multipart, 0) << in.community << ": every grid must be one connected polygon";
    int households = 0, residential = 0;
    std::set<std::int64_t> seen;
    for (const auto& b : in.buildings) {
        households += b.households;
        residential += b.residential;
    }
    for (const auto& g : p.grids) {
        SCOPED_TRACE(g.code);
        const double dev = std::abs(g.households - opt.target) / static_cast<double>(opt.target);
        if (dev <= opt.tolerance + 1e-9)
            EXPECT_TRUE(g.withinTolerance);
        else
            EXPECT_FALSE(g.why.empty()) << "a grid that misses the tolerance must say why";
        EXPECT_GT(g.compactness, 0.05);
        for (auto id : g.buildingIds) EXPECT_TRUE(seen.insert(id).second) << "building " << id << " in two grids";
    }
    EXPECT_EQ(p.households, households);
    EXPECT_EQ(seen.size(), in.buildings.size()) << "every building of the community belongs to one grid";
}

/// Saves and restores the proposal, then the checks see no geometric fault in that community.
void expectRestoredClean(storage::Atlas& atlas, const storage::ProposalInput& in, const storage::Proposal& p,
                         const std::string& name) {
    std::vector<storage::PlanGrid> grids;
    std::vector<std::pair<std::int64_t, std::string>> buildings;
    for (const auto& g : p.grids) {
        grids.push_back({g.code, g.name, in.communityId, 400, g.polygon});
        for (auto b : g.buildingIds) buildings.emplace_back(b, g.code);
    }
    storage::savePlan(atlas, name, "proposal", in.communityId, grids, buildings);
    storage::restorePlan(atlas, name);
    for (const auto& pr : storage::checkGrids(atlas)) {
        if (pr.communityId != in.communityId) continue;
        EXPECT_TRUE(pr.kind == storage::GridProblemKind::MissingStaff || pr.kind == storage::GridProblemKind::EmptyGrid)
            << pr.message;
    }
}

TEST(GridPropose, DemoCommunitiesTileAndMeetTheTolerance) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    for (const char* community : {"湖西社区", "东湖社区"}) {
        SCOPED_TRACE(community);
        const auto in = storage::loadProposalInput(*atlas, community);
        storage::ProposalOptions opt;
        opt.target = 400;
        opt.tolerance = 0.2;
        const auto p = storage::proposeGrids(in, opt);
        expectGoodProposal(*atlas, in, p, opt);
        EXPECT_EQ(p.gridsWithinTolerance, static_cast<int>(p.grids.size()));
        expectRestoredClean(*atlas, in, p, std::string("p-") + community);
    }
}

TEST(GridPropose, RespectStreetsAndSmallerTarget) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    const auto in = storage::loadProposalInput(*atlas, "东湖社区");
    storage::ProposalOptions opt;
    opt.target = 250;
    opt.tolerance = 0.25;
    opt.respectStreets = true;
    const auto p = storage::proposeGrids(in, opt);
    EXPECT_GE(p.grids.size(), 6u);
    expectGoodProposal(*atlas, in, p, opt);
}

TEST(GridPropose, SaysWhyWhenABuildingAloneExceedsTheTarget) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    const auto in = storage::loadProposalInput(*atlas, "湖西社区");
    int largest = 0;
    for (const auto& b : in.buildings) largest = std::max(largest, b.households);
    storage::ProposalOptions opt;
    opt.target = largest / 2;
    opt.tolerance = 0.1;
    const auto p = storage::proposeGrids(in, opt);
    expectGoodProposal(*atlas, in, p, opt);
    bool explained = false;
    for (const auto& g : p.grids) explained |= g.why.find("alone holds") != std::string::npos;
    EXPECT_TRUE(explained);
    EXPECT_FALSE(p.notes.empty());
}

TEST(GridPropose, KeepCurrentMovesNoHouseholdWhenTodaysGridsFit) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    const auto in = storage::loadProposalInput(*atlas, "东湖社区");
    storage::ProposalOptions opt;
    opt.target = 400;
    opt.tolerance = 0.2; // the demo's grids hold 300-500 households
    opt.keepCurrent = true;
    const auto p = storage::proposeGrids(in, opt);
    EXPECT_EQ(p.householdsMoved, 0);
    for (const auto& g : p.grids) EXPECT_TRUE(g.kept) << g.code;
    // Without keep-current the same call re-divides and moves households.
    opt.keepCurrent = false;
    EXPECT_GT(storage::proposeGrids(in, opt).householdsMoved, 0);
}

TEST(GridPropose, KeepCurrentRedividesOnlyTheGridsOutsideTheTolerance) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    const auto in = storage::loadProposalInput(*atlas, "东湖社区");
    storage::ProposalOptions opt;
    opt.target = 450;
    opt.tolerance = 0.03; // 437..463: 444 and 456 of today's grids fit, 474 and 408 do not
    opt.keepCurrent = true;
    const auto kept = storage::proposeGrids(in, opt);
    opt.keepCurrent = false;
    const auto fresh = storage::proposeGrids(in, opt);
    int keptGrids = 0;
    for (const auto& g : kept.grids) keptGrids += g.kept;
    EXPECT_GT(keptGrids, 0);
    EXPECT_LT(keptGrids, static_cast<int>(kept.grids.size()));
    EXPECT_LE(kept.householdsMoved, fresh.householdsMoved);
    expectGoodProposal(*atlas, in, kept, opt);
}

TEST(GridPropose, UnknownCommunityNamesTheKnownOnes) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    try {
        (void)storage::loadProposalInput(*atlas, "西湖社区");
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("湖西社区"), std::string::npos) << e.what();
    }
}

TEST(GridPropose, MAtlasLargestCommunitiesTile) {
    TempDir dir;
    auto atlas = storage::Atlas::open(demoMCopy(dir), storage::OpenMode::ReadWrite);
    std::vector<std::string> names;
    {
        storage::Statement st(atlas->connection(), "SELECT c.name FROM communities c JOIN buildings b ON b.community_id = c.id "
                                                   "GROUP BY c.id ORDER BY COUNT(*) DESC, c.id LIMIT 3");
        while (st.step()) names.push_back(st.columnText(0));
    }
    ASSERT_EQ(names.size(), 3u);
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const auto in = storage::loadProposalInput(*atlas, name);
        storage::ProposalOptions opt;
        opt.respectStreets = true;
        const auto t0 = std::chrono::steady_clock::now();
        const auto p = storage::proposeGrids(in, opt);
        EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
        expectGoodProposal(*atlas, in, p, opt);
        expectRestoredClean(*atlas, in, p, "p-" + name);
    }
}

} // namespace
} // namespace gridatlas::testing
