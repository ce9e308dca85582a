// Floor-plan import: DXF drawings written with GDAL's DXF writer (CAD millimetres at a far origin,
// turned), placed by scale/rotation/anchor and fitted to the footprint; GeoJSON rooms; generated
// plans; repeat_on floors; the real DXFs of shared/realdata; errors leave the atlas as it was.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "io/floor_plan_import.h"
#include "model/support/error.h"
#include "plan/plan_test_support.h"
#include "storage/building_table.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using gridatlas::testing::DxfShape;
using gridatlas::testing::DxfText;
using gridatlas::testing::placed;
using gridatlas::testing::rectRing;
using gridatlas::testing::SmallWorld;
using model::Vec2;

namespace {

constexpr double kX0 = SmallWorld::kX0 + 50, kY0 = SmallWorld::kY0 + 50; // building 1's south-west corner (60 x 12 m)

/// A typical floor of building 1 as CAD draws it, in millimetres: two units of two flats around a
/// stairwell, an outline around everything, a bedroom inside flat 01 of unit 1, a hatch over that
/// flat's own polyline and open wall lines. Turned by `deg` (texts too) and moved to (dx, dy) in
/// CAD space.
void writeTypicalFloor(const std::string& path, double deg, double dx, double dy) {
    auto at = [&](const std::vector<Vec2>& r) { return placed(r, 1.0, deg, dx, dy); };
    auto pt = [&](double x, double y) { return placed({{x, y}}, 1.0, deg, dx, dy).front(); };
    std::vector<DxfShape> shapes;
    std::vector<DxfText> texts;
    shapes.push_back({at(rectRing(0, 0, 60000, 12000)), "OUTLINE"});
    for (int u = 0; u < 2; ++u) {
        const double o = 30000.0 * u;
        shapes.push_back({at(rectRing(o, 0, o + 13500, 12000))});
        shapes.push_back({at(rectRing(o + 13500, 0, o + 16500, 12000))});
        shapes.push_back({at(rectRing(o + 16500, 0, o + 30000, 12000))});
        texts.push_back({pt(o + 6750, 8000), "01", "TEXT", deg});
        texts.push_back({pt(o + 15000, 6000), "楼梯", "TEXT", deg});
        texts.push_back({pt(o + 23250, 6000), "02", "TEXT", deg});
    }
    shapes.push_back({at(rectRing(1000, 1000, 6000, 5000))});
    texts.push_back({pt(3500, 3000), "卧室", "TEXT", deg});
    shapes.push_back({at(rectRing(0, 0, 13500, 12000)), "ROOMS", true}); // the hatch of flat 01's polyline
    gridatlas::testing::writeDxf(path, shapes, texts, {at({{0, 6000}, {13500, 6000}})});
}

Vec2 rotate(Vec2 p, double deg) {
    const double a = deg * std::numbers::pi / 180.0;
    return {std::cos(a) * p.x - std::sin(a) * p.y, std::sin(a) * p.x + std::cos(a) * p.y};
}

const storage::FloorPlanRoom* roomOf(const storage::FloorPlan& plan, int unit, const std::string& label) {
    for (const auto& r : plan.rooms)
        if (r.unit == unit && r.label == label) return &r;
    return nullptr;
}

/// The world centre of a room.
Vec2 worldCentre(const storage::FloorPlan& plan, const storage::FloorPlanRoom& r) {
    return plan.placement->toWorld(model::centroid(r.geometry));
}

std::int64_t count(storage::Atlas& a, const std::string& sql) {
    return a.connection().queryInt(sql).value_or(-1);
}

} // namespace

