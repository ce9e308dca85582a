#include "storage/grid_geos.h"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "model/support/error.h"

namespace gridatlas::storage::geos {

namespace {

void errorHandlerR(const char* message, void* userdata) {
    static_cast<Context*>(userdata)->setError(message ? message : "unknown GEOS error");
}

void noticeHandlerR(const char*, void*) {
}

GEOSGeometry* makeRing(GEOSContextHandle_t h, const model::Vec2* pts, std::size_t n) {
    // Vec2 is two packed doubles: the buffer GEOS wants for XY.
    static_assert(sizeof(model::Vec2) == 2 * sizeof(double));
    GEOSCoordSequence* seq =
        GEOSCoordSeq_copyFromBuffer_r(h, reinterpret_cast<const double*>(pts), static_cast<unsigned>(n), 0, 0);
    if (!seq) return nullptr;
    return GEOSGeom_createLinearRing_r(h, seq);
}

GEOSGeometry* makePolygon(GEOSContextHandle_t h, const model::Geometry& g, std::size_t firstRing, std::size_t endRing) {
    GEOSGeometry* shell = makeRing(h, g.coords.data() + g.ringBegin(firstRing), g.ringEnds[firstRing] - g.ringBegin(firstRing));
    if (!shell) return nullptr;
    std::vector<GEOSGeometry*> holes;
    for (std::size_t r = firstRing + 1; r < endRing; ++r) {
        GEOSGeometry* hole = makeRing(h, g.coords.data() + g.ringBegin(r), g.ringEnds[r] - g.ringBegin(r));
        if (!hole) {
            GEOSGeom_destroy_r(h, shell);
            for (auto* x : holes) GEOSGeom_destroy_r(h, x);
            return nullptr;
        }
        holes.push_back(hole);
    }
    return GEOSGeom_createPolygon_r(h, shell, holes.empty() ? nullptr : holes.data(), static_cast<unsigned>(holes.size()));
}

void appendRing(GEOSContextHandle_t h, const GEOSGeometry* ring, model::Geometry& out) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    const std::size_t start = out.coords.size();
    out.coords.resize(start + n);
    GEOSCoordSeq_copyToBuffer_r(h, seq, reinterpret_cast<double*>(out.coords.data() + start), 0, 0);
    out.ringEnds.push_back(static_cast<std::uint32_t>(out.coords.size()));
}

void appendPolygons(GEOSContextHandle_t h, const GEOSGeometry* g, model::Geometry& out) {
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, g)) return;
        appendRing(h, GEOSGetExteriorRing_r(h, g), out);
        const int holes = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < holes; ++i) appendRing(h, GEOSGetInteriorRingN_r(h, g, i), out);
        out.partEnds.push_back(static_cast<std::uint32_t>(out.ringEnds.size()));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; ++i) appendPolygons(h, GEOSGetGeometryN_r(h, g, i), out);
    }
}

} // namespace

void GeomDeleter::operator()(GEOSGeom_t* g) const {
    if (g) GEOSGeom_destroy_r(handle, g);
}

void PreparedDeleter::operator()(const GEOSPrepGeom_t* g) const {
    if (g) GEOSPreparedGeom_destroy_r(handle, g);
}

Context::Context() : m_handle(GEOS_init_r()) {
    if (!m_handle) throw StorageError("GEOS: could not create a context");
    GEOSContext_setErrorMessageHandler_r(m_handle, errorHandlerR, this);
    GEOSContext_setNoticeMessageHandler_r(m_handle, noticeHandlerR, this);
}

Context::~Context() {
    GEOS_finish_r(m_handle);
}

GeomPtr Context::own(GEOSGeom_t* g, const char* what) const {
    if (!g) throw StorageError(std::string(what) + ": GEOS failed: " + (m_error.empty() ? "no message" : m_error));
    return GeomPtr(g, GeomDeleter{m_handle});
}

