#include "storage/demo_generator.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/entities.h"
#include "model/rng.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/household_points.h"
#include "storage/demo_people.h"
#include "storage/demo_plan.h"
#include "storage/schema.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

std::optional<DemoScale> parseDemoScale(std::string_view text) {
    if (text == "S" || text == "s") return DemoScale::S;
    if (text == "M" || text == "m") return DemoScale::M;
    if (text == "L" || text == "l") return DemoScale::L;
    return std::nullopt;
}

std::string_view demoScaleName(DemoScale scale) {
    switch (scale) {
    case DemoScale::S: return "S";
    case DemoScale::M: return "M";
    case DemoScale::L: return "L";
    }
    return "?";
}

namespace {

using demo::District;
using demo::PlanBuilding;
using model::Rng;
using model::Vec2;

constexpr int kAtlasSrid = 4548; // CGCS2000 / 3-degree Gauss-Kruger CM 117E

std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}
/// An independent random stream per purpose (and per building), so one part of the district
/// does not shift when another changes.
Rng stream(std::uint64_t seed, std::uint64_t purpose) { return Rng(splitmix(splitmix(seed) ^ splitmix(purpose))); }

struct CensusDate {
    int year, month, day;
    [[nodiscard]] std::string text() const {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
        return buf;
    }
};

/// The one timestamp in the atlas, fixed by the seed: the seed itself when it reads as a date
/// (20240601 -> 2024-06-01), else a day of 2024 picked by it.
CensusDate censusDate(std::uint64_t seed) {
    const int y = static_cast<int>(seed / 10000), m = static_cast<int>(seed / 100 % 100), d = static_cast<int>(seed % 100);
    if (seed >= 20000101 && seed <= 20991231 && m >= 1 && m <= 12 && d >= 1 && d <= 28) return {y, m, d};
    const int k = static_cast<int>(seed % 336);
    return {2024, 1 + k / 28, 1 + k % 28};
}

// ---------------------------------------------------------------------------------------------
// A packed R*Tree, written straight into SQLite's shadow tables (%_node, %_rowid, %_parent).
// SQLite's own insert path (ChooseLeaf, splits, reinserts) costs ~7 us a row: 7 s for the
// households of an L district. Sort-Tile-Recursive packing builds the same structure (full
// nodes of 51 cells, tight boxes) in a fraction of that. Format (sqlite/ext/rtree/rtree.c):
// a node is a blob of the table's node size; bytes 0-1 hold the tree depth (root only), 2-3 the
// cell count, then cells of an 8-byte rowid or child node number and the box as 32-bit floats
// (xmin, xmax, ymin, ymax), all big-endian. The root is node 1. rtreecheck() verifies it.

struct RtreeCell {
    std::int64_t id; ///< rowid in a leaf, child node number (while building: child index) above
    std::array<float, 4> box;
};

/// float boxes must contain the double geometry: minima round down, maxima up.
float roundDown(double d) {
    float f = static_cast<float>(d);
    if (static_cast<double>(f) > d) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
    return f;
}
float roundUp(double d) {
    float f = static_cast<float>(d);
    if (static_cast<double>(f) < d) f = std::nextafter(f, std::numeric_limits<float>::infinity());
    return f;
}

void putBigEndian(unsigned char* out, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
        out[i] = static_cast<unsigned char>(v & 0xFF);
        v >>= 8;
    }
}

/// Groups cells into nodes of at most `capacity` by Sort-Tile-Recursive: vertical slices by x,
/// each sliced into runs by y. Ties break on id, so the result is deterministic.
std::vector<std::vector<RtreeCell>> strPack(std::vector<RtreeCell> cells, std::size_t capacity) {
    auto cx = [](const RtreeCell& c) { return static_cast<double>(c.box[0]) + c.box[1]; };
    auto cy = [](const RtreeCell& c) { return static_cast<double>(c.box[2]) + c.box[3]; };
    std::sort(cells.begin(), cells.end(), [&](const RtreeCell& a, const RtreeCell& b) {
        return cx(a) != cx(b) ? cx(a) < cx(b) : a.id < b.id;
    });
    const std::size_t leaves = (cells.size() + capacity - 1) / capacity;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(leaves))));
    const std::size_t perSlice = slices * capacity;
    std::vector<std::vector<RtreeCell>> groups;
    for (std::size_t s = 0; s < cells.size(); s += perSlice) {
        const auto first = cells.begin() + static_cast<std::ptrdiff_t>(s);
        const auto last = cells.begin() + static_cast<std::ptrdiff_t>(std::min(cells.size(), s + perSlice));
        std::sort(first, last, [&](const RtreeCell& a, const RtreeCell& b) { return cy(a) != cy(b) ? cy(a) < cy(b) : a.id < b.id; });
        for (auto it = first; it < last; it += static_cast<std::ptrdiff_t>(std::min<std::size_t>(capacity, static_cast<std::size_t>(last - it))))
            groups.emplace_back(it, it + static_cast<std::ptrdiff_t>(std::min<std::size_t>(capacity, static_cast<std::size_t>(last - it))));
    }
    return groups;
}

