#include "render/label_engine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_set>

namespace gridatlas::render {

namespace {

/// Uniform grid over the map: each cell lists the boxes that touch it, so a test looks at a
/// handful of boxes instead of all placed ones.
class BoxIndex {
public:
    explicit BoxIndex(const QRectF& bounds) : m_origin(bounds.topLeft()) {
        m_cell = std::max(32.0, std::max(bounds.width(), bounds.height()) / 128.0);
        m_cols = std::max(1, static_cast<int>(std::ceil(bounds.width() / m_cell)));
        m_rows = std::max(1, static_cast<int>(std::ceil(bounds.height() / m_cell)));
        m_cells.resize(static_cast<std::size_t>(m_cols) * static_cast<std::size_t>(m_rows));
    }
    [[nodiscard]] bool overlaps(const QRectF& box) const {
        bool hit = false;
        forCells(box, [&](std::vector<std::size_t>& cell) {
            for (auto i : cell)
                if (m_boxes[i].intersects(box)) hit = true;
        });
        return hit;
    }
    /// Total area of the indexed boxes that `box` overlaps.
    [[nodiscard]] double overlapArea(const QRectF& box) const {
        double area = 0;
        m_seen.clear();
        forCells(box, [&](std::vector<std::size_t>& cell) {
            for (auto i : cell) {
                if (!m_boxes[i].intersects(box) || !m_seen.insert(i).second) continue;
                const QRectF o = m_boxes[i].intersected(box);
                area += o.width() * o.height();
            }
        });
        return area;
    }
    void insert(const QRectF& box) {
        const std::size_t id = m_boxes.size();
        m_boxes.push_back(box);
        forCells(box, [&](std::vector<std::size_t>& cell) { cell.push_back(id); });
    }

private:
    template <class F>
    void forCells(const QRectF& box, F&& f) const {
        auto clampCol = [&](double x) { return std::clamp(static_cast<int>(std::floor((x - m_origin.x()) / m_cell)), 0, m_cols - 1); };
        auto clampRow = [&](double y) { return std::clamp(static_cast<int>(std::floor((y - m_origin.y()) / m_cell)), 0, m_rows - 1); };
        const int c0 = clampCol(box.left()), c1 = clampCol(box.right());
        const int r0 = clampRow(box.top()), r1 = clampRow(box.bottom());
        for (int r = r0; r <= r1; ++r)
            for (int c = c0; c <= c1; ++c) f(m_cells[static_cast<std::size_t>(r) * static_cast<std::size_t>(m_cols) + static_cast<std::size_t>(c)]);
    }
    QPointF m_origin;
    double m_cell = 64.0;
    int m_cols = 1;
    int m_rows = 1;
    mutable std::vector<std::vector<std::size_t>> m_cells;
    std::vector<QRectF> m_boxes;
    mutable std::unordered_set<std::size_t> m_seen; ///< a box spans several cells: count it once
};

} // namespace

LabelEngine::LabelEngine(const QRectF& bounds) : m_bounds(bounds) {}

void LabelEngine::addObstacle(const QRectF& box, bool soft) { (soft ? m_softObstacles : m_obstacles).push_back(box); }

std::size_t LabelEngine::add(const LabelRequest& request) {
    m_requests.push_back(request);
    return m_requests.size() - 1;
}

QRectF LabelEngine::boxAt(QPointF centre, QSizeF size, double angleDeg) {
    const double w = size.width(), h = size.height();
    if (angleDeg == 0.0) return QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h);
    const double a = angleDeg * M_PI / 180.0;
    const double c = std::fabs(std::cos(a)), s = std::fabs(std::sin(a));
    const double bw = w * c + h * s, bh = w * s + h * c;
    return QRectF(centre.x() - bw / 2, centre.y() - bh / 2, bw, bh);
}

namespace {

void appendCandidates(const LabelRequest& r, QPointF a, double angle, std::vector<LabelCandidate>& out) {
    const double w = r.size.width(), h = r.size.height(), d = r.offset;
    switch (r.placement) {
    case LabelPlacement::Center:
    case LabelPlacement::Line: out.push_back({a, angle}); return;
    case LabelPlacement::Below:
        out.push_back({a + QPointF(0, d + h / 2), angle});
        out.push_back({a - QPointF(0, d + h / 2), angle});
        return;
    case LabelPlacement::Above:
        out.push_back({a - QPointF(0, d + h / 2), angle});
        out.push_back({a + QPointF(0, d + h / 2), angle});
        return;
    case LabelPlacement::Around: {
        // The box keeps at least `d` from the anchor on the axis it is offset along, so it never
        // covers a marker of radius < d. Cartographic order: right first, then the diagonals.
        const double dx = d + w / 2, dy = d + h / 2, dyHalf = h / 2;
        for (const QPointF off : {QPointF(dx, 0), QPointF(dx, -dyHalf - d * 0.5), QPointF(dx, dyHalf + d * 0.5), QPointF(-dx, 0),
                                  QPointF(-dx, -dyHalf - d * 0.5), QPointF(-dx, dyHalf + d * 0.5), QPointF(0, -dy), QPointF(0, dy)})
            out.push_back({a + off, angle});
        return;
    }
    }
}

} // namespace

