// checkin (storage/publish_pg.h): a checked-out community's local changes go back to the PostGIS
// atlas; rows changed on both sides are reported, not overwritten.
#include <gtest/gtest.h>

#include <memory>

#include "model/entities.h"
#include "model/support/error.h"
#include "pg/pg_server.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/demo_generator.h"
#include "storage/fixture_atlas.h"
#include "storage/publish_pg.h"
#include "storage/row_versions.h"

namespace gridatlas::testing {
namespace {

using Kind = storage::CheckinConflict::Kind;

class CheckinTest : public ::testing::Test {
protected:
    void SetUp() override {
        GRIDATLAS_REQUIRE_PG(server);
        m_db = std::make_unique<PgDatabase>(server);
        const std::string demo = dir.file("demo.sqlite");
        storage::generateDemo(demo, storage::DemoOptions{});
        storage::publishCommunity(demo, pg(), "湖西社区");
        local = dir.file("local.sqlite");
        storage::checkoutCommunity(pg(), "湖西社区", local);
    }
    [[nodiscard]] const std::string& pg() const { return m_db->url(); }

    // Runs `sql` on one side and returns the first column of the first row as text.
    static std::string text(const std::string& where, const std::string& sql) {
        auto a = storage::Atlas::open(where, storage::OpenMode::ReadOnly);
        return a->connection().queryText(sql).value_or("<none>");
    }
    static void exec(const std::string& where, const std::string& sql) {
        auto a = storage::Atlas::open(where, storage::OpenMode::ReadWrite);
        a->connection().exec(sql);
    }

