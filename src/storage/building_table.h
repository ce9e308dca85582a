#pragma once
// The building table (楼盘表): one building as floors x units x flats, every cell a household
// (or a flat with no household on record), with its status and member counts, plus the
// building's drawn floor plan (rooms in building-local metres, a typical floor repeated on the
// floors its repeat_on lists). Values are raw; callers mask what they show (model/masking.h).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::storage {

class Atlas;

// ---- floors and room labels ---------------------------------------------------------------

/// Parses a floor list in OpenStreetMap's repeat_on syntax: "2-18;20", "1", "-2--1;1-3". Floors
/// are the atlas's (1 = ground floor, -1 = first basement, no floor 0), not OSM's 0-based levels.
/// Returns the floors ascending without duplicates; throws InputError naming `what` (e.g.
/// "--floors") and the part that is wrong.
std::vector<int> parseFloorList(std::string_view text, const std::string& what = "floor list");
/// The shortest repeat_on text for a set of floors: {2,3,...,18,20} -> "2-18;20".
std::string formatFloorList(const std::vector<int>& floors);

/// What a room label or a household's room says: "501" (floor 5, flat 1), "1-01" (unit 1, flat 1),
/// "2单元502", "03". Zero where the label does not say.
struct RoomLabel {
    int unit = 0;
    int floor = 0;
    int flat = 0;
};
/// Parses a room label; nullopt when it names no flat ("楼梯", "电梯", "A").
std::optional<RoomLabel> parseRoomLabel(std::string_view label);
/// The room number of a flat: floor 5, flat 2 -> "502"; basement floor -1 -> "B102".
std::string roomNumber(int floor, int flat);

// ---- the building table -------------------------------------------------------------------

/// Household flags as bits; a household can have several.
enum HouseholdFlag : unsigned {
    kFlagMember = 1u << 0,       ///< 家有党员: at least one resident is a member
    kFlagHardship = 1u << 1,     ///< 困难户 or 低保户 (hardship or minimum income)
    kFlagElderlyAlone = 1u << 2, ///< 独居老人
    kFlagDisability = 1u << 3,   ///< a resident with a disability
    kFlagLeftBehind = 1u << 4,   ///< 留守儿童
    kFlagVacant = 1u << 5,       ///< 空置
};

/// The one status a cell is coloured by, highest priority last. `Care` stands for Hardship,
/// ElderlyAlone, Disability and LeftBehindChildren when personal details are masked.
enum class CellStatus { NoHousehold, Ordinary, Vacant, Care, LeftBehindChildren, Disability, ElderlyAlone, Hardship, Member };

/// The status of a set of HouseholdFlag bits (`hasHousehold` false: NoHousehold). Without
/// `reveal` the vulnerability kinds collapse into Care: a printed table must not say which flat
/// has a disability or is on minimum income.
CellStatus cellStatusOf(unsigned flags, bool hasHousehold, bool reveal);
/// True when the flags hold any vulnerability (hardship, minimum income, elderly alone,
/// disability, left-behind children).
inline bool isVulnerable(unsigned flags) {
    return (flags & (kFlagHardship | kFlagElderlyAlone | kFlagDisability | kFlagLeftBehind)) != 0;
}

struct BuildingTableCell {
    int floor = 0;
    int unit = 0;                 ///< unit number
    int flat = 0;                 ///< 1-based flat within the unit's floor (the column)
    std::int64_t householdId = 0; ///< 0: no household on record
    std::string room;             ///< the household's room, else the room number the flat would have
    int residents = 0;
    int members = 0;
    unsigned flags = 0;  ///< HouseholdFlag bits
    bool onPlan = false; ///< the drawn floor plan has this flat
    [[nodiscard]] bool hasHousehold() const { return householdId != 0; }
    [[nodiscard]] CellStatus status(bool reveal) const { return cellStatusOf(flags, hasHousehold(), reveal); }
};

/// Households, residents and members of a row, a unit or the building.
struct BuildingTableCount {
    int households = 0;
    int residents = 0;
    int members = 0;
    int memberHouseholds = 0;
    int vulnerableHouseholds = 0;
    int vacantHouseholds = 0;
    void add(const BuildingTableCell& c);
};

struct BuildingTableUnit {
    std::int64_t id = 0; ///< 0 when the building lists the unit but units has no row for it
    int number = 0;
    int flats = 0;       ///< columns of this unit
    int firstColumn = 0; ///< its first column in the table
    BuildingTableCount count;
};

struct BuildingTable {
    std::int64_t buildingId = 0;
    std::string number; ///< "3栋"
    std::string name;
    std::string community;
    std::string compound;
    std::string address;
    int floors = 0; ///< buildings.floors
    std::optional<int> flatsPerFloor;
    std::vector<int> floorNumbers; ///< the rows, top floor first
    std::vector<BuildingTableUnit> units;
    int columns = 0;                             ///< sum of the units' flats
    std::vector<BuildingTableCell> cells;        ///< rows x columns, row-major
    std::vector<BuildingTableCount> floorCounts; ///< per row
    BuildingTableCount total;
    bool hasPlan = false; ///< the building has drawn rooms

