#pragma once
// Styles (styles/*.json): how one layer looks. Sizes are millimetres and points on paper, so the
// same style gives the same look at any dpi. The format is documented in
// docs/map-and-style-format.md. A Style is immutable once parsed and shared between threads.
#include <QColor>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/feature.h"
#include "model/json.h"

namespace gridatlas::render {

enum class GeometryKind : std::uint8_t { Point, Line, Polygon };
enum class MarkerShape : std::uint8_t { Circle, Square, Triangle, Diamond, Star, Cross, Pin, Heart };
enum class StrokeStyle : std::uint8_t { Solid, Dash, Dot, DashDot };

const char* geometryKindName(GeometryKind k);
/// The style geometry kind that draws a source geometry type (MultiPolygon -> Polygon, ...).
std::optional<GeometryKind> geometryKindOf(model::GeomType t);

/// How one class of features is drawn.
struct Symbol {
    QColor fill{0, 0, 0, 0};    ///< polygons and markers; transparent = no fill
    QColor stroke{0, 0, 0};     ///< outlines, lines, marker outlines
    double strokeWidthMm = 0.26; ///< 0 = no outline
    StrokeStyle strokeStyle = StrokeStyle::Solid;
    MarkerShape marker = MarkerShape::Circle;
    double sizeMm = 2.0;          ///< marker size (diameter or side)
    double opacity = 1.0;         ///< multiplies fill and stroke alpha
    QColor casing{0, 0, 0, 0};    ///< lines: an outline drawn under every line of the layer
    double casingWidthMm = 0.0;   ///< total casing width (wider than strokeWidthMm to show)
};

/// A class of the renderer: its symbol and legend label, plus what it matches.
struct SymbolClass {
    std::string label;
    Symbol symbol;
    std::string value;   ///< categorized: the value, as text
    double min = 0.0;    ///< graduated: min <= v <= max
    double max = 0.0;
};

enum class RendererType : std::uint8_t { Single, Categorized, Graduated, Heatmap };

/// A colour ramp: stops at positions 0..1, ascending.
struct RampStop {
    double at = 0.0;
    QColor color;
};

/// Point density drawn as a colour ramp: each point spreads a kernel of `radius` (paper mm,
/// or ground metres), optionally weighted by a field; the density is coloured from the ramp
/// between 0 and `max` (0: the largest density in view).
struct HeatmapSpec {
    double radiusMm = 0.0;   ///< kernel radius on paper, or
    double radiusM = 0.0;    ///< on the ground (metres)
    std::string weight;      ///< numeric field weighting each point; empty: 1 each
    double max = 0.0;        ///< density at the ramp's top; 0: the view's maximum
    std::vector<RampStop> ramp;
    /// The ramp's colour at t in [0, 1] (linear between stops, premultiplied interpolation).
    [[nodiscard]] QColor colorAt(double t) const;
};

/// Chooses the symbol class of a feature from one field.
struct Renderer {
    RendererType type = RendererType::Single;
    std::string field;                ///< categorized / graduated
    std::vector<SymbolClass> classes; ///< single: exactly one
    std::optional<SymbolClass> other; ///< features no class matches ("default"); else not drawn
    std::vector<QColor> palette;      ///< categorized: fills for values without a class
    Symbol base;                      ///< the style's "symbol"; palette slots use it with their fill
    HeatmapSpec heatmap;              ///< type Heatmap (one class: its legend label)
};

enum class LabelPlacement : std::uint8_t { Center, Around, Below, Above, Line };

/// A label text: literals and {field} references. Fields marked sensitive are masked unless the
/// map is revealed.
struct LabelTemplate {
    struct Part {
        std::string literal;
        std::string field; ///< empty for a literal
    };
    std::vector<Part> parts;
    [[nodiscard]] std::vector<std::string> fields() const;
    /// Parses "{number}" / "党员 {members}"; throws InputError (without a place) on bad braces.
    static LabelTemplate parse(const std::string& text);
};

struct LabelStyle {
    LabelTemplate text;
    double sizePt = 9.0;
    QColor color{0x22, 0x22, 0x22};
    bool bold = false;
    QColor halo{255, 255, 255, 0};  ///< transparent = no halo
    double haloWidthMm = 0.5;
    QColor background{0, 0, 0, 0};  ///< a badge behind the text; transparent = none
    QColor backgroundStroke{0, 0, 0, 0};
    double paddingMm = 0.6;
    LabelPlacement placement = LabelPlacement::Center;
    double offsetMm = 1.0;          ///< distance from the anchor (around/below/above)
    int priority = 50;              ///< higher is placed first
    double minScale = 0.0;          ///< scale denominators; 0 = unbounded
    double maxScale = 0.0;
    bool skipEmpty = false;         ///< no label when a field it uses is NULL, "" or 0
    bool fitInside = false;         ///< polygons: only where the text fits the feature's box
    double repeatMm = 0.0;          ///< lines: one label per this much line (0 = one per line)
    bool attachToPrevious = false;  ///< placed below/above the previous label of the feature, or not at all
    std::string legendLabel;        ///< when set, the legend shows a sample of this label
    std::string legendSample;
};

/// Dense layers at small scales: the features are grouped (by the value of a field, or by
/// square cells of the map) and each group is drawn as one circle whose area grows with the
/// group's value (its feature count, or the sum of a field), with optional labels that may use
/// {count} and {sum}. Closer in, the style's own symbols take over.
struct AggregateStyle {
    double beyondScale = 0.0;  ///< aggregates when the scale denominator is larger than this
    std::string by;            ///< the grouping field; empty: map cells of cellMm
    double cellMm = 10.0;      ///< cell side on paper (also for features whose `by` is NULL)
    double cellM = 0.0;        ///< cell side on the ground instead (metres; 0: use cellMm)
    std::string sum;           ///< numeric field summed per group; empty: features are counted
    Symbol symbol;             ///< the group's marker; its size comes from the value
    double minMm = 1.5;        ///< smallest marker (value > 0)
    double maxMm = 8.0;        ///< largest marker, reached at maxValue
    double maxValue = 100.0;   ///< the value drawn at maxMm; area is proportional below it
    std::vector<LabelStyle> labels; ///< templates use {count} and {sum}
    std::string legendLabel;   ///< legend row text, may hold {value}
    std::vector<double> legendValues; ///< one legend row per value (else one row at maxValue / 4)
    int line = 0;

