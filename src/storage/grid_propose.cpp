#include "storage/grid_propose.h"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <queue>
#include <unordered_map>
#include <set>
#include <tuple>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/grid_geos.h"
#include "storage/grid_plans.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

namespace {

using model::Geometry;
using model::Vec2;

/// An indivisible piece: a compound, or a building of a compound too large for one grid.
struct Piece {
    std::vector<std::size_t> buildings; ///< indices into input.buildings
    int households = 0;
    Vec2 centre;
    int id = -1; ///< index into the adjacency lists
};

// Metres between the footprint samples of the tessellation (and of the neighbour graph, so that
// neighbours there are neighbours on the map): boundaries follow the buildings closely enough,
// and footprints are forced whole into their grid anyway.
constexpr double kSampleSpacing = 15.0;

/// A footprint's exterior ring densified to `spacing`, plus its centroid (as geos::tessellate).
std::vector<Vec2> samplePoints(const Geometry& fp, double spacing) {
    std::vector<Vec2> out;
    if (fp.ringEnds.empty()) return out;
    for (std::size_t i = 0; i + 1 < fp.ringEnds[0]; ++i) {
        const Vec2 a = fp.coords[i], b = fp.coords[i + 1];
        const int steps = std::max(1, static_cast<int>(std::ceil(std::hypot(b.x - a.x, b.y - a.y) / spacing)));
        for (int k = 0; k < steps; ++k) {
            const double t = static_cast<double>(k) / steps;
            out.push_back({a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t});
        }
    }
    out.push_back(model::centroid(fp));
    return out;
}

// Proposals for more grids than this (several communities at once) try only the grid count
// nearest the target.
constexpr int kLookAheadMaxGridCount = 16;

// Delaunay edges longer than this many times the median (and kNeighbourMinLength metres) do not
// make two buildings neighbours.
constexpr double kNeighbourMedianFactor = 4.0;
constexpr double kNeighbourMinLength = 120.0;

bool segmentsCross(Vec2 a, Vec2 b, Vec2 c, Vec2 d) {
    auto orient = [](Vec2 p, Vec2 q, Vec2 r) { return (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x); };
    const double d1 = orient(c, d, a), d2 = orient(c, d, b), d3 = orient(a, b, c), d4 = orient(a, b, d);
    return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0));
}

class Partitioner {
public:
    Partitioner(const ProposalInput& in, const ProposalOptions& opt, const std::vector<std::vector<int>>& adjacency)
        : m_opt(opt), m_adj(adjacency) {
        // Street segments in buckets of kStreetCell metres: a cut asks about a short segment.
        for (const auto& line : in.streets)
            for (std::size_t i = 0; i + 1 < line.coords.size(); ++i) {
                m_segments.push_back({line.coords[i], line.coords[i + 1]});
                m_streetExtent.expand(line.coords[i]);
                m_streetExtent.expand(line.coords[i + 1]);
            }
        if (m_segments.empty()) return;
        m_nx = static_cast<int>(m_streetExtent.width() / kStreetCell) + 1;
        m_ny = static_cast<int>(m_streetExtent.height() / kStreetCell) + 1;
        m_buckets.assign(static_cast<std::size_t>(m_nx) * static_cast<std::size_t>(m_ny), {});
        for (std::uint32_t s = 0; s < m_segments.size(); ++s) {
            const auto r =
                model::Rect::of(m_segments[s].first.x, m_segments[s].first.y, m_segments[s].second.x, m_segments[s].second.y);
            for (int y = cellY(r.ymin); y <= cellY(r.ymax); ++y)
                for (int x = cellX(r.xmin); x <= cellX(r.xmax); ++x)
                    m_buckets[static_cast<std::size_t>(y) * m_nx + x].push_back(s);
        }
    }

    /// Pieces in the order a region grows from the lowest one along `dir`: always the lowest
    /// piece adjacent to what has grown, so every prefix is connected (where the set is).
    std::vector<std::size_t> growOrder(const std::vector<Piece>& pieces, const double dir[2]) const {
        const std::size_t n = pieces.size();
        std::vector<double> proj(n);
        std::unordered_map<int, std::size_t> local;
        for (std::size_t i = 0; i < n; ++i) {
            proj[i] = pieces[i].centre.x * dir[0] + pieces[i].centre.y * dir[1];
            local[pieces[i].id] = i;
        }
        std::vector<std::size_t> sorted(n);
        std::iota(sorted.begin(), sorted.end(), 0);
        std::sort(sorted.begin(), sorted.end(),
                  [&](std::size_t i, std::size_t j) { return proj[i] != proj[j] ? proj[i] < proj[j] : i < j; });
        std::vector<char> seen(n, 0);
        std::vector<std::size_t> order;
        using Entry = std::pair<double, std::size_t>;
        std::priority_queue<Entry, std::vector<Entry>, std::greater<>> frontier;
        for (std::size_t s : sorted) {
            if (seen[s]) continue;
            frontier.push({proj[s], s});
            while (!frontier.empty()) {
                const auto [v, i] = frontier.top();
                frontier.pop();
                if (seen[i]) continue;
                seen[i] = 1;
                order.push_back(i);
                for (int nb : m_adj[static_cast<std::size_t>(pieces[i].id)]) {
                    auto it = local.find(nb);
                    if (it != local.end() && !seen[it->second]) frontier.push({proj[it->second], it->second});
                }
            }
        }
        return order;
    }