TEST(FloorPlanImport, DxfPlacedByScaleRotationAndAnchor) {
    SmallWorld w;
    const std::string dxf = w.dir.file("typical.dxf");
    const Vec2 cadOrigin{1.0e6, 2.0e6};
    writeTypicalFloor(dxf, 30.0, cadOrigin.x, cadOrigin.y);
    // The drawing's floor corner is at cadOrigin, turned 30°: turn back by 30° and put it on the footprint.
    io::PlanImportOptions o;
    o.scale = 0.001;
    o.rotationDeg = -30.0;
    const Vec2 back = rotate(cadOrigin, -30.0);
    o.anchor = Vec2{kX0 - 0.001 * back.x, kY0 - 0.001 * back.y};
    const auto r = io::importFloorPlan(*w.atlas, 1, dxf, o);
    EXPECT_EQ(r.rooms, 8); // outline, 4 flats, 2 stairs, 1 bedroom; the hatch and the walls are gone
    EXPECT_EQ(r.flats, 4);
    EXPECT_EQ(r.linkedFlats, 4);
    EXPECT_EQ(r.households, 24);
    EXPECT_EQ(r.floors, (std::vector<int>{1, 2, 3, 4, 5, 6}));
    EXPECT_NEAR(r.placement.scale, 0.001, 1e-12);
    EXPECT_FALSE(r.placement.fitted);

    const auto plan = storage::loadFloorPlan(*w.atlas, 1);
    ASSERT_TRUE(plan.placement.has_value());
    ASSERT_EQ(plan.rooms.size(), 8u);
    std::map<std::string, int> kinds;
    for (const auto& room : plan.rooms) ++kinds[room.kind];
    EXPECT_EQ(kinds["flat"], 4);
    EXPECT_EQ(kinds["stair"], 2);
    EXPECT_EQ(kinds["outline"], 1);
    EXPECT_EQ(kinds["room"], 1);
    for (const auto& room : plan.rooms) {
        EXPECT_EQ(room.repeatOn, "1-6");
        EXPECT_EQ(room.householdId, 0); // on six floors: linked through unit + label, not one household
    }
    // Unit 1's flat 01 lands on the west end of the footprint, unit 2's flat 02 on the east end.
    const auto* west = roomOf(plan, 1, "01");
    const auto* east = roomOf(plan, 2, "02");
    ASSERT_TRUE(west && east);
    const Vec2 wc = worldCentre(plan, *west), ec = worldCentre(plan, *east);
    EXPECT_NEAR(wc.x, kX0 + 6.75, 0.01);
    EXPECT_NEAR(wc.y, kY0 + 6.0, 0.01);
    EXPECT_NEAR(ec.x, kX0 + 53.25, 0.01);
    EXPECT_NEAR(ec.y, kY0 + 6.0, 0.01);
    // Building-local metres: the drawing's corner at 0,0, upright in the building's frame.
    const model::Rect local = west->geometry.bounds();
    EXPECT_NEAR(local.width() * local.height(), 13.5 * 12.0, 0.05);
    EXPECT_EQ(roomOf(plan, 1, "卧室")->kind, "room");

    // The building table follows from the plan, and the import is on record.
    const auto table = storage::loadBuildingTable(*w.atlas, 1);
    EXPECT_TRUE(table.hasPlan);
    for (const auto& c : table.cells) EXPECT_TRUE(c.onPlan) << c.room;
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM imports WHERE kind = 'floor_plan' AND added = 8"), 1);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM feature_sources WHERE table_name = 'rooms'"), 8);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM floor_plans WHERE building_id = 1 AND source = 'typical.dxf'"), 1);
}

TEST(FloorPlanImport, DxfFittedToTheFootprintWhicheverWayItIsDrawn) {
    for (double deg : {30.0, 210.0, -75.0}) {
        SCOPED_TRACE("drawn turned by " + std::to_string(deg));
        SmallWorld w;
        const std::string dxf = w.dir.file("typical.dxf");
        writeTypicalFloor(dxf, deg, -4.2e5, 7.7e6);
        io::PlanImportOptions o;
        o.fit = true;
        const auto r = io::importFloorPlan(*w.atlas, 1, dxf, o);
        EXPECT_TRUE(r.placement.fitted);
        EXPECT_NEAR(r.placement.scale, 0.001, 1e-6);
        EXPECT_LT(r.fitMismatch, 0.01);
        EXPECT_TRUE(r.warnings.empty());
        const auto plan = storage::loadFloorPlan(*w.atlas, 1);
        // The texts say which way up the drawing is: unit 1 ends up by its entrance in the west.
        const Vec2 wc = worldCentre(plan, *roomOf(plan, 1, "01")), ec = worldCentre(plan, *roomOf(plan, 2, "02"));
        EXPECT_NEAR(wc.x, kX0 + 6.75, 0.02);
        EXPECT_NEAR(wc.y, kY0 + 6.0, 0.02);
        EXPECT_NEAR(ec.x, kX0 + 53.25, 0.02);
    }
}

