#include "storage/building_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numbers>
#include <set>

#include "model/masking.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/crypto.h"
#include "storage/search.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<int> toInt(std::string_view s) {
    int v = 0;
    if (s.empty()) return std::nullopt;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

bool isDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Full-width digits and separators to ASCII, so "５０１" and "1－01" parse like "501" and "1-01".
std::string asciiDigits(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        // U+FF10..U+FF19 (０-９) are EF BC 90..99; U+FF0D (－) is EF BC 8D.
        if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) {
            const auto d = static_cast<unsigned char>(s[i + 2]);
            if (d >= 0x90 && d <= 0x99) {
                out += static_cast<char>('0' + (d - 0x90));
                i += 3;
                continue;
            }
            if (d == 0x8D) {
                out += '-';
                i += 3;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "501" -> floor 5 flat 1; "01" -> flat 1; "B102" -> floor -1 flat 2.
std::optional<RoomLabel> parseRoomPart(std::string_view s) {
    s = trim(s);
    for (std::string_view suffix : {"室", "号", "户"})
        if (endsWith(s, suffix)) s.remove_suffix(suffix.size());
    s = trim(s);
    RoomLabel r;
    bool basement = false;
    if (!s.empty() && (s.front() == 'B' || s.front() == 'b') && isDigits(s.substr(1))) {
        basement = true;
        s.remove_prefix(1);
    }
    if (isDigits(s)) {
        const int n = *toInt(s);
        if (s.size() <= 2 && !basement) {
            r.flat = n;
        } else if (s.size() <= 4) {
            r.floor = (basement ? -1 : 1) * (n / 100);
            r.flat = n % 100;
            if (r.floor == 0) return std::nullopt;
        } else {
            return std::nullopt;
        }
        if (r.flat < 1) return std::nullopt;
        return r;
    }
    // "5层01", "5楼01"
    for (std::string_view sep : {"层", "楼"}) {
        const auto pos = s.find(sep);
        if (pos == std::string_view::npos) continue;
        const auto floor = toInt(trim(s.substr(0, pos)));
        const auto flat = toInt(trim(s.substr(pos + sep.size())));
        if (floor && flat && *floor != 0 && *flat >= 1) return RoomLabel{0, *floor, *flat};
    }
    return std::nullopt;
}

std::int64_t columnIntOr0(Statement& st, int i) {
    return st.isNull(i) ? 0 : st.columnInt(i);
}

} // namespace

// ---- floors and room labels ---------------------------------------------------------------

std::vector<int> parseFloorList(std::string_view text, const std::string& what) {
    const std::string ascii = asciiDigits(text);
    std::set<int> floors;
    std::string_view rest = ascii;
    if (trim(rest).empty()) throw InputError(what + " is empty (expected floors such as \"2-18;20\")");
    while (true) {
        const auto semi = rest.find_first_of(";,");
        const std::string_view part = trim(rest.substr(0, semi));
        auto bad = [&](const std::string& why) {
            return InputError(what + " \"" + std::string(text) + "\": \"" + std::string(part) + "\" " + why +
                              " (expected floors such as \"2-18;20\" or \"-1;1-3\")");
        };
        if (part.empty()) throw bad("is empty");
        // A range separator is a '-' after a digit (spaces between allowed): "-2--1" is -2 to -1.
        std::size_t dash = std::string_view::npos;
        for (std::size_t i = 1; i < part.size() && dash == std::string_view::npos; ++i) {
            if (part[i] != '-') continue;
            std::size_t j = i;
            while (j > 0 && part[j - 1] == ' ') --j;
            if (j > 0 && part[j - 1] >= '0' && part[j - 1] <= '9') dash = i;
        }
        const auto a = toInt(trim(part.substr(0, dash)));
        const auto b = dash == std::string_view::npos ? a : toInt(trim(part.substr(dash + 1)));
        if (!a || !b) throw bad("is not a floor or a range of floors");
        if (*a > *b) throw bad("runs downwards");
        if (*a < -20 || *b > 200) throw bad("is outside floors -20..200");
        if (*a == 0 || *b == 0) {
            if (*a == *b) throw bad("is floor 0, which buildings here do not have (1 is the ground floor)");
        }
        for (int f = *a; f <= *b; ++f)
            if (f != 0) floors.insert(f);
        if (semi == std::string_view::npos) break;
        rest.remove_prefix(semi + 1);
    }
    return {floors.begin(), floors.end()};
}

std::string formatFloorList(const std::vector<int>& floorsIn) {
    std::vector<int> floors = floorsIn;
    std::sort(floors.begin(), floors.end());
    floors.erase(std::unique(floors.begin(), floors.end()), floors.end());
    std::string out;
    for (std::size_t i = 0; i < floors.size();) {
        std::size_t j = i;
        // A run skips floor 0: -1 and 1 are neighbours.
        while (j + 1 < floors.size() && (floors[j + 1] == floors[j] + 1 || (floors[j] == -1 && floors[j + 1] == 1))) ++j;
        if (!out.empty()) out += ';';
        out += std::to_string(floors[i]);
        if (j > i) out += "-" + std::to_string(floors[j]);
        i = j + 1;
    }
    return out;
}

std::optional<RoomLabel> parseRoomLabel(std::string_view labelIn) {
    const std::string ascii = asciiDigits(labelIn);
    std::string_view s = trim(ascii);
    if (s.empty()) return std::nullopt;
    int unit = 0;
    // "2单元502", "2单元 02"
    if (const auto pos = s.find("单元"); pos != std::string_view::npos) {
        const auto u = toInt(trim(s.substr(0, pos)));
        if (!u || *u < 1) return std::nullopt;
        unit = *u;
        s = s.substr(pos + std::string_view("单元").size());
    } else {
        // "1-01", "1-501", "3-2-501" (building-unit-room): the unit is the part before the room.
        std::vector<std::string_view> parts;
        std::size_t start = 0;
        for (std::size_t i = 0; i <= s.size(); ++i)
            if (i == s.size() || s[i] == '-' || s[i] == '/' || s[i] == '_') {
                parts.push_back(trim(s.substr(start, i - start)));
                start = i + 1;
            }
        if (parts.size() == 2 || parts.size() == 3) {
            const auto u = toInt(parts[parts.size() - 2]);
            if (!u || *u < 1) return std::nullopt;
            unit = *u;
            s = parts.back();
        } else if (parts.size() > 3) {
            return std::nullopt;
        }
    }
    auto r = parseRoomPart(s);
    if (!r) return std::nullopt;
    r->unit = unit;
    return r;
}

std::string roomNumber(int floor, int flat) {
    char buf[32];
    if (floor < 0)
        std::snprintf(buf, sizeof buf, "B%d%02d", -floor, flat);
    else
        std::snprintf(buf, sizeof buf, "%d%02d", floor, flat);
    return buf;
}

// ---- the building table -------------------------------------------------------------------

CellStatus cellStatusOf(unsigned flags, bool hasHousehold, bool reveal) {
    if (!hasHousehold) return CellStatus::NoHousehold;
    if (flags & kFlagMember) return CellStatus::Member;
    if (isVulnerable(flags) && !reveal) return CellStatus::Care;
    if (flags & kFlagHardship) return CellStatus::Hardship;
    if (flags & kFlagElderlyAlone) return CellStatus::ElderlyAlone;
    if (flags & kFlagDisability) return CellStatus::Disability;
    if (flags & kFlagLeftBehind) return CellStatus::LeftBehindChildren;
    if (flags & kFlagVacant) return CellStatus::Vacant;
    return CellStatus::Ordinary;
}

void BuildingTableCount::add(const BuildingTableCell& c) {
    if (!c.hasHousehold()) return;
    ++households;
    residents += c.residents;
    members += c.members;
    if (c.members > 0) ++memberHouseholds;
    if (isVulnerable(c.flags)) ++vulnerableHouseholds;
    if (c.flags & kFlagVacant) ++vacantHouseholds;
}

const BuildingTableCell* BuildingTable::findHousehold(std::int64_t householdId) const {
    if (householdId == 0) return nullptr;
    for (const auto& c : cells)
        if (c.householdId == householdId) return &c;
    return nullptr;
}

const BuildingTableCell* BuildingTable::find(int floor, int unit, int flat) const {
    const int row = rowOfFloor(floor);
    if (row < 0 || flat < 1) return nullptr;
    for (const auto& u : units)
        if (u.number == unit) {
            if (flat > u.flats) return nullptr;
            return &cell(static_cast<std::size_t>(row), static_cast<std::size_t>(u.firstColumn + flat - 1));
        }
    return nullptr;
}

int BuildingTable::rowOfFloor(int floor) const {
    for (std::size_t i = 0; i < floorNumbers.size(); ++i)
        if (floorNumbers[i] == floor) return static_cast<int>(i);
    return -1;
}

const BuildingTableUnit& BuildingTable::unitOfColumn(int column) const {
    for (const auto& u : units)
        if (column >= u.firstColumn && column < u.firstColumn + u.flats) return u;
    return units.back();
}

BuildingTable loadBuildingTable(Atlas& atlas, std::int64_t buildingId) {
    auto& c = atlas.connection();
    BuildingTable t;
    t.buildingId = buildingId;
    {
        Statement st(c, "SELECT b.number, b.name, c.name, b.compound, b.address, b.floors, b.unit_count, b.flats_per_floor "
                        "FROM buildings b JOIN communities c ON c.id = b.community_id WHERE b.id = ?");
        st.bind(1, buildingId);
        if (!st.step()) throw InputError("atlas '" + atlas.path() + "' has no building with id " + std::to_string(buildingId));
        t.number = st.columnText(0);
        t.name = st.columnText(1);
        t.community = st.columnText(2);
        t.compound = st.columnText(3);
        t.address = st.columnText(4);
        t.floors = static_cast<int>(st.columnInt(5));
        const int unitCount = static_cast<int>(st.columnInt(6));
        if (!st.isNull(7)) t.flatsPerFloor = static_cast<int>(st.columnInt(7));
        Statement us(c, "SELECT id, number FROM units WHERE building_id = ? ORDER BY number");
        us.bind(1, buildingId);
        std::set<int> numbers;
        while (us.step()) {
            BuildingTableUnit u;
            u.id = us.columnInt(0);
            u.number = static_cast<int>(us.columnInt(1));
            numbers.insert(u.number);
            t.units.push_back(u);
        }
        // Units the building counts but nobody entered still get their columns.
        for (int n = 1; n <= unitCount; ++n)
            if (!numbers.count(n)) t.units.push_back(BuildingTableUnit{0, n});
        std::sort(t.units.begin(), t.units.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
    }

    // Households with their resident counts in one pass over the building's units (indexes
    // units_building, households_unit, residents_household).
    struct Row {
        BuildingTableCell cell;
        std::size_t unitIndex = 0;
    };
    std::vector<Row> households;
    {
        Statement st(c, "SELECT h.id, u.number, h.floor, h.room, h.hardship, h.minimum_income, h.elderly_alone, "
                        "h.left_behind_children, h.vacant, COUNT(r.id), COALESCE(SUM(r.is_member), 0), "
                        "COALESCE(MAX(r.disability), 0) "
                        "FROM units u JOIN households h ON h.unit_id = u.id LEFT JOIN residents r ON r.household_id = h.id "
                        "WHERE u.building_id = ? GROUP BY h.id, u.number ORDER BY u.number, h.floor, h.room, h.id");
        st.bind(1, buildingId);
        while (st.step()) {
            Row row;
            auto& cell = row.cell;
            cell.householdId = st.columnInt(0);
            cell.unit = static_cast<int>(st.columnInt(1));
            cell.floor = static_cast<int>(st.columnInt(2));
            cell.room = st.columnText(3);
            if (st.columnInt(4) || st.columnInt(5)) cell.flags |= kFlagHardship;
            if (st.columnInt(6)) cell.flags |= kFlagElderlyAlone;
            if (st.columnInt(7)) cell.flags |= kFlagLeftBehind;
            if (st.columnInt(8)) cell.flags |= kFlagVacant;
            cell.residents = static_cast<int>(st.columnInt(9));
            cell.members = static_cast<int>(st.columnInt(10));
            if (cell.members > 0) cell.flags |= kFlagMember;
            if (st.columnInt(11)) cell.flags |= kFlagDisability;
            households.push_back(std::move(row));
        }
    }

    // Flats of the drawn plan per (unit, floor): flat numbers from the room labels.
    std::map<std::pair<int, int>, std::set<int>> planFlats;
    {
        Statement st(c,
                     "SELECT r.floor, r.repeat_on, u.number, r.label, r.kind FROM rooms r LEFT JOIN units u ON u.id = r.unit_id "
                     "WHERE r.building_id = ? ORDER BY r.id");
        st.bind(1, buildingId);
        while (st.step()) {
            t.hasPlan = true;
            const std::string kind = st.columnText(4);
            if (!kind.empty() && kind != "flat") continue;
            FloorPlanRoom room;
            room.unit = st.isNull(2) ? 0 : static_cast<int>(st.columnInt(2));
            if (room.unit == 0 && t.units.size() == 1) room.unit = t.units.front().number;
            room.label = st.columnText(3);
            const int flat = room.flatNumber();
            if (flat < 1 || room.unit == 0) continue;
            std::vector<int> floors;
            if (!st.isNull(1) && !st.columnText(1).empty()) {
                try {
                    floors = parseFloorList(st.columnText(1), "rooms.repeat_on");
                } catch (const InputError&) {
                    floors = {static_cast<int>(st.columnInt(0))}; // validated on import; an edited value falls back
                }
            } else {
                floors = {static_cast<int>(st.columnInt(0))};
            }
            for (int f : floors) planFlats[{room.unit, f}].insert(flat);
        }
    }

    // Rows: every floor of the building, plus any floor a household or room is on.
    std::set<int> floorSet;
    for (int f = 1; f <= t.floors; ++f) floorSet.insert(f);
    for (const auto& h : households) floorSet.insert(h.cell.floor);
    for (const auto& [key, flats] : planFlats) floorSet.insert(key.second);
    t.floorNumbers.assign(floorSet.rbegin(), floorSet.rend());
    std::map<int, std::size_t> rowOf;
    for (std::size_t i = 0; i < t.floorNumbers.size(); ++i) rowOf[t.floorNumbers[i]] = i;

    // Households whose unit number has no unit entry cannot exist (unit_id is a foreign key), so
    // every household maps to a unit here.
    std::map<int, std::size_t> unitIndex;
    for (std::size_t i = 0; i < t.units.size(); ++i) unitIndex[t.units[i].number] = i;
    for (auto& h : households) h.unitIndex = unitIndex.at(h.cell.unit);

    // Columns per unit. Placement per unit: floor -> flat -> household index.
    const std::size_t rows = t.floorNumbers.size();
    std::vector<std::vector<std::map<int, std::size_t>>> placed(t.units.size(), std::vector<std::map<int, std::size_t>>(rows));
    std::vector<std::vector<std::size_t>> unplaced(t.units.size());
    for (std::size_t hi = 0; hi < households.size(); ++hi) {
        const auto& cell = households[hi].cell;
        auto& floorMap = placed[households[hi].unitIndex][rowOf.at(cell.floor)];
        const auto label = parseRoomLabel(cell.room);
        // The room number decides the flat when it agrees with the household's floor.
        const bool usable = label && label->flat >= 1 && label->flat <= 50 && (label->floor == 0 || label->floor == cell.floor) &&
                            (label->unit == 0 || label->unit == cell.unit);
        if (usable && !floorMap.count(label->flat))
            floorMap[label->flat] = hi;
        else
            unplaced[households[hi].unitIndex].push_back(hi);
    }
    for (std::size_t ui = 0; ui < t.units.size(); ++ui) {
        auto& u = t.units[ui];
        int flats = 0;
        if (t.flatsPerFloor) {
            flats = *t.flatsPerFloor;
        } else {
            for (const auto& [key, set] : planFlats)
                if (key.first == u.number) flats = std::max(flats, *set.rbegin());
            if (flats == 0)
                for (std::size_t r = 0; r < rows; ++r) {
                    int onFloor = static_cast<int>(placed[ui][r].size());
                    for (std::size_t hi : unplaced[ui])
                        if (rowOf.at(households[hi].cell.floor) == r) ++onFloor;
                    flats = std::max(flats, onFloor);
                }
        }
        // Rooms that say flat 3 in a 2-flat unit widen it; the plan can too.
        for (std::size_t r = 0; r < rows; ++r)
            if (!placed[ui][r].empty()) flats = std::max(flats, placed[ui][r].rbegin()->first);
        for (const auto& [key, set] : planFlats)
            if (key.first == u.number) flats = std::max(flats, *set.rbegin());
        // Households without a usable room number fill the free flats of their floor, in room order.
        for (std::size_t hi : unplaced[ui]) {
            auto& floorMap = placed[ui][rowOf.at(households[hi].cell.floor)];
            int k = 1;
            while (floorMap.count(k)) ++k;
            floorMap[k] = hi;
            flats = std::max(flats, k);
        }
        u.flats = std::max(flats, 1);
        u.firstColumn = t.columns;
        t.columns += u.flats;
    }

    t.cells.resize(rows * static_cast<std::size_t>(t.columns));
    t.floorCounts.assign(rows, {});
    for (std::size_t r = 0; r < rows; ++r) {
        const int floor = t.floorNumbers[r];
        for (std::size_t ui = 0; ui < t.units.size(); ++ui) {
            auto& u = t.units[ui];
            const auto planIt = planFlats.find({u.number, floor});
            for (int k = 1; k <= u.flats; ++k) {
                BuildingTableCell& cell =
                    t.cells[r * static_cast<std::size_t>(t.columns) + static_cast<std::size_t>(u.firstColumn + k - 1)];
                if (auto it = placed[ui][r].find(k); it != placed[ui][r].end())
                    cell = households[it->second].cell;
                else
                    cell.room = roomNumber(floor, k);
                cell.floor = floor;
                cell.unit = u.number;
                cell.flat = k;
                cell.onPlan = planIt != planFlats.end() && planIt->second.count(k) > 0;
                u.count.add(cell);
                t.floorCounts[r].add(cell);
                t.total.add(cell);
            }
        }
    }
    return t;
}

std::vector<HouseholdResident> loadHouseholdResidents(Atlas& atlas, std::int64_t householdId, bool reveal) {
    // A reveal in an encrypted atlas opens the sealed phone and ID number (needs the key).
    const crypto::FieldCipher cipher(atlas.connection(), reveal ? crypto::FieldCipher::Need::Key : crypto::FieldCipher::Need::Nothing);
    Statement st(atlas.connection(), "SELECT id, name, relation, gender, birth_year, phone, id_number, disability, is_member, "
                                     "member_type, branch, phone_enc, id_number_enc FROM residents WHERE household_id = ? ORDER BY id");
    st.bind(1, householdId);
    std::vector<HouseholdResident> out;
    while (st.step()) {
        HouseholdResident r;
        r.id = st.columnInt(0);
        r.name = model::mask(st.columnText(1), model::Sensitivity::Name, reveal);
        r.relation = st.columnText(2);
        r.gender = st.columnText(3);
        if (!st.isNull(4)) r.birthYear = static_cast<int>(st.columnInt(4));
        const std::string ident = std::to_string(r.id);
        r.phone = reveal ? cipher.open(crypto::Field::ResidentPhone, ident, st.columnText(5), st.columnBlob(11))
                         : model::mask(st.columnText(5), model::Sensitivity::Phone);
        r.idNumber = reveal ? cipher.open(crypto::Field::ResidentIdNumber, ident, st.columnText(6), st.columnBlob(12))
                            : model::mask(st.columnText(6), model::Sensitivity::IdNumber);
        if (reveal) r.disability = st.columnInt(7) != 0;
        r.isMember = st.columnInt(8) != 0;
        r.memberType = st.columnText(9);
        r.branch = st.columnText(10);
        out.push_back(std::move(r));
    }
    return out;
}

// ---- drawn floor plans -------------------------------------------------------------------

model::Vec2 FloorPlanPlacement::toWorld(model::Vec2 p) const {
    const double a = rotationDeg * std::numbers::pi / 180.0;
    const double ca = std::cos(a), sa = std::sin(a);
    return {originX + ca * p.x - sa * p.y, originY + sa * p.x + ca * p.y};
}

model::Vec2 FloorPlanPlacement::toLocal(model::Vec2 w) const {
    const double a = rotationDeg * std::numbers::pi / 180.0;
    const double ca = std::cos(a), sa = std::sin(a);
    const double dx = w.x - originX, dy = w.y - originY;
    return {ca * dx + sa * dy, -sa * dx + ca * dy};
}

int FloorPlanRoom::flatNumber() const {
    const auto l = parseRoomLabel(label);
    return l ? l->flat : 0;
}

bool FloorPlanRoom::isOn(int floor) const {
    return std::binary_search(floors.begin(), floors.end(), floor);
}

std::vector<std::vector<int>> FloorPlan::drawings() const {
    std::set<std::vector<int>> sets;
    for (const auto& r : rooms) sets.insert(r.floors);
    std::vector<std::vector<int>> out(sets.begin(), sets.end());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.empty() || b.empty() ? a.size() < b.size()
                                      : (a.front() != b.front() ? a.front() < b.front() : a.size() < b.size());
    });
    return out;
}

