#include "storage/household_points.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <set>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/spatialite_blob.h"

#include <sqlite3.h>

namespace gridatlas::storage {

namespace {

// Blob layout (little-endian): "GAHP", u32 version (1), u32 count, u32 reserved (0), then
// count i64 ids, count f64 x, count f64 y, count i64 unit ids, count u8 flags.
constexpr char kMagic[4] = {'G', 'A', 'H', 'P'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeader = 16;
constexpr std::size_t kBytesPerRow = 8 + 8 + 8 + 8 + 1;

template <class T> T toLittle(T v) {
    if constexpr (std::endian::native == std::endian::big) {
        unsigned char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        std::reverse(b, b + sizeof(T));
        std::memcpy(&v, b, sizeof(T));
    }
    return v;
}

template <class T> void put(std::string& out, std::size_t& at, T v) {
    v = toLittle(v);
    std::memcpy(out.data() + at, &v, sizeof(T));
    at += sizeof(T);
}

template <class T> T get(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return toLittle(v);
}

} // namespace

void HouseholdPointRows::reserve(std::size_t n) {
    ids.reserve(n);
    points.reserve(n);
    unitIds.reserve(n);
    flags.reserve(n);
}

void HouseholdPointRows::clear() {
    ids.clear();
    points.clear();
    unitIds.clear();
    flags.clear();
}

std::string encodeHouseholdPoints(const HouseholdPointRows& rows, std::size_t begin, std::size_t end) {
    const std::size_t n = end - begin;
    std::string out(kHeader + n * kBytesPerRow, '\0');
    std::memcpy(out.data(), kMagic, 4);
    std::size_t at = 4;
    put(out, at, kVersion);
    put(out, at, static_cast<std::uint32_t>(n));
    put(out, at, std::uint32_t{0});
    for (std::size_t i = begin; i < end; ++i) put(out, at, rows.ids[i]);
    for (std::size_t i = begin; i < end; ++i) put(out, at, rows.points[i].x);
    for (std::size_t i = begin; i < end; ++i) put(out, at, rows.points[i].y);
    for (std::size_t i = begin; i < end; ++i) put(out, at, rows.unitIds[i]);
    for (std::size_t i = begin; i < end; ++i) put(out, at, rows.flags[i]);
    return out;
}

bool decodeHouseholdPoints(std::string_view blob, std::int64_t block, HouseholdPointRows& out) {
    if (blob.size() < kHeader || std::memcmp(blob.data(), kMagic, 4) != 0) return false;
    if (get<std::uint32_t>(blob.data() + 4) != kVersion) return false;
    const std::size_t n = get<std::uint32_t>(blob.data() + 8);
    if (blob.size() != kHeader + n * kBytesPerRow) return false;
    const char* ids = blob.data() + kHeader;
    const char* xs = ids + 8 * n;
    const char* ys = xs + 8 * n;
    const char* units = ys + 8 * n;
    const char* flags = units + 8 * n;
    // Ids must lie in the block and ascend (the loader relies on id order).
    const std::int64_t lo = block << kHouseholdPointsBlockBits, hi = lo + (std::int64_t{1} << kHouseholdPointsBlockBits);
    std::int64_t last = lo - 1;
    for (std::size_t i = 0; i < n; ++i) {
        const auto id = get<std::int64_t>(ids + 8 * i);
        if (id <= last || id >= hi) return false;
        last = id;
    }
    const std::size_t base = out.ids.size();
    out.ids.resize(base + n);
    out.points.resize(base + n);
    out.unitIds.resize(base + n);
    out.flags.resize(base + n);
    if (n == 0) return true; // an empty block (memcpy of nothing from a null pointer is still UB)
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(out.ids.data() + base, ids, 8 * n);
        std::memcpy(out.unitIds.data() + base, units, 8 * n);
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            out.ids[base + i] = get<std::int64_t>(ids + 8 * i);
            out.unitIds[base + i] = get<std::int64_t>(units + 8 * i);
        }
    }
    std::memcpy(out.flags.data() + base, flags, n);
    for (std::size_t i = 0; i < n; ++i) out.points[base + i] = {get<double>(xs + 8 * i), get<double>(ys + 8 * i)};
    return true;
}

// The unit and the flags folded into one integer by SQLite: fewer column reads per row.
const char* const kHouseholdPointsScanSql =
    "SELECT id, (unit_id << 7) | (hardship != 0) | ((minimum_income != 0) << 1) | ((elderly_alone != 0) << 2) | "
    "((left_behind_children != 0) << 3) | ((vacant != 0) << 6), geom "
    "FROM households WHERE id BETWEEN ? AND ? ORDER BY id";

std::string householdPointsScanSql(const Connection& conn) {
    if (conn.engine() != Engine::PostgreSQL) return kHouseholdPointsScanSql;
    // (PostgreSQL: comparisons are booleans, not integers to shift and OR)
    return "SELECT id, (unit_id << 7) | (CASE WHEN hardship <> 0 THEN 1 ELSE 0 END) | "
           "(CASE WHEN minimum_income <> 0 THEN 2 ELSE 0 END) | (CASE WHEN elderly_alone <> 0 THEN 4 ELSE 0 END) | "
           "(CASE WHEN left_behind_children <> 0 THEN 8 ELSE 0 END) | (CASE WHEN vacant <> 0 THEN 64 ELSE 0 END), " +
           geomSelect(conn, "geom") + " FROM households WHERE id BETWEEN ? AND ? ORDER BY id";
}

