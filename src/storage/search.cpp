#include "storage/search.h"

#include <algorithm>
#include <string_view>

#include "storage/atlas.h"
#include "storage/engine.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

namespace {

// Escapes LIKE wildcards so a user's % or _ match themselves (used with ESCAPE '\').
std::string likePattern(const std::string& text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out + "%";
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool endsWith(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int chineseDigit(std::string_view ch) {
    static constexpr std::string_view kDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    for (int i = 0; i < 10; ++i)
        if (ch == kDigits[i]) return i;
    if (ch == "〇") return 0;
    if (ch == "两") return 2;
    return -1;
}

// "十二" -> 12, "二十三" -> 23, "5" -> 5; -1 when not a number.
int parseSmallNumber(const std::string& s) {
    if (s.empty()) return -1;
    if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return s.size() <= 4 ? std::stoi(s) : -1;
    int value = 0, pending = -1;
    bool sawTen = false;
    for (std::size_t i = 0; i < s.size(); i += 3) {
        if (i + 3 > s.size()) return -1;
        const std::string_view ch(s.data() + i, 3);
        if (ch == "十") {
            value += (pending < 0 ? 1 : pending) * 10;
            pending = -1;
            sawTen = true;
        } else {
            const int d = chineseDigit(ch);
            if (d < 0) return -1;
            pending = pending < 0 ? d : pending * 10 + d;
        }
    }
    if (pending >= 0) value += pending;
    (void)sawTen;
    return value;
}

} // namespace

std::string normaliseBuildingNumber(const std::string& raw) {
    std::string s = trim(raw);
    for (std::string_view suffix : {"号楼", "栋", "幢", "座", "#", "号"}) {
        if (endsWith(s, suffix)) {
            s.resize(s.size() - suffix.size());
            break;
        }
    }
    const int n = parseSmallNumber(s);
    return n > 0 ? std::to_string(n) + "栋" : std::string();
}

std::vector<SearchHit> search(Atlas& atlas, const std::string& rawText, int limit) {
    const std::string text = trim(rawText);
    std::vector<SearchHit> hits;
    // No stored text holds a NUL, and SQLite's LIKE would stop reading the pattern at one
    // ("a\0b" would match like "a"): literally, nothing matches.
    if (text.empty() || text.find('\0') != std::string::npos) return hits;
    auto& c = atlas.connection();
    const std::string like = likePattern(text);
    const std::string building = normaliseBuildingNumber(text);

    const auto geom = [&c](const char* column) { return geomSelect(c, column); };
    auto collect = [&](const std::string& layer, const std::string& sql, auto&& bind, bool personName) {
        if (static_cast<int>(hits.size()) >= limit) return;
        Statement st(c, sql + " LIMIT " + std::to_string(limit - static_cast<int>(hits.size())));
        bind(st);
        while (st.step()) {
            SearchHit h;
            h.layer = layer;
            h.id = st.columnInt(0);
            h.title = st.columnText(1);
            h.detail = st.columnText(2);
            h.titleIsPersonName = personName;
            if (!st.isNull(3)) h.bounds = geometryBounds(c, st.columnBlob(3));
            hits.push_back(std::move(h));
        }
    };

    if (!building.empty()) {
        collect("buildings",
                "SELECT b.id, b.number, c.name || COALESCE(' ' || b.compound, ''), " + geom("b.geom") + " FROM buildings b "
                "JOIN communities c ON c.id = b.community_id WHERE b.number = ?1 ORDER BY c.name, b.id",
                [&](Statement& st) { st.bind(1, building); }, false);
    }
    collect("grids",
            "SELECT g.id, g.name, g.code, " + geom("g.geom") + " FROM grids g WHERE g.code = ?1 OR g.name LIKE ?2 ESCAPE '\\' "
            "ORDER BY g.code <> ?1, g.id",
            [&](Statement& st) { st.bind(1, text).bind(2, like); }, false);
    collect("service_posts",
            "SELECT p.id, p.name, t.name_zh, " + geom("p.geom") + " FROM service_posts p JOIN post_types t ON t.type = p.type "
            "WHERE p.name LIKE ?1 ESCAPE '\\' ORDER BY p.name <> ?2, p.id",
            [&](Statement& st) { st.bind(1, like).bind(2, text); }, false);
    collect("buildings",
            "SELECT b.id, b.number, COALESCE(b.address, b.compound, ''), " + geom("b.geom") + " FROM buildings b "
            "WHERE b.address LIKE ?1 ESCAPE '\\' OR b.compound LIKE ?1 ESCAPE '\\' OR b.name LIKE ?1 ESCAPE '\\' ORDER BY b.id",
            [&](Statement& st) { st.bind(1, like); }, false);
    collect("communities", "SELECT id, name, street_office, " + geom("geom") + " FROM communities WHERE name LIKE ?1 ESCAPE '\\' ORDER BY id",
            [&](Statement& st) { st.bind(1, like); }, false);
    // Names: exact first; the list shows them masked unless the user reveals.
    collect("households",
            "SELECT h.id, r.name, b.number || u.number || '单元' || h.room || '室', " + geom("h.geom") + " FROM residents r "
            "JOIN households h ON h.id = r.household_id JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id "
            "WHERE r.name = ?1 OR (length(?1) >= 2 AND r.name LIKE ?2 ESCAPE '\\') ORDER BY r.name <> ?1, r.id",
            [&](Statement& st) { st.bind(1, text).bind(2, like); }, true);
    // The same building may match by number and by address: keep the first.
    std::vector<SearchHit> unique;
    for (auto& h : hits) {
        const bool seen = std::any_of(unique.begin(), unique.end(), [&](const SearchHit& u) {
            return u.layer == h.layer && u.id == h.id && !h.titleIsPersonName;
        });
        if (!seen) unique.push_back(std::move(h));
    }
    return unique;
}

} // namespace gridatlas::storage
