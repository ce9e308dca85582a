// publish -> checkout round trip: the demo's communities go to PostGIS and come back as local
// atlases whose rows equal the original's, geometry included.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "model/support/error.h"
#include "pg/pg_server.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/demo_generator.h"
#include "storage/fixture_atlas.h"
#include "storage/publish_pg.h"
#include "storage/schema.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::testing {
namespace {

using storage::Statement;
using Rows = std::vector<std::string>;

// One row as text: geometries as their decoded vertices (their BLOB may be encoded differently),
// doubles to the last bit, bytes in hex.
std::string rowText(const Statement& st) {
    std::string out;
    for (int i = 0; i < st.columnCount(); ++i) {
        const std::string name = st.columnName(i);
        out += name + "=";
        if (st.isNull(i)) {
            out += "NULL|";
            continue;
        }
        const model::Value v = st.columnValue(i);
        if (const auto* n = std::get_if<std::int64_t>(&v)) {
            out += std::to_string(*n);
        } else if (const auto* d = std::get_if<double>(&v)) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "%.17g", *d);
            out += buf;
        } else if (name == "geom") {
            model::Geometry g;
            storage::decodeSpatialiteBlob(st.columnBlob(i), g);
            out += "G" + std::to_string(static_cast<int>(g.type)) + ":";
            for (auto p : g.coords) out += std::to_string(p.x) + "," + std::to_string(p.y) + ";";
            for (auto e : g.ringEnds) out += "r" + std::to_string(e);
            for (auto e : g.partEnds) out += "p" + std::to_string(e);
        } else {
            for (unsigned char c : std::get<std::string>(v)) {
                if (c < 0x20 && c != '\t') out += "\\" + std::to_string(c);
                else out.push_back(static_cast<char>(c));
            }
        }
        out += "|";
    }
    return out;
}

Rows rows(storage::Connection& c, const std::string& table, const std::string& where = {}) {
    Statement st(c, "SELECT * FROM " + table + (where.empty() ? "" : " WHERE " + where));
    Rows out;
    while (st.step()) out.push_back(rowText(st));
    std::sort(out.begin(), out.end());
    return out;
}

std::int64_t count(storage::Connection& c, const std::string& sql) { return c.queryInt(sql).value_or(-1); }

// Rows the demo lacks (rooms, floor plans, grid plans, import provenance, a post without a
// community): added to community 1 so the round trip covers every table.
void addEveryKindOfRow(const std::string& path) {
    auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadWrite);
    auto& c = atlas->connection();
    storage::Transaction tx(c);
    const std::int64_t building =
        c.queryInt("SELECT MIN(b.id) FROM buildings b JOIN units u ON u.building_id = b.id WHERE b.community_id = 1").value();
    const std::int64_t unit = c.queryInt("SELECT MIN(id) FROM units WHERE building_id = " + std::to_string(building)).value();
    c.exec("INSERT INTO floor_plans (building_id, source, scale, rotation_deg, origin_x, origin_y, fitted) VALUES (" +
           std::to_string(building) + ", 'plan.dxf', 0.001, 12.5, 3.25, -1.125, 1)");
    const std::string room = storage::encodeSpatialiteBlob(model::Geometry::polygon({{{0, 0}, {4.5, 0}, {4.5, 3.25}, {0, 3.25}}}), -1);
    Statement r(c, "INSERT INTO rooms (building_id, floor, unit_id, label, kind, geom, repeat_on) VALUES (?, 2, ?, '201', 'flat', ?, 'odd')");
    r.bind(1, building).bind(2, unit);
    r.bindBlob(3, room.data(), room.size());
    r.run();
    c.exec("INSERT INTO imports (id, kind, source, target, started_at, user, added, summary) VALUES "
           "(5, 'vector', 'b.shp', 'buildings', '2026-01-01T00:00:00Z', '网格员', 1, 'one building')");
    c.exec("INSERT INTO feature_sources (table_name, row_id, import_id, source_file, source_layer, source_key, source_crs, error_bound_m) "
           "VALUES ('buildings', " + std::to_string(building) + ", 5, 'b.shp', 'b', 'K1', 'EPSG:4490', 0.5)");
    c.exec("INSERT INTO grid_plans (id, name, kind, created_at, community_id, note) VALUES (9, '方案一', 'saved', '2026-01-01', 1, NULL)");
    const std::string blob = storage::encodeSpatialiteBlob(
        model::Geometry::polygon({{{560000, 5495000}, {560100, 5495000}, {560100, 5495100}}}), 4548);
    Statement g(c, "INSERT INTO grid_plan_grids (plan_id, code, name, community_id, target_households, geom) VALUES (9, 'P1', '甲', 1, 400, ?)");
    g.bindBlob(1, blob.data(), blob.size());
    g.run();
    c.exec("INSERT INTO grid_plan_staff (plan_id, code, role, name, phone) VALUES (9, 'P1', 'manager', '李四', '138****0000')");
    c.exec("INSERT INTO grid_plan_buildings (plan_id, building_id, code) VALUES (9, " + std::to_string(building) + ", 'P1')");
    c.exec("UPDATE service_posts SET community_id = NULL, building_id = " + std::to_string(building) +
           " WHERE id = (SELECT MIN(id) FROM service_posts WHERE community_id = 1)");
    tx.commit();
}

