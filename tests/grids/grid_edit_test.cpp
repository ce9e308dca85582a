// Grid edits keep shared boundaries exact (no sliver above 0.01 m2), keep the building assignment
// current, and undo restores the rows bit for bit; redo gives the edited state back.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <cmath>

#include "grids/grid_test_support.h"
#include "model/support/error.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/grid_checks.h"
#include "storage/grid_edit.h"
#include "storage/row_versions.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::testing {
namespace {

using model::Vec2;
using storage::GridProblemKind;

/// Geometry faults (not staff/empty grids, which edits may legitimately cause).
std::string geometryFaults(storage::Atlas& atlas) {
    std::string s;
    for (const auto& p : storage::checkGrids(atlas))
        if (p.kind == GridProblemKind::Overlap || p.kind == GridProblemKind::Gap || p.kind == GridProblemKind::OutsideCommunity ||
            p.kind == GridProblemKind::CutBuilding || p.kind == GridProblemKind::InvalidPolygon ||
            p.kind == GridProblemKind::StaleAssignment)
            s += p.message + "\n";
    return s;
}

struct State {
    std::map<std::int64_t, std::string> blobs;
    std::map<std::int64_t, std::optional<std::int64_t>> buildings;
    std::map<std::int64_t, std::vector<std::string>> staff;
    std::map<std::int64_t, std::string> rows;
    friend bool operator==(const State&, const State&) = default;
};
State stateOf(storage::Connection& c) {
    State s{gridBlobs(c), buildingGrids(c), gridStaff(c), {}};
    storage::Statement st(c, "SELECT id, code || '|' || name || '|' || community_id || '|' || COALESCE(CAST(target_households AS TEXT), '') "
                             "FROM grids ORDER BY id");
    while (st.step()) s.rows[st.columnInt(0)] = st.columnText(1);
    return s;
}

/// Applies undo, checks the state is exactly `before`, applies redo, checks it equals `after`.
void expectUndoRedo(storage::Atlas& atlas, const storage::GridEditUndo& undo, const State& before) {
    auto& c = atlas.connection();
    const State after = stateOf(c);
    storage::GridEditor editor(atlas);
    const auto redo = editor.undo(undo);
    EXPECT_TRUE(stateOf(c) == before) << "undo did not restore the rows bit for bit";
    editor.undo(redo);
    EXPECT_TRUE(stateOf(c) == after) << "redo did not give the edited state back";
    editor.undo(undo);
}

TEST(GridEdit, MoveSharedVertexMovesItInBothGrids) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    const State before = stateOf(c);
    storage::GridEditor editor(*w.atlas);
    const Vec2 from{TwoGrids::kX0 + 200, TwoGrids::kY0 + 300};
    const Vec2 to{TwoGrids::kX0 + 230, TwoGrids::kY0 + 300};
    const auto r = editor.moveSharedVertex(from, to, 0.01);
    EXPECT_EQ(r.changedGrids, (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(geometryFaults(*w.atlas), "");
    const auto blobs = gridBlobs(c);
    EXPECT_LE(sqlArea(c, "ST_Intersection(?1, ?2)", blobs.at(1), blobs.at(2)), 0.01);
    EXPECT_NEAR(sqlArea(c, "?1", blobs.at(1), {}), 200 * 300 + 30 * 300 / 2.0, 1e-6);
    expectUndoRedo(*w.atlas, r.undo, before);
}

TEST(GridEdit, MoveAtTJunctionInsertsTheVertexInTheNeighbour) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    // Split A so that (200, 150) is a corner of the two halves but lies on B's straight edge.
    storage::GridEditor editor(*w.atlas);
    const double x = TwoGrids::kX0, y = TwoGrids::kY0;
    editor.splitGrid(1, model::Geometry::lineString({{x - 10, y + 150}, {x + 210, y + 150}}),
                     {"150781001001-03", "湖西三网格", std::nullopt, 400});
    ASSERT_EQ(gridBlobs(c).size(), 3u);
    const State before = stateOf(c);
    const auto r = editor.moveSharedVertex({x + 200, y + 150}, {x + 215, y + 160}, 0.01);
    EXPECT_EQ(r.changedGrids.size(), 3u); // both halves and B
    EXPECT_EQ(geometryFaults(*w.atlas), "");
    const auto blobs = gridBlobs(c);
    double total = 0;
    for (auto& [id, b] : blobs) total += sqlArea(c, "?1", b, {});
    EXPECT_NEAR(total, 400.0 * 300.0, 0.01);
    expectUndoRedo(*w.atlas, r.undo, before);
}

TEST(GridEdit, DemoSharedVertexMoveLeavesNoSliver) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    auto& c = atlas->connection();
    // A vertex shared by two grids, away from the community boundary.
    std::map<std::pair<double, double>, std::set<std::int64_t>> owners;
    for (const auto& [id, blob] : gridBlobs(c)) {
        model::Geometry g;
        storage::decodeGeometry(c, blob, g);
        for (auto p : g.coords) owners[{p.x, p.y}].insert(id);
    }
    // Not on a community boundary (moving that would open a gap with the community).
    std::vector<model::Geometry> communities;
    {
        storage::Statement st(c, "SELECT " + storage::geomSelect(c, "geom") + " FROM communities ORDER BY id");
        while (st.step()) {
            communities.emplace_back();
            storage::decodeGeometry(c, st.columnBlob(0), communities.back());
        }
    }
    auto onCommunityEdge = [&](Vec2 p) {
        for (const auto& g : communities)
            for (std::size_t r = 0; r < g.ringEnds.size(); ++r)
                for (std::size_t i = g.ringBegin(r); i + 1 < g.ringEnds[r]; ++i) {
                    const Vec2 a = g.coords[i], b = g.coords[i + 1];
                    const double cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
                    const double len = std::hypot(b.x - a.x, b.y - a.y);
                    const bool within = std::min(a.x, b.x) - 0.01 <= p.x && p.x <= std::max(a.x, b.x) + 0.01 &&
                                        std::min(a.y, b.y) - 0.01 <= p.y && p.y <= std::max(a.y, b.y) + 0.01;
                    if (within && std::abs(cross) / std::max(len, 1e-9) < 0.01) return true;
                }
        return false;
    };
    std::optional<Vec2> shared;
    for (const auto& [p, ids] : owners)
        if (ids.size() == 2 && !onCommunityEdge({p.first, p.second})) {
            shared = Vec2{p.first, p.second};
            break;
        }
    ASSERT_TRUE(shared);
    const State before = stateOf(c);
    const std::string faultsBefore = geometryFaults(*atlas);
    storage::GridEditor editor(*atlas);
    const auto r = editor.moveSharedVertex(*shared, {shared->x + 3.0, shared->y + 2.0}, 0.001);
    EXPECT_GE(r.changedGrids.size(), 2u);
    const auto blobs = gridBlobs(c);
    for (auto a = blobs.begin(); a != blobs.end(); ++a)
        for (auto b = std::next(a); b != blobs.end(); ++b)
            EXPECT_LE(sqlArea(c, "ST_Intersection(?1, ?2)", a->second, b->second), 0.01) << a->first << " " << b->first;
    for (const auto& p : storage::checkGrids(*atlas)) {
        EXPECT_NE(p.kind, GridProblemKind::Overlap) << p.message;
        EXPECT_NE(p.kind, GridProblemKind::Gap) << p.message;
    }
    expectUndoRedo(*atlas, r.undo, before);
    EXPECT_EQ(geometryFaults(*atlas), faultsBefore);
}

