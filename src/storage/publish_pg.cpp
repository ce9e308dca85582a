#include "storage/publish_pg.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/audit.h"
#include "storage/connection.h"
#include "storage/connection_pg.h"
#include "storage/engine.h"
#include "storage/household_points.h"
#include "storage/schema.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

namespace {

// A community's rows, table by table, parents first; ?1 is the community's id. The same SQL
// selects them on either engine (same tables, columns and ids).
struct Scope {
    const char* table;
    std::string where;
    bool hasId; // an `id` column: row versions are recorded, the identity sequence moved on
};

const std::string kBuildingsOf = "SELECT id FROM buildings WHERE community_id = ?1";
const std::string kUnitsOf = "SELECT u.id FROM units u JOIN buildings b ON b.id = u.building_id WHERE b.community_id = ?1";
const std::string kHouseholdsOf = "SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id "
                                  "JOIN buildings b ON b.id = u.building_id WHERE b.community_id = ?1";
const std::string kResidentsOf = "SELECT r.id FROM residents r JOIN households h ON h.id = r.household_id JOIN units u ON u.id = "
                                 "h.unit_id JOIN buildings b ON b.id = u.building_id WHERE b.community_id = ?1";
const std::string kPostsWhere = "community_id = ?1 OR (community_id IS NULL AND building_id IN (" + kBuildingsOf + "))";
const std::string kPlansOf = "SELECT id FROM grid_plans WHERE community_id = ?1";

const std::vector<Scope>& scopes() {
    static const std::vector<Scope> s = [] {
        std::vector<Scope> v{
            {"communities", "id = ?1", true},
            {"grids", "community_id = ?1", true},
            {"grid_staff", "grid_id IN (SELECT id FROM grids WHERE community_id = ?1)", true},
            {"buildings", "community_id = ?1", true},
            {"units", "building_id IN (" + kBuildingsOf + ")", true},
            {"households", "unit_id IN (" + kUnitsOf + ")", true},
            {"residents", "household_id IN (" + kHouseholdsOf + ")", true},
            {"service_posts", kPostsWhere, true},
            {"rooms", "building_id IN (" + kBuildingsOf + ")", true},
            // Assignments whose member and target are both in the community (a target elsewhere
            // would break the checked-out atlas's foreign keys).
            {"assignments",
             "member_id IN (" + kResidentsOf + ") AND (household_id IS NULL OR household_id IN (" + kHouseholdsOf +
                 ")) AND (building_id IS NULL OR building_id IN (" + kBuildingsOf + "))",
             true},
            {"floor_plans", "building_id IN (" + kBuildingsOf + ")", true},
            {"grid_plans", "community_id = ?1", true},
            {"grid_plan_grids", "plan_id IN (" + kPlansOf + ")", false},
            {"grid_plan_staff", "plan_id IN (" + kPlansOf + ")", false},
            {"grid_plan_buildings", "plan_id IN (" + kPlansOf + ")", false},
        };
        // Where imported rows came from: the rows of the tables above.
        std::string fs;
        for (const auto& sc : v) {
            const std::string t = sc.table;
            if (!sc.hasId || t.rfind("grid_plan", 0) == 0) continue;
            fs += std::string(fs.empty() ? "" : " OR ") + "(table_name = '" + t + "' AND row_id IN (SELECT id FROM " + t +
                  " WHERE " + sc.where + "))";
        }
        v.push_back({"feature_sources", fs, false});
        return v;
    }();
    return s;
}

std::string featureSourcesWhere() { return scopes().back().where; }
// Import runs shared by communities: upserted, never deleted by a re-publish.
std::string importsWhere() { return "id IN (SELECT import_id FROM feature_sources WHERE " + featureSourcesWhere() + ")"; }

struct Column {
    std::string name;
    // GeometryBytes: a geometry kept as bytes in the engine's exchange format (grid_plan_grids.geom:
    // a SpatiaLite blob in the file, WKB in a BYTEA column on the server), converted on the way.
    enum class Kind { Plain, Bytes, Geometry, GeometryBytes } kind = Kind::Plain;
};

// The columns of a table as PostgreSQL has them (the same names and order as on SQLite).
std::vector<Column> pgColumns(Connection& pg, const std::string& table) {
    // Only the columns the role may read: a worker without the key checks out (and checks in) a
    // community without its phones and ID numbers (access_pg.h).
    Statement st(pg, "SELECT column_name, data_type, udt_name FROM information_schema.columns "
                     "WHERE table_schema = current_schema() AND table_name = ?1 "
                     "AND has_column_privilege(quote_ident(?1), column_name, 'SELECT') ORDER BY ordinal_position");
    st.bind(1, table);
    std::vector<Column> out;
    while (st.step()) {
        Column c{st.columnText(0)};
        if (st.columnText(2) == "geometry") c.kind = Column::Kind::Geometry;
        else if (table == "grid_plan_grids" && c.name == "geom") c.kind = Column::Kind::GeometryBytes;
        else if (st.columnText(1) == "bytea") c.kind = Column::Kind::Bytes;
        out.push_back(std::move(c));
    }
    if (out.empty()) throw StorageError("'" + pg.path() + "' has no table " + table + " (not a GridAtlas atlas?)");
    return out;
}

std::map<std::string, int> pgGeometrySrids(Connection& pg) {
    std::map<std::string, int> out;
    Statement st(pg, "SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema = current_schema()");
    while (st.step()) out[st.columnText(0)] = static_cast<int>(st.columnInt(1));
    return out;
}

std::string columnList(const std::vector<Column>& cols, const Connection* geomAs = nullptr) {
    std::string s;
    for (const auto& c : cols) {
        s += s.empty() ? "" : ", ";
        const std::string q = quoteIdentifier(c.name);
        s += (geomAs && c.kind == Column::Kind::Geometry) ? geomSelect(*geomAs, q) : q;
    }
    return s;
}

// A row's server version: its row_version (schema 8) where the table has one, else PostgreSQL's
// xmin (changes with every update; 32-bit, wraps after ~2 billion transactions).
std::string versionExpr(const std::vector<Column>& cols) {
    for (const auto& c : cols)
        if (c.name == "row_version") return "row_version";
    return "xmin::text::bigint";
}

// --- COPY text encoding (publish) --------------------------------------------------------------

constexpr char kHex[] = "0123456789abcdef";

void appendHex(std::string& out, std::string_view bytes) {
    for (unsigned char b : bytes) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
    }
}

