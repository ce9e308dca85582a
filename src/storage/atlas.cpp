#include "storage/atlas.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "model/support/error.h"
#include "storage/crypto.h"
#include "storage/audit.h"
#include "storage/backup.h"
#include "storage/engine.h"
#include "storage/schema.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

namespace fs = std::filesystem;
using model::Feature;
using model::FeatureRequest;
using model::GeomType;

namespace {

struct LayerDef {
    const char* layer;
    const char* relation;   // table or view read
    const char* indexTable; // R*Tree of the base table
    GeomType type;
};
// Layers read the summary views where they exist, so counts are always current.
constexpr std::array<LayerDef, 7> kLayers{{
    {"communities", "communities", "idx_communities_geom", GeomType::MultiPolygon},
    {"grids", "grid_summary", "idx_grids_geom", GeomType::Polygon},
    {"buildings", "building_summary", "idx_buildings_geom", GeomType::Polygon},
    {"units", "units", "idx_units_geom", GeomType::Point},
    {"households", "household_summary", "idx_households_geom", GeomType::Point},
    {"service_posts", "post_summary", "idx_service_posts_geom", GeomType::Point},
    {"streets", "streets", "idx_streets_geom", GeomType::LineString},
}};

const LayerDef* findLayer(const std::string& name) {
    for (const auto& l : kLayers)
        if (name == l.layer) return &l;
    return nullptr;
}

constexpr int kGeoPackageId = 0x47504B47; // 'GPKG'

std::string quoted(const std::string& path) { return "'" + path + "'"; }

void checkIsSqliteFile(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw StorageError("atlas " + quoted(path) + " does not exist");
    if (fs::is_directory(path, ec)) throw StorageError("atlas " + quoted(path) + " is a folder, not an atlas file");
    const auto size = fs::file_size(path, ec);
    if (ec) throw StorageError("atlas " + quoted(path) + " cannot be read: " + ec.message());
    if (size == 0) throw StorageError("atlas " + quoted(path) + " is empty (0 bytes): not an atlas");
    std::ifstream in(path, std::ios::binary);
    std::array<char, 16> head{};
    in.read(head.data(), head.size());
    if (in.gcount() < 16 || std::memcmp(head.data(), "SQLite format 3", 16) != 0)
        throw StorageError("atlas " + quoted(path) + " is not a SQLite/SpatiaLite database (wrong file header)");
}

class TableCursor : public model::FeatureCursor {
public:
    TableCursor(Connection& conn, const std::string& sql, const FeatureRequest& req, std::size_t nfields)
        : m_conn(conn), m_st(conn, sql), m_nfields(nfields), m_withGeometry(req.withGeometry) {
        if (req.bbox) {
            m_st.bind(1, req.bbox->xmin).bind(2, req.bbox->ymin).bind(3, req.bbox->xmax).bind(4, req.bbox->ymax);
        }
    }
    bool next(Feature& out) override {
        if (!m_st.step()) return false;
        out.id = m_st.columnInt(0);
        if (m_withGeometry) {
            if (m_st.isNull(1)) {
                out.geometry = model::Geometry{};
            } else {
                decodeGeometry(m_conn, m_st.columnBlob(1), out.geometry);
            }
        }
        out.values.resize(m_nfields);
        for (std::size_t i = 0; i < m_nfields; ++i) out.values[i] = m_st.columnValue(static_cast<int>(i) + 2);
        return true;
    }

private:
    Connection& m_conn;
    Statement m_st;
    std::size_t m_nfields;
    bool m_withGeometry;
};

// One frame's read of a source in a box, with every field (AtlasProvider::setViewMemo).
struct MemoEntry {
    model::Rect box;
    std::vector<std::string> fields;
    std::vector<Feature> features;
};
struct ViewMemoTable {
    std::unordered_map<std::string, std::shared_ptr<const MemoEntry>> reads;   ///< this frame's, by layer
    std::unordered_map<std::string, std::vector<std::string>> fields;           ///< asked for so far, by layer
};

bool sameBox(const model::Rect& a, const model::Rect& b) {
    return a.xmin == b.xmin && a.ymin == b.ymin && a.xmax == b.xmax && a.ymax == b.ymax;
}

class MemoCursor : public model::FeatureCursor {
public:
    MemoCursor(std::shared_ptr<const MemoEntry> entry, std::vector<std::size_t> columns, bool withGeometry)
        : m_entry(std::move(entry)), m_columns(std::move(columns)), m_withGeometry(withGeometry) {}
    bool next(Feature& out) override {
        if (m_next >= m_entry->features.size()) return false;
        const Feature& f = m_entry->features[m_next++];
        out.id = f.id;
        if (m_withGeometry) out.geometry = f.geometry;
        out.values.resize(m_columns.size());
        for (std::size_t i = 0; i < m_columns.size(); ++i) out.values[i] = f.values[m_columns[i]];
        return true;
    }

private:
    std::shared_ptr<const MemoEntry> m_entry;
    std::vector<std::size_t> m_columns;
    bool m_withGeometry;
    std::size_t m_next = 0;
};

class TableSource : public model::FeatureSource {
public:
    TableSource(Connection& conn, const LayerDef& def, ViewMemoTable* memo = nullptr) : m_conn(conn), m_def(def), m_memo(memo) {
        for (const auto& [name, type] : relationColumns(conn, def.relation)) {
            if (name == "geom" || name == "rowid" || name == "row_version") continue; // (bookkeeping, not an attribute)
            model::Field f;
            f.name = name;
            f.type = type.find("INT") != std::string::npos ? model::FieldType::Integer
                     : (type.find("REAL") != std::string::npos || type.find("DOUBLE") != std::string::npos ||
                        type.find("NUMERIC") != std::string::npos)
                         ? model::FieldType::Real
                         : model::FieldType::Text;
            f.sensitive = name == "manager" || name == "supervisor" || name == "assistant";
            m_fields.push_back(std::move(f));
        }
    }
    std::string name() const override { return m_def.layer; }
    GeomType geometryType() const override { return m_def.type; }
    std::vector<model::Field> fields() const override { return m_fields; }
    model::Rect extent() const override {
        const std::string base = std::string(m_def.indexTable).substr(4, std::string(m_def.indexTable).size() - 9); // idx_<base>_geom
        Statement st(m_conn, m_conn.engine() == Engine::PostgreSQL
                                 ? "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM " + base + ") x"
                                 : std::string("SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM ") + m_def.indexTable);
        if (!st.step() || st.isNull(0)) return {};
        return model::Rect{st.columnDouble(0), st.columnDouble(1), st.columnDouble(2), st.columnDouble(3)};
    }
    std::unique_ptr<model::FeatureCursor> features(const FeatureRequest& req) override {
        if (m_memo && req.bbox) return memoFeatures(req);
        return queryFeatures(req);
    }

private:
    // The fields the layers over this source asked for in the last frame, read once per frame
    // and box and shared by them; a field no earlier frame asked for is read on its own once
    // and joins the set for the next frame.
    std::unique_ptr<model::FeatureCursor> memoFeatures(const FeatureRequest& req) {
        auto& slot = m_memo->reads[m_def.layer];
        auto& wanted = m_memo->fields[m_def.layer];
        for (const auto& f : req.fields)
            if (std::find(wanted.begin(), wanted.end(), f) == wanted.end()) wanted.push_back(f);
        if (!slot || !sameBox(slot->box, *req.bbox)) {
            FeatureRequest all;
            all.bbox = req.bbox;
            all.withGeometry = true;
            all.fields = wanted;
            auto cursor = queryFeatures(all); // (throws for an unknown field, naming it)
            auto entry = std::make_shared<MemoEntry>();
            entry->box = *req.bbox;
            entry->fields = all.fields;
            Feature f;
            while (cursor->next(f)) entry->features.push_back(f);
            slot = std::move(entry);
        }
        std::vector<std::size_t> columns;
        for (const auto& name : req.fields) {
            const auto it = std::find(slot->fields.begin(), slot->fields.end(), name);
            if (it == slot->fields.end()) return queryFeatures(req); // new this frame: read on its own
            columns.push_back(static_cast<std::size_t>(it - slot->fields.begin()));
        }
        return std::make_unique<MemoCursor>(slot, std::move(columns), req.withGeometry);
    }

