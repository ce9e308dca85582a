#pragma once
// Bulk delete: the rows of one layer that a filter (model/filter.h: parsed and evaluated in C++,
// never SQL text) selects, deleted in one transaction after an automatic backup, with what hangs
// on them by the schema's cascades (a building's units, households and residents) counted and
// reported. Every deleted row is in the audit log.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/support/feedback.h"

namespace gridatlas::storage {

class Atlas;

struct BulkDeleteResult {
    std::string layer;
    std::string filter;
    std::vector<std::int64_t> ids;                            ///< the rows selected, ascending
    std::vector<std::pair<std::string, std::int64_t>> cascaded; ///< dependents that went with them
    std::string backupPath; ///< the automatic backup made first ("" for a dry run or nothing to delete)
    bool dryRun = false;
    bool written = false;
    /// "deleted 3 buildings (ids 4, 9, 12) with 6 units, 40 households, 95 residents"
    [[nodiscard]] std::string summary() const;
};

/// Deletes the rows of `layer` (communities, grids, buildings, units, households, service_posts,
/// streets) for which `filter` is true. An empty filter is refused (delete everything with an
/// explicit filter such as "id > 0"). A dry run deletes in a transaction that is rolled back, so
/// its counts are exact. Throws InputError for an unknown layer, a bad filter, or a row other rows
/// still need (e.g. a community that buildings belong to; nothing is deleted then);
/// CancelledError when cancelled (nothing deleted).
BulkDeleteResult deleteWhere(Atlas& atlas, const std::string& layer, const std::string& filter, bool dryRun,
                             Feedback* feedback = nullptr);

} // namespace gridatlas::storage
