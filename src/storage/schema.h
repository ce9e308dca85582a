#pragma once
// The atlas schema: tables, geometry columns, constraints, views and migrations.
#include <string>
#include <string_view>

namespace gridatlas::storage {

class Connection;

/// sqlite application_id of an atlas ('GRDA'); a GeoPackage carries 'GPKG'.
inline constexpr int kAtlasApplicationId = 0x47524441;
/// The schema version this build writes and reads. Older atlases are migrated on open.
inline constexpr int kSchemaVersion = 8;

/// Creates the whole schema on an empty SpatiaLite-enabled connection, in the given CRS.
void createSchema(Connection& conn, int srid);
/// Brings an atlas from `fromVersion` to kSchemaVersion, one migration per step, in one transaction.
void migrateSchema(Connection& conn, int fromVersion);

/// The SQL of the migration step that brings an atlas to `version` (2..kSchemaVersion); empty
/// for others. Tests read it to fake older atlases.
std::string_view migrationSql(int version);

/// The human wording of a named rule (CHECK constraint or trigger message), for error reports.
std::string describeRule(std::string_view rawMessage);

} // namespace gridatlas::storage
