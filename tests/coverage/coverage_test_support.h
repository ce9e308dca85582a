#pragma once
// Helpers for the coverage tests: hand-made CoverageData and one shared demo atlas.
#include <string>
#include <vector>

#include "storage/coverage_data.h"

namespace gridatlas::testing {

/// Builds CoverageData by hand: one building per call with one unit (door optional) and
/// households at given points.
class CoverageDataBuilder {
public:
    CoverageDataBuilder();
    /// Adds a community (id) and a grid (id) in it.
    void community(std::int64_t id, const std::string& name);
    void grid(std::int64_t id, std::int64_t communityId, const std::string& code);
    /// A building (returns its index) in a grid/community, with one unit at `door` (or none).
    std::int32_t building(std::int64_t gridId, std::int64_t communityId, std::optional<model::Vec2> door,
                          const model::Rect& footprint);
    /// A household of building `b`'s unit at point p with category bits; returns its id.
    std::int64_t household(std::int32_t b, model::Vec2 p, std::uint8_t categories = 0);
    /// A post; returns its index.
    std::int32_t post(const std::string& type, model::Vec2 p, std::int64_t communityId,
                      std::optional<double> radiusM = std::nullopt, std::optional<double> walkMinutes = std::nullopt);
    void street(std::vector<model::Vec2> line, const std::string& cls = "local");
    storage::CoverageData& data() { return m_d; }

private:
    storage::CoverageData m_d;
    std::int64_t m_nextHousehold = 1;
};

/// The S demo atlas (generated once per test run by gridatlas-cli demo).
const std::string& demoAtlasPath();

} // namespace gridatlas::testing