TEST(FloorPlanImport, OrientedBoxAndFitGeometry) {
    const auto ring = placed(rectRing(0, 0, 40, 10), 1.0, 20.0, 100, 200);
    const auto box = io::orientedBoundingBox(ring);
    EXPECT_NEAR(box.length, 40, 1e-9);
    EXPECT_NEAR(box.width, 10, 1e-9);
    EXPECT_NEAR(box.angleDeg, 20.0, 1e-9);
    const Vec2 c = placed({{20, 5}}, 1.0, 20.0, 100, 200).front();
    EXPECT_NEAR(box.center.x, c.x, 1e-9);
    EXPECT_NEAR(box.center.y, c.y, 1e-9);
    // A drawing twice the size, turned by 50°: scale 0.5, rotation -30 (the smaller turn).
    const auto drawing = io::orientedBoundingBox(placed(rectRing(0, 0, 80, 20), 1.0, 50.0, -7, 3));
    const auto p = io::fitPlacement(drawing, box, std::nullopt);
    EXPECT_NEAR(p.scale, 0.5, 1e-9);
    EXPECT_NEAR(p.rotationDeg, -30.0, 1e-9);
    const Vec2 mapped = p.toWorld(drawing.center);
    EXPECT_NEAR(mapped.x, box.center.x, 1e-6);
    EXPECT_NEAR(mapped.y, box.center.y, 1e-6);
    // A given scale is kept.
    EXPECT_NEAR(io::fitPlacement(drawing, box, 0.25).scale, 0.25, 1e-12);
}

TEST(FloorPlanImport, RepeatOnFloorsAreReplacedFloorByFloor) {
    SmallWorld w;
    const std::string dxf = w.dir.file("typical.dxf");
    writeTypicalFloor(dxf, 0, 0, 0);
    io::PlanImportOptions o;
    o.fit = true;
    o.floors = "1-6";
    io::importFloorPlan(*w.atlas, 1, dxf, o);
    // Floor 3 drawn on its own: the typical floor keeps 1-2 and 4-6, floor 3's flats link their households.
    o.floors = "3";
    const auto r3 = io::importFloorPlan(*w.atlas, 1, dxf, o);
    EXPECT_EQ(r3.replacedRooms, 8);
    auto plan = storage::loadFloorPlan(*w.atlas, 1);
    EXPECT_EQ(plan.rooms.size(), 16u);
    const auto drawings = plan.drawings();
    ASSERT_EQ(drawings.size(), 2u);
    EXPECT_EQ(storage::formatFloorList(drawings[0]), "1-2;4-6");
    EXPECT_EQ(storage::formatFloorList(drawings[1]), "3");
    const auto linked = w.atlas->connection().queryInt(
        "SELECT COUNT(*) FROM rooms r JOIN households h ON h.id = r.household_id JOIN units u ON u.id = h.unit_id "
        "WHERE r.floor = 3 AND r.repeat_on IS NULL AND h.floor = 3 AND u.id = r.unit_id AND h.room = '3' || r.label");
    EXPECT_EQ(linked.value_or(0), 4);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms WHERE repeat_on = '1-2;4-6'"), 8);
    // The building table knows the plan on every floor.
    for (const auto& c : storage::loadBuildingTable(*w.atlas, 1).cells) EXPECT_TRUE(c.onPlan);
    // Re-imported for all floors, the typical floor replaces both.
    o.floors = "1-6";
    const auto all = io::importFloorPlan(*w.atlas, 1, dxf, o);
    EXPECT_EQ(all.replacedRooms, 16);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms"), 8);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM feature_sources WHERE table_name = 'rooms'"), 8);
}

TEST(FloorPlanImport, FloorsFromDxfLayerNames) {
    SmallWorld w;
    const std::string dxf = w.dir.file("floors.dxf");
    gridatlas::testing::writeDxf(dxf,
                                 {{rectRing(0, 0, 30, 12), "1F"},
                                  {rectRing(30, 0, 60, 12), "1F"},
                                  {rectRing(0, 0, 30, 12), "2-6F"},
                                  {rectRing(30, 0, 60, 12), "2-6F"}},
                                 {{{15, 6}, "01"}, {{45, 6}, "02"}});
    io::PlanImportOptions o;
    o.fit = true;
    const auto r = io::importFloorPlan(*w.atlas, 1, dxf, o);
    EXPECT_EQ(r.rooms, 4);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms WHERE floor = 1 AND repeat_on IS NULL"), 2);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms WHERE repeat_on = '2-6'"), 2);
    // Floor 1's rooms are on one floor: linked to their households directly.
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms WHERE floor = 1 AND household_id IS NOT NULL"), 2);
}

