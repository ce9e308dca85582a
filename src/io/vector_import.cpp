#include "io/vector_import.h"

#include <ogr_geometry.h>
#include <ogrsf_frmts.h>
#include <proj.h>

#include <algorithm>
#include <optional>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "io/gdal_dataset.h"
#include "io/vector_source.h"
#include "model/domain.h"
#include "model/filter.h"
#include "model/geometry.h"
#include "model/support/error.h"
#include "storage/engine.h"
#include "storage/atlas.h"
#include "storage/audit.h"
#include "storage/backup.h"
#include "storage/connection.h"
#include "storage/household_points.h"
#include "storage/schema.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::io {

namespace fs = std::filesystem;
using model::Geometry;
using model::GeomType;
using model::Value;
using storage::Statement;

namespace {

/// Most street features one import takes (they are noded in memory before writing).
constexpr std::size_t kMaxStreetFeatures = 200000;

/// A feature-level problem: becomes one rejection line.
struct Reject {
    std::string field;
    std::string reason;
};

/// A row ready to write: columns always written, defaults written only on insert.
struct PendingRow {
    std::string key;   ///< source key (parts: "key/2")
    std::string label; ///< "feature 12"
    std::string layer;
    std::map<std::string, Value> values; ///< converted target values by target field name
    Geometry geometry;                   ///< in the atlas CRS, of the table's type (None allowed for units/households)
};

struct Community {
    std::int64_t id;
    std::string code;
    std::string name;
    Geometry geometry;
};
struct Grid {
    std::int64_t id;
    std::string code;
    std::int64_t communityId;
    Geometry geometry;
};

GeomType tableGeometry(ImportTarget t) {
    switch (t) {
    case ImportTarget::Communities:
        return GeomType::MultiPolygon;
    case ImportTarget::Grids:
    case ImportTarget::Buildings:
        return GeomType::Polygon;
    case ImportTarget::Streets:
        return GeomType::LineString;
    default:
        return GeomType::Point;
    }
}

std::string text(const std::map<std::string, Value>& m, const std::string& f) {
    auto it = m.find(f);
    return it == m.end() ? std::string() : model::toText(it->second);
}
bool has(const std::map<std::string, Value>& m, const std::string& f) {
    auto it = m.find(f);
    return it != m.end() && !model::isNull(it->second);
}

bool isClosed(const Geometry& g, std::size_t ring) {
    const auto b = g.ringBegin(ring);
    const auto e = g.ringEnds[ring];
    return e - b >= 4 && g.coords[b] == g.coords[e - 1];
}

/// Splits a model geometry into single parts (polygons, lines or points).
std::vector<Geometry> singleParts(const Geometry& g) {
    std::vector<Geometry> out;
    switch (g.type) {
    case GeomType::MultiPolygon: {
        std::size_t ring = 0;
        for (auto end : g.partEnds) {
            std::vector<std::vector<model::Vec2>> rings;
            for (; ring < end; ++ring)
                rings.emplace_back(g.coords.begin() + g.ringBegin(ring), g.coords.begin() + g.ringEnds[ring]);
            out.push_back(Geometry::polygon(std::move(rings)));
        }
        break;
    }
    case GeomType::MultiLineString:
        for (std::size_t i = 0; i < g.ringEnds.size(); ++i)
            out.push_back(Geometry::lineString({g.coords.begin() + g.ringBegin(i), g.coords.begin() + g.ringEnds[i]}));
        break;
    case GeomType::MultiPoint:
        for (std::size_t i = 0; i < g.ringEnds.size(); ++i) out.push_back(Geometry::point(g.coords[g.ringBegin(i)]));
        break;
    case GeomType::None:
        break;
    default:
        out.push_back(g);
        break;
    }
    return out;
}

std::string nowIso() {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string fmt(double v, int decimals) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    return s.str();
}

/// The import run: one object per call of importVector.
class Importer {
public:
    Importer(storage::Atlas& atlas, const ImportOptions& options, Feedback* feedback)
        : m_atlas(atlas), m_conn(atlas.connection()), m_opt(options), m_feedback(feedback),
          m_source(options.source, options.layer, options.target) {}

    ImportSummary run();

private:
    void prepareMapping();
    void loadContext();
    Geometry toTableGeometry(Geometry g, const std::string& label, std::vector<Geometry>& parts, Reject& reject);
    bool repairPolygon(Geometry& g, const std::string& label, Reject& reject);
    std::vector<PendingRow> convert(SourceRecord& rec, Reject& reject, bool& skip);
    void nodeStreets(std::vector<PendingRow>& rows);
    void write(PendingRow& row);
    std::string rejectLine(const std::string& label, const Reject& r) const;
    void checkDistance(const model::Rect& imported);
    void deleteMissing();
    std::int64_t resolveCommunity(const PendingRow& row, bool required, Reject& reject);
    Statement& statement(const std::string& sql);