void appendCopyText(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out.push_back(c);
        }
    }
}

// EWKB with the SRID, in hex: what a geometry(TYPE, SRID) column accepts as text input.
void appendEwkbHex(std::string& out, const model::Geometry& g, int srid) {
    std::string wkb = encodeWkb(g);
    // Insert the SRID flag and value after the byte order and type (little-endian).
    std::uint32_t type;
    std::memcpy(&type, wkb.data() + 1, 4);
    type |= 0x20000000u;
    std::memcpy(wkb.data() + 1, &type, 4);
    const auto s = static_cast<std::uint32_t>(srid);
    wkb.insert(5, reinterpret_cast<const char*>(&s), 4);
    appendHex(out, wkb);
}

void appendValue(std::string& out, const Statement& st, int i, const Column& col, int srid, const std::string& table) {
    if (st.isNull(i)) {
        out += "\\N";
        return;
    }
    switch (col.kind) {
    case Column::Kind::Geometry: {
        model::Geometry g;
        try {
            decodeSpatialiteBlob(st.columnBlob(i), g);
        } catch (const StorageError& e) {
            throw StorageError(table + " row id " + std::to_string(st.columnInt(0)) + ": " + e.what());
        }
        appendEwkbHex(out, g, srid);
        return;
    }
    case Column::Kind::Bytes:
        out += "\\\\x";
        appendHex(out, st.columnBlob(i));
        return;
    case Column::Kind::GeometryBytes: {
        model::Geometry g;
        decodeSpatialiteBlob(st.columnBlob(i), g);
        out += "\\\\x";
        appendHex(out, encodeWkb(g));
        return;
    }
    case Column::Kind::Plain: break;
    }
    const model::Value v = st.columnValue(i);
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
        out += std::to_string(*n);
    } else if (const auto* d = std::get_if<double>(&v)) {
        char buf[32];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
        out.append(buf, end);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
        appendCopyText(out, *s);
    } else {
        out += "\\N";
    }
}

// Streams the rows `select` (on SQLite) yields into `target` (a table or staging table) on PG.
std::int64_t copyRows(Connection& sqlite, Connection& pg, const std::string& table, const std::string& target,
                      const std::vector<Column>& cols, const std::string& where, std::int64_t communityId, int srid,
                      Feedback* feedback) {
    Statement st(sqlite, "SELECT " + columnList(cols) + " FROM " + table + (where.empty() ? "" : " WHERE " + where));
    if (!where.empty() && where.find("?1") != std::string::npos) st.bind(1, communityId);
    std::int64_t rows = 0;
    pg.pgSession()->copyIn("COPY " + target + " (" + columnList(cols) + ") FROM STDIN", [&](std::string& buffer) {
        for (int n = 0; n < 4096; ++n) {
            if (!st.step()) return false;
            for (std::size_t i = 0; i < cols.size(); ++i) {
                if (i) buffer.push_back('\t');
                appendValue(buffer, st, static_cast<int>(i), cols[i], srid, table);
            }
            buffer.push_back('\n');
            ++rows;
        }
        if (feedback) feedback->throwIfCancelled();
        return true;
    });
    return rows;
}

// Reference rows shared by communities (post types, streets, import runs): inserted or updated.
std::int64_t upsertRows(Connection& sqlite, Connection& pg, const std::string& table, const std::string& key,
                        const std::string& where, std::int64_t communityId, int srid, Feedback* feedback) {
    const auto cols = pgColumns(pg, table);
    const std::string stage = "ga_stage_" + table;
    pg.exec("CREATE TEMP TABLE " + stage + " (LIKE " + table + ") ON COMMIT DROP");
    const std::int64_t rows = copyRows(sqlite, pg, table, stage, cols, where, communityId, srid, feedback);
    std::string sets, mine, theirs;
    for (const auto& c : cols) {
        if (c.name == key) continue;
        const std::string q = quoteIdentifier(c.name);
        sets += (sets.empty() ? "" : ", ") + q + " = EXCLUDED." + q;
        mine += (mine.empty() ? "" : ", ") + table + "." + q;
        theirs += (theirs.empty() ? "" : ", ") + std::string("EXCLUDED.") + q;
    }
    // Rows that did not change are left alone: every community's publish sends the whole street
    // network, and rewriting 30,000 unchanged rows would only cost time and dead row versions.
    pg.exec("INSERT INTO " + table + " (" + columnList(cols) + ") SELECT " + columnList(cols) + " FROM " + stage +
            " ON CONFLICT (" + key + ") DO UPDATE SET " + sets + " WHERE (" + mine + ") IS DISTINCT FROM (" + theirs + ")");
    pg.exec("DROP TABLE " + stage);
    return rows;
}

struct CommunityRef {
    std::int64_t id = 0;
    std::string code, name;
};

CommunityRef findCommunity(Connection& c, const std::string& nameOrCode, const std::string& where) {
    Statement st(c, "SELECT id, code, name FROM communities WHERE name = ?1 OR code = ?1 ORDER BY id");
    st.bind(1, nameOrCode);
    std::vector<CommunityRef> found;
    while (st.step()) found.push_back({st.columnInt(0), st.columnText(1), st.columnText(2)});
    if (found.size() == 1) return found.front();
    if (found.size() > 1)
        throw InputError("community '" + nameOrCode + "' is ambiguous in " + where + " (" + std::to_string(found.size()) +
                         " communities have that name): give its code");
    std::string list;
    int n = 0;
    Statement all(c, "SELECT name, code FROM communities ORDER BY id");
    while (all.step() && n++ < 20) list += (list.empty() ? "" : ", ") + all.columnText(0) + " (" + all.columnText(1) + ")";
    throw InputError("no community '" + nameOrCode + "' in " + where + (list.empty() ? " (it has none)" : " (it has: " + list + ")"));
}

