#include "storage/street_network.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <unordered_map>

#include "model/support/feedback.h"
#include "storage/coverage_data.h"

namespace gridatlas::storage {

using model::Vec2;

namespace {

double dist(Vec2 a, Vec2 b) {
    const double dx = a.x - b.x, dy = a.y - b.y;
    return std::sqrt(dx * dx + dy * dy);
}

/// Closest point of segment ab to p, as a parameter t in [0, 1].
double closestParam(Vec2 p, Vec2 a, Vec2 b) {
    const double vx = b.x - a.x, vy = b.y - a.y;
    const double len2 = vx * vx + vy * vy;
    if (len2 <= 0) return 0;
    return std::clamp(((p.x - a.x) * vx + (p.y - a.y) * vy) / len2, 0.0, 1.0);
}

Vec2 lerp(Vec2 a, Vec2 b, double t) {
    return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

struct Segment {
    Vec2 a, b;
    std::vector<double> splits; // parameters in (0, 1) where the segment is cut
};

/// A uniform grid of segment ids by bounding box (temporary, for noding).
class SegmentGrid {
public:
    SegmentGrid(const std::vector<Segment>& segs, double cell) : m_cell(cell) {
        for (const auto& s : segs) {
            m_extent.expand(s.a);
            m_extent.expand(s.b);
        }
        m_nx = std::max(1, static_cast<int>(std::ceil(m_extent.width() / cell)) + 1);
        m_ny = std::max(1, static_cast<int>(std::ceil(m_extent.height() / cell)) + 1);
        m_cells.resize(static_cast<std::size_t>(m_nx) * static_cast<std::size_t>(m_ny));
        for (std::uint32_t i = 0; i < segs.size(); ++i) {
            const auto r = model::Rect::of(segs[i].a.x, segs[i].a.y, segs[i].b.x, segs[i].b.y);
            forCells(r, [&](std::size_t c) { m_cells[c].push_back(i); });
        }
    }
    template <class F> void forCells(const model::Rect& r, F&& f) const {
        const int x0 = cx(r.xmin), x1 = cx(r.xmax), y0 = cy(r.ymin), y1 = cy(r.ymax);
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x)
                f(static_cast<std::size_t>(y) * static_cast<std::size_t>(m_nx) + static_cast<std::size_t>(x));
    }
    [[nodiscard]] const std::vector<std::uint32_t>& cell(std::size_t c) const { return m_cells[c]; }

private:
    int cx(double x) const { return std::clamp(static_cast<int>((x - m_extent.xmin) / m_cell), 0, m_nx - 1); }
    int cy(double y) const { return std::clamp(static_cast<int>((y - m_extent.ymin) / m_cell), 0, m_ny - 1); }
    double m_cell;
    model::Rect m_extent;
    int m_nx = 1, m_ny = 1;
    std::vector<std::vector<std::uint32_t>> m_cells;
};

/// Merges vertices closer than the tolerance into one node.
class NodeMerger {
public:
    NodeMerger(std::vector<Vec2>& nodes, double tol) : m_nodes(nodes), m_tol(tol) {}
    std::uint32_t nodeAt(Vec2 p) {
        const auto kx = static_cast<std::int64_t>(std::floor(p.x / m_tol));
        const auto ky = static_cast<std::int64_t>(std::floor(p.y / m_tol));
        for (std::int64_t dy = -1; dy <= 1; ++dy)
            for (std::int64_t dx = -1; dx <= 1; ++dx) {
                auto it = m_map.find(key(kx + dx, ky + dy));
                if (it == m_map.end()) continue;
                for (std::uint32_t n : it->second)
                    if (dist(m_nodes[n], p) <= m_tol) return n;
            }
        const auto n = static_cast<std::uint32_t>(m_nodes.size());
        m_nodes.push_back(p);
        m_map[key(kx, ky)].push_back(n);
        return n;
    }

private:
    static std::uint64_t key(std::int64_t x, std::int64_t y) {
        return (static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ull) ^ static_cast<std::uint64_t>(y);
    }
    std::vector<Vec2>& m_nodes;
    double m_tol;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> m_map;
};

} // namespace

StreetNetwork StreetNetwork::fromStreets(const std::vector<CoverageStreet>& streets, const BuildOptions& options) {
    std::vector<std::vector<Vec2>> lines;
    lines.reserve(streets.size());
    for (const auto& s : streets) lines.push_back(s.line);
    return fromLines(lines, options);
}

StreetNetwork StreetNetwork::fromLines(const std::vector<std::vector<Vec2>>& lines, const BuildOptions& options) {
    const double tol = std::max(options.snapTolerance, 1e-9);
    std::vector<Segment> segs;
    double total = 0;
    for (const auto& line : lines)
        for (std::size_t i = 1; i < line.size(); ++i) {
            if (dist(line[i - 1], line[i]) <= tol) continue;
            segs.push_back(Segment{line[i - 1], line[i], {}});
            total += dist(line[i - 1], line[i]);
        }
    StreetNetwork net;
    if (segs.empty()) {
        net.buildAdjacency();
        net.buildIndex();
        return net;
    }
    // Cut every segment where another one ends on it or crosses it.
    const double cell = std::clamp(total / static_cast<double>(segs.size()), 5.0, 200.0);
    const SegmentGrid grid(segs, cell);
    std::vector<std::uint32_t> seen(segs.size(), UINT32_MAX);
    auto endOn = [tol](Segment& s, Vec2 p) {
        const double t = closestParam(p, s.a, s.b);
        const double len = dist(s.a, s.b);
        if (t * len <= tol || (1 - t) * len <= tol) return; // at an end already: merged as a vertex
        if (dist(lerp(s.a, s.b, t), p) <= tol) s.splits.push_back(t);
    };
    for (std::uint32_t i = 0; i < segs.size(); ++i) {
        const auto box = model::Rect::of(segs[i].a.x, segs[i].a.y, segs[i].b.x, segs[i].b.y).buffered(tol);
        grid.forCells(box, [&](std::size_t c) {
            for (std::uint32_t j : grid.cell(c)) {
                if (j <= i || seen[j] == i) continue;
                seen[j] = i;
                Segment& s = segs[i];
                Segment& o = segs[j];
                endOn(s, o.a);
                endOn(s, o.b);
                endOn(o, s.a);
                endOn(o, s.b);
                if (!options.nodeCrossings) continue;
                // Proper crossing: both parameters strictly inside.
                const double rx = s.b.x - s.a.x, ry = s.b.y - s.a.y, qx = o.b.x - o.a.x, qy = o.b.y - o.a.y;
                const double den = rx * qy - ry * qx;
                if (std::abs(den) < 1e-12) continue;
                const double wx = o.a.x - s.a.x, wy = o.a.y - s.a.y;
                const double t = (wx * qy - wy * qx) / den;
                const double u = (wx * ry - wy * rx) / den;
                const double ls = dist(s.a, s.b), lo = dist(o.a, o.b);
                if (t * ls > tol && (1 - t) * ls > tol && u * lo > tol && (1 - u) * lo > tol && t < 1 && u < 1 && t > 0 &&
                    u > 0) {
                    s.splits.push_back(t);
                    o.splits.push_back(u);
                }
            }
        });
    }
    NodeMerger merger(net.m_nodes, tol);
    for (auto& s : segs) {
        std::sort(s.splits.begin(), s.splits.end());
        Vec2 prev = s.a;
        std::uint32_t prevNode = merger.nodeAt(s.a);
        auto addPiece = [&](Vec2 q) {
            const std::uint32_t n = merger.nodeAt(q);
            if (n != prevNode) net.m_edges.push_back(Edge{prevNode, n, dist(net.m_nodes[prevNode], net.m_nodes[n])});
            prev = q;
            prevNode = n;
        };
        for (double t : s.splits) addPiece(lerp(s.a, s.b, t));
        addPiece(s.b);
    }
    net.buildAdjacency();
    net.buildIndex();
    return net;
}

double StreetNetwork::totalLength() const {
    double t = 0;
    for (const auto& e : m_edges) t += e.length;
    return t;
}

void StreetNetwork::buildAdjacency() {
    const std::size_t n = m_nodes.size();
    m_adjStart.assign(n + 1, 0);
    for (const auto& e : m_edges) {
        ++m_adjStart[e.a + 1];
        ++m_adjStart[e.b + 1];
    }
    for (std::size_t i = 0; i < n; ++i) m_adjStart[i + 1] += m_adjStart[i];
    m_adjNode.resize(m_adjStart[n]);
    m_adjLength.resize(m_adjStart[n]);
    std::vector<std::uint32_t> fill(m_adjStart.begin(), m_adjStart.end() - 1);
    for (const auto& e : m_edges) {
        m_adjNode[fill[e.a]] = e.b;
        m_adjLength[fill[e.a]++] = e.length;
        m_adjNode[fill[e.b]] = e.a;
        m_adjLength[fill[e.b]++] = e.length;
    }
}

void StreetNetwork::buildIndex() {
    m_extent = model::Rect{};
    for (const auto& p : m_nodes) m_extent.expand(p);
    if (m_edges.empty()) {
        m_nx = m_ny = 0;
        m_cellStart.assign(1, 0);
        m_cellEdges.clear();
        return;
    }
    // About two edges per cell, but no cells smaller than 10 m.
    const double area = std::max(m_extent.width() * m_extent.height(), 1.0);
    m_cell = std::max(10.0, std::sqrt(area / (static_cast<double>(m_edges.size()) / 2.0)));
    m_nx = std::max(1, static_cast<int>(m_extent.width() / m_cell) + 1);
    m_ny = std::max(1, static_cast<int>(m_extent.height() / m_cell) + 1);
    const std::size_t cells = static_cast<std::size_t>(m_nx) * static_cast<std::size_t>(m_ny);
    auto cellsOf = [&](const Edge& e, auto&& f) {
        const Vec2 a = m_nodes[e.a], b = m_nodes[e.b];
        const int x0 = std::clamp(static_cast<int>((std::min(a.x, b.x) - m_extent.xmin) / m_cell), 0, m_nx - 1);
        const int x1 = std::clamp(static_cast<int>((std::max(a.x, b.x) - m_extent.xmin) / m_cell), 0, m_nx - 1);
        const int y0 = std::clamp(static_cast<int>((std::min(a.y, b.y) - m_extent.ymin) / m_cell), 0, m_ny - 1);
        const int y1 = std::clamp(static_cast<int>((std::max(a.y, b.y) - m_extent.ymin) / m_cell), 0, m_ny - 1);
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x)
                f(static_cast<std::size_t>(y) * static_cast<std::size_t>(m_nx) + static_cast<std::size_t>(x));
    };
    m_cellStart.assign(cells + 1, 0);
    for (const auto& e : m_edges) cellsOf(e, [&](std::size_t c) { ++m_cellStart[c + 1]; });
    for (std::size_t c = 0; c < cells; ++c) m_cellStart[c + 1] += m_cellStart[c];
    m_cellEdges.resize(m_cellStart[cells]);
    std::vector<std::uint32_t> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    for (std::uint32_t i = 0; i < m_edges.size(); ++i) cellsOf(m_edges[i], [&](std::size_t c) { m_cellEdges[fill[c]++] = i; });
}

