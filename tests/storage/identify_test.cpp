#include <gtest/gtest.h>

#include "storage/fixture_atlas.h"
#include "storage/identify.h"

using namespace gridatlas;
using gridatlas::testing::SmallWorld;

TEST(Identify, ClickOnABuildingReturnsItsFactsAndMembers) {
    SmallWorld world;
    // Inside building 1 (x0+50..110, y0+50..62), away from household points.
    const auto results = storage::identifyAt(*world.atlas, {SmallWorld::kX0 + 52, SmallWorld::kY0 + 51}, 0.5);
    const storage::IdentifyResult* building = nullptr;
    const storage::IdentifyResult* grid = nullptr;
    for (const auto& r : results) {
        if (r.layer == "buildings") building = &r;
        if (r.layer == "grids") grid = &r;
    }
    ASSERT_NE(building, nullptr);
    EXPECT_EQ(building->id, 1);
    EXPECT_EQ(building->find("number")->value, "1栋");
    EXPECT_EQ(building->find("households")->value, "24");
    EXPECT_EQ(building->find("members")->value, "1");
    EXPECT_EQ(building->find("grid")->value, "湖西一网格");
    ASSERT_EQ(building->children.size(), 1u);
    const auto& member = building->children[0];
    EXPECT_EQ(member.find("resident_name")->value, "刘党员");
    EXPECT_EQ(member.find("resident_name")->sensitivity, model::Sensitivity::Name);
    EXPECT_EQ(member.find("room")->value, "201");
    EXPECT_EQ(member.find("phone")->sensitivity, model::Sensitivity::Phone);
    // The health station is about 90 m away.
    const auto* post = building->find("nearby_post");
    ASSERT_NE(post, nullptr);
    EXPECT_NE(post->value.find("湖西社区卫生服务站"), std::string::npos);
    ASSERT_NE(grid, nullptr);
    EXPECT_EQ(grid->find("manager")->value, "王建国");
    EXPECT_EQ(grid->find("households")->value, "60");
}

TEST(Identify, HouseholdListsResidentsWithSensitiveFieldsMarked) {
    SmallWorld world;
    const auto h = storage::describeHousehold(*world.atlas, 3);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->title, "1栋1单元201室");
    ASSERT_EQ(h->children.size(), 1u);
    EXPECT_EQ(h->children[0].find("id_number")->sensitivity, model::Sensitivity::IdNumber);
    EXPECT_EQ(h->children[0].find("member_type")->value, "full");
}

TEST(Identify, EmptyPlaceFindsOnlyTheGrid) {
    SmallWorld world;
    const auto results = storage::identifyAt(*world.atlas, {SmallWorld::kX0 + 350, SmallWorld::kY0 + 250}, 1.0);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].layer, "grids");
    EXPECT_TRUE(storage::identifyAt(*world.atlas, {SmallWorld::kX0 - 500, SmallWorld::kY0}, 1.0).empty());
}
