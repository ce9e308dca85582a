#include "storage/layer_cache.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <cmath>
#include <future>
#include <unordered_map>

#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/engine.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

using model::FieldType;
using model::GeomType;
using model::Rect;
using model::Vec2;

// --- LayerSnapshot -------------------------------------------------------------------------

LayerSnapshot::LayerSnapshot(std::string name, GeomType type, std::vector<Column> columns, std::vector<std::int64_t> ids,
                             std::vector<Vec2> points, std::vector<model::Geometry> geometries)
    : m_name(std::move(name)), m_type(type), m_columns(std::move(columns)), m_ids(std::move(ids)), m_points(std::move(points)),
      m_geometries(std::move(geometries)) {
    if (m_points.empty()) {
        m_bounds.reserve(m_geometries.size());
        for (const auto& g : m_geometries) {
            m_bounds.push_back(g.bounds());
            m_extent.expand(m_bounds.back());
        }
    } else {
        for (const auto& p : m_points) m_extent.expand(p);
    }
    buildIndex();
}

Rect LayerSnapshot::bounds(std::size_t i) const {
    if (!m_points.empty()) return Rect{m_points[i].x, m_points[i].y, m_points[i].x, m_points[i].y};
    return m_bounds[i];
}

void LayerSnapshot::buildIndex() {
    const std::size_t n = m_ids.size();
    if (n == 0 || m_extent.isEmpty()) return;
    // About 16 features per cell, at most 1024 x 1024 cells.
    const double cells = std::clamp(static_cast<double>(n) / 16.0, 1.0, 1024.0 * 1024.0);
    const double w = std::max(m_extent.width(), 1e-6), h = std::max(m_extent.height(), 1e-6);
    m_nx = std::clamp(static_cast<int>(std::sqrt(cells * w / h)), 1, 1024);
    m_ny = std::clamp(static_cast<int>(cells / m_nx), 1, 1024);
    m_cellW = w / m_nx;
    m_cellH = h / m_ny;
    std::vector<std::uint32_t> cellOf(n);
    m_cellStart.assign(static_cast<std::size_t>(m_nx) * m_ny + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const Rect b = bounds(i);
        m_maxHalfW = std::max(m_maxHalfW, b.width() / 2);
        m_maxHalfH = std::max(m_maxHalfH, b.height() / 2);
        const Vec2 c = b.center();
        const int cx = std::clamp(static_cast<int>((c.x - m_extent.xmin) / m_cellW), 0, m_nx - 1);
        const int cy = std::clamp(static_cast<int>((c.y - m_extent.ymin) / m_cellH), 0, m_ny - 1);
        cellOf[i] = static_cast<std::uint32_t>(cy * m_nx + cx);
        ++m_cellStart[cellOf[i] + 1];
    }
    for (std::size_t c = 1; c < m_cellStart.size(); ++c) m_cellStart[c] += m_cellStart[c - 1];
    m_order.resize(n);
    std::vector<std::uint32_t> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    for (std::size_t i = 0; i < n; ++i) m_order[fill[cellOf[i]]++] = static_cast<std::uint32_t>(i);
}

void LayerSnapshot::query(const Rect& r, std::vector<std::uint32_t>& out) const {
    out.clear();
    if (m_order.empty() || !r.intersects(m_extent.buffered(std::max(m_maxHalfW, m_maxHalfH)))) return;
    // Features are filed by their centre: widen the search by the largest half-size.
    const int x0 = std::clamp(static_cast<int>(std::floor((r.xmin - m_maxHalfW - m_extent.xmin) / m_cellW)), 0, m_nx - 1);
    const int x1 = std::clamp(static_cast<int>(std::floor((r.xmax + m_maxHalfW - m_extent.xmin) / m_cellW)), 0, m_nx - 1);
    const int y0 = std::clamp(static_cast<int>(std::floor((r.ymin - m_maxHalfH - m_extent.ymin) / m_cellH)), 0, m_ny - 1);
    const int y1 = std::clamp(static_cast<int>(std::floor((r.ymax + m_maxHalfH - m_extent.ymin) / m_cellH)), 0, m_ny - 1);
    const bool points = !m_points.empty();
    for (int cy = y0; cy <= y1; ++cy) {
        for (int cx = x0; cx <= x1; ++cx) {
            const std::size_t c = static_cast<std::size_t>(cy) * m_nx + cx;
            for (auto k = m_cellStart[c]; k < m_cellStart[c + 1]; ++k) {
                const std::uint32_t i = m_order[k];
                if (points ? r.contains(m_points[i]) : r.intersects(m_bounds[i])) out.push_back(i);
            }
        }
    }
}

void LayerSnapshot::geometry(std::size_t i, model::Geometry& out) const {
    if (!m_points.empty()) {
        out.type = GeomType::Point;
        out.coords.assign(1, m_points[i]);
        out.ringEnds.assign(1, 1);
        out.partEnds.clear();
        return;
    }
    const auto& g = m_geometries[i];
    out.type = g.type;
    out.coords.assign(g.coords.begin(), g.coords.end());
    out.ringEnds.assign(g.ringEnds.begin(), g.ringEnds.end());
    out.partEnds.assign(g.partEnds.begin(), g.partEnds.end());
}

std::vector<model::Field> LayerSnapshot::fields() const {
    // The feature id is a field too (styles may classify by it), as in the atlas's tables.
    std::vector<model::Field> out{model::Field{"id", FieldType::Integer, false}};
    for (const auto& c : m_columns) out.push_back(c.field);
    return out;
}