    storage::Atlas& m_atlas;
    storage::Connection& m_conn;
    const ImportOptions& m_opt;
    Feedback* m_feedback;
    VectorSource m_source;
    FieldMapping m_mapping;
    std::string m_key;
    std::string m_sourceFile;
    CrsSpec m_crs;
    std::unique_ptr<CoordinatePipeline> m_pipeline;
    std::vector<Community> m_communities;
    std::vector<Grid> m_grids;
    std::optional<std::int64_t> m_fixedCommunity;
    ImportSummary m_sum;
    std::map<std::string, int> m_noteCounts; // aggregated notes: text -> count
    std::map<std::string, std::unique_ptr<Statement>> m_statements;
    std::map<std::string, std::string> m_numbersSeen; // buildings: "community/number" -> key
    std::vector<std::string> m_repairs;
    std::optional<model::Filter> m_where;
    std::set<std::string> m_rejectedKeys; // source keys rejected in this import: never "missing"
    std::set<std::string> m_layersSeen;   // source layers this import read
    model::Rect m_atlasArea;
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> m_buildingIds; // (community, number) -> id, 0 = none
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> m_unitIds;    // (building, unit number) -> id
};

Statement& Importer::statement(const std::string& sql) {
    auto& st = m_statements[sql];
    if (!st) st = std::make_unique<Statement>(m_conn, sql);
    st->reset();
    return *st;
}

std::string Importer::rejectLine(const std::string& label, const Reject& r) const {
    std::string s = "file '" + m_opt.source + "', layer '" + m_source.layerLabel() + "', " + label;
    if (!r.field.empty()) s += ", field " + r.field;
    return s + ": " + r.reason;
}

void Importer::prepareMapping() {
    std::vector<std::string> candidates = m_source.fields();
    if (m_source.isOsm()) {
        // "type" is the relation type (multipolygon), not what the building is used for.
        candidates.erase(std::remove(candidates.begin(), candidates.end(), std::string("type")), candidates.end());
    }
    m_mapping = detectMapping(m_opt.target, candidates);
    if (!m_opt.mappingFile.empty()) m_mapping = readMappingFile(m_opt.mappingFile, m_opt.target, m_source.fields(), m_mapping);
    // Geometry columns of CSV/XLSX are not attributes.
    m_key = !m_opt.key.empty() ? m_opt.key : m_mapping.key;
    if (!m_key.empty()) {
        static const std::map<ImportTarget, std::string> kNatural{
            {ImportTarget::Communities, "code"}, {ImportTarget::Grids, "code"},      {ImportTarget::Buildings, "number"},
            {ImportTarget::Units, "number"},     {ImportTarget::Households, "room"}, {ImportTarget::ServicePosts, "name"}};
        auto it = kNatural.find(m_opt.target);
        if (it == kNatural.end())
            throw InputError(std::string("--key: ") + targetTable(m_opt.target) +
                             " have no natural key; re-imports match them by source id");
        if (m_key != it->second)
            throw InputError("--key '" + m_key + "': " + targetTable(m_opt.target) + " are matched by '" + it->second + "'");
        if (!m_mapping.fields.count(m_key))
            throw InputError("--key '" + m_key + "': no source field is mapped to it (give a mapping file)");
    }
    for (const auto& [target, src] : m_mapping.fields)
        m_sum.mapping.push_back(target + " <- " + (src.constant ? "= '" + *src.constant + "'" : src.sourceField));
}

void Importer::loadContext() {
    {
        Statement st(m_conn, "SELECT id, code, name, " + storage::geomSelect(m_conn, "geom") + " FROM communities ORDER BY id");
        while (st.step()) {
            Community c{st.columnInt(0), st.columnText(1), st.columnText(2), {}};
            if (!st.isNull(3)) storage::decodeGeometry(m_conn, st.columnBlob(3), c.geometry);
            m_communities.push_back(std::move(c));
        }
    }
    {
        Statement st(m_conn, "SELECT id, code, community_id, " + storage::geomSelect(m_conn, "geom") + " FROM grids ORDER BY id");
        while (st.step()) {
            Grid g{st.columnInt(0), st.columnText(1), st.columnInt(2), {}};
            if (!st.isNull(3)) storage::decodeGeometry(m_conn, st.columnBlob(3), g.geometry);
            m_grids.push_back(std::move(g));
        }
    }
    // The atlas's area before this import writes anything: its communities, else all its layers.
    if (!m_communities.empty()) {
        for (const auto& c : m_communities) m_atlasArea.expand(c.geometry.bounds());
    } else {
        for (const char* table : {"grids", "buildings", "streets", "service_posts"}) {
            // (SpatiaLite: the R*Tree's boxes; PostGIS: ST_Extent)
            Statement st(m_conn, m_conn.engine() == storage::Engine::PostgreSQL
                                     ? std::string("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM ") +
                                           table + ") x"
                                     : std::string("SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM idx_") + table + "_geom");
            if (st.step() && !st.isNull(0))
                m_atlasArea.expand(model::Rect{st.columnDouble(0), st.columnDouble(1), st.columnDouble(2), st.columnDouble(3)});
        }
    }
    if (!m_opt.community.empty()) {
        for (const auto& c : m_communities)
            if (c.code == m_opt.community || c.name == m_opt.community || std::to_string(c.id) == m_opt.community)
                m_fixedCommunity = c.id;
        if (!m_fixedCommunity)
            throw InputError("--community '" + m_opt.community + "' is not a community of the atlas (code, name or id)");
    }
}

bool Importer::repairPolygon(Geometry& g, const std::string& label, Reject& reject) {
    const std::string blob = storage::encodeGeometry(m_conn, g, m_atlas.srid());
    Statement& st = statement(m_conn.engine() == storage::Engine::PostgreSQL
                                  ? "SELECT ST_IsValid(ST_GeomFromWKB(?1)), ST_IsValidReason(ST_GeomFromWKB(?1))"
                                  : "SELECT ST_IsValid(?1), IsValidReason(?1)");
    st.bindBlob(1, blob.data(), blob.size());
    st.step();
    const bool valid = !st.isNull(0) && st.columnInt(0) == 1;
    const std::string reason = st.isNull(1) ? "invalid" : st.columnText(1);
    st.reset();
    if (valid) return true;
    auto og = toOgr(g);
    GdalMessages quiet;
    std::unique_ptr<OGRGeometry> fixed(og ? og->MakeValid() : nullptr);
    Geometry repaired;
    if (fixed) repaired = fromOgr(*fixed);
    if (repaired.type != GeomType::Polygon && repaired.type != GeomType::MultiPolygon) repaired = Geometry{};
    const double before = std::fabs(model::area(g));
    const double after = model::area(repaired);
    if (repaired.isEmpty() || after <= 0) {
        reject = {"geometry", "invalid polygon (" + reason + ") that cannot be repaired"};
        return false;
    }
    m_repairs.push_back(
        label + ": invalid polygon (" + reason + ") repaired with MakeValid, area " + fmt(before, 1) + " -> " + fmt(after, 1) +
        " m2" + (repaired.type == GeomType::MultiPolygon ? ", now " + std::to_string(repaired.partEnds.size()) + " parts" : ""));
    g = std::move(repaired);
    return true;
}

Geometry Importer::toTableGeometry(Geometry g, const std::string& label, std::vector<Geometry>& parts, Reject& reject) {
    const GeomType want = tableGeometry(m_opt.target);
    parts.clear();
    if (want == GeomType::Polygon || want == GeomType::MultiPolygon) {
        if (g.type == GeomType::LineString || g.type == GeomType::MultiLineString) {
            // CAD drawings outline buildings with closed polylines.
            std::vector<std::vector<std::vector<model::Vec2>>> polys;
            for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
                if (!isClosed(g, r)) {
                    reject = {"geometry",
                              "an open line, not an area (buildings, grids and communities need polygons or closed lines)"};
                    return {};
                }
                polys.push_back({{g.coords.begin() + g.ringBegin(r), g.coords.begin() + g.ringEnds[r]}});
            }
            g = polys.size() == 1 ? Geometry::polygon(polys.front()) : Geometry::multiPolygon(polys);
            ++m_noteCounts["closed lines read as polygons"];
        }
        if (g.type != GeomType::Polygon && g.type != GeomType::MultiPolygon) {
            reject = {"geometry", "a point, not an area"};
            return {};
        }
        if (!repairPolygon(g, label, reject)) return {};
        if (want == GeomType::MultiPolygon) {
            if (g.type == GeomType::Polygon) g.type = GeomType::MultiPolygon;
            parts.push_back(g);
            return g;
        }
        parts = singleParts(g);
        if (parts.size() > 1) {
            if (m_opt.target == ImportTarget::Grids) {
                // A grid is one area: keep the largest part, say what was dropped.
                auto largest = std::max_element(parts.begin(), parts.end(), [](const Geometry& a, const Geometry& b) {
                    return model::area(a) < model::area(b);
                });
                double dropped = 0;
                for (const auto& p : parts) dropped += model::area(p);
                dropped -= model::area(*largest);
                m_repairs.push_back(label + ": grid of " + std::to_string(parts.size()) + " parts: kept the largest, dropped " +
                                    fmt(dropped, 1) + " m2");
                Geometry keep = *largest;
                parts = {keep};
            } else {
                ++m_noteCounts["multi-part footprints split into one building per part (numbers get -2, -3, ...)"];
            }
        }
        return parts.front();
    }
    if (want == GeomType::LineString) {
        if (g.type != GeomType::LineString && g.type != GeomType::MultiLineString) {
            reject = {"geometry", "not a line (streets need lines)"};
            return {};
        }
        parts = singleParts(g);
        if (parts.size() > 1) ++m_noteCounts["multi-part lines split into one street per part"];
        parts.erase(std::remove_if(parts.begin(), parts.end(), [](const Geometry& p) { return p.coords.size() < 2; }),
                    parts.end());
        if (parts.empty()) {
            reject = {"geometry", "a line with fewer than two points"};
            return {};
        }
        return parts.front();
    }
    // Points: areas give their interior point (OSM amenities drawn as buildings).
    if (g.type == GeomType::Polygon || g.type == GeomType::MultiPolygon) {
        g = Geometry::point(model::interiorPoint(g));
        ++m_noteCounts["areas placed at an interior point"];
    } else if (g.type == GeomType::MultiPoint && g.ringEnds.size() == 1) {
        g = Geometry::point(g.coords.front());
    } else if (g.type != GeomType::Point) {
        reject = {"geometry", "not a point"};
        return {};
    }
    parts.push_back(g);
    return g;
}

