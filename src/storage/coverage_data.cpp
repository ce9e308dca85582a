#include "storage/coverage_data.h"

#include <algorithm>
#include <functional>
#include <future>
#include <limits>
#include <numeric>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/household_points.h"
#include "storage/layer_cache.h"
#include "storage/spatialite_blob.h"

#include <sqlite3.h>

namespace gridatlas::storage {

const CoveragePostType* CoverageData::postType(const std::string& type) const {
    for (const auto& t : postTypes)
        if (t.type == type) return &t;
    return nullptr;
}

std::int32_t CoverageData::buildingIndex(std::int64_t id) const {
    auto it = buildingById.find(id);
    return it == buildingById.end() ? -1 : it->second;
}

std::int64_t CoverageData::householdIndex(std::int64_t id) const {
    auto it = std::lower_bound(households.ids.begin(), households.ids.end(), id);
    if (it == households.ids.end() || *it != id) return -1;
    return it - households.ids.begin();
}

std::int64_t CoverageData::gridOf(std::size_t h) const {
    const auto b = households.building[h];
    return b < 0 ? 0 : buildings[static_cast<std::size_t>(b)].gridId;
}

std::int64_t CoverageData::communityOf(std::size_t h) const {
    const auto b = households.building[h];
    return b < 0 ? 0 : buildings[static_cast<std::size_t>(b)].communityId;
}

model::Vec2 CoverageData::doorOf(std::size_t h) const {
    const auto u = households.unit[h];
    if (u >= 0 && units[static_cast<std::size_t>(u)].entrance) return *units[static_cast<std::size_t>(u)].entrance;
    return households.points[h];
}

static_assert(kCoverHardship == kPointHardship && kCoverMinimumIncome == kPointMinimumIncome &&
                  kCoverElderlyAlone == kPointElderlyAlone && kCoverLeftBehind == kPointLeftBehind && kCoverVacant == kPointVacant,
              "household_points stores the flags in the coverage category bits");

namespace {

/// A point from a POINT value selected with geomSelect (SpatiaLite: the MBR in the header is the
/// point itself, no full decode).
model::Vec2 blobPoint(const Connection& c, std::string_view blob, const char* table, std::int64_t id) {
    if (c.engine() == Engine::PostgreSQL) {
        model::Geometry g;
        decodeWkb(blob, g);
        if (g.coords.empty()) throw StorageError(std::string(table) + " row " + std::to_string(id) + ": empty point geometry");
        return g.coords.front();
    }
    const model::Rect r = blobBounds(blob);
    if (r.xmin == r.xmax && r.ymin == r.ymax) return {r.xmin, r.ymin};
    model::Geometry g;
    decodeSpatialiteBlob(blob, g);
    if (g.coords.empty()) throw StorageError(std::string(table) + " row " + std::to_string(id) + ": empty point geometry");
    return g.coords.front();
}

std::int64_t intOrZero(const Statement& st, int col) {
    return st.isNull(col) ? 0 : st.columnInt(col);
}

/// Buildings, units, posts, post types, grids, communities (small tables) and optionally streets.
void loadSmallTables(Atlas& atlas, CoverageData& d, const CoverageLoadOptions& options,
                     std::unordered_map<std::int64_t, std::int32_t>& unitIndex) {
    auto& c = atlas.connection();
    d.srid = atlas.srid();
    d.atlasName = atlas.info().name;
    {
        Statement st(c, "SELECT id, number, compound, grid_id, community_id, " + geomSelect(c, "geom") + " FROM buildings ORDER BY id");
        model::Geometry g;
        while (st.step()) {
            CoverageBuilding b;
            b.id = st.columnInt(0);
            b.number = st.columnText(1);
            b.compound = st.isNull(2) ? std::string() : st.columnText(2);
            b.gridId = intOrZero(st, 3);
            b.communityId = intOrZero(st, 4);
            const auto blob = st.columnBlob(5);
            if (!blob.empty()) {
                if (options.footprints) {
                    decodeGeometry(c, blob, b.footprint);
                    b.centroid = model::centroid(b.footprint);
                } else {
                    b.centroid = geometryBounds(c, blob).center();
                }
            }
            d.buildingById.emplace(b.id, static_cast<std::int32_t>(d.buildings.size()));
            d.buildings.push_back(std::move(b));
        }
    }
    {
        Statement st(c, "SELECT id, building_id, " + geomSelect(c, "geom") + " FROM units ORDER BY id");
        while (st.step()) {
            CoverageUnit u;
            u.id = st.columnInt(0);
            u.building = d.buildingIndex(st.columnInt(1));
            const auto blob = st.columnBlob(2);
            if (!blob.empty()) u.entrance = blobPoint(c, blob, "units", u.id);
            unitIndex.emplace(u.id, static_cast<std::int32_t>(d.units.size()));
            d.units.push_back(u);
        }
    }
    {
        Statement st(c, "SELECT type, name_zh, name_en, radius_m, walk_minutes FROM post_types ORDER BY type");
        while (st.step())
            d.postTypes.push_back({st.columnText(0), st.columnText(1), st.columnText(2), st.columnDouble(3), st.columnDouble(4)});
    }
    {
        Statement st(c, "SELECT id, name, type, community_id, building_id, " + geomSelect(c, "geom") +
                            ", radius_m, walk_minutes FROM service_posts ORDER BY id");
        while (st.step()) {
            CoveragePost p;
            p.id = st.columnInt(0);
            p.name = st.columnText(1);
            p.type = st.columnText(2);
            p.communityId = intOrZero(st, 3);
            p.buildingId = intOrZero(st, 4);
            p.point = blobPoint(c, st.columnBlob(5), "service_posts", p.id);
            if (!st.isNull(6)) p.radiusM = st.columnDouble(6);
            if (!st.isNull(7)) p.walkMinutes = st.columnDouble(7);
            d.posts.push_back(std::move(p));
        }
    }
    {
        Statement st(c, "SELECT id, code, name, community_id, " + geomSelect(c, "geom") + " FROM grids ORDER BY id");
        while (st.step()) {
            CoverageArea g{st.columnInt(0), st.columnText(1), st.columnText(2), st.columnInt(3), {}};
            if (options.footprints && !st.columnBlob(4).empty()) decodeGeometry(c, st.columnBlob(4), g.boundary);
            d.grids.push_back(std::move(g));
        }
    }
    {
        Statement st(c, "SELECT id, code, name FROM communities ORDER BY id");
        while (st.step()) d.communities.push_back({st.columnInt(0), st.columnText(1), st.columnText(2), 0, {}});
    }
    if (options.streets) {
        Statement st(c, "SELECT id, class, " + geomSelect(c, "geom") + " FROM streets ORDER BY id");
        model::Geometry g;
        while (st.step()) {
            CoverageStreet s;
            s.id = st.columnInt(0);
            s.streetClass = st.columnText(1);
            decodeGeometry(c, st.columnBlob(2), g);
            // A LINESTRING column; multi-part lines (from other tools) become one street per part.
            for (std::size_t r = 0; r < g.ringCount(); ++r) {
                CoverageStreet part{s.id, s.streetClass, {}};
                part.line.assign(g.coords.begin() + g.ringBegin(r), g.coords.begin() + g.ringEnds[r]);
                if (part.line.size() >= 2) d.streets.push_back(std::move(part));
            }
        }
    }
}

/// Disability and member households from the residents' partial indexes (no table scan).
void applyResidentCategories(Atlas& atlas, CoverageData& d) {
    auto& c = atlas.connection();
    auto mark = [&](const char* sql, std::uint8_t bit) {
        Statement st(c, sql);
        while (st.step()) {
            const auto i = d.householdIndex(st.columnInt(0));
            if (i >= 0) d.households.categories[static_cast<std::size_t>(i)] |= bit;
        }
    };
    mark("SELECT DISTINCT household_id FROM residents WHERE disability = 1", kCoverDisability);
    mark("SELECT DISTINCT household_id FROM residents WHERE is_member = 1", kCoverMemberHousehold);
}

/// A plain read-only sqlite3 handle for a bulk scan on another thread: no SpatiaLite (a plain
/// SELECT needs none) and no per-call mutex (one thread uses it), both of which cost per row on a
/// million rows.
class ScanHandle {
public:
    explicit ScanHandle(const std::string& path) {
        const int rc = sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) {
            const std::string message = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
            sqlite3_close_v2(m_db);
            throw StorageError("cannot open '" + path + "' to read the households: " + message);
        }
        // (Memory-mapped reads were tried: no faster here, and the mapped pages count as RSS.)
        m_path = path;
    }
    ScanHandle(const ScanHandle&) = delete;
    ScanHandle& operator=(const ScanHandle&) = delete;
    ScanHandle(ScanHandle&&) = delete;
    ScanHandle& operator=(ScanHandle&&) = delete;
    ~ScanHandle() {
        if (m_stmt) sqlite3_finalize(m_stmt);
        sqlite3_close_v2(m_db);
    }
    sqlite3_stmt* prepare(const char* sql) {
        if (sqlite3_prepare_v2(m_db, sql, -1, &m_stmt, nullptr) != SQLITE_OK) fail(sql);
        return m_stmt;
    }
    [[noreturn]] void fail(const char* sql) const {
        throw StorageError("'" + m_path + "': " + sqlite3_errmsg(m_db) + " (in: " + sql + ")");
    }

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    std::string m_path;
};

using IdRange = std::pair<std::int64_t, std::int64_t>; // inclusive

/// Households of the given id ranges (ascending, disjoint) through a handle of its own.
HouseholdPointRows scanRanges(const std::string& path, const std::vector<IdRange>& ranges, std::size_t reserve) {
    HouseholdPointRows rows;
    rows.reserve(reserve);
    ScanHandle db(path);
    sqlite3_stmt* st = db.prepare(kHouseholdPointsScanSql);
    for (const auto& [lo, hi] : ranges) {
        sqlite3_bind_int64(st, 1, lo);
        sqlite3_bind_int64(st, 2, hi);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const auto* bytes = static_cast<const char*>(sqlite3_column_blob(st, 2));
            const std::string_view blob(bytes ? bytes : "", static_cast<std::size_t>(sqlite3_column_bytes(st, 2)));
            appendScannedHousehold(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), blob, rows);
        }
        if (rc != SQLITE_DONE) db.fail(kHouseholdPointsScanSql);
        sqlite3_reset(st);
    }
    return rows;
}

