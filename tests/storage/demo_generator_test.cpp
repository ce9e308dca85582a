// The demo district generator and `gridatlas-cli demo`: counts and shares at scale S, exact
// grid tiling, geometry placement, valid IDs, posts, the street network, determinism and
// cancellation. Only scale S runs here (M and L are for bench/bench_generate.sh).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/connection.h"
#include "storage/crs.h"
#include "storage/demo_generator.h"
#include "storage/demo_people.h"
#include "storage/demo_plan.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::storage;
using gridatlas::testing::TempDir;
namespace fs = std::filesystem;

namespace {

double queryDouble(Connection& c, const std::string& sql) {
    Statement st(c, sql);
    if (!st.step() || st.isNull(0)) return std::nan("");
    return st.columnDouble(0);
}
std::int64_t queryCount(Connection& c, const std::string& sql) { return c.queryInt(sql).value_or(-1); }

/// Every row of every table (virtual tables through their shadow tables), in rowid order, as
/// text; blobs in hex. Two atlases with equal dumps hold the same data.
std::string dumpAll(const std::string& path) {
    Connection c(path, OpenMode::ReadOnly);
    std::vector<std::string> tables;
    {
        Statement st(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name");
        while (st.step()) tables.push_back(st.columnText(0));
    }
    std::ostringstream out;
    for (const auto& t : tables) {
        out << "## " << t << "\n";
        const bool withoutRowid = c.queryInt("SELECT 1 FROM sqlite_master WHERE name = '" + t + "' AND sql LIKE '%WITHOUT ROWID%'").has_value();
        Statement st(c, "SELECT * FROM " + quoteIdentifier(t) + (withoutRowid ? "" : " ORDER BY rowid"));
        while (st.step()) {
            for (int i = 0; i < st.columnCount(); ++i) {
                if (st.isNull(i)) {
                    out << "NULL";
                } else {
                    const auto v = st.columnValue(i);
                    if (const auto* s = std::get_if<std::string>(&v)) {
                        for (unsigned char ch : *s) {
                            if (ch < 0x20) out << "\\x" << std::hex << static_cast<int>(ch) << std::dec;
                            else out << ch;
                        }
                    } else if (const auto* d = std::get_if<double>(&v)) {
                        char buf[40];
                        std::snprintf(buf, sizeof buf, "%.17g", *d);
                        out << buf;
                    } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
                        out << *n;
                    }
                }
                out << '|';
            }
            out << '\n';
        }
    }
    return out.str();
}

std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// ISO 7064 MOD 11-2, written out again independently of the generator.
bool validIdNumber(const std::string& id) {
    if (id.size() != 18) return false;
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) {
        if (id[static_cast<std::size_t>(i)] < '0' || id[static_cast<std::size_t>(i)] > '9') return false;
        sum += (id[static_cast<std::size_t>(i)] - '0') * w[i];
    }
    return id[17] == "10X98765432"[sum % 11];
}

// One S atlas for the read-only checks (generated once: a fraction of a second).
class DemoS : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = std::make_unique<TempDir>();
        s_path = s_dir->file("demo_S.sqlite");
        s_summary = generateDemo(s_path, DemoOptions{});
    }
    static void TearDownTestSuite() { s_dir.reset(); }
    Connection conn{s_path, OpenMode::ReadOnly};

    static std::unique_ptr<TempDir> s_dir;
    static std::string s_path;
    static DemoSummary s_summary;
};
std::unique_ptr<TempDir> DemoS::s_dir;
std::string DemoS::s_path;
DemoSummary DemoS::s_summary;

constexpr int kYear = 2024; // census year of the default seed 20240601

} // namespace

TEST(DemoPeople, IdCheckCharacterFollowsIso7064) {
    EXPECT_EQ(demo::idCheckCharacter("11010519491231002"), 'X'); // the standard's example
    EXPECT_EQ(demo::idCheckCharacter("44052418800101001"), '4');
    EXPECT_TRUE(validIdNumber("11010519491231002X"));
}

