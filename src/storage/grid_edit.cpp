#include "storage/grid_edit.h"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "model/masking.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/grid_geos.h"
#include "storage/row_versions.h"
#include "storage/schema.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

namespace {

std::vector<GridRowSnapshot::Staff> readStaff(Connection& c, std::int64_t gridId) {
    Statement staff(c, "SELECT role, name, phone, phone_enc FROM grid_staff WHERE grid_id = ? ORDER BY id");
    staff.bind(1, gridId);
    std::vector<GridRowSnapshot::Staff> out;
    while (staff.step()) {
        GridRowSnapshot::Staff p{staff.columnText(0), staff.columnText(1), std::nullopt};
        if (!staff.isNull(2)) p.phone = staff.columnText(2);
        if (!staff.isNull(3)) p.phoneSealed = crypto::SealedRef{crypto::Field::StaffPhone, p.name, std::string(staff.columnBlob(3))};
        out.push_back(std::move(p));
    }
    return out;
}

/// Inserts a grid's staff. A phone that comes with its ciphertext, still masked and under the
/// name it was sealed for, is written back as it was (undo, unrevealed edits: no key needed);
/// a renamed one is resealed, a new one sealed (an encrypted atlas then needs its key).
void writeStaff(Connection& c, std::int64_t gridId, const std::vector<GridRowSnapshot::Staff>& staff) {
    std::optional<crypto::FieldCipher> cipher;
    Statement ins(c, "INSERT INTO grid_staff (grid_id, role, name, phone, phone_enc) VALUES (?, ?, ?, ?, ?)");
    for (const auto& p : staff) {
        ins.bind(1, gridId).bind(2, p.role).bind(3, p.name);
        const bool stillSealed = p.phoneSealed && p.phone && *p.phone == model::maskPhone(*p.phone) && p.phone->find('*') != std::string::npos;
        if (!p.phone || p.phone->empty()) {
            ins.bindNull(4).bindNull(5);
        } else if (stillSealed && p.phoneSealed->identity == p.name) {
            ins.bind(4, *p.phone).bindBlob(5, p.phoneSealed->cipher.data(), p.phoneSealed->cipher.size());
        } else {
            if (!cipher) cipher.emplace(c, crypto::FieldCipher::Need::Key, "store staff phones");
            const std::string clear = stillSealed ? crypto::openSealed(c.path(), *p.phoneSealed) : *p.phone;
            const crypto::Sealed sealed = cipher->seal(crypto::Field::StaffPhone, p.name, clear);
            ins.bind(4, sealed.shown);
            if (sealed.cipher.empty()) ins.bindNull(5);
            else ins.bindBlob(5, sealed.cipher.data(), sealed.cipher.size());
        }
        ins.run();
    }
}

using model::Geometry;
using model::Vec2;

/// The edit's working state inside its transaction: snapshots taken before the first change of
/// each row, so the undo record holds the state before the whole edit.
class EditSession {
public:
    explicit EditSession(Atlas& atlas) : m_atlas(atlas), m_c(atlas.connection()), m_tx(m_c) {}

    Connection& conn() { return m_c; }
    int srid() const { return m_atlas.srid(); }

    bool exists(std::int64_t gridId) {
        Statement st(m_c, "SELECT 1 FROM grids WHERE id = ?");
        st.bind(1, gridId);
        return st.step();
    }

    GridRowSnapshot snapshot(std::int64_t gridId) {
        Statement st(m_c, "SELECT id, code, name, community_id, target_households, " + geomSelect(m_c, "geom") + " FROM grids WHERE id = ?");
        st.bind(1, gridId);
        if (!st.step()) throw InputError("atlas '" + m_c.path() + "': no grid with id " + std::to_string(gridId));
        GridRowSnapshot s;
        s.id = st.columnInt(0);
        s.code = st.columnText(1);
        s.name = st.columnText(2);
        s.communityId = st.columnInt(3);
        if (!st.isNull(4)) s.targetHouseholds = st.columnInt(4);
        s.geomBlob = std::string(st.columnBlob(5));
        s.staff = readStaff(m_c, gridId);
        return s;
    }

