#pragma once
// Grid checks (网格检查): the faults that break "grids tile the community, every building in one
// grid, three staff per grid". Each problem carries a place to zoom to.
//
// Debian 12's GEOS 3.11 has no coverage validation, so overlaps and gaps are computed here: pair
// intersections through an STR tree, and per community the boundary minus the union of its grids.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/geometry.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class Atlas;

enum class GridProblemKind {
    InvalidPolygon,   ///< the grid polygon is not valid (self-intersection, ...)
    Overlap,          ///< two grids share area
    Gap,              ///< part of a community is in no grid
    OutsideCommunity, ///< part of a grid lies outside its community
    CutBuilding,      ///< a grid boundary runs through a building
    EmptyGrid,        ///< no building is assigned to the grid
    MissingStaff,     ///< the grid lacks a manager, supervisor or assistant
    StaleAssignment,  ///< a building's grid_id is not the grid holding most of its footprint
};

/// "overlap", "gap", ... (stable, used in CLI output and tests).
const char* problemKindName(GridProblemKind kind);

struct GridProblem {
    GridProblemKind kind{};
    std::vector<std::int64_t> gridIds; ///< the grids involved (two for an overlap)
    std::vector<std::string> gridCodes;
    std::optional<std::int64_t> buildingId;
    std::optional<std::int64_t> communityId;
    double area = 0;      ///< m2, for overlaps, gaps and outside parts
    model::Vec2 location; ///< a point to zoom to (inside the fault where it has area)
    model::Rect bounds;   ///< the fault's extent
    std::string message;  ///< one line, English
};

struct GridCheckOptions {
    /// Overlaps, gaps and outside parts smaller than this (m2) are rounding noise, not faults.
    double minArea = 0.01;
};

/// Runs every check; problems are ordered by kind, then grid code, then place.
std::vector<GridProblem> checkGrids(Atlas& atlas, const GridCheckOptions& options = {}, Feedback* feedback = nullptr);

} // namespace gridatlas::storage