TEST(DemoPlan, UnionOfBoxesTracesOnePolygonAndRefusesOverlapsCornersAndHoles) {
    using demo::Box;
    const auto l = demo::unionOfBoxes({Box{0, 0, 2, 1}, Box{0, 1, 1, 2}});
    EXPECT_EQ(l.coords.size(), 7U); // six corners of the L, closed
    EXPECT_DOUBLE_EQ(model::area(l), 3.0);
    // T-junction: the lower box's top edge is split by the two upper boxes; no extra vertices.
    const auto t = demo::unionOfBoxes({Box{0, 0, 2, 1}, Box{0, 1, 1, 2}, Box{1, 1, 2, 2}});
    EXPECT_EQ(t.coords.size(), 5U);
    EXPECT_THROW(demo::unionOfBoxes({Box{0, 0, 2, 2}, Box{1, 1, 3, 3}}), Error);
    EXPECT_THROW(demo::unionOfBoxes({Box{0, 0, 1, 1}, Box{1, 1, 2, 2}}), Error);
    EXPECT_THROW(demo::unionOfBoxes({Box{0, 0, 3, 1}, Box{0, 2, 3, 3}, Box{0, 1, 1, 2}, Box{2, 1, 3, 2}}), Error);
}

TEST(DemoPlan, DistrictCentreIsManzhouliInTheAtlasCrs) {
    // The planner centres the district on the given constants x=531000, y=5494500 (EPSG:4548),
    // "about 117.43E 49.59N": PROJ puts 49.59N 834 m further north, which the district
    // (1.2 km across at S) still spans, so both name the same place.
    EXPECT_EQ(gaussKrugerZoneEpsg(117.43), 4548);
    const CoordinateTransform toAtlas("EPSG:4490", "EPSG:4548");
    const model::Vec2 p = toAtlas.apply({117.43, 49.59});
    EXPECT_NEAR(p.x, 531000, 100);
    EXPECT_NEAR(p.y, 5494500, 1000);
}

TEST(DemoScaleName, ParsesSMLAndNothingElse) {
    EXPECT_EQ(parseDemoScale("S"), DemoScale::S);
    EXPECT_EQ(parseDemoScale("m"), DemoScale::M);
    EXPECT_EQ(parseDemoScale("L"), DemoScale::L);
    EXPECT_FALSE(parseDemoScale("XL"));
    EXPECT_FALSE(parseDemoScale(""));
}

TEST_F(DemoS, IsOneStreetOfficeWithTwoCommunitiesNearManzhouli) {
    Statement st(conn, "SELECT code, name, street_office FROM communities ORDER BY id");
    std::vector<std::string> names;
    while (st.step()) {
        EXPECT_TRUE(std::regex_match(st.columnText(0), std::regex("150781[0-9]{6}"))) << st.columnText(0);
        EXPECT_EQ(st.columnText(2), "兴华街道");
        names.push_back(st.columnText(1));
    }
    EXPECT_EQ(names, (std::vector<std::string>{"湖西社区", "东湖社区"}));
    EXPECT_EQ(conn.queryText("SELECT value FROM atlas_meta WHERE key = 'srid'"), "4548");
    // Centred near 117.43E 49.59N in EPSG:4548.
    const double cx = queryDouble(conn, "SELECT (extent_min_x + extent_max_x) / 2 FROM geometry_columns_statistics WHERE f_table_name = 'communities'");
    const double cy = queryDouble(conn, "SELECT (extent_min_y + extent_max_y) / 2 FROM geometry_columns_statistics WHERE f_table_name = 'communities'");
    EXPECT_NEAR(cx, 531000, 300);
    EXPECT_NEAR(cy, 5494500, 300);
}

TEST_F(DemoS, CountsAreWithinTheStatedRanges) {
    const auto buildings = queryCount(conn, "SELECT COUNT(*) FROM buildings");
    const auto households = queryCount(conn, "SELECT COUNT(*) FROM households");
    const auto grids = queryCount(conn, "SELECT COUNT(*) FROM grids");
    EXPECT_GE(buildings, 50);
    EXPECT_LE(buildings, 75); // "about 60"
    EXPECT_GE(households, 2700);
    EXPECT_LE(households, 3300); // "about 3,000"
    EXPECT_GE(grids, 6);
    EXPECT_LE(grids, 10);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM grid_staff"), 3 * grids);
    EXPECT_EQ(s_summary.count("households"), households);
    // 1-5 residents in every household.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM households h WHERE (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id) NOT BETWEEN 1 AND 5"), 0);
    // 6-floor walk-ups and 18-33-floor towers, 2-6 units, 2-4 flats per floor.
    EXPECT_GT(queryCount(conn, "SELECT COUNT(*) FROM buildings WHERE use = 'residential' AND floors = 6"), 20);
    EXPECT_GT(queryCount(conn, "SELECT COUNT(*) FROM buildings WHERE use = 'residential' AND floors BETWEEN 18 AND 33"), 2);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM buildings WHERE use = 'residential' AND NOT (floors = 6 OR floors BETWEEN 18 AND 33)"), 0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM buildings WHERE use = 'residential' AND (unit_count NOT BETWEEN 2 AND 6 OR flats_per_floor NOT BETWEEN 2 AND 4)"), 0);
    EXPECT_GT(queryCount(conn, "SELECT COUNT(*) FROM buildings WHERE use = 'commercial'"), 5);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM buildings WHERE use = 'residential' AND (compound IS NULL OR compound = '')"), 0);
}