    void markChanged(std::int64_t gridId) {
        if (!m_created.count(gridId)) m_changed.insert(gridId);
    }

    /// Records the row before its first change.
    void touch(std::int64_t gridId) {
        if (m_created.count(gridId) || m_touched.count(gridId)) return;
        m_touched.insert(gridId);
        m_result.undo.grids.push_back(snapshot(gridId));
    }

    Geometry polygon(std::int64_t gridId) {
        Statement st(m_c, "SELECT " + geomSelect(m_c, "geom") + " FROM grids WHERE id = ?");
        st.bind(1, gridId);
        if (!st.step()) throw InputError("atlas '" + m_c.path() + "': no grid with id " + std::to_string(gridId));
        Geometry g;
        decodeGeometry(m_c, st.columnBlob(0), g);
        return g;
    }

    std::int64_t communityOf(std::int64_t gridId) {
        Statement st(m_c, "SELECT community_id FROM grids WHERE id = ?");
        st.bind(1, gridId);
        if (!st.step()) throw InputError("atlas '" + m_c.path() + "': no grid with id " + std::to_string(gridId));
        return st.columnInt(0);
    }

    std::string codeOf(std::int64_t gridId) {
        Statement st(m_c, "SELECT code FROM grids WHERE id = ?");
        st.bind(1, gridId);
        return st.step() ? st.columnText(0) : "id " + std::to_string(gridId);
    }

    void setPolygon(std::int64_t gridId, const Geometry& g) {
        if (g.type != model::GeomType::Polygon)
            throw InputError("grid " + codeOf(gridId) + " would fall into " + std::to_string(g.partEnds.size()) +
                             " separate parts (a grid must be one polygon)");
        touch(gridId);
        const std::string blob = encodeGeometry(m_c, g, srid());
        Statement st(m_c, "UPDATE grids SET geom = " + geomParam(m_c, srid()) + " WHERE id = ?");
        st.bindBlob(1, blob.data(), blob.size()).bind(2, gridId);
        try {
            st.run();
        } catch (const StorageError& e) {
            throw InputError("grid " + codeOf(gridId) + ": the new boundary is not a valid polygon (" + e.what() + ")");
        }
        if (!m_created.count(gridId)) m_changed.insert(gridId);
        m_communities.insert(communityOf(gridId));
    }

    std::int64_t insertGrid(const NewGrid& g, std::int64_t communityId, const Geometry& polygon) {
        if (g.code.empty()) throw InputError("a new grid needs a code");
        if (polygon.type != model::GeomType::Polygon) throw InputError("grid " + g.code + " must be one polygon");
        const std::string blob = encodeGeometry(m_c, polygon, srid());
        Statement st(m_c, "INSERT INTO grids (code, name, community_id, target_households, geom) VALUES (?, ?, ?, ?, " +
                              geomParam(m_c, srid()) + ")");
        st.bind(1, g.code).bind(2, g.name.empty() ? g.code : g.name).bind(3, communityId).bind(4, g.targetHouseholds);
        st.bindBlob(5, blob.data(), blob.size());
        try {
            st.run();
        } catch (const StorageError& e) {
            throw InputError("cannot create grid " + g.code + ": " + e.what());
        }
        const std::int64_t id = m_c.lastInsertId();
        m_created.insert(id);
        m_result.undo.createdGrids.push_back(id);
        m_result.createdGrids.push_back(id);
        m_communities.insert(communityId);
        return id;
    }

    void deleteGridRow(std::int64_t gridId) {
        touch(gridId);
        m_communities.insert(communityOf(gridId));
        // Buildings lose the grid: record them first (the foreign key would null them silently).
        Statement b(m_c, "SELECT id FROM buildings WHERE grid_id = ?");
        b.bind(1, gridId);
        std::vector<std::int64_t> ids;
        while (b.step()) ids.push_back(b.columnInt(0));
        for (auto id : ids) setBuildingGrid(id, std::nullopt);
        Statement st(m_c, "DELETE FROM grids WHERE id = ?");
        st.bind(1, gridId);
        st.run();
        m_changed.erase(gridId);
        m_result.deletedGrids.push_back(gridId);
    }