void moveSequencesOn(Connection& pg) {
    for (const auto& sc : scopes()) {
        if (!sc.hasId) continue;
        const std::string t = sc.table;
        pg.exec("SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), GREATEST((SELECT max(id) FROM " + t + "), 1))");
    }
    for (const char* t : {"streets", "imports"})
        pg.exec(std::string("SELECT setval(pg_get_serial_sequence('") + t + "', 'id'), GREATEST((SELECT max(id) FROM " + t + "), 1))");
}

void publishCrypto(Connection& sqlite, Connection& pg) {
    if (!sqlite.queryInt("SELECT COUNT(*) FROM atlas_crypto").value_or(0)) return;
    Statement src(sqlite, "SELECT kdf, salt, opslimit, memlimit, key_check, cipher, changed_at FROM atlas_crypto WHERE id = 1");
    if (!src.step()) return;
    Statement dst(pg, "SELECT salt, key_check FROM atlas_crypto WHERE id = 1");
    if (dst.step()) {
        if (dst.columnBlob(0) != src.columnBlob(1) || dst.columnBlob(1) != src.columnBlob(4))
            throw InputError("the server atlas is encrypted with another passphrase than this atlas: its phones and ID numbers "
                             "could not be read there (re-encrypt one of them with gridatlas-cli passwd first)");
        return;
    }
    Statement ins(pg, "INSERT INTO atlas_crypto (id, kdf, salt, opslimit, memlimit, key_check, cipher, changed_at) "
                      "VALUES (1, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, src.columnText(0));
    const auto salt = src.columnBlob(1);
    ins.bindBlob(2, salt.data(), salt.size());
    ins.bind(3, src.columnInt(2)).bind(4, src.columnInt(3));
    const auto check = src.columnBlob(4);
    ins.bindBlob(5, check.data(), check.size());
    ins.bind(6, src.columnText(5)).bind(7, src.columnText(6));
    ins.run();
}

void progress(Feedback* f, std::size_t step, std::size_t steps, const std::string& stage) {
    if (!f) return;
    f->throwIfCancelled();
    f->setProgress(100.0 * static_cast<double>(step) / static_cast<double>(steps), stage);
}

// Tables whose rows carry a server version in checkout_rows (first column `id`).
std::vector<std::string> versionedTables() {
    std::vector<std::string> out{"streets", "imports"};
    for (const auto& s : scopes())
        if (s.hasId) out.emplace_back(s.table);
    return out;
}

// FNV-1a over every column's type and value as SQLite returns them.
std::int64_t rowHash(const Statement& st) {
    std::uint64_t h = 1469598103934665603ULL;
    const auto mix = [&h](const void* data, std::size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
    };
    for (int i = 0; i < st.columnCount(); ++i) {
        const model::Value v = st.columnValue(i);
        const auto tag = static_cast<unsigned char>(v.index());
        mix(&tag, 1);
        if (const auto* n = std::get_if<std::int64_t>(&v)) mix(n, sizeof *n);
        else if (const auto* d = std::get_if<double>(&v)) mix(d, sizeof *d);
        else if (const auto* t = std::get_if<std::string>(&v)) {
            const auto len = static_cast<std::uint64_t>(t->size());
            mix(&len, sizeof len);
            mix(t->data(), t->size());
        }
    }
    return static_cast<std::int64_t>(h);
}

} // namespace

LocalChanges localChanges(const std::string& localPath) {
    auto atlas = Atlas::open(localPath, OpenMode::ReadOnly);
    auto& c = atlas->connection();
    if (!c.tableExists("checkout_rows"))
        throw InputError("'" + localPath + "' was not checked out from a PostGIS atlas (no checkout_rows table)");
    LocalChanges out;
    for (const auto& table : versionedTables()) {
        Statement base(c, "SELECT row_id, hash FROM checkout_rows WHERE table_name = ? ORDER BY row_id");
        base.bind(1, table);
        std::map<std::int64_t, std::int64_t> hashes;
        while (base.step()) hashes[base.columnInt(0)] = base.columnInt(1);
        Statement rows(c, "SELECT * FROM " + table + " ORDER BY id");
        while (rows.step()) {
            const std::int64_t id = rows.columnInt(0);
            const auto it = hashes.find(id);
            if (it == hashes.end()) {
                out.added.push_back({table, id});
                continue;
            }
            if (it->second != rowHash(rows)) out.changed.push_back({table, id});
            hashes.erase(it);
        }
        for (const auto& [id, hash] : hashes) out.deleted.push_back({table, id});
    }
    return out;
}