void loadRtree(Connection& c, const std::string& index, std::vector<RtreeCell> cells) {
    if (cells.empty()) return; // the empty root SQLite created stays
    const std::string node = quoteIdentifier(index + "_node"), rowid = quoteIdentifier(index + "_rowid"),
                      parent = quoteIdentifier(index + "_parent");
    const auto nodeSize = static_cast<std::size_t>(c.queryInt("SELECT length(data) FROM " + node + " WHERE nodeno = 1").value_or(0));
    const std::size_t capacity = (nodeSize - 4) / 24;
    if (nodeSize < 4 + 24 * 2) throw StorageError("'" + c.path() + "': unexpected R*Tree node size in " + index);

    struct Node {
        std::vector<RtreeCell> cells;
        bool leaf;
    };
    std::vector<Node> nodes;
    bool leaf = true;
    std::size_t root = 0;
    int depth = 0;
    for (;;) {
        auto groups = strPack(std::move(cells), capacity);
        cells.clear();
        for (auto& g : groups) {
            std::array<float, 4> box{g[0].box};
            for (const auto& k : g) {
                box[0] = std::min(box[0], k.box[0]);
                box[1] = std::max(box[1], k.box[1]);
                box[2] = std::min(box[2], k.box[2]);
                box[3] = std::max(box[3], k.box[3]);
            }
            cells.push_back({static_cast<std::int64_t>(nodes.size()), box});
            nodes.push_back({std::move(g), leaf});
        }
        if (groups.size() == 1) {
            root = nodes.size() - 1;
            break;
        }
        leaf = false;
        ++depth;
    }
    // Node numbers top-down: the root is 1.
    std::vector<std::int64_t> number(nodes.size(), 0);
    std::vector<std::size_t> order{root};
    number[root] = 1;
    for (std::size_t q = 0; q < order.size(); ++q) {
        const Node& n = nodes[order[q]];
        if (n.leaf) continue;
        for (const auto& k : n.cells) {
            number[static_cast<std::size_t>(k.id)] = static_cast<std::int64_t>(order.size()) + 1;
            order.push_back(static_cast<std::size_t>(k.id));
        }
    }
    c.exec("DELETE FROM " + node + "; DELETE FROM " + rowid + "; DELETE FROM " + parent);
    Statement putNode(c, "INSERT INTO " + node + " (nodeno, data) VALUES (?1, ?2)");
    Statement putParent(c, "INSERT INTO " + parent + " (nodeno, parentnode) VALUES (?1, ?2)");
    std::vector<std::pair<std::int64_t, std::int64_t>> rowids;
    std::vector<unsigned char> blob(nodeSize);
    for (std::size_t q = 0; q < order.size(); ++q) {
        const Node& n = nodes[order[q]];
        std::fill(blob.begin(), blob.end(), 0);
        if (q == 0) putBigEndian(blob.data(), static_cast<std::uint64_t>(depth), 2);
        putBigEndian(blob.data() + 2, n.cells.size(), 2);
        for (std::size_t i = 0; i < n.cells.size(); ++i) {
            unsigned char* cell = blob.data() + 4 + 24 * i;
            const std::int64_t id = n.leaf ? n.cells[i].id : number[static_cast<std::size_t>(n.cells[i].id)];
            putBigEndian(cell, static_cast<std::uint64_t>(id), 8);
            for (std::size_t d = 0; d < 4; ++d) {
                std::uint32_t bits = 0;
                std::memcpy(&bits, &n.cells[i].box[d], 4);
                putBigEndian(cell + 8 + 4 * d, bits, 4);
            }
            if (n.leaf) rowids.emplace_back(n.cells[i].id, static_cast<std::int64_t>(q) + 1);
            else {
                putParent.bind(1, number[static_cast<std::size_t>(n.cells[i].id)]).bind(2, static_cast<std::int64_t>(q) + 1);
                putParent.run();
            }
        }
        putNode.bind(1, static_cast<std::int64_t>(q) + 1).bindBlob(2, blob.data(), blob.size());
        putNode.run();
    }
    std::sort(rowids.begin(), rowids.end());
    Statement putRowid(c, "INSERT INTO " + rowid + " (rowid, nodeno) VALUES (?1, ?2)");
    for (const auto& [r, n] : rowids) {
        putRowid.bind(1, r).bind(2, n);
        putRowid.run();
    }
}

/// Three kinds of SpatiaLite trigger are set aside during the bulk load and put back,
/// unchanged, afterwards:
///  - gii_* (spatial index) call RTreeAlign() per row, ~7 us a point; the R*Trees are
///    packed in one pass at the end instead (loadRtree).
///  - tmi_* stamp geometry_columns_time with the wall clock on every insert: slow, and a clock
///    in the data would break byte-identical output.
///  - ggi_* (geometry type and SRID) scan geometry_columns with Lower() on every insert, about
///    a tenth of the whole load. Every blob here comes from one encoder (checked against
///    encodeSpatialiteBlob) with one SRID, and validateGeometries() checks every row with the
///    same GeometryConstraints() test before the triggers return, so the rule still holds.
/// The schema's own rules (CHECKs, foreign keys, the households floor trigger) stay on.
class BulkLoad {
public:
    explicit BulkLoad(Connection& c) : m_conn(c) {
        Statement st(c, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'gii\\_%' "
                        "ESCAPE '\\' OR name LIKE 'tmi\\_%' ESCAPE '\\' OR name LIKE 'ggi\\_%' ESCAPE '\\') ORDER BY name");
        while (st.step()) m_triggers.push_back({st.columnText(0), st.columnText(1), st.columnText(2)});
        for (const auto& t : m_triggers) c.exec("DROP TRIGGER " + quoteIdentifier(t.name));
    }
    BulkLoad(const BulkLoad&) = delete;
    BulkLoad& operator=(const BulkLoad&) = delete;
    BulkLoad(BulkLoad&&) = delete;
    BulkLoad& operator=(BulkLoad&&) = delete;
    ~BulkLoad() = default;

