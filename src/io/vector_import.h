#pragma once
// Importing a vector layer (any GDAL format) into one atlas table: field mapping, value checks,
// coordinates into the atlas CRS, geometry repair, idempotent upserts with provenance in
// feature_sources and a log row in imports, all in one transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/coordinates.h"
#include "io/field_mapping.h"
#include "model/support/feedback.h"

namespace gridatlas::storage {
class Atlas;
}

namespace gridatlas::io {

struct ImportOptions {
    std::string source; ///< file path (or a GDAL /vsi path)
    std::string layer;  ///< empty: the only layer (OSM: the layers that suit the target)
    ImportTarget target = ImportTarget::Buildings;
    std::string mappingFile;    ///< JSON mapping file applied over the detected mapping
    std::optional<CrsSpec> srs; ///< overrides the file's CRS; required when the file states none
    std::string key;            ///< target field to match existing rows (e.g. "number"); "" = the source's feature id
    std::string community;      ///< community code, name or id for every feature ("" = by field or location)
    std::string where;          ///< filter on the source's fields (model/filter.h), e.g. "Layer = 'FABBRI'"
    bool dryRun = false;        ///< check everything, write nothing
    bool partial = false;       ///< store the valid features even when others are rejected
    /// Re-import with deletions: rows an earlier import of the same file (and layer) brought into
    /// the target table and this version of the file no longer has are deleted, with what hangs
    /// on them (a building's units, households, residents). An automatic backup is made first.
    bool deleteMissing = false;
};

struct ImportSummary {
    std::int64_t importId = 0; ///< row in imports (0 when nothing was stored)
    std::string source;
    std::string layer;
    std::string target;
    std::string driver;
    std::string sourceCrs; ///< "EPSG:4326", "GCJ-02", a CRS name
    std::string encoding;
    double errorBoundM = 0.0;
    std::int64_t read = 0;
    std::int64_t added = 0;
    std::int64_t updated = 0;
    std::int64_t unchanged = 0;
    std::int64_t rejected = 0;
    std::int64_t skipped = 0;            ///< features not for this target (OSM ways without a highway tag, --where)
    std::int64_t deleted = 0;            ///< --delete-missing: rows no longer in the source, deleted
    std::string deletedDetail;           ///< what went with them: "12 units, 80 households, 190 residents"
    std::string backupPath;              ///< the automatic backup made before deleting
    std::vector<std::string> rejections; ///< "file 'x', layer 'y', feature 12, field 层数: 'abc' is not a number"
    std::vector<std::string> notes;      ///< repairs, dropped Z, defaults, far-away warnings
    std::vector<std::string> mapping;    ///< "floors <- 层数" lines
    bool dryRun = false;
    bool committed = false; ///< false for a dry run, and when rejections stopped a non-partial import

    /// The printed report: counts, mapping, notes, rejections (at most `maxRejections` listed).
    [[nodiscard]] std::string report(std::size_t maxRejections = 50) const;
};

/// Imports `options.source` into `atlas`. Throws InputError for problems with the whole source
/// (unreadable, no CRS without --srs, bad mapping file, unknown key); per-feature problems are
/// rejections in the summary. Cancellable through `feedback` (nothing is stored then).
ImportSummary importVector(storage::Atlas& atlas, const ImportOptions& options, Feedback* feedback = nullptr);

/// What the viewer's wizard shows before importing.
struct SourcePreview {
    std::string driver;
    std::vector<std::string> layers; ///< every layer of the file
    std::string layer;               ///< the layer(s) previewed
    std::vector<std::string> fields;
    std::vector<std::vector<std::string>> rows; ///< first rows as text, aligned with fields
    std::string crs;                            ///< label, or "" when the file states none
    std::string encoding;
    std::string geometryOrigin;
    std::int64_t featureCount = -1;
    std::vector<std::pair<std::string, std::string>> mapping; ///< target field -> source field or "= constant"
};

/// The layers of a vector file, in the file's order; throws InputError naming the file.
std::vector<std::string> listVectorLayers(const std::string& path);

SourcePreview previewSource(const std::string& path, const std::string& layer, ImportTarget target,
                            const std::string& mappingFile = {}, int maxRows = 10);

} // namespace gridatlas::io
