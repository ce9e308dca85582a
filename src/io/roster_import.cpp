#include "io/roster_import.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "model/address.h"
#include "model/id_number.h"
#include "model/masking.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/audit.h"
#include "storage/connection.h"
#include "storage/crypto.h"
#include "storage/household_points.h"
#include "storage/schema.h"

namespace gridatlas::io {

namespace fs = std::filesystem;
using model::AddressConfidence;
using model::ParsedAddress;

namespace {

// ---- small value parsers ------------------------------------------------------------------------

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

bool hasNonAscii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80) return true;
    return false;
}

/// Names padded for alignment ("张  三") lose the padding; Latin names keep single spaces.
std::string normalizeName(std::string_view raw) {
    std::string s = trimmed(raw);
    if (hasNonAscii(s)) {
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == ' ' || s[i] == '\t') continue;
            if (s.compare(i, 3, "\xE3\x80\x80") == 0) { // ideographic space
                i += 2;
                continue;
            }
            out += s[i];
        }
        return out;
    }
    return s;
}

/// The text with full-width forms folded and letters upper-cased, as the address normaliser does;
/// plain ASCII (most cells: dates, phones, codes) takes a copy-only path.
std::string folded(std::string_view raw) {
    bool ascii = true;
    for (char c : raw) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (!ascii) return model::normalizeAddressText(raw);
    std::string out = trimmed(raw);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return out;
}

enum class YesNo { Empty, Yes, No, Unknown };

/// 是/否 and friends. `lenient`: other text ("肢体二级") means yes, for flags described in words.
YesNo parseYesNo(std::string_view raw, bool lenient) {
    static constexpr std::string_view kYes[] = {"是", "Y", "YES", "1",    "TRUE", "有",  "√",
                                                "✓",  "✔", "T",   "是的", "y",    "yes", "true"};
    static constexpr std::string_view kNo[] = {"否", "N", "NO",   "0",    "FALSE", "无", "×",  "✗",
                                               "✘",  "F", "不是", "没有", "非",    "n",  "no", "false"};
    std::string_view s = raw;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    if (s.empty()) return YesNo::Empty;
    for (auto y : kYes)
        if (s == y) return YesNo::Yes;
    for (auto n : kNo)
        if (s == n) return YesNo::No;
    // Full-width forms ("Ｙ", "１") fold to the ASCII ones.
    if (s.find('\xEF') != std::string_view::npos || s.find('\xE3') != std::string_view::npos) {
        const std::string folded = model::normalizeAddressText(s);
        if (folded != s) return parseYesNo(folded, lenient);
    }
    return lenient ? YesNo::Yes : YesNo::Unknown;
}

/// A year from a date cell: "1985-06-15", "1985/6/15", "1985年6月", "19850615", "1985", or an Excel
/// serial day number (days since 1899-12-30). 0 when none.
int parseYear(std::string_view raw) {
    const std::string s = folded(raw);
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
    if (digits == 0) return 0;
    if (digits == 5 && digits == s.size()) {
        // Excel serial date: 1 = 1900-01-01; 25569 = 1970-01-01.
        const long serial = std::stol(s);
        const std::time_t t = static_cast<std::time_t>((serial - 25569) * 86400L);
        std::tm tm{};
        gmtime_r(&t, &tm);
        return tm.tm_year + 1900;
    }
    if (digits == 4 || digits == 6 || digits == 8) {
        if (digits > 4 && digits != s.size() && s[digits] != '.') return 0;
        return std::stoi(s.substr(0, 4));
    }
    return 0;
}

/// Phone numbers keep digits (and a leading +); separators go. Empty optional = not a phone.
std::optional<std::string> normalizePhone(std::string_view raw) {
    const std::string s = folded(raw);
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= '0' && c <= '9')
            out += c;
        else if (c == '+' && out.empty())
            out += c;
        else if (c == ' ' || c == '-' || c == '(' || c == ')')
            continue;
        else
            return std::nullopt;
    }
    const std::size_t digits = out.size() - (out.rfind('+', 0) == 0 ? 1 : 0);
    if (digits < 5 || digits > 15) return std::nullopt;
    return out;
}

std::optional<std::string> memberTypeCode(std::string_view raw) {
    const std::string s = folded(raw);
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
        {"正式党员", "full"},
        {"正式", "full"},
        {"FULL", "full"},
        {"中共党员", "full"},
        {"预备党员", "probationary"},
        {"预备", "probationary"},
        {"中共预备党员", "probationary"},
        {"PROBATIONARY", "probationary"},
        {"流动党员", "mobile"},
        {"流动", "mobile"},
        {"MOBILE", "mobile"},
        {"在职党员", "in_service"},
        {"在职", "in_service"},
        {"在职党员进社区", "in_service"},
        {"IN_SERVICE", "in_service"},
    };
    for (const auto& [text, code] : kTypes)
        if (s == text) return std::string(code);
    return std::nullopt;
}

// ---- records ------------------------------------------------------------------------------------

struct ResidentRec {
    std::int64_t id = 0, householdId = 0;
    std::string name, relation, phone, idNumber, memberType, branch;
    char gender = 0;                   ///< 0 = NULL
    int birthYear = 0, joinedYear = 0; ///< 0 = NULL
    bool disability = false, isMember = false;

    bool operator==(const ResidentRec& o) const {
        return householdId == o.householdId && name == o.name && relation == o.relation && phone == o.phone &&
               idNumber == o.idNumber && memberType == o.memberType && branch == o.branch && gender == o.gender &&
               birthYear == o.birthYear && joinedYear == o.joinedYear && disability == o.disability && isMember == o.isMember;
    }
};

constexpr int kFlagCount = 4; // hardship, minimum_income, elderly_alone, left_behind_children
constexpr RosterField kFlagFields[kFlagCount] = {RosterField::Hardship, RosterField::MinimumIncome, RosterField::ElderlyAlone,
                                                 RosterField::LeftBehindChildren};
constexpr const char* kFlagColumns[kFlagCount] = {"hardship", "minimum_income", "elderly_alone", "left_behind_children"};

/// One roster row after parsing and matching (phase 1, on worker threads).
struct RowPlan {
    std::string reject; ///< non-empty: the row is rejected with this reason
    std::string address;
    // Where: an existing household, or a new one in a unit.
    std::int64_t householdId = 0;
    std::int64_t unitId = 0;
    int floor = 0;
    std::string room;
    // Who: the roster's values (empty / 0 = not given).
    std::string name, relation, phone, idNumber, memberType, branch;
    char gender = 0;
    int birthYear = 0, joinedYear = 0;
    YesNo disability = YesNo::Empty, member = YesNo::Empty;
    YesNo flags[kFlagCount] = {YesNo::Empty, YesNo::Empty, YesNo::Empty, YesNo::Empty};
    bool storedFlags[kFlagCount] = {false, false, false, false}; ///< the existing household's flags
};

/// A resident by household and name, as a hash key (equal keys are compared in full).
std::uint64_t personKey(std::int64_t household, std::string_view name) {
    return std::hash<std::string_view>()(name) ^ (static_cast<std::uint64_t>(household) * 0x9E3779B97F4A7C15ULL);
}

/// Open-addressing hash from 64-bit keys to indices (rows, stored residents): a million lookups
/// without a node allocation each. Several entries may share a key; callers tell them apart.
class IndexHash {
public:
    explicit IndexHash(std::size_t expected) {
        std::size_t size = 64;
        while (size < expected * 2 + 16) size <<= 1;
        m_mask = size - 1;
        m_keys.assign(size, 0);
        m_values.assign(size, kEmpty);
    }
    void insert(std::uint64_t key, std::uint32_t value) {
        std::size_t i = slot(key);
        while (m_values[i] != kEmpty) i = (i + 1) & m_mask;
        m_keys[i] = key;
        m_values[i] = value;
    }
    /// Calls fn(value) for each entry with `key` until fn returns true; returns that value.
    template <class Fn> std::optional<std::uint32_t> find(std::uint64_t key, Fn&& fn) const {
        for (std::size_t i = slot(key); m_values[i] != kEmpty; i = (i + 1) & m_mask)
            if (m_keys[i] == key && fn(m_values[i])) return m_values[i];
        return std::nullopt;
    }

private:
    static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
    [[nodiscard]] std::size_t slot(std::uint64_t key) const {
        key ^= key >> 33;
        key *= 0xFF51AFD7ED558CCDULL;
        key ^= key >> 33;
        return static_cast<std::size_t>(key) & m_mask;
    }
    std::size_t m_mask = 0;
    std::vector<std::uint64_t> m_keys;
    std::vector<std::uint32_t> m_values;
};

