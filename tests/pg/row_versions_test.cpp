// Row versions and optimistic concurrency (storage/row_versions.h), the same tests on SpatiaLite
// and on PostGIS: an edit based on a stale version is refused with the other change shown, and
// nothing is overwritten.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "model/support/error.h"
#include "pg/pg_server.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/fixture_atlas.h"
#include "storage/publish_pg.h"
#include "storage/row_versions.h"

namespace gridatlas::storage {
void PrintTo(Engine engine, std::ostream* out);
}

namespace gridatlas::testing {
namespace {

using storage::ColumnValue;
using storage::Engine;
using storage::StaleEditError;

class RowVersionsTest : public ::testing::TestWithParam<Engine> {
protected:
    void SetUp() override {
        if (GetParam() == Engine::PostgreSQL) {
            GRIDATLAS_REQUIRE_PG(server);
            m_db = std::make_unique<PgDatabase>(server);
            m_location = m_db->url();
            SmallWorld world; // the same rows on the server
            world.atlas.reset();
            storage::publishCommunity(world.path, m_location, "湖西社区");
        } else {
            m_world = std::make_unique<SmallWorld>();
            m_world->atlas.reset();
            m_location = m_world->path;
        }
        mine = storage::Atlas::open(m_location, storage::OpenMode::ReadWrite);
        theirs = storage::Atlas::open(m_location, storage::OpenMode::ReadWrite);
        if (GetParam() == Engine::PostgreSQL) theirs->connection().exec("SET gridatlas.actor = '网格员李四'");
    }

    std::int64_t firstId(const std::string& table) { return *mine->connection().queryInt("SELECT min(id) FROM " + table); }