std::vector<PendingRow> Importer::convert(SourceRecord& rec, Reject& reject, bool& skip) {
    skip = false;
    if (!rec.problems.empty()) {
        reject = {"", rec.problems.front()};
        return {};
    }
    if (m_where && !m_where->matches(rec.values)) {
        skip = true;
        return {};
    }
    PendingRow row;
    row.key = rec.key;
    row.layer = rec.layer;
    row.label = "feature " + rec.key;
    const auto& fields = m_source.fields();
    const auto sourceValue = [&](const std::string& name) -> Value {
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (fields[i] == name) return rec.values[i];
        return {};
    };

    // OpenStreetMap: only the features that are what the target asks for.
    if (m_source.isOsm()) {
        if (m_opt.target == ImportTarget::Buildings) {
            const std::string b = model::toText(sourceValue("building"));
            if (b.empty() || b == "no") {
                skip = true;
                return {};
            }
        } else if (m_opt.target == ImportTarget::Streets) {
            if (streetClassForOsm(model::toText(sourceValue("highway"))).empty()) {
                skip = true;
                return {};
            }
        } else if (m_opt.target == ImportTarget::ServicePosts) {
            std::string a = model::toText(sourceValue("amenity"));
            if (a.empty()) a = model::toText(sourceValue("healthcare"));
            if (postTypeForOsm(a).empty()) {
                skip = true;
                return {};
            }
        }
    }

    for (const auto& field : targetFields(m_opt.target)) {
        auto it = m_mapping.fields.find(std::string(field.name));
        if (it == m_mapping.fields.end()) continue;
        const FieldSource& src = it->second;
        Value raw = src.constant ? Value(*src.constant) : sourceValue(src.sourceField);
        if (!src.values.empty() && !model::isNull(raw)) {
            auto v = src.values.find(model::toText(raw));
            if (v != src.values.end()) raw = v->second;
        }
        // MapInfo cannot store an empty number: 0 in an optional field that must be positive
        // (flats per floor, target households) means "not given" there.
        if (m_source.driverName() == "MapInfo File" && !field.required && field.min && *field.min > 0 &&
            model::toNumber(raw) == 0.0 && !std::holds_alternative<std::string>(raw))
            raw = Value{};
        try {
            row.values[std::string(field.name)] = convertValue(field, raw);
        } catch (const InputError& e) {
            reject = {src.constant ? std::string(field.name) : src.sourceField, e.what()};
            return {};
        }
    }

    // Per-target defaults and derived values.
    auto& v = row.values;
    switch (m_opt.target) {
    case ImportTarget::Buildings: {
        if (m_source.isOsm() && !has(v, "address")) {
            const std::string street = model::toText(sourceValue("addr:street"));
            std::string number = model::toText(sourceValue("addr:housenumber"));
            if (!number.empty() && std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }))
                number += "号";
            if (!street.empty() || !number.empty()) v["address"] = street + number;
        }
        if (!has(v, "number")) {
            const std::string name = text(v, "name");
            v["number"] = (m_source.isOsm() && !name.empty()) ? name : rec.key;
            ++m_noteCounts["buildings without a number: numbered by their name or source id"];
        }
        break;
    }
    case ImportTarget::Grids:
        if (!has(v, "name") && has(v, "code")) v["name"] = text(v, "code");
        break;
    case ImportTarget::ServicePosts:
        if (!has(v, "type") && m_source.isOsm()) {
            std::string a = model::toText(sourceValue("amenity"));
            if (a.empty()) a = model::toText(sourceValue("healthcare"));
            v["type"] = postTypeForOsm(a);
        }
        if (!has(v, "name") && has(v, "type")) {
            if (auto pt = model::findPostType(text(v, "type"))) v["name"] = std::string(pt->nameZh);
            ++m_noteCounts["service posts without a name: named after their type"];
        }
        break;
    case ImportTarget::Streets:
        if (!has(v, "class") && m_source.isOsm()) v["class"] = streetClassForOsm(model::toText(sourceValue("highway")));
        break;
    case ImportTarget::Households:
        if (!has(v, "floor") && has(v, "room")) {
            // "501" -> 5, "1203" -> 12: the room number carries the floor.
            const std::string room = text(v, "room");
            if (room.size() >= 3 && room.size() <= 6 && std::all_of(room.begin(), room.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                const long f = std::stol(room.substr(0, room.size() - 2));
                if (f > 0) v["floor"] = static_cast<std::int64_t>(f);
            }
        }
        break;
    default:
        break;
    }
    for (const auto& field : targetFields(m_opt.target)) {
        if (!field.required || has(v, std::string(field.name))) continue;
        if (m_opt.target == ImportTarget::Buildings && field.name == "floors") continue; // defaulted on insert
        const auto it = m_mapping.fields.find(std::string(field.name));
        reject = {it == m_mapping.fields.end() ? std::string(field.name) : it->second.sourceField,
                  it == m_mapping.fields.end()
                      ? "no source field is mapped to '" + std::string(field.name) + "' (give a mapping file)"
                      : "required value is empty"};
        return {};
    }
    if (m_opt.target == ImportTarget::Households && !has(v, "floor")) {
        reject = {"floor", "no floor given and none can be read from room '" + text(v, "room") + "'"};
        return {};
    }

    // Geometry.
    if (!rec.geometry || rec.geometry->IsEmpty()) {
        if (m_opt.target == ImportTarget::Units || m_opt.target == ImportTarget::Households) return {row};
        reject = {"geometry", "the feature has no geometry"};
        return {};
    }
    GeometryNotes notes;
    Geometry g = fromOgr(*rec.geometry, &notes);
    if (notes.droppedZ) ++m_noteCounts["3D coordinates: Z/M dropped (the atlas is 2D)"];
    if (notes.linearised) ++m_noteCounts["curves approximated by straight segments"];
    if (notes.mixedDropped) ++m_noteCounts["collections: parts of a lower dimension left out"];
    if (g.isEmpty()) {
        reject = {"geometry", "empty geometry"};
        return {};
    }
    try {
        m_pipeline->apply(g);
    } catch (const InputError& e) {
        reject = {"geometry", e.what()};
        return {};
    }
    // Projected metres beyond a million kilometres (or not finite) are no place on Earth; stored,
    // they would make every extent, scale and index of the atlas meaningless.
    constexpr double kMaxCoordinate = 1e9;
    for (const auto& p : g.coords) {
        if (!(std::fabs(p.x) <= kMaxCoordinate && std::fabs(p.y) <= kMaxCoordinate)) {
            char where[96];
            std::snprintf(where, sizeof where, "(%g, %g)", p.x, p.y);
            reject = {"geometry", std::string("coordinate ") + where + " is beyond ±1e9 m in the atlas's coordinate system"};
            return {};
        }
    }
    std::vector<Geometry> parts;
    toTableGeometry(std::move(g), row.label, parts, reject);
    if (parts.empty()) return {};
    // Parts after the first become numbered siblings: key "k/2", number "3栋-2".
    std::vector<PendingRow> rows;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        PendingRow r = row;
        r.geometry = std::move(parts[i]);
        if (i > 0) {
            r.key = row.key + "/" + std::to_string(i + 1);
            r.label = row.label + " part " + std::to_string(i + 1);
            if (m_opt.target == ImportTarget::Buildings)
                r.values["number"] = text(row.values, "number") + "-" + std::to_string(i + 1);
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

void Importer::nodeStreets(std::vector<PendingRow>& rows) {
    // Split every street where it shares a vertex with another street (OSM ways meet at shared
    // nodes; bridges cross without one and stay unsplit), so the walking network can route through
    // junctions. Parts keep the source key with "#n".
    struct Hash {
        std::size_t operator()(const model::Vec2& p) const {
            return std::hash<double>()(p.x) ^ (std::hash<double>()(p.y) * 1000003u);
        }
    };
    std::unordered_map<model::Vec2, int, Hash> count;
    for (const auto& r : rows) {
        std::unordered_map<model::Vec2, int, Hash> seen;
        for (const auto& p : r.geometry.coords)
            if (seen[p]++ == 0)
                ++count[p];
            else if (seen[p] == 2)
                ++count[p]; // a loop through itself is a junction too
    }
    std::vector<PendingRow> out;
    int splits = 0;
    for (auto& r : rows) {
        const auto& c = r.geometry.coords;
        std::vector<std::size_t> cuts{0};
        for (std::size_t i = 1; i + 1 < c.size(); ++i)
            if (count[c[i]] >= 2) cuts.push_back(i);
        cuts.push_back(c.size() - 1);
        if (cuts.size() == 2) {
            out.push_back(std::move(r));
            continue;
        }
        for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
            PendingRow part = r;
            part.geometry =
                Geometry::lineString({c.begin() + static_cast<long>(cuts[k]), c.begin() + static_cast<long>(cuts[k + 1]) + 1});
            part.key = r.key + "#" + std::to_string(k + 1);
            part.label = r.label + " segment " + std::to_string(k + 1);
            out.push_back(std::move(part));
        }
        ++splits;
    }
    if (splits > 0)
        m_sum.notes.push_back(std::to_string(splits) +
                              " street(s) split at junctions shared with other streets (noded for routing)");
    rows = std::move(out);
}

