#include "model/address.h"

#include <array>
#include <vector>

namespace gridatlas::model {

namespace {

using U32 = std::u32string;

// ---- UTF-8 <-> code points --------------------------------------------------------------------

void decodeUtf8(std::string_view s, U32& out) {
    out.clear();
    out.reserve(s.size());
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            out.push_back(c);
            ++i;
            continue;
        }
        std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        if (len == 0 || i + len > n) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        char32_t cp = c & (0xFF >> (len + 1));
        bool ok = true;
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) ok = false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        out.push_back(ok ? cp : 0xFFFD);
        i += ok ? len : 1;
    }
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string utf8Of(const char32_t* b, const char32_t* e) {
    std::string out;
    out.reserve(static_cast<std::size_t>(e - b) * 3);
    for (; b < e; ++b) appendUtf8(out, *b);
    return out;
}
std::string utf8Of(const U32& s) {
    return utf8Of(s.data(), s.data() + s.size());
}

// ---- normalisation ----------------------------------------------------------------------------

constexpr char32_t kSep = ' ';

/// Folds one code point: full-width ASCII to ASCII, dashes to '-', separators to ' ', lower to upper.
char32_t fold(char32_t c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    switch (c) {
    case 0x3000:
    case '\t':
    case '\r':
    case '\n':
    case 0xA0:
        return kSep;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0xFE63:
    case 0x2500:
    case '~':
    case 0x301C:
        return '-';
    case 0x3001:
    case ',':
    case ';':
    case 0xFF1B:
    case 0x3002:
    case '.':
    case ':':
        return kSep;
    case 0x3010:
    case '[':
        return '(';
    case 0x3011:
    case ']':
        return ')';
    default:
        break;
    }
    if (c >= 'a' && c <= 'z') c -= 32;
    return c;
}

/// Folds and collapses separators; drops separators next to CJK text (where they only pad).
void normalize(std::string_view text, U32& out) {
    thread_local U32 raw; // reused: a roster parses a million addresses
    decodeUtf8(text, raw);
    out.clear();
    out.reserve(raw.size());
    for (char32_t c : raw) {
        c = fold(c);
        if (c == kSep) {
            if (!out.empty() && out.back() != kSep) out.push_back(kSep);
            continue;
        }
        out.push_back(c);
    }
    while (!out.empty() && out.back() == kSep) out.pop_back();
}

bool isDigit(char32_t c) {
    return c >= '0' && c <= '9';
}
bool isUpper(char32_t c) {
    return c >= 'A' && c <= 'Z';
}

/// Value of a Chinese numeral character as a digit (0-9), or -1.
int chineseDigit(char32_t c) {
    switch (c) {
    case U'零':
    case U'〇':
    case U'O':
        return 0;
    case U'一':
    case U'壹':
    case U'幺':
        return 1;
    case U'二':
    case U'贰':
    case U'两':
        return 2;
    case U'三':
    case U'叁':
        return 3;
    case U'四':
    case U'肆':
        return 4;
    case U'五':
    case U'伍':
        return 5;
    case U'六':
    case U'陆':
        return 6;
    case U'七':
    case U'柒':
        return 7;
    case U'八':
    case U'捌':
        return 8;
    case U'九':
    case U'玖':
        return 9;
    default:
        return -1;
    }
}
/// 十 = 10, 百 = 100, 千 = 1000; 0 otherwise.
int chineseUnit(char32_t c) {
    switch (c) {
    case U'十':
    case U'拾':
        return 10;
    case U'百':
    case U'佰':
        return 100;
    case U'千':
    case U'仟':
        return 1000;
    default:
        return 0;
    }
}
bool isChineseNumeral(char32_t c) {
    return c != U'O' && (chineseDigit(c) >= 0 || chineseUnit(c) > 0);
}

/// "五〇一" -> "501" (digit by digit), "十二" -> "12", "一百零一" -> "101"; empty when malformed.
std::string chineseToDigits(const char32_t* b, const char32_t* e) {
    bool positional = false;
    for (const char32_t* p = b; p < e; ++p) positional = positional || chineseUnit(*p) > 0;
    if (!positional) {
        std::string out;
        for (const char32_t* p = b; p < e; ++p) out += static_cast<char>('0' + chineseDigit(*p));
        return out;
    }
    long value = 0;
    int pending = -1;
    int lastUnit = 100000;
    for (const char32_t* p = b; p < e; ++p) {
        if (const int u = chineseUnit(*p)) {
            if (u >= lastUnit) return {};
            value += (pending < 0 ? 1 : pending) * u;
            pending = -1;
            lastUnit = u;
        } else {
            const int d = chineseDigit(*p);
            if (d == 0) {
                pending = -1;
                continue;
            }
            if (pending >= 0) return {}; // "二三十" is not a number
            pending = d;
        }
    }
    if (pending >= 0) value += pending;
    return std::to_string(value);
}

