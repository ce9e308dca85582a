#pragma once
// Roster import: residents from a community roster (CSV or XLSX, see roster_table.h) placed in
// the atlas's buildings, units and households.
//
// - Addresses are parsed (model/address.h) and matched to existing communities, compounds,
//   buildings and units; households are matched by unit + room and created where the building
//   and unit exist (floor from the room number when not given).
// - Residents are matched by ID number, else by name within the household. Empty cells never
//   clear stored values. A re-import of the same roster changes nothing.
// - One transaction: without `partial`, any rejected row means nothing is written; with it the
//   valid rows land. `dryRun` does all the work and rolls back. The run is recorded in `imports`.
// - ID numbers are validated (model/id_number.h); birth year and gender come from them when the
//   roster lacks them, and a conflict between the two is a reject, not a choice.
//
// Built for 1M-row rosters: the atlas's buildings, units and households are loaded into hash maps
// once, rows are parsed on worker threads, and writes go through prepared statements in one
// transaction.
#include <cstdint>
#include <string>
#include <vector>

#include "io/roster_mapping.h"
#include "io/roster_table.h"

namespace gridatlas {
class Feedback;
}
namespace gridatlas::storage {
class Atlas;
}

namespace gridatlas::io {

struct RosterImportOptions {
    bool dryRun = false;
    bool partial = false;
    int currentYear = 0; ///< bounds birth dates; 0 = the current year
    std::string user;    ///< recorded in imports.user
    int threads = 0;     ///< parsing threads; 0 = up to the hardware's, at most 4
};

struct RosterReject {
    int row = 0;         ///< row number as in Excel
    std::string address; ///< the address as the roster wrote it (composed from its columns)
    std::string reason;  ///< ID numbers in it are masked
};

struct RosterImportResult {
    std::size_t rows = 0;
    std::size_t added = 0, updated = 0, unchanged = 0, rejected = 0;
    std::size_t householdsCreated = 0, householdsUpdated = 0;
    std::vector<RosterReject> rejects; ///< in row order
    bool written = false;              ///< the transaction committed
    bool dryRun = false;
    std::int64_t importId = 0; ///< imports.id when written
    /// "1000 rows: 990 added, 5 updated, 3 unchanged, 2 rejected; 12 households created" plus why
    /// nothing was written when that is the case.
    [[nodiscard]] std::string summary() const;
};

/// Imports `table` with `mapping` into `atlas`. Throws InputError when the mapping is unusable,
/// CancelledError when cancelled (nothing written), StorageError when the atlas fails.
RosterImportResult importRoster(storage::Atlas& atlas, const RosterTable& table, const ColumnMapping& mapping,
                                const RosterImportOptions& options, Feedback* feedback = nullptr);

/// Reads the roster at `path` (on a worker thread, while the atlas is being indexed), detects the
/// column mapping (with `mappingFile` when given) and imports it. The table and mapping used are
/// handed back through `tableOut` / `mappingOut` when given (for the report).
RosterImportResult importRosterFile(storage::Atlas& atlas, const std::string& path, const std::string& sheet,
                                    const MappingFile* mappingFile, const RosterImportOptions& options,
                                    Feedback* feedback = nullptr, RosterTable* tableOut = nullptr,
                                    ColumnMapping* mappingOut = nullptr);

/// Reads the roster at `path` with the header search that `mapping` (may be null) allows.
RosterTable readRoster(const std::string& path, const std::string& sheet, const MappingFile* mapping,
                       Feedback* feedback = nullptr);

/// Writes the rejects as CSV (UTF-8 with BOM so Excel opens it; columns 行号, 住址, 原因) through a
/// temp file and rename. Throws Error when the file cannot be written.
void writeRejects(const std::string& path, const RosterImportResult& result);

} // namespace gridatlas::io
