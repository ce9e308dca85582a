#pragma once
// Shared by the durability tests: a world with two grid plans, rosters big enough to take a
// while, and fingerprints of the tables a write touches.
#include <cstdint>
#include <string>

#include "storage/fixture_atlas.h"

namespace gridatlas::testing {

/// SmallWorld with two saved grid plans: "one" (the fixture's single grid) and "two" (the grid
/// split at x0 + 150 into two grids, building 1 moved to the new west grid). Current: "one". The
/// atlas is closed (atlas is null) so child processes can write it.
struct PlanWorld : SmallWorld {
    PlanWorld();
};

/// A roster of `rows` new residents (姓名, 住址) in the walk-up's twelve flats.
void writeBigRoster(const std::string& path, int rows);

/// Hash of the grid layout (grids with geometry bytes, staff, every building's grid code).
std::string gridFingerprint(const std::string& atlasPath);
/// Count and hash of the residents and the import log.
std::string residentFingerprint(const std::string& atlasPath);

/// "" when PRAGMA integrity_check is ok and every spatial index agrees with its table (SpatiaLite
/// CheckSpatialIndex), else what is wrong.
std::string atlasFaults(const std::string& atlasPath);

/// gridatlas-cli's path (GRIDATLAS_CLI).
std::string cli();

} // namespace gridatlas::testing