namespace {

// Which table a reference column points into (for new ids of rows added locally).
const char* referencedTable(const std::string& table, const std::string& column) {
    if (column == "community_id") return "communities";
    if (column == "grid_id") return "grids";
    if (column == "building_id") return "buildings";
    if (column == "unit_id") return "units";
    if (column == "household_id") return "households";
    if (column == "member_id" || column == "staffed_by") return "residents";
    if (column == "plan_id") return "grid_plans";
    if (column == "import_id") return "imports";
    (void)table;
    return nullptr;
}

// Tables checkin handles, parents first.
std::vector<std::string> checkinOrder() {
    std::vector<std::string> out{"imports", "streets"};
    for (const auto& s : scopes())
        if (s.hasId) out.emplace_back(s.table);
    return out;
}

// One column's value of a local (SQLite) row in the form the server takes and compares.
struct Cell {
    bool null = true;
    model::Value value;   // plain columns
    std::string bytes;    // bytea, or WKB for geometry
};

Cell localCell(Connection& lite, const Statement& st, int i, const Column& col) {
    Cell c;
    if (st.isNull(i)) return c;
    c.null = false;
    if (col.kind == Column::Kind::Geometry || col.kind == Column::Kind::GeometryBytes) {
        model::Geometry g;
        decodeGeometry(lite, st.columnBlob(i), g);
        c.bytes = encodeWkb(g);
    } else if (col.kind == Column::Kind::Bytes) {
        c.bytes = std::string(st.columnBlob(i));
    } else {
        c.value = st.columnValue(i);
    }
    return c;
}

Cell serverCell(const Statement& st, int i, const Column& col) {
    Cell c;
    if (st.isNull(i)) return c;
    c.null = false;
    if (col.kind == Column::Kind::Plain) c.value = st.columnValue(i);
    else c.bytes = std::string(st.columnBlob(i)); // geometry selected as ST_AsBinary
    return c;
}

bool sameCell(const Cell& a, const Cell& b, const Column& col) {
    if (a.null || b.null) return a.null == b.null;
    if (col.kind != Column::Kind::Plain) return a.bytes == b.bytes;
    return model::toText(a.value) == model::toText(b.value);
}

std::optional<std::string> shownCell(const std::string& table, const Column& col, const Cell& c, bool reveal) {
    if (c.null) return std::nullopt;
    if (col.kind == Column::Kind::Geometry) return "(geometry, " + std::to_string(c.bytes.size()) + " bytes WKB)";
    if (col.kind == Column::Kind::Bytes) return "(" + std::to_string(c.bytes.size()) + " bytes)";
    const std::string text = model::toText(c.value);
    return reveal ? text : auditValue(table, col.name, text);
}

void bindCell(Statement& st, int index, const Cell& c, const Column& col) {
    if (c.null) st.bindNull(index);
    else if (col.kind == Column::Kind::Plain) st.bind(index, c.value);
    else st.bindBlob(index, c.bytes.data(), c.bytes.size());
}

std::string placeholderFor(const Column& col, int index, int srid) {
    const std::string p = "?" + std::to_string(index);
    return col.kind == Column::Kind::Geometry ? "ST_GeomFromWKB(" + p + ", " + std::to_string(srid) + ")" : p;
}

const char* kindText(CheckinConflict::Kind k) {
    switch (k) {
    case CheckinConflict::Kind::ChangedOnBothSides: return "changed here and on the server since checkout";
    case CheckinConflict::Kind::DeletedOnServer: return "changed here, deleted on the server since checkout";
    case CheckinConflict::Kind::DeletedHereChangedOnServer: return "deleted here, changed on the server since checkout";
    }
    return "";
}

} // namespace

std::string CheckinSummary::report() const {
    std::ostringstream out;
    out << (dryRun ? "dry run (nothing written): would check in " : "checked in ") << added << " added, " << changed
        << " changed, " << deleted << " deleted row(s) to " << server;
    for (const auto& [ref, id] : newIds) out << "\n  new " << ref.table << " " << ref.id << " is " << id << " on the server";
    if (conflicts.empty()) {
        out << "\nno conflicts";
        return out.str();
    }
    out << "\n" << conflicts.size() << " conflict(s), not checked in (neither side was overwritten):";
    for (const auto& c : conflicts) {
        out << "\n  " << c.row.table << " " << c.row.id << ": " << kindText(c.kind) << " (version at checkout "
            << c.checkoutVersion;
        if (c.serverVersion > 0) out << ", now " << c.serverVersion;
        out << ")";
        for (const auto& f : c.fields)
            out << "\n    " << f.column << ": here " << (f.local ? "'" + *f.local + "'" : "NULL") << ", on the server "
                << (f.server ? "'" + *f.server + "'" : "NULL");
    }
    out << "\nto keep the server's version of a conflicting row, check the community out again; to keep yours, "
           "redo the edit on a fresh checkout (or in the viewer on the server atlas)";
    return out.str();
}