TEST(GridEdit, SplitMakesTwoGridsAndUndoDeletesTheNewOne) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    const State before = stateOf(c);
    storage::GridEditor editor(*w.atlas);
    const double x = TwoGrids::kX0, y = TwoGrids::kY0;
    const auto r = editor.splitGrid(1, model::Geometry::lineString({{x + 150, y - 5}, {x + 150, y + 305}}),
                                    {"150781001001-03", "湖西三网格", std::nullopt, 300});
    ASSERT_EQ(r.createdGrids.size(), 1u);
    const auto blobs = gridBlobs(c);
    EXPECT_NEAR(sqlArea(c, "?1", blobs.at(1), {}), 150 * 300, 1e-6); // the larger part keeps the grid
    EXPECT_NEAR(sqlArea(c, "?1", blobs.at(r.createdGrids[0]), {}), 50 * 300, 1e-6);
    EXPECT_EQ(buildingGrids(c).at(1), 1); // x 50..110 stays in the west part
    EXPECT_EQ(geometryFaults(*w.atlas), "");
    EXPECT_THROW(editor.splitGrid(2, model::Geometry::lineString({{x + 250, y + 10}, {x + 260, y + 20}}),
                                  {"150781001001-04", "x", std::nullopt, std::nullopt}),
                 InputError); // does not cross the grid
    expectUndoRedo(*w.atlas, r.undo, before);
}