/// The same on the atlas's own connection (inside the loader's read snapshot).
void scanRanges(Connection& c, const std::vector<IdRange>& ranges, HouseholdPointRows& rows) {
    Statement st(c, householdPointsScanSql(c));
    const bool wkb = c.engine() == Engine::PostgreSQL;
    for (const auto& [lo, hi] : ranges) {
        st.bind(1, lo).bind(2, hi);
        while (st.step()) appendScannedHousehold(st.columnInt(0), st.columnInt(1), st.columnBlob(2), rows, wkb);
        st.reset();
    }
}

void appendRows(HouseholdPointRows& to, const HouseholdPointRows& from) {
    to.ids.insert(to.ids.end(), from.ids.begin(), from.ids.end());
    to.points.insert(to.points.end(), from.points.begin(), from.points.end());
    to.unitIds.insert(to.unitIds.end(), from.unitIds.begin(), from.unitIds.end());
    to.flags.insert(to.flags.end(), from.flags.begin(), from.flags.end());
}

/// Merges two id-ordered row sets with disjoint ids.
HouseholdPointRows mergeRows(const HouseholdPointRows& a, const HouseholdPointRows& b) {
    if (b.size() == 0) return a;
    if (a.size() == 0) return b;
    HouseholdPointRows out;
    out.reserve(a.size() + b.size());
    std::size_t i = 0, j = 0;
    auto take = [&](const HouseholdPointRows& r, std::size_t& k) {
        out.ids.push_back(r.ids[k]);
        out.points.push_back(r.points[k]);
        out.unitIds.push_back(r.unitIds[k]);
        out.flags.push_back(r.flags[k]);
        ++k;
    };
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && a.ids[i] < b.ids[j])) take(a, i);
        else take(b, j);
    }
    return out;
}