    struct Extent {
        std::int64_t rows = 0;
        model::Rect box;
    };
    /// Fills each R*Tree from its table in one packed pass, checks what the geometry triggers
    /// would have checked, and restores the triggers. Returns each indexed table's row count
    /// and extent, read on the way.
    std::map<std::string, Extent> finish(const std::function<void(const std::string&)>& onTable) {
        validateGeometries();
        std::map<std::string, Extent> extents;
        for (const auto& t : m_triggers) {
            if (t.name.rfind("gii_", 0) != 0) continue;
            onTable(t.table);
            std::vector<RtreeCell> cells;
            Extent& e = extents[t.table];
            Statement st(m_conn, "SELECT rowid, geom FROM " + quoteIdentifier(t.table) + " WHERE geom IS NOT NULL ORDER BY rowid");
            while (st.step()) {
                const model::Rect r = blobBounds(st.columnBlob(1));
                e.box.expand(r);
                cells.push_back({st.columnInt(0), {roundDown(r.xmin), roundUp(r.xmax), roundDown(r.ymin), roundUp(r.ymax)}});
            }
            e.rows = static_cast<std::int64_t>(cells.size());
            loadRtree(m_conn, "idx_" + t.table + "_geom", std::move(cells));
        }
        for (const auto& t : m_triggers) m_conn.exec(t.sql);
        return extents;
    }

private:
    struct Saved {
        std::string name, table, sql;
    };
    /// The ggi_* rule for every row loaded while it was off: type and SRID as registered.
    void validateGeometries() {
        for (const auto& t : m_triggers) {
            if (t.name.rfind("ggi_", 0) != 0) continue;
            const std::string sql = "SELECT rowid FROM " + quoteIdentifier(t.table) +
                                    " WHERE geom IS NOT NULL AND GeometryConstraints(geom, (SELECT geometry_type FROM "
                                    "geometry_columns WHERE f_table_name = ?1 AND f_geometry_column = 'geom'), (SELECT srid FROM "
                                    "geometry_columns WHERE f_table_name = ?1 AND f_geometry_column = 'geom')) IS NOT 1 LIMIT 1";
            Statement st(m_conn, sql);
            st.bind(1, t.table);
            if (st.step())
                throw ConstraintError(t.table + " row " + std::to_string(st.columnInt(0)) +
                                      ": geometry type or SRID not allowed for " + t.table + ".geom");
        }
    }
    Connection& m_conn;
    std::vector<Saved> m_triggers;
};

/// SpatiaLite's BLOB for an XY point (60 bytes), written in place.
void encodePoint(unsigned char* out, int srid, Vec2 p) {
    const auto srid32 = static_cast<std::uint32_t>(srid);
    const std::uint32_t type = 1;
    out[0] = 0x00;
    out[1] = 0x01; // little-endian
    std::memcpy(out + 2, &srid32, 4);
    std::memcpy(out + 6, &p.x, 8);
    std::memcpy(out + 14, &p.y, 8);
    std::memcpy(out + 22, &p.x, 8);
    std::memcpy(out + 30, &p.y, 8);
    out[38] = 0x7C;
    std::memcpy(out + 39, &type, 4);
    std::memcpy(out + 43, &p.x, 8);
    std::memcpy(out + 51, &p.y, 8);
    out[59] = 0xFE;
}
constexpr std::size_t kPointBlobSize = 60;

/// Inserts for the three big tables (units, households, residents: millions of rows at L).
/// The same SQL as AtlasWriter, and the same error wording (table, row and rule), but no
/// per-row strings or records are built and text is bound without copying.
class BigTables {
public:
    BigTables(Connection& c, int srid)
        : m_srid(srid),
          m_unit(c, "INSERT INTO units (id, building_id, number, geom) VALUES (?1, ?2, ?3, ?4)"),
          m_household(c, "INSERT INTO households (id, unit_id, floor, room, hardship, minimum_income, elderly_alone, "
                         "left_behind_children, vacant, geom) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)"),
          m_resident(c, "INSERT INTO residents (id, household_id, name, relation, gender, birth_year, phone, id_number, "
                        "disability, is_member, member_type, branch, joined_year, phone_enc, id_number_enc, id_number_hash) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"),
          m_cipher(c, crypto::FieldCipher::Need::Nothing) {
        // The in-place encoder must agree with the library's, byte for byte.
        std::array<unsigned char, kPointBlobSize> mine{};
        const Vec2 probe{531000.25, 5494500.75};
        encodePoint(mine.data(), srid, probe);
        const std::string ref = encodeSpatialiteBlob(model::Geometry::point(probe), srid);
        if (ref.size() != kPointBlobSize || std::memcmp(ref.data(), mine.data(), kPointBlobSize) != 0)
            throw StorageError("demo generator: point encoder disagrees with encodeSpatialiteBlob");
    }