TEST(GridEdit, SplitLineThroughABuildingLeavesItWhole) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    storage::GridEditor editor(*w.atlas);
    const double x = TwoGrids::kX0, y = TwoGrids::kY0;
    // The line runs through building 1 (x 50..110): the building goes to the part holding most of
    // it, the new west part x 0..90 (the larger east part keeps grid 1).
    const auto r = editor.splitGrid(1, model::Geometry::lineString({{x + 90, y - 5}, {x + 90, y + 305}}),
                                    {"150781001001-03", "湖西三网格", std::nullopt, 300});
    ASSERT_EQ(r.createdGrids.size(), 1u);
    EXPECT_EQ(buildingGrids(c).at(1), r.createdGrids[0]); // 40 of its 60 m
    EXPECT_EQ(r.movedBuildings, std::vector<std::int64_t>{1});
    bool cut = false;
    for (const auto& p : storage::checkGrids(*w.atlas)) cut |= p.kind == GridProblemKind::CutBuilding;
    EXPECT_TRUE(cut) << "a line through a building must show as a cut building";
}

TEST(GridEdit, MergeTakesTheBuildingsAndUndoBringsBackTheStaff) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    const State before = stateOf(c);
    storage::GridEditor editor(*w.atlas);
    const auto r = editor.mergeGrids(1, {2});
    EXPECT_EQ(r.deletedGrids, std::vector<std::int64_t>{2});
    const auto blobs = gridBlobs(c);
    ASSERT_EQ(blobs.size(), 1u);
    EXPECT_NEAR(sqlArea(c, "?1", blobs.at(1), {}), 400 * 300, 1e-6);
    model::Geometry g;
    storage::decodeGeometry(c, blobs.at(1), g);
    EXPECT_EQ(g.type, model::GeomType::Polygon);
    EXPECT_EQ(buildingGrids(c).at(2), 1);
    EXPECT_EQ(gridStaff(c).count(2), 0u);
    expectUndoRedo(*w.atlas, r.undo, before);
    EXPECT_EQ(gridStaff(c).at(2).size(), 3u);
}

TEST(GridEdit, MergeRefusesGridsThatDoNotTouch) {
    TwoGrids w;
    storage::GridEditor editor(*w.atlas);
    w.setGrid(2, TwoGrids::rect(250, 0, 400, 300));
    const State before = stateOf(w.atlas->connection());
    EXPECT_THROW(editor.mergeGrids(1, {2}), InputError);
    EXPECT_TRUE(stateOf(w.atlas->connection()) == before) << "a refused edit must change nothing";
}

TEST(GridEdit, DeleteLeavesAGapAndUnassignedBuildings) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    const State before = stateOf(c);
    storage::GridEditor editor(*w.atlas);
    const auto r = editor.deleteGrid(2);
    EXPECT_FALSE(buildingGrids(c).at(2).has_value());
    bool gap = false;
    for (const auto& p : storage::checkGrids(*w.atlas)) gap |= p.kind == GridProblemKind::Gap && std::abs(p.area - 60000) < 0.01;
    EXPECT_TRUE(gap);
    expectUndoRedo(*w.atlas, r.undo, before);
}

TEST(GridEdit, CreateGridTakesItsAreaFromTheNeighbours) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    const State before = stateOf(c);
    storage::GridEditor editor(*w.atlas);
    const auto r = editor.createGrid({"150781001001-03", "湖西三网格", std::nullopt, 200}, TwoGrids::rect(150, 100, 250, 200));
    ASSERT_EQ(r.createdGrids.size(), 1u);
    EXPECT_EQ(r.changedGrids, (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(geometryFaults(*w.atlas), "");
    const auto blobs = gridBlobs(c);
    EXPECT_NEAR(sqlArea(c, "?1", blobs.at(1), {}), 200 * 300 - 50 * 100, 1e-6);
    EXPECT_NEAR(sqlArea(c, "?1", blobs.at(2), {}), 200 * 300 - 50 * 100, 1e-6);
    expectUndoRedo(*w.atlas, r.undo, before);
}

TEST(GridEdit, ReplacePolygonReassignsBuildings) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    const State before = stateOf(c);
    storage::GridEditor editor(*w.atlas);
    const auto r = editor.replacePolygon(1, TwoGrids::rect(0, 0, 300, 300)); // now holds building 2
    EXPECT_EQ(buildingGrids(c).at(2), 1);
    EXPECT_EQ(r.movedBuildings, std::vector<std::int64_t>{2});
    EXPECT_NEAR(sqlArea(c, "?1", gridBlobs(c).at(2), {}), 100 * 300, 1e-6);
    EXPECT_EQ(geometryFaults(*w.atlas), "");
    expectUndoRedo(*w.atlas, r.undo, before);
}

