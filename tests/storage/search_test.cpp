#include <gtest/gtest.h>

#include "storage/fixture_atlas.h"
#include "storage/search.h"

using namespace gridatlas;
using gridatlas::testing::SmallWorld;

namespace {
bool has(const std::vector<storage::SearchHit>& hits, const std::string& layer, std::int64_t id) {
    for (const auto& h : hits)
        if (h.layer == layer && h.id == id) return true;
    return false;
}
} // namespace

TEST(Search, BuildingNumbersInTheShapesPeopleTypeThem) {
    EXPECT_EQ(storage::normaliseBuildingNumber("3栋"), "3栋");
    EXPECT_EQ(storage::normaliseBuildingNumber("3号楼"), "3栋");
    EXPECT_EQ(storage::normaliseBuildingNumber(" 3幢 "), "3栋");
    EXPECT_EQ(storage::normaliseBuildingNumber("12#"), "12栋");
    EXPECT_EQ(storage::normaliseBuildingNumber("三栋"), "3栋");
    EXPECT_EQ(storage::normaliseBuildingNumber("十二号楼"), "12栋");
    EXPECT_EQ(storage::normaliseBuildingNumber("二十三栋"), "23栋");
    EXPECT_EQ(storage::normaliseBuildingNumber("湖西"), "");
    EXPECT_EQ(storage::normaliseBuildingNumber("0栋"), "");
    SmallWorld world;
    for (const char* q : {"2栋", "2号楼", "二栋", "2"}) {
        const auto hits = storage::search(*world.atlas, q);
        ASSERT_FALSE(hits.empty()) << q;
        EXPECT_EQ(hits[0].layer, "buildings") << q;
        EXPECT_EQ(hits[0].id, 2) << q;
        EXPECT_FALSE(hits[0].bounds.isEmpty());
    }
}

TEST(Search, FindsGridsPostsCommunitiesAndResidents) {
    SmallWorld world;
    EXPECT_TRUE(has(storage::search(*world.atlas, "150781001001-01"), "grids", 1));
    EXPECT_TRUE(has(storage::search(*world.atlas, "一网格"), "grids", 1));
    EXPECT_TRUE(has(storage::search(*world.atlas, "卫生服务站"), "service_posts", 1));
    EXPECT_TRUE(has(storage::search(*world.atlas, "湖西社区"), "communities", 1));
    const auto people = storage::search(*world.atlas, "刘党员");
    ASSERT_TRUE(has(people, "households", 3));
    for (const auto& h : people)
        if (h.layer == "households") {
            EXPECT_TRUE(h.titleIsPersonName);
            EXPECT_EQ(h.detail, "1栋1单元201室");
        }
    EXPECT_TRUE(storage::search(*world.atlas, "不存在的名字").empty());
    EXPECT_TRUE(storage::search(*world.atlas, "   ").empty());
}

TEST(Search, InjectionAndWildcardsAreJustText) {
    SmallWorld world;
    for (const char* q : {"' OR 1=1 --", "\" OR \"\"=\"", "%", "_", "%%", "1'; DROP TABLE residents; --", "\\", "住户1' UNION SELECT 1,2,3,4 --"}) {
        EXPECT_NO_THROW({
            const auto hits = storage::search(*world.atlas, q);
            EXPECT_TRUE(hits.empty()) << q << " found " << hits.size();
        });
    }
    EXPECT_EQ(world.atlas->connection().queryInt("SELECT COUNT(*) FROM residents"), 60);
}
