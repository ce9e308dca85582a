#pragma once
// Grid codes after CJ/T 349-2010 (数字社区管理与服务 网格划分与编码规则): 20 digits,
//   1-6   management or service object (管理或服务对象代码, CJ/T 348-2010; a main class ends in 00)
//   7-12  county-level or higher administrative division (县级及以上行政区划代码, GB/T 2260)
//   13-15 street office or township (街道(乡镇)代码, GB/T 10114)
//   16-18 community (社区代码, after CJ/T 213; 601 upwards for a grid made of merged communities)
//   19-20 grid sequence within the community (专业网格顺序码), numbered left to right, top to
//         bottom; 00 when the community is not divided.
// The atlas's community codes are the 12 digits of positions 7-18 (e.g. 150781001001).
// Whether grids follow the standard is the user's choice; other codes stay valid.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::model {

struct Cjt349Code {
    std::string object;    ///< 6 digits
    std::string county;    ///< 6 digits
    std::string street;    ///< 3 digits
    std::string community; ///< 3 digits
    int sequence = 0;      ///< 0-99
    [[nodiscard]] std::string text() const;
    /// The community part as the atlas stores community codes (positions 7-18).
    [[nodiscard]] std::string communityCode() const { return county + street + community; }
};

/// Parses a 20-digit code; nullopt with `why` set when it is not one.
std::optional<Cjt349Code> parseCjt349(std::string_view code, std::string* why = nullptr);

/// The code of grid `sequence` (1-99; 0 = undivided community) of a community whose atlas code is
/// 12 digits, for management object `object` (6 digits). Throws InputError naming the bad part.
std::string makeCjt349(std::string_view object, std::string_view communityCode, int sequence);

/// Reading order (从左到右、从上到下) of areas given by their interior points: rows from the top,
/// each row left to right. Points whose y differ by less than `rowHeight` share a row (a row
/// starts at its topmost point). Returns indices into `points`.
std::vector<std::size_t> readingOrder(const std::vector<Vec2>& points, double rowHeight);

} // namespace gridatlas::model
