// The styles for the coverage layers parse, and name fields the layers have.
#include <gtest/gtest.h>

#include "coverage/coverage_test_support.h"
#include "render/style.h"
#include "storage/coverage.h"
#include "storage/fixture_atlas.h"
#include "storage/isochrones.h"
#include "storage/layer_cache.h"

namespace gridatlas::storage {
namespace {

TEST(CoverageStyles, ParseAndMatchTheLayers) {
    testing::CoverageDataBuilder b;
    b.community(1, "c");
    b.grid(1, 1, "g");
    const auto bi = b.building(1, 1, std::nullopt, model::Rect::of(0, 0, 10, 10));
    b.household(bi, {5, 5});
    b.post("health_station", {2000, 0}, 1);
    CoverageOptions o;
    o.postType = "health_station";
    const auto r = computeCoverage(b.data(), o);
    const auto gaps = makeGapLayer(b.data(), r);
    const auto households = makeCoverageHouseholdsLayer(b.data(), r);
    const auto grids = makeGridCoverageLayer(b.data(), r);
    for (const auto& [style, layer] : std::vector<std::pair<std::string, std::shared_ptr<const LayerSnapshot>>>{
             {"styles/coverage-gaps.json", gaps},
             {"styles/coverage-households.json", households},
             {"styles/coverage-grids.json", grids}}) {
        const auto s = render::loadStyle(testing::sourcePath(style));
        ASSERT_TRUE(s) << style;
        EXPECT_FALSE(s->title.empty()) << style;
        ASSERT_GE(layer->size(), 1u);
    }
    EXPECT_GE(gaps->columnIndex("weight"), 0);
    EXPECT_GE(gaps->columnIndex("uncovered"), 0);
    EXPECT_GE(households->columnIndex("covered"), 0);
    ASSERT_EQ(grids->size(), 1u);
    EXPECT_DOUBLE_EQ(std::get<double>(grids->value(0, grids->columnIndex("covered_pct"))), 0.0); // the post is 2 km away
    EXPECT_TRUE(render::loadStyle(testing::sourcePath("styles/coverage-service-areas.json")));
}

} // namespace
} // namespace gridatlas::storage
