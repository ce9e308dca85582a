#include "storage/coverage.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <thread>
#include <unordered_map>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/layer_cache.h"

namespace gridatlas::storage {

using model::Vec2;

const char* reasonCode(UncoveredReason r) {
    switch (r) {
    case UncoveredReason::None:
        return "";
    case UncoveredReason::NoPostOfType:
        return "no_post_of_type";
    case UncoveredReason::NoPostInCommunity:
        return "no_post_in_community";
    case UncoveredReason::NoWalkablePath:
        return "no_walkable_path";
    case UncoveredReason::BeyondStandard:
        return "beyond_standard";
    }
    return "";
}

std::string reasonTextZh(UncoveredReason r, double excessM) {
    switch (r) {
    case UncoveredReason::None:
        return "";
    case UncoveredReason::NoPostOfType:
        return "没有该类站点";
    case UncoveredReason::NoPostInCommunity:
        return "本社区没有该类站点";
    case UncoveredReason::NoWalkablePath:
        return "没有可步行的路径";
    case UncoveredReason::BeyondStandard: {
        char buf[64];
        std::snprintf(buf, sizeof buf, "最近的站点超出标准 %.0f 米", std::max(0.0, excessM));
        return buf;
    }
    }
    return "";
}

double CoverageResult::standardOfNearest(std::size_t h) const {
    const auto p = nearestPost[h];
    if (p < 0) return 0;
    auto it = std::find(posts.begin(), posts.end(), p);
    return it == posts.end() ? 0 : postStandardM[static_cast<std::size_t>(it - posts.begin())];
}

double postStandardM(const CoverageData& data, const CoveragePost& p, const CoverageOptions& o) {
    if (o.meters) return *o.meters;
    if (o.minutes) return *o.minutes * o.metersPerMinute();
    const CoveragePostType* t = data.postType(p.type);
    if (o.mode == DistanceMode::Euclidean) return p.radiusM ? *p.radiusM : (t ? t->radiusM : 0.0);
    return (p.walkMinutes ? *p.walkMinutes : (t ? t->walkMinutes : 0.0)) * o.metersPerMinute();
}

namespace {

/// Runs f(begin, end) over [0, n) on up to `threads` threads; rethrows the first exception.
template <class F> void parallelFor(std::size_t n, int threads, F&& f) {
    const std::size_t t =
        std::clamp<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), 1, std::max<std::size_t>(1, n / 4096 + 1));
    if (t <= 1) {
        f(std::size_t{0}, n);
        return;
    }
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(t);
    for (std::size_t k = 0; k < t; ++k) {
        pool.emplace_back([&, k] {
            try {
                f(n * k / t, n * (k + 1) / t);
            } catch (...) {
                errors[k] = std::current_exception();
            }
        });
    }
    for (auto& th : pool) th.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

/// A uniform grid over the posts of one type.
class PostGrid {
public:
    PostGrid(const std::vector<Vec2>& pts, double cell) : m_pts(pts), m_cell(std::max(cell, 1.0)) {
        for (const auto& p : pts) m_extent.expand(p);
        m_nx = static_cast<int>(m_extent.width() / m_cell) + 1;
        m_ny = static_cast<int>(m_extent.height() / m_cell) + 1;
        m_cells.resize(static_cast<std::size_t>(m_nx) * static_cast<std::size_t>(m_ny));
        for (std::uint32_t i = 0; i < pts.size(); ++i) m_cells[index(cx(pts[i].x), cy(pts[i].y))].push_back(i);
    }
    /// Calls f(post) for posts in cells within `radius` of p (a superset of those within radius).
    template <class F> void near(Vec2 p, double radius, F&& f) const {
        const int x0 = cx(p.x - radius), x1 = cx(p.x + radius), y0 = cy(p.y - radius), y1 = cy(p.y + radius);
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x)
                for (std::uint32_t i : m_cells[index(x, y)]) f(i);
    }
    /// Nearest post to p (lowest index on ties) and its distance.
    std::pair<std::int32_t, double> nearest(Vec2 p) const {
        std::int32_t best = -1;
        double bestD = StreetNetwork::kInfinity;
        const int px = static_cast<int>(std::floor((p.x - m_extent.xmin) / m_cell));
        const int py = static_cast<int>(std::floor((p.y - m_extent.ymin) / m_cell));
        const int maxRing = std::max({std::abs(px), std::abs(py), std::abs(m_nx - 1 - px), std::abs(m_ny - 1 - py)}) + 1;
        auto visit = [&](int x, int y) {
            if (x < 0 || y < 0 || x >= m_nx || y >= m_ny) return;
            for (std::uint32_t i : m_cells[index(x, y)]) {
                const double d = distance(p, m_pts[i]);
                if (d < bestD || (d == bestD && static_cast<std::int32_t>(i) < best)) {
                    bestD = d;
                    best = static_cast<std::int32_t>(i);
                }
            }
        };
        for (int r = 0; r <= maxRing; ++r) {
            if (bestD <= (r - 1) * m_cell) break;
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
        return {best, bestD};
    }
    /// The same formula as GEOS's point distance (sqrt of the squared differences), so that
    /// "within the radius" decides exactly as ST_Distance(...) <= radius does.
    static double distance(Vec2 a, Vec2 b) {
        const double dx = a.x - b.x, dy = a.y - b.y;
        return std::sqrt(dx * dx + dy * dy);
    }

private:
    int cx(double x) const { return std::clamp(static_cast<int>(std::floor((x - m_extent.xmin) / m_cell)), 0, m_nx - 1); }
    int cy(double y) const { return std::clamp(static_cast<int>(std::floor((y - m_extent.ymin) / m_cell)), 0, m_ny - 1); }
    std::size_t index(int x, int y) const {
        return static_cast<std::size_t>(y) * static_cast<std::size_t>(m_nx) + static_cast<std::size_t>(x);
    }
    const std::vector<Vec2>& m_pts;
    double m_cell;
    model::Rect m_extent;
    int m_nx = 1, m_ny = 1;
    std::vector<std::vector<std::uint32_t>> m_cells;
};

/// The largest squared distance whose square root (correctly rounded, as GEOS's distance
/// takes it) is still within `standard`: d2 <= threshold decides exactly as sqrt(d2) <= standard.
double squaredThreshold(double standard) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    double t = standard * standard;
    while (t > 0 && std::sqrt(t) > standard) t = std::nextafter(t, 0.0);
    while (t < inf && std::sqrt(std::nextafter(t, inf)) <= standard) t = std::nextafter(t, inf);
    return t;
}

