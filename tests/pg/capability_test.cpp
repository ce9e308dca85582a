// The first capabilities ported onto the seam: identify and search give the same answers on the
// demo atlas in SpatiaLite and on the same rows published to PostGIS.
#include <gtest/gtest.h>

#include <sstream>

#include "model/support/error.h"
#include "pg/pg_server.h"
#include "storage/atlas.h"
#include "storage/demo_generator.h"
#include "storage/fixture_atlas.h"
#include "storage/grid_stats.h"
#include "storage/identify.h"
#include "storage/publish_pg.h"
#include "storage/search.h"

namespace gridatlas::testing {
namespace {

std::string describe(const storage::IdentifyResult& r, int depth = 0) {
    std::ostringstream out;
    out << std::string(static_cast<std::size_t>(depth) * 2, ' ') << r.layer << "#" << r.id << " " << r.title;
    if (!r.bounds.isEmpty()) out << " [" << r.bounds.xmin << "," << r.bounds.ymin << "," << r.bounds.xmax << "," << r.bounds.ymax << "]";
    out << "\n";
    for (const auto& a : r.attributes)
        out << std::string(static_cast<std::size_t>(depth) * 2 + 2, ' ') << a.key << "=" << a.value << " s"
            << static_cast<int>(a.sensitivity) << "\n";
    for (const auto& c : r.children) out << describe(c, depth + 1);
    return out.str();
}

std::string describe(const std::vector<storage::IdentifyResult>& results) {
    std::string s;
    for (const auto& r : results) s += describe(r);
    return s;
}

std::string describe(const std::vector<storage::SearchHit>& hits) {
    std::ostringstream out;
    for (const auto& h : hits)
        out << h.layer << "#" << h.id << " " << h.title << " | " << h.detail << " " << h.titleIsPersonName << " ["
            << h.bounds.xmin << "," << h.bounds.ymin << "," << h.bounds.xmax << "," << h.bounds.ymax << "]\n";
    return out.str();
}

class SameAnswersOnBothEngines : public ::testing::Test {
protected:
    void SetUp() override {
        GRIDATLAS_REQUIRE_PG(server);
        m_db = std::make_unique<PgDatabase>(server);
        const std::string file = m_dir.file("demo.sqlite");
        storage::generateDemo(file, storage::DemoOptions{});
        lite = storage::Atlas::open(file, storage::OpenMode::ReadOnly);
        for (const char* c : {"湖西社区", "东湖社区"}) storage::publishCommunity(file, m_db->url(), c);
        pg = storage::Atlas::open(m_db->url(), storage::OpenMode::ReadOnly);
    }
    std::unique_ptr<storage::Atlas> lite, pg;

private:
    TempDir m_dir;
    std::unique_ptr<PgDatabase> m_db;
};

TEST_F(SameAnswersOnBothEngines, IdentifyAtHouseholdsPostsAndBuildings) {
    // Points at households, service posts and building corners across the district.
    std::vector<model::Vec2> points;
    {
        storage::Statement st(lite->connection(), "SELECT X(geom), Y(geom) FROM households WHERE geom IS NOT NULL AND id % 37 = 0");
        while (st.step()) points.push_back({st.columnDouble(0), st.columnDouble(1)});
        storage::Statement posts(lite->connection(), "SELECT X(geom) + 3, Y(geom) - 2 FROM service_posts");
        while (posts.step()) points.push_back({posts.columnDouble(0), posts.columnDouble(1)});
        storage::Statement corners(lite->connection(), "SELECT MbrMinX(geom) + 0.5, MbrMinY(geom) + 0.5 FROM buildings WHERE id % 3 = 0");
        while (corners.step()) points.push_back({corners.columnDouble(0), corners.columnDouble(1)});
    }
    ASSERT_GT(points.size(), 100u);
    int withBuilding = 0, withHousehold = 0, withPost = 0;
    for (const auto p : points) {
        const auto a = storage::identifyAt(*lite, p, 4.0);
        const auto b = storage::identifyAt(*pg, p, 4.0);
        for (const auto& r : a) {
            withBuilding += r.layer == "buildings";
            withHousehold += r.layer == "households";
            withPost += r.layer == "service_posts";
        }
        // The atlas field names the source (a file or the database): compare everything else.
        EXPECT_EQ(describe(a), describe(b)) << "at " << p.x << ", " << p.y;
    }
    EXPECT_GT(withBuilding, 50);
    EXPECT_GT(withHousehold, 50);
    EXPECT_GT(withPost, 5);
}

TEST_F(SameAnswersOnBothEngines, SearchFindsTheSameHits) {
    std::vector<std::string> queries{"3栋", "三号楼", "卫生", "社区", "网格", "王", "%", "_", "'; DROP TABLE buildings; --"};
    {
        storage::Statement st(lite->connection(), "SELECT name FROM residents WHERE id % 997 = 1");
        while (st.step()) queries.push_back(st.columnText(0));
        storage::Statement g(lite->connection(), "SELECT code FROM grids LIMIT 2");
        while (g.step()) queries.push_back(g.columnText(0));
    }
    int hits = 0;
    for (const auto& q : queries) {
        const auto a = storage::search(*lite, q, 30);
        hits += static_cast<int>(a.size());
        EXPECT_EQ(describe(a), describe(storage::search(*pg, q, 30))) << "query " << q;
    }
    EXPECT_GE(hits, 30);
}

std::string describe(const storage::GridStatsResult& r) {
    std::ostringstream out;
    out << "outside " << r.householdsOutsideGrids << "\n";
    for (const auto& g : r.grids)
        out << g.gridId << " " << g.code << " " << g.name << " " << g.communityId << " " << g.community << " "
            << g.targetHouseholds.value_or(-1) << " b" << g.buildings << " h" << g.households << " r" << g.residents << " m"
            << g.members << " mh" << g.memberHouseholds << " v" << g.vulnerableHouseholds << " " << g.hardship << " "
            << g.minimumIncome << " " << g.elderlyAlone << " " << g.leftBehindChildren << " " << g.disability << " " << g.vacant
            << " p" << g.servicePosts << " s" << g.staff << "\n";
    return out.str();
}

TEST_F(SameAnswersOnBothEngines, GridStatisticsAndHouseholdCounts) {
    const auto a = storage::computeGridStats(*lite);
    ASSERT_EQ(a.grids.size(), 7u);
    int households = 0;
    for (const auto& g : a.grids) households += g.households;
    EXPECT_GT(households, 2500);
    EXPECT_EQ(describe(a), describe(storage::computeGridStats(*pg)));
    EXPECT_EQ(storage::countHouseholdsPerGrid(*lite), storage::countHouseholdsPerGrid(*pg));
}

// One grid's or one community's figures, read from their box only, equal the whole atlas's
// figures for them, on both engines.
TEST_F(SameAnswersOnBothEngines, ScopedGridStatisticsEqualTheWholeAtlasFigures) {
    auto whole = storage::computeGridStats(*lite);
    whole.householdsOutsideGrids = 0;
    for (auto* atlas : {lite.get(), pg.get()}) {
        for (const auto& g : whole.grids) {
            storage::GridStatsScope scope;
            scope.gridCodes = {g.code};
            storage::GridStatsResult one;
            one.grids.push_back(g);
            EXPECT_EQ(describe(storage::computeGridStats(*atlas, scope)), describe(one)) << g.code;
        }
        storage::GridStatsScope community;
        community.community = "东湖社区";
        storage::GridStatsResult expected;
        for (const auto& g : whole.grids)
            if (g.community == "东湖社区") expected.grids.push_back(g);
        ASSERT_GE(expected.grids.size(), 2u);
        EXPECT_EQ(describe(storage::computeGridStats(*atlas, community)), describe(expected));
        storage::GridStatsScope unknown;
        unknown.gridCodes = {"no-such-grid"};
        EXPECT_THROW(storage::computeGridStats(*atlas, unknown), InputError);
    }
}

} // namespace
} // namespace gridatlas::testing