    /// Connected components of `pieces` (by adjacency), as index lists.
    std::vector<std::vector<std::size_t>> components(const std::vector<Piece>& pieces) const {
        std::unordered_map<int, std::size_t> local;
        for (std::size_t i = 0; i < pieces.size(); ++i) local[pieces[i].id] = i;
        std::vector<char> seen(pieces.size(), 0);
        std::vector<std::vector<std::size_t>> out;
        for (std::size_t s = 0; s < pieces.size(); ++s) {
            if (seen[s]) continue;
            out.emplace_back();
            std::vector<std::size_t> stack{s};
            seen[s] = 1;
            while (!stack.empty()) {
                const std::size_t i = stack.back();
                stack.pop_back();
                out.back().push_back(i);
                for (int nb : m_adj[static_cast<std::size_t>(pieces[i].id)]) {
                    auto it = local.find(nb);
                    if (it != local.end() && !seen[it->second]) {
                        seen[it->second] = 1;
                        stack.push_back(it->second);
                    }
                }
            }
        }
        return out;
    }

    /// Splits `pieces` into `k` groups, appended to `out`. With look-ahead, the best few cuts are
    /// each finished greedily and the one whose grids meet the tolerance best is taken.
    void split(std::vector<Piece> pieces, int k, std::vector<std::vector<Piece>>& out, bool lookAhead = true) {
        if (k <= 1 || pieces.size() <= 1) {
            out.push_back(std::move(pieces));
            return;
        }
        const int total =
            std::accumulate(pieces.begin(), pieces.end(), 0, [](int s, const Piece& p) { return s + p.households; });
        if (total == 0) {
            out.push_back(std::move(pieces));
            return;
        }
        // Look-ahead where the grids to make are few (a community): each candidate is finished
        // greedily, so its cost grows with the part's size; large parts take the cheapest cut.
        auto cuts = candidateCuts(pieces, k, total, lookAhead && k <= kLookAheadMaxGrids ? kLookAheadCuts : 1);
        std::size_t chosen = 0;
        if (cuts.size() > 1) {
            std::pair<int, double> bestScore{-1, 0};
            for (std::size_t c = 0; c < cuts.size(); ++c) {
                auto [left, right, kl] = applyCut(pieces, cuts[c], k, total);
                std::vector<std::vector<Piece>> trial;
                split(std::move(left), kl, trial, false);
                split(std::move(right), k - kl, trial, false);
                const auto score = scoreOf(trial);
                if (score > bestScore) {
                    bestScore = score;
                    chosen = c;
                }
            }
        }
        auto [left, right, kl] = applyCut(pieces, cuts[chosen], k, total);
        if (left.empty() || right.empty()) {
            out.push_back(std::move(left.empty() ? right : left));
            return;
        }
        split(std::move(left), kl, out, lookAhead);
        split(std::move(right), k - kl, out, lookAhead);
    }

    /// Grids within tolerance, then the smallest worst deviation.
    std::pair<int, double> scoreOf(const std::vector<std::vector<Piece>>& parts) const {
        int within = 0;
        double worst = 0;
        for (const auto& part : parts) {
            int hh = 0;
            for (const auto& p : part) hh += p.households;
            within += hh >= m_opt.target * (1 - m_opt.tolerance) && hh <= m_opt.target * (1 + m_opt.tolerance);
            worst = std::max(worst, std::abs(hh - m_opt.target) / static_cast<double>(m_opt.target));
        }
        return {within, -worst};
    }

private:
    static constexpr std::size_t kLookAheadCuts = 4;
    static constexpr int kLookAheadMaxGrids = 12;

    struct Cut {
        double cost = std::numeric_limits<double>::infinity();
        std::vector<std::size_t> order; ///< pieces in growth order
        std::size_t index = 0;          ///< pieces before it form the first side
    };

