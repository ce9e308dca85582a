#pragma once
// Post coverage: for every household the nearest service post of one type, its distance
// (straight line from the household's point, or walking along the street network from its
// unit's door 单元门), whether it is covered within the standard (post_types.radius_m /
// walk_minutes, per-post overrides in service_posts, or one value given by the caller), and why
// not. Summaries by grid, community and household category, and the gap layer: buildings with
// uncovered households, weighted by the vulnerable households among them.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/coverage_data.h"
#include "storage/street_network.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class LayerSnapshot;

enum class DistanceMode { Euclidean, Network };

/// Default walking speed: 4.5 km/h, so 15 minutes = 1,125 m.
inline constexpr double kDefaultWalkSpeedKmh = 4.5;

struct CoverageOptions {
    std::string postType;
    DistanceMode mode = DistanceMode::Euclidean;
    std::optional<double> meters;  ///< one standard for every post, in metres (wins over minutes)
    std::optional<double> minutes; ///< one standard for every post, in walking minutes
    double walkSpeedKmh = kDefaultWalkSpeedKmh;
    double maxSnapM = 300; ///< a door or post farther than this from any street has no walkable path
    int threads = 2;
    /// Metres per walking minute.
    [[nodiscard]] double metersPerMinute() const { return walkSpeedKmh * 1000.0 / 60.0; }
};

/// Why a household is not covered (None when it is).
enum class UncoveredReason : std::uint8_t {
    None,
    NoPostOfType,      ///< the atlas has no post of the type at all
    NoPostInCommunity, ///< the household's community has no post of the type
    NoWalkablePath,    ///< no street path joins its door to any post (or its door is off the network)
    BeyondStandard,    ///< the nearest post is `distance - standard` metres beyond the standard
};
const char* reasonCode(UncoveredReason r);
/// A sentence in Chinese for reports ("最近的站点超出标准 123 米").
std::string reasonTextZh(UncoveredReason r, double excessM);

/// One row of a coverage table.
struct CoverageRow {
    std::int64_t id = 0; ///< grid / community id (0 for category rows and "unknown")
    std::string code;    ///< grid code, community code, or category code ("all", "hardship", ...)
    std::string name;    ///< display name (Chinese)
    std::int64_t households = 0;
    std::int64_t covered = 0;
    std::int64_t vulnerable = 0;
    std::int64_t vulnerableCovered = 0;
    [[nodiscard]] double percent() const {
        return households ? 100.0 * static_cast<double>(covered) / static_cast<double>(households) : 0.0;
    }
};

/// A building with uncovered households.
struct GapBuilding {
    std::int32_t building = -1; ///< index into CoverageData::buildings
    std::int64_t households = 0;
    std::int64_t uncovered = 0;
    std::int64_t vulnerableUncovered = 0;
    double nearestDistanceM = StreetNetwork::kInfinity; ///< smallest distance among its uncovered households
    /// The gap weight: uncovered households, vulnerable ones counting three times (1 + 2).
    [[nodiscard]] double weight() const { return static_cast<double>(uncovered + 2 * vulnerableUncovered); }
};

struct CoverageResult {
    CoverageOptions options;
    std::vector<std::int32_t> posts;   ///< indices into CoverageData::posts of the type
    std::vector<double> postStandardM; ///< the standard used for each of `posts`, in metres
    // Per household (index as in CoverageData::households):
    std::vector<std::int32_t> nearestPost; ///< index into CoverageData::posts, -1 when none reachable
    std::vector<double> distanceM;         ///< to the nearest post; kInfinity when none
    std::vector<std::uint8_t> covered;     ///< 1 when some post is within its standard
    std::vector<UncoveredReason> reason;
    std::int64_t coveredCount = 0;
    std::vector<CoverageRow> byGrid;
    std::vector<CoverageRow> byCommunity;
    std::vector<CoverageRow> byCategory;
    std::vector<GapBuilding> gaps; ///< heaviest first
    double seconds = 0;
    /// The standard (metres) of household i's nearest post, or 0.
    [[nodiscard]] double standardOfNearest(std::size_t household) const;
};

/// The standard of post `p` in metres for the options' mode (caller value, else per-post
/// override, else the type's).
double postStandardM(const CoverageData& data, const CoveragePost& p, const CoverageOptions& options);

/// Computes coverage. `network` is needed for DistanceMode::Network (built from data.streets when
/// null). Throws InputError for an unknown post type; CancelledError when cancelled.
CoverageResult computeCoverage(const CoverageData& data, const CoverageOptions& options, const StreetNetwork* network = nullptr,
                               Feedback* feedback = nullptr);

/// The gap layer as in-memory features (building footprints) the map can draw: columns
/// building_id, number, households, uncovered, vulnerable_uncovered, weight, nearest_m.
std::shared_ptr<const LayerSnapshot> makeGapLayer(const CoverageData& data, const CoverageResult& result);
/// Grids (when their polygons were loaded) with their coverage, for a choropleth: columns code,
/// name, households, covered, covered_pct, vulnerable, vulnerable_covered, vulnerable_pct.
std::shared_ptr<const LayerSnapshot> makeGridCoverageLayer(const CoverageData& data, const CoverageResult& result);
/// Households as points with columns covered (0/1), distance_m, nearest_post_id, reason.
std::shared_ptr<const LayerSnapshot> makeCoverageHouseholdsLayer(const CoverageData& data, const CoverageResult& result);

} // namespace gridatlas::storage