TEST_F(DemoS, SharesOfMembersAndVulnerableHouseholdsAreRealistic) {
    const double adults = queryDouble(conn, "SELECT COUNT(*) FROM residents WHERE 2024 - birth_year >= 18");
    const double members = queryDouble(conn, "SELECT COUNT(*) FROM residents WHERE is_member = 1");
    EXPECT_GE(members / adults, 0.05);
    EXPECT_LE(members / adults, 0.07);
    EXPECT_NEAR(s_summary.memberShareOfAdults(), members / adults, 1e-12);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM residents WHERE is_member = 1 AND 2024 - birth_year < 18"), 0);
    const double adultAge = queryDouble(conn, "SELECT AVG(2024 - birth_year) FROM residents WHERE 2024 - birth_year >= 18");
    const double memberAge = queryDouble(conn, "SELECT AVG(2024 - birth_year) FROM residents WHERE is_member = 1");
    EXPECT_GT(memberAge, adultAge + 2) << "members are older on average";
    for (const char* type : {"full", "probationary", "mobile", "in_service"})
        EXPECT_GT(queryCount(conn, std::string("SELECT COUNT(*) FROM residents WHERE member_type = '") + type + "'"), 0) << type;
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM residents WHERE is_member = 1 AND branch NOT LIKE '%社区第%党支部'"), 0);
    EXPECT_GT(queryCount(conn, "SELECT COUNT(*) FROM residents WHERE branch = '湖西社区第一党支部'"), 0);

    const double hh = queryDouble(conn, "SELECT COUNT(*) FROM households");
    auto share = [&](const std::string& where) { return queryDouble(conn, "SELECT COUNT(*) FROM households WHERE " + where) / hh; };
    EXPECT_NEAR(share("hardship = 1"), 0.03, 0.012);
    EXPECT_NEAR(share("minimum_income = 1"), 0.02, 0.01);
    EXPECT_NEAR(share("elderly_alone = 1"), 0.07, 0.015);
    EXPECT_NEAR(share("left_behind_children = 1"), 0.01, 0.007);
    const double residents = queryDouble(conn, "SELECT COUNT(*) FROM residents");
    EXPECT_NEAR(queryDouble(conn, "SELECT COUNT(*) FROM residents WHERE disability = 1") / residents, 0.025, 0.008);
    // 独居老人: exactly one resident, aged 70+.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM households h WHERE elderly_alone = 1 AND ((SELECT COUNT(*) FROM residents r "
                               "WHERE r.household_id = h.id) <> 1 OR (SELECT MAX(birth_year) FROM residents r WHERE r.household_id = h.id) > 2024 - 70)"),
              0);
    // 留守儿童: children of the head's children, no parents in the household.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM households h WHERE left_behind_children = 1 AND (NOT EXISTS (SELECT 1 FROM residents r "
                               "WHERE r.household_id = h.id AND r.relation = '孙子女' AND 2024 - r.birth_year < 18) OR EXISTS (SELECT 1 FROM residents r "
                               "WHERE r.household_id = h.id AND r.relation = '子女'))"),
              0);
}