void appendScannedHousehold(std::int64_t id, std::int64_t packed, std::string_view blob, HouseholdPointRows& out, bool wkb) {
    if (blob.empty()) return;
    if (wkb) {
        model::Geometry g;
        decodeWkb(blob, g);
        if (g.coords.empty()) throw StorageError("households row " + std::to_string(id) + ": empty point geometry");
        out.ids.push_back(id);
        out.points.push_back(g.coords.front());
        out.unitIds.push_back(packed >> 7);
        out.flags.push_back(static_cast<std::uint8_t>(packed & 0x7f));
        return;
    }
    // A point: the MBR in the blob's header is the point itself (no full decode).
    const model::Rect r = blobBounds(blob);
    model::Vec2 p{r.xmin, r.ymin};
    if (r.xmin != r.xmax || r.ymin != r.ymax) {
        model::Geometry g;
        decodeSpatialiteBlob(blob, g);
        if (g.coords.empty()) throw StorageError("households row " + std::to_string(id) + ": empty point geometry");
        p = g.coords.front();
    }
    out.ids.push_back(id);
    out.points.push_back(p);
    out.unitIds.push_back(packed >> 7);
    out.flags.push_back(static_cast<std::uint8_t>(packed & 0x7F));
}

void addResidentFlags(Connection& conn, std::int64_t lo, std::int64_t hi, HouseholdPointRows& rows) {
    if (rows.ids.empty()) return;
    auto mark = [&](const char* sql, std::uint8_t bit) {
        Statement st(conn, sql);
        st.bind(1, lo).bind(2, hi);
        auto from = rows.ids.begin();
        while (st.step()) {
            const std::int64_t id = st.columnInt(0);
            const auto it = std::lower_bound(from, rows.ids.end(), id);
            if (it == rows.ids.end()) break;
            if (*it == id) rows.flags[static_cast<std::size_t>(it - rows.ids.begin())] |= bit;
            from = it; // household ids come ascending
        }
    };
    mark("SELECT DISTINCT household_id FROM residents WHERE disability = 1 AND household_id BETWEEN ?1 AND ?2 "
         "ORDER BY household_id",
         kPointDisability);
    mark("SELECT DISTINCT household_id FROM residents WHERE is_member = 1 AND household_id BETWEEN ?1 AND ?2 "
         "ORDER BY household_id",
         kPointMember);
}

std::size_t refreshHouseholdPoints(Connection& conn, Feedback* feedback) {
    if (conn.isReadOnly() || !conn.tableExists("household_points")) return 0;
    const auto minId = conn.queryInt("SELECT MIN(id) FROM households");
    const auto maxId = conn.queryInt("SELECT MAX(id) FROM households");
    if (!minId || !maxId) return 0;
    const std::int64_t first = *minId >> kHouseholdPointsBlockBits, last = *maxId >> kHouseholdPointsBlockBits;
    std::set<std::int64_t> present;
    {
        Statement st(conn, "SELECT block FROM household_points WHERE block BETWEEN ? AND ?");
        st.bind(1, first).bind(2, last);
        while (st.step()) present.insert(st.columnInt(0));
    }
    if (static_cast<std::int64_t>(present.size()) == last - first + 1) return 0;
    // A savepoint: the caller's transaction when there is one, else a transaction of its own.
    Savepoint unit(conn, "household_points_refresh");
    {
        const bool wkb = conn.engine() == Engine::PostgreSQL;
        Statement put(conn, upsertSql(conn, "household_points", "block, data", "block"));
        Statement scan(conn, householdPointsScanSql(conn));
        HouseholdPointRows rows;
        std::size_t written = 0;
        // One scan per run of missing blocks (a whole district is one scan).
        std::int64_t b = first;
        while (b <= last) {
            if (present.count(b)) {
                ++b;
                continue;
            }
            std::int64_t e = b;
            while (e + 1 <= last && !present.count(e + 1)) ++e;
            if (feedback) feedback->throwIfCancelled();
            rows.clear();
            scan.bind(1, b << kHouseholdPointsBlockBits).bind(2, ((e + 1) << kHouseholdPointsBlockBits) - 1);
            while (scan.step()) appendScannedHousehold(scan.columnInt(0), scan.columnInt(1), scan.columnBlob(2), rows, wkb);
            scan.reset();
            addResidentFlags(conn, b << kHouseholdPointsBlockBits, ((e + 1) << kHouseholdPointsBlockBits) - 1, rows);
            std::size_t i = 0;
            for (std::int64_t k = b; k <= e; ++k) {
                const std::int64_t end = (k + 1) << kHouseholdPointsBlockBits;
                std::size_t j = i;
                while (j < rows.size() && rows.ids[j] < end) ++j;
                const std::string blob = encodeHouseholdPoints(rows, i, j);
                put.bind(1, k).bindBlob(2, blob.data(), blob.size());
                put.run();
                ++written;
                i = j;
            }
            b = e + 1;
        }
        unit.release();
        return written;
    }
}

} // namespace gridatlas::storage