StreetNetwork::Snap StreetNetwork::snap(Vec2 p, double maxDistance) const {
    Snap best;
    if (m_edges.empty()) return best;
    const int px = static_cast<int>(std::floor((p.x - m_extent.xmin) / m_cell));
    const int py = static_cast<int>(std::floor((p.y - m_extent.ymin) / m_cell));
    auto visit = [&](int x, int y) {
        if (x < 0 || y < 0 || x >= m_nx || y >= m_ny) return;
        const std::size_t c = static_cast<std::size_t>(y) * static_cast<std::size_t>(m_nx) + static_cast<std::size_t>(x);
        for (std::uint32_t k = m_cellStart[c]; k < m_cellStart[c + 1]; ++k) {
            const std::uint32_t ei = m_cellEdges[k];
            const Edge& e = m_edges[ei];
            const Vec2 a = m_nodes[e.a], b = m_nodes[e.b];
            const double t = closestParam(p, a, b);
            const Vec2 q = lerp(a, b, t);
            const double d = dist(p, q);
            // Ties go to the lower edge index, so that the answer does not depend on visit order.
            if (d < best.distance || (d == best.distance && static_cast<std::int32_t>(ei) < best.edge)) {
                best = Snap{static_cast<std::int32_t>(ei), t * e.length, q, d};
            }
        }
    };
    const int maxRing = std::max({px, py, m_nx - 1 - px, m_ny - 1 - py, 0}) + 1;
    for (int r = 0; r <= maxRing; ++r) {
        // Cells of ring r are at least (r - 1) cells away from p.
        if (best.distance <= (r - 1) * m_cell) break;
        if ((r - 1) * m_cell > maxDistance) break;
        if (r == 0) {
            visit(px, py);
            continue;
        }
        for (int x = px - r; x <= px + r; ++x) {
            visit(x, py - r);
            visit(x, py + r);
        }
        for (int y = py - r + 1; y <= py + r - 1; ++y) {
            visit(px - r, y);
            visit(px + r, y);
        }
    }
    if (best.distance > maxDistance) return Snap{};
    return best;
}