    /// The marker size of a group's value (mm): area proportional to it, within [minMm, maxMm].
    [[nodiscard]] double sizeMm(double value) const;
};

/// A field a style reads, with the line that names it (for messages).
struct FieldRef {
    std::string name;
    int line = 0;
};

/// A parsed style file.
struct Style {
    std::string origin; ///< the file it came from
    std::vector<FieldRef> fieldRefs; ///< every field named, with its line
    GeometryKind geometry = GeometryKind::Polygon;
    std::string title;  ///< legend heading (the layer title wins when set)
    Renderer renderer;
    std::vector<LabelStyle> labels;
    double minScale = 0.0; ///< scale denominators; 0 = unbounded
    double maxScale = 0.0;
    bool obstacle = false;     ///< symbols of this layer keep labels off them
    bool legendCounts = false; ///< the legend shows feature counts per class
    std::vector<AggregateStyle> aggregates; ///< by beyondScale, ascending

    /// The aggregate drawn at a scale (the one with the largest beyondScale below it), or null
    /// when the features are drawn one by one.
    [[nodiscard]] const AggregateStyle* aggregateAt(double scaleDenominator) const;

    /// Fields the renderer and labels read (no duplicates, in first-use order).
    [[nodiscard]] std::vector<std::string> fields() const;
};

/// True when `denominator` is inside [min, max] (0 = unbounded).
bool inScaleRange(double denominator, double min, double max);

/// Parses a style from JSON. `origin` names the file in messages. Throws InputError with line.
Style parseStyle(const model::JsonValue& json, const std::string& origin);
/// Reads and parses a style file.
std::shared_ptr<const Style> loadStyle(const std::string& path);
/// The plain look used when a viewer falls back for a missing style.
std::shared_ptr<const Style> fallbackStyle(GeometryKind kind);

/// Finds the symbol slot of a feature quickly (no allocation for integer and text values).
/// Slots are the renderer's classes, then "other" (when set), then the palette colours.
class ClassMatcher {
public:
    explicit ClassMatcher(const Renderer& renderer);
    /// The slot of a value, or -1 when the feature is not drawn.
    [[nodiscard]] int classify(const model::Value& v) const;
    [[nodiscard]] int slotCount() const { return static_cast<int>(m_symbols.size()); }
    [[nodiscard]] const Symbol& symbol(int slot) const { return m_symbols[static_cast<std::size_t>(slot)]; }
    /// Index into Renderer::classes, or -1 for "other" and palette slots.
    [[nodiscard]] int classIndex(int slot) const { return slot < m_classCount ? slot : -1; }
    [[nodiscard]] int otherSlot() const { return m_otherSlot; }
    [[nodiscard]] bool isPaletteSlot(int slot) const { return slot >= m_paletteStart; }

private:
    const Renderer& m_renderer;
    std::vector<Symbol> m_symbols;
    int m_classCount = 0;
    int m_otherSlot = -1;
    int m_paletteStart = 0;
    std::unordered_map<std::string, int> m_byText;
    std::unordered_map<std::int64_t, int> m_byInt;
};

} // namespace gridatlas::render