int LayerSnapshot::columnIndex(const std::string& name) const {
    if (name == "id") return kIdColumn;
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i].field.name == name) return static_cast<int>(i);
    return -1;
}

model::Value LayerSnapshot::value(std::size_t i, int column) const {
    if (column == kIdColumn) return m_ids[i];
    const Column& c = m_columns[static_cast<std::size_t>(column)];
    if (!c.isNull.empty() && c.isNull[i]) return std::monostate{};
    switch (c.field.type) {
    case FieldType::Integer:
        return c.narrow ? std::int64_t{c.bytes[i]} : c.ints[i];
    case FieldType::Real:
        return c.reals[i];
    case FieldType::Text:
        return c.texts[i];
    }
    return std::monostate{};
}

std::size_t LayerSnapshot::memoryBytes() const {
    std::size_t bytes =
        m_ids.size() * 8 + m_points.size() * 16 + m_bounds.size() * 32 + m_order.size() * 4 + m_cellStart.size() * 4;
    for (const auto& g : m_geometries)
        bytes += sizeof g + g.coords.capacity() * 16 + (g.ringEnds.capacity() + g.partEnds.capacity()) * 4;
    for (const auto& c : m_columns) {
        bytes += c.ints.capacity() * 8 + c.reals.capacity() * 8 + c.isNull.capacity() + c.bytes.capacity();
        for (const auto& t : c.texts) bytes += sizeof t + (t.capacity() > 15 ? t.capacity() : 0);
    }
    return bytes;
}

// --- Source over a snapshot --------------------------------------------------------------------

namespace {

class SnapshotCursor : public model::FeatureCursor {
public:
    SnapshotCursor(std::shared_ptr<const LayerSnapshot> s, std::vector<std::uint32_t> rows, std::vector<int> columns,
                   bool withGeometry)
        : m_s(std::move(s)), m_rows(std::move(rows)), m_columns(std::move(columns)), m_withGeometry(withGeometry) {}
    bool next(model::Feature& out) override {
        if (m_pos >= m_rows.size()) return false;
        const std::uint32_t i = m_rows[m_pos++];
        out.id = m_s->id(i);
        if (m_withGeometry) m_s->geometry(i, out.geometry);
        out.values.resize(m_columns.size());
        for (std::size_t k = 0; k < m_columns.size(); ++k) out.values[k] = m_s->value(i, m_columns[k]);
        return true;
    }

private:
    std::shared_ptr<const LayerSnapshot> m_s;
    std::vector<std::uint32_t> m_rows;
    std::vector<int> m_columns;
    bool m_withGeometry;
    std::size_t m_pos = 0;
};

class SnapshotSource : public model::FeatureSource {
public:
    explicit SnapshotSource(std::shared_ptr<const LayerSnapshot> s) : m_s(std::move(s)) {}
    std::string name() const override { return m_s->name(); }
    GeomType geometryType() const override { return m_s->geometryType(); }
    std::vector<model::Field> fields() const override { return m_s->fields(); }
    Rect extent() const override { return m_s->extent(); }
    std::unique_ptr<model::FeatureCursor> features(const model::FeatureRequest& req) override {
        std::vector<int> columns;
        for (const auto& f : req.fields) {
            const int c = m_s->columnIndex(f);
            if (c == -1) {
                std::string list;
                for (const auto& k : m_s->fields()) list += (list.empty() ? "" : ", ") + k.name;
                throw InputError("layer '" + m_s->name() + "' has no field '" + f + "' (fields: " + list + ")");
            }
            columns.push_back(c);
        }
        std::vector<std::uint32_t> rows;
        if (req.bbox) {
            m_s->query(*req.bbox, rows);
        } else {
            rows.resize(m_s->size());
            for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::uint32_t>(i);
        }
        return std::make_unique<SnapshotCursor>(m_s, std::move(rows), std::move(columns), req.withGeometry);
    }

private:
    std::shared_ptr<const LayerSnapshot> m_s;
};

// --- Loading ------------------------------------------------------------------------------------

} // namespace

