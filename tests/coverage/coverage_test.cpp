// Coverage on hand-made data with answers worked out by hand: distances, standards and per-post
// overrides, reasons, tables by grid/community/category, gap buildings.
#include <gtest/gtest.h>

#include <cmath>

#include "coverage/coverage_test_support.h"
#include "model/support/error.h"
#include "storage/coverage.h"
#include "storage/layer_cache.h"

namespace gridatlas::storage {
namespace {

using testing::CoverageDataBuilder;

/// Community 1 (grid 11) has the streets of street_network_test's "plus" network and a post at
/// (0,10); community 2 (grid 21) lies on a separate street far east and has no post.
struct World {
    CoverageDataBuilder b;
    std::int64_t near = 0, mid = 0, far = 0, islandHousehold = 0, offNet = 0;
    World() {
        b.community(1, "湖西社区");
        b.community(2, "湖东社区");
        b.grid(11, 1, "G11");
        b.grid(21, 2, "G21");
        b.street({{0, 0}, {200, 0}});
        b.street({{100, -100}, {100, 100}});
        b.street({{200, 0}, {200, 100}});
        b.street({{100, 50}, {200, 50}});
        b.street({{5000, 0}, {5100, 0}}); // an island
        b.post("health_station", {0, 10}, 1);
        // Door at (150,60): walk 10 + 200 + 10 = 220 m; the household point (150,70) is 158.1 m away in a line.
        const auto b1 = b.building(11, 1, model::Vec2{150, 60}, model::Rect::of(140, 60, 160, 80));
        near = b.household(b1, {150, 70}, kCoverElderlyAlone);
        mid = b.household(b1, {150, 75});
        // Door at (30,-5) on S1: 10 + 30 + 5 = 45 m.
        const auto b2 = b.building(11, 1, model::Vec2{30, -5}, model::Rect::of(20, -30, 40, -5));
        b.household(b2, {30, -20}, kCoverHardship | kCoverMemberHousehold);
        // No door: the household's own point (0, 90) joins S2? No: nearest street is S1 at (0,0), 90 m.
        const auto b3 = b.building(11, 1, std::nullopt, model::Rect::of(-10, 80, 10, 100));
        far = b.household(b3, {0, 90});
        // Community 2: on the island, no post.
        const auto b4 = b.building(21, 2, model::Vec2{5050, 10}, model::Rect::of(5040, 10, 5060, 30));
        islandHousehold = b.household(b4, {5050, 20}, kCoverDisability);
        // Community 1, but 1 km from any street.
        const auto b5 = b.building(11, 1, model::Vec2{1000, 1000}, model::Rect::of(990, 1000, 1010, 1020));
        offNet = b.household(b5, {1000, 1010});
    }
};

std::size_t indexOf(const CoverageData& d, std::int64_t id) {
    return static_cast<std::size_t>(d.householdIndex(id));
}

TEST(Coverage, WalkingDistancesStartAtTheUnitDoor) {
    World w;
    auto& d = w.b.data();
    CoverageOptions o;
    o.postType = "health_station";
    o.mode = DistanceMode::Network;
    o.meters = 200;
    const auto r = computeCoverage(d, o);
    EXPECT_NEAR(r.distanceM[indexOf(d, w.near)], 220.0, 1e-9);
    EXPECT_NEAR(r.distanceM[indexOf(d, w.mid)], 220.0, 1e-9) << "same door, same distance";
    EXPECT_NEAR(r.distanceM[2], 45.0, 1e-9);
    EXPECT_NEAR(r.distanceM[indexOf(d, w.far)], 10.0 + 90.0, 1e-9) << "no door: from the household's point";
    EXPECT_EQ(r.covered[indexOf(d, w.near)], 0);
    EXPECT_EQ(r.reason[indexOf(d, w.near)], UncoveredReason::BeyondStandard);
    EXPECT_EQ(r.covered[2], 1);
    EXPECT_EQ(r.covered[indexOf(d, w.far)], 1);
    EXPECT_EQ(r.reason[indexOf(d, w.islandHousehold)], UncoveredReason::NoPostInCommunity);
    EXPECT_EQ(r.nearestPost[indexOf(d, w.islandHousehold)], -1) << "the island is not connected";
    EXPECT_EQ(r.reason[indexOf(d, w.offNet)], UncoveredReason::NoWalkablePath);
    EXPECT_EQ(r.coveredCount, 2);
    EXPECT_EQ(reasonTextZh(UncoveredReason::BeyondStandard, 20.4), "最近的站点超出标准 20 米");
}

TEST(Coverage, StraightLineFromTheHouseholdPoint) {
    World w;
    auto& d = w.b.data();
    CoverageOptions o;
    o.postType = "health_station";
    o.meters = 160;
    const auto r = computeCoverage(d, o);
    EXPECT_NEAR(r.distanceM[indexOf(d, w.near)], std::sqrt(150.0 * 150 + 60 * 60), 1e-9);
    EXPECT_EQ(r.covered[indexOf(d, w.near)], 0); // 161.6 m
    EXPECT_NEAR(r.distanceM[indexOf(d, w.far)], 80.0, 1e-9);
    EXPECT_EQ(r.covered[indexOf(d, w.far)], 1);
    EXPECT_EQ(r.nearestPost[indexOf(d, w.islandHousehold)], 0) << "straight lines need no path";
    EXPECT_EQ(r.reason[indexOf(d, w.islandHousehold)], UncoveredReason::NoPostInCommunity);
    EXPECT_EQ(r.reason[indexOf(d, w.offNet)], UncoveredReason::BeyondStandard);
}

TEST(Coverage, StandardsComeFromTypeMinutesAndPerPostOverrides) {
    World w;
    auto& d = w.b.data();
    CoverageOptions o;
    o.postType = "health_station";
    o.mode = DistanceMode::Network;
    o.meters = 220;
    auto r = computeCoverage(d, o);
    EXPECT_EQ(r.covered[indexOf(d, w.near)], 1) << "inclusive";
    o.meters = 219.99;
    r = computeCoverage(d, o);
    EXPECT_EQ(r.covered[indexOf(d, w.near)], 0);
    o.meters.reset();
    o.minutes = 3; // 75 m a minute at 4.5 km/h: 225 m
    r = computeCoverage(d, o);
    EXPECT_EQ(r.postStandardM[0], 225.0);
    EXPECT_EQ(r.covered[indexOf(d, w.near)], 1);
    // The type's 15 minutes = 1,125 m cover everyone connected.
    o.minutes.reset();
    r = computeCoverage(d, o);
    EXPECT_EQ(r.postStandardM[0], 1125.0);
    EXPECT_EQ(r.coveredCount, 4);
    // A second post with a 1-minute override next to the door of `near` covers it, the first
    // post's standard stays 1,125 m.
    d.posts.push_back(d.posts[0]);
    d.posts.back().id = 999;
    d.posts.back().point = {150, 40};
    d.posts.back().walkMinutes = 1;
    d.posts[0].walkMinutes = 2; // 150 m
    r = computeCoverage(d, o);
    ASSERT_EQ(r.posts.size(), 2u);
    EXPECT_EQ(r.postStandardM[1], 75.0);
    EXPECT_EQ(r.nearestPost[indexOf(d, w.near)], 1);
    EXPECT_NEAR(r.distanceM[indexOf(d, w.near)], 20.0, 1e-9);
    EXPECT_EQ(r.covered[indexOf(d, w.near)], 1);
    EXPECT_EQ(r.covered[2], 1) << "45 m from post 0 (150 m), 10+50+50+70+5 from post 1";
    EXPECT_EQ(r.covered[indexOf(d, w.far)], 1) << "100 m <= 150 m";
    // Straight line: radius overrides.
    CoverageOptions e;
    e.postType = "health_station";
    d.posts[0].radiusM = 50;
    d.posts[1].radiusM = 40;
    r = computeCoverage(d, e);
    EXPECT_EQ(r.covered[indexOf(d, w.near)], 1) << "30 m from post 1";
    EXPECT_EQ(r.covered[indexOf(d, w.far)], 0) << "80 m from post 0 (50 m standard)";
}

TEST(Coverage, LargerOverrideBehindTheNearestPostStillCovers) {
    CoverageDataBuilder b;
    b.community(1, "c");
    b.grid(1, 1, "g");
    const auto bi = b.building(1, 1, std::nullopt, model::Rect::of(0, 0, 1, 1));
    const auto h = b.household(bi, {0, 0});
    b.post("pioneer_post", {10, 0}, 1, 5.0);   // nearest, 5 m standard
    b.post("pioneer_post", {30, 0}, 1, 100.0); // farther, 100 m standard
    CoverageOptions o;
    o.postType = "pioneer_post";
    const auto r = computeCoverage(b.data(), o);
    EXPECT_EQ(r.nearestPost[0], 0);
    EXPECT_NEAR(r.distanceM[0], 10.0, 1e-12);
    EXPECT_EQ(r.covered[0], 1);
    (void)h;
}

TEST(Coverage, TablesByGridCommunityAndCategory) {
    World w;
    auto& d = w.b.data();
    CoverageOptions o;
    o.postType = "health_station";
    o.mode = DistanceMode::Network;
    o.meters = 200;
    const auto r = computeCoverage(d, o);
    ASSERT_EQ(r.byCommunity.size(), 2u);
    EXPECT_EQ(r.byCommunity[0].name, "湖西社区");
    EXPECT_EQ(r.byCommunity[0].households, 5);
    EXPECT_EQ(r.byCommunity[0].covered, 2);
    EXPECT_EQ(r.byCommunity[1].households, 1);
    EXPECT_EQ(r.byCommunity[1].covered, 0);
    ASSERT_EQ(r.byGrid.size(), 2u);
    EXPECT_EQ(r.byGrid[0].code, "G11");
    auto cat = [&](const std::string& code) {
        for (const auto& c : r.byCategory)
            if (c.code == code) return c;
        ADD_FAILURE() << "no category " << code;
        return CoverageRow{};
    };
    EXPECT_EQ(cat("all").households, 6);
    EXPECT_EQ(cat("vulnerable").households, 3); // elderly alone, hardship, disability
    EXPECT_EQ(cat("vulnerable").covered, 1);    // the hardship household 45 m away
    EXPECT_EQ(cat("hardship").covered, 1);
    EXPECT_EQ(cat("member_household").households, 1);
    EXPECT_EQ(cat("disability").covered, 0);
    EXPECT_EQ(cat("elderly_alone").vulnerable, 1);
}

TEST(Coverage, GapBuildingsWeightedByVulnerableHouseholds) {
    World w;
    auto& d = w.b.data();
    CoverageOptions o;
    o.postType = "health_station";
    o.mode = DistanceMode::Network;
    o.meters = 200;
    const auto r = computeCoverage(d, o);
    ASSERT_EQ(r.gaps.size(), 3u); // buildings 1 (two uncovered, one vulnerable), 4 (island), 5 (off network)
    EXPECT_EQ(d.buildings[static_cast<std::size_t>(r.gaps[0].building)].id, 1);
    EXPECT_EQ(r.gaps[0].uncovered, 2);
    EXPECT_EQ(r.gaps[0].vulnerableUncovered, 1);
    EXPECT_DOUBLE_EQ(r.gaps[0].weight(), 4.0);
    EXPECT_EQ(d.buildings[static_cast<std::size_t>(r.gaps[1].building)].id, 4); // weight 3
    EXPECT_NEAR(r.gaps[0].nearestDistanceM, 220.0, 1e-9);
    const auto layer = makeGapLayer(d, r);
    ASSERT_EQ(layer->size(), 3u);
    EXPECT_EQ(layer->geometryType(), model::GeomType::Polygon);
    const int weight = layer->columnIndex("weight");
    ASSERT_GE(weight, 0);
    double total = 0;
    for (std::size_t i = 0; i < layer->size(); ++i) total += std::get<double>(layer->value(i, weight));
    EXPECT_DOUBLE_EQ(total, 4.0 + 3.0 + 1.0);
    const auto grids = makeGridCoverageLayer(d, r);
    ASSERT_EQ(grids->size(), 2u);
    for (std::size_t i = 0; i < grids->size(); ++i) {
        const auto code = std::get<std::string>(grids->value(i, grids->columnIndex("code")));
        const double pct = std::get<double>(grids->value(i, grids->columnIndex("covered_pct")));
        EXPECT_NEAR(pct, code == "G11" ? 40.0 : 0.0, 1e-9) << code; // 2 of 5, 0 of 1
    }
    const auto points = makeCoverageHouseholdsLayer(d, r);
    EXPECT_EQ(points->size(), d.households.size());
}

TEST(Coverage, NoPostOfTypeAndUnknownType) {
    World w;
    CoverageOptions o;
    o.postType = "pioneer_post";
    const auto r = computeCoverage(w.b.data(), o);
    EXPECT_EQ(r.coveredCount, 0);
    for (auto reason : r.reason) EXPECT_EQ(reason, UncoveredReason::NoPostOfType);
    o.postType = "nail_salon";
    try {
        (void)computeCoverage(w.b.data(), o);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("nail_salon"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace gridatlas::storage
