// The same tests on both engines: an atlas on SpatiaLite (a temp file) and on PostGIS (a
// throw-away database on the test cluster).
#include <gtest/gtest.h>

#include <ostream>

#include <map>
#include <memory>

#include "model/support/error.h"
#include "pg/pg_server.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/connection_pg.h"
#include "storage/engine.h"
#include "storage/fixture_atlas.h"
#include "storage/schema.h"

namespace gridatlas::storage {
// gtest prints a parameter with this (found by ADL): test names read "GetParam() = PostGIS".
void PrintTo(Engine engine, std::ostream* out) { *out << (engine == Engine::SQLite ? "SpatiaLite" : "PostGIS"); }
} // namespace gridatlas::storage

namespace gridatlas::testing {
namespace {

using storage::Engine;
using storage::Statement;

class BackendTest : public ::testing::TestWithParam<Engine> {
protected:
    void SetUp() override {
        if (GetParam() == Engine::PostgreSQL) {
            GRIDATLAS_REQUIRE_PG(server);
            m_db = std::make_unique<PgDatabase>(server);
            m_location = m_db->url();
        } else {
            m_location = m_dir.file("atlas.sqlite");
        }
        atlas = storage::Atlas::create(m_location, 4548, "后端测试");
    }
    storage::Connection& conn() { return atlas->connection(); }
    [[nodiscard]] const std::string& location() const { return m_location; }

    // A community, a grid, a building, a unit and a household, ids 1.
    void addSmallWorld() {
        storage::Transaction tx(conn());
        storage::AtlasWriter w(*atlas);
        model::Community c{1, "C1", "湖西社区", "兴华街道", model::Geometry::polygon({{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}}})};
        c.boundary = model::Geometry::polygon({{{560000, 5495000}, {561000, 5495000}, {561000, 5496000}, {560000, 5496000}}});
        w.add(c);
        w.add(model::Grid{1, "G1", "第一网格", 1, 400,
                          model::Geometry::polygon({{{560000, 5495000}, {560500, 5495000}, {560500, 5495500}, {560000, 5495500}}})});
        model::Building b;
        b.id = 1;
        b.communityId = 1;
        b.gridId = 1;
        b.number = "1栋";
        b.floors = 6;
        b.unitCount = 2;
        b.footprint = model::Geometry::polygon({{{560100, 5495100}, {560140, 5495100}, {560140, 5495112}, {560100, 5495112}}});
        w.add(b);
        w.add(model::Unit{1, 1, 1, model::Vec2{560110, 5495100}});
        model::Household h;
        h.id = 1;
        h.unitId = 1;
        h.floor = 5;
        h.room = "501";
        h.hardship = true;
        h.location = model::Vec2{560110.25, 5495106.5};
        w.add(h);
        tx.commit();
    }