namespace detail {
/// Maps dense integer ids (the atlas's INTEGER PRIMARY KEYs) to slots; falls back to a hash
/// map when ids are sparse.
template <class T> class IdMap {
public:
    void reserveFor(std::int64_t maxId, std::size_t count) {
        m_dense = maxId >= 0 && maxId < 16'000'000 && static_cast<std::size_t>(maxId) <= count * 4 + 1024;
        if (m_dense) m_vec.assign(static_cast<std::size_t>(maxId) + 1, T{});
    }
    T& operator[](std::int64_t id) {
        if (m_dense && id >= 0 && static_cast<std::size_t>(id) < m_vec.size()) return m_vec[static_cast<std::size_t>(id)];
        return m_map[id];
    }
    const T* find(std::int64_t id) const {
        if (m_dense && id >= 0 && static_cast<std::size_t>(id) < m_vec.size()) return &m_vec[static_cast<std::size_t>(id)];
        auto it = m_map.find(id);
        return it == m_map.end() ? nullptr : &it->second;
    }

private:
    bool m_dense = false;
    std::vector<T> m_vec;
    std::unordered_map<std::int64_t, T> m_map;
};

struct HouseholdAgg {
    std::int32_t residents = 0;
    std::int32_t members = 0;
    bool disability = false;
};

LayerSnapshot::Column column(const std::string& name, FieldType type, std::size_t reserve, bool sensitive = false) {
    LayerSnapshot::Column c;
    c.field = model::Field{name, type, sensitive};
    if (type == FieldType::Integer)
        c.ints.reserve(reserve);
    else if (type == FieldType::Real)
        c.reals.reserve(reserve);
    else
        c.texts.reserve(reserve);
    c.isNull.reserve(reserve);
    return c;
}

void push(LayerSnapshot::Column& c, Statement& st, int col) {
    const bool null = st.isNull(col);
    c.isNull.push_back(null ? 1 : 0);
    switch (c.field.type) {
    case FieldType::Integer:
        c.ints.push_back(null ? 0 : st.columnInt(col));
        break;
    case FieldType::Real:
        c.reals.push_back(null ? 0.0 : st.columnDouble(col));
        break;
    case FieldType::Text:
        c.texts.push_back(null ? std::string() : st.columnText(col));
        break;
    }
}

void pushInt(LayerSnapshot::Column& c, std::int64_t v) {
    c.isNull.push_back(0);
    c.ints.push_back(v);
}

/// A column that holds no nulls: kept without null flags, and narrow when `narrow` (flags).
LayerSnapshot::Column notNullColumn(const std::string& name, FieldType type, std::size_t reserve, bool narrow = false) {
    LayerSnapshot::Column c;
    c.field = model::Field{name, type, false};
    c.narrow = narrow && type == FieldType::Integer;
    if (c.narrow)
        c.bytes.reserve(reserve);
    else if (type == FieldType::Integer)
        c.ints.reserve(reserve);
    else if (type == FieldType::Real)
        c.reals.reserve(reserve);
    else
        c.texts.reserve(reserve);
    return c;
}

/// A narrow column given a value beyond a byte becomes a wide one (flags are 0 or 1; this keeps
/// any other value exact).
void widen(LayerSnapshot::Column& c) {
    if (!c.narrow) return;
    c.ints.assign(c.bytes.begin(), c.bytes.end());
    c.bytes = {};
    c.narrow = false;
}

/// Appends a value to a column without null flags.
void pushNotNull(LayerSnapshot::Column& c, std::int64_t v) {
    if (c.narrow) {
        if (v >= 0 && v <= 255) {
            c.bytes.push_back(static_cast<std::uint8_t>(v));
            return;
        }
        widen(c);
    }
    c.ints.push_back(v);
}

/// Appends `from`'s rows to `to` (the two halves of a scan).
void appendColumn(LayerSnapshot::Column& to, LayerSnapshot::Column& from) {
    if (to.narrow != from.narrow) {
        widen(to);
        widen(from);
    }
    to.ints.insert(to.ints.end(), from.ints.begin(), from.ints.end());
    to.bytes.insert(to.bytes.end(), from.bytes.begin(), from.bytes.end());
    to.reals.insert(to.reals.end(), from.reals.begin(), from.reals.end());
    to.texts.insert(to.texts.end(), std::make_move_iterator(from.texts.begin()), std::make_move_iterator(from.texts.end()));
    to.isNull.insert(to.isNull.end(), from.isNull.begin(), from.isNull.end());
}
void pushValue(LayerSnapshot::Column& c, const model::Value& v) {
    const bool null = model::isNull(v);
    c.isNull.push_back(null ? 1 : 0);
    switch (c.field.type) {
    case FieldType::Integer:
        c.ints.push_back(std::holds_alternative<std::int64_t>(v) ? std::get<std::int64_t>(v) : 0);
        break;
    case FieldType::Real:
        c.reals.push_back(model::toNumber(v).value_or(0.0));
        break;
    case FieldType::Text:
        c.texts.push_back(null ? std::string() : model::toText(v));
        break;
    }
}

struct BuildingAgg {
    std::int64_t households = 0, residents = 0, members = 0, vulnerable = 0;
};

} // namespace detail

/// Per-household and per-building totals, computed once per cache and shared by the
/// households, buildings and grids layers.
struct LayerCensus {
    detail::IdMap<detail::HouseholdAgg> households;
    detail::IdMap<detail::BuildingAgg> buildings;
    /// The households layer, built from the same scan of the households table.
    std::shared_ptr<const LayerSnapshot> householdsLayer;
};