    void unit(std::int64_t id, std::int64_t building, int number, Vec2 entrance) {
        sqlite3_stmt* st = m_unit.handle();
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, building);
        sqlite3_bind_int(st, 3, number);
        encodePoint(m_blob.data(), m_srid, entrance);
        sqlite3_bind_blob(st, 4, m_blob.data(), static_cast<int>(kPointBlobSize), SQLITE_STATIC);
        run(m_unit, [&] { return "units row (building " + std::to_string(building) + ", unit " + std::to_string(number) + ")"; });
    }

    void household(std::int64_t id, std::int64_t unit, int floor, std::string_view room, const demo::HouseholdDraw& d, Vec2 at) {
        sqlite3_stmt* st = m_household.handle();
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, unit);
        sqlite3_bind_int(st, 3, floor);
        sqlite3_bind_text(st, 4, room.data(), static_cast<int>(room.size()), SQLITE_STATIC);
        sqlite3_bind_int(st, 5, d.hardship ? 1 : 0);
        sqlite3_bind_int(st, 6, d.minimumIncome ? 1 : 0);
        sqlite3_bind_int(st, 7, d.elderlyAlone ? 1 : 0);
        sqlite3_bind_int(st, 8, d.leftBehindChildren ? 1 : 0);
        encodePoint(m_blob.data(), m_srid, at);
        sqlite3_bind_blob(st, 9, m_blob.data(), static_cast<int>(kPointBlobSize), SQLITE_STATIC);
        run(m_household, [&] {
            return "households row (unit " + std::to_string(unit) + ", floor " + std::to_string(floor) + ", room " + std::string(room) + ")";
        });
    }

    /// `sealedPhone`/`sealedId`: the values sealed already (an encrypted demo, on the drawing thread).
    void resident(std::int64_t id, std::int64_t household, const demo::Person& p, std::string_view phone,
                  std::string_view idNumber, std::string_view branch, const crypto::Sealed& sealedPhone,
                  const crypto::Sealed& sealedId) {
        sqlite3_stmt* st = m_resident.handle();
        auto text = [st](int i, std::string_view v) {
            if (v.empty()) sqlite3_bind_null(st, i);
            else sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        };
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, household);
        text(3, p.name);
        text(4, p.relation);
        text(5, std::string_view(p.gender == 'M' ? "M" : "F"));
        sqlite3_bind_int(st, 6, p.birthYear);
        // An encrypted demo stores the masked forms in clear and the values sealed (never in clear).
        if (m_cipher.encrypted()) {
            phone = sealedPhone.shown;
            idNumber = sealedId.shown;
        }
        auto blob = [st](int i, const crypto::Blob& b) {
            if (b.empty()) sqlite3_bind_null(st, i);
            else sqlite3_bind_blob(st, i, b.data(), static_cast<int>(b.size()), SQLITE_STATIC);
        };
        text(7, phone);
        text(8, idNumber);
        blob(14, sealedPhone.cipher);
        blob(15, sealedId.cipher);
        blob(16, sealedId.blindIndex);
        sqlite3_bind_int(st, 9, p.disability ? 1 : 0);
        sqlite3_bind_int(st, 10, p.member ? 1 : 0);
        text(11, p.member ? std::string_view(p.memberType) : std::string_view());
        text(12, p.member ? branch : std::string_view());
        if (p.member) sqlite3_bind_int(st, 13, p.joinedYear);
        else sqlite3_bind_null(st, 13);
        run(m_resident, [&] { return "residents row (household " + std::to_string(household) + ", id " + std::to_string(id) + ")"; });
    }

    [[nodiscard]] const crypto::FieldCipher& cipher() const { return m_cipher; }

private:
    template <class What>
    static void run(Statement& st, What&& what) {
        try {
            st.step();
            sqlite3_reset(st.handle());
        } catch (const ConstraintError& e) {
            sqlite3_reset(st.handle());
            throw ConstraintError(what() + ": " + describeRule(e.what()));
        }
    }
    int m_srid;
    std::array<unsigned char, kPointBlobSize> m_blob{};
    Statement m_unit, m_household, m_resident;
    crypto::FieldCipher m_cipher;
};

class DemoWriter {
public:
    DemoWriter(Atlas& atlas, const District& d, const DemoOptions& options, Feedback* feedback)
        : m_atlas(atlas), m_w(atlas), m_d(d), m_options(options), m_feedback(feedback), m_date(censusDate(options.seed)),
          m_people(m_date.year) {}

    void run(DemoSummary& summary);

private:
    struct MemberRef {
        std::int64_t resident;
        std::int64_t household;
    };
    Atlas& m_atlas;
    AtlasWriter m_w;
    const District& m_d;
    const DemoOptions& m_options;
    Feedback* m_feedback;
    CensusDate m_date;
    demo::People m_people;
    BigTables m_big{m_atlas.connection(), kAtlasSrid};
    std::vector<std::vector<MemberRef>> m_gridMembers;        // non-mobile members living in each grid
    std::vector<std::vector<std::int64_t>> m_gridVulnerable;  // vulnerable households of each grid
    std::vector<std::vector<std::int64_t>> m_communityMembers;
    std::int64_t m_adults = 0, m_members = 0;

    void progress(double percent, const std::string& stage) {
        if (!m_feedback) return;
        m_feedback->throwIfCancelled();
        m_feedback->setProgress(percent, stage);
    }
    void meta();
    void frame();
    void people();
    void posts();
    void streets();
    void assignments();
    std::string branchOf(int grid) const {
        const auto& g = m_d.grids[static_cast<std::size_t>(grid)];
        return m_d.communities[static_cast<std::size_t>(g.community)].name + "第" + demo::chineseNumber(g.number) + "党支部";
    }
};

