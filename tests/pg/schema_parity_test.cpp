// The PostGIS schema is the SpatiaLite schema: same tables and views, same columns in the same
// order, same index names, same geometry types and CRSs; and its version bookkeeping.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "model/support/error.h"
#include "pg/pg_server.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"
#include "storage/schema.h"
#include "storage/schema_pg.h"

namespace gridatlas::testing {
namespace {

using storage::Statement;

std::vector<std::string> column(storage::Connection& c, const std::string& sql, const std::string& bind = {}) {
    Statement st(c, sql);
    if (!bind.empty()) st.bind(1, bind);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.columnText(0));
    return out;
}

// The atlas's own tables and views on SQLite: everything but SpatiaLite's metadata and R*Trees.
std::set<std::string> sqliteAtlasRelations(storage::Connection& atlas, const TempDir& dir) {
    storage::Connection plain(dir.file("plain.sqlite"), storage::OpenMode::Create);
    plain.exec("SELECT InitSpatialMetadata(1, 'NONE')");
    const auto spatialite = column(plain, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')");
    const std::set<std::string> metadata(spatialite.begin(), spatialite.end());
    std::set<std::string> out;
    for (const auto& n : column(atlas, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"))
        if (!metadata.count(n) && n.rfind("idx_", 0) != 0 && n.rfind("sqlite_", 0) != 0 && n.rfind("spatial_ref_sys", 0) != 0)
            out.insert(n);
    return out;
}

TEST(SchemaParity, PostgisHasEveryTableViewColumnAndIndexOfSpatialite) {
    GRIDATLAS_REQUIRE_PG(server);
    PgDatabase db(server);
    FixtureAtlas lite;
    auto pgAtlas = storage::Atlas::create(db.url(), 4548, "parity");
    auto& l = lite.atlas->connection();
    auto& p = pgAtlas->connection();

    const auto relations = sqliteAtlasRelations(l, lite.dir);
    ASSERT_GE(relations.size(), 29u);
    const auto pgList = column(p, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                                  "AND table_name NOT IN ('spatial_ref_sys', 'geometry_columns', 'geography_columns')");
    EXPECT_EQ(relations, std::set<std::string>(pgList.begin(), pgList.end()));
    for (const auto& r : relations) {
        const auto liteCols = column(l, "SELECT name FROM pragma_table_info(?)", r);
        const auto pgCols = column(p, "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                                      "AND table_name = ? ORDER BY ordinal_position", r);
        EXPECT_EQ(liteCols, pgCols) << "columns of " << r;
    }
    // Named indexes; SpatiaLite's R*Trees idx_<table>_geom are GiST indexes of the same name.
    std::vector<std::string> liteIndexes;
    {
        Statement st(l, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
        while (st.step())
            if (relations.count(st.columnText(1))) liteIndexes.push_back(st.columnText(0));
    }
    for (const auto& n : column(l, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%rtree%'"))
        liteIndexes.push_back(n);
    const auto pgIndexes = column(p, "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()");
    const std::set<std::string> pgIndexSet(pgIndexes.begin(), pgIndexes.end());
    EXPECT_GE(liteIndexes.size(), 20u);
    for (const auto& n : liteIndexes) EXPECT_TRUE(pgIndexSet.count(n)) << "index " << n << " missing on PostGIS";
    for (const auto& n : column(p, "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE '%gist%'"))
        EXPECT_EQ(n.rfind("idx_", 0), 0u) << n;

    // Geometry columns: type and CRS (SpatiaLite's -1, "no CRS", is PostGIS's 0).
    std::map<std::string, std::string> liteGeom, pgGeom;
    {
        Statement st(l, "SELECT f_table_name, geometry_type, srid FROM geometry_columns");
        const std::map<std::int64_t, std::string> names{{1, "POINT"}, {2, "LINESTRING"}, {3, "POLYGON"}, {6, "MULTIPOLYGON"}};
        while (st.step())
            liteGeom[st.columnText(0)] = names.at(st.columnInt(1)) + "/" + std::to_string(std::max<std::int64_t>(st.columnInt(2), 0));
    }
    {
        Statement st(p, "SELECT f_table_name, type, srid FROM geometry_columns WHERE f_table_schema = current_schema() "
                        "AND f_table_name NOT LIKE '%summary'");
        while (st.step()) pgGeom[st.columnText(0)] = st.columnText(1) + "/" + std::to_string(st.columnInt(2));
    }
    EXPECT_EQ(liteGeom.size(), 8u);
    EXPECT_EQ(liteGeom, pgGeom);
}

TEST(SchemaParity, PostgisVersionBookkeepingAndMigrationPath) {
    GRIDATLAS_REQUIRE_PG(server);
    PgDatabase db(server);
    {
        auto atlas = storage::Atlas::create(db.url(), 4548, "versions");
        EXPECT_EQ(atlas->info().schemaVersion, storage::kSchemaVersion);
        // A second create is refused: the database holds an atlas.
        EXPECT_THROW(storage::createSchema(atlas->connection(), 4548), StorageError);
        // Current: nothing to do.
        storage::migrateSchema(atlas->connection(), storage::kSchemaVersion);
        EXPECT_EQ(atlas->connection().queryText("SELECT value FROM atlas_meta WHERE key = 'schema_version'").value_or(""),
                  std::to_string(storage::kSchemaVersion));
        atlas->connection().exec("UPDATE atlas_meta SET value = '" + std::to_string(storage::kSchemaVersion + 1) +
                                 "' WHERE key = 'schema_version'");
    }
    try {
        (void)storage::Atlas::open(db.url(), storage::OpenMode::ReadOnly);
        FAIL() << "a newer atlas was opened";
    } catch (const StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("newer than this GridAtlas understands"), std::string::npos) << e.what();
    }
    {
        storage::Connection c(db.url(), storage::OpenMode::ReadWrite);
        c.exec("UPDATE atlas_meta SET value = '" + std::to_string(storage::kPgBaseVersion - 1) + "' WHERE key = 'schema_version'");
    }
    EXPECT_THROW((void)storage::Atlas::open(db.url(), storage::OpenMode::ReadOnly), StorageError); // older and read-only
    try {
        (void)storage::Atlas::open(db.url(), storage::OpenMode::ReadWrite);
        FAIL() << "an impossible PostGIS version was migrated";
    } catch (const StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("start at version"), std::string::npos) << e.what();
    }
}

TEST(SchemaParity, PostgisAtlasOfTheBaseVersionIsMigrated) {
    GRIDATLAS_REQUIRE_PG(server);
    PgDatabase db(server);
    const auto triggers = [](storage::Connection& c) {
        return c.queryInt("SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE 'household_points_resident%'").value_or(-1);
    };
    {
        auto atlas = storage::Atlas::create(db.url(), 4548, "old");
        auto& c = atlas->connection();
        EXPECT_EQ(triggers(c), 3); // version 7's triggers are in a new atlas
        // Fake an atlas written at the PostGIS baseline: without the later steps.
        c.exec("DROP FUNCTION household_points_invalidate_resident() CASCADE");
        EXPECT_EQ(triggers(c), 0);
        c.exec("DROP FUNCTION gridatlas_bump_row_version() CASCADE"); // version 8
        for (const char* t : {"communities", "grids", "grid_staff", "buildings", "units", "households", "residents", "service_posts",
                              "streets", "assignments"})
            c.exec(std::string("ALTER TABLE ") + t + " DROP COLUMN row_version");
        c.exec("UPDATE atlas_meta SET value = '" + std::to_string(storage::kPgBaseVersion) + "' WHERE key = 'schema_version'");
    }
    auto migrated = storage::Atlas::open(db.url(), storage::OpenMode::ReadWrite);
    EXPECT_EQ(migrated->info().schemaVersion, storage::kSchemaVersion);
    EXPECT_EQ(triggers(migrated->connection()), 3);
    EXPECT_EQ(migrated->connection().queryInt("SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE '%_row_version'"), 10);
    EXPECT_EQ(migrated->connection().queryInt("SELECT COUNT(*) FROM information_schema.columns WHERE column_name = 'row_version'"), 10);
    EXPECT_EQ(migrated->connection().queryText("SELECT value FROM atlas_meta WHERE key = 'schema_version'").value_or(""),
              std::to_string(storage::kSchemaVersion));
}

TEST(SchemaParity, AnEmptyOrForeignDatabaseIsNotAnAtlas) {
    GRIDATLAS_REQUIRE_PG(server);
    PgDatabase db(server);
    try {
        (void)storage::Atlas::open(db.url(), storage::OpenMode::ReadOnly);
        FAIL() << "an empty database opened as an atlas";
    } catch (const StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("holds no GridAtlas atlas"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace gridatlas::testing