// ---- elements ---------------------------------------------------------------------------------

enum class Marker {
    None,
    Building, ///< 栋 幢 座 号楼 (and #楼)
    Hash,     ///< # on its own
    Hao,      ///< 号: a building, a flat or a door number, by context
    Lou,      ///< 楼: a building or a floor, by context
    Unit,     ///< 单元 门 梯
    Floor,    ///< 层 F
    Room,     ///< 室 户
    Lane,     ///< 弄 (Shanghai lanes), 号院: part of the area
    Phase,    ///< 期 区 栋区...: part of the compound's name
};

enum class Kind { Char, Id, Dash, Slash, Sep, Open, Close, Basement };

struct Elem {
    Kind kind = Kind::Char;
    std::size_t begin = 0, end = 0; ///< code point range in the normalised text (marker included)
    char32_t ch = 0;                ///< Char
    std::string id;                 ///< Id: "3", "12A", "B1" (Chinese numerals converted)
    bool chinese = false;           ///< Id written in Chinese numerals
    bool leadingLetter = false;     ///< Id starts with a letter ("B1", "C6", "A")
    int digits = 0;                 ///< number of digits in the Id
    Marker marker = Marker::None;   ///< the marker right after an Id
};

struct MarkerWord {
    std::u32string_view text;
    Marker marker;
};
// Longest first where one is a prefix of another.
constexpr std::array<MarkerWord, 16> kMarkers{{
    {U"号楼", Marker::Building},
    {U"号院", Marker::Lane},
    {U"#楼", Marker::Building},
    {U"单元", Marker::Unit},
    {U"栋", Marker::Building},
    {U"幢", Marker::Building},
    {U"座", Marker::Building},
    {U"#", Marker::Hash},
    {U"号", Marker::Hao},
    {U"楼", Marker::Lou},
    {U"门", Marker::Unit},
    {U"梯", Marker::Unit},
    {U"层", Marker::Floor},
    {U"室", Marker::Room},
    {U"户", Marker::Room},
    {U"弄", Marker::Lane},
}};

bool startsWith(const U32& s, std::size_t at, std::u32string_view w) {
    return s.size() - at >= w.size() && std::u32string_view(s).substr(at, w.size()) == w;
}

/// The marker at `at` (after an Id), with its length; Phase markers 期/区 too.
Marker markerAt(const U32& s, std::size_t at, std::size_t& len) {
    for (const auto& m : kMarkers)
        if (startsWith(s, at, m.text)) {
            len = m.text.size();
            return m.marker;
        }
    if (at < s.size() && (s[at] == U'期' || s[at] == U'区' || s[at] == U'街' || s[at] == U'院')) {
        len = 1;
        return Marker::Phase;
    }
    // "5F" = 5th floor, only when F stands alone.
    if (at < s.size() && s[at] == 'F' && (at + 1 == s.size() || !isUpper(s[at + 1]))) {
        len = 1;
        return Marker::Floor;
    }
    len = 0;
    return Marker::None;
}

