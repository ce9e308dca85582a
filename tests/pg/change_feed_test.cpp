// Change notices (storage/change_feed.h): another session's committed edits reach a listener with
// their table, place and actor; uncommitted, rolled back and empty ones do not.
#include <gtest/gtest.h>

#include <memory>

#include "model/support/error.h"
#include "pg/pg_server.h"
#include "storage/atlas.h"
#include "storage/change_feed.h"
#include "storage/connection.h"
#include "storage/demo_generator.h"
#include "storage/fixture_atlas.h"
#include "storage/publish_pg.h"

namespace gridatlas::testing {
namespace {

using storage::ChangeNotice;
using storage::Statement;

double queryDouble(storage::Connection& c, const std::string& sql);

class ChangeFeedTest : public ::testing::Test {
protected:
    void SetUp() override {
        GRIDATLAS_REQUIRE_PG(server);
        m_db = std::make_unique<PgDatabase>(server);
        const std::string file = m_dir.file("demo.sqlite");
        storage::generateDemo(file, storage::DemoOptions{});
        storage::publishCommunity(file, m_db->url(), "湖西社区");
        writer = storage::Atlas::open(m_db->url(), storage::OpenMode::ReadWrite);
        writer->connection().exec("SET gridatlas.actor = '网格员张三'");
        listener = std::make_unique<storage::ChangeListener>(m_db->url());
    }
    storage::Connection& w() { return writer->connection(); }
    [[nodiscard]] const std::string& url() const { return m_db->url(); }