TEST(GridEdit, PaintMovesBuildingsAndTheBoundaryFollows) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    auto& c = atlas->connection();
    // A building of grid 1 next to grid 2: the one closest to grid 2.
    storage::Statement st(c, "SELECT b.id FROM buildings b, grids g WHERE b.grid_id = 1 AND g.id = 2 "
                             "ORDER BY ST_Distance(b.geom, g.geom), b.id LIMIT 1");
    ASSERT_TRUE(st.step());
    const std::int64_t building = st.columnInt(0);
    const State before = stateOf(c);
    const std::string faultsBefore = geometryFaults(*atlas);
    storage::GridEditor editor(*atlas);
    const auto r = editor.paintBuildings({building}, 2);
    EXPECT_EQ(buildingGrids(c).at(building), 2);
    EXPECT_EQ(geometryFaults(*atlas), faultsBefore);
    // Only grids 1 and 2 changed; their union is what it was.
    const auto after = gridBlobs(c);
    for (const auto& [id, blob] : after)
        if (id != 1 && id != 2) {
            EXPECT_EQ(blob, before.blobs.at(id));
        }
    EXPECT_LE(sqlArea(c, "ST_Intersection(?1, ?2)", after.at(1), after.at(2)), 0.01);
    const double oldUnion = sqlArea(c, "ST_Union(?1, ?2)", before.blobs.at(1), before.blobs.at(2));
    const double newUnion = sqlArea(c, "ST_Union(?1, ?2)", after.at(1), after.at(2));
    EXPECT_NEAR(newUnion, oldUnion, 0.01);
    expectUndoRedo(*atlas, r.undo, before);
}

TEST(GridEdit, PaintStaysInsideOneCommunity) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    auto& c = atlas->connection();
    // A building of community 1 painted into a grid of community 2.
    const auto building =
        c.queryInt("SELECT id FROM buildings WHERE community_id = 1 AND grid_id IS NOT NULL ORDER BY id LIMIT 1");
    const auto grid = c.queryInt("SELECT id FROM grids WHERE community_id = 2 ORDER BY id LIMIT 1");
    ASSERT_TRUE(building && grid);
    const State before = stateOf(c);
    storage::GridEditor editor(*atlas);
    try {
        editor.paintBuildings({*building}, *grid);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("another community"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(stateOf(c) == before);
}

TEST(GridEdit, PropertiesAndStaffAreUndoable) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    const State before = stateOf(c);
    storage::GridEditor editor(*w.atlas);
    storage::GridProperties p{
        "150781001001-11", "湖西新网格", 350, {{"manager", "赵敏", "13500001111"}, {"assistant", "钱进", std::nullopt}}};
    const auto r = editor.setProperties(1, p);
    EXPECT_EQ(r.changedGrids, std::vector<std::int64_t>{1});
    EXPECT_EQ(*c.queryText("SELECT code || '|' || name || '|' || target_households FROM grids WHERE id = 1"),
              "150781001001-11|湖西新网格|350");
    bool missingSupervisor = false;
    for (const auto& pr : storage::checkGrids(*w.atlas))
        missingSupervisor |= pr.kind == GridProblemKind::MissingStaff && pr.message.find("supervisor") != std::string::npos;
    EXPECT_TRUE(missingSupervisor);
    expectUndoRedo(*w.atlas, r.undo, before);

    const State unchanged = stateOf(c);
    p.code = "150781001001-02"; // grid 2's
    EXPECT_THROW(editor.setProperties(1, p), InputError);
    p.code = "150781001001-12";
    p.staff = {{"chief", "孙", std::nullopt}};
    try {
        editor.setProperties(1, p);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("role"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(stateOf(c) == unchanged);
}

// The properties dialog saves against the version it read: someone's change in between is not
// overwritten; the refusal says what they changed.
TEST(GridEdit, PropertiesBasedOnAStaleVersionAreRefused) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    storage::GridEditor editor(*w.atlas);
    const auto v = *storage::rowVersion(c, "grids", 1);
    c.exec("UPDATE grids SET target_households = 420 WHERE id = 1"); // another editor's save
    const State theirs = stateOf(c);
    storage::GridProperties p{"150781001001-01", "我的改名", 350, {{"manager", "赵敏", std::nullopt}}, v};
    try {
        editor.setProperties(1, p);
        FAIL() << "a stale edit was saved";
    } catch (const storage::StaleEditError& e) {
        EXPECT_NE(std::string(e.what()).find("target_households"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("it is now '420'"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(stateOf(c) == theirs); // nothing of ours, staff included
    p.rowVersion = *storage::rowVersion(c, "grids", 1);
    editor.setProperties(1, p);
    EXPECT_EQ(*c.queryText("SELECT name || '|' || target_households FROM grids WHERE id = 1"), "我的改名|350");
}

TEST(GridEdit, PaintRefusesToEmptyAGrid) {
    TwoGrids w;
    storage::GridEditor editor(*w.atlas);
    const State before = stateOf(w.atlas->connection());
    EXPECT_THROW(editor.paintBuildings({2}, 1), InputError); // B would keep no building
    EXPECT_TRUE(stateOf(w.atlas->connection()) == before);
}

} // namespace
} // namespace gridatlas::testing