TEST(FloorPlanImport, GeneratedPlanFillsTheFootprint) {
    SmallWorld w;
    const auto r = io::generateFloorPlan(*w.atlas, 1, {});
    EXPECT_EQ(r.rooms, 6); // per unit: two flats and a stairwell
    EXPECT_EQ(r.flats, 4);
    EXPECT_EQ(r.households, 24);
    EXPECT_TRUE(r.placement.fitted);
    EXPECT_EQ(r.placement.source, "generated");
    const auto plan = storage::loadFloorPlan(*w.atlas, 1);
    double area = 0;
    const model::Rect fp = plan.footprint.bounds();
    for (const auto& room : plan.rooms) {
        EXPECT_EQ(room.repeatOn, "1-6");
        area += model::area(room.geometry);
        for (const auto& p : room.geometry.coords) {
            const Vec2 q = plan.placement->toWorld(p);
            EXPECT_TRUE(fp.buffered(1e-6).contains(q)) << room.label << " at " << q.x << "," << q.y;
        }
    }
    EXPECT_NEAR(area, model::area(plan.footprint), 1e-6);
    // Unit 1 in the west half, flat 01 west of flat 02.
    EXPECT_LT(worldCentre(plan, *roomOf(plan, 1, "01")).x, worldCentre(plan, *roomOf(plan, 1, "02")).x);
    EXPECT_LT(worldCentre(plan, *roomOf(plan, 1, "02")).x, worldCentre(plan, *roomOf(plan, 2, "01")).x);
    for (const auto& c : storage::loadBuildingTable(*w.atlas, 1).cells) EXPECT_TRUE(c.onPlan);

    // Four flats a floor for a tower: two on each side of the stairwell, numbered from the back left.
    io::GenerateOptions g;
    g.flatsPerFloor = 4;
    g.floors = "2-18";
    const auto t = io::generateFloorPlan(*w.atlas, 2, g);
    EXPECT_EQ(t.rooms, 5);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms WHERE building_id = 2 AND repeat_on = '2-18'"), 5);
    const auto tower = storage::loadBuildingTable(*w.atlas, 2);
    EXPECT_EQ(tower.units[0].flats, 4); // the plan widens the unit: the table follows it
    EXPECT_FALSE(tower.find(2, 1, 3)->hasHousehold());
    EXPECT_TRUE(tower.find(2, 1, 3)->onPlan);
    EXPECT_FALSE(tower.find(1, 1, 1)->onPlan);
}

