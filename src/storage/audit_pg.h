#pragma once
// The audit log on a PostGIS atlas: server triggers (PL/pgSQL) that append the same audit_log
// rows as the SQLite TEMP triggers of audit.cpp (one per inserted/deleted row, one per changed
// field), masked by the SQL twin of model/masking.h (gridatlas_audit_mask). The actor is the
// session's gridatlas.actor setting (set by Atlas::open), else session_user. Bulk imports set
// gridatlas.audit_rows ('noinserts' | 'none') through AuditBulkScope.
// Difference from SQLite: a geometry is logged as "(geometry, N bytes)" of its EWKB, whose size
// differs from the SpatiaLite blob's.
namespace gridatlas::storage {

class Connection;

/// Creates (or replaces) the masking and trigger functions and the triggers on every audited
/// table that exists. Needs the atlas owner (run by createSchemaPg / migrateSchemaPg).
void installAuditPg(Connection& conn);

} // namespace gridatlas::storage
