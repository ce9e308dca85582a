#pragma once
// Map documents (maps/*.json): which atlas layers a map shows, in draw order, with which styles,
// plus title, extent and page defaults. Format: docs/map-and-style-format.md.
// A MapDocument is immutable once loaded; the viewer and the CLI build MapSettings from it.
#include <QColor>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/feature.h"
#include "model/json.h"
#include "render/style.h"

namespace gridatlas::render {

enum class PageSize : std::uint8_t { A4, A3 };
enum class PageOrientation : std::uint8_t { Portrait, Landscape };

/// The map's area: the union of its layers' extents, a fixed rectangle, or one layer's extent.
struct ExtentSpec {
    enum class Kind : std::uint8_t { Auto, Fixed, Layer };
    Kind kind = Kind::Auto;
    model::Rect rect;     ///< Fixed
    std::string layer;    ///< Layer: a layer name of the map, or else an atlas source name
    double margin = 0.04; ///< added on every side, as a fraction of the larger side
    int line = 0;
};

/// Page defaults of the printed chart; command-line options override them.
struct PageSpec {
    std::optional<PageSize> size;
    std::optional<PageOrientation> orientation;
    std::optional<double> dpi;
    std::optional<double> scale; ///< fixed scale denominator; else the nicest that fits
};

/// field = value (or any of several values); all terms of a filter must hold.
struct FilterTerm {
    std::string field;
    std::vector<std::string> values; ///< as text; numbers without trailing zeros
    int line = 0;
};

/// Aggregate over an atlas layer for titles: {grids.count}, {buildings.sum:members},
/// {communities.values:name} (distinct values joined by "、").
struct Aggregate {
    enum class Op : std::uint8_t { Count, Sum, Values };
    std::string layer;
    Op op = Op::Count;
    std::string field;
};

/// Title text with aggregates.
struct TitleTemplate {
    struct Part {
        std::string literal;
        std::optional<Aggregate> aggregate;
    };
    std::vector<Part> parts;
    int line = 0;
    [[nodiscard]] bool isEmpty() const { return parts.empty(); }
};

/// A layer of features from the atlas, or a raster basemap file.
enum class LayerKind : std::uint8_t { Vector, Raster };

struct LayerSpec {
    std::string name;   ///< unique in the map
    LayerKind kind = LayerKind::Vector;
    std::string file;     ///< raster: the file as written
    std::string filePath; ///< raster: resolved against the map's folder ("" when missing and fallen back)
    std::string title;  ///< legend heading; falls back to the style's title, then the name
    std::string source; ///< atlas layer name (vector)
    std::string styleName; ///< as written (vector)
    std::string stylePath; ///< resolved file ("" when fallen back)
    std::shared_ptr<const Style> style;
    bool visible = true;
    double opacity = 1.0;
    double minScale = 0.0; ///< scale denominators; 0 = unbounded
    double maxScale = 0.0;
    std::vector<FilterTerm> filter;
    bool legend = true;
    std::string legendGroup; ///< consecutive layers with the same group share one legend heading
    int line = 0; ///< where the layer starts in the map file
    int sourceLine = 0;

    [[nodiscard]] std::string displayTitle() const;
};

struct MapDocument {
    std::string path; ///< as given, for messages
    TitleTemplate title;
    TitleTemplate subtitle;
    std::string description;
    ExtentSpec extent;
    PageSpec page;
    QColor background{255, 255, 255};
    std::vector<LayerSpec> layers;
    std::vector<std::string> warnings; ///< e.g. styles that fell back

    [[nodiscard]] const LayerSpec* findLayer(const std::string& name) const;
    /// The atlas layers the visible vector layers read, each once, in drawing order (what a
    /// viewer loads ahead when it opens the map).
    [[nodiscard]] std::vector<std::string> visibleSources() const;
};

struct MapLoadOptions {
    /// A missing style file becomes the plain fallback style plus a warning (the viewer);
    /// otherwise it is an error (the CLI).
    bool fallbackForMissingStyles = false;
    /// Folders searched for styles after the map's ../styles and the map's own folder.
    std::vector<std::string> styleDirs;
};

/// Parses a map document; `origin` is its path (styles resolve relative to it).
/// Throws InputError "<file>, line N: ..." on any unknown key, bad value or missing style.
MapDocument parseMapDocument(const model::JsonValue& json, const std::string& origin, const MapLoadOptions& options = {});
/// Reads and parses a map document file.
MapDocument loadMapDocument(const std::string& path, const MapLoadOptions& options = {});

/// Checks the document against the atlas: layer sources, geometry kinds, fields of styles and
/// filters, the extent layer and title aggregates. Throws InputError naming the file and line,
/// e.g. "maps/x.json, line 8: layer source 'bulidings' does not exist in the atlas (layers: ...)".
void validateMapDocument(const MapDocument& doc, model::SourceProvider& provider);

/// Parses "{grids.count} ..." into a template; throws InputError (without place) when malformed.
TitleTemplate parseTitleTemplate(const std::string& text);
/// The text a template was parsed from (aggregates written back as {layer.op:field}).
std::string titleTemplateText(const TitleTemplate& t);

/// Writes `doc` to `path` in the documented JSON format, through QSaveFile: a failed write
/// leaves any earlier file as it was. Loading the file gives the same document (layers, order,
/// visibility, opacity, scale ranges, styles, filters, legend settings, extent, page, titles).
/// Styles are written by the names they were loaded by while those still find the same files
/// from the new place; otherwise as a path: relative when the style is the map's folder or its
/// parent's, else absolute. Throws RenderError naming the path.
void saveMapDocument(const MapDocument& doc, const std::string& path);

} // namespace gridatlas::render
