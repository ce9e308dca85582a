// The audit log on PostGIS (storage/audit_pg.h): server triggers write the same rows, masked the
// same way, as the SQLite TEMP triggers (storage/audit.cpp) for the same edit.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "pg/pg_server.h"
#include "storage/atlas.h"
#include "storage/audit.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"
#include "storage/publish_pg.h"

namespace gridatlas::testing {
namespace {

struct Logged {
    std::string action, table, field, oldValue, newValue;
    bool operator==(const Logged&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Logged& l) {
    return out << l.action << ' ' << l.table << '.' << l.field << ": " << l.oldValue << " -> " << l.newValue;
}

// The same edit of the resident `id`: every sensitive kind, and one plain field.
std::vector<Logged> editAndRead(storage::Atlas& atlas, std::int64_t id) {
    auto& c = atlas.connection();
    const auto before = c.queryInt("SELECT coalesce(max(id), 0) FROM audit_log").value_or(0);
    {
        storage::Statement st(c, "UPDATE residents SET name = ?, phone = ?, id_number = ?, disability = 1, relation = ? WHERE id = ?");
        st.bind(1, "欧阳修文").bind(2, "138-1234-5678").bind(3, "110101199001011234").bind(4, "表亲").bind(5, id);
        st.run();
    }
    std::vector<Logged> out;
    storage::Statement st(c, "SELECT action, table_name, field, old_value, new_value FROM audit_log WHERE id > ? ORDER BY field");
    st.bind(1, before);
    while (st.step())
        out.push_back({st.columnText(0), st.columnText(1), st.columnText(2), st.columnText(3), st.columnText(4)});
    return out;
}

TEST(AuditPg, BothEnginesStoreTheSameMaskedTextForTheSameEdit) {
    GRIDATLAS_REQUIRE_PG(server);
    PgDatabase db(server);
    SmallWorld world;
    world.atlas.reset();
    storage::publishCommunity(world.path, db.url(), "湖西社区");

    auto pg = storage::Atlas::open(db.url(), storage::OpenMode::ReadWrite);
    auto lite = storage::Atlas::open(world.path, storage::OpenMode::ReadWrite);
    EXPECT_EQ(pg->connection().queryInt("SELECT count(*) FROM audit_log"), 0) << "publishing is not an edit";

    const auto pgId = *pg->connection().queryInt("SELECT min(id) FROM residents");
    const auto key = *pg->connection().queryText("SELECT name || '|' || coalesce(id_number, '') FROM residents WHERE id = " + std::to_string(pgId));
    storage::Statement find(lite->connection(), "SELECT id FROM residents WHERE name || '|' || coalesce(id_number, '') = ?");
    find.bind(1, key);
    ASSERT_TRUE(find.step()) << key;
    const auto liteId = find.columnInt(0);
    find.reset();

    const auto onPg = editAndRead(*pg, pgId);
    const auto onLite = editAndRead(*lite, liteId);
    ASSERT_EQ(onPg.size(), 5u);
    EXPECT_EQ(onPg, onLite);
    for (const auto& l : onPg) {
        if (l.field == "name") { EXPECT_EQ(l.newValue, "欧阳**"); }
        if (l.field == "phone") { EXPECT_EQ(l.newValue, "138****5678"); }
        if (l.field == "id_number") { EXPECT_EQ(l.newValue, "1101**********1234"); }
        if (l.field == "disability") { EXPECT_EQ(l.newValue, "***"); }
        if (l.field == "relation") { EXPECT_EQ(l.newValue, "表亲"); }
    }
    EXPECT_EQ(*pg->connection().queryText("SELECT DISTINCT actor FROM audit_log"), storage::auditActor());
}

TEST(AuditPg, InsertsAndDeletesAreSummarisedMaskedAndBulkScopeSkipsInserts) {
    GRIDATLAS_REQUIRE_PG(server);
    PgDatabase db(server);
    SmallWorld world;
    world.atlas.reset();
    storage::publishCommunity(world.path, db.url(), "湖西社区");
    auto pg = storage::Atlas::open(db.url(), storage::OpenMode::ReadWrite);
    auto& c = pg->connection();
    c.exec("SET gridatlas.actor = '网格员王五'");
    const auto household = *c.queryInt("SELECT min(id) FROM households");
    const std::string insert = "INSERT INTO residents (household_id, name, phone, id_number) VALUES (" + std::to_string(household) +
                               ", '张三丰', '13812345678', '110101199001011234')";
    c.exec(insert);
    const auto summary = *c.queryText("SELECT new_value FROM audit_log WHERE action = 'insert' AND table_name = 'residents'");
    EXPECT_NE(summary.find("name=张**"), std::string::npos) << summary;
    EXPECT_NE(summary.find("phone=138****5678"), std::string::npos) << summary;
    EXPECT_NE(summary.find("id_number=1101**********1234"), std::string::npos) << summary;
    EXPECT_EQ(summary.find("张三丰"), std::string::npos) << summary;
    EXPECT_EQ(*c.queryText("SELECT actor FROM audit_log WHERE action = 'insert'"), "网格员王五");

    c.exec("DELETE FROM residents WHERE name = '张三丰'");
    const auto gone = *c.queryText("SELECT old_value FROM audit_log WHERE action = 'delete'");
    EXPECT_NE(gone.find("name=张**"), std::string::npos) << gone;

    {
        storage::AuditBulkScope bulk(c);
        c.exec(insert);
    }
    EXPECT_EQ(c.queryInt("SELECT count(*) FROM audit_log WHERE action = 'insert'"), 1) << "a bulk scope logs no inserts";
    c.exec(insert);
    EXPECT_EQ(c.queryInt("SELECT count(*) FROM audit_log WHERE action = 'insert'"), 2) << "and ends with its scope";

    const auto entries = storage::readAudit(c, "residents", 10);
    ASSERT_FALSE(entries.empty());
    EXPECT_EQ(entries.front().action, "insert");
}

} // namespace
} // namespace gridatlas::testing