    std::unique_ptr<model::FeatureCursor> queryFeatures(const FeatureRequest& req) {
        std::string sql = "SELECT id, ";
        sql += req.withGeometry ? geomSelect(m_conn, "geom") : "NULL";
        for (const auto& f : req.fields) {
            bool known = false;
            for (const auto& k : m_fields) known = known || k.name == f;
            if (!known) {
                std::string list;
                for (const auto& k : m_fields) list += (list.empty() ? "" : ", ") + k.name;
                throw InputError("layer '" + std::string(m_def.layer) + "' has no field '" + f + "' (fields: " + list + ")");
            }
            sql += ", " + quoteIdentifier(f);
        }
        sql += std::string(" FROM ") + m_def.relation;
        if (req.bbox) {
            const std::string index(m_def.indexTable);
            sql += " WHERE " + bboxFilter(m_conn, "rowid", index.substr(4, index.size() - 9), "geom", 1);
        }
        return std::make_unique<TableCursor>(m_conn, sql, req, req.fields.size());
    }

    Connection& m_conn;
    const LayerDef& m_def;
    ViewMemoTable* m_memo;
    std::vector<model::Field> m_fields;
};

} // namespace

Atlas::Atlas(std::unique_ptr<Connection> conn) : m_conn(std::move(conn)) {}
Atlas::~Atlas() = default;

