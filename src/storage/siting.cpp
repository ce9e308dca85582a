#include "storage/siting.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <thread>
#include <unordered_map>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/street_network.h"

namespace gridatlas::storage {

using model::Vec2;

double SitingResult::gapPercent() const {
    if (!exactRan) return 0;
    if (options.model == SitingModel::Lscp)
        return greedyObjective > 0 ? 100.0 * (greedyObjective - exactObjective) / greedyObjective : 0.0;
    return exactObjective > 0 ? 100.0 * (exactObjective - greedyObjective) / exactObjective : 0.0;
}

// ---- set-cover building blocks ----

ExactCover greedyMaxCover(const std::vector<std::vector<std::int32_t>>& sets, const std::vector<double>& weights, int k) {
    ExactCover out;
    std::vector<std::uint8_t> covered(weights.size(), 0);
    auto gainOf = [&](std::size_t s) {
        double g = 0;
        for (auto e : sets[s])
            if (!covered[static_cast<std::size_t>(e)]) g += weights[static_cast<std::size_t>(e)];
        return g;
    };
    // (gain, -index, round): the highest gain first, the lowest index on ties.
    using Item = std::tuple<double, std::int64_t, int>;
    std::priority_queue<Item> heap;
    for (std::size_t s = 0; s < sets.size(); ++s) heap.emplace(gainOf(s), -static_cast<std::int64_t>(s), 0);
    for (int step = 0; step < k && !heap.empty(); ++step) {
        for (;;) {
            auto [g, negIndex, round] = heap.top();
            heap.pop();
            const auto s = static_cast<std::size_t>(-negIndex);
            if (round == step) {
                if (g <= 0) return out; // nothing left to gain
                out.chosen.push_back(static_cast<std::int32_t>(s));
                out.weight += g;
                for (auto e : sets[s]) covered[static_cast<std::size_t>(e)] = 1;
                break;
            }
            // Gains only shrink as sets are chosen (submodular): a stale gain is an upper bound,
            // so a refreshed one that still tops the heap is the true best.
            heap.emplace(gainOf(s), negIndex, step);
        }
    }
    return out;
}

ExactCover exactMaxCover(const std::vector<std::vector<std::int32_t>>& sets, const std::vector<double>& weights, int k,
                         std::int64_t nodeLimit) {
    ExactCover best = greedyMaxCover(sets, weights, k);
    const std::size_t n = sets.size();
    // Branch on sets in order of their initial gain.
    std::vector<std::int32_t> order(n);
    for (std::size_t s = 0; s < n; ++s) order[s] = static_cast<std::int32_t>(s);
    std::vector<double> initial(n, 0);
    for (std::size_t s = 0; s < n; ++s)
        for (auto e : sets[s]) initial[s] += weights[static_cast<std::size_t>(e)];
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return initial[static_cast<std::size_t>(a)] > initial[static_cast<std::size_t>(b)]; });
    std::vector<int> count(weights.size(), 0);
    std::vector<std::int32_t> chosen;
    std::int64_t nodes = 0;
    std::vector<double> gains;
    std::function<void(std::size_t, double)> dfs = [&](std::size_t pos, double value) {
        if (++nodes > nodeLimit) {
            best.proven = false;
            return;
        }
        if (value > best.weight + 1e-9) {
            best.weight = value;
            best.chosen = chosen;
        }
        const int left = k - static_cast<int>(chosen.size());
        if (left == 0 || pos == n) return;
        // Bound: the current value plus the `left` largest marginal gains of the sets still open
        // (marginal gains never grow, so no choice of `left` sets can add more).
        gains.clear();
        for (std::size_t q = pos; q < n; ++q) {
            double g = 0;
            for (auto e : sets[static_cast<std::size_t>(order[q])])
                if (count[static_cast<std::size_t>(e)] == 0) g += weights[static_cast<std::size_t>(e)];
            gains.push_back(g);
        }
        const std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(left), gains.size());
        std::partial_sort(gains.begin(), gains.begin() + static_cast<std::ptrdiff_t>(take), gains.end(), std::greater<>());
        double bound = value;
        for (std::size_t i = 0; i < take; ++i) bound += gains[i];
        if (bound <= best.weight + 1e-9) return;
        const auto s = static_cast<std::size_t>(order[pos]);
        double add = 0;
        for (auto e : sets[s])
            if (count[static_cast<std::size_t>(e)]++ == 0) add += weights[static_cast<std::size_t>(e)];
        chosen.push_back(static_cast<std::int32_t>(s));
        dfs(pos + 1, value + add);
        chosen.pop_back();
        for (auto e : sets[s]) --count[static_cast<std::size_t>(e)];
        dfs(pos + 1, value);
    };
    dfs(0, 0);
    std::sort(best.chosen.begin(), best.chosen.end());
    return best;
}