    TempDir dir;
    std::string local;

private:
    std::unique_ptr<PgDatabase> m_db;
};

const storage::CheckinConflict* conflictOf(const storage::CheckinSummary& s, const std::string& table, std::int64_t id) {
    for (const auto& c : s.conflicts)
        if (c.row.table == table && c.row.id == id) return &c;
    return nullptr;
}

TEST_F(CheckinTest, LocalEditsAdditionsAndDeletionsReachTheServerAndASecondCheckinIsANoOp) {
    std::int64_t building = 0, resident = 0, household = 0, unit = 0, newUnit = 0, newHousehold = 0, newResident = 0;
    {
        auto a = storage::Atlas::open(local, storage::OpenMode::ReadWrite);
        auto& c = a->connection();
        building = *c.queryInt("SELECT min(id) FROM buildings");
        resident = *c.queryInt("SELECT min(id) FROM residents WHERE phone IS NOT NULL");
        household = *c.queryInt("SELECT max(h.id) FROM households h WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.household_id = h.id) "
                                "AND NOT EXISTS (SELECT 1 FROM residents r JOIN assignments a ON a.member_id = r.id WHERE r.household_id = h.id) "
                                "AND NOT EXISTS (SELECT 1 FROM residents r JOIN service_posts p ON p.staffed_by = r.id WHERE r.household_id = h.id)");
        unit = *c.queryInt("SELECT min(id) FROM units WHERE building_id = " + std::to_string(building));
        c.exec("UPDATE buildings SET name = '红星小区1号楼', floors = floors + 1, unit_count = unit_count + 1 WHERE id = " +
               std::to_string(building));
        const int number = static_cast<int>(*c.queryInt("SELECT unit_count FROM buildings WHERE id = " + std::to_string(building)));
        c.exec("UPDATE residents SET phone = '13700001234' WHERE id = " + std::to_string(resident));
        c.exec("DELETE FROM households WHERE id = " + std::to_string(household)); // and its residents
        // A new unit with a new household and resident: ids the server may already use.
        storage::AtlasWriter w(*a);
        newUnit = w.add(model::Unit{0, building, number, model::Vec2{531000, 5494500}});
        model::Household h;
        h.unitId = newUnit;
        h.floor = 1;
        h.room = "新901";
        h.location = model::Vec2{531001, 5494501};
        newHousehold = w.add(h);
        model::Resident r;
        r.householdId = newHousehold;
        r.name = "新住户";
        newResident = w.add(r);
    }
    const auto before = storage::localChanges(local);
    ASSERT_EQ(before.added.size(), 3u);
    // Meanwhile someone adds a unit and a household on the server: the ids the local rows took
    // are taken there.
    {
        auto server = storage::Atlas::open(pg(), storage::OpenMode::ReadWrite);
        auto& c = server->connection();
        const auto other = *c.queryInt("SELECT max(id) FROM buildings");
        c.exec("UPDATE buildings SET unit_count = unit_count + 1 WHERE id = " + std::to_string(other));
        c.exec("INSERT INTO units (building_id, number) SELECT id, unit_count FROM buildings WHERE id = " + std::to_string(other));
        c.exec("INSERT INTO households (unit_id, floor, room) VALUES ((SELECT max(id) FROM units), 1, '服务器101')");
        c.exec("INSERT INTO residents (household_id, name) VALUES ((SELECT max(id) FROM households), '服务器住户')");
    }

    const auto s = storage::checkinCommunity(local, pg(), false, false);
    EXPECT_TRUE(s.conflicts.empty()) << s.report();
    EXPECT_EQ(s.added, 3);
    EXPECT_EQ(s.changed, 2);
    EXPECT_GE(s.deleted, 2); // the household and its residents
    EXPECT_NE(s.report().find("no conflicts"), std::string::npos) << s.report();

    // The server has it all.
    EXPECT_EQ(text(pg(), "SELECT name FROM buildings WHERE id = " + std::to_string(building)), "红星小区1号楼");
    EXPECT_EQ(text(pg(), "SELECT phone FROM residents WHERE id = " + std::to_string(resident)), "13700001234");
    EXPECT_EQ(text(pg(), "SELECT count(*) FROM households WHERE id = " + std::to_string(household)), "0");
    const std::string serverUnit = text(pg(), "SELECT max(id) FROM units WHERE building_id = " + std::to_string(building));
    ASSERT_NE(serverUnit, "<none>");
    const std::string serverHousehold = text(pg(), "SELECT id FROM households WHERE unit_id = " + serverUnit + " AND room = '新901'");
    ASSERT_NE(serverHousehold, "<none>");
    EXPECT_EQ(text(pg(), "SELECT name FROM residents WHERE household_id = " + serverHousehold), "新住户");
    // The local atlas carries the server ids now, references included.
    EXPECT_EQ(text(local, "SELECT max(id) FROM units WHERE building_id = " + std::to_string(building)), serverUnit);
    EXPECT_NE(serverUnit, std::to_string(newUnit)); // the server gave it an id of its own
    EXPECT_EQ(text(local, "SELECT unit_id FROM households WHERE room = '新901'"), serverUnit);
    EXPECT_EQ(text(local, "SELECT household_id FROM residents WHERE name = '新住户'"), serverHousehold);
    EXPECT_EQ(text(local, "SELECT count(*) FROM pragma_foreign_key_check"), "0");
    (void)unit;
    (void)newResident;

    // Nothing left to check in.
    const auto again = storage::localChanges(local);
    EXPECT_TRUE(again.added.empty() && again.changed.empty() && again.deleted.empty());
    const auto second = storage::checkinCommunity(local, pg(), false, false);
    EXPECT_EQ(second.added + second.changed + second.deleted, 0);
    EXPECT_TRUE(second.conflicts.empty());
}

TEST_F(CheckinTest, RowsChangedOnBothSidesAreReportedAndNotOverwritten) {
    std::int64_t a = 0, b = 0, h2 = 0, resident = 0;
    {
        auto l = storage::Atlas::open(local, storage::OpenMode::ReadOnly);
        auto& c = l->connection();
        a = *c.queryInt("SELECT min(id) FROM buildings");
        b = *c.queryInt("SELECT max(id) FROM buildings");
        h2 = *c.queryInt("SELECT max(h.id) FROM households h WHERE NOT EXISTS (SELECT 1 FROM assignments x WHERE x.household_id = h.id) "
                         "AND NOT EXISTS (SELECT 1 FROM residents r JOIN assignments x ON x.member_id = r.id WHERE r.household_id = h.id) "
                         "AND NOT EXISTS (SELECT 1 FROM residents r JOIN service_posts p ON p.staffed_by = r.id WHERE r.household_id = h.id)");
        resident = *c.queryInt("SELECT min(id) FROM residents WHERE phone IS NOT NULL");
    }
    const auto id = [](std::int64_t v) { return std::to_string(v); };
    // Meanwhile on the server: building a renamed, household h2 marked vacant, a resident's phone.
    {
        auto server = storage::Atlas::open(pg(), storage::OpenMode::ReadWrite);
        auto& c = server->connection();
        c.exec("UPDATE buildings SET name = '服务器改名' WHERE id = " + id(a));
        c.exec("UPDATE households SET vacant = 1 WHERE id = " + id(h2));
        c.exec("UPDATE residents SET phone = '13911112222' WHERE id = " + id(resident));
    }
    // Here: building a's floors (another field, the same row), b's name (no conflict), h2 deleted,
    // the same resident's phone.
    exec(local, "UPDATE buildings SET floors = floors + 2 WHERE id = " + id(a) + "; UPDATE buildings SET name = '本地改名' WHERE id = " +
                    id(b) + "; DELETE FROM households WHERE id = " + id(h2) + "; UPDATE residents SET phone = '13833334444' WHERE id = " +
                    id(resident));
    const std::string floorsBefore = text(pg(), "SELECT floors FROM buildings WHERE id = " + id(a));

    const auto s = storage::checkinCommunity(local, pg(), false, false);
    const std::string report = s.report();
    ASSERT_EQ(s.conflicts.size(), 3u) << report;
    const auto* ca = conflictOf(s, "buildings", a);
    ASSERT_NE(ca, nullptr) << report;
    EXPECT_EQ(ca->kind, Kind::ChangedOnBothSides);
    EXPECT_GT(ca->serverVersion, ca->checkoutVersion);
    const auto* ch = conflictOf(s, "households", h2);
    ASSERT_NE(ch, nullptr) << report;
    EXPECT_EQ(ch->kind, Kind::DeletedHereChangedOnServer);
    const auto* cr = conflictOf(s, "residents", resident);
    ASSERT_NE(cr, nullptr) << report;
    // The report names the fields and masks the phones.
    EXPECT_NE(report.find("floors: here"), std::string::npos) << report;
    EXPECT_NE(report.find("on the server '服务器改名'"), std::string::npos) << report;
    EXPECT_EQ(report.find("13833334444"), std::string::npos) << report;
    EXPECT_EQ(report.find("13911112222"), std::string::npos) << report;
    EXPECT_NE(report.find("139****2222"), std::string::npos) << report;
    // Neither side was overwritten; the clean change went in.
    EXPECT_EQ(text(pg(), "SELECT name FROM buildings WHERE id = " + id(a)), "服务器改名");
    EXPECT_EQ(text(pg(), "SELECT floors FROM buildings WHERE id = " + id(a)), floorsBefore);
    EXPECT_EQ(text(pg(), "SELECT count(*) FROM households WHERE id = " + id(h2)), "1");
    EXPECT_EQ(text(pg(), "SELECT phone FROM residents WHERE id = " + id(resident)), "13911112222");
    EXPECT_EQ(text(pg(), "SELECT name FROM buildings WHERE id = " + id(b)), "本地改名");
    EXPECT_EQ(s.changed, 1);
    // The conflicts stay conflicts; revealed on request.
    const auto again = storage::checkinCommunity(local, pg(), true, true);
    EXPECT_EQ(again.conflicts.size(), 3u);
    EXPECT_NE(again.report().find("13833334444"), std::string::npos);

    // From the command line: exit 3 with the report.
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " checkin --atlas " + local + " --to " + pg(), &out), 3) << out;
    EXPECT_NE(out.find("3 conflict(s)"), std::string::npos) << out;
}