std::unique_ptr<Atlas> Atlas::create(const std::string& path, int srid, const std::string& name) {
    const bool pg = isPostgresLocation(path);
    std::error_code ec;
    if (!pg && fs::exists(path, ec)) throw StorageError("cannot create atlas " + quoted(path) + ": the file already exists");
    auto conn = std::make_unique<Connection>(path, OpenMode::Create);
    if (!pg) conn->exec("PRAGMA journal_mode = WAL");
    createSchema(*conn, srid);
    std::unique_ptr<Atlas> atlas(new Atlas(std::move(conn)));
    {
        Statement st(atlas->connection(), "INSERT INTO atlas_meta (key, value) VALUES ('name', ?)");
        st.bind(1, name);
        st.run();
    }
    atlas->m_info = AtlasInfo{name, srid, kSchemaVersion};
    return atlas;
}

namespace {
// A PostGIS atlas: a database whose atlas_meta says so. No file checks, no WAL, no backups before
// migrations (the server has its own), and no audit triggers yet (audit.cpp uses SQLite TEMP
// triggers; see docs/postgis.md for what runs on PostGIS so far).
std::unique_ptr<Connection> openPgAtlasConnection(const std::string& location, OpenMode mode) {
    auto conn = std::make_unique<Connection>(location, mode == OpenMode::Create ? OpenMode::ReadWrite : mode);
    if (!conn->tableExists("atlas_meta"))
        throw StorageError("PostgreSQL database '" + redactLocation(location) +
                           "' holds no GridAtlas atlas (no atlas_meta table): create one with 'gridatlas-cli publish'");
    if (!conn->queryInt("SELECT 1 WHERE has_table_privilege('atlas_meta', 'SELECT')"))
        throw StorageError("role '" + conn->queryText("SELECT session_user::text").value_or("?") + "' has no access to the atlas in '" +
                           redactLocation(location) + "': the atlas owner grants it with 'gridatlas-cli access grant --role ROLE "
                           "--community NAME' (docs/postgis.md, Access)");
    // Who writes, for the server's triggers (change notices; audit): the same actor as on SQLite.
    if (mode != OpenMode::ReadOnly) {
        Statement st(*conn, "SELECT set_config('gridatlas.actor', ?, false)");
        st.bind(1, auditActor());
        st.step();
    }
    return conn;
}
} // namespace