bool isIdShaped(std::string_view id) {
    if (id.size() != 18) return false;
    for (std::size_t i = 0; i < 17; ++i)
        if (id[i] < '0' || id[i] > '9') return false;
    return (id[17] >= '0' && id[17] <= '9') || id[17] == 'X';
}

/// An 18-character ID number (validated, see isIdShaped) as a number: 17 digits and the check character.
std::uint64_t idKey(std::string_view id) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 17 && i < id.size(); ++i) v = v * 10 + static_cast<std::uint64_t>(id[i] - '0');
    const char last = id.size() >= 18 ? id[17] : '0';
    return v * 11 + static_cast<std::uint64_t>(last == 'X' ? 10 : last - '0');
}

struct HouseholdRec {
    std::int64_t id = 0;
    int floor = 0;
    bool flags[kFlagCount] = {false, false, false, false};
};

// ---- the atlas in memory ------------------------------------------------------------------------

struct BuildingRec {
    std::int64_t id = 0, communityId = 0;
    std::string number, compound;
    int floors = 0, unitCount = 0;
};

struct AreaMatch {
    std::int64_t communityId = 0; ///< 0 = not named
    std::string compound;         ///< an atlas compound named in the address, empty if none
    std::string error;
};

std::uint64_t pairKey(std::int64_t a, std::uint64_t b) {
    return (static_cast<std::uint64_t>(a) << 32) ^ b;
}

std::string communityStem(std::string name) {
    for (std::string_view suffix : {"社区居委会", "居委会", "社区"}) {
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            name.resize(name.size() - suffix.size());
            break;
        }
    }
    return name;
}

bool looksLikeCompoundName(std::string_view s) {
    for (std::string_view suffix : {"小区", "花园", "家园", "苑", "园", "公寓", "新村", "大院", "院",   "城",  "府",
                                    "庭",   "湾",   "里",   "村", "期", "区",   "宿舍", "山庄", "广场", "大厦"})
        if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) return true;
    return false;
}

class AtlasIndex {
public:
    explicit AtlasIndex(storage::Connection& c) {
        {
            storage::Statement st(c, "SELECT id, name FROM communities ORDER BY id");
            while (st.step()) {
                const std::int64_t id = st.columnInt(0);
                const std::string name = st.columnText(1);
                m_communityNames[id] = name;
                const std::string stem = communityStem(name);
                for (const std::string& v : {name, stem, stem + "社区", stem + "居委会", stem + "社区居委会"})
                    m_communityByName.emplace(v, id);
                if (stem.size() >= 6) m_communityStems.emplace_back(stem, id); // two CJK characters or more
            }
        }
        {
            storage::Statement st(
                c, "SELECT id, community_id, number, compound, name, floors, unit_count FROM buildings ORDER BY id");
            while (st.step()) {
                BuildingRec b;
                b.id = st.columnInt(0);
                b.communityId = st.columnInt(1);
                b.number = st.columnText(2);
                b.compound = st.isNull(3) ? std::string() : st.columnText(3);
                const std::string name = st.isNull(4) ? std::string() : st.columnText(4);
                b.floors = static_cast<int>(st.columnInt(5));
                b.unitCount = static_cast<int>(st.columnInt(6));
                const std::size_t idx = m_buildings.size();
                const std::string key = model::buildingKey(b.number);
                if (!key.empty()) {
                    m_byCommunityKey[b.communityId][key].push_back(idx);
                    m_byKey[key].push_back(idx);
                }
                if (!b.compound.empty()) {
                    m_compounds[b.compound].insert(b.communityId);
                    // Compounds number their buildings themselves: name "阳光小区3号楼" = building 3 of 阳光小区.
                    if (name.size() > b.compound.size() && name.compare(0, b.compound.size(), b.compound) == 0) {
                        const std::string local = model::buildingKey(name.substr(b.compound.size()));
                        if (!local.empty()) m_byCompoundKey[b.compound + '\x1f' + local].push_back(idx);
                    }
                    m_byCompoundNumber[b.compound + '\x1f' + key].push_back(idx);
                }
                m_buildingIndex[b.id] = idx;
                m_buildings.push_back(std::move(b));
            }
        }
        {
            storage::Statement st(c, "SELECT id, building_id, number FROM units");
            while (st.step()) m_units[pairKey(st.columnInt(1), static_cast<std::uint64_t>(st.columnInt(2)))] = st.columnInt(0);
        }
        for (const auto& [name, communities] : m_compounds) m_compoundNames.push_back(name);
        std::sort(m_compoundNames.begin(), m_compoundNames.end(),
                  [](const auto& a, const auto& b) { return a.size() > b.size(); });
        std::sort(m_communityStems.begin(), m_communityStems.end(),
                  [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
        {
            const auto count = c.queryInt("SELECT COUNT(*) FROM households").value_or(0);
            m_households.reserve(static_cast<std::size_t>(count));
            m_householdIndex.emplace(static_cast<std::size_t>(count));
            storage::Statement st(
                c, "SELECT id, unit_id, floor, room, hardship, minimum_income, elderly_alone, left_behind_children "
                   "FROM households");
            while (st.step()) {
                HouseholdRec h;
                h.id = st.columnInt(0);
                h.floor = static_cast<int>(st.columnInt(2));
                for (int f = 0; f < kFlagCount; ++f) h.flags[f] = st.columnInt(4 + f) != 0;
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st.handle(), 3));
                m_householdIndex->insert(householdKey(st.columnInt(1), internRoom(roomKey(text ? text : ""))),
                                         static_cast<std::uint32_t>(m_households.size()));
                m_households.push_back(h);
                m_maxHouseholdId = std::max(m_maxHouseholdId, h.id);
            }
        }
    }

    [[nodiscard]] const BuildingRec& building(std::size_t idx) const { return m_buildings[idx]; }
    [[nodiscard]] std::int64_t maxHouseholdId() const { return m_maxHouseholdId; }
    [[nodiscard]] std::string communityName(std::int64_t id) const {
        auto it = m_communityNames.find(id);
        return it == m_communityNames.end() ? std::string() : it->second;
    }
    [[nodiscard]] std::optional<std::int64_t> unitId(std::int64_t building, int number) const {
        auto it = m_units.find(pairKey(building, static_cast<std::uint64_t>(number)));
        if (it == m_units.end()) return std::nullopt;
        return it->second;
    }
    /// Rooms compare without leading zeros ("0501" = "501").
    static std::string roomKey(std::string_view room) {
        std::size_t i = 0;
        while (i + 1 < room.size() && room[i] == '0') ++i;
        return std::string(room.substr(i));
    }
    /// A room as a number: digits-only rooms by value, others by an interned id above 2^30.
    static std::uint64_t numericRoom(std::string_view room) {
        if (room.empty() || room.size() > 9) return 0;
        std::uint64_t v = 0;
        for (char c : room) {
            if (c < '0' || c > '9') return 0;
            v = v * 10 + static_cast<std::uint64_t>(c - '0');
        }
        return v + 1;
    }
    std::uint64_t internRoom(const std::string& room) {
        if (const auto v = numericRoom(room)) return v;
        auto [it, fresh] = m_roomIds.emplace(room, (1ULL << 30) + m_roomIds.size());
        return it->second;
    }
    /// 0 when the room was never seen in the atlas (so no household has it).
    [[nodiscard]] std::uint64_t roomCode(const std::string& room) const {
        if (const auto v = numericRoom(room)) return v;
        auto it = m_roomIds.find(room);
        return it == m_roomIds.end() ? 0 : it->second;
    }
    static std::uint64_t householdKey(std::int64_t unit, std::uint64_t roomCode) {
        return (static_cast<std::uint64_t>(unit) << 32) ^ roomCode;
    }
    [[nodiscard]] const HouseholdRec* household(std::int64_t unit, const std::string& room) const {
        const std::uint64_t code = roomCode(roomKey(room));
        if (code == 0) return nullptr;
        const auto idx = m_householdIndex->find(householdKey(unit, code), [](std::uint32_t) { return true; });
        return idx ? &m_households[*idx] : nullptr;
    }