// A row deleted here that the server has since put something under (a new resident in the
// household) would take that with it by cascade: a conflict, not a delete.
TEST_F(CheckinTest, ADeleteThatWouldCascadeOverServerAdditionsIsAConflict) {
    const std::string h = text(local, "SELECT max(h.id) FROM households h WHERE NOT EXISTS (SELECT 1 FROM assignments x WHERE x.household_id = h.id) "
                                      "AND NOT EXISTS (SELECT 1 FROM residents r JOIN assignments x ON x.member_id = r.id WHERE r.household_id = h.id) "
                                      "AND NOT EXISTS (SELECT 1 FROM residents r JOIN service_posts p ON p.staffed_by = r.id WHERE r.household_id = h.id)");
    exec(pg(), "INSERT INTO residents (household_id, name) VALUES (" + h + ", '新来的住户')");
    exec(local, "DELETE FROM households WHERE id = " + h);
    const auto s = storage::checkinCommunity(local, pg(), false, false);
    const auto* c = conflictOf(s, "households", std::stoll(h));
    ASSERT_NE(c, nullptr) << s.report();
    EXPECT_EQ(c->kind, Kind::DeletedHereChangedOnServer);
    EXPECT_EQ(text(pg(), "SELECT count(*) FROM households WHERE id = " + h), "1");
    EXPECT_EQ(text(pg(), "SELECT count(*) FROM residents WHERE name = '新来的住户'"), "1");
}

TEST_F(CheckinTest, ADryRunWritesNothingAnywhere) {
    const auto building = text(local, "SELECT min(id) FROM buildings");
    exec(local, "UPDATE buildings SET name = '试运行' WHERE id = " + building);
    const auto s = storage::checkinCommunity(local, pg(), true, false);
    EXPECT_EQ(s.changed, 1);
    EXPECT_NE(s.report().find("dry run"), std::string::npos);
    EXPECT_NE(text(pg(), "SELECT name FROM buildings WHERE id = " + building), "试运行");
    EXPECT_EQ(storage::localChanges(local).changed.size(), 1u); // still to do
    // Then for real, from the command line (the location it was checked out from has no password).
    std::string out;
    EXPECT_EQ(runCommand(cliPath() + " checkin --atlas " + local, &out), 0) << out;
    EXPECT_NE(out.find("checked in 0 added, 1 changed, 0 deleted"), std::string::npos) << out;
    EXPECT_EQ(text(pg(), "SELECT name FROM buildings WHERE id = " + building), "试运行");
    EXPECT_NE(runCommand(cliPath() + " checkin --atlas " + dir.file("demo.sqlite"), &out), 0); // not a checkout
    EXPECT_NE(out.find("not checked out"), std::string::npos) << out;
}

} // namespace
} // namespace gridatlas::testing