/// Splits the normalised text into elements. Chinese numerals count as numbers only before a
/// marker or at the very end after a unit/floor/building marker (三栋二单元五〇一); elsewhere
/// ("三元桥", "五一路") they are text.
void scan(const U32& s, std::vector<Elem>& out) {
    out.clear();
    const std::size_t n = s.size();
    std::size_t i = 0;
    auto attachMarker = [&](Elem& e) {
        std::size_t len = 0;
        e.marker = markerAt(s, i, len);
        i += len;
        e.end = i;
    };
    while (i < n) {
        const char32_t c = s[i];
        Elem e;
        e.begin = i;
        std::size_t markerLen = 0;
        const bool letterId = isUpper(c) && i + 1 < n && (i == 0 || !isUpper(s[i - 1])) &&
                              (isDigit(s[i + 1]) || markerAt(s, i + 1, markerLen) != Marker::None);
        if (isDigit(c) || letterId) {
            // An Id: letters (at most two) then digits then at most two letters; "B1", "C6", "12A", "A".
            std::size_t j = i;
            while (j < n && isUpper(s[j])) ++j;
            if (j - i > 2) { // a word ("SOHO"): text
                for (; i < j; ++i) out.push_back(Elem{Kind::Char, i, i + 1, s[i]});
                continue;
            }
            e.leadingLetter = j > i;
            const std::size_t d0 = j;
            while (j < n && isDigit(s[j])) ++j;
            e.digits = static_cast<int>(j - d0);
            std::size_t t = j;
            while (t < n && isUpper(s[t])) ++t;
            if (t - j > 2) { // a word ("12ABC"): text
                for (; i < t; ++i) out.push_back(Elem{Kind::Char, i, i + 1, s[i]});
                continue;
            }
            // A trailing F standing alone is the floor marker ("12F"), not part of the Id.
            if (t == j + 1 && s[j] == 'F' && e.digits > 0) t = j;
            for (std::size_t k = i; k < t; ++k) e.id += static_cast<char>(s[k]);
            e.kind = Kind::Id;
            i = t;
            attachMarker(e);
            out.push_back(std::move(e));
            continue;
        }
        if (isChineseNumeral(c)) {
            std::size_t j = i;
            while (j < n && isChineseNumeral(s[j])) ++j;
            std::size_t len = 0;
            const Marker m = markerAt(s, j, len);
            bool atEnd = j == n || s[j] == kSep || s[j] == '(';
            bool afterStructure = !out.empty() && out.back().kind == Kind::Id &&
                                  (out.back().marker == Marker::Unit || out.back().marker == Marker::Floor ||
                                   out.back().marker == Marker::Building || out.back().marker == Marker::Lou);
            std::string digits = chineseToDigits(s.data() + i, s.data() + j);
            if (!digits.empty() &&
                ((m != Marker::None && m != Marker::Phase) || (m == Marker::Phase && j - i <= 2) || (atEnd && afterStructure))) {
                e.kind = Kind::Id;
                e.id = std::move(digits);
                e.digits = static_cast<int>(e.id.size());
                e.chinese = true;
                i = j;
                attachMarker(e);
                out.push_back(std::move(e));
                continue;
            }
            for (; i < j; ++i) out.push_back(Elem{Kind::Char, i, i + 1, s[i]});
            continue;
        }
        if (startsWith(s, i, U"地下") || (c == U'负' && i + 1 < n && (isDigit(s[i + 1]) || isChineseNumeral(s[i + 1])))) {
            e.kind = Kind::Basement;
            i += c == U'负' ? 1 : 2;
            e.end = i;
            out.push_back(std::move(e));
            continue;
        }
        e.end = i + 1;
        e.ch = c;
        switch (c) {
        case '-':
            e.kind = Kind::Dash;
            break;
        case '/':
        case '\\':
        case '&':
        case '+':
            e.kind = Kind::Slash;
            break;
        case kSep:
            e.kind = Kind::Sep;
            break;
        case '(':
            e.kind = Kind::Open;
            break;
        case ')':
            e.kind = Kind::Close;
            break;
        default:
            e.kind = Kind::Char;
            break;
        }
        ++i;
        out.push_back(std::move(e));
    }
}

bool isRoadChar(char32_t c) {
    return c == U'路' || c == U'街' || c == U'道' || c == U'巷' || c == U'里' || c == U'同' || c == U'弄' || c == U'村' ||
           c == U'组';
}

// ---- the area in front: community and compound -------------------------------------------------

bool endsWithAt(const U32& s, std::size_t end, std::u32string_view w) {
    return end >= w.size() && std::u32string_view(s).substr(end - w.size(), w.size()) == w;
}

/// Index just after the last administrative or street boundary before `limit` (省, 市, 县, 街道, 镇,
/// 乡, an administrative 区, a door or lane number).
std::size_t lastBoundary(const U32& a, std::size_t limit) {
    std::size_t cut = 0, lastCityEnd = 0;
    for (std::size_t k = 0; k < limit; ++k) {
        const char32_t c = a[k];
        const std::size_t after = k + 1;
        if (c == kSep || c == '(' || c == ')') {
            cut = after;
        } else if (c == U'省' || c == U'市' || c == U'县' || c == U'旗' || c == U'镇' || c == U'乡') {
            if (after - cut >= 2 && !(c == U'市' && a[k - 1] == U'城')) { // 城市广场 is a name
                cut = after;
                if (c == U'市' || c == U'省') lastCityEnd = after;
            }
        } else if (c == U'道' && k > 0 && a[k - 1] == U'街') {
            cut = after;
        } else if (c == U'区' && after - cut >= 3 && k > 0) {
            const char32_t p = a[k - 1];
            const bool compoundLike = p == U'小' || p == U'社' || p == U'园' || p == U'校' || p == U'片' || p == U'景' ||
                                      p == U'厂' || p == U'营' || p == U'东' || p == U'西' || p == U'南' || p == U'北' ||
                                      p == U'中' || isUpper(p) || isDigit(p) || chineseDigit(p) >= 0;
            if (!compoundLike && (lastCityEnd > 0 || k < 8)) cut = after;
        } else if ((c == U'号' || c == U'弄') && k > 0 && (isDigit(a[k - 1]) || chineseDigit(a[k - 1]) >= 0)) {
            cut = after; // a door or lane number: what follows is a compound or a building
        }
    }
    return cut;
}