std::int64_t Importer::resolveCommunity(const PendingRow& row, bool required, Reject& reject) {
    if (m_fixedCommunity) return *m_fixedCommunity;
    if (has(row.values, "community")) {
        const std::string want = text(row.values, "community");
        for (const auto& c : m_communities)
            if (c.code == want) return c.id;
        for (const auto& c : m_communities)
            if (c.name == want) return c.id;
        for (const auto& c : m_communities)
            if (std::to_string(c.id) == want) return c.id;
        const auto it = m_mapping.fields.find("community");
        reject = {it->second.sourceField, "community '" + want + "' is not in the atlas (by code, name or id)"};
        return 0;
    }
    if (!row.geometry.isEmpty()) {
        const model::Vec2 p = row.geometry.type == GeomType::Point        ? row.geometry.coords.front()
                              : row.geometry.type == GeomType::LineString ? row.geometry.coords[row.geometry.coords.size() / 2]
                                                                          : model::interiorPoint(row.geometry);
        for (const auto& c : m_communities)
            if (c.geometry.bounds().contains(p) && model::contains(c.geometry, p)) return c.id;
    }
    if (m_communities.size() == 1) return m_communities.front().id;
    if (required) {
        reject = {"community", m_communities.empty()
                                   ? "the atlas has no community yet: import communities first"
                                   : "no community of the atlas contains it: map a community field or give --community"};
    }
    return 0;
}