GeomPtr Context::fromModel(const model::Geometry& g) const {
    GEOSGeometry* result = nullptr;
    switch (g.type) {
    case model::GeomType::Point:
        result = GEOSGeom_createPointFromXY_r(m_handle, g.coords.at(0).x, g.coords.at(0).y);
        break;
    case model::GeomType::LineString: {
        GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(m_handle, reinterpret_cast<const double*>(g.coords.data()),
                                                               static_cast<unsigned>(g.coords.size()), 0, 0);
        result = seq ? GEOSGeom_createLineString_r(m_handle, seq) : nullptr;
        break;
    }
    case model::GeomType::Polygon:
        if (g.ringEnds.empty()) {
            result = GEOSGeom_createEmptyPolygon_r(m_handle);
        } else {
            result = makePolygon(m_handle, g, 0, g.ringEnds.size());
        }
        break;
    case model::GeomType::MultiPolygon: {
        std::vector<GEOSGeometry*> parts;
        std::size_t ring = 0;
        for (auto end : g.partEnds) {
            GEOSGeometry* p = makePolygon(m_handle, g, ring, end);
            if (!p) {
                for (auto* x : parts) GEOSGeom_destroy_r(m_handle, x);
                return own(nullptr, "polygon from model");
            }
            parts.push_back(p);
            ring = end;
        }
        result = GEOSGeom_createCollection_r(m_handle, GEOS_MULTIPOLYGON, parts.data(), static_cast<unsigned>(parts.size()));
        break;
    }
    default:
        throw StorageError("GEOS: unsupported geometry type for grid planning");
    }
    return own(result, "geometry to GEOS");
}

model::Geometry Context::toModel(const GEOSGeom_t* g) const {
    model::Geometry out;
    appendPolygons(m_handle, g, out);
    // Like model::Geometry::polygon(), a Polygon keeps its one part end.
    out.type = out.partEnds.size() == 1 ? model::GeomType::Polygon : model::GeomType::MultiPolygon;
    return out;
}

PreparedPtr Context::prepare(const GEOSGeom_t* g) const {
    const GEOSPreparedGeometry* p = GEOSPrepare_r(m_handle, g);
    if (!p) throw StorageError("GEOS prepare failed: " + m_error);
    return PreparedPtr(p, PreparedDeleter{m_handle});
}

double Context::area(const GEOSGeom_t* g) const {
    double a = 0;
    if (!GEOSArea_r(m_handle, g, &a)) throw StorageError("GEOS area failed: " + m_error);
    return a;
}

GeomPtr Context::intersection(const GEOSGeom_t* a, const GEOSGeom_t* b) const {
    return own(GEOSIntersection_r(m_handle, a, b), "intersection");
}
GeomPtr Context::difference(const GEOSGeom_t* a, const GEOSGeom_t* b) const {
    return own(GEOSDifference_r(m_handle, a, b), "difference");
}
GeomPtr Context::unite(const GEOSGeom_t* a, const GEOSGeom_t* b) const {
    return own(GEOSUnion_r(m_handle, a, b), "union");
}

GeomPtr Context::collect(std::vector<GeomPtr> parts) const {
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (auto& p : parts) raw.push_back(p.release());
    return own(GEOSGeom_createCollection_r(m_handle, GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned>(raw.size())),
               "collection");
}

GeomPtr Context::unionAll(std::vector<GeomPtr> parts) const {
    if (parts.empty()) return own(GEOSGeom_createEmptyPolygon_r(m_handle), "empty polygon");
    auto c = collect(std::move(parts));
    return own(GEOSUnaryUnion_r(m_handle, c.get()), "union of polygons");
}

GeomPtr Context::coverageUnion(std::vector<GeomPtr> parts) const {
    if (parts.empty()) return own(GEOSGeom_createEmptyPolygon_r(m_handle), "empty polygon");
    // CoverageUnion wants polygons only, no nested collections.
    std::vector<GeomPtr> flat;
    for (auto& p : parts) {
        const int type = GEOSGeomTypeId_r(m_handle, p.get());
        if (type == GEOS_POLYGON) {
            if (!GEOSisEmpty_r(m_handle, p.get())) flat.push_back(std::move(p));
        } else {
            const int n = GEOSGetNumGeometries_r(m_handle, p.get());
            for (int i = 0; i < n; ++i) {
                const GEOSGeometry* part = GEOSGetGeometryN_r(m_handle, p.get(), i);
                if (GEOSGeomTypeId_r(m_handle, part) == GEOS_POLYGON && !GEOSisEmpty_r(m_handle, part))
                    flat.push_back(own(GEOSGeom_clone_r(m_handle, part), "clone"));
            }
        }
    }
    if (flat.empty()) return own(GEOSGeom_createEmptyPolygon_r(m_handle), "empty polygon");
    auto c = collect(std::move(flat));
    GEOSGeometry* u = GEOSCoverageUnion_r(m_handle, c.get());
    if (!u) u = GEOSUnaryUnion_r(m_handle, c.get()); // edges not shared exactly: the general union
    return own(u, "coverage union");
}

