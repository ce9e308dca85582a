#pragma once
// Greedy label placement with collision avoidance. Labels are taken by priority (higher first,
// then in the order they were added); each takes its first candidate position whose box lies
// inside the map and overlaps no placed label and no obstacle, and else is dropped.
// Obstacles are hard (markers: never covered) or soft (building footprints: avoided when any
// candidate allows, else the candidate covering the least of them wins).
// Pure geometry in device pixels: the caller measures text and draws the result.
#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <cstddef>
#include <optional>
#include <vector>

#include "render/style.h"

namespace gridatlas::render {

/// A place a label may go: a point and the text's rotation there.
struct LabelAnchor {
    QPointF point;
    double angleDeg = 0.0;
};

/// A candidate box centre with its rotation.
struct LabelCandidate {
    QPointF centre;
    double angleDeg = 0.0;
};

struct LabelRequest {
    QPointF anchor;      ///< feature point (px): polygon interior point, marker centre, point on a line
    QSizeF size;         ///< the label's box before rotation, padding included (px)
    LabelPlacement placement = LabelPlacement::Center;
    double offset = 0.0; ///< gap between anchor and box for around/below/above (px)
    double angleDeg = 0.0; ///< rotation about the box centre (line labels), clockwise on screen
    int priority = 50;
    std::optional<QRectF> within; ///< the box must lie inside this too (fit_inside)
    std::vector<LabelAnchor> alternatives; ///< further anchors, tried in order after `anchor`
    bool avoidSoftObstacles = true; ///< false for labels of the soft obstacles' own layer
    /// Placed relative to another request's placed box (below/above it, by `placement`) right
    /// after it; left out when that one is. Lets a grid's staff card follow the grid's name.
    std::optional<std::size_t> attachTo;
};

struct PlacedLabel {
    std::size_t request = 0; ///< index returned by LabelEngine::add
    QRectF box;              ///< collision box: axis-aligned bounds of the (rotated) label
    QPointF center;          ///< where the label's centre goes
    double angleDeg = 0.0;
};

class LabelEngine {
public:
    /// Labels must lie fully inside `bounds` (the map's pixels).
    explicit LabelEngine(const QRectF& bounds);

    /// A box labels keep off: always when hard (a marker), when they can when soft (a footprint).
    void addObstacle(const QRectF& box, bool soft = false);
    /// Returns the request's index, which PlacedLabel::request refers to.
    std::size_t add(const LabelRequest& request);
    [[nodiscard]] std::size_t size() const { return m_requests.size(); }

    /// Places the labels; the boxes returned never overlap each other or an obstacle.
    [[nodiscard]] std::vector<PlacedLabel> run() const;

    /// Candidate centres in order of preference (right, upper right, lower right, left, ...
    /// for "around"; the anchor for "center" and "line"), for the anchor, then each alternative.
    [[nodiscard]] static std::vector<LabelCandidate> candidates(const LabelRequest& r);
    /// The axis-aligned box of a label of `size` rotated by `angleDeg` about `centre`.
    [[nodiscard]] static QRectF boxAt(QPointF centre, QSizeF size, double angleDeg);

private:
    QRectF m_bounds;
    std::vector<QRectF> m_obstacles;
    std::vector<QRectF> m_softObstacles;
    std::vector<LabelRequest> m_requests;
};

} // namespace gridatlas::render