    /// The `count` cheapest cuts (distinct first sides), cheapest first.
    std::vector<Cut> candidateCuts(const std::vector<Piece>& pieces, int k, int total, std::size_t count) const {
        const double average = static_cast<double>(total) / k;
        // Axes: x, y and the two diagonals; the longer extent is preferred for compact grids.
        const double dirs[4][2] = {
            {1, 0}, {0, 1}, {0.7071067811865476, 0.7071067811865476}, {0.7071067811865476, -0.7071067811865476}};
        double extent[4];
        for (int a = 0; a < 4; ++a) {
            double lo = std::numeric_limits<double>::infinity(), hi = -lo;
            for (const auto& p : pieces) {
                const double v = p.centre.x * dirs[a][0] + p.centre.y * dirs[a][1];
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
            extent[a] = hi - lo;
        }
        const double maxExtent = std::max({extent[0], extent[1], extent[2], extent[3], 1.0});
        struct Scored {
            double cost;
            int order;
            std::size_t index;
        };
        std::vector<std::vector<std::size_t>> orders;
        std::vector<Scored> scored;
        // Grow from either end of each axis, with either share of the grids when k is odd; a cut
        // costs the worst deviation of the two sides' average grid from the overall average.
        for (int a = 0; a < 8; ++a) {
            const double dir[2] = {a < 4 ? dirs[a][0] : -dirs[a - 4][0], a < 4 ? dirs[a][1] : -dirs[a - 4][1]};
            orders.push_back(growOrder(pieces, dir));
            const auto& order = orders.back();
            for (int k1 : {k / 2, k - k / 2}) {
                if (k1 != k / 2 && k % 2 == 0) break;
                const double share = average * k1;
                int prefix = 0;
                for (std::size_t i = 0; i + 1 < order.size(); ++i) {
                    prefix += pieces[order[i]].households;
                    const double leftAverage = static_cast<double>(prefix) / k1;
                    const double rightAverage = static_cast<double>(total - prefix) / (k - k1);
                    const double imbalance =
                        std::max(std::abs(leftAverage - average), std::abs(rightAverage - average)) / m_opt.target;
                    if (imbalance > 0.5) {
                        if (prefix > share) break;
                        continue;
                    }
                    double cost = imbalance + 0.15 * (1.0 - extent[a % 4] / maxExtent);
                    if (a % 4 >= 2) cost += 0.02; // axis cuts read better on a map
                    if (m_opt.respectStreets && !crossesStreet(pieces[order[i]].centre, pieces[order[i + 1]].centre))
                        cost += 0.08;
                    scored.push_back({cost, static_cast<int>(orders.size() - 1), i + 1});
                }
            }
        }
        std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
            return a.cost != b.cost ? a.cost < b.cost : std::tie(a.order, a.index) < std::tie(b.order, b.index);
        });
        std::vector<Cut> out;
        std::set<std::vector<int>> seen; // first sides already offered (as sorted piece ids)
        for (const auto& c : scored) {
            if (out.size() >= count) break;
            const auto& order = orders[static_cast<std::size_t>(c.order)];
            std::vector<int> side;
            for (std::size_t i = 0; i < c.index; ++i) side.push_back(pieces[order[i]].id);
            std::sort(side.begin(), side.end());
            if (!seen.insert(side).second) continue;
            out.push_back({c.cost, order, c.index});
        }
        if (out.empty()) {
            // Every cut is badly unbalanced (one huge piece): cut at the balance point on x.
            std::vector<std::size_t> order(pieces.size());
            std::iota(order.begin(), order.end(), 0);
            std::sort(order.begin(), order.end(),
                      [&](std::size_t i, std::size_t j) { return pieces[i].centre.x < pieces[j].centre.x; });
            const double share = average * (k / 2);
            int prefix = 0;
            std::size_t idx = 1;
            double bestGap = std::numeric_limits<double>::infinity();
            for (std::size_t i = 0; i + 1 < order.size(); ++i) {
                prefix += pieces[order[i]].households;
                if (std::abs(prefix - share) < bestGap) {
                    bestGap = std::abs(prefix - share);
                    idx = i + 1;
                }
            }
            out.push_back({0, std::move(order), idx});
        }
        return out;
    }

    /// The two sides of a cut (the rest's smaller components join the grown side, which they
    /// border, the whole being connected) and the grid count of the first side.
    std::tuple<std::vector<Piece>, std::vector<Piece>, int> applyCut(const std::vector<Piece>& pieces, const Cut& cut, int k,
                                                                     int total) const {
        std::vector<Piece> left, right;
        int leftHouseholds = 0;
        for (std::size_t i = 0; i < cut.order.size(); ++i) {
            if (i < cut.index) {
                leftHouseholds += pieces[cut.order[i]].households;
                left.push_back(pieces[cut.order[i]]);
            } else {
                right.push_back(pieces[cut.order[i]]);
            }
        }
        auto comps = components(right);
        if (comps.size() > 1) {
            std::size_t keep = 0;
            std::vector<int> hh(comps.size(), 0);
            for (std::size_t c = 0; c < comps.size(); ++c)
                for (auto i : comps[c]) hh[c] += right[i].households;
            for (std::size_t c = 1; c < comps.size(); ++c)
                if (hh[c] > hh[keep]) keep = c;
            std::vector<Piece> rest;
            std::vector<char> moveIt(right.size(), 1);
            for (auto i : comps[keep]) moveIt[i] = 0;
            for (std::size_t i = 0; i < right.size(); ++i) {
                if (moveIt[i]) {
                    leftHouseholds += right[i].households;
                    left.push_back(std::move(right[i]));
                } else {
                    rest.push_back(std::move(right[i]));
                }
            }
            right = std::move(rest);
        }
        // The grid counts follow what each side actually holds.
        const int kl = std::clamp(static_cast<int>(std::lround(static_cast<double>(leftHouseholds) / total * k)), 1, k - 1);
        return {std::move(left), std::move(right), kl};
    }

    static constexpr double kStreetCell = 50.0;
    int cellX(double x) const { return std::clamp(static_cast<int>((x - m_streetExtent.xmin) / kStreetCell), 0, m_nx - 1); }
    int cellY(double y) const { return std::clamp(static_cast<int>((y - m_streetExtent.ymin) / kStreetCell), 0, m_ny - 1); }

    bool crossesStreet(Vec2 a, Vec2 b) const {
        if (m_segments.empty()) return false;
        const model::Rect seg = model::Rect::of(a.x, a.y, b.x, b.y);
        if (!seg.intersects(m_streetExtent)) return false;
        for (int y = cellY(seg.ymin); y <= cellY(seg.ymax); ++y)
            for (int x = cellX(seg.xmin); x <= cellX(seg.xmax); ++x)
                for (auto s : m_buckets[static_cast<std::size_t>(y) * m_nx + x])
                    if (segmentsCross(a, b, m_segments[s].first, m_segments[s].second)) return true;
        return false;
    }

    const ProposalOptions& m_opt;
    const std::vector<std::vector<int>>& m_adj;
    std::vector<std::pair<Vec2, Vec2>> m_segments;
    model::Rect m_streetExtent;
    int m_nx = 0, m_ny = 0;
    std::vector<std::vector<std::uint32_t>> m_buckets;
};

