#pragma once
// Snapping for the editing tools: the point the cursor means, within a tolerance, on the
// vertices and edges of grids, buildings and streets held in memory by the layer cache.
// Vertices win over edges (a shared corner stays one corner); among equals the nearest wins.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::storage {

class LayerSnapshot;

struct SnapResult {
    enum class Kind { None, Vertex, Edge };
    Kind kind = Kind::None;
    model::Vec2 point;     ///< the snapped point (the input point when nothing snapped)
    std::string layer;     ///< the snapshot's name
    std::int64_t featureId = 0;
    double distance = 0.0; ///< from the input point, map units
    [[nodiscard]] bool snapped() const { return kind != Kind::None; }
};

class Snapper {
public:
    /// Layers to snap to, most important first (ties in distance go to the earlier layer).
    void setLayers(std::vector<std::shared_ptr<const LayerSnapshot>> layers);
    /// Also snaps to these points (e.g. the vertices of the polygon being drawn).
    void setExtraVertices(std::vector<model::Vec2> points) { m_extra = std::move(points); }
    /// Features of `layer` with this id are ignored (the grid being edited, while it moves).
    void setIgnored(std::string layer, std::int64_t featureId);
    /// The snapped point within `tolerance` (map units) of `p`, or Kind::None.
    [[nodiscard]] SnapResult snap(model::Vec2 p, double tolerance) const;

private:
    std::vector<std::shared_ptr<const LayerSnapshot>> m_layers;
    std::vector<model::Vec2> m_extra;
    std::string m_ignoredLayer;
    std::int64_t m_ignoredId = 0;
};

/// The point of segment a-b nearest to p.
model::Vec2 nearestOnSegment(model::Vec2 p, model::Vec2 a, model::Vec2 b);

} // namespace gridatlas::storage
