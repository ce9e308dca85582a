#pragma once
// A compact copy of what whole-district analyses read from every household: id, point, unit and
// the household flags, packed into one blob per block of 4,096 household ids (table
// household_points, schema version 4). Reading 1M households this way is a few hundred blob reads
// instead of a million SQLite row steps (coverage reads the L atlas in tens of milliseconds).
//
// Consistency: triggers on households delete the block of every household inserted, deleted or
// changed (id, unit, point or flags) in the same transaction, so a block that exists always
// equals its households in any snapshot; a missing block is read from households instead.
// Write paths that touch many households call refreshHouseholdPoints() before they commit.
// Format: docs/coverage.md ("household_points").
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/geometry.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class Connection;

/// Household ids per block: block = id >> kHouseholdPointsBlockBits.
inline constexpr int kHouseholdPointsBlockBits = 12;

/// Household flag bits in a block (the same bits as CoverageCategory in coverage_data.h).
inline constexpr std::uint8_t kPointHardship = 1u << 0;
inline constexpr std::uint8_t kPointMinimumIncome = 1u << 1;
inline constexpr std::uint8_t kPointElderlyAlone = 1u << 2;
inline constexpr std::uint8_t kPointLeftBehind = 1u << 3;
inline constexpr std::uint8_t kPointDisability = 1u << 4; ///< a resident with a disability (schema 7)
inline constexpr std::uint8_t kPointMember = 1u << 5;     ///< a Party member lives there (schema 7)
inline constexpr std::uint8_t kPointVacant = 1u << 6;
/// The first schema version whose blocks carry kPointDisability and kPointMember.
inline constexpr int kHouseholdPointsResidentFlagsVersion = 7;

/// Households as parallel arrays, in id order. Households without a point are left out.
struct HouseholdPointRows {
    std::vector<std::int64_t> ids;
    std::vector<model::Vec2> points;
    std::vector<std::int64_t> unitIds;
    std::vector<std::uint8_t> flags;
    [[nodiscard]] std::size_t size() const { return ids.size(); }
    void reserve(std::size_t n);
    void clear();
};

/// Encodes rows [begin, end) as one block's blob.
std::string encodeHouseholdPoints(const HouseholdPointRows& rows, std::size_t begin, std::size_t end);
/// Appends the rows of block `block`'s blob to `out`. Returns false (and appends nothing) when
/// the blob is malformed or holds an id outside the block: the caller reads households instead.
bool decodeHouseholdPoints(std::string_view blob, std::int64_t block, HouseholdPointRows& out);

/// SQL selecting households for a block scan: id, the flags folded into the HouseholdPointFlag
/// bits (kPoint*) with unit_id shifted above them (unit_id << 7 | flags), geom; two parameters (id range).
extern const char* const kHouseholdPointsScanSql;
/// The same for `conn`'s engine (on PostgreSQL the point comes as WKB: decode with wkb = true).
std::string householdPointsScanSql(const Connection& conn);
/// Appends one row of kHouseholdPointsScanSql's result (skips a NULL point). Throws
/// StorageError naming the household on a malformed point.
void appendScannedHousehold(std::int64_t id, std::int64_t packed, std::string_view geomBlob, HouseholdPointRows& out,
                            bool wkb = false);

/// ORs kPointDisability and kPointMember into the rows (ids ascending) whose households have such
/// residents, for households with ids in [lo, hi] (the residents' partial indexes: no table scan).
void addResidentFlags(Connection& conn, std::int64_t lo, std::int64_t hi, HouseholdPointRows& rows);

/// Builds every missing block between the lowest and highest household id, in the caller's
/// transaction when there is one (else in its own). Returns the number of blocks written. Does
/// nothing on a read-only connection or an atlas without the table.
std::size_t refreshHouseholdPoints(Connection& conn, Feedback* feedback = nullptr);

} // namespace gridatlas::storage
