#include "storage/member_reach.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <queue>
#include <tuple>
#include <unordered_map>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/street_network.h"

namespace gridatlas::storage {

using model::Vec2;

MemberReachData loadMemberReach(Atlas& atlas) {
    MemberReachData d;
    auto& c = atlas.connection();
    {
        Statement st(c, "SELECT id, household_id, name, member_type FROM residents WHERE is_member = 1 ORDER BY id");
        while (st.step())
            d.members.push_back(
                {st.columnInt(0), st.columnInt(1), st.columnText(2), st.isNull(3) ? std::string() : st.columnText(3)});
    }
    Statement st(c, "SELECT member_id, household_id FROM assignments WHERE kind = 'pairing' AND household_id IS NOT NULL "
                    "ORDER BY member_id, household_id");
    while (st.step()) d.pairings.emplace_back(st.columnInt(0), st.columnInt(1));
    return d;
}

namespace {

class UnionFind {
public:
    explicit UnionFind(std::size_t n) : m_parent(n) { std::iota(m_parent.begin(), m_parent.end(), std::size_t{0}); }
    std::size_t find(std::size_t x) {
        while (m_parent[x] != x) x = m_parent[x] = m_parent[m_parent[x]];
        return x;
    }
    void unite(std::size_t a, std::size_t b) { m_parent[find(a)] = find(b); }

private:
    std::vector<std::size_t> m_parent;
};

/// Successive shortest paths with potentials on one component. Costs in integer millimetres so
/// that ties and optimality are exact.
class MinCostFlow {
public:
    explicit MinCostFlow(std::size_t n) : m_adj(n) {}
    std::size_t addEdge(std::size_t from, std::size_t to, int cap, std::int64_t cost) {
        m_adj[from].push_back(m_edges.size());
        m_edges.push_back({to, cap, cost});
        m_adj[to].push_back(m_edges.size());
        m_edges.push_back({from, 0, -cost});
        return m_edges.size() - 2;
    }
    void run(std::size_t s, std::size_t t) {
        const std::size_t n = m_adj.size();
        constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max() / 4;
        std::vector<std::int64_t> pot(n, 0), dist(n);
        std::vector<std::size_t> prevEdge(n);
        for (;;) {
            std::fill(dist.begin(), dist.end(), kInf);
            dist[s] = 0;
            using Item = std::pair<std::int64_t, std::size_t>;
            std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
            heap.emplace(0, s);
            while (!heap.empty()) {
                const auto [d, v] = heap.top();
                heap.pop();
                if (d > dist[v]) continue;
                for (std::size_t ei : m_adj[v]) {
                    const auto& e = m_edges[ei];
                    if (e.cap <= 0) continue;
                    const std::int64_t nd = d + e.cost + pot[v] - pot[e.to];
                    if (nd < dist[e.to]) {
                        dist[e.to] = nd;
                        prevEdge[e.to] = ei;
                        heap.emplace(nd, e.to);
                    }
                }
            }
            if (dist[t] >= kInf) return;
            for (std::size_t v = 0; v < n; ++v)
                if (dist[v] < kInf) pot[v] += dist[v];
            for (std::size_t v = t; v != s;) {
                const std::size_t ei = prevEdge[v];
                m_edges[ei].cap -= 1;
                m_edges[ei ^ 1].cap += 1;
                v = m_edges[ei ^ 1].to;
            }
        }
    }
    [[nodiscard]] int flow(std::size_t edge) const { return m_edges[edge ^ 1].cap; }

private:
    struct E {
        std::size_t to;
        int cap;
        std::int64_t cost;
    };
    std::vector<std::vector<std::size_t>> m_adj;
    std::vector<E> m_edges;
};

} // namespace

std::vector<std::int32_t> minCostAssignment(std::size_t households, const std::vector<int>& capacity,
                                            const std::vector<std::tuple<std::int32_t, std::int32_t, double>>& pairs) {
    std::vector<std::int32_t> out(households, -1);
    const std::size_t members = capacity.size();
    UnionFind uf(households + members);
    for (const auto& [h, m, c] : pairs)
        if (capacity[static_cast<std::size_t>(m)] > 0)
            uf.unite(static_cast<std::size_t>(h), households + static_cast<std::size_t>(m));
    std::unordered_map<std::size_t, std::vector<std::size_t>> groupPairs;
    for (std::size_t k = 0; k < pairs.size(); ++k) {
        const auto [h, m, c] = pairs[k];
        if (capacity[static_cast<std::size_t>(m)] > 0) groupPairs[uf.find(static_cast<std::size_t>(h))].push_back(k);
    }
    std::vector<std::size_t> roots;
    for (const auto& [root, list] : groupPairs) roots.push_back(root);
    std::sort(roots.begin(), roots.end()); // deterministic order
    for (std::size_t root : roots) {
        const auto& list = groupPairs[root];
        // Local numbering: 0 source, 1 sink, then households, then members.
        std::unordered_map<std::int32_t, std::size_t> hLocal, mLocal;
        std::vector<std::int32_t> hGlobal;
        std::vector<std::int32_t> mGlobal;
        for (std::size_t k : list) {
            const auto [h, m, c] = pairs[k];
            if (hLocal.emplace(h, hGlobal.size()).second) hGlobal.push_back(h);
            if (mLocal.emplace(m, mGlobal.size()).second) mGlobal.push_back(m);
        }
        MinCostFlow f(2 + hGlobal.size() + mGlobal.size());
        for (std::size_t i = 0; i < hGlobal.size(); ++i) f.addEdge(0, 2 + i, 1, 0);
        for (std::size_t j = 0; j < mGlobal.size(); ++j)
            f.addEdge(2 + hGlobal.size() + j, 1, capacity[static_cast<std::size_t>(mGlobal[j])], 0);
        // Successive shortest paths end at the maximum flow (most pairs) with the least cost
        // for that flow: no weighting of "pairs first, then distance" is needed.
        std::vector<std::pair<std::size_t, std::size_t>> pairEdges; // (edge, pair index)
        for (std::size_t k : list) {
            const auto [h, m, c] = pairs[k];
            const auto mm = static_cast<std::int64_t>(std::llround(c * 1000.0));
            pairEdges.emplace_back(f.addEdge(2 + hLocal[h], 2 + hGlobal.size() + mLocal[m], 1, mm), k);
        }
        f.run(0, 1);
        for (const auto& [edge, k] : pairEdges)
            if (f.flow(edge) > 0) out[static_cast<std::size_t>(std::get<0>(pairs[k]))] = std::get<1>(pairs[k]);
    }
    return out;
}

MemberReachResult computeMemberReach(const CoverageData& data, const MemberReachData& reach, const MemberReachOptions& o,
                                     const StreetNetwork* net, Feedback* feedback) {
    if (!(o.radiusM > 0)) throw InputError("the reach radius must be positive");
    if (o.maxLoad < 1) throw InputError("the maximum load must be at least 1");
    MemberReachResult r;
    const auto& hh = data.households;
    for (std::size_t i = 0; i < hh.size(); ++i)
        if (hh.categories[i] & kCoverVulnerableMask) r.vulnerable.push_back(static_cast<std::int32_t>(i));
    // Members and where they live (their household's point / door).
    std::unordered_map<std::int64_t, std::int32_t> memberIndex;
    std::vector<std::int64_t> memberHousehold(reach.members.size(), -1);
    for (std::size_t m = 0; m < reach.members.size(); ++m) {
        memberIndex[reach.members[m].id] = static_cast<std::int32_t>(m);
        memberHousehold[m] = data.householdIndex(reach.members[m].householdId);
    }
    r.loads.assign(reach.members.size(), 0);
    std::vector<std::uint8_t> pairedHousehold(hh.size(), 0);
    for (const auto& [mid, hid] : reach.pairings) {
        auto it = memberIndex.find(mid);
        if (it != memberIndex.end()) ++r.loads[static_cast<std::size_t>(it->second)];
        const auto h = data.householdIndex(hid);
        if (h >= 0) pairedHousehold[static_cast<std::size_t>(h)] = 1;
    }
    for (auto l : r.loads) r.overloadedMembers += l > o.maxLoad;
    r.assigned.resize(r.vulnerable.size());
    for (std::size_t k = 0; k < r.vulnerable.size(); ++k) {
        r.assigned[k] = pairedHousehold[static_cast<std::size_t>(r.vulnerable[k])];
        r.unassigned += r.assigned[k] ? 0 : 1;
    }
    r.membersNearby.assign(r.vulnerable.size(), 0);

    // Candidate members per vulnerable household: (member, distance) within the radius.
    std::vector<std::int32_t> located; // members with a known home
    for (std::size_t m = 0; m < reach.members.size(); ++m)
        if (memberHousehold[m] >= 0) located.push_back(static_cast<std::int32_t>(m));
    auto suggestible = [&](std::int32_t m) {
        return o.includeMobile || reach.members[static_cast<std::size_t>(m)].memberType != "mobile";
    };
    std::vector<std::vector<std::pair<std::int32_t, double>>> near(r.vulnerable.size());
    if (o.mode == DistanceMode::Euclidean) {
        // A grid of member homes with cells of the radius.
        const double cell = o.radiusM;
        model::Rect ext;
        for (auto m : located) ext.expand(hh.points[static_cast<std::size_t>(memberHousehold[static_cast<std::size_t>(m)])]);
        const int nx = ext.isEmpty() ? 1 : static_cast<int>(ext.width() / cell) + 1;
        const int ny = ext.isEmpty() ? 1 : static_cast<int>(ext.height() / cell) + 1;
        std::vector<std::vector<std::int32_t>> cells(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
        auto cx = [&](double x) { return std::clamp(static_cast<int>(std::floor((x - ext.xmin) / cell)), 0, nx - 1); };
        auto cy = [&](double y) { return std::clamp(static_cast<int>(std::floor((y - ext.ymin) / cell)), 0, ny - 1); };
        for (auto m : located) {
            const Vec2 p = hh.points[static_cast<std::size_t>(memberHousehold[static_cast<std::size_t>(m)])];
            cells[static_cast<std::size_t>(cy(p.y)) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(cx(p.x))].push_back(
                m);
        }
        for (std::size_t k = 0; k < r.vulnerable.size(); ++k) {
            if (feedback && (k & 0x3FFF) == 0) feedback->throwIfCancelled();
            if (ext.isEmpty()) break;
            const Vec2 p = hh.points[static_cast<std::size_t>(r.vulnerable[k])];
            for (int y = cy(p.y - cell); y <= cy(p.y + cell); ++y)
                for (int x = cx(p.x - cell); x <= cx(p.x + cell); ++x)
                    for (auto m :
                         cells[static_cast<std::size_t>(y) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(x)]) {
                        const Vec2 q = hh.points[static_cast<std::size_t>(memberHousehold[static_cast<std::size_t>(m)])];
                        const double d = std::hypot(p.x - q.x, p.y - q.y);
                        if (d <= o.radiusM) near[k].emplace_back(m, d);
                    }
        }
    } else {
        std::optional<StreetNetwork> own;
        if (!net) {
            own = StreetNetwork::fromStreets(data.streets);
            net = &*own;
        }
        std::vector<Vec2> points;
        for (auto v : r.vulnerable) points.push_back(data.doorOf(static_cast<std::size_t>(v)));
        for (auto m : located)
            points.push_back(data.doorOf(static_cast<std::size_t>(memberHousehold[static_cast<std::size_t>(m)])));
        std::vector<NetworkAccess> access;
        const StreetNetwork g = net->withAccessPoints(points, o.maxSnapM, access);
        std::vector<std::vector<std::pair<std::int32_t, double>>> membersAt(g.nodeCount()); // node -> (member, leg)
        for (std::size_t j = 0; j < located.size(); ++j) {
            const auto& a = access[r.vulnerable.size() + j];
            if (a.isConnected()) membersAt[static_cast<std::size_t>(a.node)].emplace_back(located[j], a.leg);
        }
        StreetNetwork::LocalSearch search(g);
        for (std::size_t k = 0; k < r.vulnerable.size(); ++k) {
            if (feedback && (k & 0xFFF) == 0) feedback->throwIfCancelled();
            const auto& a = access[k];
            if (!a.isConnected()) continue;
            for (const auto& [node, d] : search.run({{static_cast<std::uint32_t>(a.node), a.leg, 0}}, o.radiusM))
                for (const auto& [m, leg] : membersAt[node])
                    if (d + leg <= o.radiusM) near[k].emplace_back(m, d + leg);
        }
    }
    std::vector<std::tuple<std::int32_t, std::int32_t, double>> pairs;
    for (std::size_t k = 0; k < near.size(); ++k) {
        auto& list = near[k];
        // The member living in the household itself does not count as reaching it.
        list.erase(std::remove_if(
                       list.begin(), list.end(),
                       [&](const auto& md) { return memberHousehold[static_cast<std::size_t>(md.first)] == r.vulnerable[k]; }),
                   list.end());
        r.membersNearby[k] = static_cast<std::int32_t>(list.size());
        if (r.assigned[k]) continue;
        std::vector<std::pair<std::int32_t, double>> cand;
        for (const auto& md : list)
            if (suggestible(md.first)) cand.push_back(md);
        std::sort(cand.begin(), cand.end(),
                  [](const auto& a, const auto& b) { return a.second != b.second ? a.second < b.second : a.first < b.first; });
        if (cand.size() > static_cast<std::size_t>(o.candidatesPerHousehold))
            cand.resize(static_cast<std::size_t>(o.candidatesPerHousehold));
        for (const auto& [m, d] : cand) pairs.emplace_back(static_cast<std::int32_t>(k), m, d);
    }
    std::vector<int> capacity(reach.members.size());
    for (std::size_t m = 0; m < capacity.size(); ++m) capacity[m] = std::max(0, o.maxLoad - r.loads[m]);
    if (feedback) feedback->setProgress(60, "pairing households with members");
    const auto chosen = minCostAssignment(r.vulnerable.size(), capacity, pairs);
    for (std::size_t k = 0; k < chosen.size(); ++k) {
        if (r.assigned[k]) continue;
        if (chosen[k] < 0) {
            ++r.unmatched;
            continue;
        }
        double d = 0;
        for (const auto& [m, dist] : near[k])
            if (m == chosen[k]) d = dist;
        r.suggestions.push_back({r.vulnerable[k], chosen[k], d});
        r.totalDistanceM += d;
    }
    if (feedback) feedback->setProgress(100, "member reach done");
    return r;
}

} // namespace gridatlas::storage