TEST_F(DemoS, ResidentsHaveNamesRelationsAndOneHeadPerHousehold) {
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM residents WHERE relation NOT IN ('户主', '配偶', '子女', '父母', '孙子女')"), 0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM households h WHERE (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id AND r.relation = '户主') <> 1"), 0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM residents WHERE length(name) NOT BETWEEN 2 AND 3 OR gender NOT IN ('M', 'F')"), 0);
    // Realistic surname frequencies: 王李张刘 lead and carry roughly a quarter to a third.
    Statement st(conn, "SELECT substr(name, 1, 1) AS s, COUNT(*) FROM residents GROUP BY s ORDER BY 2 DESC, s LIMIT 4");
    std::set<std::string> top;
    while (st.step()) top.insert(st.columnText(0));
    EXPECT_EQ(top, (std::set<std::string>{"王", "李", "张", "刘"}));
    const double big4 = queryDouble(conn, "SELECT AVG(substr(name, 1, 1) IN ('王', '李', '张', '刘')) FROM residents");
    EXPECT_GT(big4, 0.22);
    EXPECT_LT(big4, 0.38);
    EXPECT_GT(queryCount(conn, "SELECT COUNT(DISTINCT substr(name, 1, 1)) FROM residents"), 60);
    // Spouses of a different gender; children younger than the head.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM residents s JOIN residents h ON h.household_id = s.household_id AND h.relation = '户主' "
                               "WHERE s.relation = '配偶' AND s.gender = h.gender"),
              0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM residents c JOIN residents h ON h.household_id = c.household_id AND h.relation = '户主' "
                               "WHERE c.relation = '子女' AND c.birth_year <= h.birth_year"),
              0);
}

TEST_F(DemoS, IdNumbersAndPhonesAreValid) {
    Statement st(conn, "SELECT id_number, birth_year, gender, phone FROM residents ORDER BY id");
    const std::regex mobile("1(3[0-9]|5[0-35-9]|8[0-9])[0-9]{8}");
    int n = 0, bad = 0;
    std::set<std::string> ids, phones;
    while (st.step()) {
        ++n;
        const std::string id = st.columnText(0);
        const int birth = static_cast<int>(st.columnInt(1));
        const bool male = st.columnText(2) == "M";
        bool ok = validIdNumber(id) && id.substr(6, 4) == std::to_string(birth) && ((id[16] - '0') % 2 == 1) == male &&
                  (id.rfind("15", 0) == 0 || id.rfind("23", 0) == 0 || id.rfind("22", 0) == 0);
        const bool adult = kYear - birth >= 18;
        if (adult) ok = ok && std::regex_match(st.columnText(3), mobile);
        else ok = ok && st.isNull(3);
        if (!ok && ++bad <= 5) ADD_FAILURE() << "resident " << n << ": id " << id << ", born " << birth << ", phone " << st.columnText(3);
        ids.insert(id);
        if (!st.isNull(3)) phones.insert(st.columnText(3));
    }
    EXPECT_EQ(bad, 0);
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(n)) << "ID numbers are unique";
    EXPECT_EQ(static_cast<std::int64_t>(phones.size()), queryCount(conn, "SELECT COUNT(phone) FROM residents")) << "phones are unique";
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM residents WHERE id_number LIKE '150702%' OR id_number LIKE '150781%'"),
              queryCount(conn, "SELECT COUNT(*) FROM residents") - queryCount(conn, "SELECT COUNT(*) FROM residents WHERE id_number NOT LIKE '150702%' AND id_number NOT LIKE '150781%'"));
}

TEST_F(DemoS, GridsHold300To500HouseholdsWithThreeStaff) {
    EXPECT_EQ(s_summary.gridsOutsideTarget, 0);
    Statement st(conn, "SELECT g.code, (SELECT COUNT(*) FROM buildings b JOIN units u ON u.building_id = b.id JOIN households h "
                       "ON h.unit_id = u.id WHERE b.grid_id = g.id) FROM grids g ORDER BY g.id");
    while (st.step()) {
        EXPECT_GE(st.columnInt(1), 300) << st.columnText(0);
        EXPECT_LE(st.columnInt(1), 500) << st.columnText(0);
    }
    const std::regex mobile("1(3[0-9]|5[0-35-9]|8[0-9])[0-9]{8}");
    Statement staff(conn, "SELECT g.code, (SELECT COUNT(*) FROM grid_staff s WHERE s.grid_id = g.id AND s.role IN ('manager', 'supervisor', 'assistant') "
                          "AND length(s.name) >= 2 AND s.phone IS NOT NULL) FROM grids g ORDER BY g.id");
    while (staff.step()) EXPECT_EQ(staff.columnInt(1), 3) << staff.columnText(0);
    Statement phones(conn, "SELECT phone FROM grid_staff ORDER BY id");
    while (phones.step()) EXPECT_TRUE(std::regex_match(phones.columnText(0), mobile)) << phones.columnText(0);
}