void splitArea(const U32& a, ParsedAddress& out) {
    // The community: the last name ending in 社区 or 居委会 (社区居委会 counts once).
    std::size_t commEnd = 0;
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (startsWith(a, k, U"社区居委会"))
            commEnd = k + 5;
        else if (startsWith(a, k, U"社区") && !startsWith(a, k, U"社区居委会"))
            commEnd = std::max(commEnd, k + 2);
        else if (startsWith(a, k, U"居委会") && !endsWithAt(a, k, U"社区"))
            commEnd = std::max(commEnd, k + 3);
    }
    std::size_t restBegin = 0;
    if (commEnd > 0) {
        // The name starts after the last boundary before its suffix.
        std::size_t suffixBegin = commEnd;
        while (suffixBegin > 0 && a[suffixBegin - 1] != U'社' && !(startsWith(a, suffixBegin - 1, U"居委会"))) --suffixBegin;
        if (endsWithAt(a, commEnd, U"社区居委会"))
            suffixBegin = commEnd - 5;
        else if (endsWithAt(a, commEnd, U"社区"))
            suffixBegin = commEnd - 2;
        else
            suffixBegin = commEnd - 3;
        std::size_t nameBegin = lastBoundary(a, suffixBegin);
        // A boundary word inside the name ("红旗社区": 旗 is also a banner) leaves no name: look further back.
        while (nameBegin == suffixBegin && nameBegin > 0) nameBegin = lastBoundary(a, nameBegin - 1);
        U32 name = a.substr(nameBegin, commEnd - nameBegin);
        if (name.size() > 5 && name.substr(name.size() - 5) == U"社区居委会") name.resize(name.size() - 3);
        out.community = utf8Of(name);
        restBegin = commEnd;
    }
    U32 rest = a.substr(restBegin);
    const std::size_t cut = lastBoundary(rest, rest.size());
    rest = rest.substr(cut);
    while (!rest.empty() && (rest.front() == kSep || rest.front() == '(' || rest.front() == ')' || rest.front() == '-'))
        rest.erase(0, 1);
    while (!rest.empty() && (rest.back() == kSep || rest.back() == '(' || rest.back() == ')' || rest.back() == '-'))
        rest.pop_back();
    // Punctuation alone ("???") is not a name.
    bool hasName = false;
    for (char32_t c : rest) hasName = hasName || c >= 0x3400 || isUpper(c) || isDigit(c);
    if (!hasName) rest.clear();
    // A bare street name ("建设路") is not a compound.
    if (!rest.empty() && (rest.back() == U'路' || rest.back() == U'街' || rest.back() == U'巷' || rest.back() == U'道'))
        rest.clear();
    out.compound = utf8Of(rest);
}

// ---- the structured part ----------------------------------------------------------------------

struct Reader {
    ParsedAddress& out;
    AddressConfidence conf = AddressConfidence::High;
    std::string notes;
    bool haveBuilding = false, haveUnit = false, haveFloor = false, haveRoom = false;
    std::string flat; ///< a flat number given after an explicit floor ("5层01")

    void lower(AddressConfidence c, const std::string& why) {
        if (c < conf) conf = c;
        if (!notes.empty()) notes += "; ";
        notes += why;
    }
    void setBuilding(const Elem& e) {
        if (haveBuilding) {
            lower(AddressConfidence::Low, "two building numbers (" + out.building + " and " + e.id + ")");
            return;
        }
        out.building = e.id;
        haveBuilding = true;
    }
    void setUnit(const std::string& id) {
        if (haveUnit) {
            lower(AddressConfidence::Low, "two unit numbers");
            return;
        }
        // Digits are summed only for an id of at most 3 characters: a longer one is no unit
        // number, and its digits must not overflow `v` (fuzz finding: "2666666666666665").
        int v = 0;
        bool numeric = !id.empty() && id.size() <= 3;
        for (std::size_t i = 0; numeric && i < id.size(); ++i) {
            const char ch = id[i];
            if (ch < '0' || ch > '9')
                numeric = false;
            else
                v = v * 10 + (ch - '0');
        }
        if (!numeric || v == 0) {
            lower(AddressConfidence::Low, "unit '" + id + "' is not a unit number");
            return;
        }
        out.unit = v;
        haveUnit = true;
    }
    void setFloor(const std::string& id, bool negative) {
        if (haveFloor) {
            lower(AddressConfidence::Low, "two floors given");
            return;
        }
        std::string digits;
        bool basement = negative;
        for (char ch : id) {
            if (ch >= '0' && ch <= '9')
                digits += ch;
            else if (ch == 'B' && digits.empty())
                basement = true;
            else {
                lower(AddressConfidence::Low, "floor '" + id + "' is not a floor number");
                return;
            }
        }
        if (digits.empty() || digits.size() > 3) {
            lower(AddressConfidence::Low, "floor '" + id + "' is not a floor number");
            return;
        }
        const int v = std::stoi(digits);
        if (v == 0) {
            lower(AddressConfidence::Low, "floor 0 does not exist");
            return;
        }
        out.floor = basement ? -v : v;
        haveFloor = true;
    }
    void setRoom(const Elem& e) {
        if (haveRoom) {
            lower(AddressConfidence::Low, "two room numbers (" + out.room + " and " + e.id + ")");
            return;
        }
        if (haveFloor && !flat.empty()) return;
        if (haveFloor && e.digits > 0 && e.digits <= 2 && !e.leadingLetter) {
            flat = e.id; // "5层01": flat 01 on floor 5
            haveRoom = true;
            return;
        }
        out.room = e.id;
        haveRoom = true;
    }

