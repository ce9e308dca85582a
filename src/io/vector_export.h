#pragma once
// Exporting atlas layers to the formats users pass on: GeoPackage (one layer or the whole atlas,
// which QGIS opens with every layer), Shapefile (UTF-8 with .cpg), GeoJSON, KML, CSV (WKT),
// XLSX (WKT column), FlatGeobuf. Personal fields are masked unless revealed; rows can be
// filtered with the viewer's filter language (model/filter.h, never SQL).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/coordinates.h"
#include "model/support/feedback.h"

namespace gridatlas::storage {
class Atlas;
}

namespace gridatlas::io {

struct ExportOptions {
    std::string layer;          ///< an atlas layer, or "all"/"" (GeoPackage only: every layer)
    std::string out;            ///< output file; the format follows the extension
    std::optional<CrsSpec> srs; ///< output CRS (default: the atlas CRS; KML is always WGS84)
    std::string where;          ///< filter in the viewer's language, e.g. "floors >= 18"
    bool reveal = false;        ///< write personal fields unmasked
    bool overwrite = false;     ///< replace an existing output
};

struct ExportSummary {
    std::string driver;
    std::string crs;
    std::vector<std::pair<std::string, std::int64_t>> layers; ///< layer -> features written
    std::vector<std::string> notes;
    [[nodiscard]] std::string report() const;
};

/// The GDAL driver for an output file name (by extension); throws InputError for unknown ones.
std::string exportDriverFor(const std::string& path);

/// Writes the export through a temporary file renamed into place, so a failure leaves nothing.
ExportSummary exportAtlas(storage::Atlas& atlas, const ExportOptions& options, Feedback* feedback = nullptr);

/// Field names whose values are personal (names of staff) or sensitive flags (hardship,
/// minimum income, disability, ...) in the atlas layers: masked or left empty unless revealed.
bool isPersonalField(const std::string& layer, const std::string& field);

} // namespace gridatlas::io