/// A read snapshot on the atlas's connection for the whole load (a savepoint: nests inside a
/// caller's transaction; on PostgreSQL a repeatable-read transaction of its own otherwise).
class ReadSnapshot {
public:
    explicit ReadSnapshot(Connection& c)
        : m_unit(c, "coverage_read", c.engine() == Engine::PostgreSQL ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN") {}
    ~ReadSnapshot() {
        try {
            m_unit.release();
        } catch (...) {
            // (a read: nothing to keep)
        }
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ReadSnapshot(ReadSnapshot&&) = delete;
    ReadSnapshot& operator=(ReadSnapshot&&) = delete;

private:
    Savepoint m_unit;
};

/// Blocks of household_points read in order: their rows, and the block ranges with no (or a
/// malformed) block, which are read from households instead.
struct BlockPart {
    HouseholdPointRows rows;
    std::vector<std::pair<std::int64_t, std::int64_t>> gaps; ///< inclusive block ranges
};

constexpr const char* kBlocksSql = "SELECT block, data FROM household_points WHERE block BETWEEN ? AND ? ORDER BY block";

BlockPart readBlocks(sqlite3_stmt* st, std::int64_t b0, std::int64_t b1, std::size_t reserve) {
    BlockPart part;
    part.rows.reserve(reserve);
    sqlite3_bind_int64(st, 1, b0);
    sqlite3_bind_int64(st, 2, b1);
    std::int64_t next = b0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const std::int64_t b = sqlite3_column_int64(st, 0);
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(st, 1));
        const std::string_view blob(bytes ? bytes : "", static_cast<std::size_t>(sqlite3_column_bytes(st, 1)));
        if (b > next) part.gaps.emplace_back(next, b - 1);
        if (!decodeHouseholdPoints(blob, b, part.rows)) part.gaps.emplace_back(b, b);
        next = b + 1;
    }
    if (rc != SQLITE_DONE) throw StorageError(std::string("reading household_points: ") + sqlite3_errmsg(sqlite3_db_handle(st)));
    sqlite3_reset(st);
    if (next <= b1) part.gaps.emplace_back(next, b1);
    return part;
}

