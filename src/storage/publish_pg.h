#pragma once
// Moving one community between a SpatiaLite atlas and the shared PostGIS atlas (docs/postgis.md):
// publish copies its rows up, keeping their ids, in one transaction (a re-publish replaces them);
// checkout copies them down into a new, ordinary SpatiaLite atlas that records where it came
// from and at which row versions.
#include <cstdint>
#include <string>
#include <vector>

#include "model/support/feedback.h"

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

/// Tables a community's rows live in, parents first (publish/checkout order).
[[nodiscard]] std::vector<std::string> communityTables();

} // namespace gridatlas::storage
