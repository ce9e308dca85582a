#pragma once
// Internal to the demo generator: the planned district (streets, blocks, buildings,
// communities, grids, posts) before any row is written. Households and residents are not
// planned: they are drawn building by building while writing (demo_people.h).
//
// Everything is axis-aligned in EPSG:4548 metres: in Manzhouli (49.6N) residential slabs
// face south for winter sun, in east-west rows, with their stairwell entrances on the north
// side. Axis-aligned rectangles also make the grid tiling exact: neighbouring grids share
// the very same vertex coordinates, so their overlap is 0, not 1e-9.
#include <cstdint>
#include <string>
#include <vector>

#include "model/geometry.h"
#include "storage/demo_generator.h"

namespace gridatlas::storage::demo {

using model::Vec2;

struct Box {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    [[nodiscard]] double width() const { return x1 - x0; }
    [[nodiscard]] double height() const { return y1 - y0; }
    [[nodiscard]] Vec2 center() const { return {(x0 + x1) / 2, (y0 + y1) / 2}; }
};

/// Rounds to the millimetre, so coordinates print and compare cleanly.
double snap(double v);

enum class BlockKind { Walkup, Towers, Mixed, Public, Commercial };
/// The side of a building that faces its street (shops) or path (entrances).
enum class Side { South, North, West, East };

struct PlanBuilding {
    int cell = -1;
    int community = -1;
    int grid = -1;
    int compound = -1; ///< index into District::compounds, -1 outside compounds
    std::string use;   ///< residential | commercial | public | mixed
    std::string name;
    std::string address;
    std::string number; ///< "13栋", unique in its community
    int floors = 1;
    int units = 0;
    int flats = 0;          ///< flats per floor (0 = none)
    int firstFlatFloor = 1; ///< 2 for mixed use: shops on the ground floor
    Box box;
    bool streetFront = false; ///< a shop facing a street
    bool arterialFront = false;
    Side front = Side::North;
    bool communityCentre = false;
    [[nodiscard]] int households() const {
        return floors >= firstFlatFloor ? units * flats * (floors - firstFlatFloor + 1) : 0;
    }
    /// A point inside the footprint, 2.5 m in from the front (where a post's door is).
    [[nodiscard]] Vec2 frontPoint() const;
};

/// An east-west row of buildings in a block (south to north). A cell's rows are: the street
/// strip (half street and sidewalk, never any building), the street frontage (shops, mixed-use
/// buildings, or nothing), the inner rows, the north frontage and the north street strip.
struct Row {
    double y0 = 0, y1 = 0;
    std::vector<int> buildings; ///< west to east
    bool strip = false;
    bool frontage = false;
    bool hasPath = false; ///< a path along its north side reaches the entrances
};

struct Cell {
    int col = 0, row = 0, office = -1, community = -1;
    Box box;   ///< between street centre lines
    Box block; ///< inside the sidewalks
    BlockKind kind = BlockKind::Walkup;
    int compound = -1;
    bool up = true; ///< grid order walks this cell south to north (else north to south)
    double spineX = 0;
    bool northGate = false;
    std::vector<Row> rows;
    int households = 0;
};

struct Compound {
    std::string name;
    int cell = -1;
    int households = 0;
    Vec2 southGate; ///< where the main path meets the fence
};

struct PlanGrid {
    int community = -1;
    int number = 0; ///< 1.. within the community
    std::vector<Box> pieces;
    model::Geometry boundary;
    int households = 0;
};

struct PlanCommunity {
    int office = -1;
    std::string name;
    std::string code;
    std::vector<int> cells; ///< in walking order
    model::Geometry boundary;
    int households = 0;
    int firstGrid = 0;
    int gridCount = 0;
    int centre = -1; ///< building of the 党群服务中心
};

struct PlanOffice {
    std::string name;
    std::vector<int> cells; ///< serpentine order
    std::vector<int> communities;
};

struct PlanStreet {
    std::string name;
    std::string cls; ///< arterial | local | footpath | compound_path | gate
    double width = 0;
    std::vector<Vec2> line;
};

struct PlanPost {
    int community = -1;
    int building = -1; ///< -1 at a gate
    std::string name;
    std::string type;
    std::string hours;
    Vec2 at;
    bool staffedByMember = false;
};

struct District {
    DemoScale scale = DemoScale::S;
    std::uint64_t seed = 0;
    int cols = 0, rows = 0;
    std::vector<double> xs, ys; ///< street centre lines
    std::vector<double> xWidth, yWidth;
    std::vector<bool> xArterial, yArterial;
    std::vector<std::string> xName, yName;
    std::vector<Cell> cells; ///< row-major: cells[row * cols + col]
    std::vector<PlanBuilding> buildings;
    std::vector<Compound> compounds;
    std::vector<PlanOffice> offices;
    std::vector<PlanCommunity> communities;
    std::vector<PlanGrid> grids;
    std::vector<PlanStreet> streets;
    std::vector<PlanPost> posts;
    int households = 0;
    int gridsOutsideTarget = 0;
};

/// Plans the whole district (no people). Deterministic in (scale, seed).
District planDistrict(DemoScale scale, std::uint64_t seed);

/// The union of edge-adjacent axis-aligned rectangles as one polygon (counter-clockwise, no
/// collinear vertices). Throws Error when they overlap or do not form one simple polygon.
model::Geometry unionOfBoxes(const std::vector<Box>& boxes);

/// 1 -> "一", 12 -> "十二", 21 -> "二十一" (1..999).
std::string chineseNumber(int n);

} // namespace gridatlas::storage::demo