    void setBuildingGrid(std::int64_t buildingId, std::optional<std::int64_t> gridId) {
        Statement cur(m_c, "SELECT grid_id FROM buildings WHERE id = ?");
        cur.bind(1, buildingId);
        if (!cur.step()) throw InputError("atlas '" + m_c.path() + "': no building with id " + std::to_string(buildingId));
        const std::optional<std::int64_t> old = cur.isNull(0) ? std::nullopt : std::optional<std::int64_t>(cur.columnInt(0));
        if (old == gridId) return;
        if (m_movedBuildings.insert(buildingId).second) {
            m_result.undo.buildingGrids.emplace_back(buildingId, old);
            m_result.movedBuildings.push_back(buildingId);
        }
        Statement st(m_c, "UPDATE buildings SET grid_id = ? WHERE id = ?");
        st.bind(1, gridId).bind(2, buildingId);
        st.run();
    }

    /// Every building of the communities touched by the edit to the grid holding most of it.
    void reassign(std::vector<std::int64_t> communities = {}) {
        if (communities.empty()) communities.assign(m_communities.begin(), m_communities.end());
        if (communities.empty()) return;
        std::string inList;
        for (auto id : communities) inList += (inList.empty() ? "" : ", ") + std::to_string(id);
        const geos::Context ctx;
        struct G {
            std::int64_t id;
            geos::GeomPtr geom;
            geos::PreparedPtr prep;
            model::Rect box;
        };
        std::vector<G> grids;
        {
            Statement st(m_c, "SELECT id, " + geomSelect(m_c, "geom") + " FROM grids WHERE community_id IN (" + inList + ") ORDER BY id");
            Geometry g;
            while (st.step()) {
                decodeGeometry(m_c, st.columnBlob(1), g);
                G r{st.columnInt(0), ctx.fromModel(g), {}, g.bounds()};
                r.prep = ctx.prepare(r.geom.get());
                grids.push_back(std::move(r));
            }
        }
        std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> updates;
        {
            Statement st(m_c, "SELECT id, grid_id, " + geomSelect(m_c, "geom") + " FROM buildings WHERE community_id IN (" + inList +
                                  ") ORDER BY id");
            Geometry g;
            while (st.step()) {
                decodeGeometry(m_c, st.columnBlob(2), g);
                const model::Rect box = g.bounds();
                auto fp = ctx.fromModel(g);
                std::optional<std::int64_t> best;
                double bestArea = 0;
                for (auto& r : grids) {
                    if (!r.box.intersects(box)) continue;
                    if (GEOSPreparedCovers_r(ctx.handle(), r.prep.get(), fp.get())) {
                        best = r.id;
                        break;
                    }
                    if (!GEOSPreparedIntersects_r(ctx.handle(), r.prep.get(), fp.get())) continue;
                    const double a = ctx.area(ctx.intersection(r.geom.get(), fp.get()).get());
                    if (a > bestArea) {
                        bestArea = a;
                        best = r.id;
                    }
                }
                const std::optional<std::int64_t> old =
                    st.isNull(1) ? std::nullopt : std::optional<std::int64_t>(st.columnInt(1));
                if (old != best) updates.emplace_back(st.columnInt(0), best);
            }
        }
        for (auto& [b, g] : updates) setBuildingGrid(b, g);
    }

