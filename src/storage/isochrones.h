#pragma once
// Service areas (isochrones) of posts: for a walk of N metres (N minutes at the walking speed)
// the street pieces reachable from the post, buffered and unioned on a fine raster traced back
// into polygons (edges within a cell of the exact buffer), or the straight-line circle. Drawn on
// the map as in-memory features.
#include <cstdint>
#include <memory>
#include <vector>

#include "model/geometry.h"
#include "storage/coverage.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class LayerSnapshot;
class StreetNetwork;

struct IsochroneOptions {
    DistanceMode mode = DistanceMode::Network;
    double meters = 0;       ///< the walk (or radius); > 0
    double bufferM = 30;     ///< half-width of the area around reachable streets
    double cellM = 0;        ///< raster cell of the buffered area; 0: a quarter of bufferM
    int circleSegments = 72; ///< straight-line circles
    double maxSnapM = 300;
};

struct Isochrone {
    std::int32_t post = -1; ///< index into CoverageData::posts
    double meters = 0;
    model::Geometry area;        ///< Polygon or MultiPolygon; empty when the post is off the network
    double reachableLengthM = 0; ///< street length within the walk (network mode)
    /// The reachable street pieces (network mode), as lines.
    std::vector<std::vector<model::Vec2>> pieces;
};

/// Service areas of `posts` (indices into data.posts). The network is built from data.streets
/// when null. Throws InputError when options.meters is not positive.
std::vector<Isochrone> computeIsochrones(const CoverageData& data, const std::vector<std::int32_t>& posts,
                                         const IsochroneOptions& options, const StreetNetwork* network = nullptr,
                                         Feedback* feedback = nullptr);

/// The isochrones as a polygon layer: columns post_id, post_name, type, meters, street_m.
std::shared_ptr<const LayerSnapshot> makeIsochroneLayer(const CoverageData& data, const std::vector<Isochrone>& isochrones);

} // namespace gridatlas::storage