TEST(FloorPlanImport, GeoJsonRoomsWithTheirOwnProperties) {
    SmallWorld w;
    const std::string path = w.dir.file("rooms.geojson");
    // In map coordinates: placed with scale 1 at anchor 0,0.
    auto ring = [](double x0, double x1) {
        return "[[[" + std::to_string(kX0 + x0) + "," + std::to_string(kY0) + "],[" + std::to_string(kX0 + x1) + "," +
               std::to_string(kY0) + "],[" + std::to_string(kX0 + x1) + "," + std::to_string(kY0 + 12) + "],[" +
               std::to_string(kX0 + x0) + "," + std::to_string(kY0 + 12) + "],[" + std::to_string(kX0 + x0) + "," +
               std::to_string(kY0) + "]]]";
    };
    std::ofstream(path)
        << R"({"type":"FeatureCollection","features":[)"
        << R"({"type":"Feature","properties":{"label":"01","unit":1,"floors":"3"},"geometry":{"type":"Polygon","coordinates":)"
        << ring(0, 15) << "}},"
        << R"({"type":"Feature","properties":{"label":"2-02","floors":"3"},"geometry":{"type":"Polygon","coordinates":)"
        << ring(45, 60) << "}},"
        << R"({"type":"Feature","properties":{"name":"楼梯","kind":"stair","repeat_on":"1-6"},"geometry":{"type":"Polygon","coordinates":)"
        << ring(28, 32) << "}}]}";
    io::PlanImportOptions o;
    o.scale = 1.0;
    o.anchor = Vec2{0, 0};
    const auto r = io::importFloorPlan(*w.atlas, 1, path, o);
    EXPECT_EQ(r.rooms, 3);
    EXPECT_EQ(r.flats, 2);
    EXPECT_EQ(r.linkedFlats, 2);
    const auto plan = storage::loadFloorPlan(*w.atlas, 1);
    const auto* f01 = roomOf(plan, 1, "01");
    const auto* f02 = roomOf(plan, 2, "2-02");
    ASSERT_TRUE(f01 && f02);
    EXPECT_EQ(f01->floors, (std::vector<int>{3}));
    // One floor: linked to the households of unit 1 room 301 and unit 2 room 302.
    EXPECT_EQ(w.atlas->connection().queryText(
                  "SELECT h.room || '/' || u.number FROM rooms r JOIN households h ON h.id = r.household_id "
                  "JOIN units u ON u.id = h.unit_id WHERE r.id = " +
                  std::to_string(f01->id)),
              "301/1");
    EXPECT_EQ(w.atlas->connection().queryText(
                  "SELECT h.room || '/' || u.number FROM rooms r JOIN households h ON h.id = r.household_id "
                  "JOIN units u ON u.id = h.unit_id WHERE r.id = " +
                  std::to_string(f02->id)),
              "302/2");
    const Vec2 c = worldCentre(plan, *f01);
    EXPECT_NEAR(c.x, kX0 + 7.5, 1e-6);
    EXPECT_NEAR(c.y, kY0 + 6, 1e-6);

    // A kind the atlas does not know names the feature and the property; nothing is written.
    std::ofstream(path)
        << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"label":"01","kind":"garage"},)"
        << R"("geometry":{"type":"Polygon","coordinates":)" << ring(0, 15) << "}}]}";
    try {
        io::importFloorPlan(*w.atlas, 1, path, o);
        FAIL() << "an unknown kind was accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("kind"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("garage"), std::string::npos) << e.what();
    }
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms"), 3);
}

TEST(FloorPlanImport, BadInputFailsClearlyAndWritesNothing) {
    SmallWorld w;
    io::generateFloorPlan(*w.atlas, 1, {});
    const auto rooms = count(*w.atlas, "SELECT COUNT(*) FROM rooms");
    const auto imports = count(*w.atlas, "SELECT COUNT(*) FROM imports");
    const std::string dxf = w.dir.file("typical.dxf");
    writeTypicalFloor(dxf, 0, 0, 0);
    auto expectError = [&](const io::PlanImportOptions& o, const std::string& path, const std::vector<std::string>& words) {
        try {
            io::importFloorPlan(*w.atlas, 1, path, o);
            ADD_FAILURE() << "accepted " << path;
        } catch (const InputError& e) {
            for (const auto& word : words) EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
        }
        EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms"), rooms);
        EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM imports"), imports);
    };
    io::PlanImportOptions fit;
    fit.fit = true;
    io::PlanImportOptions o = fit;
    o.floors = "2-9";
    expectError(o, dxf, {"floor 7", "top floor", "1栋"});
    o.floors = "5-3";
    expectError(o, dxf, {"--floors", "5-3"});
    expectError(io::PlanImportOptions{}, dxf, {"--anchor", "--fit"});
    o = fit;
    o.drawing.layers = {"NOPE"};
    expectError(o, dxf, {"no closed shapes", "OUTLINE", "ROOMS"});
    expectError(fit, w.dir.file("plan.dwg"), {"plan.dwg", "format"});
    expectError(fit, w.dir.file("missing.dxf"), {"missing.dxf", "does not exist"});
    {
        const std::string walls = w.dir.file("walls.dxf");
        gridatlas::testing::writeDxf(walls, {}, {{{1, 1}, "01"}}, {{{0, 0}, {10, 0}}, {{10, 0}, {10, 10}}});
        expectError(fit, walls, {"walls.dxf", "no closed shapes", "WALLS"});
    }
    {
        const std::string junk = w.dir.file("junk.dxf");
        std::ofstream(junk) << "this is not a drawing\n";
        expectError(fit, junk, {"junk.dxf"});
    }
    // A dry run does the work and writes nothing.
    o = fit;
    o.dryRun = true;
    const auto r = io::importFloorPlan(*w.atlas, 1, dxf, o);
    EXPECT_EQ(r.rooms, 8);
    EXPECT_EQ(r.importId, 0);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms"), rooms);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM imports"), imports);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM floor_plans WHERE source = 'generated'"), 1);
    // Only the ROOMS layer: the outline is left out.
    o.dryRun = false;
    o.drawing.layers = {"ROOMS"};
    EXPECT_EQ(io::importFloorPlan(*w.atlas, 1, dxf, o).rooms, 7);
}

