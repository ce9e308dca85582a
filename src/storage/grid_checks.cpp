#include "storage/grid_checks.h"

#include <geos_c.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>
#include <unordered_map>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/grid_geos.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

namespace {

struct GridRec {
    std::int64_t id = 0;
    std::string code;
    std::int64_t communityId = 0;
    geos::GeomPtr geom;
    geos::PreparedPtr prepared;
    bool valid = true;
};

/// An STR tree of item indices over geometries that outlive it.
class StrTree {
public:
    explicit StrTree(const geos::Context& ctx) : m_ctx(ctx), m_tree(GEOSSTRtree_create_r(ctx.handle(), 10)) {
        if (!m_tree) throw StorageError("GEOS: could not create an STR tree");
    }
    StrTree(const StrTree&) = delete;
    StrTree& operator=(const StrTree&) = delete;
    StrTree(StrTree&&) = delete;
    StrTree& operator=(StrTree&&) = delete;
    ~StrTree() { GEOSSTRtree_destroy_r(m_ctx.handle(), m_tree); }

    void insert(const GEOSGeometry* g, std::size_t item) {
        GEOSSTRtree_insert_r(m_ctx.handle(), m_tree, g, reinterpret_cast<void*>(item + 1));
    }
    std::vector<std::size_t> query(const GEOSGeometry* g) const {
        std::vector<std::size_t> out;
        GEOSSTRtree_query_r(
            m_ctx.handle(), m_tree, g,
            [](void* item, void* user) {
                static_cast<std::vector<std::size_t>*>(user)->push_back(reinterpret_cast<std::size_t>(item) - 1);
            },
            &out);
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    const geos::Context& m_ctx;
    GEOSSTRtree* m_tree;
};

std::string fmtArea(double a) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", a);
    return buf;
}

model::Vec2 pointOn(const geos::Context& ctx, const GEOSGeometry* g) {
    auto p = ctx.own(GEOSPointOnSurface_r(ctx.handle(), g), "point on surface");
    double x = 0, y = 0;
    if (!GEOSisEmpty_r(ctx.handle(), p.get())) {
        GEOSGeomGetX_r(ctx.handle(), p.get(), &x);
        GEOSGeomGetY_r(ctx.handle(), p.get(), &y);
    }
    return {x, y};
}

/// One problem per polygonal part of `g` larger than minArea.
template <class Fn> void forEachPart(const geos::Context& ctx, const GEOSGeometry* g, double minArea, Fn fn) {
    auto parts = ctx.polygonalParts(g, minArea);
    const int n = GEOSGetNumGeometries_r(ctx.handle(), parts.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(ctx.handle(), parts.get(), i);
        if (GEOSisEmpty_r(ctx.handle(), part)) continue;
        const double a = ctx.area(part);
        if (a > minArea) fn(part, a);
    }
}

} // namespace

const char* problemKindName(GridProblemKind kind) {
    switch (kind) {
    case GridProblemKind::InvalidPolygon:
        return "invalid";
    case GridProblemKind::Overlap:
        return "overlap";
    case GridProblemKind::Gap:
        return "gap";
    case GridProblemKind::OutsideCommunity:
        return "outside";
    case GridProblemKind::CutBuilding:
        return "cut-building";
    case GridProblemKind::EmptyGrid:
        return "empty";
    case GridProblemKind::MissingStaff:
        return "staff";
    case GridProblemKind::StaleAssignment:
        return "assignment";
    }
    return "?";
}

