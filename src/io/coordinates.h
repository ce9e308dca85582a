#pragma once
// Coordinate systems of imported and exported data: PROJ CRSs (EPSG codes, WKT from a file)
// and the Chinese offset systems GCJ-02 and BD-09 (which PROJ does not know), combined into one
// pipeline that moves whole geometries between them.
#include <memory>
#include <string>

#include "io/chinese_offsets.h"
#include "model/geometry.h"

class OGRSpatialReference;

namespace gridatlas::io {

/// A coordinate system as the import/export options name it.
struct CrsSpec {
    /// GCJ-02 / BD-09 longitude/latitude; `definition` is then EPSG:4326 (the WGS84 they offset).
    OffsetSystem offset = OffsetSystem::None;
    /// What PROJ understands: "EPSG:4490", a WKT string, a PROJ string. Empty = unknown.
    std::string definition;
    /// Short form for reports and provenance: "EPSG:4547", "GCJ-02", or the CRS's name.
    std::string label;

    [[nodiscard]] bool isKnown() const { return !definition.empty(); }
    static CrsSpec epsg(int code);
};

/// Parses an --srs value: "EPSG:N" (or a bare number), "gcj02"/"GCJ-02", "bd09"/"BD-09", or a
/// PROJ string / WKT. Throws InputError naming the value when PROJ does not know it.
CrsSpec parseCrsOption(const std::string& text);
/// The CRS of a data set (nullptr or an empty reference give an unknown spec). An EPSG code is
/// used when the reference carries or can be identified as one, else its WKT.
CrsSpec crsFromOgr(const OGRSpatialReference* srs);
/// True when the CRS is geographic (degrees), e.g. to decide what "far away" means.
bool isGeographic(const CrsSpec& crs);

/// Moves coordinates from one CrsSpec to another: offset -> WGS84, PROJ, WGS84 -> offset.
/// Owns its own PROJ context: use one per thread.
class CoordinatePipeline {
public:
    CoordinatePipeline(const CrsSpec& from, const CrsSpec& to);
    CoordinatePipeline(const CoordinatePipeline&) = delete;
    CoordinatePipeline& operator=(const CoordinatePipeline&) = delete;
    CoordinatePipeline(CoordinatePipeline&&) = delete;
    CoordinatePipeline& operator=(CoordinatePipeline&&) = delete;
    ~CoordinatePipeline();

    /// Transforms every vertex in place; throws InputError with the point and both CRSs when
    /// PROJ cannot transform it.
    void apply(model::Geometry& g) const;
    [[nodiscard]] model::Vec2 apply(model::Vec2 p) const;
    /// An upper bound (metres) of the error the transform adds: PROJ's stated accuracy of the
    /// chosen operation (1 m when PROJ states none but changes datum, e.g. the WGS84 -> CGCS2000
    /// ballpark), plus the offset formulas' bound.
    [[nodiscard]] double errorBoundMetres() const { return m_errorBound; }
    [[nodiscard]] bool isIdentity() const { return m_identity; }

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    CrsSpec m_from, m_to;
    double m_errorBound = 0.0;
    bool m_identity = false;
};

} // namespace gridatlas::io