const std::vector<std::string>& tablesCompared() {
    static const std::vector<std::string> t = [] {
        auto v = storage::communityTables();
        v.push_back("imports");
        v.push_back("post_types");
        return v;
    }();
    return t;
}

class PublishTest : public ::testing::Test {
protected:
    void SetUp() override {
        GRIDATLAS_REQUIRE_PG(server);
        m_db = std::make_unique<PgDatabase>(server);
        demo = dir.file("demo.sqlite");
        storage::generateDemo(demo, storage::DemoOptions{});
        addEveryKindOfRow(demo);
    }
    [[nodiscard]] const std::string& pg() const { return m_db->url(); }

    TempDir dir;
    std::string demo;

private:
    std::unique_ptr<PgDatabase> m_db;
};

TEST_F(PublishTest, CheckedOutCommunitiesEqualTheOriginal) {
    auto original = storage::Atlas::open(demo, storage::OpenMode::ReadOnly);
    auto& o = original->connection();
    ASSERT_EQ(count(o, "SELECT COUNT(*) FROM communities"), 2);
    const auto first = storage::publishCommunity(demo, pg(), "湖西社区");
    EXPECT_TRUE(first.createdAtlas);
    const auto code2 = o.queryText("SELECT code FROM communities WHERE id = 2").value();
    const auto second = storage::publishCommunity(demo, pg(), code2); // by code
    EXPECT_FALSE(second.createdAtlas);
    EXPECT_EQ(second.communityId, 2);

    std::map<std::string, Rows> merged;
    for (const std::string name : {"湖西社区", "东湖社区"}) {
        const std::string out = dir.file(name + ".sqlite");
        const auto summary = storage::checkoutCommunity(pg(), name, out);
        EXPECT_EQ(summary.community, name);
        auto local = storage::Atlas::open(out, storage::OpenMode::ReadOnly); // an ordinary atlas
        auto& l = local->connection();
        for (const auto& t : tablesCompared()) {
            auto r = rows(l, t);
            if (t == "post_types" || t == "imports") {
                if (t == "post_types") {
                    EXPECT_EQ(r, rows(o, t));
                }
                continue;
            }
            merged[t].insert(merged[t].end(), r.begin(), r.end());
        }
        // The streets around the community, each equal to the original's.
        const auto streets = rows(l, "streets");
        EXPECT_GT(streets.size(), 50u);
        const auto all = rows(o, "streets");
        for (const auto& s : streets) EXPECT_TRUE(std::binary_search(all.begin(), all.end(), s)) << s;
        // Where it came from, at which row versions.
        EXPECT_EQ(l.queryText("SELECT value FROM atlas_meta WHERE key = 'checkout_from'").value_or(""), pg());
        EXPECT_EQ(l.queryText("SELECT value FROM atlas_meta WHERE key = 'checkout_community'").value_or(""), name);
        EXPECT_EQ(count(l, "SELECT COUNT(*) FROM checkout_rows WHERE table_name = 'residents'"),
                  count(l, "SELECT COUNT(*) FROM residents"));
        EXPECT_EQ(count(l, "SELECT COUNT(*) FROM checkout_rows WHERE version <= 0"), 0);
        EXPECT_GT(count(l, "SELECT COUNT(*) FROM household_points"), 0);
        EXPECT_EQ(count(l, "SELECT COUNT(*) FROM geometry_columns"), 8); // QGIS/ogrinfo see its layers
    }
    for (const auto& [t, r] : merged) {
        auto sorted = r;
        std::sort(sorted.begin(), sorted.end());
        const auto want = rows(o, t);
        EXPECT_EQ(sorted.size(), want.size()) << t;
        EXPECT_EQ(sorted, want) << "table " << t << " differs after publish + checkout";
    }
    EXPECT_EQ(merged["rooms"].size(), 1u);
    EXPECT_EQ(merged["grid_plan_grids"].size(), 1u);
    EXPECT_EQ(merged["feature_sources"].size(), 1u);
    EXPECT_GT(merged["residents"].size(), 7000u);
}