    GridEditResult commit() {
        reassign();
        m_tx.commit();
        m_result.changedGrids.assign(m_changed.begin(), m_changed.end());
        return std::move(m_result);
    }

private:
    Atlas& m_atlas;
    Connection& m_c;
    Transaction m_tx;
    GridEditResult m_result;
    std::set<std::int64_t> m_touched;
    std::set<std::int64_t> m_created;
    std::set<std::int64_t> m_changed;
    std::set<std::int64_t> m_movedBuildings;
    std::set<std::int64_t> m_communities;
};

Geometry requirePolygon(const Geometry& g, const char* what) {
    if (g.type != model::GeomType::Polygon || g.ringEnds.empty() || g.ringEnds[0] < 4)
        throw InputError(std::string(what) + " must be a polygon with at least three corners");
    return g;
}

/// Grids (other than `except`) whose box meets `box`.
std::vector<std::int64_t> gridsNear(Connection& c, const model::Rect& box, std::int64_t except) {
    std::vector<std::int64_t> out;
    Statement st(c, "SELECT id, " + geomSelect(c, "geom") + " FROM grids ORDER BY id");
    while (st.step()) {
        if (st.columnInt(0) == except) continue;
        if (geometryBounds(c, st.columnBlob(1)).intersects(box)) out.push_back(st.columnInt(0));
    }
    return out;
}

/// Takes the area of `polygon` away from every other grid that overlaps it.
void claimFromNeighbours(EditSession& s, const geos::Context& ctx, std::int64_t self, const Geometry& polygon) {
    auto p = ctx.fromModel(polygon);
    auto prep = ctx.prepare(p.get());
    for (auto id : gridsNear(s.conn(), polygon.bounds(), self)) {
        auto other = ctx.fromModel(s.polygon(id));
        if (!GEOSPreparedIntersects_r(ctx.handle(), prep.get(), other.get())) continue;
        auto inter = ctx.intersection(p.get(), other.get());
        if (ctx.area(inter.get()) <= 1e-6) continue;
        auto rest = ctx.polygonalParts(ctx.difference(other.get(), p.get()).get(), 1e-6);
        if (GEOSisEmpty_r(ctx.handle(), rest.get()) || ctx.area(rest.get()) <= 1e-6)
            throw InputError("the new boundary would cover all of grid " + s.codeOf(id) + "; merge or delete it instead");
        s.setPolygon(id, ctx.toModel(rest.get()));
    }
}

double segmentDistance(Vec2 p, Vec2 a, Vec2 b, double* t) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double u = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
    u = std::clamp(u, 0.0, 1.0);
    if (t) *t = u;
    return std::hypot(a.x + u * dx - p.x, a.y + u * dy - p.y);
}

enum class VertexOp { Move, Insert, Remove };

/// Applies a vertex operation to one polygon; returns true when it changed.
bool editRings(Geometry& g, VertexOp op, Vec2 at, Vec2 to, double tol) {
    bool changed = false;
    Geometry out;
    out.type = g.type;
    for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
        std::vector<Vec2> ring(g.coords.begin() + g.ringBegin(r), g.coords.begin() + g.ringEnds[r]);
        if (!ring.empty() && ring.front() == ring.back()) ring.pop_back();
        bool hasVertex = false;
        for (auto& p : ring)
            if (std::hypot(p.x - at.x, p.y - at.y) <= tol) hasVertex = true;
        std::vector<Vec2> next;
        if (hasVertex) {
            for (auto& p : ring) {
                if (std::hypot(p.x - at.x, p.y - at.y) <= tol) {
                    if (op == VertexOp::Insert) {
                        next.push_back(p); // already there
                        continue;
                    }
                    changed = true;
                    if (op == VertexOp::Move) next.push_back(to); // Remove: dropped
                } else {
                    next.push_back(p);
                }
            }
        } else if (op != VertexOp::Remove) {
            // An edge through `at` (a T-junction): insert the vertex there.
            for (std::size_t i = 0; i < ring.size(); ++i) {
                next.push_back(ring[i]);
                const Vec2 b = ring[(i + 1) % ring.size()];
                double t = 0;
                if (segmentDistance(at, ring[i], b, &t) <= tol && t > 0 && t < 1) {
                    next.push_back(op == VertexOp::Move ? to : at);
                    changed = true;
                }
            }
        } else {
            next = ring;
        }
        if (next.size() < 3) throw InputError("removing the vertex would leave a ring with fewer than three corners");
        next.push_back(next.front());
        out.coords.insert(out.coords.end(), next.begin(), next.end());
        out.ringEnds.push_back(static_cast<std::uint32_t>(out.coords.size()));
    }
    out.partEnds = g.partEnds;
    if (changed) g = std::move(out);
    return changed;
}

