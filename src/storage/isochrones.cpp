#include "storage/isochrones.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/layer_cache.h"
#include "storage/street_network.h"

namespace gridatlas::storage {

using model::Vec2;

namespace {

Vec2 along(Vec2 a, Vec2 b, double len, double x) {
    const double t = len > 0 ? x / len : 0;
    return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

model::Geometry circle(Vec2 c, double r, int segments) {
    std::vector<Vec2> ring;
    for (int i = 0; i < segments; ++i) {
        const double a = 2 * std::numbers::pi * i / segments;
        ring.push_back({c.x + r * std::cos(a), c.y + r * std::sin(a)});
    }
    return model::Geometry::polygon({ring});
}

/// The area within `radius` of some line, on a raster of `cell`-sized squares (a square is in
/// when its centre is within the radius), traced back into polygons with holes. GEOS's buffer of
/// the same thousands of short street pieces took about 0.2 s per post on the L atlas; this
/// takes milliseconds, and its edge is within a cell of the exact buffer.
model::Geometry rasterBuffer(const std::vector<std::vector<Vec2>>& lines, double radius, double cell) {
    model::Rect ext;
    for (const auto& l : lines)
        for (const auto& p : l) ext.expand(p);
    if (ext.isEmpty()) return {};
    ext = ext.buffered(radius + cell);
    // Keep the raster below 16M cells whatever the walk.
    while ((ext.width() / cell) * (ext.height() / cell) > 16e6) cell *= 2;
    const int nx = static_cast<int>(std::ceil(ext.width() / cell)), ny = static_cast<int>(std::ceil(ext.height() / cell));
    std::vector<std::uint8_t> in(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny), 0);
    auto at = [&](int x, int y) -> std::uint8_t {
        return x < 0 || y < 0 || x >= nx || y >= ny
                   ? 0
                   : in[static_cast<std::size_t>(y) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(x)];
    };
    const double r2 = radius * radius;
    for (const auto& l : lines)
        for (std::size_t k = 1; k < l.size(); ++k) {
            const Vec2 a = l[k - 1], b = l[k];
            const double vx = b.x - a.x, vy = b.y - a.y, len2 = vx * vx + vy * vy;
            const int x0 = std::max(0, static_cast<int>((std::min(a.x, b.x) - radius - ext.xmin) / cell));
            const int x1 = std::min(nx - 1, static_cast<int>((std::max(a.x, b.x) + radius - ext.xmin) / cell));
            const int y0 = std::max(0, static_cast<int>((std::min(a.y, b.y) - radius - ext.ymin) / cell));
            const int y1 = std::min(ny - 1, static_cast<int>((std::max(a.y, b.y) + radius - ext.ymin) / cell));
            for (int y = y0; y <= y1; ++y)
                for (int x = x0; x <= x1; ++x) {
                    auto& c = in[static_cast<std::size_t>(y) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(x)];
                    if (c) continue;
                    const double px = ext.xmin + (x + 0.5) * cell, py = ext.ymin + (y + 0.5) * cell;
                    const double t = len2 > 0 ? std::clamp(((px - a.x) * vx + (py - a.y) * vy) / len2, 0.0, 1.0) : 0.0;
                    const double dx = px - (a.x + t * vx), dy = py - (a.y + t * vy);
                    if (dx * dx + dy * dy <= r2) c = 1;
                }
        }
    // Boundary edges with the inside on their left (outer rings counter-clockwise, holes
    // clockwise), keyed by their start vertex (grid corner); a corner starts at most two.
    const std::size_t corners = static_cast<std::size_t>(nx + 1) * static_cast<std::size_t>(ny + 1);
    auto corner = [&](int x, int y) {
        return static_cast<std::uint32_t>(static_cast<std::size_t>(y) * static_cast<std::size_t>(nx + 1) +
                                          static_cast<std::size_t>(x));
    };
    std::vector<std::uint32_t> next1(corners, UINT32_MAX), next2(corners, UINT32_MAX);
    auto addEdge = [&](std::uint32_t from, std::uint32_t to) { (next1[from] == UINT32_MAX ? next1[from] : next2[from]) = to; };
    std::size_t edges = 0;
    for (int y = 0; y < ny; ++y)
        for (int x = 0; x < nx; ++x) {
            if (!at(x, y)) continue;
            if (!at(x, y - 1)) addEdge(corner(x, y), corner(x + 1, y)), ++edges;
            if (!at(x + 1, y)) addEdge(corner(x + 1, y), corner(x + 1, y + 1)), ++edges;
            if (!at(x, y + 1)) addEdge(corner(x + 1, y + 1), corner(x, y + 1)), ++edges;
            if (!at(x - 1, y)) addEdge(corner(x, y + 1), corner(x, y)), ++edges;
        }
    auto point = [&](std::uint32_t v) {
        const auto x = static_cast<double>(v % static_cast<std::uint32_t>(nx + 1)),
                   y = static_cast<double>(v / static_cast<std::uint32_t>(nx + 1));
        return Vec2{ext.xmin + x * cell, ext.ymin + y * cell};
    };
    std::vector<std::vector<Vec2>> outers, holes;
    for (std::uint32_t start = 0; start < corners && edges > 0; ++start) {
        while (next1[start] != UINT32_MAX) {
            std::vector<Vec2> ring;
            std::uint32_t v = start;
            do {
                std::uint32_t to = next1[v];
                next1[v] = next2[v];
                next2[v] = UINT32_MAX;
                --edges;
                const Vec2 p = point(v);
                // Drop the middle of straight runs.
                if (ring.size() >= 2) {
                    const Vec2 a = ring[ring.size() - 2], b = ring.back();
                    if ((a.x == b.x && b.x == p.x) || (a.y == b.y && b.y == p.y)) ring.pop_back();
                }
                ring.push_back(p);
                v = to;
            } while (v != start && next1[v] != UINT32_MAX);
            if (ring.size() < 3) continue;
            (model::ringArea(ring.data(), ring.size()) > 0 ? outers : holes).push_back(std::move(ring));
        }
    }
    std::vector<std::vector<std::vector<Vec2>>> polygons;
    for (auto& o : outers) polygons.push_back({std::move(o)});
    for (auto& h : holes) {
        // The hole's first corner lies inside its outer ring (or on it where they touch): test a
        // point just inside the hole instead, a quarter cell off the hole's first edge.
        const Vec2 a = h[0], b = h[1];
        const double len = std::hypot(b.x - a.x, b.y - a.y);
        const Vec2 probe{(a.x + b.x) / 2 + (b.y - a.y) / len * cell * 0.25, (a.y + b.y) / 2 - (b.x - a.x) / len * cell * 0.25};
        for (auto& poly : polygons) {
            const auto& ring = poly.front();
            bool inside = false;
            for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
                if ((ring[i].y > probe.y) != (ring[j].y > probe.y) &&
                    probe.x < (ring[j].x - ring[i].x) * (probe.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
                    inside = !inside;
            if (inside) {
                poly.push_back(std::move(h));
                break;
            }
        }
    }
    if (polygons.size() == 1) return model::Geometry::polygon(polygons.front());
    return model::Geometry::multiPolygon(polygons);
}

} // namespace

std::vector<Isochrone> computeIsochrones(const CoverageData& data, const std::vector<std::int32_t>& posts,
                                         const IsochroneOptions& o, const StreetNetwork* net, Feedback* feedback) {
    if (!(o.meters > 0)) throw InputError("the service area needs a positive distance (got " + std::to_string(o.meters) + " m)");
    std::vector<Isochrone> out;
    for (auto p : posts) {
        if (p < 0 || static_cast<std::size_t>(p) >= data.posts.size())
            throw InputError("no post with index " + std::to_string(p));
        out.push_back(Isochrone{p, o.meters, {}, 0, {}});
    }
    if (o.mode == DistanceMode::Euclidean) {
        for (auto& iso : out) iso.area = circle(data.posts[static_cast<std::size_t>(iso.post)].point, o.meters, o.circleSegments);
        return out;
    }
    std::optional<StreetNetwork> own;
    if (!net) {
        own = StreetNetwork::fromStreets(data.streets);
        net = &*own;
    }
    std::vector<Vec2> points;
    for (auto p : posts) points.push_back(data.posts[static_cast<std::size_t>(p)].point);
    std::vector<NetworkAccess> access;
    const StreetNetwork g = net->withAccessPoints(points, o.maxSnapM, access);
    StreetNetwork::LocalSearch search(g);
    std::vector<double> dist(g.nodeCount(), StreetNetwork::kInfinity);
    // Which edges touch a node: walk every reached node's edges via an edge list per node.
    std::vector<std::vector<std::uint32_t>> edgesOf(g.nodeCount());
    for (std::uint32_t e = 0; e < g.edgeCount(); ++e) {
        edgesOf[g.edge(e).a].push_back(e);
        edgesOf[g.edge(e).b].push_back(e);
    }
    std::vector<std::uint8_t> done(g.edgeCount(), 0);
    for (std::size_t k = 0; k < out.size(); ++k) {
        if (feedback) {
            feedback->throwIfCancelled();
            feedback->setProgress(100.0 * static_cast<double>(k) / static_cast<double>(out.size()), "service areas");
        }
        auto& iso = out[k];
        if (!access[k].isConnected() || access[k].leg > o.meters) continue;
        const auto& reached = search.run({{static_cast<std::uint32_t>(access[k].node), access[k].leg, 0}}, o.meters);
        for (const auto& [n, d] : reached) dist[n] = d;
        std::vector<std::uint32_t> touched;
        for (const auto& [n, d] : reached) {
            for (std::uint32_t e : edgesOf[n]) {
                if (done[e]) continue;
                done[e] = 1;
                touched.push_back(e);
                const auto& edge = g.edge(e);
                const double da = dist[edge.a], db = dist[edge.b], len = edge.length;
                const Vec2 a = g.node(edge.a), b = g.node(edge.b);
                const double fromA = std::isinf(da) ? 0 : std::min(len, o.meters - da);
                const double fromB = std::isinf(db) ? 0 : std::min(len, o.meters - db);
                if (fromA + fromB >= len) {
                    iso.pieces.push_back({a, b});
                    iso.reachableLengthM += len;
                    continue;
                }
                if (fromA > 0) {
                    iso.pieces.push_back({a, along(a, b, len, fromA)});
                    iso.reachableLengthM += fromA;
                }
                if (fromB > 0) {
                    iso.pieces.push_back({along(a, b, len, len - fromB), b});
                    iso.reachableLengthM += fromB;
                }
            }
        }
        for (const auto& [n, d] : reached) dist[n] = StreetNetwork::kInfinity;
        for (auto e : touched) done[e] = 0;
        // The post's own leg to the street belongs to its area too.
        if (access[k].leg > 0) iso.pieces.push_back({data.posts[static_cast<std::size_t>(iso.post)].point, access[k].joint});
        iso.area = rasterBuffer(iso.pieces, o.bufferM, o.cellM > 0 ? o.cellM : o.bufferM / 4);
    }
    if (feedback) feedback->setProgress(100, "service areas done");
    return out;
}

std::shared_ptr<const LayerSnapshot> makeIsochroneLayer(const CoverageData& data, const std::vector<Isochrone>& isochrones) {
    auto col = [](const char* name, model::FieldType t) {
        LayerSnapshot::Column c;
        c.field = model::Field{name, t, false};
        return c;
    };
    std::vector<LayerSnapshot::Column> cols{col("post_id", model::FieldType::Integer), col("post_name", model::FieldType::Text),
                                            col("type", model::FieldType::Text), col("meters", model::FieldType::Real),
                                            col("street_m", model::FieldType::Real)};
    std::vector<std::int64_t> ids;
    std::vector<model::Geometry> geoms;
    std::int64_t next = 1;
    for (const auto& iso : isochrones) {
        if (iso.area.isEmpty()) continue;
        const auto& p = data.posts[static_cast<std::size_t>(iso.post)];
        ids.push_back(next++);
        geoms.push_back(iso.area);
        cols[0].ints.push_back(p.id);
        cols[1].texts.push_back(p.name);
        cols[2].texts.push_back(p.type);
        cols[3].reals.push_back(iso.meters);
        cols[4].reals.push_back(iso.reachableLengthM);
        for (auto& c : cols) c.isNull.push_back(0);
    }
    const auto type = [&] {
        for (const auto& g : geoms)
            if (g.type == model::GeomType::MultiPolygon) return model::GeomType::MultiPolygon;
        return model::GeomType::Polygon;
    }();
    return std::make_shared<LayerSnapshot>("service_areas", type, std::move(cols), std::move(ids), std::vector<Vec2>{},
                                           std::move(geoms));
}

} // namespace gridatlas::storage