ExactCover exactSetCover(const std::vector<std::vector<std::int32_t>>& sets, std::size_t elements, std::int64_t nodeLimit) {
    std::vector<std::vector<std::int32_t>> coveredBy(elements);
    for (std::size_t s = 0; s < sets.size(); ++s)
        for (auto e : sets[s]) coveredBy[static_cast<std::size_t>(e)].push_back(static_cast<std::int32_t>(s));
    std::vector<int> count(elements, 0);
    std::size_t uncovered = 0;
    for (std::size_t e = 0; e < elements; ++e) uncovered += coveredBy[e].empty() ? 0 : 1;
    std::size_t maxSet = 1;
    for (const auto& s : sets) maxSet = std::max(maxSet, s.size());
    // Start from the greedy cover.
    ExactCover best;
    {
        std::vector<double> w(elements, 1.0);
        for (std::size_t e = 0; e < elements; ++e)
            if (coveredBy[e].empty()) w[e] = 0;
        best = greedyMaxCover(sets, w, static_cast<int>(sets.size()));
        best.weight = static_cast<double>(best.chosen.size());
    }
    std::vector<std::int32_t> chosen;
    std::int64_t nodes = 0;
    std::function<void(std::size_t)> dfs = [&](std::size_t open) {
        if (++nodes > nodeLimit) {
            best.proven = false;
            return;
        }
        if (open == 0) {
            if (chosen.size() < best.chosen.size()) {
                best.chosen = chosen;
                best.weight = static_cast<double>(chosen.size());
            }
            return;
        }
        // Lower bound: even the largest set covers at most maxSet of the open elements.
        if (chosen.size() + (open + maxSet - 1) / maxSet >= best.chosen.size()) return;
        // Branch on the open element with the fewest sets: one of them must be chosen.
        std::size_t pick = elements;
        for (std::size_t e = 0; e < elements; ++e)
            if (!coveredBy[e].empty() && count[e] == 0 && (pick == elements || coveredBy[e].size() < coveredBy[pick].size()))
                pick = e;
        for (auto s : coveredBy[pick]) {
            std::size_t newly = 0;
            for (auto e : sets[static_cast<std::size_t>(s)])
                if (count[static_cast<std::size_t>(e)]++ == 0) ++newly;
            chosen.push_back(s);
            dfs(open - newly);
            chosen.pop_back();
            for (auto e : sets[static_cast<std::size_t>(s)]) --count[static_cast<std::size_t>(e)];
        }
    };
    dfs(uncovered);
    std::sort(best.chosen.begin(), best.chosen.end());
    return best;
}

