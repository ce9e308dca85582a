// Each rule of the atlas schema rejects what it should, with a message naming table, row and rule,
// and accepts the valid neighbour of each bad case.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "model/support/error.h"
#include "storage/fixture_atlas.h"
#include "storage/schema.h"

using namespace gridatlas;
using namespace gridatlas::model;
using gridatlas::testing::SmallWorld;

namespace {

// Runs `fn` with a writer in a transaction that is rolled back, and returns the error message
// ("" when it succeeded).
std::string attempt(storage::Atlas& atlas, const std::function<void(storage::AtlasWriter&)>& fn) {
    storage::Transaction tx(atlas.connection());
    storage::AtlasWriter w(atlas);
    try {
        fn(w);
    } catch (const ConstraintError& e) {
        return e.what();
    }
    return "";
}

// The engines word constraint failures differently (SQLite "UNIQUE constraint failed: t.c",
// PostgreSQL "duplicate key value violates unique constraint ..."); both name the rule.
bool saysUnique(const std::string& m) {
    return m.find("UNIQUE") != std::string::npos || m.find("unique constraint") != std::string::npos;
}
bool saysForeignKey(const std::string& m) {
    return m.find("FOREIGN KEY") != std::string::npos || m.find("foreign key constraint") != std::string::npos;
}

std::string attemptSql(storage::Atlas& atlas, const std::string& sql) {
    storage::Transaction tx(atlas.connection());
    try {
        atlas.connection().exec(sql);
    } catch (const ConstraintError& e) {
        return e.what();
    }
    return "";
}

Household household(std::int64_t unit, int floor, const std::string& room) {
    Household h;
    h.unitId = unit;
    h.floor = floor;
    h.room = room;
    h.location = Vec2{SmallWorld::kX0 + 60, SmallWorld::kY0 + 55};
    return h;
}

Geometry rect(double x0, double y0, double x1, double y1) { return Geometry::polygon({{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}}); }

class Schema : public ::testing::Test {
protected:
    SmallWorld world;
    storage::Atlas& atlas = *world.atlas;
};

} // namespace

TEST_F(Schema, HouseholdAboveTheTopFloorIsRefusedNamingRowAndRule) {
    // Building 2 has 18 floors; unit 3 is its only unit.
    const std::string err = attempt(atlas, [](auto& w) { w.add(household(3, 19, "1901")); });
    EXPECT_NE(err.find("households row (unit 3, floor 19, room 1901)"), std::string::npos) << err;
    EXPECT_NE(err.find("above the building's top floor"), std::string::npos) << err;
    EXPECT_NE(err.find("household_floor_within_building"), std::string::npos) << err;
    EXPECT_EQ(attempt(atlas, [](auto& w) { w.add(household(3, 18, "1803")); }), "");
}

TEST_F(Schema, FloorZeroAndDuplicateRoomsAreRefused) {
    EXPECT_NE(attempt(atlas, [](auto& w) { w.add(household(1, 0, "001")); }).find("household_floor_nonzero"), std::string::npos);
    EXPECT_TRUE(saysUnique(attempt(atlas, [](auto& w) { w.add(household(1, 1, "101")); })));
    EXPECT_EQ(attempt(atlas, [](auto& w) { w.add(household(1, -1, "B101")); }), ""); // basements are floors -1, -2
}

TEST_F(Schema, MemberTypeOnANonMemberIsRefused) {
    Resident r;
    r.householdId = 1;
    r.name = "赵六";
    r.memberType = "full";
    const std::string err = attempt(atlas, [&](auto& w) { w.add(r); });
    EXPECT_NE(err.find("residents row"), std::string::npos) << err;
    EXPECT_NE(err.find("member_fields_only_for_members"), std::string::npos) << err;
    r.isMember = true;
    EXPECT_EQ(attempt(atlas, [&](auto& w) { w.add(r); }), "");
}

TEST_F(Schema, MemberWithoutTypeOrWithUnknownTypeIsRefused) {
    Resident r;
    r.householdId = 1;
    r.name = "赵六";
    r.isMember = true;
    EXPECT_NE(attempt(atlas, [&](auto& w) { w.add(r); }).find("member_needs_type"), std::string::npos);
    r.memberType = "honorary";
    EXPECT_NE(attempt(atlas, [&](auto& w) { w.add(r); }).find("member_type_known"), std::string::npos);
    r.memberType = "mobile";
    EXPECT_EQ(attempt(atlas, [&](auto& w) { w.add(r); }), "");
}

