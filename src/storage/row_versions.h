#pragma once
// Optimistic concurrency (schema version 8, issue 10): every editable row carries row_version,
// which the database bumps on each update. An edit states the version it was based on; when the
// row has moved on since (someone else's edit committed first) or is gone, the edit is refused
// with a StaleEditError that shows the other change, and nothing is written. Two editors can
// never silently overwrite each other, on SpatiaLite (one writer at a time) or on PostgreSQL
// (READ COMMITTED: the second UPDATE waits for the first's row lock, then re-checks the version).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/feature.h"
#include "model/support/error.h"

namespace gridatlas::storage {

class Connection;

/// Tables whose rows carry row_version.
const std::vector<std::string>& versionedTables();

struct ColumnValue {
    std::string column;
    model::Value value;
};

/// One field of a refused edit: what the editor saw, what it wanted, what the row holds now.
/// Values are as the audit log shows them (sensitive ones masked).
struct FieldConflict {
    std::string column;
    std::optional<std::string> base;   ///< nullopt: unknown (the editor gave no base) or NULL
    std::optional<std::string> mine;
    std::optional<std::string> theirs; ///< the row's current value
    bool changed = true;               ///< theirs differs from base (false when base is unknown)
};

struct StaleEdit {
    std::string table;
    std::int64_t id = 0;
    std::int64_t baseVersion = 0;
    std::int64_t currentVersion = 0; ///< 0: the row was deleted
    std::vector<FieldConflict> fields;
    std::string actor; ///< who made the other change, when the audit log knows
    std::string at;    ///< when
};

/// An edit based on a stale row version. what() reads like
///   "households 42 was changed by 张三 at 2026-11-23T10:00:01Z after you read it (version 3, now 4):
///    vacant: you saw 0, you set 1, it is now 1; your edit was not saved"
class StaleEditError : public ConstraintError {
public:
    explicit StaleEditError(StaleEdit edit);
    [[nodiscard]] const StaleEdit& edit() const { return m_edit; }

private:
    StaleEdit m_edit;
};

/// The current version of a row, or nullopt when it does not exist.
std::optional<std::int64_t> rowVersion(Connection& conn, std::string_view table, std::int64_t id);

/// Writes `values` into row `id` of `table` if its version is still `expectedVersion`, in one
/// statement (UPDATE ... WHERE id = ? AND row_version = ?), and returns the row's new version.
/// Throws StaleEditError (nothing written) when the row moved on or is gone; `base`, the values
/// the editor saw for (some of) those columns, makes the message show what changed under it.
/// Table and column names must be known columns (InputError otherwise; never SQL text).
std::int64_t updateRow(Connection& conn, std::string_view table, std::int64_t id, std::int64_t expectedVersion,
                       const std::vector<ColumnValue>& values, const std::vector<ColumnValue>& base = {});

/// Deletes row `id` if its version is still `expectedVersion`; StaleEditError otherwise.
void deleteRow(Connection& conn, std::string_view table, std::int64_t id, std::int64_t expectedVersion);

} // namespace gridatlas::storage