std::unique_ptr<Atlas> Atlas::open(const std::string& path, OpenMode mode) {
    if (isPostgresLocation(path)) {
        std::unique_ptr<Atlas> atlas(new Atlas(openPgAtlasConnection(path, mode)));
        auto& c = atlas->connection();
        const std::string where = quoted(redactLocation(path));
        const auto version = c.queryText("SELECT value FROM atlas_meta WHERE key = 'schema_version'");
        const auto sridText = c.queryText("SELECT value FROM atlas_meta WHERE key = 'srid'");
        if (!version || !sridText) throw StorageError("atlas " + where + " lacks its schema version or CRS in atlas_meta");
        atlas->m_info.schemaVersion = std::stoi(*version);
        atlas->m_info.srid = std::stoi(*sridText);
        atlas->m_info.name = c.queryText("SELECT value FROM atlas_meta WHERE key = 'name'").value_or("atlas");
        if (atlas->m_info.schemaVersion > kSchemaVersion)
            throw StorageError("atlas " + where + " has schema version " + *version + ", newer than this GridAtlas understands (" +
                               std::to_string(kSchemaVersion) + "): update GridAtlas to open it");
        if (atlas->m_info.schemaVersion < kSchemaVersion) {
            if (mode == OpenMode::ReadOnly)
                throw StorageError("atlas " + where + " has the older schema version " + *version +
                                   " and is opened read-only: open it writable once to migrate it");
            migrateSchema(c, atlas->m_info.schemaVersion);
            atlas->m_info.schemaVersion = kSchemaVersion;
        }
        return atlas;
    }
    checkIsSqliteFile(path);
    auto conn = std::make_unique<Connection>(path, mode == OpenMode::Create ? OpenMode::ReadWrite : mode);
    std::int64_t appId = 0;
    bool hasMeta = false;
    try {
        appId = conn->queryInt("PRAGMA application_id").value_or(0);
        hasMeta = conn->tableExists("atlas_meta");
    } catch (const StorageError& e) {
        throw StorageError("atlas " + quoted(path) + " is corrupt or not a database: " + e.what());
    }
    if (appId == kGeoPackageId)
        throw StorageError("'" + path + "' is a GeoPackage, not a GridAtlas atlas: import its layers with 'gridatlas-cli import'");
    if (!hasMeta || appId != kAtlasApplicationId) {
        if (conn->tableExists("geometry_columns"))
            throw StorageError("'" + path + "' is a SpatiaLite database but not a GridAtlas atlas (no atlas_meta table): import its layers with 'gridatlas-cli import'");
        throw StorageError("'" + path + "' is a SQLite database but not a GridAtlas atlas (no atlas_meta table)");
    }
    std::unique_ptr<Atlas> atlas(new Atlas(std::move(conn)));
    auto& c = atlas->connection();
    const auto version = c.queryText("SELECT value FROM atlas_meta WHERE key = 'schema_version'");
    const auto sridText = c.queryText("SELECT value FROM atlas_meta WHERE key = 'srid'");
    if (!version || !sridText) throw StorageError("atlas " + quoted(path) + " lacks its schema version or CRS in atlas_meta");
    atlas->m_info.schemaVersion = std::stoi(*version);
    atlas->m_info.srid = std::stoi(*sridText);
    atlas->m_info.name = c.queryText("SELECT value FROM atlas_meta WHERE key = 'name'").value_or(fs::path(path).stem().string());
    if (atlas->m_info.schemaVersion > kSchemaVersion)
        throw StorageError("atlas " + quoted(path) + " has schema version " + *version +
                           ", newer than this GridAtlas understands (" + std::to_string(kSchemaVersion) +
                           "): update GridAtlas to open it");
    if (atlas->m_info.schemaVersion < kSchemaVersion) {
        if (mode == OpenMode::ReadOnly)
            throw StorageError("atlas " + quoted(path) + " has the older schema version " + *version +
                               " and is opened read-only: open it writable once to migrate it");
        // A migration rewrites the schema: keep the atlas as it was first (F.backups/).
        autoBackup(*atlas, "before-migration-from-v" + *version);
        migrateSchema(c, atlas->m_info.schemaVersion);
        atlas->m_info.schemaVersion = kSchemaVersion;
    }
    if (mode != OpenMode::ReadOnly) {
        // WAL lets readers (the viewer, a second CLI) keep a consistent snapshot while one process
        // writes, and a killed writer leaves the last commit intact. An atlas copied in from
        // elsewhere (or a restored backup) may carry another journal mode: put WAL back.
        if (c.queryText("PRAGMA journal_mode").value_or("") != "wal") c.exec("PRAGMA journal_mode = WAL");
        installAudit(c);
    }
    return atlas;
}