GeomPtr Context::polygonalParts(const GEOSGeom_t* g, double minArea) const {
    model::Geometry m = toModel(g);
    std::vector<GeomPtr> keep;
    std::size_t ring = 0;
    const std::vector<std::uint32_t> ends = m.type == model::GeomType::Polygon
                                                ? std::vector<std::uint32_t>{static_cast<std::uint32_t>(m.ringEnds.size())}
                                                : m.partEnds;
    for (auto end : ends) {
        if (end == ring) continue;
        GEOSGeometry* p = makePolygon(m_handle, m, ring, end);
        auto owned = own(p, "polygon part");
        if (area(owned.get()) >= minArea) keep.push_back(std::move(owned));
        ring = end;
    }
    if (keep.size() == 1) return std::move(keep.front());
    std::vector<GEOSGeometry*> raw;
    for (auto& p : keep) raw.push_back(p.release());
    return own(GEOSGeom_createCollection_r(m_handle, GEOS_MULTIPOLYGON, raw.data(), static_cast<unsigned>(raw.size())),
               "multipolygon");
}

bool Context::isValid(const GEOSGeom_t* g, std::string* reason, model::Vec2* where) const {
    char* r = nullptr;
    GEOSGeometry* loc = nullptr;
    const char v = GEOSisValidDetail_r(m_handle, g, 0, &r, &loc);
    if (v == 2) throw StorageError("GEOS validity test failed: " + m_error);
    if (r) {
        if (reason) *reason = r;
        GEOSFree_r(m_handle, r);
    }
    if (loc) {
        double x = 0, y = 0;
        GEOSGeomGetX_r(m_handle, loc, &x);
        GEOSGeomGetY_r(m_handle, loc, &y);
        if (where) *where = {x, y};
        GEOSGeom_destroy_r(m_handle, loc);
    }
    return v == 1;
}

model::Rect Context::bounds(const GEOSGeom_t* g) const {
    model::Rect r;
    if (GEOSisEmpty_r(m_handle, g)) return r;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    GEOSGeom_getXMin_r(m_handle, g, &x0);
    GEOSGeom_getYMin_r(m_handle, g, &y0);
    GEOSGeom_getXMax_r(m_handle, g, &x1);
    GEOSGeom_getYMax_r(m_handle, g, &y1);
    return model::Rect{x0, y0, x1, y1};
}

namespace {

/// Points of one footprint's exterior ring, densified so no two consecutive points are further
/// apart than `spacing`, plus the centroid.
void samplePoints(const model::Geometry& fp, double spacing, std::vector<model::Vec2>& out) {
    if (fp.ringEnds.empty()) return;
    const std::size_t n = fp.ringEnds[0];
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const auto a = fp.coords[i];
        const auto b = fp.coords[i + 1];
        const double len = std::hypot(b.x - a.x, b.y - a.y);
        const int steps = std::max(1, static_cast<int>(std::ceil(len / spacing)));
        for (int s = 0; s < steps; ++s) {
            const double t = static_cast<double>(s) / steps;
            out.push_back({a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t});
        }
    }
    out.push_back(model::centroid(fp));
}

bool inConvexOrAny(const std::vector<model::Vec2>& ring, model::Vec2 p) {
    bool inside = false;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
            p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
            inside = !inside;
    }
    return inside;
}

} // namespace