namespace {

/// Households grouped where their walk starts.
struct Demand {
    std::vector<Vec2> points;
    std::vector<std::int64_t> households; ///< count per demand point
    std::vector<double> weight;
};

Demand buildDemand(const CoverageData& data, double vulnerableWeight) {
    Demand d;
    std::unordered_map<std::int64_t, std::int32_t> byKey;
    const auto& hh = data.households;
    for (std::size_t i = 0; i < hh.size(); ++i) {
        const auto u = hh.unit[i];
        const bool door = u >= 0 && data.units[static_cast<std::size_t>(u)].entrance.has_value();
        const std::int64_t key = door ? u : -static_cast<std::int64_t>(i) - 1;
        auto [it, fresh] = byKey.emplace(key, static_cast<std::int32_t>(d.points.size()));
        if (fresh) {
            d.points.push_back(door ? *data.units[static_cast<std::size_t>(u)].entrance : hh.points[i]);
            d.households.push_back(0);
            d.weight.push_back(0);
        }
        const auto k = static_cast<std::size_t>(it->second);
        ++d.households[k];
        d.weight[k] += 1.0 + ((hh.categories[i] & kCoverVulnerableMask) ? vulnerableWeight : 0.0);
    }
    return d;
}

/// For each source point with a cutoff: the demand points within it and their distances.
class Reach {
public:
    Reach(const Demand& demand, DistanceMode mode, const StreetNetwork* net, double maxSnap, int threads)
        : m_demand(demand), m_mode(mode), m_net(net), m_maxSnap(maxSnap), m_threads(std::max(1, threads)) {}

    using List = std::vector<std::pair<std::int32_t, double>>;