TEST_F(PublishTest, RepublishingReplacesTheCommunity) {
    storage::publishCommunity(demo, pg(), "湖西社区");
    storage::publishCommunity(demo, pg(), "东湖社区");
    auto server = storage::Atlas::open(pg(), storage::OpenMode::ReadOnly);
    const auto before = count(server->connection(), "SELECT COUNT(*) FROM residents");
    {
        auto a = storage::Atlas::open(demo, storage::OpenMode::ReadWrite);
        a->connection().exec("UPDATE buildings SET name = '新名字' WHERE id = (SELECT MIN(id) FROM buildings WHERE community_id = 1)");
        a->connection().exec("DELETE FROM residents WHERE id = (SELECT MAX(r.id) FROM residents r JOIN households h ON h.id = "
                             "r.household_id JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id "
                             "WHERE b.community_id = 1 AND r.is_member = 0)");
    }
    const auto again = storage::publishCommunity(demo, pg(), "湖西社区");
    EXPECT_GT(again.replacedRows, 3000);
    auto& s = server->connection();
    EXPECT_EQ(count(s, "SELECT COUNT(*) FROM residents"), before - 1);
    EXPECT_EQ(count(s, "SELECT COUNT(*) FROM buildings WHERE name = '新名字'"), 1);
    EXPECT_EQ(count(s, "SELECT COUNT(*) FROM communities"), 2);
    // New rows on the server take ids after the published ones.
    auto writable = storage::Atlas::open(pg(), storage::OpenMode::ReadWrite);
    const auto maxId = count(writable->connection(), "SELECT MAX(id) FROM households");
    storage::AtlasWriter w(*writable);
    model::Household h;
    h.unitId = count(writable->connection(), "SELECT MIN(id) FROM units");
    h.floor = 1;
    h.room = "新101";
    EXPECT_EQ(w.add(h), maxId + 1);
}

