// The label engine never places two labels that overlap, honours priorities and obstacles.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include <random>

#include "render/label_engine.h"

namespace gridatlas::render {
namespace {

void expectNoOverlap(const std::vector<PlacedLabel>& placed) {
    for (std::size_t i = 0; i < placed.size(); ++i)
        for (std::size_t j = i + 1; j < placed.size(); ++j)
            ASSERT_FALSE(placed[i].box.intersects(placed[j].box))
                << "labels " << placed[i].request << " and " << placed[j].request << " overlap";
}

TEST(LabelEngine, ThousandsOfCrowdedLabelsNeverOverlap) {
    std::mt19937_64 rng(7);
    auto uniform = [&](double a, double b) { return a + (b - a) * static_cast<double>(rng() % 1000000) / 1e6; };
    LabelEngine engine(QRectF(0, 0, 800, 600));
    const LabelPlacement placements[] = {LabelPlacement::Center, LabelPlacement::Around, LabelPlacement::Below, LabelPlacement::Line};
    for (int i = 0; i < 3000; ++i) {
        LabelRequest r;
        r.anchor = QPointF(uniform(-20, 820), uniform(-20, 620));
        r.size = QSizeF(uniform(10, 90), uniform(8, 20));
        r.placement = placements[i % 4];
        r.offset = uniform(0, 6);
        r.angleDeg = r.placement == LabelPlacement::Line ? uniform(-89, 89) : 0.0;
        r.priority = static_cast<int>(rng() % 5) * 10;
        engine.add(r);
    }
    const auto placed = engine.run();
    EXPECT_GT(placed.size(), 100u);
    EXPECT_LT(placed.size(), 3000u);
    expectNoOverlap(placed);
    for (const auto& p : placed) EXPECT_TRUE(QRectF(0, 0, 800, 600).contains(p.box));
}

TEST(LabelEngine, HigherPriorityWinsTheSpot) {
    LabelEngine engine(QRectF(0, 0, 200, 200));
    LabelRequest low;
    low.anchor = QPointF(100, 100);
    low.size = QSizeF(60, 12);
    low.priority = 10;
    LabelRequest high = low;
    high.priority = 90;
    const auto lowId = engine.add(low);
    const auto highId = engine.add(high);
    const auto placed = engine.run();
    ASSERT_EQ(placed.size(), 1u);
    EXPECT_EQ(placed[0].request, highId);
    EXPECT_NE(placed[0].request, lowId);
}

TEST(LabelEngine, EqualPrioritiesGoInInsertionOrder) {
    LabelEngine engine(QRectF(0, 0, 200, 200));
    LabelRequest r;
    r.anchor = QPointF(100, 100);
    r.size = QSizeF(60, 12);
    const auto first = engine.add(r);
    engine.add(r);
    const auto placed = engine.run();
    ASSERT_EQ(placed.size(), 1u);
    EXPECT_EQ(placed[0].request, first);
}

TEST(LabelEngine, AroundTriesTheNextPositionAndKeepsClearOfTheAnchor) {
    LabelEngine engine(QRectF(0, 0, 300, 300));
    LabelRequest blocker;
    blocker.anchor = QPointF(180, 150);
    blocker.size = QSizeF(40, 40);
    blocker.priority = 100;
    engine.add(blocker); // sits where the "right" position would go
    LabelRequest point;
    point.anchor = QPointF(150, 150);
    point.size = QSizeF(30, 10);
    point.placement = LabelPlacement::Around;
    point.offset = 6;
    const auto id = engine.add(point);
    const auto placed = engine.run();
    ASSERT_EQ(placed.size(), 2u);
    expectNoOverlap(placed);
    const auto& p = placed[1];
    EXPECT_EQ(p.request, id);
    // Not on the marker: the box keeps `offset` from the anchor horizontally or vertically.
    const bool clearX = p.box.left() >= 150 + 6 - 1e-9 || p.box.right() <= 150 - 6 + 1e-9;
    const bool clearY = p.box.top() >= 150 + 6 - 1e-9 || p.box.bottom() <= 150 - 6 + 1e-9;
    EXPECT_TRUE(clearX || clearY);
}

TEST(LabelEngine, ObstaclesKeepLabelsOff) {
    LabelEngine engine(QRectF(0, 0, 200, 200));
    engine.addObstacle(QRectF(90, 90, 20, 20));
    LabelRequest r;
    r.anchor = QPointF(100, 100);
    r.size = QSizeF(30, 10);
    engine.add(r); // center: on the obstacle, no other candidate
    r.placement = LabelPlacement::Around;
    r.offset = 12;
    engine.add(r); // around: finds a free side
    const auto placed = engine.run();
    ASSERT_EQ(placed.size(), 1u);
    EXPECT_EQ(placed[0].request, 1u);
    EXPECT_FALSE(placed[0].box.intersects(QRectF(90, 90, 20, 20)));
}

TEST(LabelEngine, LabelsStayInsideTheMapAndTheirFeature) {
    LabelEngine engine(QRectF(0, 0, 100, 100));
    LabelRequest edge;
    edge.anchor = QPointF(2, 50);
    edge.size = QSizeF(30, 10);
    engine.add(edge); // would stick out of the map
    LabelRequest fit;
    fit.anchor = QPointF(50, 50);
    fit.size = QSizeF(30, 10);
    fit.within = QRectF(40, 40, 20, 20); // the building is narrower than its number
    engine.add(fit);
    EXPECT_TRUE(engine.run().empty());
}

TEST(LabelEngine, RotatedBoxesUseTheirBounds) {
    const QRectF flat = LabelEngine::boxAt(QPointF(0, 0), QSizeF(40, 10), 0);
    EXPECT_DOUBLE_EQ(flat.width(), 40);
    const QRectF upright = LabelEngine::boxAt(QPointF(0, 0), QSizeF(40, 10), 90);
    EXPECT_NEAR(upright.width(), 10, 1e-9);
    EXPECT_NEAR(upright.height(), 40, 1e-9);
    const QRectF diagonal = LabelEngine::boxAt(QPointF(0, 0), QSizeF(40, 10), 45);
    EXPECT_NEAR(diagonal.width(), 50 / std::sqrt(2.0), 1e-9);
}

TEST(LabelEngine, SoftObstaclesAreAvoidedWhenAnotherPlaceIsFree) {
    LabelEngine engine(QRectF(0, 0, 300, 300));
    engine.addObstacle(QRectF(80, 80, 140, 40), /*soft=*/true); // a building under the area's centre
    LabelRequest grid;
    grid.anchor = QPointF(150, 100);
    grid.size = QSizeF(80, 16);
    grid.alternatives = {{QPointF(150, 110), 0.0}, {QPointF(150, 160), 0.0}, {QPointF(150, 40), 0.0}};
    engine.add(grid);
    const auto placed = engine.run();
    ASSERT_EQ(placed.size(), 1u);
    EXPECT_EQ(placed[0].center, QPointF(150, 160)); // the first place clear of the building
}

TEST(LabelEngine, WhenEveryPlaceIsCoveredTheLeastCoveredWins) {
    LabelEngine engine(QRectF(0, 0, 300, 300));
    engine.addObstacle(QRectF(0, 0, 300, 160), true); // two blocks with a 10 px street between
    engine.addObstacle(QRectF(0, 170, 300, 130), true);
    LabelRequest r;
    r.anchor = QPointF(150, 100);                                        // covers 40 x 20
    r.size = QSizeF(40, 20);
    r.alternatives = {{QPointF(150, 158), 0.0}, {QPointF(150, 165), 0.0}}; // 40 x 12, 40 x 10
    engine.add(r);
    LabelRequest own = r; // a label of the obstacles' own layer ignores them: first place
    own.anchor = QPointF(50, 50);
    own.alternatives.clear();
    own.avoidSoftObstacles = false;
    engine.add(own);
    const auto placed = engine.run();
    ASSERT_EQ(placed.size(), 2u);
    EXPECT_EQ(placed[0].center, QPointF(150, 165));
    EXPECT_EQ(placed[1].center, QPointF(50, 50));
}

TEST(LabelEngine, AttachedLabelsFollowTheirParentOrAreLeftOut) {
    LabelEngine engine(QRectF(0, 0, 300, 300));
    LabelRequest name;
    name.anchor = QPointF(100, 100);
    name.size = QSizeF(60, 20);
    name.priority = 10;
    const auto nameId = engine.add(name);
    LabelRequest card;
    card.size = QSizeF(40, 30);
    card.placement = LabelPlacement::Below;
    card.offset = 4;
    card.priority = 99; // still after its parent
    card.attachTo = nameId;
    const auto cardId = engine.add(card);
    LabelRequest blocker;
    blocker.anchor = QPointF(250, 250);
    blocker.size = QSizeF(100, 100);
    blocker.priority = 50;
    engine.add(blocker);
    LabelRequest lostName = name; // collides with the blocker: dropped, and its card with it
    lostName.anchor = QPointF(250, 250);
    const auto lostId = engine.add(lostName);
    card.attachTo = lostId;
    engine.add(card);
    const auto placed = engine.run();
    ASSERT_EQ(placed.size(), 3u);
    const auto find = [&](std::size_t id) -> const PlacedLabel* {
        for (const auto& p : placed)
            if (p.request == id) return &p;
        return nullptr;
    };
    ASSERT_NE(find(nameId), nullptr);
    ASSERT_NE(find(cardId), nullptr);
    EXPECT_DOUBLE_EQ(find(cardId)->box.top(), find(nameId)->box.bottom() + 4);
    EXPECT_DOUBLE_EQ(find(cardId)->center.x(), find(nameId)->center.x());
    EXPECT_EQ(find(lostId), nullptr);
}

} // namespace
} // namespace gridatlas::render