CheckinSummary checkinCommunity(const std::string& localPath, const std::string& target, bool dryRun, bool reveal,
                                Feedback* feedback) {
    if (isPostgresLocation(localPath)) throw InputError("checkin: --atlas must be the checked-out SpatiaLite atlas file");
    const LocalChanges changes = localChanges(localPath); // throws for an atlas that was not checked out
    auto local = Atlas::open(localPath, OpenMode::ReadWrite);
    Connection& lite = local->connection();
    const std::string to = target.empty() ? lite.queryText("SELECT value FROM atlas_meta WHERE key = 'checkout_from'").value_or("") : target;
    if (to.empty()) throw InputError("checkin: '" + localPath + "' does not say where it was checked out from; give --to");
    if (!isPostgresLocation(to)) throw InputError("checkin: --to '" + to + "' is not a PostgreSQL location");
    auto server = Atlas::open(to, OpenMode::ReadWrite);
    Connection& pg = server->connection();
    if (server->srid() != local->srid())
        throw InputError("checkin: the server atlas is in EPSG:" + std::to_string(server->srid()) + ", '" + localPath + "' in EPSG:" +
                         std::to_string(local->srid()));

    CheckinSummary summary;
    summary.server = redactLocation(to);
    summary.dryRun = dryRun;
    std::map<std::pair<std::string, std::int64_t>, std::int64_t> base;
    {
        Statement st(lite, "SELECT table_name, row_id, version FROM checkout_rows");
        while (st.step()) base[{st.columnText(0), st.columnInt(1)}] = st.columnInt(2);
    }
    const auto order = checkinOrder();
    const auto rank = [&](const std::string& t) { return std::find(order.begin(), order.end(), t) - order.begin(); };
    auto byOrder = [&](std::vector<RowRef> refs, bool childrenFirst) {
        std::stable_sort(refs.begin(), refs.end(), [&](const RowRef& a, const RowRef& b) {
            return childrenFirst ? rank(a.table) > rank(b.table) : rank(a.table) < rank(b.table);
        });
        return refs;
    };
    std::map<std::string, std::vector<Column>> columnsOf;
    const auto columns = [&](const std::string& t) -> const std::vector<Column>& {
        auto it = columnsOf.find(t);
        if (it == columnsOf.end()) it = columnsOf.emplace(t, pgColumns(pg, t)).first;
        return it->second;
    };
    const auto sridOf = [&](const std::string& t) { return t == "rooms" ? 0 : server->srid(); };
    std::map<std::string, std::map<std::int64_t, std::int64_t>> newId; // table -> local id -> server id
    const auto remap = [&](const std::string& table, const Column& col, Cell& cell) {
        if (cell.null || col.kind != Column::Kind::Plain) return;
        const char* ref = referencedTable(table, col.name);
        if (!ref) return;
        const auto* id = std::get_if<std::int64_t>(&cell.value);
        if (!id) return;
        const auto m = newId.find(ref);
        if (m == newId.end()) return;
        const auto it = m->second.find(*id);
        if (it != m->second.end()) cell.value = it->second;
    };
    // Rows written: (table, local id) -> server version after the write; deleted: version -1.
    std::map<std::pair<std::string, std::int64_t>, std::int64_t> written;
    const auto readLocal = [&](const std::string& table, std::int64_t id, std::vector<Cell>& out) {
        const auto& cols = columns(table);
        Statement st(lite, "SELECT " + columnList(cols) + " FROM " + table + " WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) throw StorageError("checkin: " + table + " " + std::to_string(id) + " vanished from '" + localPath + "'");
        out.clear();
        for (std::size_t i = 0; i < cols.size(); ++i) out.push_back(localCell(lite, st, static_cast<int>(i), cols[i]));
    };

    Transaction tx(pg);
    std::size_t done = 0;
    const std::size_t total = changes.added.size() + changes.changed.size() + changes.deleted.size();
    const auto tick = [&](const char* stage) {
        if (feedback && total > 0 && ++done % 64 == 0) {
            feedback->throwIfCancelled();
            feedback->setProgress(100.0 * static_cast<double>(done) / static_cast<double>(total), stage);
        }
    };
    // Table by table, parents first: the rows changed here (a building's new unit count), then the
    // rows added here (its new unit), with new server ids that later tables' references follow.
    const auto addRow = [&](const RowRef& ref) {
        const auto& cols = columns(ref.table);
        std::vector<Cell> cells;
        readLocal(ref.table, ref.id, cells);
        std::string names, values;
        std::vector<std::pair<int, std::size_t>> binds;
        int n = 0;
        for (std::size_t i = 0; i < cols.size(); ++i) {
            if (cols[i].name == "id" || cols[i].name == "row_version") continue;
            remap(ref.table, cols[i], cells[i]);
            names += (names.empty() ? "" : ", ") + quoteIdentifier(cols[i].name);
            values += (values.empty() ? "" : ", ") + placeholderFor(cols[i], ++n, sridOf(ref.table));
            binds.emplace_back(n, i);
        }
        Statement ins(pg, "INSERT INTO " + ref.table + " (" + names + ") VALUES (" + values + ") RETURNING id, " + versionExpr(cols));
        for (const auto& [index, i] : binds) bindCell(ins, index, cells[i], cols[i]);
        try {
            if (!ins.step()) throw StorageError("checkin: inserting " + ref.table + " " + std::to_string(ref.id) + " returned no id");
        } catch (const ConstraintError& e) {
            throw ConstraintError("checkin: new " + ref.table + " " + std::to_string(ref.id) + " breaks a rule on the server: " +
                                  describeRule(e.what()) + "; nothing was checked in");
        }
        newId[ref.table][ref.id] = ins.columnInt(0);
        written[{ref.table, ref.id}] = ins.columnInt(1);
        summary.newIds.push_back({ref, ins.columnInt(0)});
        ++summary.added;
        tick("added rows");
    };
    // A row changed here is written when the server still has it as it was checked out.
    const auto changeRow = [&](const RowRef& ref) {
        const auto& cols = columns(ref.table);
        std::vector<Cell> mine;
        readLocal(ref.table, ref.id, mine);
        Statement cur(pg, "SELECT " + versionExpr(cols) + ", " + columnList(cols, &pg) + " FROM " + ref.table + " WHERE id = ? FOR UPDATE");
        cur.bind(1, ref.id);
        const std::int64_t checkoutVersion = base[{ref.table, ref.id}];
        std::vector<std::size_t> differing;
        std::vector<Cell> theirs;
        const bool exists = cur.step();
        if (exists) {
            for (std::size_t i = 0; i < cols.size(); ++i) {
                theirs.push_back(serverCell(cur, static_cast<int>(i) + 1, cols[i]));
                if (cols[i].name == "row_version" || cols[i].name == "id") continue;
                Cell m = mine[i];
                remap(ref.table, cols[i], m);
                if (!sameCell(m, theirs.back(), cols[i])) differing.push_back(i);
            }
        }
        const std::int64_t serverVersion = exists ? cur.columnInt(0) : 0;
        cur.reset();
        if (!exists || serverVersion != checkoutVersion) {
            CheckinConflict c;
            c.row = ref;
            c.kind = exists ? CheckinConflict::Kind::ChangedOnBothSides : CheckinConflict::Kind::DeletedOnServer;
            c.checkoutVersion = checkoutVersion;
            c.serverVersion = serverVersion;
            for (std::size_t i = 0; i < cols.size(); ++i) {
                if (exists && std::find(differing.begin(), differing.end(), i) == differing.end()) continue;
                if (cols[i].name == "row_version") continue;
                c.fields.push_back({cols[i].name, shownCell(ref.table, cols[i], mine[i], reveal),
                                    exists ? shownCell(ref.table, cols[i], theirs[i], reveal) : std::nullopt});
            }
            summary.conflicts.push_back(std::move(c));
            return;
        }
        if (differing.empty()) { // touched here without a change of content (e.g. saved as it was)
            written[{ref.table, ref.id}] = serverVersion;
            return;
        }
        std::string sets;
        int n = 0;
        for (const auto i : differing) sets += (sets.empty() ? "" : ", ") + quoteIdentifier(cols[i].name) + " = " + placeholderFor(cols[i], ++n, sridOf(ref.table));
        Statement upd(pg, "UPDATE " + ref.table + " SET " + sets + " WHERE id = ?" + std::to_string(n + 1) + " RETURNING " + versionExpr(cols));
        n = 0;
        for (const auto i : differing) {
            Cell m = mine[i];
            remap(ref.table, cols[i], m);
            bindCell(upd, ++n, m, cols[i]);
        }
        upd.bind(n + 1, ref.id);
        try {
            if (!upd.step()) throw StorageError("checkin: " + ref.table + " " + std::to_string(ref.id) + " vanished while locked");
        } catch (const ConstraintError& e) {
            throw ConstraintError("checkin: " + ref.table + " " + std::to_string(ref.id) + " breaks a rule on the server: " +
                                  describeRule(e.what()) + "; nothing was checked in");
        }
        written[{ref.table, ref.id}] = upd.columnInt(0);
        ++summary.changed;
        tick("changed rows");
    };
    for (const auto& table : order) {
        for (const auto& ref : changes.changed)
            if (ref.table == table) changeRow(ref);
        for (const auto& ref : changes.added)
            if (ref.table == table) addRow(ref);
    }
    // Then the rows deleted here, children first (a parent's delete cascades on the server as it did here).
    for (const auto& ref : byOrder(changes.deleted, true)) {
        const auto& cols = columns(ref.table);
        Statement cur(pg, "SELECT " + versionExpr(cols) + " FROM " + ref.table + " WHERE id = ? FOR UPDATE");
        cur.bind(1, ref.id);
        const std::int64_t checkoutVersion = base[{ref.table, ref.id}];
        if (!cur.step()) { // gone on the server too (deleted there, or by a cascade just now)
            written[{ref.table, ref.id}] = -1;
            continue;
        }
        const std::int64_t serverVersion = cur.columnInt(0);
        cur.reset();
        // Rows that still hang on it on the server (added there since checkout, or moved under it)
        // would go with it by cascade, unseen here: that is a change on the server too.
        bool hasOthers = false;
        for (const auto& child : order) {
            for (const auto& col : columns(child)) {
                const char* parent = referencedTable(child, col.name);
                if (!parent || ref.table != parent) continue;
                Statement under(pg, "SELECT 1 FROM " + child + " WHERE " + quoteIdentifier(col.name) + " = ? LIMIT 1");
                under.bind(1, ref.id);
                hasOthers = hasOthers || under.step();
            }
        }
        if (serverVersion != checkoutVersion || hasOthers) {
            CheckinConflict c;
            c.row = ref;
            c.kind = CheckinConflict::Kind::DeletedHereChangedOnServer;
            c.checkoutVersion = checkoutVersion;
            c.serverVersion = serverVersion;
            summary.conflicts.push_back(std::move(c));
            continue;
        }
        Statement del(pg, "DELETE FROM " + ref.table + " WHERE id = ?");
        del.bind(1, ref.id);
        try {
            del.run();
        } catch (const ConstraintError& e) {
            throw ConstraintError("checkin: deleting " + ref.table + " " + std::to_string(ref.id) + " breaks a rule on the server: " +
                                  describeRule(e.what()) + "; nothing was checked in");
        }
        written[{ref.table, ref.id}] = -1;
        ++summary.deleted;
        tick("deleted rows");
    }
    if (dryRun) return summary; // the transaction rolls back; the local atlas is untouched
    tx.commit();

    // The local atlas follows: added rows take their server ids (through negative ids, so a new
    // id that equals another added row's local id never clashes), and checkout_rows records the
    // server versions and the rows' content, so a second checkin finds nothing to do.
    Transaction ltx(lite);
    lite.exec("PRAGMA defer_foreign_keys = ON");
    AuditBulkScope quiet(lite, true);
    for (int phase = 0; phase < 2; ++phase) {
        for (const auto& [table, ids] : newId) {
            for (const auto& [localId, serverId] : ids) {
                const std::int64_t from = phase == 0 ? localId : -localId - 1;
                const std::int64_t toId = phase == 0 ? -localId - 1 : serverId;
                Statement pk(lite, "UPDATE " + table + " SET id = ? WHERE id = ?");
                pk.bind(1, toId).bind(2, from);
                pk.run();
                for (const auto& t : order) {
                    if (!lite.tableExists(t)) continue;
                    for (const auto& col : columns(t)) {
                        const char* ref = referencedTable(t, col.name);
                        if (!ref || table != ref) continue;
                        Statement fk(lite, "UPDATE " + t + " SET " + quoteIdentifier(col.name) + " = ? WHERE " + quoteIdentifier(col.name) + " = ?");
                        fk.bind(1, toId).bind(2, from);
                        fk.run();
                    }
                }
            }
        }
    }
    {
        Statement drop(lite, "DELETE FROM checkout_rows WHERE table_name = ? AND row_id = ?");
        Statement put(lite, "INSERT OR REPLACE INTO checkout_rows (table_name, row_id, version, hash) VALUES (?, ?, ?, ?)");
        for (const auto& [key, version] : written) {
            const auto& [table, localId] = key;
            const auto mapped = newId.count(table) && newId[table].count(localId) ? newId[table][localId] : localId;
            drop.bind(1, table).bind(2, localId);
            drop.run();
            if (version < 0) continue;
            Statement row(lite, "SELECT * FROM " + table + " WHERE id = ?");
            row.bind(1, mapped);
            if (!row.step()) continue;
            put.bind(1, table).bind(2, mapped).bind(3, version).bind(4, rowHash(row));
            put.run();
        }
    }
    AtlasWriter(*local).setMeta("checkin_at", pg.queryText("SELECT " + nowText(pg)).value_or(""));
    if (!newId.empty()) refreshHouseholdPoints(lite);
    ltx.commit();
    if (feedback) feedback->setProgress(100.0, "done");
    return summary;
}

std::int64_t TransferSummary::totalRows() const {
    std::int64_t n = 0;
    for (const auto& t : tables) n += t.rows;
    return n;
}

std::string TransferSummary::report() const {
    std::ostringstream out;
    for (const auto& t : tables)
        if (t.rows) out << "  " << t.table << ": " << t.rows << "\n";
    return out.str();
}

std::int64_t copyWholeTable(Connection& sqlite, Connection& pg, const std::string& table, Feedback* feedback) {
    const auto srids = pgGeometrySrids(pg);
    const auto it = srids.find(table);
    return copyRows(sqlite, pg, table, table, pgColumns(pg, table), "", 0, it == srids.end() ? 0 : it->second, feedback);
}

std::vector<std::string> communityTables() {
    std::vector<std::string> out;
    for (const auto& s : scopes()) out.emplace_back(s.table);
    return out;
}

TransferSummary publishCommunity(const std::string& atlasPath, const std::string& target, const std::string& community,
                                 Feedback* feedback) {
    if (isPostgresLocation(atlasPath)) throw InputError("publish: --atlas must be a SpatiaLite atlas file, not '" + redactLocation(atlasPath) + "'");
    if (!isPostgresLocation(target))
        throw InputError("publish: --to '" + target + "' is not a PostgreSQL location (postgresql://host/db, pg:service=NAME or PG:conninfo)");
    auto source = Atlas::open(atlasPath, OpenMode::ReadOnly);
    Connection& lite = source->connection();
    const CommunityRef ref = findCommunity(lite, community, "'" + atlasPath + "'");
    TransferSummary summary;
    summary.community = ref.name;
    summary.communityId = ref.id;

    std::unique_ptr<Atlas> server;
    {
        Connection probe(target, OpenMode::ReadWrite);
        summary.createdAtlas = !probe.tableExists("atlas_meta");
    }
    server = summary.createdAtlas ? Atlas::create(target, source->srid(), source->info().name) : Atlas::open(target, OpenMode::ReadWrite);
    if (server->srid() != source->srid())
        throw InputError("publish: the server atlas is in EPSG:" + std::to_string(server->srid()) + ", '" + atlasPath + "' in EPSG:" +
                         std::to_string(source->srid()) + ": one atlas has one CRS");
    Connection& pg = server->connection();
    const auto srids = pgGeometrySrids(pg);
    const auto sridOf = [&](const std::string& t) {
        const auto it = srids.find(t);
        return it == srids.end() ? 0 : it->second;
    };
    const auto& sc = scopes();
    const std::size_t steps = sc.size() * 2 + 4;
    std::size_t step = 0;

    Transaction tx(pg);
    pg.exec("SELECT set_config('gridatlas.audit_rows', 'none', true)"); // a publish is a copy, not edits (audit_pg.h)
    // A re-publish replaces the community: its rows go first, children before parents.
    {
        Statement st(pg, "SELECT id FROM communities WHERE code = ? OR name = ?");
        st.bind(1, ref.code).bind(2, ref.name);
        std::vector<std::int64_t> old;
        while (st.step()) old.push_back(st.columnInt(0));
        for (const std::int64_t id : old) {
            for (auto it = sc.rbegin(); it != sc.rend(); ++it) {
                progress(feedback, ++step, steps, std::string("removing the earlier ") + it->table);
                Statement del(pg, "WITH d AS (DELETE FROM " + std::string(it->table) + " WHERE " + it->where +
                                      " RETURNING 1) SELECT COUNT(*) FROM d");
                del.bind(1, id);
                if (del.step()) summary.replacedRows += del.columnInt(0);
            }
        }
    }
    progress(feedback, ++step, steps, "post types");
    summary.tables.push_back({"post_types", upsertRows(lite, pg, "post_types", "type", "", 0, 0, feedback)});
    progress(feedback, ++step, steps, "streets");
    summary.tables.push_back({"streets", upsertRows(lite, pg, "streets", "id", "", 0, sridOf("streets"), feedback)});
    progress(feedback, ++step, steps, "imports");
    summary.tables.push_back({"imports", upsertRows(lite, pg, "imports", "id", importsWhere(), ref.id, 0, feedback)});
    for (const auto& s : sc) {
        progress(feedback, ++step, steps, s.table);
        const std::string t = s.table;
        try {
            summary.tables.push_back({t, copyRows(lite, pg, t, t, pgColumns(pg, t), s.where, ref.id, sridOf(t), feedback)});
        } catch (const ConstraintError& e) {
            throw ConstraintError("publish: " + t + ": a row could not be stored on the server (an id may belong to another "
                                  "community there): " + describeRule(e.what()));
        }
    }
    publishCrypto(lite, pg);
    moveSequencesOn(pg);
    tx.commit();
    // Planner statistics after the first, large load; later publishes change a community at a
    // time and autovacuum's ANALYZE follows them (a whole ANALYZE took ~0.4 s a publish on M).
    if (summary.createdAtlas) {
        progress(feedback, steps, steps, "statistics");
        server->updateStatistics();
    }
    return summary;
}

TransferSummary checkoutCommunity(const std::string& source, const std::string& community, const std::string& outPath,
                                  Feedback* feedback) {
    if (!isPostgresLocation(source))
        throw InputError("checkout: --from '" + source + "' is not a PostgreSQL location (postgresql://host/db, pg:service=NAME or PG:conninfo)");
    if (isPostgresLocation(outPath)) throw InputError("checkout: --out must be a SpatiaLite atlas file");
    auto server = Atlas::open(source, OpenMode::ReadOnly);
    Connection& pg = server->connection();
    // One snapshot for every table: the copy is consistent while others keep editing.
    pg.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const CommunityRef ref = findCommunity(pg, community, "'" + redactLocation(source) + "'");
    TransferSummary summary;
    summary.community = ref.name;
    summary.communityId = ref.id;

    auto local = Atlas::create(outPath, server->srid(), ref.name);
    Connection& lite = local->connection();
    const auto& sc = scopes();
    const std::size_t steps = sc.size() + 5;
    std::size_t step = 0;
    Transaction tx(lite);
    lite.exec("CREATE TABLE checkout_rows (table_name TEXT NOT NULL, row_id INTEGER NOT NULL, version INTEGER NOT NULL, "
              "hash INTEGER, PRIMARY KEY (table_name, row_id))");
    Statement version(lite, "INSERT INTO checkout_rows (table_name, row_id, version) VALUES (?, ?, ?)");

    // Copies the rows `where` selects on the server into the same table here.
    const auto copyDown = [&](const std::string& table, const std::string& where, bool versions, bool replace) {
        const auto cols = pgColumns(pg, table);
        const int localSrid = table == "rooms" ? -1 : server->srid();
        std::string sql = "SELECT " + columnList(cols, &pg);
        if (versions) sql += ", " + versionExpr(cols);
        sql += " FROM " + table + (where.empty() ? "" : " WHERE " + where) + " ORDER BY 1";
        Statement in(pg, sql);
        if (where.find("?1") != std::string::npos) in.bind(1, ref.id);
        std::string placeholders;
        for (std::size_t i = 0; i < cols.size(); ++i) placeholders += i ? ", ?" : "?";
        Statement out(lite, std::string(replace ? "INSERT OR REPLACE" : "INSERT") + " INTO " + table + " (" + columnList(cols) +
                                ") VALUES (" + placeholders + ")");
        std::int64_t rows = 0;
        model::Geometry g;
        while (in.step()) {
            for (std::size_t i = 0; i < cols.size(); ++i) {
                const int c = static_cast<int>(i);
                if (in.isNull(c)) {
                    out.bindNull(c + 1);
                } else if (cols[i].kind == Column::Kind::Geometry || cols[i].kind == Column::Kind::GeometryBytes) {
                    decodeWkb(in.columnBlob(c), g);
                    const std::string blob = encodeSpatialiteBlob(g, localSrid);
                    out.bindBlob(c + 1, blob.data(), blob.size());
                } else if (cols[i].kind == Column::Kind::Bytes) {
                    const auto b = in.columnBlob(c);
                    out.bindBlob(c + 1, b.data(), b.size());
                } else {
                    out.bind(c + 1, in.columnValue(c));
                }
            }
            try {
                out.run();
            } catch (const ConstraintError& e) {
                throw ConstraintError("checkout: " + table + " row " + std::to_string(in.columnInt(0)) + ": " + describeRule(e.what()));
            }
            if (versions) {
                version.bind(1, table).bind(2, in.columnInt(0)).bind(3, in.columnInt(static_cast<int>(cols.size())));
                version.run();
            }
            if (++rows % 4096 == 0 && feedback) feedback->throwIfCancelled();
        }
        summary.tables.push_back({table, rows});
    };

    progress(feedback, ++step, steps, "post types");
    copyDown("post_types", "", false, true);
    progress(feedback, ++step, steps, "streets");
    // The street network around the community (walking coverage reaches beyond its boundary).
    copyDown("streets",
             "geom && (SELECT ST_Expand(c.geom, 2000) FROM communities c WHERE c.id = ?1)", true, false);
    progress(feedback, ++step, steps, "imports");
    copyDown("imports", importsWhere(), true, false);
    for (const auto& s : sc) {
        progress(feedback, ++step, steps, s.table);
        copyDown(s.table, s.where, s.hasId, false);
    }
    {
        Statement crypto(pg, "SELECT kdf, salt, opslimit, memlimit, key_check, cipher, changed_at FROM atlas_crypto WHERE id = 1");
        if (crypto.step()) {
            Statement ins(lite, "INSERT INTO atlas_crypto (id, kdf, salt, opslimit, memlimit, key_check, cipher, changed_at) "
                                "VALUES (1, ?, ?, ?, ?, ?, ?, ?)");
            ins.bind(1, crypto.columnText(0));
            const auto salt = crypto.columnBlob(1);
            ins.bindBlob(2, salt.data(), salt.size());
            ins.bind(3, crypto.columnInt(2)).bind(4, crypto.columnInt(3));
            const auto check = crypto.columnBlob(4);
            ins.bindBlob(5, check.data(), check.size());
            ins.bind(6, crypto.columnText(5)).bind(7, crypto.columnText(6));
            ins.run();
        }
    }
    progress(feedback, ++step, steps, "provenance");
    {
        AtlasWriter meta(*local);
        meta.setMeta("checkout_from", redactLocation(source));
        meta.setMeta("checkout_community", ref.name);
        meta.setMeta("checkout_community_id", std::to_string(ref.id));
        meta.setMeta("checkout_at", pg.queryText("SELECT " + nowText(pg)).value_or(""));
        meta.setMeta("checkout_snapshot", pg.queryText("SELECT pg_current_snapshot()::text").value_or(""));
        meta.setMeta("checkout_schema_version", std::to_string(server->info().schemaVersion));
    }
    // What each row held at checkout, so local edits can be told apart later (localChanges()).
    {
        Statement hash(lite, "UPDATE checkout_rows SET hash = ? WHERE table_name = ? AND row_id = ?");
        for (const auto& table : versionedTables()) {
            Statement rows(lite, "SELECT * FROM " + table);
            while (rows.step()) {
                hash.bind(1, rowHash(rows)).bind(2, table).bind(3, rows.columnInt(0));
                hash.run();
            }
        }
    }
    progress(feedback, ++step, steps, "household points");
    refreshHouseholdPoints(lite);
    tx.commit();
    pg.exec("COMMIT");
    local->updateStatistics();
    if (feedback) feedback->setProgress(100.0, "done");
    return summary;
}

} // namespace gridatlas::storage