TEST_F(Schema, ResidentFieldRulesAreChecked) {
    Resident r;
    r.householdId = 1;
    r.name = "赵六";
    r.gender = "X";
    EXPECT_NE(attempt(atlas, [&](auto& w) { w.add(r); }).find("resident_gender_known"), std::string::npos);
    r.gender = "F";
    r.birthYear = 1700;
    EXPECT_NE(attempt(atlas, [&](auto& w) { w.add(r); }).find("resident_birth_year_range"), std::string::npos);
    r.birthYear = 1988;
    r.householdId = 9999;
    EXPECT_TRUE(saysForeignKey(attempt(atlas, [&](auto& w) { w.add(r); })));
}

TEST_F(Schema, InvalidFootprintIsRefused) {
    Building b;
    b.communityId = 1;
    b.number = "9栋";
    b.floors = 6;
    b.unitCount = 1;
    // A bow-tie: self-intersecting.
    b.footprint = Geometry::polygon({{{SmallWorld::kX0, SmallWorld::kY0},
                                      {SmallWorld::kX0 + 10, SmallWorld::kY0 + 10},
                                      {SmallWorld::kX0 + 10, SmallWorld::kY0},
                                      {SmallWorld::kX0, SmallWorld::kY0 + 10}}});
    const std::string err = attempt(atlas, [&](auto& w) { w.add(b); });
    EXPECT_NE(err.find("buildings row '9栋'"), std::string::npos) << err;
    EXPECT_NE(err.find("not a valid polygon"), std::string::npos) << err;
    b.footprint = rect(SmallWorld::kX0, SmallWorld::kY0, SmallWorld::kX0 + 10, SmallWorld::kY0 + 10);
    EXPECT_EQ(attempt(atlas, [&](auto& w) { w.add(b); }), "");
    // Updates are checked too.
    const std::string fromText = gridatlas::testing::fixturesOnPostgis() ? "ST_GeomFromText" : "GeomFromText";
    EXPECT_NE(attemptSql(atlas, "UPDATE buildings SET geom = " + fromText + "('POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))', 4548) WHERE id = 1")
                  .find("building_footprint_valid"),
              std::string::npos);
}

TEST_F(Schema, BuildingFieldRulesAreChecked) {
    Building b;
    b.communityId = 1;
    b.number = "8栋";
    b.floors = 0;
    b.unitCount = 1;
    b.footprint = rect(SmallWorld::kX0, SmallWorld::kY0, SmallWorld::kX0 + 10, SmallWorld::kY0 + 10);
    EXPECT_NE(attempt(atlas, [&](auto& w) { w.add(b); }).find("building_floors_range"), std::string::npos);
    b.floors = 6;
    b.use = "castle";
    EXPECT_NE(attempt(atlas, [&](auto& w) { w.add(b); }).find("building_use_known"), std::string::npos);
    b.use = "residential";
    b.number = "1栋"; // taken in this community
    EXPECT_TRUE(saysUnique(attempt(atlas, [&](auto& w) { w.add(b); })));
}

TEST_F(Schema, UnitNumberBeyondTheBuildingsUnitsIsRefused) {
    EXPECT_NE(attempt(atlas, [](auto& w) { w.add(Unit{0, 1, 3, std::nullopt}); }).find("unit_number_within_building"),
              std::string::npos);
    EXPECT_NE(attempt(atlas, [](auto& w) { w.add(Unit{0, 1, 0, std::nullopt}); }).find("unit_number_positive"), std::string::npos);
}

TEST_F(Schema, UnknownPostTypeIsRefused) {
    ServicePost p;
    p.name = "神秘站";
    p.type = "teleport_station";
    p.location = {SmallWorld::kX0 + 1, SmallWorld::kY0 + 1};
    const std::string err = attempt(atlas, [&](auto& w) { w.add(p); });
    EXPECT_NE(err.find("service_posts row '神秘站'"), std::string::npos) << err;
    EXPECT_NE(err.find("unknown service post type"), std::string::npos) << err;
    p.type = "charity_shop";
    EXPECT_EQ(attempt(atlas, [&](auto& w) { w.add(p); }), "");
    p.radiusM = -5;
    EXPECT_NE(attempt(atlas, [&](auto& w) { w.add(p); }).find("post_radius_positive"), std::string::npos);
}

TEST_F(Schema, GridStaffRolesAreTheThreeRolesOncePerGrid) {
    EXPECT_NE(attempt(atlas, [](auto& w) { w.add(GridStaff{1, "boss", "某某", ""}); }).find("staff_role_known"), std::string::npos);
    EXPECT_TRUE(saysUnique(attempt(atlas, [](auto& w) { w.add(GridStaff{1, "manager", "某某", ""}); })));
}