std::optional<int> migrateIfOlder(const std::string& path) {
    if (isPostgresLocation(path)) return std::nullopt; // Atlas::open migrates a PostGIS atlas in place
    int version = 0;
    try {
        Connection c(path, OpenMode::ReadOnly);
        if (!c.tableExists("atlas_meta")) return std::nullopt;
        const auto text = c.queryText("SELECT value FROM atlas_meta WHERE key = 'schema_version'");
        if (!text) return std::nullopt;
        version = std::stoi(*text);
    } catch (const std::exception&) {
        return std::nullopt; // missing, not SQLite, not an atlas: Atlas::open says what it is
    }
    if (version < 1 || version >= kSchemaVersion) return std::nullopt;
    Atlas::open(path, OpenMode::ReadWrite); // migrates, after a backup
    return version;
}

std::vector<std::string> Atlas::layerNames() {
    std::vector<std::string> out;
    for (const auto& l : kLayers) out.emplace_back(l.layer);
    return out;
}

namespace {
const LayerDef& requireLayer(const std::string& layer) {
    const LayerDef* def = findLayer(layer);
    if (!def) {
        std::string list;
        for (const auto& l : kLayers) list += (list.empty() ? "" : ", ") + std::string(l.layer);
        throw InputError("unknown layer '" + layer + "' (the atlas has: " + list + ")");
    }
    return *def;
}
} // namespace

model::GeomType Atlas::layerGeometryType(const std::string& layer) { return requireLayer(layer).type; }

std::unique_ptr<model::FeatureSource> Atlas::openLayer(const std::string& layer) {
    return std::make_unique<TableSource>(*m_conn, requireLayer(layer));
}

void Atlas::updateStatistics() {
    if (m_conn->engine() == Engine::PostgreSQL) {
        m_conn->exec("ANALYZE");
        return;
    }
    m_conn->exec("SELECT UpdateLayerStatistics()");
    m_conn->exec("ANALYZE");
}

// ---------------------------------------------------------------------------------------------

namespace {
// The placeholder of geometry parameter N: ?N on SpatiaLite, ST_GeomFromWKB(?N, srid) on PostGIS.
std::string geomAt(const Connection& c, int n, int srid) {
    std::string p = geomParam(c, srid);
    const auto q = p.find('?');
    return p.insert(q + 1, std::to_string(n));
}
// The placeholder of an id parameter: NULL picks the next id (SQLite's INTEGER PRIMARY KEY does
// that by itself; PostgreSQL needs the identity sequence asked explicitly).
std::string autoId(const Connection& c, const char* table, int n) { return idParam(c, table, n); }
} // namespace

