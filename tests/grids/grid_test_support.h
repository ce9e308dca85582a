#pragma once
// Fixtures for the grid tests: two grids side by side with known geometry, and copies of the
// seeded demo atlas (generated once per process).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/geometry.h"
#include "storage/atlas.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::testing {

/// One community 400 x 300 m split at x = 200 into grid A (id 1, west) and grid B (id 2, east),
/// each with three staff. Buildings: 1 "1栋" in A at x 50..110, y 50..62 (24 households),
/// 2 "2栋" in B at x 250..275, y 150..170 (36 households). Coordinates are offsets from (kX0, kY0).
struct TwoGrids : FixtureAtlas {
    TwoGrids();
    static constexpr double kX0 = 560000.0;
    static constexpr double kY0 = 5495000.0;
    static model::Geometry rect(double xa, double ya, double xb, double yb);
    /// Sets a grid's polygon bypassing the edit API (to plant faults).
    void setGrid(std::int64_t id, const model::Geometry& g);
};

/// A copy of the demo atlas (S, default seed) in `dir`, opened read-write.
std::unique_ptr<storage::Atlas> demoCopy(const TempDir& dir, const std::string& name = "demo.sqlite");
/// Path of the process-wide M demo atlas (generated on first use), copied into `dir`.
std::string demoMCopy(const TempDir& dir);

/// grid id -> geometry blob, byte for byte.
std::map<std::int64_t, std::string> gridBlobs(storage::Connection& c);
/// building id -> grid_id.
std::map<std::int64_t, std::optional<std::int64_t>> buildingGrids(storage::Connection& c);
/// grid id -> staff "role:name:phone" lines.
std::map<std::int64_t, std::vector<std::string>> gridStaff(storage::Connection& c);

/// Area of a SpatiaLite SQL expression over two blobs, e.g. "ST_Intersection(?1, ?2)".
double sqlArea(storage::Connection& c, const std::string& expression, const std::string& a, const std::string& b);

/// Sum of areas, pairwise overlap total, and area outside `boundary`, of polygons (as blobs):
/// what "tiles the boundary" needs.
struct TilingReport {
    double boundaryArea = 0;
    double sumOfAreas = 0;
    double overlap = 0;
    double outside = 0;
    int multipart = 0;
};
TilingReport tiling(storage::Connection& c, const std::string& boundaryBlob, const std::vector<std::string>& blobs);

} // namespace gridatlas::testing
