// Plan versions: save, compare (which buildings move, households per grid), restore in one
// transaction, bit for bit.
#include <gtest/gtest.h>

#include "grids/grid_test_support.h"
#include "model/support/error.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/grid_edit.h"
#include "storage/grid_plans.h"
#include "storage/grid_propose.h"

namespace gridatlas::testing {
namespace {

TEST(GridPlans, SaveEditRestoreGivesBackTheSameRows) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    const auto blobs = gridBlobs(c);
    const auto buildings = buildingGrids(c);
    const auto staff = gridStaff(c);
    storage::saveCurrentPlan(*w.atlas, "today");
    EXPECT_THROW(storage::saveCurrentPlan(*w.atlas, "today"), InputError);

    storage::GridEditor editor(*w.atlas);
    editor.mergeGrids(1, {2});
    editor.splitGrid(
        1, model::Geometry::lineString({{TwoGrids::kX0 + 300, TwoGrids::kY0 - 1}, {TwoGrids::kX0 + 300, TwoGrids::kY0 + 301}}),
        {"150781001001-09", "新网格", std::nullopt, 100});
    ASSERT_NE(gridBlobs(c), blobs);

    storage::restorePlan(*w.atlas, "today");
    // Grid 2 was deleted by the merge: it comes back with a new id, the same code and rows.
    std::map<std::string, std::string> byCode;
    storage::Statement st(c, "SELECT code, " + storage::geomSelect(c, "geom") + " FROM grids ORDER BY code");
    while (st.step()) byCode[st.columnText(0)] = std::string(st.columnBlob(1));
    ASSERT_EQ(byCode.size(), 2u);
    EXPECT_EQ(byCode.at("150781001001-01"), blobs.at(1));
    EXPECT_EQ(byCode.at("150781001001-02"), blobs.at(2));
    const auto now = buildingGrids(c);
    EXPECT_EQ(now.at(1), 1);
    ASSERT_TRUE(now.at(2));
    EXPECT_EQ(*c.queryText("SELECT code FROM grids WHERE id = " + std::to_string(*now.at(2))), "150781001001-02");
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM grid_staff").value_or(0), 6);
    (void)staff;
}

TEST(GridPlans, CompareListsMovesAndHouseholdsPerGrid) {
    TwoGrids w;
    storage::saveCurrentPlan(*w.atlas, "before");
    storage::GridEditor editor(*w.atlas);
    editor.replacePolygon(1, TwoGrids::rect(0, 0, 300, 300)); // building 2 (36 households) moves to A
    const auto cmp = storage::comparePlans(*w.atlas, "before", storage::kCurrentPlanName);
    ASSERT_EQ(cmp.moves.size(), 1u);
    EXPECT_EQ(cmp.moves[0].buildingId, 2);
    EXPECT_EQ(cmp.moves[0].from, "150781001001-02");
    EXPECT_EQ(cmp.moves[0].to, "150781001001-01");
    EXPECT_EQ(cmp.moves[0].households, 36);
    EXPECT_EQ(cmp.householdsMoved, 36);
    ASSERT_EQ(cmp.grids.size(), 2u);
    EXPECT_EQ(cmp.grids[0].householdsBefore, 24);
    EXPECT_EQ(cmp.grids[0].householdsAfter, 60);
    EXPECT_EQ(cmp.grids[1].householdsBefore, 36);
    EXPECT_EQ(cmp.grids[1].householdsAfter, 0);
    EXPECT_THROW(storage::comparePlans(*w.atlas, "before", "nope"), InputError);
}

TEST(GridPlans, ProposalIsSavedNeverOverTheCurrentGrids) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    auto& c = atlas->connection();
    const auto blobs = gridBlobs(c);
    const auto buildings = buildingGrids(c);
    const auto in = storage::loadProposalInput(*atlas, "湖西社区");
    const auto p = storage::proposeGrids(in, {});
    std::vector<storage::PlanGrid> grids;
    std::vector<std::pair<std::int64_t, std::string>> members;
    for (const auto& g : p.grids) {
        grids.push_back({g.code, g.name, in.communityId, 400, g.polygon});
        for (auto b : g.buildingIds) members.emplace_back(b, g.code);
    }
    storage::savePlan(*atlas, "proposal", "proposal", in.communityId, grids, members);
    EXPECT_EQ(gridBlobs(c), blobs);
    EXPECT_EQ(buildingGrids(c), buildings);
    const auto plans = storage::listPlans(*atlas);
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0].kind, "proposal");
    EXPECT_EQ(plans[0].grids, static_cast<int>(p.grids.size()));
    const auto cmp = storage::comparePlans(*atlas, storage::kCurrentPlanName, "proposal");
    EXPECT_EQ(cmp.householdsMoved, p.householdsMoved);
    // Only the proposal's community is compared.
    for (const auto& g : cmp.grids) EXPECT_EQ(g.code.rfind("150781001001", 0), 0u) << g.code;
    // Restoring applies it to that community only; the other community's grids stay.
    storage::restorePlan(*atlas, "proposal");
    const auto after = gridBlobs(c);
    storage::Statement st(c, "SELECT id FROM grids WHERE community_id = 2 ORDER BY id");
    while (st.step()) EXPECT_EQ(after.at(st.columnInt(0)), blobs.at(st.columnInt(0)));
    const auto planned = storage::planGrids(*atlas, "proposal");
    EXPECT_EQ(planned.size(), p.grids.size());
}

TEST(GridPlans, RestoreIsOneTransaction) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    // A plan whose second grid is a multipolygon cannot be restored into the POLYGON column.
    const auto a = TwoGrids::rect(0, 0, 200, 300);
    auto multi = model::Geometry::multiPolygon({{{{TwoGrids::kX0 + 200, TwoGrids::kY0},
                                                  {TwoGrids::kX0 + 300, TwoGrids::kY0},
                                                  {TwoGrids::kX0 + 300, TwoGrids::kY0 + 100}}},
                                                {{{TwoGrids::kX0 + 300, TwoGrids::kY0 + 200},
                                                  {TwoGrids::kX0 + 400, TwoGrids::kY0 + 200},
                                                  {TwoGrids::kX0 + 400, TwoGrids::kY0 + 300}}}});
    storage::savePlan(*w.atlas, "broken", "proposal", 1,
                      {{"150781001001-01", "A", 1, 400, a}, {"150781001001-07", "B", 1, 400, multi}}, {{1, "150781001001-01"}});
    const auto blobs = gridBlobs(c);
    const auto buildings = buildingGrids(c);
    EXPECT_THROW(storage::restorePlan(*w.atlas, "broken"), Error);
    EXPECT_EQ(gridBlobs(c), blobs);
    EXPECT_EQ(buildingGrids(c), buildings);
}

} // namespace
} // namespace gridatlas::testing
