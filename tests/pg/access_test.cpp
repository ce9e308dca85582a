// Roles and row-level security on a PostGIS atlas (storage/access_pg.h): the test connects as
// each role and checks what it can and cannot read or write.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "model/feature.h"
#include "model/support/error.h"
#include "pg/pg_server.h"
#include "storage/access_pg.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/demo_generator.h"
#include "storage/fixture_atlas.h"
#include "storage/grid_stats.h"
#include "storage/identify.h"
#include "storage/publish_pg.h"
#include "storage/search.h"

namespace gridatlas::testing {
namespace {

constexpr const char* kA = "湖西社区";
constexpr const char* kB = "东湖社区";
constexpr const char* kStreet = "兴华街道";

// Roles are the cluster's, shared by every test database: unique names per test.
std::string uniqueRole(const std::string& what) {
    static std::atomic<int> n{0};
    const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    return "t_" + what + "_" + std::to_string(t % 100000000) + "_" + std::to_string(n++);
}

class AccessTest : public ::testing::Test {
protected:
    void SetUp() override {
        GRIDATLAS_REQUIRE_PG(server);
        m_db = std::make_unique<PgDatabase>(server);
        const std::string demo = dir.file("demo.sqlite");
        storage::generateDemo(demo, storage::DemoOptions{});
        storage::publishCommunity(demo, pg(), kA);
        storage::publishCommunity(demo, pg(), kB);
        workerA = login("worker_a");
        workerB = login("worker_b");
        keyedA = login("keyed_a");
        street = login("street");
        stranger = login("stranger");
        auto owner = storage::Atlas::open(pg());
        auto& c = owner->connection();
        storage::grantAccess(c, {workerA, std::string(kA), std::nullopt, false});
        storage::grantAccess(c, {workerB, std::string(kB), std::nullopt, false});
        storage::grantAccess(c, {keyedA, std::string(kA), std::nullopt, true});
        storage::grantAccess(c, {street, std::nullopt, std::string(kStreet), false});
        idA = *c.queryInt(std::string("SELECT id FROM communities WHERE name = '") + kA + "'");
        idB = *c.queryInt(std::string("SELECT id FROM communities WHERE name = '") + kB + "'");
    }
    void TearDown() override {
        if (!m_db) return;
        m_db.reset();
        storage::Connection admin(m_server, storage::OpenMode::ReadWrite);
        for (const auto& r : m_roles) admin.exec("DROP ROLE IF EXISTS " + storage::quoteIdentifier(r));
    }

    [[nodiscard]] const std::string& pg() const { return m_db->url(); }
    /// A LOGIN role (the cluster trusts loopback connections) and the atlas URL that connects as it.
    std::string login(const std::string& what) {
        if (m_server.empty()) {
            std::string whyNot;
            m_server = *pgServerUrl(whyNot);
        }
        const std::string role = uniqueRole(what);
        storage::Connection admin(m_server, storage::OpenMode::ReadWrite);
        admin.exec("CREATE ROLE " + storage::quoteIdentifier(role) + " LOGIN");
        m_roles.push_back(role);
        return role;
    }
    [[nodiscard]] std::string as(const std::string& role) const {
        std::string url = pg();
        const auto at = url.find("postgres@");
        EXPECT_NE(at, std::string::npos) << url;
        return url.replace(at, std::string("postgres").size(), role);
    }
    /// What `sql` gives the owner (first column of the first row).
    [[nodiscard]] std::int64_t ownerInt(const std::string& sql) const {
        auto a = storage::Atlas::open(pg(), storage::OpenMode::ReadOnly);
        return a->connection().queryInt(sql).value_or(-1);
    }
    [[nodiscard]] static std::int64_t count(storage::Atlas& a, const std::string& relation) {
        return a.connection().queryInt("SELECT count(*) FROM " + relation).value_or(-1);
    }