TEST_F(Schema, OnlyMembersCanBeAssigned) {
    // Resident 1 is not a member; resident 3 is.
    EXPECT_NE(attempt(atlas, [](auto& w) { w.add(Assignment{1, "pairing", 5, std::nullopt}); }).find("assignment_member_is_member"),
              std::string::npos);
    EXPECT_EQ(attempt(atlas, [](auto& w) { w.add(Assignment{3, "pairing", 5, std::nullopt}); }), "");
    EXPECT_NE(attempt(atlas, [](auto& w) { w.add(Assignment{3, "pairing", std::nullopt, 1}); }).find("assignment_target"),
              std::string::npos);
    // A member with assignments cannot silently stop being a member.
    {
        storage::Transaction tx(atlas.connection());
        storage::AtlasWriter w(atlas);
        w.add(Assignment{3, "zone", std::nullopt, 1});
        tx.commit();
    }
    EXPECT_NE(attemptSql(atlas, "UPDATE residents SET is_member = 0, member_type = NULL, branch = NULL WHERE id = 3")
                  .find("assignment_member_is_member"),
              std::string::npos);
}

TEST_F(Schema, ForeignKeysAreOnAndCascadeFromBuildingsToResidents) {
    auto& c = atlas.connection();
    if (!gridatlas::testing::fixturesOnPostgis()) EXPECT_EQ(c.queryInt("PRAGMA foreign_keys"), 1); // (always on in PostgreSQL)
    const auto before = *c.queryInt("SELECT COUNT(*) FROM residents");
    c.exec("DELETE FROM buildings WHERE id = 2");
    EXPECT_EQ(*c.queryInt("SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id WHERE u.building_id = 2"), 0);
    EXPECT_EQ(*c.queryInt("SELECT COUNT(*) FROM residents"), before - 36);
    // Deleting a community that still has grids is refused.
    EXPECT_TRUE(saysForeignKey(attemptSql(atlas, "DELETE FROM communities WHERE id = 1")));
}

TEST_F(Schema, DerivedCountsFollowEditsBecauseTheyAreViews) {
    auto& c = atlas.connection();
    EXPECT_EQ(c.queryInt("SELECT members FROM building_summary WHERE id = 1"), 1);
    EXPECT_EQ(c.queryInt("SELECT has_member FROM household_summary WHERE id = 3"), 1);
    EXPECT_EQ(c.queryInt("SELECT households FROM building_summary WHERE id = 2"), 36);
    EXPECT_EQ(c.queryInt("SELECT households FROM grid_summary WHERE id = 1"), 24 + 36);
    EXPECT_EQ(c.queryText("SELECT manager FROM grid_summary WHERE id = 1"), "王建国");
    c.exec("UPDATE residents SET is_member = 1, member_type = 'probationary' WHERE id = 40");
    EXPECT_EQ(c.queryInt("SELECT members FROM building_summary WHERE id = 2"), 1);
    EXPECT_EQ(c.queryInt("SELECT members FROM grid_summary WHERE id = 1"), 2);
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM members"), 2);
    EXPECT_EQ(c.queryText("SELECT type_name FROM post_summary WHERE id = 1"), "社区卫生服务站");
    EXPECT_EQ(c.queryInt("SELECT radius_m FROM post_summary WHERE id = 1"), 1125);
}

TEST_F(Schema, EveryGeometryLayerIsRegisteredWithTheAtlasCrsAndAnIndex) {
    GRIDATLAS_SPATIALITE_ONLY("SpatiaLite's geometry_columns and R*Tree tables (PostGIS: tests/pg/schema_parity_test.cpp)");
    auto& c = atlas.connection();
    for (const char* table : {"communities", "grids", "buildings", "units", "households", "service_posts", "streets"}) {
        storage::Statement st(c, "SELECT srid, spatial_index_enabled FROM geometry_columns WHERE f_table_name = ?");
        st.bind(1, table);
        ASSERT_TRUE(st.step()) << table;
        EXPECT_EQ(st.columnInt(0), 4548) << table;
        EXPECT_EQ(st.columnInt(1), 1) << table;
    }
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM views_geometry_columns"), 4);
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM idx_households_geom"), 60);
    EXPECT_EQ(c.queryInt("PRAGMA application_id"), storage::kAtlasApplicationId);
}
