#include "storage/isochrones.h"

#include <cmath>
#include <numbers>
#include <optional>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/connection.h"
#include "storage/layer_cache.h"
#include "storage/spatialite_blob.h"
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

/// Buffers lines with GEOS (SpatiaLite on an in-memory database): one polygon or multipolygon.
class Buffering {
public:
    Buffering() : m_conn(":memory:", OpenMode::Create), m_st(m_conn, "SELECT ST_Buffer(?, ?, ?)") {}
    model::Geometry buffer(const std::vector<std::vector<Vec2>>& lines, double width, int quadrantSegments, int srid) {
        model::Geometry ml;
        ml.type = model::GeomType::MultiLineString;
        for (const auto& l : lines) {
            ml.coords.insert(ml.coords.end(), l.begin(), l.end());
            ml.ringEnds.push_back(static_cast<std::uint32_t>(ml.coords.size()));
        }
        model::Geometry out;
        if (ml.coords.empty()) return out;
        const std::string blob = encodeSpatialiteBlob(ml, srid);
        m_st.reset();
        m_st.bindBlob(1, blob.data(), blob.size()).bind(2, width).bind(3, quadrantSegments);
        if (m_st.step() && !m_st.isNull(0)) decodeSpatialiteBlob(m_st.columnBlob(0), out);
        m_st.reset();
        return out;
    }

private:
    Connection m_conn;
    Statement m_st;
};

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
    Buffering buffering;
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
        iso.area = buffering.buffer(iso.pieces, o.bufferM, o.quadrantSegments, data.srid > 0 ? data.srid : 0);
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