/// A few dozen posts against every household, in blocks: posts outer, households inner, on
/// squared distances (vectorised; no square root but one per household at the end). The nearest
/// is the lowest post index among equal squared distances.
void bruteForceEuclidean(const CoverageData& data, const std::vector<Vec2>& pts, CoverageResult& r, Feedback* feedback) {
    const auto& hh = data.households;
    const std::size_t np = pts.size();
    std::vector<double> threshold(np);
    for (std::size_t k = 0; k < np; ++k) threshold[k] = squaredThreshold(r.postStandardM[k]);
    constexpr std::size_t kBlock = 2048;
    parallelFor(hh.size(), r.options.threads, [&](std::size_t begin, std::size_t end) {
        double xs[kBlock], ys[kBlock], best2[kBlock];
        std::int32_t bestK[kBlock];
        std::uint8_t cov[kBlock];
        for (std::size_t b = begin; b < end; b += kBlock) {
            if (feedback) feedback->throwIfCancelled();
            const std::size_t n = std::min(kBlock, end - b);
            for (std::size_t i = 0; i < n; ++i) {
                xs[i] = hh.points[b + i].x;
                ys[i] = hh.points[b + i].y;
                best2[i] = std::numeric_limits<double>::infinity();
                bestK[i] = -1;
                cov[i] = 0;
            }
            // Households of a block are neighbours (ids run through units and buildings): a post
            // whose nearest possible distance to the block's box exceeds both the farthest any
            // household can be from the nearest-in-the-worst-case post and its own standard can
            // be neither nearest nor covering for any of them. Exact: the bounds are strict.
            double xmin = xs[0], xmax = xs[0], ymin = ys[0], ymax = ys[0];
            for (std::size_t i = 1; i < n; ++i) {
                xmin = std::min(xmin, xs[i]);
                xmax = std::max(xmax, xs[i]);
                ymin = std::min(ymin, ys[i]);
                ymax = std::max(ymax, ys[i]);
            }
            double worstNearest = std::numeric_limits<double>::infinity(); // an upper bound of every best2[i]
            for (std::size_t k = 0; k < np; ++k) {
                const double fx = std::max(std::abs(pts[k].x - xmin), std::abs(pts[k].x - xmax));
                const double fy = std::max(std::abs(pts[k].y - ymin), std::abs(pts[k].y - ymax));
                worstNearest = std::min(worstNearest, fx * fx + fy * fy);
            }
            for (std::size_t k = 0; k < np; ++k) {
                const double px = pts[k].x, py = pts[k].y, t = threshold[k];
                const double nx = std::max({0.0, xmin - px, px - xmax}), ny = std::max({0.0, ymin - py, py - ymax});
                const double near2 = nx * nx + ny * ny;
                const double keep = std::max(worstNearest, t);
                if (near2 > keep * (1 + 1e-9) + 1e-6) continue; // slack for rounding: never drops a candidate
                const auto kk = static_cast<std::int32_t>(k);
                for (std::size_t i = 0; i < n; ++i) {
                    const double dx = xs[i] - px, dy = ys[i] - py;
                    const double d2 = dx * dx + dy * dy;
                    const bool closer = d2 < best2[i];
                    best2[i] = closer ? d2 : best2[i];
                    bestK[i] = closer ? kk : bestK[i];
                    cov[i] |= static_cast<std::uint8_t>(d2 <= t);
                }
            }
            for (std::size_t i = 0; i < n; ++i) {
                r.nearestPost[b + i] = bestK[i] < 0 ? -1 : r.posts[static_cast<std::size_t>(bestK[i])];
                r.distanceM[b + i] = bestK[i] < 0 ? StreetNetwork::kInfinity : std::sqrt(best2[i]);
                r.covered[b + i] = cov[i];
            }
        }
    });
}

