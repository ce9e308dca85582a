#pragma once
// Geometry values in the atlas CRS (projected metres, x = easting, y = northing).
// One flat layout for every type keeps decoding and drawing allocation-light.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace gridatlas::model {

struct Vec2 {
    double x = 0.0;
    double y = 0.0;
    friend bool operator==(const Vec2&, const Vec2&) = default;
};

/// Axis-aligned rectangle; empty when xmin > xmax.
struct Rect {
    double xmin = std::numeric_limits<double>::infinity();
    double ymin = std::numeric_limits<double>::infinity();
    double xmax = -std::numeric_limits<double>::infinity();
    double ymax = -std::numeric_limits<double>::infinity();

    static Rect of(double x0, double y0, double x1, double y1) {
        return Rect{std::min(x0, x1), std::min(y0, y1), std::max(x0, x1), std::max(y0, y1)};
    }
    [[nodiscard]] bool isEmpty() const { return xmin > xmax || ymin > ymax; }
    [[nodiscard]] double width() const { return isEmpty() ? 0.0 : xmax - xmin; }
    [[nodiscard]] double height() const { return isEmpty() ? 0.0 : ymax - ymin; }
    [[nodiscard]] Vec2 center() const { return {(xmin + xmax) / 2, (ymin + ymax) / 2}; }
    void expand(Vec2 p) {
        xmin = std::min(xmin, p.x);
        ymin = std::min(ymin, p.y);
        xmax = std::max(xmax, p.x);
        ymax = std::max(ymax, p.y);
    }
    void expand(const Rect& r) {
        if (r.isEmpty()) return;
        expand(Vec2{r.xmin, r.ymin});
        expand(Vec2{r.xmax, r.ymax});
    }
    [[nodiscard]] bool intersects(const Rect& r) const {
        return !(r.xmin > xmax || r.xmax < xmin || r.ymin > ymax || r.ymax < ymin);
    }
    [[nodiscard]] bool contains(Vec2 p) const { return p.x >= xmin && p.x <= xmax && p.y >= ymin && p.y <= ymax; }
    [[nodiscard]] Rect buffered(double d) const { return Rect{xmin - d, ymin - d, xmax + d, ymax + d}; }
    friend bool operator==(const Rect&, const Rect&) = default;
};

enum class GeomType : std::uint8_t { None, Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon };

/// A geometry in a flat layout:
///  - coords: every vertex, rings closed (first == last) for polygons;
///  - ringEnds: one past the last coordinate of each ring / line / point;
///  - partEnds: one past the last ring of each polygon (polygonal types only).
/// A Point has one coordinate and one ring end.
struct Geometry {
    GeomType type = GeomType::None;
    std::vector<Vec2> coords;
    std::vector<std::uint32_t> ringEnds;
    std::vector<std::uint32_t> partEnds;

    [[nodiscard]] bool isEmpty() const { return coords.empty(); }
    [[nodiscard]] Rect bounds() const {
        Rect r;
        for (const auto& p : coords) r.expand(p);
        return r;
    }
    [[nodiscard]] std::size_t ringCount() const { return ringEnds.size(); }
    [[nodiscard]] std::uint32_t ringBegin(std::size_t i) const { return i == 0 ? 0 : ringEnds[i - 1]; }

    static Geometry point(Vec2 p) { return Geometry{GeomType::Point, {p}, {1}, {}}; }
    static Geometry lineString(std::vector<Vec2> pts) {
        const auto n = static_cast<std::uint32_t>(pts.size());
        return Geometry{GeomType::LineString, std::move(pts), {n}, {}};
    }
    /// Builds a polygon from rings (first is the exterior); rings are closed if open.
    static Geometry polygon(std::vector<std::vector<Vec2>> rings);
    /// Builds a multipolygon from polygons given as ring lists.
    static Geometry multiPolygon(const std::vector<std::vector<std::vector<Vec2>>>& polygons);
};

/// Signed area of a closed ring (positive when counter-clockwise).
double ringArea(const Vec2* pts, std::size_t n);
/// Area of a polygonal geometry (holes subtracted); 0 for other types.
double area(const Geometry& g);
/// Area-weighted centroid of a polygonal geometry (vertex mean for others).
Vec2 centroid(const Geometry& g);
/// Even-odd point-in-polygon over all rings of a polygonal geometry.
bool contains(const Geometry& g, Vec2 p);
/// A point inside a polygonal geometry, good for a label (centroid if inside, else a scanline midpoint).
Vec2 interiorPoint(const Geometry& g);

} // namespace gridatlas::model
