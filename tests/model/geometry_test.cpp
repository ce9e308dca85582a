#include <gtest/gtest.h>

#include "model/geometry.h"

using namespace gridatlas::model;

namespace {
Geometry square(double x, double y, double s) { return Geometry::polygon({{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}}}); }
} // namespace

TEST(Geometry, PolygonRingsAreClosedAndCounted) {
    const Geometry g = square(0, 0, 10);
    EXPECT_EQ(g.coords.size(), 5u);
    EXPECT_EQ(g.coords.front(), g.coords.back());
    ASSERT_EQ(g.ringEnds.size(), 1u);
    EXPECT_EQ(g.partEnds, std::vector<std::uint32_t>{1});
}

TEST(Geometry, AreaSubtractsHolesAndIgnoresOrientation) {
    const Geometry ccw = square(531000, 5494000, 10);
    EXPECT_NEAR(area(ccw), 100.0, 1e-6); // at GK magnitudes precision must hold to 1e-6 m2
    const Geometry cw = Geometry::polygon({{{0, 0}, {0, 10}, {10, 10}, {10, 0}}});
    EXPECT_NEAR(area(cw), 100.0, 1e-9);
    const Geometry holed = Geometry::polygon({{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, {{2, 2}, {4, 2}, {4, 4}, {2, 4}}});
    EXPECT_NEAR(area(holed), 96.0, 1e-9);
    const Geometry multi = Geometry::multiPolygon({{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, {{{5, 5}, {7, 5}, {7, 7}, {5, 7}}}});
    EXPECT_NEAR(area(multi), 5.0, 1e-9);
    EXPECT_EQ(area(Geometry::point({1, 2})), 0.0);
}

TEST(Geometry, CentroidOfSquareAndLShape) {
    const Vec2 c = centroid(square(100, 200, 10));
    EXPECT_NEAR(c.x, 105, 1e-9);
    EXPECT_NEAR(c.y, 205, 1e-9);
    // L made of a 2x1 and a 1x1 block: centroid weighted by area.
    const Geometry l = Geometry::polygon({{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}}});
    const Vec2 lc = centroid(l);
    EXPECT_NEAR(lc.x, (2 * 1.0 + 1 * 0.5) / 3, 1e-9);
    EXPECT_NEAR(lc.y, (2 * 0.5 + 1 * 1.5) / 3, 1e-9);
}

TEST(Geometry, ContainsRespectsHoles) {
    const Geometry holed = Geometry::polygon({{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, {{2, 2}, {4, 2}, {4, 4}, {2, 4}}});
    EXPECT_TRUE(contains(holed, {1, 1}));
    EXPECT_FALSE(contains(holed, {3, 3}));
    EXPECT_FALSE(contains(holed, {11, 1}));
    EXPECT_FALSE(contains(Geometry::lineString({{0, 0}, {1, 1}}), {0.5, 0.5}));
}

TEST(Geometry, InteriorPointLiesInsideAConcaveShape) {
    // A U shape whose centroid falls in the notch.
    const Geometry u = Geometry::polygon({{{0, 0}, {10, 0}, {10, 10}, {8, 10}, {8, 2}, {2, 2}, {2, 10}, {0, 10}}});
    EXPECT_FALSE(contains(u, centroid(u)));
    EXPECT_TRUE(contains(u, interiorPoint(u)));
}

TEST(Geometry, RectOperations) {
    Rect r;
    EXPECT_TRUE(r.isEmpty());
    r.expand(Vec2{1, 2});
    r.expand(Vec2{3, -1});
    EXPECT_EQ(r, (Rect{1, -1, 3, 2}));
    EXPECT_TRUE(r.intersects(Rect{2, 0, 5, 5}));
    EXPECT_FALSE(r.intersects(Rect{4, 0, 5, 5}));
    EXPECT_TRUE(r.contains({2, 0}));
    EXPECT_EQ(r.buffered(1), (Rect{0, -2, 4, 3}));
}