    /// Floor and room made consistent: "5层01" -> room 501; "1203" -> floor 12; "010502" -> unit 1, floor 5.
    void finishRoom() {
        if (!flat.empty()) {
            int f = 0;
            for (char ch : flat) f = f * 10 + (ch - '0');
            const int fl = out.floor.value_or(0);
            const int absFloor = fl < 0 ? -fl : fl;
            out.room = (fl < 0 ? "B" : "") + std::to_string(absFloor * 100 + f);
            return;
        }
        if (out.room.empty()) return;
        std::string& r = out.room;
        std::size_t lead = 0;
        while (lead < r.size() && isUpper(static_cast<unsigned char>(r[lead]))) ++lead;
        std::size_t d = lead;
        while (d < r.size() && r[d] >= '0' && r[d] <= '9') ++d;
        const std::string prefix = r.substr(0, lead), suffix = r.substr(d);
        std::string digits = r.substr(lead, d - lead);
        if (digits.empty()) {
            lower(AddressConfidence::Low, "room '" + r + "' has no number");
            return;
        }
        if (digits.size() == 6 && !haveUnit && prefix.empty()) {
            // 房屋编码 UUFFRR: unit, floor, flat.
            setUnit(digits.substr(0, 2));
            const int f = std::stoi(digits.substr(2, 2)), k = std::stoi(digits.substr(4, 2));
            if (f == 0 || k == 0) {
                lower(AddressConfidence::Low, "room code " + digits + " has floor or flat 00");
                return;
            }
            lower(AddressConfidence::Medium, "6-digit room code " + digits + " read as unit-floor-flat");
            if (!haveFloor) {
                out.floor = f;
                haveFloor = true;
            } else if (*out.floor != f) {
                lower(AddressConfidence::Low, "floor " + std::to_string(*out.floor) + " but room code " + digits);
            }
            r = std::to_string(f * 100 + k);
            return;
        }
        if (digits.size() >= 5) {
            lower(AddressConfidence::Low, "room number " + r + " is too long to read a floor from");
            return;
        }
        while (digits.size() > 1 && digits.front() == '0') digits.erase(0, 1);
        const bool basement = prefix == "B" || prefix == "-";
        if (!prefix.empty() && prefix != "B") lower(AddressConfidence::Medium, "room " + r + " has a letter prefix");
        r = prefix + digits + suffix;
        if (digits.size() >= 3) {
            const int f = std::stoi(digits.substr(0, digits.size() - 2));
            const int roomFloor = basement ? -f : f;
            if (f == 0) {
                if (!haveFloor) lower(AddressConfidence::Low, "room " + r + " names no floor");
                return;
            }
            if (!haveFloor) {
                out.floor = roomFloor;
                haveFloor = true;
            } else if (*out.floor != roomFloor) {
                lower(AddressConfidence::Low, "floor " + std::to_string(*out.floor) + " does not match room " + r);
            }
        } else if (haveFloor) {
            const int fl = *out.floor;
            const int absFloor = fl < 0 ? -fl : fl;
            r = (fl < 0 ? "B" : "") + std::to_string(absFloor * 100 + std::stoi(digits)) + suffix;
        } else {
            lower(AddressConfidence::Low, "room " + r + " names no floor");
        }
    }
};

} // namespace

AddressLevel ParsedAddress::level() const {
    if (!room.empty()) return AddressLevel::Room;
    if (unit > 0) return AddressLevel::Unit;
    if (!building.empty()) return AddressLevel::Building;
    if (!community.empty() || !compound.empty()) return AddressLevel::Area;
    return AddressLevel::None;
}