    [[nodiscard]] const BuildingTableCell& cell(std::size_t row, std::size_t column) const {
        return cells[row * static_cast<std::size_t>(columns) + column];
    }
    /// The cell of a household; nullptr when it is not in this building.
    [[nodiscard]] const BuildingTableCell* findHousehold(std::int64_t householdId) const;
    /// The cell at floor/unit/flat; nullptr when there is none.
    [[nodiscard]] const BuildingTableCell* find(int floor, int unit, int flat) const;
    /// Row of a floor, -1 when the table has no such floor.
    [[nodiscard]] int rowOfFloor(int floor) const;
    /// The unit a column belongs to.
    [[nodiscard]] const BuildingTableUnit& unitOfColumn(int column) const;
};

/// Loads the building table of `buildingId`. Columns: per unit, buildings.flats_per_floor, else
/// the flats of the drawn plan, else the most households on one floor of the unit; a household
/// whose room says another flat ("503" in a 2-flat unit) widens its unit. Households are placed by
/// their room number ("501" -> floor 5, flat 1), the others in room order in the free flats of
/// their floor. Throws InputError when there is no such building.
BuildingTable loadBuildingTable(Atlas& atlas, std::int64_t buildingId);

/// One resident of a household, masked unless `reveal`.
struct HouseholdResident {
    std::int64_t id = 0;
    std::string name; ///< masked: 张*
    std::string relation;
    std::string gender; ///< M | F | ""
    std::optional<int> birthYear;
    std::string phone;              ///< masked: 138****5678
    std::string idNumber;           ///< masked: 1101**********1234
    std::optional<bool> disability; ///< unknown (nullopt) unless revealed: a health detail
    bool isMember = false;
    std::string memberType; ///< full | probationary | mobile | in_service
    std::string branch;
};
/// The residents of a household in id order, masked unless `reveal`.
std::vector<HouseholdResident> loadHouseholdResidents(Atlas& atlas, std::int64_t householdId, bool reveal = false);

// ---- drawn floor plans -------------------------------------------------------------------

/// Where a building's local metres lie on the map: world = origin + R(rotation) * local.
/// `scale` is the drawing units -> metres factor the rooms were imported with.
struct FloorPlanPlacement {
    std::string source; ///< the drawing's file name, or "generated"
    double scale = 1.0;
    double rotationDeg = 0.0; ///< counter-clockwise
    double originX = 0.0;
    double originY = 0.0;
    bool fitted = false; ///< fitted to the footprint automatically
    [[nodiscard]] model::Vec2 toWorld(model::Vec2 local) const;
    [[nodiscard]] model::Vec2 toLocal(model::Vec2 world) const;
};

/// A room of the drawn plan, in building-local metres.
struct FloorPlanRoom {
    std::int64_t id = 0;
    std::vector<int> floors;      ///< the floors it is on (floor, or repeat_on expanded)
    std::string repeatOn;         ///< "" when on one floor only
    int unit = 0;                 ///< unit number, 0 when not known
    std::int64_t householdId = 0; ///< linked household (one-floor rooms), else 0
    std::string label;
    std::string kind; ///< flat | stair | common | outline
    model::Geometry geometry;
    /// The flat this room is on `floor` (parsed from its label), 0 for none.
    [[nodiscard]] int flatNumber() const;
    [[nodiscard]] bool isOn(int floor) const;
};

struct FloorPlan {
    std::int64_t buildingId = 0;
    std::optional<FloorPlanPlacement> placement;
    std::vector<FloorPlanRoom> rooms;
    model::Geometry footprint; ///< the building's footprint in the atlas CRS
    /// Distinct floor sets of the rooms ("1", "2-18;20"), lowest first: each is drawn once.
    [[nodiscard]] std::vector<std::vector<int>> drawings() const;
    /// Every floor some room is on, ascending.
    [[nodiscard]] std::vector<int> floors() const;
};

/// Reads the rooms and placement of a building (empty rooms when it has no plan).
FloorPlan loadFloorPlan(Atlas& atlas, std::int64_t buildingId);

// ---- finding a building -------------------------------------------------------------------

struct BuildingRef {
    std::int64_t id = 0;
    std::string number;
    std::string community;
};
/// The building called `number` ("3栋", "3号楼", "三栋", or its name), in `community` (name or
/// code) when given. Throws InputError when there is none, and when several communities have
/// one (the message lists them and asks for --community).
BuildingRef findBuilding(Atlas& atlas, const std::string& number, const std::optional<std::string>& community);

} // namespace gridatlas::storage