    std::vector<List> compute(const std::vector<Vec2>& sources, const std::vector<double>& cutoffs, Feedback* feedback) {
        std::vector<List> out(sources.size());
        if (m_mode == DistanceMode::Euclidean) {
            double maxCut = 1;
            for (double c : cutoffs) maxCut = std::max(maxCut, c);
            model::Rect ext;
            for (const auto& p : m_demand.points) ext.expand(p);
            if (ext.isEmpty()) return out;
            const double cell = maxCut;
            const int nx = static_cast<int>(ext.width() / cell) + 1, ny = static_cast<int>(ext.height() / cell) + 1;
            std::vector<std::vector<std::int32_t>> cells(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
            auto cx = [&](double x) { return std::clamp(static_cast<int>(std::floor((x - ext.xmin) / cell)), 0, nx - 1); };
            auto cy = [&](double y) { return std::clamp(static_cast<int>(std::floor((y - ext.ymin) / cell)), 0, ny - 1); };
            for (std::size_t d = 0; d < m_demand.points.size(); ++d)
                cells[static_cast<std::size_t>(cy(m_demand.points[d].y)) * static_cast<std::size_t>(nx) +
                      static_cast<std::size_t>(cx(m_demand.points[d].x))]
                    .push_back(static_cast<std::int32_t>(d));
            parallel(
                sources.size(),
                [&](std::size_t s, StreetNetwork::LocalSearch*) {
                    const Vec2 p = sources[s];
                    const double c = cutoffs[s];
                    for (int y = cy(p.y - c); y <= cy(p.y + c); ++y)
                        for (int x = cx(p.x - c); x <= cx(p.x + c); ++x)
                            for (auto d : cells[static_cast<std::size_t>(y) * static_cast<std::size_t>(nx) +
                                                static_cast<std::size_t>(x)]) {
                                const Vec2 q = m_demand.points[static_cast<std::size_t>(d)];
                                const double dx = p.x - q.x, dy = p.y - q.y;
                                const double dist = std::sqrt(dx * dx + dy * dy);
                                if (dist <= c) out[s].emplace_back(d, dist);
                            }
                },
                feedback);
            return out;
        }
        prepareNetwork(sources);
        parallel(
            sources.size(),
            [&](std::size_t s, StreetNetwork::LocalSearch* search) {
                const auto& a = m_access[m_demand.points.size() + s];
                if (!a.isConnected() || a.leg > cutoffs[s]) return;
                for (const auto& [node, d] : search->run({{static_cast<std::uint32_t>(a.node), a.leg, 0}}, cutoffs[s]))
                    for (std::uint32_t k = m_atStart[node]; k < m_atStart[node + 1]; ++k) {
                        const auto dem = m_at[k];
                        const double total = d + m_access[static_cast<std::size_t>(dem)].leg;
                        if (total <= cutoffs[s]) out[s].emplace_back(dem, total);
                    }
            },
            feedback);
        return out;
    }

    /// Unbounded nearest distance from any of `sources` to every demand point (p-median's start).
    std::vector<double> nearest(const std::vector<Vec2>& sources) {
        std::vector<double> out(m_demand.points.size(), StreetNetwork::kInfinity);
        if (sources.empty()) return out;
        if (m_mode == DistanceMode::Euclidean) {
            for (std::size_t d = 0; d < out.size(); ++d)
                for (const auto& s : sources) {
                    const double dx = s.x - m_demand.points[d].x, dy = s.y - m_demand.points[d].y;
                    out[d] = std::min(out[d], std::sqrt(dx * dx + dy * dy));
                }
            return out;
        }
        prepareNetwork(sources);
        std::vector<StreetNetwork::Source> src;
        for (std::size_t s = 0; s < sources.size(); ++s) {
            const auto& a = m_access[m_demand.points.size() + s];
            if (a.isConnected()) src.push_back({static_cast<std::uint32_t>(a.node), a.leg, static_cast<std::int32_t>(s)});
        }
        std::vector<double> dist;
        std::vector<std::int32_t> label;
        m_graph.shortestPaths(src, StreetNetwork::kInfinity, dist, label);
        for (std::size_t d = 0; d < out.size(); ++d) {
            const auto& a = m_access[d];
            if (a.isConnected()) out[d] = a.leg + dist[static_cast<std::size_t>(a.node)];
        }
        return out;
    }

private:
    void prepareNetwork(const std::vector<Vec2>& sources) {
        std::vector<Vec2> pts = m_demand.points;
        pts.insert(pts.end(), sources.begin(), sources.end());
        m_graph = m_net->withAccessPoints(pts, m_maxSnap, m_access);
        // Demand points per node (CSR).
        m_atStart.assign(m_graph.nodeCount() + 1, 0);
        for (std::size_t d = 0; d < m_demand.points.size(); ++d)
            if (m_access[d].isConnected()) ++m_atStart[static_cast<std::size_t>(m_access[d].node) + 1];
        for (std::size_t n = 0; n < m_graph.nodeCount(); ++n) m_atStart[n + 1] += m_atStart[n];
        m_at.resize(m_atStart.back());
        std::vector<std::uint32_t> fill(m_atStart.begin(), m_atStart.end() - 1);
        for (std::size_t d = 0; d < m_demand.points.size(); ++d)
            if (m_access[d].isConnected())
                m_at[fill[static_cast<std::size_t>(m_access[d].node)]++] = static_cast<std::int32_t>(d);
    }

    template <class F> void parallel(std::size_t n, F&& f, Feedback* feedback) {
        const int t =
            static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(m_threads), std::max<std::size_t>(1, n / 64)));
        std::vector<std::thread> pool;
        std::vector<std::exception_ptr> errors(static_cast<std::size_t>(t));
        for (int k = 0; k < t; ++k)
            pool.emplace_back([&, k] {
                try {
                    std::optional<StreetNetwork::LocalSearch> search;
                    if (m_mode == DistanceMode::Network) search.emplace(m_graph);
                    for (std::size_t s = static_cast<std::size_t>(k); s < n; s += static_cast<std::size_t>(t)) {
                        if (feedback && (s & 0xFF) == 0) feedback->throwIfCancelled();
                        f(s, search ? &*search : nullptr);
                    }
                } catch (...) {
                    errors[static_cast<std::size_t>(k)] = std::current_exception();
                }
            });
        for (auto& th : pool) th.join();
        for (auto& e : errors)
            if (e) std::rethrow_exception(e);
    }

    const Demand& m_demand;
    DistanceMode m_mode;
    const StreetNetwork* m_net;
    double m_maxSnap;
    int m_threads;
    StreetNetwork m_graph;
    std::vector<NetworkAccess> m_access;
    std::vector<std::uint32_t> m_atStart;
    std::vector<std::int32_t> m_at;
};

