// Service areas: reachable street length and the buffered area on the hand-made network, the
// straight-line circle, and the in-memory layer the map draws.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "coverage/coverage_test_support.h"
#include "model/support/error.h"
#include "storage/isochrones.h"
#include "storage/layer_cache.h"

namespace gridatlas::storage {
namespace {

testing::CoverageDataBuilder plusWorld() {
    testing::CoverageDataBuilder b;
    b.community(1, "c");
    b.street({{0, 0}, {200, 0}});
    b.street({{100, -100}, {100, 100}});
    b.street({{200, 0}, {200, 100}});
    b.street({{100, 50}, {200, 50}});
    b.post("health_station", {0, 10}, 1);
    return b;
}

TEST(Isochrones, ReachableStreetsWithinTheWalk) {
    auto b = plusWorld();
    IsochroneOptions o;
    o.meters = 150;
    o.bufferM = 20;
    const auto isos = computeIsochrones(b.data(), {0}, o);
    ASSERT_EQ(isos.size(), 1u);
    // 10 m leg, then 100 m east to the crossing, then 40 m east, north and south.
    EXPECT_NEAR(isos[0].reachableLengthM, 100 + 3 * 40, 1e-9);
    const auto& a = isos[0].area;
    ASSERT_FALSE(a.isEmpty());
    EXPECT_TRUE(model::contains(a, {50, 0}));
    EXPECT_TRUE(model::contains(a, {135, 15}));
    EXPECT_TRUE(model::contains(a, {100, -55}));
    EXPECT_FALSE(model::contains(a, {165, 0}));  // 140 + 20 m buffer ends at 160
    EXPECT_FALSE(model::contains(a, {150, 50})); // S4 is 200 m away along the streets
    EXPECT_FALSE(model::contains(a, {100, 75}));
    // A longer walk reaches S4 and S3.
    o.meters = 400;
    const auto big = computeIsochrones(b.data(), {0}, o);
    EXPECT_TRUE(model::contains(big[0].area, {150, 50}));
    EXPECT_GT(model::area(big[0].area), model::area(a));
}

TEST(Isochrones, ALoopOfStreetsLeavesAHole) {
    // A 100 m square block walked all round: the buffer is a square ring, 20 m each side of the
    // streets, with the block's middle (50 m from every street) a hole.
    testing::CoverageDataBuilder b;
    b.community(1, "c");
    b.street({{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}});
    b.post("health_station", {0, 0}, 1);
    IsochroneOptions o;
    o.meters = 1000;
    o.bufferM = 20;
    const auto isos = computeIsochrones(b.data(), {0}, o);
    ASSERT_EQ(isos.size(), 1u);
    EXPECT_NEAR(isos[0].reachableLengthM, 400, 1e-9);
    const auto& a = isos[0].area;
    EXPECT_EQ(a.type, model::GeomType::Polygon);
    EXPECT_EQ(a.ringCount(), 2u) << "an outer ring and a hole";
    EXPECT_FALSE(model::contains(a, {50, 50}));
    EXPECT_TRUE(model::contains(a, {10, 50}));
    EXPECT_TRUE(model::contains(a, {115, 50}));
    EXPECT_FALSE(model::contains(a, {125, 50}));
    // 140 m square with rounded corners less the 60 m hole; the raster is within a 5 m cell.
    const double exact = 140.0 * 140 - (4 - std::numbers::pi) * 20 * 20 - 60.0 * 60;
    EXPECT_NEAR(model::area(a), exact, 0.05 * exact);
}

TEST(Isochrones, StraightLineCircleAndLayer) {
    auto b = plusWorld();
    IsochroneOptions o;
    o.mode = DistanceMode::Euclidean;
    o.meters = 300;
    const auto isos = computeIsochrones(b.data(), {0}, o);
    ASSERT_EQ(isos.size(), 1u);
    EXPECT_NEAR(model::area(isos[0].area), std::numbers::pi * 300 * 300, 0.01 * std::numbers::pi * 300 * 300);
    const auto layer = makeIsochroneLayer(b.data(), isos);
    ASSERT_EQ(layer->size(), 1u);
    EXPECT_EQ(std::get<std::int64_t>(layer->value(0, layer->columnIndex("post_id"))), b.data().posts[0].id);
    EXPECT_DOUBLE_EQ(std::get<double>(layer->value(0, layer->columnIndex("meters"))), 300.0);
    o.meters = 0;
    EXPECT_THROW(computeIsochrones(b.data(), {0}, o), InputError);
}

} // namespace
} // namespace gridatlas::storage