TEST_F(DemoS, GridsTileEachCommunityExactly) {
    Statement st(conn, "SELECT c.id, ST_Area(c.geom), (SELECT ST_Area(ST_Union(g.geom)) FROM grids g WHERE g.community_id = c.id), "
                       "(SELECT SUM(ST_Area(g.geom)) FROM grids g WHERE g.community_id = c.id), "
                       "(SELECT ST_Area(ST_SymDifference(c.geom, ST_Union(g.geom))) FROM grids g WHERE g.community_id = c.id) "
                       "FROM communities c ORDER BY c.id");
    int n = 0;
    while (st.step()) {
        ++n;
        EXPECT_NEAR(st.columnDouble(1), st.columnDouble(2), 0.01) << "community " << st.columnInt(0) << ": union of grids";
        EXPECT_NEAR(st.columnDouble(1), st.columnDouble(3), 0.01) << "community " << st.columnInt(0) << ": sum of grid areas";
        EXPECT_LT(st.columnDouble(4), 0.01) << "community " << st.columnInt(0) << ": grids and community differ";
    }
    EXPECT_EQ(n, 2);
    EXPECT_EQ(queryDouble(conn, "SELECT COALESCE(MAX(ST_Area(ST_Intersection(a.geom, b.geom))), 0) FROM grids a JOIN grids b "
                                "ON a.id < b.id AND ST_Intersects(a.geom, b.geom)"),
              0.0);
    EXPECT_EQ(queryDouble(conn, "SELECT COALESCE(MAX(ST_Area(ST_Intersection(a.geom, b.geom))), 0) FROM communities a JOIN communities b ON a.id < b.id"), 0.0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM grids WHERE ST_IsValid(geom) IS NOT 1 OR ST_GeometryType(geom) <> 'POLYGON'"), 0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM grids g JOIN communities c ON c.id = g.community_id WHERE NOT ST_CoveredBy(g.geom, c.geom)"), 0);
}

TEST_F(DemoS, EveryBuildingLiesInExactlyOneGridThatHoldsIt) {
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM buildings WHERE grid_id IS NULL AND use IN ('residential', 'mixed')"), 0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM buildings b JOIN grids g ON g.id = b.grid_id WHERE NOT ST_Within(b.geom, g.geom)"), 0);
    // No grid boundary cuts a building: only its own grid overlaps it with area.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM buildings b JOIN grids g ON g.id <> b.grid_id AND ST_Intersects(b.geom, g.geom) "
                               "WHERE ST_Area(ST_Intersection(b.geom, g.geom)) > 0"),
              0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM buildings b JOIN grids g ON g.id = b.grid_id WHERE g.community_id <> b.community_id"), 0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM buildings a JOIN buildings b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)"), 0);
}

TEST_F(DemoS, HouseholdPointsLieInTheirUnitsPartOfTheFootprint) {
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM households WHERE geom IS NULL"), 0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id "
                               "WHERE NOT ST_Within(h.geom, b.geom)"),
              0);
    // Within the unit's share of the building's length, around its entrance.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id "
                               "WHERE abs(ST_X(h.geom) - ST_X(u.geom)) > (MbrMaxX(b.geom) - MbrMinX(b.geom)) / b.unit_count / 2"),
              0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) - COUNT(DISTINCT ST_X(geom) || ',' || ST_Y(geom)) FROM households"), 0) << "no two coincide";
    // Rooms are floor + flat: 501 is floor 5, flat 01.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id "
                               "WHERE CAST(h.room AS INTEGER) / 100 <> h.floor OR CAST(h.room AS INTEGER) % 100 NOT BETWEEN 1 AND b.flats_per_floor"),
              0);
}

TEST_F(DemoS, UnitEntrancesSitOnTheFootprintWhereAPathArrives) {
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM units u JOIN buildings b ON b.id = u.building_id "
                               "WHERE ST_Distance(u.geom, ST_ExteriorRing(b.geom)) > 1e-6"),
              0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM units u WHERE NOT EXISTS (SELECT 1 FROM streets s WHERE s.class = 'compound_path' "
                               "AND ST_Intersects(s.geom, u.geom))"),
              0);
}