void DemoWriter::meta() {
    m_w.setMeta("generator", "gridatlas-cli demo --scale " + std::string(demoScaleName(m_options.scale)) + " --seed " +
                                 std::to_string(m_options.seed));
    m_w.setMeta("census_date", m_date.text());
    std::string offices;
    for (const auto& o : m_d.offices) offices += (offices.empty() ? "" : "、") + o.name;
    m_w.setMeta("street_offices", offices);
    m_w.setMeta("city", "满洲里市");
}

void DemoWriter::frame() {
    for (std::size_t i = 0; i < m_d.communities.size(); ++i) {
        const auto& pc = m_d.communities[i];
        model::Community c;
        c.id = static_cast<std::int64_t>(i) + 1;
        c.code = pc.code;
        c.name = pc.name;
        c.streetOffice = m_d.offices[static_cast<std::size_t>(pc.office)].name;
        c.boundary = pc.boundary;
        m_w.add(c);
    }
    Rng staffRng = stream(m_options.seed, 1);
    static constexpr std::array<const char*, 3> kRoles{"manager", "supervisor", "assistant"};
    for (std::size_t i = 0; i < m_d.grids.size(); ++i) {
        const auto& pg = m_d.grids[i];
        const auto& pc = m_d.communities[static_cast<std::size_t>(pg.community)];
        model::Grid g;
        g.id = static_cast<std::int64_t>(i) + 1;
        char code[8];
        std::snprintf(code, sizeof code, "-%02d", pg.number);
        g.code = pc.code + code;
        g.name = pc.name + "第" + demo::chineseNumber(pg.number) + "网格";
        g.communityId = pg.community + 1;
        g.targetHouseholds = 400;
        g.boundary = pg.boundary;
        m_w.add(g);
        // 一格三员: a manager and a supervisor from the community staff, an assistant who lives
        // there; all working age.
        for (const char* role : kRoles) {
            const char gender = staffRng.chance(0.6) ? 'F' : 'M';
            const int birth = m_date.year - static_cast<int>(staffRng.between(26, 58));
            m_w.add(model::GridStaff{g.id, role, m_people.fullName(staffRng, gender, birth), m_people.mobile(staffRng)});
        }
    }
    std::int64_t unitId = 0;
    for (std::size_t i = 0; i < m_d.buildings.size(); ++i) {
        const PlanBuilding& pb = m_d.buildings[i];
        model::Building b;
        b.id = static_cast<std::int64_t>(i) + 1;
        b.communityId = pb.community + 1;
        if (pb.grid >= 0) b.gridId = pb.grid + 1;
        b.number = pb.number;
        b.name = pb.name;
        if (pb.compound >= 0) b.compound = m_d.compounds[static_cast<std::size_t>(pb.compound)].name;
        b.address = pb.address;
        b.floors = pb.floors;
        b.unitCount = pb.units;
        if (pb.flats > 0) b.flatsPerFloor = pb.flats;
        b.use = pb.use;
        const auto& bx = pb.box;
        b.footprint = model::Geometry::polygon({{{bx.x0, bx.y0}, {bx.x1, bx.y0}, {bx.x1, bx.y1}, {bx.x0, bx.y1}}});
        m_w.add(b);
        // Stairwell entrances on the north face, where the compound path runs.
        const double uw = pb.units > 0 ? bx.width() / pb.units : 0;
        for (int u = 1; u <= pb.units; ++u) {
            const Vec2 entrance{demo::snap(bx.x0 + uw * (u - 0.5)), bx.y1};
            m_big.unit(++unitId, b.id, u, entrance);
        }
    }
}

// Households and residents are drawn on a second thread (names, ID numbers, phones: about a
// fifth of the work) while this one inserts them. The drawing thread alone uses the stateful
// ID and phone counters, in building order, so the output is the same as drawing inline.

struct ResidentRow {
    std::int64_t id = 0;
    demo::Person person;
    std::string phone, idNumber;
    crypto::Sealed sealedPhone, sealedId; ///< an encrypted demo: sealed here, on the drawing thread
};
struct HouseholdRow {
    std::int64_t id = 0, unitId = 0;
    int floor = 0;
    std::string room;
    demo::HouseholdDraw flags; ///< people moved out into residents
    Vec2 at;
    std::size_t firstResident = 0, residentCount = 0;
};
/// One building's households and residents.
struct Batch {
    std::size_t building = 0;
    std::vector<HouseholdRow> households;
    std::vector<ResidentRow> residents;
};

/// A bounded single-producer single-consumer queue; close() ends it from either side.
class BatchQueue {
public:
    bool push(Batch&& b) {
        std::unique_lock lock(m_mutex);
        m_space.wait(lock, [&] { return m_items.size() < kCapacity || m_closed; });
        if (m_closed) return false;
        m_items.push_back(std::move(b));
        m_ready.notify_one();
        return true;
    }
    std::optional<Batch> pop() {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [&] { return !m_items.empty() || m_closed; });
        if (m_items.empty()) return std::nullopt;
        Batch b = std::move(m_items.front());
        m_items.pop_front();
        m_space.notify_one();
        return b;
    }
    void close() {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_ready.notify_all();
        m_space.notify_all();
    }