GridEditResult vertexEdit(Atlas& atlas, VertexOp op, Vec2 at, Vec2 to, double tol) {
    EditSession s(atlas);
    const model::Rect box = model::Rect::of(at.x, at.y, at.x, at.y).buffered(tol);
    int edited = 0;
    for (auto id : gridsNear(s.conn(), box, -1)) {
        Geometry g = s.polygon(id);
        if (!editRings(g, op, at, to, tol)) continue;
        s.setPolygon(id, g);
        ++edited;
    }
    if (edited == 0) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "(%.3f, %.3f)", at.x, at.y);
        throw InputError(std::string("no grid has a vertex or edge at ") + buf);
    }
    return s.commit();
}

} // namespace

GridEditor::GridEditor(Atlas& atlas) : m_atlas(atlas) {
}

GridEditResult GridEditor::createGrid(const NewGrid& grid, const model::Geometry& polygon) {
    requirePolygon(polygon, "a grid boundary");
    EditSession s(m_atlas);
    const geos::Context ctx;
    std::int64_t community = 0;
    if (grid.communityId) {
        community = *grid.communityId;
    } else {
        // The community holding the polygon's interior point.
        const Vec2 p = model::interiorPoint(polygon);
        Statement st(s.conn(), "SELECT id, " + geomSelect(s.conn(), "geom") + " FROM communities ORDER BY id");
        Geometry g;
        while (st.step()) {
            decodeGeometry(s.conn(), st.columnBlob(1), g);
            if (model::contains(g, p)) {
                community = st.columnInt(0);
                break;
            }
        }
        if (community == 0) throw InputError("the new grid " + grid.code + " lies in no community");
    }
    claimFromNeighbours(s, ctx, -1, polygon);
    s.insertGrid(grid, community, polygon);
    return s.commit();
}

GridEditResult GridEditor::replacePolygon(std::int64_t gridId, const model::Geometry& polygon) {
    requirePolygon(polygon, "a grid boundary");
    EditSession s(m_atlas);
    const geos::Context ctx;
    s.touch(gridId);
    claimFromNeighbours(s, ctx, gridId, polygon);
    s.setPolygon(gridId, polygon);
    return s.commit();
}

GridEditResult GridEditor::splitGrid(std::int64_t gridId, const model::Geometry& line, const NewGrid& second) {
    if (line.type != model::GeomType::LineString || line.coords.size() < 2)
        throw InputError("a split needs a line of at least two points");
    EditSession s(m_atlas);
    const geos::Context ctx;
    auto h = ctx.handle();
    const Geometry poly = s.polygon(gridId);
    auto p = ctx.fromModel(poly);
    auto boundary = ctx.own(GEOSBoundary_r(h, p.get()), "boundary");
    auto l = ctx.fromModel(line);
    auto noded = ctx.unite(boundary.get(), l.get());
    const GEOSGeometry* in[] = {noded.get()};
    auto pieces = ctx.own(GEOSPolygonize_r(h, in, 1), "polygonize");
    auto prep = ctx.prepare(p.get());
    std::vector<std::pair<double, geos::GeomPtr>> parts;
    const int n = GEOSGetNumGeometries_r(h, pieces.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* piece = GEOSGetGeometryN_r(h, pieces.get(), i);
        auto inside = ctx.own(GEOSPointOnSurface_r(h, piece), "point on surface");
        if (!GEOSPreparedContains_r(h, prep.get(), inside.get())) continue;
        parts.emplace_back(ctx.area(piece), ctx.own(GEOSGeom_clone_r(h, piece), "clone"));
    }
    if (parts.size() != 2)
        throw InputError("the line cuts grid " + s.codeOf(gridId) + " into " + std::to_string(parts.size()) +
                         " parts; draw a line that crosses it once, from outside to outside");
    std::sort(parts.begin(), parts.end(), [](auto& a, auto& b) { return a.first > b.first; });
    const std::int64_t community = second.communityId.value_or(s.communityOf(gridId));
    s.setPolygon(gridId, ctx.toModel(parts[0].second.get()));
    s.insertGrid(second, community, ctx.toModel(parts[1].second.get()));
    return s.commit();
}