void euclidean(const CoverageData& data, CoverageResult& r, Feedback* feedback) {
    const auto& hh = data.households;
    std::vector<Vec2> pts;
    double maxStd = 0;
    for (std::size_t k = 0; k < r.posts.size(); ++k) {
        pts.push_back(data.posts[static_cast<std::size_t>(r.posts[k])].point);
        maxStd = std::max(maxStd, r.postStandardM[k]);
    }
    // A few dozen posts: a plain loop over them beats walking grid cells.
    if (pts.size() <= 64) {
        bruteForceEuclidean(data, pts, r, feedback);
        return;
    }
    const PostGrid grid(pts, maxStd);
    parallelFor(hh.size(), r.options.threads, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            if (feedback && (i & 0xFFFF) == 0) feedback->throwIfCancelled();
            const Vec2 p = hh.points[i];
            const auto [best, d] = grid.nearest(p);
            r.nearestPost[i] = best < 0 ? -1 : r.posts[static_cast<std::size_t>(best)];
            r.distanceM[i] = d;
            bool cov = best >= 0 && d <= r.postStandardM[static_cast<std::size_t>(best)];
            if (!cov) {
                // A farther post with a larger standard (per-post override) may still cover it.
                grid.near(p, maxStd, [&](std::uint32_t k) {
                    if (!cov && PostGrid::distance(p, pts[k]) <= r.postStandardM[k]) cov = true;
                });
            }
            r.covered[i] = cov ? 1 : 0;
        }
    });
}