    std::unique_ptr<storage::Atlas> writer;
    std::unique_ptr<storage::ChangeListener> listener;

private:
    TempDir m_dir;
    std::unique_ptr<PgDatabase> m_db;
};

double queryDouble(storage::Connection& c, const std::string& sql) {
    Statement st(c, sql);
    if (!st.step()) throw StorageError("no row: " + sql);
    return st.columnDouble(0);
}

const ChangeNotice* find(const std::vector<ChangeNotice>& notices, const std::string& table) {
    for (const auto& n : notices)
        if (n.table == table) return &n;
    return nullptr;
}

TEST_F(ChangeFeedTest, ACommittedEditArrivesWithItsTablePlaceAndActor) {
    const auto id = *w().queryInt("SELECT min(id) FROM households");
    const double x = queryDouble(w(), "SELECT ST_X(geom) FROM households WHERE id = " + std::to_string(id));
    const double y = queryDouble(w(), "SELECT ST_Y(geom) FROM households WHERE id = " + std::to_string(id));
    const auto writerPid = *w().queryInt("SELECT pg_backend_pid()");
    storage::Transaction tx(w());
    {
        Statement st(w(), "UPDATE households SET vacant = 1 - vacant WHERE id = ?");
        st.bind(1, id);
        st.run();
    }
    EXPECT_TRUE(listener->wait(300).empty()) << "a notice before the commit";
    tx.commit();
    const auto notices = listener->wait(5000);
    ASSERT_EQ(notices.size(), 1u);
    const auto& n = notices.front();
    EXPECT_EQ(n.table, "households");
    EXPECT_EQ(n.op, "update");
    EXPECT_EQ(n.rows, 1);
    EXPECT_EQ(n.actor, "网格员张三");
    EXPECT_EQ(n.pid, writerPid);
    EXPECT_NE(n.pid, listener->pid());
    ASSERT_TRUE(n.bbox.has_value());
    EXPECT_DOUBLE_EQ(n.bbox->xmin, x);
    EXPECT_DOUBLE_EQ(n.bbox->ymin, y);
    EXPECT_DOUBLE_EQ(n.bbox->xmax, x);
    EXPECT_DOUBLE_EQ(n.bbox->ymax, y);
}

TEST_F(ChangeFeedTest, ResidentsAndStaffArePlacedThroughTheirHouseholdAndGrid) {
    const auto resident = *w().queryInt("SELECT min(id) FROM residents");
    const auto household = *w().queryInt("SELECT household_id FROM residents WHERE id = " + std::to_string(resident));
    w().exec("UPDATE residents SET birth_year = birth_year + 1 WHERE id = " + std::to_string(resident));
    auto notices = listener->wait(5000);
    const auto* n = find(notices, "residents");
    ASSERT_NE(n, nullptr);
    ASSERT_TRUE(n->bbox.has_value());
    EXPECT_DOUBLE_EQ(n->bbox->xmin, queryDouble(w(), "SELECT ST_X(geom) FROM households WHERE id = " + std::to_string(household)));

    const auto grid = *w().queryInt("SELECT min(grid_id) FROM grid_staff");
    w().exec("UPDATE grid_staff SET name = '李四' WHERE role = 'manager' AND grid_id = " + std::to_string(grid));
    notices = listener->wait(5000);
    n = find(notices, "grid_staff");
    ASSERT_NE(n, nullptr);
    ASSERT_TRUE(n->bbox.has_value());
    EXPECT_DOUBLE_EQ(n->bbox->xmin, queryDouble(w(), "SELECT ST_XMin(geom) FROM grids WHERE id = " + std::to_string(grid)));
    EXPECT_DOUBLE_EQ(n->bbox->ymax, queryDouble(w(), "SELECT ST_YMax(geom) FROM grids WHERE id = " + std::to_string(grid)));
}

TEST_F(ChangeFeedTest, RolledBackAndEmptyStatementsSendNothing) {
    {
        storage::Transaction tx(w());
        w().exec("UPDATE buildings SET name = 'x' WHERE id = (SELECT min(id) FROM buildings)");
    } // rolled back
    w().exec("UPDATE buildings SET name = 'x' WHERE id < 0"); // no row
    EXPECT_TRUE(listener->wait(500).empty());
}

TEST_F(ChangeFeedTest, ADeleteCoversTheOldRowsAndItsCascades) {
    const auto building = *w().queryInt("SELECT min(b.id) FROM buildings b WHERE EXISTS (SELECT 1 FROM units u WHERE u.building_id = b.id) "
                                        "AND NOT EXISTS (SELECT 1 FROM service_posts p WHERE p.building_id = b.id)");
    const std::string b = std::to_string(building);
    const double xmin = queryDouble(w(), "SELECT ST_XMin(geom) FROM buildings WHERE id = " + b);
    w().exec("DELETE FROM assignments WHERE building_id = " + b +
             " OR household_id IN (SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id WHERE u.building_id = " + b + ")");
    listener->wait(1000);
    w().exec("DELETE FROM buildings WHERE id = " + b);
    std::vector<ChangeNotice> all;
    for (int i = 0; i < 10 && !find(all, "buildings"); ++i)
        for (auto& n : listener->wait(1000)) all.push_back(std::move(n));
    const auto* n = find(all, "buildings");
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->op, "delete");
    ASSERT_TRUE(n->bbox.has_value());
    EXPECT_DOUBLE_EQ(n->bbox->xmin, xmin);
    // The cascade removed the building's units and households: their notices came too.
    for (int i = 0; i < 5 && !(find(all, "units") && find(all, "households")); ++i)
        for (auto& m : listener->wait(500)) all.push_back(std::move(m));
    EXPECT_NE(find(all, "units"), nullptr);
    EXPECT_NE(find(all, "households"), nullptr);
}

TEST_F(ChangeFeedTest, ReinstallingIsHarmlessAndForeignPayloadsAreIgnored) {
    storage::installChangeNotificationsPg(w()); // idempotent (migrations call it again)
    w().exec("SELECT pg_notify('gridatlas_changes', 'not json'), pg_notify('gridatlas_changes', '{\"x\": 1}')");
    w().exec("UPDATE grids SET target_households = target_households + 1 WHERE id = (SELECT min(id) FROM grids)");
    const auto notices = listener->wait(5000);
    ASSERT_EQ(notices.size(), 1u); // exactly one trigger per event after reinstalling, and no junk
    EXPECT_EQ(notices.front().table, "grids");
    EXPECT_FALSE(storage::parseChangeNotice("[1, 2]").has_value());
}

TEST(ChangeFeed, ASpatialiteFileHasNoChannel) {
    EXPECT_FALSE(storage::supportsChangeNotices("/tmp/x.sqlite"));
    EXPECT_TRUE(storage::supportsChangeNotices("postgresql://h/db"));
    EXPECT_THROW(storage::ChangeListener("/tmp/x.sqlite"), StorageError);
}

} // namespace
} // namespace gridatlas::testing