struct AtlasWriter::Statements {
    Statements(Connection& c, int srid)
        : community(c, "INSERT INTO communities (id, code, name, street_office, geom) VALUES (" + autoId(c, "communities", 1) + ", ?2, ?3, ?4, " + geomAt(c, 5, srid) + ")"),
          grid(c, "INSERT INTO grids (id, code, name, community_id, target_households, geom) VALUES (" + autoId(c, "grids", 1) + ", ?2, ?3, ?4, ?5, " +
                      geomAt(c, 6, srid) + ")"),
          staff(c, "INSERT INTO grid_staff (id, grid_id, role, name, phone, phone_enc) VALUES (" + autoId(c, "grid_staff", 1) + ", ?2, ?3, ?4, ?5, ?6)"),
          building(c, "INSERT INTO buildings (id, community_id, grid_id, number, name, compound, address, floors, unit_count, "
                      "flats_per_floor, use, geom) VALUES (" + autoId(c, "buildings", 1) + ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, " + geomAt(c, 12, srid) + ")"),
          unit(c, "INSERT INTO units (id, building_id, number, geom) VALUES (" + autoId(c, "units", 1) + ", ?2, ?3, " + geomAt(c, 4, srid) + ")"),
          household(c, "INSERT INTO households (id, unit_id, floor, room, hardship, minimum_income, elderly_alone, "
                       "left_behind_children, vacant, geom) VALUES (" + autoId(c, "households", 1) + ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, " + geomAt(c, 10, srid) + ")"),
          resident(c, "INSERT INTO residents (id, household_id, name, relation, gender, birth_year, phone, id_number, "
                      "disability, is_member, member_type, branch, joined_year, phone_enc, id_number_enc, id_number_hash) "
                      "VALUES (" + autoId(c, "residents", 1) + ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"),
          post(c, "INSERT INTO service_posts (id, community_id, building_id, name, type, hours, radius_m, walk_minutes, geom) "
                  "VALUES (" + autoId(c, "service_posts", 1) + ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, " + geomAt(c, 9, srid) + ")"),
          street(c, "INSERT INTO streets (id, name, class, width_m, geom) VALUES (" + autoId(c, "streets", 1) + ", ?2, ?3, ?4, " + geomAt(c, 5, srid) + ")"),
          assignment(c, "INSERT INTO assignments (member_id, kind, household_id, building_id) VALUES (?1, ?2, ?3, ?4)"),
          meta(c, upsertSql(c, "atlas_meta", "key, value", "key")) {}
    Statement community, grid, staff, building, unit, household, resident, post, street, assignment, meta;
    std::unique_ptr<crypto::FieldCipher> cipher; // made when the first phone or ID number is written
    crypto::FieldCipher& cipherOf(Connection& c) {
        if (!cipher) cipher = std::make_unique<crypto::FieldCipher>(c, crypto::FieldCipher::Need::Key, "store phones and ID numbers");
        return *cipher;
    }
};

AtlasWriter::AtlasWriter(Atlas& atlas) : m_atlas(atlas), m_st(std::make_unique<Statements>(atlas.connection(), atlas.srid())) {}
AtlasWriter::~AtlasWriter() = default;

namespace {
template <class Bind>
std::int64_t insert(Connection& conn, Statement& st, std::int64_t id, const std::string& what, Bind&& bind) {
    if (id > 0) st.bind(1, id);
    else st.bindNull(1);
    bind(st);
    try {
        st.run();
    } catch (const ConstraintError& e) {
        st.reset();
        throw ConstraintError(what + ": " + describeRule(e.what()));
    }
    return id > 0 ? id : conn.lastInsertId();
}

void bindOptText(Statement& st, int i, const std::string& s) {
    if (s.empty()) st.bindNull(i);
    else st.bind(i, s);
}
void bindOptBlob(Statement& st, int i, const crypto::Blob& b) {
    if (b.empty()) st.bindNull(i);
    else st.bindBlob(i, b.data(), b.size());
}
void bindGeom(Statement& st, int i, const model::Geometry& g, int srid) {
    if (g.isEmpty()) {
        st.bindNull(i);
        return;
    }
    const std::string blob = encodeGeometry(st.connection(), g, srid);
    st.bindBlob(i, blob.data(), blob.size());
}
} // namespace

std::int64_t AtlasWriter::add(const model::Community& c) {
    model::Geometry g = c.boundary;
    if (g.type == GeomType::Polygon) g.type = GeomType::MultiPolygon;
    return insert(m_atlas.connection(), m_st->community, c.id, "communities row '" + c.name + "'", [&](Statement& st) {
        st.bind(2, c.code).bind(3, c.name).bind(4, c.streetOffice);
        bindGeom(st, 5, g, m_atlas.srid());
    });
}

std::int64_t AtlasWriter::add(const model::Grid& g) {
    return insert(m_atlas.connection(), m_st->grid, g.id, "grids row '" + g.code + "'", [&](Statement& st) {
        st.bind(2, g.code).bind(3, g.name).bind(4, g.communityId).bind(5, g.targetHouseholds);
        bindGeom(st, 6, g.boundary, m_atlas.srid());
    });
}

std::int64_t AtlasWriter::add(const model::GridStaff& s) {
    return insert(m_atlas.connection(), m_st->staff, 0, "grid_staff row (grid " + std::to_string(s.gridId) + ", " + s.role + ")",
                  [&](Statement& st) {
                      st.bind(2, s.gridId).bind(3, s.role).bind(4, s.name);
                      // Staff phones are sealed to the staff member's name (rows are replaced on edits).
                      const auto phone = s.phone.empty() ? crypto::Sealed{}
                                                         : m_st->cipherOf(m_atlas.connection()).seal(crypto::Field::StaffPhone, s.name, s.phone);
                      bindOptText(st, 5, phone.shown);
                      bindOptBlob(st, 6, phone.cipher);
                  });
}

std::int64_t AtlasWriter::add(const model::Building& b) {
    return insert(m_atlas.connection(), m_st->building, b.id, "buildings row '" + b.number + "'", [&](Statement& st) {
        st.bind(2, b.communityId).bind(3, b.gridId).bind(4, b.number);
        bindOptText(st, 5, b.name);
        bindOptText(st, 6, b.compound);
        bindOptText(st, 7, b.address);
        st.bind(8, b.floors).bind(9, b.unitCount).bind(10, b.flatsPerFloor).bind(11, b.use);
        bindGeom(st, 12, b.footprint, m_atlas.srid());
    });
}

std::int64_t AtlasWriter::add(const model::Unit& u) {
    return insert(m_atlas.connection(), m_st->unit, u.id,
                  "units row (building " + std::to_string(u.buildingId) + ", unit " + std::to_string(u.number) + ")",
                  [&](Statement& st) {
                      st.bind(2, u.buildingId).bind(3, u.number);
                      if (u.entrance) bindGeom(st, 4, model::Geometry::point(*u.entrance), m_atlas.srid());
                      else st.bindNull(4);
                  });
}

std::int64_t AtlasWriter::add(const model::Household& h) {
    return insert(m_atlas.connection(), m_st->household, h.id,
                  "households row (unit " + std::to_string(h.unitId) + ", floor " + std::to_string(h.floor) + ", room " + h.room + ")",
                  [&](Statement& st) {
                      st.bind(2, h.unitId).bind(3, h.floor).bind(4, h.room);
                      st.bind(5, h.hardship ? 1 : 0).bind(6, h.minimumIncome ? 1 : 0).bind(7, h.elderlyAlone ? 1 : 0);
                      st.bind(8, h.leftBehindChildren ? 1 : 0).bind(9, h.vacant ? 1 : 0);
                      if (h.location) bindGeom(st, 10, model::Geometry::point(*h.location), m_atlas.srid());
                      else st.bindNull(10);
                  });
}

std::int64_t AtlasWriter::add(const model::Resident& r) {
    // Sealed values are bound to the resident's id, so an encrypted atlas needs it up front.
    crypto::Sealed phone, idNumber;
    std::int64_t id = r.id;
    if (!r.phone.empty() || !r.idNumber.empty()) {
        auto& cipher = m_st->cipherOf(m_atlas.connection());
        if (cipher.encrypted() && id <= 0) id = m_atlas.connection().queryInt("SELECT COALESCE(MAX(id), 0) + 1 FROM residents").value_or(1);
        phone = cipher.seal(crypto::Field::ResidentPhone, std::to_string(id), r.phone);
        idNumber = cipher.seal(crypto::Field::ResidentIdNumber, std::to_string(id), r.idNumber);
    }
    return insert(m_atlas.connection(), m_st->resident, id,
                  "residents row (household " + std::to_string(r.householdId) + ", id " + std::to_string(r.id) + ")",
                  [&](Statement& st) {
                      st.bind(2, r.householdId).bind(3, r.name);
                      bindOptText(st, 4, r.relation);
                      bindOptText(st, 5, r.gender);
                      st.bind(6, r.birthYear);
                      bindOptText(st, 7, phone.shown);
                      bindOptText(st, 8, idNumber.shown);
                      bindOptBlob(st, 14, phone.cipher);
                      bindOptBlob(st, 15, idNumber.cipher);
                      bindOptBlob(st, 16, idNumber.blindIndex);
                      st.bind(9, r.disability ? 1 : 0).bind(10, r.isMember ? 1 : 0);
                      bindOptText(st, 11, r.memberType);
                      bindOptText(st, 12, r.branch);
                      st.bind(13, r.joinedYear);
                  });
}

std::int64_t AtlasWriter::add(const model::ServicePost& p) {
    return insert(m_atlas.connection(), m_st->post, p.id, "service_posts row '" + p.name + "'", [&](Statement& st) {
        st.bind(2, p.communityId).bind(3, p.buildingId).bind(4, p.name).bind(5, p.type);
        bindOptText(st, 6, p.hours);
        st.bind(7, p.radiusM).bind(8, p.walkMinutes);
        bindGeom(st, 9, model::Geometry::point(p.location), m_atlas.srid());
    });
}

std::int64_t AtlasWriter::add(const model::Street& s) {
    return insert(m_atlas.connection(), m_st->street, s.id, "streets row '" + s.name + "'", [&](Statement& st) {
        bindOptText(st, 2, s.name);
        st.bind(3, s.streetClass).bind(4, s.widthM);
        bindGeom(st, 5, s.line, m_atlas.srid());
    });
}

std::int64_t AtlasWriter::add(const model::Assignment& a) {
    auto& st = m_st->assignment;
    st.bind(1, a.memberId).bind(2, a.kind).bind(3, a.householdId).bind(4, a.buildingId);
    try {
        st.run();
    } catch (const ConstraintError& e) {
        st.reset();
        throw ConstraintError("assignments row (member " + std::to_string(a.memberId) + "): " + describeRule(e.what()));
    }
    return m_atlas.connection().lastInsertId();
}

void AtlasWriter::setMeta(const std::string& key, const std::string& value) {
    m_st->meta.bind(1, key).bind(2, value);
    m_st->meta.run();
}

// ---------------------------------------------------------------------------------------------

struct AtlasProvider::ViewMemo {
    ViewMemoTable table;
};

AtlasProvider::AtlasProvider(const std::string& path) : m_atlas(Atlas::open(path, OpenMode::ReadOnly)) {}
AtlasProvider::~AtlasProvider() = default;
void AtlasProvider::setViewMemo(bool on) {
    if (on && !m_memo) m_memo = std::make_unique<ViewMemo>();
    if (!on) m_memo.reset();
}
void AtlasProvider::beginFrame() {
    if (m_memo) m_memo->table.reads.clear(); // (the fields asked for are kept: the next frame asks the same)
}
std::vector<std::string> AtlasProvider::layerNames() const { return Atlas::layerNames(); }
std::unique_ptr<model::FeatureSource> AtlasProvider::open(const std::string& layer) {
    if (!m_memo) return m_atlas->openLayer(layer);
    return std::make_unique<TableSource>(m_atlas->connection(), requireLayer(layer), &m_memo->table);
}
std::string AtlasProvider::datasetName() const { return m_atlas->info().name; }
int AtlasProvider::srid() const { return m_atlas->srid(); }

std::unique_ptr<model::SourceProvider> makeAtlasProvider(const std::string& location) {
    return std::make_unique<AtlasProvider>(location);
}

bool readByView(Atlas& atlas, std::int64_t threshold) {
    auto& c = atlas.connection();
    if (c.engine() != Engine::PostgreSQL) return false;
    // The planner's estimate: instant, where count(*) would scan ten million rows.
    const auto n = c.queryInt("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = 'households'::regclass");
    return n && *n > threshold;
}

ProviderPool::ProviderPool(std::string location) : m_location(std::move(location)) {}
ProviderPool::~ProviderPool() = default;

std::unique_ptr<AtlasProvider> ProviderPool::acquire() {
    std::unique_ptr<AtlasProvider> p;
    {
        std::lock_guard lock(m_mutex);
        if (!m_idle.empty()) {
            p = std::move(m_idle.back());
            m_idle.pop_back();
        }
    }
    if (!p) {
        p = std::make_unique<AtlasProvider>(m_location);
        p->setViewMemo(true);
    }
    p->beginFrame();
    return p;
}

void ProviderPool::release(std::unique_ptr<AtlasProvider> provider) {
    if (!provider) return;
    std::lock_guard lock(m_mutex);
    m_idle.push_back(std::move(provider));
}

} // namespace gridatlas::storage
