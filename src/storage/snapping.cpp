#include "storage/snapping.h"

#include <algorithm>
#include <cmath>

#include "storage/layer_cache.h"

namespace gridatlas::storage {

using model::Vec2;

Vec2 nearestOnSegment(Vec2 p, Vec2 a, Vec2 b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    if (len2 <= 0) return a;
    double t = ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
    t = std::clamp(t, 0.0, 1.0);
    return Vec2{a.x + t * dx, a.y + t * dy};
}

void Snapper::setLayers(std::vector<std::shared_ptr<const LayerSnapshot>> layers) { m_layers = std::move(layers); }

void Snapper::setIgnored(std::string layer, std::int64_t featureId) {
    m_ignoredLayer = std::move(layer);
    m_ignoredId = featureId;
}

SnapResult Snapper::snap(Vec2 p, double tolerance) const {
    SnapResult vertex, edge;
    vertex.distance = edge.distance = tolerance;
    const auto consider = [](SnapResult& best, SnapResult::Kind kind, Vec2 q, double d, const std::string& layer, std::int64_t id) {
        if (d < best.distance || (best.kind == SnapResult::Kind::None && d <= best.distance)) {
            best.kind = kind;
            best.point = q;
            best.distance = d;
            best.layer = layer;
            best.featureId = id;
        }
    };
    for (const Vec2& q : m_extra) consider(vertex, SnapResult::Kind::Vertex, q, std::hypot(q.x - p.x, q.y - p.y), "", 0);
    const model::Rect box{p.x - tolerance, p.y - tolerance, p.x + tolerance, p.y + tolerance};
    std::vector<std::uint32_t> hits;
    model::Geometry g;
    for (const auto& layer : m_layers) {
        if (!layer) continue;
        layer->query(box, hits);
        for (const std::uint32_t i : hits) {
            const std::int64_t id = layer->id(i);
            if (id == m_ignoredId && layer->name() == m_ignoredLayer) continue;
            layer->geometry(i, g);
            const auto& c = g.coords;
            for (std::size_t k = 0; k < c.size(); ++k)
                consider(vertex, SnapResult::Kind::Vertex, c[k], std::hypot(c[k].x - p.x, c[k].y - p.y), layer->name(), id);
            if (g.type == model::GeomType::Point || g.type == model::GeomType::MultiPoint) continue;
            // Segments within each ring / line (ringEnds closes the runs of coordinates).
            std::size_t start = 0;
            const auto runEnds = g.ringEnds.empty() ? std::vector<std::uint32_t>{static_cast<std::uint32_t>(c.size())} : g.ringEnds;
            for (const auto end : runEnds) {
                for (std::size_t k = start; k + 1 < end; ++k) {
                    const Vec2 q = nearestOnSegment(p, c[k], c[k + 1]);
                    consider(edge, SnapResult::Kind::Edge, q, std::hypot(q.x - p.x, q.y - p.y), layer->name(), id);
                }
                start = end;
            }
        }
    }
    if (vertex.snapped()) return vertex;
    if (edge.snapped()) return edge;
    SnapResult none;
    none.point = p;
    return none;
}

} // namespace gridatlas::storage
