#pragma once
// Thin RAII helpers over GDAL/OGR for vector import and export: opening datasets with errors
// that name the file, collecting GDAL's own messages in a scope, and converting geometries
// between OGR and the model's flat layout. Reusable by every importer in src/io.
#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <memory>
#include <string>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::io {

/// Registers GDAL's drivers once per process (thread-safe).
void ensureGdalRegistered();

/// Collects GDAL errors and warnings raised on this thread while it lives, instead of letting
/// GDAL print them; callers turn them into messages with context.
class GdalMessages {
public:
    GdalMessages();
    GdalMessages(const GdalMessages&) = delete;
    GdalMessages& operator=(const GdalMessages&) = delete;
    GdalMessages(GdalMessages&&) = delete;
    GdalMessages& operator=(GdalMessages&&) = delete;
    ~GdalMessages();

    /// The most recent error (CE_Failure/CE_Fatal) text, or "".
    [[nodiscard]] std::string lastError() const;
    [[nodiscard]] const std::vector<std::string>& warnings() const { return m_warnings; }
    void clear();

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum, const char* message);
    std::vector<std::string> m_errors;
    std::vector<std::string> m_warnings;
};

/// Opens a vector dataset read-only; throws InputError "cannot open 'path': <reason>" naming the
/// file. `openOptions` are NAME=VALUE strings.
GDALDatasetUniquePtr openVectorDataset(const std::string& path, const std::vector<std::string>& openOptions = {});

/// A CSL string list (char**) owned by a vector of strings, for GDAL option arguments.
class OptionList {
public:
    OptionList() = default;
    explicit OptionList(const std::vector<std::string>& items);
    OptionList(const OptionList&) = delete;
    OptionList& operator=(const OptionList&) = delete;
    OptionList(OptionList&&) = delete;
    OptionList& operator=(OptionList&&) = delete;
    ~OptionList() = default;
    void add(const std::string& item);
    [[nodiscard]] char** get();

private:
    std::vector<std::string> m_items;
    std::vector<char*> m_ptrs;
};

/// What happened while converting an OGR geometry to the model's 2D layout.
struct GeometryNotes {
    bool droppedZ = false;     ///< Z/M values were dropped
    bool linearised = false;   ///< curves (arcs, splines) were approximated by segments
    bool mixedDropped = false; ///< a collection held parts of a lower dimension that were left out
};

/// Converts any OGR geometry to the model layout (2D): curves are linearised, Z/M dropped, a
/// GeometryCollection keeps its parts of the highest dimension as a Multi* geometry.
/// An empty geometry gives GeomType::None.
model::Geometry fromOgr(const OGRGeometry& g, GeometryNotes* notes = nullptr);
/// Converts a model geometry to a new OGR geometry (no spatial reference attached).
std::unique_ptr<OGRGeometry> toOgr(const model::Geometry& g);

/// The OGR geometry type a model type maps to.
OGRwkbGeometryType toOgrType(model::GeomType t);

} // namespace gridatlas::io