void Importer::write(PendingRow& row) {
    const std::string table = targetTable(m_opt.target);
    auto& v = row.values;
    std::vector<std::pair<std::string, Value>> cols;     // written on insert and update
    std::vector<std::pair<std::string, Value>> defaults; // insert only
    Reject reject;
    const auto put = [&](const char* col, const std::string& field) {
        if (m_mapping.fields.count(field) || has(v, field)) cols.emplace_back(col, has(v, field) ? v[field] : Value{});
    };
    std::optional<std::pair<std::string, Value>> scope; // natural-key scope column

    switch (m_opt.target) {
    case ImportTarget::Communities:
        put("code", "code");
        put("name", "name");
        if (has(v, "street_office"))
            cols.emplace_back("street_office", v["street_office"]);
        else
            defaults.emplace_back("street_office", std::string());
        break;
    case ImportTarget::Grids: {
        const auto community = resolveCommunity(row, true, reject);
        if (!community) break;
        put("code", "code");
        put("name", "name");
        put("target_households", "target_households");
        cols.emplace_back("community_id", community);
        break;
    }
    case ImportTarget::Buildings: {
        const auto community = resolveCommunity(row, true, reject);
        if (!community) break;
        cols.emplace_back("community_id", community);
        scope = {"community_id", community};
        const std::string seenKey = std::to_string(community) + "/" + text(v, "number");
        if (auto it = m_numbersSeen.find(seenKey); it != m_numbersSeen.end() && it->second != row.key) {
            if (m_source.isOsm()) {
                v["number"] = text(v, "number") + " (" + row.key + ")";
                ++m_noteCounts["OSM buildings sharing a house number: the OSM id added to the number"];
            } else {
                reject = {"number", "number '" + text(v, "number") + "' is used twice in this community (also by feature " +
                                        it->second + ")"};
                break;
            }
        }
        m_numbersSeen[std::to_string(community) + "/" + text(v, "number")] = row.key;
        put("number", "number");
        put("name", "name");
        put("compound", "compound");
        put("address", "address");
        put("floors", "floors");
        put("unit_count", "unit_count");
        put("flats_per_floor", "flats_per_floor");
        put("use", "use");
        if (!has(v, "floors")) {
            defaults.emplace_back("floors", std::int64_t{1});
            ++m_noteCounts["buildings without floors: set to 1 (check them)"];
        }
        const std::string use = has(v, "use") ? text(v, "use") : "residential";
        if (!has(v, "unit_count")) defaults.emplace_back("unit_count", std::int64_t{use == "residential" ? 1 : 0});
        if (!has(v, "use")) defaults.emplace_back("use", std::string("residential"));
        // The grid: by code when mapped, else the grid containing the footprint's interior point.
        if (has(v, "grid")) {
            std::int64_t grid = 0;
            for (const auto& g : m_grids)
                if (g.code == text(v, "grid")) grid = g.id;
            if (!grid) {
                reject = {m_mapping.fields["grid"].sourceField, "grid '" + text(v, "grid") + "' is not in the atlas"};
                break;
            }
            cols.emplace_back("grid_id", grid);
        } else {
            const model::Vec2 p = model::interiorPoint(row.geometry);
            for (const auto& g : m_grids)
                if (g.communityId == community && g.geometry.bounds().contains(p) && model::contains(g.geometry, p)) {
                    cols.emplace_back("grid_id", g.id);
                    break;
                }
        }
        break;
    }
    case ImportTarget::Units:
    case ImportTarget::Households: {
        // The building: by number within the community, else the footprint containing the point.
        std::int64_t building = 0;
        if (has(v, "building")) {
            const auto community = resolveCommunity(row, true, reject);
            if (!community) break;
            // Cached: a household file names the same building hundreds of times.
            auto [it, fresh] = m_buildingIds.try_emplace({community, text(v, "building")}, 0);
            if (fresh) {
                Statement& st = statement("SELECT id FROM buildings WHERE community_id = ?1 AND number = ?2");
                st.bind(1, community).bind(2, text(v, "building"));
                if (st.step()) it->second = st.columnInt(0);
                st.reset();
            }
            building = it->second;
            if (!building) {
                reject = {m_mapping.fields["building"].sourceField, "building '" + text(v, "building") + "' is not in the atlas"};
                break;
            }
        }
        if (m_opt.target == ImportTarget::Units) {
            cols.emplace_back("building_id", building);
            scope = {"building_id", building};
            put("number", "number");
        } else {
            const auto unitNumber = model::toNumber(v["unit"]).value_or(0);
            auto [it, fresh] = m_unitIds.try_emplace({building, static_cast<std::int64_t>(unitNumber)}, 0);
            if (fresh) {
                Statement& st = statement("SELECT id FROM units WHERE building_id = ?1 AND number = ?2");
                st.bind(1, building).bind(2, v["unit"]);
                if (st.step()) it->second = st.columnInt(0);
                st.reset();
            }
            const std::int64_t unit = it->second;
            if (!unit) {
                reject = {m_mapping.fields["unit"].sourceField,
                          "building '" + text(v, "building") + "' has no unit " + text(v, "unit") + " (import units first)"};
                break;
            }
            cols.emplace_back("unit_id", unit);
            scope = {"unit_id", unit};
            put("floor", "floor");
            put("room", "room");
            for (const char* flag : {"hardship", "minimum_income", "elderly_alone", "left_behind_children", "vacant"})
                put(flag, flag);
        }
        break;
    }
    case ImportTarget::ServicePosts: {
        const auto community = resolveCommunity(row, false, reject);
        if (!reject.reason.empty()) break;
        cols.emplace_back("community_id", community ? Value(community) : Value{});
        put("name", "name");
        put("type", "type");
        put("hours", "hours");
        put("radius_m", "radius_m");
        put("walk_minutes", "walk_minutes");
        break;
    }
    case ImportTarget::Streets:
        put("name", "name");
        put("class", "class");
        put("width_m", "width_m");
        if (!has(v, "class")) defaults.emplace_back("class", std::string("local"));
        break;
    }
    if (!reject.reason.empty()) {
        ++m_sum.rejected;
        m_sum.rejections.push_back(rejectLine(row.label, reject));
        m_rejectedKeys.insert(row.key);
        return;
    }
    // A mapped but empty value never overrides a default (NOT NULL columns such as use).
    for (const auto& d : defaults)
        cols.erase(std::remove_if(cols.begin(), cols.end(),
                                  [&](const auto& c) { return c.first == d.first && model::isNull(c.second); }),
                   cols.end());
    std::string blob;
    if (!row.geometry.isEmpty()) blob = storage::encodeGeometry(m_conn, row.geometry, m_atlas.srid());
    const bool pg = m_conn.engine() == storage::Engine::PostgreSQL;
    // (null-safe equality: SQLite's IS, PostgreSQL's IS NOT DISTINCT FROM)
    const std::string same = pg ? " IS NOT DISTINCT FROM " : " IS ";
    const std::string geomParam = pg ? "ST_GeomFromWKB(?" : "?";
    const bool withGeom = !row.geometry.isEmpty();

    // Which row does this feature update?
    std::int64_t existing = 0;
    if (m_key.empty()) {
        Statement& st = statement("SELECT row_id FROM feature_sources WHERE table_name = ?1 AND source_file = ?2 AND "
                                  "source_layer = ?3 AND source_key = ?4");
        st.bind(1, table).bind(2, m_sourceFile).bind(3, row.layer).bind(4, row.key);
        if (st.step()) existing = st.columnInt(0);
        st.reset();
        if (existing) {
            Statement& alive = statement("SELECT 1 FROM " + table + " WHERE id = ?1");
            alive.bind(1, existing);
            if (!alive.step()) existing = 0; // deleted since: insert again
            alive.reset();
        }
    } else {
        std::string sql = "SELECT id FROM " + table + " WHERE " + storage::quoteIdentifier(m_key) + " = ?1";
        if (scope) sql += " AND " + scope->first + " = ?2";
        Statement& st = statement(sql);
        st.bind(1, v[m_key]);
        if (scope) st.bind(2, scope->second);
        if (st.step()) existing = st.columnInt(0);
        st.reset();
    }

    // On PostgreSQL a failed statement aborts the transaction: each feature's writes get a
    // savepoint, so a refused feature is rolled back alone (SQLite needs none).
    std::optional<storage::Savepoint> rowUnit;
    if (pg) rowUnit.emplace(m_conn, "import_feature");
    try {
        if (existing) {
            std::string cmp = "SELECT CASE WHEN 1 = 1";
            std::string set;
            int i = 1;
            for (const auto& c : cols) {
                cmp += " AND (" + storage::quoteIdentifier(c.first) + same + "?" + std::to_string(i) + ")";
                set += (set.empty() ? "" : ", ") + storage::quoteIdentifier(c.first) + " = ?" + std::to_string(i);
                ++i;
            }
            if (withGeom) {
                cmp += " AND (" + storage::geomSelect(m_conn, "geom") + same + "?" + std::to_string(i) + ")";
                set += (set.empty() ? "" : ", ") + std::string("geom = ") + geomParam + std::to_string(i) +
                       (pg ? ", " + std::to_string(m_atlas.srid()) + ")" : "");
                ++i;
            }
            const std::string where = " WHERE id = ?" + std::to_string(i);
            Statement& same = statement(cmp + " THEN 1 ELSE 0 END FROM " + table + where);
            int k = 1;
            for (const auto& c : cols) same.bind(k++, c.second);
            if (withGeom) same.bindBlob(k++, blob.data(), blob.size());
            same.bind(k, existing);
            const bool unchanged = same.step() && same.columnInt(0) == 1;
            same.reset();
            if (unchanged) {
                ++m_sum.unchanged;
            } else {
                Statement& up = statement("UPDATE " + table + " SET " + set + where);
                k = 1;
                for (const auto& c : cols) up.bind(k++, c.second);
                if (withGeom) up.bindBlob(k++, blob.data(), blob.size());
                up.bind(k, existing);
                up.run();
                ++m_sum.updated;
            }
        } else {
            std::string names, params;
            int i = 1;
            for (const auto* list : {&cols, &defaults})
                for (const auto& c : *list) {
                    names += (names.empty() ? "" : ", ") + storage::quoteIdentifier(c.first);
                    params += (params.empty() ? "?" : ", ?") + std::to_string(i++);
                }
            if (withGeom) {
                names += (names.empty() ? "" : ", ") + std::string("geom");
                params += (params.empty() ? "" : ", ") + geomParam + std::to_string(i++) + (pg ? ", " + std::to_string(m_atlas.srid()) + ")" : "");
            }
            Statement& ins = statement("INSERT INTO " + table + " (" + names + ") VALUES (" + params + ")");
            int k = 1;
            for (const auto* list : {&cols, &defaults})
                for (const auto& c : *list) ins.bind(k++, c.second);
            if (withGeom) ins.bindBlob(k++, blob.data(), blob.size());
            ins.run();
            existing = m_conn.lastInsertId();
            ++m_sum.added;
        }
        if (rowUnit) rowUnit->release();
    } catch (const ConstraintError& e) {
        rowUnit.reset(); // (rolled back to before this feature)
        for (auto& [sql, st] : m_statements) st->reset();
        std::string reason = storage::describeRule(e.what());
        if (std::string(e.what()).find("UNIQUE constraint failed") != std::string::npos ||
            std::string(e.what()).find("duplicate key value violates unique constraint") != std::string::npos)
            reason = "a row with the same " +
                     std::string(m_opt.target == ImportTarget::Buildings    ? "number in this community"
                                 : m_opt.target == ImportTarget::Units      ? "unit number in this building"
                                 : m_opt.target == ImportTarget::Households ? "room in this unit"
                                                                            : "code") +
                     " already exists (re-import with --key to update it)";
        else if (auto pos = reason.find(" [SQL:"); pos != std::string::npos)
            reason.erase(pos);
        if (const std::string prefix = "'" + m_conn.path() + "': "; reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
        ++m_sum.rejected;
        m_sum.rejections.push_back(rejectLine(row.label, {"", reason}));
        m_rejectedKeys.insert(row.key);
        return;
    }
    Statement& src =
        statement(storage::upsertSql(m_conn, "feature_sources",
                                     "table_name, row_id, import_id, source_file, source_layer, source_key, source_crs, error_bound_m",
                                     "table_name, row_id"));
    src.bind(1, table).bind(2, existing).bind(3, m_sum.importId).bind(4, m_sourceFile).bind(5, row.layer).bind(6, row.key);
    src.bind(7, m_crs.label).bind(8, m_pipeline->errorBoundMetres());
    src.run();
}

/// Re-import with deletions: the rows an earlier import of this file (same layers) brought into
/// the target table that this import neither matched nor added. Rejected features are not
/// "missing" (their rows stay). Dependents go with them by the schema's cascades; their counts are
/// reported. A row something else still needs (a community with buildings) stops the import.
void Importer::deleteMissing() {
    const std::string table = m_sum.target;
    std::set<std::string> layers = m_layersSeen;
    layers.insert(m_source.layerLabel());
    std::vector<std::pair<std::int64_t, std::string>> missing; // row id, source key
    {
        Statement st(m_conn, "SELECT s.row_id, s.source_key, s.source_layer FROM feature_sources s JOIN " + table +
                                 " t ON t.id = s.row_id WHERE s.table_name = ?1 AND s.source_file = ?2 AND "
                                 "s.import_id " + std::string(m_conn.engine() == storage::Engine::PostgreSQL ? "IS DISTINCT FROM" : "IS NOT") +
                                 " ?3 ORDER BY s.row_id");
        st.bind(1, table).bind(2, m_sourceFile).bind(3, m_sum.importId);
        while (st.step()) {
            const std::string key = st.columnText(1);
            if (!layers.count(st.columnText(2))) continue;
            const std::string whole = key.substr(0, key.find_first_of("/#")); // parts "key/2", noded streets "key#1"
            if (m_rejectedKeys.count(key) || m_rejectedKeys.count(whole)) continue;
            missing.emplace_back(st.columnInt(0), key);
        }
    }
    if (missing.empty()) return;
    static const char* const kDependents[] = {"units", "households", "residents", "rooms"};
    auto countOf = [&](const char* t) { return m_conn.queryInt(std::string("SELECT count(*) FROM ") + t).value_or(0); };
    std::vector<std::int64_t> before;
    for (const char* t : kDependents) before.push_back(countOf(t));
    Statement del(m_conn, "DELETE FROM " + table + " WHERE id = ?1");
    Statement delSource(m_conn, "DELETE FROM feature_sources WHERE table_name = ?1 AND row_id = ?2");
    for (std::size_t i = 0; i < missing.size(); ++i) {
        if (m_feedback && i % 200 == 0) m_feedback->throwIfCancelled();
        const auto& [id, key] = missing[i];
        try {
            del.bind(1, id);
            del.run();
        } catch (const ConstraintError&) {
            throw InputError("'" + m_opt.source + "': " + table + " row " + std::to_string(id) + " (source feature " + key +
                             ") is no longer in the file, but other rows still refer to it (e.g. buildings of a "
                             "community); nothing was imported or deleted");
        }
        delSource.bind(1, table).bind(2, id);
        delSource.run();
    }
    m_sum.deleted = static_cast<std::int64_t>(missing.size());
    for (std::size_t i = 0; i < std::size(kDependents); ++i) {
        const std::int64_t gone = before[i] - countOf(kDependents[i]);
        if (gone <= 0 || table == kDependents[i]) continue;
        m_sum.deletedDetail += (m_sum.deletedDetail.empty() ? "" : ", ") + std::to_string(gone) + " " + kDependents[i];
    }
    m_sum.notes.push_back("deleted " + std::to_string(m_sum.deleted) + " " + table + " no longer in the source" +
                          (m_sum.deletedDetail.empty() ? std::string() : " (with " + m_sum.deletedDetail + ")"));
}

void Importer::checkDistance(const model::Rect& imported) {
    if (imported.isEmpty()) return;
    const model::Rect& atlasArea = m_atlasArea;
    const CoordinatePipeline toLonLat(CrsSpec::epsg(m_atlas.srid()), CrsSpec::epsg(4326));
    const model::Vec2 centre = toLonLat.apply(imported.center());
    if (!atlasArea.isEmpty() && !(m_opt.target == ImportTarget::Communities && m_communities.empty())) {
        const model::Vec2 a = toLonLat.apply(atlasArea.center());
        const double km = haversineMetres(a, centre) / 1000.0;
        const double reach = std::max(atlasArea.width(), atlasArea.height()) / 1000.0 + 10.0;
        if (km > reach)
            m_sum.notes.push_back("warning: the imported data lies " + fmt(km, 1) +
                                  " km from the atlas's area: check the source's coordinate system (--srs)");
        return;
    }
    // An empty atlas: compare with where its CRS is meant to be used.
    PJ_CONTEXT* ctx = proj_context_create();
    proj_log_level(ctx, PJ_LOG_NONE);
    PJ* crs = proj_create(ctx, ("EPSG:" + std::to_string(m_atlas.srid())).c_str());
    double w = 0, s = 0, e = 0, n = 0;
    if (crs && proj_get_area_of_use(ctx, crs, &w, &s, &e, &n, nullptr) && w > -1000) {
        const double margin = 1.0;
        if (centre.x < w - margin || centre.x > e + margin || centre.y < s - margin || centre.y > n + margin)
            m_sum.notes.push_back("warning: the imported data (around " + fmt(centre.x, 4) + ", " + fmt(centre.y, 4) +
                                  ") lies outside the area of the atlas's CRS EPSG:" + std::to_string(m_atlas.srid()) +
                                  ": check the source's coordinate system (--srs)");
    }
    if (crs) proj_destroy(crs);
    proj_context_destroy(ctx);
}

ImportSummary Importer::run() {
    m_sum.source = m_opt.source;
    m_sum.layer = m_source.layerLabel();
    m_sum.target = targetTable(m_opt.target);
    m_sum.driver = m_source.driverName();
    m_sum.encoding = m_source.encoding();
    m_sum.dryRun = m_opt.dryRun;
    std::error_code ec;
    const auto canonical = fs::weakly_canonical(m_opt.source, ec);
    m_sourceFile = ec ? m_opt.source : canonical.string();

    if (m_opt.deleteMissing && !m_opt.where.empty())
        throw InputError("--delete-missing with --where would delete every row the filter leaves out: use one or the other");
    prepareMapping();
    if (!m_opt.where.empty()) {
        std::vector<model::Field> fields;
        for (const auto& f : m_source.fields()) fields.push_back(model::Field{f, model::FieldType::Text, false});
        m_where = model::Filter::parse(m_opt.where, fields);
    }
    m_crs = m_source.crs();
    if (m_opt.srs) {
        if (m_crs.isKnown() && m_crs.definition != m_opt.srs->definition)
            m_sum.notes.push_back("the file states " + m_crs.label + "; --srs " + m_opt.srs->label + " used instead");
        m_crs = *m_opt.srs;
    }
    if (!m_crs.isKnown())
        throw InputError(
            "'" + m_opt.source + "' states no coordinate system" +
            (m_source.geometryOrigin().empty() ? "" : " (geometry from " + m_source.geometryOrigin() + ")") +
            ": give it with --srs (EPSG:4326 for GPS/WGS84, EPSG:4490 for CGCS2000, gcj02 for Amap/Tencent, bd09 for Baidu)");
    m_pipeline = std::make_unique<CoordinatePipeline>(m_crs, CrsSpec::epsg(m_atlas.srid()));
    m_sum.sourceCrs = m_crs.label;
    m_sum.errorBoundM = m_pipeline->errorBoundMetres();
    if (!m_source.geometryOrigin().empty()) m_sum.notes.push_back("geometry read from " + m_source.geometryOrigin());
    loadContext();

    if (m_opt.deleteMissing && !m_opt.dryRun) {
        m_sum.backupPath = storage::autoBackup(m_atlas, "before-reimport-" + m_sum.target);
        if (m_conn.engine() == storage::Engine::PostgreSQL)
            m_sum.notes.push_back("no automatic backup on a server atlas: the import is one transaction; the server's own "
                                  "backups (pg_dump) are the way back");
    }
    storage::Transaction tx(m_conn);
    const storage::AuditBulkScope auditScope(m_conn); // one summary record, not one per feature
    {
        Statement st(m_conn, "INSERT INTO imports (kind, source, target, started_at, \"user\") VALUES ('vector', ?1, ?2, ?3, ?4)");
        const char* user = std::getenv("USER");
        st.bind(1, m_sourceFile).bind(2, m_sum.target).bind(3, nowIso());
        if (user)
            st.bind(4, user);
        else
            st.bindNull(4);
        st.run();
        m_sum.importId = m_conn.lastInsertId();
    }

    // Features are written as they are read, except streets: they are noded across features,
    // so they are collected first (a street layer is small next to households).
    const bool collect = m_opt.target == ImportTarget::Streets;
    const std::int64_t total = m_source.featureCount();
    std::vector<PendingRow> rows;
    model::Rect importedBounds;
    SourceRecord rec;
    const double readShare = collect ? 50.0 : 100.0;
    while (m_source.next(rec)) {
        ++m_sum.read;
        if (m_feedback && m_sum.read % 200 == 0) {
            m_feedback->throwIfCancelled();
            m_feedback->setProgress(
                total > 0 ? std::min(99.0, readShare * static_cast<double>(m_sum.read) / static_cast<double>(total)) : 25.0,
                "importing " + m_source.layerLabel());
        }
        Reject reject;
        bool skip = false;
        auto converted = convert(rec, reject, skip);
        if (skip) {
            ++m_sum.skipped;
            continue;
        }
        m_layersSeen.insert(rec.layer);
        if (converted.empty()) {
            ++m_sum.rejected;
            m_sum.rejections.push_back(rejectLine("feature " + rec.key, reject));
            m_rejectedKeys.insert(rec.key);
            continue;
        }
        for (auto& r : converted) {
            importedBounds.expand(r.geometry.bounds());
            if (collect) {
                // Streets are held in memory for noding; a layer this large is a whole city's (or a
                // hostile file's), and would take minutes to node and write: refuse it, clearly.
                if (rows.size() >= kMaxStreetFeatures)
                    throw InputError("'" + m_opt.source + "', layer '" + m_source.layerLabel() + "': more than " +
                                     std::to_string(kMaxStreetFeatures) +
                                     " street features; one atlas holds a district's streets: clip the source to the "
                                     "district (e.g. ogr2ogr -clipsrc) or select with --where");
                rows.push_back(std::move(r));
            } else {
                write(r);
            }
        }
    }
    if (collect) {
        nodeStreets(rows);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (m_feedback && i % 200 == 0) {
                m_feedback->throwIfCancelled();
                m_feedback->setProgress(50.0 + 50.0 * static_cast<double>(i) / static_cast<double>(rows.size()),
                                        "writing " + m_sum.target);
            }
            write(rows[i]);
        }
    }
    checkDistance(importedBounds);
    if (m_opt.deleteMissing) deleteMissing();
    for (const auto& [note, n] : m_noteCounts) m_sum.notes.push_back(note + ": " + std::to_string(n));
    for (auto& r : m_repairs) m_sum.notes.push_back(std::move(r));
    if (!m_sum.encoding.empty() && m_sum.encoding != "UTF-8" && m_sum.encoding != "ASCII")
        m_sum.notes.push_back("text encoding " + m_sum.encoding);

    {
        std::string summary = "source CRS " + m_sum.sourceCrs + ", error bound " + fmt(m_sum.errorBoundM, 2) + " m";
        for (const auto& n : m_sum.notes) summary += "\n" + n;
        for (std::size_t i = 0; i < m_sum.rejections.size() && i < 200; ++i) summary += "\nrejected: " + m_sum.rejections[i];
        Statement st(m_conn, "UPDATE imports SET finished_at = ?1, added = ?2, updated = ?3, unchanged = ?4, rejected = ?5, "
                             "summary = ?6 WHERE id = ?7");
        st.bind(1, nowIso()).bind(2, m_sum.added).bind(3, m_sum.updated).bind(4, m_sum.unchanged).bind(5, m_sum.rejected);
        st.bind(6, summary).bind(7, m_sum.importId);
        st.run();
        storage::logAudit(m_conn, "import", m_sum.target, m_sum.importId, {}, std::nullopt,
                          m_sourceFile + ": " + std::to_string(m_sum.added) + " added, " + std::to_string(m_sum.updated) +
                              " updated, " + std::to_string(m_sum.rejected) + " rejected" +
                              (m_opt.deleteMissing ? ", " + std::to_string(m_sum.deleted) + " deleted" : std::string()));
    }
    if (m_feedback) m_feedback->throwIfCancelled();
    if (m_opt.dryRun || (m_sum.rejected > 0 && !m_opt.partial)) {
        m_sum.importId = 0; // rolled back with everything else
        return m_sum;
    }
    storage::refreshHouseholdPoints(m_conn); // blocks of households written (storage/household_points.h)
    tx.commit();
    m_sum.committed = true;
    if (m_feedback) m_feedback->setProgress(100.0, "done");
    return m_sum;
}

} // namespace