    /// The community and compound an address's area names.
    AreaMatch matchArea(const ParsedAddress& p) const {
        AreaMatch m;
        if (!p.community.empty()) {
            auto it = m_communityByName.find(p.community);
            if (it == m_communityByName.end()) it = m_communityByName.find(communityStem(p.community));
            if (it != m_communityByName.end()) {
                m.communityId = it->second;
            } else {
                // Names the parser may cut short ("红旗社区" after the banner word 旗): find an atlas
                // community named in the area instead.
                for (const auto& [stem, id] : m_communityStems)
                    if (p.area.find(stem + "社区") != std::string::npos || p.area.find(stem + "居委会") != std::string::npos) {
                        m.communityId = id;
                        break;
                    }
                if (m.communityId == 0) {
                    m.error = "community '" + p.community + "' is not in the atlas";
                    return m;
                }
            }
        } else if (!p.area.empty()) {
            for (const auto& [stem, id] : m_communityStems)
                if (p.area.find(stem) != std::string::npos) {
                    m.communityId = id;
                    break;
                }
        }
        // The compound: the longest atlas compound named in the area (in the community when known).
        const std::string& where = p.area;
        for (const auto& name : m_compoundNames) {
            if (where.find(name) == std::string::npos) continue;
            const auto& comms = m_compounds.at(name);
            if (m.communityId != 0 && !comms.count(m.communityId)) continue;
            if (m.communityId == 0 && comms.size() > 1) {
                m.error = "compound '" + name + "' is in several communities: give the community";
                return m;
            }
            m.compound = name;
            if (m.communityId == 0) m.communityId = *comms.begin();
            return m;
        }
        if (!p.compound.empty() && looksLikeCompoundName(p.compound))
            m.error = "compound '" + p.compound + "' is not in the atlas" +
                      (m.communityId ? " (community " + communityName(m.communityId) + ")" : std::string());
        return m;
    }

    /// The building an address names, or an error.
    std::optional<std::size_t> findBuilding(const ParsedAddress& p, const AreaMatch& area, std::string& error) const {
        const std::string& key = p.building;
        auto pick = [&](const std::vector<std::size_t>* list) -> std::optional<std::size_t> {
            if (!list || list->empty()) return std::nullopt;
            if (area.communityId == 0) {
                if (list->size() == 1) return list->front();
                std::string names;
                int shown = 0;
                for (std::size_t idx : *list) {
                    if (shown++ < 4) names += (names.empty() ? "" : ", ") + communityName(m_buildings[idx].communityId);
                }
                error = "building " + key + " exists in " + std::to_string(list->size()) + " communities (" + names +
                        (list->size() > 4 ? ", ..." : "") + "): give the community";
                return std::nullopt;
            }
            std::optional<std::size_t> found;
            for (std::size_t idx : *list)
                if (m_buildings[idx].communityId == area.communityId) {
                    if (found) {
                        error = "building " + key + " is ambiguous in " + communityName(area.communityId);
                        return std::nullopt;
                    }
                    found = idx;
                }
            return found;
        };
        auto find = [](const auto& map, const std::string& k) -> const std::vector<std::size_t>* {
            auto it = map.find(k);
            return it == map.end() ? nullptr : &it->second;
        };
        if (!area.compound.empty()) {
            if (auto b = pick(find(m_byCompoundKey, area.compound + '\x1f' + key))) return b;
            if (!error.empty()) return std::nullopt;
            if (auto b = pick(find(m_byCompoundNumber, area.compound + '\x1f' + key))) return b;
            if (error.empty()) error = "compound '" + area.compound + "' has no building " + key;
            return std::nullopt;
        }
        if (area.communityId != 0) {
            auto it = m_byCommunityKey.find(area.communityId);
            const std::vector<std::size_t>* list = nullptr;
            if (it != m_byCommunityKey.end()) list = find(it->second, key);
            if (auto b = pick(list)) return b;
            if (error.empty()) error = "community " + communityName(area.communityId) + " has no building " + key;
            return std::nullopt;
        }
        if (auto b = pick(find(m_byKey, key))) return b;
        if (error.empty()) error = "no building " + key + " in the atlas";
        return std::nullopt;
    }

private:
    std::unordered_map<std::int64_t, std::string> m_communityNames;
    std::unordered_map<std::string, std::int64_t> m_communityByName;
    std::vector<std::pair<std::string, std::int64_t>> m_communityStems; ///< longest first
    std::vector<BuildingRec> m_buildings;
    std::unordered_map<std::int64_t, std::size_t> m_buildingIndex;
    std::unordered_map<std::int64_t, std::unordered_map<std::string, std::vector<std::size_t>>> m_byCommunityKey;
    std::unordered_map<std::string, std::vector<std::size_t>> m_byKey, m_byCompoundKey, m_byCompoundNumber;
    std::unordered_map<std::string, std::unordered_set<std::int64_t>> m_compounds;
    std::vector<std::string> m_compoundNames; ///< longest first
    std::unordered_map<std::uint64_t, std::int64_t> m_units;
    std::vector<HouseholdRec> m_households;
    std::optional<IndexHash> m_householdIndex; ///< (unit, room) -> index in m_households
    std::unordered_map<std::string, std::uint64_t> m_roomIds;
    std::int64_t m_maxHouseholdId = 0;
};

// ---- phase 1: one row -------------------------------------------------------------------------

struct Columns {
    int c[static_cast<int>(RosterField::LeftBehindChildren) + 1];
    explicit Columns(const ColumnMapping& m) {
        for (auto& x : c) x = -1;
        for (std::size_t i = 0; i < m.columns.size(); ++i) {
            const int f = static_cast<int>(m.columns[i]);
            if (m.columns[i] != RosterField::Ignore && c[f] < 0) c[f] = static_cast<int>(i);
        }
    }
    [[nodiscard]] int operator[](RosterField f) const { return c[static_cast<int>(f)]; }
};

bool isBareNumber(std::string_view s) {
    if (s.empty()) return false;
    for (char ch : s)
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))) return false;
    return true;
}

/// The address: the address column, completed by structured columns when the roster has them
/// (a bare "3" in 楼栋 becomes "3栋", in 单元 "3单元", and so on).
void composeAddressInto(const RosterTable& t, const Columns& col, std::size_t row, std::string& addr) {
    addr.clear();
    auto append = [&](RosterField f, const char* suffix) {
        const int c = col[f];
        if (c < 0) return;
        const std::string_view v = t.cell(row, static_cast<std::size_t>(c));
        if (v.empty()) return;
        addr += v;
        if (suffix && isBareNumber(v)) addr += suffix;
    };
    append(RosterField::Community, nullptr);
    append(RosterField::Compound, nullptr);
    append(RosterField::Address, nullptr);
    append(RosterField::Building, "栋");
    append(RosterField::Unit, "单元");
    append(RosterField::Floor, "层");
    append(RosterField::Room, "室");
}

std::string composeAddress(const RosterTable& t, const ColumnMapping& m, std::size_t row) {
    std::string out;
    composeAddressInto(t, Columns(m), row, out);
    return out;
}

class RowParser {
public:
    RowParser(const RosterTable& t, const ColumnMapping& m, const AtlasIndex& index, int currentYear)
        : m_t(t), m_col(m), m_index(index), m_year(currentYear) {}

