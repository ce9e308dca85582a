#pragma once
// GEOS (C API, re-entrant) for grid planning: an owned context, owned geometries, conversion from
// and to model::Geometry, and the building-based tessellation that grid boundaries follow.
// Every GEOS failure becomes a StorageError carrying GEOS's own message.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/geometry.h"

struct GEOSContextHandle_HS;
struct GEOSGeom_t;
struct GEOSPrepGeom_t;

namespace gridatlas::storage::geos {

class Context;

struct GeomDeleter {
    GEOSContextHandle_HS* handle = nullptr;
    void operator()(GEOSGeom_t* g) const;
};
using GeomPtr = std::unique_ptr<GEOSGeom_t, GeomDeleter>;

struct PreparedDeleter {
    GEOSContextHandle_HS* handle = nullptr;
    void operator()(const GEOSPrepGeom_t* g) const;
};
using PreparedPtr = std::unique_ptr<const GEOSPrepGeom_t, PreparedDeleter>;

/// One GEOS context (one per thread). Errors raised inside GEOS are kept and thrown by check().
class Context {
public:
    Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    Context(Context&&) = delete;
    Context& operator=(Context&&) = delete;
    ~Context();

    [[nodiscard]] GEOSContextHandle_HS* handle() const { return m_handle; }

    /// Takes ownership of a GEOS result; throws StorageError("what: GEOS message") when null.
    GeomPtr own(GEOSGeom_t* g, const char* what) const;

    GeomPtr fromModel(const model::Geometry& g) const;
    /// Polygonal GEOS geometry (Polygon, MultiPolygon or a collection holding polygons) to a
    /// model Polygon/MultiPolygon; empty parts dropped.
    model::Geometry toModel(const GEOSGeom_t* g) const;

    PreparedPtr prepare(const GEOSGeom_t* g) const;

    double area(const GEOSGeom_t* g) const;
    GeomPtr intersection(const GEOSGeom_t* a, const GEOSGeom_t* b) const;
    GeomPtr difference(const GEOSGeom_t* a, const GEOSGeom_t* b) const;
    GeomPtr unite(const GEOSGeom_t* a, const GEOSGeom_t* b) const;
    /// Union of many polygons (consumed).
    GeomPtr unionAll(std::vector<GeomPtr> parts) const;
    /// Union of polygons that do not overlap (edges shared exactly): much faster than unionAll.
    GeomPtr coverageUnion(std::vector<GeomPtr> parts) const;
    GeomPtr collect(std::vector<GeomPtr> parts) const;
    /// Polygonal parts only, with parts smaller than `minArea` dropped.
    GeomPtr polygonalParts(const GEOSGeom_t* g, double minArea) const;
    bool isValid(const GEOSGeom_t* g, std::string* reason, model::Vec2* where) const;
    model::Rect bounds(const GEOSGeom_t* g) const;
    [[nodiscard]] std::string lastError() const { return m_error; }

    /// Used by the C message handler.
    void setError(std::string message) { m_error = std::move(message); }

private:
    GEOSContextHandle_HS* m_handle = nullptr;
    std::string m_error;
};

/// A site of the tessellation: one building (its footprint) and the group it belongs to.
struct TessellationSite {
    model::Geometry footprint; ///< polygon in the atlas CRS
    int group = -1;            ///< grid index; -1 = no grid (its area goes to the nearest group)
};

/// Splits `region` among groups 0..groupCount-1 by a Voronoi tessellation of building footprints
/// (vertices, densified to `spacing` metres, plus centroids): each group receives the cells of its
/// buildings, then every building footprint is forced whole into its own group, so no building is
/// cut. The result tiles `region`: the parts' union is `region` and they do not overlap (up to
/// floating point noise far below 0.01 m2). A group may come back empty or in several parts;
/// sites without a group take the group of the nearest site that has one.
std::vector<GeomPtr> tessellate(const Context& ctx, const GEOSGeom_t* region, const std::vector<TessellationSite>& sites,
                                int groupCount, double spacing = 4.0);

} // namespace gridatlas::storage::geos