std::shared_ptr<const LayerCensus> computeLayerCensus(Atlas& atlas) {
    using namespace detail;
    auto& c = atlas.connection();
    auto census = std::make_shared<LayerCensus>();
    const auto maxId = c.queryInt("SELECT MAX(id) FROM households").value_or(0);
    const auto count = c.queryInt("SELECT COUNT(*) FROM households").value_or(0);
    census->households.reserveFor(maxId, static_cast<std::size_t>(count));

    // The residents' side runs on a second connection and thread while this one scans the
    // households: the two halves take about as long each. (A writer committing in between could
    // make them disagree by that commit; the viewer reloads after edits anyway.)
    auto residents = std::async(std::launch::async, [path = atlas.path(), census] {
        Connection rc(path, OpenMode::ReadOnly);
        // Three index scans instead of a table scan: residents_household covers the household ids,
        // the partial indexes hold only members and only residents with a disability.
        {
            // Counted here rather than by GROUP BY: stepping the covering index and adding up in
            // C++ costs less than half of SQLite's aggregate per row.
            Statement st(rc, "SELECT household_id FROM residents");
            while (st.step()) ++census->households[st.columnInt(0)].residents;
        }
        {
            Statement st(rc, "SELECT household_id, COUNT(*) FROM residents WHERE is_member = 1 GROUP BY household_id");
            while (st.step()) census->households[st.columnInt(0)].members = static_cast<std::int32_t>(st.columnInt(1));
        }
        {
            Statement st(rc, "SELECT DISTINCT household_id FROM residents WHERE disability = 1");
            while (st.step()) census->households[st.columnInt(0)].disability = true;
        }
    });

    struct UnitInfo {
        std::int64_t building = 0;
        std::int64_t number = 0;
        std::int64_t grid = 0; ///< 0: the building lies in no grid
    };
    IdMap<UnitInfo> units;
    units.reserveFor(c.queryInt("SELECT MAX(id) FROM units").value_or(0),
                     static_cast<std::size_t>(c.queryInt("SELECT COUNT(*) FROM units").value_or(0)));
    {
        Statement st(c, "SELECT u.id, u.building_id, u.number, b.grid_id FROM units u JOIN buildings b ON b.id = u.building_id");
        while (st.step()) units[st.columnInt(0)] = UnitInfo{st.columnInt(1), st.columnInt(2), st.isNull(3) ? 0 : st.columnInt(3)};
    }

    // One scan of the households serves both the building totals and the households layer
    // (household_summary's columns; the residents' ones are filled in once both halves are done).
    const auto n = static_cast<std::size_t>(count);
    enum {
        UnitId,
        BuildingId,
        GridId,
        Unit,
        Floor,
        Room,
        Hardship,
        Residents = Hardship + 5,
        Members,
        HasMember,
        HasDisability,
        Vulnerable,
        ColumnCount
    };
    const auto makeColumns = [](std::size_t reserve) {
        std::vector<LayerSnapshot::Column> cols;
        for (const auto& [name, type] : std::vector<std::pair<const char*, FieldType>>{{"unit_id", FieldType::Integer},
                                                                                       {"building_id", FieldType::Integer},
                                                                                       {"grid_id", FieldType::Integer},
                                                                                       {"unit", FieldType::Integer},
                                                                                       {"floor", FieldType::Integer},
                                                                                       {"room", FieldType::Text},
                                                                                       {"hardship", FieldType::Integer},
                                                                                       {"minimum_income", FieldType::Integer},
                                                                                       {"elderly_alone", FieldType::Integer},
                                                                                       {"left_behind_children", FieldType::Integer},
                                                                                       {"vacant", FieldType::Integer},
                                                                                       {"residents", FieldType::Integer},
                                                                                       {"members", FieldType::Integer},
                                                                                       {"has_member", FieldType::Integer},
                                                                                       {"has_disability", FieldType::Integer},
                                                                                       {"vulnerable", FieldType::Integer}})
        {
            const std::string n = name;
            // grid_id is null for buildings outside every grid; the rest are NOT NULL, and
            // the flags 0 or 1.
            const bool flag = n == "hardship" || n == "minimum_income" || n == "elderly_alone" || n == "left_behind_children" ||
                              n == "vacant" || n == "has_member" || n == "has_disability" || n == "vulnerable";
            cols.push_back(n == "grid_id" ? column(n, type, reserve) : notNullColumn(n, type, reserve, flag));
        }
        return cols;
    };
    static_assert(ColumnCount == 16);
    struct Row {
        std::int64_t household;
        std::int64_t building;
        bool flagged;
    };
    // One part of the households, by id range: its layer rows and its building-total rows.
    struct Part {
        std::vector<LayerSnapshot::Column> cols;
        std::vector<std::int64_t> ids;
        std::vector<Vec2> points;
        std::vector<std::uint8_t> placedFlagged; // per placed household: any of the four flags
        std::vector<Row> rows; // every household, placed or not: the building totals count them all
    };
    const auto scan = [&units, &makeColumns](Connection& conn, std::int64_t lo, std::int64_t hi, std::size_t reserve) {
        Part p;
        p.cols = makeColumns(reserve);
        p.ids.reserve(reserve);
        p.points.reserve(reserve);
        p.placedFlagged.reserve(reserve);
        p.rows.reserve(reserve);
        Statement st(conn,
                     "SELECT id, unit_id, floor, room, hardship, minimum_income, elderly_alone, left_behind_children, vacant, "
                     + geomSelect(conn, "geom") + " FROM households WHERE id BETWEEN ? AND ? ORDER BY id");
        st.bind(1, lo).bind(2, hi);
        model::Geometry g;
        auto& cols = p.cols;
        // floor, room and the flags are NOT NULL in the schema: read without type checks.
        while (st.step()) {
            const std::int64_t id = st.columnInt(0);
            const std::int64_t unitId = st.columnInt(1);
            const UnitInfo* u = units.find(unitId);
            std::int64_t flags[5];
            for (int k = 0; k < 5; ++k) flags[k] = st.columnInt(4 + k);
            const bool flagged = flags[0] || flags[1] || flags[2] || flags[3];
            if (u) p.rows.push_back(Row{id, u->building, flagged});
            const std::string_view blob = st.columnBlob(9);
            if (blob.empty()) continue; // not placed: the view's layer shows nothing for it either
            const model::Rect box = geometryBounds(conn, blob); // a point's MBR is the point
            if (box.xmin == box.xmax && box.ymin == box.ymax) {
                p.points.push_back(Vec2{box.xmin, box.ymin});
            } else {
                decodeGeometry(conn, blob, g);
                p.points.push_back(g.coords.empty() ? Vec2{} : g.coords[0]);
            }
            p.ids.push_back(id);
            p.placedFlagged.push_back(flagged ? 1 : 0);
            pushNotNull(cols[UnitId], unitId);
            pushNotNull(cols[BuildingId], u ? u->building : 0);
            if (u && u->grid) {
                pushInt(cols[GridId], u->grid);
            } else {
                cols[GridId].isNull.push_back(1);
                cols[GridId].ints.push_back(0);
            }
            pushNotNull(cols[Unit], u ? u->number : 0);
            pushNotNull(cols[Floor], st.columnInt(2));
            cols[Room].texts.emplace_back(st.columnTextView(3));
            for (int k = 0; k < 5; ++k) pushNotNull(cols[static_cast<std::size_t>(Hardship + k)], flags[k]);
        }
        return p;
    };
    // Two halves on two connections and threads (with the residents' side, three): the scan
    // costs more in C++ than in SQLite, so it divides well.
    const std::int64_t minId = c.queryInt("SELECT MIN(id) FROM households").value_or(0);
    const std::int64_t mid = minId + (maxId - minId) / 2;
    auto upper = std::async(std::launch::async, [&scan, path = atlas.path(), mid, maxId, n] {
        Connection uc(path, OpenMode::ReadOnly);
        return scan(uc, mid + 1, maxId, n / 2 + 16);
    });
    Part part = scan(c, std::numeric_limits<std::int64_t>::min(), mid, n + 16); // room for both halves
    {
        Part hi = upper.get();
        for (std::size_t k = 0; k < part.cols.size(); ++k) appendColumn(part.cols[k], hi.cols[k]);
        part.ids.insert(part.ids.end(), hi.ids.begin(), hi.ids.end());
        part.points.insert(part.points.end(), hi.points.begin(), hi.points.end());
        part.placedFlagged.insert(part.placedFlagged.end(), hi.placedFlagged.begin(), hi.placedFlagged.end());
        part.rows.insert(part.rows.end(), hi.rows.begin(), hi.rows.end());
    }
    auto& cols = part.cols;
    auto& ids = part.ids;
    auto& points = part.points;
    auto& placedFlagged = part.placedFlagged;
    auto& rows = part.rows;
    residents.get(); // rethrows the residents' side's error

    for (std::size_t i = 0; i < ids.size(); ++i) {
        const HouseholdAgg* a = census->households.find(ids[i]);
        const HouseholdAgg agg = a ? *a : HouseholdAgg{};
        pushNotNull(cols[Residents], agg.residents);
        pushNotNull(cols[Members], agg.members);
        pushNotNull(cols[HasMember], agg.members > 0 ? 1 : 0);
        pushNotNull(cols[HasDisability], agg.disability ? 1 : 0);
        pushNotNull(cols[Vulnerable], (placedFlagged[i] || agg.disability) ? 1 : 0);
    }
    census->householdsLayer = std::make_shared<LayerSnapshot>("households", GeomType::Point, std::move(cols), std::move(ids),
                                                              std::move(points), std::vector<model::Geometry>{});

    census->buildings.reserveFor(c.queryInt("SELECT MAX(id) FROM buildings").value_or(0),
                                 static_cast<std::size_t>(c.queryInt("SELECT COUNT(*) FROM buildings").value_or(0)));
    for (const Row& r : rows) {
        BuildingAgg& b = census->buildings[r.building];
        const HouseholdAgg* a = census->households.find(r.household);
        ++b.households;
        if (a) {
            b.residents += a->residents;
            b.members += a->members;
        }
        if (r.flagged || (a && a->disability)) ++b.vulnerable;
    }
    return census;
}