    void parse(std::size_t row, RowPlan& out) {
        auto cell = [&](RosterField f) -> std::string_view {
            const int c = m_col[f];
            return c < 0 ? std::string_view() : m_t.cell(row, static_cast<std::size_t>(c));
        };
        auto header = [&](RosterField f) { return m_t.headers()[static_cast<std::size_t>(m_col[f])]; };
        out.address.clear();
        composeAddressInto(m_t, m_col, row, m_address);

        out.name = normalizeName(cell(RosterField::Name));
        if (out.name.empty()) return reject(out, header(RosterField::Name) + " is empty");

        // ID number, gender and birth year, checked against each other.
        char idGender = 0;
        int idYear = 0;
        if (const std::string_view id = cell(RosterField::IdNumber); !id.empty()) {
            const auto info = model::checkIdNumber(id, m_year);
            if (!info.valid)
                return reject(out, header(RosterField::IdNumber) + " " + model::maskIdNumber(trimmed(id)) + ": " + info.error);
            out.idNumber = info.normalized;
            idGender = info.gender;
            idYear = info.birthYear;
        }
        if (const std::string_view g = cell(RosterField::Gender); !g.empty()) {
            const std::string s = folded(g);
            if (s == "男" || s == "M" || s == "男性" || s == "MALE")
                out.gender = 'M';
            else if (s == "女" || s == "F" || s == "女性" || s == "FEMALE")
                out.gender = 'F';
            else
                return reject(out, header(RosterField::Gender) + " '" + std::string(g) + "' is not 男 or 女");
            if (idGender && idGender != out.gender)
                return reject(out, header(RosterField::Gender) + " " + std::string(g) + " but the ID number says " +
                                       (idGender == 'M' ? "男" : "女"));
        } else {
            out.gender = idGender;
        }
        if (const std::string_view b = cell(RosterField::BirthDate); !b.empty()) {
            out.birthYear = parseYear(b);
            if (out.birthYear < 1880 || out.birthYear > m_year)
                return reject(out, header(RosterField::BirthDate) + " '" + std::string(b) + "' is not a plausible date of birth");
            if (idYear && idYear != out.birthYear)
                return reject(out, header(RosterField::BirthDate) + " " + std::string(b) + " but the ID number says " +
                                       std::to_string(idYear));
        } else {
            out.birthYear = idYear;
        }
        if (const std::string_view p = cell(RosterField::Phone); !p.empty()) {
            auto phone = normalizePhone(p);
            if (!phone)
                return reject(out,
                              header(RosterField::Phone) + " '" + model::maskPhone(std::string(p)) + "' is not one phone number");
            out.phone = std::move(*phone);
        }
        out.relation = trimmed(cell(RosterField::Relation));
        if (const std::string_view d = cell(RosterField::Disability); !d.empty()) out.disability = parseYesNo(d, true);
        for (int f = 0; f < kFlagCount; ++f)
            if (const std::string_view v = cell(kFlagFields[f]); !v.empty()) out.flags[f] = parseYesNo(v, true);

        // Party membership: 是否党员 / 政治面貌, type, branch, joined year.
        if (const std::string_view v = cell(RosterField::IsMember); !v.empty()) {
            out.member = parseYesNo(v, false);
            if (out.member == YesNo::Unknown) {
                if (auto type = memberTypeCode(v)) {
                    out.member = YesNo::Yes;
                    out.memberType = *type;
                } else {
                    return reject(out, header(RosterField::IsMember) + " '" + std::string(v) + "' is not 是 or 否");
                }
            }
        }
        if (const std::string_view v = cell(RosterField::PoliticalStatus); !v.empty() && out.member == YesNo::Empty) {
            auto type = memberTypeCode(v);
            out.member = type ? YesNo::Yes : YesNo::No;
            if (type) out.memberType = *type;
        }
        if (const std::string_view v = cell(RosterField::MemberType); !v.empty()) {
            auto type = memberTypeCode(v);
            if (!type)
                return reject(out, header(RosterField::MemberType) + " '" + std::string(v) +
                                       "' is not a member type (正式党员, 预备党员, 流动党员, 在职党员)");
            if (out.member == YesNo::No)
                return reject(out, header(RosterField::MemberType) + " is given but the resident is not a Party member");
            out.member = YesNo::Yes;
            out.memberType = *type;
        }
        out.branch = trimmed(cell(RosterField::Branch));
        if (const std::string_view v = cell(RosterField::JoinedYear); !v.empty()) {
            out.joinedYear = parseYear(v);
            if (out.joinedYear < 1921 || out.joinedYear > m_year)
                return reject(out, header(RosterField::JoinedYear) + " '" + std::string(v) + "' is not a plausible year");
        }
        if (out.member != YesNo::Yes && (!out.branch.empty() || out.joinedYear))
            return reject(out, std::string(!out.branch.empty() ? "所在支部" : "入党时间") +
                                   " is given but the resident is not marked as a Party member");

        resolveAddress(out);
    }

private:
    void reject(RowPlan& out, std::string reason) {
        out.reject = std::move(reason);
        out.address = m_address;
    }

    void resolveAddress(RowPlan& out) {
        if (m_address.empty()) return reject(out, "the address is empty");
        const ParsedAddress p = model::parseAddress(m_address);
        if (!p.usable()) return reject(out, "address not understood: " + p.reason);
        const AreaMatch* area;
        auto it = m_areaCache.find(p.area);
        if (it == m_areaCache.end()) {
            if (m_areaCache.size() > 100000) m_areaCache.clear();
            it = m_areaCache.emplace(p.area, m_index.matchArea(p)).first;
        }
        area = &it->second;
        if (!area->error.empty()) return reject(out, area->error);
        std::string error;
        const auto bidx = m_index.findBuilding(p, *area, error);
        if (!bidx) return reject(out, error);
        const BuildingRec& b = m_index.building(*bidx);
        int unit = p.unit;
        if (unit == 0) {
            if (b.unitCount == 1)
                unit = 1;
            else
                return reject(out, "no unit given, and building " + b.number + " has " + std::to_string(b.unitCount) + " units");
        }
        const auto unitId = m_index.unitId(b.id, unit);
        if (!unitId)
            return reject(out, "building " + b.number + " has no unit " + std::to_string(unit) + " (it has " +
                                   std::to_string(b.unitCount) + ")");
        if (p.room.empty()) return reject(out, "no room number in the address");
        out.unitId = *unitId;
        out.room = AtlasIndex::roomKey(p.room);
        if (const HouseholdRec* h = m_index.household(*unitId, out.room)) {
            out.householdId = h->id;
            out.floor = h->floor;
            std::copy(std::begin(h->flags), std::end(h->flags), std::begin(out.storedFlags));
            return;
        }
        if (!p.floor) return reject(out, "room " + p.room + " is new and its floor is unknown");
        if (*p.floor > b.floors)
            return reject(out, "floor " + std::to_string(*p.floor) + " is above building " + b.number + "'s " +
                                   std::to_string(b.floors) + " floors");
        out.floor = *p.floor;
    }

    const RosterTable& m_t;
    Columns m_col;
    const AtlasIndex& m_index;
    int m_year;
    std::unordered_map<std::string, AreaMatch> m_areaCache;
    std::string m_address; ///< the row's address as composed from its columns
};

/// Connection settings for the import, set outside the transaction (as SQLite requires for
/// foreign_keys) and put back as they were afterwards, so a caller's connection is left unchanged.
class ImportPragmas {
public:
    explicit ImportPragmas(storage::Connection& c)
        : m_c(c), m_foreignKeys(c.queryInt("PRAGMA foreign_keys").value_or(1)),
          m_synchronous(c.queryInt("PRAGMA synchronous").value_or(2)), m_cacheSize(c.queryInt("PRAGMA cache_size").value_or(-2000)),
          m_threads(c.queryInt("PRAGMA threads").value_or(0)) {
        // 256 MiB for the import's index pages.
        m_c.exec("PRAGMA cache_size = -262144");
        // Every household and unit id the import writes comes from the atlas as read inside its
        // transaction, so the per-row foreign-key lookups only cost time.
        m_c.exec("PRAGMA foreign_keys = OFF");
        // WAL with synchronous=NORMAL stays consistent after a crash or kill (the last commit may
        // be lost on power failure).
        m_c.exec("PRAGMA synchronous = NORMAL");
        // The rebuilt ID-number index is one sort of a million keys: SQLite's sorter can sort
        // and merge on a helper thread.
        m_c.exec("PRAGMA threads = 2");
    }
    ImportPragmas(const ImportPragmas&) = delete;
    ImportPragmas& operator=(const ImportPragmas&) = delete;
    ImportPragmas(ImportPragmas&&) = delete;
    ImportPragmas& operator=(ImportPragmas&&) = delete;
    ~ImportPragmas() {
        const std::string sql = "PRAGMA foreign_keys = " + std::to_string(m_foreignKeys) +
                                "; PRAGMA synchronous = " + std::to_string(m_synchronous) +
                                "; PRAGMA cache_size = " + std::to_string(m_cacheSize) +
                                "; PRAGMA threads = " + std::to_string(m_threads);
        sqlite3_exec(m_c.handle(), sql.c_str(), nullptr, nullptr, nullptr); // a destructor: best effort
    }

private:
    storage::Connection& m_c;
    std::int64_t m_foreignKeys, m_synchronous, m_cacheSize, m_threads;
};

/// The atlas's residents as the matcher needs them: all loaded at once for a large roster, or
/// looked up row by row (ID number, then household + name; both indexed) for a small roster in a
/// large atlas. Residents this import inserts are never found (ids above the ones at the start).
class StoredResidents {
public:
    StoredResidents(storage::Connection& c, std::size_t rosterRows, Feedback* feedback, const storage::crypto::FieldCipher& cipher)
        : m_cipher(cipher) {
        m_existing = static_cast<std::size_t>(c.queryInt("SELECT COUNT(*) FROM residents").value_or(0));
        m_maxId = c.queryInt("SELECT MAX(id) FROM residents").value_or(0);
        m_all = m_existing <= 4 * rosterRows + 1000;
        if (!m_all) {
            // An encrypted atlas is searched by the keyed blind index: no clear ID number is stored.
            m_queryId = std::make_unique<storage::Statement>(
                c, std::string(kSelect) + (m_cipher.encrypted() ? " WHERE id_number_hash = ? AND id <= ?" : " WHERE id_number = ? AND id <= ?"));
            m_queryName = std::make_unique<storage::Statement>(c, std::string(kSelect) + " WHERE household_id = ? AND name = ? AND id <= ?");
            return;
        }
        m_recs.reserve(m_existing);
        storage::Statement st(c, kSelect);
        std::size_t scanned = 0;
        while (st.step()) {
            if ((++scanned & 65535) == 0 && feedback) feedback->throwIfCancelled();
            m_recs.push_back(read(st));
        }
        m_claimed.assign(m_recs.size(), 0);
        m_byId.emplace(m_recs.size());
        m_byName.emplace(m_recs.size());
        for (std::size_t i = 0; i < m_recs.size(); ++i) {
            const auto idx = static_cast<std::uint32_t>(i);
            if (isIdShaped(m_recs[i].idNumber)) m_byId->insert(idKey(m_recs[i].idNumber), idx);
            m_byName->insert(personKey(m_recs[i].householdId, m_recs[i].name), idx);
        }
    }
    [[nodiscard]] std::size_t existing() const { return m_existing; }
    [[nodiscard]] const ResidentRec& at(std::size_t i) const { return m_recs[i]; }
    [[nodiscard]] bool claimed(std::size_t i) const { return m_claimed[i] != 0; }
    void claim(std::size_t i) { m_claimed[i] = 1; }

