// household_points: the compact per-block copy of the households that coverage reads. Blocks
// round-trip, malformed ones are refused, the triggers drop the block of any household written,
// and the loader returns exactly what the households table holds whatever mix of stored, missing
// and corrupt blocks it finds (checked against plain SQL).
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/coverage_data.h"
#include "storage/fixture_atlas.h"
#include "storage/household_points.h"
#include "storage/schema.h"

namespace gridatlas::storage {
namespace {

// A point in EPSG:4548 as SQL, in the engine's spelling.
std::string makePoint(const Connection& c, const std::string& x, const std::string& y) {
    return c.engine() == Engine::PostgreSQL ? "ST_SetSRID(ST_MakePoint(" + x + ", " + y + "), 4548)" : "MakePoint(" + x + ", " + y + ", 4548)";
}

using Row = std::tuple<std::int64_t, double, double, std::int64_t, int>; // id, x, y, unit id, flags

/// What the households table holds, by plain SQL (the reference).
std::vector<Row> householdsBySql(Connection& c) {
    std::vector<Row> rows;
    Statement st(c, "SELECT id, ST_X(geom), ST_Y(geom), unit_id, hardship | (minimum_income << 1) | (elderly_alone << 2) | "
                    "(left_behind_children << 3) | (vacant << 6) FROM households WHERE geom IS NOT NULL ORDER BY id");
    while (st.step())
        rows.emplace_back(st.columnInt(0), st.columnDouble(1), st.columnDouble(2), st.columnInt(3),
                          static_cast<int>(st.columnInt(4)));
    return rows;
}

/// What the coverage loader read.
std::vector<Row> householdsByLoader(Atlas& atlas) {
    CoverageLoadOptions o;
    o.streets = false;
    o.footprints = false;
    o.residents = false;
    const auto d = loadCoverageData(atlas, o);
    std::vector<Row> rows;
    const auto& h = d->households;
    for (std::size_t i = 0; i < h.size(); ++i) {
        const auto u = h.unit[i];
        rows.emplace_back(h.ids[i], h.points[i].x, h.points[i].y, u < 0 ? -1 : d->units[static_cast<std::size_t>(u)].id,
                          h.categories[i]);
    }
    return rows;
}

std::int64_t blocks(Connection& c) {
    return c.queryInt("SELECT COUNT(*) FROM household_points").value_or(-1);
}

TEST(HouseholdPoints, BlocksRoundTripAndMalformedOnesAreRefused) {
    HouseholdPointRows rows;
    for (std::int64_t k = 0; k < 5; ++k) {
        rows.ids.push_back(4096 * 3 + 10 * k + 1);
        rows.points.push_back({560000.25 + static_cast<double>(k), 5495000.5 - static_cast<double>(k)});
        rows.unitIds.push_back(100 + k / 2);
        rows.flags.push_back(static_cast<std::uint8_t>(k == 2 ? kPointHardship | kPointVacant : 0));
    }
    const std::string blob = encodeHouseholdPoints(rows, 1, 5);
    EXPECT_EQ(blob.size(), 16u + 4u * 33u);
    HouseholdPointRows back;
    ASSERT_TRUE(decodeHouseholdPoints(blob, 3, back));
    ASSERT_EQ(back.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(back.ids[i], rows.ids[i + 1]);
        EXPECT_EQ(back.points[i].x, rows.points[i + 1].x);
        EXPECT_EQ(back.points[i].y, rows.points[i + 1].y);
        EXPECT_EQ(back.unitIds[i], rows.unitIds[i + 1]);
        EXPECT_EQ(back.flags[i], rows.flags[i + 1]);
    }
    HouseholdPointRows none;
    EXPECT_FALSE(decodeHouseholdPoints(blob, 4, none)) << "ids outside the block";
    EXPECT_FALSE(decodeHouseholdPoints(blob.substr(0, blob.size() - 1), 3, none)) << "truncated";
    std::string badMagic = blob;
    badMagic[0] = 'X';
    EXPECT_FALSE(decodeHouseholdPoints(badMagic, 3, none));
    HouseholdPointRows unordered = rows;
    std::swap(unordered.ids[1], unordered.ids[2]);
    EXPECT_FALSE(decodeHouseholdPoints(encodeHouseholdPoints(unordered, 0, 5), 3, none)) << "ids out of order";
    EXPECT_EQ(none.size(), 0u);
    EXPECT_TRUE(decodeHouseholdPoints(encodeHouseholdPoints(rows, 0, 0), 7, none)) << "an empty block";
}

TEST(HouseholdPoints, TriggersDropTheBlocksOfWrittenHouseholdsAndTheLoaderStaysExact) {
    testing::SmallWorld world;
    auto& c = world.atlas->connection();
    EXPECT_EQ(blocks(c), 0) << "the fixture writes households without refreshing";
    EXPECT_EQ(householdsByLoader(*world.atlas), householdsBySql(c)) << "everything read from households";
    ASSERT_EQ(refreshHouseholdPoints(c), 1u);
    EXPECT_EQ(refreshHouseholdPoints(c), 0u) << "nothing missing";
    EXPECT_EQ(blocks(c), 1);
    const auto reference = householdsBySql(c);
    ASSERT_GT(reference.size(), 10u);
    EXPECT_EQ(householdsByLoader(*world.atlas), reference) << "everything read from the block";

    // A flag, a point, a unit: each drops the block; the loader reads households again.
    const std::int64_t id = std::get<0>(reference[3]);
    for (const std::string set : {std::string("hardship = 1"), "geom = " + makePoint(c, "560001.5", "5495002.25"), std::string("unit_id = 2, room = 'X1'"),
                                  std::string("floor = floor")}) {
        c.exec("UPDATE households SET " + set + " WHERE id = " + std::to_string(id));
        const bool dropped = set != "floor = floor"; // the floor is not in the block: kept
        EXPECT_EQ(blocks(c), dropped ? 0 : 1) << set;
        EXPECT_EQ(householdsByLoader(*world.atlas), householdsBySql(c)) << set;
        refreshHouseholdPoints(c);
        EXPECT_EQ(householdsByLoader(*world.atlas), householdsBySql(c)) << set;
    }
    c.exec("DELETE FROM households WHERE id = " + std::to_string(id));
    EXPECT_EQ(blocks(c), 0);
    EXPECT_EQ(householdsByLoader(*world.atlas), householdsBySql(c));
    c.exec("INSERT INTO households (unit_id, floor, room, geom) VALUES (1, 1, '199', " + makePoint(c, "560003", "5495004") + ")");
    refreshHouseholdPoints(c);
    c.exec("INSERT INTO households (unit_id, floor, room, geom) VALUES (1, 1, '198', " + makePoint(c, "560005", "5495006") + ")");
    EXPECT_EQ(blocks(c), 0);
    EXPECT_EQ(householdsByLoader(*world.atlas), householdsBySql(c));

    // A corrupt block is not trusted.
    refreshHouseholdPoints(c);
    c.exec("UPDATE household_points SET data = substr(data, 1, 40)");
    EXPECT_EQ(householdsByLoader(*world.atlas), householdsBySql(c));
}

// Households spread over many blocks, some stored, some missing (more than the loader reads on
// its own connection: the two-thread path), and a household without a point.
TEST(HouseholdPoints, ManyBlocksMixedStoredAndMissing) {
    testing::SmallWorld world;
    auto& c = world.atlas->connection();
    {
        Transaction tx(c);
        Statement st(c, "INSERT INTO households (id, unit_id, floor, room, vacant, geom) VALUES (?, 3, 1, ?, ?, " + makePoint(c, "?", "?") +
                            ")");
        for (std::int64_t k = 1; k <= 60; ++k) {
            const std::int64_t id = k * 4096 + (k * 37) % 4096;
            st.bind(1, id).bind(2, "R" + std::to_string(k)).bind(3, static_cast<int>(k % 2));
            st.bind(4, 560010.0 + static_cast<double>(k) * 0.125).bind(5, 5495020.0 + static_cast<double>(k));
            st.run();
        }
        c.exec("INSERT INTO households (id, unit_id, floor, room) VALUES (4096 * 30 + 5, 3, 2, 'nopoint')");
        tx.commit();
    }
    const auto reference = householdsBySql(c);
    EXPECT_EQ(householdsByLoader(*world.atlas), reference) << "all missing";
    refreshHouseholdPoints(c);
    EXPECT_EQ(blocks(c), 61);
    EXPECT_EQ(householdsByLoader(*world.atlas), reference) << "all stored";
    c.exec("DELETE FROM household_points WHERE block % 3 = 1 OR block BETWEEN 20 AND 45");
    EXPECT_GT(61 - blocks(c), 16);
    EXPECT_EQ(householdsByLoader(*world.atlas), reference) << "mixed";
    c.exec("DELETE FROM household_points WHERE block <> 30");
    EXPECT_EQ(householdsByLoader(*world.atlas), reference) << "one stored";
}

// An atlas of schema version 3 gets the table, its triggers and its blocks when opened writable.
TEST(HouseholdPoints, VersionThreeAtlasIsMigratedWithItsBlocks) {
    GRIDATLAS_SPATIALITE_ONLY("SpatiaLite's migration steps (PostGIS migrations: tests/pg/schema_parity_test.cpp)");
    testing::SmallWorld world;
    auto& c = world.atlas->connection();
    const auto reference = householdsBySql(c);
    testing::undoMigrationStep(c, 8);
    for (const char* sql : {"DROP TRIGGER household_points_insert", "DROP TRIGGER household_points_update",
                            "DROP TRIGGER household_points_delete", "DROP TRIGGER household_points_resident_insert",
                            "DROP TRIGGER household_points_resident_update", "DROP TRIGGER household_points_resident_delete",
                            "DROP TABLE household_points", "DROP TABLE audit_log"}) // and what versions 6 and 7 add
        c.exec(sql);
    c.exec("UPDATE atlas_meta SET value = '3' WHERE key = 'schema_version'; PRAGMA user_version = 3;");
    world.atlas.reset();
    auto atlas = Atlas::open(world.path, OpenMode::ReadWrite);
    EXPECT_EQ(atlas->info().schemaVersion, kSchemaVersion);
    EXPECT_EQ(blocks(atlas->connection()), 1);
    EXPECT_EQ(householdsByLoader(*atlas), reference);
    atlas->connection().exec("UPDATE households SET vacant = 1 WHERE id = " + std::to_string(std::get<0>(reference[0])));
    EXPECT_EQ(blocks(atlas->connection()), 0) << "the migrated atlas has the triggers";
}

/// The reference with the residents' flags: bit 4 a resident with a disability, bit 5 a member.
std::vector<Row> householdsWithResidentsBySql(Connection& c) {
    std::vector<Row> rows;
    Statement st(c, "SELECT id, ST_X(geom), ST_Y(geom), unit_id, hardship | (minimum_income << 1) | (elderly_alone << 2) | "
                    "(left_behind_children << 3) | (vacant << 6) | "
                    "(CASE WHEN EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.disability = 1) THEN 16 ELSE 0 END) | "
                    "(CASE WHEN EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.is_member = 1) THEN 32 ELSE 0 END) "
                    "FROM households h WHERE geom IS NOT NULL ORDER BY id");
    while (st.step())
        rows.emplace_back(st.columnInt(0), st.columnDouble(1), st.columnDouble(2), st.columnInt(3),
                          static_cast<int>(st.columnInt(4)));
    return rows;
}

std::vector<Row> householdsWithResidentsByLoader(Atlas& atlas) {
    CoverageLoadOptions o;
    o.streets = false;
    o.footprints = false;
    o.residents = true;
    const auto d = loadCoverageData(atlas, o);
    std::vector<Row> rows;
    const auto& h = d->households;
    for (std::size_t i = 0; i < h.size(); ++i) {
        const auto u = h.unit[i];
        rows.emplace_back(h.ids[i], h.points[i].x, h.points[i].y, u < 0 ? -1 : d->units[static_cast<std::size_t>(u)].id,
                          h.categories[i]);
    }
    return rows;
}

// Schema 7: blocks carry the residents' disability and member flags; a resident written with
// either (or changed in either, or moved) drops its household's block; one with neither does not.
TEST(HouseholdPoints, BlocksCarryTheResidentsFlagsAndResidentWritesDropThem) {
    testing::SmallWorld world;
    auto& c = world.atlas->connection();
    ASSERT_EQ(refreshHouseholdPoints(c), 1u);
    auto reference = householdsWithResidentsBySql(c);
    int members = 0;
    for (const auto& r : reference) members += (std::get<4>(r) & kPointMember) ? 1 : 0;
    ASSERT_GE(members, 1) << "the fixture has a member household";
    EXPECT_EQ(householdsWithResidentsByLoader(*world.atlas), reference) << "from the block";
    const std::int64_t id = std::get<0>(reference[5]);
    const std::string h = std::to_string(id);
    c.exec("INSERT INTO residents (household_id, name, gender, birth_year) VALUES (" + h + ", '甲', 'M', 1970)");
    EXPECT_EQ(blocks(c), 1) << "a resident with neither flag changes no block";
    c.exec("INSERT INTO residents (household_id, name, gender, birth_year, disability) VALUES (" + h + ", '乙', 'F', 1950, 1)");
    EXPECT_EQ(blocks(c), 0);
    reference = householdsWithResidentsBySql(c);
    EXPECT_NE(std::get<4>(reference[5]) & kPointDisability, 0);
    EXPECT_EQ(householdsWithResidentsByLoader(*world.atlas), reference) << "from households and residents";
    refreshHouseholdPoints(c);
    EXPECT_EQ(householdsWithResidentsByLoader(*world.atlas), reference) << "from the rebuilt block";
    for (const std::string& sql : std::vector<std::string>{"UPDATE residents SET disability = 0 WHERE name = '乙'",
                                  "UPDATE residents SET is_member = 1, member_type = 'full' WHERE name = '甲'",
                                  "UPDATE residents SET household_id = " + std::to_string(std::get<0>(reference[6])) +
                                      " WHERE name = '甲'",
                                  "DELETE FROM residents WHERE name = '甲'"}) {
        c.exec(sql);
        EXPECT_EQ(blocks(c), 0) << sql;
        EXPECT_EQ(householdsWithResidentsByLoader(*world.atlas), householdsWithResidentsBySql(c)) << sql;
        refreshHouseholdPoints(c);
        EXPECT_EQ(householdsWithResidentsByLoader(*world.atlas), householdsWithResidentsBySql(c)) << sql;
    }
}

// A version-6 atlas's blocks lack the residents' flags: migrating drops and rebuilds them.
TEST(HouseholdPoints, VersionSixBlocksAreRebuiltWithTheResidentsFlags) {
    GRIDATLAS_SPATIALITE_ONLY("SpatiaLite's migration steps (PostGIS migrations: tests/pg/schema_parity_test.cpp)");
    testing::SmallWorld world;
    auto& c = world.atlas->connection();
    refreshHouseholdPoints(c);
    const auto reference = householdsWithResidentsBySql(c);
    {
        // Rewrite the block as version 6 wrote it, and drop what version 7 adds.
        HouseholdPointRows rows;
        Statement st(c, "SELECT block, data FROM household_points");
        ASSERT_TRUE(st.step());
        const std::int64_t block = st.columnInt(0);
        ASSERT_TRUE(decodeHouseholdPoints(st.columnBlob(1), block, rows));
        for (auto& f : rows.flags) f &= static_cast<std::uint8_t>(~(kPointDisability | kPointMember));
        const std::string old = encodeHouseholdPoints(rows, 0, rows.size());
        Statement put(c, "UPDATE household_points SET data = ? WHERE block = ?");
        put.bindBlob(1, old.data(), old.size()).bind(2, block);
        put.run();
    }
    testing::undoMigrationStep(c, 8);
    for (const char* t : {"household_points_resident_insert", "household_points_resident_update", "household_points_resident_delete"})
        c.exec(std::string("DROP TRIGGER ") + t);
    c.exec("UPDATE atlas_meta SET value = '6' WHERE key = 'schema_version'; PRAGMA user_version = 6;");
    world.atlas.reset();
    auto atlas = Atlas::open(world.path, OpenMode::ReadWrite);
    EXPECT_EQ(atlas->info().schemaVersion, kSchemaVersion);
    EXPECT_EQ(blocks(atlas->connection()), 1) << "rebuilt by the migration";
    EXPECT_EQ(householdsWithResidentsByLoader(*atlas), reference);
}

} // namespace
} // namespace gridatlas::storage