std::vector<LabelCandidate> LabelEngine::candidates(const LabelRequest& r) {
    std::vector<LabelCandidate> out;
    appendCandidates(r, r.anchor, r.angleDeg, out);
    for (const auto& a : r.alternatives) appendCandidates(r, a.point, a.angleDeg, out);
    return out;
}

std::vector<PlacedLabel> LabelEngine::run() const {
    // Free labels by priority; each attached label right after the label it follows.
    std::vector<std::size_t> roots;
    std::vector<std::vector<std::size_t>> children(m_requests.size());
    for (std::size_t i = 0; i < m_requests.size(); ++i) {
        const auto& parent = m_requests[i].attachTo;
        if (parent && *parent < m_requests.size() && *parent != i)
            children[*parent].push_back(i);
        else
            roots.push_back(i);
    }
    std::stable_sort(roots.begin(), roots.end(),
                     [&](std::size_t a, std::size_t b) { return m_requests[a].priority > m_requests[b].priority; });
    std::vector<std::size_t> order;
    order.reserve(m_requests.size());
    std::vector<std::size_t> stack;
    for (auto root : roots) {
        stack.assign(1, root);
        while (!stack.empty()) {
            const auto i = stack.back();
            stack.pop_back();
            order.push_back(i);
            for (auto it = children[i].rbegin(); it != children[i].rend(); ++it) stack.push_back(*it);
        }
    }
    std::vector<std::size_t> placedIndexOf(m_requests.size(), static_cast<std::size_t>(-1));
    BoxIndex placedIndex(m_bounds);
    for (const auto& o : m_obstacles) placedIndex.insert(o);
    BoxIndex softIndex(m_bounds);
    for (const auto& o : m_softObstacles) softIndex.insert(o);
    std::vector<PlacedLabel> placed;
    std::vector<LabelCandidate> centres;
    for (auto i : order) {
        const auto& r = m_requests[i];
        if (r.size.isEmpty()) continue;
        if (r.attachTo) {
            const auto parent = *r.attachTo;
            if (parent >= m_requests.size() || placedIndexOf[parent] == static_cast<std::size_t>(-1)) continue;
            const QRectF pb = placed[placedIndexOf[parent]].box;
            const double h = r.size.height();
            const QPointF below(pb.center().x(), pb.bottom() + r.offset + h / 2), above(pb.center().x(), pb.top() - r.offset - h / 2);
            if (r.placement == LabelPlacement::Above)
                centres = {{above, 0.0}, {below, 0.0}};
            else
                centres = {{below, 0.0}, {above, 0.0}};
        } else {
            centres = candidates(r);
        }
        // First keep off soft obstacles too; if no candidate allows that, take the free
        // candidate that covers the least of them (a grid name settles in a street, not on a block).
        const LabelCandidate* chosen = nullptr;
        QRectF chosenBox;
        double leastCovered = std::numeric_limits<double>::infinity();
        for (const auto& c : centres) {
            const QRectF box = boxAt(c.centre, r.size, c.angleDeg);
            if (!m_bounds.contains(box)) continue;
            if (r.within && !r.within->contains(box)) continue;
            if (placedIndex.overlaps(box)) continue;
            // An attached label keeps its side of what it follows, even over a footprint.
            const double covered = r.avoidSoftObstacles && !r.attachTo ? softIndex.overlapArea(box) : 0.0;
            if (covered < leastCovered) {
                leastCovered = covered;
                chosen = &c;
                chosenBox = box;
                if (covered == 0.0) break;
            }
        }
        if (!chosen) continue;
        placedIndex.insert(chosenBox);
        placedIndexOf[i] = placed.size();
        placed.push_back(PlacedLabel{i, chosenBox, chosen->centre, chosen->angleDeg});
    }
    return placed;
}

} // namespace gridatlas::render