namespace {
using namespace detail;

// The households layer = household_summary, computed from two table scans.
std::shared_ptr<const LayerSnapshot> loadHouseholds(const LayerCensus& census) {
    return census.householdsLayer;
}

// Generic: every column of a table or view, with typed columns from their declared or first value type.
std::shared_ptr<const LayerSnapshot> loadGeneric(Connection& c, const std::string& layer, const std::string& relation,
                                                 GeomType type) {
    std::vector<LayerSnapshot::Column> cols;
    std::vector<std::string> names;
    {
        for (const auto& [name, t] : relationColumns(c, relation)) {
            if (name == "geom" || name == "rowid" || name == "id" || name == "row_version") continue;
            const FieldType ft = t.find("INT") != std::string::npos ? FieldType::Integer
                                 : (t.find("REAL") != std::string::npos || t.find("DOUBLE") != std::string::npos)
                                     ? FieldType::Real
                                 : t.find("TEXT") != std::string::npos
                                     ? FieldType::Text
                                     : FieldType::Integer; // undeclared (view expressions): decided by the first value below
            cols.push_back(column(name, ft, 0, name == "manager" || name == "supervisor" || name == "assistant"));
            cols.back().field.type = ft;
            names.push_back(name);
        }
    }
    std::string sql = "SELECT id, " + geomSelect(c, "geom");
    for (const auto& n : names) sql += ", " + quoteIdentifier(n);
    sql += " FROM " + quoteIdentifier(relation) + " ORDER BY id";
    Statement st(c, sql);
    std::vector<std::int64_t> ids;
    std::vector<Vec2> points;
    std::vector<model::Geometry> geoms;
    model::Geometry g;
    while (st.step()) {
        if (st.isNull(1)) continue;
        ids.push_back(st.columnInt(0));
        decodeGeometry(c, st.columnBlob(1), g);
        if (type == GeomType::Point)
            points.push_back(g.coords.empty() ? Vec2{} : g.coords[0]);
        else
            geoms.push_back(g);
        for (std::size_t k = 0; k < cols.size(); ++k) push(cols[k], st, static_cast<int>(k) + 2);
    }
    return std::make_shared<LayerSnapshot>(layer, type, std::move(cols), std::move(ids), std::move(points), std::move(geoms));
}

// The buildings layer = building_summary: the table's columns plus the census totals.
using CensusFn = std::function<std::shared_ptr<const LayerCensus>()>;

std::shared_ptr<const LayerSnapshot> loadBuildings(Connection& c, const CensusFn& censusFn) {
    // Base columns from the table, totals from the scan: the same values as building_summary.
    auto base = loadGeneric(c, "buildings", "buildings", GeomType::Polygon);
    const auto census = censusFn();
    const IdMap<BuildingAgg>& totals = census->buildings;
    std::vector<LayerSnapshot::Column> cols;
    std::vector<std::int64_t> ids;
    std::vector<model::Geometry> geoms;
    for (const auto& f : base->fields()) {
        if (f.name == "id") continue;
        LayerSnapshot::Column col = column(f.name, f.type, base->size());
        const int k = base->columnIndex(f.name);
        for (std::size_t i = 0; i < base->size(); ++i) {
            const model::Value v = base->value(i, k);
            col.isNull.push_back(model::isNull(v) ? 1 : 0);
            if (f.type == FieldType::Integer)
                col.ints.push_back(std::holds_alternative<std::int64_t>(v) ? std::get<std::int64_t>(v) : 0);
            else if (f.type == FieldType::Real)
                col.reals.push_back(model::toNumber(v).value_or(0.0));
            else
                col.texts.push_back(model::toText(v));
        }
        cols.push_back(std::move(col));
    }
    for (const char* name : {"households", "residents", "members", "vulnerable_households"})
        cols.push_back(column(name, FieldType::Integer, base->size()));
    const std::size_t first = cols.size() - 4;
    for (std::size_t i = 0; i < base->size(); ++i) {
        ids.push_back(base->id(i));
        model::Geometry g;
        base->geometry(i, g);
        geoms.push_back(std::move(g));
        const BuildingAgg* t = totals.find(base->id(i));
        const BuildingAgg b = t ? *t : BuildingAgg{};
        pushInt(cols[first], b.households);
        pushInt(cols[first + 1], b.residents);
        pushInt(cols[first + 2], b.members);
        pushInt(cols[first + 3], b.vulnerable);
    }
    return std::make_shared<LayerSnapshot>("buildings", GeomType::Polygon, std::move(cols), std::move(ids), std::vector<Vec2>{},
                                           std::move(geoms));
}

// The grids layer = grid_summary: names and staff per grid (cheap), totals from the census.
std::shared_ptr<const LayerSnapshot> loadGrids(Connection& c, const CensusFn& censusFn) {
    // Grids: the view's small columns (names, staff) per grid are cheap; its totals come from the
    // scan. The grids themselves are read first, the census asked for after.
    struct GridRow {
        std::int64_t id;
        model::Geometry geom;
        model::Value values[8]; // code, name, community_id, community, target, manager, supervisor, assistant
    };
    std::vector<GridRow> rows;
    {
        Statement st(c, "SELECT g.id, " + geomSelect(c, "g.geom") + ", g.code, g.name, g.community_id, c.name, g.target_households, "
                        "(SELECT name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'manager'), "
                        "(SELECT name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'supervisor'), "
                        "(SELECT name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'assistant') "
                        "FROM grids g JOIN communities c ON c.id = g.community_id ORDER BY g.id");
        while (st.step()) {
            if (st.isNull(1)) continue;
            GridRow r;
            r.id = st.columnInt(0);
            decodeGeometry(c, st.columnBlob(1), r.geom);
            for (int k = 0; k < 8; ++k) r.values[k] = st.columnValue(2 + k);
            rows.push_back(std::move(r));
        }
    }
    const auto census = censusFn();
    const IdMap<BuildingAgg>& totals = census->buildings;
    IdMap<BuildingAgg> grid;
    grid.reserveFor(c.queryInt("SELECT MAX(id) FROM grids").value_or(0),
                    static_cast<std::size_t>(c.queryInt("SELECT COUNT(*) FROM grids").value_or(0)));
    IdMap<std::int64_t> gridBuildings;
    gridBuildings.reserveFor(c.queryInt("SELECT MAX(id) FROM grids").value_or(0),
                             static_cast<std::size_t>(c.queryInt("SELECT COUNT(*) FROM grids").value_or(0)));
    {
        Statement st(c, "SELECT id, grid_id FROM buildings WHERE grid_id IS NOT NULL");
        while (st.step()) {
            const BuildingAgg* t = totals.find(st.columnInt(0));
            BuildingAgg& g = grid[st.columnInt(1)];
            ++gridBuildings[st.columnInt(1)];
            if (t) {
                g.households += t->households;
                g.members += t->members;
            }
        }
    }
    std::vector<LayerSnapshot::Column> cols;
    std::vector<std::int64_t> ids;
    std::vector<model::Geometry> geoms;
    const std::vector<std::pair<const char*, FieldType>> spec{{"code", FieldType::Text},
                                                              {"name", FieldType::Text},
                                                              {"community_id", FieldType::Integer},
                                                              {"community", FieldType::Text},
                                                              {"target_households", FieldType::Integer},
                                                              {"buildings", FieldType::Integer},
                                                              {"households", FieldType::Integer},
                                                              {"members", FieldType::Integer},
                                                              {"manager", FieldType::Text},
                                                              {"supervisor", FieldType::Text},
                                                              {"assistant", FieldType::Text},
                                                              {"deviation_pct", FieldType::Real}};
    for (const auto& [name, type] : spec) {
        const std::string n = name;
        cols.push_back(column(n, type, 0, n == "manager" || n == "supervisor" || n == "assistant"));
    }
    for (auto& r : rows) {
        ids.push_back(r.id);
        geoms.push_back(std::move(r.geom));
        for (std::size_t k = 0; k < 5; ++k) pushValue(cols[k], r.values[k]);
        const BuildingAgg* t = grid.find(r.id);
        const std::int64_t* nb = gridBuildings.find(r.id);
        pushInt(cols[5], nb ? *nb : 0);
        pushInt(cols[6], t ? t->households : 0);
        pushInt(cols[7], t ? t->members : 0);
        for (std::size_t k = 0; k < 3; ++k) pushValue(cols[8 + k], r.values[5 + k]);
        // As grid_summary: households against the target in percent, one decimal; NULL without one.
        const auto* target = std::get_if<std::int64_t>(&r.values[4]);
        if (target && *target > 0)
            pushValue(cols[11], model::Value(std::round(1000.0 * static_cast<double>((t ? t->households : 0) - *target) /
                                                        static_cast<double>(*target)) / 10.0));
        else
            pushValue(cols[11], model::Value{});
    }
    return std::make_shared<LayerSnapshot>("grids", GeomType::Polygon, std::move(cols), std::move(ids), std::vector<Vec2>{},
                                           std::move(geoms));
}

} // namespace