/// The same on a Statement (PostgreSQL: the loader's one connection).
BlockPart readBlocks(Statement& st, std::int64_t b0, std::int64_t b1, std::size_t reserve) {
    BlockPart part;
    part.rows.reserve(reserve);
    st.bind(1, b0).bind(2, b1);
    std::int64_t next = b0;
    while (st.step()) {
        const std::int64_t b = st.columnInt(0);
        if (b > next) part.gaps.emplace_back(next, b - 1);
        if (!decodeHouseholdPoints(st.columnBlob(1), b, part.rows)) part.gaps.emplace_back(b, b);
        next = b + 1;
    }
    st.reset();
    if (next <= b1) part.gaps.emplace_back(next, b1);
    return part;
}

/// Every household with a point, in id order: from household_points where its blocks exist, the
/// rest (older atlases, blocks dropped by edits since the last refresh) read from households,
/// on two threads when that is much. `alongside` runs on the calling thread while the other
/// thread reads (the small tables); `fromBlocksOnly` says whether every household came from a block.
HouseholdPointRows readHouseholdPoints(Atlas& atlas, const std::function<void()>& alongside, bool& fromBlocksOnly) {
    auto& c = atlas.connection();
    const auto minId = c.queryInt("SELECT MIN(id) FROM households");
    const auto maxId = c.queryInt("SELECT MAX(id) FROM households");
    HouseholdPointRows cached;
    fromBlocksOnly = true;
    bool alongsideDone = false;
    auto runAlongside = [&] {
        if (alongsideDone) return;
        alongsideDone = true;
        alongside();
    };
    if (!minId || !maxId) {
        runAlongside();
        return cached;
    }
    const std::int64_t first = *minId >> kHouseholdPointsBlockBits, last = *maxId >> kHouseholdPointsBlockBits;
    std::vector<IdRange> missing;
    std::int64_t missingBlocks = 0;
    auto miss = [&](std::int64_t b0, std::int64_t b1) { // blocks b0..b1 inclusive
        if (b1 < b0) return;
        missingBlocks += b1 - b0 + 1;
        const IdRange r{std::max(*minId, b0 << kHouseholdPointsBlockBits),
                        std::min(*maxId, ((b1 + 1) << kHouseholdPointsBlockBits) - 1)};
        if (!missing.empty() && missing.back().second + 1 == r.first) missing.back().second = r.second;
        else missing.push_back(r);
    };
    std::int64_t next = first;
    if (c.tableExists("household_points")) {
        const auto expected = static_cast<std::size_t>(*maxId - *minId + 1);
        auto take = [&](const BlockPart& part) {
            for (const auto& [b0, b1] : part.gaps) miss(b0, b1);
        };
        if (c.engine() == Engine::PostgreSQL) {
            // One connection (a second one would not share the snapshot): blocks in order.
            runAlongside();
            Statement st(c, kBlocksSql);
            BlockPart all = readBlocks(st, first, last, expected);
            take(all);
            cached = std::move(all.rows);
        } else if (last - first + 1 >= 32) {
            // Two parts on two threads (the upper on a handle of its own): copying the blobs out
            // of SQLite's pages and decoding them is most of the load. This thread reads the small
            // tables first, so it takes the smaller part (the small tables cost about a third of
            // reading all blocks on an L atlas).
            const std::int64_t mid = first + (last - first) * 3 / 8;
            auto upper = std::async(std::launch::async, [&, path = atlas.path()] {
                ScanHandle db(path);
                // Room for its share of the ids (no reallocation while decoding).
                const auto share = static_cast<std::size_t>((last - mid) << kHouseholdPointsBlockBits);
                return readBlocks(db.prepare(kBlocksSql), mid + 1, last, std::min(expected, share) + 16);
            });
            BlockPart lower;
            try {
                runAlongside();
                Statement st(c, kBlocksSql);
                lower = readBlocks(st.handle(), first, mid, expected);
            } catch (...) {
                upper.wait();
                throw;
            }
            const BlockPart high = upper.get();
            take(lower);
            take(high);
            cached = std::move(lower.rows);
            appendRows(cached, high.rows);
        } else {
            runAlongside();
            Statement st(c, kBlocksSql);
            BlockPart all = readBlocks(st.handle(), first, last, expected);
            take(all);
            cached = std::move(all.rows);
        }
        next = last + 1;
    }
    runAlongside();
    miss(next, last);
    if (missing.empty()) return cached;
    fromBlocksOnly = false;

    HouseholdPointRows scanned;
    if (missingBlocks < 16 || c.engine() == Engine::PostgreSQL) {
        scanRanges(c, missing, scanned);
    } else {
        // Two halves of the missing blocks, each on its own handle and thread: decoding costs
        // about as much as SQLite.
        std::vector<IdRange> lower, upper;
        std::int64_t seen = 0;
        for (const auto& r : missing) {
            const std::int64_t blocks = ((r.second >> kHouseholdPointsBlockBits) - (r.first >> kHouseholdPointsBlockBits)) + 1;
            if (seen + blocks / 2 < missingBlocks / 2) lower.push_back(r);
            else upper.push_back(r);
            seen += blocks;
        }
        if (lower.empty()) { // one long range: split it in the middle
            const auto [lo, hi] = upper.front();
            const std::int64_t mid = lo + (hi - lo) / 2;
            lower.push_back({lo, mid});
            upper.front().first = mid + 1;
        }
        const auto reserve = static_cast<std::size_t>(missingBlocks) << (kHouseholdPointsBlockBits - 1);
        auto second = std::async(std::launch::async, [&, path = atlas.path()] { return scanRanges(path, upper, reserve + 16); });
        try {
            scanned = scanRanges(atlas.path(), lower, 2 * reserve + 16);
        } catch (...) {
            second.wait();
            throw;
        }
        appendRows(scanned, second.get());
    }
    return mergeRows(cached, scanned);
}

} // namespace