std::vector<int> FloorPlan::floors() const {
    std::set<int> all;
    for (const auto& r : rooms) all.insert(r.floors.begin(), r.floors.end());
    return {all.begin(), all.end()};
}

FloorPlan loadFloorPlan(Atlas& atlas, std::int64_t buildingId) {
    auto& c = atlas.connection();
    FloorPlan plan;
    plan.buildingId = buildingId;
    {
        Statement st(c, "SELECT " + geomSelect(c, "geom") + " FROM buildings WHERE id = ?");
        st.bind(1, buildingId);
        if (!st.step()) throw InputError("atlas '" + atlas.path() + "' has no building with id " + std::to_string(buildingId));
        if (!st.isNull(0)) decodeGeometry(c, st.columnBlob(0), plan.footprint);
    }
    {
        Statement st(c, "SELECT source, scale, rotation_deg, origin_x, origin_y, fitted FROM floor_plans WHERE building_id = ?");
        st.bind(1, buildingId);
        if (st.step()) {
            FloorPlanPlacement p;
            p.source = st.columnText(0);
            p.scale = st.columnDouble(1);
            p.rotationDeg = st.columnDouble(2);
            p.originX = st.columnDouble(3);
            p.originY = st.columnDouble(4);
            p.fitted = st.columnInt(5) != 0;
            plan.placement = p;
        }
    }
    Statement st(c, "SELECT r.id, r.floor, r.repeat_on, u.number, r.household_id, r.label, r.kind, " + geomSelect(c, "r.geom") + " "
                    "FROM rooms r LEFT JOIN units u ON u.id = r.unit_id WHERE r.building_id = ? ORDER BY r.id");
    st.bind(1, buildingId);
    while (st.step()) {
        FloorPlanRoom r;
        r.id = st.columnInt(0);
        const int floor = static_cast<int>(st.columnInt(1));
        r.repeatOn = st.columnText(2);
        if (!r.repeatOn.empty()) {
            try {
                r.floors = parseFloorList(r.repeatOn, "rooms.repeat_on of room " + std::to_string(r.id));
            } catch (const InputError& e) {
                throw InputError("atlas '" + atlas.path() + "': " + e.what());
            }
        } else {
            r.floors = {floor};
        }
        r.unit = static_cast<int>(columnIntOr0(st, 3));
        r.householdId = columnIntOr0(st, 4);
        r.label = st.columnText(5);
        r.kind = st.columnText(6);
        if (!st.isNull(7)) decodeGeometry(c, st.columnBlob(7), r.geometry);
        plan.rooms.push_back(std::move(r));
    }
    return plan;
}