private:
    static constexpr std::size_t kCapacity = 64;
    std::mutex m_mutex;
    std::condition_variable m_ready, m_space;
    std::deque<Batch> m_items;
    bool m_closed = false;
};

/// Closes the queue and waits for the drawing thread however people() is left (a cancel, a
/// failed insert), so the thread never outlives the data it reads.
class DrawingThread {
public:
    DrawingThread(BatchQueue& queue, std::function<void()> work) : m_queue(queue), m_future(std::async(std::launch::async, std::move(work))) {}
    DrawingThread(const DrawingThread&) = delete;
    DrawingThread& operator=(const DrawingThread&) = delete;
    DrawingThread(DrawingThread&&) = delete;
    DrawingThread& operator=(DrawingThread&&) = delete;
    ~DrawingThread() {
        m_queue.close();
        if (m_future.valid()) m_future.wait();
    }
    /// Rethrows what the thread threw, if anything.
    void finish() { m_future.get(); }

private:
    BatchQueue& m_queue;
    std::future<void> m_future;
};

void DemoWriter::people() {
    m_gridMembers.assign(m_d.grids.size(), {});
    m_gridVulnerable.assign(m_d.grids.size(), {});
    m_communityMembers.assign(m_d.communities.size(), {});
    const int year = m_date.year;
    BatchQueue queue;
    const crypto::FieldCipher& cipher = m_big.cipher();
    auto draw = [&] {
        std::int64_t unitId = 0, householdId = 0, residentId = 0;
        demo::HouseholdDraw d;
        char room[16];
        for (std::size_t i = 0; i < m_d.buildings.size(); ++i) {
            const PlanBuilding& pb = m_d.buildings[i];
            if (pb.households() == 0) {
                unitId += pb.units;
                continue;
            }
            Rng rng = stream(m_options.seed, 1000 + i);
            Batch batch;
            batch.building = i;
            batch.households.reserve(static_cast<std::size_t>(pb.households()));
            const auto& bx = pb.box;
            const double uw = bx.width() / pb.units, slot = uw / pb.flats;
            const int f0 = pb.firstFlatFloor, span = std::max(1, pb.floors - f0);
            for (int u = 1; u <= pb.units; ++u) {
                ++unitId;
                for (int f = f0; f <= pb.floors; ++f)
                    for (int k = 1; k <= pb.flats; ++k) {
                        // Flats side by side along the unit, floors spread across the depth, so
                        // points never coincide and stay inside the unit's part of the footprint.
                        const double x = bx.x0 + uw * (u - 1) + slot * (k - 0.5) + ((f % 3) - 1) * 0.12 * slot;
                        const double y = bx.y0 + bx.height() * (0.12 + 0.76 * (f - f0) / span);
                        m_people.drawHousehold(rng, d);
                        HouseholdRow h;
                        h.id = ++householdId;
                        h.unitId = unitId;
                        h.floor = f;
                        h.room.assign(room, static_cast<std::size_t>(std::snprintf(room, sizeof room, "%d", f * 100 + k)));
                        h.at = {std::round(x * 100) / 100, std::round(y * 100) / 100};
                        h.firstResident = batch.residents.size();
                        h.residentCount = d.people.size();
                        for (auto& p : d.people) {
                            ResidentRow r;
                            r.id = ++residentId;
                            if (p.isAdult(year)) r.phone = m_people.mobile(rng);
                            r.idNumber = m_people.idNumber(rng, p.birthYear, p.gender);
                            if (cipher.encrypted()) {
                                const std::string ident = std::to_string(r.id);
                                r.sealedPhone = cipher.seal(crypto::Field::ResidentPhone, ident, r.phone);
                                r.sealedId = cipher.seal(crypto::Field::ResidentIdNumber, ident, r.idNumber);
                            }
                            r.person = std::move(p);
                            batch.residents.push_back(std::move(r));
                        }
                        d.people.clear();
                        h.flags = d;
                        batch.households.push_back(std::move(h));
                    }
            }
            if (!queue.push(std::move(batch))) return; // the inserting side stopped
        }
        queue.close();
    };
    DrawingThread drawing(queue, draw);

    const double total = std::max(1, m_d.households);
    std::int64_t done = 0;
    while (auto batch = queue.pop()) {
        progress(6 + 80 * static_cast<double>(done) / total, "households and residents");
        const PlanBuilding& pb = m_d.buildings[batch->building];
        const std::string branch = branchOf(pb.grid);
        const auto grid = static_cast<std::size_t>(pb.grid);
        const auto community = static_cast<std::size_t>(pb.community);
        for (const auto& h : batch->households) {
            m_big.household(h.id, h.unitId, h.floor, h.room, h.flags, h.at);
            bool vulnerable = h.flags.hardship || h.flags.minimumIncome || h.flags.elderlyAlone || h.flags.leftBehindChildren;
            for (std::size_t q = h.firstResident; q < h.firstResident + h.residentCount; ++q) {
                const ResidentRow& r = batch->residents[q];
                const demo::Person& p = r.person;
                m_big.resident(r.id, h.id, p, r.phone, r.idNumber, branch, r.sealedPhone, r.sealedId);
                vulnerable = vulnerable || p.disability;
                if (p.isAdult(year)) ++m_adults;
                if (p.member) {
                    ++m_members;
                    if (std::string_view(p.memberType) != "mobile") {
                        m_gridMembers[grid].push_back({r.id, h.id});
                        m_communityMembers[community].push_back(r.id);
                    }
                }
            }
            if (vulnerable) m_gridVulnerable[grid].push_back(h.id);
        }
        done += static_cast<std::int64_t>(batch->households.size());
    }
    drawing.finish();
}