std::shared_ptr<const CoverageData> loadCoverageData(Atlas& atlas, const CoverageLoadOptions& options, Feedback* feedback) {
    auto d = std::make_shared<CoverageData>();
    std::unordered_map<std::int64_t, std::int32_t> unitIndex;
    if (feedback) feedback->setProgress(0, "reading the atlas");
    const ReadSnapshot snapshot(atlas.connection()); // one snapshot of every table read
    bool fromBlocksOnly = false;
    {
        // The small tables are read while another thread reads most of the household blocks.
        HouseholdPointRows rows = readHouseholdPoints(
            atlas, [&] { loadSmallTables(atlas, *d, options, unitIndex); }, fromBlocksOnly);
        if (feedback) feedback->throwIfCancelled();
        auto& h = d->households;
        const std::size_t n = rows.size();
        h.ids = std::move(rows.ids);
        h.points = std::move(rows.points);
        h.unit.resize(n);
        h.building.resize(n);
        h.categories = std::move(rows.flags);
        std::int64_t lastUnit = std::numeric_limits<std::int64_t>::min();
        std::int32_t lastIndex = -1;
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t unitId = rows.unitIds[i];
            if (unitId != lastUnit) { // households come in unit runs: one hash lookup per unit
                auto it = unitIndex.find(unitId);
                lastIndex = it == unitIndex.end() ? -1 : it->second;
                lastUnit = unitId;
            }
            h.unit[i] = lastIndex;
            h.building[i] = lastIndex < 0 ? -1 : d->units[static_cast<std::size_t>(lastIndex)].building;
        }
    }
    if (feedback) feedback->throwIfCancelled();
    // Blocks of a schema-7 atlas carry the residents' flags; households read from the table (and
    // every household of an older atlas) get them from the residents' partial indexes.
    const bool blocksHaveResidentFlags =
        fromBlocksOnly && atlas.info().schemaVersion >= kHouseholdPointsResidentFlagsVersion;
    if (options.residents && !blocksHaveResidentFlags) applyResidentCategories(atlas, *d);
    if (!options.residents)
        for (auto& f : d->households.categories) f &= static_cast<std::uint8_t>(~(kCoverDisability | kCoverMemberHousehold));
    if (feedback) feedback->setProgress(10, "atlas read");
    return d;
}

