#pragma once
// Grid plan versions (网格方案): a named copy of a grid layout (polygons, names, targets, staff and
// the building-to-grid assignment), saved from the current grids or by a proposal, compared with
// another plan and restored in one transaction. Plans live in grid_plans, grid_plan_grids,
// grid_plan_staff and grid_plan_buildings (schema v2); plan polygons are SpatiaLite blobs in a
// plain BLOB column (not registered as a geometry column: they are versions, not a map layer).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::storage {

class Atlas;

/// The name compare() accepts for the grids as they are now.
inline constexpr const char* kCurrentPlanName = "@current";

struct PlanInfo {
    std::int64_t id = 0;
    std::string name;
    std::string kind; ///< saved | proposal
    std::string createdAt;
    std::optional<std::int64_t> communityId; ///< nullopt: every community
    std::string note;
    int grids = 0;
    int buildings = 0;
};

struct PlanGrid {
    std::string code;
    std::string name;
    std::int64_t communityId = 0;
    std::optional<int> targetHouseholds;
    model::Geometry polygon;
};

/// Creates the plan tables in an atlas written at schema 2 before they existed (no-op otherwise).
void ensurePlanTables(Atlas& atlas);

std::vector<PlanInfo> listPlans(Atlas& atlas);

/// Saves the current grids (of one community, or all) as plan `name`. Throws InputError when the
/// name is taken, unless `replace`.
std::int64_t saveCurrentPlan(Atlas& atlas, const std::string& name, std::optional<std::int64_t> communityId = {},
                             bool replace = false, const std::string& note = {});

/// Saves a layout that is not (yet) the current one, e.g. a proposal. `buildingCodes` maps
/// building ids to grid codes of `grids`.
std::int64_t savePlan(Atlas& atlas, const std::string& name, const std::string& kind, std::optional<std::int64_t> communityId,
                      const std::vector<PlanGrid>& grids, const std::vector<std::pair<std::int64_t, std::string>>& buildingCodes,
                      bool replace = false, const std::string& note = {});

/// The grids of a plan, or of the current layout for kCurrentPlanName (ordered by code).
std::vector<PlanGrid> planGrids(Atlas& atlas, const std::string& name);

struct PlanComparison {
    struct GridRow {
        std::string code;
        std::string name;
        int householdsBefore = 0; ///< in plan A
        int householdsAfter = 0;  ///< in plan B
        int buildingsBefore = 0;
        int buildingsAfter = 0;
    };
    struct Move {
        std::int64_t buildingId = 0;
        std::string building; ///< number, e.g. "3栋"
        std::string from;     ///< grid code in A ("" = none)
        std::string to;       ///< grid code in B
        int households = 0;
    };
    std::vector<GridRow> grids; ///< by code, every code of either plan
    std::vector<Move> moves;    ///< by building id
    int householdsMoved = 0;
};

/// Compares plan `a` with plan `b` (either may be kCurrentPlanName). Buildings outside both plans'
/// communities are ignored.
PlanComparison comparePlans(Atlas& atlas, const std::string& a, const std::string& b);

/// Makes plan `name` the current layout of its communities, in one transaction: grids with a code
/// in the plan are updated (or created), the others in those communities deleted, staff restored
/// where the plan has staff for a code, and every building's grid set from the plan.
void restorePlan(Atlas& atlas, const std::string& name);

/// A grid polygon with its code and household count, for writing a plan or proposal to a file.
struct GridPolygonRecord {
    std::string code;
    std::string name;
    int households = 0;
    std::optional<double> deviation;
    model::Geometry polygon;
};

/// Writes grid polygons as a GeoPackage (.gpkg) or GeoJSON (.geojson/.json) file through GDAL, in
/// EPSG:`srid` (GeoJSON: reprojected to WGS84 as RFC 7946 wants). Written to a temporary file and
/// renamed, so a failure leaves nothing behind. Throws InputError for another extension.
void writeGridPolygons(const std::vector<GridPolygonRecord>& grids, int srid, const std::string& path,
                       const std::string& layerName);

/// Deletes a plan (not the current grids).
void deletePlan(Atlas& atlas, const std::string& name);

} // namespace gridatlas::storage
