#pragma once
// Per-grid statistics (网格统计): buildings, households, residents, Party members, vulnerable
// households by kind, service posts, staff and workload, deviation from the target.
//
// Households, residents, members and posts are counted where their points lie (point in grid
// polygon, as SpatiaLite's ST_Contains would count them); buildings by their assignment
// (buildings.grid_id, kept up to date by the grid edits). The scan decodes blobs in C++ and
// tests points against the grids through a bucket index, with the residents read on a second
// connection in parallel.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class Atlas;

struct GridStats {
    std::int64_t gridId = 0;
    std::string code;
    std::string name;
    std::int64_t communityId = 0;
    std::string community;
    std::optional<int> targetHouseholds;

    int buildings = 0;
    int households = 0;
    int residents = 0;
    int members = 0;
    int memberHouseholds = 0;
    int vulnerableHouseholds = 0; ///< any of the kinds below
    int hardship = 0;
    int minimumIncome = 0;
    int elderlyAlone = 0;
    int leftBehindChildren = 0;
    int disability = 0; ///< households with a resident with a disability
    int vacant = 0;
    int servicePosts = 0;
    int staff = 0; ///< of the three roles, how many are filled

    /// Households per filled staff role; nullopt without staff.
    [[nodiscard]] std::optional<double> householdsPerStaff() const {
        return staff > 0 ? std::optional<double>(static_cast<double>(households) / staff) : std::nullopt;
    }
    /// (households - target) / target; nullopt without a target.
    [[nodiscard]] std::optional<double> deviation() const {
        return targetHouseholds && *targetHouseholds > 0
                   ? std::optional<double>(static_cast<double>(households - *targetHouseholds) / *targetHouseholds)
                   : std::nullopt;
    }
};

struct GridStatsResult {
    std::vector<GridStats> grids;   ///< ordered by grid code
    int householdsOutsideGrids = 0; ///< household points in no grid polygon
};

/// Statistics of every grid. `feedback` (optional) gets progress and may cancel.
GridStatsResult computeGridStats(Atlas& atlas, Feedback* feedback = nullptr);

/// Which grids to count: those of a community (name or code) and/or with the given codes.
struct GridStatsScope {
    std::optional<std::string> community;
    std::vector<std::string> gridCodes;
    [[nodiscard]] bool empty() const { return !community && gridCodes.empty(); }
};
/// Statistics of the grids in `scope`, reading only what lies in their bounding box (spatial
/// indexes) and the residents of those households: one grid of a city of ten million households
/// costs what it costs in a community's file. The figures equal computeGridStats's for the same
/// grids; householdsOutsideGrids is left 0 (it is a whole-atlas figure). Throws InputError naming
/// a grid code or community that does not exist. An empty scope is computeGridStats.
GridStatsResult computeGridStats(Atlas& atlas, const GridStatsScope& scope, Feedback* feedback = nullptr);

/// Households per grid id by point in polygon only (the core of computeGridStats, and what the
/// benchmark compares with SpatiaLite SQL). Pairs (grid id, count) for grids with households,
/// ordered by grid id.
std::vector<std::pair<std::int64_t, std::int64_t>> countHouseholdsPerGrid(Atlas& atlas);

/// Totals of some buildings, for live totals while painting: add a building's tally to the grid
/// it joins and take it from the grid it leaves, without recounting the atlas.
struct BuildingTally {
    int households = 0;
    int residents = 0;
    int members = 0;
    int vulnerableHouseholds = 0;
};
/// Tallies of the given buildings (by id; unknown ids are absent from the result).
std::vector<std::pair<std::int64_t, BuildingTally>> tallyBuildings(Atlas& atlas, const std::vector<std::int64_t>& buildingIds);

/// Writes the statistics as CSV (UTF-8 with BOM so Excel reads the Chinese names) or, for a path
/// ending in .xlsx, as a spreadsheet through GDAL. Written to a temporary file and renamed.
/// Staff names and phones are not part of the table (no personal data).
void writeGridStats(const GridStatsResult& stats, const std::string& path);

} // namespace gridatlas::storage