    TempDir dir;
    std::string workerA, workerB, keyedA, street, stranger;
    std::int64_t idA = 0, idB = 0;

private:
    std::unique_ptr<PgDatabase> m_db;
    std::string m_server;
    std::vector<std::string> m_roles;
};

// Rows per community as the owner counts them, and as each role sees them.
TEST_F(AccessTest, ACommunitysWorkersSeeOnlyTheirCommunityAndTheStreetOfficeSeesAllOfIts) {
    const auto inCommunity = [&](std::int64_t id) {
        const std::string b = "(SELECT id FROM buildings WHERE community_id = " + std::to_string(id) + ")";
        return std::map<std::string, std::int64_t>{
            {"communities", 1},
            {"grids", ownerInt("SELECT count(*) FROM grids WHERE community_id = " + std::to_string(id))},
            {"buildings", ownerInt("SELECT count(*) FROM buildings WHERE community_id = " + std::to_string(id))},
            {"units", ownerInt("SELECT count(*) FROM units WHERE building_id IN " + b)},
            {"households", ownerInt("SELECT count(*) FROM households h JOIN units u ON u.id = h.unit_id WHERE u.building_id IN " + b)},
            {"household_summary", ownerInt("SELECT count(*) FROM household_summary WHERE building_id IN " + b)},
            {"residents", ownerInt("SELECT count(*) FROM residents r JOIN households h ON h.id = r.household_id "
                                   "JOIN units u ON u.id = h.unit_id WHERE u.building_id IN " + b)},
            {"grid_staff", ownerInt("SELECT count(*) FROM grid_staff s JOIN grids g ON g.id = s.grid_id WHERE g.community_id = " +
                                    std::to_string(id))},
        };
    };
    const auto expectA = inCommunity(idA), expectB = inCommunity(idB);
    for (const auto& [relation, n] : expectA) {
        ASSERT_GT(n, 0) << relation << " of " << kA;
        ASSERT_GT(expectB.at(relation), 0) << relation << " of " << kB;
    }
    {
        auto a = storage::Atlas::open(as(workerA), storage::OpenMode::ReadOnly);
        for (const auto& [relation, n] : expectA) EXPECT_EQ(count(*a, relation), n) << relation << " as " << kA << "'s worker";
        EXPECT_EQ(a->connection().queryText("SELECT name FROM communities").value_or(""), kA);
    }
    {
        auto b = storage::Atlas::open(as(workerB), storage::OpenMode::ReadOnly);
        for (const auto& [relation, n] : expectB) EXPECT_EQ(count(*b, relation), n) << relation << " as " << kB << "'s worker";
    }
    {
        auto s = storage::Atlas::open(as(street), storage::OpenMode::ReadOnly);
        for (const auto& [relation, n] : expectA)
            EXPECT_EQ(count(*s, relation), n + expectB.at(relation)) << relation << " as the street office";
    }
    // Granted nothing: the atlas does not open, and says who grants access.
    try {
        (void)storage::Atlas::open(as(stranger), storage::OpenMode::ReadOnly);
        ADD_FAILURE() << "a role granted nothing opened the atlas";
    } catch (const StorageError& e) {
        EXPECT_NE(std::string(e.what()).find(stranger), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("access grant"), std::string::npos) << e.what();
    }
    storage::Connection raw(as(stranger), storage::OpenMode::ReadOnly);
    EXPECT_THROW((void)raw.queryInt("SELECT count(*) FROM buildings"), StorageError);
}

TEST_F(AccessTest, PhonesAndIdNumbersNeedTheKeyAndTheCoreShowsThemAbsentWithoutIt) {
    const std::int64_t household =
        ownerInt("SELECT min(r.household_id) FROM residents r JOIN households h ON h.id = r.household_id JOIN units u ON u.id = h.unit_id "
                 "JOIN buildings b ON b.id = u.building_id WHERE r.phone IS NOT NULL AND r.id_number IS NOT NULL AND b.community_id = " +
                 std::to_string(idA));
    ASSERT_GT(household, 0);
    const auto residentValues = [](storage::Atlas& a, std::int64_t id, const std::string& key) {
        std::set<std::string> values;
        const auto r = storage::describeHousehold(a, id);
        EXPECT_TRUE(r.has_value());
        if (r)
            for (const auto& p : r->children)
                if (const auto* v = p.find(key); v && !v->value.empty()) values.insert(v->value);
        return values;
    };
    {
        auto a = storage::Atlas::open(as(workerA), storage::OpenMode::ReadOnly);
        auto& c = a->connection();
        EXPECT_THROW((void)c.queryText("SELECT phone FROM residents LIMIT 1"), StorageError);
        EXPECT_THROW((void)c.queryText("SELECT id_number FROM residents LIMIT 1"), StorageError);
        EXPECT_THROW((void)c.queryText("SELECT phone FROM grid_staff LIMIT 1"), StorageError);
        EXPECT_THROW((void)c.queryText("SELECT * FROM residents LIMIT 1"), StorageError);
        EXPECT_GT(c.queryInt("SELECT count(name) FROM residents").value_or(0), 0); // the rest is readable
        EXPECT_FALSE(storage::canReadColumn(c, "residents", "phone"));
        EXPECT_TRUE(storage::canReadColumn(c, "residents", "name"));
        // Identify still describes the household and its residents, without their numbers.
        EXPECT_TRUE(residentValues(*a, household, "phone").empty());
        EXPECT_TRUE(residentValues(*a, household, "id_number").empty());
        EXPECT_FALSE(residentValues(*a, household, "resident_name").empty());
    }
    auto k = storage::Atlas::open(as(keyedA), storage::OpenMode::ReadOnly);
    EXPECT_GT(k->connection().queryInt("SELECT count(phone) FROM residents").value_or(0), 0);
    EXPECT_FALSE(residentValues(*k, household, "phone").empty());
    EXPECT_FALSE(residentValues(*k, household, "id_number").empty());
    // The key opens the numbers of its own community only.
    EXPECT_EQ(k->connection().queryInt("SELECT count(*) FROM residents r JOIN households h ON h.id = r.household_id JOIN units u "
                                       "ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id WHERE b.community_id = " +
                                       std::to_string(idB)),
              0);
}

TEST_F(AccessTest, AWorkerEditsItsCommunityAndCannotTouchAnotherOrTheAuditLog) {
    // Residential buildings (with units and households) of each community.
    const auto residential = [&](std::int64_t community) {
        return ownerInt("SELECT min(b.id) FROM buildings b WHERE community_id = " + std::to_string(community) +
                        " AND EXISTS (SELECT 1 FROM units u JOIN households h ON h.unit_id = u.id WHERE u.building_id = b.id)");
    };
    const std::int64_t mine = residential(idA), theirs = residential(idB);
    ASSERT_GT(mine, 0);
    ASSERT_GT(theirs, 0);
    const auto ownerName = [&](std::int64_t id) {
        auto a = storage::Atlas::open(pg(), storage::OpenMode::ReadOnly);
        return a->connection().queryText("SELECT name FROM buildings WHERE id = " + std::to_string(id)).value_or("");
    };
    const std::string theirName = ownerName(theirs);
    const std::int64_t auditBefore = ownerInt("SELECT count(*) FROM audit_log");
    {
        auto a = storage::Atlas::open(as(workerA), storage::OpenMode::ReadWrite);
        auto& c = a->connection();
        c.exec("UPDATE buildings SET name = '湖西新楼' WHERE id = " + std::to_string(mine));
        // Another community's row is invisible: the update matches nothing.
        c.exec("UPDATE buildings SET name = '不该改' WHERE id = " + std::to_string(theirs));
        // Moving a row into another community, or adding one there, is refused.
        EXPECT_THROW(c.exec("UPDATE grids SET community_id = " + std::to_string(idB)), StorageError);
        EXPECT_THROW(c.exec("INSERT INTO service_posts (name, type, community_id, geom) VALUES ('越界站', 'health', " +
                            std::to_string(idB) + ", ST_SetSRID(ST_MakePoint(531000, 5494500), " +
                            c.queryText("SELECT value FROM atlas_meta WHERE key = 'srid'").value_or("0") + "))"),
                     StorageError);
        // Children follow their parents: no unit in another community's building, no resident
        // in its households, and none moved there.
        const std::string theirUnit = std::to_string(ownerInt("SELECT min(id) FROM units WHERE building_id = " + std::to_string(theirs)));
        const std::string theirHousehold = std::to_string(ownerInt("SELECT min(id) FROM households WHERE unit_id = " + theirUnit));
        const auto refusedByPolicy = [&](const std::string& sql) {
            try {
                c.exec(sql);
                ADD_FAILURE() << "accepted: " << sql;
            } catch (const StorageError& e) {
                EXPECT_NE(std::string(e.what()).find("row-level security"), std::string::npos) << e.what();
            }
        };
        refusedByPolicy("INSERT INTO units (building_id, number, geom) SELECT " + std::to_string(theirs) +
                        ", 1, geom FROM units WHERE building_id = " + std::to_string(mine) + " LIMIT 1");
        refusedByPolicy("INSERT INTO residents (household_id, name) VALUES (" + theirHousehold + ", '越界')");
        refusedByPolicy("UPDATE residents SET household_id = " + theirHousehold);
        refusedByPolicy("UPDATE buildings SET community_id = " + std::to_string(idB) + " WHERE id = " + std::to_string(mine));
        EXPECT_EQ(c.queryInt("SELECT count(*) FROM households WHERE id = " + theirHousehold).value_or(-1), 0);
        // The audit log is written (by the triggers), never read or rewritten.
        EXPECT_THROW(c.exec("DELETE FROM audit_log"), StorageError);
        EXPECT_THROW(c.exec("UPDATE audit_log SET actor = 'x'"), StorageError);
        EXPECT_THROW((void)c.queryInt("SELECT count(*) FROM audit_log"), StorageError);
        EXPECT_THROW(c.exec("DELETE FROM communities WHERE id = " + std::to_string(idA) + " AND false; DELETE FROM atlas_access"),
                     StorageError);
        EXPECT_THROW(c.exec("UPDATE streets SET name = 'x'"), StorageError); // shared tables: read only
    }
    EXPECT_EQ(ownerName(mine), "湖西新楼");
    EXPECT_EQ(ownerName(theirs), theirName);
    EXPECT_EQ(ownerInt("SELECT count(*) FROM atlas_access"), 4);
    // The accepted edit is in the audit log under the worker's name.
    EXPECT_EQ(ownerInt("SELECT count(*) FROM audit_log") - auditBefore, 1);
    {
        auto a = storage::Atlas::open(pg(), storage::OpenMode::ReadOnly);
        const std::string actor =
            a->connection().queryText("SELECT actor FROM audit_log WHERE table_name = 'buildings' ORDER BY id DESC LIMIT 1").value_or("");
        EXPECT_NE(actor.find(workerA), std::string::npos) << actor;
    }
}

TEST_F(AccessTest, CoreReadersAsAWorkerStayInsideItsCommunity) {
    auto a = storage::Atlas::open(as(workerA), storage::OpenMode::ReadOnly);
    auto owner = storage::Atlas::open(pg(), storage::OpenMode::ReadOnly);
    // Search: the other community's buildings and posts are not found.
    const auto hits = storage::search(*a, "社区");
    for (const auto& h : hits) {
        if (h.layer == "communities") {
            EXPECT_EQ(h.title.find(kB), std::string::npos) << h.title;
        }
    }
    EXPECT_FALSE(storage::search(*owner, kB).empty());
    for (const auto& h : storage::search(*a, kB)) EXPECT_NE(h.layer, "communities") << h.title;
    // Grid statistics: only its grids, with the owner's figures for them.
    const auto mine = storage::computeGridStats(*a);
    const auto all = storage::computeGridStats(*owner, storage::GridStatsScope{std::string(kA), {}});
    ASSERT_EQ(mine.grids.size(), all.grids.size());
    ASSERT_FALSE(mine.grids.empty());
    for (std::size_t i = 0; i < mine.grids.size(); ++i) {
        EXPECT_EQ(mine.grids[i].code, all.grids[i].code);
        EXPECT_EQ(mine.grids[i].households, all.grids[i].households) << mine.grids[i].code;
        EXPECT_EQ(mine.grids[i].members, all.grids[i].members) << mine.grids[i].code;
    }
    // The map layers the renderer reads.
    for (const std::string layer : {"buildings", "households", "grids"}) {
        auto source = a->openLayer(layer);
        auto cursor = source->features(model::FeatureRequest{});
        model::Feature f;
        std::int64_t n = 0;
        while (cursor->next(f)) ++n;
        const std::string where = layer == "buildings" ? "buildings WHERE community_id = " + std::to_string(idA)
                                  : layer == "grids"   ? "grids WHERE community_id = " + std::to_string(idA)
                                                       : "household_summary WHERE building_id IN (SELECT id FROM buildings WHERE community_id = " +
                                                           std::to_string(idA) + ")";
        EXPECT_EQ(n, owner->connection().queryInt("SELECT count(*) FROM " + where).value_or(-1)) << layer;
    }
}

TEST_F(AccessTest, AWorkerChecksOutItsCommunityWithoutNumbersAndNotAnother) {
    const std::string local = dir.file("mine.sqlite");
    storage::checkoutCommunity(as(workerA), kA, local);
    auto l = storage::Atlas::open(local, storage::OpenMode::ReadOnly);
    auto& c = l->connection();
    const std::string inA = "(SELECT id FROM buildings WHERE community_id = " + std::to_string(idA) + ")";
    EXPECT_EQ(c.queryInt("SELECT count(*) FROM residents").value_or(-1),
              ownerInt("SELECT count(*) FROM residents r JOIN households h ON h.id = r.household_id JOIN units u ON u.id = h.unit_id "
                       "WHERE u.building_id IN " + inA));
    EXPECT_EQ(c.queryInt("SELECT count(*) FROM residents WHERE phone IS NOT NULL OR id_number IS NOT NULL").value_or(-1), 0);
    EXPECT_EQ(c.queryInt("SELECT count(*) FROM grid_staff WHERE phone IS NOT NULL").value_or(-1), 0);
    EXPECT_THROW(storage::checkoutCommunity(as(workerA), kB, dir.file("theirs.sqlite")), Error);
    // With the key the numbers come along.
    const std::string keyed = dir.file("keyed.sqlite");
    storage::checkoutCommunity(as(keyedA), kA, keyed);
    auto k = storage::Atlas::open(keyed, storage::OpenMode::ReadOnly);
    EXPECT_GT(k->connection().queryInt("SELECT count(phone) FROM residents").value_or(0), 0);
}

TEST_F(AccessTest, RevokingTakesTheRowsAwayAndTheCliManagesGrants) {
    {
        auto owner = storage::Atlas::open(pg());
        storage::revokeAccess(owner->connection(), workerB);
        const auto grants = storage::listAccess(owner->connection());
        EXPECT_EQ(grants.size(), 3u);
        for (const auto& g : grants) EXPECT_NE(g.role, workerB);
    }
    EXPECT_THROW((void)storage::Atlas::open(as(workerB), storage::OpenMode::ReadOnly), StorageError); // no longer in gridatlas_user
    // The CLI: grant by community code, list, revoke one community.
    const std::string code = std::to_string(ownerInt(std::string("SELECT code::bigint FROM communities WHERE name = '") + kB + "'"));
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " access grant --atlas '" + pg() + "' --role " + workerB + " --community " + code, &out), 0) << out;
    EXPECT_NE(out.find(workerB), std::string::npos) << out;
    {
        auto b = storage::Atlas::open(as(workerB), storage::OpenMode::ReadOnly);
        EXPECT_EQ(b->connection().queryText("SELECT name FROM communities").value_or(""), kB);
    }
    ASSERT_EQ(runCommand(cliPath() + " access list --atlas '" + pg() + "'", &out), 0) << out;
    EXPECT_NE(out.find(workerB + "\tcommunity " + kB), std::string::npos) << out;
    EXPECT_NE(out.find(street + "\tstreet office " + kStreet), std::string::npos) << out;
    EXPECT_NE(out.find(keyedA + "\tcommunity " + kA + "\tphones and ID numbers readable"), std::string::npos) << out;
    ASSERT_EQ(runCommand(cliPath() + " access revoke --atlas '" + pg() + "' --role " + street + " --street " + kStreet, &out), 0) << out;
    EXPECT_THROW((void)storage::Atlas::open(as(street), storage::OpenMode::ReadOnly), StorageError);
    // Mistakes are named; a file atlas is told what protects it instead.
    EXPECT_NE(runCommand(cliPath() + " access grant --atlas '" + pg() + "' --role x --community 没有这个社区", &out), 0);
    EXPECT_NE(out.find("没有这个社区"), std::string::npos) << out;
    EXPECT_NE(runCommand(cliPath() + " access grant --atlas '" + pg() + "' --role x", &out), 0);
    EXPECT_NE(out.find("community or a street office"), std::string::npos) << out;
    const std::string file = dir.file("demo.sqlite");
    EXPECT_NE(runCommand(cliPath() + " access list --atlas '" + file + "'", &out), 0);
    EXPECT_NE(out.find("SpatiaLite"), std::string::npos) << out;
    // A worker cannot grant itself more.
    EXPECT_NE(runCommand(cliPath() + " access grant --atlas '" + as(workerA) + "' --role " + workerA + " --community " + code, &out), 0);
    {
        auto a = storage::Atlas::open(as(workerA), storage::OpenMode::ReadOnly);
        EXPECT_EQ(count(*a, "communities"), 1);
    }
}

} // namespace
} // namespace gridatlas::testing
