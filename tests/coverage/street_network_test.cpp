// The street network: noding (shared vertices, T junctions, crossings), snapping, access
// points and shortest paths, checked by hand and against a plain Dijkstra on the unsplit graph.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/street_network.h"

namespace gridatlas::storage {
namespace {

using model::Vec2;

/// S1 (0,0)-(200,0); S2 (100,-100)-(100,100) crosses S1; S3 (200,0)-(200,100) shares S1's end;
/// S4 (100,50)-(200,50) ends on S2 and S3 (T junctions).
StreetNetwork plusNetwork() {
    return StreetNetwork::fromLines(
        {{{0, 0}, {200, 0}}, {{100, -100}, {100, 100}}, {{200, 0}, {200, 100}}, {{100, 50}, {200, 50}}});
}

TEST(StreetNetwork, NodesSharedVerticesTJunctionsAndCrossings) {
    const auto net = plusNetwork();
    EXPECT_EQ(net.nodeCount(), 8u);
    EXPECT_EQ(net.edgeCount(), 8u);
    EXPECT_NEAR(net.totalLength(), 600.0, 1e-9);
}

TEST(StreetNetwork, CrossingsCanBeLeftUnnoded) {
    StreetBuildOptions o;
    o.nodeCrossings = false;
    const auto net = StreetNetwork::fromLines({{{0, 0}, {200, 0}}, {{100, -100}, {100, 100}}}, o);
    EXPECT_EQ(net.nodeCount(), 4u);
    EXPECT_EQ(net.edgeCount(), 2u);
}

TEST(StreetNetwork, VerticesWithinToleranceMerge) {
    const auto net = StreetNetwork::fromLines({{{0, 0}, {100, 0}}, {{100.01, 0.02}, {100, 100}}});
    EXPECT_EQ(net.nodeCount(), 3u);
    EXPECT_EQ(net.edgeCount(), 2u);
}

TEST(StreetNetwork, SnapFindsNearestStreetPoint) {
    const auto net = plusNetwork();
    const auto s = net.snap({150, 60}, 100);
    ASSERT_GE(s.edge, 0);
    EXPECT_NEAR(s.point.x, 150, 1e-9);
    EXPECT_NEAR(s.point.y, 50, 1e-9);
    EXPECT_NEAR(s.distance, 10, 1e-9);
    EXPECT_LT(net.snap({1000, 1000}, 300).edge, 0) << "beyond the snap limit";
}

TEST(StreetNetwork, HandCheckedWalkingDistances) {
    const auto net = plusNetwork();
    // A post 10 m north of S1's west end, a door 10 m north of S4's middle, a door beside S1.
    std::vector<NetworkAccess> access;
    const auto g = net.withAccessPoints({{0, 10}, {150, 60}, {60, 5}, {30, -5}}, 300, access);
    ASSERT_TRUE(access[0].isConnected());
    EXPECT_NEAR(access[0].leg, 10, 1e-9);
    std::vector<double> dist;
    std::vector<std::int32_t> label;
    g.shortestPaths({{static_cast<std::uint32_t>(access[0].node), access[0].leg, 7}}, StreetNetwork::kInfinity, dist, label);
    // (0,0) -> (100,0) -> (100,50) -> (150,50): 200 m, plus both legs.
    EXPECT_NEAR(access[1].leg + dist[static_cast<std::size_t>(access[1].node)], 220, 1e-9);
    EXPECT_EQ(label[static_cast<std::size_t>(access[1].node)], 7);
    // Same street piece: along it, not via its ends.
    g.shortestPaths({{static_cast<std::uint32_t>(access[3].node), access[3].leg, 0}}, StreetNetwork::kInfinity, dist, label);
    EXPECT_NEAR(access[2].leg + dist[static_cast<std::size_t>(access[2].node)], 5 + 30 + 5, 1e-9);
    // A cutoff leaves farther nodes unreached.
    g.shortestPaths({{static_cast<std::uint32_t>(access[0].node), access[0].leg, 0}}, 150, dist, label);
    EXPECT_EQ(dist[static_cast<std::size_t>(access[1].node)], StreetNetwork::kInfinity);
    EXPECT_EQ(label[static_cast<std::size_t>(access[1].node)], -1);
}

TEST(StreetNetwork, DisconnectedPartsAreUnreachable) {
    const auto net = StreetNetwork::fromLines({{{0, 0}, {100, 0}}, {{500, 500}, {600, 500}}});
    std::vector<NetworkAccess> access;
    const auto g = net.withAccessPoints({{0, 5}, {550, 510}}, 300, access);
    std::vector<double> dist;
    std::vector<std::int32_t> label;
    g.shortestPaths({{static_cast<std::uint32_t>(access[0].node), access[0].leg, 0}}, StreetNetwork::kInfinity, dist, label);
    ASSERT_TRUE(access[1].isConnected());
    EXPECT_EQ(dist[static_cast<std::size_t>(access[1].node)], StreetNetwork::kInfinity);
}

TEST(StreetNetwork, CancelledSearchThrows) {
    // A long line of many segments so that the search polls the feedback.
    std::vector<Vec2> line;
    for (int i = 0; i <= 200000; ++i) line.push_back({static_cast<double>(i), 0});
    const auto net = StreetNetwork::fromLines({line});
    Feedback f;
    f.cancel();
    std::vector<double> dist;
    std::vector<std::int32_t> label;
    EXPECT_THROW(net.shortestPaths({{0, 0, 0}}, StreetNetwork::kInfinity, dist, label, &f), CancelledError);
}

/// Plain Dijkstra over the original (unsplit) graph: sources and targets sit on edges at
/// offsets; a target's distance is the best of its edge's two ends, or along the edge when a
/// source shares it.
std::vector<double> referenceDistances(const StreetNetwork& net, const std::vector<Vec2>& sources,
                                       const std::vector<Vec2>& targets) {
    const std::size_t n = net.nodeCount();
    std::vector<std::vector<std::pair<std::size_t, double>>> adj(n);
    for (const auto& e : net.edges()) {
        adj[e.a].emplace_back(e.b, e.length);
        adj[e.b].emplace_back(e.a, e.length);
    }
    std::vector<double> d(n, StreetNetwork::kInfinity);
    std::set<std::pair<double, std::size_t>> q;
    std::vector<StreetNetwork::Snap> srcSnaps;
    auto relax = [&](std::size_t v, double c) {
        if (c < d[v]) {
            q.erase({d[v], v});
            d[v] = c;
            q.insert({c, v});
        }
    };
    for (const auto& s : sources) {
        const auto sn = net.snap(s, 300);
        srcSnaps.push_back(sn);
        if (sn.edge < 0) continue;
        const auto& e = net.edge(static_cast<std::size_t>(sn.edge));
        relax(e.a, sn.distance + sn.offset);
        relax(e.b, sn.distance + e.length - sn.offset);
    }
    while (!q.empty()) {
        const auto [c, v] = *q.begin();
        q.erase(q.begin());
        for (const auto& [w, len] : adj[v]) relax(w, c + len);
    }
    std::vector<double> out;
    for (const auto& t : targets) {
        const auto tn = net.snap(t, 300);
        double best = StreetNetwork::kInfinity;
        if (tn.edge >= 0) {
            const auto& e = net.edge(static_cast<std::size_t>(tn.edge));
            best = std::min(tn.distance + d[e.a] + tn.offset, tn.distance + d[e.b] + e.length - tn.offset);
            for (const auto& sn : srcSnaps)
                if (sn.edge == tn.edge) best = std::min(best, sn.distance + std::abs(sn.offset - tn.offset) + tn.distance);
        }
        out.push_back(best);
    }
    return out;
}

TEST(StreetNetwork, MultiSourceDistancesEqualPlainDijkstraOnRandomGrid) {
    // A jittered 12 x 12 street grid with a few diagonal paths that cross it.
    std::mt19937_64 rng(42);
    auto jitter = [&] { return static_cast<double>(rng() % 1000) / 100.0; };
    std::vector<std::vector<Vec2>> lines;
    for (int i = 0; i <= 12; ++i) {
        lines.push_back({{i * 100.0, 0}, {i * 100.0 + jitter(), 1200}});
        lines.push_back({{0, i * 100.0}, {1200, i * 100.0 + jitter()}});
    }
    lines.push_back({{0, 0}, {1200, 1200}});
    lines.push_back({{0, 600}, {600, 0}});
    const auto net = StreetNetwork::fromLines(lines);
    std::vector<Vec2> sources, targets;
    for (int k = 0; k < 5; ++k) sources.push_back({static_cast<double>(rng() % 1200), static_cast<double>(rng() % 1200)});
    for (int k = 0; k < 400; ++k)
        targets.push_back({static_cast<double>(rng() % 12000) / 10, static_cast<double>(rng() % 12000) / 10});
    const auto expected = referenceDistances(net, sources, targets);

    std::vector<Vec2> points = sources;
    points.insert(points.end(), targets.begin(), targets.end());
    std::vector<NetworkAccess> access;
    const auto g = net.withAccessPoints(points, 300, access);
    std::vector<StreetNetwork::Source> src;
    for (std::size_t k = 0; k < sources.size(); ++k)
        src.push_back({static_cast<std::uint32_t>(access[k].node), access[k].leg, static_cast<std::int32_t>(k)});
    std::vector<double> dist;
    std::vector<std::int32_t> label;
    g.shortestPaths(src, StreetNetwork::kInfinity, dist, label);
    std::size_t finite = 0;
    for (std::size_t t = 0; t < targets.size(); ++t) {
        const auto& a = access[sources.size() + t];
        ASSERT_TRUE(a.isConnected());
        const double got = a.leg + dist[static_cast<std::size_t>(a.node)];
        if (std::isinf(expected[t])) {
            EXPECT_TRUE(std::isinf(got)) << "target " << t; // a dangling piece at the ragged edge
            continue;
        }
        ++finite;
        EXPECT_NEAR(got, expected[t], 1e-6) << "target " << t;
    }
    EXPECT_GT(finite, 350u);
    // LocalSearch agrees with the full search within its cutoff.
    StreetNetwork::LocalSearch local(g);
    const auto& reached = local.run(src, 400);
    ASSERT_FALSE(reached.empty());
    for (const auto& [node, d] : reached) EXPECT_NEAR(d, dist[node], 1e-9);
}

} // namespace
} // namespace gridatlas::storage