StreetNetwork StreetNetwork::withAccessPoints(const std::vector<Vec2>& points, double maxSnap,
                                              std::vector<NetworkAccess>& access) const {
    access.assign(points.size(), NetworkAccess{});
    struct Cut {
        double offset;
        std::size_t point;
    };
    std::unordered_map<std::int32_t, std::vector<Cut>> cuts;
    std::vector<Snap> snaps(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        snaps[i] = snap(points[i], maxSnap);
        if (snaps[i].edge >= 0) cuts[snaps[i].edge].push_back(Cut{snaps[i].offset, i});
    }
    StreetNetwork out;
    out.m_nodes = m_nodes;
    out.m_edges.reserve(m_edges.size() + points.size());
    constexpr double kSame = 1e-9; // offsets this close share a node
    for (std::uint32_t ei = 0; ei < m_edges.size(); ++ei) {
        const Edge& e = m_edges[ei];
        auto it = cuts.find(static_cast<std::int32_t>(ei));
        if (it == cuts.end()) {
            out.m_edges.push_back(e);
            continue;
        }
        auto& list = it->second;
        std::sort(list.begin(), list.end(), [](const Cut& x, const Cut& y) { return x.offset < y.offset; });
        std::uint32_t prevNode = e.a;
        double prevOffset = 0;
        for (const Cut& c : list) {
            std::uint32_t node;
            if (c.offset <= kSame) {
                node = e.a;
            } else if (c.offset >= e.length - kSame) {
                node = e.b;
            } else if (c.offset - prevOffset <= kSame && prevNode != e.a) {
                node = prevNode;
            } else {
                node = static_cast<std::uint32_t>(out.m_nodes.size());
                out.m_nodes.push_back(snaps[c.point].point);
                out.m_edges.push_back(Edge{prevNode, node, c.offset - prevOffset});
                prevNode = node;
                prevOffset = c.offset;
            }
            access[c.point] = NetworkAccess{static_cast<std::int32_t>(node), snaps[c.point].distance, snaps[c.point].point};
        }
        out.m_edges.push_back(Edge{prevNode, e.b, e.length - prevOffset});
    }
    out.buildAdjacency();
    out.buildIndex();
    return out;
}