TEST_F(DemoS, StreetsAreANodedNetworkOfLineStrings) {
    for (const char* cls : {"arterial", "local", "compound_path", "gate"})
        EXPECT_GT(queryCount(conn, std::string("SELECT COUNT(*) FROM streets WHERE class = '") + cls + "'"), 0) << cls;
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM streets WHERE ST_GeometryType(geom) <> 'LINESTRING' OR ST_Length(geom) <= 0"), 0);
    // Noded: segments meet only at their end points, never cross or overlap.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM streets a JOIN streets b ON a.id < b.id AND ST_Intersects(a.geom, b.geom) "
                               "WHERE NOT (ST_Touches(a.geom, b.geom) AND (ST_Intersects(ST_StartPoint(a.geom), b.geom) "
                               "OR ST_Intersects(ST_EndPoint(a.geom), b.geom)) AND (ST_Intersects(ST_StartPoint(b.geom), a.geom) "
                               "OR ST_Intersects(ST_EndPoint(b.geom), a.geom)))"),
              0);
    // Every gate joins a street centre line at one end and a compound path or footpath at the other.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM streets g WHERE g.class = 'gate' AND (NOT EXISTS (SELECT 1 FROM streets s WHERE "
                               "s.class IN ('arterial', 'local') AND ST_Touches(s.geom, g.geom)) OR NOT EXISTS (SELECT 1 FROM streets p "
                               "WHERE p.class IN ('compound_path', 'footpath') AND ST_Touches(p.geom, g.geom)))"),
              0);
    // Paths never run through a building.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM streets s JOIN buildings b ON ST_Intersects(s.geom, b.geom) "
                               "WHERE ST_Length(ST_Intersection(s.geom, b.geom)) > 0"),
              0);
}

TEST_F(DemoS, PostsSitWhereRealOnesWould) {
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM service_posts WHERE type = 'pioneer_post'"), 11);
    for (const char* type : {"health_station", "charity_shop", "aid_station", "convenience_service", "activity_room"})
        EXPECT_EQ(queryCount(conn, std::string("SELECT COUNT(*) FROM service_posts WHERE type = '") + type + "'"), 1) << type;
    // In a commercial, public or mixed building (inside its footprint), or at a compound gate.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM service_posts p JOIN buildings b ON b.id = p.building_id "
                               "WHERE b.use = 'residential' OR NOT ST_Within(p.geom, b.geom)"),
              0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM service_posts p WHERE p.building_id IS NULL AND NOT EXISTS "
                               "(SELECT 1 FROM streets s WHERE s.class = 'gate' AND ST_Distance(s.geom, p.geom) < 8)"),
              0);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM service_posts p JOIN buildings b ON b.id = p.building_id WHERE p.type = 'health_station' "
                               "AND b.use IN ('commercial', 'mixed')"),
              1);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM service_posts p JOIN communities c ON c.id = p.community_id WHERE NOT ST_Within(p.geom, c.geom)"), 0);
    // Each community has its service centre, and pioneer posts are kept by members.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM buildings WHERE name LIKE '%社区党群服务中心' AND use = 'public'"), 2);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM service_posts p LEFT JOIN residents r ON r.id = p.staffed_by WHERE p.type = 'pioneer_post' "
                               "AND r.is_member IS NOT 1"),
              0);
}

