// Opening: anything that is not an atlas is refused with a message that says what it is.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <vector>

#include "model/support/error.h"
#include "storage/backup.h"
#include "storage/fixture_atlas.h"
#include "storage/schema.h"

using namespace gridatlas;
using gridatlas::testing::TempDir;

namespace fs = std::filesystem;

namespace {
std::string openError(const std::string& path, storage::OpenMode mode = storage::OpenMode::ReadOnly) {
    try {
        storage::Atlas::open(path, mode);
    } catch (const StorageError& e) {
        return e.what();
    }
    return "opened";
}
void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}
} // namespace

TEST(AtlasOpen, MissingFileIsAnErrorAndIsNotCreated) {
    TempDir dir;
    const std::string path = dir.file("nope.sqlite");
    EXPECT_NE(openError(path, storage::OpenMode::ReadWrite).find("does not exist"), std::string::npos);
    EXPECT_FALSE(fs::exists(path));
}

TEST(AtlasOpen, EmptyAndRandomFilesAreRefused) {
    TempDir dir;
    writeFile(dir.file("zero.sqlite"), "");
    EXPECT_NE(openError(dir.file("zero.sqlite")).find("empty (0 bytes)"), std::string::npos);
    writeFile(dir.file("random.sqlite"), std::string(4096, '\x5a'));
    EXPECT_NE(openError(dir.file("random.sqlite")).find("not a SQLite/SpatiaLite database"), std::string::npos);
    EXPECT_NE(openError(dir.path().string()).find("folder"), std::string::npos);
}