GridEditResult GridEditor::mergeGrids(std::int64_t keepId, const std::vector<std::int64_t>& others) {
    if (others.empty()) throw InputError("merge needs at least one grid besides the one kept");
    EditSession s(m_atlas);
    const geos::Context ctx;
    std::vector<geos::GeomPtr> parts;
    parts.push_back(ctx.fromModel(s.polygon(keepId)));
    for (auto id : others) {
        if (id == keepId) throw InputError("cannot merge grid " + s.codeOf(id) + " with itself");
        parts.push_back(ctx.fromModel(s.polygon(id)));
    }
    auto merged = ctx.polygonalParts(ctx.unionAll(std::move(parts)).get(), 1e-6);
    Geometry g = ctx.toModel(merged.get());
    if (g.type != model::GeomType::Polygon) {
        std::string codes = s.codeOf(keepId);
        for (auto id : others) codes += ", " + s.codeOf(id);
        throw InputError("grids " + codes + " do not form one connected area; merge only neighbouring grids");
    }
    for (auto id : others) s.deleteGridRow(id);
    s.setPolygon(keepId, g);
    return s.commit();
}

GridEditResult GridEditor::deleteGrid(std::int64_t gridId) {
    EditSession s(m_atlas);
    s.deleteGridRow(gridId);
    return s.commit();
}

GridEditResult GridEditor::moveSharedVertex(model::Vec2 from, model::Vec2 to, double tolerance) {
    return vertexEdit(m_atlas, VertexOp::Move, from, to, tolerance);
}

GridEditResult GridEditor::insertSharedVertex(model::Vec2 at, double tolerance) {
    return vertexEdit(m_atlas, VertexOp::Insert, at, at, tolerance);
}

GridEditResult GridEditor::removeSharedVertex(model::Vec2 at, double tolerance) {
    return vertexEdit(m_atlas, VertexOp::Remove, at, at, tolerance);
}

