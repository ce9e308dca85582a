#include <gtest/gtest.h>

#include "storage/fixture_atlas.h"
#include "storage/layer_cache.h"
#include "storage/snapping.h"

using namespace gridatlas;
using namespace gridatlas::testing;

// SmallWorld: grid 1 = the community square (x0..x0+400, y0..y0+300); building 1 = x0+50..110,
// y0+50..62; building 2 = x0+200..225, y0+150..170.
TEST(Snapping, VerticesWinOverEdgesAndTheNearestWins) {
    SmallWorld world;
    auto grids = storage::loadLayerSnapshot(*world.atlas, "grids");
    auto buildings = storage::loadLayerSnapshot(*world.atlas, "buildings");
    storage::Snapper snapper;
    snapper.setLayers({grids, buildings});
    const double x0 = SmallWorld::kX0, y0 = SmallWorld::kY0;
    // Near building 1's south-west corner: its vertex, exactly.
    auto r = snapper.snap({x0 + 51.2, y0 + 49.1}, 3.0);
    ASSERT_EQ(r.kind, storage::SnapResult::Kind::Vertex);
    EXPECT_EQ(r.layer, "buildings");
    EXPECT_EQ(r.featureId, 1);
    EXPECT_DOUBLE_EQ(r.point.x, x0 + 50);
    EXPECT_DOUBLE_EQ(r.point.y, y0 + 50);
    // Near the middle of building 1's south edge: on the edge.
    r = snapper.snap({x0 + 80, y0 + 48.5}, 3.0);
    ASSERT_EQ(r.kind, storage::SnapResult::Kind::Edge);
    EXPECT_NEAR(r.point.x, x0 + 80, 1e-9);
    EXPECT_NEAR(r.point.y, y0 + 50, 1e-9);
    // Beyond the tolerance: nothing, the point comes back as it was.
    r = snapper.snap({x0 + 80, y0 + 40}, 3.0);
    EXPECT_FALSE(r.snapped());
    EXPECT_DOUBLE_EQ(r.point.y, y0 + 40);
    // The grid's corner; ignoring the grid leaves nothing there.
    r = snapper.snap({x0 + 1, y0 + 299}, 3.0);
    ASSERT_EQ(r.kind, storage::SnapResult::Kind::Vertex);
    EXPECT_EQ(r.layer, "grids");
    snapper.setIgnored("grids", 1);
    EXPECT_FALSE(snapper.snap({x0 + 1, y0 + 299}, 3.0).snapped());
    // Extra vertices (the polygon being drawn) snap too.
    snapper.setExtraVertices({{x0 + 300, y0 + 100}});
    r = snapper.snap({x0 + 301, y0 + 101}, 3.0);
    ASSERT_EQ(r.kind, storage::SnapResult::Kind::Vertex);
    EXPECT_DOUBLE_EQ(r.point.x, x0 + 300);
}
