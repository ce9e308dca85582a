#pragma once
// The viewer's search box: building numbers ("3栋", "3号楼"), addresses, residents' names,
// post names, grid codes and names. The text only ever reaches SQL as a bound parameter.
#include <cstdint>
#include <string>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::storage {

class Atlas;

struct SearchHit {
    std::string layer; ///< buildings | households | service_posts | grids | communities
    std::int64_t id = 0;
    std::string title;  ///< what the list shows (resident names are the caller's to mask)
    std::string detail; ///< where it is
    bool titleIsPersonName = false;
    model::Rect bounds;
};

/// Up to `limit` hits, exact matches first, then by layer and id.
std::vector<SearchHit> search(Atlas& atlas, const std::string& text, int limit = 50);

/// "3号楼", "3幢", "3#", "三栋", "3" -> "3栋" (the form buildings.number uses); "" when `text`
/// does not look like a building number.
std::string normaliseBuildingNumber(const std::string& text);

} // namespace gridatlas::storage