GridEditResult GridEditor::paintBuildings(const std::vector<std::int64_t>& buildings, std::int64_t gridId) {
    EditSession s(m_atlas);
    auto& c = s.conn();
    const geos::Context ctx;
    auto h = ctx.handle();
    const std::set<std::int64_t> painted(buildings.begin(), buildings.end());

    // The grids involved: the target and those the buildings leave.
    std::vector<std::int64_t> grids{gridId};
    s.polygon(gridId); // throws for an unknown grid
    for (auto b : painted) {
        Statement st(c, "SELECT grid_id FROM buildings WHERE id = ?");
        st.bind(1, b);
        if (!st.step()) throw InputError("atlas '" + c.path() + "': no building with id " + std::to_string(b));
        if (!st.isNull(0) && std::find(grids.begin(), grids.end(), st.columnInt(0)) == grids.end())
            grids.push_back(st.columnInt(0));
    }
    if (grids.size() == 1) {
        // Only unassigned buildings (or ones already in the grid): assignment alone.
        for (auto b : painted) s.setBuildingGrid(b, gridId);
        return s.commit();
    }
    std::map<std::int64_t, int> groupOf;
    std::vector<geos::GeomPtr> polys;
    const std::int64_t community = s.communityOf(gridId);
    for (std::size_t i = 0; i < grids.size(); ++i) {
        // Grid boundaries never cross a community boundary: painting stays inside one community.
        if (s.communityOf(grids[i]) != community)
            throw InputError("grid " + s.codeOf(grids[i]) + " belongs to another community than grid " + s.codeOf(gridId) +
                             "; buildings are painted only between grids of one community");
        groupOf[grids[i]] = static_cast<int>(i);
        polys.push_back(ctx.fromModel(s.polygon(grids[i])));
    }
    const std::string communities = std::to_string(community);
    auto region = ctx.polygonalParts(ctx.coverageUnion(std::move(polys)).get(), 1e-6);
    auto regionPrep = ctx.prepare(region.get());

    std::vector<geos::TessellationSite> sites;
    {
        Statement st(c, "SELECT id, grid_id, " + geomSelect(c, "geom") + " FROM buildings WHERE community_id IN (" + communities +
                            ") ORDER BY id");
        while (st.step()) {
            geos::TessellationSite site;
            decodeGeometry(c, st.columnBlob(2), site.footprint);
            const Vec2 centre = model::interiorPoint(site.footprint);
            auto pt = ctx.own(GEOSGeom_createPointFromXY_r(h, centre.x, centre.y), "point");
            if (!GEOSPreparedContains_r(h, regionPrep.get(), pt.get())) continue;
            const std::int64_t id = st.columnInt(0);
            if (painted.count(id)) {
                site.group = 0;
            } else if (!st.isNull(1)) {
                auto it = groupOf.find(st.columnInt(1));
                if (it != groupOf.end()) site.group = it->second;
            }
            sites.push_back(std::move(site));
        }
    }
    auto parts = geos::tessellate(ctx, region.get(), sites, static_cast<int>(grids.size()));
    for (std::size_t i = 0; i < grids.size(); ++i) {
        if (GEOSisEmpty_r(h, parts[i].get()) || ctx.area(parts[i].get()) <= 1e-6)
            throw InputError("painting would leave grid " + s.codeOf(grids[i]) +
                             " without buildings or area; merge or delete it instead");
        const Geometry g = ctx.toModel(parts[i].get());
        if (g.type != model::GeomType::Polygon)
            throw InputError("painting would split grid " + s.codeOf(grids[i]) + " into " + std::to_string(g.partEnds.size()) +
                             " separate parts; paint buildings next to the grid");
        s.setPolygon(grids[i], g);
    }
    for (auto b : painted) s.setBuildingGrid(b, gridId);
    return s.commit();
}

GridEditResult GridEditor::setProperties(std::int64_t gridId, const GridProperties& properties) {
    if (properties.code.empty()) throw InputError("a grid needs a code");
    if (properties.name.empty()) throw InputError("grid " + properties.code + " needs a name");
    EditSession s(m_atlas);
    auto& c = s.conn();
    s.touch(gridId);
    s.markChanged(gridId);
    const std::string where = "grid " + properties.code + ": ";
    try {
        if (properties.rowVersion) {
            // Based on what the editor read: refused when the grid changed since (row_versions.h).
            model::Value target;
            if (properties.targetHouseholds) target = std::int64_t{*properties.targetHouseholds};
            updateRow(c, "grids", gridId, *properties.rowVersion,
                      {{"code", properties.code}, {"name", properties.name}, {"target_households", target}});
        } else {
            Statement st(c, "UPDATE grids SET code = ?, name = ?, target_households = ? WHERE id = ?");
            st.bind(1, properties.code).bind(2, properties.name).bind(3, properties.targetHouseholds).bind(4, gridId);
            st.run();
        }
        Statement del(c, "DELETE FROM grid_staff WHERE grid_id = ?");
        del.bind(1, gridId);
        del.run();
        writeStaff(c, gridId, properties.staff);
    } catch (const StaleEditError&) {
        throw; // says what changed, as it is
    } catch (const StorageError& e) {
        const std::string what = e.what();
        if (what.find("UNIQUE") != std::string::npos && what.find("grids.code") != std::string::npos)
            throw InputError(where + "the code is used by another grid");
        if (what.find("UNIQUE") != std::string::npos) throw InputError(where + "a staff role is given twice");
        throw InputError(where + describeRule(what));
    }
    return s.commit();
}