    std::unique_ptr<storage::Atlas> atlas;

private:
    TempDir m_dir;
    std::unique_ptr<PgDatabase> m_db;
    std::string m_location;
};

std::string engineName(const ::testing::TestParamInfo<Engine>& info) {
    return info.param == Engine::PostgreSQL ? "PostGIS" : "SpatiaLite";
}

TEST_P(BackendTest, LocationSelectsTheEngine) {
    EXPECT_EQ(conn().engine(), GetParam());
    EXPECT_EQ(storage::engineOf(location()), GetParam());
    EXPECT_EQ(conn().handle() != nullptr, GetParam() == Engine::SQLite);
}

TEST_P(BackendTest, SchemaIsCreatedWithItsVersionAndCrs) {
    for (const char* t : {"atlas_meta", "post_types", "communities", "grids", "grid_staff", "buildings", "units", "households",
                          "residents", "service_posts", "streets", "rooms", "assignments", "imports", "feature_sources",
                          "floor_plans", "grid_plans", "grid_plan_grids", "grid_plan_staff", "grid_plan_buildings",
                          "atlas_crypto", "reveal_log", "household_points", "audit_log", "household_summary",
                          "building_summary", "grid_summary", "post_summary", "members"})
        EXPECT_TRUE(conn().tableExists(t)) << t;
    EXPECT_FALSE(conn().tableExists("no_such_table"));
    atlas.reset();
    auto reopened = storage::Atlas::open(location(), storage::OpenMode::ReadOnly);
    EXPECT_EQ(reopened->info().schemaVersion, storage::kSchemaVersion);
    EXPECT_EQ(reopened->srid(), 4548);
    EXPECT_EQ(reopened->info().name, "后端测试");
    EXPECT_EQ(reopened->connection().queryInt("SELECT COUNT(*) FROM post_types").value_or(0), 6);
}

TEST_P(BackendTest, EveryColumnTypeRoundTrips) {
    addSmallWorld();
    // Text with CJK, quotes, tab, newline and a backslash; doubles to the last bit; NULLs; bytes
    // with zeros; a geometry.
    const std::string text = "王小明 'O''Brien' \"q\"\t\\n\nend ?";
    const double radius = 123.456789012345678;
    const std::string bytes("\x00\x01\xff\x7f\x00zz", 7);
    {
        Statement st(conn(), "INSERT INTO residents (id, household_id, name, relation, birth_year, phone_enc) VALUES (?, ?, ?, ?, ?, ?)");
        st.bind(1, 7).bind(2, 1).bind(3, text).bindNull(4).bind(5, 1975);
        st.bindBlob(6, bytes.data(), bytes.size());
        st.run();
        Statement post(conn(), "INSERT INTO service_posts (id, community_id, name, type, radius_m, geom) VALUES (?, ?, ?, ?, ?, " +
                                   storage::geomParam(conn(), 4548) + ")");
        const std::string point = storage::encodeGeometry(conn(), model::Geometry::point({560123.125, 5495456.0625}), 4548);
        post.bind(1, 3).bind(2, 1).bind(3, "卫生站").bind(4, "health_station").bind(5, radius);
        post.bindBlob(6, point.data(), point.size());
        post.run();
    }
    Statement st(conn(), "SELECT name, relation, birth_year, phone_enc, is_member FROM residents WHERE id = ?");
    st.bind(1, 7);
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.columnText(0), text);
    EXPECT_TRUE(st.isNull(1));
    EXPECT_EQ(st.columnInt(2), 1975);
    EXPECT_EQ(std::get<std::int64_t>(st.columnValue(2)), 1975);
    EXPECT_EQ(std::string(st.columnBlob(3)), bytes);
    EXPECT_EQ(st.columnInt(4), 0); // the default
    EXPECT_FALSE(st.step());

    Statement p(conn(), "SELECT radius_m, " + storage::geomSelect(conn(), "geom") + " FROM service_posts WHERE id = 3");
    ASSERT_TRUE(p.step());
    EXPECT_EQ(p.columnDouble(0), radius);
    EXPECT_EQ(std::get<double>(p.columnValue(0)), radius);
    model::Geometry g;
    storage::decodeGeometry(conn(), p.columnBlob(1), g);
    ASSERT_EQ(g.type, model::GeomType::Point);
    EXPECT_EQ(g.coords.at(0), (model::Vec2{560123.125, 5495456.0625}));

    // Polygons written by AtlasWriter come back vertex for vertex; views compute on both engines.
    Statement b(conn(), "SELECT " + storage::geomSelect(conn(), "geom") + ", households, vulnerable_households FROM building_summary WHERE id = 1");
    ASSERT_TRUE(b.step());
    storage::decodeGeometry(conn(), b.columnBlob(0), g);
    EXPECT_EQ(g.type, model::GeomType::Polygon);
    ASSERT_EQ(g.coords.size(), 5u);
    EXPECT_EQ(g.coords[2], (model::Vec2{560140, 5495112}));
    EXPECT_EQ(b.columnInt(1), 1);
    EXPECT_EQ(b.columnInt(2), 1);
    Statement h(conn(), "SELECT has_member, vulnerable, residents FROM household_summary WHERE id = 1");
    ASSERT_TRUE(h.step());
    EXPECT_EQ(std::get<std::int64_t>(h.columnValue(0)), 0);
    EXPECT_EQ(std::get<std::int64_t>(h.columnValue(1)), 1);
    EXPECT_EQ(h.columnInt(2), 1);
}