TEST(AtlasOpen, TruncatedAtlasIsReportedCorrupt) {
    GRIDATLAS_SPATIALITE_ONLY("a damaged database file");
    gridatlas::testing::SmallWorld world;
    world.atlas->connection().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const std::string copy = world.dir.file("truncated.sqlite");
    {
        std::ifstream in(world.path, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        writeFile(copy, bytes.substr(0, 1024));
    }
    const std::string err = openError(copy);
    EXPECT_NE(err.find("truncated.sqlite"), std::string::npos) << err;
    EXPECT_NE(err, "opened");
}

TEST(AtlasOpen, PlainSpatialiteAndGeoPackageAreNotAtlases) {
    TempDir dir;
    const std::string legacy = gridatlas::testing::sourcePath("../shared/realdata/spatialite4_test_geos.sqlite");
    if (fs::exists(legacy)) {
        fs::copy_file(legacy, dir.file("legacy.sqlite"));
        EXPECT_NE(openError(dir.file("legacy.sqlite")).find("SpatiaLite database but not a GridAtlas atlas"), std::string::npos);
    }
    const std::string gpkg = gridatlas::testing::sourcePath("../shared/realdata/gpkg_buildings_soho_rcransf.gpkg");
    if (fs::exists(gpkg)) {
        fs::copy_file(gpkg, dir.file("b.gpkg"));
        EXPECT_NE(openError(dir.file("b.gpkg")).find("GeoPackage"), std::string::npos);
    }
    {
        storage::Connection plain(dir.file("plain.sqlite"), storage::OpenMode::Create);
        plain.exec("CREATE TABLE t (a)");
    }
    EXPECT_NE(openError(dir.file("plain.sqlite")).find("SQLite database but not a GridAtlas atlas"), std::string::npos);
}

TEST(AtlasOpen, NewerSchemaIsRefusedWithTheVersions) {
    gridatlas::testing::FixtureAtlas fx;
    fx.atlas->connection().exec("UPDATE atlas_meta SET value = '99' WHERE key = 'schema_version'");
    fx.atlas.reset();
    const std::string err = openError(fx.path);
    EXPECT_NE(err.find("schema version 99"), std::string::npos) << err;
    EXPECT_NE(err.find("newer"), std::string::npos) << err;
}

TEST(AtlasOpen, ReopensWithNameCrsAndLayers) {
    gridatlas::testing::SmallWorld world;
    world.atlas.reset();
    auto atlas = storage::Atlas::open(world.path, storage::OpenMode::ReadOnly);
    EXPECT_EQ(atlas->info().name, "测试社区");
    EXPECT_EQ(atlas->srid(), 4548);
    EXPECT_EQ(atlas->info().schemaVersion, storage::kSchemaVersion);
    EXPECT_THROW(atlas->connection().exec("DELETE FROM residents"), StorageError); // read-only means read-only
    EXPECT_THROW(atlas->openLayer("bulidings"), InputError);
}

TEST(AtlasOpen, LayerSourcesFilterByBoundingBoxThroughTheIndex) {
    gridatlas::testing::SmallWorld world;
    auto src = world.atlas->openLayer("households");
    model::FeatureRequest all;
    all.fields = {"room", "has_member"};
    auto cursor = src->features(all);
    model::Feature f;
    int n = 0, members = 0;
    while (cursor->next(f)) {
        ++n;
        EXPECT_EQ(f.geometry.type, model::GeomType::Point);
        members += static_cast<int>(std::get<std::int64_t>(f.values[1]));
    }
    EXPECT_EQ(n, 60);
    EXPECT_EQ(members, 1);
    // Only building 1's households lie west of x0 + 150.
    model::FeatureRequest west;
    west.bbox = model::Rect{gridatlas::testing::SmallWorld::kX0, gridatlas::testing::SmallWorld::kY0, gridatlas::testing::SmallWorld::kX0 + 150,
                            gridatlas::testing::SmallWorld::kY0 + 300};
    auto c2 = src->features(west);
    n = 0;
    while (c2->next(f)) ++n;
    EXPECT_EQ(n, 24);
    const model::Rect ext = src->extent();
    EXPECT_NEAR(ext.xmin, gridatlas::testing::SmallWorld::kX0 + 62, 1e-3);
    model::FeatureRequest bad;
    bad.fields = {"secret"};
    EXPECT_THROW(src->features(bad), InputError);
}

namespace {

/// Takes an atlas back to schema `version` by undoing what the later steps add (newest step first;
/// in each, its tables, indexes and triggers in reverse order, then its columns).
void undoMigrationsAfter(gridatlas::storage::Connection& c, int version) {
    std::vector<std::string> undo;
    const std::regex created(R"(CREATE (TABLE|INDEX|TRIGGER) (\w+))"), added(R"(ALTER TABLE (\w+) ADD COLUMN (\w+))");
    for (int v = gridatlas::storage::kSchemaVersion; v > version; --v) {
        const std::string step(gridatlas::storage::migrationSql(v));
        ASSERT_FALSE(step.empty()) << v;
        std::vector<std::string> drops, columns;
        for (std::sregex_iterator it(step.begin(), step.end(), created), end; it != end; ++it)
            drops.insert(drops.begin(), "DROP " + (*it)[1].str() + " " + (*it)[2].str());
        for (std::sregex_iterator it(step.begin(), step.end(), added), end; it != end; ++it)
            columns.push_back("ALTER TABLE " + (*it)[1].str() + " DROP COLUMN " + (*it)[2].str());
        undo.insert(undo.end(), drops.begin(), drops.end());
        undo.insert(undo.end(), columns.begin(), columns.end());
    }
    ASSERT_GE(undo.size(), 1u);
    for (const auto& sql : undo) c.exec(sql);
    c.exec("UPDATE atlas_meta SET value = '" + std::to_string(version) + "' WHERE key = 'schema_version'; PRAGMA user_version = " +
           std::to_string(version) + ";");
}

} // namespace

// An atlas written by schema version 1 (as session one's builds wrote them) is migrated when
// opened writable, and refused with a clear message when opened read-only.
TEST(AtlasOpen, VersionOneAtlasIsMigratedToTheCurrentSchema) {
    GRIDATLAS_SPATIALITE_ONLY("SpatiaLite's migration steps and file backups (PostGIS migrations: tests/pg/schema_parity_test.cpp)");
    gridatlas::testing::SmallWorld world;
    auto& c = world.atlas->connection();
    undoMigrationsAfter(c, 1);
    world.atlas.reset();
    const std::string err = openError(world.path, gridatlas::storage::OpenMode::ReadOnly);
    EXPECT_NE(err.find("older schema version 1"), std::string::npos) << err;

    auto atlas = gridatlas::storage::Atlas::open(world.path, gridatlas::storage::OpenMode::ReadWrite);
    EXPECT_EQ(atlas->info().schemaVersion, gridatlas::storage::kSchemaVersion);
    auto& m = atlas->connection();
    EXPECT_EQ(m.queryText("SELECT value FROM atlas_meta WHERE key = 'schema_version'"), std::to_string(gridatlas::storage::kSchemaVersion));
    EXPECT_EQ(m.queryInt("PRAGMA user_version"), gridatlas::storage::kSchemaVersion);
    for (const char* table : {"imports", "feature_sources", "floor_plans", "audit_log"}) EXPECT_TRUE(m.tableExists(table)) << table;
    EXPECT_EQ(m.queryInt("SELECT COUNT(*) FROM pragma_table_info('rooms') WHERE name = 'repeat_on'"), 1);
    // The data survived, and the migrated atlas equals a new one in what it holds.
    EXPECT_GT(m.queryInt("SELECT COUNT(*) FROM households").value_or(0), 0);
    gridatlas::testing::FixtureAtlas fresh;
    EXPECT_EQ(m.queryInt("SELECT COUNT(*) FROM sqlite_master WHERE type IN ('table', 'index', 'view', 'trigger')"),
              fresh.atlas->connection().queryInt("SELECT COUNT(*) FROM sqlite_master WHERE type IN ('table', 'index', 'view', 'trigger')"));
}

// Builds of session two wrote version-2 atlases before the grid plan tables joined that step:
// such an atlas still migrates (step 3 alters grid_plan_staff).
TEST(AtlasOpen, VersionTwoAtlasWithoutPlanTablesMigrates) {
    GRIDATLAS_SPATIALITE_ONLY("SpatiaLite's migration steps and file backups (PostGIS migrations: tests/pg/schema_parity_test.cpp)");
    gridatlas::testing::SmallWorld world;
    auto& c = world.atlas->connection();
    undoMigrationsAfter(c, 2);
    for (const char* t : {"grid_plan_buildings", "grid_plan_staff", "grid_plan_grids", "grid_plans"})
        c.exec(std::string("DROP TABLE ") + t);
    world.atlas.reset();
    auto atlas = gridatlas::storage::Atlas::open(world.path, gridatlas::storage::OpenMode::ReadWrite);
    EXPECT_EQ(atlas->info().schemaVersion, gridatlas::storage::kSchemaVersion);
    auto& m = atlas->connection();
    for (const char* t : {"grid_plans", "grid_plan_grids", "grid_plan_staff", "grid_plan_buildings"}) EXPECT_TRUE(m.tableExists(t)) << t;
    EXPECT_EQ(m.queryInt("SELECT COUNT(*) FROM pragma_table_info('grid_plan_staff') WHERE name = 'phone_enc'"), 1);
    gridatlas::testing::FixtureAtlas fresh;
    EXPECT_EQ(m.queryInt("SELECT COUNT(*) FROM sqlite_master WHERE type IN ('table', 'index', 'view', 'trigger')"),
              fresh.atlas->connection().queryInt("SELECT COUNT(*) FROM sqlite_master WHERE type IN ('table', 'index', 'view', 'trigger')"));
}

// The viewer's path: an older atlas is migrated once, after a backup of it as it was.
TEST(AtlasOpen, MigrateIfOlderKeepsABackupAndReportsTheOldVersion) {
    GRIDATLAS_SPATIALITE_ONLY("SpatiaLite's migration steps and file backups (PostGIS migrations: tests/pg/schema_parity_test.cpp)");
    gridatlas::testing::SmallWorld world;
    undoMigrationsAfter(world.atlas->connection(), 2);
    world.atlas.reset();
    EXPECT_THROW(gridatlas::storage::Atlas::open(world.path, gridatlas::storage::OpenMode::ReadOnly), gridatlas::StorageError);
    const auto from = gridatlas::storage::migrateIfOlder(world.path);
    ASSERT_TRUE(from);
    EXPECT_EQ(*from, 2);
    EXPECT_FALSE(gridatlas::storage::migrateIfOlder(world.path)); // now current
    auto atlas = gridatlas::storage::Atlas::open(world.path, gridatlas::storage::OpenMode::ReadOnly);
    EXPECT_EQ(atlas->info().schemaVersion, gridatlas::storage::kSchemaVersion);
    const auto backups = gridatlas::storage::listBackups(world.path);
    ASSERT_EQ(backups.size(), 1u);
    EXPECT_NE(backups[0].reason.find("before-migration-from-v2"), std::string::npos) << backups[0].reason;
    gridatlas::storage::Connection old(backups[0].path, gridatlas::storage::OpenMode::ReadOnly);
    EXPECT_EQ(old.queryText("SELECT value FROM atlas_meta WHERE key = 'schema_version'"), "2");
}