void network(const CoverageData& data, const StreetNetwork& net, CoverageResult& r, Feedback* feedback) {
    const auto& hh = data.households;
    const std::size_t np = r.posts.size();
    // Access points: the posts, then every unit entrance in use, then households without one.
    std::vector<Vec2> points;
    points.reserve(np + data.units.size());
    for (auto p : r.posts) points.push_back(data.posts[static_cast<std::size_t>(p)].point);
    std::vector<std::int32_t> unitAccess(data.units.size(), -1);
    std::vector<std::int32_t> householdAccess(hh.size(), -1);
    for (std::size_t i = 0; i < hh.size(); ++i) {
        const auto u = hh.unit[i];
        if (u >= 0 && data.units[static_cast<std::size_t>(u)].entrance) {
            auto& a = unitAccess[static_cast<std::size_t>(u)];
            if (a < 0) {
                a = static_cast<std::int32_t>(points.size());
                points.push_back(*data.units[static_cast<std::size_t>(u)].entrance);
            }
            householdAccess[i] = a;
        } else {
            householdAccess[i] = static_cast<std::int32_t>(points.size());
            points.push_back(hh.points[i]);
        }
    }
    if (feedback) feedback->setProgress(20, "joining doors and posts to the streets");
    std::vector<NetworkAccess> access;
    const StreetNetwork g = net.withAccessPoints(points, r.options.maxSnapM, access);
    if (feedback) feedback->throwIfCancelled();

    // Posts grouped by standard: one multi-source search per distinct standard decides coverage
    // exactly even when per-post overrides differ; one search over all posts finds the nearest.
    std::map<double, std::vector<std::size_t>> groups;
    for (std::size_t k = 0; k < np; ++k) groups[r.postStandardM[k]].push_back(k);
    auto sourcesOf = [&](const std::vector<std::size_t>& ks) {
        std::vector<StreetNetwork::Source> s;
        for (std::size_t k : ks)
            if (access[k].isConnected())
                s.push_back({static_cast<std::uint32_t>(access[k].node), access[k].leg, static_cast<std::int32_t>(k)});
        return s;
    };
    std::vector<std::size_t> all(np);
    for (std::size_t k = 0; k < np; ++k) all[k] = k;
    std::vector<double> dist;
    std::vector<std::int32_t> label;
    if (feedback) feedback->setProgress(40, "walking distances");
    g.shortestPaths(sourcesOf(all), StreetNetwork::kInfinity, dist, label, feedback);
    for (std::size_t i = 0; i < hh.size(); ++i) {
        const auto& a = access[static_cast<std::size_t>(householdAccess[i])];
        if (!a.isConnected() || dist[static_cast<std::size_t>(a.node)] == StreetNetwork::kInfinity) continue;
        const std::size_t n = static_cast<std::size_t>(a.node);
        r.distanceM[i] = a.leg + dist[n];
        r.nearestPost[i] = r.posts[static_cast<std::size_t>(label[n])];
        if (groups.size() == 1) r.covered[i] = r.distanceM[i] <= r.postStandardM[static_cast<std::size_t>(label[n])] ? 1 : 0;
    }
    if (groups.size() > 1) {
        for (const auto& [standard, ks] : groups) {
            if (feedback) feedback->throwIfCancelled();
            g.shortestPaths(sourcesOf(ks), standard, dist, label, feedback);
            for (std::size_t i = 0; i < hh.size(); ++i) {
                const auto& a = access[static_cast<std::size_t>(householdAccess[i])];
                if (a.isConnected() && a.leg + dist[static_cast<std::size_t>(a.node)] <= standard) r.covered[i] = 1;
            }
        }
    }
}

struct CategoryDef {
    const char* code;
    const char* nameZh;
    std::uint8_t mask; // 0: every household
};
constexpr CategoryDef kCategories[] = {
    {"all", "全部住户", 0},
    {"vulnerable", "重点关爱户", kCoverVulnerableMask},
    {"hardship", "困难户", kCoverHardship},
    {"minimum_income", "低保户", kCoverMinimumIncome},
    {"elderly_alone", "独居老人", kCoverElderlyAlone},
    {"disability", "残疾人家庭", kCoverDisability},
    {"left_behind_children", "留守儿童", kCoverLeftBehind},
    {"member_household", "党员家庭", kCoverMemberHousehold},
};