void DemoWriter::posts() {
    // Written here rather than through AtlasWriter, whose ServicePost has no staffed_by: a
    // later UPDATE would also stamp geometry_columns_time with the wall clock.
    Rng rng = stream(m_options.seed, 2);
    std::vector<std::size_t> next(m_d.communities.size(), 0);
    Statement st(m_atlas.connection(), "INSERT INTO service_posts (id, community_id, building_id, name, type, hours, radius_m, "
                                       "walk_minutes, staffed_by, geom) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, NULL, ?7, ?8)");
    for (std::size_t i = 0; i < m_d.posts.size(); ++i) {
        const auto& pp = m_d.posts[i];
        st.bind(1, static_cast<std::int64_t>(i) + 1).bind(2, static_cast<std::int64_t>(pp.community) + 1);
        if (pp.building >= 0) st.bind(3, static_cast<std::int64_t>(pp.building) + 1);
        else st.bindNull(3);
        st.bind(4, pp.name).bind(5, pp.type).bind(6, pp.hours);
        st.bindNull(7);
        if (pp.staffedByMember) {
            // A member of the community keeps the post (党员先锋岗).
            const auto& members = m_communityMembers[static_cast<std::size_t>(pp.community)];
            if (!members.empty()) {
                auto& k = next[static_cast<std::size_t>(pp.community)];
                k = (k + static_cast<std::size_t>(rng.between(1, 7))) % members.size();
                st.bind(7, members[k]);
            }
        }
        const std::string blob = encodeSpatialiteBlob(model::Geometry::point(pp.at), kAtlasSrid);
        st.bindBlob(8, blob.data(), blob.size());
        try {
            st.run();
        } catch (const ConstraintError& e) {
            st.reset();
            throw ConstraintError("service_posts row '" + pp.name + "': " + describeRule(e.what()));
        }
    }
}

void DemoWriter::streets() {
    for (std::size_t i = 0; i < m_d.streets.size(); ++i) {
        const auto& ps = m_d.streets[i];
        model::Street s;
        s.id = static_cast<std::int64_t>(i) + 1;
        s.name = ps.name;
        s.streetClass = ps.cls;
        s.widthM = ps.width;
        s.line = model::Geometry::lineString(ps.line);
        m_w.add(s);
    }
}

// 一帮一: each vulnerable household is paired with a Party member of its grid (not one of its
// own), at most three households per member; 党员责任区: each residential building of a grid
// is the zone of one of its members.
void DemoWriter::assignments() {
    for (std::size_t g = 0; g < m_d.grids.size(); ++g) {
        const auto& members = m_gridMembers[g];
        if (members.empty()) continue;
        std::vector<int> load(members.size(), 0);
        std::size_t k = 0;
        for (std::int64_t hh : m_gridVulnerable[g]) {
            for (std::size_t tries = 0; tries < members.size(); ++tries, k = (k + 1) % members.size()) {
                if (members[k].household == hh || load[k] >= 3) continue;
                m_w.add(model::Assignment{members[k].resident, "pairing", hh, std::nullopt});
                ++load[k];
                k = (k + 1) % members.size();
                break;
            }
        }
    }
    std::vector<std::size_t> next(m_d.grids.size(), 0);
    for (std::size_t i = 0; i < m_d.buildings.size(); ++i) {
        const auto& b = m_d.buildings[i];
        if (b.households() == 0 || b.grid < 0) continue;
        const auto& members = m_gridMembers[static_cast<std::size_t>(b.grid)];
        if (members.empty()) continue;
        auto& k = next[static_cast<std::size_t>(b.grid)];
        m_w.add(model::Assignment{members[k % members.size()].resident, "zone", std::nullopt, static_cast<std::int64_t>(i) + 1});
        ++k;
    }
}

void DemoWriter::run(DemoSummary& summary) {
    meta();
    progress(4, "communities, grids and buildings");
    frame();
    people();
    progress(86, "service posts, streets and assignments");
    posts();
    streets();
    assignments();
    summary.adults = m_adults;
    summary.members = m_members;
}