std::string ImportSummary::report(std::size_t maxRejections) const {
    std::ostringstream o;
    o << (dryRun ? "dry run: " : "") << "import '" << source << "' (" << driver << ", layer " << layer << ") into " << target
      << "\n";
    o << "  source CRS " << sourceCrs << ", transform error bound " << fmt(errorBoundM, 2) << " m";
    if (!encoding.empty()) o << ", text " << encoding;
    o << "\n  fields: ";
    for (std::size_t i = 0; i < mapping.size(); ++i) o << (i ? ", " : "") << mapping[i];
    o << "\n  read " << read << ", added " << added << ", updated " << updated << ", unchanged " << unchanged << ", rejected "
      << rejected;
    if (deleted) o << ", deleted " << deleted;
    if (skipped) o << ", skipped " << skipped << " (not " << target << " or not matching --where)";
    o << "\n";
    for (const auto& n : notes) o << "  note: " << n << "\n";
    if (!backupPath.empty()) o << "  backup before deleting: " << backupPath << "\n";
    for (std::size_t i = 0; i < rejections.size() && i < maxRejections; ++i) o << "  rejected: " << rejections[i] << "\n";
    if (rejections.size() > maxRejections) o << "  ... and " << rejections.size() - maxRejections << " more rejections\n";
    if (dryRun)
        o << "  nothing written (dry run)\n";
    else if (!committed)
        o << "  nothing written: " << rejected << " feature(s) rejected (fix them, or import the rest with --partial)\n";
    else
        o << "  stored as import #" << importId << "\n";
    return o.str();
}