void summarise(const CoverageData& data, CoverageResult& r) {
    const auto& hh = data.households;
    std::map<std::int64_t, CoverageRow> grids, communities;
    std::vector<CoverageRow> cats;
    for (const auto& c : kCategories) cats.push_back(CoverageRow{0, c.code, c.nameZh, 0, 0, 0, 0});
    // Totals per building first (an array, no lookups per household), then per grid/community.
    std::vector<CoverageRow> perBuilding(data.buildings.size() + 1); // the last: no building
    std::vector<GapBuilding> gaps(data.buildings.size());
    auto add = [](CoverageRow& row, bool cov, bool vul) {
        ++row.households;
        row.covered += cov;
        row.vulnerable += vul;
        row.vulnerableCovered += vul && cov;
    };
    // Categories from a histogram of (flags, covered): 512 counters instead of eight tests per household.
    std::array<std::array<std::int64_t, 2>, 256> byFlags{};
    for (std::size_t i = 0; i < hh.size(); ++i) {
        const bool cov = r.covered[i] != 0;
        const std::uint8_t cat = hh.categories[i];
        const bool vul = (cat & kCoverVulnerableMask) != 0;
        const auto b = hh.building[i];
        add(perBuilding[b >= 0 ? static_cast<std::size_t>(b) : data.buildings.size()], cov, vul);
        ++byFlags[cat][cov ? 1 : 0];
        if (b >= 0 && !cov) {
            auto& gap = gaps[static_cast<std::size_t>(b)];
            ++gap.uncovered;
            gap.vulnerableUncovered += vul;
            gap.nearestDistanceM = std::min(gap.nearestDistanceM, r.distanceM[i]);
        }
    }
    for (std::size_t cat = 0; cat < byFlags.size(); ++cat) {
        const bool vul = (cat & kCoverVulnerableMask) != 0;
        for (int cov = 0; cov < 2; ++cov) {
            const std::int64_t n = byFlags[cat][static_cast<std::size_t>(cov)];
            if (n == 0) continue;
            for (std::size_t k = 0; k < std::size(kCategories); ++k) {
                if (kCategories[k].mask != 0 && !(cat & kCategories[k].mask)) continue;
                auto& row = cats[k];
                row.households += n;
                row.covered += cov ? n : 0;
                row.vulnerable += vul ? n : 0;
                row.vulnerableCovered += (vul && cov) ? n : 0;
            }
        }
    }
    auto merge = [](CoverageRow& to, const CoverageRow& from) {
        to.households += from.households;
        to.covered += from.covered;
        to.vulnerable += from.vulnerable;
        to.vulnerableCovered += from.vulnerableCovered;
    };
    for (std::size_t b = 0; b <= data.buildings.size(); ++b) {
        if (perBuilding[b].households == 0) continue;
        const bool known = b < data.buildings.size();
        merge(grids[known ? data.buildings[b].gridId : 0], perBuilding[b]);
        merge(communities[known ? data.buildings[b].communityId : 0], perBuilding[b]);
        if (known) {
            gaps[b].building = static_cast<std::int32_t>(b);
            gaps[b].households = perBuilding[b].households;
        }
    }
    for (auto& [id, row] : grids) {
        row.id = id;
        row.code = "-";
        row.name = "(无网格)";
        for (const auto& g : data.grids)
            if (g.id == id) {
                row.code = g.code;
                row.name = g.name;
            }
        r.byGrid.push_back(row);
    }
    for (auto& [id, row] : communities) {
        row.id = id;
        row.code = "-";
        row.name = "(无社区)";
        for (const auto& c : data.communities)
            if (c.id == id) {
                row.code = c.code;
                row.name = c.name;
            }
        r.byCommunity.push_back(row);
    }
    r.byCategory = std::move(cats);
    for (const auto& gap : gaps)
        if (gap.uncovered > 0) r.gaps.push_back(gap);
    std::sort(r.gaps.begin(), r.gaps.end(), [&](const GapBuilding& a, const GapBuilding& b) {
        if (a.weight() != b.weight()) return a.weight() > b.weight();
        return data.buildings[static_cast<std::size_t>(a.building)].id < data.buildings[static_cast<std::size_t>(b.building)].id;
    });
}