    /// The resident with this (validated) ID number.
    std::optional<std::size_t> byId(const std::string& id) {
        if (m_all) {
            if (auto i = m_byId->find(idKey(id), [](std::uint32_t) { return true; })) return *i;
            return std::nullopt;
        }
        if (m_cipher.encrypted()) {
            const auto blind = m_cipher.blindIndex(id);
            m_queryId->bindBlob(1, blind.data(), blind.size()).bind(2, m_maxId);
        } else {
            m_queryId->bind(1, std::string_view(id)).bind(2, m_maxId);
        }
        std::optional<std::size_t> found;
        while (m_queryId->step()) found = remember(*m_queryId);
        m_queryId->reset();
        return found;
    }
    /// Calls fn(index) for each resident of the household with this name.
    template <class Fn>
    void byHouseholdName(std::int64_t household, const std::string& name, Fn&& fn) {
        if (m_all) {
            m_byName->find(personKey(household, name), [&](std::uint32_t idx) {
                if (m_recs[idx].householdId == household && m_recs[idx].name == name) fn(static_cast<std::size_t>(idx));
                return false; // visit them all
            });
            return;
        }
        m_queryName->bind(1, household).bind(2, std::string_view(name)).bind(3, m_maxId);
        std::vector<std::size_t> found;
        while (m_queryName->step()) found.push_back(remember(*m_queryName));
        m_queryName->reset();
        for (std::size_t i : found) fn(i);
    }

private:
    static constexpr const char* kSelect = "SELECT id, household_id, name, relation, gender, birth_year, phone, id_number, "
                                           "disability, is_member, member_type, branch, joined_year, phone_enc, id_number_enc "
                                           "FROM residents";
    ResidentRec read(storage::Statement& st) const {
        auto text = [&](int i) { return st.isNull(i) ? std::string() : st.columnText(i); };
        ResidentRec rec;
        rec.id = st.columnInt(0);
        rec.householdId = st.columnInt(1);
        rec.name = st.columnText(2);
        rec.relation = text(3);
        const std::string g = text(4);
        rec.gender = g.empty() ? 0 : g[0];
        rec.birthYear = st.isNull(5) ? 0 : static_cast<int>(st.columnInt(5));
        // Matching and change detection work on clear values: an encrypted atlas's are opened.
        rec.phone = m_cipher.open(storage::crypto::Field::ResidentPhone, std::to_string(rec.id), text(6), st.columnBlob(13));
        rec.idNumber = m_cipher.open(storage::crypto::Field::ResidentIdNumber, std::to_string(rec.id), text(7), st.columnBlob(14));
        rec.disability = st.columnInt(8) != 0;
        rec.isMember = st.columnInt(9) != 0;
        rec.memberType = text(10);
        rec.branch = text(11);
        rec.joinedYear = st.isNull(12) ? 0 : static_cast<int>(st.columnInt(12));
        return rec;
    }
    /// The row's resident, added once (by resident id) so that claims stick.
    std::size_t remember(storage::Statement& st) {
        const std::int64_t id = st.columnInt(0);
        auto [it, fresh] = m_byResidentId.emplace(id, m_recs.size());
        if (fresh) {
            m_recs.push_back(read(st));
            m_claimed.push_back(0);
        }
        return it->second;
    }

    const storage::crypto::FieldCipher& m_cipher;
    bool m_all = true;
    std::size_t m_existing = 0;
    std::int64_t m_maxId = 0;
    std::vector<ResidentRec> m_recs;
    std::vector<char> m_claimed;
    std::optional<IndexHash> m_byId, m_byName;
    std::unordered_map<std::int64_t, std::size_t> m_byResidentId;
    std::unique_ptr<storage::Statement> m_queryId, m_queryName;
};

constexpr std::size_t kChunkRows = 16384;
constexpr std::size_t kBatchRows = 32; ///< new residents per INSERT statement

/// Votes of a household's rows on its flags, and the flags it had.
struct FlagVote {
    YesNo v[kFlagCount] = {YesNo::Empty, YesNo::Empty, YesNo::Empty, YesNo::Empty};
    bool stored[kFlagCount] = {false, false, false, false};
};

/// Parses rows in chunks on worker threads; the consumer waits for chunks in order. With no
/// workers, waitFor() parses the chunk itself. The destructor stops and joins the workers, so a
/// cancel or an error on the consumer's side never leaves a thread behind.
class ChunkPipeline {
public:
    using Work = std::function<void(unsigned worker, std::size_t begin, std::size_t end)>;
    ChunkPipeline(std::size_t rows, std::size_t chunk, unsigned workers, Work work, Feedback* feedback)
        : m_rows(rows), m_chunk(chunk), m_chunks((rows + chunk - 1) / chunk), m_done(m_chunks, 0), m_work(std::move(work)),
          m_feedback(feedback) {
        for (unsigned t = 0; t < workers; ++t) m_threads.emplace_back([this, t] { run(t); });
    }
    ChunkPipeline(const ChunkPipeline&) = delete;
    ChunkPipeline& operator=(const ChunkPipeline&) = delete;
    ChunkPipeline(ChunkPipeline&&) = delete;
    ChunkPipeline& operator=(ChunkPipeline&&) = delete;
    ~ChunkPipeline() {
        m_stop = true;
        for (auto& t : m_threads) t.join();
    }
    [[nodiscard]] std::size_t chunks() const { return m_chunks; }
    /// Blocks until chunk `k` is parsed; rethrows what a worker threw.
    void waitFor(std::size_t k) {
        if (m_threads.empty()) {
            if (m_feedback) m_feedback->throwIfCancelled();
            m_work(0, k * m_chunk, std::min(m_rows, (k + 1) * m_chunk));
            return;
        }
        std::unique_lock lock(m_mutex);
        while (!m_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return m_done[k] || m_error; }))
            if (m_feedback) m_feedback->throwIfCancelled(); // the workers have stopped
        if (m_error) std::rethrow_exception(m_error);
    }

private:
    void run(unsigned worker) {
        for (;;) {
            const std::size_t k = m_next.fetch_add(1);
            if (k >= m_chunks || m_stop || (m_feedback && m_feedback->isCancelled())) return;
            try {
                m_work(worker, k * m_chunk, std::min(m_rows, (k + 1) * m_chunk));
            } catch (...) {
                std::lock_guard lock(m_mutex);
                if (!m_error) m_error = std::current_exception();
                m_cv.notify_all();
                return;
            }
            std::lock_guard lock(m_mutex);
            m_done[k] = 1;
            m_cv.notify_all();
        }
    }
    std::size_t m_rows, m_chunk, m_chunks;
    std::vector<char> m_done;
    Work m_work;
    Feedback* m_feedback;
    std::atomic<std::size_t> m_next{0};
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::exception_ptr m_error;
    std::vector<std::thread> m_threads;
};

int thisYear() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

std::string nowText() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void bindOptText(storage::Statement& st, int i, const std::string& s) {
    if (s.empty())
        st.bindNull(i);
    else
        st.bind(i, std::string_view(s));
}

