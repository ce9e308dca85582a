#pragma once
// The audit log (audit_log, schema v6): who changed what in the atlas, and when.
//
// Every writable GridAtlas connection gets TEMP triggers (installAudit) on the data tables that
// append one row per inserted or deleted row and one row per changed field of an updated row.
// TEMP triggers live only in our connection, so the file itself carries no trigger that calls our
// SQL functions: QGIS, ogr2ogr or the sqlite3 shell still edit it (their edits are not logged).
// Sensitive values (names and phones of residents and staff, ID numbers, disability and hardship
// flags) are stored masked through model/masking.h; geometries as "(geometry, N bytes)".
//
// Bulk imports switch the per-row insert records off (AuditBulkScope) and log one summary row per
// import instead: a 1M-row roster would otherwise write a million audit rows. Updates and deletes
// are still logged per row and field during imports.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridatlas::storage {

class Connection;

struct AuditEntry {
    std::int64_t id = 0;
    std::string at; ///< UTC, ISO 8601 ("2026-11-23T16:20:01.123Z")
    std::string actor;
    std::string action; ///< insert | update | delete | import | restore | ...
    std::string table;
    std::optional<std::int64_t> rowId;
    std::string field;
    std::optional<std::string> oldValue;
    std::optional<std::string> newValue;
};

/// Tables whose changes the triggers record.
const std::vector<std::string>& auditedTables();

/// The name recorded as actor: GRIDATLAS_USER when set, else the OS login name.
std::string auditActor();

/// `text` as the audit log stores it for `table`.`field` (masked when sensitive).
std::string auditValue(std::string_view table, std::string_view field, std::string_view text);

/// Installs the audit functions and TEMP triggers on a writable connection to an atlas that has
/// audit_log (a no-op otherwise). Call again after a schema change (refreshes the triggers).
void installAudit(Connection& conn);
/// Drops this connection's audit triggers (e.g. before ALTER TABLE on an audited table).
void removeAudit(Connection& conn);

/// Appends one record in the caller's transaction (e.g. an import's summary). Values are masked
/// by `table`/`field` like the triggers' values.
void logAudit(Connection& conn, std::string_view action, std::string_view table, std::optional<std::int64_t> rowId = {},
              std::string_view field = {}, std::optional<std::string> oldValue = {},
              std::optional<std::string> newValue = {});

/// The newest `limit` records (newest first), of one table when `table` is non-empty.
std::vector<AuditEntry> readAudit(Connection& conn, const std::string& table = {}, int limit = 50);

/// Switches per-row records off for its lifetime, restoring the setting after: the inserts of a
/// bulk import, or every row of a whole-table rewrite (`everyRow`, e.g. re-encryption). The caller
/// logs a summary record instead.
class AuditBulkScope {
public:
    explicit AuditBulkScope(Connection& conn, bool everyRow = false);
    AuditBulkScope(const AuditBulkScope&) = delete;
    AuditBulkScope& operator=(const AuditBulkScope&) = delete;
    AuditBulkScope(AuditBulkScope&&) = delete;
    AuditBulkScope& operator=(AuditBulkScope&&) = delete;
    ~AuditBulkScope();

private:
    Connection& m_conn;
    int m_was;
};

} // namespace gridatlas::storage