const char* confidenceName(AddressConfidence c) {
    switch (c) {
    case AddressConfidence::None:
        return "None";
    case AddressConfidence::Low:
        return "Low";
    case AddressConfidence::Medium:
        return "Medium";
    case AddressConfidence::High:
        return "High";
    }
    return "?";
}

std::string normalizeAddressText(std::string_view text) {
    U32 s;
    normalize(text, s);
    return utf8Of(s);
}

ParsedAddress parseAddress(std::string_view text) {
    ParsedAddress out;
    if (text.size() > 1000) {
        out.reason = "longer than 1000 bytes: not an address";
        return out;
    }
    thread_local U32 s;
    normalize(text, s);
    if (s.empty()) {
        out.reason = "empty address";
        return out;
    }
    thread_local std::vector<Elem> elements;
    scan(s, elements);
    const std::vector<Elem>& el = elements;
    const std::size_t n = el.size();
    auto kindAt = [&](std::size_t k) { return k < n ? el[k].kind : Kind::Sep; };
    auto isEnd = [&](std::size_t k) {
        while (k < n && (el[k].kind == Kind::Sep)) ++k;
        return k >= n || el[k].kind == Kind::Open;
    };
    auto nextSolid = [&](std::size_t k) {
        while (k < n && el[k].kind == Kind::Sep) ++k;
        return k;
    };

    // 1. The anchor: the first element that starts the building/unit/floor/room part.
    std::size_t anchor = n;
    Reader rd{out};
    for (std::size_t k = 0; k < n && anchor == n; ++k) {
        const Elem& e = el[k];
        if (e.kind == Kind::Basement) {
            const std::size_t j = nextSolid(k + 1);
            if (j < n && el[j].kind == Kind::Id && (el[j].marker == Marker::Floor || el[j].marker == Marker::Lou)) anchor = k;
            continue;
        }
        if (e.kind == Kind::Dash && kindAt(k + 1) == Kind::Id && (el[k + 1].marker == Marker::Floor) &&
            (k == 0 || el[k - 1].kind != Kind::Id)) {
            anchor = k;
            continue;
        }
        if (e.kind != Kind::Id) continue;
        const char32_t before = k > 0 && el[k - 1].kind == Kind::Char ? el[k - 1].ch : 0;
        switch (e.marker) {
        case Marker::Building:
        case Marker::Hash:
        case Marker::Unit:
        case Marker::Floor:
        case Marker::Room:
            anchor = k;
            break;
        case Marker::Lou:
            anchor = k;
            break;
        case Marker::Hao: {
            // A door number after a street ("苏州街33号", "东土城路乙14号", "天府大道中段588号"), or
            // followed by more name text, is area.
            const std::size_t j = nextSolid(k + 1);
            const bool followedByStructure = j >= n || el[j].kind == Kind::Id || el[j].kind == Kind::Dash ||
                                             el[j].kind == Kind::Basement || el[j].kind == Kind::Open;
            bool afterRoad = isRoadChar(before);
            if (j >= n)
                for (std::size_t b = k; b > 0 && b + 4 > k && el[b - 1].kind == Kind::Char; --b)
                    afterRoad = afterRoad || (isRoadChar(el[b - 1].ch) && el[b - 1].ch != U'村');
            if (before == U'甲' || before == U'乙' || before == U'丙' || before == U'丁') afterRoad = true;
            if (!afterRoad && followedByStructure) anchor = k;
            break;
        }
        case Marker::None: {
            const std::size_t j = k + 1;
            if (j < n && el[j].kind == Kind::Dash && kindAt(j + 1) == Kind::Id)
                anchor = k;
            else if (isEnd(j))
                anchor = k; // a bare trailing number
            break;
        }
        default:
            break;
        }
    }
    // The area: everything before the anchor.
    const std::size_t areaEnd = anchor < n ? el[anchor].begin : s.size();
    U32 area = s.substr(0, areaEnd);
    while (!area.empty() && (area.back() == kSep || area.back() == '-')) area.pop_back();
    out.area = utf8Of(area);
    splitArea(area, out);
    if (anchor == n) {
        out.reason = "no building, unit or room number found";
        out.confidence = AddressConfidence::None;
        return out;
    }

    // 2. The structured part.
    std::string trailing, bracketed;
    int depth = 0;
    for (std::size_t k = anchor; k < n; ++k) {
        const Elem& e = el[k];
        switch (e.kind) {
        case Kind::Sep:
            continue;
        case Kind::Open:
            ++depth;
            continue;
        case Kind::Close:
            if (depth > 0) --depth;
            continue;
        case Kind::Char:
            appendUtf8(depth == 0 ? trailing : bracketed, e.ch);
            continue;
        case Kind::Slash:
            if (rd.haveRoom || rd.haveUnit || rd.haveBuilding) {
                rd.lower(AddressConfidence::Low, "several numbers separated by '/'");
                k = n;
            }
            continue;
        case Kind::Basement: {
            const std::size_t j = nextSolid(k + 1);
            if (j < n && el[j].kind == Kind::Id && (el[j].marker == Marker::Floor || el[j].marker == Marker::Lou)) {
                rd.setFloor(el[j].id, true);
                k = j;
            } else {
                rd.lower(AddressConfidence::Low, "'地下/负' without a floor number");
            }
            continue;
        }
        case Kind::Dash: {
            if (kindAt(k + 1) == Kind::Id && el[k + 1].marker == Marker::Floor) {
                rd.setFloor(el[k + 1].id, true);
                ++k;
            } else if (kindAt(k + 1) == Kind::Id && rd.haveFloor == false && (rd.haveUnit || rd.haveBuilding) && isEnd(k + 2) &&
                       el[k + 1].marker == Marker::None) {
                // "3栋2单元-101": a basement room
                Elem r = el[k + 1];
                r.id = "B" + r.id;
                r.leadingLetter = true;
                rd.setRoom(r);
                ++k;
            }
            continue;
        }
        case Kind::Id:
            break;
        }
        if (!trailing.empty()) {
            rd.lower(AddressConfidence::Low, "text '" + trailing + "' between the numbers");
            trailing.clear();
        }
        if (depth > 0) {
            bracketed += e.id;
            continue;
        }
        // A dashed group: 3-2-501, 2-501, 3-2-5-01.
        if (e.marker == Marker::None && kindAt(k + 1) == Kind::Dash && kindAt(k + 2) == Kind::Id) {
            std::vector<const Elem*> g{&e};
            std::size_t j = k + 1;
            while (j + 1 < n && el[j].kind == Kind::Dash && el[j + 1].kind == Kind::Id && g.back()->marker == Marker::None) {
                g.push_back(&el[j + 1]);
                j += 2;
            }
            k = j - 1;
            const Marker lastMarker = g.back()->marker;
            if (lastMarker != Marker::None && lastMarker != Marker::Room && lastMarker != Marker::Hao) {
                rd.lower(AddressConfidence::Low, "a dashed number ends in an unexpected marker");
                continue;
            }
            std::string shape;
            for (const Elem* x : g) shape += (shape.empty() ? "" : "-") + x->id;
            if (g.size() == 2 && g[0]->digits >= 3 && g[1]->digits >= 3 && !g[0]->leadingLetter) {
                rd.lower(AddressConfidence::Low, shape + " looks like a range of rooms");
                continue;
            }
            if (!rd.haveBuilding && !rd.haveUnit && !rd.haveFloor) {
                if (g.size() == 3) {
                    rd.setBuilding(*g[0]);
                    rd.setUnit(g[1]->id);
                    rd.setRoom(*g[2]);
                    rd.lower(AddressConfidence::Medium, shape + " read as building-unit-room");
                } else if (g.size() == 2) {
                    rd.setBuilding(*g[0]);
                    rd.setRoom(*g[1]);
                    rd.lower(AddressConfidence::Medium, shape + " read as building-room (no unit)");
                } else if (g.size() == 4) {
                    rd.setBuilding(*g[0]);
                    rd.setUnit(g[1]->id);
                    rd.setFloor(g[2]->id, false);
                    rd.setRoom(*g[3]);
                    rd.lower(AddressConfidence::Medium, shape + " read as building-unit-floor-flat");
                } else {
                    rd.lower(AddressConfidence::Low, "cannot read " + shape);
                }
            } else if (rd.haveBuilding && !rd.haveUnit && !rd.haveFloor) {
                if (g.size() == 2) {
                    rd.setUnit(g[0]->id);
                    rd.setRoom(*g[1]);
                    rd.lower(AddressConfidence::Medium, shape + " read as unit-room");
                } else if (g.size() == 3) {
                    rd.setUnit(g[0]->id);
                    rd.setFloor(g[1]->id, false);
                    rd.setRoom(*g[2]);
                    rd.lower(AddressConfidence::Medium, shape + " read as unit-floor-flat");
                } else {
                    rd.lower(AddressConfidence::Low, "cannot read " + shape);
                }
            } else if (rd.haveUnit && !rd.haveFloor && g.size() == 2) {
                rd.setFloor(g[0]->id, false);
                rd.setRoom(*g[1]);
                rd.lower(AddressConfidence::Medium, shape + " read as floor-flat");
            } else {
                rd.lower(AddressConfidence::Low, "cannot read " + shape);
            }
            continue;
        }
        switch (e.marker) {
        case Marker::Building:
        case Marker::Hash:
            if (e.leadingLetter && e.digits > 0 && e.id[0] == 'B' && rd.haveBuilding)
                rd.setFloor(e.id, true);
            else
                rd.setBuilding(e);
            break;
        case Marker::Hao:
            if (!rd.haveBuilding && !rd.haveUnit && !rd.haveFloor) {
                rd.setBuilding(e);
                rd.lower(AddressConfidence::Medium, e.id + "号 read as building " + e.id);
            } else {
                rd.setRoom(e);
            }
            break;
        case Marker::Lou:
            if (rd.haveBuilding || rd.haveUnit) {
                rd.setFloor(e.id, false);
            } else {
                // "3楼2单元501" (a building) or "大厦13楼" (a floor): decide by what follows.
                const std::size_t j = nextSolid(k + 1);
                const bool unitNext = j < n && el[j].kind == Kind::Id && el[j].marker == Marker::Unit;
                const bool dashNext = j + 2 < n && el[j].kind == Kind::Id && el[j + 1].kind == Kind::Dash;
                bool roomElsewhere = false;
                if (j < n && el[j].kind == Kind::Id && (el[j].marker == Marker::None || el[j].marker == Marker::Room) &&
                    el[j].digits >= 3 && !el[j].leadingLetter) {
                    const std::string& r = el[j].id;
                    roomElsewhere = r.substr(0, r.size() - 2) != e.id;
                }
                if (unitNext || dashNext || roomElsewhere) {
                    rd.setBuilding(e);
                    rd.lower(AddressConfidence::Medium, e.id + "楼 read as building " + e.id);
                } else if (isEnd(k + 1) || (j < n && el[j].kind == Kind::Id)) {
                    rd.setFloor(e.id, false);
                    rd.lower(AddressConfidence::Low, e.id + "楼 may be building " + e.id + " or floor " + e.id);
                } else {
                    rd.setFloor(e.id, false);
                }
            }
            break;
        case Marker::Unit:
            rd.setUnit(e.id);
            break;
        case Marker::Floor:
            if (e.leadingLetter && e.id[0] == 'B')
                rd.setFloor(e.id, true);
            else
                rd.setFloor(e.id, false);
            break;
        case Marker::Room:
            rd.setRoom(e);
            break;
        case Marker::Lane:
        case Marker::Phase:
            rd.lower(AddressConfidence::Low, "'" + utf8Of(s.data() + e.begin, s.data() + e.end) + "' after the building number");
            break;
        case Marker::None:
            if (e.leadingLetter && e.id[0] == 'B' && e.digits > 0 && e.digits <= 2 && !rd.haveFloor &&
                (rd.haveUnit || rd.haveBuilding) && isEnd(k + 1)) {
                rd.setFloor(e.id, true); // "3栋2单元B1": basement floor 1
                rd.lower(AddressConfidence::Medium, e.id + " read as basement floor");
            } else if (rd.haveBuilding || rd.haveUnit || rd.haveFloor) {
                rd.setRoom(e);
            } else {
                rd.lower(AddressConfidence::Low, "a bare number " + e.id + ": building or room?");
            }
            break;
        }
    }
    if (!trailing.empty()) rd.lower(AddressConfidence::Medium, "ignored text after the address: '" + trailing + "'");
    if (!bracketed.empty()) rd.lower(AddressConfidence::Medium, "ignored the note in brackets: '" + bracketed + "'");
    rd.finishRoom();
    if (!rd.haveBuilding) {
        if (rd.conf > AddressConfidence::Low) rd.conf = AddressConfidence::None;
        if (rd.notes.empty())
            rd.notes = "no building number";
        else
            rd.notes = "no building number; " + rd.notes;
    }
    out.confidence = rd.conf;
    out.reason = rd.notes;
    return out;
}

std::string buildingKey(std::string_view number) {
    const ParsedAddress p = parseAddress(std::string(number));
    if (!p.building.empty() && p.unit == 0 && p.room.empty()) return p.building;
    // A bare number or letter-number ("3", "12A", "三"): the key itself.
    U32 s;
    normalize(number, s);
    std::string out;
    for (char32_t c : s) {
        if (isDigit(c) || isUpper(c))
            out += static_cast<char>(c);
        else if (isChineseNumeral(c)) {
            U32 all;
            for (char32_t x : s)
                if (isChineseNumeral(x)) all += x;
            return all.size() == s.size() ? chineseToDigits(all.data(), all.data() + all.size()) : std::string();
        } else
            return {};
    }
    return out;
}

} // namespace gridatlas::model