/// Number of grids for `households` that lands the average closest to the target.
int gridCount(int households, int target) {
    if (households <= 0) return 0;
    int k = std::max(1, static_cast<int>(std::lround(static_cast<double>(households) / target)));
    double best = std::abs(static_cast<double>(households) / k - target);
    for (int cand : {k - 1, k + 1}) {
        if (cand < 1) continue;
        const double d = std::abs(static_cast<double>(households) / cand - target);
        if (d < best - 1e-9) {
            best = d;
            k = cand;
        }
    }
    return k;
}

double perimeter(const Geometry& g) {
    double p = 0;
    for (std::size_t r = 0; r < g.ringEnds.size(); ++r)
        for (std::size_t i = g.ringBegin(r); i + 1 < g.ringEnds[r]; ++i)
            p += std::hypot(g.coords[i + 1].x - g.coords[i].x, g.coords[i + 1].y - g.coords[i].y);
    return p;
}

} // namespace

CommunityRef findCommunity(Atlas& atlas, const std::string& nameOrCode) {
    auto& c = atlas.connection();
    Statement st(c, "SELECT id, name, code FROM communities WHERE name = ? OR code = ? ORDER BY id");
    st.bind(1, nameOrCode).bind(2, nameOrCode);
    if (!st.step()) {
        std::string known;
        Statement all(c, "SELECT name FROM communities ORDER BY id");
        while (all.step()) known += (known.empty() ? "" : ", ") + all.columnText(0);
        throw InputError("atlas '" + c.path() + "': no community named '" + nameOrCode + "' (known: " + known + ")");
    }
    return {st.columnInt(0), st.columnText(1), st.isNull(2) ? std::string() : st.columnText(2)};
}

ProposalInput loadProposalInput(Atlas& atlas, const std::string& community) {
    auto& c = atlas.connection();
    ProposalInput in;
    {
        const auto ref = findCommunity(atlas, community);
        in.communityId = ref.id;
        in.community = ref.name;
        in.communityCode = ref.code;
        Statement st(c, "SELECT " + geomSelect(c, "geom") + " FROM communities WHERE id = ?");
        st.bind(1, ref.id);
        if (st.step() && !st.isNull(0)) decodeGeometry(c, st.columnBlob(0), in.boundary);
    }
    {
        Statement st(c, "SELECT b.id, b.number, COALESCE(b.compound, ''), b.use, g.code, " + geomSelect(c, "b.geom") + ", "
                        "(SELECT COUNT(*) FROM units u JOIN households h ON h.unit_id = u.id WHERE u.building_id = b.id) "
                        "FROM buildings b LEFT JOIN grids g ON g.id = b.grid_id WHERE b.community_id = ? ORDER BY b.id");
        st.bind(1, in.communityId);
        while (st.step()) {
            ProposalBuilding b;
            b.id = st.columnInt(0);
            b.number = st.columnText(1);
            b.compound = st.columnText(2);
            const std::string use = st.columnText(3);
            b.currentCode = st.isNull(4) ? std::string() : st.columnText(4);
            decodeGeometry(c, st.columnBlob(5), b.footprint);
            b.households = static_cast<int>(st.columnInt(6));
            b.residential = (use == "residential" || use == "mixed") && b.households > 0;
            in.buildings.push_back(std::move(b));
        }
    }
    {
        const model::Rect box = in.boundary.bounds().buffered(50);
        Statement st(c, "SELECT " + geomSelect(c, "geom") + " FROM streets WHERE class IN ('arterial', 'local') ORDER BY id");
        while (st.step()) {
            if (!geometryBounds(c, st.columnBlob(0)).intersects(box)) continue;
            Geometry g;
            decodeGeometry(c, st.columnBlob(0), g);
            in.streets.push_back(std::move(g));
        }
    }
    {
        Statement st(c, "SELECT code, name, target_households FROM grids WHERE community_id = ? ORDER BY code");
        st.bind(1, in.communityId);
        while (st.step()) {
            ProposalInput::CurrentGrid g{st.columnText(0), st.columnText(1), std::nullopt};
            if (!st.isNull(2)) g.target = static_cast<int>(st.columnInt(2));
            in.currentGrids.push_back(std::move(g));
        }
    }
    return in;
}