std::unique_ptr<model::FeatureSource> makeSnapshotSource(std::shared_ptr<const LayerSnapshot> snapshot) {
    return std::make_unique<SnapshotSource>(std::move(snapshot));
}

std::shared_ptr<const LayerSnapshot> loadLayerSnapshot(Atlas& atlas, const std::string& layer,
                                                       std::shared_ptr<const LayerCensus> census) {
    return loadLayerSnapshot(atlas, layer, [&atlas, &census] {
        if (!census) census = computeLayerCensus(atlas);
        return census;
    });
}

std::shared_ptr<const LayerSnapshot> loadLayerSnapshot(Atlas& atlas, const std::string& layer, const CensusFn& census) {
    auto& c = atlas.connection();
    // A consistent view of this connection's tables while the layer is read in several statements.
    Transaction tx(c, /*immediate=*/false);
    if (layer == "households") return loadHouseholds(*census());
    if (layer == "buildings") return loadBuildings(c, census);
    if (layer == "grids") return loadGrids(c, census);
    if (layer == "communities") return loadGeneric(c, layer, "communities", GeomType::MultiPolygon);
    if (layer == "units") return loadGeneric(c, layer, "units", GeomType::Point);
    if (layer == "service_posts") return loadGeneric(c, layer, "post_summary", GeomType::Point);
    if (layer == "streets") return loadGeneric(c, layer, "streets", GeomType::LineString);
    // Unknown names get the same message as the direct sources.
    (void)atlas.openLayer(layer);
    throw InputError("layer '" + layer + "' cannot be cached");
}