TEST(FloorPlanImport, CancelledImportWritesNothing) {
    SmallWorld w;
    const std::string dxf = w.dir.file("typical.dxf");
    writeTypicalFloor(dxf, 0, 0, 0);
    Feedback feedback;
    feedback.setProgressCallback([&](double percent, const std::string&) {
        if (percent >= 70) feedback.cancel(); // while the rooms are being stored
    });
    io::PlanImportOptions o;
    o.fit = true;
    EXPECT_THROW(io::importFloorPlan(*w.atlas, 1, dxf, o, &feedback), CancelledError);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms"), 0);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM imports"), 0);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM floor_plans"), 0);
}

TEST(FloorPlanImport, RealDxfDrawingsImport) {
    const std::vector<std::string> files{"dxf_cadastral_hatch_libspatialite.dxf", "dxf_citymap_22_libspatialite.dxf"};
    const std::filesystem::path dir = gridatlas::testing::sourcePath("../shared/realdata");
    for (const auto& name : files) {
        SCOPED_TRACE(name);
        if (!std::filesystem::exists(dir / name)) GTEST_SKIP() << "no " << (dir / name).string();
        SmallWorld w;
        const std::string copy = w.dir.file(name);
        std::filesystem::copy_file(dir / name, copy);
        const auto drawing = io::readDrawing(copy);
        EXPECT_GT(drawing.rooms.size(), 0u);
        EXPECT_GT(drawing.texts.size(), 0u);
        io::PlanImportOptions o;
        o.fit = true;
        const auto r = io::importFloorPlan(*w.atlas, 2, copy, o);
        EXPECT_EQ(r.rooms, static_cast<int>(drawing.rooms.size()));
        EXPECT_TRUE(r.placement.fitted);
        EXPECT_GT(r.placement.scale, 0);
        // Parcel numbers are not flat numbers: nothing pretends to be a household.
        EXPECT_EQ(r.flats, 0);
        const auto plan = storage::loadFloorPlan(*w.atlas, 2);
        ASSERT_EQ(plan.rooms.size(), drawing.rooms.size());
        // Fitted: the drawing's box now has the footprint's area (25 x 20 m) and centre.
        std::vector<Vec2> world;
        for (const auto& room : plan.rooms)
            for (const auto& p : room.geometry.coords) world.push_back(plan.placement->toWorld(p));
        const auto box = io::orientedBoundingBox(world);
        const auto fp = io::orientedBoundingBox(plan.footprint.coords);
        EXPECT_NEAR(box.length * box.width, 25.0 * 20.0, 0.5);
        EXPECT_NEAR(box.center.x, fp.center.x, 0.01);
        EXPECT_NEAR(box.center.y, fp.center.y, 0.01);
        // A city map is not shaped like the building: the import says so.
        if (r.fitMismatch > 0.25) {
            EXPECT_FALSE(r.warnings.empty());
        }
    }
    // The cadastral parcel 1453 keeps its label.
    SmallWorld w;
    const std::string copy = w.dir.file(files[0]);
    std::filesystem::copy_file(dir / files[0], copy);
    io::PlanImportOptions o;
    o.fit = true;
    io::importFloorPlan(*w.atlas, 2, copy, o);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM rooms WHERE label = '1453'"), 1);
}