std::vector<SiteCandidate> buildCandidates(const CoverageData& data, const SitingOptions& o) {
    std::vector<SiteCandidate> c;
    char buf[96];
    switch (o.candidates) {
    case CandidateSource::Points:
        for (const auto& p : o.candidatePoints) {
            std::snprintf(buf, sizeof buf, "(%.1f, %.1f)", p.x, p.y);
            c.push_back({p, buf});
        }
        break;
    case CandidateSource::Buildings:
        for (const auto& b : data.buildings) c.push_back({b.centroid, (b.compound.empty() ? "" : b.compound) + b.number});
        break;
    case CandidateSource::Entrances: {
        for (const auto& u : data.units) {
            if (!u.entrance) continue;
            std::string label = "unit " + std::to_string(u.id);
            if (u.building >= 0) {
                const auto& b = data.buildings[static_cast<std::size_t>(u.building)];
                label = (b.compound.empty() ? "" : b.compound) + b.number + " 单元门 #" + std::to_string(u.id);
            }
            c.push_back({*u.entrance, label});
        }
        // Compound gates: both ends of every gate segment (the street side and the compound side).
        for (const auto& s : data.streets)
            if (s.streetClass == "gate")
                for (const Vec2& p : {s.line.front(), s.line.back()}) c.push_back({p, "gate #" + std::to_string(s.id)});
        break;
    }
    }
    // Not where a post of the type already stands, and no duplicates.
    std::vector<Vec2> existing;
    for (const auto& p : data.posts)
        if (p.type == o.postType) existing.push_back(p.point);
    std::vector<SiteCandidate> out;
    std::map<std::pair<std::int64_t, std::int64_t>, bool> seen;
    for (auto& cand : c) {
        bool taken = false;
        for (const auto& e : existing)
            if (std::hypot(e.x - cand.point.x, e.y - cand.point.y) < 1.0) taken = true;
        const auto key = std::make_pair(std::llround(cand.point.x * 100), std::llround(cand.point.y * 100));
        if (taken || !seen.emplace(key, true).second) continue;
        out.push_back(std::move(cand));
    }
    return out;
}

} // namespace

