// Per-grid statistics equal what SpatiaLite SQL counts by point in polygon, field by field.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <set>

#include "grids/grid_test_support.h"
#include "model/support/error.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/grid_stats.h"

namespace gridatlas::testing {
namespace {

/// Truth per grid id from SQL (ST_Contains with the spatial index, as the peers count).
struct Truth {
    int households, residents, members, vulnerable, hardship, elderly, posts, buildings;
};
std::map<std::int64_t, Truth> sqlTruth(storage::Connection& c) {
    std::map<std::int64_t, Truth> out;
    // The spatial index: SpatiaLite's SpatialIndex virtual table, PostGIS's && on the GiST index.
    const std::string indexed = c.engine() == storage::Engine::PostgreSQL
                                    ? "h.geom && g.geom"
                                    : "h.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'households' AND search_frame = g.geom)";
    storage::Statement st(c, R"SQL(
        SELECT g.id,
          (SELECT COUNT(*) FROM households h WHERE )SQL" + indexed + R"SQL( AND ST_Contains(g.geom, h.geom)),
          (SELECT COUNT(*) FROM residents r JOIN households h ON h.id = r.household_id WHERE ST_Contains(g.geom, h.geom)),
          (SELECT COUNT(*) FROM residents r JOIN households h ON h.id = r.household_id WHERE r.is_member = 1 AND ST_Contains(g.geom, h.geom)),
          (SELECT COUNT(*) FROM household_summary h WHERE h.vulnerable = 1 AND ST_Contains(g.geom, h.geom)),
          (SELECT COUNT(*) FROM households h WHERE h.hardship = 1 AND ST_Contains(g.geom, h.geom)),
          (SELECT COUNT(*) FROM households h WHERE h.elderly_alone = 1 AND ST_Contains(g.geom, h.geom)),
          (SELECT COUNT(*) FROM service_posts p WHERE ST_Contains(g.geom, p.geom)),
          (SELECT COUNT(*) FROM buildings b WHERE b.grid_id = g.id)
        FROM grids g ORDER BY g.id)SQL");
    while (st.step())
        out[st.columnInt(0)] = {static_cast<int>(st.columnInt(1)), static_cast<int>(st.columnInt(2)),
                                static_cast<int>(st.columnInt(3)), static_cast<int>(st.columnInt(4)),
                                static_cast<int>(st.columnInt(5)), static_cast<int>(st.columnInt(6)),
                                static_cast<int>(st.columnInt(7)), static_cast<int>(st.columnInt(8))};
    return out;
}

void expectMatchesSql(storage::Atlas& atlas) {
    const auto truth = sqlTruth(atlas.connection());
    const auto stats = storage::computeGridStats(atlas);
    ASSERT_EQ(stats.grids.size(), truth.size());
    for (const auto& s : stats.grids) {
        SCOPED_TRACE(s.code);
        const auto& t = truth.at(s.gridId);
        EXPECT_EQ(s.households, t.households);
        EXPECT_EQ(s.residents, t.residents);
        EXPECT_EQ(s.members, t.members);
        EXPECT_EQ(s.vulnerableHouseholds, t.vulnerable);
        EXPECT_EQ(s.hardship, t.hardship);
        EXPECT_EQ(s.elderlyAlone, t.elderly);
        EXPECT_EQ(s.servicePosts, t.posts);
        EXPECT_EQ(s.buildings, t.buildings);
    }
    std::map<std::int64_t, std::int64_t> core;
    for (const auto& [id, n] : storage::countHouseholdsPerGrid(atlas)) core[id] = n;
    for (const auto& [id, t] : truth) {
        if (t.households == 0) continue;
        EXPECT_EQ(core[id], t.households) << "grid id " << id;
    }
}

TEST(GridStats, FixtureCountsAreExact) {
    TwoGrids w;
    const auto stats = storage::computeGridStats(*w.atlas);
    ASSERT_EQ(stats.grids.size(), 2u);
    const auto& a = stats.grids[0];
    const auto& b = stats.grids[1];
    EXPECT_EQ(a.code, "150781001001-01");
    EXPECT_EQ(a.households, 24);
    EXPECT_EQ(a.residents, 48);
    EXPECT_EQ(b.households, 36);
    EXPECT_EQ(b.residents, 72);
    EXPECT_EQ(b.servicePosts, 1);
    EXPECT_EQ(a.servicePosts, 0);
    EXPECT_EQ(a.staff, 3);
    ASSERT_TRUE(a.householdsPerStaff());
    EXPECT_DOUBLE_EQ(*a.householdsPerStaff(), 8.0);
    ASSERT_TRUE(a.deviation());
    EXPECT_DOUBLE_EQ(*a.deviation(), (24.0 - 400.0) / 400.0);
    // Households 1..60: hardship every 5th, elderly alone every 7th.
    EXPECT_EQ(a.hardship + b.hardship, 12);
    EXPECT_EQ(a.elderlyAlone + b.elderlyAlone, 8);
    expectMatchesSql(*w.atlas);
}

TEST(GridStats, DemoMatchesSpatiaLitePointInPolygon) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    expectMatchesSql(*atlas);
}

TEST(GridStats, FollowsTheGridPolygonsNotTheOldAssignment) {
    TwoGrids w;
    // Grid A grows over building 2: its households count there by where they lie.
    w.setGrid(1, TwoGrids::rect(0, 0, 300, 300));
    w.setGrid(2, TwoGrids::rect(300, 0, 400, 300));
    const auto stats = storage::computeGridStats(*w.atlas);
    EXPECT_EQ(stats.grids[0].households, 60);
    EXPECT_EQ(stats.grids[1].households, 0);
    expectMatchesSql(*w.atlas);
}

TEST(GridStats, WritesCsvWithHeaderAndOneRowPerGrid) {
    TwoGrids w;
    const auto stats = storage::computeGridStats(*w.atlas);
    const std::string path = w.dir.file("stats.csv");
    storage::writeGridStats(stats, path);
    std::ifstream in(path);
    std::string header, row1, row2, extra;
    std::getline(in, header);
    std::getline(in, row1);
    std::getline(in, row2);
    EXPECT_FALSE(std::getline(in, extra));
    EXPECT_NE(header.find("households_per_staff"), std::string::npos);
    EXPECT_EQ(row1.rfind("150781001001-01,湖西一网格,湖西社区,400,1,24,-0.9400,48,", 0), 0u) << row1;
    EXPECT_THROW(storage::writeGridStats(stats, w.dir.file("stats.txt")), InputError);
    EXPECT_FALSE(std::filesystem::exists(w.dir.file("stats.txt")));
}

TEST(GridStats, BuildingTalliesAddUpToTheirGrids) {
    TwoGrids w;
    const auto stats = storage::computeGridStats(*w.atlas);
    const auto tallies = storage::tallyBuildings(*w.atlas, {1, 2, 99});
    ASSERT_EQ(tallies.size(), 2u); // 99 does not exist
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& [id, t] = tallies[i];
        const auto& g = stats.grids[i]; // building 1 is all of grid A, building 2 all of B
        EXPECT_EQ(id, static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(t.households, g.households);
        EXPECT_EQ(t.residents, g.residents);
        EXPECT_EQ(t.members, g.members);
        EXPECT_EQ(t.vulnerableHouseholds, g.vulnerableHouseholds);
    }
}

TEST(GridStats, WritesXlsx) {
    TwoGrids w;
    const std::string path = w.dir.file("stats.xlsx");
    storage::writeGridStats(storage::computeGridStats(*w.atlas), path);
    ASSERT_TRUE(std::filesystem::exists(path));
    EXPECT_GT(std::filesystem::file_size(path), 1000u);
}

} // namespace
} // namespace gridatlas::testing
