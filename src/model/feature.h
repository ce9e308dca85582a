#pragma once
// Features and the source interface the renderer and analyses read through.
// Executables pick concrete sources (storage); libraries above model only see these interfaces.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::model {

/// An attribute value: NULL, integer, real or UTF-8 text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

/// Text form of a value ("" for NULL; integers without decimals).
std::string toText(const Value& v);
/// Numeric form of a value; std::nullopt for NULL or non-numeric text.
std::optional<double> toNumber(const Value& v);
inline bool isNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }

enum class FieldType : std::uint8_t { Integer, Real, Text };

struct Field {
    std::string name;
    FieldType type = FieldType::Text;
    /// Holds personal data (names, phones, ID numbers): masked unless revealed.
    bool sensitive = false;
};

struct Feature {
    std::int64_t id = 0;
    Geometry geometry;
    std::vector<Value> values; ///< in the order of the request's fields
};

/// What to read: a bounding box (nullopt = everything) and the fields wanted, by name.
struct FeatureRequest {
    std::optional<Rect> bbox;
    std::vector<std::string> fields;
    bool withGeometry = true;
};

/// Forward-only cursor. next() returns false only at the end; errors throw.
class FeatureCursor {
public:
    FeatureCursor() = default;
    FeatureCursor(const FeatureCursor&) = delete;
    FeatureCursor& operator=(const FeatureCursor&) = delete;
    FeatureCursor(FeatureCursor&&) = delete;
    FeatureCursor& operator=(FeatureCursor&&) = delete;
    virtual ~FeatureCursor() = default;
    virtual bool next(Feature& out) = 0;
};

/// A layer's data: one table or view of the atlas, a file, or memory.
class FeatureSource {
public:
    FeatureSource() = default;
    FeatureSource(const FeatureSource&) = delete;
    FeatureSource& operator=(const FeatureSource&) = delete;
    FeatureSource(FeatureSource&&) = delete;
    FeatureSource& operator=(FeatureSource&&) = delete;
    virtual ~FeatureSource() = default;

    [[nodiscard]] virtual std::string name() const = 0;
    [[nodiscard]] virtual GeomType geometryType() const = 0;
    [[nodiscard]] virtual std::vector<Field> fields() const = 0;
    [[nodiscard]] virtual Rect extent() const = 0;
    /// Throws InputError naming the field when a requested field does not exist.
    [[nodiscard]] virtual std::unique_ptr<FeatureCursor> features(const FeatureRequest& request) = 0;
};

/// Opens sources by layer name for one thread. Each render worker gets its own provider,
/// so connections and PROJ contexts never cross threads.
class SourceProvider {
public:
    SourceProvider() = default;
    SourceProvider(const SourceProvider&) = delete;
    SourceProvider& operator=(const SourceProvider&) = delete;
    SourceProvider(SourceProvider&&) = delete;
    SourceProvider& operator=(SourceProvider&&) = delete;
    virtual ~SourceProvider() = default;

    /// Layer names this provider knows ("buildings", "grids", ...).
    [[nodiscard]] virtual std::vector<std::string> layerNames() const = 0;
    /// Throws InputError when the layer does not exist.
    [[nodiscard]] virtual std::unique_ptr<FeatureSource> open(const std::string& layer) = 0;
    /// Display name of the data set (the atlas name), for footers.
    [[nodiscard]] virtual std::string datasetName() const = 0;
    /// EPSG code of the coordinates the sources deliver.
    [[nodiscard]] virtual int srid() const = 0;
};

/// Creates a fresh provider on the calling thread (used by render workers).
using SourceProviderFactory = std::unique_ptr<SourceProvider> (*)(const std::string& location);

} // namespace gridatlas::model