TEST(FloorPlanImport, HandWrittenDxfWithAUnitBlockInsertedTwice) {
    // An R12 drawing as older CAD writes it: the unit drawn once as a block (two flats around a
    // stairwell, POLYLINE + VERTEX, TEXT labels), inserted for unit 1 and unit 2.
    auto poly = [](const std::vector<Vec2>& pts) {
        std::string s = "0\nPOLYLINE\n8\nROOMS\n66\n1\n70\n1\n10\n0\n20\n0\n30\n0\n";
        for (const auto& p : pts)
            s += "0\nVERTEX\n8\nROOMS\n10\n" + std::to_string(p.x) + "\n20\n" + std::to_string(p.y) + "\n30\n0\n";
        return s + "0\nSEQEND\n8\nROOMS\n";
    };
    auto text = [](double x, double y, const std::string& t) {
        return "0\nTEXT\n8\nTEXT\n10\n" + std::to_string(x) + "\n20\n" + std::to_string(y) + "\n30\n0\n40\n300\n1\n" + t + "\n";
    };
    std::string dxf = "0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1009\n0\nENDSEC\n0\nSECTION\n2\nBLOCKS\n"
                      "0\nBLOCK\n8\n0\n2\nUNITPLAN\n70\n0\n10\n0\n20\n0\n30\n0\n3\nUNITPLAN\n";
    dxf += poly(rectRing(0, 0, 13500, 12000)) + text(6750, 6000, "01");
    dxf += poly(rectRing(13500, 0, 16500, 12000)) + text(15000, 6000, "STAIR");
    dxf += poly(rectRing(16500, 0, 30000, 12000)) + text(23250, 6000, "02");
    dxf += "0\nENDBLK\n8\n0\n0\nENDSEC\n0\nSECTION\n2\nENTITIES\n";
    for (double x : {0.0, 30000.0}) dxf += "0\nINSERT\n8\n0\n2\nUNITPLAN\n10\n" + std::to_string(x) + "\n20\n0\n30\n0\n";
    dxf += "0\nENDSEC\n0\nEOF\n";
    SmallWorld w;
    const std::string path = w.dir.file("blocks.dxf");
    std::ofstream(path) << dxf;
    io::PlanImportOptions o;
    o.fit = true;
    o.floors = "2-6";
    const auto r = io::importFloorPlan(*w.atlas, 1, path, o);
    EXPECT_EQ(r.rooms, 6);
    EXPECT_EQ(r.flats, 4);
    EXPECT_EQ(r.households, 20); // 4 flats on 5 floors
    const auto plan = storage::loadFloorPlan(*w.atlas, 1);
    for (int unit : {1, 2})
        for (const char* label : {"01", "02", "STAIR"}) EXPECT_NE(roomOf(plan, unit, label), nullptr) << unit << " " << label;
    EXPECT_EQ(roomOf(plan, 1, "STAIR")->kind, "stair");
    EXPECT_NEAR(worldCentre(plan, *roomOf(plan, 2, "02")).x, kX0 + 53.25, 0.02);
    const auto table = storage::loadBuildingTable(*w.atlas, 1);
    EXPECT_FALSE(table.find(1, 1, 1)->onPlan);
    EXPECT_TRUE(table.find(2, 2, 2)->onPlan);
}

TEST(FloorPlanImport, OldChineseDxfInGbkReadsItsLabels) {
    // R12 from Chinese CAD: texts in GBK, the header says ANSI_936. 楼梯 = C2A5 CCDD.
    const std::string gbkStair = "\xC2\xA5\xCC\xDD";
    auto drawing = [&](bool withCodepage) {
        std::string s = "0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1009\n";
        if (withCodepage) s += "9\n$DWGCODEPAGE\n3\nANSI_936\n";
        s += "0\nENDSEC\n0\nSECTION\n2\nENTITIES\n";
        s += "0\nPOLYLINE\n8\nROOMS\n66\n1\n70\n1\n10\n0\n20\n0\n30\n0\n";
        for (const auto& p : rectRing(0, 0, 3000, 12000))
            s += "0\nVERTEX\n8\nROOMS\n10\n" + std::to_string(p.x) + "\n20\n" + std::to_string(p.y) + "\n30\n0\n";
        s += "0\nSEQEND\n8\nROOMS\n0\nTEXT\n8\nTEXT\n10\n1500\n20\n6000\n30\n0\n40\n300\n1\n" + gbkStair + "\n";
        return s + "0\nENDSEC\n0\nEOF\n";
    };
    SmallWorld w;
    const std::string withHeader = w.dir.file("gbk.dxf"), bare = w.dir.file("bare.dxf");
    std::ofstream(withHeader, std::ios::binary) << drawing(true);
    std::ofstream(bare, std::ios::binary) << drawing(false);
    const auto d = io::readDrawing(withHeader);
    ASSERT_EQ(d.texts.size(), 1u);
    EXPECT_EQ(d.texts[0].text, "楼梯");
    // Without the header line the text is not GBK to GDAL; --encoding says what it is.
    EXPECT_NE(io::readDrawing(bare).texts.at(0).text, "楼梯");
    io::DrawingOptions cp936;
    cp936.encoding = "CP936";
    EXPECT_EQ(io::readDrawing(bare, cp936).texts.at(0).text, "楼梯");
}
