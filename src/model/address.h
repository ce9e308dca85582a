#pragma once
// The Chinese address parser for what community rosters really hold:
//     湖西社区3栋2单元501室      3号楼2单元5层01      3幢2单元502      3-2-501      三栋二单元五〇一
//     阳光小区 A座 1203          湖西社区居委会12#楼3门602    3栋2单元B1     徐汇区虹漕路461号58号楼5楼
// It splits off the area in front (administrative names, street and door number, community,
// compound) and reads building, unit, floor and room. It never guesses silently: every reading
// that rests on a convention (the dashed form, "号" or "楼" for a building, a 6-digit room code)
// lowers the confidence and says so in `reason`; an ambiguous or unreadable address gets
// Low/None and a reason, and importers reject those.
//
// The scanner is a single left-to-right pass over code points with no regular expressions and
// no backtracking, so a 1M-row roster parses in well under a second.
#include <optional>
#include <string>
#include <string_view>

namespace gridatlas::model {

enum class AddressConfidence {
    None,   ///< no building could be read
    Low,    ///< a reading exists but is ambiguous: do not use it without a person checking
    Medium, ///< read by a common convention (stated in reason)
    High,   ///< every part carries its own marker (栋, 单元, 层, 室...)
};

/// How deep the address goes.
enum class AddressLevel { None, Area, Building, Unit, Room };

struct ParsedAddress {
    std::string community;    ///< "湖西社区" (with its suffix as written: 社区 or 居委会)
    std::string compound;     ///< "阳光小区", "阳光小区二期"; empty when none
    std::string area;         ///< everything in front of the building, normalised (for lookups)
    std::string building;     ///< building key: "3", "12A", "B", "C6" (see buildingKey)
    int unit = 0;             ///< 0 = not given
    std::optional<int> floor; ///< negative below ground; from the room number when not given
    std::string room;         ///< "501", "1203", "B101", "510A"
    AddressConfidence confidence = AddressConfidence::None;
    std::string reason; ///< why the confidence is not High, or why nothing was read; may note extras

    [[nodiscard]] AddressLevel level() const;
    [[nodiscard]] bool usable() const { return confidence >= AddressConfidence::Medium; }
};

/// Parses one address (UTF-8). Never throws on any input.
ParsedAddress parseAddress(std::string_view text);

/// The key of a building number as the atlas stores it: "3栋" -> "3", "3号楼" -> "3", "十二幢" -> "12",
/// "A座" -> "A", "12#" -> "12", "3号" -> "3". Empty when the text holds no building number.
std::string buildingKey(std::string_view number);

/// Full-width ASCII folded to ASCII, ideographic and repeated spaces dropped, dashes unified,
/// letters upper-cased (UTF-8 in, UTF-8 out).
std::string normalizeAddressText(std::string_view text);

/// "High", "Medium", "Low", "None".
const char* confidenceName(AddressConfidence c);

} // namespace gridatlas::model
