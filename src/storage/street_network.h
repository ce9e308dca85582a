#pragma once
// The walkable street network: an undirected graph built from the atlas's street lines
// (centre lines, footpaths, compound paths and gates), noded where lines share a vertex, where a
// line ends on another (T junctions) and where two lines cross. Points (unit entrances 单元门,
// household points, service posts, candidate sites) join the network at their nearest street
// point, inserted as a node of their own so that shortest paths are exact (a door and a post on
// the same street piece are measured along it, not via its ends).
#include <cstdint>
#include <limits>
#include <vector>

#include "model/geometry.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

struct CoverageStreet;

/// Where a point joins the network. `node` is -1 when no street lies within the snap limit.
struct NetworkAccess {
    std::int32_t node = -1;
    double leg = 0;    ///< straight distance from the point to where it joins (metres)
    model::Vec2 joint; ///< the street point it joins at
    [[nodiscard]] bool isConnected() const { return node >= 0; }
};

struct StreetBuildOptions {
    double snapTolerance = 0.05; ///< vertices closer than this are one node (metres)
    bool nodeCrossings = true;   ///< split lines where they cross (the atlas has no bridges)
};

class StreetNetwork {
public:
    static constexpr double kInfinity = std::numeric_limits<double>::infinity();

    struct Edge {
        std::uint32_t a = 0;
        std::uint32_t b = 0;
        double length = 0;
    };

    using BuildOptions = StreetBuildOptions;

    StreetNetwork() = default;
    /// Builds the noded network from polylines.
    static StreetNetwork fromLines(const std::vector<std::vector<model::Vec2>>& lines, const BuildOptions& options);
    static StreetNetwork fromLines(const std::vector<std::vector<model::Vec2>>& lines) {
        return fromLines(lines, BuildOptions{});
    }
    static StreetNetwork fromStreets(const std::vector<CoverageStreet>& streets, const BuildOptions& options = BuildOptions{});

    [[nodiscard]] std::size_t nodeCount() const { return m_nodes.size(); }
    [[nodiscard]] std::size_t edgeCount() const { return m_edges.size(); }
    [[nodiscard]] const model::Vec2& node(std::size_t i) const { return m_nodes[i]; }
    [[nodiscard]] const Edge& edge(std::size_t i) const { return m_edges[i]; }
    [[nodiscard]] const std::vector<Edge>& edges() const { return m_edges; }
    /// Total length of all edges (metres).
    [[nodiscard]] double totalLength() const;

    /// The nearest point of the network to `p` within `maxDistance`: edge index (or -1), offset
    /// from the edge's `a` end along it, the point and its distance.
    struct Snap {
        std::int32_t edge = -1;
        double offset = 0;
        model::Vec2 point;
        double distance = kInfinity;
    };
    [[nodiscard]] Snap snap(model::Vec2 p, double maxDistance) const;

    /// A copy of this network with `points` joined: each one's nearest street point (within
    /// `maxSnap`) becomes a node, splitting its edge; points at the same street point share it.
    /// Node indices of this network stay valid in the copy. `access` gets one entry per point.
    [[nodiscard]] StreetNetwork withAccessPoints(const std::vector<model::Vec2>& points, double maxSnap,
                                                 std::vector<NetworkAccess>& access) const;

    /// A source of a shortest-path search: a node, the cost already spent reaching it (e.g. the
    /// post's own leg to the street) and a label reported for the nodes it reaches first.
    struct Source {
        std::uint32_t node = 0;
        double cost = 0;
        std::int32_t label = 0;
    };
    /// Multi-source Dijkstra: `dist[n]` the least cost from any source (kInfinity beyond
    /// `cutoff` or when unreachable), `label[n]` the label of that source (-1 when unreached).
    /// Polls `feedback` for cancellation.
    void shortestPaths(const std::vector<Source>& sources, double cutoff, std::vector<double>& dist,
                       std::vector<std::int32_t>& label, Feedback* feedback = nullptr) const;

    /// Nodes reached within `cutoff` by the last shortestPaths-style search from `sources`,
    /// without touching the whole graph (for many small searches: siting, member reach). The
    /// workspace is reused between calls; returns (node, distance) pairs in order of distance.
    class LocalSearch {
    public:
        explicit LocalSearch(const StreetNetwork& net);
        const std::vector<std::pair<std::uint32_t, double>>& run(const std::vector<Source>& sources, double cutoff);

    private:
        const StreetNetwork& m_net;
        std::vector<double> m_dist;
        std::vector<std::uint32_t> m_touched;
        std::vector<std::pair<std::uint32_t, double>> m_out;
    };

private:
    void buildAdjacency();
    void buildIndex();
    std::vector<model::Vec2> m_nodes;
    std::vector<Edge> m_edges;
    // CSR adjacency: for node n, m_adjStart[n]..m_adjStart[n+1] into m_adjNode/m_adjLength.
    std::vector<std::uint32_t> m_adjStart;
    std::vector<std::uint32_t> m_adjNode;
    std::vector<double> m_adjLength;
    // Uniform grid over edges (by bounding box) for snapping.
    model::Rect m_extent;
    double m_cell = 100;
    int m_nx = 0, m_ny = 0;
    std::vector<std::uint32_t> m_cellStart;
    std::vector<std::uint32_t> m_cellEdges;
};

} // namespace gridatlas::storage