TEST_F(PublishTest, IdsOfAnotherCommunityAreRefusedAndNothingIsStored) {
    storage::publishCommunity(demo, pg(), "湖西社区");
    // Another atlas whose ids overlap the published ones, with a community of another name.
    const std::string other = dir.file("other.sqlite");
    {
        auto a = storage::Atlas::create(other, 4548, "其他");
        storage::Transaction tx(a->connection());
        storage::AtlasWriter w(*a);
        w.add(model::Community{7, "X7", "另一个社区", "别的街道",
                               model::Geometry::polygon({{{570000, 5495000}, {571000, 5495000}, {571000, 5496000}}})});
        w.add(model::Grid{1, "XG1", "冲突网格", 7, 400, model::Geometry::polygon({{{570000, 5495000}, {570500, 5495000}, {570500, 5495500}}})});
        tx.commit();
    }
    auto server = storage::Atlas::open(pg(), storage::OpenMode::ReadOnly);
    const auto grids = count(server->connection(), "SELECT COUNT(*) FROM grids");
    try {
        storage::publishCommunity(other, pg(), "另一个社区");
        FAIL() << "grid id 1 of another community was overwritten";
    } catch (const ConstraintError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("publish: grids"), std::string::npos) << m;
        EXPECT_NE(m.find("another community"), std::string::npos) << m;
    }
    EXPECT_EQ(count(server->connection(), "SELECT COUNT(*) FROM grids"), grids);
    EXPECT_EQ(count(server->connection(), "SELECT COUNT(*) FROM communities WHERE code = 'X7'"), 0);
}

TEST_F(PublishTest, LocalChangesSinceCheckout) {
    storage::publishCommunity(demo, pg(), "湖西社区");
    const std::string local = dir.file("local.sqlite");
    storage::checkoutCommunity(pg(), "湖西社区", local);
    auto none = storage::localChanges(local);
    EXPECT_TRUE(none.added.empty() && none.changed.empty() && none.deleted.empty());
    std::int64_t building = 0, resident = 0, household = 0;
    {
        auto a = storage::Atlas::open(local, storage::OpenMode::ReadWrite);
        auto& c = a->connection();
        building = c.queryInt("SELECT MIN(id) FROM buildings").value();
        resident = c.queryInt("SELECT MAX(id) FROM residents WHERE is_member = 0 AND id NOT IN "
                              "(SELECT staffed_by FROM service_posts WHERE staffed_by IS NOT NULL)").value();
        c.exec("UPDATE buildings SET name = '改名' WHERE id = " + std::to_string(building));
        c.exec("DELETE FROM residents WHERE id = " + std::to_string(resident));
        storage::AtlasWriter w(*a);
        model::Household h;
        h.unitId = c.queryInt("SELECT MIN(id) FROM units").value();
        h.floor = 1;
        h.room = "新1";
        household = w.add(h);
    }
    const auto changes = storage::localChanges(local);
    EXPECT_EQ(changes.changed, (std::vector<storage::RowRef>{{"buildings", building}}));
    EXPECT_EQ(changes.deleted, (std::vector<storage::RowRef>{{"residents", resident}}));
    EXPECT_EQ(changes.added, (std::vector<storage::RowRef>{{"households", household}}));
    EXPECT_THROW(storage::localChanges(demo), InputError); // not a checkout
}

TEST_F(PublishTest, CommandLine) {
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " publish --atlas " + demo + " --to " + pg() + " --community 湖西社区", &out), 0) << out;
    EXPECT_NE(out.find("published community 湖西社区 (id 1)"), std::string::npos) << out;
    ASSERT_EQ(runCommand(cliPath() + " info --atlas " + pg(), &out), 0) << out;
    EXPECT_NE(out.find("schema_version: " + std::to_string(storage::kSchemaVersion) + "\n"), std::string::npos) << out;
    EXPECT_NE(out.find("communities: 1\n"), std::string::npos) << out;
    EXPECT_NE(runCommand(cliPath() + " checkout --from " + pg() + " --community 没有 --out " + dir.file("x.sqlite"), &out), 0);
    EXPECT_NE(out.find("no community '没有'"), std::string::npos) << out;
    EXPECT_NE(out.find("湖西社区"), std::string::npos) << out; // the ones it has
    const std::string local = dir.file("local.sqlite");
    ASSERT_EQ(runCommand(cliPath() + " checkout --from " + pg() + " --community 湖西社区 --out " + local, &out), 0) << out;
    ASSERT_EQ(runCommand("ogrinfo -ro -so " + local + " households", &out), 0) << out;
    EXPECT_NE(out.find("Geometry: Point"), std::string::npos) << out;
}

} // namespace
} // namespace gridatlas::testing