/// Binds a resident without copying its text (SQLITE_STATIC): `r` outlives the statement's run().
void bindResident(storage::Statement& st, const ResidentRec& r) {
    sqlite3_stmt* h = st.handle();
    auto text = [&](int i, const std::string& v) {
        if (v.empty())
            sqlite3_bind_null(h, i);
        else
            sqlite3_bind_text(h, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    };
    auto optInt = [&](int i, int v) {
        if (v == 0)
            sqlite3_bind_null(h, i);
        else
            sqlite3_bind_int(h, i, v);
    };
    sqlite3_bind_int64(h, 1, r.householdId);
    sqlite3_bind_text(h, 2, r.name.data(), static_cast<int>(r.name.size()), SQLITE_STATIC);
    text(3, r.relation);
    if (r.gender)
        sqlite3_bind_text(h, 4, &r.gender, 1, SQLITE_STATIC);
    else
        sqlite3_bind_null(h, 4);
    optInt(5, r.birthYear);
    text(6, r.phone);
    text(7, r.idNumber);
    sqlite3_bind_int(h, 8, r.disability ? 1 : 0);
    sqlite3_bind_int(h, 9, r.isMember ? 1 : 0);
    text(10, r.memberType);
    text(11, r.branch);
    optInt(12, r.joinedYear);
}

/// The resident's id and, in an encrypted atlas, its phone and ID number as stored (storage/
/// crypto.h): masked forms over the clear ones bound at `phoneCol`, `phoneCol + 1`, the sealed
/// values and the blind index at `encCol`.. `encCol + 2` (NULL in a clear atlas), bound to the
/// resident's id.
void bindSealed(storage::Statement& st, int phoneCol, int encCol, std::int64_t residentId, const std::string& phone,
                const std::string& idNumber, const storage::crypto::FieldCipher& cipher) {
    sqlite3_stmt* h = st.handle();
    auto blob = [&](int i, const storage::crypto::Blob& b) {
        if (b.empty()) sqlite3_bind_null(h, i);
        else sqlite3_bind_blob(h, i, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
    };
    auto text = [&](int i, const std::string& v) {
        if (v.empty()) sqlite3_bind_null(h, i);
        else sqlite3_bind_text(h, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    };
    if (!cipher.encrypted()) {
        for (int i = 0; i < 3; ++i) sqlite3_bind_null(h, encCol + i);
        return;
    }
    const std::string ident = std::to_string(residentId);
    const auto p = cipher.seal(storage::crypto::Field::ResidentPhone, ident, phone);
    const auto d = cipher.seal(storage::crypto::Field::ResidentIdNumber, ident, idNumber);
    text(phoneCol, p.shown);
    text(phoneCol + 1, d.shown);
    blob(encCol, p.cipher);
    blob(encCol + 1, d.cipher);
    blob(encCol + 2, d.blindIndex);
}

/// Binds a new resident straight from its row (what merge() with an empty record gives, without
/// building one): the row's text outlives the statement's run().
void bindNewResident(storage::Statement& st, const RowPlan& p, std::int64_t householdId, int base = 0) {
    sqlite3_stmt* h = st.handle();
    auto text = [&](int i, const std::string& v) {
        if (v.empty())
            sqlite3_bind_null(h, i);
        else
            sqlite3_bind_text(h, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    };
    auto optInt = [&](int i, int v) {
        if (v == 0)
            sqlite3_bind_null(h, i);
        else
            sqlite3_bind_int(h, i, v);
    };
    const bool member = p.member == YesNo::Yes;
    sqlite3_bind_int64(h, base + 1, householdId);
    sqlite3_bind_text(h, base + 2, p.name.data(), static_cast<int>(p.name.size()), SQLITE_STATIC);
    text(base + 3, p.relation);
    if (p.gender)
        sqlite3_bind_text(h, base + 4, &p.gender, 1, SQLITE_STATIC);
    else
        sqlite3_bind_null(h, base + 4);
    optInt(base + 5, p.birthYear);
    text(base + 6, p.phone);
    text(base + 7, p.idNumber);
    sqlite3_bind_int(h, base + 8, p.disability == YesNo::Yes ? 1 : 0);
    sqlite3_bind_int(h, base + 9, member ? 1 : 0);
    if (member) {
        static const std::string kFull = "full"; // a member with no type given is a full member
        text(base + 10, p.memberType.empty() ? kFull : p.memberType);
        text(base + 11, p.branch);
        optInt(base + 12, p.joinedYear);
    } else {
        sqlite3_bind_null(h, base + 10);
        sqlite3_bind_null(h, base + 11);
        sqlite3_bind_null(h, base + 12);
    }
}

/// The stored record overlaid with what the roster row says (empty cells keep stored values).
ResidentRec merge(const ResidentRec& stored, const RowPlan& p, std::int64_t householdId) {
    ResidentRec r = stored;
    r.householdId = householdId;
    r.name = p.name;
    if (!p.relation.empty()) r.relation = p.relation;
    if (p.gender) r.gender = p.gender;
    if (p.birthYear) r.birthYear = p.birthYear;
    if (!p.phone.empty()) r.phone = p.phone;
    if (!p.idNumber.empty()) r.idNumber = p.idNumber;
    if (p.disability != YesNo::Empty) r.disability = p.disability == YesNo::Yes;
    if (p.member == YesNo::No) {
        r.isMember = false;
        r.memberType.clear();
        r.branch.clear();
        r.joinedYear = 0;
    } else if (p.member == YesNo::Yes) {
        r.isMember = true;
        if (!p.memberType.empty()) r.memberType = p.memberType;
        if (r.memberType.empty()) r.memberType = "full"; // a member with no type given is a full member
        if (!p.branch.empty()) r.branch = p.branch;
        if (p.joinedYear) r.joinedYear = p.joinedYear;
    }
    return r;
}

} // namespace

std::string RosterImportResult::summary() const {
    std::string s = std::to_string(rows) + " rows: " + std::to_string(added) + " added, " + std::to_string(updated) +
                    " updated, " + std::to_string(unchanged) + " unchanged, " + std::to_string(rejected) + " rejected";
    if (householdsCreated || householdsUpdated)
        s += "; households: " + std::to_string(householdsCreated) + " created, " + std::to_string(householdsUpdated) + " updated";
    if (dryRun)
        s += " (dry run: nothing written)";
    else if (!written)
        s += " (nothing written: " + std::string(rejected ? "rejected rows and no --partial" : "cancelled") + ")";
    return s;
}

RosterTable readRoster(const std::string& path, const std::string& sheet, const MappingFile* mapping, Feedback* feedback) {
    RosterReadOptions o;
    o.sheet = sheet;
    o.scorer = [mapping](const std::vector<std::string>& cells) { return headerScore(cells, mapping); };
    return readRosterTable(path, o, feedback);
}

namespace {

std::string describeProblems(const RosterTable& table, const std::vector<std::string>& problems) {
    std::string msg = "roster '" + table.source() + "': ";
    for (std::size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
    return msg;
}

/// The roster of an import: given, or being read on another thread (`wait` joins the reader and
/// sets `table` and `mapping`).
struct RosterSource {
    const RosterTable* table = nullptr;
    const ColumnMapping* mapping = nullptr;
    std::function<void()> wait;
};

RosterImportResult runImport(storage::Atlas& atlas, RosterSource& source, const RosterImportOptions& options, Feedback* feedback);

} // namespace

RosterImportResult importRoster(storage::Atlas& atlas, const RosterTable& table, const ColumnMapping& mapping,
                                const RosterImportOptions& options, Feedback* feedback) {
    if (const auto problems = validateMapping(mapping); !problems.empty()) throw InputError(describeProblems(table, problems));
    RosterSource source{&table, &mapping, {}};
    return runImport(atlas, source, options, feedback);
}

RosterImportResult importRosterFile(storage::Atlas& atlas, const std::string& path, const std::string& sheet,
                                    const MappingFile* mappingFile, const RosterImportOptions& options, Feedback* feedback,
                                    RosterTable* tableOut, ColumnMapping* mappingOut) {
    // The roster is read (and decoded) on a worker while this thread takes the write lock and
    // loads the atlas's buildings, units and households.
    RosterTable table;
    ColumnMapping mapping;
    std::exception_ptr readError;
    std::thread reader([&] {
        try {
            table = readRoster(path, sheet, mappingFile, nullptr);
            mapping = detectMapping(table.headers(), mappingFile);
        } catch (...) {
            readError = std::current_exception();
        }
    });
    struct Join {
        std::thread& t;
        ~Join() {
            if (t.joinable()) t.join();
        }
    } join{reader};
    RosterSource source;
    source.wait = [&] {
        reader.join();
        if (readError) std::rethrow_exception(readError);
        if (const auto problems = validateMapping(mapping); !problems.empty())
            throw InputError(describeProblems(table, problems));
        source.table = &table;
        source.mapping = &mapping;
    };
    RosterImportResult result = runImport(atlas, source, options, feedback);
    if (tableOut) *tableOut = std::move(table);
    if (mappingOut) *mappingOut = std::move(mapping);
    return result;
}

namespace {

RosterImportResult runImport(storage::Atlas& atlas, RosterSource& source, const RosterImportOptions& options,
                             Feedback* feedback) {
    if (atlas.connection().isReadOnly()) throw InputError("atlas '" + atlas.path() + "' is open read-only");
    auto progress = [&](double pct, const std::string& stage) {
        if (!feedback) return;
        feedback->throwIfCancelled();
        feedback->setProgress(pct, stage);
    };
    const int year = options.currentYear ? options.currentYear : thisYear();
    storage::Connection& c = atlas.connection();
    RosterImportResult result;
    result.dryRun = options.dryRun;

    // The write lock first, so the atlas we index is the atlas we write.
    const ImportPragmas pragmas(c);
    storage::Transaction tx(c);
    const storage::AuditBulkScope auditScope(c); // one summary record, not one per resident
    progress(15, "loading buildings and households");
    const AtlasIndex index(c);
    if (source.wait) {
        progress(17, "reading the roster");
        source.wait();
    }
    const RosterTable& table = *source.table;
    const ColumnMapping& mapping = *source.mapping;
    result.rows = table.rowCount();

    // Rows are parsed and matched on worker threads, chunk by chunk, while this thread loads the
    // stored residents and then decides and writes the rows in roster order as their chunks come
    // in: parsing and SQLite's insert path overlap.
    const std::size_t n = table.rowCount();
    std::vector<RowPlan> plans(n);
    unsigned workers = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                           : std::min(4u, std::max(1u, std::thread::hardware_concurrency()));
    if (n < 20000) workers = 0; // small rosters: parse inline
    std::vector<std::unique_ptr<RowParser>> parsers;
    for (unsigned t = 0; t < std::max(1u, workers); ++t)
        parsers.push_back(std::make_unique<RowParser>(table, mapping, index, year));
    ChunkPipeline pipeline(
        n, kChunkRows, workers,
        [&](unsigned worker, std::size_t begin, std::size_t end) {
            RowParser& parser = *parsers[worker];
            for (std::size_t r = begin; r < end; ++r) parser.parse(r, plans[r]);
        },
        feedback);

    // Stored residents the roster may match, loaded while the workers parse (a large roster) or
    // looked up row by row (a small roster in a large atlas).
    progress(18, "loading residents");
    // An encrypted atlas: stored phones and ID numbers are opened for matching, new ones sealed.
    const storage::crypto::FieldCipher cipher(c, storage::crypto::FieldCipher::Need::Key, "import a roster into it");
    StoredResidents stored(c, n, feedback, cipher);
    std::int64_t nextResidentId = c.queryInt("SELECT COALESCE(MAX(id), 0) + 1 FROM residents").value_or(1);

    // A large first import is faster with the residents' ID-number index rebuilt afterwards (one
    // sort) than updated row by row (random B-tree inserts). Rows arrive in household order, so
    // the household index (and the partial member/disability ones) grow at their ends anyway.
    // Same transaction, same definitions (read back from the schema).
    std::vector<std::pair<std::string, std::string>> droppedIndexes;
    if (n >= 50000 && stored.existing() <= n / 2) {
        storage::Statement st(c, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'residents' "
                                 "AND sql IS NOT NULL AND sql LIKE '%id_number%' ORDER BY name");
        while (st.step()) droppedIndexes.emplace_back(st.columnText(0), st.columnText(1));
        for (const auto& [name, sql] : droppedIndexes) c.exec("DROP INDEX " + storage::quoteIdentifier(name));
    }

    struct NewHousehold {
        std::int64_t id = 0;
        std::size_t firstRow = 0;
        bool failed = false;
        FlagVote vote;
    };
    std::deque<NewHousehold> newHouseholds; // a deque: pending adds point at their households' votes
    std::unordered_map<std::string, std::size_t> newByKey;
    std::vector<FlagVote> votes(static_cast<std::size_t>(index.maxHouseholdId()) + 1);
    std::vector<bool> voted(votes.size(), false);
    bool anyFlagColumn = false;
    for (int f = 0; f < kFlagCount; ++f) anyFlagColumn = anyFlagColumn || mapping.has(kFlagFields[f]);
    IndexHash seenId(n), seenName(n);             // rows already taken, by ID number and by household + name
    std::vector<std::int64_t> rowHousehold(n, 0); // the person key's household of each taken row

    storage::Statement insHousehold(c, "INSERT INTO households (unit_id, floor, room, geom) VALUES (?, ?, ?, "
                                       "(SELECT geom FROM units WHERE id = ?))");
    // Writing stops at the first rejected row unless --partial: nothing will be committed, but
    // every row is still checked so that the report lists all of them.
    bool writing = true;
    const std::string insertSql = "INSERT INTO residents (household_id, name, relation, gender, birth_year, phone, id_number, "
                                  "disability, is_member, member_type, branch, joined_year, id, phone_enc, id_number_enc, "
                                  "id_number_hash) VALUES ";
    const std::string oneRow = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    constexpr int kResidentParams = 16; // ids are given so sealed values can be bound to them
    storage::Statement ins(c, insertSql + oneRow);
    // New residents go in batches of kBatchRows per statement (less per-statement work in SQLite);
    // a batch a database rule refuses is retried row by row to find the row.
    std::string batchSql = insertSql;
    for (std::size_t i = 0; i < kBatchRows; ++i) batchSql += (i ? "," : "") + oneRow;
    storage::Statement insBatch(c, batchSql);
    struct PendingAdd {
        std::size_t row;
        std::int64_t household;
        FlagVote* vote;
        std::int64_t id;
    };
    std::vector<PendingAdd> pending;
    pending.reserve(kBatchRows);
    auto applyVote = [&](const RowPlan& p, FlagVote* v) {
        // Household flags: set when any row of the household says yes, cleared when rows say no.
        for (int f = 0; f < kFlagCount; ++f)
            if (p.flags[f] == YesNo::Yes || (p.flags[f] == YesNo::No && v->v[f] == YesNo::Empty)) v->v[f] = p.flags[f];
    };
    auto addOne = [&](const PendingAdd& a) {
        RowPlan& p = plans[a.row];
        try {
            bindNewResident(ins, p, a.household);
            sqlite3_bind_int64(ins.handle(), 13, a.id);
            bindSealed(ins, 6, 14, a.id, p.phone, p.idNumber, cipher);
            ins.run();
            applyVote(p, a.vote);
        } catch (const ConstraintError& e) {
            ins.reset();
            --result.added;
            p.reject = storage::describeRule(e.what());
            if (!options.partial) writing = false;
        }
    };
    auto flushAdds = [&](bool all) {
        if (!writing) {
            pending.clear();
            return;
        }
        if (pending.size() == kBatchRows) {
            for (std::size_t i = 0; i < kBatchRows; ++i) {
                const int base = static_cast<int>(i) * kResidentParams;
                const RowPlan& p = plans[pending[i].row];
                bindNewResident(insBatch, p, pending[i].household, base);
                sqlite3_bind_int64(insBatch.handle(), base + 13, pending[i].id);
                bindSealed(insBatch, base + 6, base + 14, pending[i].id, p.phone, p.idNumber, cipher);
            }
            try {
                insBatch.run();
                for (const auto& a : pending) applyVote(plans[a.row], a.vote);
            } catch (const ConstraintError&) {
                insBatch.reset();
                for (const auto& a : pending) addOne(a);
            }
            pending.clear();
        } else if (all) {
            for (const auto& a : pending) addOne(a);
            pending.clear();
        }
    };
    storage::Statement up(c, "UPDATE residents SET household_id = ?, name = ?, relation = ?, gender = ?, birth_year = ?, "
                             "phone = ?, id_number = ?, disability = ?, is_member = ?, member_type = ?, branch = ?, "
                             "joined_year = ?, phone_enc = ?14, id_number_enc = ?15, id_number_hash = ?16 WHERE id = ?13");
    const std::string started = nowText();
    auto reject = [&](RowPlan& p, std::string why) {
        p.reject = std::move(why);
        if (!options.partial) writing = false;
    };
    const std::size_t chunks = pipeline.chunks();
    for (std::size_t k = 0; k < chunks; ++k) {
        pipeline.waitFor(k);
        progress(20 + 75.0 * static_cast<double>(k) / static_cast<double>(std::max<std::size_t>(chunks, 1)),
                 writing ? "writing residents" : "checking rows");
        const std::size_t end = std::min(n, (k + 1) * kChunkRows);
        for (std::size_t r = k * kChunkRows; r < end; ++r) {
            RowPlan& p = plans[r];
            if (!p.reject.empty()) {
                if (!options.partial) writing = false;
                continue;
            }
            // The household: existing, or created when first named.
            std::int64_t hh = p.householdId, personHousehold = p.householdId;
            FlagVote* vote = nullptr;
            if (hh == 0) {
                const std::string key = std::to_string(p.unitId) + "\x1f" + p.room;
                auto it = newByKey.find(key);
                if (it == newByKey.end()) {
                    NewHousehold h;
                    h.firstRow = r;
                    if (writing) {
                        insHousehold.bind(1, p.unitId).bind(2, p.floor).bind(3, std::string_view(p.room)).bind(4, p.unitId);
                        try {
                            insHousehold.run();
                            h.id = c.lastInsertId();
                        } catch (const ConstraintError& e) {
                            insHousehold.reset();
                            h.failed = true;
                            reject(p, "the household cannot be created: " + storage::describeRule(e.what()));
                        }
                    }
                    it = newByKey.emplace(key, newHouseholds.size()).first;
                    newHouseholds.push_back(h);
                    if (h.failed) continue;
                }
                NewHousehold& h = newHouseholds[it->second];
                if (h.failed) {
                    reject(p, "its household could not be created (see row " + std::to_string(table.rowNumber(h.firstRow)) + ")");
                    continue;
                }
                hh = h.id;
                personHousehold = -static_cast<std::int64_t>(it->second) - 1; // never mixes with real ids
                vote = &h.vote;
            } else {
                vote = &votes[static_cast<std::size_t>(hh)];
                if (!voted[static_cast<std::size_t>(hh)]) {
                    voted[static_cast<std::size_t>(hh)] = true;
                    std::copy(std::begin(p.storedFlags), std::end(p.storedFlags), std::begin(vote->stored));
                }
            }
            // Duplicates within the roster: the same ID number, or the same name in the same
            // household when one of the two has no ID number.
            const auto row32 = static_cast<std::uint32_t>(r);
            if (!p.idNumber.empty()) {
                const std::uint64_t key = idKey(p.idNumber);
                if (auto first = seenId.find(key, [](std::uint32_t) { return true; })) {
                    reject(p, "the same ID number as row " + std::to_string(table.rowNumber(*first)));
                    continue;
                }
                seenId.insert(key, row32);
            }
            {
                const std::uint64_t key = personKey(personHousehold, p.name);
                const auto first = seenName.find(
                    key, [&](std::uint32_t q) { return rowHousehold[q] == personHousehold && plans[q].name == p.name; });
                if (first && (p.idNumber.empty() || plans[*first].idNumber.empty())) {
                    reject(p, "the same person as row " + std::to_string(table.rowNumber(*first)) +
                                  " (same name in the same household)");
                    continue;
                }
                if (!first) {
                    rowHousehold[r] = personHousehold;
                    seenName.insert(key, row32);
                }
            }
            // The stored resident: by ID number, else by name in the household.
            std::optional<std::size_t> match;
            if (!p.idNumber.empty()) match = stored.byId(p.idNumber);
            if (!match && p.householdId) {
                std::optional<std::size_t> only;
                int candidates = 0;
                stored.byHouseholdName(p.householdId, p.name, [&](std::size_t idx) {
                    if (!stored.claimed(idx) && (p.idNumber.empty() || stored.at(idx).idNumber.empty())) {
                        ++candidates;
                        only = idx;
                    }
                });
                if (candidates > 1) {
                    reject(p, "several residents named " + model::maskName(p.name) + " live in this household: add the ID number");
                    continue;
                }
                match = only;
            }
            if (match && stored.claimed(*match)) {
                reject(p, "matches a resident another row already matched");
                continue;
            }
            try {
                if (match) {
                    stored.claim(*match);
                    const ResidentRec merged = merge(stored.at(*match), p, hh);
                    if (merged == stored.at(*match)) {
                        ++result.unchanged;
                    } else {
                        if (writing) {
                            bindResident(up, merged);
                            up.bind(13, merged.id);
                            bindSealed(up, 6, 14, merged.id, merged.phone, merged.idNumber, cipher);
                            up.run();
                        }
                        ++result.updated;
                    }
                } else {
                    ++result.added;
                    if (writing) {
                        pending.push_back({r, hh, vote, nextResidentId++});
                        if (pending.size() == kBatchRows) flushAdds(false);
                    }
                    continue; // its flag votes count once it is written
                }
            } catch (const ConstraintError& e) {
                ins.reset();
                up.reset();
                reject(p, storage::describeRule(e.what()));
                continue;
            }
            applyVote(p, vote);
        }
    }
    flushAdds(true);
    for (const auto& h : newHouseholds) result.householdsCreated += h.failed ? 0 : 1;

    auto collectRejects = [&] {
        result.rejects.clear();
        for (std::size_t r = 0; r < n; ++r)
            if (!plans[r].reject.empty())
                result.rejects.push_back({table.rowNumber(r),
                                          plans[r].address.empty() ? composeAddress(table, mapping, r) : plans[r].address,
                                          plans[r].reject});
        result.rejected = result.rejects.size();
    };
    collectRejects();
    if (!writing || (result.rejected > 0 && !options.partial)) {
        result.written = false;
        return result; // the transaction rolls back: nothing written
    }

    if (anyFlagColumn) {
        progress(95, "household flags");
        std::string sql = "UPDATE households SET ";
        for (int f = 0; f < kFlagCount; ++f) sql += std::string(f ? ", " : "") + kFlagColumns[f] + " = ?";
        sql += " WHERE id = ?";
        storage::Statement upFlags(c, sql);
        auto apply = [&](std::int64_t id, const FlagVote& vote, const bool* storedFlags) {
            bool flags[kFlagCount];
            bool change = false;
            for (int f = 0; f < kFlagCount; ++f) {
                flags[f] = vote.v[f] == YesNo::Empty ? storedFlags[f] : vote.v[f] == YesNo::Yes;
                change = change || flags[f] != storedFlags[f];
            }
            if (!change) return false;
            for (int f = 0; f < kFlagCount; ++f) upFlags.bind(f + 1, flags[f] ? 1 : 0);
            upFlags.bind(kFlagCount + 1, id);
            upFlags.run();
            return true;
        };
        for (std::size_t id = 1; id < votes.size(); ++id)
            if (voted[id] && apply(static_cast<std::int64_t>(id), votes[id], votes[id].stored)) ++result.householdsUpdated;
        const bool none[kFlagCount] = {false, false, false, false}; // a new household starts with no flags
        for (const auto& h : newHouseholds)
            if (!h.failed && h.id) apply(h.id, h.vote, none);
    }
    if (!droppedIndexes.empty()) {
        progress(97, "rebuilding indexes");
        for (const auto& [name, sql] : droppedIndexes) c.exec(sql);
    }
    {
        storage::Statement st(c, "INSERT INTO imports (kind, source, target, started_at, finished_at, user, added, updated, "
                                 "unchanged, rejected, summary) VALUES ('roster', ?, 'residents', ?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, table.source() + (table.sheet().empty() ? "" : " [" + table.sheet() + "]"));
        st.bind(2, started).bind(3, nowText());
        bindOptText(st, 4, options.user);
        st.bind(5, static_cast<std::int64_t>(result.added)).bind(6, static_cast<std::int64_t>(result.updated));
        st.bind(7, static_cast<std::int64_t>(result.unchanged)).bind(8, static_cast<std::int64_t>(result.rejected));
        result.written = true; // for the summary text
        st.bind(9, result.summary());
        st.run();
        result.importId = c.lastInsertId();
        storage::logAudit(c, "import", "residents", result.importId, {}, std::nullopt,
                          "roster " + table.source() + ": " + std::to_string(result.added) + " added, " +
                              std::to_string(result.updated) + " updated, " + std::to_string(result.rejected) + " rejected");
    }
    if (options.dryRun) {
        result.written = false;
        return result; // rolled back by the transaction's destructor
    }
    progress(99, "committing");
    if (feedback) feedback->throwIfCancelled();
    storage::refreshHouseholdPoints(c); // blocks of households created or flagged (household_points.h)
    tx.commit();
    result.written = true;
    progress(100, "done");
    return result;
}

} // namespace

void writeRejects(const std::string& path, const RosterImportResult& result) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw Error("cannot write rejects file '" + path + "'");
        auto quote = [](const std::string& s) {
            std::string q = "\"";
            for (char ch : s) {
                if (ch == '"') q += '"';
                q += ch;
            }
            return q + "\"";
        };
        out << "\xEF\xBB\xBF"
            << "行号,住址,原因\r\n";
        for (const auto& r : result.rejects) out << r.row << ',' << quote(r.address) << ',' << quote(r.reason) << "\r\n";
        out.flush();
        if (!out) throw Error("cannot write rejects file '" + path + "'");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw Error("cannot write rejects file '" + path + "': " + ec.message());
    }
}

} // namespace gridatlas::io