/// Extents and row counts for QGIS and ogrinfo, ANALYZE, and the one fixed timestamp.
///
/// Not Atlas::updateStatistics() (SpatiaLite's UpdateLayerStatistics()): on an L district it
/// takes longer than the rest of the load together. With no arguments it also scans the
/// summary views, whose correlated subqueries run per household (3.5 s on M, ~20 s on L); per
/// table it still builds per-column statistics (geometry_columns_field_infos) with a sort per
/// column (~30% of all instructions on M). What GIS clients read is the row count and extent
/// per table; the bulk load has both already (exact, from the blob MBRs). Each spatial view
/// has exactly one row per row of its base table (inner joins on NOT NULL foreign keys), so
/// its figures are the base table's.
///
/// GDAL trusts geometry_columns_statistics only when last_verified is later than the last
/// event in geometry_columns_time, so the one fixed timestamp (the census date, from the
/// seed) is used for the inserts and one second after it for the statistics. Schema creation
/// stamped spatialite_history with the wall clock; that gets the fixed stamp too.
void layerStatistics(Connection& c, const std::map<std::string, BulkLoad::Extent>& extents, const CensusDate& date) {
    const std::string inserted = date.text() + "T00:00:00.000Z";
    const std::string verified = date.text() + "T00:00:01.000Z";
    Transaction tx(c);
    {
        Statement tables(c, "SELECT f_table_name FROM geometry_columns ORDER BY f_table_name");
        std::vector<std::string> names;
        while (tables.step()) names.push_back(tables.columnText(0));
        Statement put(c, "INSERT OR REPLACE INTO geometry_columns_statistics (f_table_name, f_geometry_column, last_verified, "
                         "row_count, extent_min_x, extent_min_y, extent_max_x, extent_max_y) VALUES (?1, 'geom', ?2, ?3, ?4, ?5, ?6, ?7)");
        for (const auto& t : names) {
            const auto it = extents.find(t);
            const std::int64_t rows = it != extents.end() ? it->second.rows
                                                          : c.queryInt("SELECT COUNT(*) FROM " + quoteIdentifier(t) + " WHERE geom IS NOT NULL").value_or(0);
            put.bind(1, t).bind(2, verified).bind(3, rows);
            if (it != extents.end() && rows > 0) {
                const auto& r = it->second.box;
                put.bind(4, r.xmin).bind(5, r.ymin).bind(6, r.xmax).bind(7, r.ymax);
            } else {
                for (int i = 4; i <= 7; ++i) put.bindNull(i);
            }
            put.run();
        }
    }
    c.exec("DELETE FROM views_geometry_columns_statistics");
    {
        Statement st(c, "INSERT INTO views_geometry_columns_statistics (view_name, view_geometry, last_verified, row_count, "
                        "extent_min_x, extent_min_y, extent_max_x, extent_max_y) "
                        "SELECT v.view_name, v.view_geometry, ?1, s.row_count, s.extent_min_x, s.extent_min_y, s.extent_max_x, "
                        "s.extent_max_y FROM views_geometry_columns v JOIN geometry_columns_statistics s "
                        "ON s.f_table_name = v.f_table_name AND s.f_geometry_column = v.f_geometry_column ORDER BY v.view_name");
        st.bind(1, verified);
        st.run();
    }
    for (const char* sql : {"UPDATE geometry_columns_time SET last_insert = ?1", "UPDATE spatialite_history SET timestamp = ?1"}) {
        Statement st(c, sql);
        st.bind(1, inserted);
        st.run();
    }
    tx.commit();
    // ANALYZE samples instead of scanning millions of index entries; still deterministic.
    c.exec("PRAGMA analysis_limit = 1000");
    c.exec("ANALYZE");
}

} // namespace

DemoSummary generateDemo(const std::string& path, const DemoOptions& options, Feedback* feedback) {
    const auto t0 = std::chrono::steady_clock::now();
    auto progress = [&](double percent, const std::string& stage) {
        if (!feedback) return;
        feedback->throwIfCancelled();
        feedback->setProgress(percent, stage);
    };
    progress(0, "planning the district");
    const District d = demo::planDistrict(options.scale, options.seed);
    progress(3, "creating the atlas");
    const std::string name = options.name.empty()
                                 ? d.offices.front().name + "演示数据 (" + std::string(demoScaleName(options.scale)) + ")"
                                 : options.name;
    auto atlas = Atlas::create(path, kAtlasSrid, name);
    Connection& c = atlas->connection();
    // Encrypted from the first row: the key exists before any phone or ID number is written.
    if (options.passphrase) crypto::initEncryption(c, *options.passphrase, options.kdfLimits);
    // A new file nobody else reads, thrown away by the caller if the run fails or is cancelled
    // (the CLI writes to a temp file): no rollback journal at all, which also spares every
    // insert copying the pages it touches into a statement journal, no fsync, a big cache.
    c.exec("PRAGMA journal_mode = OFF");
    c.exec("PRAGMA synchronous = OFF");
    c.exec("PRAGMA cache_size = -262144");
    c.exec("PRAGMA temp_store = MEMORY");
    DemoSummary summary;
    summary.gridsOutsideTarget = d.gridsOutsideTarget;
    std::map<std::string, BulkLoad::Extent> extents;
    {
        Transaction tx(c);
        BulkLoad bulk(c);
        // The blind index gets random keys: one sort at the end beats a random B-tree insert per row.
        if (options.passphrase) c.exec("DROP INDEX residents_id_number_hash");
        DemoWriter(*atlas, d, options, feedback).run(summary);
        if (options.passphrase)
            c.exec("CREATE INDEX residents_id_number_hash ON residents(id_number_hash) WHERE id_number_hash IS NOT NULL");
        extents = bulk.finish([&](const std::string& table) { progress(88, "spatial index: " + table); });
        progress(92, "household points");
        refreshHouseholdPoints(c); // the compact copy coverage reads (household_points.h)
        tx.commit();
    }
    progress(94, "layer statistics");
    layerStatistics(c, extents, censusDate(options.seed));
    c.exec("PRAGMA journal_mode = WAL");
    for (const char* table : {"communities", "grids", "grid_staff", "buildings", "units", "households", "residents",
                              "service_posts", "streets", "assignments"})
        summary.tableCounts.emplace_back(table, c.queryInt(std::string("SELECT COUNT(*) FROM ") + table).value_or(0));
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress(100, "done");
    return summary;
}

} // namespace gridatlas::storage
