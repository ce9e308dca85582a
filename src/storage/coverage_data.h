#pragma once
// What coverage analysis reads from an atlas, held in flat arrays: households (point, unit,
// building, categories), units (entrance 单元门), buildings (footprint, grid, community), service
// posts with their standard, post types, grid and community names, streets. Read once in bulk
// (blobs decoded in C++, the households table in two halves on two connections) so that a
// whole command stays well under the SQL query it replaces.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/geometry.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class Atlas;
class LayerSnapshot;

/// Household categories used by the coverage tables (bits of CoverageHouseholds::categories).
enum CoverageCategory : std::uint8_t {
    kCoverHardship = 1u << 0,        ///< 困难户
    kCoverMinimumIncome = 1u << 1,   ///< 低保户
    kCoverElderlyAlone = 1u << 2,    ///< 独居老人
    kCoverLeftBehind = 1u << 3,      ///< 留守儿童
    kCoverDisability = 1u << 4,      ///< a resident with a disability
    kCoverMemberHousehold = 1u << 5, ///< 家有党员
    kCoverVacant = 1u << 6,          ///< 空置
};
/// Vulnerable = any of hardship, minimum income, elderly alone, left-behind children, disability
/// (the household_summary view's definition).
inline constexpr std::uint8_t kCoverVulnerableMask =
    kCoverHardship | kCoverMinimumIncome | kCoverElderlyAlone | kCoverLeftBehind | kCoverDisability;

/// Households as parallel arrays (index i is one household, sorted by id). Households without a
/// point are left out (they cannot be placed on the map or measured).
struct CoverageHouseholds {
    std::vector<std::int64_t> ids;
    std::vector<model::Vec2> points;
    std::vector<std::int32_t> unit;       ///< index into CoverageData::units, -1 if unknown
    std::vector<std::int32_t> building;   ///< index into CoverageData::buildings, -1 if unknown
    std::vector<std::uint8_t> categories; ///< CoverageCategory bits
    [[nodiscard]] std::size_t size() const { return ids.size(); }
};

struct CoverageUnit {
    std::int64_t id = 0;
    std::int32_t building = -1;          ///< index into CoverageData::buildings
    std::optional<model::Vec2> entrance; ///< 单元门, when the unit has one
};

struct CoverageBuilding {
    std::int64_t id = 0;
    std::string number; ///< "3栋"
    std::string compound;
    std::int64_t gridId = 0; ///< 0 when none
    std::int64_t communityId = 0;
    model::Geometry footprint;
    model::Vec2 centroid;
};

struct CoveragePost {
    std::int64_t id = 0;
    std::string name;
    std::string type;
    std::int64_t communityId = 0; ///< 0 when none
    std::int64_t buildingId = 0;  ///< 0 when none
    model::Vec2 point;
    std::optional<double> radiusM;     ///< per-post override of the type's straight-line standard
    std::optional<double> walkMinutes; ///< per-post override of the type's walking standard
};

struct CoveragePostType {
    std::string type;
    std::string nameZh;
    std::string nameEn;
    double radiusM = 0;
    double walkMinutes = 0;
};

struct CoverageStreet {
    std::int64_t id = 0;
    std::string streetClass; ///< arterial, local, footpath, compound_path, gate
    std::vector<model::Vec2> line;
};

struct CoverageArea {
    std::int64_t id = 0;
    std::string code;
    std::string name;
    std::int64_t communityId = 0; ///< grids: their community; communities: 0
    model::Geometry boundary;     ///< grids only, when footprints are loaded (for the choropleth)
};

/// Everything coverage, siting and member reach read. Immutable once loaded; share it across
/// threads through a shared_ptr.
struct CoverageData {
    int srid = 0;
    std::string atlasName;
    CoverageHouseholds households;
    std::vector<CoverageUnit> units;
    std::vector<CoverageBuilding> buildings;
    std::vector<CoveragePost> posts;
    std::vector<CoveragePostType> postTypes;
    std::vector<CoverageArea> grids;
    std::vector<CoverageArea> communities;
    std::vector<CoverageStreet> streets;

    [[nodiscard]] const CoveragePostType* postType(const std::string& type) const;
    /// Index of a building by id, or -1.
    [[nodiscard]] std::int32_t buildingIndex(std::int64_t id) const;
    /// Index of a household by id, or -1.
    [[nodiscard]] std::int64_t householdIndex(std::int64_t id) const;
    /// Grid id / community id of household i (0 when unknown).
    [[nodiscard]] std::int64_t gridOf(std::size_t household) const;
    [[nodiscard]] std::int64_t communityOf(std::size_t household) const;
    /// Where household i's walk starts: its unit's entrance when it has one, else its own point.
    [[nodiscard]] model::Vec2 doorOf(std::size_t household) const;

    std::unordered_map<std::int64_t, std::int32_t> buildingById; ///< filled by the loaders
};

/// What to read. Streets and footprints (buildings and grid polygons) are skipped when only
/// straight-line coverage is wanted.
struct CoverageLoadOptions {
    bool streets = true;
    bool footprints = true;
    bool residents = true; ///< disability and member households (a scan of residents' partial indexes)
};

/// Reads an atlas. Throws StorageError naming the table on malformed geometry.
std::shared_ptr<const CoverageData> loadCoverageData(Atlas& atlas, const CoverageLoadOptions& options = {},
                                                     Feedback* feedback = nullptr);

/// The same, reusing the viewer's in-memory households layer (household_summary's columns: id,
/// unit_id, building_id, flags, has_member, has_disability) instead of scanning households.
std::shared_ptr<const CoverageData> loadCoverageData(Atlas& atlas, const LayerSnapshot& householdsLayer,
                                                     const CoverageLoadOptions& options = {}, Feedback* feedback = nullptr);

} // namespace gridatlas::storage