std::shared_ptr<const CoverageData> loadCoverageData(Atlas& atlas, const LayerSnapshot& layer, const CoverageLoadOptions& options,
                                                     Feedback* feedback) {
    auto d = std::make_shared<CoverageData>();
    std::unordered_map<std::int64_t, std::int32_t> unitIndex;
    loadSmallTables(atlas, *d, options, unitIndex);
    if (feedback) feedback->throwIfCancelled();
    auto col = [&](const char* name) {
        const int k = layer.columnIndex(name);
        if (k < 0) throw InputError("layer '" + layer.name() + "' has no column '" + name + "' (not a households layer)");
        return k;
    };
    const int unitCol = col("unit_id");
    const int flagCols[] = {col("hardship"), col("minimum_income"), col("elderly_alone"), col("left_behind_children"),
                            col("vacant"),   col("has_disability"), col("has_member")};
    const std::uint8_t bits[] = {kCoverHardship, kCoverMinimumIncome, kCoverElderlyAlone,   kCoverLeftBehind,
                                 kCoverVacant,   kCoverDisability,    kCoverMemberHousehold};
    // The layer is in grid-cell order: sort by id so that lookups by id work.
    std::vector<std::size_t> order(layer.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return layer.id(a) < layer.id(b); });
    auto& h = d->households;
    model::Geometry g;
    for (std::size_t k : order) {
        layer.geometry(k, g);
        if (g.coords.empty()) continue;
        h.ids.push_back(layer.id(k));
        h.points.push_back(g.coords.front());
        const auto unitValue = layer.value(k, unitCol);
        const std::int64_t unitId = std::holds_alternative<std::int64_t>(unitValue) ? std::get<std::int64_t>(unitValue) : 0;
        auto it = unitIndex.find(unitId);
        const std::int32_t u = it == unitIndex.end() ? -1 : it->second;
        h.unit.push_back(u);
        h.building.push_back(u < 0 ? -1 : d->units[static_cast<std::size_t>(u)].building);
        std::uint8_t cat = 0;
        for (int f = 0; f < 7; ++f) {
            const auto v = layer.value(k, flagCols[f]);
            if (std::holds_alternative<std::int64_t>(v) && std::get<std::int64_t>(v) != 0) cat |= bits[f];
        }
        h.categories.push_back(cat);
    }
    return d;
}

} // namespace gridatlas::storage