std::vector<GeomPtr> tessellate(const Context& ctx, const GEOSGeom_t* region, const std::vector<TessellationSite>& sites,
                                int groupCount, double spacing) {
    GEOSContextHandle_t h = ctx.handle();
    std::vector<GeomPtr> result;
    if (groupCount <= 0) return result;

    // Groups of sites without one: the nearest grouped site's, by centroid.
    std::vector<int> group(sites.size());
    std::vector<model::Vec2> centre(sites.size());
    for (std::size_t i = 0; i < sites.size(); ++i) {
        group[i] = sites[i].group;
        centre[i] = model::centroid(sites[i].footprint);
    }
    for (std::size_t i = 0; i < sites.size(); ++i) {
        if (group[i] >= 0) continue;
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t j = 0; j < sites.size(); ++j) {
            if (sites[j].group < 0) continue;
            const double d = std::hypot(centre[i].x - centre[j].x, centre[i].y - centre[j].y);
            if (d < best) {
                best = d;
                group[i] = sites[j].group;
            }
        }
    }

    // Sample points, deduplicated (Voronoi merges equal sites).
    std::vector<model::Vec2> points;
    std::vector<int> pointGroup;
    {
        std::unordered_map<std::uint64_t, std::size_t> seen;
        std::vector<model::Vec2> buf;
        for (std::size_t i = 0; i < sites.size(); ++i) {
            if (group[i] < 0) continue;
            buf.clear();
            samplePoints(sites[i].footprint, spacing, buf);
            for (auto p : buf) {
                const auto key = (static_cast<std::uint64_t>(std::llround(p.x * 1000.0)) * 0x9E3779B97F4A7C15ULL) ^
                                 static_cast<std::uint64_t>(std::llround(p.y * 1000.0));
                if (!seen.emplace(key, points.size()).second) continue;
                points.push_back(p);
                pointGroup.push_back(group[i]);
            }
        }
    }

    std::vector<std::vector<GeomPtr>> cellsOf(static_cast<std::size_t>(groupCount));
    if (points.empty()) {
        // No building at all: everything goes to group 0.
        cellsOf[0].push_back(ctx.own(GEOSGeom_clone_r(h, region), "clone"));
    } else if (points.size() == 1) {
        cellsOf[static_cast<std::size_t>(pointGroup[0])].push_back(ctx.own(GEOSGeom_clone_r(h, region), "clone"));
    } else {
        std::vector<GEOSGeometry*> pts;
        pts.reserve(points.size());
        for (auto p : points) pts.push_back(GEOSGeom_createPointFromXY_r(h, p.x, p.y));
        auto multi =
            ctx.own(GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts.data(), static_cast<unsigned>(pts.size())), "sites");
        auto cells = ctx.own(GEOSVoronoiDiagram_r(h, multi.get(), region, 0.0, 0), "Voronoi diagram");

        // Bucket the sites so each cell finds the one it holds quickly.
        model::Rect ext;
        for (auto p : points) ext.expand(p);
        const double cellSize = std::max(1.0, std::sqrt(ext.width() * ext.height() / static_cast<double>(points.size())) * 2);
        const int nx = std::max(1, static_cast<int>(ext.width() / cellSize) + 1);
        const int ny = std::max(1, static_cast<int>(ext.height() / cellSize) + 1);
        std::vector<std::vector<std::uint32_t>> buckets(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
        auto bx = [&](double x) { return std::clamp(static_cast<int>((x - ext.xmin) / cellSize), 0, nx - 1); };
        auto by = [&](double y) { return std::clamp(static_cast<int>((y - ext.ymin) / cellSize), 0, ny - 1); };
        for (std::uint32_t i = 0; i < points.size(); ++i)
            buckets[static_cast<std::size_t>(by(points[i].y)) * nx + bx(points[i].x)].push_back(i);

        // Cells are clipped to the region one by one: only those on its edge need an overlay.
        auto regionPrep = ctx.prepare(region);
        const int n = GEOSGetNumGeometries_r(h, cells.get());
        std::vector<model::Vec2> ring;
        for (int c = 0; c < n; ++c) {
            const GEOSGeometry* cell = GEOSGetGeometryN_r(h, cells.get(), c);
            const GEOSGeometry* shell = GEOSGetExteriorRing_r(h, cell);
            const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, shell);
            unsigned m = 0;
            GEOSCoordSeq_getSize_r(h, seq, &m);
            ring.resize(m);
            GEOSCoordSeq_copyToBuffer_r(h, seq, reinterpret_cast<double*>(ring.data()), 0, 0);
            model::Rect cb;
            for (auto p : ring) cb.expand(p);
            int found = -1;
            for (int y = by(cb.ymin); y <= by(cb.ymax) && found < 0; ++y)
                for (int x = bx(cb.xmin); x <= bx(cb.xmax) && found < 0; ++x)
                    for (auto i : buckets[static_cast<std::size_t>(y) * nx + x])
                        if (cb.contains(points[i]) && inConvexOrAny(ring, points[i])) {
                            found = static_cast<int>(i);
                            break;
                        }
            if (found < 0) {
                // The site fell on the cell's edge by rounding: the nearest site takes the cell.
                const model::Vec2 mid = cb.center();
                double best = std::numeric_limits<double>::infinity();
                for (std::size_t i = 0; i < points.size(); ++i) {
                    const double d = std::hypot(points[i].x - mid.x, points[i].y - mid.y);
                    if (d < best) {
                        best = d;
                        found = static_cast<int>(i);
                    }
                }
            }
            GeomPtr piece;
            if (GEOSPreparedContainsProperly_r(h, regionPrep.get(), cell)) {
                piece = ctx.own(GEOSGeom_clone_r(h, cell), "clone");
            } else if (GEOSPreparedIntersects_r(h, regionPrep.get(), cell)) {
                piece = ctx.intersection(cell, region);
                if (GEOSisEmpty_r(h, piece.get())) continue;
            } else {
                continue;
            }
            cellsOf[static_cast<std::size_t>(pointGroup[static_cast<std::size_t>(found)])].push_back(std::move(piece));
        }
    }
    // Footprints, clipped to the region where they cross its edge, bucketed by their boxes.
    struct Footprint {
        GeomPtr geom;
        model::Rect box;
        int group;
    };
    std::vector<Footprint> footprints;
    {
        auto regionPrep = ctx.prepare(region);
        for (std::size_t i = 0; i < sites.size(); ++i) {
            if (group[i] < 0) continue;
            auto fp = ctx.fromModel(sites[i].footprint);
            if (!GEOSPreparedContainsProperly_r(h, regionPrep.get(), fp.get())) {
                if (!GEOSPreparedIntersects_r(h, regionPrep.get(), fp.get())) continue;
                fp = ctx.intersection(fp.get(), region);
            }
            footprints.push_back({std::move(fp), sites[i].footprint.bounds(), group[i]});
        }
    }
    std::vector<std::vector<std::size_t>> ownFootprints(static_cast<std::size_t>(groupCount));
    for (std::size_t f = 0; f < footprints.size(); ++f) ownFootprints[static_cast<std::size_t>(footprints[f].group)].push_back(f);

    // Each group: its cells, minus the other groups' buildings that reach into them, plus its own
    // buildings whole. Every point of the region lands in exactly one group.
    result.resize(static_cast<std::size_t>(groupCount));
    for (std::size_t g = 0; g < result.size(); ++g) {
        auto cellsUnion = ctx.coverageUnion(std::move(cellsOf[g]));
        const model::Rect box = ctx.bounds(cellsUnion.get());
        std::vector<GeomPtr> others;
        for (const auto& f : footprints)
            if (f.group != static_cast<int>(g) && f.box.intersects(box))
                others.push_back(ctx.own(GEOSGeom_clone_r(h, f.geom.get()), "clone"));
        GeomPtr open =
            others.empty() ? std::move(cellsUnion) : ctx.difference(cellsUnion.get(), ctx.coverageUnion(std::move(others)).get());
        std::vector<GeomPtr> mine;
        for (auto f : ownFootprints[g]) mine.push_back(ctx.own(GEOSGeom_clone_r(h, footprints[f].geom.get()), "clone"));
        if (!mine.empty()) open = ctx.unite(open.get(), ctx.coverageUnion(std::move(mine)).get());
        result[g] = ctx.polygonalParts(open.get(), 1e-6);
    }
    return result;
}

} // namespace gridatlas::storage::geos