// --- LayerCache -------------------------------------------------------------------------------

std::shared_ptr<const LayerSnapshot> loadLayerSnapshotInView(Atlas& atlas, const std::string& layer, const model::Rect& view) {
    auto source = atlas.openLayer(layer);
    std::vector<LayerSnapshot::Column> cols;
    model::FeatureRequest request;
    request.bbox = view;
    request.withGeometry = true;
    for (const auto& f : source->fields()) {
        if (f.name == "id") continue;
        cols.push_back(detail::column(f.name, f.type, 0, f.sensitive));
        request.fields.push_back(f.name);
    }
    const GeomType type = source->geometryType();
    std::vector<std::int64_t> ids;
    std::vector<Vec2> points;
    std::vector<model::Geometry> geoms;
    auto cursor = source->features(request);
    model::Feature f;
    while (cursor->next(f)) {
        if (f.geometry.coords.empty()) continue;
        ids.push_back(f.id);
        if (type == GeomType::Point)
            points.push_back(f.geometry.coords[0]);
        else
            geoms.push_back(f.geometry);
        for (std::size_t k = 0; k < cols.size(); ++k) detail::pushValue(cols[k], f.values[k]);
    }
    return std::make_shared<LayerSnapshot>(layer, type, std::move(cols), std::move(ids), std::move(points), std::move(geoms));
}

LayerCache::LayerCache(std::string atlasPath) : m_path(std::move(atlasPath)) {
}

LayerCache::~LayerCache() {
    std::vector<std::future<void>> pending;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        pending.swap(m_prefetches);
    }
    for (auto& f : pending) f.wait();
}