TEST_F(DemoS, SpatialIndexesAndLayerStatisticsAreComplete) {
    Statement st(conn, "SELECT f_table_name FROM geometry_columns WHERE spatial_index_enabled = 1 ORDER BY f_table_name");
    std::vector<std::string> tables;
    while (st.step()) tables.push_back(st.columnText(0));
    EXPECT_EQ(tables.size(), 7U);
    // CheckSpatialIndex() logs what it did, so it runs on a writable copy.
    TempDir scratch;
    fs::copy_file(s_path, scratch.file("copy.sqlite"));
    Connection rw(scratch.file("copy.sqlite"), OpenMode::ReadWrite);
    for (const auto& t : tables) {
        EXPECT_EQ(conn.queryText("SELECT rtreecheck('idx_" + t + "_geom')"), "ok") << t;
        EXPECT_EQ(queryCount(rw, "SELECT CheckSpatialIndex('" + t + "', 'geom')"), 1) << t;
        EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM idx_" + t + "_geom"), queryCount(conn, "SELECT COUNT(*) FROM " + t + " WHERE geom IS NOT NULL")) << t;
    }
    // A window query through the index finds exactly the points a scan finds.
    const std::string window = "530900, 5494300, 531100, 5494600";
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM households WHERE rowid IN (SELECT pkid FROM idx_households_geom WHERE xmin <= 531100 "
                               "AND xmax >= 530900 AND ymin <= 5494600 AND ymax >= 5494300) AND MbrIntersects(geom, BuildMbr(" + window + "))"),
              queryCount(conn, "SELECT COUNT(*) FROM households WHERE MbrIntersects(geom, BuildMbr(" + window + "))"));
    // Extents and row counts for QGIS and ogrinfo, tables and spatial views alike.
    EXPECT_EQ(queryCount(conn, "SELECT row_count FROM geometry_columns_statistics WHERE f_table_name = 'households'"),
              queryCount(conn, "SELECT COUNT(*) FROM households"));
    EXPECT_EQ(queryCount(conn, "SELECT row_count FROM views_geometry_columns_statistics WHERE view_name = 'household_summary'"),
              queryCount(conn, "SELECT COUNT(*) FROM household_summary"));
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM geometry_columns_statistics WHERE row_count > 0 AND extent_min_x IS NULL"), 0);
    // The triggers set aside for the bulk load are all back.
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'gii%'"), 7); // rooms: none
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tmi%'"), 8);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ggi%'"), 8);
    EXPECT_EQ(conn.queryText("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(conn.queryText("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
}

TEST_F(DemoS, AssignmentsPairVulnerableHouseholdsWithMembersOfTheirGrid) {
    EXPECT_GT(queryCount(conn, "SELECT COUNT(*) FROM assignments WHERE kind = 'pairing'"), 50);
    EXPECT_EQ(queryCount(conn, "SELECT COUNT(*) FROM assignments a JOIN residents r ON r.id = a.member_id JOIN households mh ON mh.id = r.household_id "
                               "JOIN units mu ON mu.id = mh.unit_id JOIN buildings mb ON mb.id = mu.building_id JOIN households h ON h.id = a.household_id "
                               "JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id "
                               "WHERE a.kind = 'pairing' AND (mb.grid_id <> b.grid_id OR r.household_id = a.household_id OR r.member_type = 'mobile')"),
              0);
    EXPECT_EQ(queryCount(conn, "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM assignments WHERE kind = 'pairing' GROUP BY member_id)") <= 3, true);
}

TEST(DemoGenerator, SameSeedGivesTheSameFileAndAnotherSeedDoesNot) {
    TempDir dir;
    const std::string a = dir.file("a.sqlite"), b = dir.file("b.sqlite"), c = dir.file("c.sqlite");
    generateDemo(a, DemoOptions{DemoScale::S, 7, {}});
    generateDemo(b, DemoOptions{DemoScale::S, 7, {}});
    generateDemo(c, DemoOptions{DemoScale::S, 8, {}});
    const std::string da = dumpAll(a), db = dumpAll(b), dc = dumpAll(c);
    EXPECT_GT(da.size(), 1000000U);
    EXPECT_TRUE(da == db) << "same seed, different tables";
    EXPECT_TRUE(fileBytes(a) == fileBytes(b)) << "same seed, different file bytes";
    EXPECT_FALSE(da == dc) << "another seed gave the same district";
    // No wall-clock time anywhere: only the census date derived from the seed.
    char today[16];
    const std::time_t now = std::time(nullptr);
    std::strftime(today, sizeof today, "%Y-%m-%d", std::gmtime(&now));
    EXPECT_EQ(da.find(today), std::string::npos) << "today's date " << today << " is in the data";
}

TEST(DemoGenerator, CancelFromTheProgressCallbackStopsWithCancelledError) {
    TempDir dir;
    Feedback feedback;
    double last = 0;
    int callsAfterCancel = 0;
    feedback.setProgressCallback([&](double percent, const std::string&) {
        if (feedback.isCancelled()) ++callsAfterCancel;
        last = percent;
        if (percent >= 10) feedback.cancel();
    });
    EXPECT_THROW(generateDemo(dir.file("x.sqlite"), DemoOptions{}, &feedback), CancelledError);
    EXPECT_LT(last, 20.0);
    EXPECT_EQ(callsAfterCancel, 0);
}

TEST(DemoGenerator, RefusesToOverwriteAnExistingFile) {
    TempDir dir;
    std::ofstream(dir.file("x.sqlite")) << "keep me";
    EXPECT_THROW(generateDemo(dir.file("x.sqlite"), DemoOptions{}), StorageError);
    EXPECT_EQ(fileBytes(dir.file("x.sqlite")), "keep me");
}

// --- gridatlas-cli demo ------------------------------------------------------------------

namespace {
int cli(const std::string& args, std::string* out) { return gridatlas::testing::runCommand(gridatlas::testing::cliPath() + " demo " + args, out); }
std::vector<std::string> filesIn(const fs::path& dir) {
    std::vector<std::string> v;
    for (const auto& e : fs::directory_iterator(dir)) v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
}
} // namespace

TEST(DemoCli, WritesTheAtlasAndPrintsASummary) {
    TempDir dir;
    std::string out;
    ASSERT_EQ(cli("--out " + dir.file("demo.sqlite") + " --scale S --seed 20240601", &out), 0) << out;
    EXPECT_NE(out.find("households"), std::string::npos) << out;
    EXPECT_NE(out.find("% of adults"), std::string::npos) << out;
    EXPECT_NE(out.find("[100%]"), std::string::npos) << out;
    EXPECT_EQ(filesIn(dir.path()), std::vector<std::string>{"demo.sqlite"}) << "temp files left behind";
    auto atlas = Atlas::open(dir.file("demo.sqlite"), OpenMode::ReadOnly);
    EXPECT_EQ(atlas->srid(), 4548);
}

TEST(DemoCli, RefusesExistingOutputUnlessForced) {
    TempDir dir;
    std::ofstream(dir.file("demo.sqlite")) << "old";
    std::string out;
    EXPECT_EQ(cli("--out " + dir.file("demo.sqlite"), &out), 1);
    EXPECT_NE(out.find("already exists (use --force"), std::string::npos) << out;
    EXPECT_EQ(fileBytes(dir.file("demo.sqlite")), "old");
    EXPECT_EQ(cli("--out " + dir.file("demo.sqlite") + " --force", &out), 0) << out;
    EXPECT_EQ(filesIn(dir.path()), std::vector<std::string>{"demo.sqlite"});
    EXPECT_NO_THROW(Atlas::open(dir.file("demo.sqlite"), OpenMode::ReadOnly));
}

TEST(DemoCli, BadOptionsAndFoldersAreNamed) {
    TempDir dir;
    std::string out;
    EXPECT_EQ(cli("--out " + dir.file("x.sqlite") + " --scale XL", &out), 1);
    EXPECT_NE(out.find("--scale 'XL' is not S, M or L"), std::string::npos) << out;
    EXPECT_EQ(cli("--out " + dir.file("x.sqlite") + " --seed abc", &out), 1);
    EXPECT_NE(out.find("--seed 'abc' is not a whole number"), std::string::npos) << out;
    EXPECT_EQ(cli("--out " + dir.file("missing/x.sqlite"), &out), 1);
    EXPECT_NE(out.find("does not exist"), std::string::npos) << out;
    EXPECT_EQ(cli("--scale S", &out), 1);
    EXPECT_NE(out.find("--out is required"), std::string::npos) << out;
    EXPECT_TRUE(filesIn(dir.path()).empty());
}

TEST(DemoCli, InterruptCancelsAndLeavesNoFile) {
    TempDir dir;
    std::string out;
    // M takes seconds; interrupt it after half a second, as Ctrl-C would.
    const std::string cmd = "{ " + gridatlas::testing::cliPath() + " demo --out " + dir.file("m.sqlite") +
                            " --scale M & pid=$!; sleep 0.5; kill -INT $pid; wait $pid; }";
    const int code = gridatlas::testing::runCommand(cmd, &out);
    EXPECT_EQ(code, 130) << out;
    EXPECT_NE(out.find("cancelled"), std::string::npos) << out;
    EXPECT_TRUE(filesIn(dir.path()).empty()) << "files left after the interrupt";
}
