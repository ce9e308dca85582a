// Each check finds a planted fault of its kind, with its area and place, and nothing on clean data.
#include <gtest/gtest.h>

#include <algorithm>

#include "grids/grid_test_support.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/grid_checks.h"

namespace gridatlas::testing {
namespace {

using storage::GridProblem;
using storage::GridProblemKind;

std::vector<GridProblem> ofKind(const std::vector<GridProblem>& all, GridProblemKind k) {
    std::vector<GridProblem> out;
    std::copy_if(all.begin(), all.end(), std::back_inserter(out), [k](const GridProblem& p) { return p.kind == k; });
    return out;
}

std::string describe(const std::vector<GridProblem>& all) {
    std::string s;
    for (const auto& p : all) s += std::string(storage::problemKindName(p.kind)) + ": " + p.message + "\n";
    return s;
}

TEST(GridChecks, CleanFixtureHasNoProblems) {
    TwoGrids w;
    const auto problems = storage::checkGrids(*w.atlas);
    EXPECT_TRUE(problems.empty()) << describe(problems);
}

TEST(GridChecks, DemoAtlasIsClean) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    const auto problems = storage::checkGrids(*atlas);
    EXPECT_TRUE(problems.empty()) << "the demo generator produced grid faults:\n" << describe(problems);
}

TEST(GridChecks, OverlapFoundWithArea) {
    TwoGrids w;
    w.setGrid(2, TwoGrids::rect(190, 0, 400, 300)); // 10 m into A
    const auto problems = storage::checkGrids(*w.atlas);
    const auto overlaps = ofKind(problems, GridProblemKind::Overlap);
    ASSERT_EQ(overlaps.size(), 1u) << describe(problems);
    EXPECT_NEAR(overlaps[0].area, 3000.0, 0.01);
    EXPECT_EQ(overlaps[0].gridIds, (std::vector<std::int64_t>{1, 2}));
    EXPECT_GT(overlaps[0].location.x, TwoGrids::kX0 + 190);
    EXPECT_LT(overlaps[0].location.x, TwoGrids::kX0 + 200);
    EXPECT_TRUE(ofKind(problems, GridProblemKind::Gap).empty());
}

TEST(GridChecks, GapFoundWithArea) {
    TwoGrids w;
    w.setGrid(2, TwoGrids::rect(210, 0, 400, 300));
    const auto problems = storage::checkGrids(*w.atlas);
    const auto gaps = ofKind(problems, GridProblemKind::Gap);
    ASSERT_EQ(gaps.size(), 1u) << describe(problems);
    EXPECT_NEAR(gaps[0].area, 3000.0, 0.01);
    EXPECT_NEAR(gaps[0].bounds.xmin, TwoGrids::kX0 + 200, 1e-6);
    EXPECT_NEAR(gaps[0].bounds.xmax, TwoGrids::kX0 + 210, 1e-6);
    EXPECT_TRUE(ofKind(problems, GridProblemKind::Overlap).empty());
}

TEST(GridChecks, SliversBelowTheMinimumAreaAreNotFaults) {
    TwoGrids w;
    w.setGrid(2, TwoGrids::rect(200.00001, 0, 400, 300)); // 0.003 m2
    EXPECT_TRUE(ofKind(storage::checkGrids(*w.atlas), GridProblemKind::Gap).empty());
    storage::GridCheckOptions strict;
    strict.minArea = 0.001;
    EXPECT_EQ(ofKind(storage::checkGrids(*w.atlas, strict), GridProblemKind::Gap).size(), 1u);
}

TEST(GridChecks, OutsideCommunityFound) {
    TwoGrids w;
    w.setGrid(2, TwoGrids::rect(200, 0, 420, 300));
    const auto problems = storage::checkGrids(*w.atlas);
    const auto out = ofKind(problems, GridProblemKind::OutsideCommunity);
    ASSERT_EQ(out.size(), 1u) << describe(problems);
    EXPECT_NEAR(out[0].area, 6000.0, 0.01);
    EXPECT_EQ(out[0].gridIds, std::vector<std::int64_t>{2});
}

TEST(GridChecks, CutBuildingFound) {
    TwoGrids w;
    w.setGrid(1, TwoGrids::rect(0, 0, 90, 300)); // building 1 spans x 50..110
    w.setGrid(2, TwoGrids::rect(90, 0, 400, 300));
    const auto problems = storage::checkGrids(*w.atlas);
    const auto cut = ofKind(problems, GridProblemKind::CutBuilding);
    ASSERT_EQ(cut.size(), 1u) << describe(problems);
    EXPECT_EQ(cut[0].buildingId, 1);
    EXPECT_EQ(cut[0].gridIds, (std::vector<std::int64_t>{1, 2})); // most of it in A first
    EXPECT_TRUE(ofKind(problems, GridProblemKind::StaleAssignment).empty()) << describe(problems);
    EXPECT_TRUE(ofKind(problems, GridProblemKind::Gap).empty());
}

TEST(GridChecks, EmptyGridAndStaleAssignmentFound) {
    TwoGrids w;
    w.atlas->connection().exec("UPDATE buildings SET grid_id = 1 WHERE id = 2");
    const auto problems = storage::checkGrids(*w.atlas);
    const auto empty = ofKind(problems, GridProblemKind::EmptyGrid);
    ASSERT_EQ(empty.size(), 1u) << describe(problems);
    EXPECT_EQ(empty[0].gridIds, std::vector<std::int64_t>{2});
    const auto stale = ofKind(problems, GridProblemKind::StaleAssignment);
    ASSERT_EQ(stale.size(), 1u);
    EXPECT_EQ(stale[0].buildingId, 2);
    EXPECT_EQ(stale[0].gridIds, std::vector<std::int64_t>{2}); // the grid that should have it
}

TEST(GridChecks, MissingStaffNamesTheRoles) {
    TwoGrids w;
    w.atlas->connection().exec("DELETE FROM grid_staff WHERE grid_id = 1 AND role IN ('supervisor', 'assistant')");
    const auto problems = storage::checkGrids(*w.atlas);
    const auto staff = ofKind(problems, GridProblemKind::MissingStaff);
    ASSERT_EQ(staff.size(), 1u) << describe(problems);
    EXPECT_EQ(staff[0].gridIds, std::vector<std::int64_t>{1});
    EXPECT_NE(staff[0].message.find("supervisor"), std::string::npos);
    EXPECT_NE(staff[0].message.find("assistant"), std::string::npos);
    EXPECT_EQ(staff[0].message.find("manager"), std::string::npos);
}

TEST(GridChecks, InvalidPolygonFoundWithItsPlace) {
    TwoGrids w;
    // The atlas refuses invalid grids; a file edited by another tool may still hold one.
    w.atlas->connection().exec(w.atlas->connection().engine() == storage::Engine::PostgreSQL
                                   ? "DROP TRIGGER grids_polygon_valid_update ON grids"
                                   : "DROP TRIGGER grids_polygon_valid_update");
    using model::Vec2;
    const double x = TwoGrids::kX0, y = TwoGrids::kY0;
    // A bow tie: A's east edge crosses itself at (100, 150).
    w.setGrid(1, model::Geometry::polygon({{{x, y}, {x + 200, y}, {x, y + 300}, {x + 200, y + 300}}}));
    const auto problems = storage::checkGrids(*w.atlas);
    const auto invalid = ofKind(problems, GridProblemKind::InvalidPolygon);
    ASSERT_EQ(invalid.size(), 1u) << describe(problems);
    EXPECT_EQ(invalid[0].gridIds, std::vector<std::int64_t>{1});
    EXPECT_NEAR(invalid[0].location.x, x + 100, 1e-6);
    EXPECT_NEAR(invalid[0].location.y, y + 150, 1e-6);
}

} // namespace
} // namespace gridatlas::testing