void StreetNetwork::shortestPaths(const std::vector<Source>& sources, double cutoff, std::vector<double>& dist,
                                  std::vector<std::int32_t>& label, Feedback* feedback) const {
    dist.assign(m_nodes.size(), kInfinity);
    label.assign(m_nodes.size(), -1);
    using Item = std::pair<double, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    for (const auto& s : sources) {
        if (s.node >= m_nodes.size() || s.cost > cutoff) continue;
        if (s.cost < dist[s.node] || (s.cost == dist[s.node] && s.label < label[s.node])) {
            dist[s.node] = s.cost;
            label[s.node] = s.label;
            heap.emplace(s.cost, s.node);
        }
    }
    std::size_t settled = 0;
    while (!heap.empty()) {
        const auto [d, n] = heap.top();
        heap.pop();
        if (d > dist[n]) continue;
        if (feedback && (++settled & 0xFFFF) == 0) feedback->throwIfCancelled();
        for (std::uint32_t k = m_adjStart[n]; k < m_adjStart[n + 1]; ++k) {
            const std::uint32_t m = m_adjNode[k];
            const double nd = d + m_adjLength[k];
            if (nd > cutoff) continue;
            if (nd < dist[m]) {
                dist[m] = nd;
                label[m] = label[n];
                heap.emplace(nd, m);
            }
        }
    }
}

StreetNetwork::LocalSearch::LocalSearch(const StreetNetwork& net) : m_net(net), m_dist(net.nodeCount(), kInfinity) {
}

const std::vector<std::pair<std::uint32_t, double>>& StreetNetwork::LocalSearch::run(const std::vector<Source>& sources,
                                                                                     double cutoff) {
    for (std::uint32_t n : m_touched) m_dist[n] = kInfinity;
    m_touched.clear();
    m_out.clear();
    using Item = std::pair<double, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    for (const auto& s : sources) {
        if (s.node >= m_dist.size() || s.cost > cutoff || s.cost >= m_dist[s.node]) continue;
        if (m_dist[s.node] == kInfinity) m_touched.push_back(s.node);
        m_dist[s.node] = s.cost;
        heap.emplace(s.cost, s.node);
    }
    while (!heap.empty()) {
        const auto [d, n] = heap.top();
        heap.pop();
        if (d > m_dist[n]) continue;
        m_out.emplace_back(n, d);
        for (std::uint32_t k = m_net.m_adjStart[n]; k < m_net.m_adjStart[n + 1]; ++k) {
            const std::uint32_t m = m_net.m_adjNode[k];
            const double nd = d + m_net.m_adjLength[k];
            if (nd > cutoff || nd >= m_dist[m]) continue;
            if (m_dist[m] == kInfinity) m_touched.push_back(m);
            m_dist[m] = nd;
            heap.emplace(nd, m);
        }
    }
    return m_out;
}

} // namespace gridatlas::storage