void explain(const CoverageData& data, CoverageResult& r) {
    const auto& hh = data.households;
    std::vector<std::int64_t> communitiesWithPost;
    for (auto p : r.posts) communitiesWithPost.push_back(data.posts[static_cast<std::size_t>(p)].communityId);
    std::sort(communitiesWithPost.begin(), communitiesWithPost.end());
    const bool networkMode = r.options.mode == DistanceMode::Network;
    for (std::size_t i = 0; i < hh.size(); ++i) {
        if (r.covered[i]) {
            r.reason[i] = UncoveredReason::None;
            ++r.coveredCount;
        } else if (r.posts.empty()) {
            r.reason[i] = UncoveredReason::NoPostOfType;
        } else if (!std::binary_search(communitiesWithPost.begin(), communitiesWithPost.end(), data.communityOf(i))) {
            r.reason[i] = UncoveredReason::NoPostInCommunity;
        } else if (networkMode && r.nearestPost[i] < 0) {
            r.reason[i] = UncoveredReason::NoWalkablePath;
        } else {
            r.reason[i] = UncoveredReason::BeyondStandard;
        }
    }
}

} // namespace

CoverageResult computeCoverage(const CoverageData& data, const CoverageOptions& options, const StreetNetwork* net,
                               Feedback* feedback) {
    const auto start = std::chrono::steady_clock::now();
    if (!data.postType(options.postType)) {
        std::string known;
        for (const auto& t : data.postTypes) known += (known.empty() ? "" : ", ") + t.type;
        throw InputError("unknown post type '" + options.postType + "' (the atlas's post_types table has: " + known + ")");
    }
    if (options.meters && !(*options.meters > 0)) throw InputError("the standard in metres must be positive");
    if (options.minutes && !(*options.minutes > 0)) throw InputError("the standard in minutes must be positive");
    if (!(options.walkSpeedKmh > 0)) throw InputError("the walking speed must be positive");
    CoverageResult r;
    r.options = options;
    for (std::size_t k = 0; k < data.posts.size(); ++k)
        if (data.posts[k].type == options.postType) {
            r.posts.push_back(static_cast<std::int32_t>(k));
            r.postStandardM.push_back(postStandardM(data, data.posts[k], options));
        }
    const std::size_t n = data.households.size();
    r.nearestPost.assign(n, -1);
    r.distanceM.assign(n, StreetNetwork::kInfinity);
    r.covered.assign(n, 0);
    r.reason.assign(n, UncoveredReason::None);
    if (!r.posts.empty()) {
        if (options.mode == DistanceMode::Euclidean) {
            euclidean(data, r, feedback);
        } else {
            std::optional<StreetNetwork> own;
            if (!net) {
                if (feedback) feedback->setProgress(12, "building the street network");
                own = StreetNetwork::fromStreets(data.streets);
                net = &*own;
            }
            network(data, *net, r, feedback);
        }
    }
    if (feedback) feedback->throwIfCancelled();
    explain(data, r);
    summarise(data, r);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (feedback) feedback->setProgress(100, "coverage done");
    return r;
}

namespace {

LayerSnapshot::Column intColumn(const char* name) {
    LayerSnapshot::Column c;
    c.field = model::Field{name, model::FieldType::Integer, false};
    return c;
}
LayerSnapshot::Column realColumn(const char* name) {
    LayerSnapshot::Column c;
    c.field = model::Field{name, model::FieldType::Real, false};
    return c;
}
LayerSnapshot::Column textColumn(const char* name) {
    LayerSnapshot::Column c;
    c.field = model::Field{name, model::FieldType::Text, false};
    return c;
}
void push(LayerSnapshot::Column& c, std::int64_t v) {
    c.ints.push_back(v);
    c.isNull.push_back(0);
}
void pushReal(LayerSnapshot::Column& c, double v) {
    const bool null = !std::isfinite(v);
    c.reals.push_back(null ? 0.0 : v);
    c.isNull.push_back(null ? 1 : 0);
}
void pushText(LayerSnapshot::Column& c, std::string v) {
    c.texts.push_back(std::move(v));
    c.isNull.push_back(0);
}

} // namespace

