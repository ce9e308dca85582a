#pragma once
// Coordinate reference systems: the atlas CRS choice and PROJ transforms.
#include <memory>
#include <string>

#include "model/geometry.h"

namespace gridatlas::storage {

/// EPSG code of the CGCS2000 3-degree Gauss-Kruger zone (central meridian form, EPSG:4534-4554,
/// 75E..135E) whose central meridian is nearest to `longitude`.
int gaussKrugerZoneEpsg(double longitude);

/// A PROJ transform between two CRSs, axis order normalised to x = longitude/easting.
/// Owns its PJ_CONTEXT: use one per thread.
class CoordinateTransform {
public:
    CoordinateTransform(const std::string& fromCrs, const std::string& toCrs);
    CoordinateTransform(const CoordinateTransform&) = delete;
    CoordinateTransform& operator=(const CoordinateTransform&) = delete;
    CoordinateTransform(CoordinateTransform&&) = delete;
    CoordinateTransform& operator=(CoordinateTransform&&) = delete;
    ~CoordinateTransform();

    /// Throws InputError quoting both CRSs when the point cannot be transformed.
    [[nodiscard]] model::Vec2 apply(model::Vec2 p) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace gridatlas::storage