TEST_P(BackendTest, PlaceholdersNumberedReusedAndLiteralsLeftAlone) {
    Statement st(conn(), "SELECT ?2 || '?' || ?1 || ?2, ? + 1");
    st.bind(1, "a").bind(2, "b").bind(3, 41);
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.columnText(0), "b?ab");
    EXPECT_EQ(st.columnInt(1), 42);
}

TEST_P(BackendTest, NewIdsAndLastInsertId) {
    addSmallWorld();
    storage::AtlasWriter w(*atlas);
    model::Household h;
    h.unitId = 1;
    h.floor = 2;
    h.room = "201";
    const std::int64_t id = w.add(h); // no id: the engine picks the next
    EXPECT_EQ(id, 2);
    EXPECT_EQ(conn().lastInsertId(), 2) << "the audit trigger's own insert does not change it";
    const auto logged = conn().queryInt("SELECT coalesce(max(id), 0) FROM audit_log").value_or(0); // PostGIS logs the add
    Statement st(conn(), "INSERT INTO audit_log (at, actor, action) VALUES ('t', 'me', 'test') RETURNING id");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.columnInt(0), logged + 1);
}

TEST_P(BackendTest, TransactionRollsBackUnlessCommitted) {
    addSmallWorld();
    {
        storage::Transaction tx(conn());
        conn().exec("UPDATE buildings SET name = 'changed' WHERE id = 1");
        conn().exec("DELETE FROM households");
        EXPECT_EQ(conn().queryInt("SELECT COUNT(*) FROM households").value_or(-1), 0);
    }
    EXPECT_EQ(conn().queryInt("SELECT COUNT(*) FROM households").value_or(-1), 1);
    EXPECT_FALSE(conn().queryText("SELECT name FROM buildings WHERE id = 1").has_value());
    // A broken rule aborts the transaction; nothing of it stays.
    try {
        storage::Transaction tx(conn());
        conn().exec("UPDATE buildings SET name = 'changed' WHERE id = 1");
        conn().exec("UPDATE buildings SET floors = 500 WHERE id = 1");
        tx.commit();
        FAIL() << "the floors rule was not enforced";
    } catch (const ConstraintError& e) {
        EXPECT_NE(storage::describeRule(e.what()).find("building_floors_range"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(conn().queryText("SELECT name FROM buildings WHERE id = 1").has_value());
    {
        storage::Transaction tx(conn());
        conn().exec("UPDATE buildings SET name = 'kept' WHERE id = 1");
        tx.commit();
    }
    EXPECT_EQ(conn().queryText("SELECT name FROM buildings WHERE id = 1").value_or(""), "kept");
}

TEST_P(BackendTest, ErrorsNameTheSqlAndTheRule) {
    try {
        Statement st(conn(), "SELECT no_such_column FROM buildings");
        st.step();
        FAIL() << "no error";
    } catch (const StorageError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("[SQL: SELECT no_such_column FROM buildings]"), std::string::npos) << m;
        EXPECT_NE(m.find("no_such_column"), std::string::npos) << m;
    }
    addSmallWorld();
    // A trigger rule (the footprint must be a valid polygon): ConstraintError with the rule name.
    storage::AtlasWriter w(*atlas);
    model::Building bow;
    bow.communityId = 1;
    bow.number = "2栋";
    bow.floors = 3;
    bow.footprint = model::Geometry::polygon({{{560200, 5495200}, {560240, 5495240}, {560240, 5495200}, {560200, 5495240}}});
    try {
        w.add(bow);
        FAIL() << "a self-intersecting footprint was stored";
    } catch (const ConstraintError& e) {
        EXPECT_NE(std::string(e.what()).find("building_footprint_valid"), std::string::npos) << e.what();
    }
    // A foreign key.
    EXPECT_THROW(conn().exec("INSERT INTO units (building_id, number) VALUES (999, 1)"), ConstraintError);
}

TEST_P(BackendTest, StatementsNestAndRunAgain) {
    addSmallWorld();
    {
        storage::Transaction tx(conn());
        for (int i = 2; i <= 40; ++i)
            conn().exec("INSERT INTO households (id, unit_id, floor, room) VALUES (" + std::to_string(i) + ", 1, 1, 'r" +
                        std::to_string(i) + "')");
        tx.commit();
    }
    // An inner query per outer row, on the same connection (libpq's single-row mode holds the
    // connection: the outer statement is buffered when the inner one runs).
    Statement outer(conn(), "SELECT id FROM households ORDER BY id");
    Statement inner(conn(), "SELECT room FROM households WHERE id = ?");
    int rows = 0;
    std::int64_t last = 0;
    while (outer.step()) {
        const std::int64_t id = outer.columnInt(0);
        EXPECT_GT(id, last);
        last = id;
        inner.bind(1, id);
        ASSERT_TRUE(inner.step());
        EXPECT_EQ(inner.columnText(0), id == 1 ? "501" : "r" + std::to_string(id));
        inner.reset();
        ++rows;
    }
    EXPECT_EQ(rows, 40);
    // Stepping after the end runs the statement again (as sqlite3_step does).
    EXPECT_TRUE(outer.step());
    EXPECT_EQ(outer.columnInt(0), 1);
    outer.reset();
    // A statement dropped mid-way leaves the connection usable.
    {
        Statement half(conn(), "SELECT id FROM households ORDER BY id");
        ASSERT_TRUE(half.step());
    }
    EXPECT_EQ(conn().queryInt("SELECT COUNT(*) FROM households").value_or(0), 40);
}

TEST_P(BackendTest, LargeResultsStreamRowByRow) {
    // 300,000 rows, read one by one (a single PGresult would hold them all in memory at once).
    Statement st(conn(), "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 300000) SELECT n, n * 0.5 FROM s");
    std::int64_t count = 0, sum = 0;
    double half = 0;
    while (st.step()) {
        ++count;
        sum += st.columnInt(0);
        half += st.columnDouble(1);
    }
    EXPECT_EQ(count, 300000);
    EXPECT_EQ(sum, 300000LL * 300001 / 2);
    EXPECT_DOUBLE_EQ(half, 300000.0 * 300001 / 4);
}

TEST_P(BackendTest, UpsertReplacesByKey) {
    const std::string sql = storage::upsertSql(conn(), "atlas_meta", "key, value", "key");
    Statement st(conn(), sql);
    st.bind(1, "k").bind(2, "one");
    st.run();
    st.bind(1, "k").bind(2, "two");
    st.run();
    EXPECT_EQ(conn().queryText("SELECT value FROM atlas_meta WHERE key = 'k'").value_or(""), "two");
    EXPECT_EQ(conn().queryInt("SELECT COUNT(*) FROM atlas_meta WHERE key = 'k'").value_or(0), 1);
    const auto now = conn().queryText("SELECT " + storage::nowText(conn())).value_or("");
    EXPECT_EQ(now.size(), 20u) << now; // 2026-01-02T03:04:05Z
    EXPECT_EQ(now.back(), 'Z');
}

TEST_P(BackendTest, LayersReadTheSameFeaturesWithABoundingBox) {
    addSmallWorld();
    {
        storage::Transaction tx(conn());
        storage::AtlasWriter w(*atlas);
        for (int i = 0; i < 10; ++i) {
            model::Household h;
            h.unitId = 1;
            h.floor = 1 + i % 6;
            h.room = "x" + std::to_string(i);
            h.location = model::Vec2{560000.0 + 100 * i, 5495050.0};
            w.add(h);
        }
        tx.commit();
    }
    auto layer = atlas->openLayer("households");
    const auto fields = layer->fields();
    // Column types of the base tables agree; computed view columns are untyped on SQLite (Text).
    std::map<std::string, model::FieldType> types;
    for (const auto& f : fields) types[f.name] = f.type;
    EXPECT_EQ(types.count("vulnerable"), 1u);
    EXPECT_EQ(types.at("floor"), model::FieldType::Integer);
    EXPECT_EQ(types.at("room"), model::FieldType::Text);
    model::FeatureRequest req;
    req.bbox = model::Rect{560150, 5495000, 560450, 5495100}; // households x2, x3, x4 and the first (560110.25)
    req.fields = {"room", "vulnerable"};
    auto cursor = layer->features(req);
    model::Feature f;
    std::vector<std::string> rooms;
    while (cursor->next(f)) {
        rooms.push_back(std::get<std::string>(f.values.at(0)));
        EXPECT_EQ(f.geometry.type, model::GeomType::Point);
        EXPECT_GE(f.geometry.coords.at(0).x, 560150);
    }
    std::sort(rooms.begin(), rooms.end());
    EXPECT_EQ(rooms, (std::vector<std::string>{"x2", "x3", "x4"}));
    const auto extent = layer->extent();
    EXPECT_NEAR(extent.xmin, 560000, 1e-6);
    EXPECT_NEAR(extent.xmax, 560900, 1e-6);
}

TEST_P(BackendTest, ReadOnlyConnectionRefusesWrites) {
    atlas.reset();
    auto ro = storage::Atlas::open(location(), storage::OpenMode::ReadOnly);
    EXPECT_THROW(ro->connection().exec("DELETE FROM post_types"), StorageError);
    EXPECT_EQ(ro->connection().queryInt("SELECT COUNT(*) FROM post_types").value_or(0), 6);
}

INSTANTIATE_TEST_SUITE_P(Engines, BackendTest, ::testing::Values(Engine::SQLite, Engine::PostgreSQL), engineName);

// --- engine-independent pieces -----------------------------------------------------------------

TEST(EngineSeam, LocationsAndRedaction) {
    EXPECT_TRUE(storage::isPostgresLocation("postgresql://host/db"));
    EXPECT_TRUE(storage::isPostgresLocation("postgres://u@h:5432/db"));
    EXPECT_TRUE(storage::isPostgresLocation("pg:service=district"));
    EXPECT_TRUE(storage::isPostgresLocation("PG:host=x dbname=y"));
    EXPECT_FALSE(storage::isPostgresLocation("community.sqlite"));
    EXPECT_FALSE(storage::isPostgresLocation("/data/pg/atlas.sqlite"));
    EXPECT_EQ(storage::pgConninfo("pg:service=district"), "service=district");
    EXPECT_EQ(storage::pgConninfo("PG:host=x dbname=y"), "host=x dbname=y");
    EXPECT_EQ(storage::pgConninfo("postgresql://h/db"), "postgresql://h/db");
    EXPECT_THROW((void)storage::pgConninfo("pg:"), InputError);
    EXPECT_EQ(storage::redactLocation("postgresql://me:secret@h/db"), "postgresql://me:***@h/db");
    EXPECT_EQ(storage::redactLocation("PG:host=h password=secret dbname=d"), "PG:host=h password=*** dbname=d");
    EXPECT_EQ(storage::redactLocation("postgresql://h/db?password=secret&x=1"), "postgresql://h/db?password=***&x=1");
}

TEST(EngineSeam, PasswordsAreRedactedInAnyMessage) {
    using storage::redactPasswordsIn;
    EXPECT_EQ(redactPasswordsIn("'postgresql://u:s3cret@db.example:5432/atlas': relation \"x\" does not exist"),
              "'postgresql://u:***@db.example:5432/atlas': relation \"x\" does not exist");
    EXPECT_EQ(redactPasswordsIn("cannot open 'PG:host=h password=s3cret dbname=d' and postgres://v:pw2@h/d?password=pw3 too"),
              "cannot open 'PG:host=h password=*** dbname=d' and postgres://v:***@h/d?password=*** too");
    EXPECT_EQ(redactPasswordsIn("conninfo \"host=h password = s3cret\""), "conninfo \"host=h password = ***\"");
    const std::string plain = "'/data/湖西社区.sqlite': no such table: buildings (line 3: a:b@c is text)";
    EXPECT_EQ(redactPasswordsIn(plain), plain);
    EXPECT_EQ(redactPasswordsIn(""), "");
}

TEST(EngineSeam, PlaceholderTranslation) {
    int n = 0;
    EXPECT_EQ(storage::pg::translatePlaceholders("SELECT ?, ?, '?', \"a?\" -- ?\n, ?", n), "SELECT $1, $2, '?', \"a?\" -- ?\n, $3");
    EXPECT_EQ(n, 3);
    EXPECT_EQ(storage::pg::translatePlaceholders("x = ?2 OR y = ?1 OR z = ?", n), "x = $2 OR y = $1 OR z = $3");
    EXPECT_EQ(n, 3);
    EXPECT_EQ(storage::pg::translatePlaceholders("'it''s ?' || ?", n), "'it''s ?' || $1");
    EXPECT_EQ(n, 1);
}

TEST(EngineSeam, WkbRoundTripsEveryType) {
    const std::vector<model::Geometry> shapes{
        model::Geometry::point({1.5, -2.25}),
        model::Geometry::lineString({{0, 0}, {1, 1}, {2, 0.5}}),
        model::Geometry::polygon({{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, {{2, 2}, {4, 2}, {4, 4}, {2, 4}}}),
        model::Geometry::multiPolygon({{{{0, 0}, {1, 0}, {1, 1}}}, {{{5, 5}, {6, 5}, {6, 6}}, {{5.2, 5.1}, {5.8, 5.1}, {5.8, 5.5}}}}),
        model::Geometry{model::GeomType::MultiPoint, {{1, 2}, {3, 4}}, {1, 2}, {}},
        model::Geometry{model::GeomType::MultiLineString, {{0, 0}, {1, 1}, {5, 5}, {6, 7}, {8, 9}}, {2, 5}, {}},
    };
    for (const auto& g : shapes) {
        model::Geometry back;
        storage::decodeWkb(storage::encodeWkb(g), back);
        EXPECT_EQ(back.type, g.type);
        EXPECT_EQ(back.coords, g.coords);
        EXPECT_EQ(back.ringEnds, g.ringEnds);
        EXPECT_EQ(back.partEnds, g.partEnds);
    }
    // Big-endian EWKB with SRID and Z (what other tools may send): Z dropped, SRID skipped.
    const unsigned char ewkb[] = {0x00, 0xA0, 0x00, 0x00, 0x01, 0x00, 0x00, 0x11, 0xC4, // point, Z|SRID flags, 4548
                                  0x3F, 0xF8, 0, 0, 0, 0, 0, 0,                       // 1.5
                                  0x40, 0x00, 0, 0, 0, 0, 0, 0,                       // 2
                                  0x40, 0x08, 0, 0, 0, 0, 0, 0};                      // 3 (z)
    model::Geometry p;
    storage::decodeWkb(std::string_view(reinterpret_cast<const char*>(ewkb), sizeof ewkb), p);
    EXPECT_EQ(p.type, model::GeomType::Point);
    EXPECT_EQ(p.coords.at(0), (model::Vec2{1.5, 2}));
    EXPECT_THROW(storage::decodeWkb(std::string_view("\x01\x02\x00\x00\x00\xff\xff\xff\x7f", 9), p), StorageError);
    EXPECT_THROW(storage::decodeWkb(std::string_view("\x07", 1), p), StorageError);
}

TEST(EngineSeam, UnreachableServerIsAClearError) {
    try {
        storage::Connection c("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2", storage::OpenMode::ReadOnly);
        FAIL() << "connected to port 1";
    } catch (const StorageError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("cannot open PostgreSQL atlas 'postgresql://nobody:***@127.0.0.1:1/none"), std::string::npos) << m;
        EXPECT_EQ(m.find("secret"), std::string::npos) << m;
    }
}

} // namespace
} // namespace gridatlas::testing
