#pragma once
// One atlas, two engines: the engine-specific parts of the core in one place (docs/postgis.md).
//
// An atlas location selects the engine: a file path is a SpatiaLite atlas; `postgresql://...`,
// `postgres://...`, `pg:service=NAME` and `PG:<libpq conninfo>` are a PostGIS atlas. Connection,
// Statement and Transaction (connection.h) run on either; the few SQL differences are the dialect
// functions below, which callers use instead of writing engine-specific SQL.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::storage {

class Connection;

enum class Engine { SQLite, PostgreSQL };

/// True when `location` names a PostgreSQL/PostGIS database rather than a file.
[[nodiscard]] bool isPostgresLocation(std::string_view location);
[[nodiscard]] inline Engine engineOf(std::string_view location) {
    return isPostgresLocation(location) ? Engine::PostgreSQL : Engine::SQLite;
}
/// The libpq connection string of a PostgreSQL location: URLs as they are, `pg:service=NAME`
/// and `PG:host=... dbname=...` without their prefix. Throws InputError for an empty one.
[[nodiscard]] std::string pgConninfo(std::string_view location);
/// The location with any password replaced by "***", for messages, logs and atlas_meta.
[[nodiscard]] std::string redactLocation(std::string_view location);
/// Any text (an error message) with the password of every connection string in it replaced by
/// "***": URLs (`scheme://user:password@...`, `?password=`) and `password=` keywords. The CLI
/// passes every message it prints through this, whatever path a location took to reach it.
[[nodiscard]] std::string redactPasswordsIn(std::string_view text);

// --- Geometry across the seam ---------------------------------------------------------------
// SQLite stores SpatiaLite BLOBs (decoded in C++ by spatialite_blob.h); PostGIS exchanges ISO WKB
// (ST_AsBinary when reading, ST_GeomFromWKB when writing). Code selects `geomSelect(conn, "geom")`,
// decodes with `decodeGeometry(conn, bytes, out)`, writes with `geomParam(conn, srid)` bound to
// `encodeGeometry(conn, geometry, srid)`.

/// The select-list expression that yields a geometry column in the engine's exchange format.
[[nodiscard]] std::string geomSelect(const Connection& conn, std::string_view column);
/// The placeholder expression for a geometry parameter in `srid` (SpatiaLite: `?`).
[[nodiscard]] std::string geomParam(const Connection& conn, int srid);
/// Encodes a geometry for geomParam(); an empty geometry should be bound as NULL.
[[nodiscard]] std::string encodeGeometry(const Connection& conn, const model::Geometry& g, int srid);
/// Decodes a value selected through geomSelect().
void decodeGeometry(const Connection& conn, std::string_view bytes, model::Geometry& out);

/// A WHERE condition keeping the rows of `table` (alias or name) whose geometry's bounding box
/// meets the rectangle bound to four parameters in the order xmin, ymin, xmax, ymax starting at
/// `firstParam` (?N numbering). SpatiaLite reads its R*Tree idx_<table>_geom, PostGIS uses && on
/// the GiST index. `base` is the base table whose index is used (a view's rows share its ids).
/// Whether the connection's role may read `table`.`column` (always on SQLite; on PostgreSQL the
/// column privileges of access control, access_pg.h: phones and ID numbers need the key).
[[nodiscard]] bool canReadColumn(Connection& conn, std::string_view table, std::string_view column);
/// `qualifier.column` when readable, else `NULL` (so a query selecting it still runs and the
/// value shows as absent, i.e. masked, for a role without the key).
[[nodiscard]] std::string columnOrNull(Connection& conn, std::string_view table, std::string_view column,
                                       std::string_view qualifier = {});

[[nodiscard]] std::string bboxFilter(const Connection& conn, std::string_view idColumn, std::string_view base,
                                     std::string_view geomColumn, int firstParam);
/// The placeholder for an id parameter ?N of `table` that takes the next id when bound NULL:
/// `?N` on SQLite (INTEGER PRIMARY KEY); on PostgreSQL the identity sequence's next value, and an
/// explicit id moves the sequence past it (gridatlas_claim_id), so later rows never collide.
[[nodiscard]] std::string idParam(const Connection& conn, std::string_view table, int n);
/// A point geometry built in SQL from parameters ?x, ?y and ?srid (numbers): SpatiaLite's
/// MakePoint(x, y, srid), PostGIS's ST_SetSRID(ST_MakePoint(x, y), srid).
[[nodiscard]] std::string pointSql(const Connection& conn, int xParam, int yParam, int sridParam);
/// The bounding box of a value selected through geomSelect() (SpatiaLite: read from the BLOB's
/// header without decoding it).
[[nodiscard]] model::Rect geometryBounds(const Connection& conn, std::string_view bytes);
/// The columns of a table or view in order, with their declared type in upper case (SQLite:
/// pragma_table_info, "" for a view's expressions; PostgreSQL: information_schema's data_type,
/// e.g. BIGINT, DOUBLE PRECISION, TEXT, USER-DEFINED for geometry; only the columns the role may
/// read, access_pg.h).
[[nodiscard]] std::vector<std::pair<std::string, std::string>> relationColumns(Connection& conn, std::string_view relation);
/// The current time as ISO-8601 text (`datetime('now')` / `to_char(now() ...)`).
[[nodiscard]] std::string nowText(const Connection& conn);
/// `INSERT OR REPLACE` of SQLite, for a table whose conflict target is `keyColumns` (comma list):
/// returns the full statement for `columns` with ?1.. placeholders.
[[nodiscard]] std::string upsertSql(const Connection& conn, std::string_view table, std::string_view columns,
                                    std::string_view keyColumns);

// --- ISO WKB (little-endian, XY) -------------------------------------------------------------
/// Encodes an XY geometry as ISO WKB (little-endian).
[[nodiscard]] std::string encodeWkb(const model::Geometry& g);
/// Decodes WKB or EWKB (either byte order; Z/M dropped, an EWKB SRID skipped). Throws StorageError
/// on a malformed value.
void decodeWkb(std::string_view wkb, model::Geometry& out);

} // namespace gridatlas::storage