std::vector<GridProblem> checkGrids(Atlas& atlas, const GridCheckOptions& options, Feedback* feedback) {
    auto& c = atlas.connection();
    const geos::Context ctx;
    const double minArea = options.minArea;
    std::vector<GridProblem> problems;
    auto progress = [&](double pct, const char* stage) {
        if (!feedback) return;
        feedback->throwIfCancelled();
        feedback->setProgress(pct, stage);
    };
    progress(0, "grids");

    std::vector<GridRec> grids;
    std::unordered_map<std::int64_t, std::size_t> gridIndex;
    {
        Statement st(c, "SELECT id, code, community_id, " + geomSelect(c, "geom") + " FROM grids ORDER BY code");
        model::Geometry g;
        while (st.step()) {
            GridRec r;
            r.id = st.columnInt(0);
            r.code = st.columnText(1);
            r.communityId = st.columnInt(2);
            if (st.isNull(3)) continue;
            decodeGeometry(c, st.columnBlob(3), g);
            r.geom = ctx.fromModel(g);
            std::string reason;
            model::Vec2 where = g.bounds().center();
            if (!ctx.isValid(r.geom.get(), &reason, &where)) {
                r.valid = false;
                GridProblem p;
                p.kind = GridProblemKind::InvalidPolygon;
                p.gridIds = {r.id};
                p.gridCodes = {r.code};
                p.communityId = r.communityId;
                p.location = where;
                p.bounds = g.bounds();
                p.message = "grid " + r.code + ": invalid polygon (" + reason + ")";
                problems.push_back(std::move(p));
                // Work on a repaired copy so the other checks still see the grid.
                r.geom = ctx.own(GEOSMakeValid_r(ctx.handle(), r.geom.get()), "make valid");
            }
            r.prepared = ctx.prepare(r.geom.get());
            gridIndex[r.id] = grids.size();
            grids.push_back(std::move(r));
        }
    }
    StrTree tree(ctx);
    for (std::size_t i = 0; i < grids.size(); ++i) tree.insert(grids[i].geom.get(), i);
    progress(10, "overlaps");

    // Overlaps: every pair whose boxes meet, once.
    for (std::size_t i = 0; i < grids.size(); ++i) {
        for (std::size_t j : tree.query(grids[i].geom.get())) {
            if (j <= i) continue;
            if (!GEOSPreparedIntersects_r(ctx.handle(), grids[i].prepared.get(), grids[j].geom.get())) continue;
            if (GEOSPreparedTouches_r(ctx.handle(), grids[i].prepared.get(), grids[j].geom.get())) continue;
            auto inter = ctx.intersection(grids[i].geom.get(), grids[j].geom.get());
            forEachPart(ctx, inter.get(), minArea, [&](const GEOSGeometry* part, double a) {
                GridProblem p;
                p.kind = GridProblemKind::Overlap;
                p.gridIds = {grids[i].id, grids[j].id};
                p.gridCodes = {grids[i].code, grids[j].code};
                p.communityId = grids[i].communityId;
                p.area = a;
                p.location = pointOn(ctx, part);
                p.bounds = ctx.bounds(part);
                p.message = "grids " + grids[i].code + " and " + grids[j].code + " overlap by " + fmtArea(a) + " m2";
                problems.push_back(std::move(p));
            });
        }
    }
    progress(30, "gaps");

    // Gaps and parts outside, per community.
    {
        Statement st(c, "SELECT id, name, " + geomSelect(c, "geom") + " FROM communities WHERE geom IS NOT NULL ORDER BY id");
        model::Geometry g;
        while (st.step()) {
            const std::int64_t cid = st.columnInt(0);
            const std::string name = st.columnText(1);
            decodeGeometry(c, st.columnBlob(2), g);
            auto community = ctx.fromModel(g);
            if (!ctx.isValid(community.get(), nullptr, nullptr))
                community = ctx.own(GEOSMakeValid_r(ctx.handle(), community.get()), "make valid");
            auto prepared = ctx.prepare(community.get());
            std::vector<geos::GeomPtr> mine;
            for (auto& r : grids) {
                if (r.communityId != cid) continue;
                mine.push_back(ctx.own(GEOSGeom_clone_r(ctx.handle(), r.geom.get()), "clone"));
                if (GEOSPreparedCovers_r(ctx.handle(), prepared.get(), r.geom.get())) continue;
                auto outside = ctx.difference(r.geom.get(), community.get());
                forEachPart(ctx, outside.get(), minArea, [&](const GEOSGeometry* part, double a) {
                    GridProblem p;
                    p.kind = GridProblemKind::OutsideCommunity;
                    p.gridIds = {r.id};
                    p.gridCodes = {r.code};
                    p.communityId = cid;
                    p.area = a;
                    p.location = pointOn(ctx, part);
                    p.bounds = ctx.bounds(part);
                    p.message = "grid " + r.code + ": " + fmtArea(a) + " m2 lie outside its community " + name;
                    problems.push_back(std::move(p));
                });
            }
            auto covered = ctx.unionAll(std::move(mine));
            auto gaps = ctx.difference(community.get(), covered.get());
            forEachPart(ctx, gaps.get(), minArea, [&](const GEOSGeometry* part, double a) {
                GridProblem p;
                p.kind = GridProblemKind::Gap;
                p.communityId = cid;
                p.area = a;
                p.location = pointOn(ctx, part);
                p.bounds = ctx.bounds(part);
                char buf[96];
                std::snprintf(buf, sizeof buf, " near (%.1f, %.1f)", p.location.x, p.location.y);
                p.message = "community " + name + ": gap of " + fmtArea(a) + " m2 in no grid" + buf;
                problems.push_back(std::move(p));
            });
        }
    }
    progress(45, "buildings");

    // Buildings: cut by a boundary, and assigned to the grid holding most of them.
    std::map<std::int64_t, int> buildingsPerGrid;
    {
        Statement st(c, "SELECT id, number, grid_id, community_id, " + geomSelect(c, "geom") + " FROM buildings WHERE geom IS NOT NULL ORDER BY id");
        model::Geometry g;
        std::size_t row = 0;
        while (st.step()) {
            if (++row % 2048 == 0) progress(45, "buildings");
            const std::int64_t bid = st.columnInt(0);
            const std::string number = st.columnText(1);
            const std::optional<std::int64_t> assigned =
                st.isNull(2) ? std::nullopt : std::optional<std::int64_t>(st.columnInt(2));
            if (assigned) ++buildingsPerGrid[*assigned];
            decodeGeometry(c, st.columnBlob(4), g);
            auto fp = ctx.fromModel(g);
            std::vector<std::pair<double, std::size_t>> shares; // area in grid, grid index
            std::optional<std::size_t> holder;
            for (std::size_t j : tree.query(fp.get())) {
                if (GEOSPreparedCovers_r(ctx.handle(), grids[j].prepared.get(), fp.get())) {
                    holder = j;
                    break;
                }
                if (!GEOSPreparedIntersects_r(ctx.handle(), grids[j].prepared.get(), fp.get())) continue;
                const double a = ctx.area(ctx.intersection(grids[j].geom.get(), fp.get()).get());
                if (a > minArea) shares.emplace_back(a, j);
            }
            if (!holder && !shares.empty()) {
                std::sort(shares.begin(), shares.end(), [](auto& a, auto& b) { return a.first > b.first; });
                holder = shares.front().second;
                if (shares.size() >= 2) {
                    GridProblem p;
                    p.kind = GridProblemKind::CutBuilding;
                    p.buildingId = bid;
                    for (auto& [a, j] : shares) {
                        p.gridIds.push_back(grids[j].id);
                        p.gridCodes.push_back(grids[j].code);
                    }
                    p.communityId = st.columnInt(3);
                    p.location = model::interiorPoint(g);
                    p.bounds = g.bounds();
                    p.message = "building " + number + " (id " + std::to_string(bid) + ") is cut by the boundary of grids";
                    for (auto& code : p.gridCodes) p.message += " " + code;
                    problems.push_back(std::move(p));
                }
            }
            const std::optional<std::int64_t> should = holder ? std::optional<std::int64_t>(grids[*holder].id) : std::nullopt;
            if (should != assigned && (should || assigned)) {
                GridProblem p;
                p.kind = GridProblemKind::StaleAssignment;
                p.buildingId = bid;
                if (should) {
                    p.gridIds.push_back(*should);
                    p.gridCodes.push_back(grids[*holder].code);
                }
                p.communityId = st.columnInt(3);
                p.location = model::interiorPoint(g);
                p.bounds = g.bounds();
                auto codeOf = [&](std::optional<std::int64_t> id) -> std::string {
                    if (!id) return "no grid";
                    auto it = gridIndex.find(*id);
                    return it == gridIndex.end() ? "grid id " + std::to_string(*id) : "grid " + grids[it->second].code;
                };
                p.message = "building " + number + " (id " + std::to_string(bid) + ") is assigned to " + codeOf(assigned) +
                            " but lies mostly in " + codeOf(should);
                problems.push_back(std::move(p));
            }
        }
    }
    progress(90, "staff");

    for (auto& r : grids) {
        if (buildingsPerGrid.count(r.id)) continue;
        GridProblem p;
        p.kind = GridProblemKind::EmptyGrid;
        p.gridIds = {r.id};
        p.gridCodes = {r.code};
        p.communityId = r.communityId;
        p.location = pointOn(ctx, r.geom.get());
        p.bounds = ctx.bounds(r.geom.get());
        p.message = "grid " + r.code + " has no buildings";
        problems.push_back(std::move(p));
    }
    {
        Statement st(c, "SELECT g.id, "
                        "EXISTS (SELECT 1 FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'manager'), "
                        "EXISTS (SELECT 1 FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'supervisor'), "
                        "EXISTS (SELECT 1 FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'assistant') "
                        "FROM grids g ORDER BY g.code");
        while (st.step()) {
            std::string missing;
            if (!st.columnInt(1)) missing += " manager";
            if (!st.columnInt(2)) missing += " supervisor";
            if (!st.columnInt(3)) missing += " assistant";
            if (missing.empty()) continue;
            auto it = gridIndex.find(st.columnInt(0));
            if (it == gridIndex.end()) continue;
            const auto& r = grids[it->second];
            GridProblem p;
            p.kind = GridProblemKind::MissingStaff;
            p.gridIds = {r.id};
            p.gridCodes = {r.code};
            p.communityId = r.communityId;
            p.location = pointOn(ctx, r.geom.get());
            p.bounds = ctx.bounds(r.geom.get());
            p.message = "grid " + r.code + " lacks:" + missing;
            problems.push_back(std::move(p));
        }
    }
    std::stable_sort(problems.begin(), problems.end(), [](const GridProblem& a, const GridProblem& b) {
        const std::string ca = a.gridCodes.empty() ? std::string() : a.gridCodes.front();
        const std::string cb = b.gridCodes.empty() ? std::string() : b.gridCodes.front();
        return std::tie(a.kind, ca, a.location.x, a.location.y) < std::tie(b.kind, cb, b.location.x, b.location.y);
    });
    progress(100, "done");
    return problems;
}

} // namespace gridatlas::storage