GridEditResult GridEditor::reassignBuildings(const std::vector<std::int64_t>& communityIds) {
    EditSession s(m_atlas);
    std::vector<std::int64_t> ids = communityIds;
    if (ids.empty()) {
        Statement st(s.conn(), "SELECT id FROM communities ORDER BY id");
        while (st.step()) ids.push_back(st.columnInt(0));
    }
    s.reassign(ids);
    return s.commit();
}

GridEditUndo GridEditor::undo(const GridEditUndo& record) {
    auto& c = m_atlas.connection();
    Transaction tx(c);
    GridEditUndo redo;
    auto exists = [&](std::int64_t id) {
        Statement st(c, "SELECT 1 FROM grids WHERE id = ?");
        st.bind(1, id);
        return st.step();
    };
    // Redo data: the rows as they are now.
    auto snapshotNow = [&](std::int64_t id) {
        GridRowSnapshot s;
        Statement st(c, "SELECT id, code, name, community_id, target_households, " + geomSelect(c, "geom") + " FROM grids WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) return std::optional<GridRowSnapshot>();
        s.id = st.columnInt(0);
        s.code = st.columnText(1);
        s.name = st.columnText(2);
        s.communityId = st.columnInt(3);
        if (!st.isNull(4)) s.targetHouseholds = st.columnInt(4);
        s.geomBlob = std::string(st.columnBlob(5));
        s.staff = readStaff(c, id);
        return std::optional<GridRowSnapshot>(std::move(s));
    };
    for (auto id : record.createdGrids)
        if (auto s = snapshotNow(id)) redo.grids.push_back(std::move(*s));
    for (const auto& g : record.grids) {
        if (auto s = snapshotNow(g.id))
            redo.grids.push_back(std::move(*s));
        else
            redo.createdGrids.push_back(g.id);
    }
    for (const auto& [b, old] : record.buildingGrids) {
        Statement st(c, "SELECT grid_id FROM buildings WHERE id = ?");
        st.bind(1, b);
        if (!st.step()) continue;
        redo.buildingGrids.emplace_back(b, st.isNull(0) ? std::nullopt : std::optional<std::int64_t>(st.columnInt(0)));
    }

    for (auto id : record.createdGrids) {
        Statement st(c, "DELETE FROM grids WHERE id = ?");
        st.bind(1, id);
        st.run();
    }
    // Codes may swap between rows: park them first so UNIQUE holds at every step.
    for (const auto& g : record.grids) {
        Statement st(c, "UPDATE grids SET code = '~undo~' || id WHERE id = ?");
        st.bind(1, g.id);
        st.run();
    }
    for (const auto& g : record.grids) {
        if (exists(g.id)) {
            Statement st(c, "UPDATE grids SET code = ?, name = ?, community_id = ?, target_households = ?, geom = " +
                                geomParam(c, m_atlas.srid()) + " WHERE id = ?");
            st.bind(1, g.code).bind(2, g.name).bind(3, g.communityId).bind(4, g.targetHouseholds);
            st.bindBlob(5, g.geomBlob.data(), g.geomBlob.size()).bind(6, g.id);
            st.run();
        } else {
            Statement st(c, "INSERT INTO grids (id, code, name, community_id, target_households, geom) "
                            "VALUES (?, ?, ?, ?, ?, " + geomParam(c, m_atlas.srid()) + ")");
            st.bind(1, g.id).bind(2, g.code).bind(3, g.name).bind(4, g.communityId).bind(5, g.targetHouseholds);
            st.bindBlob(6, g.geomBlob.data(), g.geomBlob.size());
            st.run();
        }
        Statement del(c, "DELETE FROM grid_staff WHERE grid_id = ?");
        del.bind(1, g.id);
        del.run();
        writeStaff(c, g.id, g.staff);
    }
    for (const auto& [b, old] : record.buildingGrids) {
        Statement st(c, "UPDATE buildings SET grid_id = ? WHERE id = ?");
        st.bind(1, old).bind(2, b);
        st.run();
    }
    tx.commit();
    return redo;
}

std::vector<GridRowSnapshot::Staff> loadGridStaff(Connection& c, std::int64_t gridId) { return readStaff(c, gridId); }

} // namespace gridatlas::storage
