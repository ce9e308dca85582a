#include "coverage/coverage_test_support.h"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>

#include "storage/fixture_atlas.h"

namespace gridatlas::testing {

CoverageDataBuilder::CoverageDataBuilder() {
    m_d.srid = 4548;
    m_d.atlasName = "test";
    m_d.postTypes.push_back({"health_station", "社区卫生服务站", "Health station", 1125, 15});
    m_d.postTypes.push_back({"pioneer_post", "党员先锋岗", "Pioneer post", 500, 10});
}

void CoverageDataBuilder::community(std::int64_t id, const std::string& name) {
    m_d.communities.push_back({id, "C" + std::to_string(id), name, 0, {}});
}

void CoverageDataBuilder::grid(std::int64_t id, std::int64_t communityId, const std::string& code) {
    // A 1 km square at the origin: enough for the choropleth layer's tests.
    m_d.grids.push_back(
        {id, code, code + "网格", communityId, model::Geometry::polygon({{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}}})});
}

std::int32_t CoverageDataBuilder::building(std::int64_t gridId, std::int64_t communityId, std::optional<model::Vec2> door,
                                           const model::Rect& r) {
    storage::CoverageBuilding b;
    b.id = static_cast<std::int64_t>(m_d.buildings.size()) + 1;
    b.number = std::to_string(b.id) + "栋";
    b.gridId = gridId;
    b.communityId = communityId;
    b.footprint = model::Geometry::polygon({{{r.xmin, r.ymin}, {r.xmax, r.ymin}, {r.xmax, r.ymax}, {r.xmin, r.ymax}}});
    b.centroid = r.center();
    const auto index = static_cast<std::int32_t>(m_d.buildings.size());
    m_d.buildingById[b.id] = index;
    m_d.buildings.push_back(std::move(b));
    storage::CoverageUnit u;
    u.id = static_cast<std::int64_t>(m_d.units.size()) + 1;
    u.building = index;
    u.entrance = door;
    m_d.units.push_back(u);
    return index;
}

std::int64_t CoverageDataBuilder::household(std::int32_t b, model::Vec2 p, std::uint8_t categories) {
    auto& h = m_d.households;
    const std::int64_t id = m_nextHousehold++;
    // The unit of building b is the unit with the same index (one unit per building).
    h.ids.push_back(id);
    h.points.push_back(p);
    h.unit.push_back(b);
    h.building.push_back(b);
    h.categories.push_back(categories);
    return id;
}

std::int32_t CoverageDataBuilder::post(const std::string& type, model::Vec2 p, std::int64_t communityId,
                                       std::optional<double> radiusM, std::optional<double> walkMinutes) {
    storage::CoveragePost post;
    post.id = static_cast<std::int64_t>(m_d.posts.size()) + 101;
    post.name = type + std::to_string(post.id);
    post.type = type;
    post.communityId = communityId;
    post.point = p;
    post.radiusM = radiusM;
    post.walkMinutes = walkMinutes;
    m_d.posts.push_back(post);
    return static_cast<std::int32_t>(m_d.posts.size() - 1);
}

void CoverageDataBuilder::street(std::vector<model::Vec2> line, const std::string& cls) {
    m_d.streets.push_back({static_cast<std::int64_t>(m_d.streets.size()) + 1, cls, std::move(line)});
}

const std::string& demoAtlasPath() {
    // The demo district, scale S (on PostGIS in the PostGIS run: fixture_atlas.h).
    static const TempDir dir;
    return demoAtlas(dir.file("demo.sqlite"), storage::DemoOptions{});
}

} // namespace gridatlas::testing