Proposal proposeGrids(const ProposalInput& in, const ProposalOptions& opt, Feedback* feedback) {
    if (opt.target <= 0) throw InputError("--target must be a positive number of households");
    if (opt.tolerance < 0 || opt.tolerance >= 1) throw InputError("--tolerance must be between 0 and 1 (e.g. 0.2)");
    auto progress = [&](double pct, const char* stage) {
        if (!feedback) return;
        feedback->throwIfCancelled();
        feedback->setProgress(pct, stage);
    };
    progress(0, "grouping buildings");
    const double upper = opt.target * (1 + opt.tolerance);
    const double lower = opt.target * (1 - opt.tolerance);
    const auto& bs = in.buildings;
    Proposal out;

    // Fixed grids (keepCurrent): today's grids within tolerance.
    std::map<std::string, std::vector<std::size_t>> current;
    for (std::size_t i = 0; i < bs.size(); ++i)
        if (!bs[i].currentCode.empty()) current[bs[i].currentCode].push_back(i);
    std::vector<std::vector<std::size_t>> groups; // building indices per proposed grid
    std::vector<std::string> keptCode;            // code for kept groups, "" for new ones
    std::set<std::size_t> fixed;
    if (opt.keepCurrent) {
        for (const auto& [code, members] : current) {
            int hh = 0;
            for (auto i : members) hh += bs[i].households;
            if (hh < lower || hh > upper) continue;
            groups.push_back(members);
            keptCode.push_back(code);
            fixed.insert(members.begin(), members.end());
        }
    }

    // Pieces: compounds, or their buildings when a compound is too large for one grid.
    std::map<std::string, std::vector<std::size_t>> byCompound;
    std::vector<Piece> pieces;
    // Buildings without households are pieces too (of no weight): they sit between the others,
    // and a grid that skipped them could fall apart around them.
    for (std::size_t i = 0; i < bs.size(); ++i) {
        if (fixed.count(i)) continue;
        if (!bs[i].residential) {
            pieces.push_back({{i}, 0, model::centroid(bs[i].footprint)});
            continue;
        }
        if (bs[i].compound.empty()) {
            pieces.push_back({{i}, bs[i].households, model::centroid(bs[i].footprint)});
        } else {
            byCompound[bs[i].compound].push_back(i);
        }
    }
    for (const auto& [name, members] : byCompound) {
        int hh = 0;
        for (auto i : members) hh += bs[i].households;
        if (hh <= upper) {
            Piece p{members, hh, {}};
            double sx = 0, sy = 0;
            for (auto i : members) {
                const Vec2 c = model::centroid(bs[i].footprint);
                sx += c.x * bs[i].households;
                sy += c.y * bs[i].households;
            }
            p.centre = {sx / std::max(1, hh), sy / std::max(1, hh)};
            pieces.push_back(std::move(p));
        } else {
            for (auto i : members) pieces.push_back({{i}, bs[i].households, model::centroid(bs[i].footprint)});
        }
    }
    int poolHouseholds = 0;
    for (const auto& p : pieces) poolHouseholds += p.households;

    // Which pieces are neighbours: a Delaunay triangulation of the building centroids (the dual
    // of their Voronoi cells, which the grid polygons are made of).
    const geos::Context ctx;
    auto h = ctx.handle();
    std::vector<std::vector<int>> adjacency(pieces.size());
    {
        std::map<std::pair<double, double>, int> pieceAt;
        std::vector<GEOSGeometry*> pts;
        for (std::size_t p = 0; p < pieces.size(); ++p) {
            pieces[p].id = static_cast<int>(p);
            for (auto b : pieces[p].buildings)
                for (const Vec2 c : samplePoints(bs[b].footprint, kSampleSpacing))
                    if (pieceAt.emplace(std::make_pair(c.x, c.y), static_cast<int>(p)).second)
                        pts.push_back(GEOSGeom_createPointFromXY_r(h, c.x, c.y));
        }
        if (pts.size() >= 3) {
            auto multi = ctx.own(GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts.data(), static_cast<unsigned>(pts.size())),
                                 "centroids");
            auto edges = ctx.own(GEOSDelaunayTriangulation_r(h, multi.get(), 0.0, 1), "Delaunay triangulation");
            const int n = GEOSGetNumGeometries_r(h, edges.get());
            struct Edge {
                double x0, y0, x1, y1, length;
            };
            std::vector<Edge> all;
            for (int e = 0; e < n; ++e) {
                const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, GEOSGetGeometryN_r(h, edges.get(), e));
                Edge edge{};
                GEOSCoordSeq_getXY_r(h, seq, 0, &edge.x0, &edge.y0);
                GEOSCoordSeq_getXY_r(h, seq, 1, &edge.x1, &edge.y1);
                edge.length = std::hypot(edge.x1 - edge.x0, edge.y1 - edge.y0);
                all.push_back(edge);
            }
            // Long edges cross empty ground (along the hull, over a concave boundary): buildings
            // that far apart are not neighbours on the map.
            std::vector<double> lengths;
            for (const auto& e : all) lengths.push_back(e.length);
            std::nth_element(lengths.begin(), lengths.begin() + static_cast<long>(lengths.size() / 2), lengths.end());
            const double longest = std::max(kNeighbourMinLength, kNeighbourMedianFactor * lengths[lengths.size() / 2]);
            // Short edges first; a long one only where it is the shortest link between parts that
            // would otherwise not be connected at all (a spanning forest keeps the graph whole).
            std::sort(all.begin(), all.end(), [](const Edge& a, const Edge& b) { return a.length < b.length; });
            std::vector<int> parent(pieces.size());
            std::iota(parent.begin(), parent.end(), 0);
            auto root = [&](int x) {
                while (parent[static_cast<std::size_t>(x)] != x)
                    x = parent[static_cast<std::size_t>(x)] =
                        parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
                return x;
            };
            for (const auto& e : all) {
                auto a = pieceAt.find({e.x0, e.y0});
                auto b = pieceAt.find({e.x1, e.y1});
                if (a == pieceAt.end() || b == pieceAt.end() || a->second == b->second) continue;
                const int ra = root(a->second), rb = root(b->second);
                if (e.length > longest && ra == rb) continue;
                parent[static_cast<std::size_t>(ra)] = rb;
                adjacency[static_cast<std::size_t>(a->second)].push_back(b->second);
                adjacency[static_cast<std::size_t>(b->second)].push_back(a->second);
            }
        } else {
            for (auto* p : pts) GEOSGeom_destroy_r(h, p);
            for (std::size_t a = 0; a < pieces.size(); ++a)
                for (std::size_t b = 0; b < pieces.size(); ++b)
                    if (a != b) adjacency[a].push_back(static_cast<int>(b));
        }
    }
    {
        // The grid count that lands the average nearest the target, and its neighbours: the one
        // whose partition has most grids within tolerance (then the smallest worst deviation) wins.
        const int k0 = gridCount(poolHouseholds, opt.target);
        std::vector<std::vector<Piece>> parts;
        std::pair<int, double> bestScore{-1, 0};
        for (int kk : {k0, k0 - 1, k0 + 1}) {
            if (kk < 1 || k0 == 0 || (kk != k0 && k0 > kLookAheadMaxGridCount)) continue;
            std::vector<std::vector<Piece>> candidate;
            Partitioner(in, opt, adjacency).split(pieces, kk, candidate);
            int within = 0;
            double worst = 0;
            for (const auto& part : candidate) {
                int hh = 0;
                for (const auto& p : part) hh += p.households;
                within += hh >= lower && hh <= upper;
                worst = std::max(worst, std::abs(hh - opt.target) / static_cast<double>(opt.target));
            }
            const std::pair<int, double> score{within, -worst};
            if (score > bestScore) {
                bestScore = score;
                parts = std::move(candidate);
            }
        }
        for (auto& part : parts) {
            std::vector<std::size_t> members;
            for (auto& p : part) members.insert(members.end(), p.buildings.begin(), p.buildings.end());
            if (members.empty()) continue;
            groups.push_back(std::move(members));
            keptCode.emplace_back();
        }
    }
    progress(30, "tessellating");

    // Polygons, with separate parts handed to the neighbour they border most.
    auto region = ctx.fromModel(in.boundary);
    if (!ctx.isValid(region.get(), nullptr, nullptr)) region = ctx.own(GEOSMakeValid_r(h, region.get()), "make valid");
    std::vector<int> groupOf(bs.size(), -1);
    for (std::size_t g = 0; g < groups.size(); ++g)
        for (auto i : groups[g]) groupOf[i] = static_cast<int>(g);
    std::vector<geos::TessellationSite> sites;
    for (std::size_t i = 0; i < bs.size(); ++i) sites.push_back({bs[i].footprint, groupOf[i]});
    std::vector<geos::GeomPtr> polys =
        geos::tessellate(ctx, region.get(), sites, std::max<int>(1, static_cast<int>(groups.size())), kSampleSpacing);
    progress(70, "joining separate parts");
    // A grid in several parts keeps the part with most households; every other part (area and
    // buildings, which lie whole inside it) goes to the neighbour it borders most. Moving whole
    // parts keeps the tiling exact and needs no new tessellation.
    std::vector<bool> regrouped(polys.size(), false);
    std::vector<int> tookParts(polys.size(), 0), gaveParts(polys.size(), 0);
    std::vector<model::Rect> boxes;
    for (auto& p : polys) boxes.push_back(ctx.bounds(p.get()));
    for (int pass = 0; pass < 3; ++pass) {
        bool any = false;
        for (std::size_t g = 0; g < polys.size(); ++g) {
            if (GEOSGeomTypeId_r(h, polys[g].get()) == GEOS_POLYGON) continue;
            const int n = GEOSGetNumGeometries_r(h, polys[g].get());
            if (n <= 1) continue;
            std::vector<geos::PreparedPtr> prepared;
            std::vector<int> partHouseholds(static_cast<std::size_t>(n), 0);
            std::vector<double> partArea(static_cast<std::size_t>(n), 0);
            for (int p = 0; p < n; ++p) {
                prepared.push_back(ctx.prepare(GEOSGetGeometryN_r(h, polys[g].get(), p)));
                partArea[static_cast<std::size_t>(p)] = ctx.area(GEOSGetGeometryN_r(h, polys[g].get(), p));
            }
            std::vector<int> partOf(bs.size(), -1);
            for (std::size_t i = 0; i < bs.size(); ++i) {
                if (groupOf[i] != static_cast<int>(g)) continue;
                const Vec2 c = model::interiorPoint(bs[i].footprint);
                auto pt = ctx.own(GEOSGeom_createPointFromXY_r(h, c.x, c.y), "point");
                for (int p = 0; p < n; ++p)
                    if (GEOSPreparedContains_r(h, prepared[static_cast<std::size_t>(p)].get(), pt.get())) {
                        partOf[i] = p;
                        partHouseholds[static_cast<std::size_t>(p)] += bs[i].households;
                        break;
                    }
            }
            int keep = 0;
            for (int p = 1; p < n; ++p)
                if (std::tie(partHouseholds[static_cast<std::size_t>(p)], partArea[static_cast<std::size_t>(p)]) >
                    std::tie(partHouseholds[static_cast<std::size_t>(keep)], partArea[static_cast<std::size_t>(keep)]))
                    keep = p;
            std::vector<geos::GeomPtr> kept;
            for (int p = 0; p < n; ++p) {
                const GEOSGeometry* part = GEOSGetGeometryN_r(h, polys[g].get(), p);
                if (p == keep) continue;
                auto grown = ctx.own(GEOSBuffer_r(h, part, 0.05, 2), "buffer");
                const model::Rect gb = ctx.bounds(grown.get());
                int bestNeighbour = -1;
                double bestArea = 0;
                for (std::size_t o = 0; o < polys.size(); ++o) {
                    if (o == g || !boxes[o].intersects(gb)) continue;
                    const double a = ctx.area(ctx.intersection(grown.get(), polys[o].get()).get());
                    if (a > bestArea) {
                        bestArea = a;
                        bestNeighbour = static_cast<int>(o);
                    }
                }
                if (bestNeighbour < 0) {
                    kept.push_back(ctx.own(GEOSGeom_clone_r(h, part), "clone")); // an island: stays
                    continue;
                }
                const auto nb = static_cast<std::size_t>(bestNeighbour);
                for (std::size_t i = 0; i < bs.size(); ++i)
                    if (groupOf[i] == static_cast<int>(g) && partOf[i] == p) groupOf[i] = bestNeighbour;
                polys[nb] = ctx.polygonalParts(ctx.unite(polys[nb].get(), part).get(), 1e-6);
                boxes[nb] = ctx.bounds(polys[nb].get());
                regrouped[nb] = regrouped[g] = true;
                ++tookParts[nb];
                ++gaveParts[g];
                any = true;
            }
            kept.push_back(ctx.own(GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, polys[g].get(), keep)), "clone"));
            polys[g] = ctx.polygonalParts(ctx.unionAll(std::move(kept)).get(), 1e-6);
            boxes[g] = ctx.bounds(polys[g].get());
        }
        if (!any) break;
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
        if (!regrouped[g]) continue;
        groups[g].clear();
        keptCode[g].clear(); // a kept grid that changed is no longer today's grid
    }
    for (std::size_t i = 0; i < bs.size(); ++i)
        if (groupOf[i] >= 0 && bs[i].residential && regrouped[static_cast<std::size_t>(groupOf[i])])
            groups[static_cast<std::size_t>(groupOf[i])].push_back(i);
    progress(90, "report");
    // Buildings without households go to the grid their footprint was forced into.
    {
        std::vector<geos::PreparedPtr> prepared;
        for (auto& p : polys) prepared.push_back(ctx.prepare(p.get()));
        for (std::size_t i = 0; i < bs.size(); ++i) {
            if (groupOf[i] >= 0) continue;
            const Vec2 c = model::interiorPoint(bs[i].footprint);
            auto pt = ctx.own(GEOSGeom_createPointFromXY_r(h, c.x, c.y), "point");
            for (std::size_t g = 0; g < prepared.size(); ++g)
                if (GEOSPreparedContains_r(h, prepared[g].get(), pt.get())) {
                    groupOf[i] = static_cast<int>(g);
                    break;
                }
        }
    }

    // Codes: kept grids keep theirs; new ones take the current code they share most households
    // with (so fewer households change grid), else a fresh one.
    std::set<std::string> usedCodes;
    for (const auto& code : keptCode)
        if (!code.empty()) usedCodes.insert(code);
    std::vector<std::string> codes = keptCode;
    {
        struct Overlap {
            int households;
            std::size_t group;
            std::string code;
        };
        std::vector<Overlap> overlaps;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            if (!codes[g].empty()) continue;
            std::map<std::string, int> shared;
            for (auto i : groups[g])
                if (!bs[i].currentCode.empty()) shared[bs[i].currentCode] += bs[i].households;
            for (auto& [code, hh] : shared) overlaps.push_back({hh, g, code});
        }
        std::sort(overlaps.begin(), overlaps.end(), [](const Overlap& a, const Overlap& b) {
            return a.households != b.households ? a.households > b.households
                                                : std::tie(a.group, a.code) < std::tie(b.group, b.code);
        });
        for (const auto& o : overlaps) {
            if (!codes[o.group].empty() || usedCodes.count(o.code)) continue;
            codes[o.group] = o.code;
            usedCodes.insert(o.code);
        }
        int next = 1;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            if (!codes[g].empty()) continue;
            std::string code;
            do {
                char buf[16];
                std::snprintf(buf, sizeof buf, "-%02d", next++);
                code = in.communityCode + buf;
            } while (usedCodes.count(code));
            codes[g] = code;
            usedCodes.insert(code);
        }
    }
    std::map<std::string, std::string> currentNames;
    for (const auto& g : in.currentGrids) currentNames[g.code] = g.name;

    double compactSum = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        ProposedGrid pg;
        pg.code = codes[g];
        auto nameIt = currentNames.find(pg.code);
        pg.name = nameIt != currentNames.end() ? nameIt->second : in.community + " " + pg.code;
        pg.kept = !keptCode[g].empty();
        int largestPiece = 0;
        std::string largestLabel;
        for (std::size_t i = 0; i < bs.size(); ++i) {
            if (groupOf[i] != static_cast<int>(g)) continue;
            pg.buildingIds.push_back(bs[i].id);
            ++pg.buildings;
            pg.households += bs[i].households;
            if (bs[i].households > largestPiece) {
                largestPiece = bs[i].households;
                largestLabel = "building " + bs[i].number;
            }
        }
        pg.polygon = ctx.toModel(polys[g].get());
        pg.deviation = static_cast<double>(pg.households - opt.target) / opt.target;
        const double per = perimeter(pg.polygon);
        pg.compactness = per > 0 ? 4 * M_PI * model::area(pg.polygon) / (per * per) : 0;
        pg.withinTolerance = pg.households >= lower && pg.households <= upper;
        if (!pg.withinTolerance) {
            char buf[256];
            if (tookParts[g] > 0 || gaveParts[g] > 0)
                std::snprintf(buf, sizeof buf,
                              "to stay one connected polygon it %s %d separate part(s) of buildings %s a neighbouring grid",
                              tookParts[g] > 0 ? "took" : "gave", tookParts[g] > 0 ? tookParts[g] : gaveParts[g],
                              tookParts[g] > 0 ? "from" : "to");
            else if (largestPiece > upper)
                std::snprintf(buf, sizeof buf, "%s alone holds %d households, more than %d (buildings are never split)",
                              largestLabel.c_str(), largestPiece, static_cast<int>(upper));
            else if (poolHouseholds < lower && !pg.kept)
                std::snprintf(buf, sizeof buf, "the households left to divide (%d) are fewer than %d", poolHouseholds,
                              static_cast<int>(std::ceil(lower)));
            else
                std::snprintf(buf, sizeof buf,
                              "compounds and buildings are indivisible: no cut between them brings this grid within "
                              "%d-%d households",
                              static_cast<int>(std::ceil(lower)), static_cast<int>(upper));
            pg.why = buf;
        }
        out.households += pg.households;
        out.maxDeviation = std::max(out.maxDeviation, std::abs(pg.deviation));
        compactSum += pg.compactness;
        out.gridsWithinTolerance += pg.withinTolerance;
        out.grids.push_back(std::move(pg));
    }
    out.meanCompactness = groups.empty() ? 0 : compactSum / static_cast<double>(groups.size());
    for (std::size_t i = 0; i < bs.size(); ++i)
        if (bs[i].residential && groupOf[i] >= 0 && codes[static_cast<std::size_t>(groupOf[i])] != bs[i].currentCode)
            out.householdsMoved += bs[i].households;
    std::sort(out.grids.begin(), out.grids.end(), [](const ProposedGrid& a, const ProposedGrid& b) { return a.code < b.code; });
    if (out.gridsWithinTolerance < static_cast<int>(out.grids.size())) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "%d of %zu grids miss the target %d±%.0f%%",
                      static_cast<int>(out.grids.size()) - out.gridsWithinTolerance, out.grids.size(), opt.target,
                      opt.tolerance * 100);
        out.notes.push_back(buf);
    }
    if (groups.empty()) out.notes.push_back("the community has no residential buildings with households");
    progress(100, "done");
    return out;
}

std::int64_t saveProposal(Atlas& atlas, const std::string& planName, const ProposalInput& input, const Proposal& proposal,
                          const ProposalOptions& options, bool replace) {
    std::vector<PlanGrid> grids;
    std::vector<std::pair<std::int64_t, std::string>> buildings;
    for (const auto& g : proposal.grids) {
        grids.push_back({g.code, g.name, input.communityId, options.target, g.polygon});
        for (auto b : g.buildingIds) buildings.emplace_back(b, g.code);
    }
    char note[160];
    std::snprintf(note, sizeof note, "target %d, tolerance %.2f%s%s", options.target, options.tolerance,
                  options.respectStreets ? ", respect streets" : "", options.keepCurrent ? ", keep current" : "");
    return savePlan(atlas, planName, "proposal", input.communityId, grids, buildings, replace, note);
}

} // namespace gridatlas::storage
