#pragma once
// The atlas schema on PostgreSQL/PostGIS (docs/postgis.md): the same tables, columns, rules and
// views as schema.cpp's SpatiaLite schema, and the same schema_version bookkeeping in atlas_meta.
// createSchema()/migrateSchema() (schema.h) call these for a PostgreSQL connection.

namespace gridatlas::storage {

class Connection;

/// The first schema version a PostGIS atlas can have (the version current when PostGIS came).
inline constexpr int kPgBaseVersion = 6;

/// Creates the whole schema (and the postgis extension when missing) in an empty database.
void createSchemaPg(Connection& conn, int srid);
/// Brings a PostGIS atlas from `fromVersion` to kSchemaVersion in one transaction.
void migrateSchemaPg(Connection& conn, int fromVersion);

} // namespace gridatlas::storage