// ---- finding a building -------------------------------------------------------------------

BuildingRef findBuilding(Atlas& atlas, const std::string& numberIn, const std::optional<std::string>& community) {
    auto& c = atlas.connection();
    const std::string normal = normaliseBuildingNumber(numberIn);
    Statement st(c, "SELECT b.id, b.number, c.name, c.code FROM buildings b JOIN communities c ON c.id = b.community_id "
                    "WHERE b.number = ?1 OR b.number = ?2 OR b.name = ?1 ORDER BY c.name, b.id");
    st.bind(1, numberIn).bind(2, normal.empty() ? numberIn : normal);
    std::vector<BuildingRef> hits;
    std::vector<BuildingRef> all;
    while (st.step()) {
        BuildingRef r{st.columnInt(0), st.columnText(1), st.columnText(2)};
        all.push_back(r);
        if (!community || *community == r.community || *community == st.columnText(3)) hits.push_back(r);
    }
    if (hits.size() == 1) return hits.front();
    if (hits.empty()) {
        std::string msg = "atlas '" + atlas.path() + "' has no building \"" + numberIn + "\"";
        if (community) {
            msg += " in community \"" + *community + "\"";
            if (!all.empty()) {
                msg += " (it has one in";
                for (std::size_t i = 0; i < all.size(); ++i) msg += (i ? ", " : " ") + all[i].community;
                msg += ")";
            }
        }
        throw InputError(msg);
    }
    std::string msg =
        "building \"" + numberIn + "\" is in " + std::to_string(hits.size()) + " communities of atlas '" + atlas.path() + "':";
    for (std::size_t i = 0; i < hits.size(); ++i) msg += (i ? ", " : " ") + hits[i].community;
    msg += "; give --community NAME";
    throw InputError(msg);
}

} // namespace gridatlas::storage