std::shared_ptr<const LayerCensus> LayerCache::census(std::uint64_t forGeneration) {
    std::promise<std::shared_ptr<const LayerCensus>> promise;
    std::shared_future<std::shared_ptr<const LayerCensus>> future;
    bool mine = false;
    bool stale = false;
    std::uint64_t generation = 0;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        stale = forGeneration != m_generation;
        if (!stale) {
            if (!m_census.valid()) {
                m_census = promise.get_future().share();
                mine = true;
            }
            future = m_census;
        }
        generation = m_generation;
    }
    if (stale) {
        // A load that began before clear(): it must neither use nor leave a census of the new
        // generation (it read older rows). Rare, and its result is thrown away anyway.
        auto atlas = Atlas::open(m_path, OpenMode::ReadOnly);
        return computeLayerCensus(*atlas);
    }
    if (mine) {
        // Computed outside the lock: other layers keep loading; callers of census() wait.
        try {
            auto atlas = Atlas::open(m_path, OpenMode::ReadOnly);
            promise.set_value(computeLayerCensus(*atlas));
        } catch (...) {
            promise.set_exception(std::current_exception());
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_generation == generation) m_census = {};
        }
    }
    return future.get();
}

std::shared_ptr<const LayerSnapshot> LayerCache::layer(const std::string& name) {
    if (auto extra = extraLayer(name)) return extra;
    return load(name, std::nullopt);
}

void LayerCache::setExtraLayer(const std::string& name, std::shared_ptr<const LayerSnapshot> snapshot) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (snapshot)
        m_extra[name] = std::move(snapshot);
    else
        m_extra.erase(name);
}

std::shared_ptr<const LayerSnapshot> LayerCache::extraLayer(const std::string& name) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_extra.find(name);
    return it == m_extra.end() ? nullptr : it->second;
}

std::vector<std::string> LayerCache::extraLayerNames() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<std::string> out;
    for (const auto& [k, v] : m_extra) out.push_back(k);
    std::sort(out.begin(), out.end());
    return out;
}

std::shared_ptr<const LayerSnapshot> LayerCache::load(const std::string& name, std::optional<std::uint64_t> onlyInGeneration) {
    std::promise<std::shared_ptr<const LayerSnapshot>> promise;
    SnapshotFuture future;
    bool mine = false;
    std::uint64_t generation = 0;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (onlyInGeneration && *onlyInGeneration != m_generation) return nullptr; // cleared meanwhile
        auto it = m_layers.find(name);
        if (it != m_layers.end()) {
            future = it->second;
        } else {
            future = promise.get_future().share();
            m_layers.emplace(name, future);
            mine = true;
        }
        generation = m_generation;
    }
    if (mine) {
        try {
            auto atlas = Atlas::open(m_path, OpenMode::ReadOnly);
            promise.set_value(loadLayerSnapshot(*atlas, name, [this, generation] { return census(generation); }));
        } catch (...) {
            promise.set_exception(std::current_exception());
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_generation == generation) m_layers.erase(name);
        }
    }
    return future.get();
}

void LayerCache::prefetch(const std::vector<std::string>& layers) {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::erase_if(m_prefetches, [](const std::future<void>& f) {
        return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    });
    for (const auto& name : layers) {
        if (m_layers.count(name)) continue;
        // A prefetch that only starts after clear() must not load the old request into the new
        // generation (it could read rows an edit is about to replace): it checks its generation.
        m_prefetches.push_back(std::async(std::launch::async, [this, name, generation = m_generation] {
            try {
                (void)load(name, generation);
            } catch (...) {
                // Reported to whoever asks for the layer (the load is tried again then).
            }
        }));
    }
}

void LayerCache::clear() {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_generation;
    m_layers.clear();
    m_census = {};
}

std::size_t LayerCache::memoryBytes() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::size_t total = 0;
    for (const auto& [k, f] : m_layers) {
        if (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) continue;
        try {
            total += f.get()->memoryBytes();
        } catch (...) {
        }
    }
    return total;
}

CachedAtlasProvider::CachedAtlasProvider(std::shared_ptr<LayerCache> cache, std::string datasetName, int srid)
    : m_cache(std::move(cache)), m_name(std::move(datasetName)), m_srid(srid) {
}

std::vector<std::string> CachedAtlasProvider::layerNames() const {
    auto names = Atlas::layerNames();
    for (auto& extra : m_cache->extraLayerNames()) names.push_back(std::move(extra));
    return names;
}

namespace {
// Loads its layer on first real use: a renderer that only asks for the geometry type (to skip a
// layer out of its scale range) never pays for loading it.
class LazyCachedSource : public model::FeatureSource {
public:
    LazyCachedSource(std::shared_ptr<LayerCache> cache, std::string layer)
        : m_cache(std::move(cache)), m_layer(std::move(layer)), m_type(Atlas::layerGeometryType(m_layer)) {}
    std::string name() const override { return m_layer; }
    GeomType geometryType() const override { return m_type; }
    std::vector<model::Field> fields() const override { return source().fields(); }
    Rect extent() const override { return source().extent(); }
    std::unique_ptr<model::FeatureCursor> features(const model::FeatureRequest& req) override { return source().features(req); }

private:
    model::FeatureSource& source() const {
        if (!m_source) m_source = makeSnapshotSource(m_cache->layer(m_layer));
        return *m_source;
    }
    std::shared_ptr<LayerCache> m_cache;
    std::string m_layer;
    GeomType m_type;
    mutable std::unique_ptr<model::FeatureSource> m_source;
};
} // namespace

std::unique_ptr<model::FeatureSource> CachedAtlasProvider::open(const std::string& layer) {
    if (auto extra = m_cache->extraLayer(layer)) return makeSnapshotSource(std::move(extra));
    return std::make_unique<LazyCachedSource>(m_cache, layer);
}

} // namespace gridatlas::storage
