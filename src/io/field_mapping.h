#pragma once
// Which source field feeds which atlas field: the import targets (atlas tables) and their
// fields, detection of the mapping from English, Chinese and OpenStreetMap field names, and
// mapping files (docs/import-export.md). Values are converted and checked here, per field,
// with messages that name the source field.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/feature.h"

namespace gridatlas::io {

enum class ImportTarget { Communities, Grids, Buildings, Units, Households, ServicePosts, Streets };

/// "buildings" -> Buildings; nullopt for an unknown name.
std::optional<ImportTarget> parseImportTarget(std::string_view name);
/// The atlas table a target writes.
const char* targetTable(ImportTarget t);
/// Every target's name, for messages ("communities, grids, ...").
std::string targetNames();

/// How a target field's value is read and checked.
enum class ValueKind { Text, Integer, Real, Bool, PostType, StreetClass, BuildingUse, FloorNumber };

struct TargetField {
    std::string_view name; ///< atlas column, or a lookup (community, grid, building, unit)
    ValueKind kind;
    bool required;             ///< a feature without it is rejected (unless a default applies)
    std::optional<double> min; ///< numeric range, inclusive
    std::optional<double> max;
    /// Source field names that mean this field, most specific first, compared ignoring ASCII case.
    std::vector<std::string_view> synonyms;
};

/// The fields of a target, in a stable order.
const std::vector<TargetField>& targetFields(ImportTarget t);
/// The field of a target by name, or nullptr.
const TargetField* findTargetField(ImportTarget t, std::string_view name);

/// One target field's source: a source field (optionally with a value table) or a constant.
struct FieldSource {
    std::string sourceField;                   ///< empty when `constant` is set
    std::optional<std::string> constant;       ///< the same value for every feature
    std::map<std::string, std::string> values; ///< source text -> atlas value (mapping files)
};

/// target field -> its source.
struct FieldMapping {
    std::map<std::string, FieldSource> fields;
    std::string key; ///< target field used to match existing rows ("" = the source's feature id)
};

/// Detects a mapping for `target` from the source's field names: exact target names first, then
/// the synonyms in order; each source field feeds at most one target field.
FieldMapping detectMapping(ImportTarget target, const std::vector<std::string>& sourceFields);

/// Reads a mapping file (JSON, see docs/import-export.md) on top of a detected mapping: entries
/// in the file replace detected ones, "null" removes one. Throws InputError naming the file and
/// line for unknown target fields, unknown source fields and malformed entries.
FieldMapping readMappingFile(const std::string& path, ImportTarget target, const std::vector<std::string>& sourceFields,
                             FieldMapping detected);

/// Converts a source value to the atlas value of `field`: numbers from text ("18", "18层", "12.5m"),
/// booleans from 1/0, yes/no, 是/否, Y/N, codes from codes and their Chinese and English names
/// (and OSM values: amenity=clinic -> health_station, highway=footway -> footpath, building=retail
/// -> commercial). NULL and blank text give NULL. Throws InputError with a reason that does not
/// name the feature (the caller adds it).
model::Value convertValue(const TargetField& field, const model::Value& v);

/// Post type for an OSM amenity/healthcare/social_facility value, or "" when it is no post.
std::string postTypeForOsm(std::string_view amenity);
/// Street class for an OSM highway value, or "" when the way is no street for the atlas.
std::string streetClassForOsm(std::string_view highway);

} // namespace gridatlas::io
