#include "model/geometry.h"

#include <cmath>

namespace gridatlas::model {

namespace {
void appendRing(Geometry& g, const std::vector<Vec2>& ring) {
    g.coords.insert(g.coords.end(), ring.begin(), ring.end());
    if (!ring.empty() && !(ring.front() == ring.back())) g.coords.push_back(ring.front());
    g.ringEnds.push_back(static_cast<std::uint32_t>(g.coords.size()));
}
bool isPolygonal(GeomType t) { return t == GeomType::Polygon || t == GeomType::MultiPolygon; }
} // namespace

Geometry Geometry::polygon(std::vector<std::vector<Vec2>> rings) {
    Geometry g;
    g.type = GeomType::Polygon;
    for (const auto& r : rings) appendRing(g, r);
    g.partEnds.push_back(static_cast<std::uint32_t>(g.ringEnds.size()));
    return g;
}

Geometry Geometry::multiPolygon(const std::vector<std::vector<std::vector<Vec2>>>& polygons) {
    Geometry g;
    g.type = GeomType::MultiPolygon;
    for (const auto& poly : polygons) {
        for (const auto& r : poly) appendRing(g, r);
        g.partEnds.push_back(static_cast<std::uint32_t>(g.ringEnds.size()));
    }
    return g;
}

double ringArea(const Vec2* pts, std::size_t n) {
    if (n < 3) return 0.0;
    // Shoelace relative to the first vertex: keeps precision at GK coordinates (~1e6..1e7 m).
    const Vec2 o = pts[0];
    double s = 0.0;
    for (std::size_t i = 1; i + 1 < n; ++i) {
        const double ax = pts[i].x - o.x, ay = pts[i].y - o.y;
        const double bx = pts[i + 1].x - o.x, by = pts[i + 1].y - o.y;
        s += ax * by - bx * ay;
    }
    return s / 2.0;
}

double area(const Geometry& g) {
    if (!isPolygonal(g.type)) return 0.0;
    double total = 0.0;
    std::size_t ring = 0;
    for (std::uint32_t partEnd : g.partEnds) {
        for (bool exterior = true; ring < partEnd; ++ring, exterior = false) {
            const auto b = g.ringBegin(ring);
            const double a = std::fabs(ringArea(g.coords.data() + b, g.ringEnds[ring] - b));
            total += exterior ? a : -a;
        }
    }
    return total;
}

Vec2 centroid(const Geometry& g) {
    if (g.coords.empty()) return {};
    if (isPolygonal(g.type)) {
        const Vec2 o = g.coords[0];
        double sa = 0.0, sx = 0.0, sy = 0.0;
        for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
            const auto b = g.ringBegin(r);
            const auto e = g.ringEnds[r];
            // Orientation-independent: weight each ring by its signed area, flipping holes.
            const double ringSigned = ringArea(g.coords.data() + b, e - b);
            const bool isHole = [&] {
                std::size_t first = 0;
                for (auto pe : g.partEnds) {
                    if (r < pe) return r != first;
                    first = pe;
                }
                return false;
            }();
            const double sign = ((ringSigned >= 0) != isHole) ? 1.0 : -1.0;
            for (auto i = b; i + 1 < e; ++i) {
                const double ax = g.coords[i].x - o.x, ay = g.coords[i].y - o.y;
                const double bx = g.coords[i + 1].x - o.x, by = g.coords[i + 1].y - o.y;
                const double c = (ax * by - bx * ay) * sign;
                sa += c;
                sx += (ax + bx) * c;
                sy += (ay + by) * c;
            }
        }
        if (std::fabs(sa) > 1e-12) return {o.x + sx / (3.0 * sa), o.y + sy / (3.0 * sa)};
    }
    double sx = 0.0, sy = 0.0;
    for (const auto& p : g.coords) {
        sx += p.x;
        sy += p.y;
    }
    return {sx / static_cast<double>(g.coords.size()), sy / static_cast<double>(g.coords.size())};
}

bool contains(const Geometry& g, Vec2 p) {
    if (!isPolygonal(g.type)) return false;
    bool inside = false;
    for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
        const auto b = g.ringBegin(r);
        const auto e = g.ringEnds[r];
        for (auto i = b, j = e - 1; i < e; j = i++) {
            const Vec2 a = g.coords[i], c = g.coords[j];
            if (((a.y > p.y) != (c.y > p.y)) && (p.x < (c.x - a.x) * (p.y - a.y) / (c.y - a.y) + a.x)) inside = !inside;
        }
    }
    return inside;
}

Vec2 interiorPoint(const Geometry& g) {
    const Vec2 c = centroid(g);
    if (!isPolygonal(g.type) || contains(g, c)) return c;
    // Horizontal scanline through the bounds' middle: take the midpoint of the widest inside span.
    const Rect b = g.bounds();
    const double y = (b.ymin + b.ymax) / 2;
    std::vector<double> xs;
    for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
        const auto s = g.ringBegin(r);
        const auto e = g.ringEnds[r];
        for (auto i = s, j = e - 1; i < e; j = i++) {
            const Vec2 a = g.coords[i], q = g.coords[j];
            if ((a.y > y) != (q.y > y)) xs.push_back(a.x + (y - a.y) * (q.x - a.x) / (q.y - a.y));
        }
    }
    std::sort(xs.begin(), xs.end());
    double best = -1.0;
    Vec2 result = c;
    for (std::size_t i = 0; i + 1 < xs.size(); i += 2) {
        if (xs[i + 1] - xs[i] > best) {
            best = xs[i + 1] - xs[i];
            result = {(xs[i] + xs[i + 1]) / 2, y};
        }
    }
    return result;
}

} // namespace gridatlas::model
