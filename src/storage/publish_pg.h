#pragma once
// Moving one community between a SpatiaLite atlas and the shared PostGIS atlas (docs/postgis.md):
// publish copies its rows up, keeping their ids, in one transaction (a re-publish replaces them);
// checkout copies them down into a new, ordinary SpatiaLite atlas that records where it came
// from and at which row versions.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/support/feedback.h"

namespace gridatlas::storage {
class Connection;
}

namespace gridatlas::storage {

struct TableCount {
    std::string table;
    std::int64_t rows = 0;
};

struct TransferSummary {
    std::string community;     // its name
    std::int64_t communityId = 0;
    bool createdAtlas = false; // publish: the database held no atlas and got the schema first
    std::int64_t replacedRows = 0; // publish: rows of an earlier publish removed first
    std::vector<TableCount> tables;
    [[nodiscard]] std::int64_t totalRows() const;
    [[nodiscard]] std::string report() const;
};

/// Copies community `community` (its name or code) from the SpatiaLite atlas `atlasPath` to the
/// PostGIS database `target`, creating the atlas schema there when the database has none.
/// Throws InputError for an unknown community or a CRS that differs from the server atlas's,
/// ConstraintError naming the table and row when an id belongs to another community there.
TransferSummary publishCommunity(const std::string& atlasPath, const std::string& target, const std::string& community,
                                 Feedback* feedback = nullptr);

/// Copies community `community` from the PostGIS atlas `source` into a new SpatiaLite atlas
/// `outPath` (which must not exist), with the streets within 2 km of it, every post type, and
/// where it came from: atlas_meta checkout_* keys and the table checkout_rows (table_name,
/// row_id, version), each row's PostgreSQL row version (xmin) at checkout time.
TransferSummary checkoutCommunity(const std::string& source, const std::string& community, const std::string& outPath,
                                  Feedback* feedback = nullptr);

struct RowRef {
    std::string table;
    std::int64_t id = 0;
    friend bool operator==(const RowRef&, const RowRef&) = default;
};
/// The rows of a checked-out atlas added, changed and deleted since its checkout (compared with
/// the content hash checkout_rows.hash recorded then); the first step of a checkin.
struct LocalChanges {
    std::vector<RowRef> added, changed, deleted;
};
LocalChanges localChanges(const std::string& localPath);

/// A row changed on both sides since checkout (or changed on one side and deleted on the other):
/// not checked in, reported with the fields where the local and the server row differ.
struct CheckinConflict {
    enum class Kind { ChangedOnBothSides, DeletedOnServer, DeletedHereChangedOnServer };
    RowRef row;
    Kind kind = Kind::ChangedOnBothSides;
    std::int64_t checkoutVersion = 0;
    std::int64_t serverVersion = 0; ///< 0 when deleted on the server
    struct Field {
        std::string column;
        std::optional<std::string> local, server; ///< as shown: masked unless revealed; NULL = nullopt
    };
    std::vector<Field> fields;
};

struct CheckinSummary {
    std::string server; ///< where it went, without password
    bool dryRun = false;
    std::int64_t added = 0, changed = 0, deleted = 0;
    /// Rows added here and given new ids on the server (local id -> server id), also in the local atlas now.
    std::vector<std::pair<RowRef, std::int64_t>> newIds;
    std::vector<CheckinConflict> conflicts;
    [[nodiscard]] std::string report() const;
};

/// Merges the local changes of a checked-out atlas (localChanges()) into the PostGIS atlas it came
/// from (`target`, or atlas_meta.checkout_from when empty, since that one has no password), in
/// one server transaction: rows added here are inserted with new server ids (references among
/// them follow), rows changed here whose server version is still the checkout version get the
/// fields that differ, rows deleted here are deleted (children first). A row changed on both sides
/// since checkout, changed here but deleted there, or deleted here but changed there is a
/// conflict: not written, reported. Afterwards the local atlas records the new server versions
/// (a second checkin is a no-op) and carries the server ids of its added rows. `dryRun` rolls
/// the server transaction back and leaves the local atlas alone. Values in the report are masked
/// unless `reveal`.
CheckinSummary checkinCommunity(const std::string& localPath, const std::string& target, bool dryRun, bool reveal,
                                Feedback* feedback = nullptr);

/// Tables a community's rows live in, parents first (publish/checkout order).
[[nodiscard]] std::vector<std::string> communityTables();

/// Streams every row of `table` from the SpatiaLite connection `sqlite` into the same table of
/// the PostGIS connection `pg` with COPY (ids kept; the caller holds the transaction and moves
/// the identity sequences on). Used by `demo --out postgresql://...` (storage/demo_pg.cpp).
std::int64_t copyWholeTable(Connection& sqlite, Connection& pg, const std::string& table, Feedback* feedback = nullptr);

} // namespace gridatlas::storage
