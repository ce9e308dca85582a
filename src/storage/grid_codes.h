#pragma once
// Recoding a community's grids after CJ/T 349-2010 (model/grid_code.h): 20-digit codes built from
// the management object code the user chooses, the community's 12-digit code and a sequence
// numbered left to right, top to bottom. The new codes are computed first (a preview) and applied
// in one transaction.
#include <cstdint>
#include <string>
#include <vector>

namespace gridatlas::storage {

class Atlas;

struct GridRecode {
    std::int64_t gridId = 0;
    std::string name;
    std::string oldCode;
    std::string newCode;
};

/// The CJ/T 349-2010 codes the grids of `community` (name or code) would get, in reading order.
/// Throws InputError when the community's code is not 12 digits, the object code not 6 digits, or
/// the community has more than 99 grids.
std::vector<GridRecode> planCjt349Codes(Atlas& atlas, const std::string& community, const std::string& objectCode);

/// Gives the grids their new codes in one transaction (codes may be swapped among the grids).
/// Throws InputError, changing nothing, when a new code is taken by a grid not being recoded.
void applyGridCodes(Atlas& atlas, const std::vector<GridRecode>& recodes);

} // namespace gridatlas::storage
