#include "storage/engine.h"

#include <algorithm>

#include <bit>
#include <cstring>

#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

using model::GeomType;
using model::Geometry;

namespace {
bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool isPg(const Connection& conn) { return conn.engine() == Engine::PostgreSQL; }
} // namespace

bool isPostgresLocation(std::string_view location) {
    return startsWith(location, "postgresql://") || startsWith(location, "postgres://") || startsWith(location, "pg:") ||
           startsWith(location, "PG:");
}

std::string pgConninfo(std::string_view location) {
    std::string_view info = location;
    if (startsWith(location, "pg:") || startsWith(location, "PG:")) info.remove_prefix(3);
    if (info.find_first_not_of(" \t") == std::string_view::npos)
        throw InputError("PostgreSQL atlas '" + std::string(location) + "' names no database (expected e.g. pg:service=NAME)");
    return std::string(info);
}

std::string redactLocation(std::string_view location) {
    std::string out(location);
    // URL form: scheme://user:password@host...
    if (const auto scheme = out.find("://"); scheme != std::string::npos) {
        const auto at = out.find('@', scheme + 3);
        const auto colon = out.find(':', scheme + 3);
        if (at != std::string::npos && colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    // Keyword form, and ?password= in URLs.
    for (const std::string_view key : {"password=", "password ="}) {
        for (auto p = out.find(key); p != std::string::npos; p = out.find(key, p + key.size())) {
            const auto begin = p + key.size();
            auto end = out.find_first_of(" &", begin);
            if (end == std::string::npos) end = out.size();
            out.replace(begin, end - begin, "***");
        }
    }
    return out;
}

std::string redactPasswordsIn(std::string_view text) {
    // Each run of text between blanks and quotes is a candidate location; then the keyword form
    // "password = x" that spans blanks.
    std::string out;
    out.reserve(text.size());
    constexpr std::string_view kBreaks = " \t\r\n'\"";
    std::size_t i = 0;
    while (i < text.size()) {
        const auto end = std::min(text.find_first_of(kBreaks, i), text.size());
        out += end > i ? redactLocation(text.substr(i, end - i)) : std::string();
        if (end < text.size()) out += text[end];
        i = end + 1;
    }
    for (auto p = out.find("password = "); p != std::string::npos; p = out.find("password = ", p + 11)) {
        const auto begin = p + 11;
        auto stop = out.find_first_of(" \t\r\n'\"&", begin);
        if (stop == std::string::npos) stop = out.size();
        out.replace(begin, stop - begin, "***");
    }
    return out;
}

// --- dialect --------------------------------------------------------------------------------

std::string geomSelect(const Connection& conn, std::string_view column) {
    if (isPg(conn)) return "ST_AsBinary(" + std::string(column) + ")";
    return std::string(column);
}

std::string geomParam(const Connection& conn, int srid) {
    if (isPg(conn)) return "ST_GeomFromWKB(?, " + std::to_string(srid < 0 ? 0 : srid) + ")";
    return "?";
}

std::string encodeGeometry(const Connection& conn, const Geometry& g, int srid) {
    return isPg(conn) ? encodeWkb(g) : encodeSpatialiteBlob(g, srid);
}

void decodeGeometry(const Connection& conn, std::string_view bytes, Geometry& out) {
    if (isPg(conn)) decodeWkb(bytes, out);
    else decodeSpatialiteBlob(bytes, out);
}

bool canReadColumn(Connection& conn, std::string_view table, std::string_view column) {
    if (!isPg(conn)) return true;
    Statement st(conn, "SELECT has_column_privilege(?, ?, 'SELECT')");
    st.bind(1, table).bind(2, column);
    return st.step() && st.columnInt(0) != 0;
}

std::string columnOrNull(Connection& conn, std::string_view table, std::string_view column, std::string_view qualifier) {
    if (!canReadColumn(conn, table, column)) return "NULL";
    return qualifier.empty() ? std::string(column) : std::string(qualifier) + "." + std::string(column);
}

std::string bboxFilter(const Connection& conn, std::string_view idColumn, std::string_view base, std::string_view geomColumn,
                       int firstParam) {
    const auto p = [&](int i) { return "?" + std::to_string(firstParam + i); };
    if (isPg(conn)) {
        // The envelope takes the atlas's SRID from atlas_meta: an uncorrelated subquery, run once
        // per query, so && compares against a constant box and the GiST index answers. (The
        // row's own ST_SRID(geom) made every bounding-box query a full scan: 1.6 s per layer on a
        // city of 10M households.) Every table bboxFilter serves has the atlas's SRID.
        return std::string(geomColumn) + " && ST_MakeEnvelope(" + p(0) + ", " + p(1) + ", " + p(2) + ", " + p(3) +
               ", (SELECT value::integer FROM atlas_meta WHERE key = 'srid'))";
    }
    const auto dot = geomColumn.rfind('.');
    const std::string_view column = dot == std::string_view::npos ? geomColumn : geomColumn.substr(dot + 1);
    return std::string(idColumn) + " IN (SELECT pkid FROM idx_" + std::string(base) + "_" + std::string(column) +
           " WHERE xmin <= " + p(2) + " AND xmax >= " + p(0) + " AND ymin <= " + p(3) + " AND ymax >= " + p(1) + ")";
}

std::string idParam(const Connection& conn, std::string_view table, int n) {
    const std::string p = "?" + std::to_string(n);
    if (!isPg(conn)) return p;
    const std::string seq = "pg_get_serial_sequence('" + std::string(table) + "', 'id')";
    return "CASE WHEN CAST(" + p + " AS bigint) IS NULL THEN nextval(" + seq + ") ELSE gridatlas_claim_id(" + seq + ", " + p + ") END";
}

std::string pointSql(const Connection& conn, int xParam, int yParam, int sridParam) {
    const auto p = [](int i) { return "?" + std::to_string(i); };
    if (isPg(conn)) return "ST_SetSRID(ST_MakePoint(" + p(xParam) + ", " + p(yParam) + "), " + p(sridParam) + ")";
    return "MakePoint(" + p(xParam) + ", " + p(yParam) + ", " + p(sridParam) + ")";
}

model::Rect geometryBounds(const Connection& conn, std::string_view bytes) {
    if (!isPg(conn)) return blobBounds(bytes);
    Geometry g;
    decodeWkb(bytes, g);
    return g.bounds();
}

std::vector<std::pair<std::string, std::string>> relationColumns(Connection& conn, std::string_view relation) {
    // On PostgreSQL only the columns the role may read (access control withholds phones and ID
    // numbers from roles without the key, access_pg.h): readers then simply do not see them.
    Statement st(conn, isPg(conn) ? "SELECT column_name, upper(data_type) FROM information_schema.columns "
                                    "WHERE table_schema = current_schema() AND table_name = ?1 "
                                    "AND has_column_privilege(quote_ident(?1), column_name, 'SELECT') ORDER BY ordinal_position"
                                  : "SELECT name, upper(type) FROM pragma_table_info(?1)");
    st.bind(1, relation);
    std::vector<std::pair<std::string, std::string>> out;
    while (st.step()) out.emplace_back(st.columnText(0), st.columnText(1));
    return out;
}

std::string nowText(const Connection& conn) {
    if (isPg(conn)) return "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
    return "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";
}

std::string upsertSql(const Connection& conn, std::string_view table, std::string_view columns, std::string_view keyColumns) {
    // Count the columns to write ?1..?n.
    std::string values;
    int n = 1;
    for (char c : columns) n += c == ',' ? 1 : 0;
    for (int i = 1; i <= n; ++i) values += (i > 1 ? ", ?" : "?") + std::to_string(i);
    if (!isPg(conn))
        return "INSERT OR REPLACE INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES (" + values + ")";
    std::string sets;
    std::string_view rest = columns;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view col = rest.substr(0, comma);
        while (!col.empty() && col.front() == ' ') col.remove_prefix(1);
        while (!col.empty() && col.back() == ' ') col.remove_suffix(1);
        if (!col.empty()) sets += (sets.empty() ? "" : ", ") + std::string(col) + " = EXCLUDED." + std::string(col);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return "INSERT INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES (" + values + ") ON CONFLICT (" +
           std::string(keyColumns) + ") DO UPDATE SET " + sets;
}

// --- WKB ------------------------------------------------------------------------------------

namespace {

class WkbWriter {
public:
    explicit WkbWriter(std::size_t reserve) { m_out.reserve(reserve); }
    void header(std::uint32_t type) {
        m_out.push_back(1); // little-endian
        u32(type);
    }
    void u32(std::uint32_t v) { m_out.append(reinterpret_cast<const char*>(&v), 4); }
    void point(model::Vec2 p) {
        m_out.append(reinterpret_cast<const char*>(&p.x), 8);
        m_out.append(reinterpret_cast<const char*>(&p.y), 8);
    }
    void ring(const Geometry& g, std::size_t r) {
        const auto b = g.ringBegin(r), e = g.ringEnds[r];
        u32(e - b);
        for (auto i = b; i < e; ++i) point(g.coords[i]);
    }
    void polygon(const Geometry& g, std::size_t first, std::size_t end) {
        header(3);
        u32(static_cast<std::uint32_t>(end - first));
        for (auto r = first; r < end; ++r) ring(g, r);
    }
    std::string take() { return std::move(m_out); }

private:
    std::string m_out;
};

class WkbReader {
public:
    explicit WkbReader(std::string_view b) : m_b(b) {}
    void need(std::size_t n) const {
        if (m_pos + n > m_b.size()) throw StorageError("malformed WKB geometry: truncated");
    }
    std::uint8_t byte() {
        need(1);
        return static_cast<std::uint8_t>(m_b[m_pos++]);
    }
    std::uint32_t u32(bool little) {
        need(4);
        std::uint32_t v;
        std::memcpy(&v, m_b.data() + m_pos, 4);
        m_pos += 4;
        return little ? v : __builtin_bswap32(v);
    }
    double f64(bool little) {
        need(8);
        std::uint64_t v;
        std::memcpy(&v, m_b.data() + m_pos, 8);
        m_pos += 8;
        if (!little) v = __builtin_bswap64(v);
        double d;
        std::memcpy(&d, &v, 8);
        return d;
    }
    std::size_t remaining() const { return m_b.size() - m_pos; }
    bool done() const { return m_pos == m_b.size(); }

private:
    std::string_view m_b;
    std::size_t m_pos = 0;
};

struct WkbType {
    std::uint32_t base; // 1..7
    int dims;           // doubles per vertex
    bool little;
};

WkbType readType(WkbReader& r) {
    const std::uint8_t order = r.byte();
    if (order > 1) throw StorageError("malformed WKB geometry: byte order " + std::to_string(order));
    const bool little = order == 1;
    std::uint32_t t = r.u32(little);
    int dims = 2;
    // EWKB flags (PostGIS's own output; ST_AsBinary gives ISO), then ISO 1000s.
    constexpr std::uint32_t kEwkbZ = 0x80000000u, kEwkbM = 0x40000000u, kEwkbSrid = 0x20000000u;
    if (t & kEwkbZ) ++dims;
    if (t & kEwkbM) ++dims;
    if (t & kEwkbSrid) (void)r.u32(little);
    t &= 0x0FFFFFFFu;
    if (t >= 1000 && t < 4000) {
        const std::uint32_t code = t / 1000;
        dims = code == 3 ? 4 : 3;
        t %= 1000;
    }
    if (t < 1 || t > 7) throw StorageError("malformed WKB geometry: type " + std::to_string(t));
    return {t, dims, little};
}

void readCoords(WkbReader& r, const WkbType& t, std::uint32_t n, Geometry& g) {
    if (static_cast<std::uint64_t>(n) * 16 > r.remaining()) throw StorageError("malformed WKB geometry: vertex count");
    g.coords.reserve(g.coords.size() + n);
    for (std::uint32_t i = 0; i < n; ++i) {
        const double x = r.f64(t.little), y = r.f64(t.little);
        for (int d = 2; d < t.dims; ++d) (void)r.f64(t.little);
        g.coords.push_back({x, y});
    }
}

void readWkbBody(WkbReader& r, const WkbType& t, Geometry& g, int depth) {
    switch (t.base) {
    case 1:
        readCoords(r, t, 1, g);
        g.ringEnds.push_back(static_cast<std::uint32_t>(g.coords.size()));
        break;
    case 2:
        readCoords(r, t, r.u32(t.little), g);
        g.ringEnds.push_back(static_cast<std::uint32_t>(g.coords.size()));
        break;
    case 3: {
        const std::uint32_t rings = r.u32(t.little);
        if (static_cast<std::uint64_t>(rings) * 4 > r.remaining()) throw StorageError("malformed WKB geometry: ring count");
        for (std::uint32_t i = 0; i < rings; ++i) {
            readCoords(r, t, r.u32(t.little), g);
            g.ringEnds.push_back(static_cast<std::uint32_t>(g.coords.size()));
        }
        g.partEnds.push_back(static_cast<std::uint32_t>(g.ringEnds.size()));
        break;
    }
    default: {
        if (depth > 0) throw StorageError("malformed WKB geometry: nested collection");
        const std::uint32_t n = r.u32(t.little);
        if (static_cast<std::uint64_t>(n) * 5 > r.remaining()) throw StorageError("malformed WKB geometry: part count");
        for (std::uint32_t i = 0; i < n; ++i) readWkbBody(r, readType(r), g, depth + 1);
    }
    }
}

GeomType wkbGeomType(std::uint32_t base) {
    switch (base) {
    case 1: return GeomType::Point;
    case 2: return GeomType::LineString;
    case 3: return GeomType::Polygon;
    case 4: return GeomType::MultiPoint;
    case 5: return GeomType::MultiLineString;
    default: return GeomType::MultiPolygon; // collections: drawn as their polygonal parts, as on SQLite
    }
}

} // namespace

std::string encodeWkb(const Geometry& g) {
    static_assert(std::endian::native == std::endian::little, "the encoder writes little-endian WKB");
    WkbWriter w(16 + g.coords.size() * 16 + g.ringEnds.size() * 9);
    switch (g.type) {
    case GeomType::Point:
        w.header(1);
        w.point(g.coords.at(0));
        break;
    case GeomType::LineString:
        w.header(2);
        w.ring(g, 0);
        break;
    case GeomType::Polygon: w.polygon(g, 0, g.ringEnds.size()); break;
    case GeomType::MultiPoint:
        w.header(4);
        w.u32(static_cast<std::uint32_t>(g.coords.size()));
        for (const auto& p : g.coords) {
            w.header(1);
            w.point(p);
        }
        break;
    case GeomType::MultiLineString:
        w.header(5);
        w.u32(static_cast<std::uint32_t>(g.ringEnds.size()));
        for (std::size_t i = 0; i < g.ringEnds.size(); ++i) {
            w.header(2);
            w.ring(g, i);
        }
        break;
    case GeomType::MultiPolygon: {
        w.header(6);
        w.u32(static_cast<std::uint32_t>(g.partEnds.size()));
        std::size_t first = 0;
        for (auto end : g.partEnds) {
            w.polygon(g, first, end);
            first = end;
        }
        break;
    }
    case GeomType::None: throw StorageError("cannot encode an empty geometry");
    }
    return w.take();
}

void decodeWkb(std::string_view wkb, Geometry& out) {
    out.coords.clear();
    out.ringEnds.clear();
    out.partEnds.clear();
    out.type = GeomType::None;
    WkbReader r(wkb);
    const WkbType t = readType(r);
    out.type = wkbGeomType(t.base);
    readWkbBody(r, t, out, 0);
    if (!r.done()) throw StorageError("malformed WKB geometry: trailing bytes");
}

} // namespace gridatlas::storage