    std::unique_ptr<storage::Atlas> mine, theirs;

private:
    std::unique_ptr<SmallWorld> m_world;
    std::unique_ptr<PgDatabase> m_db;
    std::string m_location;
};

TEST_P(RowVersionsTest, EveryUpdateBumpsTheVersionAndAnExplicitOneIsKept) {
    auto& c = mine->connection();
    const auto id = firstId("households");
    const auto v0 = *storage::rowVersion(c, "households", id);
    EXPECT_EQ(v0, 1);
    c.exec("UPDATE households SET vacant = 1 - vacant WHERE id = " + std::to_string(id)); // any writer, plain SQL
    EXPECT_EQ(*storage::rowVersion(c, "households", id), v0 + 1);
    c.exec("UPDATE households SET room = room WHERE id = " + std::to_string(id));
    EXPECT_EQ(*storage::rowVersion(c, "households", id), v0 + 2);
    c.exec("UPDATE households SET row_version = 40 WHERE id = " + std::to_string(id)); // a checkin copying a version
    EXPECT_EQ(*storage::rowVersion(c, "households", id), 40);
    EXPECT_FALSE(storage::rowVersion(c, "households", -5).has_value());
}

TEST_P(RowVersionsTest, AStaleEditIsRefusedWithTheOtherChangeAndNothingIsOverwritten) {
    const auto id = firstId("grids");
    // Both read the grid at the same version.
    const auto v = *storage::rowVersion(mine->connection(), "grids", id);
    const auto name = *mine->connection().queryText("SELECT name FROM grids WHERE id = " + std::to_string(id));
    const auto target = *mine->connection().queryInt("SELECT target_households FROM grids WHERE id = " + std::to_string(id));
    // They save first (on SQLite the audit log records who: the process's GRIDATLAS_USER).
    setenv("GRIDATLAS_USER", "网格员李四", 1);
    const auto v1 = storage::updateRow(theirs->connection(), "grids", id, v, {{"target_households", std::int64_t{450}}});
    unsetenv("GRIDATLAS_USER");
    EXPECT_EQ(v1, v + 1);
    // Then mine, based on what I read: refused.
    try {
        storage::updateRow(mine->connection(), "grids", id, v, {{"target_households", std::int64_t{380}}, {"name", std::string("新名字")}},
                           {{"target_households", target}, {"name", name}});
        FAIL() << "a stale edit was saved";
    } catch (const StaleEditError& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.edit().table, "grids");
        EXPECT_EQ(e.edit().id, id);
        EXPECT_EQ(e.edit().baseVersion, v);
        EXPECT_EQ(e.edit().currentVersion, v1);
        ASSERT_EQ(e.edit().fields.size(), 2u);
        EXPECT_EQ(e.edit().fields[0].column, "target_households"); // what they changed comes first
        EXPECT_TRUE(e.edit().fields[0].changed);
        EXPECT_EQ(e.edit().fields[0].theirs, "450");
        EXPECT_EQ(e.edit().fields[0].mine, "380");
        EXPECT_EQ(e.edit().fields[0].base, std::to_string(target));
        EXPECT_FALSE(e.edit().fields[1].changed);
        EXPECT_NE(what.find("target_households: you saw '" + std::to_string(target) + "', you set '380', it is now '450'"),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find("not saved"), std::string::npos) << what;
        if (GetParam() == Engine::SQLite) {
            EXPECT_NE(what.find("changed by 网格员李四 at "), std::string::npos) << what; // from the audit log
        }
    }
    // Their change stands; mine left no trace.
    EXPECT_EQ(mine->connection().queryInt("SELECT target_households FROM grids WHERE id = " + std::to_string(id)), 450);
    EXPECT_EQ(mine->connection().queryText("SELECT name FROM grids WHERE id = " + std::to_string(id)), name);
    // Read again, redo: saved.
    EXPECT_EQ(storage::updateRow(mine->connection(), "grids", id, v1, {{"target_households", std::int64_t{380}}}), v1 + 1);
    EXPECT_EQ(mine->connection().queryInt("SELECT target_households FROM grids WHERE id = " + std::to_string(id)), 380);
}

TEST_P(RowVersionsTest, DeletesAreVersionedTooAndAnEditOfADeletedRowSaysSo) {
    const auto id = *mine->connection().queryInt("SELECT max(id) FROM residents");
    const auto v = *storage::rowVersion(mine->connection(), "residents", id);
    storage::updateRow(theirs->connection(), "residents", id, v, {{"birth_year", std::int64_t{1961}}});
    EXPECT_THROW(storage::deleteRow(mine->connection(), "residents", id, v), StaleEditError);
    EXPECT_TRUE(storage::rowVersion(mine->connection(), "residents", id).has_value());
    storage::deleteRow(theirs->connection(), "residents", id, v + 1);
    try {
        storage::updateRow(mine->connection(), "residents", id, v, {{"birth_year", std::int64_t{1962}}});
        FAIL() << "an edit of a deleted row was saved";
    } catch (const StaleEditError& e) {
        EXPECT_EQ(e.edit().currentVersion, 0);
        EXPECT_NE(std::string(e.what()).find("was deleted"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(storage::rowVersion(mine->connection(), "residents", id).has_value());
}

TEST_P(RowVersionsTest, PersonalDataInARefusalIsMasked) {
    const auto id = firstId("residents");
    const auto v = *storage::rowVersion(mine->connection(), "residents", id);
    storage::updateRow(theirs->connection(), "residents", id, v, {{"phone", std::string("13912345678")}});
    try {
        storage::updateRow(mine->connection(), "residents", id, v, {{"phone", std::string("13800001111")}});
        FAIL();
    } catch (const StaleEditError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.find("13912345678"), std::string::npos) << what;
        EXPECT_EQ(what.find("13800001111"), std::string::npos) << what;
        EXPECT_NE(what.find("139****5678"), std::string::npos) << what;
    }
}

TEST_P(RowVersionsTest, OnlyKnownTablesAndColumns) {
    auto& c = mine->connection();
    EXPECT_THROW(storage::updateRow(c, "grids", 1, 1, {{"no_such_column", std::int64_t{1}}}), InputError);
    EXPECT_THROW(storage::updateRow(c, "grids", 1, 1, {{"row_version", std::int64_t{9}}}), InputError);
    EXPECT_THROW(storage::updateRow(c, "grids; DROP TABLE grids", 1, 1, {{"name", std::string("x")}}), InputError);
    EXPECT_THROW(storage::rowVersion(c, "audit_log", 1), InputError);
    EXPECT_TRUE(c.tableExists("grids"));
}

INSTANTIATE_TEST_SUITE_P(Engines, RowVersionsTest, ::testing::Values(Engine::SQLite, Engine::PostgreSQL),
                         [](const ::testing::TestParamInfo<Engine>& info) {
                             return std::string(info.param == Engine::SQLite ? "SpatiaLite" : "PostGIS");
                         });

} // namespace
} // namespace gridatlas::testing