ImportSummary importVector(storage::Atlas& atlas, const ImportOptions& options, Feedback* feedback) {
    // GDAL's own warnings (odd DXF entities, recoding trouble) go into the report, not stderr.
    GdalMessages gdal;
    Importer importer(atlas, options, feedback);
    ImportSummary summary = importer.run();
    std::set<std::string> seen;
    for (const auto& w : gdal.warnings()) {
        if (seen.size() >= 5) {
            summary.notes.push_back("GDAL: further warnings left out");
            break;
        }
        if (seen.insert(w).second) summary.notes.push_back("GDAL: " + w);
    }
    return summary;
}

std::vector<std::string> listVectorLayers(const std::string& path) {
    auto ds = openVectorDataset(path);
    std::vector<std::string> out;
    for (int i = 0; i < ds->GetLayerCount(); ++i) out.emplace_back(ds->GetLayer(i)->GetName());
    return out;
}

SourcePreview previewSource(const std::string& path, const std::string& layer, ImportTarget target,
                            const std::string& mappingFile, int maxRows) {
    VectorSource src(path, layer, target);
    SourcePreview p;
    p.driver = src.driverName();
    p.layers = src.layerNames();
    p.layer = src.layerLabel();
    p.fields = src.fields();
    p.crs = src.crs().isKnown() ? src.crs().label : "";
    p.encoding = src.encoding();
    p.geometryOrigin = src.geometryOrigin();
    p.featureCount = src.featureCount();
    FieldMapping m = detectMapping(target, src.fields());
    if (!mappingFile.empty()) m = readMappingFile(mappingFile, target, src.fields(), m);
    for (const auto& f : targetFields(target)) {
        auto it = m.fields.find(std::string(f.name));
        if (it == m.fields.end()) continue;
        p.mapping.emplace_back(std::string(f.name), it->second.constant ? "= " + *it->second.constant : it->second.sourceField);
    }
    SourceRecord rec;
    while (static_cast<int>(p.rows.size()) < maxRows && src.next(rec)) {
        std::vector<std::string> row;
        for (const auto& v : rec.values) row.push_back(model::toText(v));
        p.rows.push_back(std::move(row));
    }
    return p;
}

} // namespace gridatlas::io