std::shared_ptr<const LayerSnapshot> makeGapLayer(const CoverageData& data, const CoverageResult& r) {
    std::vector<LayerSnapshot::Column> cols{
        intColumn("building_id"),          textColumn("number"), intColumn("households"), intColumn("uncovered"),
        intColumn("vulnerable_uncovered"), realColumn("weight"), realColumn("nearest_m")};
    std::vector<std::int64_t> ids;
    std::vector<model::Geometry> geoms;
    for (const auto& g : r.gaps) {
        const auto& b = data.buildings[static_cast<std::size_t>(g.building)];
        if (b.footprint.isEmpty()) continue;
        ids.push_back(b.id);
        geoms.push_back(b.footprint);
        push(cols[0], b.id);
        pushText(cols[1], b.number);
        push(cols[2], g.households);
        push(cols[3], g.uncovered);
        push(cols[4], g.vulnerableUncovered);
        pushReal(cols[5], g.weight());
        pushReal(cols[6], g.nearestDistanceM);
    }
    return std::make_shared<LayerSnapshot>("coverage_gaps", model::GeomType::Polygon, std::move(cols), std::move(ids),
                                           std::vector<Vec2>{}, std::move(geoms));
}

std::shared_ptr<const LayerSnapshot> makeGridCoverageLayer(const CoverageData& data, const CoverageResult& r) {
    std::vector<LayerSnapshot::Column> cols{
        textColumn("code"),        textColumn("name"),      intColumn("households"),         intColumn("covered"),
        realColumn("covered_pct"), intColumn("vulnerable"), intColumn("vulnerable_covered"), realColumn("vulnerable_pct")};
    std::vector<std::int64_t> ids;
    std::vector<model::Geometry> geoms;
    for (const auto& row : r.byGrid) {
        const CoverageArea* grid = nullptr;
        for (const auto& g : data.grids)
            if (g.id == row.id) grid = &g;
        if (!grid || grid->boundary.isEmpty()) continue;
        ids.push_back(grid->id);
        geoms.push_back(grid->boundary);
        pushText(cols[0], grid->code);
        pushText(cols[1], grid->name);
        push(cols[2], row.households);
        push(cols[3], row.covered);
        pushReal(cols[4], std::round(row.percent() * 10) / 10); // one decimal: labels show it as it is
        push(cols[5], row.vulnerable);
        push(cols[6], row.vulnerableCovered);
        pushReal(cols[7],
                 row.vulnerable
                     ? std::round(1000.0 * static_cast<double>(row.vulnerableCovered) / static_cast<double>(row.vulnerable)) / 10
                     : std::numeric_limits<double>::quiet_NaN());
    }
    return std::make_shared<LayerSnapshot>("coverage_grids", model::GeomType::Polygon, std::move(cols), std::move(ids),
                                           std::vector<Vec2>{}, std::move(geoms));
}

std::shared_ptr<const LayerSnapshot> makeCoverageHouseholdsLayer(const CoverageData& data, const CoverageResult& r) {
    std::vector<LayerSnapshot::Column> cols{intColumn("covered"), realColumn("distance_m"), intColumn("nearest_post_id"),
                                            textColumn("reason")};
    const auto& hh = data.households;
    std::vector<std::int64_t> ids(hh.ids);
    std::vector<Vec2> pts(hh.points);
    for (std::size_t i = 0; i < hh.size(); ++i) {
        push(cols[0], r.covered[i]);
        pushReal(cols[1], r.distanceM[i]);
        if (r.nearestPost[i] >= 0) {
            push(cols[2], data.posts[static_cast<std::size_t>(r.nearestPost[i])].id);
        } else {
            cols[2].ints.push_back(0);
            cols[2].isNull.push_back(1);
        }
        pushText(cols[3], reasonCode(r.reason[i]));
    }
    return std::make_shared<LayerSnapshot>("coverage_households", model::GeomType::Point, std::move(cols), std::move(ids),
                                           std::move(pts), std::vector<model::Geometry>{});
}

} // namespace gridatlas::storage