SitingResult proposeSites(const CoverageData& data, const SitingOptions& o, const StreetNetwork* net, Feedback* feedback) {
    const auto start = std::chrono::steady_clock::now();
    const CoveragePostType* type = data.postType(o.postType);
    if (!type) throw InputError("unknown post type '" + o.postType + "'");
    if (o.model != SitingModel::Lscp && o.k < 1) throw InputError("k must be at least 1 (got " + std::to_string(o.k) + ")");
    if (o.capacity && *o.capacity < 1) throw InputError("the capacity must be at least 1 household");
    SitingResult r;
    r.options = o;
    r.candidates = buildCandidates(data, o);
    if (r.candidates.empty()) throw InputError("no candidate sites (every candidate already holds a " + o.postType + ")");
    std::optional<StreetNetwork> own;
    if (o.mode == DistanceMode::Network && !net) {
        if (data.streets.empty()) throw InputError("walking distances need streets, and the atlas has none");
        own = StreetNetwork::fromStreets(data.streets);
        net = &*own;
    }
    CoverageOptions standard;
    standard.postType = o.postType;
    standard.mode = o.mode;
    standard.meters = o.meters;
    standard.minutes = o.minutes;
    standard.walkSpeedKmh = o.walkSpeedKmh;
    const double newStandard =
        o.meters    ? *o.meters
        : o.minutes ? *o.minutes * standard.metersPerMinute()
                    : (o.mode == DistanceMode::Euclidean ? type->radiusM : type->walkMinutes * standard.metersPerMinute());

    const Demand demand = buildDemand(data, o.vulnerableWeight);
    const std::size_t nd = demand.points.size();
    r.households = static_cast<std::int64_t>(data.households.size());
    Reach reach(demand, o.mode, net, o.maxSnapM, o.threads);

    // Existing posts: what they cover now.
    std::vector<Vec2> existing;
    std::vector<double> existingStd;
    for (const auto& p : data.posts)
        if (p.type == o.postType) {
            existing.push_back(p.point);
            existingStd.push_back(postStandardM(data, p, standard));
        }
    if (feedback) feedback->setProgress(12, "coverage of the existing posts");
    std::vector<std::uint8_t> coveredBefore(nd, 0);
    for (const auto& list : reach.compute(existing, existingStd, feedback))
        for (const auto& [d, dist] : list) coveredBefore[static_cast<std::size_t>(d)] = 1;
    for (std::size_t d = 0; d < nd; ++d) r.coveredBefore += coveredBefore[d] ? demand.households[d] : 0;
    r.coveragePctBefore = r.households ? 100.0 * static_cast<double>(r.coveredBefore) / static_cast<double>(r.households) : 0;

    std::vector<Vec2> candPts;
    for (const auto& c : r.candidates) candPts.push_back(c.point);
    if (feedback) feedback->setProgress(15, "what each candidate reaches");

    if (o.model == SitingModel::PMedian) {
        std::vector<double> current = reach.nearest(existing);
        auto average = [&](const std::vector<double>& dist) {
            double sum = 0;
            std::int64_t n = 0;
            for (std::size_t d = 0; d < nd; ++d)
                if (std::isfinite(dist[d])) {
                    sum += dist[d] * static_cast<double>(demand.households[d]);
                    n += demand.households[d];
                }
            return n ? sum / static_cast<double>(n) : 0.0;
        };
        r.averageDistanceBefore = average(current);
        const std::vector<double> cut(candPts.size(), o.pmedianCutoffM);
        const auto lists = reach.compute(candPts, cut, feedback);
        if (feedback) feedback->setProgress(60, "choosing sites (p-median)");
        // Lazy greedy on the reduction of the weighted distance (an unreached household counts
        // as being at the cutoff, so reaching it is worth the difference).
        auto gainOf = [&](std::size_t c) {
            double g = 0;
            for (const auto& [d, dist] : lists[c]) {
                const double cur = std::min(current[static_cast<std::size_t>(d)], o.pmedianCutoffM);
                if (dist < cur) g += (cur - dist) * demand.weight[static_cast<std::size_t>(d)];
            }
            return g;
        };
        using Item = std::tuple<double, std::int64_t, int>;
        std::priority_queue<Item> heap;
        for (std::size_t c = 0; c < lists.size(); ++c) heap.emplace(gainOf(c), -static_cast<std::int64_t>(c), 0);
        std::vector<std::int32_t> chosen;
        for (int step = 0; step < o.k && !heap.empty(); ++step) {
            bool picked = false;
            while (!heap.empty()) {
                auto [g, neg, round] = heap.top();
                heap.pop();
                const auto c = static_cast<std::size_t>(-neg);
                if (round != step) {
                    heap.emplace(gainOf(c), neg, step);
                    continue;
                }
                if (g <= 0) break;
                for (const auto& [d, dist] : lists[c])
                    current[static_cast<std::size_t>(d)] = std::min(current[static_cast<std::size_t>(d)], dist);
                SiteProposal p;
                p.candidate = static_cast<std::int32_t>(c);
                p.averageDistanceAfter = average(current);
                r.proposals.push_back(p);
                chosen.push_back(static_cast<std::int32_t>(c));
                picked = true;
                break;
            }
            if (!picked) break;
        }
        if (o.capacity) {
            // Nearest-first assignment under capacity over existing and chosen posts.
            std::vector<Vec2> facilities = existing;
            for (auto c : chosen) facilities.push_back(candPts[static_cast<std::size_t>(c)]);
            const std::vector<double> fcut(facilities.size(), o.pmedianCutoffM);
            const auto flists = reach.compute(facilities, fcut, feedback);
            std::vector<std::tuple<double, std::int32_t, std::int32_t>> pairs;
            for (std::size_t f = 0; f < flists.size(); ++f)
                for (const auto& [d, dist] : flists[f]) pairs.emplace_back(dist, d, static_cast<std::int32_t>(f));
            std::sort(pairs.begin(), pairs.end());
            std::vector<std::int64_t> left(facilities.size(), *o.capacity);
            std::vector<std::int64_t> waiting(demand.households);
            double sum = 0;
            std::int64_t served = 0;
            for (const auto& [dist, d, f] : pairs) {
                auto& w = waiting[static_cast<std::size_t>(d)];
                auto& cap = left[static_cast<std::size_t>(f)];
                const std::int64_t take = std::min(w, cap);
                if (take <= 0) continue;
                w -= take;
                cap -= take;
                sum += dist * static_cast<double>(take);
                served += take;
            }
            r.unserved = r.households - served;
            if (!r.proposals.empty()) r.proposals.back().averageDistanceAfter = served ? sum / static_cast<double>(served) : 0;
        }
        r.greedyObjective = r.proposals.empty() ? r.averageDistanceBefore : r.proposals.back().averageDistanceAfter;
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    }

    const std::vector<double> cut(candPts.size(), newStandard);
    const auto lists = reach.compute(candPts, cut, feedback);
    if (feedback) feedback->setProgress(70, o.model == SitingModel::Mclp ? "choosing sites (MCLP)" : "choosing sites (LSCP)");
    // Elements: demand points not yet covered; sets: what each candidate adds.
    std::vector<std::int32_t> element(nd, -1);
    std::vector<double> weights;
    std::vector<std::int64_t> elementHouseholds;
    for (std::size_t d = 0; d < nd; ++d)
        if (!coveredBefore[d]) {
            element[d] = static_cast<std::int32_t>(weights.size());
            weights.push_back(demand.weight[d]);
            elementHouseholds.push_back(demand.households[d]);
        }
    std::vector<std::vector<std::int32_t>> sets(candPts.size());
    std::vector<std::uint8_t> coverable(weights.size(), 0);
    std::size_t useful = 0;
    for (std::size_t c = 0; c < lists.size(); ++c) {
        for (const auto& [d, dist] : lists[c])
            if (element[static_cast<std::size_t>(d)] >= 0) sets[c].push_back(element[static_cast<std::size_t>(d)]);
        std::sort(sets[c].begin(), sets[c].end());
        for (auto e : sets[c]) coverable[static_cast<std::size_t>(e)] = 1;
        useful += sets[c].empty() ? 0 : 1;
    }
    for (std::size_t e = 0; e < weights.size(); ++e) r.uncoverable += coverable[e] ? 0 : elementHouseholds[e];

    const int k = o.model == SitingModel::Mclp ? o.k : static_cast<int>(candPts.size());
    const ExactCover greedy = greedyMaxCover(sets, weights, k);
    // Proposals in the order chosen, with households added and the coverage after each.
    std::vector<std::uint8_t> done(weights.size(), 0);
    std::int64_t covered = r.coveredBefore;
    for (auto c : greedy.chosen) {
        SiteProposal p;
        p.candidate = c;
        for (auto e : sets[static_cast<std::size_t>(c)])
            if (!done[static_cast<std::size_t>(e)]) {
                done[static_cast<std::size_t>(e)] = 1;
                p.newlyCovered += elementHouseholds[static_cast<std::size_t>(e)];
                p.newlyCoveredWeight += weights[static_cast<std::size_t>(e)];
            }
        covered += p.newlyCovered;
        p.coveragePctAfter = r.households ? 100.0 * static_cast<double>(covered) / static_cast<double>(r.households) : 0;
        r.proposals.push_back(p);
    }
    if (o.model == SitingModel::Mclp) {
        r.greedyObjective = greedy.weight;
        if (useful <= static_cast<std::size_t>(o.exactLimit)) {
            if (feedback) feedback->setProgress(85, "exact optimum (branch and bound)");
            const auto exact = exactMaxCover(sets, weights, o.k, o.exactNodeLimit);
            r.exactRan = true;
            r.exactProven = exact.proven;
            r.exactObjective = exact.weight;
            r.exactChoice = exact.chosen;
        }
    } else {
        r.greedyObjective = static_cast<double>(greedy.chosen.size());
        if (useful <= static_cast<std::size_t>(o.exactLimit)) {
            if (feedback) feedback->setProgress(85, "exact optimum (branch and bound)");
            const auto exact = exactSetCover(sets, weights.size(), o.exactNodeLimit);
            r.exactRan = true;
            r.exactProven = exact.proven;
            r.exactObjective = static_cast<double>(exact.chosen.size());
            r.exactChoice = exact.chosen;
        }
    }
    if (feedback) feedback->setProgress(100, "siting done");
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

} // namespace gridatlas::storage
